#!/bin/sh
# bench/history.sh: time bwcollect, bwhistory and bwtotal over 6 months of
# 5-minute history, side by side with a model of bwmon v1's Python sampler
# and reader (bench/v1-sampler.py), in the same invocation.  Prints figures
# (medians, p90, ratios); it asserts nothing.  See bench/README.md.
#
# usage: bench/history.sh
# Environment: BWMON_BIN (dir holding bwcollect, bwhistory, bwtotal;
# default the repo's build dirs), PYTHON, CC, BENCH_TMPDIR, and the run
# counts BENCH_COLLECT_RUNS, BENCH_V1_RUNS, BENCH_VIEW_RUNS,
# BENCH_V1_VIEW_RUNS, BENCH_TRIM_RUNS; BENCH_CALLGRIND=0 skips valgrind.
set -eu

. "$(dirname "$0")/lib.sh"
top=$SRCDIR

DAY=288			# rows in a day
BTIME=1700000000
RX0=1000000000000	# counters in the state when the runs start
TX0=300000000000
RXSTEP=75000000		# bytes per 300 s run: 2 Mbit/s in,
TXSTEP=20000000		# 533 kbit/s out

# Runs are made in ROUNDS rounds, each timing every tool in turn, so that
# a burst of load elsewhere on the machine hits bwmon and the v1 model
# alike; the runs of all rounds are pooled.  Totals are rounded up to a
# multiple of ROUNDS.
ROUNDS=4
per() { echo $(((${1} + ROUNDS - 1) / ROUNDS)); }
pc=$(per "${BENCH_COLLECT_RUNS:-200}")
pv=$(per "${BENCH_V1_RUNS:-40}")
ph=$(per "${BENCH_VIEW_RUNS:-48}")
phv=$(per "${BENCH_V1_VIEW_RUNS:-20}")
pt=$(per "${BENCH_TRIM_RUNS:-8}")
# Steady state must not reach the daily trim: 300 s a run, trim at 86400 s,
# one warm-up run a round.
if [ $((ROUNDS * (pc + 1))) -ge $DAY ]; then
	pc=$((DAY / ROUNDS - 2))
fi

shm=
tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/bwmon-bench.XXXXXX")
trap 'rm -rf "$tmp" ${shm:+"$shm"}' EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------

bin() {
	if [ -n "${BWMON_BIN:-}" ]; then
		echo "$BWMON_BIN/$1"
	else
		echo "$top/$1/$1"
	fi
}
bwcollect=$(bin bwcollect)
bwhistory=$(bin bwhistory)
bwtotal=$(bin bwtotal)

py=
if [ -n "${PYTHON:-}" ]; then
	py=$PYTHON
elif [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3	# what v1 ran under on Debian
elif command -v python3 >/dev/null 2>&1; then
	# Not through a shim (pyenv): time the interpreter, not a wrapper.
	py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=
fi
if [ -n "$py" ] && ! "$py" -c 'import csv, json' >/dev/null 2>&1; then
	py=
fi
v1="$here/v1-sampler.py"

${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/runbench" \
    "$here/runbench.c" || {
	echo "history.sh: cannot compile bench/runbench.c with ${CC:-cc}" >&2
	exit 1
}
rb="$tmp/runbench"

# --- data --------------------------------------------------------------------

sh "$here/gen-history.sh" $NOW $ROWS 6 >"$tmp/hist6.csv"
sh "$here/gen-history.sh" $NOW $ROWS 3 >"$tmp/hist3.csv"
# A day more than the retention: what the daily trim finds to drop.
sh "$here/gen-history.sh" $NOW $((ROWS + DAY)) 6 >"$tmp/trim6.csv"
sh "$here/gen-history.sh" $NOW $((ROWS + DAY)) 3 >"$tmp/trim3.csv"
: >"$tmp/bwmon.conf"
mkdir -p "$tmp/proc/net"
echo "btime $BTIME" >"$tmp/proc/stat"
"$rb" -n 1 -w 0 -p "$tmp/proc:eth0:$RX0:$TX0:0:0" -- true >/dev/null

# state FORMAT TRIMMED: the counters as the last run left them at NOW.
state() {
	if [ "$1" = v1 ]; then
		printf '{"ts": %s.0, "rx": %s, "tx": %s}\n' $NOW $RX0 $TX0
	else
		printf '{"ts": %s.000, "rx": %s, "tx": %s, "boot_time": %s, '\
'"trimmed": %s}\n' $NOW $RX0 $TX0 $BTIME "$2"
	fi
}

# mkdata DIR FORMAT CSV TRIMMED: a data directory (CSV may be "").
mkdata() {
	mkdir -p "$1"
	state "$2" "$4" >"$1/state_eth0.json"
	rm -f "$1/bw_eth0.csv"
	if [ -n "$3" ]; then
		cp "$3" "$1/bw_eth0.csv"
	fi
	sync "$1"/*
}

mkdata "$tmp/c-empty-bw" bw "" $NOW
mkdata "$tmp/c-full-bw" bw "$tmp/hist6.csv" $NOW
mkdata "$tmp/c-empty-v1" v1 "" 0
mkdata "$tmp/c-full-v1" v1 "$tmp/hist3.csv" 0
# The same on tmpfs: the run without the disk flushes (fsync) it asks for.
if [ "${BENCH_TMPFS:-1}" != 0 ] && [ -d /dev/shm ] &&
    [ "$(stat -f -c %T "$tmp")" != tmpfs ]; then
	shm=$(mktemp -d /dev/shm/bwmon-bench.XXXXXX)
	mkdata "$shm/c-full-bw" bw "$tmp/hist6.csv" $NOW
	mkdata "$shm/c-full-v1" v1 "$tmp/hist3.csv" 0
fi
mkdata "$tmp/view-bw" bw "$tmp/hist6.csv" $NOW
mkdata "$tmp/view-v1" v1 "$tmp/hist3.csv" 0
state bw 0 >"$tmp/trim-state-bw"
state v1 0 >"$tmp/trim-state-v1"

# --- running -----------------------------------------------------------------

# measure NAME DATADIR RUNBENCH-ARGS... -- COMMAND...: one call of
# runbench; its runs are appended to $tmp/raw.NAME, its summary line to
# $tmp/sum.NAME.
measure() {
	_name=$1
	_dir=$2
	shift 2
	BWMON_DATA_DIR=$_dir BWMON_PROC=$tmp/proc BWMON_CONF=$tmp/bwmon.conf \
	    COLUMNS=80 "$rb" -e "$tmp/err.$_name" -o "$tmp/raw.$_name" "$@" \
	    >>"$tmp/sum.$_name" ||
	    echo "fails=1 status=runbench" >>"$tmp/sum.$_name"
}

# pool NAME: $tmp/r.NAME, the figures over every round's runs
pool() {
	[ -f "$tmp/sum.$1" ] || return 0
	{
		tr ' ' '\n' <"$tmp/sum.$1" | awk -F= '
		    $1 == "fails" { f += $2 }
		    $1 == "status" && s == "" && $2 != "0" { s = $2 }
		    END { printf "fails=%d status=%s ", f, s == "" ? 0 : s }'
		sort -n "$tmp/raw.$1" 2>/dev/null | awk '
		    { ns[NR] = $1; cpu += $2; if ($3 > rss) rss = $3 }
		    END {
			n = NR
			if (n == 0) { print "runs=0"; exit }
			med = n % 2 ? ns[(n + 1) / 2] : \
			    (ns[n / 2] + ns[n / 2 + 1]) / 2
			printf "runs=%d min_ns=%d median_ns=%d p90_ns=%d " \
			    "max_ns=%d cpu_ns=%d maxrss_kb=%d\n", n, ns[1],
			    med, ns[int((9 * n + 9) / 10)], ns[n], cpu / n, rss
		    }'
	} >"$tmp/r.$1"
}

# get NAME KEY: one figure of a result, empty if none
get() {
	[ -f "$tmp/r.$1" ] || return 0
	tr ' ' '\n' <"$tmp/r.$1" | sed -n "s/^$2=//p"
}

# collect NAME DATADIR RUNS FIRST COMMAND...: steady-state sampler runs,
# 300 s apart, run indexes from FIRST on (one warm-up run first)
collect() {
	_n=$1
	_d=$2
	_k=$3
	_f=$4
	shift 4
	measure "$_n" "$_d" -n "$_k" -w 1 -f "$_f" -t $NOW:300 \
	    -p "$tmp/proc:eth0:$RX0:$TX0:$RXSTEP:$TXSTEP" -- "$@"
}

# trimrun NAME DATADIR STATE CSV COMMAND...: the run that drops a day of
# rows, each from a fresh copy (copied and synced outside the timing).
trimrun() {
	_n=$1
	_d=$2
	_s=$3
	_c=$4
	shift 4
	mkdir -p "$_d"
	measure "$_n" "$_d" -n "$pt" -w 1 -t $((NOW + 300)):0 \
	    -p "$tmp/proc:eth0:$RX0:$TX0:$RXSTEP:$TXSTEP" \
	    -s "cp '$_s' '$_d/state_eth0.json' && cp '$_c' '$_d/bw_eth0.csv' &&
	    sync '$_d/state_eth0.json' '$_d/bw_eth0.csv'" -- "$@"
}

# view NAME DATADIR RUNS COMMAND...: readers at a fixed NOW
view() {
	_n=$1
	_d=$2
	_k=$3
	shift 3
	BWMON_NOW=$NOW measure "$_n" "$_d" -n "$_k" -w 1 -- "$@"
}

built() { [ -x "$1" ]; }

echo "bwmon history benchmark: $ROUNDS rounds; load" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
round=0
while [ $round -lt $ROUNDS ]; do
	echo "round $((round + 1)) of $ROUNDS ..." >&2
	if built "$bwcollect"; then
		_f=$((round * (pc + 1) + 1))
		collect bw.empty "$tmp/c-empty-bw" "$pc" "$_f" "$bwcollect"
		collect bw.full "$tmp/c-full-bw" "$pc" "$_f" "$bwcollect"
		if [ -n "$shm" ]; then
			collect bw.shm "$shm/c-full-bw" "$pc" "$_f" "$bwcollect"
		fi
		trimrun bw.trim "$tmp/t-bw" "$tmp/trim-state-bw" \
		    "$tmp/trim6.csv" "$bwcollect"
	fi
	if [ -n "$py" ]; then
		_f=$((round * (pv + 1) + 1))
		collect v1.empty "$tmp/c-empty-v1" "$pv" "$_f" "$py" "$v1" sample
		collect v1.full "$tmp/c-full-v1" "$pv" "$_f" "$py" "$v1" sample
		if [ -n "$shm" ]; then
			collect v1.shm "$shm/c-full-v1" "$pv" "$_f" \
			    "$py" "$v1" sample
		fi
		trimrun v1.trim "$tmp/t-v1" "$tmp/trim-state-v1" \
		    "$tmp/trim3.csv" "$py" "$v1" sample
	fi
	# What starting any process costs here, and starting the interpreter.
	view bw.floor "$tmp/view-bw" "$ph" /bin/true
	if [ -n "$py" ]; then
		view v1.floor "$tmp/view-v1" "$phv" "$py" -c pass
	fi
	if built "$bwhistory"; then
		view bw.hist "$tmp/view-bw" "$ph" "$bwhistory" -i eth0 -r 6m
	fi
	if built "$bwtotal"; then
		view bw.month "$tmp/view-bw" "$ph" "$bwtotal" -i eth0 --month
	fi
	if [ -n "$py" ]; then
		view v1.hist "$tmp/view-v1" "$phv" "$py" "$v1" history \
		    -i eth0 -r 6m
		view v1.month "$tmp/view-v1" "$phv" "$py" "$v1" month -i eth0
	fi
	round=$((round + 1))
done
for _n in bw.empty bw.full bw.shm bw.trim bw.hist bw.month bw.floor \
    v1.empty v1.full v1.shm v1.trim v1.hist v1.month v1.floor; do
	pool $_n
done

# Instructions executed: repeatable where wall time is noisy.  One run
# each, from fresh copies, under callgrind.
cg=
if [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1
then
	cg=yes
	echo "counting instructions (callgrind) ..." >&2
	"$rb" -n 1 -w 0 -p "$tmp/proc:eth0:$RX0:$TX0:$RXSTEP:$TXSTEP" -- true \
	    >/dev/null
fi
# icount NAME DATADIR NOW COMMAND...
icount() {
	_n=$1
	_d=$2
	_t=$3
	shift 3
	BWMON_DATA_DIR=$_d BWMON_PROC=$tmp/proc BWMON_CONF=$tmp/bwmon.conf \
	    BWMON_NOW=$_t COLUMNS=80 valgrind --tool=callgrind \
	    --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$tmp/cg.$_n" ||
	    return 0
	sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$tmp/cg.$_n" \
	    >"$tmp/i.$_n"
}
if [ -n "$cg" ] && built "$bwcollect"; then
	mkdata "$tmp/g-empty-bw" bw "" $NOW
	mkdata "$tmp/g-full-bw" bw "$tmp/hist6.csv" $NOW
	icount bw.empty "$tmp/g-empty-bw" $((NOW + 300)) "$bwcollect"
	icount bw.full "$tmp/g-full-bw" $((NOW + 300)) "$bwcollect"
fi
if [ -n "$cg" ] && [ -n "$py" ]; then
	mkdata "$tmp/g-empty-v1" v1 "" 0
	mkdata "$tmp/g-full-v1" v1 "$tmp/hist3.csv" 0
	icount v1.empty "$tmp/g-empty-v1" $((NOW + 300)) "$py" "$v1" sample
	icount v1.full "$tmp/g-full-v1" $((NOW + 300)) "$py" "$v1" sample
	icount v1.hist "$tmp/view-v1" $NOW "$py" "$v1" history -i eth0 -r 6m
	icount v1.month "$tmp/view-v1" $NOW "$py" "$v1" month -i eth0
fi
if [ -n "$cg" ] && built "$bwhistory"; then
	icount bw.hist "$tmp/view-bw" $NOW "$bwhistory" -i eth0 -r 6m
fi
if [ -n "$cg" ] && built "$bwtotal"; then
	icount bw.month "$tmp/view-bw" $NOW "$bwtotal" -i eth0 --month
fi

# --- the table ---------------------------------------------------------------

# ms NS: nanoseconds as milliseconds, 3 significant digits or so
ms() {
	awk -v n="$1" 'BEGIN {
		v = n / 1e6
		if (v < 10) printf "%.2f ms", v
		else if (v < 100) printf "%.1f ms", v
		else printf "%.0f ms", v }'
}

# ratio A B: A / B as "12x", "1.03x"
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b <= 0) { print "-"; exit }
		v = a / b
		if (v < 10) printf "%.2fx", v
		else printf "%.0fx", v }'
}

# mega N: an instruction count in millions
mega() {
	awk -v n="$1" 'BEGIN { printf "%.2f M", n / 1e6 }'
}

# cell NAME KEY TOOL: a figure of a result for the table, or why there is none
cell() {
	if [ "$3" = v1 ] && [ -z "$py" ]; then
		echo "n/a"
	elif [ "$3" != v1 ] && ! built "$3"; then
		echo "not built"
	elif [ ! -f "$tmp/r.$1" ]; then
		echo "-"
	elif [ "$(get "$1" fails)" != 0 ]; then
		echo "failed"
	else
		_v=$(get "$1" "$2")
		case $2 in
		maxrss_kb) awk -v k="$_v" 'BEGIN { printf "%.1f MB", k / 1024 }' ;;
		*) ms "$_v" ;;
		esac
	fi
}

# okfig NAME TOOL: the result is there and no run failed
okfig() {
	if [ "$2" = v1 ]; then
		[ -n "$py" ] || return 1
	else
		built "$2" || return 1
	fi
	[ -f "$tmp/r.$1" ] && [ "$(get "$1" fails)" = 0 ]
}

# row LABEL BWNAME V1NAME KEY BWTOOL
row() {
	_a=$(cell "$2" "$4" "$5")
	_b=$(cell "$3" "$4" v1)
	_x=
	if okfig "$2" "$5" && okfig "$3" v1; then
		_x=$(ratio "$(get "$3" "$4")" "$(get "$2" "$4")")
	fi
	printf '%-40s %-10s %-10s %s\n' "$1" "$_a" "$_b" "$_x"
}

# irow LABEL NAME TOOL: instructions, bwmon and v1 model
irow() {
	_a=-
	_b=-
	_x=
	if ! built "$3"; then
		_a="not built"
	elif [ -s "$tmp/i.$2" ]; then
		_a=$(mega "$(cat "$tmp/i.$2")")
	fi
	if [ -z "$py" ]; then
		_b="n/a"
	elif [ -s "$tmp/i.v1.${2#bw.}" ]; then
		_b=$(mega "$(cat "$tmp/i.v1.${2#bw.}")")
	fi
	if [ -s "$tmp/i.$2" ] && [ -s "$tmp/i.v1.${2#bw.}" ]; then
		_x=$(ratio "$(cat "$tmp/i.v1.${2#bw.}")" "$(cat "$tmp/i.$2")")
	fi
	printf '%-40s %-10s %-10s %s\n' "$1" "$_a" "$_b" "$_x"
}

# rows LABEL NAME TOOL FIGURE...: a row for each FIGURE (median_ns,
# p90_ns, cpu_ns, maxrss_kb) of bw.NAME beside v1.NAME
rows() {
	_l=$1 _n=$2 _tool=$3
	shift 3
	for _f in "$@"; do
		case $_f in
		median_ns)	_s=" (median)" ;;
		p90_ns)		_s=" (p90)" ;;
		cpu_ns)		_s=", CPU/run (mean)" ;;
		maxrss_kb)	_s=", max RSS" ;;
		esac
		row "$_l$_s" "bw.$_n" "v1.$_n" "$_f" "$_tool"
	done
}

# growth NAME-A NAME-B KEY TOOL: B / A of one tool, for "does it grow"
growth() {
	if okfig "$1" "$4" && okfig "$2" "$4"; then
		ratio "$(get "$2" "$3")" "$(get "$1" "$3")"
	else
		echo "-"
	fi
}

igrowth() {
	if [ -s "$tmp/i.$1" ] && [ -s "$tmp/i.$2" ]; then
		ratio "$(cat "$tmp/i.$2")" "$(cat "$tmp/i.$1")"
	else
		echo "-"
	fi
}

table() {
	pyv=n/a
	[ -z "$py" ] || pyv=$("$py" -c 'import sys; print(sys.version.split()[0])')
	echo "bwmon history benchmark: $ROWS rows (180 days at 300 s), TZ=UTC"
	echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	    "data dir on $(stat -f -c %T "$tmp"), python $pyv"
	echo "runs per figure: bwcollect $((pc * ROUNDS)), v1 sampler" \
	    "$((pv * ROUNDS)), daily trim $((pt * ROUNDS)) each," \
	    "bwhistory/bwtotal $((ph * ROUNDS)), v1 readers $((phv * ROUNDS))" \
	    "($ROUNDS interleaved rounds)"
	echo
	printf '%-40s %-10s %-10s %s\n' figure bwmon v1-model ratio
	rows "bwcollect, empty history" empty "$bwcollect" median_ns p90_ns
	rows "bwcollect, 6 months" full "$bwcollect" median_ns p90_ns cpu_ns
	if [ -n "$shm" ]; then
		rows "bwcollect, 6 months, on tmpfs" shm "$bwcollect" median_ns
	fi
	printf '%-40s %-10s %-10s\n' "bwcollect, 6 months / empty (median)" \
	    "$(growth bw.empty bw.full median_ns "$bwcollect")" \
	    "$(growth v1.empty v1.full median_ns v1)"
	rows "bwcollect, daily trim run" trim "$bwcollect" median_ns
	rows "bwhistory -r 6m" hist "$bwhistory" median_ns p90_ns maxrss_kb
	rows "bwtotal --month" month "$bwtotal" median_ns p90_ns maxrss_kb
	row "start-up floor: true | python3 -c pass" bw.floor v1.floor \
	    median_ns /bin/true
	if [ -n "$cg" ]; then
		echo
		echo "instructions (valgrind --tool=callgrind, one run each)"
		irow "bwcollect, empty history" bw.empty "$bwcollect"
		irow "bwcollect, 6 months" bw.full "$bwcollect"
		printf '%-40s %-10s %-10s\n' "bwcollect, 6 months / empty" \
		    "$(igrowth bw.empty bw.full)" "$(igrowth v1.empty v1.full)"
		irow "bwhistory -r 6m" bw.hist "$bwhistory"
		irow "bwtotal --month" bw.month "$bwtotal"
	fi
	echo
	echo "targets (issue 2):"
	target "bwcollect <= 2 ms per run, 6 months (median)" bw.full \
	    "$bwcollect" 2000000
	if [ -n "$cg" ] && [ -s "$tmp/i.bw.empty" ] && [ -s "$tmp/i.bw.full" ]
	then
		_g=$(igrowth bw.empty bw.full)
		_m=$(awk -v a="$(cat "$tmp/i.bw.full")" \
		    -v b="$(cat "$tmp/i.bw.empty")" \
		    'BEGIN { print (a <= b * 1.05) ? "met" : "MISSED" }')
		printf '  %-50s %-10s %s\n' \
		    "bwcollect same with 6 months as with none" \
		    "$_g instr." "$_m (6 months within 5% of empty)"
	elif okfig bw.empty "$bwcollect" && okfig bw.full "$bwcollect"; then
		_g=$(growth bw.empty bw.full median_ns "$bwcollect")
		_m=$(awk -v a="$(get bw.full median_ns)" \
		    -v b="$(get bw.empty median_ns)" \
		    'BEGIN { print (a <= b * 1.25) ? "met" : "MISSED" }')
		printf '  %-50s %-10s %s\n' \
		    "bwcollect same with 6 months as with none" \
		    "$_g time" "$_m (6 months within 25% of empty)"
	else
		printf '  %-50s %s\n' \
		    "bwcollect same with 6 months as with none" "-"
	fi
	target "bwhistory -r 6m <= 20 ms (median)" bw.hist "$bwhistory" \
	    20000000
}

# target LABEL NAME TOOL LIMIT-NS
target() {
	if okfig "$2" "$3"; then
		_v=$(get "$2" median_ns)
		_m=$(awk -v v="$_v" -v l="$4" \
		    'BEGIN { print (v <= l) ? "met" : "MISSED" }')
		printf '  %-50s %-10s %s\n' "$1" "$(ms "$_v")" "$_m"
	else
		printf '  %-50s %s\n' "$1" "$(cell "$2" median_ns "$3")"
	fi
}

# errlines FILE: the first three distinct lines, indented
errlines() {
	[ -f "$1" ] || return 0
	awk '!seen[$0]++' "$1" | sed -n '1,3s/^/    /p'
}

# Why a run failed: the first lines its stderr left.
failures() {
	for _f in "$tmp"/r.*; do
		[ -s "$_f" ] || continue
		_n=${_f##*/r.}
		if [ "$(get "$_n" fails)" != 0 ]; then
			echo "$_n: $(get "$_n" fails) runs failed (warm-ups" \
			    "included), first exit status $(get "$_n" status):"
			errlines "$tmp/err.$_n"
		elif [ -s "$tmp/err.$_n" ]; then
			echo "$_n: exit 0, but wrote to stderr:"
			errlines "$tmp/err.$_n"
		fi
	done
}

mkdir -p "$here/out"
{
	table
	_fl=$(failures)
	if [ -n "$_fl" ]; then
		echo
		echo "failed or noisy runs:"
		echo "$_fl"
	fi
} | tee "$here/out/history.txt"
