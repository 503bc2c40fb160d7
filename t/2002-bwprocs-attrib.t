#!/bin/sh
# bwprocs on the host end of a veth pair whose peer is in a network
# namespace: iperf3 clients on the host send TCP and UDP over IPv4 and
# IPv6 to a server in the namespace, and each client's pid gets the
# bytes the interface counted in the test window, within 1 %.  Also: the
# process details, the live file, and a connection too short to be
# mapped, whose bytes are still counted.  The subnet is derived from the
# pid and the UDP server's port chosen by the kernel: two runs at the
# same time (two checkouts) must not share a route or a port of the
# host's namespace, or one gets the other's traffic.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

N=$((100 + $$ % 74 * 2))
host_ns "$N"
iperf_server

start_bwprocs bwprocs -f -d "$D" "$H"
ok $? "bwprocs writes procs_$H.json"
P=$D/procs_$H.json

# run_client NAME ARGS...: an iperf3 client; checks its pid's bytes
# against the interface's for the window around it.
run_client() {
	_name=$1
	shift
	_b0=$(ifbytes "$H")
	iperf3 "$@" >"$T/iperf.out" 2>&1 &
	_cp=$!
	wait "$_cp"
	_st=$?
	_b1=$(ifbytes "$H")
	is "$_st" 0 "$_name: iperf3 $* ran"
	wait_written "$P"
	ok $? "$_name: procs file written after the transfer"
	_want=$((_b1 - _b0))
	_got=$(pid_bytes "$P" "$_cp")
	bytes_near "$_got" "$_want" 1 "$_name: pid $_cp has" \
	    "$_name: the client's pid has the interface's bytes (1 %)"
	CP=$_cp
}

run_client "TCP/IPv4" -c 10.213.$N.2 -t 2 -b 100M
row="(grep { \$_->{pid} == $CP } @{\$j->{processes}})[0]"
is "$(json "$P" "join ',', @{$row}{qw(kind name uid user exe container)}")" \
    "process,iperf3,0,root,$(readlink -f "$(command -v iperf3)")," \
    "TCP/IPv4: the row names the process"
like "$(json "$P" "$row->{cmdline}")" \
    '^iperf3 -c 10\.213\.'"$N"'\.2 -t 2 -b 100M$' "TCP/IPv4: its command line"

run_client "TCP/IPv6" -6 -c fd00:213:$N::2 -t 2 -b 100M
run_client "UDP/IPv4" -u -c 10.213.$N.2 -t 2 -b 40M -l 1200
run_client "UDP/IPv6" -6 -u -c fd00:213:$N::2 -t 2 -b 40M -l 1200

# A UDP server on the host that never connects its socket (bound to the
# wildcard address, on a port the kernel picks and it prints): datagrams
# from the namespace are its bytes.
perl -MSocket -e '
    socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!";
    bind($s, sockaddr_in(0, INADDR_ANY)) or die "bind: $!";
    $| = 1;
    print((sockaddr_in(getsockname($s)))[0], "\n");
    my $b; 1 while defined recv($s, $b, 65536, 0)' >"$T/uport" &
up=$!
PIDS="$PIDS $up"
wait_for 10 test -s "$T/uport"
UP=$(cat "$T/uport")
wait_for 10 sh -c 'ss -Hlnu "sport = :$1" | grep -q .' sh "$UP"
ok $? "an unconnected UDP server on the host (port $UP)"
b0=$(ifbytes "$H")
ip netns exec "$NS" perl -MSocket -e '
    socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!";
    my $d = sockaddr_in($ARGV[0], inet_aton($ARGV[1]));
    for (1 .. 3000) { send($s, "d" x 1000, 0, $d) or die "send: $!" }' \
    "$UP" "10.213.$N.1"
ok $? "3000 datagrams sent to it from $NS"
b1=$(ifbytes "$H")
wait_written "$P"
got=$(pid_bytes "$P" "$up")
bytes_near "$got" "$((b1 - b0))" 1 "unconnected UDP: pid $up has" \
    "the unconnected UDP server has the bytes (1 %)"

# The interface's figures and the coverage.
is "$(json "$P" '$j->{capture}{drops}')" 0 "no capture drops"
cov=$(json "$P" '$j->{coverage}')
like "$cov" '^(null|0(\.[0-9]+)?|1(\.0+)?)$' \
    "coverage is null or in [0, 1] ($cov)"
b=$(ifbytes "$H")
within "$(json "$P" '$j->{rx_bytes} + $j->{tx_bytes}')" "$b" 2
ok $? "rx_bytes + tx_bytes: the interface's bytes since start"

# The live file: at most 120 one-second samples, oldest first.
L=$D/live_$H.json
is "$(json "$L" '$j->{iface}')" "$H" "live: iface"
is "$(json "$L" '$j->{interval_seconds}')" 1 "live: interval_seconds"
n=$(json "$L" 'scalar @{$j->{samples}}')
like "$n" '^[0-9]+$' "live: samples ($n)"
[ "$n" -ge 5 ] && [ "$n" -le 120 ]; ok $? "live: between 5 and 120 samples"
is "$(json "$L" 'my $p = 0; my $ok = 1; for (@{$j->{samples}}) {
    $ok = 0 if @$_ != 3 || $_->[0] <= $p; $p = $_->[0] } $ok')" 1 \
    "live: [ts, rx_bps, tx_bps], ts increasing"
is "$(json "$L" 'my $m = 0; for (@{$j->{samples}}) { $m = $_->[2]
    if $_->[2] > $m } $m > 50e6 ? 1 : 0')" 1 \
    "live: the 100 Mbit/s transfer shows"

# A connection that opens, sends and closes at once, from a process
# that exits at once: its bytes are counted, by pid or as closed.
ip netns exec "$NS" perl -MIO::Socket::INET -e '
    my $l = IO::Socket::INET->new(LocalAddr => "$ARGV[0]:5301",
	Listen => 5, ReuseAddr => 1) or die "listen: $!";
    while (my $c = $l->accept) { my $b; 1 while sysread $c, $b, 65536;
	close $c }' "10.213.$N.2" &
PIDS="$PIDS $!"
wait_for 10 listening "$NS" 5301 t
ok $? "a sink server in $NS"
wait_written "$P"
a0=$(all_bytes "$P")
b0=$(ifbytes "$H")
perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new("$ARGV[0]:5301") or die "connect: $!";
    print $s "x" x 2000000; close $s' "10.213.$N.2" &
sp=$!
wait "$sp"
ok $? "a short client sent 2 MB and exited"
b1=$(ifbytes "$H")
# Until it is attributed (or given up on), a connection holds its bytes.
wait_for 15 counted "$P" "$a0" "$((b1 - b0))"
a1=$(all_bytes "$P")
mine=$(pid_bytes "$P" "$sp")
closed=$(row_bytes "$P" "[closed sockets]")
echo "# short connection: $((a1 - a0)) of $((b1 - b0)) bytes counted;" \
    "pid $sp has $mine, [closed sockets] has $closed in all"
within "$((a1 - a0))" "$((b1 - b0))" 1
ok $? "the short connection's bytes are all counted (1 %)"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
is "$(json "$P" '$j->{iface}')" "$H" "the last procs file is whole"
grep -v -e 'capturing' -e 'exiting' "$T/bwprocs.err" | sed 's/^/# /'
done_testing
