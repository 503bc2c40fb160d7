#!/bin/sh
# Router mode with offloaded flows, counted from conntrack.  This kind
# of kernel has no flowtables (nft add flowtable fails), so a conntrack
# mark stands for one: with BWMON_OFFLOAD_MARK=7, bwprocs's counting
# chain skips the packets of a flow marked 7, as an offloaded flow's
# packets skip the forward hook, and it takes a flow marked 7 for an
# offloaded one when it reads conntrack.  R marks the TCP flows to port
# 5201 from their first established packet on, as a `flow add` rule
# hands a flow over after its handshake.  Namespaces:
#
#   C1, C2 --- bridge BR in R [10.220.N.1, fd20:N::1] --- R ---
#       WAN [10.220.M.1, fd20:M::1] --- I [10.220.M.2, fd20:M::2]
#
# C1 moves bytes on marked flows (IPv4 and IPv6), C2 on unmarked ones;
# each row holds its client's L3 bytes (1 %), the rows sum to what R
# forwarded, and the file says offload is counted.  A marked flow that
# began before bwprocs counts from its next byte.  A marked flow that
# begins and ends while bwprocs is stopped is counted once, from its
# destroy event.  With conntrack accounting off the marked bytes are
# missing, and the file and the log say so.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/router-lib.sh"
need_root
need_cmds nft conntrack

D=$T/data
mkdir -p "$D"
chmod 0755 "$T"
router_lab 220 &&
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=1 &&
ip netns exec "$R" nft -f - <<EOF
table inet ${NP}marks {
	chain marks {
		type filter hook forward priority -160;
		ct state established tcp dport { 5201, 6000 } ct mark set 7
	}
}
EOF
ok $? "router $R: masquerade, conntrack accounting, flows to :5201 and :6000 marked 7"

lan_client 1 02:20:00:00:00:01 "$LAN6:11" "$LAN.11" &&
lan_client 2 02:20:00:00:00:02 "$LAN6:12" "$LAN.12"
ok $? "two clients on $BR"

for _p in 5201 5202; do
	ip netns exec "$I" iperf3 -s -p "$_p" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
wait_for 10 listening "$I" 5201 t && wait_for 10 listening "$I" 5202 t &&
sink "$I" "$WAN.2" 6000
ok $? "iperf3 servers and a sink in $I"

# A marked flow from C1 that begins before bwprocs: it connects and
# sends 1 MB, then waits for $T/go and sends 3 MB more.  Nothing else
# from C1 crosses the forward hook before it: its address is known to
# bwprocs only as one of the LAN's subnet.
early_flow "${NP}c1" "$WAN.2:6000" "$T/go"
ok $? "a marked flow from C1 began before bwprocs"

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
	BWMON_OFFLOAD_MARK=7 ip netns exec "$R" bwprocs -f -v -c "$T/conf" \
	    -d "$D" "$BR" 2>>"$T/bwprocs.err" &
	BP=$!
	PIDS="$PIDS $BP"
	wait_for 15 logged "$T/bwprocs.err" "router mode"
}
start
wait_for 15 test -f "$H"
ok $? "bwprocs in $R on $BR writes $H"
logged "$T/bwprocs.err" \
    "ct mark 7 \\(BWMON_OFFLOAD_MARK\\): offloaded flows counted from their conntrack counters"
ok $? "it says offloaded flows are counted from conntrack"
ip netns exec "$R" nft list chain inet "bwmon_hosts_$BR" forward |
    grep -q 'ct mark 0x00000007 return'
ok $? "its counting chain skips the marked flows' packets"

base
F0=$(forwarded)
touch "$T/go"
sleep 2
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 6M >/dev/null &&
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 3M -R >/dev/null &&
ip netns exec "${NP}c1" iperf3 -6 -c "$WAN6:2" -p 5201 -n 2M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 2M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 5M -R >/dev/null
ok $? "traffic: C1 3+6+2 MB up and 3 down on marked flows; C2 2 up, 5 down"
wait_written "$H"
wait_written "$H"
F1=$(forwarded)
MARKED=$(ip netns exec "$R" conntrack -L -m 7 2>/dev/null | grep -c 'dport=\(5201\|6000\)')
perl -e 'exit($ARGV[0] >= 7 ? 0 : 1)' "$MARKED"
ok $? "conntrack holds C1's flows marked ($MARKED)"
held 1 02:20:00:00:00:01 "C1, marked flows"
held 2 02:20:00:00:00:02 "C2, unmarked flows"
SUM=$(json "$H" 'my $s = 0; $s += $_->{rx} + $_->{tx} for @{$j->{hosts}}; $s')
within "$((SUM - ${G1% *} - ${G1#* } - ${G2% *} - ${G2#* }))" "$((F1 - F0))" 1
ok $? "the rows sum to the forwarded bytes"
is "$(json "$H" '"$j->{offload} " . ($j->{offload_counted} ? "counted" : "not")')" \
    "ct mark 7 (BWMON_OFFLOAD_MARK) counted" \
    "the file says what is offloaded, and that it is counted"

# Marked flows that begin and end while bwprocs is stopped: only their
# destroy events hold their bytes.
base
kill -STOP "$BP"
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 4M >/dev/null &&
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 1M -R >/dev/null
ok $? "C1 moves 4 MB up, 1 down on marked flows while bwprocs is stopped"
ip netns exec "$R" conntrack -F >/dev/null 2>&1
ok $? "conntrack -F in $R ends every flow"
kill -CONT "$BP"
wait_written "$H"
held 1 02:20:00:00:00:01 "C1, flows gone before a dump saw them"

# Accounting off: a marked flow's bytes after the hand-over are lost,
# and the file and the log say so.
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops"
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=0
start
logged "$T/bwprocs.err" "not counted per host: conntrack accounting is off"
ok $? "with accounting off, the log says marked flows are not counted"
wait_written "$H"
is "$(json "$H" '$j->{offload_counted} ? "counted" : "not"')" not \
    "... and so does the file"
base
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 4M >/dev/null
wait_written "$H"
_gtx=$(($(host 02:20:00:00:00:01 '$h->{tx}') - ${G1#* }))
set -- $(moved 1)
perl -e 'exit($ARGV[0] < $ARGV[1] / 10 ? 0 : 1)' "$_gtx" "$2"
ok $? "... and the row lacks the marked flow's bytes ($_gtx of $2)"
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops again"

done_testing
