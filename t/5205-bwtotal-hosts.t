#!/bin/sh
# bwtotal --by host: a router's LAN devices per day, week and month from
# the host history (t/data/hosts-lib.sh): each day from its finest rows,
# "no data" (never 0 B) where the history does not reach, names that
# cannot move the cursor, --json, and what it says without host files.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/hosts-lib.sh"

hosts_fixture "$T/d"
export BWMON_NOW=$HOSTS_NOW


runs "bwtotal --by host --day -n 5" \
    bwtotal -d "$T/d" --by host --day -n 5
is "$(head -1 "$T/out")" "br-lan: top hosts per day, local time (UTC)" \
    "the title names the interface, hosts and the zone"
like "$(grep '^2026-09-17' "$T/out")" \
    '^2026-09-17 +no data: the host history starts 2026-09-18 00:00$' \
    "a day before the history: no data, and when it starts"
like "$(grep '^2026-09-19' "$T/out")" \
    '^2026-09-19 +no data: bwprocs recorded no device in it$' \
    "a day without rows: no data, not 0 B"
is "$(grep '^2026-09-18' "$T/out")" \
    "2026-09-18  RX 6.00 GB  TX 150 MB  total 6.15 GB" \
    "a day from the daily rows: its bytes, no coverage"
is "$(sed -n '/^2026-09-18/,/^2026-09-19/p' "$T/out" | sed -n '3,5p' |
    cut -c3-30 | sed 's/ *$//' | tr '\n' ' ')" \
    "laptop phone 10.1.0.99 " \
    "  busiest first, named as that day's rows name them"
like "$(sed -n '/^2026-09-20/,/^2026-09-21/p' "$T/out")" 'evil\?\[2Jx' \
    "a name with an escape sequence is shown with ? for it"
tr -d '\033' <"$T/out" | cmp -s - "$T/out"
ok $? "  and no escape byte reaches the terminal"
like "$(grep '^2026-09-21' "$T/out")" '^2026-09-21\* +RX 40.0 MB' \
    "today, marked as still counting"

bwtotal -d "$T/d" --by host --day -n 4 --json >"$T/j"
ok $? "--by host --json"
is "$(jpath "$T/j" '$j->{by}' '$j->{periods}[1]{top}' \
    '$j->{periods}[0]{top}{total_bytes}' '$j->{periods}[2]{top}{total_bytes}' \
    '$j->{periods}[3]{top}{total_bytes}' | tr '\n' ' ')" \
    "host undef $HOSTS_DAY18 $HOSTS_DAY20 $HOSTS_DAY21 " \
    "  each day's bytes; null for the day without rows"
is "$(jpath "$T/j" '$j->{periods}[0]{top}{rows}[0]{id}')" "$HOSTS_LAPTOP" \
    "  rows carry the device's id"

bwtotal -d "$T/d" --by host --month --json >"$T/j"
ok $? "--by host --month"
is "$(jpath "$T/j" '$j->{periods}[0]{top}{total_bytes}')" \
    "$((HOSTS_DAY18 + HOSTS_DAY20 + HOSTS_DAY21))" "  the month's bytes"
bwtotal -d "$T/d" --by host --week -n 2 --top 1 >"$T/out"
ok $? "--by host --week -n 2 --top 1"
like "$(cat "$T/out")" '\[other hosts\]' "  the rest folded into [other hosts]"

mkdir "$T/e"
cp "$T/d/bw_br-lan.csv" "$T/e/"
bwtotal -d "$T/e" --by host >"$T/out" 2>"$T/err"
is "$?" "1" "no host history: exit 1"
like "$(cat "$T/err")" 'no host history for br-lan' "  and says so"

done_testing
