#!/bin/sh
# bwhistory --json and --csv: the bwmon v1 fixture's exact figures, exact
# buckets of a handmade history, gaps, and the spike and alert counts.
. "${0%/*}/lib.sh"
D=$SRCDIR/t/data

# json FILE EXPR: evaluate the Perl expression EXPR with the decoded
# document in $j; undef prints "null", a parse error "BADJSON".
json() {
	perl -MJSON::PP -0777 -e '
		my $j = eval { JSON::PP->new->decode(scalar <STDIN>) };
		defined $j or do { print "BADJSON"; exit 0 };
		my $v = eval $ARGV[0];
		print defined $v ? $v : "null"' "$2" <"$1"
}

BUCKET='join " ", map { my $b = $_; join ",", map { defined $b->{$_} ?
    $b->{$_} : "null" } qw(ts rx_avg_bps rx_peak_bps tx_avg_bps tx_peak_bps
    rx_bytes tx_bytes samples) } @{$j->{buckets}}'

# The bwmon v1 fixture, read as it is.
bwhistory --json -r all -d "$D/bwmon-v1" -i eth0 >"$T/v1.json" 2>"$T/err"
ok $? "v1 fixture: --json -r all exits 0"
is "$(cat "$T/err")" "" "v1 fixture: nothing on stderr"
is "$(wc -l <"$T/v1.json" | tr -d ' ')" 1 "v1 fixture: one line of JSON"
is "$(json "$T/v1.json" '$j->{stats}{samples}')" 4009 "v1: samples"
is "$(json "$T/v1.json" '$j->{stats}{first}')" 1788790200 "v1: first"
is "$(json "$T/v1.json" '$j->{stats}{last}')" 1789999800 "v1: last"
is "$(json "$T/v1.json" '$j->{stats}{rx}{bytes}')" 217486043775 \
    "v1: rx bytes"
is "$(json "$T/v1.json" '$j->{stats}{tx}{bytes}')" 108083336175 \
    "v1: tx bytes"
is "$(json "$T/v1.json" '$j->{spikes}')" 5 "v1: spikes (torn last line)"
is "$(json "$T/v1.json" '$j->{alerts}')" 1 "v1: alerts (FIRED only)"
is "$(json "$T/v1.json" '$j->{stats}{gaps}')" 1 "v1: the reboot is one gap"
is "$(json "$T/v1.json" '$j->{stats}{skipped_lines}')" 2 \
    "v1: garbage and torn rows skipped"
is "$(json "$T/v1.json" '$j->{iface} . " " . $j->{range}')" "eth0 all" \
    "v1: iface and range"
is "$(json "$T/v1.json" '$j->{from} . " " . $j->{to}')" \
    "1788790050 1789999801" "v1: all spans first middle to last ts + 1"
is "$(json "$T/v1.json" 'my $n = @{$j->{buckets}}; $n <= 3000 &&
    $n * $j->{bucket_seconds} >= $j->{to} - $j->{from} ? "fits" : $n')" \
    fits "v1: at most 3000 buckets cover the range"
is "$(json "$T/v1.json" 'my ($r, $t, $n) = (0, 0, 0); for (@{$j->{buckets}}) {
    $r += $_->{rx_bytes}; $t += $_->{samples}; $n++ }
    (abs($r - $j->{stats}{rx}{bytes}) <= $n / 2 ? "close" : $r) . " $t"')" \
    "close 4009" "v1: buckets add up to the totals, but for rounding"
is "$(json "$T/v1.json" '$j->{buckets}[0]{rx_bytes} . " " .
    $j->{buckets}[0]{ts}')" "58633650 1788789600" \
    "v1: the first row counts 300 s, in its aligned bucket"

TZ=XST-5:30 BWMON_NOW=1790000000 bwhistory -j -r 6m -d "$D/bwmon-v1" \
    -i eth0 >"$T/tz.json"
is "$(json "$T/tz.json" 'my @b = @{$j->{buckets}}; join " ",
    $j->{bucket_seconds}, scalar(@b),
    scalar grep { ($_->{ts} + 19800) % 7200 } @b')" "7200 2161 0" \
    "6m: 2-hour buckets aligned to local time (UTC+5:30)"

# The document's shape.
is "$(json "$T/v1.json" 'join ",", sort keys %$j')" \
    "alerts,bucket_seconds,buckets,from,iface,range,spikes,stats,to" \
    "top-level keys"
keys=rx_avg_bps,rx_bytes,rx_peak_bps,samples,ts
keys=$keys,tx_avg_bps,tx_bytes,tx_peak_bps
is "$(json "$T/v1.json" 'join ",", sort keys %{$j->{buckets}[0]}')" \
    "$keys" "bucket keys"
is "$(json "$T/v1.json" 'join ",", sort keys %{$j->{stats}}')" \
    "first,gaps,last,rx,samples,skipped_lines,tx" "stats keys"
is "$(json "$T/v1.json" 'join ",", sort keys %{$j->{stats}{tx}}')" \
    "avg_bps,bytes,p95_bps,peak_bps" "direction keys"
is "$(json "$T/v1.json" '$j->{stats}{rx}{bytes} =~ /^\d+$/ ? "int" : "no"')" \
    int "bytes are integers"

# A handmade history: exact buckets over the last hour.
BWMON_NOW=1789999800 bwhistory -j -r 1h -d "$D/hist-small" -i eth0 \
    >"$T/small.json"
ok $? "small: -j -r 1h exits 0"
is "$(json "$T/small.json" '"$j->{from} $j->{to} $j->{bucket_seconds}"')" \
    "1789996200 1789999800 300" "small: range and bucket size"
is "$(json "$T/small.json" "$BUCKET")" "\
1789996200,8000,8000,16000,16000,300000,600000,1 \
1789996500,24000,32000,4000,8000,900000,150000,2 \
1789996800,null,null,null,null,0,0,0 \
1789997100,null,null,null,null,0,0,0 \
1789997400,null,null,null,null,0,0,0 \
1789997700,null,null,null,null,0,0,0 \
1789998000,1000,1000,2000,2000,337500,675000,1 \
1789998300,null,null,null,null,0,0,0 \
1789998600,null,null,null,null,0,0,0 \
1789998900,null,null,null,null,0,0,0 \
1789999200,null,null,null,null,0,0,0 \
1789999500,4000,4000,0,0,150000,0,1" "small: exact buckets"
is "$(json "$T/small.json" 'my $s = $j->{stats}; join " ", $s->{samples},
    $s->{gaps}, $s->{first}, $s->{last}, $s->{skipped_lines}')" \
    "5 0 1789996500 1789999800 2" "small: samples, gaps, first, last, skipped"
is "$(json "$T/small.json" 'my $s = $j->{stats}{rx}; join " ",
    $s->{avg_bps}, $s->{peak_bps}, $s->{p95_bps}, $s->{bytes}')" \
    "3750 32000 32000 1687500" "small: rx avg, peak, p95, bytes"
is "$(json "$T/small.json" 'my $s = $j->{stats}{tx}; join " ",
    $s->{avg_bps}, $s->{peak_bps}, $s->{p95_bps}, $s->{bytes}')" \
    "3166.667 16000 16000 1425000" "small: tx avg, peak, p95, bytes"
is "$(json "$T/small.json" '$j->{spikes} // "null"') $(json \
    "$T/small.json" '$j->{alerts} // "null"')" "null null" \
    "small: no event logs give null"
BWMON_NOW=1789999800 bwhistory --json -r all -d "$D/hist-small" \
    -i eth0 >"$T/all.json"
is "$(json "$T/all.json" '"$j->{stats}{samples} $j->{stats}{first}"')" \
    "7 1789996200" "small: -r all takes the rows before and after the hour"

# CSV: the same buckets.
BWMON_NOW=1789999800 bwhistory --csv -r 1h -d "$D/hist-small" -i eth0 \
    >"$T/small.csv"
ok $? "small: --csv exits 0"
hdr=ts,rx_avg_bps,rx_peak_bps,tx_avg_bps,tx_peak_bps
hdr=$hdr,rx_bytes,tx_bytes,samples
is "$(head -n 1 "$T/small.csv")" "$hdr" "csv header"
is "$(wc -l <"$T/small.csv" | tr -d ' ')" 13 "csv: header and 12 buckets"
is "$(sed -n 3p "$T/small.csv")" \
    "1789996500,24000,32000,4000,8000,900000,150000,2" "csv: a full bucket"
is "$(sed -n 4p "$T/small.csv")" "1789996800,,,,,0,0,0" \
    "csv: an empty bucket has empty rates"
BWMON_NOW=1789999800 bwhistory --csv -r 1h -d "$D/hist-small" -i eth0 \
    -a >"$T/small2.csv"
cmp -s "$T/small.csv" "$T/small2.csv"
ok $? "csv: -a changes nothing"
is "$(bwhistory --csv -r all -d "$D/bwmon-v1" -i eth0 | wc -l |
    tr -d ' ')" "$(json "$T/v1.json" 'scalar(@{$j->{buckets}}) + 1')" \
    "csv: as many lines as JSON buckets"

# A two-hour gap row: its bytes count, nothing is smeared over it.
bwhistory --json -r all -d "$D/hist-gap" -i eth0 >"$T/gap.json"
ok $? "gap: exits 0"
is "$(json "$T/gap.json" 'join " ", map { defined $_->{rx_avg_bps} ? 1 : 0 }
    grep { $_->{ts} >= 1789993200 && $_->{ts} <= 1790000700 }
    @{$j->{buckets}}')" "1 $(printf '0 %.0s' $(seq 24))1" \
    "gap: the 24 five-minute buckets in it are null, those around not"
is "$(json "$T/gap.json" 'join " ", map { "$_->{ts}:$_->{rx_bytes}" } grep {
    $_->{samples} && !defined $_->{rx_avg_bps} } @{$j->{buckets}}')" \
    "1789997100:720000" "gap: the gap row sits at its middle, rates null"
is "$(json "$T/gap.json" 'my ($r, $t) = (0, 0); for (@{$j->{buckets}}) {
    $r += $_->{rx_bytes}; $t += $_->{tx_bytes} } "$r $t"')" \
    "6120000 3060000" "gap: exact bytes add up exactly"
is "$(json "$T/gap.json" 'join " ", $j->{stats}{gaps},
    $j->{stats}{rx}{bytes}, $j->{stats}{rx}{avg_bps},
    $j->{stats}{rx}{peak_bps}')" "1 6120000 8000 8000" \
    "gap: bytes counted, no part in the rates"

# A row whose interval starts before 1970 (a 30-digit interval_s put the
# middle of the first row, where "all" starts, beyond any time): skipped.
mkdir "$T/old"
{
	echo "1790000000,8000,8000,300000,300000,100000000000000000000000000000"
	echo "1790000300,8000,8000,300000,300000,300.000"
} >"$T/old/bw_eth0.csv"
bwhistory --json -r all -d "$T/old" -i eth0 >"$T/old.json" 2>"$T/err"
ok $? "interval before 1970: -r all exits 0"
is "$(cat "$T/err")" "" "interval before 1970: nothing on stderr"
is "$(json "$T/old.json" 'join " ", $j->{from}, $j->{stats}{samples},
    $j->{stats}{skipped_lines}')" "1790000150 1 1" \
    "interval before 1970: the row skipped, -r all from the next"

# Spike and alert logs with blank, garbage, duplicate-key and torn lines.
BWMON_NOW=1789999800 bwhistory --json -r 1h -d "$D/hist-events" \
    -i eth0 >"$T/ev.json" 2>"$T/err"
ok $? "events: exits 0"
is "$(json "$T/ev.json" '$j->{spikes}')" 3 "events: spikes in [from, to)"
is "$(json "$T/ev.json" '$j->{alerts}')" 2 "events: FIRED alerts in range"
is "$(cat "$T/err")" "" "events: bad lines are no warning"
BWMON_NOW=1789999800 bwhistory -r 1h -d "$D/hist-events" -i eth0 \
    >"$T/ev.txt"
like "$(cat "$T/ev.txt")" "^spikes: 3, alerts: 2$" "events: chart footer"
mkdir "$T/evonly"
cp "$D/hist-small/bw_eth0.csv" "$D/hist-events/alerts_eth0.jsonl" "$T/evonly/"
BWMON_NOW=1789999800 bwhistory -r 1h -d "$T/evonly" -i eth0 >"$T/ev.txt"
like "$(cat "$T/ev.txt")" "^alerts: 2$" "events: only the log that exists"
BWMON_NOW=1789999800 bwhistory -r 1h -d "$D/hist-small" -i eth0 \
    >"$T/ev.txt"
if grep -Eq 'spikes|alerts' "$T/ev.txt"; then
	ok 1 "events: no footer line without logs"
else
	ok 0 "events: no footer line without logs"
fi
mkdir "$T/ev2"
cp "$D/hist-small/bw_eth0.csv" "$T/ev2/"
{
	printf '{"ts":1789997000}\r\n'
	printf '{"ts":1789997001,"x":"a\0b"}\n\0\n'
	printf '{"ts":17899970\00002}\n{"ts":1789997003}\n'
} >"$T/ev2/spikes_eth0.jsonl"
: >"$T/ev2/alerts_eth0.jsonl"
BWMON_NOW=1789999800 bwhistory -j -r 1h -d "$T/ev2" -i eth0 >"$T/ev.json"
is "$(json "$T/ev.json" '"$j->{spikes} $j->{alerts}"')" "2 0" \
    "events: CRLF counts, NUL bytes do not; an empty log counts 0"
ln -s "$D/hist-events/spikes_eth0.jsonl" "$T/evonly/spikes_eth0.jsonl"
BWMON_NOW=1789999800 bwhistory -j -r 1h -d "$T/evonly" -i eth0 \
    >"$T/ev.json" 2>"$T/err"
ok $? "events: a symlinked log is no failure"
is "$(json "$T/ev.json" '$j->{spikes} // "null"')" null \
    "events: a symlinked log is not followed"
like "$(cat "$T/err")" "^bwhistory: .*spikes_eth0.jsonl" \
    "events: and is reported"

done_testing
