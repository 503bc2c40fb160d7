#!/bin/sh
# bench/router.sh: what router mode costs.  Three network namespaces:
# a client C, a router R that forwards and masquerades, and an
# "internet" I with an iperf3 server:
#
#   C [10.215.M.2] --- [10.215.M.1] rl  R  rw [10.215.W.1] --- I [10.215.W.2]
#
# 1. CPU: the whole machine's user + nice + system + irq + softirq time
#    (/proc/stat) per GB forwarded through R at ~1 Gbit/s (iperf3 -b),
#    with router mode off (no bwprocs), on (bwprocs -f rl with
#    router = on and capture = off: the kernel's sets count, bwprocs
#    reads them each second) and on counting from conntrack as while a
#    flowtable is in use (BWMON_OFFLOAD_TEST; conntrack accounting on),
#    alternating, BENCH_ROUNDS rounds each.
# 2. Memory: bwprocs's peak resident size with BENCH_HOSTS (1,000)
#    hosts: C sends one UDP packet from each of that many addresses
#    (I drops them, so R never learns their MACs: each address is a
#    host of its own), and the live file's size.
# 3. Counting from conntrack, as while a flowtable is in use
#    (BWMON_OFFLOAD_TEST stands for one): BENCH_CT_FLOWS (10,000)
#    made-up flows in R's conntrack table (bench/ct-fill.c) from the
#    hosts of part 2, every one followed (a dump a second); bwprocs's
#    CPU and resident size with that and without (the same table, the
#    sets alone).
# 4. Disk: six months of host history at 50 devices busy in every
#    interval (bench/hosts-gen.c), the worst case: quiet devices write
#    no rows.
# Prints figures; it asserts nothing.  See bench/README.md.
#
# usage: bench/router.sh        (as root; run `make all` first)
# Environment: BENCH_SECONDS (per round, 10), BENCH_ROUNDS (3),
# BENCH_RATE (iperf3 -b, 1G), BENCH_HOSTS (1000), BENCH_CT_FLOWS
# (10000), BENCH_SKIP_DISK (1 to skip part 4, which takes some 3
# minutes), BWPROCS, BENCH_TMPDIR, CC.
set -u

. "$(dirname "$0")/lib.sh"
BWPROCS=${BWPROCS:-$SRCDIR/bwprocs/bwprocs}
SECS=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
RATE=${BENCH_RATE:-1G}
NHOSTS=${BENCH_HOSTS:-1000}
NFLOWS=${BENCH_CT_FLOWS:-10000}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables)"
need_cmds ip iperf3 nft perl "${CC:-cc}"
[ -x "$BWPROCS" ] || die "$BWPROCS is not built (make all)"

NP=bwr$$
C=${NP}c
R=${NP}r
I=${NP}i
M=$((100 + $$ % 74 * 2))
W=$((M + 1))
bench_tmp rbench
# bench_cleanup removes $NA and $NB: the router and the internet; the
# client goes here.
NA=$R
NB=$I
trap 'bench_cleanup; ip netns del "$C" 2>/dev/null' EXIT

for _n in "$C" "$R" "$I"; do
	ip netns add "$_n" && ip -n "$_n" link set lo up || die "netns $_n"
done
ip -n "$R" link add rl type veth peer name c0 netns "$C" &&
ip -n "$R" link add rw type veth peer name i0 netns "$I" &&
ip -n "$R" addr add "10.215.$M.1/24" dev rl &&
ip -n "$R" addr add "10.215.$W.1/24" dev rw &&
ip -n "$C" addr add "10.215.$M.2/24" dev c0 &&
ip -n "$I" addr add "10.215.$W.2/24" dev i0 &&
ip -n "$R" link set rl up && ip -n "$R" link set rw up &&
ip -n "$C" link set c0 up && ip -n "$I" link set i0 up &&
ip -n "$C" route add default via "10.215.$M.1" &&
ip -n "$R" route add 10.216.0.0/16 via "10.215.$M.2" &&
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 &&
ip netns exec "$R" nft -f - <<EOF || die "router setup"
table ip ${NP}nat {
	chain post {
		type nat hook postrouting priority 100;
		oifname "rw" masquerade
	}
}
EOF
ip netns exec "$I" nft -f - <<EOF || die "drop rule in I"
table ip sink {
	chain in {
		type filter hook input priority 0;
		udp dport 9 drop
	}
}
EOF
ip netns exec "$I" iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 1

# busy: user + nice + system + irq + softirq jiffies of the machine.
busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}
fwd_bytes() {
	ip netns exec "$R" cat /sys/class/net/rw/statistics/tx_bytes
}
HZ=$(getconf CLK_TCK)
printf 'capture = off\nrouter = on\nowners_interval = 300\n' >"$T/conf"
mkdir -p "$T/data"

# round MODE: one run of iperf3; prints "cpu_seconds gb".
round() {
	if [ "$1" != off ]; then
		_test=
		[ "$1" = ct ] && _test=1
		BWMON_OFFLOAD_TEST=$_test ip netns exec "$R" "$BWPROCS" -f \
		    -c "$T/conf" -d "$T/data" rl 2>>"$T/bwprocs.log" &
		BP=$!
		sleep 2
	fi
	_b0=$(fwd_bytes)
	_c0=$(busy)
	ip netns exec "$C" iperf3 -c "10.215.$W.2" -p 5201 -b "$RATE" \
	    -t "$SECS" >/dev/null 2>&1
	_c1=$(busy)
	_b1=$(fwd_bytes)
	if [ "$1" != off ]; then
		kill "$BP"
		wait "$BP"
	fi
	# Counting from conntrack turned accounting on: off again.
	ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=0
	perl -e 'printf "%.3f %.3f\n", ($ARGV[1] - $ARGV[0]) / $ARGV[4],
	    ($ARGV[3] - $ARGV[2]) / 1e9' "$_c0" "$_c1" "$_b0" "$_b1" "$HZ"
}

echo "router mode, ${SECS} s of iperf3 -b $RATE through the router a round:"
: >"$T/off"
: >"$T/on"
: >"$T/ct"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	round off >>"$T/off"
	round on >>"$T/on"
	round ct >>"$T/ct"
	i=$((i + 1))
done
perl -e '
	sub per { my $f = shift; open my $h, "<", $f or die;
	    my ($c, $g) = (0, 0);
	    while (<$h>) { my @a = split; $c += $a[0]; $g += $a[1] }
	    return ($c, $g) }
	my ($c0, $g0) = per($ARGV[0]);
	my ($c1, $g1) = per($ARGV[1]);
	my ($c2, $g2) = per($ARGV[2]);
	my ($p0, $p1, $p2) = ($c0 / $g0, $c1 / $g1, $c2 / $g2);
	printf "  accounting off: %.2f GB forwarded, %.3f CPU s per GB\n",
	    $g0, $p0;
	printf "  accounting on:  %.2f GB forwarded, %.3f CPU s per GB\n",
	    $g1, $p1;
	printf "  difference: %+.1f %% (machine CPU per GB, on vs off)\n",
	    100 * ($p1 - $p0) / $p0;
	printf "  from conntrack (a flowtable in use): %.2f GB, %.3f CPU s " .
	    "per GB, %+.1f %% vs off\n", $g2, $p2, 100 * ($p2 - $p0) / $p0
	' "$T/off" "$T/on" "$T/ct"

# 2. Memory with many hosts.
rm -f "$T/data"/*
ip netns exec "$R" "$BWPROCS" -f -c "$T/conf" -d "$T/data" rl \
    2>>"$T/bwprocs.log" &
BP=$!
PIDS="$PIDS $BP"
sleep 2
RSS0=$(status "$BP" VmRSS)
perl -e 'for my $i (0 .. $ARGV[0] - 1) {
	printf "addr add 10.216.%d.%d/32 dev c0\n", 1 + int($i / 250),
	    1 + $i % 250 }' "$NHOSTS" >"$T/addrs"
ip -n "$C" -b "$T/addrs" || die "addresses in $C"
# hosts_send: one UDP packet from each of the NHOSTS addresses.
hosts_send() {
	ip netns exec "$C" perl -MIO::Socket::INET -e '
	    for my $i (0 .. $ARGV[0] - 1) {
		my $a = sprintf "10.216.%d.%d", 1 + int($i / 250), 1 + $i % 250;
		my $s = IO::Socket::INET->new(Proto => "udp",
		    LocalAddr => $a, PeerAddr => "$ARGV[1]:9") or die "$a: $!";
		$s->send("x" x 100);
	    }' "$NHOSTS" "10.215.$W.2" || die "packets from $NHOSTS addresses"
}
hosts_send
sleep 3
N=$(perl -MJSON::PP -0777 -ne 'print scalar @{decode_json($_)->{hosts}}' \
    "$T/data/hosts_rl.json")
C0=$(ticks "$BP")
sleep 10
C1=$(ticks "$BP")
HWM=$(status "$BP" VmHWM)
RSS=$(status "$BP" VmRSS)
SIZE=$(wc -c <"$T/data/hosts_rl.json")
kill "$BP"
wait "$BP"
echo "bwprocs (router = on, capture = off) with $N hosts in the live file:"
echo "  resident: $RSS0 kB at start, $RSS kB with the hosts (peak $HWM kB)"
echo "  live file: $SIZE bytes"
perl -e 'printf "  CPU: %.1f %% of a core (10 s, a read of the sets and a " .
    "file a second)\n", 100 * ($ARGV[1] - $ARGV[0]) / $ARGV[2] / 10' \
    "$C0" "$C1" "$HZ"

# 3. Offloaded flows from conntrack.
"${CC:-cc}" -O2 -o "$T/ct-fill" "$here/ct-fill.c" -lnetfilter_conntrack ||
    die "cannot compile bench/ct-fill.c (libnetfilter-conntrack-dev)"
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_acct=1 ||
    die "conntrack accounting in $R"
FILL=$(CT_FILL_HOSTS=$NHOSTS ip netns exec "$R" \
    "$T/ct-fill" fill "$NFLOWS") ||
    die "ct-fill: $FILL"
# ofl_round TEST: bwprocs with BWMON_OFFLOAD_TEST=TEST ("" for none)
# and the hosts; prints "cpu_percent rss_kb".
ofl_round() {
	rm -f "$T/data"/*
	BWMON_OFFLOAD_TEST=$1 ip netns exec "$R" "$BWPROCS" -f -c "$T/conf" \
	    -d "$T/data" rl 2>>"$T/bwprocs.log" &
	BP=$!
	sleep 2
	hosts_send
	sleep 3
	_c0=$(ticks "$BP")
	sleep 10
	_c1=$(ticks "$BP")
	_rss=$(status "$BP" VmRSS)
	kill "$BP"
	wait "$BP"
	perl -e 'printf "%.1f %d\n", 100 * ($ARGV[1] - $ARGV[0]) / $ARGV[2] / 10,
	    $ARGV[3]' "$_c0" "$_c1" "$HZ" "$_rss"
}
OFF=$(ofl_round "")
ON=$(ofl_round 1)
echo "counting from conntrack (a flowtable in use), $NFLOWS flows of" \
    "$NHOSTS hosts in R's table ($FILL):"
echo "  no flowtable (the sets): ${OFF% *} % of a core, ${OFF#* } kB resident"
echo "  a flowtable (conntrack): ${ON% *} % of a core, ${ON#* } kB resident" \
    "(a conntrack dump a second, every flow followed)"
CT_FILL_HOSTS=$NHOSTS ip netns exec "$R" "$T/ct-fill" clear "$NFLOWS" \
    >/dev/null

# 4. Disk.
if [ "${BENCH_SKIP_DISK:-0}" != 1 ]; then
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -I"$SRCDIR/lib" -o "$T/hosts-gen" \
	    "$here/hosts-gen.c" "$SRCDIR/lib/libbw.a" -ljansson -lm ||
	    die "cannot build hosts-gen"
	mkdir -p "$T/six"
	"$T/hosts-gen" "$T/six" br-lan "$(date +%s)" 183 50 >"$T/sizes" ||
	    die "hosts-gen"
	echo "six months of host history, 50 devices busy in every interval:"
	awk '{ printf "  %-15s %6.1f MB\n", $1, $2 / 1e6; s += $2 }
	    END { printf "  %-15s %6.1f MB\n", "total", s / 1e6 }' "$T/sizes"
fi
