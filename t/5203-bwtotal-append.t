#!/bin/sh
# bwtotal --append: one line per (period, interface) in the totals logs,
# however often and however many at once it runs; a torn last line is
# ended, never glued to; periods missed earlier are caught up, oldest
# first.
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

# -n 1: only the last completed day (the default looks back 7, below).
fresh a
(umask 077 && bwtotal -d "$T/a" -i eth0 --day --append -n 1) >"$T/out" \
    2>"$T/err"
ok $? "--day --append -n 1"
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
bwtotal -d "$T/a" -i eth0 -D --append -n 1 >"$T/out"
ok $? "-D --append again"
is "$(cat "$T/out")" "daily_totals.log: 2026-11-22 eth0 already present" \
    "says it is already there"
is "$(wc -l <"$T/a/daily_totals.log")" 1 "still one line"
BWMON_NOW=1795400000 bwtotal -d "$T/a" -i eth0 --day --append -n 1 \
    >/dev/null
is "$(wc -l <"$T/a/daily_totals.log")" 1 \
    "later the same day: still one line"

# No -i: every interface with data.
cp "$D/total-midnight/bw_eth0.csv" "$T/a/bw_eth1.csv"
bwtotal -d "$T/a" --day --append -n 1 >"$T/out"
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
bwtotal -c "$T/22.conf" -d "$T/a" -i eth0 -M --append >"$T/out"
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

# Looking back: every completed period of the last -n (7 days, 4 weeks or
# 2 months by default) that has samples and is not logged yet, oldest
# first, so a night the machine was off is caught up.
TUE=1795480000		# Tuesday 2026-11-24 00:26:40 UTC
D21=2026-11-21,eth0,1795219200,1795305600,7000,700,7700,3
D23=2026-11-23,eth0,1795392000,1795478400,128000,12800,140800,1
fresh g
is "$(BWMON_NOW=$TUE bwtotal -j -n 4 -d "$T/g" -i eth0 |
    perl -MJSON::PP -0777 -ne 'for $p (@{decode_json($_)->{periods}}) {
    print join(",", @$p{qw(label)}, "eth0", @$p{qw(start end rx_bytes
    tx_bytes total_bytes samples)}), "\n" if $p->{samples} &&
    !$p->{partial} }')" "$D21
$DAY
$D23" "the fixture on $TUE: 3 completed days with samples"
BWMON_NOW=$TUE bwtotal -d "$T/g" --day --append >"$T/out" 2>"$T/err"
ok $? "--day --append with 3 completed days, none logged"
is "$(cat "$T/g/daily_totals.log")" "$D21
$DAY
$D23" "all 3 are appended, oldest first, the days without samples not"
is "$(cat "$T/out")" "daily_totals.log: appended $D21
daily_totals.log: appended $DAY
daily_totals.log: appended $D23" "... each said"
is "$(cat "$T/err")" "" "... nothing on stderr"
cp "$T/g/daily_totals.log" "$T/g.log"
BWMON_NOW=$TUE bwtotal -d "$T/g" --day --append >"$T/out" 2>"$T/err"
ok $? "the same again"
cmp -s "$T/g.log" "$T/g/daily_totals.log"
ok $? "... appends nothing"
is "$(cat "$T/out")" "daily_totals.log: 2026-11-23 eth0 already present" \
    "... and says the last day is there"
grep -v '^2026-11-22,' "$T/g.log" >"$T/g/daily_totals.log"
BWMON_NOW=$TUE bwtotal -d "$T/g" --day --append >"$T/out" 2>"$T/err"
ok $? "with the middle day's line deleted"
is "$(cat "$T/g/daily_totals.log")" "$D21
$D23
$DAY" "... it is appended again, at the end"
is "$(cat "$T/out")" "daily_totals.log: appended $DAY" "... and only it"
fresh h
BWMON_NOW=$TUE bwtotal -d "$T/h" -i eth0 --day --append -n 1 >"$T/out"
ok $? "-n 1 on 3 unlogged days"
is "$(cat "$T/h/daily_totals.log")" "$D23" "... logs only the last one"
BWMON_NOW=$TUE bwtotal -d "$T/h" -i eth0 --day --append -n 2 >"$T/out"
is "$(cat "$T/h/daily_totals.log")" "$D23
$DAY" "-n 2 then adds the one before, after it"
fresh i
BWMON_NOW=$((TUE + 5 * 86400)) bwtotal -d "$T/i" -i eth0 -D --append >"$T/out"
is "$(cat "$T/i/daily_totals.log")" "$DAY
$D23" "days: the default looks back 7 (11-22 on from 2026-11-29), not 8"
BWMON_NOW=1797812800 bwtotal -d "$T/i" -i eth0 -W --append >"$T/out"
is "$(cat "$T/i/weekly_totals.log")" \
    "2026-W48,eth0,1795392000,1795996800,128000,12800,140800,1" \
    "weeks: the default looks back 4 (W48-W51 from 2026-12-21), not 5"
BWMON_NOW=1798763200 bwtotal -d "$T/i" -i eth0 -M --append >"$T/out"
is "$(cat "$T/i/monthly_totals.log")" \
    "2026-11,eth0,1793491200,1796083200,191000,19100,210100,7" \
    "months: the default looks back 2 (from 2027-01-01)"
fresh j
BWMON_NOW=1801440000 bwtotal -d "$T/j" -i eth0 -M --append >"$T/out"
is "$(cat "$T/out")" \
    "monthly_totals.log: eth0: no samples in 2027-01, nothing to append" \
    "... not 3 (from 2027-02-01)"
[ ! -e "$T/j/monthly_totals.log" ]
ok $? "... and no log is created"
bwtotal -d "$T/i" -i eth0 -D --append -n 3661 >/dev/null 2>"$T/err"
is $? 2 "--append -n 3661: usage error"
# An -a typed for bwhistory's ASCII must not log anything.
fresh l
BWMON_NOW=$TUE bwtotal -d "$T/l" -i eth0 -D -a >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "2:" "-a is not --append: a usage error"
like "$(sed -n '/^usage: bwtotal /,$p' "$T/err")" '\[--append\]$' \
    "... whose usage names --append"
[ ! -e "$T/l/daily_totals.log" ]
ok $? "... and no log is written"
fresh k
i=0
while [ $i -lt 12 ]; do
	BWMON_NOW=$TUE bwtotal -d "$T/k" --day --append >"$T/park.$i" 2>&1 &
	i=$((i + 1))
done
wait
is "$(cat "$T/k/daily_totals.log")" "$D21
$DAY
$D23" "12 concurrent runs catching up 3 days: each once, in order"
is "$(cat "$T/park".* | grep -c appended)" 3 "... 3 lines say appended"

# Failures.
fresh e
ln -s "$T/target" "$T/e/daily_totals.log"
fails 1 "a symlinked log: exit 1" "^bwtotal: $T/e/daily_totals.log: " \
    "... naming it" \
    bwtotal -d "$T/e" --day --append
[ ! -e "$T/target" ]
ok $? "... and the link is not followed"
echo precious >"$T/target2"
ln -s "$T/target2" "$T/e/weekly_totals.log"
bwtotal -d "$T/e" --week --append >/dev/null 2>"$T/err"
is $? 1 "a log linked to an existing file: exit 1"
is "$(cat "$T/target2")" precious "... and the file is untouched"
fails 1 "--append -i unknown: exit 1" 'wlan9.*interfaces with data: eth0' \
    "... naming those with data" \
    bwtotal -d "$T/e" -i wlan9 --day --append
mkdir "$T/empty"
fails 1 "--append with no history at all: exit 1" "no interface has history in $T/empty" \
    "... says so" \
    bwtotal -d "$T/empty" --day --append
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
