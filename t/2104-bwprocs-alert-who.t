#!/bin/sh
# bwprocs: an alert names who moved the bytes of its whole window, not of
# its last second.  With alert_bps 6 Mbit/s over 20 s, iperf3 at 30
# Mbit/s for 6 s right after the start fires the alert some 10 s after
# the traffic ended, on the window's average, with the last second
# quiet: the FIRED record still lists iperf3 and its flow with their
# bytes in the window.  The spike at the start of the traffic keeps the
# rows of its second, and says so.
#
#   C [10.216.N.1] c ------- s [10.216.N.2] S (iperf3 -s)
#
# (N from the pid, so that runs in other checkouts use other addresses.)
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_conntrack

N=$((100 + $$ % 74 * 2))
C=${NP}c
S=${NP}s
IF=${NP}c		# the captured interface, in C
mkns "$C" && mkns "$S" && veth_ns "$C" "$IF" "$S" "${NP}s" "$N" 216
ok $? "veth $C:$IF <-> $S (10.216.$N.0/24)"
conntrack_on "$C" 1
ok $? "conntrack active in $C, with accounting"
iperf_server "$S"

D=$T/d
mkdir -p "$D"
A=$D/alerts_$IF.jsonl
SP=$D/spikes_$IF.jsonl
printf '%s\n' 'alert_bps = 6000000' 'alert_window = 20' \
    'alert_clear_hold = 3' 'spike_window = 10' 'spike_cooldown = 600' \
    'spike_floor_bps = 5000000' >"$T/conf"
start_bwprocs ip netns exec "$C" bwprocs -f -d "$D" -c "$T/conf" "$IF"
ok $? "bwprocs in $C on $IF"
wait_for 15 has_samples 4 "$D/live_$IF.json"
ok $? "4 samples"

ip netns exec "$C" iperf3 -c "10.216.$N.2" -b 30M -t 6 -J \
    >"$T/iperf.json" 2>&1 &
IP=$!
PIDS="$PIDS $IP"
wait "$IP"
is $? 0 "iperf3 -b 30M -t 6 ran (pid $IP)"
t1=$(now)
sent=$(json "$T/iperf.json" '$j->{end}{sum_sent}{bytes}')
wait_for 40 has_events 1 "$A" event FIRED
ok $? "the alert fired"

R='$l[0]'
is "$(jsonl "$A" "$R->{ts} > $t1 ? 1 : 0")" 1 \
    "FIRED after the traffic ended"
is "$(jsonl "$A" "$R->{iface_rates}{'$IF'}{tx_bps} < 1e6 ? 1 : 0")" 1 \
    "FIRED with its last second quiet"
is "$(jsonl "$A" "$R->{who}")" window "FIRED: who is the window's"
w=$(jsonl "$A" "$R->{who_window_s}")
perl -e 'exit($ARGV[0] =~ /^[\d.]+$/ && $ARGV[0] >= 18 && $ARGV[0] <= 23 ?
    0 : 1)' "$w"
ok $? "FIRED: who_window_s ($w) is the 20 s window and at most a tenth more"
is "$(jsonl "$A" "$R->{flows_window_s} == $R->{who_window_s} ? 1 : 0")" 1 \
    "FIRED: the flows cover the same seconds"
is "$(jsonl "$A" "$R->{top}[0]{pid}")" "$IP" \
    "FIRED: top[0] is the iperf3 client"
is "$(jsonl "$A" "$R->{top}[0]{name}")" iperf3 "FIRED: top[0] name"
got=$(jsonl "$A" "$R->{top}[0]{window_tx_bytes}")
perl -e 'exit($ARGV[0] =~ /^\d+$/ && $ARGV[1] =~ /^\d+$/ && $ARGV[1] > 0 &&
    $ARGV[0] >= $ARGV[1] && $ARGV[0] <= 1.1 * $ARGV[1] ? 0 : 1)' \
    "$got" "$sent"
ok $? "FIRED: top[0] window_tx_bytes ($got) are what iperf3 sent ($sent) and the frames' headers"
is "$(jsonl "$A" "abs($R->{top}[0]{tx_bps} - $R->{top}[0]{window_tx_bytes}
    * 8 / $R->{who_window_s}) <= 0.02 * $R->{top}[0]{tx_bps} + 1 ? 1 : 0")" \
    1 "FIRED: top[0] tx_bps is its average over the window"
is "$(jsonl "$A" "$R->{coverage} >= 0.9 ? 1 : 0")" 1 \
    "FIRED: coverage over the window ($(jsonl "$A" "$R->{coverage}"))"
is "$(jsonl "$A" "join ',', map { $R->{top_flows}[0]{\$_} }
    qw(src dst dport proto name pid)")" \
    "10.216.$N.1,10.216.$N.2,5201,tcp,iperf3,$IP" \
    "FIRED: top_flows[0] is iperf3's flow to the server"
got=$(jsonl "$A" "$R->{top_flows}[0]{window_bytes}")
perl -e 'exit($ARGV[0] =~ /^\d+$/ && $ARGV[0] >= $ARGV[1] &&
    $ARGV[0] <= 1.15 * $ARGV[1] ? 0 : 1)' "$got" "$sent"
ok $? "FIRED: its window_bytes ($got) hold what iperf3 sent ($sent)"
is "$(jsonl "$A" "$R->{conntrack}")" ok "FIRED: conntrack ok"
like "$(cat "$T/bwprocs.err")" "alert FIRED: .*; top: iperf3\\[$IP\\]" \
    "the log names who"

# The spike keeps its second's rows and says so.
is "$(events "$SP")" 1 "one spike, when the traffic started"
R='$l[0]'
is "$(jsonl "$SP" "$R->{who}")" second "spike: who is the second's"
is "$(jsonl "$SP" "$R->{top}[0]{name}")" iperf3 "spike: top[0] is iperf3"
is "$(jsonl "$SP" "exists $R->{who_window_s} ||
    exists $R->{top}[0]{window_tx_bytes} ? 1 : 0")" 0 \
    "spike: no window keys"

stop_bwprocs
is $? 0 "bwprocs exits 0 on SIGTERM"
done_testing
