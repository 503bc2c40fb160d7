# Helpers for the bwprocs tests (t/20xx-bwprocs-*.t), sourced after
# t/lib.sh.  The root tests build their own network namespaces and veth
# pairs, named bwt<pid><x> so that parallel runs never collide, with the
# addresses 10.213.<n>.0/24 and fd00:213:<n>::/64 only (10.214 for the
# t/24xx family), and remove them
# (and every process they started) on exit.

NP=bwt$$			# prefix of every name we create
NETNS=				# namespaces to delete
LINKS=				# host links to delete
PIDS=				# processes to kill

cleanup_net() {
	# shellcheck disable=SC2086
	reap $PIDS
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
	need_cmds ip iperf3 perl
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

# bytes_near GOT WANT PERCENT WHAT DESC: one test point, GOT is within
# PERCENT % of WANT; says "# WHAT GOT of WANT bytes (share %)" first,
# and returns the check's status (for diagnostics after a failure).
bytes_near() {
	echo "# $4 $1 of $2 bytes ($(share "$1" "$2") %)"
	within "$1" "$2" "$3"
	_st=$?
	ok "$_st" "$5"
	return "$_st"
}

# pid_has_bytes B0 PID PERCENT WHAT DESC: right after a transfer that
# began when $H had counted B0 bytes: once the procs file $P is written
# after it, PID's rows have the bytes $H moved since (bytes_near; one
# test point).  Their bytes are left in $GOT.
pid_has_bytes() {
	_want=$(( $(ifbytes "$H") - $1 ))
	wait_written "$P"
	GOT=$(pid_bytes "$P" "$2")
	bytes_near "$GOT" "$_want" "$3" "$4" "$5"
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

# veth_to_ns HOSTIF PEERIF NETNS N [OCTET]: a veth pair, host end HOSTIF
# with 10.OCTET.N.1/24 and fd00:OCTET:N::1/64, the peer in NETNS with .2
# and ::2; OCTET is 213 unless given.
veth_to_ns() {
	_o=${5:-213}
	ip link add "$1" type veth peer name "$2" || return 1
	LINKS="$LINKS $1"
	ip link set "$2" netns "$3" &&
	ip addr add "10.$_o.$4.1/24" dev "$1" &&
	ip addr add "fd00:$_o:$4::1/64" dev "$1" nodad &&
	ip link set "$1" up &&
	ip -n "$3" addr add "10.$_o.$4.2/24" dev "$2" &&
	ip -n "$3" addr add "fd00:$_o:$4::2/64" dev "$2" nodad &&
	ip -n "$3" link set "$2" up
}

# host_ns N [OCTET]: the data directory $D, a namespace $NS and a veth
# pair from $H (ours, 10.OCTET.N.1) to it (10.OCTET.N.2); one test point.
host_ns() {
	_o=${2:-213}
	D=$T/data
	mkdir -p "$D"
	NS=${NP}n
	H=${NP}h
	mkns "$NS" && veth_to_ns "$H" "${NP}p" "$NS" "$1" "$_o"
	ok $? "veth $H <-> $NS (10.$_o.$1.0/24, fd00:$_o:$1::/64)"
}

# iperf_server [NETNS]: an iperf3 server on port 5201 in NETNS ($NS
# unless given); one test point.
iperf_server() {
	_ns=${1:-$NS}
	ip netns exec "$_ns" iperf3 -s -p 5201 >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	wait_for 10 listening "$_ns" 5201 t
	ok $? "iperf3 server in $_ns"
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

# leak_run SUPP: $RUN, what to run bwprocs under so that a leak fails its
# exit: nothing for a sanitizer build (LeakSanitizer checks at exit, and
# valgrind cannot run it), else valgrind with the suppressions in
# t/data/SUPP, its reports in $T/vg.PID; skip_all without valgrind.
leak_run() {
	RUN=
	if grep -q __asan_init "$(command -v bwprocs)" 2>/dev/null; then
		echo "# a sanitizer build: LeakSanitizer checks at exit"
		return
	fi
	need_cmds valgrind
	RUN="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=$SRCDIR/t/data/$1 --log-file=$T/vg.%p"
}

# answer_server ADDR PORT BYTES [NETNS]: in the background (its pid in
# $SP and $PIDS), a TCP server on ADDR:PORT, in NETNS if given, that
# reads each request to its end, answers BYTES bytes and closes; one
# connection at a time.
answer_server() {
	_serve='my ($a, $p, $n) = @ARGV;
	    my $l = IO::Socket::INET->new(LocalAddr => "$a:$p",
		Listen => 1024, ReuseAddr => 1) or die "listen: $!";
	    $SIG{PIPE} = "IGNORE";
	    while (my $c = $l->accept) { my $b; 1 while sysread $c, $b, 65536;
		syswrite $c, "r" x $n; close $c }'
	if [ -n "${4:-}" ]; then
		ip netns exec "$4" perl -MIO::Socket::INET -e "$_serve" \
		    "$1" "$2" "$3" >/dev/null 2>&1 &
	else
		perl -MIO::Socket::INET -e "$_serve" "$1" "$2" "$3" \
		    >/dev/null 2>&1 &
	fi
	SP=$!
	PIDS="$PIDS $SP"
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

# ns_router OCTET N M [v6]: a router namespace $R between namespaces $A
# and $B, forwarding in $R only:
#   A [10.OCTET.N.2] --- [.N.1] $AR  R  $BR [.M.1] --- [10.OCTET.M.2] B
# (IPv4; with v6 also fd00:OCTET:N::/64 and fd00:OCTET:M::/64, the same
# way round); 0 when all is set up.
ns_router() {
	R=${NP}r
	A=${NP}a
	B=${NP}b
	AR=${NP}ar
	BR=${NP}br
	mkns "$R" && mkns "$A" && mkns "$B" &&
	ip -n "$R" link add "$AR" type veth peer name "${NP}aa" &&
	ip -n "$R" link set "${NP}aa" netns "$A" &&
	ip -n "$R" link add "$BR" type veth peer name "${NP}bb" &&
	ip -n "$R" link set "${NP}bb" netns "$B" &&
	ip -n "$R" addr add "10.$1.$2.1/24" dev "$AR" &&
	ip -n "$R" addr add "10.$1.$3.1/24" dev "$BR" &&
	ip -n "$R" link set "$AR" up && ip -n "$R" link set "$BR" up &&
	ip -n "$A" addr add "10.$1.$2.2/24" dev "${NP}aa" &&
	ip -n "$A" link set "${NP}aa" up &&
	ip -n "$A" route add default via "10.$1.$2.1" &&
	ip -n "$B" addr add "10.$1.$3.2/24" dev "${NP}bb" &&
	ip -n "$B" link set "${NP}bb" up &&
	ip -n "$B" route add default via "10.$1.$3.1" &&
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 || return 1
	[ "${4:-}" = v6 ] || return 0
	ip -n "$R" addr add "fd00:$1:$2::1/64" dev "$AR" nodad &&
	ip -n "$R" addr add "fd00:$1:$3::1/64" dev "$BR" nodad &&
	ip -n "$A" addr add "fd00:$1:$2::2/64" dev "${NP}aa" nodad &&
	ip -n "$A" -6 route add default via "fd00:$1:$2::1" &&
	ip -n "$B" addr add "fd00:$1:$3::2/64" dev "${NP}bb" nodad &&
	ip -n "$B" -6 route add default via "fd00:$1:$3::1" &&
	ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# ---- For the spike and alert tests (t/2101, t/2102, t/2104). ----

# need_conntrack: skip unless nft is there and the kernel has conntrack.
need_conntrack() {
	need_cmds nft
	[ -f /proc/sys/net/netfilter/nf_conntrack_acct ] ||
	    skip_all "no conntrack in this kernel"
}

# veth_ns NS1 IF1 NS2 IF2 N [OCTET]: a veth pair between two namespaces,
# IF1 in NS1 with 10.OCTET.N.1/24, IF2 in NS2 with 10.OCTET.N.2/24; OCTET
# is 213 unless given.
veth_ns() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	ip -n "$1" addr add "10.${6:-213}.$5.1/24" dev "$2" &&
	ip -n "$3" addr add "10.${6:-213}.$5.2/24" dev "$4" &&
	ip -n "$1" link set "$2" up &&
	ip -n "$3" link set "$4" up
}

# conntrack_on NETNS ACCT: a rule that uses conntrack in NETNS (so the
# kernel tracks its flows) and nf_conntrack_acct = ACCT there.  Set it
# before the flows start: a flow has counters only if acct was on when
# it was created.
conntrack_on() {
	ip netns exec "$1" nft add table inet bwt &&
	ip netns exec "$1" nft add chain inet bwt c \
	    '{ type filter hook input priority 0; }' &&
	ip netns exec "$1" nft add rule inet bwt c ct state established \
	    counter &&
	ip netns exec "$1" sysctl -qw net.netfilter.nf_conntrack_acct="$2"
}

# sink NETNS ADDR PORT: a TCP server in NETNS, one process, that reads
# and drops what its connections send.
sink() {
	ip netns exec "$1" perl -MIO::Socket::INET -MIO::Select -e '
	    my $l = IO::Socket::INET->new(LocalAddr => "$ARGV[0]:$ARGV[1]",
		Listen => 16, ReuseAddr => 1) or die "listen: $!";
	    my $sel = IO::Select->new($l);
	    for (;;) { for my $h ($sel->can_read) {
		if ($h == $l) { my $c = $l->accept; $sel->add($c) if $c;
		    next }
		my $b;
		next if sysread $h, $b, 262144;
		$sel->remove($h); close $h } }' "$2" "$3" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	wait_for 10 listening "$1" "$3" t
}

# flow_client NETNS ADDR PORT BULK RATE SECS OUT: in the background
# ($FP, also in $PIDS), one perl process with one TCP connection from
# NETNS: it writes its local port as the first line of OUT, sends BULK
# bytes as fast as it can, writes "bulk" to OUT, then sends RATE bytes a
# second in 100 writes a second for SECS seconds (0: until killed),
# closes and exits.
flow_client() {
	ip netns exec "$1" perl -MIO::Socket::INET \
	    -MTime::HiRes=time,sleep -e '
	    my ($a, $p, $bulk, $rate, $secs) = @ARGV;
	    $| = 1;
	    $SIG{PIPE} = "IGNORE";
	    my $s = IO::Socket::INET->new("$a:$p") or die "connect: $!";
	    print $s->sockport, "\n";
	    my $buf = "x" x 65536;
	    sub put { my $left = shift;
		while ($left > 0) {
		    my $n = syswrite $s, $buf, $left < 65536 ? $left : 65536;
		    defined $n or die "write: $!";
		    $left -= $n } }
	    put($bulk);
	    print "bulk\n";
	    my ($t0, $i) = (time, 0);
	    while (!$secs || time < $t0 + $secs) {
		my $at = $t0 + $i++ / 100;
		sleep($at - time) if $at > time;
		put(int($rate / 100)) }
	    close $s;
	    print "done\n"' "$2" "$3" "$4" "$5" "$6" >"$7" 2>&1 &
	FP=$!
	PIDS="$PIDS $FP"
}

# jsonl FILE EXPR: the Perl expression EXPR on @l, the records (objects)
# of the JSON lines file FILE, in order; the lines that are not a JSON
# object are left out and counted in $bad.  undef prints "null", a
# missing file "NOFILE".
jsonl() {
	[ -f "$1" ] || { echo NOFILE; return; }
	perl -MJSON::PP -e '
		my (@l, $bad);
		$bad = 0;
		while (my $line = <STDIN>) {
			my $r = eval { JSON::PP->new->decode($line) };
			if (ref $r eq "HASH") { push @l, $r } else { $bad++ }
		}
		my $v = eval $ARGV[0];
		print defined $v ? $v : "null"' "$2" <"$1"
}

# events FILE [KEY VALUE]: how many records FILE has (whose KEY is
# VALUE); 0 when there is no file.
events() {
	if [ ! -f "$1" ]; then
		echo 0
	elif [ $# -ge 3 ]; then
		jsonl "$1" "scalar grep { (\$_->{$2} // '') eq '$3' } @l"
	else
		jsonl "$1" 'scalar @l'
	fi
}

# has_events N FILE [KEY VALUE]: FILE has at least N such records.
has_events() {
	_want=$1
	shift
	[ "$(events "$@")" -ge "$_want" ]
}

# live_samples FILE: how many samples the live file FILE holds.
live_samples() {
	_s=$(json "$1" 'scalar @{$j->{samples}}')
	case $_s in null|BADJSON|NOFILE) echo 0 ;; *) echo "$_s" ;; esac
}

# has_samples N FILE: the live file FILE holds at least N samples.
has_samples() {
	[ "$(live_samples "$2")" -ge "$1" ]
}

# logged FILE REGEX: FILE has a line that matches REGEX (grep -E).
logged() {
	grep -Eq -- "$2" "$1" 2>/dev/null
}
