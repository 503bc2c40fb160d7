#!/bin/sh
# bwhistory --by host: a router's LAN devices over a window, from the
# host history (t/data/hosts-lib.sh) at the finest resolution each part
# still has: busiest first, named as of their newest row (a renamed
# lease renames the row), an address for a device without a name,
# rows of one interval that add up, torn lines skipped; as a table,
# JSON (the /api/top?by=host document) and CSV; and what it says when
# the interface has no host history.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/hosts-lib.sh"

hosts_fixture "$T/d"
export BWMON_NOW=$HOSTS_NOW

# jv EXPR...: jpath over $T/j
jv() {
	jpath "$T/j" "$@"
}

# --- the table, over everything
runs "bwhistory --by host -r all" \
    bwhistory -d "$T/d" --by host -r all
is "$(sed -n 1p "$T/out")" \
    "br-lan: who used it, by host, 2026-09-18 00:00 to 2026-09-21 14:13 (UTC)" \
    "  the window, from the first row, and the zone"
is "$(sed -n 2p "$T/out")" \
    "RX 6.04 GB  TX 150 MB  total 6.19 GB  resolution 1 day" \
    "  the window's bytes and resolution, no coverage"
like "$(sed -n 3p "$T/out")" '^HOST +RX +TX +TOTAL +SHARE$' \
    "  the columns, without a process"
like "$(sed -n 4p "$T/out")" '^laptop +5.00 GB +100 MB +5.10 GB +82.4%$' \
    "  the busiest device: the sum of its daily, hourly and 5-minute rows"
is "$(sed -n '4,8p' "$T/out" | cut -c1-24 | sed 's/ *$//' | tr '\n' '|')" \
    'laptop|phone-2|tv|10.1.0.99|evil?[2Jx|' \
    "  busiest first; the phone by its newest name; an address for no name"
tr -d '\033' <"$T/out" | cmp -s - "$T/out"
ok $? "  no escape byte reaches the terminal"
like "$(tail -1 "$T/out")" '^RX: what the devices received' \
    "  what RX and TX mean"

# --- JSON: today's 5-minute rows
bwhistory -d "$T/d" --by host --from 2026-09-21 --json >"$T/j"
ok $? "--by host --from 2026-09-21 --json"
is "$(jv '$j->{by} . " " . $j->{resolution_seconds} . " " . (defined $j->{coverage} ? "cov" : "null")')" \
    "host 300 null" "  by host, full resolution, no coverage"
is "$(jv 'join ",", map { "$_->{name}/$_->{id}=$_->{rx_bytes}+$_->{tx_bytes}" } @{$j->{rows}}')" \
    "tv/02:00:00:00:00:0c=40000000+1000,laptop/$HOSTS_LAPTOP=400+3200" \
    "  each device with its id; the laptop's two rows of 13:00 add up"
is "$(jv '$j->{total_bytes}')" "$HOSTS_DAY21" "  the day's bytes"
is "$(jv '$j->{skipped_lines}')" "2" "  the torn lines skipped and counted"

# --- a window the hourly rows stand for, and the fold row
bwhistory -d "$T/d" --by host --from 2026-09-20 --to 2026-09-21 --top 1 \
    --json >"$T/j"
ok $? "--by host --top 1 over 2026-09-20"
is "$(jv 'join ",", map { "$_->{name}=$_->{total_bytes}" } @{$j->{rows}}')" \
    "laptop=2001000,[other hosts]=20" "  the rest folded into [other hosts]"
is "$(jv '$j->{rows}[1]{id}')" "undef" "  which has no id"
is "$(jv '$j->{resolution_seconds}')" "3600" "  from hourly rows"

# --- CSV
bwhistory -d "$T/d" --by host -r all --csv --top 2 >"$T/out"
ok $? "--by host --csv"
is "$(cat "$T/out")" "name,rx_bytes,tx_bytes,total_bytes,share,id
laptop,5002000400,100004200,5102004600,0.8240,$HOSTS_LAPTOP
phone-2,1000000000,50000000,1050000000,0.1696,02:00:00:00:00:0b
[other hosts],40001010,3010,40004020,0.0065," "  a row per device, its id last"

# --- no host history
mkdir "$T/e"
cp "$T/d/bw_br-lan.csv" "$T/e/"
bwhistory -d "$T/e" --by host >"$T/out" 2>"$T/err"
is "$?" "1" "no host history: exit 1"
like "$(cat "$T/err")" 'no host history for br-lan .*router in bwmon.conf' \
    "  and how to get one"
bwhistory -d "$T/d" --by hosts >/dev/null 2>"$T/err"
is "$?" "2" "a kind it does not know is a usage error"
like "$(cat "$T/err")" 'remote or host\)' "  which names the kinds"

done_testing
