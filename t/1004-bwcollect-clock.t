#!/bin/sh
# bwcollect under a wrong clock: a jump ten years ahead and back, a clock
# set back a little, a history a clock ahead left, a machine off longer
# than the retention.  History is never trimmed on a clock that jumped
# ahead, rows stay in time order, and every byte the counters moved is
# in the file.
. "${0%/*}/lib.sh"

P=$T/proc
export BWMON_PROC=$P
T0=1790000000
Y10=315360000		# ten years of 365 days
json() { perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); '"$1"; }

# run DIR NOW RX TX: counters RX TX, clock NOW.  Boot time $BT (the
# kernel derives it from the clock, so it moves with it), boot_id $BID
# (none when empty).
BT=1700000000
BID=
run() {
	BTIME=$BT mkproc "$P" "eth0 $3 $4"
	rm -rf "$P/sys"
	if [ -n "$BID" ]; then
		mkdir -p "$P/sys/kernel/random"
		echo "$BID" >"$P/sys/kernel/random/boot_id"
	fi
	BWMON_NOW=$2 bwcollect -d "$1" eth0 2>>"$T/err.${1##*/}"
}
total() {
	BWMON_NOW=$2 bwtotal -d "$1" -i eth0 --month -n 12 --json |
	    json 'printf "%d %d\n", $j->{total}{rx_bytes}, $j->{total}{tx_bytes}'
}
rows() { cut -d, -f1 "$1/bw_eth0.csv" | tr '\n' ' '; }
ordered() { awk -F, 'NR > 1 && $1 <= p { bad = 1 } { p = $1 } END { exit bad }' "$1/bw_eth0.csv"; }

# 1. T, T+300, T+10 years, T+600, T+900, T+1200, the boot time fixed.
A=$T/a
mkdir -p "$A"
run "$A" $T0 1000000 50000
run "$A" $((T0 + 300)) 2000000 60000
run "$A" $((T0 + Y10)) 3500000 80000
is "$(rows "$A")" "$((T0 + 300)) $((T0 + Y10)) " \
    "ten years ahead: a row, and the real row is not trimmed"
like "$(cat "$T/err.a")" 'not trimming, in case the clock jumped ahead' \
    "it says why it did not trim"
like "$(cat "$T/err.a")" '3650 days since the last sample' \
    "and that one row covers ten years"
: >"$T/err.a"
run "$A" $((T0 + 600)) 4000000 90000
like "$(cat "$T/err.a")" 'the clock went back 315359400 s' \
    "back: it says the clock went back"
like "$(cat "$T/err.a")" "1 row dated $((T0 + Y10)) to $((T0 + Y10)), not before the clock \\($((T0 + 600))\\), replaced" \
    "and that the row from the future is replaced"
run "$A" $((T0 + 900)) 4700000 95000
run "$A" $((T0 + 1200)) 5000000 99000
is "$(rows "$A")" "$((T0 + 300)) $((T0 + 600)) $((T0 + 900)) $((T0 + 1200)) " \
    "every row of the real timeline, none from the future"
is "$(cut -d, -f6 "$A/bw_eth0.csv" | tr '\n' ' ')" \
    "300.000 300.000 300.000 300.000 " "each covers its 5 minutes"
is "$(total "$A" $((T0 + 1200)))" "4000000 49000" \
    "bwtotal: every byte the counters moved"
is "$(cut -d, -f4,5 "$A/bw_eth0.csv" | sed -n 2p)" "2000000,30000" \
    "the future row's bytes are in the row that replaced it"

# 2. The same as a real kernel shows it: the boot time moves with the
# clock, the boot_id does not.  Two runs in the future, one a day later
# when retention is due, must not trim the real rows either.
B=$T/b
mkdir -p "$B"
BID=0f4c7c7e-3a43-4cc5-9d9e-5b8b8d0f00aa
run "$B" $T0 1000000 50000
run "$B" $((T0 + 300)) 2000000 60000
BT=$((1700000000 + Y10))
run "$B" $((T0 + Y10)) 3500000 80000
run "$B" $((T0 + Y10 + 300)) 3600000 81000
run "$B" $((T0 + Y10 + 86400)) 3700000 82000
is "$(cut -d, -f1 "$B/bw_eth0.csv" | head -n 1)" "$((T0 + 300))" \
    "a day into the future retention still keeps the real rows"
BT=1700000000
run "$B" $((T0 + 600)) 4000000 90000
run "$B" $((T0 + 900)) 4700000 95000
run "$B" $((T0 + 1200)) 5000000 99000
is "$(rows "$B")" "$((T0 + 300)) $((T0 + 600)) $((T0 + 900)) $((T0 + 1200)) " \
    "boot time moving with the clock: the real timeline"
is "$(total "$B" $((T0 + 1200)))" "4000000 49000" \
    "and every byte, counted once (boot_id says it is the same boot)"
ordered "$B"; ok $? "rows in time order"

# 3. A real reboot is still one: a new boot_id with the boot time the
# same, counters from zero and already past their old values.
BID=1e4c7c7e-3a43-4cc5-9d9e-5b8b8d0f00bb
run "$B" $((T0 + 1500)) 6000000 120000
is "$(tail -n 1 "$B/bw_eth0.csv" | cut -d, -f4,5)" "6000000,120000" \
    "a new boot_id: the counters count from zero"
BID=

# 4. The clock set back 400 s between two runs.
C=$T/c
mkdir -p "$C"
run "$C" $T0 1000 100
run "$C" $((T0 + 300)) 2000 200
run "$C" $((T0 + 600)) 4000 400
run "$C" $((T0 + 500)) 7000 700
run "$C" $((T0 + 800)) 8000 800
is "$(rows "$C")" "$((T0 + 300)) $((T0 + 500)) $((T0 + 800)) " \
    "set back 400 s: the row after the clock is replaced, order kept"
is "$(total "$C" $((T0 + 800)))" "7000 700" "and no byte is lost"

# 5. A history a clock ahead left, and a state primed again after it
# (what bwcollect 2.0 did): the next run takes the future rows in.
E=$T/e
mkdir -p "$E"
printf '%s\n' "$((T0 - 300)),0,0,0,0,300.000" "$T0,27,3,1000,100,300.000" \
    "$((T0 + 5000)),27,3,3000,300,300.000" >"$E/bw_eth0.csv"
printf '{"ts": %s, "rx": 9000, "tx": 900, "boot_time": 1700000000}\n' \
    $((T0 + 300)) >"$E/state_eth0.json"
run "$E" $((T0 + 600)) 9500 950
is "$(rows "$E")" "$((T0 - 300)) $T0 $((T0 + 600)) " \
    "an old future row is replaced by the next real row"
is "$(tail -n 1 "$E/bw_eth0.csv" | cut -d, -f4-6)" "3500,350,600.000" \
    "which holds its bytes and covers the time since the row before"

# 6. The clock went back before the first row: no row before to start
# from, so the replaced rows' own length is used.
F=$T/f
mkdir -p "$F"
run "$F" $((T0 + 1000)) 0 0
run "$F" $((T0 + 1300)) 300 30
run "$F" $((T0 + 1600)) 600 60
run "$F" $T0 900 90
is "$(cut -d, -f1,4,5,6 "$F/bw_eth0.csv")" "$T0,900,90,600.000" \
    "back before every row: one row with all their bytes and time"

# 6b. Rows after the clock among garbage, a v1 row and a torn line: what
# replaces them holds what readers counted for them, to the byte.
H=$T/h
mkdir -p "$H"
printf '%s\n' "$((T0 - 100)),8,8,300,300,300.000" "99999999999,zz" \
    "$((T0 + 200)),8000,800" "garbage" "$((T0 + 500)),80,8,3000,300,300.000" \
    >"$H/bw_eth0.csv"
printf '%s' "$((T0 + 600)),1" >>"$H/bw_eth0.csv"
printf '{"ts": %s, "rx": 1000, "tx": 100, "boot_time": 1700000000}\n' \
    $T0 >"$H/state_eth0.json"
before=$(total "$H" $((T0 + 1000)))
run "$H" $((T0 + 100)) 1500 150
after=$(total "$H" $((T0 + 1000)))
is "$after" "$(echo "$before" | awk '{ print $1 + 500, $2 + 50 }')" \
    "totals before and after differ by the counters' move alone ($before)"
is "$(cut -d, -f1 "$H/bw_eth0.csv" | tr '\n' ' ')" \
    "$((T0 - 100)) 99999999999 $((T0 + 100)) " \
    "garbage before them stays, the rest is replaced"
BWMON_NOW=$((T0 + 1000)) bwhistory -d "$H" -i eth0 -r all --json |
    json 'print $j->{stats}{skipped_lines}' >"$T/skip"
is "$(cat "$T/skip")" 1 "only the garbage line is left to skip"

# 7. Off for 200 days (a new boot): the old rows are kept while the gap
# row is younger than the retention, then trimmed as usual.
G=$T/g
mkdir -p "$G"
run "$G" $T0 1000 100
run "$G" $((T0 + 300)) 2000 200
BT=$((T0 + 200 * 86400))
run "$G" $((T0 + 200 * 86400 + 300)) 500 50
run "$G" $((T0 + 201 * 86400 + 600)) 600 60
is "$(cut -d, -f1 "$G/bw_eth0.csv" | head -n 1)" "$((T0 + 300))" \
    "after 200 days off, the rows before are kept for now"
run "$G" $((T0 + 381 * 86400)) 700 70
is "$(rows "$G")" "$((T0 + 201 * 86400 + 600)) $((T0 + 381 * 86400)) " \
    "and dropped once the gap is older than the retention"

done_testing
