#!/bin/sh
# The adaptive capture ring: it starts small (capture_buffer_mb is the
# most it may grow to), doubles when frames are dropped, and is replaced
# by another ring while traffic flows without losing or doubling a
# frame: a transfer across two replacements still gives its pid the
# interface's bytes.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

host_ns 6
iperf_server
P=$D/procs_$H.json
C=$T/bw.conf

ring() {
	json "$P" '$j->{capture}{buffer_mb}'
}

# The ring the configuration allows, when it is less than the start.
echo "capture_buffer_mb = 3" >"$C"
start_bwprocs bwprocs -f -c "$C" -d "$D" "$H"
ok $? "bwprocs started"
is "$(ring)" 3 "capture_buffer_mb = 3: a 3 MB ring"
like "$(cat "$T/bwprocs.err")" "capturing \(link type 1, 3 MB ring, at most 3\)" \
    "the log says so"

# A smaller capture_buffer_mb (SIGHUP) takes effect while a transfer
# runs: two replacements in its middle.
b0=$(ifbytes "$H")
iperf3 -c 10.213.6.2 -t 5 -b 50M >/dev/null 2>&1 &
cp=$!
sleep 1.5
echo "capture_buffer_mb = 2" >"$C"
kill -HUP "$BP"
sleep 1.5
echo "capture_buffer_mb = 1" >"$C"
kill -HUP "$BP"
wait "$cp"
is $? 0 "iperf3 ran for 5 s"
b1=$(ifbytes "$H")
wait_written "$P"
ok $? "a procs file after the transfer"
got=$(pid_bytes "$P" "$cp")
bytes_near "$got" "$((b1 - b0))" 0.3 "across two ring replacements: pid $cp has" \
    "the transfer's bytes, none lost or doubled (0.3 %)"
like "$(cat "$T/bwprocs.err")" "capture ring 3 -> 2 MB" "replaced: 3 -> 2 MB"
like "$(cat "$T/bwprocs.err")" "capture ring 2 -> 1 MB" "replaced: 2 -> 1 MB"
is "$(ring)" 1 "the ring is 1 MB now"
is "$(json "$P" '$j->{capture}{drops}')" 0 "no drops"

# Drops: stop bwprocs while a fast transfer fills its 1 MB ring.  It
# takes a ring twice as large, and counts on without more drops.
echo "capture_buffer_mb = 8" >"$C"
kill -HUP "$BP"
sleep 1.5
is "$(ring)" 1 "a larger capture_buffer_mb alone changes nothing"
iperf3 -c 10.213.6.2 -t 4 >/dev/null 2>&1 &
cp=$!
sleep 1
kill -STOP "$BP"
sleep 1.5
kill -CONT "$BP"
wait "$cp"
wait_written "$P"
d=$(json "$P" '$j->{capture}{drops}')
like "$d" '^[1-9][0-9]*$' "frames were dropped while bwprocs was stopped ($d)"
like "$(cat "$T/bwprocs.err")" "[0-9]+ frames dropped: capture ring 1 -> 2 MB" \
    "and the ring doubled"
is "$(ring)" 2 "the ring is 2 MB now"
b0=$(ifbytes "$H")
iperf3 -c 10.213.6.2 -t 2 -b 200M >/dev/null 2>&1 &
cp=$!
wait "$cp"
pid_has_bytes "$b0" "$cp" 0.3 "after the drops: pid $cp has" \
    "then the next transfer's bytes (0.3 %)"
is "$(json "$P" '$j->{capture}{drops}')" "$d" "and no more drops"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
grep -v -e 'capturing' -e 'exiting' -e 'capture ring' -e reloaded \
    "$T/bwprocs.err" | sed 's/^/# /'
done_testing
