#!/bin/sh
# bwhistory --by: the owners of a window (-r, --from, --to as epoch
# seconds or local dates) from the owner history (t/data/owners-lib.sh)
# as a table, JSON (the /api/top document) and CSV; hostile names stay
# text, windows the history does not reach say so; --from and --to
# also bound the chart; and the usage errors.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/owners-lib.sh"

owners_fixture "$T/d"
export BWMON_NOW=$OWNERS_NOW

# jv EXPR...: jpath over $T/j
jv() {
	jpath "$T/j" "$@"
}

# --- the table, over everything
runs "bwhistory --by program -r all" \
    bwhistory -d "$T/d" --by program -r all
is "$(sed -n 1p "$T/out")" \
    "eth0: who used it, by program, 2026-09-18 00:00 to 2026-09-21 14:13 (UTC)" \
    "  the window, from the first row, and the zone"
like "$(sed -n 2p "$T/out")" \
    '^RX 4.25 GB  TX 63.6 GB  total 67.9 GB  coverage 98.5%  resolution 1 day$' \
    "  the window's bytes, coverage and resolution"
like "$(sed -n 3p "$T/out")" '^PROGRAM +RX +TX +TOTAL +SHARE +PID  COMMAND$' \
    "  the columns"
like "$(sed -n 4p "$T/out")" \
    '^nightly-backup +1.00 MB +63.0 GB +63.0 GB +92.8% +4242  /usr/local/bin/nightly-backup --to nas$' \
    "  the busiest: bytes, share, its busiest process and command line"
is "$(sed -n '4,$p' "$T/out" | cut -c1-24 | sed 's/ *$//' | tr '\n' '|')" \
    'nightly-backup|firefox|[forwarded]|curl|we"ird,name|evil?[2Jx|sshd|[other owners]|shares are of the bytes|' \
    "  busiest first, [forwarded] in its place, [other owners] last"
tr -d '\033' <"$T/out" | cmp -s - "$T/out"
ok $? "  no escape byte reaches the terminal"
COLUMNS=78 bwhistory -d "$T/d" --by program -r all >"$T/out"
is "$(sed -n 4,5p "$T/out")" "nightly-backup              1.00 MB    63.0 GB    63.0 GB   92.8%
    pid 4242  /usr/local/bin/nightly-backup --to nas" \
    "  on 78 columns, the process on a line of its own"
[ "$(awk '{ print length }' "$T/out" | sort -n | tail -1)" -le 78 ]
ok $? "  and no line longer than the terminal"

# --- a window of local dates: today's two intervals
bwhistory -d "$T/d" --by user --from 2026-09-21 --to 2026-09-21T13:05 \
    --json >"$T/j"
ok $? "--from and --to as local dates, --json"
is "$(jv '$j->{from} . " " . $j->{to} . " " . $j->{by}')" \
    "1789948800 1789995900 user" "  the window as given, by user"
is "$(jv 'join ",", map { "$_->{name}=$_->{total_bytes}" } @{$j->{rows}}')" \
    "root=3000000300,[forwarded]=2000,alice=300" \
    "  the interval at 13:00 only"
is "$(jv '$j->{rows}[0]{program} . " " . $j->{rows}[0]{share} . " " . $j->{resolution_seconds}')" \
    "nightly-backup 1 300" "  root's busiest program, its share, full resolution"
TZ=JST-9 bwhistory -d "$T/d" --by program --from 2026-09-21T22:00 \
    --to 2026-09-21T22:10 --json >"$T/j"
is "$(jv '$j->{from} . " " . $j->{total_bytes}')" "1789995600 $((3000000300 + 300 + 2000 + 50001000 + 4))" \
    "  local time is TZ's: 22:00 in Tokyo is 13:00 UTC"
bwhistory -d "$T/d" --by remote --from 1789995600 --to 1789996200 --json >"$T/j"
is "$(jv 'join ",", map { $_->{name} } @{$j->{rows}}')" \
    "203.0.113.5:873,192.0.2.80:80,[forwarded],[other remotes],[other owners]" \
    "--by remote over epoch seconds: the endpoints, the rest by kind"
bwhistory -d "$T/d" --by program --to 2026-09-20T11:00 >"$T/out"
like "$(sed -n 1p "$T/out")" 'by program, 2026-09-19 11:00 to 2026-09-20 11:00' \
    "--to alone: the 24 hours before it"
like "$(sed -n 4p "$T/out")" '^nightly-backup +2.00 kB +20.0 GB' \
    "  the hourly row of 10:00"
bwhistory -d "$T/d" --by program --from 2026-09-21T13:04 --json >"$T/j"
is "$(jv '$j->{to} . " " . $j->{rows}[0]{name}')" "$((OWNERS_NOW + 1)) curl" \
    "--from alone: up to now"
bwhistory -d "$T/d" --by container --from 2026-09-21T13:00 -r 1h --json >"$T/j"
is "$(jv '$j->{to} - $j->{from} . " " . $j->{rows}[0]{name} . " " . $j->{rows}[1]{name}')" \
    "3600 [none] app-1" "--from with -r: that long from there; app-1 by container"

# --- CSV: every field as it is, quoted where it must be
bwhistory -d "$T/d" --by program --from 2026-09-21T13:00 --to 2026-09-21T13:10 \
    --csv >"$T/out"
ok $? "--csv"
is "$(cat "$T/out")" 'name,rx_bytes,tx_bytes,total_bytes,share,pid,program,cmdline
nightly-backup,300,3000000000,3000000300,0.9836,4244,nightly-backup,/usr/local/bin/nightly-backup --to nas
curl,50000000,1000,50001000,0.0164,31337,curl,curl -O http://example.invalid/big.iso
[forwarded],1000,1000,2000,0.0000,,,
"we""ird,name",100,200,300,0.0000,9,"we""ird,name",
[other owners],2,2,4,0.0000,,,' "  exact bytes, shares, a name with a quote and a comma quoted"
bwhistory -d "$T/d" --by program -r all --top 2 --csv >"$T/out"
is "$(cut -d, -f1,4 "$T/out" | tail -3 | tr '\n' ' ')" \
    "nightly-backup,63001002300 firefox,3807000000 [other owners],1050033324 " \
    "--top 2: the rest in [other owners]"

# --- windows without data, interfaces without owner history
bwhistory -d "$T/d" --by program --from 2026-01-01 --to 2026-02-01 >"$T/out"
is "$?:$(sed -n 2p "$T/out")" \
    "0:no data: the owner history of eth0 starts 2026-09-18 00:00" \
    "a window before the history: no data, and when it starts"
bwhistory -d "$T/d" --by program --from 2026-09-19 --to 2026-09-20 >"$T/out"
like "$(sed -n 2p "$T/out")" '^no data: bwprocs recorded no owner' \
    "a window without rows: no data, not 0 B"
mkdir "$T/none"
cp "$T/d/bw_eth0.csv" "$T/none/"
bwhistory -d "$T/none" --by program >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:" "no owner history: exit 1"
like "$(cat "$T/err")" 'no owner history for eth0 .*owners_interval' \
    "  saying what keeps it"

# --- --from and --to bound the chart too
bwhistory -d "$T/d" --from 2026-09-21T14:00 --to 2026-09-21T14:10 --json >"$T/j"
is "$(jv '$j->{range} . " " . $j->{from} . " " . $j->{to} . " " . $j->{stats}{samples}')" \
    "window 1789999200 1789999800 2" "the chart's JSON over a window: 2 samples"
bwhistory -d "$T/d" --from 2026-09-21T14:00 --to 2026-09-21T14:10 >"$T/out"
like "$(sed -n 1p "$T/out")" '^eth0: 2026-09-21 14:00 to 2026-09-21 14:10$' \
    "  and its title"
bwhistory -d "$T/d" --from 2026-09-10 --to 2026-09-11 >"$T/out"
like "$(sed -n 1p "$T/out")" '^eth0: no samples from 2026-09-10 00:00 to 2026-09-11 00:00$' \
    "  a window without samples says so"

# --- usage errors
for a in "--by process" "--from yesterday" "--from 2026-02-30" \
    "--to 2026-09-21T25:00" "--from 2026-09-21 --to 2026-09-20" \
    "--from 2026-09-20 --to 2026-09-21 -r 1h" "--top 5" "--by user --top 0"; do
	# shellcheck disable=SC2086
	bwhistory -d "$T/d" $a >/dev/null 2>"$T/err"
	is "$?" 2 "$a: a usage error"
done
like "$(head -1 "$T/err")" '^bwhistory: --top: bad number of rows' "  saying which"
done_testing
