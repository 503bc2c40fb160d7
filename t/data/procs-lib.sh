# Helpers for the bwprocs tests (t/20xx-bwprocs-*.t), sourced after
# t/lib.sh.  The root tests build their own network namespaces and veth
# pairs, named bwt<pid><x> so that parallel runs never collide, with the
# addresses 10.213.<n>.0/24 and fd00:213:<n>::/64 only, and remove them
# (and every process they started) on exit.

NP=bwt$$			# prefix of every name we create
NETNS=				# namespaces to delete
LINKS=				# host links to delete
PIDS=				# processes to kill

cleanup_net() {
	for _p in $PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $PIDS; do
		wait "$_p" 2>/dev/null
	done
	for _l in $LINKS; do
		ip link del "$_l" 2>/dev/null
	done
	for _n in $NETNS; do
		ip netns del "$_n" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup_net EXIT
trap 'exit 1' INT TERM HUP

# need_root: skip unless root with ip(8), iperf3 and perl's JSON::PP.
need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
	for _c in ip iperf3 perl; do
		command -v "$_c" >/dev/null 2>&1 ||
		    skip_all "$_c is not installed"
	done
	ip netns add "${NP}probe" 2>/dev/null ||
	    skip_all "cannot create network namespaces"
	ip netns del "${NP}probe"
}

# json FILE EXPR: the Perl expression EXPR on the decoded document $j;
# undef prints "null", a parse error "BADJSON", a missing file "NOFILE".
json() {
	[ -f "$1" ] || { echo NOFILE; return; }
	perl -MJSON::PP -0777 -e '
		my $j = eval { JSON::PP->new->decode(scalar <STDIN>) };
		defined $j or do { print "BADJSON"; exit 0 };
		my $v = eval $ARGV[0];
		print defined $v ? $v : "null"' "$2" <"$1"
}

# The bytes of the process rows with pid $2 (tx + rx) in procs file $1.
pid_bytes() {
	json "$1" "my \$s = 0; \$s += \$_->{tx_bytes} + \$_->{rx_bytes}
	    for grep { \$_->{pid} == $2 } @{\$j->{processes}}; \$s"
}

# The bytes of the row named $2.
row_bytes() {
	json "$1" "my \$s = 0; \$s += \$_->{tx_bytes} + \$_->{rx_bytes}
	    for grep { \$_->{name} eq '$2' } @{\$j->{processes}}; \$s"
}

# The bytes of all rows.
all_bytes() {
	json "$1" 'my $s = 0; $s += $_->{tx_bytes} + $_->{rx_bytes}
	    for @{$j->{processes}}; $s'
}

# within GOT WANT PERCENT: GOT is within PERCENT % of WANT (> 0).
within() {
	perl -e 'my ($g, $w, $p) = @ARGV;
	    exit(($w > 0 && $g =~ /^\d+$/ && abs($g - $w) <= $w * $p / 100)
	    ? 0 : 1)' "$1" "$2" "$3"
}

# share GOT WANT: GOT as a percentage of WANT, for the test output.
share() {
	perl -e 'my ($g, $w) = @ARGV; printf "%.3f",
	    $w > 0 && $g =~ /^[\d.]+$/ ? 100 * $g / $w : 0' "$1" "$2"
}

# ifbytes IFACE [NETNS]: rx + tx bytes of an interface.
ifbytes() {
	_s=/sys/class/net/$1/statistics
	if [ -n "${2:-}" ]; then
		ip netns exec "$2" cat "$_s/rx_bytes" "$_s/tx_bytes"
	else
		cat "$_s/rx_bytes" "$_s/tx_bytes"
	fi | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

now() {
	perl -MTime::HiRes=time -e 'printf "%.3f\n", time'
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds;
# 1 when it never did.
wait_for() {
	_limit=$(( $1 * 10 ))
	shift
	_i=0
	while [ "$_i" -lt "$_limit" ]; do
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# procs_after FILE TS: FILE exists and was written at TS or later.
procs_after() {
	_ts=$(json "$1" '$j->{ts}')
	case $_ts in null|BADJSON|NOFILE) return 1 ;; esac
	perl -e 'exit($ARGV[0] >= $ARGV[1] ? 0 : 1)' "$_ts" "$2"
}

# wait_written FILE: wait (at most 15 s) for a FILE written from now +
# 1.5 s on, so the packets seen until now are in it.
wait_written() {
	_after=$(perl -e 'printf "%.3f", $ARGV[0] + 1.5' "$(now)")
	wait_for 15 procs_after "$1" "$_after"
}

# listening NETNS PORT PROTO: something listens on PORT in NETNS.
listening() {
	ip netns exec "$1" ss -Hln"$3" "sport = :$2" 2>/dev/null | grep -q .
}

# mkns NAME: a network namespace with lo up.
mkns() {
	ip netns add "$1" || return 1
	NETNS="$NETNS $1"
	ip -n "$1" link set lo up
}

# veth_to_ns HOSTIF PEERIF NETNS N: a veth pair, host end HOSTIF with
# 10.213.N.1/24 and fd00:213:N::1/64, the peer in NETNS with .2 and ::2.
veth_to_ns() {
	ip link add "$1" type veth peer name "$2" || return 1
	LINKS="$LINKS $1"
	ip link set "$2" netns "$3" &&
	ip addr add "10.213.$4.1/24" dev "$1" &&
	ip addr add "fd00:213:$4::1/64" dev "$1" nodad &&
	ip link set "$1" up &&
	ip -n "$3" addr add "10.213.$4.2/24" dev "$2" &&
	ip -n "$3" addr add "fd00:213:$4::2/64" dev "$2" nodad &&
	ip -n "$3" link set "$2" up
}

# start_bwprocs ARGS...: run bwprocs -f in the background ($BP), and
# wait until it has written its first procs file in $D.
start_bwprocs() {
	_if=$(eval echo "\${$#}")
	rm -f "$D/procs_$_if.json" "$D/live_$_if.json"
	"$@" 2>>"$T/bwprocs.err" &
	BP=$!
	PIDS="$PIDS $BP"
	wait_for 15 test -f "$D/procs_$_if.json"
}

# stop_bwprocs: SIGTERM; $? is its exit status.
stop_bwprocs() {
	kill -TERM "$BP" 2>/dev/null
	wait "$BP"
}

# cputicks PID: user + system clock ticks used so far.
cputicks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# counted FILE BASE WANT: the rows of FILE hold WANT bytes more than
# BASE, within 1 %.
counted() {
	within "$(( $(all_bytes "$1") - $2 ))" "$3" 1
}
