# Helpers for the tests of the owners the kernel names (t/24xx-bwprocs-
# bpf-*.t), sourced after t/lib.sh and t/data/procs-lib.sh.  Their
# addresses are 10.214.<n>.0/24 (t/2404's 10.218.<n>.0/24), n from the
# pid, so that runs in other checkouts at the same time never meet.

BN=$((100 + $$ % 74 * 2))

# Every one of them loads programs into the kernel, and keeps its data
# directory in $D.
need_root
D=$T/data
mkdir -p "$D"

# owners_source FILE: "bpf" or "proc", as procs file FILE says.
owners_source() {
	json "$1" '$j->{owners}{source}'
}

# need_bpf FILE: skip (but not under CI=true) when the bwprocs that
# wrote FILE was built without BPF support.
need_bpf() {
	case $(json "$1" '$j->{owners}{reason}') in
	*"built without BPF"*)
		[ "${CI:-}" = true ] ||
		    skip_all "bwprocs was built without BPF support" ;;
	esac
}

# DNS: one process asking ADDR:53 RATE queries a second for SECS
# seconds, each through a fresh UDP socket (as glibc's getaddrinfo()
# does), waiting at most a second for each answer; it prints how many
# were answered.
DNS='
    my ($a, $rate, $secs) = @ARGV;
    my ($t0, $n) = (time, 0);
    for my $i (0 .. $rate * $secs - 1) {
	my $at = $t0 + $i / $rate;
	sleep($at - time) if $at > time;
	my $s = IO::Socket::INET->new(PeerAddr => "$a:53", Proto => "udp")
	    or next;
	my $q = pack("nnnnnn", $i & 0xffff, 0x0100, 1, 0, 0, 0) .
	    join("", map { chr(length) . $_ } "q$i", "bwt", "test") .
	    "\0" . pack("nn", 1, 1);
	$s->send($q);
	my $b = "";
	my $sel = IO::Select->new($s);
	$n++ if $sel->can_read(1) && $s->recv($b, 512) && length $b;
	close $s }
    print "$n\n"'
DNSMODS="-MIO::Socket::INET -MIO::Select -MTime::HiRes=time,sleep"

# dns_client ADDR RATE SECS OUT: $DNS from here, to the end; its pid in
# $cp, how many were answered in OUT.
dns_client() {
	perl $DNSMODS -e "$DNS" "$1" "$2" "$3" >"$4" &
	cp=$!
	wait "$cp"
}

# has_bytes FILE PID MIN: the rows of PID in procs file FILE hold at
# least MIN bytes.
has_bytes() {
	perl -e 'exit($ARGV[0] =~ /^\d+$/ && $ARGV[0] >= $ARGV[1] ? 0 : 1)' \
	    "$(pid_bytes "$1" "$2")" "$3"
}

# dns_server NETNS ADDR: dnsmasq in NETNS answering on ADDR:53 for
# *.bwt.test from its own table; one test point.
dns_server() {
	ip netns exec "$1" dnsmasq -k --conf-file=/dev/null --no-resolv \
	    --no-hosts --bind-interfaces --listen-address="$2" \
	    --except-interface=lo --address=/bwt.test/192.0.2.1 \
	    --pid-file= --user=root --log-facility=/dev/null \
	    >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	wait_for 10 listening "$1" 53 u
	ok $? "dnsmasq in $1 on $2:53"
}
