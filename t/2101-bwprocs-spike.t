#!/bin/sh
# bwprocs's spike records, with real traffic between two namespaces of
# the test's own; bwprocs runs in the client's namespace C, on its end
# of the veth:
#
#   C [10.213.21.1] c1 ------- s1 [10.213.21.2] S   (and .22, .23)
#
# A long-lived flow sends 40 MB at once (too early for a spike), then a
# steady 1 Mbit/s; a burst from another process at 40 Mbit/s makes
# exactly one spike record, whose top process is the burst's and whose
# first flow is the burst's 5-tuple, though the long-lived flow has more
# lifetime bytes in conntrack.  Then the conntrack status ("inactive" without a rule that
# uses conntrack, "accounting off" with nf_conntrack_acct = 0) in the
# log and in the record, and a torn last line in spikes_<iface>.jsonl.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_conntrack

STEADY=125000		# bytes a second: 1 Mbit/s
BURST=5000000		# bytes a second: 40 Mbit/s

# ---- 1. Steady traffic, then a burst: one spike record. ----

C=${NP}c1
S=${NP}s1
CI=${NP}c1		# interfaces are named like their namespaces
SI=${NP}s1
mkns "$C" && mkns "$S" && veth_ns "$C" "$CI" "$S" "$SI" 21
ok $? "veth $C:$CI <-> $S:$SI (10.213.21.0/24)"
conntrack_on "$C" 1
ok $? "conntrack active in $C, with accounting"
sink "$S" 10.213.21.2 5301
ok $? "a sink in $S"

D=$T/d1
mkdir -p "$D"
CONF=$T/spike.conf
printf '%s\n' "spike_window = 20" "spike_cooldown = 120" \
    "spike_floor_bps = 500000" >"$CONF"
F=$D/spikes_$CI.jsonl

ip netns exec "$C" bwprocs -f -d "$D" -c "$CONF" "$CI" 2>>"$T/bwprocs.err" &
BP=$!
PIDS="$PIDS $BP"
wait_for 15 logged "$T/bwprocs.err" "$CI: capturing"
ok $? "bwprocs in $C on $CI"
L=$D/live_$CI.json

# The long-lived flow: 40 MB at once, right after bwprocs started and
# before a quarter of the window is there (no spike), then 1 Mbit/s
# until the end.
flow_client "$C" 10.213.21.2 5301 40000000 "$STEADY" 0 "$T/long.out"
long=$FP
wait_for 30 grep -qx bulk "$T/long.out"
ok $? "the long-lived flow (pid $long) sent its 40 MB"
n=$(live_samples "$L")
[ "$n" -lt 5 ]
ok $? "while bwprocs had fewer than 5 samples ($n)"
lport=$(sed -n 1p "$T/long.out")
like "$lport" '^[0-9]+$' "its local port ($lport)"

# Let the 20 s window fill with steady samples only.
wait_for 60 has_samples 25 "$L"
ok $? "25 samples: the 40 MB have left the window"
is "$(events "$F")" 0 "no spike so far"
is "$(json "$L" '(grep { $_->[1] + $_->[2] > 100e6 } @{$j->{samples}})
    ? 1 : 0')" 1 "though the 40 MB are in a sample"
like "$(cat "$T/bwprocs.err")" "$CI: conntrack: ok" \
    "the log says conntrack is ok"

# The burst: another process, another connection, 3 s at 40 Mbit/s.
flow_client "$C" 10.213.21.2 5301 0 "$BURST" 3 "$T/burst.out"
burst=$FP
wait "$burst"
is "$?" 0 "the burst (pid $burst) ran"
bport=$(sed -n 1p "$T/burst.out")
like "$bport" '^[0-9]+$' "its local port ($bport)"
wait_for 15 has_events 1 "$F"
ok $? "a spike record"
sleep 3
is "$(events "$F")" 1 "exactly one spike record"
is "$(jsonl "$F" '$bad')" 0 "every line of the file is a JSON object"
R="\$l[0]"
is "$(jsonl "$F" "join ',', grep { !exists $R->{\$_} } qw(ts iface total_bps
    rx_bps tx_bps avg_bps trigger ratio window_s top coverage iface_rates
    flows_window_s top_flows conntrack)")" "" "it has every key"
is "$(jsonl "$F" "$R->{iface}")" "$CI" "iface"
is "$(jsonl "$F" "$R->{trigger}")" "5x_rolling" "trigger"
is "$(jsonl "$F" "$R->{window_s}")" 20 "window_s is spike_window"
is "$(jsonl "$F" "abs($R->{total_bps} - $R->{rx_bps} - $R->{tx_bps}) <= 1
    ? 1 : 0")" 1 "total_bps = rx_bps + tx_bps ($(jsonl "$F" \
    "\"$R->{total_bps} = $R->{rx_bps} + $R->{tx_bps}\""))"
ratio=$(jsonl "$F" "$R->{ratio}")
is "$(jsonl "$F" "$R->{ratio} >= 5 && $R->{total_bps} > 500000 ? 1 : 0")" \
    1 "ratio >= 5 ($ratio) and over the floor"
is "$(jsonl "$F" "abs($R->{ratio} - $R->{total_bps} / $R->{avg_bps})
    <= 0.01 * $R->{ratio} ? 1 : 0")" 1 "ratio = total_bps / avg_bps"
is "$(jsonl "$F" "$R->{avg_bps} > 0.5e6 && $R->{avg_bps} < 4e6 ? 1 : 0")" 1 \
    "avg_bps is the steady rate ($(jsonl "$F" "$R->{avg_bps}"))"
cov=$(jsonl "$F" "$R->{coverage}")
is "$(jsonl "$F" "$R->{coverage} >= 0 && $R->{coverage} <= 1 ? 1 : 0")" 1 \
    "coverage in [0, 1] ($cov)"
is "$(jsonl "$F" "$R->{top}[0]{pid}")" "$burst" \
    "top[0] is the burst's process"
is "$(jsonl "$F" "join ',', grep { !exists $R->{top}[0]{\$_} } qw(kind name
    pid uid user cmdline container tx_bps rx_bps)")" "" \
    "top[0] has the process row's keys"
is "$(jsonl "$F" "ref $R->{iface_rates}{'$CI'} && ref $R->{iface_rates}{lo}
    && exists $R->{iface_rates}{'$CI'}{rx_bps}
    && exists $R->{iface_rates}{'$CI'}{tx_bps} ? 1 : 0")" 1 \
    "iface_rates has $CI and lo"
is "$(jsonl "$F" "$R->{conntrack}")" "ok" "conntrack: ok"
fws=$(jsonl "$F" "$R->{flows_window_s}")
is "$(jsonl "$F" "$R->{flows_window_s} >= 2 && $R->{flows_window_s} <= 4
    ? 1 : 0")" 1 "flows_window_s in [2, 4] ($fws)"

F0="$R->{top_flows}[0]"
is "$(jsonl "$F" "join ',', map { $F0->{\$_} // 'null' } qw(family proto src
    sport dst dport)")" "ipv4,tcp,10.213.21.1,$bport,10.213.21.2,5301" \
    "top_flows[0] is the burst's 5-tuple"
like "$(jsonl "$F" "$F0->{state}")" \
    '^(SYN_SENT|SYN_RECV|ESTABLISHED|FIN_WAIT|CLOSE_WAIT|LAST_ACK|TIME_WAIT|CLOSE|SYN_SENT2)$' \
    "the burst flow's state is a TCP state"
is "$(jsonl "$F" "$F0->{pid}")" "$burst" "the burst flow's pid"
LF="(grep { \$_->{sport} == $lport && \$_->{dport} == 5301 }
    @{$R->{top_flows}})[0]"
is "$(jsonl "$F" "$LF ? 1 : 0")" 1 "the long-lived flow is in top_flows"
bb=$(jsonl "$F" "$F0->{bytes}")
lb=$(jsonl "$F" "$LF->{bytes}")
echo "# lifetime bytes: burst $bb, long-lived $lb;" \
    "window bytes: burst $(jsonl "$F" "$F0->{window_bytes}")," \
    "long-lived $(jsonl "$F" "$LF->{window_bytes}")"
like "$bb" '^[0-9]+$' "the burst flow's lifetime bytes ($bb)"
perl -e 'exit($ARGV[0] =~ /^\d+$/ && $ARGV[1] =~ /^\d+$/ &&
    $ARGV[0] > 40000000 && $ARGV[0] > $ARGV[1] ? 0 : 1)' "$lb" "$bb"
ok $? "the long-lived flow has more lifetime bytes ($lb > 40 MB)"
is "$(jsonl "$F" "$F0->{window_bytes} > $LF->{window_bytes} ? 1 : 0")" 1 \
    "but fewer window bytes: ranked by window bytes"
is "$(jsonl "$F" "my \$p = 9e99; my \$ok = 1; for (@{$R->{top_flows}}) {
    \$ok = 0 if \$_->{window_bytes} > \$p; \$p = \$_->{window_bytes} } \$ok")" \
    1 "top_flows in decreasing window_bytes"
like "$(cat "$T/bwprocs.err")" "$CI: spike: .*top: perl\[$burst\]" \
    "the spike is logged, with the burst's process"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
kill "$long" 2>/dev/null
sed 's/^/# /' "$T/bwprocs.err"

# ---- 2. and 3. The conntrack status; a torn last line. ----
#
# Two runs at once, each with a steady flow and then a burst: in $C2 no
# rule uses conntrack ("inactive"), in $C3 one does but accounting is
# off ("accounting off").  Before $C2's burst, its spikes file ends in a
# torn line.

C2=${NP}c2
S2=${NP}s2
C3=${NP}c3
S3=${NP}s3
mkns "$C2" && mkns "$S2" && veth_ns "$C2" "$C2" "$S2" "$S2" 22 &&
mkns "$C3" && mkns "$S3" && veth_ns "$C3" "$C3" "$S3" "$S3" 23
ok $? "two more pairs of namespaces"
conntrack_on "$C3" 0
ok $? "conntrack active in $C3, accounting off"
is "$(ip netns exec "$C2" cat /proc/sys/net/netfilter/nf_conntrack_count)" \
    0 "nothing tracked in $C2"
sink "$S2" 10.213.22.2 5301 && sink "$S3" 10.213.23.2 5301
ok $? "sinks in $S2 and $S3"
CONF2=$T/spike2.conf
printf '%s\n' "spike_window = 10" "spike_cooldown = 120" \
    "spike_floor_bps = 500000" >"$CONF2"
flow_client "$C2" 10.213.22.2 5301 0 "$STEADY" 0 "$T/long2.out"
long2=$FP
flow_client "$C3" 10.213.23.2 5301 0 "$STEADY" 0 "$T/long3.out"
long3=$FP
wait_for 10 grep -qx bulk "$T/long2.out" &&
wait_for 10 grep -qx bulk "$T/long3.out"
ok $? "steady flows in $C2 and $C3"
wait_for 10 sh -c "[ \$(ip netns exec $C3 \
    cat /proc/sys/net/netfilter/nf_conntrack_count) -gt 0 ]"
ok $? "and $C3's is tracked"

mkdir -p "$T/d2" "$T/d3"
F2=$T/d2/spikes_$C2.jsonl
F3=$T/d3/spikes_$C3.jsonl
ip netns exec "$C2" bwprocs -f -d "$T/d2" -c "$CONF2" "$C2" \
    2>"$T/bwprocs2.err" &
bp2=$!
PIDS="$PIDS $bp2"
ip netns exec "$C3" bwprocs -f -d "$T/d3" -c "$CONF2" "$C3" \
    2>"$T/bwprocs3.err" &
bp3=$!
PIDS="$PIDS $bp3"
wait_for 15 test -f "$T/d2/procs_$C2.json" &&
wait_for 15 test -f "$T/d3/procs_$C3.json"
ok $? "bwprocs in $C2 and in $C3"

TORN='{"ts":1700000000,"iface":"torn","total_bps":12'
printf '%s' "$TORN" >>"$F2"
wait_for 60 has_samples 13 "$T/d2/live_$C2.json" &&
wait_for 60 has_samples 13 "$T/d3/live_$C3.json"
ok $? "13 samples of steady traffic in both"
is "$(events "$F2")/$(events "$F3")" "0/0" "no spike yet"
is "$(head -c 1000 "$F2")" "$TORN" "the torn line is still there, alone"

flow_client "$C2" 10.213.22.2 5301 0 "$BURST" 3 "$T/burst2.out"
burst2=$FP
flow_client "$C3" 10.213.23.2 5301 0 "$BURST" 3 "$T/burst3.out"
burst3=$FP
wait "$burst2"
is $? 0 "a burst in $C2 (pid $burst2)"
wait "$burst3"
is $? 0 "a burst in $C3 (pid $burst3)"
bport2=$(sed -n 1p "$T/burst2.out")
bport3=$(sed -n 1p "$T/burst3.out")
wait_for 15 has_events 1 "$F2" &&
wait_for 15 has_events 1 "$F3"
ok $? "a spike record in both"
sleep 2
is "$(events "$F2")/$(events "$F3")" "1/1" "exactly one in each"

# No rule that uses conntrack: "inactive", in the log and the record.
like "$(cat "$T/bwprocs2.err")" "$C2: conntrack: inactive" \
    "no rule: the start-up log says conntrack is inactive"
is "$(jsonl "$F2" '$l[0]{conntrack}')" "inactive" \
    "no rule: the record says inactive"
B2="(grep { \$_->{sport} == $bport2 } @{\$l[0]{top_flows}})[0]"
is "$(jsonl "$F2" "$B2 ? $B2->{dport} : 'none'")" 5301 \
    "no rule: the burst flow is still listed (from the capture)"
is "$(jsonl "$F2" "join ',', map { $B2->{\$_} // 'null' } qw(state bytes
    packets)")" "null,null,null" "no rule: no state, bytes or packets"
is "$(jsonl "$F2" '$l[0]{top}[0]{pid}')" "$burst2" \
    "no rule: top[0] is the burst's process"

# Accounting off: "accounting off", with the fix; states but no bytes.
like "$(cat "$T/bwprocs3.err")" \
    "$C3: conntrack: accounting off.*nf_conntrack_acct=1" \
    "acct = 0: the start-up log says accounting off, and the fix"
is "$(jsonl "$F3" '$l[0]{conntrack}')" "accounting off" \
    "acct = 0: the record says accounting off"
B3="(grep { \$_->{sport} == $bport3 } @{\$l[0]{top_flows}})[0]"
is "$(jsonl "$F3" "$B3 ? $B3->{dport} : 'none'")" 5301 \
    "acct = 0: the burst flow is listed"
like "$(jsonl "$F3" "$B3->{state}")" '^[A-Z_0-9]+$' \
    "acct = 0: conntrack still gives its state"
is "$(jsonl "$F3" 'scalar grep { defined $_->{bytes} || defined $_->{packets}
    } @{$l[0]{top_flows}}')" 0 "acct = 0: every flow's bytes and packets are null"
is "$(jsonl "$F3" 'scalar @{$l[0]{top_flows}} >= 2 ? 1 : 0')" 1 \
    "acct = 0: both flows are listed"

# The torn line: its own line, then the record, whole.
is "$(sed -n 1p "$F2")" "$TORN" "torn: the fragment is a line of its own"
is "$(wc -l <"$F2" | tr -d ' ')" 2 "torn: two lines in the file"
tail -n 1 "$F2" >"$T/last"
is "$(json "$T/last" '$j->{iface}')" "$C2" \
    "torn: the last line is the spike record, whole"
is "$(jsonl "$F2" '$bad')" 1 "torn: only the fragment does not parse"
is "$(tail -c 1 "$F2" | od -An -c | tr -d ' ')" '\n' \
    "torn: the file ends in a newline"

kill -TERM "$bp2" "$bp3"
wait "$bp2"
s2=$?
wait "$bp3"
is "$s2/$?" "0/0" "SIGTERM: both exit 0"
kill "$long2" "$long3" 2>/dev/null
sed 's/^/# 2: /' "$T/bwprocs2.err"
sed 's/^/# 3: /' "$T/bwprocs3.err"
done_testing
