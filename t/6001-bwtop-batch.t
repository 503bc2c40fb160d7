#!/bin/sh
# bwtop without a screen: usage and exit statuses, the interface it
# picks, and the batch snapshots (-b, and when stdout is not a terminal)
# for current, missing, stale, version 1 and broken bwprocs files.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"

top_data 1795000000 "eth0 1000 2000" "lo 5 5" "wg0 7 9"
export BWMON_NOW=$NOW BWMON_PROC=$T/proc
procs "$D" $NOW "rsync 4242 0 41000000 120000 515000000 1500000" \
    "nginx 999 33 5000000 9000000 1000 2000000" \
    "[forwarded] 0 0 0 8000 0 20000"

# Usage.
bwtop -h >"$T/out" 2>"$T/err"
ok $? "-h exits 0"
like "$(head -1 "$T/out")" '^usage: bwtop \[-bhV\] \[-c conf\] \[-d datadir\]' \
    "-h: usage on stdout"
is "$(cat "$T/err")" "" "-h: nothing on stderr"
is "$(bwtop -V)" "bwtop bwmon 2.0.0" "-V"
bwtop -V >/dev/full 2>/dev/null
is $? 1 "-V to a full disk fails"
for args in "-x" "-i ../x" "-i a/b" "-i 1234567890123456" "-s 0" "-s 1x" \
    "-s 3601" "-n 0" "-n x" "-n -1" "extra"; do
	eval "bwtop -b -d \"\$D\" $args" >"$T/out" 2>"$T/err"
	is "$? $(cat "$T/out")" "2 " "usage error: $args"
done
bwtop -i ../x 2>&1 | grep -q '^bwtop: -i: bad interface name: \.\./x$'
ok $? "bad -i: named"
bwtop -s 0 2>&1 | grep -q '^bwtop: -s: bad seconds'
ok $? "bad -s: named"

# The configuration file: the rule of bwmon.conf(5).
bwtop -b -n 1 -d "$D" -c "$T/nosuch.conf" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:" "a missing -c config: exit 1, nothing shown"
like "$(cat "$T/err")" "^bwtop: config $T/nosuch.conf: No such file" \
    "... saying which"
BWMON_CONF=/dev/null bwtop -b -n 1 -d "$D" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF=/dev/null: an empty config"

# An interface that is neither in net/dev nor has files: exit 1, listed.
fails 1 "-i eth9: exit 1" "^bwtop: no interface eth9 .*\(interfaces: eth0, lo, wg0\)" \
    "-i eth9: the interfaces there are are named" \
    bwtop -b -n 1 -s 0.2 -d "$D" -i eth9
is "$(cat "$T/out")" "" "-i eth9: nothing on stdout"
BWMON_PROC=$T/nowhere bwtop -b -n 1 -s 0.2 -d "$T/nowhere" >"$T/out" 2>"$T/err"
is $? 1 "no net/dev and no files: exit 1"
like "$(cat "$T/err")" "^bwtop: no interface to show: cannot read $T/nowhere/net/dev" \
    "no interfaces: said why"

# Two snapshots a second apart.
bwtop -b -n 2 -s 1 -d "$D" -i eth0 >"$T/out" 2>"$T/err"
ok $? "-b -n 2 -s 1"
is "$(cat "$T/err")" "" "nothing on stderr"
is "$(grep -c '^bwtop ' "$T/out")" 2 "two snapshots"
is "$(grep -c '^$' "$T/out")" 1 "separated by one blank line"
is "$(sed -n 1p "$T/out")" "bwtop 2026-11-18 11:06:40 eth0" \
    "first line: program, time, interface"
is "$(sed -n 2p "$T/out")" "RX 8.00 Kbps  TX 4.00 Kbps  (live)" \
    "RX and TX now, from the live file"
like "$(sed -n 3p "$T/out")" '^since [0-9:]{8} \([0-9.]+ s\): RX 0 B  TX 0 B$' \
    "bytes since bwtop started (the counters did not move)"
is "$(sed -n 4p "$T/out")" \
    "capture: coverage 95.0%  drops 0 (0 in the last interval)" \
    "coverage and drops"
is "$(sed -n 5p "$T/out")" \
    "per-process data: procs_eth0.json, 0.0 s old, every 2.0 s" \
    "the procs file's age"
is "$(sed -n 6p "$T/out" | tr -s ' ')" \
    " PID USER SENT/s RECV/s SENT RECV PROGRAM" "the column titles"
is "$(sed -n 7p "$T/out")" \
    "   4242 root         41.0 Mbps    120 Kbps     515 MB    1.50 MB rsync" \
    "the top process, all columns"
is "$(awk 'NR >= 7 && NR <= 9 { print $NF }' "$T/out" | tr '\n' ' ')" \
    "rsync nginx [forwarded] " "rows sorted by sent + received"
like "$(sed -n 9p "$T/out")" '^ +- -  +0 bps +8.00 Kbps +0 B +20.0 kB \[forwarded\]$' \
    "an unattributed row has no PID or user"
is "$(sed -n 11,19p "$T/out" | cut -c1-12)" "$(sed -n 1,9p "$T/out" |
    cut -c1-12)" "the second snapshot has the same layout"

# Not a terminal: snapshots without -b.
bwtop -n 1 -d "$D" -i eth0 >"$T/out2" 2>"$T/err"
ok $? "stdout a file, no -b"
is "$(sed -n 7p "$T/out2")" "$(sed -n 7p "$T/out")" "batch output all the same"
is "$(cat "$T/err")" "" "and no warning"

# The procs file changes between snapshots: new rows, new order.
(
	sleep 1.5
	procs "$D" $NOW "rsync 4242 0 1000 1000 515000000 1500000" \
	    "curl 5151 0 99000000 0 7000000 0"
) &
bwtop -b -n 3 -s 1 -d "$D" -i eth0 >"$T/out" 2>"$T/err"
wait
is "$(awk '/^ +PID /{getline; print $NF}' "$T/out" | tr '\n' ' ')" \
    "rsync rsync curl " "a rewritten procs file shows in the next snapshot"
is "$(tail -1 "$T/out" | awk '{print $NF}')" "rsync" "and its order"

# No live file: rates from two readings of net/dev.
rm "$D/live_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
is "$(sed -n 2p "$T/out")" "RX 0 bps  TX 0 bps  (net/dev)" \
    "without a live file: net/dev (counters standing still)"
(
	i=0
	while [ $i -lt 600 ]; do
		mkproc "$T/proc" "eth0 $((1000 + i * 125000)) 2000" "lo 5 5" \
		    "wg0 7 9"
		sleep 0.1
		i=$((i + 1))
	done
) &
WPID=$!
bwtop -b -n 2 -s 1 -d "$D" -i eth0 >"$T/out"
kill "$WPID"
wait
like "$(grep '^RX' "$T/out" | tail -1)" '^RX [0-9.]+ (K|M)bps  TX 0 bps  \(net/dev\)$' \
    "counters that move give a rate"
mkproc "$T/proc" "eth0 1000 2000" "lo 5 5" "wg0 7 9"

# Missing, stale, broken procs files.
mkdir "$T/e"
bwtop -b -n 1 -s 0.2 -d "$T/e" -i eth0 >"$T/out" 2>"$T/err"
is "$? $(sed -n 4p "$T/out")" "0 NO per-process data: bwprocs is not running for eth0 (systemctl start bwprocs@eth0, or: bwprocs -f -d $T/e eth0)" \
    "no procs file: said, with how to start bwprocs on this data directory"
is "$(wc -l <"$T/out" | tr -d ' ')" 4 "no procs file: no table"

procs "$D" $((NOW - 600)) "rsync 4242 0 41000000 120000 515000000 1500000"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'per-process data is STALE: procs_eth0.json is 10 min 0 s old: bwprocs is not running \(systemctl start bwprocs@eth0, or: bwprocs -f -d [^ ]+ eth0\)' \
    "a procs file ten minutes old: stale, and how old"
like "$(tail -1 "$T/out")" 'rsync$' "its rows still print"
procs "$D" $((NOW - 6)) "rsync 4242 0 41000000 120000 515000000 1500000"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'per-process data: procs_eth0.json, 6.0 s old' \
    "three intervals old: not stale yet"
procs "$D" $((NOW - 7)) "rsync 4242 0 41000000 120000 515000000 1500000"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'STALE: procs_eth0.json is 7.0 s old' \
    "over three intervals old: stale"

printf 'garbage\n' >"$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out" 2>"$T/err"
is $? 0 "garbage procs file: no crash"
like "$(cat "$T/out")" '^per-process data UNUSABLE: procs_eth0.json is not a valid procs file: line 1: column [0-9]+: ' \
    "garbage procs file: said, with where"
printf '[1, 2]\n' >"$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'procs_eth0.json is not a valid procs file: line 1: not a JSON object' \
    "a JSON array: not a procs file"
printf '{"processes": []}\n' >"$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'procs_eth0.json is not a valid procs file: no "ts" time stamp' \
    "no ts: refused, since its age is unknown"
printf '{"ts": %s, "version": "x", "coverage": 7, "capture": 3, "processes": [1, "x", null, {"name": 5, "pid": "7", "uid": -4, "tx_bps": "fast", "rx_bps": -1, "tx_bytes": 1.5e300, "cmdline": ["a"]}, {"name": "ok\\u001b[2Jx\\u202eevil", "pid": 77, "tx_bps": 1e308, "rx_bps": 0}], "connections": {"a": 1}}\n' \
    $NOW >"$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out" 2>"$T/err"
is $? 0 "wrong types everywhere: no crash"
is "$(grep -c 'capture:' "$T/out")" 0 "a bad capture object is left out"
like "$(grep -E '^ +77 ' "$T/out")" '^ +77 - +- +0 bps +- +- ok\?\[2Jx\?evil$' \
    "control and bidi characters in a name are shown as ?; 1e308 bit/s is no rate"
like "$(grep -E '^ +- ' "$T/out")" '^ +- - +- +- +- +- \?$' \
    "a row with no usable field shows dashes"
is "$(grep -c . "$T/err")" 0 "nothing on stderr"

ln -sf /etc/passwd "$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'procs_eth0.json cannot be read: Too many levels of symbolic links' \
    "a symlinked procs file is refused"
rm "$D/procs_eth0.json"
mkdir "$D/procs_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'UNUSABLE: procs_eth0.json is not a regular file$' \
    "a directory in place of the procs file: said"
rmdir "$D/procs_eth0.json"

printf '{"ts": 1, "samples": 5' >"$D/live_eth0.json"
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >"$T/out"
like "$(cat "$T/out")" 'live data: live_eth0.json is not a valid live file: line 1: ' \
    "garbage live file: said"
is "$(sed -n 2p "$T/out")" "RX 0 bps  TX 0 bps  (net/dev)" \
    "and the rates come from net/dev"
rm "$D/live_eth0.json"

# The bwmon version 1 procs file: name, pid, uid and rates only.
cp -R "$SRCDIR/t/data/bwmon-v1" "$T/v1"
BWMON_NOW=1790000000 bwtop -b -n 1 -s 0.2 -d "$T/v1" -i eth0 >"$T/out" 2>"$T/err"
ok $? "a bwmon 1 procs file"
like "$(cat "$T/out")" 'per-process data: procs_eth0.json, 1.5 s old, every 2.0 s \(bwmon 1 file: rates only\)' \
    "bwmon 1: said so"
like "$(awk '/^ +PID /{getline; print}' "$T/out")" '^ +4242 root +41.2 Mbps +120 Kbps +- +- /usr/bin/rsync$' \
    "bwmon 1: the rsync row, user from its uid"
like "$(awk '/^ +PID /{getline; getline; print}' "$T/out")" '^ +812 [^ ]+ +3.12 Kbps +872 bps +- +- sshd: admin@pts/0$' \
    "bwmon 1: the sshd row"

# Which interface without -i.
mkdir "$T/w"
IFACE=wg0 procs "$T/w" $NOW "wg 100 0 1 1 1 1"
bwtop -b -n 1 -s 0.2 -d "$T/w" >"$T/out"
is "$(head -1 "$T/out" | awk '{print $NF}')" wg0 \
    "no -i: the interface with bwprocs files"
printf 'Iface\tDestination\tGateway\tFlags\nlo\t0000007F\t00000000\t0001\neth0\t00000000\t0102A8C0\t0003\n' \
    >"$T/proc/net/route"
bwtop -b -n 1 -s 0.2 -d "$T/w" >"$T/out"
is "$(head -1 "$T/out" | awk '{print $NF}')" wg0 \
    "no -i: the interface bwprocs runs for, before the default route's"
printf 'iface = lo\n' >"$T/conf"
bwtop -b -n 1 -s 0.2 -d "$T/w" -c "$T/conf" >"$T/out"
is "$(head -1 "$T/out" | awk '{print $NF}')" lo "no -i: the configured one"
rm "$T/proc/net/route"
bwtop -b -n 1 -s 0.2 -d "$T/e" >"$T/out"
is "$(head -1 "$T/out" | awk '{print $NF}')" eth0 \
    "no -i, no files: the first in net/dev but lo"

# An interface only the data directory knows (another namespace).
IFACE=ns1 live "$T/w" $NOW 16000 1000
bwtop -b -n 1 -s 0.2 -d "$T/w" -i ns1 >"$T/out" 2>"$T/err"
is "$? $(sed -n 2p "$T/out")" "0 RX 16.0 Kbps  TX 1.00 Kbps  (live)" \
    "-i ns1, not in net/dev but with a live file"

# Output that cannot be written.
bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 >/dev/full 2>"$T/err"
is $? 1 "a full disk: exit 1"
like "$(cat "$T/err")" '^bwtop: stdout: ' "a full disk: said"

done_testing
