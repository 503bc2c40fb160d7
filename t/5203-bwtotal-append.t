#!/bin/sh
# bwtotal --append: one line per (period, interface) in the totals logs,
# however often and however many at once it runs; a torn last line is
# ended, never glued to.
. "${0%/*}/lib.sh"

D=$SRCDIR/t/data
export BWMON_NOW=1795393600	# Monday 2026-11-23 00:26:40 UTC
DAY=2026-11-22,eth0,1795305600,1795392000,56000,5600,61600,3
WEEK=2026-W47,eth0,1794787200,1795392000,63000,6300,69300,6
CYCLE=2026-10,eth0,1792627200,1795305600,7000,700,7700,3

# fresh NAME: a data directory holding the midnight fixture as eth0
fresh() {
	mkdir "$T/$1" && cp "$D/total-midnight/bw_eth0.csv" "$T/$1/"
}

fresh a
(umask 077 && bwtotal -d "$T/a" -i eth0 --day --append) >"$T/out" \
    2>"$T/err"
ok $? "--day --append"
is "$(cat "$T/out")" "daily_totals.log: appended $DAY" \
    "says what it appended"
is "$(cat "$T/err")" "" "nothing on stderr"
is "$(cat "$T/a/daily_totals.log")" "$DAY" \
    "daily_totals.log holds the last completed day"
is "$(stat -c %a "$T/a/daily_totals.log")" 644 \
    "the log is created 0644 whatever the umask"
bwtotal -j -n 2 -d "$T/a" -i eth0 >"$T/json"
is "$(perl -MJSON::PP -0777 -ne '$p = decode_json($_)->{periods}[0];
    print join ",", @$p{qw(label)}, "eth0", @$p{qw(start end rx_bytes
    tx_bytes total_bytes samples)}' "$T/json")" "$DAY" \
    "the line agrees with --json"
bwtotal -d "$T/a" -i eth0 -D -a >"$T/out"
ok $? "-D -a again"
is "$(cat "$T/out")" "daily_totals.log: 2026-11-22 eth0 already present" \
    "says it is already there"
is "$(wc -l <"$T/a/daily_totals.log")" 1 "still one line"
BWMON_NOW=1795400000 bwtotal -d "$T/a" -i eth0 --day --append >/dev/null
is "$(wc -l <"$T/a/daily_totals.log")" 1 \
    "later the same day: still one line"

# No -i: every interface with data.
cp "$D/total-midnight/bw_eth0.csv" "$T/a/bw_eth1.csv"
bwtotal -d "$T/a" --day --append >"$T/out"
ok $? "--append without -i"
is "$(cat "$T/out")" "daily_totals.log: 2026-11-22 eth0 already present
daily_totals.log: appended 2026-11-22,eth1,${DAY#*,eth0,}" \
    "each interface with data, in name order"
is "$(cut -d, -f1,2 "$T/a/daily_totals.log" | tr '\n' ' ')" \
    "2026-11-22,eth0 2026-11-22,eth1 " "one line per interface"
printf '1795400000,8,8,300,300,300.000\n' >"$T/a/bw_eth0.100.csv"
bwtotal -d "$T/a" --day --append >"$T/out"
like "$(cat "$T/out")" \
    '^daily_totals.log: eth0.100: no samples in 2026-11-22, nothing to append$' \
    "an interface without samples in the period appends nothing"
is "$(grep -c eth0.100 "$T/a/daily_totals.log")" 0 "... really nothing"

# Weeks and months.
bwtotal -d "$T/a" -i eth0 --week --append >"$T/out"
ok $? "--week --append"
is "$(cat "$T/a/weekly_totals.log")" "$WEEK" \
    "weekly_totals.log holds the last completed ISO week"
bwtotal -d "$T/a" -i eth0 --month --append >"$T/out"
ok $? "--month --append with no data in the last month"
is "$(cat "$T/out")" \
    "monthly_totals.log: eth0: no samples in 2026-10, nothing to append" \
    "says so"
[ ! -s "$T/a/monthly_totals.log" ]
ok $? "... and writes nothing"
printf 'month_start_day = 22\n' >"$T/22.conf"
bwtotal -c "$T/22.conf" -d "$T/a" -i eth0 -M -a >"$T/out"
is "$(cat "$T/a/monthly_totals.log")" "$CYCLE" \
    "month_start_day = 22: the cycle from 2026-10-22 to 2026-11-21"

# Several at once append once.
fresh b
i=0
while [ $i -lt 12 ]; do
	bwtotal -d "$T/b" --week --append >"$T/par.$i" 2>&1 &
	i=$((i + 1))
done
wait
is "$(cat "$T/b/weekly_totals.log")" "$WEEK" \
    "12 concurrent runs: one line"
is "$(cat "$T/par".* | grep -c appended)" 1 "... and one says it appended"
is "$(cat "$T/par".* | grep -c 'already present')" 11 \
    "... the others that it was there"

# A torn last line (no newline), even one starting like ours, is ended
# and does not count as present.
fresh c
printf '%s\n%s' "2026-11-21,eth0,1795219200,1795305600,7000,700,7700,3" \
    "2026-11-22,eth0,17953" >"$T/c/daily_totals.log"
bwtotal -d "$T/c" --day --append >"$T/out"
ok $? "append after a torn line"
is "$(sed -n 3p "$T/c/daily_totals.log")" "$DAY" \
    "our line stands on its own line"
is "$(sed -n 2p "$T/c/daily_totals.log")" "2026-11-22,eth0,17953" \
    "the torn line is left as it was"
is "$(wc -l <"$T/c/daily_totals.log")" 3 "three complete lines"
is "$(tail -c 1 "$T/c/daily_totals.log" | od -An -c | tr -d ' ')" '\n' \
    "the log ends with a newline"
bwtotal -d "$T/c" --day --append >/dev/null
is "$(wc -l <"$T/c/daily_totals.log")" 3 "and it is not appended twice"

# Failures.
fresh e
ln -s "$T/target" "$T/e/daily_totals.log"
bwtotal -d "$T/e" --day --append >/dev/null 2>"$T/err"
is $? 1 "a symlinked log: exit 1"
like "$(cat "$T/err")" "^bwtotal: $T/e/daily_totals.log: " "... naming it"
[ ! -e "$T/target" ]
ok $? "... and the link is not followed"
echo precious >"$T/target2"
ln -s "$T/target2" "$T/e/weekly_totals.log"
bwtotal -d "$T/e" --week --append >/dev/null 2>"$T/err"
is $? 1 "a log linked to an existing file: exit 1"
is "$(cat "$T/target2")" precious "... and the file is untouched"
bwtotal -d "$T/e" -i wlan9 --day --append >/dev/null 2>"$T/err"
is $? 1 "--append -i unknown: exit 1"
like "$(cat "$T/err")" 'wlan9.*interfaces with data: eth0' \
    "... naming those with data"
mkdir "$T/empty"
bwtotal -d "$T/empty" --day --append >/dev/null 2>"$T/err"
is $? 1 "--append with no history at all: exit 1"
like "$(cat "$T/err")" "no interface has history in $T/empty" "... says so"
bwtotal -d "$T/nonexistent" --day --append >/dev/null 2>"$T/err"
is $? 1 "--append without a data directory: exit 1"
if [ -w /dev/full ]; then
	fresh f
	bwtotal -d "$T/f" --day --append >/dev/full 2>/dev/null
	is $? 1 "--append reporting to /dev/full: exit 1"
else
	ok 1 "/dev/full is missing"
fi

done_testing
