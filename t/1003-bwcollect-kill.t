#!/bin/sh
# bwcollect killed with SIGKILL at random instants, over thousands of
# runs whose /proc/net/dev counters move between runs (with reboots, and
# the clock ten years ahead for a few runs now and then), while retention
# trims old rows: bwtotal and bwhistory must still count exactly the
# bytes the counters moved, no interval twice and none lost, and no
# temporary file may stay behind.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/collect-lib.sh"

P=$T/proc
D=$T/data
export BWMON_PROC=$P
mkdir -p "$D" "$P/net" "$P/sys/kernel/random"

# The data directory on a tmpfs when we may mount one: there fsync costs
# nothing, so a run is a millisecond or two and the random kills land all
# along it instead of mostly in one fsync.  Elsewhere the delays stretch
# to the run's length (below), so the kills still cover it.
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64m tmpfs "$D" 2>/dev/null; then
	trap 'umount "$D" 2>/dev/null; rm -rf "$T"' EXIT
	echo "# data directory on a tmpfs"
fi

start=1789000000
# Rows older than the retention, with no bytes, for retention to trim
# while runs are killed: one an hour from 200 to 170 days before start.
awk -v s=$start 'BEGIN {
	for (t = s - 200 * 86400; t < s - 170 * 86400; t += 3600)
		printf "%d,0,0,0,0,3600.000\n", t
}' >"$D/bw_eth0.csv"
seeded=$(wc -l <"$D/bw_eth0.csv" | tr -d ' ')

# The driver: every run gets a new counter reading and a later clock; a
# run is killed after a random delay.  Before each reboot one run is let
# finish, so the bytes of the old boot are all seen (a counter read by no
# run before a reboot is lost to any sampler).  It prints what the
# counters moved and what the kills hit.
ITER=${BWMON_KILL_ITER:-2000}
perl - "$P" "$D" "$start" "$ITER" >"$T/drv" 2>"$T/drv.err" <<'EOF'
use strict;
use warnings;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(usleep time);

my ($proc, $dir, $now, $iter) = @ARGV;
my ($rx, $tx, $boot) = (5_000_000_000, 7_000_000, 1_700_000_000);
my $ahead = 0;		# how far the clock is wrong
my $bootid = "00000000-0000-4000-8000-000000000000";
my ($mrx, $mtx) = (0, 0);	# what the counters moved
srand(1003);

sub fixture {
	open(my $fh, '>', "$proc/net/dev.tmp") or die "$proc: $!";
	print $fh "Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n";
	printf $fh "    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n";
	printf $fh "  eth0: %.0f 10 0 0 0 0 0 0 %.0f 10 0 0 0 0 0 0\n", $rx, $tx;
	close($fh) or die;
	rename("$proc/net/dev.tmp", "$proc/net/dev") or die;
	# The kernel derives the boot time from the clock.
	open($fh, '>', "$proc/stat") or die;
	print $fh "btime ", $boot + $ahead, "\n";
	close($fh) or die;
	open($fh, '>', "$proc/sys/kernel/random/boot_id") or die;
	print $fh "$bootid\n";
	close($fh) or die;
}

# Run bwcollect; kill it after $delay microseconds unless undef.
sub run {
	my ($delay) = @_;
	my $pid = fork() // die "fork: $!";
	if ($pid == 0) {
		$ENV{BWMON_NOW} = sprintf("%.3f", $now + $ahead);
		exec("bwcollect", "-d", $dir, "eth0") or die "exec: $!";
	}
	if (defined $delay) {
		usleep($delay) if $delay > 0;
		kill('KILL', $pid);
	}
	waitpid($pid, 0);
	return $?;
}

sub snapshot {
	opendir(my $dh, $dir) or die;
	my @tmp = grep { /^\.(state_|bw_).*\.[A-Za-z0-9]{6}$/ } readdir($dh);
	closedir($dh);
	my @st = stat("$dir/state_eth0.json");
	my @cv = stat("$dir/bw_eth0.csv");
	return join(" ", scalar(@tmp), $st[9] // 0, $st[7] // 0,
	    $cv[1] // 0, $cv[7] // 0, -s "$dir/state_eth0.json" ? do {
		local $/; open(my $f, '<', "$dir/state_eth0.json"); <$f> } : "");
}

fixture();
run(undef) == 0 or die "priming run failed";
# How long a whole run takes, to stretch the delays on a slow machine
# (a disk's fsync, a sanitizer build).
my @d;
for (1 .. 5) {
	$now += 300;
	$rx += 1000; $tx += 100; $mrx += 1000; $mtx += 100;
	fixture();
	my $t0 = time();
	run(undef) == 0 or die "timing run failed";
	push(@d, time() - $t0);
}
@d = sort { $a <=> $b } @d;
my $max = 3000;
$max = int($d[2] * 1.2e6) if $d[2] * 1.2e6 > $max;
print "# delays 0-$max us (a whole run took ${\ int($d[2] * 1e6)} us)\n";

my ($killed, $finished, $touched, $tmpleft) = (0, 0, 0, 0);
for my $i (1 .. $iter) {
	if ($i % 400 == 0) {
		# A reboot: let one run see the last counters of this boot.
		run(undef) == 0 or die "run before reboot failed";
		$boot = int($now) + 60;
		substr($bootid, 0, 8) = sprintf("%08x", $i);
		$rx = int(rand(100_000));
		$tx = int(rand(10_000));
		$mrx += $rx; $mtx += $tx;
	} else {
		my ($drx, $dtx) = (int(rand(50_000_000)), int(rand(5_000_000)));
		$rx += $drx; $tx += $dtx; $mrx += $drx; $mtx += $dtx;
	}
	# Mostly 5 minutes with a fraction; a day now and then, so retention
	# runs while kills come; three runs with the clock ten years ahead.
	$now += ($i % 50 == 0 ? 86400 : 300) + int(rand(1000)) / 1000;
	$ahead = ($i % 500 >= 250 && $i % 500 < 253) ? 315_360_000 : 0;
	fixture();
	my $before = snapshot();
	my $st = run(int(rand($max + 1)));
	if (WIFSIGNALED($st)) {
		$killed++;
		my $after = snapshot();
		$touched++ if $after ne $before;
		$tmpleft++ if (split(/ /, $after))[0] > 0;
	} elsif (WEXITSTATUS($st) == 0) {
		$finished++;
	} else {
		die "bwcollect exited " . WEXITSTATUS($st) . " at run $i\n";
	}
}
$now += 300;
fixture();
run(undef) == 0 or die "last run failed";
printf "moved %.0f %.0f\n", $mrx, $mtx;
printf "now %.0f\n", $now;
print "killed $killed finished $finished touched $touched tmpleft $tmpleft\n";
EOF
ok $? "the driver ran $ITER runs"
sed -n 's/^#/#/p' "$T/drv"
# (A sanitizer build killed while its leak check stops the world says
# it could not get a thread's registers: noise.)
grep -v -e 'wrote the row the last run saved' \
    -e '^==[0-9]*==Unable to get registers' "$T/drv.err" | sed 's/^/# /' |
    head -20
set -- $(sed -n 's/^killed //p' "$T/drv")
killed=${1:-0} touched=${5:-0} tmpleft=${7:-0}
pending=$(grep -c 'wrote the row the last run saved' "$T/drv.err")
echo "# killed $killed, finished ${3:-0}; kills that left files changed:" \
    "$touched, a temporary file: $tmpleft, a saved row to write: $pending"
[ "$touched" -gt 0 ]; ok $? "kills landed in the middle of writing ($touched)"
[ "$pending" -gt 0 ]
ok $? "some between saving the state and writing its row ($pending)"

want=$(sed -n 's/^moved //p' "$T/drv")
now=$(sed -n 's/^now //p' "$T/drv")

counted "$D" "$now" "$want"
is "$(jpath "$T/hist.json" '$j->{stats}{skipped_lines}')" 0 \
    "no torn or out-of-order line"

# Every row since the start follows the one before it: it begins where
# that one ended (rows end on whole seconds, so within a second).  A row
# counted twice overlaps the one before; a lost interval leaves a hole.
awk -F, -v s=$start '$1 > s {
	if (prev) {
		b = $1 - $6
		if (b < prev - 1) over++
		else if (b > prev + 1) hole++
	}
	prev = $1; n++
} END { printf "%d %d %d\n", n, over + 0, hole + 0 }' "$D/bw_eth0.csv" >"$T/cont"
set -- $(cat "$T/cont")
echo "# $1 rows since the start"
is "$2" 0 "no row overlaps the one before it (counted twice)"
is "$3" 0 "no hole between rows (an interval lost)"

is "$(awk -F, -v c=$((now - 180 * 86400)) '$1 < c' "$D/bw_eth0.csv" | wc -l | tr -d ' ')" \
    0 "retention trimmed the rows older than 180 days"
left=$(awk -F, -v s=$start '$1 < s' "$D/bw_eth0.csv" | wc -l | tr -d ' ')
[ "$left" -lt "$seeded" ]; ok $? "while being killed ($left of $seeded old rows left)"

is "$(ls -A "$D" | tr '\n' ' ')" ".bwcollect.lock bw_eth0.csv state_eth0.json " \
    "no temporary file stays behind"

# The same instants, step by step.  A state saved with its row, the row
# not written (killed in between): the next run writes it, once.
E=$T/e
mkdir -p "$E"
mkproc "$P" "eth0 1000 100"
BWMON_NOW=1790000000 bwcollect -d "$E" eth0
mkproc "$P" "eth0 2000 300"
BWMON_NOW=1790000300 bwcollect -d "$E" eth0
mkproc "$P" "eth0 4000 600"
BWMON_NOW=1790000600 bwcollect -d "$E" eth0
row2=$(tail -n 1 "$E/bw_eth0.csv")
head -n 1 "$E/bw_eth0.csv" >"$T/one" && cat "$T/one" >"$E/bw_eth0.csv"
mkproc "$P" "eth0 8000 1000"
BWMON_NOW=1790000900 bwcollect -d "$E" eth0 2>"$T/err"
ok $? "a run after one killed before its row was written"
like "$(cat "$T/err")" 'wrote the row the last run saved' "says so"
is "$(cut -d, -f1,4,5,6 "$E/bw_eth0.csv" | tr '\n' ' ')" \
    "1790000300,1000,200,300.000 1790000600,2000,300,300.000 1790000900,4000,400,300.000 " \
    "the saved row is written, then this run's: each interval once"
BWMON_NOW=1790000905 bwcollect -d "$E" eth0 2>"$T/err"
is "$(wc -l <"$E/bw_eth0.csv" | tr -d ' ')" 3 "and never again"

# Killed in the middle of writing the row: a torn piece of it.
row3=$(tail -n 1 "$E/bw_eth0.csv")
head -n 2 "$E/bw_eth0.csv" >"$T/two"
{ cat "$T/two"; printf '%s' "${row3%,*}"; } >"$E/bw_eth0.csv"
mkproc "$P" "eth0 8500 1100"
BWMON_NOW=1790001200 bwcollect -d "$E" eth0 2>"$T/err"
is "$(tail -n 2 "$E/bw_eth0.csv" | cut -d, -f1,4,5 | tr '\n' ' ')" \
    "1790000900,4000,400 1790001200,500,100 " \
    "after a torn row, the whole row, then this run's"
BWMON_NOW=1790001200 bwtotal -d "$E" -i eth0 --day --json >"$T/e.json"
is "$(moved "$T/e.json" total)" \
    "7500 1000" "the torn piece is not counted: totals exact"

# Stale temporary files go; anything else stays.
for f in .state_eth0.json.Ab12Cd .bw_eth0.csv.XyZ987 .bw_wlan0.csv.000000 \
    .state_br-lan.json.q1W2e3; do
	echo x >"$E/$f"
done
for f in .procs_eth0.json.Ab12Cd .live_eth0.json.aaaaaa .state_eth0.json.tmp \
    .bw_eth0.csv.Ab12Cd7 .bw_.csv.aaaaaa notes.txt .state_eth0.json.Ab-2Cd; do
	echo x >"$E/$f"
done
BWMON_NOW=1790001500 bwcollect -v -d "$E" eth0 >"$T/out" 2>"$T/err"
ok $? "a run with temporary files around"
is "$(grep -c '^removed .*left by a run that was killed' "$T/out")" 4 \
    "-v names each one it removes"
is "$(ls -A "$E" | tr '\n' ' ')" \
    ".bw_.csv.aaaaaa .bw_eth0.csv.Ab12Cd7 .bwcollect.lock .live_eth0.json.aaaaaa .procs_eth0.json.Ab12Cd .state_eth0.json.Ab-2Cd .state_eth0.json.tmp bw_eth0.csv notes.txt state_eth0.json " \
    "the stale copies of state and history files are gone, nothing else"

done_testing
