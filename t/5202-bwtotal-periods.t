#!/bin/sh
# bwtotal: period boundaries.  Rows are placed by their middle; days are
# local calendar days, 23 and 25 hours long when DST starts and ends;
# ISO weeks carry the ISO week-based year; month cycles start on
# month_start_day.  Every fixture row moves a distinct power of ten, so a
# sum tells exactly which rows a period got.
. "${0%/*}/lib.sh"

D=$SRCDIR/t/data
CET='CET-1CEST,M3.5.0,M10.5.0/3'	# Europe/Berlin without tzdata

# summary FILE: "label:start:end:rx:tx:samples[:p]" per period (rx and tx
# empty: null, no rows), then the total
summary() {
	jpath "$1" 'join " ", map { join(":", @$_{qw(label start end rx_bytes
	    tx_bytes samples)}) . ($_->{partial} ? ":p" : "") }
	    @{$j->{periods}}' 'join ":", @{$j->{total}}{qw(start end rx_bytes
	    tx_bytes total_bytes samples)}'
}

# Midnight: 23:57:32 (a sample at 00:00:02) and 23:59:59 count for the day
# before, 00:00:00 for the new one; a 3-hour gap row counts whole where its
# middle is; garbage, out-of-order and torn lines count nothing.
export BWMON_NOW=1795393600	# 2026-11-23 00:26:40 UTC
bwtotal -d "$D/total-midnight" -i eth0 -n 3 >"$T/out" 2>"$T/err"
ok $? "table of the midnight fixture"
cmp -s "$T/out" "$D/total-midnight.expected"
ok $? "table matches total-midnight.expected"
[ $? -eq 0 ] || diff "$D/total-midnight.expected" "$T/out" | sed 's/^/# /'
is "$(cat "$T/err")" "" "skipped lines are no error"
bwtotal -j -d "$D/total-midnight" -i eth0 -n 3 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-11-21:1795219200:1795305600:7000:700:3 \
2026-11-22:1795305600:1795392000:56000:5600:3 \
2026-11-23:1795392000:1795478400:128000:12800:1:p" \
    "rows land in the day holding their middle"
is "$(sed -n 2p "$T/sum")" "1795219200:1795478400:191000:19100:210100:7" \
    "total over the three days"
TZ=JST-9 bwtotal -j -d "$D/total-midnight" -i eth0 -n 2 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-11-22:1795273200:1795359600:63000:6300:6 \
2026-11-23:1795359600:1795446000:128000:12800:1:p" \
    "days follow TZ (UTC+9): local midnight is 15:00 UTC"

# days_in ZONE NOW WANT DESC: the first summary line of 3 days of the DST
# fixture in ZONE at NOW is WANT
days_in() {
	TZ=$1 BWMON_NOW=$2 bwtotal -j -d "$D/total-dst" -i eth0 -n 3 >"$T/out"
	summary "$T/out" >"$T/sum"
	is "$(sed -n 1p "$T/sum")" "$3" "$4"
}

# DST starts on 2026-03-29 (23 h) and ends on 2026-10-25 (25 h).
for zone in "$CET" Europe/Berlin; do
	if [ "$zone" = Europe/Berlin ] &&
	    [ ! -f /usr/share/zoneinfo/Europe/Berlin ]; then
		ok 0 "# SKIP no tzdata for Europe/Berlin"
		ok 0 "# SKIP no tzdata for Europe/Berlin"
		continue
	fi
	days_in "$zone" 1774872000 \
"2026-03-28:1774652400:1774738800:1:2:1 \
2026-03-29:1774738800:1774821600:10110:20220:3 \
2026-03-30:1774821600:1774908000:1000:2000:1:p" \
	    "$zone: 2026-03-29 is 23 hours, rows split at local midnights"
	days_in "$zone" 1793016000 \
"2026-10-24:1792792800:1792879200:1:2:1 \
2026-10-25:1792879200:1792969200:110:220:2 \
2026-10-26:1792969200:1793055600:1000:2000:1:p" \
	    "$zone: 2026-10-25 is 25 hours, 23:30 CET still counts for it"
done
TZ=$CET BWMON_NOW=1793016000 bwtotal -d "$D/total-dst" -i eth0 -n 1 \
    >"$T/out"
like "$(sed -n 1p "$T/out")" 'local time \(CET\)$' "table names the zone"
TZ=$CET BWMON_NOW=1793016000 bwtotal -j -W -d "$D/total-dst" -i eth0 \
    -n 2 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-W43:1792360800:1792969200:111:222:3 \
2026-W44:1792969200:1793574000:1000:2000:1:p" \
    "a week holding the 25-hour day is 169 hours"
TZ=$CET BWMON_NOW=1774872000 bwtotal -j -M -d "$D/total-dst" -i eth0 \
    -n 2 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-02:1769900400:1772319600:::0 \
2026-03:1772319600:1774994400:11111:22222:5:p" \
    "months start at local midnight in CET and end in CEST"

# A zone that moves its clocks at midnight: 2026-09-06 has no 00:00, its
# first instant is 01:00 XDT; 2026-04-04 runs 23:00-24:00 twice.
MID='XST4XDT,M9.1.0/0,M4.1.0/0'
TZ=$MID BWMON_NOW=1788782400 bwtotal -j -d "$D/total-dst" -i eth0 -n 3 \
    >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-09-05:1788580800:1788667200:::0 \
2026-09-06:1788667200:1788750000:::0 \
2026-09-07:1788750000:1788836400:::0:p" \
    "a day whose midnight is skipped starts at 01:00 and lasts 23 hours"
TZ=$MID BWMON_NOW=1775476800 bwtotal -j -d "$D/total-dst" -i eth0 -n 3 \
    >"$T/out"
summary "$T/out" >"$T/sum"
is "$(jpath "$T/out" 'join " ", map { $_->{end} - $_->{start} }
    @{$j->{periods}}')" "90000 86400 86400" \
    "a day ending in a repeated hour lasts 25 hours"

# ISO weeks: Monday to Sunday, labelled with the ISO week-based year.
export BWMON_NOW=1799150400	# Tuesday 2027-01-05 12:00 UTC
bwtotal -j -W -d "$D/total-weeks" -i eth0 -n 3 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-W52:1797811200:1798416000:1:2:1 \
2026-W53:1798416000:1799020800:10110:20220:3 \
2027-W01:1799020800:1799625600:1000:2000:1:p" \
    "2026 has 53 ISO weeks; Sunday 23:59:59 ends the week"
for now in 1735646400:2025-W01 1798804800:2026-W53 1609675200:2020-W53 \
    1795435200:2026-W48 1799020800:2027-W01 1799020799:2026-W53; do
	BWMON_NOW=${now%:*} bwtotal -j -W -n 1 -d "$D/total-weeks" \
	    -i eth0 >"$T/out"
	is "$(jpath "$T/out" '$j->{periods}[0]{label}')" "${now#*:}" \
	    "week label at $(date -u -d "@${now%:*}" '+%F %T' 2>/dev/null ||
	    echo "${now%:*}")"
	if date -u -d "@${now%:*}" +%G-W%V >"$T/date" 2>/dev/null; then
		is "$(cat "$T/date")" "${now#*:}" "... as date(1) +%G-W%V says"
	else
		ok 0 "# SKIP no GNU date"
	fi
done

# Month cycles from month_start_day = 15: 2026-10-15 00:00 starts the
# cycle labelled 2026-10, which runs to 2026-11-14 included.
export BWMON_NOW=1795132800	# 2026-11-20
bwtotal -j -M -c "$D/total-cycle.conf" -d "$D/total-cycle" -i eth0 -n 3 \
    >"$T/out" 2>"$T/err"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-09:1789430400:1792022400:1:2:1 \
2026-10:1792022400:1794700800:110:220:2 \
2026-11:1794700800:1797292800:1000:2000:1:p" \
    "month_start_day = 15 splits at the 15th"
is "$(jpath "$T/out" '$j->{month_start_day}')" 15 \
    "month_start_day in JSON"
is "$(cat "$T/err")" "" "the config loads without a warning"
BWMON_CONF=$D/total-cycle.conf bwtotal -j -M -d "$D/total-cycle" -i eth0 \
    -n 3 >"$T/out"
summary "$T/out" >"$T/sum"
like "$(sed -n 1p "$T/sum")" '^2026-09:1789430400:1792022400:1:2:1 ' \
    "BWMON_CONF names the config"
bwtotal -M -c "$D/total-cycle.conf" -d "$D/total-cycle" -i eth0 -n 3 \
    >"$T/out"
like "$(sed -n 1p "$T/out")" 'monthly totals \(cycles from day 15\)' \
    "the table says where cycles start"
bwtotal -j -M -d "$D/total-cycle" -i eth0 -n 3 >"$T/out"
summary "$T/out" >"$T/sum"
is "$(sed -n 1p "$T/sum")" "2026-09:1788220800:1790812800:::0 \
2026-10:1790812800:1793491200:11:22:2 \
2026-11:1793491200:1796083200:1100:2200:2:p" \
    "without the config months are calendar months"
printf 'month_start_day = 28\n' >"$T/28.conf"
BWMON_NOW=1772150400 bwtotal -j -M -c "$T/28.conf" -d "$D/total-cycle" \
    -i eth0 -n 2 >"$T/out"	# 2026-02-27
is "$(jpath "$T/out" 'join " ", map { $_->{label} } @{$j->{periods}}')" \
    "2025-12 2026-01" "on 2026-02-27 the cycle from 2026-01-28 is current"
BWMON_NOW=1772236800 bwtotal -j -M -c "$T/28.conf" -d "$D/total-cycle" \
    -i eth0 -n 1 >"$T/out"	# 2026-02-28
is "$(jpath "$T/out" '$j->{periods}[0]{label} . " " .
    ($j->{periods}[0]{end} - $j->{periods}[0]{start}) / 86400')" \
    "2026-02 28" "the cycle from 2026-02-28 is 28 days"

done_testing
