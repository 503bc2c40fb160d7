#!/bin/sh
# The dashboard's Hosts panel in a real headless Chromium, served by real
# nginx + fcgiwrap over hand-written host files (t/data/hosts-lib.sh):
# shown only for an interface with host files; now, each device's rates
# as bars, busiest first, with its addresses, the count and the totals
# since counting began; over a range (?hosts=7d), each device's bytes
# and share from the host history; a stale file and an offload said
# (and one counted from conntrack); the "Who used it" panel grouped by
# host for a picked window, and the history chart stacked by host
# (?stack=host); one device's history
# charted, received and sent, when its bar is clicked (real mouse events
# through t/data/cdp.pl) or the address says ?host=ID; names with markup
# stay text; no JavaScript error.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"
. "$SRCDIR/t/data/page-lib.sh"
. "$SRCDIR/t/data/hosts-lib.sh"

[ -x "$CHROMIUM" ] || skip_all "chromium is not installed (apt-get install chromium)"
web_need

D=$T/data
hosts_fixture "$D"
cp "$D/bw_br-lan.csv" "$D/bw_eth0.csv"
mkproc "$T/proc" "br-lan 1000 2000" "eth0 5 6"
export BWMON_NOW=$HOSTS_NOW BWMON_PROC=$T/proc TZ=UTC
web_up "$D"

# firstbar FILE: the text of the first bar of the Hosts panel
firstbar() {
	dom "$1" "\$h =~ m{<ol[^>]*id=\"hosts-bars\"[^>]*>\\s*<li\\b.*?</li>}s ? untag(\$&) : ''"
}

# --- 1. now
render "$T/d1" 1280,1400 "$WEB_URL/?iface=br-lan" "br-lan"
is "$(dom "$T/d1" "defined attr('p-hosts', 'hidden') ? 'hidden' : 'shown'")" shown \
    "the Hosts panel is shown: br-lan has host files"
is "$(dom "$T/d1" "attr('p-hosts', 'data-state')")" ok "  with data"
like "$(dom "$T/d1" "text('hosts-info')")" '^3 devices · RX 8\.02 Mbps · TX 400 Kbps · 0\.5 s old$' \
    "  the count, the rates now and the file's age"
is "$(firstbar "$T/d1")" \
    "laptop 10.1.0.10 · fd00::10 · 02:00:00:00:00:0a RX 8.00 Mbps · TX 400 Kbps" \
    "  the busiest device first: name, addresses, MAC, rates"
is "$(dom "$T/d1" "join ' ', map { untag(\$_) } \$h =~ m{<li\\b[^>]*>\\s*<span class=\"name\">(.*?)(?:<small|</span>)}g")" \
    "laptop tv 10.1.0.99" "  every device, by rate; an address for no name"
like "$(dom "$T/d1" "text('hosts-total')")" \
    'received 5\.04 GB and sent 100 MB through the router' "  the totals since counting began"
is "$(dom "$T/d1" "defined attr('hosts-note', 'hidden') ? 'none' : 'note'")" none \
    "  no note on a fresh file"
is "$(dom "$T/d1" "count(qr{<button[^>]*data-v=\"host\"[^>]*hidden})")" 0 \
    "  and Who used it offers Hosts"

# --- 2. over a range
render "$T/d2" 1280,1400 "$WEB_URL/?iface=br-lan&hosts=7d" "?hosts=7d"
is "$(dom "$T/d2" "count(qr{<button[^>]*data-v=\"7d\"[^>]*aria-pressed=\"true\"[^>]*>7 d</button>})")" 1 \
    "?hosts=7d: the 7 d button pressed"
is "$(firstbar "$T/d2")" "laptop 02:00:00:00:00:0a 5.10 GB · 82.4%" \
    "  each device's bytes and share from the host history"
like "$(dom "$T/d2" "text('hosts-info')")" '^the last 7 days · resolution ' \
    "  the range and its resolution"
like "$(dom "$T/d2" "text('hosts-bars')")" 'phone-2 02:00:00:00:00:0b' \
    "  a renamed device under its newest name"
like "$(dom "$T/d2" "text('hosts-total')")" '^In total: RX 6\.04 GB · TX 150 MB · 6\.19 GB' \
    "  the range's totals"

# --- 3. an interface without host files
render "$T/d3" 1280,1400 "$WEB_URL/?iface=eth0" "eth0"
is "$(dom "$T/d3" "defined attr('p-hosts', 'hidden') ? 'hidden' : 'shown'")" hidden \
    "eth0: no Hosts panel"
is "$(dom "$T/d3" "count(qr{<button[^>]*data-v=\"host\"[^>]*hidden})")" 1 \
    "  and Who used it does not offer Hosts"
is "$(dom "$T/d3" "defined attr('hist-stack-hosts', 'hidden') ? 'hidden' : 'shown'")" hidden \
    "  nor stacking by host"

# --- 4. who used a window, by host
render "$T/d4" 1280,1400 "$WEB_URL/?iface=br-lan&by=host#sel=1789995600-1789996200" \
    "#sel by host"
is "$(dom "$T/d4" "attr('p-who', 'data-state')")" ok "Who used it, by host: data"
like "$(dom "$T/d4" "text('who-bars')")" '^tv 02:00:00:00:00:0c 40\.0 MB · 100% laptop 02:00:00:00:00:0a 3\.60 kB' \
    "  the devices of the window, each with its id"
like "$(dom "$T/d4" "text('who-info')")" '^RX 40\.0 MB · TX 4\.20 kB · total 40\.0 MB · resolution 5 min$' \
    "  its bytes and resolution, no coverage"

# --- 5. the history stacked by host
render "$T/d6" 1280,1400 "$WEB_URL/?iface=br-lan&stack=host" "?stack=host"
is "$(dom "$T/d6" "attr('hist-chart', 'data-stacked')")" 2 \
    "?stack=host: the history chart stacks the day's two devices"
like "$(dom "$T/d6" "text('hist-stack-legend')")" '^tv laptop rate per .*from the host history$' \
    "  named in its legend"
is "$(dom "$T/d6" "attr('hist-stack-hosts', 'aria-pressed') . ' ' . attr('hist-stack', 'aria-pressed')")" \
    "true false" "  its button pressed, not the programs'"

# --- 6. one device's history: ?host=ID, then a click on a bar
st=$(web_get "/api/top?iface=br-lan&by=host&host=02:00:00:00:00:0a&range=7d")
is "$st" 200 "/api/top?by=host&host=: 200"
want=$(web_json '$j->{rows}[0]{rx_bytes} . " " . $j->{rows}[0]{tx_bytes}')
chrome "$T/d7" 1280,1600 "$WEB_URL/?iface=br-lan&hosts=7d&host=02:00:00:00:00:0a" --dump-dom
no_js_errors "$T/d7" "?host="
is "$(dom "$T/d7" "defined attr('host-hist', 'hidden') ? 'hidden' : 'shown'")" shown \
    "?host=ID: the device's history is shown"
like "$(dom "$T/d7" "text('host-hist-info')")" \
    '^laptop \(02:00:00:00:00:0a\) · the last 7 days · received 5\.00 GB · sent 100 MB · rate per ' \
    "  named, over the Hosts panel's range, with what it received and sent"
is "$(dom "$T/d7" "attr('host-chart', 'data-rx') . ' ' . attr('host-chart', 'data-tx')")" "$want" \
    "  its buckets add up to its row of /api/top ($want)"
[ "$(dom "$T/d7" "attr('host-chart', 'data-points')")" -gt 1 ]
ok $? "  charted over several buckets"
is "$(dom "$T/d7" "count(qr{<li[^>]*class=\"pick sel\"[^>]*data-id=\"02:00:00:00:00:0a\"})")" 1 \
    "  its bar marked"

cat >"$T/script" <<'S'
wait document.getElementById('p-hosts').dataset.state === 'ok'
wait document.querySelector('#hosts-bars li.pick[data-id="02:00:00:00:00:0c"]') !== null
click #hosts-bars li.pick[data-id="02:00:00:00:00:0c"]
wait document.getElementById('host-chart').dataset.points > 0
print location.search
print document.getElementById('host-hist-info').textContent
print document.getElementById('host-chart').dataset.rx + ' ' + document.getElementById('host-chart').dataset.tx
print document.querySelector('#hosts-bars li.sel').dataset.id
click #host-hist-close
wait document.getElementById('host-hist').hidden
print location.search
print document.getElementById('errors').dataset.errors
S
cdp "$WEB_URL/?iface=br-lan&hosts=30d"
st=$(web_get "/api/top?iface=br-lan&by=host&host=02:00:00:00:00:0c&range=30d")
want=$(web_json '$j->{rows}[0]{rx_bytes} . " " . $j->{rows}[0]{tx_bytes}')
is "$(c 1)" "?iface=br-lan&hosts=30d&host=02%3A00%3A00%3A00%3A00%3A0c" \
    "a click on the tv's bar charts it, and the address says so"
like "$(c 2)" '^tv \(02:00:00:00:00:0c\) [^ ]+ the last 30 days [^ ]+ received 40\.0 MB [^ ]+ sent 1\.00 kB' \
    "  its name, range and bytes"
is "$(c 3)" "$want" "  received and sent as /api/top has them"
is "$(c 4)" "02:00:00:00:00:0c" "  its bar marked"
is "$(c 5)" "?iface=br-lan&hosts=30d" "the close button takes it away"
is "$(c 6)" 0 "no JavaScript error"

# --- 7. stale, offloaded, and a name with markup
hosts_live "$D" $((HOSTS_NOW - 60))
perl -pi -e 's/"name":"tv"/"name":"<img src=x onerror=document.title=1>tv"/;
    s/"offload":null/"offload":"flowtable ft (hw)"/' "$D/hosts_br-lan.json"
render "$T/d5" 1280,1400 "$WEB_URL/?iface=br-lan" "stale"
like "$(dom "$T/d5" "text('hosts-note')")" \
    'bwprocs is not counting the hosts of br-lan.* Offload: flowtable ft \(hw\) hides bytes' \
    "a stale file and an offload are said"
like "$(dom "$T/d5" "attr('p-hosts', 'class')")" 'stale' "  the bars dimmed"
like "$(dom "$T/d5" "text('hosts-bars')")" '<img src=x onerror=document.title=1>tv' \
    "a name with markup is shown as it is"
is "$(dom "$T/d5" "count(qr{<img})")" 0 "  and creates no element"
hosts_live "$D" $((HOSTS_NOW - 1))
perl -pi -e 's/"offload":null/"offload":"flowtable ft","offload_counted":true/' \
    "$D/hosts_br-lan.json"
render "$T/d6" 1280,1400 "$WEB_URL/?iface=br-lan" "offload-counted"
is "$(dom "$T/d6" "text('hosts-note')")" \
    "Offload: flowtable ft; its flows are counted from conntrack." \
    "an offload counted from conntrack is said so"

web_log_clean
ok $? "nothing in nginx's error log from a sanitizer"
web_stop
done_testing
