#!/bin/sh
# bwtotal --by: the top owners of each day, week or month from the owner
# history (t/data/owners-lib.sh), with their bytes and shares, the
# unattributed and [other owners] rows, "no data" (never 0 B) for
# periods the history does not reach, names that cannot move the
# cursor, the JSON of each period, and the usage errors.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/owners-lib.sh"

owners_fixture "$T/d"
export BWMON_NOW=$OWNERS_NOW


# --- days: the daily, the hourly and the 5-minute rows, each in its day
runs "bwtotal --by program --day -n 5" \
    bwtotal -d "$T/d" --by program --day -n 5
is "$(head -1 "$T/out")" "eth0: top programs per day, local time (UTC)" \
    "the title names the interface, the kind and the zone"
like "$(grep '^2026-09-17' "$T/out")" \
    '^2026-09-17 +no data: the owner history starts 2026-09-18 00:00$' \
    "a day before the history: no data, and when it starts"
like "$(grep '^2026-09-19' "$T/out")" '^2026-09-19 +no data: bwprocs recorded' \
    "a day without rows: no data, not 0 B"
like "$(grep '^2026-09-18' "$T/out")" \
    '^2026-09-18 +RX 3.50 GB  TX 40.6 GB  total 44.1 GB  coverage 97.7%$' \
    "a day from the daily rows: its bytes and coverage"
like "$(sed -n '/^2026-09-18/,/^2026-09-19/p' "$T/out" | sed -n 3p)" \
    '^  nightly-backup +1.00 MB +40.0 GB +40.0 GB +90.7%$' \
    "  the busiest program first, with its share"
is "$(sed -n '/^2026-09-18/,/^2026-09-19/p' "$T/out" | sed -n '3,6p' |
    cut -c3-30 | sed 's/ *$//' | tr '\n' ' ')" \
    "nightly-backup firefox [forwarded] [other owners] " \
    "  then the others, [forwarded] and [other owners] last"
like "$(sed -n '/^2026-09-20/,/^2026-09-21/p' "$T/out")" 'evil\?\[2Jx' \
    "a name with an escape sequence is shown with ? for it"
tr -d '\033' <"$T/out" | cmp -s - "$T/out"
ok $? "  and no escape byte reaches the terminal"
like "$(grep '^2026-09-21' "$T/out")" '^2026-09-21\* +RX .* total 3.05 GB' \
    "today, marked as still counting"
like "$(tail -2 "$T/out" | head -1)" '^\* the current period, still counting$' \
    "  and the mark explained"

# --- JSON: one document per period, null where there is no data
bwtotal -d "$T/d" --by program --day -n 5 --json >"$T/j"
ok $? "--json"
jpath "$T/j" '$j->{iface} . " " . $j->{by} . " " . $j->{period}' \
    'join ",", map { $_->{label} } @{$j->{periods}}' \
    'join ",", map { defined $_->{top} ? $_->{top}{total_bytes} : "null" } @{$j->{periods}}' \
    '$j->{periods}[1]{top}{rows}[0]{name} . " " . $j->{periods}[1]{top}{rows}[0]{share}' \
    '$j->{periods}[1]{top}{rows}[0]{pid} . " " . $j->{periods}[1]{top}{rows}[0]{cmdline}' \
    '$j->{periods}[1]{top}{resolution_seconds} . " " . $j->{periods}[3]{top}{resolution_seconds} . " " . $j->{periods}[4]{top}{resolution_seconds}' \
    '($j->{periods}[4]{partial} ? "p" : "-") . ($j->{periods}[3]{partial} ? "p" : "-")' \
    '$j->{periods}[0]{start} . " " . $j->{periods}[0]{end}' >"$T/jv"
v() { sed -n "$1p" "$T/jv"; }
is "$(v 1)" "eth0 program day" "  iface, by and period"
is "$(v 2)" "2026-09-17,2026-09-18,2026-09-19,2026-09-20,2026-09-21" \
    "  the periods, oldest first"
is "$(v 3)" "null,$OWNERS_DAY18,null,$OWNERS_DAY20,$OWNERS_DAY21" \
    "  every byte of each day; null where there is no data"
is "$(v 4)" "nightly-backup 0.907" "  the busiest and its share"
is "$(v 5)" "4242 /usr/local/bin/nightly-backup --to nas" \
    "  its busiest process and command line"
is "$(v 6)" "86400 3600 300" "  each day at the resolution its rows have"
is "$(v 7)" "p-" "  only today is partial"
is "$(v 8)" "1789603200 1789689600" "  a period's start and end"

# --- the month, by user, folded to 2 rows
bwtotal -d "$T/d" --by user --month --top 2 -j >"$T/j"
ok $? "--by user --month --top 2"
jpath "$T/j" 'scalar @{$j->{periods}}' \
    'join ",", map { "$_->{name}=$_->{total_bytes}" } @{$j->{periods}[0]{top}{rows}}' \
    '$j->{periods}[0]{top}{total_bytes}' >"$T/jv"
is "$(v 1)" 1 "  one period by default: this month"
is "$(v 2)" "root=63001002310,alice=3807000300,[other owners]=1050033014" \
    "  two users, the rest folded into [other owners]"
is "$(v 3)" $((OWNERS_DAY18 + OWNERS_DAY20 + OWNERS_DAY21)) \
    "  every byte of the month"
bwtotal -d "$T/d" --by container --week -j >"$T/j"
jpath "$T/j" 'join ",", map { $_->{name} } @{$j->{periods}[0]{top}{rows}}' >"$T/jv"
is "$(v 1)" "[none],app-1,[forwarded],[other owners]" \
    "--by container --week: app-1, and [none] for the host"
bwtotal -d "$T/d" --by remote --day -j >"$T/j"
jpath "$T/j" '$j->{periods}[0]{top}{rows}[0]{name}' \
    'exists $j->{periods}[0]{top}{rows}[0]{pid} ? "pid" : "no pid"' >"$T/jv"
is "$(v 1) $(v 2)" "203.0.113.5:873 no pid" "--by remote: endpoints, no process"

# --- errors
bwtotal -d "$T/d" --by process >/dev/null 2>"$T/err"
is "$?:$(head -1 "$T/err")" \
    "2:bwtotal: --by: bad kind: process (program, user, unit, container, remote or host)" \
    "--by process: a usage error"
bwtotal -d "$T/d" --by program --append >/dev/null 2>&1
is $? 2 "--by with --append: a usage error"
bwtotal -d "$T/d" --top 3 >/dev/null 2>&1
is $? 2 "--top without --by: a usage error"
bwtotal -d "$T/d" --by user --top 0 >/dev/null 2>&1
is $? 2 "--top 0: a usage error"
mkdir "$T/none"
cp "$T/d/bw_eth0.csv" "$T/none/"
bwtotal -d "$T/none" --by program >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:" "no owner history: exit 1, nothing printed"
like "$(cat "$T/err")" 'no owner history for eth0 .*owners_interval' \
    "  and what keeps it"
bwtotal -d "$T/d" -i eth0 --day -n 2 >"$T/out"
like "$(sed -n 2p "$T/out")" '^period +RX +TX +total +samples$' \
    "without --by: the totals table as before"
done_testing
