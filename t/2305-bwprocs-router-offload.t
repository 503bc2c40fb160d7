#!/bin/sh
# Router mode while a flowtable offloads flows: the forwarded flows are
# counted from their conntrack counters, which hold every packet of a
# flow, offloaded or not, and the nftables sets count only what
# conntrack does not.  This kind of kernel has no flowtables (nft add
# flowtable fails), so BWMON_OFFLOAD_TEST makes bwprocs believe there
# is one: the counting is the same, only the offloaded packets are not
# there to miss.  Namespaces:
#
#   C1, C2 --- bridge BR in R [10.220.N.1, fd20:N::1] --- R ---
#       WAN [10.220.M.1, fd20:M::1] --- I [10.220.M.2, fd20:M::2]
#
# Each client moves a known amount both ways (IPv4 and IPv6), and C2
# sends to R itself (not forwarded); each row holds its client's L3
# bytes (1 %), the rows sum to what R forwarded, and the file says
# offload is counted, from "conntrack".  Flows begun before bwprocs
# count from their next byte: C2's from its conntrack counters, C1's,
# begun with accounting off (no counters), in the sets.  Flows that
# begin and end while bwprocs is stopped count once, from their
# destroy events.  Accounting off at the start is turned on by the
# kernel for bwprocs's rule.  A network routed behind a device counts
# as the LAN's.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/router-lib.sh"
need_root
need_cmds nft conntrack

D=$T/data
mkdir -p "$D"
chmod 0755 "$T"
router_lab 220
ok $? "router $R: WAN to $I with masquerade, bridge $BR"

lan_client 1 02:20:00:00:00:01 "$LAN6:11" "$LAN.11" &&
lan_client 2 02:20:00:00:00:02 "$LAN6:12" "$LAN.12"
ok $? "two clients on $BR"

for _p in 5201 5202; do
	ip netns exec "$I" iperf3 -s -p "$_p" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
wait_for 10 listening "$I" 5201 t && wait_for 10 listening "$I" 5202 t &&
sink "$I" "$WAN.2" 6000 && sink "$R" "$LAN.1" 7000
ok $? "iperf3 servers and a sink in $I, a sink in R"

# Flows begun before bwprocs: each connects and sends 1 MB, then waits
# for its go file and sends 3 MB more.  C1's begins with conntrack
# accounting off, so its conntrack entry has no counters; C2's with it
# on.
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=0 &&
early_flow "${NP}c1" "$WAN.2:6000" "$T/go1" &&
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=1 &&
early_flow "${NP}c2" "$WAN.2:6000" "$T/go2"
ok $? "flows from C1 (accounting off) and C2 (on) began before bwprocs"

H=$D/hosts_$BR.json
# moved K: client K's "rx tx" since its counters were "$B<K>".
moved() {
	eval "set -- \$B$1 $(counters "$1")"
	echo "$(($3 - $1)) $(($4 - $2))"
}
# held K MAC WHAT: client K's row holds what it moved since B<K>, 1 %.
held() {
	eval "set -- $1 $2 \"\$3\" $(moved "$1") \$G$1"
	_grx=$(($(host "$2" '$h->{rx}') - $6))
	_gtx=$(($(host "$2" '$h->{tx}') - $7))
	within "$_grx" "$4" 1
	ok $? "$3: rx $_grx of $4 bytes ($(share "$_grx" "$4") %)"
	within "$_gtx" "$5" 1
	ok $? "$3: tx $_gtx of $5 bytes ($(share "$_gtx" "$5") %)"
}
# base: what the clients' counters and rows say now.
base() {
	for _k in 1 2; do
		eval "B$_k=\"$(counters $_k)\""
		_g=$(host 02:20:00:00:00:0$_k '"$h->{rx} $h->{tx}"')
		[ "$_g" = NOHOST ] && _g="0 0"
		eval "G$_k=\"$_g\""
	done
}

cat >"$T/conf" <<EOF
router = on
capture = off
owners_interval = 10
EOF
start() {
	: >"$T/bwprocs.err"
	BWMON_OFFLOAD_TEST=1 ip netns exec "$R" bwprocs -f -v -c "$T/conf" \
	    -d "$D" "$BR" 2>>"$T/bwprocs.err" &
	BP=$!
	PIDS="$PIDS $BP"
	wait_for 15 logged "$T/bwprocs.err" "router mode"
}
start
wait_for 15 test -f "$H"
ok $? "bwprocs in $R on $BR writes $H"
logged "$T/bwprocs.err" \
    "test \\(BWMON_OFFLOAD_TEST\\): offloaded flows counted from their conntrack counters"
ok $? "it says offloaded flows are counted from conntrack"
ip netns exec "$R" nft list chain inet "bwmon_hosts_$BR" forward |
    grep -q 'ct bytes != 0 return'
ok $? "its sets leave the flows with conntrack counters to conntrack"

base
F0=$(forwarded)
touch "$T/go1" "$T/go2"
sleep 2
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 6M >/dev/null &&
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 3M -R >/dev/null &&
ip netns exec "${NP}c1" iperf3 -6 -c "$WAN6:2" -p 5201 -n 2M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 2M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -6 -c "$WAN6:2" -p 5202 -n 5M -R \
    >/dev/null &&
ip netns exec "${NP}c2" perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new($ARGV[0]) or die "connect: $!";
    print $s "x" x (3 << 20); close $s' "$LAN.1:7000"
ok $? "traffic: C1 3+6+2 MB up, 3 down; C2 3+2 up, 5 down, and 3 MB to R"
wait_written "$H"
wait_written "$H"
F1=$(forwarded)
held 1 02:20:00:00:00:01 "C1, its early flow counted by the sets"
held 2 02:20:00:00:00:02 "C2, what it sent to R not counted"
SUM=$(json "$H" 'my $s = 0; $s += $_->{rx} + $_->{tx} for @{$j->{hosts}}; $s')
within "$((SUM - ${G1% *} - ${G1#* } - ${G2% *} - ${G2#* }))" "$((F1 - F0))" 1
ok $? "the rows sum to the forwarded bytes"
is "$(json "$H" '"$j->{offload} $j->{source} " . ($j->{offload_counted} ? "counted" : "not")')" \
    "test (BWMON_OFFLOAD_TEST) conntrack counted" \
    "the file says what is offloaded, that it is counted, from conntrack"

# Flows that begin and end while bwprocs is stopped: only their destroy
# events hold their bytes.
base
kill -STOP "$BP"
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 4M >/dev/null &&
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 1M -R >/dev/null
ok $? "C1 moves 4 MB up, 1 down while bwprocs is stopped"
ip netns exec "$R" conntrack -F >/dev/null 2>&1
ok $? "conntrack -F in $R ends every flow"
kill -CONT "$BP"
wait_written "$H"
held 1 02:20:00:00:00:01 "C1, flows gone before a dump saw them"

# Accounting off when bwprocs starts: the kernel turns it on for the
# rule that reads conntrack's bytes, so the flows that begin then have
# counters.
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops"
# A network routed behind C1 (a device that routes for others).
BEHIND=10.222.$N.1
ip -n "${NP}c1" addr add "$BEHIND/32" dev eth0 &&
ip -n "$R" route add "$BEHIND/32" via "$LAN.11" dev "$BR"
ok $? "$BEHIND routed behind C1"
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=0
start
wait_written "$H"
is "$(ip netns exec "$R" sysctl -n net.netfilter.nf_conntrack_acct)" 1 \
    "accounting off at the start: on with bwprocs's counting rule"
is "$(json "$H" '$j->{offload_counted} ? "counted" : "not"')" counted \
    "... and the file says offload is counted"
base
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 4M >/dev/null
wait_written "$H"
held 1 02:20:00:00:00:01 "C1, a flow begun then"
base
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -B "$BEHIND" -n 2M \
    >/dev/null
ok $? "2 MB from $BEHIND"
wait_written "$H"
set -- $(moved 1)
_gtx=$(host "$BEHIND" '$h->{tx}')
within "$_gtx" "$2" 1
ok $? "the network routed behind C1 counts: tx $_gtx of $2 bytes"
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops again"

done_testing
