#!/bin/sh
# No leak and no memory error in router mode's paths: bwprocs runs under
# valgrind (BWMON_NO_VALGRIND=1 runs it bare; a sanitizer build runs
# under LeakSanitizer instead) in a router namespace R
# between a client C and an "internet" I, with capture = off and
# owners_interval = 10, for some 14 s: the sets read every second, the
# neighbour table, the names read again after a lease changes (and a
# hostile line), an address whose MAC is learnt late (its row joins the
# MAC's, and its history rows join the device's in bwhistory --by host:
# the device's next row says it "was" the address), an interval's rows
# and their rollup, the live file; and the flows read from conntrack
# (dumps, and destroy events after conntrack -F), with
# BWMON_OFFLOAD_TEST standing for a flowtable as in t/2305.
# t/data/libnftables.supp leaves out the uninitialised padding
# libnftables itself sends.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_cmds nft conntrack
RUN=
[ "${BWMON_NO_VALGRIND:-}" = 1 ] || leak_run libnftables.supp
D=$T/data
mkdir -p "$D"
N=$((100 + $$ % 74 * 2))
M=$((N + 1))
R=${NP}r
C=${NP}c
I=${NP}i
L=${NP}l
mkns "$R" && mkns "$C" && mkns "$I" &&
ip -n "$R" link add "$L" type veth peer name c0 netns "$C" &&
ip -n "$R" link add "${NP}w" type veth peer name i0 netns "$I" &&
ip -n "$R" addr add "10.215.$N.1/24" dev "$L" &&
ip -n "$R" addr add "10.215.$M.1/24" dev "${NP}w" &&
ip -n "$C" addr add "10.215.$N.2/24" dev c0 &&
ip -n "$I" addr add "10.215.$M.2/24" dev i0 &&
ip -n "$R" link set "$L" up && ip -n "$R" link set "${NP}w" up &&
ip -n "$C" link set c0 up && ip -n "$I" link set i0 up &&
ip -n "$C" route add default via "10.215.$N.1" &&
ip -n "$I" route add default via "10.215.$M.1" &&
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ok $? "router $R between $C and $I"

MAC=$(ip -n "$C" -j link show c0 | perl -MJSON::PP -0777 -ne \
    'print decode_json($_)->[0]{address}')
RMAC=$(ip -n "$R" -j link show "$L" | perl -MJSON::PP -0777 -ne \
    'print decode_json($_)->[0]{address}')
ip -n "$C" neigh replace "10.215.$N.1" lladdr "$RMAC" dev c0 nud permanent &&
ip -n "$R" neigh flush dev "$L" &&
ip netns exec "$I" nft -f - <<EOF
table ip sink {
	chain in {
		type filter hook input priority 0;
		udp dport 9 drop
	}
}
EOF
ok $? "C knows R's MAC without asking; R does not know C's; I answers nothing"
printf '1 %s 10.215.%s.2 before *\ngarbage\n' "$MAC" "$N" >"$T/leases"
printf 'router = on\ncapture = off\nowners_interval = 10\ndhcp_leases = %s\n' \
    "$T/leases" >"$T/conf"
# shellcheck disable=SC2086
BWMON_OFFLOAD_TEST=1 ip netns exec "$R" $RUN bwprocs -f -c "$T/conf" \
    -d "$D" "$L" \
    2>>"$T/bwprocs.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for 60 test -f "$D/hosts_$L.json"
ok $? "bwprocs started${RUN:+ under valgrind}"

# send SECONDS: C sends 20 kB a second to I for that long.
send() {
	ip netns exec "$C" perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(Proto => "udp",
		PeerAddr => "$ARGV[0]:9") or die "socket: $!";
	    for (1 .. $ARGV[1] * 20) { $s->send("x" x 1000);
		select undef, undef, undef, 0.05 }' "10.215.$M.2" "$1"
}
send 6
# R did not learn C's MAC (C knows R's without asking, and I never
# answers): the address is a device of its own.
is "$(json "$D/hosts_$L.json" 'join " ", map { $_->{id} } @{$j->{hosts}}')" \
    "10.215.$N.2" "a MAC the neighbour table does not know: the address is the id"
BEFORE=$(json "$D/hosts_$L.json" '$j->{hosts}[0]{tx}')
addr_row() {
	[ "$(jsonl "$D/hostlog_$L.jsonl" "scalar grep { \$_->{id} eq '10.215.$N.2' } @l")" -ge 1 ] 2>/dev/null
}
wait_for 20 addr_row
ok $? "an interval's row under the address is in the history"
ip -n "$R" neigh replace "10.215.$N.2" lladdr "$MAC" dev "$L" nud reachable
printf '1 %s 10.215.%s.2 after *\n' "$MAC" "$N" >"$T/leases"
send 8
named() {
	[ "$(json "$D/hosts_$L.json" '$j->{hosts}[0]{name}')" = after ]
}
wait_for 20 named
ok $? "the client's row, renamed from its lease"
is "$(json "$D/hosts_$L.json" 'join " ", map { $_->{id} } @{$j->{hosts}}')" \
    "$MAC" "once the MAC is known, the address's row joins the MAC's"
TX=$(json "$D/hosts_$L.json" '$j->{hosts}[0]{tx}')
perl -e 'exit($ARGV[0] > $ARGV[1] && $ARGV[1] >= 100000 ? 0 : 1)' "$TX" "$BEFORE"
ok $? "with the bytes of both ($BEFORE, then $TX)"
was_row() {
	[ "$(jsonl "$D/hostlog_$L.jsonl" "scalar grep { \$_->{id} eq '$MAC' && join(',', @{\$_->{was} // []}) eq '10.215.$N.2' } @l")" -ge 1 ] 2>/dev/null
}
wait_for 20 was_row
ok $? "the device's first row under its MAC says it was the address"
is "$(json "$D/hosts_$L.json" '$j->{offload_counted} ? "counted" : "not"')" \
    counted "the flows counted from conntrack"
ip netns exec "$R" conntrack -F >/dev/null 2>&1
ok $? "conntrack -F: destroy events"
sleep 2
kill -TERM "$BP"
wait "$BP"
is $? 0 "it exits 0${RUN:+ (valgrind: no error, no leak)}"
if [ -n "$RUN" ]; then
	cat "$T"/vg.* >"$T/vg.all" 2>/dev/null
	is "$(grep -c '==[0-9]*== [A-Z]' "$T/vg.all")" 0 \
	    "valgrind found nothing in bwprocs"
	grep '==' "$T/vg.all" | head -40 | sed 's/^/# /'
fi
ROWS=$(jsonl "$D/hostlog_$L.jsonl" 'scalar grep { $_->{tx} > 0 } @l')
[ "$ROWS" -ge 2 ] 2>/dev/null
ok $? "history rows were written ($ROWS)"
bwhistory -d "$D" -i "$L" --by host -r all --json >"$T/j" 2>"$T/jerr"
ok $? "bwhistory --by host over the whole history"
# The rows whose middle lies before the window's end (the last one,
# written at exit, may not).
TO=$(json "$T/j" '$j->{to}')
HTX=$(jsonl "$D/hostlog_$L.jsonl" 'my $s = 0; $s += $_->{tx} for grep { $_->{ts} + $_->{len} / 2 < '"$TO"' } @l; $s')
is "$(json "$T/j" 'join " ", map { "$_->{id}=$_->{tx_bytes}" } @{$j->{rows}}')" \
    "$MAC=$HTX" "  one device: the address's rows joined its MAC's, every byte"
logged "$T/bwprocs.err" "leases:2: not a lease: skipped"
ok $? "the hostile leases line was warned about"

done_testing
