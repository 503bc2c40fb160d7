#!/bin/sh
# bwhistory --events: each spike and alert of the window with its time,
# rate, top process and top flow, from hand-written logs
# (t/data/hist-ev): spikes by their second, alerts while they were open
# (one fired before the window and cleared in it, one still open), v1
# records without window_bytes, hostile names made safe, IPv6 flows,
# unreadable lines counted; as text and JSON; and the usage errors.
. "${0%/*}/lib.sh"

F=$SRCDIR/t/data/hist-ev
export BWMON_NOW=1790000000	# 2026-09-21 14:13:20 UTC

# jv EXPR...: jpath over $T/j
jv() {
	jpath "$T/j" "$@"
}

runs "bwhistory --events (the last 24 h)" \
    bwhistory --events -d "$F" -i eth0
is "$(sed -n 1p "$T/out")" \
    "eth0: spikes and alerts, last 24h, 2026-09-20 14:13 to 2026-09-21 14:13" \
    "  the window"
is "$(grep -c '^2026-' "$T/out")" 7 \
    "  7 events: 4 spikes in it, 3 alerts open some time in it"
like "$(grep '^2026-09-21 11:26:40 ' "$T/out")" \
    '^2026-09-21 11:26:40  spike   200 Mbps  nightly-backup\[4242\] +tcp 192\.0\.2\.10:40128 > 198\.51\.100\.7:873 123 MB$' \
    "  a spike: time, rate, top process, top flow and its bytes in the window"
like "$(grep '^2026-09-20 10:26:40 ' "$T/out")" \
    '^2026-09-20 10:26:40  alert  41\.0 Mbps  apt\[300\] +tcp 192\.0\.2\.10:50000 > 203\.0\.113\.5:443 1\.50 GB  \(until 2026-09-21 12:50:00\)$' \
    "  an alert fired before the window and cleared in it, with its end"
like "$(grep '^2026-09-21 13:40:00 ' "$T/out")" \
    '^2026-09-21 13:40:00  alert  48\.0 Mbps  scp\[5000\] +-  \(still open\)$' \
    "  an open alert, without a flow"
like "$(grep '^2026-09-21 11:43:20 ' "$T/out")" \
    'rsync\[1000\] +\? 192\.0\.2\.10:40129 > 198\.51\.100\.8:873 5\.00 MB$' \
    "  a v1 record: its flow's lifetime bytes"
like "$(grep '^2026-09-21 12:00:00 ' "$T/out")" \
    '\?\[31mevil\?name\[66\] +udp \[2001:db8::1\]:5353 > \[2001:db8::2\]:53 4\.20 kB$' \
    "  control characters become ?; IPv6 ends in brackets"
LC_ALL=C grep -q "$(printf '\033')" "$T/out"
ok $(( $? == 0 )) "  no escape reaches the terminal"
like "$(grep '^2026-09-21 12:16:40 ' "$T/out")" '70\.0 Mbps  - +-$' \
    "  a spike that named nobody"
grep -q 'too-old\|future\|ancient' "$T/out"
ok $(( $? == 0 )) "  nothing from outside the window"
is "$(tail -n 1 "$T/out")" "(2 unreadable lines of the logs skipped)" \
    "  unreadable lines counted"

bwhistory --events --json -d "$F" -i eth0 >"$T/j" 2>"$T/err"
ok $? "--events --json"
is "$(jv 'join " ", map { "$_->{kind}:" . ($_->{active} ? 1 : 0) }
    @{$j->{events}}')" \
    "alert:0 spike:0 spike:0 spike:0 spike:0 alert:0 alert:1" \
    "  oldest first; the last alert is active"
is "$(jv 'my $e = $j->{events}[1]; join ",", $e->{ts}, $e->{rate_bps},
    $e->{top}{name}, $e->{top}{pid}, @{$e->{top_flow}}{qw(proto src dst
    name bytes)}')" \
    "1789990000.25,200000000,nightly-backup,4242,tcp,192.0.2.10:40128,198.51.100.7:873,nightly-backup,123456789" \
    "  a spike's fields"
is "$(jv '$j->{events}[0]{cleared_at}' '$j->{skipped_lines}' \
    'defined $j->{events}[4]{top} ? 1 : 0')" "1789995000.5
2
0" "  cleared_at, skipped_lines, and null for no top process"

# --from and --to pick the window.
bwhistory --events -d "$F" -i eth0 --from 1789996500 --to 1789997500 \
    >"$T/out"
is "$(grep -c '^2026-' "$T/out")" 1 "--from/--to: one alert open in it"
like "$(sed -n 3p "$T/out")" '^2026-09-21 13:06:40  alert  54\.1 Mbps  iperf3\[4711\]' \
    "  the alert that fired before --from"
bwhistory --events -d "$F" -i eth0 --from 1789000400 --to 1789800000 \
    >"$T/out"
is "$(sed -n 2p "$T/out")" "none" "a window without events: none"
bwhistory --events -d "$F" -i eth0 -r 1h >"$T/out"
is "$(grep -c '^2026-' "$T/out")" 2 "-r 1h: the two alerts open in it"
bwhistory --events -d "$F" -i eth0 -r all >"$T/out"
is "$(sed -n 1p "$T/out")" "eth0: spikes and alerts, all history" \
    "-r all: all history"
is "$(grep -c '^20' "$T/out")" 9 "  every record up to now"
mkdir "$T/empty"
bwhistory --events -d "$T/empty" -i eth0 >"$T/out" 2>"$T/err"
ok $? "no logs at all"
is "$(sed -n 2p "$T/out")" \
    "none: bwprocs has recorded no spike or alert on this interface yet" \
    "  says bwprocs has recorded none"

for bad in "--csv" "--by program" "-a"; do
	bwhistory --events $bad -d "$F" -i eth0 >/dev/null 2>"$T/err"
	is $? 2 "--events $bad is a usage error"
done
like "$(cat "$T/err")" "events takes --json" "  and says why"
bwhistory -h >"$T/out"
like "$(cat "$T/out")" "--events" "-h lists --events"
done_testing
