#!/bin/sh
# bwprocs -P against a proc directory made by the test (BWMON_PROC), no
# root needed: a replayed capture's connections are matched to sockets
# in the tables net/{tcp,udp}{,6} (our network namespace: -P, instead of
# sock_diag) and <pid>/net/* (a container's), the sockets to processes
# through the links <pid>/fd/N -> "socket:[inode]", and each process
# row is named from <pid>/comm, cmdline, status and cgroup.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"

need_cmds perl

P=$T/proc
D=$T/data
mkdir -p "$D"
HOSTNS=4026531840		# the namespace bwprocs and the host live in
CTNS=4026532999			# a container's

# The tree.  net/ holds our namespace's tables; every process of it has
# net -> ../net, as /proc/<pid>/net shows the same tables; self is
# bwprocs itself (pid 100).
mkproc "$P" "r0 0 0"

# mkpid PID COMM UID NETNS ARG...: a process directory: stat (field 22,
# the start time, is 1000 + PID), comm, status with its uids, cmdline,
# ns/net, fd/.
mkpid() {
	_d=$P/$1
	mkdir -p "$_d/fd" "$_d/ns"
	printf '%s (%s) S 1 %s %s 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 %s 1000 100\n' \
	    "$1" "$2" "$1" "$1" "$((1000 + $1))" >"$_d/stat"
	printf '%s\n' "$2" >"$_d/comm"
	printf 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t%s\nUid:\t%s\t%s\t%s\t%s\n' \
	    "$2" "$1" "$3" "$3" "$3" "$3" >"$_d/status"
	ln -s "net:[$4]" "$_d/ns/net"
	[ "$4" = "$HOSTNS" ] && ln -s ../net "$_d/net"
	_p=$1
	shift 4
	printf '%s\0' "$@" >"$P/$_p/cmdline"
}

# sock PID FD INODE: descriptor FD of PID is that socket.
sock() {
	ln -s "socket:[$3]" "$P/$1/fd/$2"
}

mkpid 100 bwprocs 0 $HOSTNS bwprocs -P -r fake.pcap r0
ln -s 100 "$P/self"
mkpid 4242 curl 0 $HOSTNS curl -s https://10.213.252.7/
sock 4242 0 7001		# not a socket of a connection here
sock 4242 3 50001
ln -s /dev/null "$P/4242/fd/1"
mkpid 4343 avahi-daemon 0 $HOSTNS "avahi-daemon: running [x.local]"
sock 4343 12 50002
mkpid 4444 python3 0 $HOSTNS python3 -m http.server 8080
sock 4444 4 50004		# the listener
sock 4444 5 50003		# the connection it accepted
mkpid 5000 nginx 0 $CTNS "nginx: worker process"
sock 5000 7 60001
mkdir -p "$P/5000/net"
echo "0::/system.slice/docker-0123456789abcdef0123456789abcdef.scope" \
    >"$P/5000/cgroup"

# The socket tables, the container's addresses and the capture, in
# Perl; it prints what each process must get: "PID TX RX".
cat >"$T/mk.pl" <<'EOF'
use strict;
use warnings;
my ($P, $pcap) = @ARGV;

sub v4 { pack 'C4', split /\./, $_[0] }
# An address as the tables print it: 32-bit words in host order.
sub hex4 { sprintf '%08X', unpack 'V', v4($_[0]) }
sub hex6map { '0000000000000000FFFF0000' . hex4($_[0]) }
sub zero6 { '0' x 32 }
sub line {
	my ($n, $l, $lp, $r, $rp, $st, $ino) = @_;
	sprintf "%4d: %s:%04X %s:%04X %02X 00000000:00000000 00:00000000 " .
	    "00000000     0        0 %d 1 0000000000000000 20 4 30 10 -1\n",
	    $n, $l, $lp, $r, $rp, $st, $ino;
}
sub table {
	my ($path, @lines) = @_;
	open my $f, '>', $path or die "$path: $!";
	print $f "  sl  local_address rem_address   st tx_queue rx_queue tr " .
	    "tm->when retrnsmt   uid  timeout inode\n", @lines;
	close $f or die;
}

my $L = '127.0.0.1';		# ours: lo has it
# Our namespace: curl's connection, avahi's unconnected UDP socket on
# 0.0.0.0:5353, python's dual-stack listener and the connection it
# accepted (v4-mapped, in tcp6), and a socket of nobody's.
table("$P/net/tcp",
    line(0, hex4($L), 45000, hex4('10.213.252.7'), 443, 1, 50001),
    line(1, hex4($L), 47000, hex4('10.213.252.7'), 443, 1, 51999));
table("$P/net/udp", line(0, hex4('0.0.0.0'), 5353, hex4('0.0.0.0'), 0, 7,
    50002));
table("$P/net/tcp6",
    line(0, zero6(), 8080, zero6(), 0, 10, 50004),
    line(1, hex6map($L), 8080, hex6map('10.213.252.9'), 51000, 1, 50003));
table("$P/net/udp6");
# The container's namespace: nginx's connection, and its address.
table("$P/5000/net/tcp", line(0, hex4('10.213.251.5'), 443,
    hex4('10.213.251.9'), 50000, 1, 60001));
table("$P/5000/net/udp");
table("$P/5000/net/tcp6");
table("$P/5000/net/udp6");
open my $f, '>', "$P/5000/net/fib_trie" or die;
print $f "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.213.251.0\n" .
    "        /24 link UNICAST\n     |-- 10.213.251.5\n" .
    "        /32 host LOCAL\n";
close $f or die;
open $f, '>', "$P/5000/net/if_inet6" or die;
close $f or die;

# The capture: Ethernet frames, headers and payload.
my (@recs, %got);
sub tcp {
	my ($sp, $dp, $flags, $pay) = @_;
	pack('nnNNCCnnn', $sp, $dp, 1, 0, 0x50, $flags, 8192, 0, 0) .
	    ('p' x $pay);
}
sub udp {
	my ($sp, $dp, $pay) = @_;
	pack('nnnn', $sp, $dp, 8 + $pay, 0) . ('u' x $pay);
}
sub ip4 {
	my ($src, $dst, $proto, $l4) = @_;
	pack('CCnnnCCn', 0x45, 0, 20 + length $l4, 1, 0, 64, $proto, 0) .
	    v4($src) . v4($dst) . $l4;
}
# frame(src, dst, proto, l4, pid, dir): pid is who gets the bytes, dir
# "tx" or "rx" from its point of view.
sub frame {
	my ($src, $dst, $proto, $l4, $pid, $dir) = @_;
	my $fr = "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" .
	    ip4($src, $dst, $proto, $l4);
	push @recs, $fr;
	$got{$pid}{$dir} += length $fr;
}
my ($R7, $R8, $R9) = ('10.213.252.7', '10.213.252.8', '10.213.252.9');
my ($C5, $C9) = ('10.213.251.5', '10.213.251.9');
frame($L, $R7, 6, tcp(45000, 443, 0x02, 0), 4242, 'tx');
frame($R7, $L, 6, tcp(443, 45000, 0x12, 0), 4242, 'rx');
frame($L, $R7, 6, tcp(45000, 443, 0x18, 517), 4242, 'tx');
frame($R7, $L, 6, tcp(443, 45000, 0x18, 1400), 4242, 'rx') for 1 .. 3;
frame($R8, $L, 17, udp(40000, 5353, 60), 4343, 'rx');
frame($L, $R8, 17, udp(5353, 40000, 120), 4343, 'tx');
frame($R9, $L, 6, tcp(51000, 8080, 0x02, 0), 4444, 'rx');
frame($L, $R9, 6, tcp(8080, 51000, 0x12, 0), 4444, 'tx');
frame($R9, $L, 6, tcp(51000, 8080, 0x18, 300), 4444, 'rx');
frame($L, $R9, 6, tcp(8080, 51000, 0x18, 1460), 4444, 'tx') for 1 .. 2;
frame($C9, $C5, 6, tcp(50000, 443, 0x18, 200), 5000, 'rx');
frame($C5, $C9, 6, tcp(443, 50000, 0x18, 1200), 5000, 'tx') for 1 .. 4;
# Nobody's: no socket in any table.
frame($L, $R7, 6, tcp(46000, 443, 0x18, 100), 'none', 'tx');
open my $o, '>:raw', $pcap or die;
print $o pack('VvvVVVV', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1);
my $i = 0;
for my $fr (@recs) {
	print $o pack('VVVV', 1790000000, 1000 * $i++, length $fr,
	    length $fr) . $fr;
}
close $o or die;
for my $pid (sort keys %got) {
	printf "%s %d %d\n", $pid, $got{$pid}{tx} // 0, $got{$pid}{rx} // 0;
}
EOF
perl "$T/mk.pl" "$P" "$T/fake.pcap" >"$T/want"
ok $? "the fixture is made"

# want PID: "TX RX" the capture gives it.
want() {
	sed -n "s/^$1 //p" "$T/want"
}
# row PID EXPR: EXPR on the row of PID ($r), "none" when there is none.
row() {
	json "$D/procs_r0.json" "my (\$r) = grep { \$_->{pid} == $1 &&
	    \$_->{kind} eq 'process' } @{\$j->{processes}}; \$r ? ($2) : 'none'"
}

BWMON_PROC=$P bwprocs -P -d "$D" -r "$T/fake.pcap" r0 2>"$T/err"
is $? 0 "-P with BWMON_PROC: the replay exits 0"
is "$(cat "$T/err")" "" "and says nothing"
p=$D/procs_r0.json

is "$(row 4242 '"$r->{tx_bytes} $r->{rx_bytes}"')" "$(want 4242)" \
    "tcp: curl's bytes, by direction, from net/tcp and its fd 3"
is "$(row 4242 'join "|", $r->{name}, $r->{cmdline}, $r->{user},
    $r->{uid}, $r->{container}, $r->{connections}')" \
    "curl|curl -s https://10.213.252.7/|root|0||1" \
    "its name, command line and user from comm, cmdline and status"
is "$(row 4343 '"$r->{tx_bytes} $r->{rx_bytes} $r->{name}"')" \
    "$(want 4343) avahi-daemon" \
    "udp: a socket bound to 0.0.0.0:5353 gets what arrives there"
is "$(row 4343 '$r->{cmdline}')" "avahi-daemon: running [x.local]" \
    "its command line, spaces and brackets kept"
is "$(row 4444 '"$r->{tx_bytes} $r->{rx_bytes} $r->{name}"')" \
    "$(want 4444) python3" \
    "tcp6: an accepted v4-mapped connection, its own socket found"
is "$(row 5000 '"$r->{tx_bytes} $r->{rx_bytes} $r->{name}"')" \
    "$(want 5000) nginx" \
    "a container: its address from its fib_trie, its socket from its net/tcp"
is "$(row 5000 '$r->{container}')" "docker-0123456789ab" \
    "and its container from its cgroup"
is "$(row 100 '$r->{name}')" none "bwprocs itself moved nothing"
none=$(want none)
is "$(row_bytes "$p" '[unknown tcp]')" "$(( ${none% *} + ${none#* } ))" \
    "a connection in no table: [unknown tcp]"
is "$(all_bytes "$p")" "$(json "$p" '$j->{capture}{bytes}')" \
    "the rows add up to every byte"
is "$(json "$p" 'join " ", map { "$_->{local}=$_->{pid}:$_->{name}" } sort {
    $a->{local} cmp $b->{local} } @{$j->{connections}}')" \
    "10.213.251.5:443=5000:nginx 127.0.0.1:45000=4242:curl 127.0.0.1:46000=0: 127.0.0.1:5353=4343:avahi-daemon 127.0.0.1:8080=4444:python3" \
    "connections: each local end is its socket's, with its process"

# Without -P our namespace's sockets are asked of sock_diag, which knows
# none of them; the container's tables are read either way.
rm -f "$p"
BWMON_PROC=$P bwprocs -d "$D" -r "$T/fake.pcap" r0 2>/dev/null
is $? 0 "without -P: the replay exits 0"
is "$(row 4242 '$r->{name}')" none \
    "without -P, curl's socket is not found in the table"
is "$(row 5000 '"$r->{tx_bytes} $r->{rx_bytes}"')" "$(want 5000)" \
    "the container's still is"

# A socket whose descriptor is gone: found in the table, but nobody has
# it.
rm "$P/4242/fd/3"
rm -f "$p"
BWMON_PROC=$P bwprocs -P -d "$D" -r "$T/fake.pcap" r0 2>/dev/null
is "$(row 4242 '$r->{name}')" none "no descriptor, no process"
is "$(all_bytes "$p")" "$(json "$p" '$j->{capture}{bytes}')" \
    "its bytes are still counted"

# -P is in the usage and the manual.
like "$(bwprocs -h)" '\[-fhPVv\]' "usage shows -P"
grep -q '^\.It Fl P$' "$SRCDIR/man/bwprocs.8"
ok $? "bwprocs(8) describes -P"

done_testing
