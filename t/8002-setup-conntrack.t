#!/bin/sh
# setup.sh's conntrack step, inside a network namespace of the test's own
# so that the host's nftables ruleset and sysctls are not touched.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "setup.sh needs root"
for b in unshare nft nginx spawn-fcgi /usr/sbin/fcgiwrap curl; do
	command -v "$b" >/dev/null 2>&1 || skip_all "needs $b"
done
[ -f /proc/sys/net/netfilter/nf_conntrack_acct ] ||
    skip_all "no conntrack in this kernel"
S=$SRCDIR
chmod 755 "$T"

# Everything that must see the namespace runs in one script inside it;
# it writes what it found as "key value" lines.
cat >"$T/inner.sh" <<INNER
set -u
export BIN_DIR=$T/bin PREFIX=$T/opt DATA_DIR=$T/data CONF_DIR=$T/etc \\
    CRON_DIR=$T/cron MAN_DIR=$T/man NGINX_DIR=$T/nginx RUN_DIR=$T/run \\
    SYSTEMD_DIR=$T/systemd SYSCTL_DIR=$T/sysctl MODULES_DIR=$T/modules \\
    PORT=8080
ip link set lo up
mkdir -p $T/nginx/sites-enabled $T/ngx
printf '%s\n' 'user www-data;' 'worker_processes 1;' \\
    'pid $T/ngx/nginx.pid;' 'error_log $T/ngx/error.log;' \\
    'events { worker_connections 64; }' \\
    'http { include /etc/nginx/mime.types; access_log off;' \\
    'client_body_temp_path $T/ngx/body; fastcgi_temp_path $T/ngx/fcgi;' \\
    'proxy_temp_path $T/ngx/proxy; uwsgi_temp_path $T/ngx/uwsgi;' \\
    'scgi_temp_path $T/ngx/scgi; include $T/nginx/sites-enabled/*; }' \\
    >$T/nginx/nginx.conf
$S/setup.sh --skip-deps --iface lo >$T/out 2>&1
echo "setup \$?"
echo "acct_after \$(cat /proc/sys/net/netfilter/nf_conntrack_acct)"
nft list table inet bwmon >/dev/null 2>&1; echo "table \$?"
echo "bootfile \$(grep -c '^net.netfilter.nf_conntrack_acct = 1\$' $T/sysctl/60-bwmon.conf)"
# A flow on loopback is tracked.
curl -s -o /dev/null http://127.0.0.1:8080/api/ifaces
echo "count \$(cat /proc/sys/net/netfilter/nf_conntrack_count)"
$S/setup.sh --skip-deps --iface lo >$T/out2 2>&1
echo "again \$?"
echo "tables \$(nft list tables | grep -c 'inet bwmon')"
$S/uninstall.sh >$T/out3 2>&1
echo "uninstall \$?"
nft list table inet bwmon >/dev/null 2>&1; echo "table_after \$?"
[ -f $T/ngx/nginx.pid ] && kill \$(cat $T/ngx/nginx.pid)
[ -f $T/run/fcgiwrap.pid ] && kill \$(cat $T/run/fcgiwrap.pid)
exit 0
INNER
unshare -n sh "$T/inner.sh" >"$T/facts" 2>&1
ok $? "the namespace ran"
fact() { sed -n "s/^$1 //p" "$T/facts"; }
is "$(fact setup)" 0 "setup.sh succeeds"
[ "$(fact setup)" = 0 ] || sed 's/^/# /' "$T/out" "$T/facts"
is "$(fact acct_after)" 1 "conntrack accounting is on"
is "$(fact bootfile)" 1 "and a sysctl.d file keeps it on at boot"
is "$(fact table)" 0 "the table inet bwmon exists"
like "$(cat "$T/out")" "added the accept-only nftables table" "setup says what it added"
[ "$(fact count)" -ge 1 ] 2>/dev/null
ok $? "a loopback flow is tracked ($(fact count) entries)"
is "$(fact again)" 0 "a second run succeeds"
is "$(fact tables)" 1 "and leaves one table, not two"
is "$(fact uninstall)" 0 "uninstall.sh succeeds"
is "$(fact table_after)" 1 "the table is gone"
[ ! -e "$T/sysctl/60-bwmon.conf" ] && [ ! -e "$T/modules/bwmon.conf" ]
ok $? "the sysctl and module files are gone"

done_testing
