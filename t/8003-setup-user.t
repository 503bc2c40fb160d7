#!/bin/sh
# setup.sh's least privilege, into a throwaway prefix as root: it makes
# the system user (BWMON_USER, here one of the test's own), gives it the
# data directory (mode 750, group WEB_GROUP: the CGIs read it, no one
# else), runs the cron jobs as it, names it in the unit and in
# bwmon.conf's user key, and bwprocs, started without systemd, runs as it
# with its four capabilities.  A run again gives it a file root left;
# uninstall.sh --purge-data removes the user.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "setup.sh needs root"
for b in useradd userdel getent; do
	command -v "$b" >/dev/null 2>&1 || skip_all "needs $b"
done
getent group www-data >/dev/null || skip_all "needs the group www-data"
S=$SRCDIR
U=bwt$$s
export BIN_DIR=$T/bin PREFIX=$T/opt DATA_DIR=$T/data CONF_DIR=$T/etc \
    CRON_DIR=$T/cron MAN_DIR=$T/man NGINX_DIR=$T/nginx RUN_DIR=$T/run \
    SYSTEMD_DIR=$T/systemd SYSCTL_DIR=$T/sysctl MODULES_DIR=$T/modules \
    BWMON_USER=$U
chmod 755 "$T"
stop_all() {
	[ -f "$RUN_DIR/bwprocs-lo.pid" ] &&
	    kill "$(cat "$RUN_DIR/bwprocs-lo.pid")" 2>/dev/null
	sleep 0.3
	userdel "$U" 2>/dev/null
	rm -rf "$T"
}
trap stop_all EXIT

setup() {
	"$S/setup.sh" --skip-deps --skip-nginx --no-conntrack --iface lo \
	    >"$T/out" 2>&1
	_st=$?
	[ $_st -eq 0 ] || sed 's/^/# /' "$T/out"
	return $_st
}
setup
is $? 0 "setup.sh installs into the throwaway prefix"
id -u "$U" >/dev/null 2>&1
ok $? "it created the user $U"
is "$(getent passwd "$U" | cut -d: -f7)" /usr/sbin/nologin "with no shell"
[ "$(id -u "$U")" -lt 1000 ]
ok $? "a system user (uid $(id -u "$U"))"
is "$(stat -c '%U:%G %a' "$DATA_DIR")" "$U:www-data 750" \
    "the data directory is $U's, group www-data, mode 750"
is "$(find "$DATA_DIR" -mindepth 1 ! -user "$U" | wc -l)" 0 \
    "the first sample (bwcollect as root) left $U's files"
is "$(find "$DATA_DIR" -perm /022 | wc -l)" 0 \
    "no file or directory in it is writable by group or others"
is "$(grep -Ec '^[^#].*	root	' "$CRON_DIR/bwmon")" 0 \
    "no cron job runs as root"
is "$(grep -Ec "^[^#A-Z].*	$U	$BIN_DIR/" "$CRON_DIR/bwmon")" 4 \
    "the four cron jobs run as $U"
grep -q "^User=$U\$" "$SYSTEMD_DIR/bwprocs@.service" &&
    grep -q "^Group=$U\$" "$SYSTEMD_DIR/bwprocs@.service"
ok $? "the unit runs bwprocs as $U"
grep -q "^user = $U\$" "$CONF_DIR/bwmon.conf"
ok $? "bwmon.conf names $U for bwprocs"

pid=$(cat "$RUN_DIR/bwprocs-lo.pid" 2>/dev/null)
wait_pid() {
	[ "$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' \
	    "/proc/$pid/status" 2>/dev/null)" = "$(id -u "$U")" ]
}
i=0
while ! wait_pid && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
wait_pid
ok $? "bwprocs (started by setup.sh as root, no systemd) runs as $U"
is "$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status")" \
    0000000000083004 "with its four capabilities only"

# An earlier version's root files, and a run again.
touch "$DATA_DIR/daily_totals.log"
chown root:root "$DATA_DIR/daily_totals.log"
chmod 666 "$DATA_DIR/daily_totals.log"
setup
is $? 0 "setup.sh runs again"
is "$(stat -c '%U:%G %a' "$DATA_DIR/daily_totals.log")" "$U:www-data 640" \
    "a root file left in the data directory becomes $U's, closed to others"
is "$(grep -c "^user = $U\$" "$CONF_DIR/bwmon.conf")" 1 \
    "bwmon.conf is kept"

kill "$(cat "$RUN_DIR/bwprocs-lo.pid")" 2>/dev/null
sleep 0.5
"$S/uninstall.sh" --purge-data >"$T/out" 2>&1
is $? 0 "uninstall.sh --purge-data"
id -u "$U" >/dev/null 2>&1
is $? 1 "removes the user $U"
done_testing
