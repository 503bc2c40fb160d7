#!/bin/sh
# A router's LAN devices on the web side (issue 15), from hand-written
# host files (t/data/hosts-lib.sh): /api/hosts (the live file, its age,
# stale when the writer stopped, absent, damaged or a symlink),
# /api/top?by=host (the host history, with buckets, one device with
# host=), and /metrics' per-
# device counters: the hosts_top busiest and an "other" series that
# never goes down while devices overtake each other; a hosts file whose
# JSON would take hundreds of MB answered within bounded memory; and
# /api/hosts routed by nginx.  The CGIs run directly, as t/7000 runs
# them (sanitizer builds included), then once behind nginx.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/hosts-lib.sh"
. "${0%/*}/web.sh"

. "$SRCDIR/t/data/cgi-lib.sh"
cgi_need hosts
command -v promtool >/dev/null 2>&1 ||
    skip_all "promtool is not installed (apt-get install prometheus)"
web_need

D=$T/data
hosts_fixture "$D"
cp "$D/bw_br-lan.csv" "$D/bw_eth0.csv"
mkproc "$T/proc" "eth0 1000 2000"
: >"$T/bwmon.conf"
export BWMON_NOW=$HOSTS_NOW BWMON_PROC=$T/proc BWMON_DATA_DIR=$D \
    BWMON_CONF=$T/bwmon.conf

# val NAME{LABELS} FILE: the value of one series
val() {
	K=$1 awk 'index($0, ENVIRON["K"] " ") == 1 { print $NF }' "$2"
}

# --- /api/hosts: the live file
answers 200 "/api/hosts?iface=br-lan: 200" hosts "iface=br-lan"
like "$(cat "$T/h")" 'Cache-Control: no-store' "  live data: not cached"
is "$(jbody '$j->{stale} ? "stale" : "fresh"')" fresh \
    "  written a second ago: fresh"
is "$(jbody '$j->{age_seconds} . " " . $j->{interval_seconds} . " " . $j->{source}')" \
    "0.5 1 nftables" "  its age, interval and source"
is "$(jbody '($j->{offload} // "null") . " " . ($j->{offload_counted} // "null")')" \
    "null null" "  nothing offloaded"
is "$(jbody 'join ",", map { $_->{label} } @{$j->{hosts}}')" \
    "laptop,tv,10.1.0.99" "  every device, in the file's order"
is "$(jbody 'my $h = $j->{hosts}[0]; join " ", $h->{id}, $h->{mac}, $h->{from}, join("+", @{$h->{addrs}}), $h->{rx_bytes}, $h->{tx_bytes}, $h->{rx_bps}, $h->{tx_bps}, $h->{seen}')" \
    "$HOSTS_LAPTOP $HOSTS_LAPTOP lease 10.1.0.10+fd00::10 5000000000 100000000 8000000 400000 $((HOSTS_NOW - 1))" \
    "  a device: id, MAC, where its name came from, addresses, bytes, rates"
is "$(jbody 'my $h = $j->{hosts}[2]; ($h->{name} // "null") . " " . ($h->{mac} // "null") . " " . $h->{label}')" \
    "null null 10.1.0.99" "  one without a name or MAC: labelled by its address"
is "$(jbody 'exists $j->{note} ? "note" : "none"')" none "  no note"
is "$(jbody '$j->{top}')" 50 "  the dashboard's top: hosts_top"
cp "$D/hosts_br-lan.json" "$T/hosts.keep"
perl -pi -e 's/"offload":null/"offload":"flowtable ft","offload_counted":true/' \
    "$D/hosts_br-lan.json"
answers 200 "/api/hosts, offload counted: 200" hosts "iface=br-lan"
is "$(jbody '$j->{offload} . " " . ($j->{offload_counted} ? "counted" : "not")')" \
    "flowtable ft counted" "  what is offloaded, and that it is counted"
mv "$T/hosts.keep" "$D/hosts_br-lan.json"

BWMON_NOW=$((HOSTS_NOW + 10)) cgi hosts "iface=br-lan" >/dev/null
is "$(jbody '$j->{stale} ? "stale" : "fresh"')" stale \
    "10 s later, without a new file: stale"
like "$(jbody '$j->{note}')" 'bwprocs is not counting the hosts of br-lan' \
    "  and a note says so"
is "$(jbody 'scalar @{$j->{hosts}}')" 3 "  the last devices still shown"

answers 404 "an interface without a hosts file: 404" hosts "iface=eth0"
like "$(jbody '$j->{hint}')" 'router, for its LAN interface' "  with a hint"
answers 400 "a path-like interface: 400" hosts "iface=../x"

cp "$D/hosts_br-lan.json" "$T/keep.json"
printf '{"ts":1789999999,"hosts":{}}\n' >"$D/hosts_br-lan.json"
answers 500 "a hosts file without a hosts array: 500" hosts "iface=br-lan"
is "$(jbody '$j->{error}')" "hosts_br-lan.json is not a valid hosts file" \
    "  which says so"
printf '{"ts":1789999999.5,"interval":1,"hosts":[{"id":"x\\u001b[2J","name":"a\\u202eb","addrs":[7,"10.9.9.9"],"rx":-1,"tx":"5"},42,{"name":"no id"}]}\n' \
    >"$D/hosts_br-lan.json"
answers 200 "hostile values: 200" hosts "iface=br-lan"
is "$(jbody 'scalar @{$j->{hosts}}')" 1 "  rows that are no device skipped"
is "$(jbody 'my $h = $j->{hosts}[0]; join " ", $h->{id}, $h->{name}, join("+", @{$h->{addrs}}), $h->{rx_bytes}, $h->{tx_bytes}')" \
    'x?[2J a?b 10.9.9.9 0 0' \
    "  control and bidi characters made ?, wrong types absent"
rm "$D/hosts_br-lan.json"
ln -s "$T/keep.json" "$D/hosts_br-lan.json"
answers 400 "a symlink: refused" hosts "iface=br-lan"
rm "$D/hosts_br-lan.json"
cp "$T/keep.json" "$D/hosts_br-lan.json"

# --- /api/top?by=host: the host history
answers 200 "/api/top?by=host&range=all: 200" top "iface=br-lan&by=host&range=all"
is "$(jbody 'join ",", map { "$_->{name}/" . ($_->{id} // "-") . "=$_->{total_bytes}" } @{$j->{rows}}')" \
    "laptop/$HOSTS_LAPTOP=5102004600,phone-2/02:00:00:00:00:0b=1050000000,tv/02:00:00:00:00:0c=40001000,10.1.0.99/10.1.0.99=3000,evil?[2Jx/02:00:00:00:00:0e=20" \
    "  every device, its id, busiest first, by its newest name"
is "$(jbody '$j->{by} . " " . ($j->{coverage} // "null")')" "host null" \
    "  by host, no coverage"
answers 200 "by=host with buckets: 200" top "iface=br-lan&by=host&from=1789995600&to=1789996200&buckets=2"
is "$(jbody 'join ",", map { "$_->{name}:" . join("+", @{$_->{bytes}}) } @{$j->{buckets}{series}}')" \
    "tv:0+40001000,laptop:3600+0" "  each device's bytes per bucket"
is "$(jbody 'join ",", map { "$_->{name}:" . join("+", @{$_->{rx_bytes}}) . "/" . join("+", @{$_->{tx_bytes}}) } @{$j->{buckets}{series}}')" \
    "tv:0+40000000/0+1000,laptop:400+0/3200+0" \
    "  and what it received and sent"
answers 200 "by=host&host=: one device, with buckets: 200" top "iface=br-lan&by=host&host=02:00:00:00:00:0c&from=1789995600&to=1789996200&buckets=2"
is "$(jbody 'join ",", map { "$_->{name}/$_->{id}=$_->{rx_bytes}+$_->{tx_bytes}" } @{$j->{rows}}')" \
    "tv/02:00:00:00:00:0c=40000000+1000" "  only its row"
is "$(jbody 'join ",", map { "$_->{name}:" . join("+", @{$_->{rx_bytes}}) . "/" . join("+", @{$_->{tx_bytes}}) } @{$j->{buckets}{series}}')" \
    "tv:0+40000000/0+1000" "  only its series, received and sent"
is "$(jbody '$j->{total_bytes}')" 40004600 \
    "  the window's total is every device's"
st=$(cgi top "iface=br-lan&by=host&host=02:00:00:00:00:0e&range=all&n=1")
is "$(jbody 'join ",", map { "$_->{name}=$_->{total_bytes}" } @{$j->{rows}}')" \
    "evil?[2Jx=20" "  a device beyond n is still found"
st=$(cgi top "iface=br-lan&by=host&host=02:00:00:00:00:99&range=all")
is "$st$(jbody 'scalar @{$j->{rows}}')" 2000 \
    "  a device that moved nothing in the window: no row"
st=$(cgi top "iface=br-lan&by=host&host=02%3A00%3a00%3A00%3A00%3A0c&range=all")
is "$st $(jbody 'join ",", map { $_->{id} } @{$j->{rows}}')" \
    "200 02:00:00:00:00:0c" "  its colons sent as %3A, as a browser sends them"
answers 400 "  no other escape" top "iface=br-lan&by=host&host=02%2E00&range=all"
answers 400 "host= without by=host: 400" top "iface=br-lan&by=program&host=02:00:00:00:00:0c"
answers 400 "host= that is no MAC or address: 400" top "iface=br-lan&by=host&host=../etc"
answers 404 "no host history: 404" top "iface=eth0&by=host"
like "$(jbody '$j->{error}')" 'no host history for eth0' "  which says so"
answers 400 "by=hosts: 400" top "iface=br-lan&by=hosts"
like "$(jbody '$j->{error}')" 'remote or host' "  naming the kinds"

# --- /metrics: the devices' counters
answers 200 "/metrics: 200" metrics ""
cp "$T/b" "$T/m1"
promtool check metrics <"$T/m1" >"$T/lint" 2>&1
st=$?
is "$st${st#0}" 0 "  promtool check metrics passes"
[ "$st" = 0 ] || sed 's/^/# /' "$T/lint"
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="02:00:00:00:00:0a",name="laptop"}' "$T/m1")" \
    5000000000 "  a device's received bytes, by id and name"
is "$(val 'bwmon_host_transmit_bytes_total{device="br-lan",host="10.1.0.99",name="10.1.0.99"}' "$T/m1")" \
    3000 "  one without a name, by its address"
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="other",name="other"}' "$T/m1")" \
    0 "  other: none beyond hosts_top"
is "$(grep -c '^bwmon_host_.*device="eth0"' "$T/m1")" 0 \
    "  no host series for an interface without hosts"

# hosts_top = 1: the laptop and "other"; then the tv overtakes it, on
# received bytes only, and a new device comes: no series goes down.
echo "hosts_top = 1" >"$T/bwmon.conf"
cgi metrics "" >/dev/null
cp "$T/b" "$T/m2"
is "$(grep -c '^bwmon_host_receive_bytes_total' "$T/m2")" 2 \
    "hosts_top = 1: one device and other"
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="other",name="other"}' "$T/m2")" \
    40002000 "  other: the rest's received bytes"
is "$(val 'bwmon_host_transmit_bytes_total{device="br-lan",host="other",name="other"}' "$T/m2")" \
    4000 "  and sent bytes"
sed -e 's/"rx":40000000,/"rx":5000000500,/' "$T/keep.json" >"$D/hosts_br-lan.json"
cgi metrics "" >/dev/null
cp "$T/b" "$T/m3"
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="02:00:00:00:00:0c",name="tv"}' "$T/m3")" \
    5000000500 "the tv overtakes the laptop: its series"
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="other",name="other"}' "$T/m3")" \
    5000002000 "  other now holds the laptop: it went up, not down"
is "$(val 'bwmon_host_transmit_bytes_total{device="br-lan",host="02:00:00:00:00:0a",name="laptop"}' "$T/m3")" \
    100000000 "  each direction ranked by its own bytes"
hosts_live "$D" "$((HOSTS_NOW - 1))" 3
sed -i -e 's/"rx":40000000,/"rx":5000000500,/' "$D/hosts_br-lan.json"
cgi metrics "" >/dev/null
is "$(val 'bwmon_host_receive_bytes_total{device="br-lan",host="other",name="other"}' "$T/b")" \
    5000002006 "  new devices add to other"
: >"$T/bwmon.conf"

# --- memory: a hosts file whose JSON would take hundreds of MB
huge_json "$D/hosts_br-lan.json" '"ts": 1789999999.5, "hosts": [], '
answers 500 "a hosts file whose JSON needs 270 MB: 500" hosts "iface=br-lan"
is "$(jbody '$j->{error}')" "hosts_br-lan.json is too large to read" \
    "  and says so"
small "  /api/hosts"
answers 200 "/metrics carries on" metrics ""
is "$(grep -c '^bwmon_host_' "$T/b")" 0 "  without host series"
hosts_live "$D" "$((HOSTS_NOW - 1))" 5000
answers 200 "5003 devices: 200" hosts "iface=br-lan"
is "$(jbody 'scalar @{$j->{hosts}}')" 5003 "  every one listed"
small "  /api/hosts of 5003 devices"
cgi metrics "" >/dev/null
is "$(grep -c '^bwmon_host_receive_bytes_total' "$T/b")" 51 \
    "  /metrics: hosts_top (50) devices and other"

# --- behind nginx
cp "$T/keep.json" "$D/hosts_br-lan.json"
web_up "$D"
st=$(web_get "/api/hosts?iface=br-lan")
is "$st" 200 "nginx routes /api/hosts"
is "$(web_json '$j->{hosts}[0]{label}')" laptop "  to hosts.cgi"
web_log_clean
ok $? "  nothing in nginx's error log from a sanitizer"
web_stop

done_testing
