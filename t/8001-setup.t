#!/bin/sh
# setup.sh and uninstall.sh into a throwaway prefix, as root.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "setup.sh needs root"
for b in nginx spawn-fcgi /usr/sbin/fcgiwrap curl openssl; do
	command -v "$b" >/dev/null 2>&1 || skip_all "needs $b"
done
S=$SRCDIR
export BIN_DIR=$T/bin PREFIX=$T/opt DATA_DIR=$T/data CONF_DIR=$T/etc \
    CRON_DIR=$T/cron MAN_DIR=$T/man NGINX_DIR=$T/nginx RUN_DIR=$T/run \
    SYSTEMD_DIR=$T/systemd SYSCTL_DIR=$T/sysctl MODULES_DIR=$T/modules
# nginx's workers and fcgiwrap run as www-data: let them reach $T.
chmod 755 "$T"
# An nginx of the test's own, shaped like Debian's /etc/nginx.
mkdir -p "$NGINX_DIR/sites-enabled" "$NGINX_DIR/sites-available" "$T/ngx"
cat >"$NGINX_DIR/nginx.conf" <<NGX
user www-data;
worker_processes 1;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	access_log off;
	client_body_temp_path $T/ngx/body;
	fastcgi_temp_path $T/ngx/fastcgi;
	proxy_temp_path $T/ngx/proxy;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	include $NGINX_DIR/sites-enabled/*;
}
NGX
stop_servers() {
	[ -f "$T/ngx/nginx.pid" ] && kill "$(cat "$T/ngx/nginx.pid")" 2>/dev/null
	[ -f "$RUN_DIR/fcgiwrap.pid" ] && kill "$(cat "$RUN_DIR/fcgiwrap.pid")" 2>/dev/null
	[ -f "$RUN_DIR/bwprocs-lo.pid" ] && kill "$(cat "$RUN_DIR/bwprocs-lo.pid")" 2>/dev/null
	rm -rf "$T"
}
trap stop_servers EXIT
[ -z "${KEEP_T:-}" ] || trap - EXIT
# A free loopback port.
PORT=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1")->sockport')
export PORT

"$S/setup.sh" --help >"$T/out"; ok $? "--help exits 0"
like "$(cat "$T/out")" '^usage: sudo ./setup.sh' "--help prints usage"
"$S/setup.sh" --bogus 2>"$T/err"; is $? 2 "an unknown flag is a usage error"
"$S/setup.sh" --skip-deps --iface ../x 2>"$T/err"; is $? 2 "a bad --iface is a usage error"
"$S/setup.sh" --skip-deps --port 99999 2>"$T/err"; is $? 2 "a bad --port is a usage error"
"$S/setup.sh" --skip-deps --server-name 'a;b' 2>"$T/err"; is $? 2 "a bad --server-name is a usage error"
"$S/setup.sh" --skip-deps --iface nosuch0 2>"$T/err"; st=$?
is $st 1 "a missing --iface fails"
like "$(cat "$T/err")" 'nosuch0 does not exist.*lo' "and lists the interfaces"

"$S/setup.sh" --skip-deps --no-conntrack --iface lo >"$T/out" 2>&1; st=$?
is $st 0 "setup.sh installs into the throwaway prefix"
[ $st -eq 0 ] || sed 's/^/# /' "$T/out"
for p in bwcollect bwhistory bwtotal; do
	"$BIN_DIR/$p" -V >/dev/null; ok $? "$p runs from BIN_DIR"
done
[ -f "$MAN_DIR/man8/bwcollect.8" ]; ok $? "man pages installed"
[ -x "$PREFIX/cgi/history.cgi" ]; ok $? "CGIs installed into PREFIX"

# The installed unit points at the installed paths and stays hardened.
grep -q "^ExecStart=$BIN_DIR/bwprocs " "$SYSTEMD_DIR/bwprocs@.service"
ok $? "the installed unit runs the installed bwprocs"
grep -q "^ReadWritePaths=$DATA_DIR\$" "$SYSTEMD_DIR/bwprocs@.service"
ok $? "and may write the data directory"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze security --offline=yes "$SYSTEMD_DIR/bwprocs@.service" 2>&1 |
	    grep -Eq 'Overall exposure level .*(SAFE|OK)'
	ok $? "systemd-analyze security scores the installed unit OK or better"
fi

# bwprocs runs for the interface and writes its files.
kill -0 "$(cat "$RUN_DIR/bwprocs-lo.pid" 2>/dev/null)" 2>/dev/null
ok $? "bwprocs runs for the interface"
i=0
while [ ! -f "$DATA_DIR/live_lo.json" ] && [ $i -lt 40 ]; do
	i=$((i + 1)); sleep 0.25
done
[ -f "$DATA_DIR/live_lo.json" ]; ok $? "bwprocs writes live_lo.json"

# The real nginx and fcgiwrap answer every endpoint.
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
U=http://127.0.0.1:$PORT
nginx -t -c "$NGINX_DIR/nginx.conf" >/dev/null 2>&1; ok $? "nginx -t accepts the written site"
is "$(code "$U/api/ifaces")" 200 "/api/ifaces answers through nginx"
like "$(cat "$T/body")" '"ifaces"' "... with JSON"
for e in live procs "history?range=24h" spikes alerts totals heatmap; do
	c=$(code "$U/api/$e")
	case $c in 200|404) r=0 ;; *) r=1 ;; esac
	ok $r "/api/$e answers 200 or 404 through nginx (got $c)"
	like "$(cat "$T/body")" '^[{]' "... with a JSON body"
done
is "$(code "$U/api/live?iface=lo")" 200 "/api/live answers from bwprocs' file"
like "$(cat "$T/body")" '"samples"' "... with its samples"
is "$(code "$U/metrics")" 200 "/metrics answers"
like "$(cat "$T/body")" 'bwmon_' "... with bwmon series"
if [ -f "$S/cgi/www/index.html" ]; then
	is "$(code "$U/")" 200 "the page answers"
fi
like "$(cat "$T/out")" "http://127.0.0.1:$PORT/" "setup prints the URL"

# Only the names of this machine: another Host gets no data (DNS
# rebinding).
is "$(code "$U/api/ifaces" -H 'Host: evil.example')" 421 "Host: evil.example: 421"
grep -q ifaces "$T/body"
is $? 1 "... and no data"
is "$(code "$U/api/procs?iface=lo" -H "Host: evil.example:$PORT")" 421 \
    "Host: evil.example:PORT: 421"
is "$(code "$U/metrics" -H 'Host: 127.0.0.1.evil.example')" 421 \
    "a name that starts like an address: 421"
is "$(code "$U/api/ifaces" -H "Host: localhost:$PORT")" 200 "Host: localhost: 200"
is "$(code "$U/api/ifaces" -H "Host: $(hostname)")" 200 "Host: the host name: 200"
"$BIN_DIR/bwtop" -b -n 1 -d "$DATA_DIR" -i lo >"$T/top" 2>&1; st=$?
is $st 0 "bwtop -b -n 1 works from BIN_DIR"
like "$(cat "$CONF_DIR/bwmon.conf")" '^iface = lo$' "config written with the interface"
like "$(cat "$CRON_DIR/bwmon")" "$BIN_DIR/bwcollect" "cron job runs the installed bwcollect"
like "$(cat "$CRON_DIR/bwmon")" "^BWMON_DATA_DIR=$DATA_DIR\$" "cron job uses the data directory"
ls "$DATA_DIR"/state_*.json >/dev/null 2>&1; ok $? "the first sample primed the state"
[ "$(stat -c %a "$DATA_DIR")" = 755 ]; ok $? "data directory readable by all"

# Idempotent: keeps a config edit and changes no data.
echo "retention_days = 90" >>"$CONF_DIR/bwmon.conf"
# bwprocs rewrites its live files all the time: those are not "data".
sum() { (cd "$DATA_DIR" && find . -type f ! -name .bwcollect.lock \
    ! -name 'live_*' ! -name 'procs_*' | sort | xargs md5sum); }
before=$(sum)
"$S/setup.sh" --skip-deps --no-conntrack --iface lo >"$T/out" 2>&1; ok $? "a second run succeeds"
like "$(cat "$CONF_DIR/bwmon.conf")" '^retention_days = 90$' "the config edit is kept"
like "$(cat "$T/out")" "kept $CONF_DIR/bwmon.conf" "and it says so"
is "$(sum)" "$before" "the second run changes no data"
BWMON_NOW=$(($(date +%s) + 300)) "$BIN_DIR/bwcollect" -d "$DATA_DIR" -c "$CONF_DIR/bwmon.conf"
ok $? "bwcollect works from BIN_DIR"
"$BIN_DIR/bwhistory" -d "$DATA_DIR" -i lo -r 1h >/dev/null 2>&1; st=$?
[ $st -le 1 ]; ok $? "bwhistory runs from BIN_DIR"

# --auth: the page wants a password.
BWMON_PASSWORD='s3cret pass' "$S/setup.sh" --skip-deps --no-conntrack --iface lo --auth admin >"$T/out" 2>&1
st=$?
is $st 0 "setup.sh --auth succeeds"
[ $st -eq 0 ] || sed 's/^/# /' "$T/out" "$T/ngx/error.log"
grep -q auth_basic "$NGINX_DIR/sites-available/bwmon"; ok $? "the site asks for basic auth"
# nginx reloads asynchronously: give the new workers a moment.
i=0
while [ "$(code "$U/api/ifaces")" != 401 ] && [ $i -lt 40 ]; do
	i=$((i + 1)); sleep 0.25
done
is "$(code "$U/api/ifaces")" 401 "without the password: 401"
is "$(code -u 'admin:s3cret pass' "$U/api/ifaces")" 200 "with it: 200"
"$S/setup.sh" --skip-deps --no-conntrack --iface lo >"$T/out" 2>&1
st=$?
is $st 0 "setup.sh without --auth succeeds"
[ $st -eq 0 ] || sed 's/^/# /' "$T/out" "$T/ngx/error.log"
i=0
while [ "$(code "$U/api/ifaces")" != 200 ] && [ $i -lt 40 ]; do
	i=$((i + 1)); sleep 0.25
done
is "$(code "$U/api/ifaces")" 200 "setup.sh without --auth opens it again"
"$S/setup.sh" --skip-deps --no-conntrack --iface lo \
    --server-name bw.example.org --server-name=bwmon.lan >"$T/out" 2>&1
ok $? "setup.sh --server-name succeeds"
is "$(code "$U/api/ifaces" -H 'Host: bw.example.org')" 200 "Host: bw.example.org: 200"
is "$(code "$U/api/ifaces" -H 'Host: BWMON.lan')" 200 "Host: BWMON.lan: 200"
is "$(code "$U/api/ifaces" -H 'Host: evil.example')" 421 "Host: evil.example still 421"
echo "server { listen 127.0.0.1:1; }" >"$NGINX_DIR/sites-enabled/other"

"$S/uninstall.sh" >"$T/out"; ok $? "uninstall.sh succeeds"
[ ! -e "$NGINX_DIR/sites-enabled/bwmon" ] && [ ! -e "$PREFIX/cgi" ]
ok $? "nginx site, CGIs and page removed"
[ -f "$NGINX_DIR/sites-enabled/other" ]; ok $? "an unrelated nginx site is untouched"
[ ! -f "$RUN_DIR/fcgiwrap.pid" ]; ok $? "the fcgiwrap it started is stopped"
[ ! -f "$RUN_DIR/bwprocs-lo.pid" ]; ok $? "the bwprocs it started is stopped"
[ ! -e "$BIN_DIR/bwcollect" ] && [ ! -e "$CRON_DIR/bwmon" ]
ok $? "programs and cron job removed"
[ -d "$DATA_DIR" ] && [ -f "$CONF_DIR/bwmon.conf" ]; ok $? "data and config kept"
"$S/uninstall.sh" --purge-data >"$T/out"; ok $? "uninstall.sh --purge-data succeeds"
[ ! -e "$DATA_DIR" ] && [ ! -e "$CONF_DIR" ]; ok $? "--purge-data removes data and config"
"$S/uninstall.sh" --bogus 2>/dev/null; is $? 2 "uninstall: unknown flag is a usage error"

done_testing
