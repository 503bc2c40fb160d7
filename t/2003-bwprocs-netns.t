#!/bin/sh
# bwprocs and other network namespaces.  A router namespace R (where
# bwprocs runs, so R plays the host) forwards between namespaces A and B:
#
#   A [10.213.2.2] --- [10.213.2.1] aR  R  bR [10.213.3.1] --- [10.213.3.2] B
#
# bwprocs captures aR.  An iperf3 client in A talking to a server in B
# has sockets at both ends, neither in R: the one behind the captured
# interface (A's) owns the bytes, once, labelled with its namespace.
# UDP from an address no namespace has is "[forwarded]".
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

D=$T/data
mkdir -p "$D"
# $AR, R's end towards A, is the one captured.
ns_router 213 2 3 v6
ok $? "namespaces $A - $R - $B, forwarding in $R only"

iperf_server "$B"

start_bwprocs ip netns exec "$R" bwprocs -f -d "$D" "$AR"
ok $? "bwprocs in $R on $AR"
P=$D/procs_$AR.json

# client NAME ARGS...: an iperf3 client in A; its pid must own the
# bytes of aR for the window, with A's namespace as its container.
client() {
	_name=$1
	shift
	_b0=$(ifbytes "$AR" "$R")
	ip netns exec "$A" iperf3 "$@" >"$T/iperf.out" 2>&1 &
	_cp=$!
	wait "$_cp"
	_st=$?
	_b1=$(ifbytes "$AR" "$R")
	is "$_st" 0 "$_name: iperf3 $* in $A"
	wait_written "$P"
	_want=$((_b1 - _b0))
	_got=$(pid_bytes "$P" "$_cp")
	bytes_near "$_got" "$_want" 1 "$_name: pid $_cp in $A has" \
	    "$_name: the client in $A has the bytes (1 %)" ||
	    json "$P" 'join "\n", map { "# row: $_->{name} $_->{pid}
		$_->{container} $_->{tx_bytes} $_->{rx_bytes}" }
		@{$j->{processes}}'
	_row="(grep { \$_->{pid} == $_cp } @{\$j->{processes}})[0]"
	is "$(json "$P" "$_row->{container}")" "netns:$A" \
	    "$_name: labelled with its namespace"
	CP=$_cp
}

client "TCP/IPv4" -c 10.213.3.2 -t 2 -b 100M
is "$(json "$P" "scalar grep { \$_->{name} eq 'iperf3' && \$_->{pid} != $CP
    } @{\$j->{processes}}")" 0 "the server in $B is not counted as well"
like "$(json "$P" "(grep { \$_->{pid} == $CP }
    @{\$j->{processes}})[0]{tx_bytes}")" '^2[0-9]{7}$' \
    "tx is what the client sent (its view)"
client "UDP/IPv6" -6 -u -c fd00:213:3::2 -t 2 -b 40M -l 1200

# Forwarded: UDP from an address nobody here has, to one nobody has,
# sent by a raw socket in A.  Nothing owns it: "[forwarded]".
f0=$(row_bytes "$P" "[forwarded]")
ip netns exec "$A" perl -MSocket -e '
    socket(my $s, PF_INET, SOCK_RAW, 255) or die "socket: $!";
    my $u = pack("nnnn", 40000, 9, 1008, 0) . ("x" x 1000);
    my $ip = pack("CCnnnCCn a4 a4", 0x45, 0, 20 + length($u), 1, 0, 64,
	17, 0, inet_aton("10.213.2.99"), inet_aton("10.213.3.99"));
    my $d = sockaddr_in(0, inet_aton("10.213.3.99"));
    for (1 .. 2000) { send($s, $ip . $u, 0, $d) or die "send: $!" }'
ok $? "2000 spoofed UDP datagrams sent from $A"
want=$((2000 * (14 + 20 + 8 + 1000)))
fwd_counted() {
	within "$(( $(row_bytes "$P" "[forwarded]") - f0 ))" "$want" 1
}
wait_for 15 fwd_counted
got=$(( $(row_bytes "$P" "[forwarded]") - f0 ))
bytes_near "$got" "$want" 1 "[forwarded]:" \
    "[forwarded] has the forwarded bytes (1 %)"
is "$(json "$P" 'my ($r) = grep { $_->{name} eq "[forwarded]" }
    @{$j->{processes}}; "$r->{kind},$r->{pid}"')" "unattributed,0" \
    "[forwarded] is an unattributed row"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
done_testing
