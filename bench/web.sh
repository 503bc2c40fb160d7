#!/bin/sh
# bench/web.sh: time the web endpoints per request, end to end through
# real nginx and fcgiwrap on loopback (the test harness t/web.sh starts
# them), over 6 months of history, side by side with a model of bwmon
# v1's PHP history endpoint (bench/v1-history.php, run by php-cgi behind
# the same fcgiwrap), and load /api/live with wrk.  Prints figures; it
# asserts nothing.  See bench/README.md.
#
# usage: bench/web.sh
# Environment: BENCH_TMPDIR, BENCH_REQUESTS (per figure, default 200),
# BENCH_V1_REQUESTS (40), BENCH_WRK_SECONDS (30); WEB_CGIDIR to time
# other builds of the CGIs.
set -eu

. "$(dirname "$0")/lib.sh"
NREQ=${BENCH_REQUESTS:-200}
NV1=${BENCH_V1_REQUESTS:-40}
WRKSECS=${BENCH_WRK_SECONDS:-30}

bench_tmp webbench
# shellcheck source=../t/web.sh
. "$SRCDIR/t/web.sh"
web_need

# --- data: 6 months of rows, a fresh live file, v1 rows for the model
mkdir -p "$T/data"
sh "$here/gen-history.sh" $NOW $ROWS 6 >"$T/data/bw_eth0.csv"
# The same traffic in v1's columns, for the model, as interface "v1".
sh "$here/gen-history.sh" $NOW $ROWS 3 >"$T/data/bw_v1.csv"
awk -v now=$NOW 'BEGIN {
	printf "{\"iface\": \"eth0\", \"ts\": %d.0, \"interval_seconds\": 1, " \
	    "\"samples\": [", now - 1
	for (i = 0; i < 120; i++)
		printf "%s[%d.0, %d.0, %d.0]", i ? ", " : "", now - 120 + i,
		    2000000 + i * 1000, 500000 + i * 100
	print "]}"
}' >"$T/data/live_eth0.json"
mkdir -p "$T/proc/net"
printf 'Inter-|\n face |\n  eth0: 1000 10 0 0 0 0 0 0 2000 10 0 0 0 0 0 0\n' \
    >"$T/proc/net/dev"

php=
if command -v php-cgi >/dev/null 2>&1; then
	php=$(command -v php-cgi)
	# The model runs as a CGI: php-cgi finds itself through the #! line.
	WEB_EXTRA="location = /v1/history { set \$bwmon_cgi v1history;"
	WEB_EXTRA="$WEB_EXTRA fastcgi_pass unix:$T/web/fcgi.sock; }"
	export WEB_EXTRA
fi

export BWMON_NOW=$NOW BWMON_PROC=$T/proc
echo "starting nginx and fcgiwrap ..." >&2
web_start "$T/data" || exit 1
if [ -n "$php" ]; then
	sed "1s|.*|#!$php|" "$here/v1-history.php" >"$WEB/cgi/v1history.cgi"
	chmod 0755 "$WEB/cgi/v1history.cgi"
fi
trap 'web_stop; rm -rf "$T"' EXIT

H="/api/history?iface=eth0&range=6m"
echo "warming up ..." >&2
reqs warm "$H" 5
# The v1 model's figures only where php-cgi runs it; without, empty
# series (row() and the header ask for them).
rounds $((NREQ / 4)) "hist $H" "heat /api/heatmap?iface=eth0&range=6m" \
    "live /api/live?iface=eth0" "floor /api/live?iface=%zz" \
    ${php:+"v1 /v1/history?iface=v1&range=6m $((NV1 / 4))"}
[ -n "$php" ] || { : >"$T/t.v1"; : >"$T/s.v1"; }

wrk_out=
if command -v wrk >/dev/null 2>&1; then
	echo "wrk -t2 -c8 -d${WRKSECS}s /api/live ..." >&2
	wrk_out=$(wrk -t2 -c8 -d"${WRKSECS}s" --latency \
	    "$WEB_URL/api/live?iface=eth0" 2>&1) || true
fi

# --- the table
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0 || a == "-" || b == "-")
	    print "-"; else printf "%.1fx", a / b }'
}
row() {	# LABEL NAME [V1NAME]
	_a=$(fig "$2" median)
	_p=$(fig "$2" p90)
	_b=n/a
	_bp=n/a
	_x=
	if [ -n "$php" ] && [ -n "${3:-}" ]; then
		_b=$(fig "$3" median)
		_bp=$(fig "$3" p90)
		_x=$(ratio "$_b" "$_a")
	fi
	printf '%-34s %9s %9s %9s %9s  %s\n' "$1" "$_a" "$_p" "$_b" "$_bp" "$_x"
}
table() {
	echo "bwmon web benchmark: $ROWS rows (180 days at 300 s), TZ=UTC,"
	echo "per request through nginx $(nginx -v 2>&1 | sed 's|.*/||') +" \
	    "fcgiwrap on loopback (curl, one keep-alive connection)"
	_pv=n/a
	[ -z "$php" ] || _pv=$("$php" -v | sed -n '1s/PHP \([^ ]*\).*/\1/p')
	echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	    "data on $(stat -f -c %T "$T"), php-cgi $_pv"
	echo "requests: $(fig hist n) per bwmon figure, $(fig v1 n) for the" \
	    "v1 model (4 interleaved rounds); times in ms"
	echo
	printf '%-34s %9s %9s %9s %9s  %s\n' figure median p90 v1-median \
	    v1-p90 ratio
	row "/api/history?range=6m" hist v1
	row "/api/heatmap?range=6m" heat
	row "/api/live" live
	row "floor: a 400 (start-up only)" floor
	_bad=0
	for f in hist heat live v1; do
		[ -s "$T/s.$f" ] || continue
		_bad=$((_bad + $(fig $f bad)))
	done
	echo "non-200 answers among the timed requests: $_bad"
	echo
	if [ -n "$wrk_out" ]; then
		_rps=$(printf '%s\n' "$wrk_out" |
		    sed -n 's/^Requests\/sec: *//p')
		_tot=$(printf '%s\n' "$wrk_out" |
		    sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
		_sock=$(printf '%s\n' "$wrk_out" |
		    sed -n 's/^ *Socket errors: //p')
		_non2=$(printf '%s\n' "$wrk_out" |
		    sed -n 's/^ *Non-2xx or 3xx responses: //p')
		_p50=$(printf '%s\n' "$wrk_out" | sed -n 's/^ *50% *//p')
		_p99=$(printf '%s\n' "$wrk_out" | sed -n 's/^ *99% *//p')
		echo "wrk -t2 -c8 -d${WRKSECS}s /api/live: ${_tot:-?} requests," \
		    "${_rps:-?}/s, latency p50 ${_p50:-?} p99 ${_p99:-?}"
		echo "  socket errors: ${_sock:-none}; non-2xx: ${_non2:-0}"
	else
		echo "wrk: not installed (apt-get install wrk): n/a"
	fi
	echo
	echo "targets (issue 7):"
	_h=$(fig hist median)
	printf '  %-46s %8s ms  %s\n' "/api/history?range=6m <= 5 ms (median)" \
	    "$_h" "$(awk -v v="$_h" 'BEGIN { print (v <= 5) ? "met" : "MISSED" }')"
	if [ -n "$php" ]; then
		_v=$(fig v1 median)
		printf '  %-46s %8s    %s\n' ">= 5x faster than the v1 model" \
		    "$(ratio "$_v" "$_h")" "$(awk -v a="$_v" -v b="$_h" \
		    'BEGIN { print (a >= 5 * b) ? "met" : "MISSED" }')"
	else
		printf '  %-46s %8s\n' ">= 5x faster than the v1 model" n/a
	fi
	if [ -n "$wrk_out" ]; then
		printf '  %-46s %8s    %s\n' "wrk /api/live ${WRKSECS} s, no errors" \
		    "${_tot:-?}" "$([ -z "$_sock" ] && [ -z "$_non2" ] &&
		    [ -n "$_tot" ] && echo met || echo MISSED)"
	fi
}

mkdir -p "$here/out"
table | tee "$here/out/web.txt"
