#!/bin/sh
# bench/hosts.sh: the readers of a router's host files at six months of
# 50 devices (bench/hosts-gen.pl, kept as bwmon-files(5) says): their
# bytes on disk, /api/top?by=host for 1 day, 30 days and 6 months and
# /api/hosts and /metrics (with 50 and with 1000 devices) end to end
# through real nginx and fcgiwrap (t/web.sh), and bwtotal --by host
# --month and bwhistory --by host -r 6m.  Prints figures; it asserts
# nothing.  See bench/README.md.
#
# usage: bench/hosts.sh
# Environment: BENCH_TMPDIR, BENCH_REQUESTS (per figure, default 200),
# BENCH_VIEW_RUNS (runs of each CLI, 48), WEB_CGIDIR, CC.
set -eu

. "$(dirname "$0")/lib.sh"
NREQ=${BENCH_REQUESTS:-200}
NVIEW=${BENCH_VIEW_RUNS:-48}

bench_tmp hostbench
# shellcheck source=../t/web.sh
. "$SRCDIR/t/web.sh"
web_need
[ -x "$SRCDIR/bwtotal/bwtotal" ] || skip_all "bwtotal is not built (make all)"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/runbench" "$here/runbench.c" ||
    skip_all "cannot compile bench/runbench.c"

echo "generating 6 months of host history ..." >&2
mkdir -p "$T/data" "$T/big"
perl "$here/hosts-gen.pl" "$T/data" br-lan $NOW 50
perl "$here/hosts-gen.pl" "$T/big" br-lan $NOW 1000
rm "$T/big"/hostlog*
sh "$here/gen-history.sh" $NOW 288 6 >"$T/data/bw_br-lan.csv"
cp "$T/data/bw_br-lan.csv" "$T/big/"

bytes() {
	if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}
mb() {
	awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'
}
# cli NAME ARGS...: NVIEW timed runs; median and p90 ms, max RSS kB
cli() {
	_n=$1
	shift
	"$T/runbench" -n "$NVIEW" -w 2 -e "$T/$_n.err" -- "$@" >"$T/$_n.sum"
	for _k in median_ns p90_ns; do
		sed -n "s/.*$_k=\\([0-9]*\\).*/\\1/p" "$T/$_n.sum" |
		    awk '{ printf "%.2f ", $1 / 1e6 }'
	done >"$T/$_n.fig"
	sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$T/$_n.sum" >>"$T/$_n.fig"
}

export BWMON_NOW=$NOW TZ=UTC
echo "bwtotal and bwhistory ..." >&2
cli tot "$SRCDIR/bwtotal/bwtotal" -d "$T/data" -i br-lan --by host --month
cli h6m "$SRCDIR/bwhistory/bwhistory" -d "$T/data" -i br-lan --by host -r 6m
cli h1d "$SRCDIR/bwhistory/bwhistory" -d "$T/data" -i br-lan --by host -r 24h

echo "starting nginx and fcgiwrap ..." >&2
web_start "$T/data" || exit 1
TOP="/api/top?iface=br-lan&by=host"
reqs warm "$TOP&range=6m" 5
rounds $((NREQ / 4)) "d1 $TOP&range=24h" "d30 $TOP&range=30d" \
    "m6 $TOP&range=6m" "live /api/hosts?iface=br-lan" "met /metrics"
web_stop
web_start "$T/big" || exit 1
rounds $((NREQ / 4)) "live1k /api/hosts?iface=br-lan" "met1k /metrics"
web_stop
# Peak memory of one CGI run with 1000 devices.
rss=$(REQUEST_METHOD=GET QUERY_STRING="iface=br-lan" BWMON_DATA_DIR=$T/big \
    /usr/bin/time -f %M "${WEB_CGIDIR:-$SRCDIR/cgi}/hosts.cgi" 2>&1 \
    >/dev/null | tail -1)
mrss=$(REQUEST_METHOD=GET QUERY_STRING= BWMON_DATA_DIR=$T/big \
    /usr/bin/time -f %M "${WEB_CGIDIR:-$SRCDIR/cgi}/metrics.cgi" 2>&1 \
    >/dev/null | tail -1)

row() {	# LABEL NAME
	printf '  %-36s %8s %8s\n' "$1" "$(fig "$2" median)" "$(fig "$2" p90)"
}
table() {
	echo "bwmon host readers benchmark: 6 months of 50 devices on br-lan" \
	    "(bench/hosts-gen.pl), \"now\" $NOW, TZ=UTC"
	echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "bytes on disk (br-lan; rows only for devices that moved bytes)"
	_all=0
	for f in hostlog_br-lan.jsonl hostlog1h_br-lan.jsonl \
	    hostlog1d_br-lan.jsonl hosts_br-lan.json; do
		_b=$(bytes "$T/data/$f")
		_all=$((_all + _b))
		printf '  %-24s %12s bytes %7s MB\n' "$f" "$_b" "$(mb "$_b")"
	done
	printf '  %-24s %12s bytes %7s MB   (issue 15: <= 50 MB)\n' total \
	    "$_all" "$(mb "$_all")"
	echo
	echo "requests: $(fig d1 n) per figure through nginx + fcgiwrap" \
	    "(4 interleaved rounds); times in ms"
	printf '  %-36s %8s %8s\n' figure median p90
	row "/api/top?by=host range=24h" d1
	row "/api/top?by=host range=30d" d30
	row "/api/top?by=host range=6m" m6
	row "/api/hosts, 50 devices" live
	row "/metrics, 50 devices" met
	row "/api/hosts, 1000 devices" live1k
	row "/metrics, 1000 devices (top 50)" met1k
	_bad=0
	for f in d1 d30 m6 live met live1k met1k; do
		_bad=$((_bad + $(fig $f bad)))
	done
	echo "  non-200 answers: $_bad"
	echo "  peak RSS, 1000 devices: hosts.cgi $rss kB, metrics.cgi $mrss kB"
	echo
	echo "CLIs: $NVIEW runs each (fork to wait4); median, p90 ms, max RSS kB"
	echo "  bwtotal --by host --month        $(cat "$T/tot.fig")"
	echo "  bwhistory --by host -r 6m        $(cat "$T/h6m.fig")"
	echo "  bwhistory --by host -r 24h       $(cat "$T/h1d.fig")"
}

mkdir -p "$here/out"
table | tee "$here/out/hosts.txt"
