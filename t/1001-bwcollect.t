#!/bin/sh
# bwcollect: priming, rows, counter resets and wraps, gaps, concurrency,
# bad input, retention, v1 takeover.
. "${0%/*}/lib.sh"

P=$T/proc
D=$T/data
export BWMON_PROC=$P
mkdir -p "$D"
col() { _t=$1; shift; BWMON_NOW=$_t bwcollect -d "$D" "$@" 2>"$T/err"; }
nrows() { if [ -f "$D/bw_$1.csv" ]; then wc -l <"$D/bw_$1.csv" | tr -d ' '; else echo 0; fi; }
lastrow() { tail -n 1 "$D/bw_$1.csv"; }

# Usage and validation.
bwcollect -h >"$T/out"; ok $? "-h exits 0"
like "$(cat "$T/out")" '^usage: bwcollect' "-h prints usage"
bwcollect -V | grep -q '^bwcollect bwmon '; ok $? "-V prints the version"
bwcollect -x 2>/dev/null; is $? 2 "unknown option is a usage error"
for bad in ../x a/b "" 1234567890123456 . ..; do
	bwcollect -d "$D" "$bad" 2>"$T/err"; st=$?
	is $st 2 "bad interface name '$bad' is a usage error"
done
like "$(cat "$T/err")" 'bad interface name' "usage error names the problem"

mkproc "$P" "lo 5 5" "eth0 1000 2000" "br-lan 7 7"
for good in br-lan eth0.100 wg_0 enp3s0f1; do
	bwcollect -d "$T/names" "$good" 2>/dev/null; st=$?
	[ $st -ne 2 ]; ok $? "valid interface name $good is not a usage error"
done

# First run primes: state, no row.
col 1790000000; ok $? "first run exits 0"
[ -f "$D/state_eth0.json" ]; ok $? "first run writes state_eth0.json"
[ ! -f "$D/bw_eth0.csv" ]; ok $? "first run writes no row"
[ ! -f "$D/state_lo.json" ]; ok $? "lo is not sampled by default"
[ -f "$D/state_br-lan.json" ]; ok $? "br-lan is sampled"

# A normal interval: exact bytes, v1 rate columns.
mkproc "$P" "lo 5 5" "eth0 37501000 3002000" "br-lan 7 7"
col 1790000300; ok $? "second run exits 0"
is "$(lastrow eth0)" "1790000300,1000000,80000,37500000,3000000,300.000" \
    "row: ts, rx/tx bit/s, exact bytes, interval"
is "$(lastrow br-lan)" "1790000300,0,0,0,0,300.000" "idle interface row"

# Too soon: no second row for the same interval.
col 1790000305; is "$(nrows eth0)" 1 "a run 5 s later writes no row"

# Concurrent runs never write two rows for one interval.
mkproc "$P" "lo 5 5" "eth0 37502000 3003000" "br-lan 7 7"
for i in 1 2 3 4 5 6 7 8; do
	BWMON_NOW=1790000600 bwcollect -d "$D" eth0 2>>"$T/err" &
done
wait
is "$(nrows eth0)" 2 "eight concurrent runs append exactly one row"
is "$(lastrow eth0 | cut -d, -f4,5,6)" "1000,1000,300.000" \
    "that row has the interval's bytes"

# Reboot: counters restart; bytes since the reset, no negative rate.
BTIME=1790000700 mkproc "$P" "lo 5 5" "eth0 5000 600" "br-lan 7 7"
BTIME=1790000700 col 1790000900; ok $? "run after a reboot exits 0"
is "$(lastrow eth0)" "1790000900,133,16,5000,600,300.000" \
    "after a reboot the new counter value counts"

# Same boot, 64-bit counter goes down (driver reset): same rule.
BTIME=1790000700 mkproc "$P" "lo 5 5" "eth0 100 50" "br-lan 7 7"
BTIME=1790000700 col 1790001200
is "$(lastrow eth0 | cut -d, -f4,5)" "100,50" "driver reset counts the new value"

# 32-bit wrap on the same boot, with 32-bit counters.
printf 'counter_bits = 32\n' >"$T/32.conf"
BTIME=1790000700 mkproc "$P" "eth0 4294967000 4294966796"
BTIME=1790000700 BWMON_CONF=$T/32.conf col 1790001500 eth0
BTIME=1790000700 mkproc "$P" "eth0 1000 500"
BTIME=1790000700 BWMON_CONF=$T/32.conf col 1790001800 eth0
is "$(lastrow eth0 | cut -d, -f4,5)" "1296,1000" "32-bit counter wrap"
BTIME=1790000700 mkproc "$P" "eth0 1200 500"
BTIME=1790000700 BWMON_CONF=$T/32.conf col 1790002100 eth0
is "$(lastrow eth0 | cut -d, -f4,5)" "200,0" "and counting goes on after it"

# A jump above max_bps is never written as a rate; 1M is an SI prefix.
printf 'max_bps = 1M\n' >"$T/max.conf"
BTIME=1790000700 mkproc "$P" "eth0 900000000000 500"
BTIME=1790000700 BWMON_CONF=$T/max.conf col 1790002400 eth0
row=$(lastrow eth0)
rate=$(echo "$row" | cut -d, -f2)
[ "$rate" -le 1000000 ]; ok $? "absurd jump is not written as a rate ($row)"
like "$(cat "$T/err")" 'max_bps' "and it is reported"
grep -q 'bad value' "$T/err"
is $? 1 "max_bps = 1M is a valid rate"

# A gap of hours: one row whose interval says so.
BTIME=1790000700 mkproc "$P" "eth0 900000360000 860"
BTIME=1790000700 col 1790009600 eth0
is "$(lastrow eth0 | cut -d, -f4,5,6)" "360000,360,7200.000" \
    "a 2-hour gap writes one row with a 7200 s interval"

# A missing interface: named, listed, others still sampled, exit 1.
BTIME=1790000700 mkproc "$P" "lo 1 1" "eth0 900000360000 860" "wlan0 1 1"
n0=$(nrows eth0)
BTIME=1790000700 col 1790009900 eth0 eth9; st=$?
is $st 1 "a missing interface exits 1"
like "$(cat "$T/err")" 'eth9: no such interface.*have: lo, eth0, wlan0' \
    "names it and lists those that exist"
is "$(nrows eth0)" $((n0 + 1)) "the other interface is still sampled"
[ ! -e "$D/state_eth9.json" ] && [ ! -e "$D/bw_eth9.csv" ]
ok $? "nothing is written for the missing interface"

# A corrupt state file: warning, re-prime, no crash.
printf '{"ts": "yesterday", "rx": -1' >"$D/state_eth0.json"
n0=$(nrows eth0)
BTIME=1790000700 col 1790010000 eth0; st=$?
is $st 0 "a corrupt state file is not fatal"
like "$(cat "$T/err")" 'state_eth0.json: corrupt' "it is reported"
is "$(nrows eth0)" "$n0" "and it primes again: no row"
printf '\000\001\377garbage' >"$D/state_eth0.json"
BTIME=1790000700 col 1790010200 eth0; is $? 0 "binary garbage state is not fatal"
BTIME=1790000700 col 1790010500 eth0
is "$(nrows eth0)" $((n0 + 1)) "the run after re-priming writes a row"

# The clock went back before every row: never a negative interval; the
# rows not before the clock give way to one row holding their bytes, so
# rows stay in time order (t/1004 has the rest).
sum() { awk -F, '{ r += $4; t += $5 } END { print r + 0, t + 0 }' "$D/bw_eth0.csv"; }
sum0=$(sum)
BTIME=1790000700 col 1790000000 eth0; st=$?
is $st 0 "a clock that went back is not fatal"
like "$(cat "$T/err")" 'clock went back' "it is reported"
is "$(nrows eth0)" 1 "the rows after the clock are replaced by one"
is "$(lastrow eth0 | cut -d, -f1)" 1790000000 "at the clock"
is "$(sum)" "$sum0" "which holds every byte"
BTIME=1790000700 col 1790010800 eth0

# A torn last line (a writer died mid-line) does not swallow our row.
printf '1790010900,12' >>"$D/bw_eth0.csv"
BTIME=1790000700 mkproc "$P" "eth0 900000361000 1860"
BTIME=1790000700 col 1790011100 eth0
is "$(lastrow eth0 | cut -d, -f1,4,5)" "1790011100,1000,1000" \
    "row after a torn line is a line of its own"
is "$(tail -n 2 "$D/bw_eth0.csv" | head -n 1)" "1790010900,12" \
    "the torn fragment is kept, not glued"

# bwmon v1 state and rows are taken over as they are.
V=$T/v1
mkdir -p "$V"
cp "$SRCDIR/t/data/bwmon-v1/bw_eth0.csv" "$SRCDIR/t/data/bwmon-v1/state_eth0.json" "$V/"
mkproc "$P" "eth0 918573645512 112263445566"
BWMON_NOW=1790000100.2 bwcollect -d "$V" eth0; ok $? "bwcollect runs on a v1 data directory"
is "$(tail -n 1 "$V/bw_eth0.csv")" "1790000100,8000000,800000,300000000,30000000,300.000" \
    "the v1 state is continued, not re-primed"
is "$(sed -n '$=' "$V/bw_eth0.csv")" 4013 "v1 rows are left as they are"

# Config: ifaces restricts; an unknown key is a warning with file:line.
C=$T/c
mkdir -p "$C"
printf '# test\nifaces = wlan0\nfrobnicate = 3\n' >"$T/if.conf"
mkproc "$P" "eth0 1 1" "wlan0 1 1"
BWMON_NOW=1790000000 bwcollect -c "$T/if.conf" -d "$C" 2>"$T/err"; st=$?
is $st 0 "a config with an unknown key still runs"
like "$(cat "$T/err")" 'if.conf:3: unknown key "frobnicate"' "warning names file:line"
[ -f "$C/state_wlan0.json" ] && [ ! -f "$C/state_eth0.json" ]
ok $? "ifaces = wlan0 samples only wlan0"
bwcollect -c "$T/nonexistent.conf" -d "$C" wlan0 2>"$T/err"; st=$?
is $st 1 "a named config that is missing: exit 1"
like "$(cat "$T/err")" "^bwcollect: config $T/nonexistent.conf: No such file" \
    "... saying which"
BWMON_CONF=$T/nonexistent.conf bwcollect -d "$C" wlan0 2>"$T/err"
is $? 1 "a missing BWMON_CONF: exit 1 too"
BWMON_NOW=1790000000 BWMON_CONF=/dev/null bwcollect -d "$C" wlan0 \
    2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF=/dev/null: an empty config"
BWMON_NOW=1790000000 BWMON_CONF= bwcollect -d "$C" wlan0 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "BWMON_CONF= (empty): no config file"

# Retention: old rows go, at most once a day, atomically.
R=$T/r
mkdir -p "$R"
now=1790000000
{
	i=200
	while [ $i -gt 0 ]; do
		echo "$((now - i * 86400)),8,8,300,300,300.000"
		i=$((i - 10))
	done
} >"$R/bw_eth0.csv"
printf '{"ts": %s, "rx": 1, "tx": 1, "boot_time": 1700000000, "trimmed": 0}\n' \
    $((now - 300)) >"$R/state_eth0.json"
mkproc "$P" "eth0 301 301"
BWMON_NOW=$now bwcollect -d "$R" eth0; ok $? "run with 200 days of rows"
old=$(awk -F, -v c=$((now - 180 * 86400)) '$1 < c' "$R/bw_eth0.csv" | wc -l)
is "$old" 0 "rows older than 180 days are dropped"
is "$(wc -l <"$R/bw_eth0.csv" | tr -d ' ')" 19 "newer rows are all kept (18 + the new one)"
ino=$(stat -c %i "$R/bw_eth0.csv")
echo "$((now - 190 * 86400)),1,1" >"$T/old"
cat "$T/old" "$R/bw_eth0.csv" >"$R/bw_eth0.csv.new" && mv "$R/bw_eth0.csv.new" "$R/bw_eth0.csv"
ino=$(stat -c %i "$R/bw_eth0.csv")
mkproc "$P" "eth0 302 302"
BWMON_NOW=$((now + 300)) bwcollect -d "$R" eth0
is "$(stat -c %i "$R/bw_eth0.csv")" "$ino" "no rewrite again within a day"
mkproc "$P" "eth0 303 303"
BWMON_NOW=$((now + 86400)) bwcollect -d "$R" eth0
is "$(awk -F, -v c=$((now - 170 * 86400)) '$1 < c' "$R/bw_eth0.csv" | wc -l)" 0 \
    "a day later the next trim runs"

# A net/dev with garbage lines: reported, good lines still used.
G=$T/g
mkdir -p "$G"
mkproc "$P" "eth0 1 1"
printf 'eth1: 1 2 x\n\001\002\n' >>"$P/net/dev"
BWMON_NOW=1790000000 bwcollect -d "$G" 2>"$T/err"; st=$?
is $st 0 "garbage in net/dev is not fatal"
like "$(cat "$T/err")" 'net/dev: 2 unreadable lines skipped' "and is reported"
[ -f "$G/state_eth0.json" ]; ok $? "the good line is sampled"

# No net/dev at all, or no data directory parent: exit 1, clear message.
BWMON_PROC=$T/nothing bwcollect -d "$G" 2>"$T/err"; st=$?
is $st 1 "missing net/dev exits 1"
like "$(cat "$T/err")" 'nothing/net/dev' "and names the file"
bwcollect -d "$T/no/such/dir" 2>"$T/err"; st=$?
is $st 1 "a data directory that cannot be made exits 1"
like "$(cat "$T/err")" 'data directory' "and says so"
BWMON_NOW=1790000400 bwcollect -v -d "$G" >/dev/full 2>/dev/null; st=$?
is $st 1 "output to a full device is an error"

# A FIFO in place of a data file or the lock: a clear error, never a
# hang (open(2) of a FIFO waits for a writer; timeout would exit 124).
Q=$T/fifo
mkdir -p "$Q"
mkproc "$P" "eth0 1 1"
mkfifo "$Q/state_eth0.json"
BWMON_NOW=1790000000 timeout 20 bwcollect -d "$Q" eth0 2>"$T/err"; st=$?
is $st 1 "a FIFO as the state file: exit 1, no hang"
like "$(cat "$T/err")" 'state_eth0.json: not a regular file' \
    "and it says what is wrong"
[ -p "$Q/state_eth0.json" ]; ok $? "the FIFO is not replaced"
rm -f "$Q/state_eth0.json"
mkfifo "$Q/bw_eth0.csv"
BWMON_NOW=1790000000 timeout 20 bwcollect -d "$Q" eth0 2>"$T/err"
BWMON_NOW=1790000300 timeout 20 bwcollect -d "$Q" eth0 2>"$T/err"; st=$?
is $st 1 "a FIFO as the history: exit 1, no hang"
like "$(cat "$T/err")" 'bw_eth0.csv: not a regular file' \
    "and it says what is wrong"
printf '{"ts": 1790000000, "rx": 1, "tx": 1, "trimmed": 1790000000}\n' \
    >"$Q/state_eth0.json"
BWMON_NOW=1790000300 timeout 20 bwcollect -d "$Q" eth0 2>"$T/err"; st=$?
is $st 1 "a FIFO as the history, no trim due: exit 1, no hang"
like "$(cat "$T/err")" 'bw_eth0.csv: not a regular file' "said too"
rm -f "$Q/bw_eth0.csv" "$Q/.bwcollect.lock"
mkfifo "$Q/.bwcollect.lock"
timeout 20 bwcollect -d "$Q" eth0 2>"$T/err"; st=$?
is $st 1 "a FIFO as the lock file: exit 1, no hang"
like "$(cat "$T/err")" '\.bwcollect\.lock: not a regular file' "said"

# A full disk: the row and the state survive untouched, exit 1.
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" &&
    mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
	F=$T/full
	mkproc "$P" "eth0 1000 1000"
	BWMON_NOW=1790000000 bwcollect -d "$F" eth0
	mkproc "$P" "eth0 2000 2000"
	BWMON_NOW=1790000300 bwcollect -d "$F" eth0
	cp "$F/bw_eth0.csv" "$T/csv.before"
	cp "$F/state_eth0.json" "$T/state.before"
	dd if=/dev/zero of="$F/fill" bs=1k count=100 2>/dev/null
	mkproc "$P" "eth0 3000 3000"
	BWMON_NOW=1790000600 bwcollect -d "$F" eth0 2>"$T/err"; st=$?
	is $st 1 "a full disk exits 1"
	like "$(cat "$T/err")" 'No space left' "and says why"
	cmp -s "$F/bw_eth0.csv" "$T/csv.before"; ok $? "the history is intact"
	cmp -s "$F/state_eth0.json" "$T/state.before"; ok $? "the state is intact"
	rm -f "$F/fill"
	BWMON_NOW=1790000900 bwcollect -d "$F" eth0; ok $? "after space returns it runs"
	is "$(tail -n 1 "$F/bw_eth0.csv" | cut -d, -f4,6)" "1000,600.000" \
	    "and its row covers both intervals: no byte lost"
	umount "$T/full"
else
	[ "${CI:-}" = true ] && { echo "Bail out! full-disk test needs root"; exit 1; }
	echo "# skipping full-disk test: needs root to mount a tmpfs"
fi

# Container-side interfaces (ifaces_ignore, veth* by default) are not
# sampled unless named; the state of an interface gone from net/dev for
# retention_days is dropped (its history stays), a recent one kept.
G=$T/gone
mkdir -p "$G"
mkproc "$T/gproc" "eth0 1000 2000" "veth1a2b 5 5"
printf '{"ts": 1700000000.000, "rx": 1, "tx": 1, "boot_time": 0, "trimmed": 0}\n' \
    >"$G/state_old0.json"
printf '1700000000,8,8,300,300,300\n' >"$G/bw_old0.csv"
printf '{"ts": 1789990000.000, "rx": 1, "tx": 1, "boot_time": 0, "trimmed": 0}\n' \
    >"$G/state_new0.json"
BWMON_PROC=$T/gproc BWMON_NOW=1790000000 bwcollect -d "$G" 2>"$T/err"
ok $? "a run with gone interfaces exits 0"
[ -f "$G/state_eth0.json" ]; ok $? "eth0 is sampled"
[ ! -f "$G/state_veth1a2b.json" ]; ok $? "veth1a2b (ifaces_ignore) is not"
[ ! -f "$G/state_old0.json" ]; ok $? "a state gone for 1,000 days is dropped"
[ -f "$G/bw_old0.csv" ]; ok $? "its history stays"
[ -f "$G/state_new0.json" ]; ok $? "a state gone for 3 hours is kept"
BWMON_PROC=$T/gproc BWMON_NOW=1790000000 bwcollect -d "$G" veth1a2b \
    2>"$T/err"
[ -f "$G/state_veth1a2b.json" ]; ok $? "named, an ignored interface is sampled"

done_testing
