#!/bin/sh
# bwhistory's usage, exit statuses and messages: bad arguments, missing
# data, the default interface, and output that cannot be written.
. "${0%/*}/lib.sh"
D=$SRCDIR/t/data
V1=$D/bwmon-v1

# Usage.
bwhistory -h >"$T/out" 2>"$T/err"
ok $? "-h exits 0"
like "$(cat "$T/out")" '^usage: bwhistory \[-ahjV\]' "-h: usage on stdout"
is "$(cat "$T/err")" "" "-h: nothing on stderr"
is "$(bwhistory -V)" "bwhistory bwmon 2.0.0" "-V"
bwhistory -V >/dev/full 2>"$T/err"
is $? 1 "-V to a full disk fails"
like "$(cat "$T/err")" '^bwhistory: stdout: ' "-V to a full disk: said"
bwhistory -h >/dev/full 2>/dev/null
is $? 1 "-h to a full disk fails"

for args in "-r 2w" "-r" "-r ''" "-i ../x" "-i a/b" "-i 1234567890123456" \
    "-x" "--json --csv" "--csv -j" "eth0 wlan0" "-i eth0 eth0" "../x" \
    "--bogus"; do
	eval "bwhistory -d \"\$V1\" $args" >"$T/out" 2>"$T/err"
	is $? 2 "usage error: $args"
done
bwhistory -d "$V1" -r 2w 2>&1 | grep -q '^bwhistory: -r: bad range: 2w'
ok $? "bad -r: named"
bwhistory -d "$V1" -i ../x 2>&1 |
    grep -q '^bwhistory: -i: bad interface name: \.\./x$'
ok $? "bad -i: named"
bwhistory -d "$V1" --json --csv 2>&1 | grep -q '^usage:'
ok $? "--json --csv: usage"
is "$(bwhistory -d "$V1" -r 2w 2>/dev/null)" "" "usage error: no stdout"

for r in 1h 24h 7d 30d 6m all; do
	BWMON_NOW=1790000000 bwhistory -j -d "$V1" -i eth0 -r "$r" >"$T/out"
	is "$? $(grep -o '"range":"[^"]*"' "$T/out")" "0 \"range\":\"$r\"" \
	    "-r $r accepted"
done
BWMON_NOW=1790000000 bwhistory -j -d "$V1" -i eth0 >"$T/out"
like "$(cat "$T/out")" '"range":"24h","from":1789913600,"to":1790000000,' \
    "the default range is the last 24h up to BWMON_NOW"
for r in 7d:300 30d:900 6m:7200; do
	BWMON_NOW=1790000000 bwhistory -j -d "$V1" -i eth0 -r "${r%:*}" \
	    >"$T/out"
	like "$(cat "$T/out")" "\"bucket_seconds\":${r#*:}," \
	    "-r ${r%:*}: ${r#*:} s buckets in JSON"
done

# Interfaces and data directories.
fails 1 "unknown interface: exit 1" '^bwhistory: no history for eth9 in .*: eth0\)$' \
    "unknown interface: names the ones with history" \
    bwhistory -d "$V1" -i eth9
is "$(cat "$T/out")" "" "unknown interface: no stdout"

# The interface as an argument, as bwcollect and bwprocs take it.
BWMON_NOW=1790000000 bwhistory -r all -d "$V1" -i eth0 >"$T/want"
BWMON_NOW=1790000000 bwhistory -r all -d "$V1" eth0 >"$T/out"
ok $? "bwhistory eth0: exit 0"
cmp -s "$T/want" "$T/out"
ok $? "bwhistory eth0 is bwhistory -i eth0"
BWMON_NOW=1790000000 bwhistory eth0 -j -d "$V1" >"$T/out"
like "$(cat "$T/out")" '"iface":"eth0"' "... before the options too"
bwhistory -d "$V1" eth9 >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:" "bwhistory eth9: exit 1"
like "$(cat "$T/err")" '^bwhistory: no history for eth9 in .*: eth0\)$' \
    "... naming the interfaces with history"
bwhistory -d "$V1" ../x 2>"$T/err"
is "$?:$(cat "$T/err")" "2:bwhistory: bad interface name: ../x" \
    "a bad name as an argument: usage error, said"
bwhistory -d "$V1" -i eth0 wlan0 2>"$T/err"
like "$(cat "$T/err")" '^bwhistory: name one interface, with -i or as an argument$' \
    "-i and an argument: said"
bwhistory -d "$T/nonexistent" >"$T/out" 2>"$T/err"
is $? 1 "missing data directory: exit 1"
like "$(cat "$T/err")" \
    "^bwhistory: $T/nonexistent: no such data directory" \
    "missing data directory: said"
BWMON_DATA_DIR=$T/nonexistent bwhistory 2>"$T/err"
is $? 1 "missing BWMON_DATA_DIR: exit 1"
like "$(cat "$T/err")" "$T/nonexistent" "BWMON_DATA_DIR is used"
: >"$T/file"
fails 1 "data directory that is a file: exit 1" "not a directory" \
    "data directory that is a file: said" \
    bwhistory -d "$T/file"
mkdir "$T/none"
fails 1 "no history at all: exit 1" 'bwcollect writes bw_<iface>.csv every 5 minutes' \
    "no history at all: says where it comes from" \
    bwhistory -d "$T/none"
fails 1 "no history at all, -i: exit 1" 'no history for wlan0 .*bwcollect writes bw_wlan0.csv' \
    "no history at all, -i: says where it comes from" \
    bwhistory -d "$T/none" -i wlan0
mkdir "$T/link"
ln -s "$V1/bw_eth0.csv" "$T/link/bw_eth0.csv"
fails 1 "symlinked history: exit 1, not followed" "^bwhistory: $T/link/bw_eth0.csv: " \
    "symlinked history: named" \
    bwhistory -d "$T/link" -i eth0

# The default interface: the config's, else the default route's, else
# the first by name.
mkdir "$T/two"
cp "$D/hist-small/bw_eth0.csv" "$T/two/bw_eth0.csv"
cp "$D/hist-gap/bw_eth0.csv" "$T/two/bw_wlan0.csv"
BWMON_PROC=$T/proc bwhistory -j -d "$T/two" >"$T/out" 2>"$T/err"
like "$(cat "$T/out")" '"iface":"eth0"' "default: the first by name"
mkdir -p "$T/proc/net"
printf 'Iface\tDestination\tGateway\nwlan0\t00000000\t0102A8C0\n' \
    >"$T/proc/net/route"
BWMON_PROC=$T/proc bwhistory -j -d "$T/two" >"$T/out" 2>"$T/err"
like "$(cat "$T/out")" '"iface":"wlan0"' "default: the default route's"
echo "iface = eth0" >"$T/conf"
BWMON_PROC=$T/proc bwhistory -j -c "$T/conf" -d "$T/two" >"$T/out"
like "$(cat "$T/out")" '"iface":"eth0"' "default: the config's (-c)"
BWMON_CONF=$T/conf BWMON_PROC=$T/proc bwhistory -j -d "$T/two" >"$T/out"
like "$(cat "$T/out")" '"iface":"eth0"' "default: the config's (BWMON_CONF)"
echo "iface = eth7" >"$T/conf7"
fails 1 "the config's interface without history: exit 1" 'no history for eth7 .*eth0, wlan0\)$' \
    "the config's interface without history: lists the others" \
    bwhistory -c "$T/conf7" -d "$T/two"
echo "bogus = 1" >"$T/confbad"
bwhistory -j -c "$T/confbad" -d "$T/two" -i eth0 >"$T/out" 2>"$T/err"
ok $? "a bad config line is no failure"
like "$(cat "$T/err")" "^bwhistory: $T/confbad:1: " "and is a warning"
fails 1 "a missing -c config: exit 1" "^bwhistory: config $T/noconf: No such file" \
    "... saying which" \
    bwhistory -j -c "$T/noconf" -d "$T/two" -i eth0
[ ! -s "$T/out" ]
ok $? "... and printing nothing"
BWMON_CONF=/dev/null bwhistory -j -d "$T/two" -i eth0 >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF=/dev/null: an empty config"
echo "iface = wlan0" >"$T/confw"
BWMON_CONF= BWMON_PROC=$T/noproc bwhistory -j -c "$T/confw" -d "$T/two" \
    >"$T/out"
like "$(cat "$T/out")" '"iface":"wlan0"' "-c wins over an empty BWMON_CONF"
BWMON_CONF=$T/confw BWMON_PROC=$T/noproc bwhistory -j -c "" -d "$T/two" \
    >"$T/out"
like "$(cat "$T/out")" '"iface":"eth0"' "-c '': no config file"

# A FIFO in place of the history: a clear error, never a hang (open(2)
# of a FIFO waits for a writer; timeout would exit 124).
mkdir "$T/fifo"
mkfifo "$T/fifo/bw_eth0.csv"
for r in 24h all; do
	timeout 20 bwhistory -d "$T/fifo" -i eth0 -r $r >"$T/out" 2>"$T/err"
	is $? 1 "a FIFO as the history (-r $r): exit 1, no hang"
	like "$(cat "$T/err")" 'bw_eth0.csv: not a regular file$' \
	    "a FIFO as the history (-r $r): said"
done

# Output that cannot be written.
for f in "" --json --csv; do
	bwhistory $f -r all -d "$V1" -i eth0 >/dev/full 2>"$T/err"
	is $? 1 "output ${f:-chart} to /dev/full: exit 1"
	like "$(cat "$T/err")" '^bwhistory: stdout: ' \
	    "output ${f:-chart} to /dev/full: said"
done
: >"$T/empty.csv"
mkdir "$T/e"
mv "$T/empty.csv" "$T/e/bw_eth0.csv"
bwhistory -d "$T/e" -i eth0 >/dev/full 2>/dev/null
is $? 1 "the no-samples message to /dev/full: exit 1"

done_testing
