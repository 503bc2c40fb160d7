# Test harness for the web side: real nginx and fcgiwrap (spawned by
# spawn-fcgi) on a loopback port, from a run directory in $T, serving the
# CGIs over a data directory.  Sourced by t/70xx-*.t after t/lib.sh, and
# by bench/web.sh (which sets T and SRCDIR itself).
#
#   web_need               skip_all unless nginx, spawn-fcgi, fcgiwrap and
#                          curl are installed (and the CGIs built)
#   web_start DATADIR      start both; sets WEB_PORT and WEB_URL.  The CGIs
#                          get TZ, BWMON_NOW and BWMON_PROC from the
#                          environment of the caller, when set, and
#                          BWMON_CONF (default: an empty file)
#   web_up DATADIR         web_start, or "Bail out!": a test cannot go on
#   web_get PATH [ARGS]    curl WEB_URL/PATH (extra curl ARGS allowed):
#                          prints the status, leaves $WEB/body and
#                          $WEB/headers
#   web_header NAME        a header of the last response (no CR)
#   web_json EXPR...       each Perl expression over $j, the last body
#                          decoded as JSON, on a line of its own
#   web_log_clean          0 when the error log has no sanitizer report
#   web_stop               stop both (also run at exit)
#
# Knobs: WEB_CGIDIR (default $SRCDIR/cgi), WEB_ROOT (default
# $SRCDIR/cgi/www), WEB_FCGI_CHILDREN (1), WEB_WORKERS (1), WEB_EXTRA
# (more directives for the server block, on one line).  As root the
# CGIs run as www-data, as Debian runs them: the CGIs, the page and the
# page are copied into $T, which is made readable to it; DATADIR must be
# readable to www-data too (copy fixtures into $T).

WEB=$T/web
WEB_PORT=
WEB_URL=
FCGIWRAP=${FCGIWRAP:-/usr/sbin/fcgiwrap}

web_need() {
	for _p in nginx spawn-fcgi curl; do
		command -v "$_p" >/dev/null 2>&1 ||
		    skip_all "$_p is not installed (apt-get install nginx fcgiwrap spawn-fcgi curl)"
	done
	[ -x "$FCGIWRAP" ] || skip_all "fcgiwrap is not installed"
	ls "${WEB_CGIDIR:-$SRCDIR/cgi}"/*.cgi >/dev/null 2>&1 ||
	    skip_all "the CGIs are not built (make all)"
}

_web_nginx() {
	if [ -x /usr/sbin/nginx ]; then
		echo /usr/sbin/nginx
	else
		command -v nginx
	fi
}

# A port nothing listens on, picked at random so that parallel runs
# rarely collide; web_start retries on a collision anyway.
_web_port() {
	_p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 + 20000 ))
	while ss -Hltn "sport = :$_p" 2>/dev/null | grep -q .; do
		_p=$((_p + 1))
	done
	echo "$_p"
}

web_start() {
	_data=$1
	mkdir -p "$WEB/cgi" "$WEB/tmp" "$WEB/www"
	cp "${WEB_CGIDIR:-$SRCDIR/cgi}"/*.cgi "$WEB/cgi/"
	if [ -d "${WEB_ROOT:-$SRCDIR/cgi/www}" ]; then
		cp -R "${WEB_ROOT:-$SRCDIR/cgi/www}/." "$WEB/www/"
	fi
	if [ -z "${BWMON_CONF:-}" ]; then
		: >"$WEB/bwmon.conf"
		_conf=$WEB/bwmon.conf
	else
		_conf=$BWMON_CONF
	fi
	_env=
	for _v in TZ BWMON_NOW BWMON_PROC; do
		eval "_val=\${$_v:-}"
		[ -n "$_val" ] && _env="$_env fastcgi_param $_v $_val;"
	done
	_env="$_env ${WEB_EXTRA:-}"
	_user=
	_spawn_user=
	if [ "$(id -u)" = 0 ]; then
		_user="user www-data www-data;"
		_spawn_user="-u www-data -g www-data -U www-data -G www-data"
		chmod 0755 "$T"
		chmod -R a+rX "$T"
		# The data directory may live outside $T: it must be readable.
		chmod a+rX "$_data" 2>/dev/null
	fi
	_tries=0
	while :; do
		WEB_PORT=$(_web_port)
		sed -e "s#@LISTEN@#127.0.0.1:$WEB_PORT#" \
		    -e 's#@NAMES@#localhost ~^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$#' \
		    -e "s#@TLS@##" \
		    -e "s#@ROOT@#$WEB/www#" \
		    -e "s#@CGIDIR@#$WEB/cgi#" \
		    -e "s#@DATADIR@#$_data#" \
		    -e "s#@CONF@#$_conf#" \
		    -e "s#@SOCKET@#$WEB/fcgi.sock#" \
		    -e "s#@AUTH@##" \
		    -e "s#@ENV@#$_env#" \
		    "$SRCDIR/cgi/nginx.conf.in" >"$WEB/server.conf"
		cat >"$WEB/nginx.conf" <<EOF
$_user
worker_processes ${WEB_WORKERS:-1};
pid $WEB/nginx.pid;
error_log $WEB/error.log info;
events { worker_connections 512; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $WEB/access.log;
	client_body_temp_path $WEB/tmp/body;
	fastcgi_temp_path $WEB/tmp/fastcgi;
	proxy_temp_path $WEB/tmp/proxy;
	uwsgi_temp_path $WEB/tmp/uwsgi;
	scgi_temp_path $WEB/tmp/scgi;
	include $WEB/server.conf;
}
EOF
		if "$(_web_nginx)" -e "$WEB/error.log" -p "$WEB" \
		    -c "$WEB/nginx.conf" 2>"$WEB/nginx.err"; then
			break
		fi
		_tries=$((_tries + 1))
		if [ $_tries -ge 5 ]; then
			echo "# nginx does not start:"
			sed 's/^/#   /' "$WEB/nginx.err" "$WEB/error.log" \
			    2>/dev/null | tail -20
			return 1
		fi
	done
	trap 'web_stop; rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
	# The master writes its pid once it runs in the background.
	_i=0
	while [ ! -s "$WEB/nginx.pid" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	WEB_URL=http://127.0.0.1:$WEB_PORT
	rm -f "$WEB/fcgi.sock"
	# shellcheck disable=SC2086
	if ! spawn-fcgi -s "$WEB/fcgi.sock" -M 0660 $_spawn_user \
	    -F "${WEB_FCGI_CHILDREN:-1}" -P "$WEB/fcgi.pid" -- \
	    "$FCGIWRAP" -f >"$WEB/spawn.out" 2>&1; then
		echo "# spawn-fcgi fails:"
		sed 's/^/#   /' "$WEB/spawn.out"
		web_stop
		return 1
	fi
	return 0
}

web_get() {
	_path=$1
	shift
	curl -sS --max-time 30 -o "$WEB/body" -D "$WEB/headers" \
	    -w '%{http_code}' "$@" "$WEB_URL$_path" 2>"$WEB/curl.err" ||
	    echo "000"
}

web_up() {
	web_start "$1" || { echo "Bail out! cannot start nginx"; exit 1; }
}

web_header() {
	tr -d '\r' <"$WEB/headers" | sed -n "s/^$1: //Ip" | tail -1
}

web_json() {
	perl -MJSON::PP -e 'my $file = shift; open(my $f, "<", $file) or
	    die "$file: $!"; local $/; my $t = <$f>;
	    my $j = eval { JSON::PP->new->utf8->decode($t) };
	    for my $e (@ARGV) { my $v = defined $j ? eval $e : undef;
	    die $@ if $@; print defined $v ? $v : "undef", "\n" }' \
	    "$WEB/body" "$@"
}

web_log_clean() {
	! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' \
	    "$WEB/error.log" 2>/dev/null
}

# Stop what web_start started, by the pids it recorded.
web_stop() {
	if [ -s "$WEB/nginx.pid" ]; then
		_pid=$(cat "$WEB/nginx.pid")
		kill "$_pid" 2>/dev/null
		_i=0
		while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		rm -f "$WEB/nginx.pid"
	fi
	if [ -s "$WEB/fcgi.pid" ]; then
		for _pid in $(cat "$WEB/fcgi.pid"); do
			kill "$_pid" 2>/dev/null
		done
		rm -f "$WEB/fcgi.pid"
	fi
	return 0
}
