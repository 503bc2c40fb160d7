#!/bin/sh
# bwprocs's sustained alerts, with real traffic between two namespaces of
# the test's own; bwprocs runs in the client's namespace C, on its end
# of the veth:
#
#   C [10.213.24.1] c ------- s [10.213.24.2] S (iperf3 -s)
#
# With alert_bps 8 Mbit/s over 5 s, 30 Mbit/s for 10 s fires once and
# clears once, and alert_command gets both records; killed (SIGKILL) and
# restarted during an alert, bwprocs fires no second time and clears the
# first alert; a hanging alert_command is killed after its timeout while
# capture goes on; a torn last line in alerts_<iface>.jsonl stays a line
# of its own.  alert_env's variables reach the command; a file others
# may read, or not root's, is refused and logged; SIGHUP reads it again.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_conntrack

C=${NP}c
S=${NP}s
IF=${NP}c		# the captured interface, in C
mkns "$C" && mkns "$S" && veth_ns "$C" "$IF" "$S" "${NP}s" 24
ok $? "veth $C:$IF <-> $S (10.213.24.0/24)"
conntrack_on "$C" 1
ok $? "conntrack active in $C, with accounting"
iperf_server "$S"

# The rule, shrunk; spikes out of the way (their floor is out of reach).
RULE='alert_bps = 8000000
alert_window = 5
alert_clear_hold = 3
spike_floor_bps = 10000000000000'

# run DIR CONF: bwprocs in C on IF with data dir DIR and config CONF
# ($BP; its log is appended to $T/bwprocs.err).
run() {
	start_bwprocs ip netns exec "$C" bwprocs -f -d "$1" -c "$2" "$IF"
}

# traffic SECONDS: iperf3 at 30 Mbit/s from C to S in the background
# ($IP).
traffic() {
	ip netns exec "$C" iperf3 -c 10.213.24.2 -b 30M -t "$1" \
	    >"$T/iperf.out" 2>&1 &
	IP=$!
	PIDS="$PIDS $IP"
}

# ---- 1. Fire, clear; alert_command gets the records. ----

D=$T/d1
mkdir -p "$D"
A=$D/alerts_$IF.jsonl
cat >"$T/cmd.sh" <<EOF
#!/bin/sh
cat >"$T/cmd.\$BWMON_EVENT.json.tmp"
printf 'BWMON_EVENT=%s BWMON_IFACE=%s\n' "\$BWMON_EVENT" "\$BWMON_IFACE" \\
    >"$T/cmd.\$BWMON_EVENT.env"
printf '%s|%s|%s|%s\n' "\${BWT_TOKEN-unset}" "\${BWT_QUOTED-unset}" \\
    "\${BWT_EXPORTED-unset}" "\${BWT_BAD-unset}" >"$T/cmd.\$BWMON_EVENT.vars"
mv "$T/cmd.\$BWMON_EVENT.json.tmp" "$T/cmd.\$BWMON_EVENT.json"
EOF
chmod +x "$T/cmd.sh"
# alert_command runs as alert_user (nobody): it writes its files here.
chmod 1777 "$T"
# The secrets alert_command needs, root's and closed to others.
cat >"$T/a1.env" <<'EOF'
# tokens for the webhook
BWT_TOKEN=s3cr=t value

  BWT_QUOTED="a b # c"
export BWT_EXPORTED='x'
BWT_BAD = spaced
1BWT=digit first
EOF
chmod 600 "$T/a1.env"
printf '%s\n' "$RULE" "alert_command = $T/cmd.sh" "alert_env = $T/a1.env" \
    >"$T/a1.conf"
run "$D" "$T/a1.conf"
ok $? "bwprocs in $C on $IF"
wait_for 15 has_samples 5 "$D/live_$IF.json"
ok $? "5 samples"

t0=$(now)
traffic 10
wait "$IP"
is $? 0 "iperf3 -b 30M -t 10 ran (pid $IP)"
t1=$(now)
ran=$(perl -e 'printf "%.1f", $ARGV[1] - $ARGV[0]' "$t0" "$t1")
wait_for 40 has_events 1 "$A" event CLEARED
ok $? "the alert cleared after the traffic ($ran s) ended"
sleep 1
is "$(events "$A" event FIRED)" 1 "exactly one FIRED"
is "$(events "$A" event CLEARED)" 1 "exactly one CLEARED"
is "$(events "$A")" 2 "and nothing else"
is "$(jsonl "$A" '$bad')" 0 "every line is a JSON object"
is "$(jsonl "$A" '"$l[0]{event},$l[1]{event}"')" "FIRED,CLEARED" \
    "FIRED first"
R='$l[0]'
is "$(jsonl "$A" "join ',', grep { !exists $R->{\$_} } qw(ts event iface
    threshold_bps rolling_avg_bps peak_bps_in_window rx_avg_bps tx_avg_bps
    window_s top coverage iface_rates flows_window_s top_flows
    conntrack)")" "" "FIRED has every key"
is "$(jsonl "$A" "$R->{iface}")" "$IF" "FIRED: iface"
is "$(jsonl "$A" "$R->{threshold_bps}")" 8000000 "FIRED: threshold_bps"
is "$(jsonl "$A" "$R->{window_s}")" 5 "FIRED: window_s"
avg=$(jsonl "$A" "$R->{rolling_avg_bps}")
is "$(jsonl "$A" "$R->{rolling_avg_bps} >= 8e6 ? 1 : 0")" 1 \
    "FIRED: rolling_avg_bps reached the threshold ($avg)"
is "$(jsonl "$A" "$R->{peak_bps_in_window} >= $R->{rolling_avg_bps}
    && $R->{peak_bps_in_window} < 100e6 ? 1 : 0")" 1 \
    "FIRED: peak_bps_in_window ($(jsonl "$A" "$R->{peak_bps_in_window}"))"
is "$(jsonl "$A" "abs($R->{rx_avg_bps} + $R->{tx_avg_bps}
    - $R->{rolling_avg_bps}) <= 0.01 * $R->{rolling_avg_bps} + 1 ? 1 : 0")" \
    1 "FIRED: rx_avg_bps + tx_avg_bps = rolling_avg_bps"
is "$(jsonl "$A" "$R->{tx_avg_bps} > $R->{rx_avg_bps} ? 1 : 0")" 1 \
    "FIRED: the client sends: tx > rx"
is "$(jsonl "$A" "$R->{top}[0]{pid}")" "$IP" \
    "FIRED: top[0] is the iperf3 client"
is "$(jsonl "$A" "$R->{top}[0]{name}")" iperf3 "FIRED: top[0] name"
is "$(jsonl "$A" "ref $R->{iface_rates}{'$IF'} && ref $R->{iface_rates}{lo}
    ? 1 : 0")" 1 "FIRED: iface_rates has $IF and lo"
is "$(jsonl "$A" "$R->{top_flows}[0]{dport}")" 5201 \
    "FIRED: top_flows[0] goes to the iperf3 server"
is "$(jsonl "$A" "$R->{conntrack}")" ok "FIRED: conntrack ok"
is "$(jsonl "$A" "\$l[0]{ts} >= $t0 && \$l[0]{ts} <= $t1 + 1 ? 1 : 0")" 1 \
    "FIRED during the traffic"
R='$l[1]'
is "$(jsonl "$A" "join ',', grep { !exists $R->{\$_} } qw(ts event iface
    threshold_bps rolling_avg_bps fired_at duration_s
    peak_during_event_bps)")" "" "CLEARED has every key"
is "$(jsonl "$A" "$R->{fired_at} == \$l[0]{ts} ? 1 : 0")" 1 \
    "CLEARED: fired_at is the FIRED line's ts"
dur=$(jsonl "$A" "$R->{duration_s}")
is "$(jsonl "$A" "abs($R->{duration_s} - ($R->{ts} - $R->{fired_at})) <= 1
    ? 1 : 0")" 1 "CLEARED: duration_s ($dur) = ts - fired_at (1 s)"
# It fires at most alert_window s after the traffic starts and clears
# at most alert_window + alert_clear_hold s after it ends; 4 s to spare.
perl -e 'exit($ARGV[0] =~ /^[\d.]+$/ && $ARGV[0] >= $ARGV[1] - 5 &&
    $ARGV[0] <= $ARGV[1] + 5 + 3 + 4 ? 0 : 1)' "$dur" "$ran"
ok $? "CLEARED: duration_s ($dur) fits the $ran s of traffic"
is "$(jsonl "$A" "$R->{ts} > $t1 ? 1 : 0")" 1 "CLEARED after the traffic"
is "$(jsonl "$A" "$R->{rolling_avg_bps} < 0.8 * 8e6 ? 1 : 0")" 1 \
    "CLEARED: rolling_avg_bps under 0.8 x threshold"
is "$(jsonl "$A" "$R->{peak_during_event_bps} >= 8e6
    && $R->{peak_during_event_bps} < 100e6 ? 1 : 0")" 1 \
    "CLEARED: peak_during_event_bps ($(jsonl "$A" "$R->{peak_during_event_bps}"))"
like "$(cat "$T/bwprocs.err")" "$IF: alert FIRED: average .* over 5 s >= 8\.0 Mbit/s" \
    "FIRED is logged"
like "$(cat "$T/bwprocs.err")" "$IF: alert CLEARED after [0-9]+ s" \
    "CLEARED is logged"

# alert_command: the record on stdin, the event and iface in the
# environment, for FIRED and CLEARED.
wait_for 10 test -f "$T/cmd.CLEARED.json"
for ev in FIRED CLEARED; do
	test -f "$T/cmd.$ev.json"
	ok $? "alert_command ran for $ev"
	is "$(json "$T/cmd.$ev.json" '$j->{event}')" "$ev" \
	    "$ev: its stdin is the record"
	is "$(json "$T/cmd.$ev.json" '$j->{ts}')" \
	    "$(jsonl "$A" "(grep { \$_->{event} eq '$ev' } @l)[0]{ts}")" \
	    "$ev: the same record as in the file"
	is "$(cat "$T/cmd.$ev.env")" "BWMON_EVENT=$ev BWMON_IFACE=$IF" \
	    "$ev: BWMON_EVENT and BWMON_IFACE"
	is "$(cat "$T/cmd.$ev.vars")" 's3cr=t value|a b # c|x|unset' \
	    "$ev: alert_env's variables, as written, bad lines left out"
	test -f "$T/cmd.SPIKE.json"
	is $? 1 "$ev: no spike"
done
like "$(cat "$T/bwprocs.err")" "$IF: alert_command gets 3 variables from $T/a1.env" \
    "the log says how many variables alert_env gave"
like "$(cat "$T/bwprocs.err")" "a1.env:6: not KEY=VALUE: line skipped" \
    "a bad line is logged by its number"
grep -q 'spaced\|digit first\|s3cr=t' "$T/bwprocs.err"
is $? 1 "no value of alert_env is logged"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"

# ---- 2. SIGKILL and restart during an alert. ----

D=$T/d2
mkdir -p "$D"
A=$D/alerts_$IF.jsonl
# A world-readable alert_env is refused: the command runs without it.
echo 'BWT_TOKEN=leaked' >"$T/a2.env"
chmod 644 "$T/a2.env"
printf '%s\n' "$RULE" "alert_command = $T/cmd.sh" "alert_env = $T/a2.env" \
    >"$T/a2.conf"
rm -f "$T"/cmd.*.vars
: >"$T/bwprocs.err"
run "$D" "$T/a2.conf"
ok $? "bwprocs started"
like "$(cat "$T/bwprocs.err")" "alert_env $T/a2.env: refused: mode 644 lets others read or change its secrets \(chmod 600 $T/a2.env\)" \
    "a world-readable alert_env is refused, and the log says how to fix it"
wait_for 15 has_samples 5 "$D/live_$IF.json"
ok $? "5 samples"
traffic 16
wait_for 20 has_events 1 "$A" event FIRED
ok $? "FIRED"
fired=$(jsonl "$A" '$l[0]{ts}')
kill -KILL "$BP"
wait "$BP" 2>/dev/null
is $? 137 "bwprocs killed with SIGKILL"
kill -0 "$IP" 2>/dev/null
ok $? "the traffic goes on"
run "$D" "$T/a2.conf"
ok $? "bwprocs started again, the same data and config"
like "$(cat "$T/bwprocs.err")" "$IF: alert open since" \
    "the new run knows the alert is open"
wait "$IP"
is $? 0 "iperf3 -t 16 ran to its end"
busy=$(json "$D/live_$IF.json" 'scalar grep { $_->[1] + $_->[2] >= 8e6 }
    @{$j->{samples}}')
is "$(perl -e 'print $ARGV[0] =~ /^\d+$/ && $ARGV[0] >= 6 ? 1 : 0' "$busy")" 1 \
    "the new run saw $busy s over the threshold: enough to fire"
wait_for 40 has_events 1 "$A" event CLEARED
ok $? "the alert cleared after the traffic ended"
sleep 1
is "$(events "$A" event FIRED)" 1 "no second FIRED"
is "$(events "$A" event CLEARED)" 1 "exactly one CLEARED"
is "$(jsonl "$A" "(grep { \$_->{event} eq 'CLEARED' } @l)[0]{fired_at}")" \
    "$fired" "CLEARED's fired_at is the first run's FIRED ts"
wait_for 10 test -f "$T/cmd.CLEARED.vars"
is "$(cat "$T/cmd.CLEARED.vars" 2>/dev/null)" 'unset|unset|unset|unset' \
    "the refused file's variables do not reach the command"
is "$(jsonl "$A" '$bad')" 0 "every line is a JSON object"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
sed 's/^/# /' "$T/bwprocs.err"

# ---- 3. A hanging alert_command; 4. a torn last line. ----

D=$T/d3
mkdir -p "$D"
A=$D/alerts_$IF.jsonl
P=$D/procs_$IF.json
printf '%s\n' "$RULE" "procs_interval = 1" "alert_command = sleep 1000" \
    "alert_command_timeout = 2" >"$T/a3.conf"
# sleeps: the pids of the "sleep 1000" processes.
sleeps() {
	ps -eo pid=,args= | awk '$2 == "sleep" && $3 == "1000" && NF == 3 {
	    print $1 }' | sort
}
sleeps >"$T/sleeps0"
: >"$T/bwprocs.err"
run "$D" "$T/a3.conf"
ok $? "bwprocs with alert_command = sleep 1000, timeout 2 s"
# SIGHUP reads alert_env again; a file not root's is refused and the
# variables in force stay.
printf '%s\n' A=1 B=2 >"$T/a3.env"
chmod 600 "$T/a3.env"
echo "alert_env = $T/a3.env" >>"$T/a3.conf"
kill -HUP "$BP"
wait_for 10 logged "$T/bwprocs.err" "$IF: alert_command gets 2 variables from $T/a3.env"
ok $? "SIGHUP: alert_env is read"
chown nobody "$T/a3.env"
kill -HUP "$BP"
wait_for 10 logged "$T/bwprocs.err" "alert_env $T/a3.env: refused: owned by uid [0-9]+, not root .*; the previous variables stay"
ok $? "SIGHUP: a file not root's is refused, and the variables in force stay"
TORN='{"ts":1700000000,"event":"FIRED","iface":"torn","thresh'
printf '%s' "$TORN" >>"$A"
wait_for 15 has_samples 5 "$D/live_$IF.json"
ok $? "5 samples"
traffic 6
wait_for 20 has_events 1 "$A" event FIRED
ok $? "FIRED"
fired=$(jsonl "$A" '(grep { $_->{event} eq "FIRED" } @l)[0]{ts}')
wait_for 15 logged "$T/bwprocs.err" "$IF: alert_command for the FIRED at [0-9.]+ killed after"
ok $? "the hanging command is killed"
like "$(cat "$T/bwprocs.err")" "$IF: alert_command for the FIRED at [0-9.]+ killed after 2 s" \
    "the log says so, with the event and the timeout"
kill -0 "$BP"
ok $? "bwprocs still runs"
wait_written "$P"
ok $? "and writes its procs file after the kill"
is "$(json "$D/live_$IF.json" "(grep { \$_->[0] > $fired
    && \$_->[0] < $fired + 2 } @{\$j->{samples}}) ? 1 : 0")" 1 \
    "a sample was taken while the command hung"
wait "$IP"
is $? 0 "iperf3 -t 6 ran"
wait_for 40 has_events 1 "$A" event CLEARED
ok $? "CLEARED"
wait_for 15 sh -c "[ \$(grep -Ec 'alert_command for the [A-Z]+ at [0-9.]+ killed after' \
    '$T/bwprocs.err') -ge 2 ]"
ok $? "CLEARED's hanging command is killed too"
nosleeps() {
	sleeps >"$T/sleeps1"
	[ -z "$(comm -13 "$T/sleeps0" "$T/sleeps1")" ]
}
wait_for 5 nosleeps
ok $? "no sleep 1000 is left"
# Tidy up after a failure: only the pids that were not there before.
for p in $(comm -13 "$T/sleeps0" "$T/sleeps1"); do
	kill "$p" 2>/dev/null
done
is "$(json "$P" '$j->{ts} > '"$fired"' + 3 ? 1 : 0')" 1 \
    "the procs file is still written"

is "$(sed -n 1p "$A")" "$TORN" "torn: the fragment is a line of its own"
is "$(wc -l <"$A" | tr -d ' ')" 3 "torn: three lines"
is "$(jsonl "$A" 'join ",", map { $_->{event} } @l')" "FIRED,CLEARED" \
    "torn: FIRED and CLEARED after it, whole"
is "$(jsonl "$A" '$bad')" 1 "torn: only the fragment does not parse"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
sed 's/^/# /' "$T/bwprocs.err"
done_testing
