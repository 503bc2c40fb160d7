#!/bin/sh
# bwhistory's chart: Unicode blocks or ASCII by locale and -a, fitted to
# the width (below 50 columns, a message instead), RX and TX on one
# scale, gaps left blank, and the messages shown instead of an empty
# chart.
. "${0%/*}/lib.sh"
D=$SRCDIR/t/data

# widest FILE: the longest line in characters (UTF-8 decoded).
widest() {
	perl -CSD -ne 'chomp; $m = length if length > ($m // 0);
	    END { print $m // 0 }' "$1"
}

# nonascii FILE: how many lines hold a byte outside printable ASCII.
nonascii() {
	LC_ALL=C grep -c '[^ -~]' "$1"
}

if [ "$(LC_ALL=C.UTF-8 locale charmap 2>/dev/null)" = UTF-8 ]; then
	UTF8=C.UTF-8
else
	UTF8=
fi

# The bars: block elements in a UTF-8 locale, ASCII otherwise.
if [ -n "$UTF8" ]; then
	LC_ALL=$UTF8 COLUMNS=80 bwhistory -r all -d "$D/bwmon-v1" -i eth0 \
	    >"$T/u.txt"
	ok $? "UTF-8: exits 0"
	grep -q '█' "$T/u.txt"
	ok $? "UTF-8: full blocks"
	grep -q '[▁▂▃▄▅▆▇]' "$T/u.txt"
	ok $? "UTF-8: RX in eighths"
	grep -q '▀' "$T/u.txt"
	ok $? "UTF-8: TX grows down in halves"
	grep -q '#' "$T/u.txt"
	ok $(( ! $? )) "UTF-8: no ASCII bars"
	LC_ALL=$UTF8 COLUMNS=80 bwhistory -a -r all -d "$D/bwmon-v1" \
	    -i eth0 >"$T/ua.txt"
	is "$(nonascii "$T/ua.txt")" 0 "UTF-8 with -a: ASCII only"
	grep -q '#' "$T/ua.txt"
	ok $? "UTF-8 with -a: ASCII bars"
else
	for n in 1 2 3 4 5 6 7; do
		ok 0 "UTF-8 chart # SKIP no C.UTF-8 locale"
	done
fi
COLUMNS=80 bwhistory -r all -d "$D/bwmon-v1" -i eth0 >"$T/c.txt"
ok $? "C locale: exits 0"
is "$(nonascii "$T/c.txt")" 0 "C locale: ASCII only"
grep -q '#' "$T/c.txt"
ok $? "C locale: bars drawn"
like "$(cat "$T/c.txt")" '^RX +[0-9.]+ [KMG]?bps +[0-9.]+ [KMG]?bps' \
    "stats: RX line"
like "$(cat "$T/c.txt")" '^samples: 4009 \(1 gap\)$' "stats: samples"
like "$(cat "$T/c.txt")" '^RX .* 217 GB$' "stats: SI bytes"
like "$(cat "$T/c.txt")" '^skipped lines: 2$' "stats: skipped lines"
like "$(cat "$T/c.txt")" '^spikes: 5, alerts: 1$' "stats: spikes, alerts"
like "$(cat "$T/c.txt")" '^first: 2026-09-07 14:10  last: 2026-09-21 14:10$' \
    "stats: first and last in local time (TZ=UTC)"
TZ=XST-5:30 COLUMNS=80 bwhistory -r all -d "$D/bwmon-v1" -i eth0 \
    >"$T/tz.txt"
like "$(cat "$T/tz.txt")" '^first: 2026-09-07 19:40  last: 2026-09-21 19:40$' \
    "stats: TZ moves the times shown"

# Fitted to the width.
for cols in 60 120; do
	COLUMNS=$cols bwhistory -r all -d "$D/bwmon-v1" -i eth0 \
	    >"$T/w$cols.txt"
	w=$(widest "$T/w$cols.txt")
	ok $(( w > cols || w < cols - 12 )) \
	    "ASCII COLUMNS=$cols: widest line $w fits and fills"
	if [ -n "$UTF8" ]; then
		LC_ALL=$UTF8 COLUMNS=$cols bwhistory -r all \
		    -d "$D/bwmon-v1" -i eth0 >"$T/wu$cols.txt"
		w=$(widest "$T/wu$cols.txt")
		ok $(( w > cols || w < cols - 12 )) \
		    "UTF-8 COLUMNS=$cols: widest line $w fits and fills"
	else
		ok 0 "UTF-8 width # SKIP no C.UTF-8 locale"
	fi
done
cmp -s "$T/w60.txt" "$T/w120.txt"
ok $(( ! $? )) "the width changes the chart"
# At 50 columns the title is wrapped between its parts, not cut in a
# time; below 50 the output fits and says that the chart needs 50.
BWMON_NOW=1789999800 COLUMNS=50 bwhistory -r 1h -d "$D/hist-small" \
    -i eth0 >"$T/w50.txt"
is "$(head -2 "$T/w50.txt")" "eth0, last 1h:
2026-09-21 13:10 to 2026-09-21 14:10" "50 columns: the title wrapped whole"
[ "$(widest "$T/w50.txt")" -le 50 ]
ok $? "50 columns: every line fits"
grep -q '#' "$T/w50.txt"
ok $? "50 columns: the chart is drawn"
for cols in 40 30; do
	BWMON_NOW=1789999800 COLUMNS=$cols bwhistory -r 1h \
	    -d "$D/hist-small" -i eth0 >"$T/w$cols.txt"
	ok $? "$cols columns: exits 0"
	[ "$(widest "$T/w$cols.txt")" -le $cols ]
	ok $? "$cols columns: every line fits"
	like "$(tr '\n' ' ' <"$T/w$cols.txt")" \
	    "^eth0, last 1h: 2026-09-21 13:10 to 2026-09-21 14:10 the chart and its figures need 50 columns, not $cols: widen the terminal, or see --csv or --json \$" \
	    "$cols columns: the title, whole times, and why no chart"
	grep -q '[#|]' "$T/w$cols.txt"
	ok $(( ! $? )) "$cols columns: no piece of a chart"
done
is "$(sed -n 2,3p "$T/w30.txt")" "2026-09-21 13:10
to 2026-09-21 14:10" "30 columns: each time on its line"
COLUMNS=10 bwhistory -r all -d "$D/bwmon-v1" -i eth0 >"$T/w10.txt"
ok $? "a tiny width exits 0"
like "$(cat "$T/w10.txt")" '^2026-09-07 14:07$' \
    "a tiny width: a time wider than it is still whole"

# A long interface name at 50 columns: the title's parts stay whole.
mkdir "$T/long"
cp "$D/bwmon-v1/bw_eth0.csv" "$T/long/bw_wlx00c0ca9a1b2c.csv"
COLUMNS=50 bwhistory -r all -d "$T/long" -i wlx00c0ca9a1b2c >"$T/wl.txt"
is "$(head -2 "$T/wl.txt")" "wlx00c0ca9a1b2c, all history:
2026-09-07 14:07 to 2026-09-21 14:10" "long name: the title wrapped whole"
[ "$(widest "$T/wl.txt")" -le 50 ]
ok $? "long name: every line fits 50 columns"

# RX and TX share one scale: 160 Mbit/s of RX fills its half, 80 kbit/s
# of TX shows as the smallest mark, and both ends say 160 Mbps.
mkdir "$T/lop"
perl -e 'for my $i (0 .. 11) { printf "%d,160000000,80000,6000000000,3000000,300.000\n",
    1789996500 + 300 * $i }' >"$T/lop/bw_eth0.csv"
BWMON_NOW=1790000000 COLUMNS=80 bwhistory -r 1h -d "$T/lop" -i eth0 \
    >"$T/lop.txt"
ok $? "lopsided chart exits 0"
is "$(grep -c '^ *160 Mbps [+]' "$T/lop.txt")" 2 \
    "one scale: the top of RX and the bottom of TX both say 160 Mbps"
is "$(sed -n 2,7p "$T/lop.txt" | grep -c '#\{58\}$')" 6 \
    "one scale: 160 Mbit/s of RX fills its 6 rows"
like "$(sed -n 9p "$T/lop.txt")" "^ +TX [|] +'{58}\$" \
    "one scale: 80 kbit/s of TX is the smallest mark"
is "$(sed -n 10,14p "$T/lop.txt" | grep -c "[#']")" 0 \
    "one scale: and no more"
COLUMNS=junk bwhistory -r all -d "$D/bwmon-v1" -i eth0 >"$T/wj.txt"
is "$(widest "$T/wj.txt") $(widest "$T/c.txt")" "80 80" \
    "a bad COLUMNS means 80"

# Short ranges stretch their buckets over the width.
BWMON_NOW=1789999800 COLUMNS=80 bwhistory -r 1h -d "$D/hist-small" \
    -i eth0 >"$T/h.txt"
ok $? "1h chart exits 0"
like "$(cat "$T/h.txt")" '^ *24.0 Kbps \+ {5}#{6}$' \
    "1h: 12 buckets share 69 columns, the scale is the top average"
like "$(cat "$T/h.txt")" '^ +[0-9:]{5} +[0-9:]{5}' "1h: time labels"
like "$(cat "$T/h.txt")" 'per 5 min' "1h: bucket size said"

# A gap is left blank, the axis too.
COLUMNS=120 bwhistory -r all -d "$D/hist-gap" -i eth0 >"$T/g.txt"
ok $? "gap chart exits 0"
axis=$(grep -E '^ {10}\+' "$T/g.txt")
like "$(printf '%s\n' "$axis" | tr -d +)" '^ {10}-+ {40,}-+$' \
    "gap: blank axis across the gap"
like "$(grep -E '^ +RX \|' "$T/g.txt")" '^ +RX \|#+ {24,}#' \
    "gap: no bars across the gap"

# Nothing to draw: say why.
mkdir "$T/empty"
: >"$T/empty/bw_eth0.csv"
bwhistory -d "$T/empty" -i eth0 >"$T/out" 2>"$T/err"
ok $? "empty file: exits 0"
like "$(cat "$T/out")" '^eth0: no samples yet' "empty file: says no samples"
like "$(cat "$T/out")" 'first run only primes' "empty file: says why"
grep -q '[|#]' "$T/out"
ok $(( ! $? )) "empty file: no chart"
printf 'garbage\n\n1,2\n17899,x,y\n1789999800,1' >"$T/empty/bw_eth0.csv"
bwhistory -d "$T/empty" -i eth0 >"$T/out" 2>"$T/err"
ok $? "garbage only: exits 0"
like "$(cat "$T/out")" '^eth0: no samples yet' "garbage only: no samples"
like "$(cat "$T/out")" '^skipped lines: 4$' "garbage only: lines counted"
is "$(cat "$T/err")" "" "garbage only: nothing on stderr"
bwhistory -j -d "$T/empty" -i eth0 -r all >"$T/out"
ok $? "garbage only: --json exits 0"
like "$(cat "$T/out")" '"buckets":\[\],' "garbage only: no buckets"
like "$(cat "$T/out")" \
    '"samples":0,"gaps":0,"first":null,"last":null,"skipped_lines":4' \
    "garbage only: empty stats"
BWMON_NOW=1789999800 bwhistory --csv -d "$T/empty" -i eth0 -r 1h \
    >"$T/out"
is "$(wc -l <"$T/out" | tr -d ' ')" 13 \
    "garbage only: --csv -r 1h: 12 empty buckets"

BWMON_NOW=1800000000 bwhistory -r 1h -d "$D/bwmon-v1" -i eth0 >"$T/out"
ok $? "empty range: exits 0"
like "$(cat "$T/out")" '^eth0: no samples in the last 1h$' \
    "empty range: says so"
like "$(cat "$T/out")" \
    '^history from 2026-09-07 14:10 to 2026-09-21 14:10' \
    "empty range: says what there is"
BWMON_NOW=1800000000 bwhistory -j -r 1h -d "$D/bwmon-v1" -i eth0 \
    >"$T/out"
like "$(cat "$T/out")" '"samples":0,' "empty range: --json has no samples"
like "$(cat "$T/out")" '"rx":\{"avg_bps":null' \
    "empty range: --json rates are null"

done_testing
