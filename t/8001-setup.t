#!/bin/sh
# setup.sh and uninstall.sh into a throwaway prefix, as root, with a real
# nginx on a free port: the login it makes by default, --no-auth,
# --listen, --tls, the Host check, and runs again that keep it all.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "setup.sh needs root"
for b in nginx spawn-fcgi /usr/sbin/fcgiwrap curl openssl; do
	command -v "$b" >/dev/null 2>&1 || skip_all "needs $b"
done
S=$SRCDIR
# nginx's workers and fcgiwrap run as www-data: setup_prefix lets them
# reach $T.
setup_prefix "bwt$$w"
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
	sleep 0.3
	userdel "$BWMON_USER" 2>/dev/null
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
"$S/setup.sh" --skip-deps --iface nosuch0 2>"$T/err"; st=$?
is $st 1 "a missing --iface fails"
like "$(cat "$T/err")" 'nosuch0 does not exist.*lo' "and lists the interfaces"
for bad in "--listen eth0" "--listen 10.0.0" "--listen 1.2.3.4.5" \
    "--listen ::1;x" "--no-auth --auth x" "--no-auth --reset-password" \
    "--server-name a;b" "--tls $T/nosuch.pem $T/nosuch.key" "--tls" \
    "--skip-nginx --tls self-signed" "--skip-nginx --no-auth"; do
	# shellcheck disable=SC2086
	"$S/setup.sh" --skip-deps $bad >/dev/null 2>"$T/err"
	is $? 2 "$bad is a usage error"
done
like "$(cat "$T/err")" "--no-auth: --skip-nginx writes no site" \
    "and says why"

# setup ARGS...: setup.sh into the prefix ($T/out); shows its output
# when it fails.
setup() {
	"$S/setup.sh" --skip-deps --no-conntrack --iface lo "$@" \
	    >"$T/out" 2>&1
	_st=$?
	[ $_st -eq 0 ] || sed 's/^/# /' "$T/out" "$T/ngx/error.log"
	return $_st
}
setup; st=$?
is $st 0 "setup.sh installs into the throwaway prefix"
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

# The login it made: bwmon and a password printed once, kept root-only.
PWF=$CONF_DIR/web-password
pw=$(cat "$PWF" 2>/dev/null)
like "$pw" '^[0-9a-f]{32}$' "a 128-bit password in $PWF"
like "$(cat "$T/out")" "^setup:   user: +bwmon\$" "setup prints the user"
like "$(cat "$T/out")" "^setup:   password: $pw\$" "and the password"
like "$(cat "$T/out")" "root can read it again in $PWF" "and where it is kept"
like "$(cat "$T/out")" "password travels in clear" \
    "and warns that plain HTTP shows it to the network"
is "$(stat -c '%a %U %G' "$PWF")" "600 root root" "$PWF: 600, root's"
is "$(stat -c '%a %U %G' "$CONF_DIR/htpasswd")" "640 root www-data" \
    "htpasswd: 640, readable by nginx's group only"
like "$(cat "$CONF_DIR/htpasswd")" '^bwmon:\$6\$' "htpasswd holds a SHA-512 crypt hash"
grep -q "$pw" "$CONF_DIR/htpasswd"
is $? 1 "and not the password"
is "$(stat -c '%a %U' "$CONF_DIR/alert.env")" "600 root" "alert.env: 600, root's"
is "$(stat -c '%a' "$CONF_DIR/bwmon.conf")" 644 "bwmon.conf stays world-readable"
like "$(cat "$CONF_DIR/bwmon.conf")" "^alert_env = $CONF_DIR/alert.env\$" \
    "bwmon.conf names alert.env"

# code URL [CURL-ARGS]: the status with the login ($T/login, as setup
# wrote it), anon URL [CURL-ARGS] without; the body in $T/body.
login() { printf 'user = "%s:%s"\n' "$1" "$2" >"$T/login"; }
login bwmon "$pw"
code() { _u=$1; shift; curl -s -k -K "$T/login" -o "$T/body" -w '%{http_code}' "$@" "$_u"; }
anon() { _u=$1; shift; curl -s -k -o "$T/body" -w '%{http_code}' "$@" "$_u"; }
U=http://127.0.0.1:$PORT
nginx -t -c "$NGINX_DIR/nginx.conf" >/dev/null 2>&1; ok $? "nginx -t accepts the written site"
is "$(anon "$U/api/ifaces")" 401 "without the login: 401"
grep -q ifaces "$T/body"
is $? 1 "... and no data"
is "$(anon "$U/")" 401 "the page too"
is "$(anon "$U/metrics")" 401 "and /metrics"
is "$(anon "$U/api/procs?iface=lo")" 401 "and /api/procs"
is "$(curl -s -u "bwmon:wrong" -o /dev/null -w '%{http_code}' "$U/api/ifaces")" 401 \
    "a wrong password: 401"
is "$(code "$U/api/ifaces")" 200 "with the login: /api/ifaces answers through nginx"
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
# rebinding), with the login or without.
is "$(code "$U/api/ifaces" -H 'Host: evil.example')" 421 "Host: evil.example: 421"
grep -q ifaces "$T/body"
is $? 1 "... and no data"
is "$(anon "$U/api/procs?iface=lo" -H "Host: evil.example:$PORT")" 421 \
    "Host: evil.example:PORT, no login: 421"
is "$(code "$U/metrics" -H 'Host: 127.0.0.1.evil.example')" 421 \
    "a name that starts like an address: 421"
is "$(code "$U/api/ifaces" -H "Host: localhost:$PORT")" 200 "Host: localhost: 200"
is "$(code "$U/api/ifaces" -H "Host: $(hostname)")" 200 "Host: the host name: 200"
is "$(code "http://127.0.0.2:$PORT/api/ifaces")" 200 \
    "every IPv4 address by default (127.0.0.2)"
"$BIN_DIR/bwtop" -b -n 1 -d "$DATA_DIR" -i lo >"$T/top" 2>&1; st=$?
is $st 0 "bwtop -b -n 1 works from BIN_DIR"
like "$(cat "$CONF_DIR/bwmon.conf")" '^iface = lo$' "config written with the interface"
like "$(cat "$CRON_DIR/bwmon")" "$BIN_DIR/bwcollect" "cron job runs the installed bwcollect"
like "$(cat "$CRON_DIR/bwmon")" "^BWMON_DATA_DIR=$DATA_DIR\$" "cron job uses the data directory"
ls "$DATA_DIR"/state_*.json >/dev/null 2>&1; ok $? "the first sample primed the state"
is "$(stat -c "%U:%G %a" "$DATA_DIR")" "$BWMON_USER:www-data 750" \
    "data directory: the user's, read by the web group only"

# Idempotent: keeps a config edit, the login, and changes no data.
echo "retention_days = 90" >>"$CONF_DIR/bwmon.conf"
# A second run may let what it restarts add to the data (bwcollect's
# sample when a 5-minute boundary passed, a spike bwprocs saw, the owner
# history's interval so far) but not change or drop what was there: every
# history file still begins with what it held.  The files rewritten all
# the time (live, procs, state, totals) are not history.
rm -rf "$T/before"
cp -a "$DATA_DIR" "$T/before"
changed() {
	(cd "$T/before" && find . -type f ! -name .bwcollect.lock \
	    ! -name '*live_*' ! -name '*procs_*' ! -name 'state_*' \
	    ! -name 'ownertotals_*' ! -name '.*' | sort) |
	while read -r f; do
		n=$(wc -c <"$T/before/$f")
		cmp -s -n "$n" "$T/before/$f" "$DATA_DIR/$f" || echo "$f"
	done
}
secrets() { (cd "$CONF_DIR" && md5sum web-password htpasswd alert.env); }
secrets_before=$(secrets)
# Every command line while it runs: none may hold the password.
setup & SP=$!
: >"$T/ps"
while kill -0 "$SP" 2>/dev/null; do
	ps -eo args= >>"$T/ps"
done
wait "$SP"; ok $? "a second run succeeds"
grep -c "setup.sh --skip-deps" "$T/ps" >/dev/null
ok $? "ps saw it run ($(grep -c 'curl ' "$T/ps") curl command lines)"
grep -qF "$pw" "$T/ps"
is $? 1 "no command line held the password"
like "$(cat "$CONF_DIR/bwmon.conf")" '^retention_days = 90$' "the config edit is kept"
like "$(cat "$T/out")" "kept $CONF_DIR/bwmon.conf" "and it says so"
is "$(changed)" "" "the second run changes no data (history only grows)"
is "$(secrets)" "$secrets_before" "and keeps the password, htpasswd and alert.env as they were"
grep -qF "$pw" "$T/out"
is $? 1 "it does not print the password again"
like "$(cat "$T/out")" "user bwmon, the password in $PWF" "but says where it is"
is "$(code "$U/api/ifaces")" 200 "the same login works"
# The source: curl gets the password in a configuration on its standard
# input, never in its arguments.
grep -nE 'curl.* (-u|--user)[ =]' "$S/setup.sh"
is $? 1 "setup.sh passes no -u/--user to curl"
grep -q "curl -s -k -K - " "$S/setup.sh"
ok $? "it gives curl the login with -K - (standard input)"
BWMON_NOW=$(($(date +%s) + 300)) "$BIN_DIR/bwcollect" -d "$DATA_DIR" -c "$CONF_DIR/bwmon.conf"
ok $? "bwcollect works from BIN_DIR"
"$BIN_DIR/bwhistory" -d "$DATA_DIR" -i lo -r 1h >/dev/null 2>&1; st=$?
[ $st -le 1 ]; ok $? "bwhistory runs from BIN_DIR"

# --no-auth: open, on purpose, and said so; the Host check stays.
setup --no-auth; ok $? "setup.sh --no-auth succeeds"
is "$(anon "$U/api/ifaces")" 200 "--no-auth: no login asked"
like "$(cat "$T/out")" "warning: --no-auth: whoever reaches port $PORT sees" \
    "--no-auth warns"
is "$(anon "$U/api/ifaces" -H 'Host: evil.example')" 421 "--no-auth: Host: evil.example: 421"

# --auth USER and BWMON_PASSWORD, as before; a run again keeps both.
(BWMON_PASSWORD='s3cret "pass\'; export BWMON_PASSWORD; setup --auth admin)
ok $? "setup.sh --auth admin with BWMON_PASSWORD succeeds"
is "$(anon "$U/api/ifaces")" 401 "the login is back: 401 without it"
login admin 's3cret \"pass\\'
is "$(code "$U/api/ifaces")" 200 "admin and BWMON_PASSWORD (quote, backslash): 200"
is "$(cat "$PWF")" 's3cret "pass\' "$PWF holds the password given"
setup; ok $? "a run again without --auth"
is "$(code "$U/api/ifaces")" 200 "keeps user admin and the password"
setup --reset-password; ok $? "setup.sh --reset-password succeeds"
is "$(code "$U/api/ifaces")" 401 "the old password no longer works"
pw=$(cat "$PWF")
like "$pw" '^[0-9a-f]{32}$' "a new password"
like "$(cat "$T/out")" "^setup:   password: $pw\$" "printed once"
login admin "$pw"
is "$(code "$U/api/ifaces")" 200 "the new one works"

# --listen: one address only.
setup --listen 127.0.0.1; ok $? "setup.sh --listen 127.0.0.1 succeeds"
is "$(code "$U/api/ifaces")" 200 "it answers on 127.0.0.1"
is "$(code "http://127.0.0.2:$PORT/api/ifaces")" 000 "and not on 127.0.0.2"
like "$(cat "$T/out")" "ssh -L $PORT:127.0.0.1:$PORT" "setup says how to tunnel to it"
grep -q "password travels in clear" "$T/out"
is $? 1 "no clear-text warning for a loopback address"
# An IPv6 address (where the loopback has one).
if grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
	setup --listen ::1; ok $? "setup.sh --listen ::1 succeeds"
	is "$(code "http://[::1]:$PORT/api/ifaces")" 200 "it answers on [::1]"
	is "$(code "$U/api/ifaces")" 000 "and not on 127.0.0.1"
	like "$(cat "$T/out")" "ssh -L $PORT:\[::1\]:$PORT" "the tunnel, with brackets"
else
	echo "# no ::1 on lo: --listen ::1 not tried"
fi

# --server-name: another name.
setup --server-name bw.example.org --server-name=bwmon.lan; ok $? "setup.sh --server-name succeeds"
is "$(code "$U/api/ifaces" -H 'Host: bw.example.org')" 200 "Host: bw.example.org: 200"
is "$(code "$U/api/ifaces" -H 'Host: BWMON.lan')" 200 "Host: BWMON.lan: 200"
is "$(code "$U/api/ifaces" -H 'Host: evil.example')" 421 "Host: evil.example still 421"

# --tls self-signed: HTTPS only, on the same port.
setup --tls self-signed; ok $? "setup.sh --tls self-signed succeeds"
H=https://127.0.0.1:$PORT
is "$(code "$H/api/ifaces")" 200 "HTTPS with the login: 200"
is "$(anon "$H/api/ifaces")" 401 "HTTPS without it: 401"
c=$(anon "$U/api/ifaces")
[ "$c" != 200 ] && ! grep -q ifaces "$T/body"
ok $? "plain HTTP on the port serves no data (HTTP $c)"
is "$(anon "$H/api/ifaces" -H 'Host: evil.example')" 421 "HTTPS, Host: evil.example: 421"
C=$CONF_DIR/tls/bwmon-selfsigned
is "$(stat -c '%a %U' "$C.key")" "600 root" "the key: 600, root's"
openssl x509 -noout -in "$C.crt" -ext subjectAltName 2>/dev/null | grep -q 'IP Address:127.0.0.1'
ok $? "the certificate names 127.0.0.1"
is "$(curl -s --cacert "$C.crt" -K "$T/login" -o /dev/null -w '%{http_code}' "$H/api/ifaces")" 200 \
    "curl trusting that certificate verifies the server"
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$C.crt" | sed 's/.*=//')
like "$(cat "$T/out")" "self-signed.*SHA-256 fingerprint: $fp\$" "setup prints its fingerprint"
grep -q "password travels in clear" "$T/out"
is $? 1 "no clear-text warning over HTTPS"
certsum=$(md5sum "$C.crt" "$C.key")
setup --tls self-signed; ok $? "a run again with --tls self-signed"
is "$(md5sum "$C.crt" "$C.key")" "$certsum" "keeps the certificate"
is "$(code "$H/api/ifaces")" 200 "and serves HTTPS"

# --tls CERT KEY: the certificate given (relative paths, from the
# directory setup.sh is run in).
(cd "$T" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -days 2 -subj /CN=bwt -addext subjectAltName=IP:127.0.0.1 \
    -keyout own.key -out own.crt >/dev/null 2>&1)
ok $? "a certificate of the test's own"
(cd "$T" && "$S/setup.sh" --skip-deps --no-conntrack --iface lo \
    --tls own.crt own.key >"$T/out" 2>&1)
ok $? "setup.sh --tls CERT KEY succeeds"
is "$(curl -s --cacert "$T/own.crt" -K "$T/login" -o /dev/null -w '%{http_code}' "$H/api/ifaces")" 200 \
    "the server shows that certificate"

# Back to the defaults, from an install of before setup.sh kept the
# password: an htpasswd of --auth admin, no web-password.
rm -f "$PWF"
setup; ok $? "a run again without options, no password kept"
like "$(cat "$T/out")" "a new password replaces the one an earlier 'setup.sh --auth' set" \
    "it says that the password of an earlier --auth is replaced"
pw=$(cat "$PWF")
like "$(cat "$T/out")" "^setup:   user: +admin\$" "the user stays admin"
like "$(cat "$T/out")" "^setup:   password: $pw\$" "the new password is printed"
login admin "$pw"
is "$(code "$U/api/ifaces")" 200 "plain HTTP again, with that login"
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
[ -f "$CONF_DIR/alert.env" ]; ok $? "alert.env (the admin's tokens) kept"
[ ! -e "$PWF" ] && [ ! -e "$CONF_DIR/htpasswd" ]
ok $? "the login is gone"
[ ! -e "$CONF_DIR/tls" ]; ok $? "and the certificate setup.sh made"
"$S/uninstall.sh" --purge-data >"$T/out"; ok $? "uninstall.sh --purge-data succeeds"
[ ! -e "$DATA_DIR" ] && [ ! -e "$CONF_DIR" ]; ok $? "--purge-data removes data and config"
"$S/uninstall.sh" --bogus 2>/dev/null; is $? 2 "uninstall: unknown flag is a usage error"

done_testing
