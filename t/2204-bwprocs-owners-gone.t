#!/bin/sh
# Rows and connections that leave bwprocs's table within an owner
# interval hand their bytes to it.  With max_connections = 1000, a client
# opens 1500 short connections in a couple of seconds (each stays in the
# table for 10 s after its FIN), so the table evicts hundreds of them;
# with procs_linger = 0 the client's row goes once its connections have.
# (The server never accepts: the connections wait in its queue, and the
# client is not held up by a slow reader.)
# The owner history still holds every byte the interface moved, and the
# client has its connections' bytes.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

D=$T/data
mkdir -p "$D" "$T/bin"
# The subnet from the pid: runs in other checkouts at the same time use
# other addresses.
N=$((100 + $$ % 74 * 2))
NS=${NP}n
H=${NP}h
mkns "$NS" && veth_to_ns "$H" "${NP}p" "$NS" "$N"
ok $? "veth $H <-> $NS (10.213.$N.0/24)"
ip netns exec "$NS" perl -MIO::Socket::INET -e '
    my $l = IO::Socket::INET->new(LocalAddr => $ARGV[0],
	Listen => 4096, ReuseAddr => 1) or die "listen: $!";
    sleep 3600' "10.213.$N.2:5301" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 10 listening "$NS" 5301 t
ok $? "a server in $NS with room for 4096 connections in its queue"
printf 'owners_interval = 10\nprocs_linger = 0\nmax_connections = 1000\n' \
    >"$T/conf"
start_bwprocs bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs started (max_connections = 1000, procs_linger = 0)"
O=$D/owners_$H.jsonl

cp "$(command -v perl)" "$T/bin/flood"
b0=$(ifbytes "$H")
"$T/bin/flood" -MIO::Socket::INET -MTime::HiRes=sleep -e '
    for (1 .. 1500) {
	my $s = IO::Socket::INET->new($ARGV[0]) or die "connect: $!";
	print $s "x" x 10000;
	close $s;
	sleep 0.001;
    }' "10.213.$N.2:5301" &
fp=$!
wait "$fp"
ok $? "1500 connections of 10 kB, from one process that exited"
# Its connections expire 10 s after their last byte, its row then.
gone() {
	[ "$(json "$D/procs_$H.json" "scalar grep { \$_->{pid} == $fp }
	    @{\$j->{processes}}")" = 0 ]
}
sleep 12
wait_for 20 gone
ok $? "the client's row is gone from the table"
b1=$(ifbytes "$H")
t=$(date +%s)
sleep $((10 - t % 10 + 2))
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
all=$(jsonl "$O" 'my $s = 0; $s += $_->{rx} + $_->{tx} for @l; $s')
echo "# owner lines: $all bytes; the interface: $((b1 - b0))"
within "$all" "$((b1 - b0))" 1
ok $? "the owner history holds the interface's bytes (1 %)"
got=$(jsonl "$O" 'my $s = 0; $s += $_->{rx} + $_->{tx}
    for grep { $_->{prog} eq "flood" } @l; $s')
echo "# flood: $got of $((b1 - b0)) ($(share "$got" "$((b1 - b0))") %)"
[ "$got" -gt $(( (b1 - b0) / 2 )) ]
st=$?
ok $st "most of them are the client's, though its row has gone"
[ $st = 0 ] || jsonl "$O" 'my %p; $p{$_->{prog}} += $_->{rx} + $_->{tx}
    for @l; join "\n", map { "# $_: $p{$_}" } sort keys %p'
is "$(jsonl "$O" 'my ($s, $r) = (0, 0); for (grep { $_->{prog} eq "flood" }
    @l) { $s += $_->{rx} + $_->{tx}; $r += $_->[1] + $_->[2]
    for @{$_->{r}} } $s == $r ? 1 : "$s != $r"')" 1 \
    "its remotes hold all its bytes, evicted connections' too"
grep -v -e 'capturing' -e 'exiting' -e conntrack "$T/bwprocs.err" |
    sed 's/^/# /'
done_testing
