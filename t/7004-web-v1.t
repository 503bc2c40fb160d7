#!/bin/sh
# A bwmon v1 data directory (t/data/bwmon-v1) through nginx and the CGIs:
# the expected rows and bytes of bwmon-v1.expected.json come back exactly
# from /api/history?range=all and /api/totals, as from bwhistory and
# bwtotal, and v1's procs, spike and alert files are served.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

web_need
need_cmds bwhistory bwtotal

cp -R "$SRCDIR/t/data/bwmon-v1" "$T/data"
export BWMON_NOW=1790000000
web_up "$T/data"
X=$SRCDIR/t/data/bwmon-v1.expected.json
# expect KEY: a value of the expected document
expect() {
	perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	    printf "%.0f\n", $j->{$ARGV[0]}' "$1" <"$X"
}

st=$(web_get "/api/history?iface=eth0&range=all")
is "$st" 200 "/api/history range=all: 200"
web_json '$j->{stats}{samples}' '$j->{stats}{first}' '$j->{stats}{last}' \
    '$j->{stats}{rx}{bytes}' '$j->{stats}{tx}{bytes}' '$j->{spikes}' \
    '$j->{alerts}' >"$T/got"
for k in rows first last rx_bytes tx_bytes spikes alerts; do
	expect $k
done >"$T/want"
is "$(tr '\n' ' ' <"$T/got")" "$(tr '\n' ' ' <"$T/want")" \
    "/api/history: the rows, times, bytes, spikes and alerts expected"
bwhistory -d "$T/data" -i eth0 -r all --json >"$T/bh"
cmp -s "$WEB/body" "$T/bh"
ok $? "/api/history: the same bytes as bwhistory --json"
web_json 'my $s = 0; $s += $_->{rx_bytes} for @{$j->{buckets}}; $s' \
    'my $s = 0; $s += $_->{samples} for @{$j->{buckets}}; $s' \
    'scalar @{$j->{buckets}} <= 3000 ? "fits" : "too many"' >"$T/f"
is "$(sed -n 2,3p "$T/f" | tr '\n' ' ')" "$(expect rows) fits " \
    "/api/history: every row in a bucket, at most 3000 buckets"

st=$(web_get "/api/totals?iface=eth0")
is "$st" 200 "/api/totals: 200"
web_json 'join " ", map { $j->{$_}{total}{rx_bytes} } qw(day week month)' \
    'join " ", map { $j->{$_}{total}{tx_bytes} } qw(day week month)' \
    'join " ", map { $j->{$_}{total}{samples} } qw(day week month)' \
    >"$T/f"
r=$(expect rx_bytes)
t=$(expect tx_bytes)
n=$(expect rows)
is "$(sed -n 1p "$T/f")" "$r $r $r" "/api/totals: exact RX bytes per kind"
is "$(sed -n 2p "$T/f")" "$t $t $t" "/api/totals: exact TX bytes per kind"
is "$(sed -n 3p "$T/f")" "$n $n $n" "/api/totals: every row"
for p in day week month; do
	bwtotal -d "$T/data" -i eth0 --json --$p >"$T/bt"
	is "$(web_json "JSON::PP->new->canonical->encode(\$j->{$p})")" \
	    "$(perl -MJSON::PP -e 'local $/;
	    print JSON::PP->new->canonical->encode(decode_json(<STDIN>))' \
	    <"$T/bt")" "/api/totals: $p as bwtotal --json --$p"
done

st=$(web_get "/api/procs?iface=eth0")
is "$st" 200 "/api/procs on a v1 file: 200"
web_json '$j->{version}' 'join ",", map { $_->{name} } @{$j->{processes}}' \
    '$j->{processes}[0]{kind}' '$j->{processes}[0]{tx_bps}' \
    '$j->{processes}[1]{uid}' '$j->{stale} ? 1 : 0' >"$T/f"
is "$(tr '\n' '|' <"$T/f")" \
    "1|/usr/bin/rsync,sshd: admin@pts/0|process|41234567.5|1000|0|" \
    "/api/procs: v1 processes, as processes"
st=$(web_get "/api/spikes?iface=eth0&range=all")
is "$(web_json '$j->{count}'):$(web_json '$j->{skipped_lines}')" \
    "$(expect spikes):1" "/api/spikes: v1 spikes, the torn line skipped"
st=$(web_get "/api/spike?iface=eth0&ts=1789395000.25")
is "$st" 200 "/api/spike: a v1 record"
is "$(web_json '$j->{spike}{top}[0]{name}')" /usr/bin/rsync2 \
    "/api/spike: the right one"
st=$(web_get "/api/alerts?iface=eth0&range=all")
web_json 'scalar @{$j->{alerts}}' '$j->{active}' \
    '$j->{alerts}[0]{duration_s}' '$j->{alerts}[0]{peak_bps}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "1 0 900 61000000 " \
    "/api/alerts: v1's FIRED and CLEARED paired"
st=$(web_get "/api/live?iface=eth0")
is "$(web_json '$j->{source}')" proc "/api/live: v1 had no live file"

web_log_clean
ok $? "no sanitizer report in the error log"
done_testing
