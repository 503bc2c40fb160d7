#!/bin/sh
# /metrics through nginx: the exposition format (promtool check metrics),
# the values of the fixture, label escaping, counters that grow with the
# history, and a real Prometheus that scrapes it on loopback and answers
# a query with the fixture's value.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

web_need
command -v promtool >/dev/null 2>&1 ||
    skip_all "promtool is not installed (apt-get install prometheus)"
command -v prometheus >/dev/null 2>&1 ||
    skip_all "prometheus is not installed (apt-get install prometheus)"

cp -R "$SRCDIR/t/data/web-v2" "$T/data"
# bwprocs' per-program totals (bwmon-files(5)): two programs, one with a
# name to escape, and what came after the bound.
cat >"$T/data/ownertotals_eth0.json" <<'EOF'
{"version":1,"iface":"eth0","since":1789990000,"ts":1790000000,"programs":[{"program":"nightly-backup","rx":41000,"tx":4000000000},{"program":"a\"b\\c","rx":7,"tx":8}],"other":{"rx":5,"tx":6}}
EOF
mkproc "$T/proc" "eth0 1000 2000"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc
web_up "$T/data"

rx=$(awk -F, '{ s += $4 } END { printf "%.0f", s }' "$T/data/bw_eth0.csv")
tx=$(awk -F, '{ s += $5 } END { printf "%.0f", s }' "$T/data/bw_eth0.csv")

st=$(web_get /metrics)
is "$st" 200 "/metrics: 200"
is "$(web_header Content-Type)" "text/plain; version=0.0.4; charset=utf-8" \
    "/metrics: text format 0.0.4"
is "$(web_header Cache-Control)" no-store "/metrics: not cached"
cp "$WEB/body" "$T/m1"
promtool check metrics <"$T/m1" >"$T/lint" 2>&1
st=$?
is "$st${st#0}" 0 "promtool check metrics passes"
[ "$st" = 0 ] || sed 's/^/# /' "$T/lint"
is "$(tail -c 1 "$T/m1" | od -An -c | tr -d ' ')" '\n' "ends in a newline"

# val NAME{LABELS}: the value of one series
val() {
	K=$1 awk 'index($0, ENVIRON["K"] " ") == 1 { print $NF }' "$2"
}
is "$(val 'bwmon_interface_receive_bytes_total{device="eth0"}' "$T/m1")" \
    "$rx" "receive bytes: the history's exact sum"
is "$(val 'bwmon_interface_transmit_bytes_total{device="eth0"}' "$T/m1")" \
    "$tx" "transmit bytes: the history's exact sum"
is "$(val 'bwmon_interface_receive_bytes_total{device="wlan0"}' "$T/m1")" \
    3600000 "every interface"
is "$(val 'bwmon_interface_receive_bytes_per_second{device="eth0"}' \
    "$T/m1")" 139875 "current receive rate from the live file, in bytes/s"
is "$(val 'bwmon_interface_transmit_bytes_per_second{device="eth0"}' \
    "$T/m1")" 25148.75 "current transmit rate"
is "$(val 'bwmon_process_transmit_bytes_total{device="eth0",program="rsync"}' \
    "$T/m1")" 515433100 "a program's processes summed"
is "$(val 'bwmon_process_receive_bytes_total{device="eth0",program="quo\"te\\back?line"}' \
    "$T/m1")" 5000 "label values escaped (the newline made '?' by lib/procs.c)"
is "$(val 'bwmon_process_receive_bytes_total{device="eth0",program="naïve-Ünïcode"}' \
    "$T/m1")" 400 "UTF-8 label values"
is "$(val 'bwmon_program_transmit_bytes_total{device="eth0",program="nightly-backup"}' \
    "$T/m1")" 4000000000 "a program's total, from bwprocs' totals file"
is "$(val 'bwmon_program_receive_bytes_total{device="eth0",program="a\"b\\c"}' \
    "$T/m1")" 7 "its label escaped"
is "$(val 'bwmon_program_receive_bytes_total{device="eth0",program="other"}' \
    "$T/m1"),$(val 'bwmon_program_transmit_bytes_total{device="eth0",program="other"}' \
    "$T/m1")" 5,6 "the programs beyond the bound: other"
is "$(grep -c '^bwmon_program_' "$T/m1")" 6 \
    "those and nothing for an interface without totals"
grep -Eq 'pid=|remote=|local=|port=' "$T/m1"
ok $(( ! $? )) "no pid, address or port labels"
is "$(grep -c '^bwmon_process_receive_bytes_total' "$T/m1")" 5 \
    "one series per program (one of them has no name)"
is "$(val 'bwmon_capture_drops_total{device="eth0"}' "$T/m1")" 7 \
    "capture drops"
is "$(val 'bwmon_spikes_total{device="eth0"}' "$T/m1")" 4 "spikes total"
is "$(val 'bwmon_alerts_active{device="eth0"}' "$T/m1")" 1 "alerts active"
is "$(val 'bwmon_alerts_fired_total{device="eth0"}' "$T/m1")" 2 \
    "alerts fired"
is "$(val 'bwmon_data_age_seconds{device="eth0",source="history"}' \
    "$T/m1")" 200 "data age"
is "$(val 'bwmon_bwprocs_up{device="eth0"}' "$T/m1"),$(val \
    'bwmon_bwprocs_up{device="wlan0"}' "$T/m1")" 1,0 "bwprocs up per interface"
is "$(grep -c '^# TYPE' "$T/m1")" "$(grep '^# TYPE' "$T/m1" | sort -u |
    wc -l | tr -d ' ')" "each family once"

# A new row: the counters grow by its bytes, never down.
echo "1790000100,8000,16000,300000,600000,300.000" >>"$T/data/bw_eth0.csv"
web_get /metrics >/dev/null
cp "$WEB/body" "$T/m2"
is "$(val 'bwmon_interface_receive_bytes_total{device="eth0"}' "$T/m2")" \
    "$((rx + 300000))" "a new row adds its bytes"
is "$(val 'bwmon_interface_transmit_bytes_total{device="eth0"}' "$T/m2")" \
    "$((tx + 600000))" "to both counters"
echo "garbage" >>"$T/data/bw_eth0.csv"
printf '1790000400,1,1,1,1' >>"$T/data/bw_eth0.csv"
web_get /metrics >/dev/null
is "$(val 'bwmon_interface_receive_bytes_total{device="eth0"}' \
    "$WEB/body")" "$((rx + 300000))" "garbage and a torn row change nothing"

# The v1 fixture's exact bytes, through promtool too.
cp -R "$SRCDIR/t/data/bwmon-v1" "$T/v1"
web_stop
web_start "$T/v1" || { echo "Bail out! cannot restart nginx"; exit 1; }
web_get /metrics >/dev/null
promtool check metrics <"$WEB/body" >/dev/null 2>&1
ok $? "promtool check metrics on the v1 fixture"
v1rx=$(perl -MJSON::PP -e 'local $/; print decode_json(<>)->{rx_bytes}' \
    "$SRCDIR/t/data/bwmon-v1.expected.json")
is "$(val 'bwmon_interface_receive_bytes_total{device="eth0"}' \
    "$WEB/body")" "$v1rx" "the v1 fixture's exact receive bytes"

# A real Prometheus scraping it through nginx every second.
PP=$(_web_port)
while [ "$PP" = "$WEB_PORT" ]; do
	PP=$(_web_port)
done
cat >"$T/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: bwmon
    static_configs:
      - targets: ['127.0.0.1:$WEB_PORT']
EOF
prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/prom" \
    --web.listen-address="127.0.0.1:$PP" >"$T/prom.log" 2>&1 &
prom=$!
trap 'kill $prom 2>/dev/null; wait $prom 2>/dev/null; web_stop; rm -rf "$T"' \
    EXIT

# poll URL PERL-TEST: until the JSON at URL passes, at most 60 s
poll() {
	_i=0
	while [ $_i -lt 120 ]; do
		if curl -sS --max-time 5 -o "$T/api.json" "$1" 2>/dev/null &&
		    perl -MJSON::PP -e 'local $/; my $j = eval {
		    decode_json(<STDIN>) } or exit 1; exit(eval($ARGV[0]) ?
		    0 : 1)' "$2" <"$T/api.json"; then
			return 0
		fi
		kill -0 $prom 2>/dev/null || return 1
		sleep 0.5
		_i=$((_i + 1))
	done
	return 1
}
P=http://127.0.0.1:$PP
poll "$P/api/v1/targets" 'grep { $_->{health} eq "up" }
    @{$j->{data}{activeTargets}}'
st=$?
ok $st "Prometheus: the target is up"
[ $st = 0 ] || { sed 's/^/# /' "$T/prom.log" | tail -15; cat "$T/api.json" |
    sed 's/^/# /'; }
poll "$P/api/v1/query?query=bwmon_interface_receive_bytes_total" \
    '@{$j->{data}{result}}'
ok $? "Prometheus: the series is stored"
is "$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
    my ($r) = grep { $_->{metric}{device} eq "eth0" } @{$j->{data}{result}};
    print "$r->{metric}{job} $r->{value}[1]"' <"$T/api.json")" "bwmon $v1rx" \
    "Prometheus: bwmon_interface_receive_bytes_total has the fixture's value"
poll "$P/api/v1/query?query=bwmon_spikes_total" '@{$j->{data}{result}}'
is "$(perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{data}{result}[0]{value}[1]' \
    <"$T/api.json")" 5 "Prometheus: bwmon_spikes_total"

kill $prom 2>/dev/null
wait $prom 2>/dev/null
web_log_clean
ok $? "no sanitizer report in the error log"
done_testing
