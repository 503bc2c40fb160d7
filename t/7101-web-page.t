#!/bin/sh
# The dashboard page (cgi/www) in a real headless Chromium, served by real
# nginx + fcgiwrap over fixture data: every panel renders with the
# fixture's numbers (the v1 history's exact totals, the top process, the
# active alert), a spike opens its forensic panel with the flow table, a
# data directory without procs file and an interface without bwprocs say
# what is missing and how to start it (while bwprocs runs, no alert log
# is no alert), periods are labelled in the server's time zone and clock
# times in the browser's (each in another TZ), API strings stay text,
# there is no JavaScript error, and the page weighs at most 100 kB.
# Screenshots (desktop and phone, light and dark) go to bench/out/ for a
# person.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip_all "chromium is not installed (apt-get install chromium)"
web_need
WWW=$SRCDIR/cgi/www
SHOTS=${BWMON_SHOTS:-$SRCDIR/bench/out}

# --- the files themselves
[ -f "$WWW/index.html" ] && [ -f "$WWW/app.js" ] && [ -f "$WWW/style.css" ]
ok $? "cgi/www has index.html, app.js and style.css"
weight=$(find "$WWW" -type f -exec cat {} + | wc -c | tr -d ' ')
[ "$weight" -le 100000 ]
ok $? "page weight $weight bytes <= 100 kB"
grep -rEn 'https?://' "$WWW" >"$T/ext"
is "$(cat "$T/ext")" "" "the page loads nothing from elsewhere (no CDN, no library)"
grep -En 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function' \
    "$WWW"/*.js >"$T/html"
is "$(cat "$T/html")" "" "app.js never turns strings into HTML or code"

# --- the data: web-v2's live, procs, spike and alert files over the v1
# fixture's 14 days of history, whose exact totals are known.  One process
# name carries markup, which must come out as text.
cp -R "$SRCDIR/t/data/web-v2" "$T/data"
cp "$SRCDIR/t/data/bwmon-v1/bw_eth0.csv" "$T/data/bw_eth0.csv"
perl -pi -e 's/"name": "sshd"/"name": "<img src=x onerror=document.title=1>sshd"/' \
    "$T/data/procs_eth0.json"
mkproc "$T/proc" "eth0 1000 2000" "wlan0 5 6"
cp -R "$T/data" "$T/noprocs"
rm "$T/noprocs/procs_eth0.json"
X=$SRCDIR/t/data/bwmon-v1.expected.json
exp_rx=$(perl -MJSON::PP -e 'local $/; printf "%.0f", decode_json(<>)->{rx_bytes}' "$X")
exp_tx=$(perl -MJSON::PP -e 'local $/; printf "%.0f", decode_json(<>)->{tx_bytes}' "$X")
exp_all=$(perl -e 'printf "%.0f", $ARGV[0] + $ARGV[1]' "$exp_rx" "$exp_tx")
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc
# The page needs nothing that a strict Content-Security-Policy forbids:
# no inline script or style, nothing from elsewhere.
CSP="default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
export WEB_EXTRA="add_header Content-Security-Policy \"$CSP\" always;"
web_up "$T/data"
web_get / >/dev/null
is "$(web_header Content-Security-Policy)" "$CSP" "the page is served under a strict CSP"

# chrome, dom, no_js_errors (and chrome_reap): the page tests' helpers.
. "$SRCDIR/t/data/page-lib.sh"

PANELS="live procs stats history heatmap dist totals alerts"

# states FILE: "panel=state ..." of every panel
states() {
	for _p in $PANELS spike; do
		printf '%s=%s ' "$_p" "$(dom "$1" "attr('p-$_p', 'data-state')")"
	done
}

# The figures as the page prints them (bw_fmt_bps, bw_fmt_bytes).
si() {
	perl -e 'my ($v, @u) = @ARGV; my $i = 0;
	    while ($v >= 999.95 && $i < $#u) { $v /= 1000; $i++ }
	    printf $i ? "%.*f %s" : "%.0f %s", $i ? ($v < 9.995 ? 2 :
	    $v < 99.95 ? 1 : 0, $v) : $v, $u[$i]' "$@"
}
bps() { si "$1" bps Kbps Mbps Gbps Tbps; }
bytes() { si "$1" B kB MB GB TB PB; }

# --- 1. the whole page on eth0, with a spike's forensic panel open
URL1="$WEB_URL/?iface=eth0#spike=1789980000.25"
chrome "$T/d1" 1280,900 "$URL1" --dump-dom
ok $? "chromium renders the page (desktop)"
is "$(dom "$T/d1" "(\$h =~ /<body[^>]*data-ready=\"1\"/) ? 1 : 0")" 1 \
    "app.js ran and loaded the interfaces"
no_js_errors "$T/d1" "desktop"
is "$(states "$T/d1")" \
    "live=ok procs=ok stats=ok history=ok heatmap=ok dist=ok totals=ok alerts=ok spike=ok " \
    "every panel has data (data-state ok)"
for p in $PANELS; do
	dom "$T/d1" "text('p-$p')" >"$T/txt"
	[ "$(wc -c <"$T/txt")" -gt 20 ]
	ok $? "panel $p has content"
done
is "$(dom "$T/d1" "count(qr{<option value=\"(?:eth0|wlan0)\"})")" 2 \
    "the interface selector lists eth0 and wlan0"
is "$(dom "$T/d1" "count(qr{<option[^>]*>})")" 2 "and nothing else"

# Live: the last sample of live_eth0.json, as rates.
like "$(dom "$T/d1" "text('live-now')")" \
    "^RX $(bps 1119000) · TX $(bps 201190) at 14:13:19$" \
    "live: the newest sample's rates and local time"
is "$(dom "$T/d1" "attr('live-chart', 'data-drawn')")" 238 \
    "live: 119 samples of RX and TX drawn (the garbage one left out)"

# Top processes: rsync first, by its rates; markup in a name is text.
first=$(dom "$T/d1" "\$h =~ m{<ol[^>]*id=\"procs-bars\"[^>]*>\\s*<li\\b.*?</li>}s ? untag(\$&) : ''")
like "$first" "^rsync pid 4242 · root RX $(bps 120034.2) · TX $(bps 41234567.5)" \
    "processes: rsync on top, with pid, user and rates"
like "$(dom "$T/d1" "text('p-procs')")" \
    "coverage 99\\.8% · 0\\.5 s old · 7 capture drops.*\\[forwarded\\].*naïve-Ünïcode" \
    "processes: coverage, age, drops, unattributed and UTF-8 names"
like "$(dom "$T/d1" "text('p-procs')")" '<img src=x onerror=document.title=1>sshd' \
    "processes: a name with markup is shown as it is"
is "$(dom "$T/d1" "count(qr{<img})")" 0 "processes: and creates no element"
is "$(dom "$T/d1" "\$h =~ m{id=\"procs-bars\"[^>]*>(.*?)</ol>}s ? scalar(() = \$1 =~ /<li\\b/g) : 0")" 6 \
    "processes: 6 bars (the malformed entry left out)"

# Stat cards: the 24 h figures of /api/history, formatted.
web_get "/api/history?iface=eth0&range=24h" >/dev/null
web_json '$j->{stats}{rx}{peak_bps}' '$j->{stats}{tx}{peak_bps}' \
    '$j->{stats}{rx}{avg_bps}' '$j->{stats}{tx}{avg_bps}' \
    '$j->{stats}{rx}{p95_bps}' '$j->{stats}{tx}{p95_bps}' \
    '$j->{stats}{rx}{bytes}' '$j->{stats}{tx}{bytes}' >"$T/st"
s() { sed -n "$1p" "$T/st"; }
is "$(dom "$T/d1" "text('stats-cards')")" \
    "Peak RX $(bps "$(s 1)") TX $(bps "$(s 2)") Average RX $(bps "$(s 3)") TX $(bps "$(s 4)") 95th percentile RX $(bps "$(s 5)") TX $(bps "$(s 6)") Total RX $(bytes "$(s 7)") TX $(bytes "$(s 8)") together $(bytes "$(perl -e "print $(s 7) + $(s 8)")")" \
    "stat cards: peak, average, p95 and total of the last 24 h"
like "$(dom "$T/d1" "text('stats-info')")" '^287 samples · 3 spikes · 2 alerts$' \
    "stat cards: samples, spikes and alerts counted"

# History: the 24 h chart and one marker per spike.
is "$(dom "$T/d1" "attr('hist-chart', 'data-drawn')")" $((289 * 4)) \
    "history: 289 buckets of avg and peak, RX and TX, drawn"
is "$(dom "$T/d1" "join ',', \$h =~ /class=\"marker[^\"]*\" data-ts=\"([0-9.]+)\"/g")" \
    "1789950000.5,1789980000.25,1789990000" \
    "history: a marker at each of the 3 spikes of the last 24 h"
is "$(dom "$T/d1" "count(qr{class=\"marker sel\" data-ts=\"1789980000.25\"})")" 1 \
    "history: the open spike's marker is selected"
is "$(dom "$T/d1" "count(qr{<button[^>]*aria-pressed=\"true\"[^>]*>24 h</button>})")" 1 \
    "history: range 24 h selected"

# The forensic panel of #spike=1789980000.25.
sp=$(dom "$T/d1" "text('p-spike')")
like "$sp" '^Spike Mon 21 Sep 08:40:00 2026 on eth0' "spike: its local time"
like "$sp" 'Total 80\.0 Mbps RX 10\.0 Mbps TX 70\.0 Mbps usual 2\.00 Mbps \(40×\) trigger 5x_rolling coverage 99\.0%' \
    "spike: rates, usual rate, trigger and coverage"
like "$sp" 'Processes Process PID User RX TX scp 4242 uid 0 9\.00 Mbps 63\.0 Mbps' \
    "spike: the processes"
like "$sp" 'Interfaces Interface RX TX eth0 10\.0 Mbps 70\.0 Mbps' \
    "spike: the interface breakdown"
like "$sp" 'Flows \(conntrack inactive\) Proto Source Destination Process State Spike bytes Lifetime bytes Packets tcp \(ipv4\) 192\.0\.2\.10:40128 198\.51\.100\.7:873 scp 4242 ESTABLISHED 52\.0 MB 123 MB 90,000 udp \(ipv4\) 192\.0\.2\.10:5353 192\.0\.2\.1:53 +– 1\.20 kB – –' \
    "spike: the flow table, spike bytes beside lifetime bytes, conntrack's status"

# Heatmap and distribution.
is "$(dom "$T/d1" "attr('heat-grid', 'data-cells')")" 168 \
    "heatmap: 14 days fill every hour of every weekday"
is "$(dom "$T/d1" "count(qr{<span class=\"c\" [^>]*style=\"background: ?rgb\\(})")" 168 \
    "heatmap: 168 coloured cells"
colours=$(dom "$T/d1" "my %c = map { \$_ => 1 } \$h =~ /background: ?rgb\\(([0-9, ]+)\\)/g; scalar keys %c")
[ "$colours" -gt 20 ]
ok $? "heatmap: the colours follow the rates ($colours colours)"
like "$(dom "$T/d1" "text('p-heatmap')")" '^Heatmap average RX \+ TX per hour, the last 30 days, server time \(UTC\) .* Mon .* Sun ' \
    "heatmap: hours by weekday, Monday first, in the server's time zone"
[ "$(dom "$T/d1" "attr('dist-chart', 'data-drawn')")" -gt 3 ]
ok $? "distribution: histogram bars drawn"
like "$(dom "$T/d1" "text('dist-info')")" '^rates of 4,008 samples, the last 30 days$' \
    "distribution: the samples it counts"

# Totals: the v1 fixture's exact bytes.
is "$(dom "$T/d1" "join ' ', \$h =~ m{<tr data-period=\"day\">.*?</tr>}s ? \$& =~ /data-bytes=\"([0-9]+)\"/g : ()")" \
    "$exp_rx $exp_tx $exp_all" "totals: the fixture's exact RX, TX and total bytes"
like "$(dom "$T/d1" "text('totals-body')")" \
    "^Day RX TX Total 2026-09-21 Mon so far .* Total, 15 days $(bytes "$exp_rx") $(bytes "$exp_tx") $(bytes "$exp_all")\$" \
    "totals: 15 days, newest first, the sum in GB"

# Alerts and the banner.
like "$(dom "$T/d1" "text('alerts-body')")" \
    '^Mon 21 Sep 12:50 → active now 1 h 23 min peak 70\.0 Mbps · threshold 40\.0 Mbps · average 45\.0 Mbps · top scp Mon 21 Sep 03:06 → 03:16 10 min peak 90\.0 Mbps' \
    "alerts: the active one first, the cleared one with its duration"
is "$(dom "$T/d1" "attr('banner', 'data-active')"):$(dom "$T/d1" "defined attr('banner', 'hidden') ? 'hidden' : 'shown'")" \
    "1:shown" "banner: shown while an alert is active"
like "$(dom "$T/d1" "text('banner')")" '^⚠ Alert on eth0 since Mon 21 Sep 12:50 \(1 h 23 min\).*top process scp' \
    "banner: says since when and who"
like "$(dom "$T/d1" "text('status')")" 'newest history row Mon 21 Sep 14:10 \(3 min 20 s ago\) · bwprocs running' \
    "status: the newest row's age and bwprocs"

# --- 2. wlan0: history only, no bwprocs
render "$T/d2" 1280,900 "$WEB_URL/?iface=wlan0" "wlan0"
is "$(states "$T/d2")" \
    "live=empty procs=empty stats=ok history=ok heatmap=ok dist=ok totals=ok alerts=empty spike=closed " \
    "wlan0: the panels without data say so"
like "$(dom "$T/d2" "text('status')")" 'newest history row Mon 21 Sep 14:11 .* · bwprocs not running for wlan0$' \
    "wlan0: chosen by ?iface=, its status"
like "$(dom "$T/d2" "text('p-live')")" 'No live rates for wlan0 yet bwprocs is not running for wlan0 .*systemctl enable --now bwprocs@wlan0' \
    "wlan0 live: what is missing and how to start bwprocs"
like "$(dom "$T/d2" "text('p-procs')")" 'No process data for wlan0 no procs_wlan0\.json in the data directory\..*systemctl enable --now bwprocs@wlan0' \
    "wlan0 processes: what is missing and how to start bwprocs"
like "$(dom "$T/d2" "text('p-alerts')")" 'No alert log no alerts_wlan0\.jsonl' \
    "wlan0 alerts: no alert log"
like "$(dom "$T/d2" "text('hist-note')")" '^No spike markers: no spikes_wlan0\.jsonl' \
    "wlan0 history: no spike log, said under the chart"
is "$(dom "$T/d2" "defined attr('banner', 'hidden') ? 'hidden' : 'shown'")" hidden \
    "wlan0: no alert banner"
is "$(dom "$T/d2" "count(qr{<code>systemctl enable --now bwprocs\@wlan0</code>})")" 4 \
    "wlan0: the command to start bwprocs set as code, in all 4 places"

# --- 3. an interface that has no history falls back to the default
render "$T/d3" 1280,900 "$WEB_URL/?iface=nosuch0" "unknown interface"
like "$(dom "$T/d3" "text('status')")" '^No history for interface .+nosuch0.+: showing eth0\.' \
    "unknown interface: says so and shows the default"
is "$(dom "$T/d3" "attr('p-history', 'data-state')")" ok "unknown interface: eth0's data"

# --- screenshots for a person: desktop and phone, light and dark
mkdir -p "$SHOTS"
chrome "$T/s1" 1280,900 "$WEB_URL/?iface=eth0" --screenshot="$SHOTS/page-desktop.png"
chrome "$T/s2" 390,844 "$WEB_URL/?iface=eth0" --screenshot="$SHOTS/page-phone.png"
chrome "$T/s3" 1280,2100 "$WEB_URL/?iface=eth0" --screenshot="$SHOTS/page-desktop-full.png"
chrome "$T/s4" 390,3000 "$WEB_URL/?iface=eth0" --screenshot="$SHOTS/page-phone-full.png"
chrome "$T/s5" 1280,2100 "$WEB_URL/?iface=eth0" --force-dark-mode \
    --screenshot="$SHOTS/page-desktop-dark.png"
chrome "$T/s6" 1280,3000 "$URL1" --screenshot="$SHOTS/page-spike.png"
for s in desktop phone desktop-full phone-full desktop-dark spike; do
	f=$SHOTS/page-$s.png
	[ -s "$f" ] && [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '211PNG' ]
	ok $? "screenshot $f"
done

# --- 3b. a spike over a near-zero average: its multiple reads ">1000×",
# not "2777778×" (bw_fmt_ratio's rule)
perl -pi -e 's/"avg_bps": 2000000\.0/"avg_bps": 18.0/ if /"ts": 1789990000\.0,/' \
    "$T/data/spikes_eth0.jsonl"
chrome "$T/d3z" 1280,900 "$WEB_URL/?iface=eth0#spike=1789990000" --dump-dom
ok $? "chromium renders a spike over a near-zero average"
like "$(dom "$T/d3z" "text('p-spike')")" \
    'Total 50\.0 Mbps RX 45\.0 Mbps TX 5\.00 Mbps usual 18 bps \(>1000×\) trigger' \
    "spike over a near-zero average: >1000×"

# --- 4. time zones: periods are the server's, instants the browser's.
# Now is Monday 21 Sep 2026 14:13 UTC, 07:13 in Los Angeles (UTC-07:00):
# with the server in UTC, the day 2026-09-21 starts at 17:00 on Sunday in
# the browser, which must still call it Monday, its week 21 to 27 Sep;
# and clock times are Los Angeles'.
zchrome() {
	_tz=$1
	shift
	(TZ=$_tz; export TZ; chrome "$@")
}
zchrome America/Los_Angeles "$T/z1" 1280,900 "$WEB_URL/?iface=eth0" --dump-dom
ok $? "chromium in Los Angeles renders the page of a UTC server"
no_js_errors "$T/z1" "Los Angeles"
like "$(dom "$T/z1" "text('totals-body')")" \
    '^Day RX TX Total 2026-09-21 Mon so far .* 2026-09-20 Sun .* 2026-09-14 Mon ' \
    "Los Angeles: the server's days keep their weekdays"
is "$(dom "$T/z1" "text('totals-info')")" "server days (UTC)" \
    "Los Angeles: the totals name the server's zone"
like "$(dom "$T/z1" "text('heat-info')")" ', server time \(UTC\)$' \
    "Los Angeles: the heatmap's hours are the server's, named"
like "$(dom "$T/z1" "text('live-now')")" ' at 07:13:19$' \
    "Los Angeles: the live sample's clock time is the browser's"
like "$(dom "$T/z1" "text('alerts-body')")" '^Mon 21 Sep 05:50 → active now' \
    "Los Angeles: the alerts' clock times are the browser's"
is "$(dom "$T/z1" "text('tz-rule')")" \
    "days, weeks, months and heatmap hours in the server's time zone (UTC), as bwtotal counts them; clock times in your browser's (America/Los_Angeles, UTC-07:00)" \
    "Los Angeles: the footer states the rule with both zones"
zchrome America/Los_Angeles "$T/z2" 1280,900 "$WEB_URL/?iface=eth0&totals=week" --dump-dom
no_js_errors "$T/z2" "Los Angeles, weeks"
like "$(dom "$T/z2" "text('totals-body')")" \
    '^Week RX TX Total 2026-W39 \(21 Sep – 27 Sep\) so far .* 2026-W38 \(14 Sep – 20 Sep\) ' \
    "Los Angeles: ISO weeks from the server's Monday to Sunday"

# The server in Tokyo (UTC+09:00, 23:13 on Monday), the browser in UTC:
# the server's September starts at 15:00 on 31 Aug in the browser.
web_stop
TZ=Asia/Tokyo
web_start "$T/data" || { echo "Bail out! cannot restart nginx"; exit 1; }
TZ=UTC
render "$T/z3" 1280,900 "$WEB_URL/?iface=eth0&totals=month" "Tokyo server"
like "$(dom "$T/z3" "text('totals-body')")" \
    '^Month RX TX Total 2026-09 \(1 Sep – 30 Sep\) so far ' \
    "Tokyo server: the month cycle is the server's"
is "$(dom "$T/z3" "text('totals-info')")" "server days (JST, UTC+09:00)" \
    "Tokyo server: the totals name its zone and offset"
like "$(dom "$T/z3" "text('heat-info')")" ', server time \(JST, UTC\+09:00\)$' \
    "Tokyo server: so does the heatmap"
like "$(dom "$T/z3" "text('tz-rule')")" \
    "server's time zone \\(JST, UTC\\+09:00\\), .* your browser's \\((Etc/)?UTC, UTC\\+00:00\\)\$" \
    "Tokyo server: the footer names both zones"
zchrome UTC "$T/z4" 1280,900 "$WEB_URL/?iface=eth0" --dump-dom
like "$(dom "$T/z4" "text('totals-body')")" \
    '^Day RX TX Total 2026-09-21 Mon so far ' \
    "Tokyo server: its Monday is Monday in a UTC browser"

# --- 5. eth0 without a procs file
web_stop
web_start "$T/noprocs" || { echo "Bail out! cannot restart nginx"; exit 1; }
render "$T/d4" 1280,900 "$WEB_URL/?iface=eth0" "no procs file"
is "$(states "$T/d4")" \
    "live=ok procs=empty stats=ok history=ok heatmap=ok dist=ok totals=ok alerts=ok spike=closed " \
    "no procs file: only the processes panel is without data"
like "$(dom "$T/d4" "text('p-procs')")" \
    '^Top processes No process data for eth0 no procs_eth0\.json in the data directory\. bwprocs writes it while it runs: systemctl enable --now bwprocs@eth0' \
    "no procs file: names the file and how to start bwprocs"
is "$(dom "$T/d4" "count(qr{<ol[^>]*id=\"procs-bars\"[^>]*></ol>})")" 1 \
    "no procs file: no bars"
like "$(dom "$T/d4" "text('status')")" 'bwprocs not running for eth0' \
    "no procs file: the status line says bwprocs is not running"

# --- 4b. eth0 while bwprocs runs, before its first alert: no alert log
# yet is no alert, not something to start
cp -R "$T/data" "$T/noalerts"
rm "$T/noalerts/alerts_eth0.jsonl"
web_stop
web_start "$T/noalerts" || { echo "Bail out! cannot restart nginx"; exit 1; }
st=$(web_get "/api/alerts?iface=eth0")
is "$st" 404 "no alert log while bwprocs runs: /api/alerts 404"
like "$(web_json '$j->{hint}')" '^bwprocs runs for eth0 and has fired no alert yet' \
    "and its hint says bwprocs runs"
render "$T/d6" 1280,900 "$WEB_URL/?iface=eth0" "no alert log"
is "$(dom "$T/d6" "attr('p-alerts', 'data-state')")" empty \
    "no alert log: the alerts panel is empty"
like "$(dom "$T/d6" "text('p-alerts')")" \
    'No alert in the last 30 days bwprocs runs for eth0 and has fired no alert yet' \
    "no alert log while bwprocs runs: no alert in the last 30 days"
is "$(dom "$T/d6" "text('p-alerts') =~ /No alert log|systemctl/ ? 'says' : 'no'")" no \
    "and no word of a missing log or of starting bwprocs"
is "$(dom "$T/d6" "defined attr('banner', 'hidden') ? 'hidden' : 'shown'")" hidden \
    "no alert log: no banner"

# --- 6. a data directory without any history yet
mkdir "$T/empty"
web_stop
web_start "$T/empty" || { echo "Bail out! cannot restart nginx"; exit 1; }
render "$T/d5" 1280,900 "$WEB_URL/" "no data"
is "$(states "$T/d5")" \
    "live=empty procs=empty stats=empty history=empty heatmap=empty dist=empty totals=empty alerts=empty spike=closed " \
    "no data: every panel says it has none"
like "$(dom "$T/d5" "text('p-history')")" \
    'No data yet no interface has history yet\. bwcollect appends a row .*first sample now: sudo bwcollect RX' \
    "no data: what is missing and how to get it"
like "$(dom "$T/d5" "text('status')")" '^No data: no interface has history yet' \
    "no data: the status line says so"
ok "$(web_log_clean; echo $?)" "the CGIs' log is clean"

done_testing
