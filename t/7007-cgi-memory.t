#!/bin/sh
# The CGIs' memory is bounded whatever the data directory holds (issue
# 13): a procs file whose JSON would take hundreds of MB, a log line of
# 20 MB, a history line of 30 MB and files past the size limits are
# answered with a 500 that says so (or, where the rest of the data
# stands, read around), within a peak RSS far below what reading them
# took (up to 1 GB); the largest procs file bwprocs writes is served.
# Run as t/7000 runs the CGIs: directly, sanitizer builds included.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/cgi-lib.sh"
cgi_need procs

D=$T/data
mkdir "$D"
mkproc "$T/proc" "m0 1000 2000"
: >"$T/bwmon.conf"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc BWMON_DATA_DIR=$D \
    BWMON_CONF=$T/bwmon.conf
for i in m0 m1 m2; do
	cp "$SRCDIR/t/data/web-v2/bw_wlan0.csv" "$D/bw_$i.csv"
done

# --- procs: 2 million empty lists in 6 MB (jansson: 270 MB)
huge_json "$D/procs_m0.json" '"version": 2, "ts": 1789999999.5, '
answers 500 "a procs file whose JSON needs 270 MB: 500" procs "iface=m0"
is "$(jbody '$j->{error}')" "procs_m0.json is too large to read" \
    "and says so"
like "$(jbody '$j->{hint}')" 'at most 16 MB of that file and .* 64 MB of JSON' \
    "with the limits"
small "/api/procs"
like "$(cat "$T/e")" 'procs_m0.json: its JSON needs more than 64 MB' \
    "the log says why"
answers 200 "/metrics carries on" metrics ""
grep -q '^bwmon_bwprocs_up{device="m0"} 0$' "$T/b"
ok $? "/metrics: bwprocs is not up for m0"
small "/metrics"
st=$(cgi ifaces "")
is "$(jbody '$j->{ifaces}[0]{bwprocs}')" unreadable \
    "/api/ifaces: its procs file is unreadable"
small "/api/ifaces"

# --- procs: past 16 MB (a sparse file: nothing is read)
truncate -s 17M "$D/procs_m1.json"
st=$(cgi procs "iface=m1")
is "$st:$(jbody '$j->{error}')" "500:procs_m1.json is too large to read" \
    "a procs file of 17 MB: 500, too large"
small "/api/procs of 17 MB"

# --- procs: the largest file bwprocs writes (1000 processes with 1 kB
# paths and command lines, 1000 connections) is served whole
perl -e 'my @p; for my $i (0 .. 999) { push @p, sprintf(
    "{\"kind\": \"process\", \"name\": \"n%05d%s\", \"pid\": %d, " .
    "\"uid\": 1000, \"user\": \"%s\", \"exe\": \"/%s\", \"cmdline\": " .
    "\"%s\", \"container\": \"docker-%s\", \"tx_bps\": 1234567.8, " .
    "\"rx_bps\": 2345678.9, \"tx_bytes\": 123456789012, \"rx_bytes\": " .
    "98765432109, \"inferred_bytes\": 0, \"connections\": 17, " .
    "\"last_seen\": 1789999999.123}", $i, "x" x 50, $i + 1, "u" x 64,
    "e" x 1023, "c\\\\" x 512, "f" x 80) }
    my @c; for my $i (0 .. 999) { push @c, sprintf("{\"proto\": \"tcp\", " .
    "\"local\": \"[2001:db8:1234:5678:9abc:def0:1234:5678]:65535\", " .
    "\"remote\": \"[2001:db8:1234:5678:9abc:def0:1234:5678]:443\", " .
    "\"pid\": %d, \"name\": \"n%05d\", \"tx_bps\": 1.5, \"rx_bps\": 2.5, " .
    "\"tx_bytes\": 1, \"rx_bytes\": 2, \"owner\": \"n%05d\"}", $i + 1, $i,
    $i) } print "{\"version\": 2, \"iface\": \"m2\", \"ts\": 1789999999.5, " .
    "\"interval_seconds\": 2.0, \"processes\": [", join(", ", @p),
    "], \"processes_omitted\": 5000, \"connections\": [", join(", ", @c),
    "]}\n"' >"$D/procs_m2.json"
answers 200 "the largest procs file bwprocs writes: 200" procs "iface=m2"
is "$(jbody 'scalar @{$j->{processes}}'):$(jbody 'scalar @{$j->{connections}}'):$(jbody 'length $j->{processes}[999]{cmdline}')" \
    1000:1000:1024 "every row, command lines whole"
small "/api/procs of the largest file"

# --- logs: a line of 20 MB (10 million numbers: jansson 410 MB)
perl -e 'print "{\"ts\": 1789999000, \"x\": [", join(",", (1) x 10_000_000),
    "]}\n{\"ts\": 1789999001, \"event\": \"FIRED\"}\n"' >"$D/spikes_m0.jsonl"
cp "$D/spikes_m0.jsonl" "$D/alerts_m0.jsonl"
for q in "spikes iface=m0&range=all" "spike iface=m0&ts=1789999000" \
    "alerts iface=m0&range=all"; do
	set -- $q
	st=$(cgi "$1" "$2")
	is "$st" 500 "/api/$1 over a log line of 20 MB: 500"
	like "$(jbody '$j->{error}')" '^(spikes|alerts)_m0\.jsonl is too large to read$' \
	    "/api/$1: says so"
	small "/api/$1"
done
like "$(cat "$T/e")" 'alerts log of m0: its records need more than 64 MB' \
    "the log says why"
answers 200 "/api/history counts around it: 200" history "iface=m0&range=all"
like "$(cat "$T/e")" 'spikes log of m0 has records too large to read' \
    "and logs it"
small "/api/history"
answers 200 "/metrics: 200" metrics ""
grep -q '^bwmon_spikes_total{device="m0"}' "$T/b"
ok $(( ! $? )) "/metrics: no spike count for m0"
small "/metrics"

# --- logs: past 65 MB (sparse)
truncate -s 66M "$D/spikes_m1.jsonl"
st=$(cgi spikes "iface=m1&range=all")
is "$st:$(jbody '$j->{error}')" "500:spikes_m1.jsonl is too large to read" \
    "a spike log of 66 MB: 500, too large"

# --- live: past 1 MB: the /proc reading, with why
perl -e 'print "{\"ts\": 1789999999.5, \"samples\": [", join(",",
    ("[1789999999, 1, 2]") x 70_000), "]}\n"' >"$D/live_m0.json"
st=$(cgi live "iface=m0")
is "$st:$(jbody '$j->{source}')" 200:proc "a live file of 1.3 MB: the counters"
like "$(jbody '$j->{note}')" 'its live file is too large' "and why"

# --- history: a line of 30 MB is skipped; the history is mapped, not
# copied; past 256 MB it is refused
{
	cat "$SRCDIR/t/data/web-v2/bw_wlan0.csv"
	perl -e 'print "1789999950,", "9" x 30_000_000, ",1,1,1,300\n"'
} >"$D/bw_m1.csv"
st=$(cgi history "iface=m1&range=all")
is "$st:$(jbody '$j->{stats}{skipped_lines}'):$(jbody '$j->{stats}{samples}')" \
    200:1:12 "a history line of 30 MB: skipped"
truncate -s 257M "$D/bw_m2.csv"
st=$(cgi history "iface=m2&range=all")
is "$st:$(jbody '$j->{error}')" "500:bw_m2.csv is too large to read" \
    "a history of 257 MB: 500, too large"

done_testing
