#!/bin/sh
# bench/owners-writer.sh: what keeping the owner history costs bwprocs.
#
# 1. Idle CPU and memory, history off against on: three bwprocs capture
#    the same idle veth at the same time, with owners_interval = 0, 300
#    (the default) and 10 (the shortest, the worst case); each first sees
#    a few seconds of traffic, so that its table has rows and
#    connections.  CPU from /proc/PID/schedstat, resident size from
#    /proc/PID/status.
# 2. The rollup child's work on six months of history (bench/owners-gen:
#    200 programs, 50 active an interval): rolling up the last hour, the
#    last day, and catching up after a week stopped; the daily trim.
#    Each is timed 5 times, on a fresh copy of the files, in a process of
#    its own (bench/owners-rollup.c), with its peak resident size.
#
# Prints figures; asserts nothing.  See bench/README.md.
# usage: bench/owners-writer.sh     (as root; run `make all` first)
# Environment: BENCH_IDLE_SECONDS (60), BWPROCS (default
# bwprocs/bwprocs), BENCH_TMPDIR.
set -u

. "$(dirname "$0")/lib.sh"
BWPROCS=${BWPROCS:-$SRCDIR/bwprocs/bwprocs}
IDLE=${BENCH_IDLE_SECONDS:-60}
END=1790000000

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, capture)"
need_cmds ip iperf3 perl cc
[ -x "$BWPROCS" ] || die "$BWPROCS is not built (make all)"
[ -f "$SRCDIR/lib/libbw.a" ] || die "lib/libbw.a is not built (make all)"
bench_tmp ownersbench

# ---- 1. idle, off and on ----
bench_pair bwo 10.216.0.1 10.216.0.2
ip netns exec "$NB" iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 1

BPS=
for iv in 0 300 10; do
	mkdir -p "$T/d$iv"
	printf 'owners_interval = %s\n' "$iv" >"$T/c$iv"
	ip netns exec "$NA" "$BWPROCS" -f -c "$T/c$iv" -d "$T/d$iv" "$IA" \
	    >/dev/null 2>"$T/e$iv" &
	eval "BP$iv=\$!"
	BPS="$BPS $!"
	PIDS="$PIDS $!"
done
sleep 3
# Rows and connections in every table, owners lines in the history.
ip netns exec "$NA" iperf3 -c 10.216.0.2 -p 5201 -t 3 -b 20M >/dev/null 2>&1
ip netns exec "$NA" iperf3 -u -c 10.216.0.2 -p 5201 -t 2 -b 2M \
    >/dev/null 2>&1
sleep 15
echo "owners-writer.sh: idle for $IDLE s" >&2
for iv in 0 300 10; do
	eval "_p=\$BP$iv"
	eval "N0_$iv=$(runns "$_p")"
done
sleep "$IDLE"
for iv in 0 300 10; do
	eval "_p=\$BP$iv"
	eval "N1_$iv=$(runns "$_p")"
	eval "RSS_$iv=$(status "$_p" VmRSS)"
	eval "HWM_$iv=$(status "$_p" VmHWM)"
done
for _p in $BPS; do
	kill -TERM "$_p"
	wait "$_p"
done

# ---- 2. rollups on six months ----
echo "owners-writer.sh: generating six months of owner history" >&2
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRCDIR/lib" -o "$T/owners-gen" \
    "$here/owners-gen.c" "$SRCDIR/lib/libbw.a" -ljansson -lm ||
    die "cannot build owners-gen"
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRCDIR/lib" -o "$T/owners-rollup" \
    "$here/owners-rollup.c" "$SRCDIR/lib/libbw.a" -ljansson -lm ||
    die "cannot build owners-rollup"
mkdir -p "$T/six"
"$T/owners-gen" "$T/six" eth0 "$END" >"$T/sizes" || die "owners-gen"
F=$T/six/owners_eth0.jsonl
H=$T/six/owners1h_eth0.jsonl
DD=$T/six/owners1d_eth0.jsonl
cp "$H" "$T/h.orig"
cp "$DD" "$T/d.orig"
lasth=$(tail -n 1 "$H" | sed 's/^{"ts":\([0-9]*\),.*/\1/')
lastd=$(tail -n 1 "$DD" | sed 's/^{"ts":\([0-9]*\),.*/\1/')

# before TS FILE OUT: the lines of FILE with a ts before TS.
before() {
	awk -v ts="$1" '{ match($0, /"ts":[0-9]+/)
	    if (substr($0, RSTART + 5, RLENGTH - 5) + 0 < ts) print }' \
	    "$2" >"$3"
}
before "$lasth" "$T/h.orig" "$T/h.hour"
before "$lastd" "$T/d.orig" "$T/d.day"
before $((lastd - 6 * 86400)) "$T/d.orig" "$T/d.week"
before $((lastd - 6 * 86400)) "$T/h.orig" "$T/h.week"

# timed LABEL HOURLY DAILY STEP...: 5 runs of the steps, each on fresh
# copies of the hourly and daily files; prints "LABEL ms-min ms-median
# ms-max periods kB" with the steps' times added up.
timed() {
	_label=$1
	_h=$2
	_d=$3
	shift 3
	for _i in 1 2 3 4 5; do
		cp "$_h" "$H"
		cp "$_d" "$DD"
		_ms=0
		_n=0
		_kb=0
		for _s in "$@"; do
			read -r _t _p _k <<-EOF
			$("$T/owners-rollup" "$T/six" eth0 "$_s" "$END")
			EOF
			_ms=$(perl -e 'print $ARGV[0] + $ARGV[1]' "$_ms" "$_t")
			_n=$((_n + _p))
			[ "$_k" -gt "$_kb" ] && _kb=$_k
		done
		echo "$_ms $_n $_kb"
	done | sort -n | awk -v l="$_label" '{ ms[NR] = $1; n = $2; kb = $3 }
	    END { printf "%-38s %8.1f %8.1f %8.1f %8d %8d\n", l, ms[1], ms[3],
	    ms[5], n, kb }'
}
echo "owners-writer.sh: timing the rollups" >&2
{
	timed "the last hour into owners1h_" "$T/h.hour" "$T/d.orig" hourly
	timed "the last day into owners1d_" "$T/h.orig" "$T/d.day" daily
	timed "a week stopped: 168 hours, 7 days" "$T/h.week" "$T/d.week" \
	    hourly daily
	timed "the daily trim (nothing old to drop)" "$T/h.orig" "$T/d.orig" \
	    trim
} >"$T/rollups"

table() {
	echo "bwprocs ($("$BWPROCS" -V 2>&1)): the owner history's cost"
	echo "$(nproc) CPUs, kernel $(uname -r), load average" \
	    "$(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo
	echo "idle $IDLE s on the same veth, three bwprocs at once:"
	printf '%-28s %12s %10s %10s\n' "owners_interval" "CPU % core" \
	    "RSS kB" "peak kB"
	for iv in 0 300 10; do
		eval "_n0=\$N0_$iv _n1=\$N1_$iv _r=\$RSS_$iv _h=\$HWM_$iv"
		perl -e 'printf "%-28s %12.4f %10d %10d\n", $ARGV[0],
		    100 * ($ARGV[2] - $ARGV[1]) / 1e9 / $ARGV[3], $ARGV[4],
		    $ARGV[5]' "$iv$( [ "$iv" = 0 ] && echo ' (off)')" \
		    "$_n0" "$_n1" "$IDLE" "$_r" "$_h"
	done
	echo "targets: no measurable change; <= 0.1 % of a core, < 10 MB"
	echo
	echo "six months of owner history (bench/owners-gen), bytes on disk:"
	sed 's/^/    /' "$T/sizes"
	awk '{ s += $2 } END { printf "    total %d (%.1f MB)\n", s, s / 1e6 }' \
	    "$T/sizes"
	echo
	echo "the rollup child's steps on it (5 runs, a fresh copy each):"
	printf '%-38s %8s %8s %8s %8s %8s\n' "step" "min ms" "median" \
	    "max ms" "periods" "peak kB"
	cat "$T/rollups"
	echo "(bwprocs runs these in a child at a lower priority, once an"
	echo "hour and once a day, and at start: the capture never waits)"
	echo
	echo "bwprocs said (owners_interval = 10):"
	sed 's/^/    /' "$T/e10"
}

mkdir -p "$here/out"
table | tee "$here/out/owners-writer.txt"
