#!/bin/sh
# bench/procs.sh: bwprocs and nethogs side by side on the same traffic.
# Two network namespaces joined by a veth pair; iperf3 (and a small
# client of our own for short connections) runs between them; bwprocs
# and nethogs both capture the client's end of the veth at the same
# time, each on its own.  For each case: the share of the interface's
# bytes that each tool gives to the client's pid, and the CPU time each
# used.  Then bwprocs's idle CPU and memory.  Last, the whole machine's
# CPU for 100 kpps of UDP and for the storm with one tool at a time:
# bwprocs with bpf = on, with bpf = off, and nethogs.  Prints figures;
# it asserts nothing.  See bench/README.md.
#
# usage: bench/procs.sh        (as root; run `make all` first)
# Environment: BENCH_SECONDS (per case, default 10), BENCH_IDLE_SECONDS
# (30), BENCH_CONN_RATE (short connections a second, 200),
# BENCH_DNS_RATE (queries a second, each from a fresh UDP socket, 50),
# BWPROCS (the binary, default bwprocs/bwprocs), BENCH_CONF (extra
# bwmon.conf lines for bwprocs, e.g. "capture_buffer_mb = 4", or
# "bpf = off" to compare with owners from /proc alone), BENCH_TMPDIR,
# BENCH_CPU_SECONDS (per load and tool in the last part, default
# BENCH_SECONDS; 0 leaves that part out).
set -u

. "$(dirname "$0")/lib.sh"
BWPROCS=${BWPROCS:-$SRCDIR/bwprocs/bwprocs}
DUR=${BENCH_SECONDS:-10}
IDLE=${BENCH_IDLE_SECONDS:-30}
RATE=${BENCH_CONN_RATE:-200}
DNSRATE=${BENCH_DNS_RATE:-50}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, capture)"
need_cmds ip iperf3 nethogs perl
[ -x "$BWPROCS" ] || die "$BWPROCS is not built (make all)"
bench_tmp procsbench

# ifstat NAME: rx_bytes + tx_bytes (or packets) of the captured interface
ifstat() {
	inA cat "/sys/class/net/$IA/statistics/rx_$1" \
	    "/sys/class/net/$IA/statistics/tx_$1" |
	    awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# hostcpu: the whole machine's user + nice + system + irq + softirq
# clock ticks so far (/proc/stat): the kernel's share of the work (eBPF
# programs, softirq) counts too
hostcpu() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}

HZ=$(getconf CLK_TCK)

# json EXPR: the Perl expression EXPR on bwprocs's procs file as $j
json() {
	perl -MJSON::PP -0777 -e '
		my $j = eval { JSON::PP->new->decode(scalar <STDIN>) };
		defined $j or do { print "null"; exit 0 };
		my $v = eval $ARGV[0];
		print defined $v ? $v : "null"' "$1" <"$PROCS" 2>/dev/null ||
	    echo null
}

# bw_pid_bytes PID...: tx_bytes + rx_bytes of the PIDs' rows in the
# procs file
bw_pid_bytes() {
	json "my %p = map { \$_ => 1 } qw($*); my \$s = 0;
	    \$s += \$_->{tx_bytes} + \$_->{rx_bytes}
	    for grep { \$p{\$_->{pid}} } @{\$j->{processes}}; \$s"
}

# nh_pid_bytes PID: sent + received bytes nethogs last showed for PID.
# With -v 2 nethogs prints each process's totals since it started, in
# bytes, as C++ streams print a double (6 significant digits, e.g.
# 1.25e+10: rounding of at most 5 parts in a million).
nh_pid_bytes() {
	perl -e 'my %p = map { $_ => 1 } split " ", shift; my %last;
	    while (<>) {
		$last{$1} = $3 + $4 if m{/(\d+)/(\d+)\t(\S+)\t(\S+)\s*$} &&
		    $p{$1};
	    }
	    my $s = 0; $s += $_ for values %last;
	    printf "%.0f\n", $s' "$*" "$T/nethogs.out"
}

# The newest procs file was written at $1 or later.
procs_after() {
	_ts=$(json '$j->{ts}')
	[ "$_ts" != null ] && perl -e 'exit($ARGV[0] >= $ARGV[1] ? 0 : 1)' \
	    "$_ts" "$1"
}

# Every name we make starts with bwb<pid>: $NA, the client's namespace,
# where both tools capture $IA; $NB, the servers'.
bench_pair bwb 10.215.0.1 10.215.0.2

ip netns exec "$NB" iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NB" perl "$here/procs-short.pl" server "$ADDR_B" 5301 \
    >/dev/null 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NB" perl "$here/procs-short.pl" dnsserver "$ADDR_B" 53 \
    >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 10 listening 5201 && wait_for 10 listening 5301 ||
    die "servers did not start"

mkdir -p "$T/data"
printf '%s\n' "${BENCH_CONF:-}" >"$T/bwmon.conf"
PROCS=$T/data/procs_$IA.json
# ip netns exec execs the command: $! is its pid.
ip netns exec "$NA" "$BWPROCS" -f -c "$T/bwmon.conf" -d "$T/data" "$IA" \
    >/dev/null 2>"$T/bwprocs.err" &
BP=$!
PIDS="$PIDS $BP"
ip netns exec "$NA" nethogs -t -C -v 2 -d 1 "$IA" >"$T/nethogs.out" \
    2>"$T/nethogs.err" &
NH=$!
PIDS="$PIDS $NH"
wait_for 15 test -f "$PROCS" || die "bwprocs wrote no procs file: \
$(cat "$T/bwprocs.err")"
wait_for 15 grep -q Refreshing "$T/nethogs.out" ||
    die "nethogs printed nothing: $(cat "$T/nethogs.err")"
sleep 2
NH_RSS0=$(status "$NH" VmRSS)

# idle SECONDS: bwprocs's and nethogs's CPU over SECONDS in which the
# interface moves (almost) nothing: "ns_bwprocs ns_nethogs ticks_bwprocs
# ticks_nethogs ifbytes".
idle() {
	_i0=$(runns "$BP")
	_j0=$(runns "$NH")
	_it0=$(ticks "$BP")
	_jt0=$(ticks "$NH")
	_ib0=$(ifstat bytes)
	sleep "$1"
	echo "$(($(runns "$BP") - _i0)) $(($(runns "$NH") - _j0))" \
	    "$(($(ticks "$BP") - _it0)) $(($(ticks "$NH") - _jt0))" \
	    "$(($(ifstat bytes) - _ib0))"
}

echo "procs.sh: idle for $IDLE s" >&2
IDLE1=$(idle "$IDLE")
BP_RSS0=$(status "$BP" VmRSS)

# run_case LABEL COMMAND...: run COMMAND in the client's namespace and
# measure.  Appends a line to $T/rows.
run_case() {
	_label=$1
	shift
	echo "procs.sh: $_label: $*" >&2
	_b0=$(ifstat bytes)
	_k0=$(ifstat packets)
	_bt0=$(ticks "$BP")
	_nt0=$(ticks "$NH")
	_h0=$(hostcpu)
	_d0=$(json '$j->{capture}{drops}')
	_t0=$(now)
	ip netns exec "$NA" "$@" >"$T/client.out" 2>&1 &
	_cp=$!
	if [ -n "${PAUSE:-}" ]; then
		# Stop bwprocs for a second: its ring overflows.
		sleep 3
		kill -STOP "$BP"
		sleep "$PAUSE"
		kill -CONT "$BP"
	fi
	wait "$_cp"
	_st=$?
	_t1=$(now)
	_h1=$(hostcpu)
	# Both tools catch up: a procs file begun after the last packet and
	# after the 3 s a connection may wait for its lookup (over
	# lookup_rate), and so more than two nethogs refreshes.
	_after=$(perl -e 'printf "%.3f", $ARGV[0] + 4.5' "$_t1")
	wait_for 15 procs_after "$_after"
	sleep 1
	_b1=$(ifstat bytes)
	_k1=$(ifstat packets)
	_bt1=$(ticks "$BP")
	_nt1=$(ticks "$NH")
	_d1=$(json '$j->{capture}{drops}')
	_ring=$(json '$j->{capture}{buffer_mb} // "-"')
	# A client that forks one process per connection lists them.
	_pids=$_cp
	[ -n "${PIDFILE:-}" ] && _pids=$(tr '\n' ' ' <"$PIDFILE")
	_bw=$(bw_pid_bytes $_pids)
	_nh=$(nh_pid_bytes $_pids)
	_extra=$(grep -E 'sender|receiver|^connections' "$T/client.out" |
	    sed 's/^\[ *[0-9]*\] *//; s/  */ /g' | tr '\n' ';')
	[ "$_st" = 0 ] || _extra="client exit $_st: $_extra"
	echo "$_label|$_t0|$_t1|$((_b1 - _b0))|$((_k1 - _k0))|$_bw|$_nh|$((_bt1 - _bt0))|$((_nt1 - _nt0))|$_d0|$_d1|$_ring|$_cp|$((_h1 - _h0))|$_extra" \
	    >>"$T/rows"
}

: >"$T/rows"
run_case "TCP unlimited" iperf3 -c "$ADDR_B" -p 5201 -t "$DUR"
run_case "TCP 1 Gbit/s" iperf3 -c "$ADDR_B" -p 5201 -t "$DUR" -b 1G
run_case "UDP 100 B ~100 kpps" iperf3 -c "$ADDR_B" -p 5201 -t "$DUR" -u \
    -l 100 -b 80M
run_case "TCP $RATE conn/s" perl "$here/procs-short.pl" client "$ADDR_B" \
    5301 "$RATE" "$DUR"
PIDFILE=$T/forks
# 4 s: each process has a row, and a procs file lists 1000 at most.
run_case "TCP $RATE conn/s, a process each" perl "$here/procs-short.pl" \
    forks "$ADDR_B" 5301 "$RATE" 4 "$PIDFILE"
PIDFILE=
run_case "TCP conn/s storm (one client)" perl "$here/procs-short.pl" \
    client "$ADDR_B" 5301 100000 "$DUR"
run_case "UDP DNS $DNSRATE q/s, a socket each" perl \
    "$here/procs-short.pl" dns "$ADDR_B" 53 "$DNSRATE" "$DUR"

BP_RSS1=$(status "$BP" VmRSS)

# The adaptive ring: stop bwprocs for a second in a fast stream, so that
# its ring overflows; it should take a larger one without losing more.
PAUSE=1 run_case "TCP unl., bwprocs stopped 1 s" iperf3 -c "$ADDR_B" \
    -p 5201 -t "$DUR"
PAUSE=
run_case "TCP 1 Gbit/s again" iperf3 -c "$ADDR_B" -p 5201 -t 5 -b 1G
BP_RSS2=$(status "$BP" VmRSS)

# Idle again once the processes of the load have left the list
# (procs_linger, 60 s) and their connections the table.
echo "procs.sh: waiting 75 s for the rows to go, then idle for $IDLE s" >&2
sleep 75
IDLE2=$(idle "$IDLE")
BP_RSS3=$(status "$BP" VmRSS)
BP_HWM=$(status "$BP" VmHWM)
NH_RSS1=$(status "$NH" VmRSS)
NH_HWM=$(status "$NH" VmHWM)
BP_RSSF=$(status "$BP" RssFile)
BP_RSSA=$(status "$BP" RssAnon)

kill -TERM "$BP" 2>/dev/null
wait "$BP"
BP_EXIT=$?
kill -TERM "$NH" 2>/dev/null
wait "$NH" 2>/dev/null

# ---- The whole machine's CPU, one tool at a time ----
# solo TOOL LOAD SECONDS: start TOOL ("bpf on", "bpf off", "nethogs")
# alone on $IA, run LOAD ("udp" or "storm") for SECONDS in the client's
# namespace, stop TOOL; appends "tool|load|host ticks|tool ticks|start|
# end|packets|owners from" to $T/solo.
solo() {
	_conf=$T/solo.conf
	printf '%s\n' "${BENCH_CONF:-}" |
	    grep -v '^[[:space:]]*bpf[[:space:]]*=' >"$_conf"
	mkdir -p "$T/solodata"
	rm -f "$T/solodata/procs_$IA.json"
	case $1 in
	nethogs)
		# ip netns exec execs the command: $! is its pid.
		ip netns exec "$NA" nethogs -t -C -v 2 -d 1 "$IA" \
		    >"$T/solo.out" 2>&1 &
		_sp=$!
		wait_for 15 grep -q Refreshing "$T/solo.out" ;;
	*)
		echo "bpf = ${1#bpf }" >>"$_conf"
		ip netns exec "$NA" "$BWPROCS" -f -c "$_conf" \
		    -d "$T/solodata" "$IA" \
		    >/dev/null 2>>"$T/solo.err" &
		_sp=$!
		wait_for 15 test -f "$T/solodata/procs_$IA.json" ;;
	esac || echo "procs.sh: $1 did not start" >&2
	sleep 2
	echo "procs.sh: the whole machine's CPU, $1 alone: $2" >&2
	_k0=$(ifstat packets)
	_h0=$(hostcpu)
	_t0=$(ticks "$_sp")
	_s0=$(now)
	case $2 in
	udp)	inA iperf3 -c "$ADDR_B" -p 5201 -t "$3" -u -l 100 -b 80M ;;
	storm)	inA perl "$here/procs-short.pl" client "$ADDR_B" 5301 \
		    100000 "$3" ;;
	esac >/dev/null 2>&1
	_h1=$(hostcpu)
	_t1=$(ticks "$_sp")
	_s1=$(now)
	_k1=$(ifstat packets)
	_src=-
	[ "$1" = nethogs ] || _src=$(PROCS=$T/solodata/procs_$IA.json &&
	    json '$j->{owners}{source} // "?"')
	kill -TERM "$_sp" 2>/dev/null
	wait "$_sp" 2>/dev/null
	echo "$1|$2|$((_h1 - _h0))|$((_t1 - _t0))|$_s0|$_s1|$((_k1 - _k0))|$_src" \
	    >>"$T/solo"
}

CPUDUR=${BENCH_CPU_SECONDS:-$DUR}
: >"$T/solo"
: >"$T/solo.err"
if [ "$CPUDUR" -gt 0 ]; then
	for load in udp storm; do
		for tool in "bpf on" "bpf off" nethogs; do
			solo "$tool" "$load" "$CPUDUR"
		done
	done
fi

# idle_row WHEN FIGURES: the line of an idle() measurement; FIGURES are
# its words (bwprocs ns, nethogs ns, bwprocs ticks, nethogs ticks, the
# interface's bytes).
idle_row() {
	perl -e '
	my ($idle, $when, $bn, $nn, $bt, $nt, $ib) = @ARGV;
	printf "idle %d s %s (interface moved %d bytes): bwprocs %.3f %% of a" .
	    " core (%.1f ms; %d ticks), nethogs %.3f %% (%.1f ms)\n",
	    $idle, $when, $ib, 100 * $bn / 1e9 / $idle, $bn / 1e6, $bt,
	    100 * $nn / 1e9 / $idle, $nn / 1e6;
	' "$IDLE" "$@"
}

table() {
	echo "bwprocs ($("$BWPROCS" -V 2>&1)) and nethogs ($(nethogs -V 2>&1 |
	    sed 's/^ *version *//')) on the same traffic, capturing the same veth"
	echo "$(nproc) CPUs, kernel $(uname -r), load average" \
	    "$(cut -d' ' -f1-3 /proc/loadavg) at the end; $DUR s per case"
	echo "bwprocs config: ${BENCH_CONF:-defaults}; owners from" \
	    "$(json '$j->{owners}{source} // "?"') ($(json \
	    '$j->{owners}{reason} // "?"'))"
	echo
	perl -e '
	my $hz = shift;
	printf "%-29s %11s %9s | %8s %8s | %7s %7s %6s %7s | %s\n",
	    "case", "rate", "if bytes", "bwprocs", "nethogs", "bwp CPU",
	    "nh CPU", "CPU", "host", "bwprocs capture";
	printf "%-29s %11s %9s | %8s %8s | %7s %7s %6s %7s | %s\n",
	    "", "", "", "share", "share", "s", "s", "ratio", "CPU s",
	    "drops, ring";
	print "-" x 121, "\n";
	while (<STDIN>) {
		chomp;
		my ($l, $t0, $t1, $b, $k, $bw, $nh, $bt, $nt, $d0, $d1, $ring,
		    $pid, $host, $extra) = split /\|/, $_, 15;
		my $s = $t1 - $t0 > 0 ? $t1 - $t0 : 1;
		my $rate = $b * 8 / $s;
		my $r = $rate >= 1e9 ? sprintf("%.2f Gbit/s", $rate / 1e9) :
		    sprintf("%.0f Mbit/s", $rate / 1e6);
		my $pct = sub { $b > 0 && $_[0] =~ /^\d+$/ ?
		    sprintf("%.2f %%", 100 * $_[0] / $b) : "n/a" };
		my $drops = $d0 =~ /^\d+$/ && $d1 =~ /^\d+$/ ? $d1 - $d0 : "?";
		printf "%-29s %11s %9s | %8s %8s | %7.2f %7.2f %6s %7.2f | " .
		    "%s, %s MB\n",
		    $l, $r, sprintf("%.2f GB", $b / 1e9), $pct->($bw),
		    $pct->($nh), $bt / $hz, $nt / $hz,
		    $nt > 0 ? sprintf("%.2f", $bt / $nt) : "n/a", $host / $hz,
		    $drops, $ring;
		printf "%-29s %11s %9s   pid %s: bwprocs %s B, nethogs %s B;" .
		    " %.0f kpps\n", "", "", "", $pid, $bw, $nh, $k / $s / 1e3;
		printf "%-29s %11s %9s   %s\n", "", "", "", $extra
		    if $extra =~ /\S/;
	}' "$HZ" <"$T/rows"
	echo
	echo "share: bytes the tool gave the client's pid / bytes the interface"
	echo "counted (rx + tx) from the client's start until both tools caught up"
	echo "(the stopped case loses what overflowed bwprocs's ring while it was"
	echo "stopped: the drops; it has no target)"
	echo "CPU: user + system time of each tool over the same window; host CPU:"
	echo "the whole machine's user + system + irq + softirq while the client ran"
	echo "(/proc/stat: the kernel's eBPF work counts; compare with BENCH_CONF='bpf = off')"
	echo "targets: share >= 99.5 % in every case; bwprocs CPU <= 0.5 x nethogs's"
	echo
	# shellcheck disable=SC2086
	idle_row "at start" $IDLE1
	# shellcheck disable=SC2086
	idle_row "after the load" $IDLE2
	echo "bwprocs RSS: $BP_RSS0 kB idle at start; $BP_RSS1 kB right after" \
	    "the first six cases; $BP_RSS2 kB after the forced drops (a larger" \
	    "ring); $BP_RSS3 kB idle after the load ($BP_RSSA kB anon," \
	    "$BP_RSSF kB file: rings and libraries); peak $BP_HWM kB"
	echo "(the ring shrinks back after 10 minutes without drops)"
	echo "nethogs RSS: $NH_RSS0 kB at start, $NH_RSS1 kB at the end, peak" \
	    "$NH_HWM kB"
	echo "targets: idle < 0.1 % of one core and < 10 MB (10240 kB) RSS"
	echo "bwprocs exit status after SIGTERM: $BP_EXIT"
	echo
	[ -s "$T/solo" ] && perl -e '
	my $hz = shift;
	my (%h, %t, %pp);
	print "The whole machine\x27s CPU (user + system + irq + softirq," .
	    " /proc/stat) while the load ran, one tool at a time:\n";
	printf "%-10s %-8s %6s %8s %9s %10s %8s | %s\n", "load", "tool",
	    "kpps", "host s", "host", "host/pkt", "tool s", "owners from";
	print "-" x 77, "\n";
	while (<STDIN>) {
		chomp;
		my ($tool, $load, $host, $ticks, $s0, $s1, $k, $src) =
		    split /\|/;
		my $s = $s1 - $s0 > 0 ? $s1 - $s0 : 1;
		$h{$load}{$tool} = $host / $s;
		$t{$load}{$tool} = $ticks / $s;
		$pp{$load}{$tool} = $k > 0 ? 1e6 * $host / $hz / $k : undef;
		printf "%-10s %-8s %6.0f %8.2f %8.1f%% %7.2f us %8.2f | %s\n",
		    $load eq "udp" ? "UDP 100 B" : "storm", $tool,
		    $k / $s / 1e3, $host / $hz, 100 * $host / $hz / $s,
		    $pp{$load}{$tool} // 0, $ticks / $hz, $src;
	}
	my $r = sub { my ($x, $y) = @_;
	    defined $x && defined $y && $y > 0 ? sprintf("%.2f", $x / $y) :
	    "n/a" };
	for my $l (qw(udp storm)) {
		next unless $h{$l};
		printf "%-6s host CPU, bpf on / bpf off: %s a second, %s a" .
		    " packet (target <= 1.2); own CPU a second, bwprocs (bpf" .
		    " on) / nethogs: %s (target <= 0.5)\n",
		    $l eq "udp" ? "UDP:" : "storm:",
		    $r->($h{$l}{"bpf on"}, $h{$l}{"bpf off"}),
		    $r->($pp{$l}{"bpf on"}, $pp{$l}{"bpf off"}),
		    $r->($t{$l}{"bpf on"}, $t{$l}{nethogs});
	}
	print "(host: % of one core while the load ran, and per packet the" .
	    " interface\ncounted; the load itself takes most of it: where it" .
	    " saturates the\nmachine, as on a busy or small one, compare per" .
	    " packet)\n\n";
	' "$HZ" <"$T/solo"
	echo "bwprocs said:"
	sed 's/^/    /' "$T/bwprocs.err"
}

mkdir -p "$here/out"
table | tee "$here/out/procs.txt"
