#!/usr/bin/perl
# Makes the bwprocs replay fixtures t/data/procs-*.pcap and
# t/data/procs-replay.expected:  perl t/data/procs-mkpcap.pl t/data
#
# Each capture mixes well-formed TCP and UDP over IPv4 and IPv6 (VLAN
# tags, extension headers, fragments, v4-mapped addresses) with frames a
# parser must survive: truncated at every layer, bad header lengths,
# garbage, runts.  Addresses are 10.213.250.0/24 and fd00:213:250::/64,
# which no test makes local, so every connection is "[forwarded]" and
# everything else "[other]".  The expected file lists per capture:
#   name packets bytes fwd_rx fwd_tx other_rx other_tx connections
use strict;
use warnings;

my $dir = shift // 't/data';
my ($fwd_rx, $fwd_tx, $oth_rx, $oth_tx, %conns, @recs);

sub v4 { pack 'C4', split /\./, $_[0] }
sub v6 {
	my ($a) = @_;
	my ($l, $r) = split /::/, $a, 2;
	my @l = $l eq '' ? () : split /:/, $l;
	my @r = defined $r && $r ne '' ? split /:/, $r : ();
	my @w = (@l, (0) x (8 - @l - @r), @r);
	return pack 'n8', map { hex } @w;
}
sub tcp {
	my ($sp, $dp, $flags, $pay) = @_;
	return pack('nnNNCCnnn', $sp, $dp, 1, 0, 0x50, $flags, 8192, 0, 0)
	    . ('p' x $pay);
}
sub udp {
	my ($sp, $dp, $pay) = @_;
	return pack('nnnn', $sp, $dp, 8 + $pay, 0) . ('u' x $pay);
}
sub ip4 {
	my ($src, $dst, $proto, $l4, %o) = @_;
	my $ihl = $o{ihl} // 5;
	my $frag = $o{frag} // 0;
	my $tot = $o{tot} // 20 + length $l4;
	return pack('CCnnnCCn', 0x40 | $ihl, 0, $tot, $o{id} // 1, $frag, 64,
	    $proto, 0) . v4($src) . v4($dst)
	    . ('o' x ($ihl > 5 ? 4 * $ihl - 20 : 0)) . $l4;
}
sub ip6 {
	my ($src, $dst, $nh, $l4) = @_;
	return pack('NnCC', 0x60000000, length $l4, $nh, 64) . v6($src)
	    . v6($dst) . $l4;
}
sub eth {
	my ($type, $payload, %o) = @_;
	my $tags = '';
	$tags .= pack('nn', $_, 7) for @{ $o{vlans} // [] };
	# Source 02:...:01 is not the capturing host's (no such interface).
	return "\x02\0\0\0\0\x02" . "\x02\0\0\0\0\x01" . $tags
	    . pack('n', $type) . $payload;
}
# rec(frame, class, len, caplen): class "fwd:KEY" counts for connection
# KEY, "other" for the other row; dir "tx" for outgoing (SLL only).
sub rec {
	my ($frame, $class, %o) = @_;
	my $len = $o{len} // length $frame;
	my $cap = $o{cap} // length $frame;
	$cap = length $frame if $cap > length $frame;
	$frame = substr $frame, 0, $cap;
	my $tx = ($o{dir} // 'rx') eq 'tx';
	if ($class =~ /^fwd:(.*)/) {
		$conns{$1} = 1;
		if ($tx) { $fwd_tx += $len } else { $fwd_rx += $len }
	} else {
		if ($tx) { $oth_tx += $len } else { $oth_rx += $len }
	}
	push @recs, [$frame, $len];
}
sub write_pcap {
	my ($name, $linktype, %o) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!";
	print $fh pack('VvvVVVV', 0xa1b2c3d4, 2, 4, 0, 0, 65535, $linktype);
	my $i = 0;
	my $bytes = 0;
	my $out = '';
	for my $r (@recs) {
		$out .= pack('VVVV', 1790000000, 1000 * $i++, length $r->[0],
		    $r->[1]) . $r->[0];
		$bytes += $r->[1];
	}
	$out = substr $out, 0, length($out) - $o{cut} if $o{cut};
	print $fh $out;
	close $fh or die;
	return sprintf "%s %d %d %d %d %d %d %d\n", $name, scalar @recs,
	    $bytes, $fwd_rx, $fwd_tx, $oth_rx, $oth_tx, scalar keys %conns;
}
sub reset_counts {
	($fwd_rx, $fwd_tx, $oth_rx, $oth_tx) = (0, 0, 0, 0);
	%conns = ();
	@recs = ();
}

my $A = '10.213.250.10';
my $B = '10.213.250.7';
my $X = 'fd00:213:250::1';
my $Y = 'fd00:213:250::2';
my $expected = '';

# ---- Ethernet ----
reset_counts();
rec(eth(0x0800, ip4($A, $B, 6, tcp(40000, 443, 0x02, 0))), 'fwd:t1');
rec(eth(0x0800, ip4($B, $A, 6, tcp(443, 40000, 0x12, 0))), 'fwd:t1');
rec(eth(0x0800, ip4($A, $B, 6, tcp(40000, 443, 0x18, 1400))), 'fwd:t1',
    cap => 192);
# A GSO super-packet: 64 KiB on the wire, headers captured.
rec(eth(0x0800, ip4($A, $B, 6, tcp(40000, 443, 0x10, 200))), 'fwd:t1',
    len => 65226, cap => 192);
rec(eth(0x86dd, ip6($X, $Y, 17, udp(5353, 53, 60))), 'fwd:u1');
rec(eth(0x0800, ip4($A, $B, 6, tcp(40000, 443, 0x10, 900)), vlans =>
    [0x8100]), 'fwd:t1', cap => 100);
rec(eth(0x0800, ip4('10.213.250.20', '10.213.250.30', 17, udp(1000, 2000,
    30)), vlans => [0x88a8, 0x8100]), 'fwd:u2');
rec(eth(0x0800, ip4($A, $B, 17, udp(1, 2, 10)), vlans => [(0x8100) x 5]),
    'other');			# too many tags
rec(eth(0x0806, "\0\1\x08\0\6\4\0\1" . ("a" x 20)), 'other', len => 60);
rec(eth(0x0800, ip4($A, $B, 6, tcp(1, 2, 0x02, 0))), 'other', len => 1514,
    cap => 14);			# Ethernet header only
rec(eth(0x0800, ip4($A, $B, 6, tcp(1, 2, 0x02, 0))), 'other', cap => 30);
rec(eth(0x0800, ip4($A, $B, 6, tcp(1, 2, 0x02, 0), ihl => 15)), 'other',
    cap => 60);			# header longer than the capture
rec(eth(0x0800, ip4($A, $B, 6, tcp(1, 2, 0x02, 0), ihl => 3)), 'other');
rec(eth(0x0800, ip4($A, $B, 1, "\x08\0\0\0\0\0\0\0")), 'other');	# ICMP
rec(eth(0x0800, ip4($A, $B, 6, tcp(40001, 443, 0, 0), tot => 10)),
    'fwd:t2');			# total length below the header's
# Ports only: the TCP header cut after 4 bytes.
rec(eth(0x0800, ip4($A, $B, 6, tcp(40002, 443, 0x02, 0))), 'fwd:t3',
    cap => 14 + 20 + 4, len => 1000);
rec(eth(0x0800, ip4($A, $B, 6, tcp(40003, 443, 0x02, 0))), 'other',
    cap => 14 + 20 + 3, len => 1000);
# IPv6: hop-by-hop + destination options, then TCP.
rec(eth(0x86dd, ip6($X, 'fd00:213:250::3', 0, pack('CCx6', 60, 0)
    . pack('CCx6', 6, 0) . tcp(1234, 80, 0x02, 0))), 'fwd:t4');
# Nine extension headers: more than the parser follows.
rec(eth(0x86dd, ip6($X, $Y, 60, join('', map { pack('CCx6', 60, 0) } 1 .. 8)
    . pack('CCx6', 6, 0) . tcp(1, 2, 2, 0))), 'other');
# An extension header running past the capture.
rec(eth(0x86dd, ip6($X, $Y, 0, pack('CC', 6, 200) . ('e' x 30))), 'other');
# IPv6 fragments: the first has the ports, the second is matched to it.
my $frag1 = pack('CCnN', 17, 0, 1, 0xabcd) . udp(7000, 8000, 40);
my $frag2 = pack('CCnN', 17, 0, 6 << 3, 0xabcd) . ('f' x 40);
rec(eth(0x86dd, ip6($X, $Y, 44, $frag1)), 'fwd:u3');
rec(eth(0x86dd, ip6($X, $Y, 44, $frag2)), 'fwd:u3');
# An orphan fragment: no first fragment seen.
rec(eth(0x86dd, ip6($X, $Y, 44, pack('CCnN', 17, 0, 9 << 3, 0x1234)
    . 'z' x 20)), 'other');
# IPv4 fragments.
rec(eth(0x0800, ip4($A, $B, 17, udp(9000, 9001, 100), frag => 0x2000,
    id => 77)), 'fwd:u4');
rec(eth(0x0800, ip4($A, $B, 17, 'g' x 100, frag => 14, id => 77)),
    'fwd:u4');
# v4-mapped IPv6: the same connection as plain IPv4.
rec(eth(0x86dd, ip6("::ffff:ad5:fa0a", "::ffff:ad5:fa07", 6,
    tcp(40000, 443, 0x10, 10))), 'fwd:t1');
# Garbage and runts.
rec(join('', map { chr(($_ * 37 + 11) & 0xff) } 1 .. 64), 'other');
rec('', 'other', len => 60);
rec("\xff" x 5, 'other', len => 5);
rec(eth(0x86dd, "\x60\0\0"), 'other');
rec(eth(0x0800, "\x45"), 'other');
rec(eth(0x0800, "\x65" . ("\0" x 40)), 'other');	# version 6 in 0x0800
rec(eth(0x0101, "x" x 40), 'other');			# 802.3 length
$expected .= write_pcap('procs-eth.pcap', 1);
# The same, cut in the middle of its last record.
my @keep = @recs;
my $last = pop @recs;
my $save = [$fwd_rx, $fwd_tx, $oth_rx, $oth_tx];
$oth_rx -= $last->[1];
push @recs, $last;
$expected .= write_pcap('procs-trunc.pcap', 1, cut => 3);
@recs = @keep;
$expected =~ s/^(procs-trunc\.pcap) (\d+) (\d+)/"$1 " . ($2 - 1) . " " .
    ($3 - $last->[1])/me;
($fwd_rx, $fwd_tx, $oth_rx, $oth_tx) = @$save;

# ---- Linux cooked (SLL): the direction is in the header ----
reset_counts();
sub sll { my ($pkttype, $type, $p) = @_;
	pack('nnnA8n', $pkttype, 1, 6, "\2\0\0\0\0\1", $type) . $p }
rec(sll(4, 0x0800, ip4($A, $B, 6, tcp(50000, 22, 0x18, 500))), 'fwd:s1',
    dir => 'tx');
rec(sll(0, 0x0800, ip4($B, $A, 6, tcp(22, 50000, 0x10, 0))), 'fwd:s1');
rec(sll(4, 0x86dd, ip6($X, $Y, 17, udp(123, 123, 48))), 'fwd:s2',
    dir => 'tx');
rec(sll(4, 0x0806, 'a' x 28), 'other', dir => 'tx');
rec(sll(0, 0x0800, ''), 'other', cap => 10, len => 100);
$expected .= write_pcap('procs-sll.pcap', 113);

# ---- Linux cooked v2 (SLL2) ----
reset_counts();
sub sll2 { my ($pkttype, $type, $p) = @_;
	pack('nnNnCCA8', $type, 0, 3, 1, $pkttype, 6, "\2\0\0\0\0\1") . $p }
rec(sll2(4, 0x0800, ip4($A, $B, 17, udp(5000, 5001, 200))), 'fwd:v1',
    dir => 'tx');
rec(sll2(0, 0x0800, ip4($B, $A, 17, udp(5001, 5000, 20))), 'fwd:v1');
rec(sll2(0, 0x86dd, ip6($Y, $X, 6, tcp(443, 60000, 0x10, 100))), 'fwd:v2');
rec(sll2(0, 0x86dd, ''), 'other', cap => 19, len => 80);
$expected .= write_pcap('procs-sll2.pcap', 276);

# ---- raw IP (tun, WireGuard) ----
reset_counts();
rec(ip4($A, $B, 6, tcp(33000, 80, 0x18, 300)), 'fwd:r1');
rec(ip6($X, $Y, 17, udp(4500, 4500, 100)), 'fwd:r2');
rec("\x00" x 30, 'other');
rec("\x45\0", 'other', len => 60);
$expected .= write_pcap('procs-raw.pcap', 101);

# ---- BSD loopback (NULL): a 4-byte address family ----
reset_counts();
rec(pack('V', 2) . ip4($A, $B, 17, udp(53, 53, 10)), 'fwd:n1');
rec(pack('V', 30) . ip6($X, $Y, 17, udp(53, 53, 10)), 'fwd:n2');
rec(pack('V', 99) . ip4($A, $B, 17, udp(53, 53, 10)), 'other');
$expected .= write_pcap('procs-null.pcap', 0);

# ---- a link type bwprocs does not parse (802.11): all "other" ----
reset_counts();
rec('w' x 50, 'other');
rec('w' x 70, 'other');
$expected .= write_pcap('procs-wifi.pcap', 105);

open my $fh, '>', "$dir/procs-replay.expected" or die;
print $fh $expected;
close $fh or die;
