#!/bin/sh
# "Who used it" on the dashboard, in a real headless Chromium served by
# real nginx + fcgiwrap over ten days of generated owner history
# (t/data/owners-gen.pl): a window picked with #sel=FROM-TO (the address
# a drag leaves, so it can be linked) shows its programs with their
# shares, coverage and resolution and the band over the history chart;
# other groupings; a window the history does not reach says so; the
# history chart stacks its top owners; names stay text.  Then with real
# mouse events through the DevTools protocol (t/data/cdp.pl): a drag
# across the history chart and a click on a totals row open the panel.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"
. "$SRCDIR/t/data/page-lib.sh"

[ -x "$CHROMIUM" ] || skip_all "chromium is not installed (apt-get install chromium)"
web_need

NOW=1790000000		# Mon 21 Sep 2026 14:13:20 UTC
mkdir "$T/data"
perl "$SRCDIR/t/data/owners-gen.pl" "$T/data" $NOW ||
    { echo "Bail out! cannot write the owner history"; exit 1; }
sh "$SRCDIR/bench/gen-history.sh" $NOW 4032 6 >"$T/data/bw_eth0.csv"
export BWMON_NOW=$NOW TZ=UTC
web_up "$T/data"

# The nightly backup ran from 03:00 to 03:30; what the API says of it.
web_get "/api/top?iface=eth0&from=1789959600&to=1789961400" >/dev/null
web_json '$j->{rows}[0]{share}' '$j->{total_bytes}' >"$T/api"
share=$(perl -e 'printf "%.1f%%", 100 * $ARGV[0]' "$(sed -n 1p "$T/api")")
is "$share" "99.9%" "the API: nightly-backup moved 99.9% of 03:00-03:30"

# --- 1. a window picked in the address: 03:00 to 03:30
URL="$WEB_URL/?iface=eth0#sel=1789959600-1789961400"
render "$T/d1" 1280,1000 "$URL" "#sel"
is "$(dom "$T/d1" "attr('p-who', 'data-state')")" ok "the who panel has data"
like "$(dom "$T/d1" "text('who-when')")" '^Mon 21 Sep 03:00 → 03:30 \(30 min\)$' \
    "  the window, in the browser's time"
first=$(dom "$T/d1" "\$h =~ m{<ol[^>]*id=\"who-bars\"[^>]*>\\s*<li\\b.*?</li>}s ? untag(\$&) : ''")
like "$first" "^nightly-backup pid 4242 · /usr/local/bin/nightly-backup --to nas 30\\.0 GB · $share\$" \
    "  nightly-backup first: pid, command line, bytes, share"
like "$(dom "$T/d1" "text('who-info')")" \
    '^RX 22.8 MB · TX 30.0 GB · total 30.0 GB · coverage 100% · resolution 5 min$' \
    "  the window's bytes, coverage and resolution"
like "$(dom "$T/d1" "text('who-bars')")" '\[forwarded\]' "  the unattributed row too"
is "$(dom "$T/d1" "attr('hist-sel', 'data-from') . '-' . attr('hist-sel', 'data-to')")" \
    "1789959600-1789961400" "the band over the history chart marks the window"
is "$(dom "$T/d1" "defined attr('hist-sel', 'hidden') ? 'hidden' : 'shown'")" shown \
    "  and is shown"
is "$(dom "$T/d1" "count(qr{<button[^>]*aria-pressed=\"true\"[^>]*>Programs</button>})")" 1 \
    "  grouped by program"

# --- 2. two days of the 7-day chart, by user: hourly rows
render "$T/d2" 1280,1000 "$WEB_URL/?iface=eth0&range=7d#sel=1789776000-1789948800" \
    "two days"
like "$(dom "$T/d2" "text('who-info')")" 'resolution 1 h$' \
    "two days: read from the hourly rows"
like "$(dom "$T/d2" "text('who-bars')")" '^apt pid 4100 2\.41 GB · 41\.3% nginx ' \
    "  apt first, with its share of the two days"
like "$(dom "$T/d2" "text('who-bars')")" '^[^n]*(n[^i][^n]*)*$' \
    "  and not the backup of the 21st, outside them"
# A window in the hour of the markup name, by user: markup stays text.
chrome "$T/d3" 1280,1000 "$WEB_URL/?iface=eth0#sel=1789962000-1789962300" --dump-dom
like "$(dom "$T/d3" "text('who-bars')")" '<img src=x onerror=document.title=1>evil' \
    "a name with markup is shown as it is"
is "$(dom "$T/d3" "count(qr{<img})")" 0 "  and creates no element"

# --- 3. a window before the owner history
render "$T/d4" 1280,1000 "$WEB_URL/?iface=eth0&range=30d#sel=1788220800-1788307200" \
    "before the history"
is "$(dom "$T/d4" "attr('p-who', 'data-state')")" empty "before the history: no data"
like "$(dom "$T/d4" "text('p-who')")" 'No owner data in this window The owner history of eth0 starts Fri 11 Sep 00:00:00 2026' \
    "  and when the history starts"

# --- 4. the history chart stacks its top owners
render "$T/d5" 1280,1000 "$WEB_URL/?iface=eth0&stack=1" "stacked"
is "$(dom "$T/d5" "attr('hist-chart', 'data-stacked')")" 6 \
    "stacked: the top five and [other owners]"
like "$(dom "$T/d5" "text('hist-stack-legend')")" \
    '^nightly-backup apt nginx firefox sshd \[other owners\] rate per 10 min, from the owner history$' \
    "  the legend names them, busiest first"
is "$(dom "$T/d5" "defined attr('hist-legend', 'hidden') ? 'hidden' : 'shown'")" hidden \
    "  in place of the rates' legend"
is "$(dom "$T/d5" "count(qr{<img})")" 0 "  which creates no element"
is "$(dom "$T/d5" "attr('hist-stack', 'aria-pressed')")" true "  the toggle is on"

# --- 5. real mouse events: drag across the chart, click a totals row
cat >"$T/script" <<'S'
wait document.getElementById('p-history').dataset.state === 'ok'
wait document.getElementById('totals-body').querySelector('tr.pick') !== null
# Drag from 40 % to 60 % of the 24-hour chart.
drag #hist-chart 0.4 0.6
wait document.getElementById('p-who').dataset.state === 'ok'
print location.hash
print document.getElementById('hist-sel').dataset.from + '-' + document.getElementById('hist-sel').dataset.to
print document.querySelector('#who-bars li .name').firstChild.textContent
# A click on one point: its 5-minute bucket.
wait (window.dragged = location.hash) !== ''
click #hist-chart
wait location.hash !== window.dragged
print (function () { var m = /^#sel=([0-9]+)-([0-9]+)$/.exec(location.hash); return m ? m[2] - m[1] : -1; })()
# The totals row of 21 September opens that day.
click #totals-body tr.pick[data-from="1789948800"]
wait location.hash === '#sel=1789948800-1790035200'
wait document.getElementById('p-who').dataset.state === 'ok'
print document.getElementById('who-when').textContent
print document.querySelector('#who-bars li .name').firstChild.textContent
print document.getElementById('errors').dataset.errors
S
cdp "$WEB_URL/?iface=eth0"

like "$(c 1)" '^#sel=[0-9]+-[0-9]+$' "a drag leaves the window in the address"
from=$(c 1 | sed 's/#sel=\([0-9]*\)-.*/\1/')
to=$(c 1 | sed 's/.*-//')
[ "$from" -ge $((NOW - 86400)) ] && [ "$to" -le $((NOW + 300)) ] &&
    [ $((to - from)) -ge 3 ] && [ $((from % 300)) = 0 ] && [ $((to % 300)) = 0 ]
ok $? "  a window inside the 24 hours, on the 5-minute buckets ($from-$to)"
is "$(c 2)" "$from-$to" "  the band marks it"
like "$(c 3)" '^(apt|nginx|firefox|nightly-backup|sshd)$' "  the panel names its top program ($(c 3))"
is "$(c 4)" 300 "a click picks its 5-minute bucket"
is "$(c 5)" "Mon 21 Sep 00:00 → Tue 22 Sep 00:00 (1 d)" "a click on a totals row picks its day"
is "$(c 6)" "nightly-backup" "  and shows who used it"
is "$(c 7)" 0 "no JavaScript error"
ok "$(web_log_clean; echo $?)" "the CGIs' log is clean"

# --- screenshots for a person (bench/out/)
SHOTS=${BWMON_SHOTS:-$SRCDIR/bench/out}
mkdir -p "$SHOTS"
chrome "$T/s1" 1280,1500 "$URL" --screenshot="$SHOTS/page-who.png"
chrome "$T/s2" 1280,1000 "$WEB_URL/?iface=eth0&stack=1&range=7d" \
    --screenshot="$SHOTS/page-stack.png"
chrome "$T/s3" 390,2400 "$URL" --screenshot="$SHOTS/page-who-phone.png"
for s in who stack who-phone; do
	f=$SHOTS/page-$s.png
	[ -s "$f" ] && [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '211PNG' ]
	ok $? "screenshot $f"
done
done_testing
