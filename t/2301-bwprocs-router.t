#!/bin/sh
# Router mode on a simulated router.  Namespaces:
#
#   C1, C2, C3 --- bridge BR in R [10.215.N.1, fd15:N::1] --- R ---
#       WAN [10.215.M.1, fd15:M::1] --- I [10.215.M.2, fd15:M::2]
#
# (N and M = N + 1 from the pid.)  R forwards, masquerades IPv4 on the
# WAN, and runs dnsmasq as the LAN's DHCP server: each client asks for a
# lease with busybox udhcpc, sending its host name, and dnsmasq writes
# the leases file bwprocs names the devices from.  Each client has a
# static IPv4 and IPv6 address (dnsmasq's --dhcp-host gives it the same
# IPv4 address); C3 has a second IPv4 address.  I runs iperf3 servers.
# bwprocs runs in R on the bridge with capture = off (hosts only).
#
# Each client moves a different known amount both ways; the client's
# own nftables counters (what it sent to and received from the WAN
# subnets: L3 bytes) are the truth every row is held to (1 %).  A flow
# that began before bwprocs counts from its next byte; a lease renamed
# mid-test renames the row; the history rows add up to the live totals;
# a restart goes on from the previous totals; hostile lines in the
# leases file are skipped with a warning; the table goes at exit.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/router-lib.sh"
need_root
need_cmds nft dnsmasq busybox
busybox udhcpc --help >/dev/null 2>&1 || skip_all "busybox has no udhcpc"

D=$T/data
mkdir -p "$D"
chmod 0755 "$T"
router_lab 215
ok $? "router $R: WAN to $I with masquerade, bridge $BR"

lan_client 1 02:15:00:00:00:01 "$LAN6:11" "$LAN.11" &&
lan_client 2 02:15:00:00:00:02 "$LAN6:12" "$LAN.12" &&
lan_client 3 02:15:00:00:00:03 "$LAN6:13" "$LAN.13" "$LAN.23"
ok $? "three clients on $BR, one with two IPv4 addresses"

# dnsmasq: DHCP only (no DNS), the clients' addresses fixed by MAC.
LEASES=$T/dnsmasq.leases
ip netns exec "$R" dnsmasq --keep-in-foreground --port=0 -u root \
    --interface="$BR" --bind-interfaces --dhcp-authoritative --no-ping \
    --dhcp-range="$LAN.100,$LAN.200,1h" --dhcp-leasefile="$LEASES" \
    --dhcp-host=02:15:00:00:00:01,"$LAN.11" \
    --dhcp-host=02:15:00:00:00:02,"$LAN.12" \
    --dhcp-host=02:15:00:00:00:03,"$LAN.13" \
    --pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" \
    2>>"$T/dnsmasq.err" &
PIDS="$PIDS $!"
wait_for 10 test -f "$T/dnsmasq.pid"
ok $? "dnsmasq in $R"

# lease K NAME: client K asks dnsmasq for its lease, named NAME.
lease() {
	ip netns exec "${NP}c$1" busybox udhcpc -f -q -n -t 5 -T 1 -i eth0 \
	    -s /bin/true -x "hostname:$2" >>"$T/udhcpc.log" 2>&1
}
has_lease() {
	grep -q " $1 $2 " "$LEASES" 2>/dev/null
}
lease 1 laptop && lease 2 phone && lease 3 tv &&
wait_for 10 has_lease "$LAN.11" laptop &&
wait_for 10 has_lease "$LAN.12" phone && wait_for 10 has_lease "$LAN.13" tv
ok $? "leases from dnsmasq: laptop, phone, tv"

for _p in 5201 5202 5203 5204; do
	ip netns exec "$I" iperf3 -s -p "$_p" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
sink "$I" "$WAN.2" 6000 &&
wait_for 10 listening "$I" 5201 t && wait_for 10 listening "$I" 5204 t
ok $? "iperf3 servers and a sink in $I"

# A flow from C3 that begins before bwprocs: it connects and sends
# 1 MB, then waits for $T/go and sends 3 MB more.
early_flow "${NP}c3" "$WAN.2:6000" "$T/go"
ok $? "a flow from C3 began before bwprocs"


cat >"$T/conf" <<EOF
router = on
capture = off
owners_interval = 10
dhcp_leases = $LEASES
EOF
H=$D/hosts_$BR.json
HL=$D/hostlog_$BR.jsonl
ip netns exec "$R" bwprocs -f -v -c "$T/conf" -d "$D" "$BR" \
    2>>"$T/bwprocs.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for 15 test -f "$H"
ok $? "bwprocs in $R on $BR writes $H"
ip netns exec "$R" nft list table inet "bwmon_hosts_$BR" >/dev/null 2>&1
ok $? "its nftables table inet bwmon_hosts_$BR"

# The clients are quiet now: what they moved from here on is what the
# rows must hold.
for _k in 1 2 3; do
	eval "B$_k=\"$(counters $_k)\""
done
F0=$(forwarded)

touch "$T/go"
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 6M >/dev/null &&
ip netns exec "${NP}c1" iperf3 -c "$WAN.2" -p 5201 -n 2M -R >/dev/null &&
ip netns exec "${NP}c1" iperf3 -6 -c "$WAN6:2" -p 5201 -n 3M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 2M >/dev/null &&
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 9M -R >/dev/null &&
ip netns exec "${NP}c3" iperf3 -c "$WAN.2" -p 5203 -B "$LAN.13" -n 1M \
    >/dev/null &&
ip netns exec "${NP}c3" iperf3 -c "$WAN.2" -p 5203 -B "$LAN.23" -n 4M -R \
    >/dev/null
ok $? "traffic: laptop 6+3 MB up, 2 MB down; phone 2 up, 9 down; tv 1+3 up, 4 down"
sleep 2		# the early flow's last bytes
wait_written "$H"
ok $? "a hosts file written after the traffic"

for _k in 1 2 3; do
	eval "A$_k=\"$(counters $_k)\""
done
F1=$(forwarded)


check() {	# K MAC NAME
	eval "set -- $1 $2 $3 \$B$1 \$A$1"
	_rx=$(( $6 - $4 ))
	_tx=$(( $7 - $5 ))
	_grx=$(host "$2" '$h->{rx}')
	_gtx=$(host "$2" '$h->{tx}')
	within "$_grx" "$_rx" 1
	ok $? "$3 ($2): rx $_grx of $_rx bytes ($(share "$_grx" "$_rx") %)"
	within "$_gtx" "$_tx" 1
	ok $? "$3 ($2): tx $_gtx of $_tx bytes ($(share "$_gtx" "$_tx") %)"
	is "$(host "$2" '"$h->{name} $h->{from} $h->{mac}"')" "$3 lease $2" \
	    "$3: named from its lease, keyed by its MAC"
}
check 1 02:15:00:00:00:01 laptop
check 2 02:15:00:00:00:02 phone
check 3 02:15:00:00:00:03 tv

is "$(json "$H" 'scalar @{$j->{hosts}}')" 3 \
    "one row per device (IPv4 and IPv6 addresses merged)"
is "$(host 02:15:00:00:00:01 'join " ", sort @{$h->{addrs}}')" \
    "$LAN.11 $LAN6:11" "laptop's row lists its IPv4 and IPv6 addresses"
is "$(host 02:15:00:00:00:03 'join " ", sort @{$h->{addrs}}')" \
    "$LAN.13 $LAN.23" "tv's row lists both its IPv4 addresses"
# The early flow: 3 MB after bwprocs began, not the 1 MB before it.
TVTX=$(host 02:15:00:00:00:03 '$h->{tx}')
perl -e 'exit($ARGV[0] > 4e6 && $ARGV[0] < 4.5e6 ? 0 : 1)' "$TVTX"
ok $? "the flow begun before bwprocs counts from its next byte (tv tx $TVTX)"

SUM=$(json "$H" 'my $s = 0; $s += $_->{rx} + $_->{tx} for @{$j->{hosts}}; $s')
is "$(json "$H" '$j->{rx} + $j->{tx}')" "$SUM" "the header's rx + tx sum the rows"
within "$SUM" "$((F1 - F0))" 1
ok $? "the rows sum to the forwarded bytes: $SUM of $((F1 - F0)) ($(share "$SUM" "$((F1 - F0))") %)"
is "$(json "$H" '"$j->{source} $j->{interval} " . (defined $j->{offload} ? "offload" : "null")')" \
    "nftables 1 null" "source nftables, every second, no offload"
like "$(host 02:15:00:00:00:02 '$h->{seen}')" '^[0-9]{10}$' "seen is an epoch second"

# A lease renamed: the phone asks again with another name.
lease 2 fridge && wait_for 10 has_lease "$LAN.12" fridge
ok $? "dnsmasq renamed the phone's lease to fridge"
renamed() {
	[ "$(host 02:15:00:00:00:02 '$h->{name}')" = fridge ]
}
wait_for 5 renamed
ok $? "the renamed lease renames the row"
ip netns exec "${NP}c2" iperf3 -c "$WAN.2" -p 5202 -n 1M >/dev/null
ok $? "fridge sends 1 MB"
wait_written "$H"

# The history: every row of the run adds up to the live totals.
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops (exit 0)"
ip netns exec "$R" nft list table inet "bwmon_hosts_$BR" >/dev/null 2>&1
ok $((! $?)) "its table is gone with it"
for _m in 01 02 03; do
	_id=02:15:00:00:00:$_m
	is "$(jsonl "$HL" "my (\$r, \$t) = (0, 0); for (grep { \$_->{id} eq '$_id' } @l) { \$r += \$_->{rx}; \$t += \$_->{tx} } \"\$r \$t\"")" \
	    "$(host $_id '"$h->{rx} $h->{tx}"')" "$_id: the history rows sum to its totals"
done
is "$(jsonl "$HL" 'scalar grep { !$_->{rx} && !$_->{tx} } @l')" 0 \
    "no history row without bytes"
is "$(jsonl "$HL" 'scalar grep { $_->{ts} % 10 || $_->{len} != 10 } @l')" 0 \
    "history rows start at multiples of owners_interval and last it"
is "$(jsonl "$HL" '$bad')" 0 "every history line is a JSON object"
is "$(jsonl "$HL" '(grep { $_->{id} eq "02:15:00:00:00:02" } @l)[-1]{name}')" \
    fridge "the last history row of the phone has its new name"

# Hostile lines in a leases file: skipped, with a warning each; the
# good lines still name the devices.  And a restart goes on from the
# previous totals.
HOSTILE=$T/hostile.leases
{
	printf 'garbage\n'
	printf '1 02:15:00:00:00:01 %s.11 %s *\n' "$LAN" \
	    "$(perl -e 'print "x" x 300')"
	printf '1 02:15:00:00:00:02 %s.12 bad\001name *\n' "$LAN"
	printf '1 02:15:00:00:00:03 999.1.1.1 evil *\n'
	perl -e 'print "9" x 2000, "\n"'
	cat "$LEASES"
} >"$HOSTILE"
sed -i "s|^dhcp_leases = .*|dhcp_leases = $HOSTILE|" "$T/conf"
OLD=$(host 02:15:00:00:00:01 '$h->{rx} + $h->{tx}')
: >"$T/bwprocs.err"
ip netns exec "$R" bwprocs -f -c "$T/conf" -d "$D" "$BR" \
    2>>"$T/bwprocs.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for 5 logged "$T/bwprocs.err" 'line 5|:5:'
for _l in 1 2 3 4 5; do
	logged "$T/bwprocs.err" "hostile.leases:$_l: .*skipped"
	ok $? "hostile leases line $_l skipped with a warning"
done
wait_written "$H"
is "$(json "$H" 'join " ", map { $_->{name} // "-" } sort { $a->{id} cmp $b->{id} } @{$j->{hosts}}')" \
    "laptop fridge tv" "the good lines still name the devices"
perl -e 'exit($ARGV[0] >= $ARGV[1] && $ARGV[1] > 0 ? 0 : 1)' \
    "$(host 02:15:00:00:00:01 '$h->{rx} + $h->{tx}')" "$OLD"
ok $? "after a restart the totals go on from the previous file's"
kill -TERM "$BP" && wait "$BP"
ok $? "bwprocs stops again"

done_testing
