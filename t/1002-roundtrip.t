#!/bin/sh
# Round trip: bwcollect over a sequence of counter readings (with a
# reboot and a gap), then bwtotal and bwhistory: their totals must equal
# exactly the bytes the counters moved.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/collect-lib.sh"

P=$T/proc
D=$T/data
export BWMON_PROC=$P
mkdir -p "$D"
start=1789000000

# 400 samples, 5 minutes apart; a reboot at 150, a 3-hour gap at 300.
awk -v start=$start 'BEGIN {
	srand(42); rx = 5000000000; tx = 7000000; boot = 1700000000; t = start
	for (i = 0; i < 400; i++) {
		if (i == 150) { boot = t - 60; rx = int(rand() * 100000); tx = 0 }
		else if (i > 0) {
			rx += int(rand() * 50000000)
			tx += int(rand() * 5000000)
		}
		if (i == 300) t += 3 * 3600
		printf "%d %d %.0f %.0f\n", t, boot, rx, tx
		t += 300
	}
}' >"$T/seq"

while read -r t boot rx tx; do
	BTIME=$boot mkproc "$P" "eth0 $rx $tx" "lo 1 1"
	BWMON_NOW=$t bwcollect -d "$D" || echo "bwcollect failed at $t" >>"$T/fail"
done <"$T/seq"
[ ! -f "$T/fail" ]; ok $? "bwcollect ran 400 times without error"

# What the counters moved: the difference, or the new value after a reset.
want=$(awk 'NR > 1 {
	drx += ($3 >= prx && $2 == pb) ? $3 - prx : $3
	dtx += ($4 >= ptx && $2 == pb) ? $4 - ptx : $4
} { prx = $3; ptx = $4; pb = $2 } END { printf "%.0f %.0f\n", drx, dtx }' "$T/seq")
is "$(wc -l <"$D/bw_eth0.csv" | tr -d ' ')" 399 "399 rows for 400 samples"

now=$((start + 400 * 300 + 3 * 3600))

BWMON_NOW=$now bwtotal -d "$D" -i eth0 --day -n 30 --json >"$T/day.json"
ok $? "bwtotal --day --json"
is "$(moved "$T/day.json" total)" \
    "$want" "bwtotal daily totals equal the bytes the counters moved"
counted "$D" "$now" "$want"
is "$(jpath "$T/hist.json" '$j->{stats}{gaps}')" 1 "the 3-hour gap is one gap row"

done_testing
