#!/bin/sh
# The CGIs run directly, as a web server runs them (RFC 3875: the request
# in REQUEST_METHOD and QUERY_STRING), without nginx: the response format,
# the query string policy and hostile input.  Runs wherever the CGIs are
# built, sanitizer builds included.
. "${0%/*}/lib.sh"

C=${WEB_CGIDIR:-$SRCDIR/cgi}
[ -x "$C/history.cgi" ] || skip_all "the CGIs are not built (make all)"

cp -R "$SRCDIR/t/data/web-v2" "$T/data"
mkproc "$T/proc" "eth0 1000 2000"
: >"$T/bwmon.conf"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc BWMON_DATA_DIR=$T/data \
    BWMON_CONF=$T/bwmon.conf

# cgi NAME QUERY [METHOD]: run NAME.cgi; prints the status, leaves the
# headers in $T/h, the body in $T/b and stderr in $T/e.
cgi() {
	REQUEST_METHOD=${3:-GET} QUERY_STRING=$2 "$C/$1.cgi" >"$T/out" \
	    2>"$T/e"
	echo "exit $?" >>"$T/e"
	awk -v h="$T/h" -v b="$T/b" 'BEGIN { printf "" >h; printf "" >b }
	    inbody { print >b; next } /^$/ { inbody = 1; next }
	    { print >h }' "$T/out"
	sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T/h"
}
hdr() {
	sed -n "s/^$1: //p" "$T/h"
}
# jbody EXPR: a Perl expression over $j, the body decoded
jbody() {
	jlax "$T/b" "$1"
}
# bad QUERY DESC [NAME]: a 400 with a JSON error and nothing else
bad() {
	st=$(cgi "${3:-history}" "$1")
	is "$st" 400 "$2: 400"
	is "$(jbody 'join ",", sort keys %$j')" error "$2: only an error"
}
# nodata QUERY DESC [NAME]: a well-formed interface without data: a 404
# with a JSON error (that lists the interfaces with data) and nothing else
nodata() {
	st=$(cgi "${3:-history}" "$1")
	is "$st" 404 "$2: 404"
	is "$(jbody 'join ",", sort keys %$j')" error "$2: only an error"
}

answers 200 "GET: 200" history "iface=eth0&range=24h"
is "$(hdr Content-Type)" application/json "Content-Type: application/json"
is "$(hdr Cache-Control)" max-age=60 "history: Cache-Control: max-age=60"
is "$(hdr Content-Length)" "$(wc -c <"$T/b" | tr -d ' ')" \
    "Content-Length is the body's"
is "$(tail -1 "$T/e")" "exit 0" "exit 0"
answers 200 "HEAD: 200" history "iface=eth0&range=24h" HEAD
is "$(wc -c <"$T/b" | tr -d ' ')" 0 "HEAD: headers only"
answers 405 "POST: 405" history "iface=eth0" POST
is "$(hdr Allow)" "GET, HEAD" "POST: Allow"
answers 405 "TRACE: 405" live "iface=eth0" TRACE
st=$(REQUEST_METHOD= QUERY_STRING= "$C/live.cgi" 2>/dev/null |
    sed -n 's/^Status: \([0-9]*\).*/\1/p')
is "$st" 405 "an empty method: 405"
st=$(cgi live "iface=eth0")
is "$(hdr Cache-Control)" no-store "live: Cache-Control: no-store"
st=$(cgi metrics "")
is "$(hdr Content-Type)" "text/plain; version=0.0.4; charset=utf-8" \
    "metrics: the Prometheus text format"

# The query string policy.
answers 200 "unknown keys, empty pieces and a trailing & are ignored" history "iface=eth0&foo=bar&_=1789999999&&"
answers 200 "an empty value means the default" history "iface=&range="
answers 200 "keys are not decoded either: %69face is unknown" history "%69face=../../x"
bad "iface=eth0&iface=eth0" "a repeated key"
bad "range=24h&range=7d" "a repeated range"
bad "iface=eth0&range" "a known key without a value"
bad "iface=../../etc/passwd" "iface=../../etc/passwd"
bad "iface=%2e%2e%2fetc" "iface=%2e%2e%2fetc"
bad "iface=..%2F..%2Fetc%2Fpasswd" "a percent-encoded path"
bad "iface=.." "iface=.."
bad "iface=eth0%00" "%00"
bad "x=%00" "%00 under an unknown key"
bad "iface=%zz" "a malformed escape"
bad "iface=eth0%4" "a truncated escape"
bad "iface=eth0&x=%" "a lone %"
bad "iface=eth%20" "an encoded space"
bad "iface=$(printf 'eth\001')" "a control byte"
bad "iface=$(printf 'eth\303\251')" "a byte above 0x7e"
bad "iface=eth0 x" "a raw space"
bad "iface=abcdefghijklmnop" "a name of 16 bytes"
nodata "iface=nosuch0" "an interface without history"
like "$(jbody '$j->{error}')" 'interfaces with data: eth0, wlan0' \
    "which interfaces have data"
bad "range=1y" "an unknown range"
bad "range=24H" "ranges are case-sensitive"
bad "range=24h%20" "a range with junk"
long=$(head -c 10240 /dev/zero | tr '\0' A)
bad "iface=eth0&x=$long" "a 10 kB query string"
bad "iface=eth0&x=$(head -c 244 /dev/zero | tr '\0' A)" \
    "257 bytes of query string"
answers 200 "256 bytes of query string are fine" history "iface=eth0&x=$(head -c 243 /dev/zero | tr '\0' A)"
bad "iface=eth0&active=2" "active=2" alerts
answers 200 "active= is the default" alerts "iface=eth0&active="
bad "iface=eth0&ts=1e9" "ts=1e9" spike
bad "iface=eth0&ts=-1" "ts=-1" spike
bad "iface=eth0&ts=1789980000.1234567" "ts with 7 decimals" spike
bad "iface=eth0&ts=0x10" "ts=0x10" spike

# bwprocs' files are read by lib/procs.c, the one reader, and judged by
# its staleness rules: what it neutralises never reaches the API.
mkdir "$T/lib"
cp "$T/data/bw_wlan0.csv" "$T/lib/bw_x0.csv"
cp "$T/data/bw_wlan0.csv" "$T/lib/bw_x1.csv"
printf '%s\n' '{"version": 2, "ts": 1789999999.5, "interval_seconds": 2, "processes": [{"kind": "process", "pid": 9, "name": "evil\u202egnp.exe\u2028x\u200by\ufeffz", "user": "\u2066u\u2069", "cmdline": "a\u0007b", "tx_bytes": 1, "rx_bytes": 2}], "connections": [{"proto": "tcp", "remote": "1.2.3.4:5\u200e"}]}' \
    >"$T/lib/procs_x0.json"
st=$(BWMON_DATA_DIR=$T/lib cgi procs "iface=x0")
is "$st" 200 "/api/procs with bidi and invisible characters: 200"
is "$(jbody 'join "|", $j->{processes}[0]{name}, $j->{processes}[0]{user},
    $j->{processes}[0]{cmdline}, $j->{connections}[0]{remote}')" \
    'evil?gnp.exe?x?y?z|?u?|a?b|1.2.3.4:5?' \
    "/api/procs: bidi overrides, separators and invisible characters made '?'"
st=$(BWMON_DATA_DIR=$T/lib cgi metrics "")
grep -F 'bwmon_process_receive_bytes_total{device="x0",program="evil?gnp.exe?x?y?z"} 2' \
    "$T/b" >/dev/null
ok $? "/metrics: the same name, neutralised, as label"
printf '%s\n' '{"version": 2, "ts": 1789999990, "interval_seconds": 5000, "processes": []}' \
    >"$T/lib/procs_x1.json"
printf '%s\n' '{"iface": "x1", "ts": 1789999990, "interval_seconds": 5000, "samples": [[1789999990, 8, 16]]}' \
    >"$T/lib/live_x1.json"
st=$(BWMON_DATA_DIR=$T/lib cgi procs "iface=x1")
is "$(jbody '$j->{stale} ? "stale" : "fresh"'):$(jbody '$j->{age_seconds}')" \
    stale:10 "/api/procs: an interval above 3600 s is not believed"
st=$(BWMON_DATA_DIR=$T/lib cgi live "iface=x1")
is "$(jbody '$j->{source}')" proc "/api/live: nor in the live file"
st=$(BWMON_DATA_DIR=$T/lib cgi ifaces "")
is "$(jbody '$j->{ifaces}[1]{bwprocs}')" stale "/api/ifaces: the same rule"
st=$(BWMON_DATA_DIR=$T/lib cgi metrics "")
grep -F 'bwmon_bwprocs_up{device="x1"} 0' "$T/b" >/dev/null
ok $? "/metrics: the same rule"
printf '%s\n' '{"version": 2, "processes": []}' >"$T/lib/procs_x1.json"
st=$(BWMON_DATA_DIR=$T/lib cgi procs "iface=x1")
is "$st" 500 "/api/procs: a procs file without \"ts\": 500"
is "$(jbody '$j->{error}')" "procs_x1.json is not a valid procs file" \
    "says so (and why goes to the log)"
like "$(cat "$T/e")" 'procs_x1.json:0: no "ts" time stamp' "the log has why"

# Process names reach the page from spike and alert records too: their
# strings are cleaned the same way.
printf '%s\n' '{"ts": 1789999000.5, "total_bps": 9e6, "trigger": "5x\u200b_rolling", "top": [{"name": "evil\u202egnp.exe\u2028", "pid": 9}], "top_flows": [{"name": "scp\ufeff", "src": "192.0.2.1"}], "iface_rates": {"x0": {"rx_bps": 1}}}' \
    >"$T/lib/spikes_x0.jsonl"
printf '%s\n' '{"ts": 1789999000.5, "event": "FIRED", "threshold_bps": 1e6, "top": [{"name": "a\u2066b\u0007c", "pid": 9}]}' \
    >"$T/lib/alerts_x0.jsonl"
st=$(BWMON_DATA_DIR=$T/lib cgi spikes "iface=x0")
is "$st:$(jbody '$j->{spikes}[0]{top}'):$(jbody '$j->{spikes}[0]{trigger}')" \
    "200:evil?gnp.exe?:5x?_rolling" "/api/spikes: names and trigger cleaned"
st=$(BWMON_DATA_DIR=$T/lib cgi spike "iface=x0&ts=1789999000.5")
is "$st:$(jbody '$j->{spike}{top}[0]{name}'):$(jbody '$j->{spike}{top_flows}[0]{name}'):$(jbody '$j->{spike}{top_flows}[0]{src}')" \
    "200:evil?gnp.exe?:scp?:192.0.2.1" \
    "/api/spike: every string of the record cleaned, the rest kept"
st=$(BWMON_DATA_DIR=$T/lib cgi alerts "iface=x0")
is "$st:$(jbody '$j->{alerts}[0]{top}[0]{name}')" "200:a?b?c" \
    "/api/alerts: the top names cleaned"

# What fuzzing found (issue 13): a 30-digit interval in the first row,
# whose middle does not fit an int64_t (an undefined cast: UBSan
# aborted, else a 500 or a negative "from"), and empty logs (qsort() of
# a NULL array: UBSan aborted).
mkdir "$T/ub"
{
	echo "1789990000,8,8,300,300,100000000000000000000000000000"
	echo "1789990300,8,8,300,300,300"
	echo "1789990600,8,8,300,300,300"
} >"$T/ub/bw_u0.csv"
for e in history heatmap; do
	st=$(BWMON_DATA_DIR=$T/ub cgi $e "iface=u0&range=all")
	is "$st" 200 "$e range=all, a 30-digit interval in the first row: 200"
	# A row whose interval starts before 1970 is a bad row
	# (bwmon-files(5)): the range starts at the next row's middle.
	is "$(jbody '$j->{from}'):$(jbody '$j->{to}')" 1789990150:1789990601 \
	    "$e: the range starts after that row, which is skipped"
done
: >"$T/ub/spikes_u0.jsonl"
: >"$T/ub/alerts_u0.jsonl"
st=$(BWMON_DATA_DIR=$T/ub cgi spikes "iface=u0&range=all")
is "$st:$(jbody '$j->{count}'):$(jbody 'scalar @{$j->{spikes}}')" 200:0:0 \
    "an empty spike log: 200, no spike"
st=$(BWMON_DATA_DIR=$T/ub cgi alerts "iface=u0&range=all")
is "$st:$(jbody '$j->{active}'):$(jbody 'scalar @{$j->{alerts}}')" 200:0:0 \
    "an empty alert log: 200, no alert"
st=$(BWMON_DATA_DIR=$T/ub cgi metrics "")
is "$st" 200 "/metrics with empty logs: 200"
is "$(grep -c -F -e 'bwmon_spikes_total{device="u0"} 0' \
    -e 'bwmon_alerts_active{device="u0"} 0' "$T/b")" 2 \
    "/metrics: no spike, no active alert"

# 40,000 process rows in one procs file (lib/procs.c reads the first
# 20,000; ten names come twice among them): /metrics merges them by name
# in O(n log n) (a search per row took seconds) and answers the top 10.
mkdir "$T/m40"
cp "$T/data/bw_wlan0.csv" "$T/m40/bw_m0.csv"
perl -e 'print "{\"version\": 2, \"ts\": 1789999999.5, \"processes\": [";
    for my $i (0 .. 39999) { printf "%s{\"kind\": \"process\", \"name\": " .
    "\"prog%05d\", \"pid\": %d, \"tx_bytes\": %d, \"rx_bytes\": %d}",
    $i ? ", " : "", $i % 19990, $i + 100, 40000 - $i, 2 * (40000 - $i) }
    print "]}\n"' >"$T/m40/procs_m0.json"
st=$(BWMON_DATA_DIR=$T/m40 cgi metrics "")
is "$st" 200 "/metrics over 40,000 program names: 200"
is "$(sed -n 's/^bwmon_process_receive_bytes_total{device="m0",program="\([^"]*\)"} \([0-9]*\)$/\1=\2/p' \
    "$T/b" | tr '\n' ' ')" \
    "prog00000=120020 prog00001=120016 prog00002=120012 prog00003=120008 prog00004=120004 prog00005=120000 prog00006=119996 prog00007=119992 prog00008=119988 prog00009=119984 " \
    "/metrics: the 10 programs that moved the most, their rows summed"

# Planted files: never followed, never read, refused with 400 (or, for
# the file that makes an interface, no interface: 404).
ln -s /etc/passwd "$T/data/bw_evil.csv"
nodata "iface=evil" "a history symlink to /etc/passwd"
grep -q root: "$T/b"
ok $(( ! $? )) "and nothing of it in the body"
st=$(cgi ifaces "")
is "$(jbody 'join ",", map { $_->{name} } @{$j->{ifaces}}')" eth0,wlan0 \
    "a symlinked history is no interface"
rm "$T/data/procs_eth0.json"
ln -s /etc/passwd "$T/data/procs_eth0.json"
bad "iface=eth0" "a procs symlink to /etc/passwd" procs
like "$(jbody '$j->{error}')" 'not a regular file' "says why"
grep -q root: "$T/b"
ok $(( ! $? )) "and nothing of it in the body"
st=$(cgi ifaces "")
is "$(jbody '$j->{ifaces}[0]{files}{procs}{error}')" \
    "not a regular file: refused" "/api/ifaces flags it"
answers 200 "metrics carry on" metrics ""
grep -q root: "$T/b"
ok $(( ! $? )) "without reading it"
rm "$T/data/spikes_eth0.jsonl"
ln -s /etc "$T/data/spikes_eth0.jsonl"
bad "iface=eth0" "a spike log symlinked to a directory" spikes
answers 200 "the history does not need it" history "iface=eth0&range=all"
is "$(jbody '$j->{spikes}')" undef "and counts no spikes"
rm "$T/data/alerts_eth0.jsonl"
mkfifo "$T/data/alerts_eth0.jsonl"
st=$(timeout 10 sh -c "REQUEST_METHOD=GET QUERY_STRING=iface=eth0 \
    '$C/alerts.cgi'" 2>/dev/null | sed -n 's/^Status: \([0-9]*\).*/\1/p')
is "$st" 400 "a FIFO is refused, not waited on"
mkdir "$T/data/bw_dir.csv"
nodata "iface=dir" "a directory named like a history"
rm "$T/data/live_eth0.json"
ln -s /etc/passwd "$T/data/live_eth0.json"
bad "iface=eth0" "a live symlink" live

# The server's time zone, in which the periods are counted, named where
# the page labels days and hours: the offset is that of BWMON_NOW (summer
# time in Los Angeles), and the days start at the zone's midnight.
for z in "America/Los_Angeles PDT -25200" "Asia/Kolkata IST 19800" \
    "UTC UTC 0"; do
	set -- $z
	for e in ifaces totals heatmap; do
		st=$(TZ=$1 cgi $e "iface=eth0")
		is "$st:$(jbody '"$j->{tz} $j->{utc_offset}"')" "200:$2 $3" \
		    "$e in $1: tz and utc_offset"
	done
	TZ=$1 cgi totals "iface=eth0" >/dev/null
	is "$(jbody 'my @p = @{$j->{day}{periods}}; scalar grep {
	    ($_->{start} + $j->{utc_offset}) % 86400 == 0 } @p')" 30 \
	    "totals in $1: the 30 days start at the zone's midnight"
done

# No data: 404 with a hint, and a missing data directory.
mkdir "$T/empty"
st=$(BWMON_DATA_DIR=$T/empty cgi history "")
is "$st" 404 "no interface has history: 404"
like "$(jbody '$j->{hint}')" bwcollect "with a hint"
st=$(BWMON_DATA_DIR=$T/empty cgi ifaces "")
is "$st" 200 "/api/ifaces on an empty directory: 200"
is "$(jbody 'scalar @{$j->{ifaces}}'):$(jbody '$j->{default}')" 0:undef \
    "no interfaces, no default"
st=$(BWMON_DATA_DIR=$T/nosuch cgi history "")
is "$st" 404 "no data directory: 404"

# The configuration: the rule every program follows.
st=$(BWMON_CONF=$T/nosuch.conf cgi totals "iface=eth0")
is "$st" 500 "a missing BWMON_CONF: 500"
is "$(jbody '$j->{error}')" "cannot read the configuration file" \
    "... saying so"
like "$(cat "$T/e")" "config $T/nosuch.conf: No such file" \
    "... and which file in the error log"
st=$(BWMON_CONF=/dev/null cgi totals "iface=eth0")
is "$st:$(head -1 "$T/e")" "200:exit 0" "BWMON_CONF=/dev/null: 200, silent"
echo "month_start_day = 15" >"$T/msd.conf"
st=$(BWMON_CONF=$T/msd.conf cgi totals "iface=eth0")
is "$st:$(jbody '$j->{month}{month_start_day}')" "200:15" \
    "BWMON_CONF is read"
st=$(BWMON_CONF= cgi totals "iface=eth0")
is "$st:$(jbody '$j->{month}{month_start_day}')" "200:1" \
    "BWMON_CONF= (empty): no file, the defaults"

# A CGI writes nothing: the data directory is the same afterwards.
cp -R "$SRCDIR/t/data/web-v2" "$T/ro"
chmod -R a-w "$T/ro"
(cd "$T/ro" && ls -lA --time-style=full-iso) >"$T/before"
for e in ifaces live procs history spikes alerts totals heatmap metrics; do
	st=$(BWMON_DATA_DIR=$T/ro cgi $e "iface=eth0")
	is "$st" 200 "$e on a read-only data directory: 200"
done
st=$(BWMON_DATA_DIR=$T/ro cgi spike "iface=eth0&ts=1789950000.5")
is "$st" 200 "spike on a read-only data directory: 200"
(cd "$T/ro" && ls -lA --time-style=full-iso) >"$T/after"
cmp -s "$T/before" "$T/after"
ok $? "and nothing in it changed"
if ! cmp -s "$T/before" "$T/after"; then
	diff "$T/before" "$T/after" | sed 's/^/# /'
fi
chmod -R u+w "$T/ro"

# stdout that cannot be written is an exit 1.
REQUEST_METHOD=GET QUERY_STRING=iface=eth0 "$C/history.cgi" >/dev/full \
    2>/dev/null
is $? 1 "a failed write of the response exits 1"

done_testing
