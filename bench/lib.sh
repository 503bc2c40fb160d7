# bench/lib.sh: sourced first by every benchmark: the C locale in UTC,
# none of the caller's BWMON_* variables, and $here (bench/) and $SRCDIR
# (the checkout) from the script's own path; then the pieces the
# benchmarks share, so that each script says only what it measures.
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset BWMON_DATA_DIR BWMON_CONF BWMON_PROC BWMON_NOW

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(dirname "$here")
BENCH=$(basename "$0")
PIDS=
NA=
NB=
T=
# The histories the benchmarks make end at NOW (BWMON_NOW for every tool);
# a 6-month one holds ROWS rows: 180 days at 300 s.
NOW=1790000000
ROWS=51840

die() {
	echo "$BENCH: cannot run: $*" >&2
	exit 1
}

# t/web.sh's web_need calls skip_all: a benchmark cannot run either.
skip_all() {
	die "$*"
}

# bench_tmp NAME: a scratch directory $T, removed at exit with whatever
# the benchmark started ($PIDS) and its namespaces (t/web.sh's web_start
# sets a trap of its own that stops the web server and removes $T).
bench_tmp() {
	T=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/bwmon-$1.XXXXXX") ||
	    die "mktemp"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

bench_cleanup() {
	# shellcheck disable=SC2086
	reap $PIDS
	# Deleting a namespace deletes the veth end in it, and so the
	# pair; made-up conntrack flows go with it too.
	[ -z "$NA" ] || ip netns del "$NA" 2>/dev/null
	[ -z "$NB" ] || ip netns del "$NB" 2>/dev/null
	[ -z "$T" ] || rm -rf "$T"
}

# ---- Two namespaces joined by a veth pair ----

# bench_pair PREFIX ADDR_A ADDR_B: namespaces $NA and $NB (every name
# starts with $NP, PREFIX<pid>), joined by the veth pair $IA (in $NA, with
# ADDR_A/24) and $IB (in $NB, with ADDR_B/24), IPv6 off so that the link
# moves only the benchmark's traffic.  The addresses live only inside
# the two namespaces.
bench_pair() {
	NP=$1$$
	NA=${NP}a
	NB=${NP}b
	IA=${NP}a0
	IB=${NP}b0
	ADDR_A=$2
	ADDR_B=$3
	echo "$BENCH: setting up $NA <-> $NB" >&2
	ip netns add "$NA" || die "ip netns add"
	ip netns add "$NB" || die "ip netns add"
	for _n in "$NA" "$NB"; do
		ip netns exec "$_n" sysctl -qw \
		    net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip -n "$_n" link set lo up
	done
	ip link add "$IA" netns "$NA" type veth peer name "$IB" \
	    netns "$NB" || die "ip link add veth"
	ip -n "$NA" addr add "$ADDR_A/24" dev "$IA"
	ip -n "$NB" addr add "$ADDR_B/24" dev "$IB"
	ip -n "$NA" link set "$IA" up
	ip -n "$NB" link set "$IB" up
}

inA() {
	ip netns exec "$NA" "$@"
}

# listening PORT: a TCP server listens on PORT in $NB.
listening() {
	ip netns exec "$NB" ss -Hlnt "sport = :$1" 2>/dev/null | grep -q .
}

# ---- Time, CPU and memory ----

# need_cmds (it dies: see skip_all), now, wait_for, reap: shared with
# the tests.
# shellcheck source=../t/data/shared-lib.sh
. "$SRCDIR/t/data/shared-lib.sh"

# ticks PID: user + system clock ticks used so far (/proc/PID/stat)
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# runns PID: nanoseconds on a CPU so far (schedstat: finer than ticks)
runns() {
	awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null || echo 0
}

# status PID KEY: a kB figure from /proc/PID/status (VmRSS, VmHWM)
status() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null
}

# ---- Requests through the test harness's nginx (t/web.sh) ----

# reqs NAME PATH COUNT: COUNT requests over one keep-alive connection;
# each request's time (curl's time_total: sent to last byte) in
# $T/t.NAME, one status per line in $T/s.NAME.
reqs() {
	_i=0
	: >"$T/urls"
	while [ $_i -lt "$3" ]; do
		echo "url = \"$WEB_URL$2\"" >>"$T/urls"
		echo "output = /dev/null" >>"$T/urls"
		_i=$((_i + 1))
	done
	curl -s -K "$T/urls" -w '%{http_code} %{time_total}\n' >"$T/r.$1" ||
	    true
	awk '{ print $1 }' "$T/r.$1" >"$T/s.$1"
	awk '{ print $2 * 1000 }' "$T/r.$1" | sort -n >"$T/t.$1"
}

# rounds PER SPEC...: four interleaved rounds (so that load elsewhere on
# the machine falls on every figure alike) of reqs for each SPEC, "NAME
# PATH [COUNT]" (COUNT requests a round, PER unless given; no space in
# PATH); then each NAME's requests of all rounds pooled in $T/t.NAME and
# $T/s.NAME, for fig.
rounds() {
	_per=$1
	shift
	for _r in 1 2 3 4; do
		echo "round $_r of 4 ..." >&2
		for _s in "$@"; do
			# Words, not file names: a PATH holds "?".
			set -f
			# shellcheck disable=SC2086
			_round $_s
			set +f
		done
	done
	for _s in "$@"; do
		_f=${_s%% *}
		cat "$T"/t."$_f".* | sort -n >"$T/t.$_f"
		cat "$T"/s."$_f".* >"$T/s.$_f"
	done
}

_round() {
	reqs "$1.$_r" "$2" "${3:-$_per}"
}

# fig NAME median|p90|n|bad: a figure of a series, in ms
fig() {
	case $2 in
	n)	wc -l <"$T/t.$1" | tr -d ' ' ;;
	bad)	grep -vc '^200$' "$T/s.$1" || true ;;
	*)	awk -v q="$2" '{ v[NR] = $1 } END {
			if (NR == 0) { print "-"; exit }
			if (q != "median")
				x = v[int((9 * NR + 9) / 10)]
			else if (NR % 2)
				x = v[(NR + 1) / 2]
			else
				x = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f", x }' "$T/t.$1" ;;
	esac
}
