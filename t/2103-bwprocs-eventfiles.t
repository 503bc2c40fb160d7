#!/bin/sh
# The spike and alert files over time: records older than
# events_retention_days are dropped at start, lines without a readable
# "ts" (garbage, v1's spaced keys) are judged properly, a file over
# events_max_mb loses its oldest records, the replacement keeps the
# mode readers need, and an alert left open by the last run (a FIRED as
# the last complete record, even before a torn line) is resumed, not
# fired again.  bwprocs watches lo of a namespace of its own: no
# traffic is needed.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

D=$T/data
mkdir -p "$D"
NS=${NP}n
mkns "$NS"
ok $? "namespace $NS"
S=$D/spikes_lo.jsonl
A=$D/alerts_lo.jsonl
NOW=$(perl -e 'print time')
OLD=$((NOW - 200 * 86400))
RECENT=$((NOW - 100 * 86400))

# Retention: 2 old records, 2 recent ones, v1's spacing, garbage.
{
	echo "{\"ts\":$OLD.5,\"iface\":\"lo\",\"total_bps\":1}"
	echo "{\"ts\": $((OLD + 60)), \"iface\": \"lo\", \"total_bps\": 2}"
	echo "{\"ts\":$RECENT.25,\"iface\":\"lo\",\"total_bps\":3}"
	echo "not json at all"
	echo "{\"ts\": $((RECENT + 60)).5, \"iface\": \"lo\", \"total_bps\": 4}"
} >"$S"
chmod 0600 "$S"
# The alerts file: an old CLEARED pair, then a FIRED left open, and a
# torn line after it (a crash in the middle of a write).
{
	echo "{\"ts\":$OLD,\"event\":\"FIRED\",\"iface\":\"lo\"}"
	echo "{\"ts\":$((OLD + 900)),\"event\":\"CLEARED\",\"iface\":\"lo\",\"fired_at\":$OLD}"
	echo "{\"ts\":$((NOW - 100)).5,\"event\":\"FIRED\",\"iface\":\"lo\",\"threshold_bps\":1000,\"peak_bps_in_window\":5000}"
	printf '{"ts":%s,"event":"CLEA' "$NOW"
} >"$A"

cat >"$T/conf" <<EOF
alert_bps = 1000
alert_window = 5
alert_clear_hold = 3
events_retention_days = 180
EOF
start_bwprocs ip netns exec "$NS" bwprocs -f -d "$D" -c "$T/conf" lo
ok $? "bwprocs started on lo in $NS"
wait_for 10 logged "$T/bwprocs.err" "trimmed"
ok $? "it logged a trim"

n=$(grep -c . "$S")
is "$n" 3 "spikes: the two old records are gone, three lines stay"
like "$(sed -n 1p "$S")" "\"total_bps\":3" "the first recent record stays"
like "$(sed -n 2p "$S")" "^not json at all\$" "a garbage line is not ours to drop"
like "$(sed -n 3p "$S")" "\"total_bps\": 4" "v1's spaced \"ts\": kept by its date"
is "$(stat -c %a "$S")" 644 "the new file is world-readable (0644)"
is "$(grep -c '"event":"CLEARED"' "$A")" 0 \
    "alerts: the old CLEARED went with its FIRED"

# The open alert: lo is quiet, so it clears within alert_clear_hold
# seconds of samples, once, with fired_at from the file.
wait_for 15 logged "$T/bwprocs.err" "alert open since"
ok $? "bwprocs says the alert is still open"
wait_for 20 grep -q '"event":"CLEARED"' "$A"
ok $? "the open alert cleared"
is "$(grep -c '"event":"FIRED"' "$A")" 1 "and did not fire again"
last=$(tail -n 1 "$A")
fired=$(printf '%s\n' "$last" | perl -MJSON::PP -ne \
    'my $j = decode_json($_); print $j->{fired_at}')
is "$fired" "$((NOW - 100)).5" "CLEARED names the FIRED it ends"
peak=$(printf '%s\n' "$last" | perl -MJSON::PP -ne \
    'my $j = decode_json($_); print $j->{peak_during_event_bps}')
is "$peak" 5000 "its peak starts from the FIRED record's"
like "$(tail -n 2 "$A" | head -n 1)" '^\{"ts":[0-9]*,"event":"CLEA$' \
    "the torn line stays a line of its own"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"

# The size cap: 1.5 MB of recent records, events_max_mb = 1.
perl -e 'for my $i (1 .. 6000) {
	printf "{\"ts\":%d,\"iface\":\"lo\",\"n\":%d,\"pad\":\"%s\"}\n",
	    $ARGV[0] + $i, $i, "x" x 200 }' "$RECENT" >"$S"
size0=$(stat -c %s "$S")
echo "events_max_mb = 1" >>"$T/conf"
start_bwprocs ip netns exec "$NS" bwprocs -f -d "$D" -c "$T/conf" lo
ok $? "bwprocs started with events_max_mb = 1"
wait_for 10 sh -c "[ \$(stat -c %s '$S') -lt $size0 ]"
ok $? "the file over the cap was cut"
size1=$(stat -c %s "$S")
ok "$([ "$size1" -le 786432 ] && [ "$size1" -ge 700000 ] && echo 0 || echo 1)" \
    "to three quarters of the cap ($size1 bytes)"
like "$(tail -n 1 "$S")" '"n":6000,' "the newest record stays"
like "$(head -n 1 "$S")" '^\{"ts":' "the file starts at a whole record"
bad=$(perl -MJSON::PP -ne 'eval { decode_json($_) } or $b++;
    END { print $b // 0 }' "$S")
is "$bad" 0 "every line left is whole JSON"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"

# A FIFO planted where a log goes must not hang bwprocs (an open or a
# read of it would block): refused, logged, capture goes on.  And a
# SIGHUP whose file cannot be read keeps the configuration in force.
rm -f "$S" "$A"
mkfifo "$A"
cp "$T/conf" "$T/conf2"
: >"$T/bwprocs.err"
start_bwprocs ip netns exec "$NS" bwprocs -f -d "$D" -c "$T/conf2" lo
ok $? "a FIFO in place of the alerts file: bwprocs starts all the same"
wait_for 10 logged "$T/bwprocs.err" "alerts_lo.jsonl: not a regular file"
ok $? "and says the alerts file is not a regular file"
mv "$T/conf2" "$T/conf2.away"
kill -HUP "$BP"
wait_for 10 logged "$T/bwprocs.err" "conf2: not reloaded: the previous configuration stays"
ok $? "SIGHUP with the file gone: the previous configuration stays"
wait_written "$D/procs_lo.json"
ok $? "and it goes on writing"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
rm -f "$A"

# A full disk: bwprocs goes on, says so once (not every second), and
# says when its files are written again.
F=$T/full
mkdir -p "$F"
if mount -t tmpfs -o size=64k tmpfs "$F"; then
	D0=$D
	D=$F
	: >"$T/bwprocs.err"
	dd if=/dev/zero of="$F/fill" bs=1k 2>/dev/null
	ip netns exec "$NS" bwprocs -f -d "$F" -c "$T/conf" lo \
	    2>>"$T/bwprocs.err" &
	BP=$!
	PIDS="$PIDS $BP"
	wait_for 10 logged "$T/bwprocs.err" "lo: capturing"
	ok $? "bwprocs started on a full 64 kB tmpfs"
	sleep 5
	n=$(grep -c "live_lo.json: No space left on device" "$T/bwprocs.err")
	is "$n" 1 "5 s of a full disk: one line about the live file, not five"
	kill -0 "$BP"
	ok $? "bwprocs still runs"
	rm -f "$F/fill"
	wait_for 10 logged "$T/bwprocs.err" "live_lo.json: written again"
	ok $? "space again: it says the file is written again"
	stop_bwprocs
	is $? 0 "SIGTERM: exit 0"
	umount "$F"
	D=$D0
else
	ok 1 "mount a 64 kB tmpfs"
fi

done_testing
