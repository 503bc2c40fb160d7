#!/bin/sh
# bwtotal: the bwmon v1 fixture's exact totals through --json for days,
# weeks and months, the table, and every kind of bad usage.
. "${0%/*}/lib.sh"

V1=$SRCDIR/t/data/bwmon-v1
export BWMON_NOW=1790000000

# fact N: line N of $T/facts
fact() {
	sed -n "$1p" "$T/facts"
}

# The sums bwmon-v1.expected.json holds, whatever the period.
for p in day week month; do
	bwtotal --json --$p -n 3660 -d "$V1" -i eth0 >"$T/$p.json" \
	    2>"$T/err"
	ok $? "--json --$p -n 3660 on the v1 fixture"
	jpath "$T/$p.json" '$j->{total}{rx_bytes}' '$j->{total}{tx_bytes}' \
	    '$j->{total}{total_bytes}' '$j->{total}{samples}' \
	    'my $s = 0; $s += $_->{samples} for @{$j->{periods}}; $s' \
	    'scalar @{$j->{periods}}' \
	    'my $p = $j->{periods}; my $bad = 0; for my $i (1 .. $#$p) {
	    $bad++ if $p->[$i]{start} != $p->[$i - 1]{end} ||
	    $p->[$i]{start} <= $p->[$i - 1]{start} } $bad' \
	    '$j->{period}' \
	    'join ",", map { $_->{partial} ? 1 : 0 } @{$j->{periods}}[-2, -1]' \
	    '$j->{periods}[-1]{start} <= 1790000000 &&
	    1790000000 < $j->{periods}[-1]{end} ? "in" : "out"' \
	    >"$T/facts"
	is "$(fact 1)" 217486043775 "$p: total rx bytes are exact"
	is "$(fact 2)" 108083336175 "$p: total tx bytes are exact"
	is "$(fact 3)" 325569379950 "$p: total bytes are rx + tx"
	is "$(fact 4)" 4009 "$p: total samples are the fixture's good rows"
	is "$(fact 5)" 4009 "$p: the periods' samples add up to the total"
	is "$(fact 6)" 3660 "$p: 3660 periods"
	is "$(fact 7)" 0 "$p: periods are contiguous and increasing"
	is "$(fact 8)" $p "$p: period named"
	is "$(fact 9)" 0,1 "$p: only the last period is partial"
	is "$(fact 10)" in "$p: the last period holds now"
	is "$(cat "$T/err")" "" "$p: nothing on stderr"
done
# Every day against an independent reading of the v1 rules: good rows
# only, rate x time since the previous good row (the first 300 s), nothing
# across a gap over 3600 s, each row in the UTC day of its middle.
perl -e 'my ($prev, %rx, %tx, %n); open(my $f, "<", $ARGV[0]) or die;
    while (my $l = <$f>) { next unless $l =~ /^(\d+),(\d+),(\d+)\n\z/;
    my ($ts, $r, $t) = ($1, $2, $3); next if defined $prev && $ts <= $prev;
    my $iv = defined $prev ? $ts - $prev : 300; $prev = $ts;
    my $d = int(($ts - $iv / 2) / 86400); $n{$d}++;
    next if $iv > 3600; $rx{$d} += $r * $iv / 8; $tx{$d} += $t * $iv / 8 }
    print map { sprintf "%d:%d:%d:%d\n", $_ * 86400, int($rx{$_} + 0.5),
    int($tx{$_} + 0.5), $n{$_} } sort { $a <=> $b } keys %n' \
    "$V1/bw_eth0.csv" >"$T/oracle"
jpath "$T/day.json" 'join "\n", map { "$_->{start}:$_->{rx_bytes}:" .
    "$_->{tx_bytes}:$_->{samples}" } grep { $_->{samples} }
    @{$j->{periods}}' >"$T/days"
is "$(wc -l <"$T/oracle")" 15 "the oracle sees 15 days"
cmp -s "$T/oracle" "$T/days"
ok $? "each day's bytes and samples match the oracle"
[ $? -eq 0 ] || diff "$T/oracle" "$T/days" | sed 's/^/# /'

is "$(jpath "$T/day.json" '$j->{periods}[-1]{label}')" 2026-09-21 \
    "day label of now"
is "$(jpath "$T/week.json" '$j->{periods}[-1]{label}')" 2026-W39 \
    "week label of now"
is "$(jpath "$T/month.json" '$j->{periods}[-1]{label}')" 2026-09 \
    "month label of now"
is "$(jpath "$T/day.json" 'join " ", map { "$_->{label}:$_->{samples}" }
    @{$j->{periods}}[-16 .. -14]')" \
    "2026-09-06:0 2026-09-07:119 2026-09-08:288" \
    "the fixture starts on 2026-09-07"
is "$(jpath "$T/day.json" 'join ",", @{$j->{periods}[-10]}{qw(label
    samples)}')" 2026-09-12,264 "the day of the 2-hour gap has 24 rows less"

# The same sums in a zone with DST.
TZ='CET-1CEST,M3.5.0,M10.5.0/3' bwtotal -j -M -n 3660 -d "$V1" -i eth0 \
    >"$T/cet.json"
is "$(jpath "$T/cet.json" 'join " ", @{$j->{total}}{qw(rx_bytes tx_bytes
    samples)}')" "217486043775 108083336175 4009" \
    "months in CET/CEST count the same bytes"

# Defaults: 30 days, 12 weeks, 12 months; the only interface.
for p in day:30 week:12 month:12; do
	bwtotal -j --${p%:*} -d "$V1" >"$T/def.json"
	ok $? "--${p%:*} without -n or -i"
	is "$(jpath "$T/def.json" 'scalar @{$j->{periods}}')" ${p#*:} \
	    "--${p%:*} shows ${p#*:} periods by default"
done
is "$(jpath "$T/def.json" '$j->{iface}')" eth0 \
    "no -i: the interface with data"
is "$(jpath "$T/def.json" '$j->{month_start_day}')" 1 \
    "month_start_day defaults to 1"
BWMON_DATA_DIR=$V1 bwtotal -j -W >"$T/env.json"
ok $? "BWMON_DATA_DIR names the data directory"
is "$(jpath "$T/env.json" '$j->{total}{rx_bytes}')" 217486043775 \
    "... and counts the same"
bwtotal -j -D -n 1 -d "$V1" >"$T/one.json"
is "$(jpath "$T/one.json" 'scalar @{$j->{periods}} . " " .
    $j->{periods}[0]{label} . " " . $j->{periods}[0]{samples}')" \
    "1 2026-09-21 170" "-n 1: only today"

# The table.
bwtotal -d "$V1" -i eth0 >"$T/table" 2>"$T/err"
ok $? "table"
like "$(sed -n 1p "$T/table")" '^eth0: daily totals, local time \(UTC\)$' \
    "table title names interface, period and zone"
like "$(sed -n 2p "$T/table")" '^period +RX +TX +total +samples$' \
    "table header"
is "$(grep -c '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "$T/table")" 30 \
    "30 day rows"
like "$(cat "$T/table")" '^2026-09-21\* +8\.50 GB +4\.09 GB +12\.6 GB +170$' \
    "today marked partial, SI decimal units"
like "$(cat "$T/table")" '^2026-09-08 +15\.5 GB +7\.79 GB +23\.3 GB +288$' \
    "a whole day"
like "$(cat "$T/table")" '^total +217 GB +108 GB +326 GB +4009$' \
    "total line"
like "$(cat "$T/table")" '^\* the current period' "partial explained"
like "$(cat "$T/table")" '2 unreadable lines of bw_eth0\.csv skipped' \
    "the fixture's garbage and torn lines are skipped and counted"
bwtotal -W -d "$V1" -i eth0 >"$T/table"
like "$(cat "$T/table")" '^2026-W39\* ' "week table labels ISO weeks"

# Usage errors: exit 2.
for a in "-n 0" "-n 3661" "-n abc" "-n -1" "-n 1x" "--day --week" \
    "-D -M" "--week --month" "-i ../x" "-i a/b" "-i 1234567890123456" \
    "-i ." "extra" "-Z" "--bogus" "--append --json" "--append -n 0"; do
	bwtotal -d "$V1" $a >"$T/out" 2>"$T/err"
	is $? 2 "usage error: $a"
done
bwtotal -d "$V1" -i "" >/dev/null 2>&1
is $? 2 "usage error: empty -i"
bwtotal -d "$V1" -n "" >/dev/null 2>&1
is $? 2 "usage error: empty -n"
bwtotal -d "$V1" -i ../x >"$T/out" 2>"$T/err"
like "$(cat "$T/err")" '^bwtotal: -i: bad interface name: \.\./x$' \
    "bad interface named"
is "$(cat "$T/out")" "" "nothing on stdout after a usage error"
bwtotal -d "$V1" -n 0 2>"$T/err"
like "$(cat "$T/err")" '^bwtotal: -n: bad count' "bad count named"
bwtotal -d "$V1" --day --week 2>"$T/err"
like "$(cat "$T/err")" 'usage: bwtotal' "conflicting periods print usage"

# Runtime failures: exit 1.
fails 1 "unknown interface: exit 1" '^bwtotal: .*wlan9.*interfaces with data: eth0\)$' \
    "... naming it and those with data" \
    bwtotal -d "$V1" -i wlan9
bwtotal -d "$T/nonexistent" -i eth0 >/dev/null 2>"$T/err"
is $? 1 "missing data directory: exit 1"
like "$(cat "$T/err")" \
    "^bwtotal: data directory $T/nonexistent: No such file or directory\$" \
    "... says which directory and why"
mkdir "$T/empty"
fails 1 "no history at all: exit 1" "no interface has history in $T/empty" \
    "... says so" \
    bwtotal -d "$T/empty"
fails 1 "named interface in an empty directory: exit 1" 'no history for interface eth0 .*no interface' \
    "... says none has data" \
    bwtotal -d "$T/empty" -i eth0
if [ -w /dev/full ]; then
	bwtotal -d "$V1" -i eth0 >/dev/full 2>"$T/err"
	is $? 1 "table to /dev/full: exit 1"
	like "$(cat "$T/err")" '^bwtotal: stdout' "... naming stdout"
	bwtotal -j -n 3660 -d "$V1" -i eth0 >/dev/full 2>/dev/null
	is $? 1 "JSON to /dev/full: exit 1"
	bwtotal -V >/dev/full 2>/dev/null
	is $? 1 "-V to /dev/full: exit 1"
else
	ok 1 "/dev/full is missing"
fi

# Config.
fails 1 "a missing -c config: exit 1" "^bwtotal: config $T/nope.conf: No such file" \
    "... saying which" \
    bwtotal -c "$T/nope.conf" -j -d "$V1"
BWMON_CONF=$T/nope.conf bwtotal -j -d "$V1" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "1:bwtotal: config $T/nope.conf: No such file or directory" \
    "a missing BWMON_CONF: exit 1 too"
BWMON_CONF=/dev/null bwtotal -j -d "$V1" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF=/dev/null: an empty config"
BWMON_CONF= bwtotal -j -d "$V1" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF= (empty): no config file"
mkdir "$T/conf.d"
bwtotal -c "$T/conf.d" -j -d "$V1" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "1:bwtotal: config $T/conf.d: Is a directory" \
    "a directory for a config: exit 1"
printf 'month_start_day = 31\nbogus = 1\n' >"$T/bad.conf"
bwtotal -c "$T/bad.conf" -j -M -d "$V1" >"$T/out" 2>"$T/err"
ok $? "a bad config value is not fatal"
like "$(cat "$T/err")" "^bwtotal: $T/bad.conf:1: bad value for month_start_day: \"31\" \\(must be 1-28\\), default kept" \
    "... warned with file:line and the valid range"
like "$(cat "$T/err")" "^bwtotal: $T/bad.conf:2: unknown key" \
    "unknown key warned with file:line"
is "$(jpath "$T/out" '$j->{month_start_day}')" 1 "... default kept"
printf 'iface = wlan9\n' >"$T/if.conf"
fails 1 "config iface without history: exit 1" 'wlan9' \
    "... naming it" \
    bwtotal -c "$T/if.conf" -d "$V1"

# -h and -V.
bwtotal -h >"$T/out" 2>"$T/err"
is $? 0 "-h: exit 0"
like "$(cat "$T/out")" '^usage: bwtotal \[-hjV\] \[-D \| -W \| -M\] \[-c conf\]' \
    "-h prints usage on stdout"
is "$(cat "$T/err")" "" "-h: nothing on stderr"
bwtotal -V >"$T/out"
is $? 0 "-V: exit 0"
is "$(cat "$T/out")" "bwtotal bwmon 2.0.0" "-V prints the version"

# Absurd byte counts (a hostile or broken file) are held, never
# overflow: two rows of ~1e29 bytes give 4e18 per direction.
mkdir -p "$T/absurd"
printf '%s\n' '1789999000,1,1,100000000000000000000000000000,5,300' \
    '1789999300,1,1,99999999999999999999999999999,99999999999999999999999999999,300' \
    >"$T/absurd/bw_eth0.csv"
bwtotal -d "$T/absurd" -i eth0 --day --json >"$T/out" 2>"$T/err"
is $? 0 "absurd byte counts: exit 0"
like "$(cat "$T/out")" '"rx_bytes":4000000000000000000,"tx_bytes":4000000000000000000,"total_bytes":8000000000000000000' \
    "... held to 4e18 a direction, and their sum fits"

done_testing
