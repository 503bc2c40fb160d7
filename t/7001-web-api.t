#!/bin/sh
# The web endpoints through real nginx and fcgiwrap over the v2 fixture
# (t/data/web-v2): every endpoint's JSON, /api/history byte for byte
# against bwhistory --json and /api/totals against bwtotal --json on the
# same data, status codes, headers, HEAD and other methods.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

web_need
need_cmds bwhistory bwtotal

cp -R "$SRCDIR/t/data/web-v2" "$T/data"
mkproc "$T/proc" "eth0 1000 2000" "wlan0 5 6"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc
web_up "$T/data"

# --- /api/ifaces
st=$(web_get /api/ifaces)
is "$st" 200 "/api/ifaces: 200"
is "$(web_header Content-Type)" application/json "/api/ifaces: JSON"
is "$(web_header Cache-Control)" no-store "/api/ifaces: live data is not cached"
is "$(web_header X-Content-Type-Options)" nosniff "/api/ifaces: nosniff"
web_json '$j->{default}' 'join ",", map { $_->{name} } @{$j->{ifaces}}' \
    '$j->{ifaces}[0]{last_row}' '$j->{ifaces}[0]{bwprocs}' \
    '$j->{ifaces}[1]{bwprocs}' \
    'join ",", map { defined $j->{ifaces}[0]{files}{$_} ? 1 : 0 }
    qw(history state live procs spikes alerts)' \
    'join ",", map { defined $j->{ifaces}[1]{files}{$_} ? 1 : 0 }
    qw(history state live procs spikes alerts)' \
    '$j->{ifaces}[0]{files}{history}{size}' >"$T/f"
is "$(sed -n 1p "$T/f")" eth0 "/api/ifaces: the first with data is the default"
is "$(sed -n 2p "$T/f")" eth0,wlan0 "/api/ifaces: both interfaces"
is "$(sed -n 3p "$T/f")" 1789999800 "/api/ifaces: time of the last row"
is "$(sed -n 4p "$T/f")" running "/api/ifaces: bwprocs runs for eth0"
is "$(sed -n 5p "$T/f")" absent "/api/ifaces: not for wlan0"
is "$(sed -n 6p "$T/f")" 1,1,1,1,1,1 "/api/ifaces: eth0 has every file"
is "$(sed -n 7p "$T/f")" 1,0,0,0,0,0 "/api/ifaces: wlan0 only history"
is "$(sed -n 8p "$T/f")" "$(wc -c <"$T/data/bw_eth0.csv" | tr -d ' ')" \
    "/api/ifaces: file size"

# --- /api/history: the very bytes bwhistory --json prints
for r in 1h 24h 7d 30d 6m all; do
	for i in eth0 wlan0; do
		st=$(web_get "/api/history?iface=$i&range=$r")
		bwhistory -d "$T/data" -i "$i" -r "$r" --json >"$T/want" \
		    2>/dev/null
		is "$st" 200 "/api/history $i $r: 200"
		cmp -s "$WEB/body" "$T/want"
		ok $? "/api/history $i $r: the same bytes as bwhistory --json"
	done
done
is "$(web_header Cache-Control)" max-age=60 "/api/history: cached a minute"
web_get "/api/history?iface=eth0" >/dev/null
bwhistory -d "$T/data" -i eth0 --json >"$T/want"
cmp -s "$WEB/body" "$T/want"
ok $? "/api/history: range 24h by default, as bwhistory"
web_get "/api/history" >/dev/null
cmp -s "$WEB/body" "$T/want"
ok $? "/api/history: the default interface without iface"
web_get "/api/history?iface=eth0&range=all" >/dev/null
web_json '$j->{stats}{samples}' '$j->{stats}{gaps}' \
    '$j->{stats}{rx}{bytes}' '$j->{spikes}' '$j->{alerts}' >"$T/f"
is "$(sed -n 1p "$T/f")" 575 "/api/history: 575 rows"
is "$(sed -n 2p "$T/f")" 0 "/api/history: no gap (600 s is a late sample)"
is "$(sed -n 3p "$T/f")" \
    "$(awk -F, '{ s += $4 } END { printf "%.0f", s }' "$T/data/bw_eth0.csv")" \
    "/api/history: exact RX bytes"
is "$(sed -n 4p "$T/f")" 3 "/api/history: spikes in range counted (garbage skipped)"
is "$(sed -n 5p "$T/f")" 2 "/api/history: FIRED alerts counted"

# --- /api/totals: bwtotal --json for days, weeks and months
st=$(web_get "/api/totals?iface=eth0")
is "$st" 200 "/api/totals: 200"
cp "$WEB/body" "$T/totals.json"
for p in day week month; do
	bwtotal -d "$T/data" -i eth0 --json --$p >"$T/bt.$p"
	perl -MJSON::PP -e 'sub load { local $/; open(my $f, "<", $_[0])
	    or die; JSON::PP->new->canonical->decode(<$f>) }
	    my $a = load($ARGV[0])->{$ARGV[1]}; my $b = load($ARGV[2]);
	    exit(JSON::PP->new->canonical->encode($a) eq
	    JSON::PP->new->canonical->encode($b) ? 0 : 1)' \
	    "$T/totals.json" $p "$T/bt.$p"
	ok $? "/api/totals: $p is what bwtotal --json --$p prints"
done
web_json '$j->{day}{total}{rx_bytes} + $j->{day}{total}{tx_bytes} ==
    $j->{day}{total}{total_bytes} ? "ok" : "bad"' \
    'scalar @{$j->{day}{periods}}' 'scalar @{$j->{week}{periods}}' \
    'scalar @{$j->{month}{periods}}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "ok 30 12 12 " "/api/totals: 30 days, 12 weeks, 12 months"

# --- /api/live
st=$(web_get "/api/live?iface=eth0")
is "$st" 200 "/api/live: 200"
is "$(web_header Cache-Control)" no-store "/api/live: not cached"
web_json '$j->{source}' '$j->{stale} ? 1 : 0' 'scalar @{$j->{samples}}' \
    'join ",", @{$j->{samples}[-1]}' '$j->{samples}[0][0]' \
    '$j->{age_seconds}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" \
    "bwprocs 0 119 1789999999,1119000,201190 1789999881 1 " \
    "/api/live: the last 120 entries of the live file, garbage dropped"
st=$(web_get "/api/live?iface=wlan0")
is "$st" 200 "/api/live without bwprocs: 200"
web_json '$j->{source}' '$j->{counters}{rx_bytes}' \
    '$j->{counters}{tx_bytes}' 'scalar @{$j->{samples}}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "proc 5 6 0 " \
    "/api/live without bwprocs: one /proc/net/dev reading"
like "$(web_json '$j->{note}')" 'bwprocs is not running.*bwprocs@wlan0' \
    "/api/live without bwprocs: says so, and how to start it"
web_stop
BWMON_NOW=1790000010 web_start "$T/data" ||
    { echo "Bail out! cannot restart nginx"; exit 1; }
web_get "/api/live?iface=eth0" >/dev/null
web_json '$j->{source}' '$j->{counters}{rx_bytes}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "proc 1000 " "/api/live: a stale live file is not served"
like "$(web_json '$j->{note}')" '11 s old' "/api/live: the note says how old"
web_get "/api/procs?iface=eth0" >/dev/null
web_json '$j->{stale} ? 1 : 0' '$j->{age_seconds}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "1 10.5 " "/api/procs: a stale file is flagged"
like "$(web_json '$j->{note}')" 'not running' "/api/procs: and explained"
web_stop
web_start "$T/data" || { echo "Bail out! cannot restart nginx"; exit 1; }

# --- /api/procs
st=$(web_get "/api/procs?iface=eth0")
is "$st" 200 "/api/procs: 200"
web_json '$j->{version}' '$j->{age_seconds}' '$j->{stale} ? 1 : 0' \
    'scalar @{$j->{processes}}' '$j->{processes}[0]{name}' \
    '$j->{processes}[0]{tx_bytes}' \
    '(my $x = $j->{processes}[2]{name}) =~ s/\n/<NL>/g; $x' \
    '$j->{processes}[5]{kind}' \
    'join ",", map { defined $_ ? $_ : "null" } @{$j->{processes}[6]}{qw(name pid tx_bps)}' \
    'scalar @{$j->{connections}}' '$j->{connections}[1]{local}' \
    '$j->{capture}{drops}' '$j->{coverage}' '$j->{started}' >"$T/f"
is "$(sed -n 1,4p "$T/f" | tr '\n' ' ')" "2 0.5 0 7 " \
    "/api/procs: version, age, fresh, every process"
is "$(sed -n 5,6p "$T/f" | tr '\n' ' ')" "rsync 515432100 " \
    "/api/procs: process fields"
is "$(sed -n 7p "$T/f")" 'quo"te\back?line' \
    "/api/procs: names kept, control characters made '?' (lib/procs.c)"
is "$(sed -n 8p "$T/f")" unattributed "/api/procs: unattributed rows"
is "$(sed -n 9p "$T/f")" "null,null,null" "/api/procs: values of the wrong type are null"
is "$(sed -n 10,11p "$T/f" | tr '\n' ' ')" "2 [2001:db8::1]:443 " \
    "/api/procs: connections"
is "$(sed -n 12,14p "$T/f" | tr '\n' ' ')" "7 0.998 1789990000 " \
    "/api/procs: capture, coverage, start"
st=$(web_get "/api/procs?iface=wlan0")
is "$st" 404 "/api/procs without a procs file: 404"
like "$(web_json '$j->{error}')" 'no procs_wlan0.json' "/api/procs: says what is missing"
like "$(web_json '$j->{hint}')" 'systemctl enable --now bwprocs@wlan0' \
    "/api/procs: and how to start it"

# --- /api/spikes and /api/spike
st=$(web_get "/api/spikes?iface=eth0")
is "$st" 200 "/api/spikes: 200"
web_json '$j->{count}' '$j->{skipped_lines}' \
    'join ",", map { $_->{top} } @{$j->{spikes}}' \
    'join ",", map { $_->{ts} } @{$j->{spikes}}' '$j->{truncated} ? 1 : 0' \
    '$j->{spikes}[1]{total_bps}' '$j->{spikes}[1]{coverage}' >"$T/f"
is "$(sed -n 1,2p "$T/f" | tr '\n' ' ')" "3 1 " \
    "/api/spikes: 3 in the last 24 h, one garbage line"
is "$(sed -n 3p "$T/f")" rsync,scp,apt "/api/spikes: oldest first, top process"
is "$(sed -n 4p "$T/f")" 1789950000.5,1789980000.25,1789990000 \
    "/api/spikes: their times"
is "$(sed -n 5,7p "$T/f" | tr '\n' ' ')" "0 80000000 0.99 " \
    "/api/spikes: rates and coverage"
web_get "/api/spikes?iface=eth0&range=all" >/dev/null
is "$(web_json '$j->{count}')" 4 "/api/spikes: range all"
st=$(web_get "/api/spike?iface=eth0&ts=1789980000.25")
is "$st" 200 "/api/spike: 200"
web_json '$j->{spike}{top}[0]{name}' '$j->{spike}{top_flows}[0]{dport}' \
    '$j->{spike}{iface_rates}{eth0}{tx_bps}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "scp 873 70000000 " "/api/spike: the whole record"
st=$(web_get "/api/spike?iface=eth0&ts=1789980000.3")
is "$st" 404 "/api/spike: no spike at that time: 404"
st=$(web_get "/api/spike?iface=eth0")
is "$st" 400 "/api/spike: ts is required"
st=$(web_get "/api/spikes?iface=wlan0")
is "$st" 404 "/api/spikes without a log: 404"

# --- /api/alerts
st=$(web_get "/api/alerts?iface=eth0")
is "$st" 200 "/api/alerts: 200"
web_json '$j->{active}' 'scalar @{$j->{alerts}}' \
    'join ",", map { $_->{active} ? 1 : 0 } @{$j->{alerts}}' \
    '$j->{alerts}[0]{fired_at}' '$j->{alerts}[0]{duration_s}' \
    '$j->{alerts}[0]{peak_bps}' '$j->{alerts}[0]{top}[0]{name}' \
    '$j->{alerts}[1]{cleared_at}' '$j->{alerts}[1]{duration_s}' \
    '$j->{alerts}[1]{peak_bps}' >"$T/f"
is "$(sed -n 1,3p "$T/f" | tr '\n' ' ')" "1 2 1,0 " \
    "/api/alerts: two alerts, the newest active"
is "$(sed -n 4,7p "$T/f" | tr '\n' ' ')" "1789995000 5000 70000000 scp " \
    "/api/alerts: the active one, lasting until now"
is "$(sed -n 8,10p "$T/f" | tr '\n' ' ')" "1789960600.5 600 90000000 " \
    "/api/alerts: FIRED and CLEARED paired"
web_get "/api/alerts?iface=eth0&active=1" >/dev/null
is "$(web_json 'scalar @{$j->{alerts}}' '$j->{alerts}[0]{active} ? 1 : 0' |
    tr '\n' ' ')" "1 1 " "/api/alerts: active=1"
web_get "/api/alerts?iface=eth0&range=1h" >/dev/null
is "$(web_json 'scalar @{$j->{alerts}}')" 1 \
    "/api/alerts: an active alert overlaps any recent range"

# --- /api/heatmap against an independent reading of the CSV
st=$(web_get "/api/heatmap?iface=eth0&range=all")
is "$st" 200 "/api/heatmap: 200"
perl -MJSON::PP -MPOSIX=floor -e '
    local $/; open(my $f, "<", $ARGV[0]) or die; my $j = decode_json(<$f>);
    open(my $c, "<", $ARGV[1]) or die; my (%rx, %tx, %s, %n, @rates);
    for my $l (split /\n/, <$c>) { my ($ts, $r, $t, $rb, $tb, $iv) =
    split /,/, $l; my $mid = floor($ts - $iv / 2); my @tm = gmtime($mid);
    my $k = (($tm[6] + 6) % 7) . ":" . $tm[2]; $rx{$k} += $rb;
    $tx{$k} += $tb; $s{$k} += $iv; $n{$k}++; push @rates, $r, $t }
    my $bad = 0; my $cells = 0;
    for my $d (0 .. 6) { for my $h (0 .. 23) { my $k = "$d:$h";
    my $g = $j->{rx_avg_bps}[$d][$h]; my $n = $j->{cell_samples}[$d][$h];
    if (!$n{$k}) { $bad++ if defined $g || $n; next }
    $cells++; $bad++ if $n != $n{$k} ||
    abs($g - $rx{$k} * 8 / $s{$k}) > 0.001 ||
    abs($j->{tx_avg_bps}[$d][$h] - $tx{$k} * 8 / $s{$k}) > 0.001 } }
    my $h = $j->{histogram}; my ($sr, $st) = (0, 0); $sr += $_ for
    @{$h->{rx}}; $st += $_ for @{$h->{tx}}; my $e = $h->{edges_bps};
    my $last = $e->[-1]; my $max = 0; for (@rates) { $max = $_ if $_ > $max }
    print "$cells $bad $j->{samples} $sr $st ", scalar(@$e) ==
    scalar(@{$h->{rx}}) + 1 ? "edges" : "noedges", " ",
    $last > $max ? "covers" : "short", "\n"' "$WEB/body" \
    "$T/data/bw_eth0.csv" >"$T/f"
is "$(cat "$T/f")" "49 0 575 575 575 edges covers" \
    "/api/heatmap: every cell's average and samples, the histogram"
is "$(web_json '$j->{tz}' '$j->{utc_offset}' 'join ",", @{$j->{days}}' | tr '\n' ' ')" \
    "UTC 0 Mon,Tue,Wed,Thu,Fri,Sat,Sun " "/api/heatmap: zone, offset and days"

# --- methods, HEAD, unknown paths
st=$(web_get "/api/history?iface=eth0&range=7d")
len=$(web_header Content-Length)
st=$(web_get "/api/history?iface=eth0&range=7d" -I)
is "$st" 200 "HEAD: 200"
cmp -s "$WEB/body" "$WEB/headers"
ok $? "HEAD: no body"
is "$(web_header Content-Length)" "$len" "HEAD: the Content-Length of GET"
for m in POST PUT DELETE OPTIONS PATCH; do
	st=$(web_get "/api/history?iface=eth0" -X $m -d x=1)
	is "$st" 405 "$m: 405"
done
is "$(web_header Allow)" "GET, HEAD" "405: Allow: GET, HEAD"
like "$(web_json '$j->{error}')" 'method not allowed' "405: a JSON error"
for e in ifaces live procs history spikes alerts totals heatmap; do
	st=$(web_get "/api/$e?iface=eth0" -X POST -d x=1)
	is "$st" 405 "POST /api/$e: 405"
done
st=$(web_get /api/nosuch)
is "$st" 404 "an unknown endpoint: 404"
is "$(web_json '$j->{error}')" "no such endpoint" "an unknown endpoint: JSON"
st=$(web_get /api/history.cgi)
is "$st" 404 "no CGI by its file name"
st=$(web_get /cgi/history.cgi)
is "$st" 404 "the CGI directory is not served"

web_log_clean
ok $? "no sanitizer report in the error log"
done_testing
