#!/bin/sh
# The owner history's rollups and trims, and a clock set back.  Rows of
# the last two days and of a day ten days ago are written by hand, as if
# bwprocs had run then and been stopped an hour ago; when it starts, it
# catches up: every hour that ended is rolled up into owners1h_ and
# every day into owners1d_, each the exact sum of its rows, and the
# rows older than 8 days leave the full file (their rollups stay).  A
# restart rolls nothing twice.  Then a row from tomorrow: bwprocs writes
# its rows into that interval, never before it, and says so once.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

# The subnet from the pid: runs in other checkouts at the same time use
# other addresses.
N=$((100 + $$ % 74 * 2))
NS=${NP}n
H=${NP}h
mkns "$NS" && veth_to_ns "$H" "${NP}p" "$NS" "$N"
ok $? "veth $H <-> $NS (10.213.$N.0/24)"
printf 'owners_interval = 10\n' >"$T/conf"

now=$(date +%s)
hour=$((now - now % 3600))
day=$((now - now % 86400))		# TZ=UTC (t/lib.sh)
D=$T/data
mkdir -p "$D"
O=$D/owners_$H.jsonl
O1H=$D/owners1h_$H.jsonl
O1D=$D/owners1d_$H.jsonl

# rows FROM TO: 5-minute rows from FROM to TO, two owners each.
rows() {
	perl -e 'my ($t, $end) = @ARGV;
	    for (; $t < $end; $t += 300) {
		my $rx = 1000 + ($t / 300) % 97;
		print qq({"ts":$t,"len":300,"prog":"cron-job","user":"root",),
		    qq("rx":$rx,"tx":10,"pid":42,"cmd":"0123456789abcdef",),
		    qq("r":[["192.0.2.1:443",900,5]]}\n),
		    qq({"ts":$t,"len":300,"prog":"[forwarded]","rx":3,"tx":0}\n) }' \
	    "$1" "$2"
}
{
	rows $((day - 10 * 86400)) $((day - 9 * 86400))
	rows $((day - 2 * 86400)) $((hour - 3600))
} >"$O"
cp "$O" "$T/full"
# sums FILE PERIOD: "start bytes" for each hour (3600) or day (86400) of
# the rows of FILE, by their middle.
sums() {
	perl -MJSON::PP -ne 'BEGIN { $p = shift @ARGV }
	    my $j = decode_json($_); my $m = $j->{ts} + $j->{len} / 2;
	    $s{$m - $m % $p} += $j->{rx} + $j->{tx};
	    END { print "$_ $s{$_}\n" for sort { $a <=> $b } keys %s }' \
	    "$2" "$1"
}
# The same, for the rollup file's own rows: by their ts.
rolled() {
	perl -MJSON::PP -ne 'my $j = decode_json($_);
	    $s{$j->{ts}} += $j->{rx} + $j->{tx};
	    END { print "$_ $s{$_}\n" for sort { $a <=> $b } keys %s }' "$1"
}
sums "$T/full" 3600 >"$T/want1h"
sums "$T/full" 86400 | awk -v today="$day" '$1 < today' >"$T/want1d"

# caught_up: the last hour and day before the stop are rolled up, and
# the old rows trimmed from the full file.
caught_up() {
	[ -f "$O1H" ] && [ -f "$O1D" ] &&
	grep -q "^{\"ts\":$((hour - 7200))," "$O1H" &&
	grep -q "^{\"ts\":$((day - 86400))," "$O1D" &&
	! grep -q "^{\"ts\":$((day - 10 * 86400))," "$O"
}
start_bwprocs bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs started on hand-made rows up to an hour ago"
wait_for 60 caught_up
ok $? "it caught up at start"
rolled "$O1H" | awk -v last=$((hour - 3600)) '$1 < last' >"$T/got1h"
is "$(wc -l <"$T/got1h" | tr -d ' ')" "$(wc -l <"$T/want1h" | tr -d ' ')" \
    "an hourly row set for each hour that ended ($(wc -l <"$T/want1h"))"
cmp -s "$T/want1h" "$T/got1h"
ok $? "each the exact sum of its hour's rows"
[ "$?" = 0 ] || diff "$T/want1h" "$T/got1h" | head -5 | sed 's/^/# /'
rolled "$O1D" >"$T/got1d"
cmp -s "$T/want1d" "$T/got1d"
ok $? "a daily row set for each day that ended, the exact sum of its rows"
[ "$?" = 0 ] || diff "$T/want1d" "$T/got1d" | head -5 | sed 's/^/# /'
is "$(jsonl "$O1D" 'my %p; $p{$_->{prog}}++ for @l; join ",", sort keys %p')" \
    "[forwarded],cron-job" "owners keep their names in the rollups"
is "$(jsonl "$O1H" '(grep { $_->{prog} eq "cron-job" } @l)[0]{cmd}')" \
    0123456789abcdef "and their busiest process's command line"
is "$(jsonl "$O" "scalar grep { \$_->{ts} < $((day - 9 * 86400)) } @l")" 0 \
    "rows more than 8 days older than the newest leave the full file"
is "$(jsonl "$O1H" "scalar grep { \$_->{ts} < $((day - 9 * 86400)) } @l")" \
    48 "their hours stay"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
start_bwprocs bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "started again"
sleep 3
stop_bwprocs
rolled "$O1H" | awk -v last=$((hour - 3600)) '$1 < last' >"$T/again1h"
cmp -s "$T/got1h" "$T/again1h"
ok $? "a restart rolls no hour twice"
rolled "$O1D" >"$T/again1d"
cmp -s "$T/got1d" "$T/again1d"
ok $? "nor a day"

# ---- A clock set back: rows never go before the newest ----
D=$T/back
mkdir -p "$D"
O=$D/owners_$H.jsonl
fut=$(( (now + 86400) - (now + 86400) % 10 ))
echo "{\"ts\":$fut,\"len\":10,\"prog\":\"future\",\"rx\":1,\"tx\":1}" >"$O"
: >"$T/bwprocs.err"
start_bwprocs bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs started with a row from tomorrow in its file"
ip netns exec "$NS" iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 10 listening "$NS" 5201 t
iperf3 -c 10.213.$N.2 -p 5201 -t 1 -b 10M >/dev/null 2>&1
ok $? "traffic"
t=$(date +%s)
sleep $((10 - t % 10 + 2))
iperf3 -c 10.213.$N.2 -p 5201 -t 1 -b 10M >/dev/null 2>&1
stop_bwprocs
is "$(jsonl "$O" "scalar grep { \$_->{ts} != $fut } @l")" 0 \
    "its rows go into tomorrow's interval"
[ "$(jsonl "$O" 'scalar grep { $_->{prog} eq "iperf3" } @l')" -ge 2 ]
ok $? "two intervals' worth of them"
is "$(grep -c 'clock is behind' "$T/bwprocs.err")" 1 "said once"
grep -v -e 'capturing' -e 'exiting' -e conntrack "$T/bwprocs.err" |
    sed 's/^/# /'
done_testing
