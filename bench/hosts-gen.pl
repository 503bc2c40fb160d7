#!/usr/bin/perl
# bench/hosts-gen.pl DIR IFACE NOW DEVICES: six months of host history
# for bench/hosts.sh, in the format of bwmon-files(5) (host files) and
# kept as it says: 5-minute rows for the last 8 days, hourly rows (rolled
# up as each hour ends) for the last 32 days, daily (UTC) rows for each
# day of 180 that has ended.  Each device moves bytes in some 60 % of
# 5-minute intervals (no zero rows), a few of them most of the bytes.
# The tiers' bytes are drawn apart, not summed: the figures are of
# reading, not of the numbers read.  Also the live file of IFACE with the
# same devices.
use strict;
use warnings;

my ($dir, $if, $now, $n) = @ARGV;
die "usage: hosts-gen.pl DIR IFACE NOW DEVICES\n" unless defined $n;
srand(42);
my @dev = map {
	my $mac = sprintf "02:00:00:00:%02x:%02x", int($_ / 256), $_ % 256;
	{ id => $mac, name => "host-$_", addr => sprintf("10.1.%d.%d",
	    int($_ / 250), $_ % 250 + 2), w => 1 / ($_ + 1) }
} 0 .. $n - 1;
my $end5 = int($now / 300) * 300;
my $start5 = $end5 - 8 * 86400;
my $endh = int($now / 3600) * 3600;
my $starth = $endh - 32 * 86400;
my $endd = int($now / 86400) * 86400;
my $startd = $endd - 180 * 86400;

sub rows {
	my ($fh, $ts, $len) = @_;
	for my $d (@dev) {
		next if rand() > 0.6 && $len == 300;
		my $rx = int($d->{w} * $len * 2e5 * (0.5 + rand()));
		my $tx = int($rx / 10) + 1;
		print $fh "{\"ts\":$ts,\"len\":$len,\"id\":\"$d->{id}\",",
		    "\"name\":\"$d->{name}\",\"addrs\":[\"$d->{addr}\"],",
		    "\"rx\":$rx,\"tx\":$tx}\n";
	}
}

open(my $d1, ">", "$dir/hostlog1d_$if.jsonl") or die "$dir: $!";
for (my $t = $startd; $t < $endd; $t += 86400) {
	rows($d1, $t, 86400);
}
close($d1) or die;
open(my $h1, ">", "$dir/hostlog1h_$if.jsonl") or die "$dir: $!";
for (my $t = $starth; $t < $endh; $t += 3600) {
	rows($h1, $t, 3600);
}
close($h1) or die;
open(my $m5, ">", "$dir/hostlog_$if.jsonl") or die "$dir: $!";
for (my $t = $start5; $t < $end5; $t += 300) {
	rows($m5, $t, 300);
}
close($m5) or die;
open(my $lv, ">", "$dir/hosts_$if.json") or die "$dir: $!";
print $lv "{\"ts\":", $now - 0.5, ",\"iface\":\"$if\",\"pid\":1,",
    "\"interval\":1,\"source\":\"nftables\",\"offload\":null,",
    "\"rx\":0,\"tx\":0,\"hosts\":[", join(",", map {
	my $rx = int($_->{w} * 1e12);
	"{\"id\":\"$_->{id}\",\"mac\":\"$_->{id}\",\"name\":\"$_->{name}\"," .
	"\"from\":\"lease\",\"addrs\":[\"$_->{addr}\"],\"rx\":$rx," .
	"\"tx\":" . int($rx / 10) . ",\"rx_bps\":" . int($_->{w} * 1e8) .
	".0,\"tx_bps\":1000.0,\"seen\":$now}"
} @dev), "]}\n";
close($lv) or die;
