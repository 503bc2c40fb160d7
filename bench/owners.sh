#!/bin/sh
# bench/owners.sh: the owner history at six months of realistic churn
# (bench/owners-gen.c: 200 programs, 50 active an interval, the top 20
# kept): its bytes on disk per interface, /api/top for 1 day, 30 days and
# 6 months end to end through real nginx and fcgiwrap (t/web.sh), and
# bwtotal --by program --month, beside the targets of issue 12.  Prints
# figures; it asserts nothing.  See bench/README.md.
#
# usage: bench/owners.sh
# Environment: BENCH_TMPDIR, BENCH_REQUESTS (per figure, default 200),
# BENCH_VIEW_RUNS (bwtotal runs, 48), BENCH_OWNERS_DATA (a directory
# owners-gen filled before, to skip the 3 minutes it takes), WEB_CGIDIR,
# BWMON_BIN (where bwtotal is), CC.
set -eu

. "$(dirname "$0")/lib.sh"
NREQ=${BENCH_REQUESTS:-200}
NVIEW=${BENCH_VIEW_RUNS:-48}
BIN=${BWMON_BIN:-$SRCDIR/bwtotal}

bench_tmp ownbench
# shellcheck source=../t/web.sh
. "$SRCDIR/t/web.sh"
web_need
[ -f "$SRCDIR/lib/libbw.a" ] || skip_all "lib/libbw.a is not built (make all)"
[ -x "$BIN/bwtotal" ] || skip_all "$BIN/bwtotal is not built (make all)"

${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -I"$SRCDIR/lib" -o "$T/owners-gen" \
    "$here/owners-gen.c" "$SRCDIR/lib/libbw.a" -ljansson -lm ||
    skip_all "cannot compile bench/owners-gen.c"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/runbench" "$here/runbench.c" ||
    skip_all "cannot compile bench/runbench.c"

# --- data: 6 months of owner history and of 5-minute rows for eth0
mkdir -p "$T/data"
if [ -n "${BENCH_OWNERS_DATA:-}" ]; then
	cp "$BENCH_OWNERS_DATA"/owners*_eth0.jsonl \
	    "$BENCH_OWNERS_DATA"/cmdlines_eth0.jsonl "$T/data/"
else
	echo "generating 6 months of owner history (some 3 minutes) ..." >&2
	"$T/owners-gen" "$T/data" eth0 $NOW >"$T/gen.out"
fi
sh "$here/gen-history.sh" $NOW $ROWS 6 >"$T/data/bw_eth0.csv"

# bytes FILE: its size, 0 when missing
bytes() {
	if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}
mb() {
	awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'
}

export BWMON_NOW=$NOW
echo "starting nginx and fcgiwrap ..." >&2
web_start "$T/data" || exit 1

TOP="/api/top?iface=eth0&by=program"
echo "warming up ..." >&2
reqs warm "$TOP&range=6m" 5
rounds $((NREQ / 4)) "d1 $TOP&range=24h" "d30 $TOP&range=30d" \
    "m6 $TOP&range=6m" "rem /api/top?iface=eth0&by=remote&range=30d" \
    "stk $TOP&range=24h&n=5&buckets=150" "floor /api/live?iface=%zz"
# What each answer holds, for the table.
for w in 24h 30d 6m; do
	web_get "$TOP&range=$w" >/dev/null
	web_json '$j->{resolution_seconds} . " s, " . $j->{rows_read} .
	    " rows read, top " . $j->{rows}[0]{name}' >"$T/what.$w"
done

echo "bwtotal --by program --month ..." >&2
"$T/runbench" -n "$NVIEW" -w 2 -e "$T/bwtotal.err" -- \
    "$BIN/bwtotal" -d "$T/data" -i eth0 --by program --month \
    >"$T/bwtotal.sum"
tot_med=$(sed -n 's/.*median_ns=\([0-9]*\).*/\1/p' "$T/bwtotal.sum" |
    awk '{ printf "%.2f", $1 / 1e6 }')
tot_p90=$(sed -n 's/.*p90_ns=\([0-9]*\).*/\1/p' "$T/bwtotal.sum" |
    awk '{ printf "%.2f", $1 / 1e6 }')
tot_rss=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$T/bwtotal.sum")
tot_fail=$(sed -n 's/.*fails=\([0-9]*\).*/\1/p' "$T/bwtotal.sum")

verdict() {	# VALUE TARGET
	awk -v v="$1" -v t="$2" \
	    'BEGIN { print (v != "-" && v + 0 <= t + 0) ? "met" : "MISSED" }'
}

table() {
	echo "bwmon owner history benchmark: 6 months of eth0 at the churn of"
	echo "bench/owners-gen.c, \"now\" $NOW, TZ=UTC"
	echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	    "data on $(stat -f -c %T "$T")"
	echo
	echo "bytes on disk (eth0)"
	_all=0
	for f in owners_eth0.jsonl owners1h_eth0.jsonl owners1d_eth0.jsonl \
	    cmdlines_eth0.jsonl bw_eth0.csv; do
		_b=$(bytes "$T/data/$f")
		_all=$((_all + _b))
		printf '  %-24s %12s bytes %7s MB\n' "$f" "$_b" "$(mb "$_b")"
	done
	printf '  %-24s %12s bytes %7s MB   target <= 50 MB: %s\n' total \
	    "$_all" "$(mb "$_all")" "$(verdict "$(mb "$_all")" 50)"
	echo
	echo "requests: $(fig d1 n) per figure through nginx" \
	    "$(nginx -v 2>&1 | sed 's|.*/||') + fcgiwrap (4 interleaved" \
	    "rounds, one keep-alive connection); times in ms"
	printf '  %-36s %8s %8s %8s  %s\n' figure median p90 target ""
	printf '  %-36s %8s %8s %8s  %s\n' "/api/top range=24h" \
	    "$(fig d1 median)" "$(fig d1 p90)" 5 \
	    "$(verdict "$(fig d1 median)" 5)"
	printf '  %-36s %8s %8s %8s  %s\n' "/api/top range=30d" \
	    "$(fig d30 median)" "$(fig d30 p90)" 10 \
	    "$(verdict "$(fig d30 median)" 10)"
	printf '  %-36s %8s %8s %8s  %s\n' "/api/top range=6m" \
	    "$(fig m6 median)" "$(fig m6 p90)" 30 \
	    "$(verdict "$(fig m6 median)" 30)"
	printf '  %-36s %8s %8s %8s\n' "/api/top by=remote range=30d" \
	    "$(fig rem median)" "$(fig rem p90)" -
	printf '  %-36s %8s %8s %8s\n' "/api/top range=24h buckets=150" \
	    "$(fig stk median)" "$(fig stk p90)" -
	printf '  %-36s %8s %8s %8s\n' "floor: a 400 (start-up only)" \
	    "$(fig floor median)" "$(fig floor p90)" -
	_bad=0
	for f in d1 d30 m6 rem stk; do
		_bad=$((_bad + $(fig $f bad)))
	done
	echo "  non-200 answers among the timed requests: $_bad"
	for w in 24h 30d 6m; do
		echo "  range=$w: $(cat "$T/what.$w")"
	done
	echo
	echo "bwtotal -i eth0 --by program --month: $NVIEW runs (fork to" \
	    "wait4); times in ms"
	printf '  %-36s %8s %8s %8s  %s\n' "bwtotal --by program --month" \
	    "$tot_med" "$tot_p90" 50 "$(verdict "$tot_med" 50)"
	echo "  max RSS ${tot_rss:-?} kB, failed runs: ${tot_fail:-?}"
}

mkdir -p "$here/out"
table | tee "$here/out/owners.txt"
