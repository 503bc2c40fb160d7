#!/usr/bin/perl
# Write ten days of owner history for eth0 into a data directory, as
# bwprocs keeps it (bwmon-files(5)): 5-minute rows for the last two days,
# hourly rows for every hour, daily rows for every day, each coarser row
# the exact sum of the finer ones, and the command lines.  For the
# dashboard's tests (t/7102).  Every interval holds firefox, sshd, nginx
# in a container and [forwarded]; apt runs at 06:00 each day; a
# nightly-backup moves 30 GB between 03:00 and 03:30 on 21 September
# 2026 (1789959600 to 1789961400); a name with markup shows up once.
#
# usage: owners-gen.pl DIR NOW
use strict;
use warnings;

my ($dir, $now) = @ARGV;
die "usage: owners-gen.pl DIR NOW\n" unless defined $now;
my $end = int($now / 3600) * 3600;	# the last whole hour ends here
my $start = int(($end - 10 * 86400) / 86400) * 86400;
my $full_from = $end - 2 * 86400;

sub js {
	my $s = shift;
	$s =~ s/(["\\])/\\$1/g;
	return "\"$s\"";
}

# An owner: [prog, user, place key, place, pid, cmd, remote]
sub row {
	my ($ts, $len, $o, $rx, $tx) = @_;
	my ($prog, $user, $pk, $place, $pid, $cmd, $rem) = @$o;
	my $s = "{\"ts\":$ts,\"len\":$len,\"prog\":" . js($prog);
	$s .= ",\"user\":" . js($user) if $user ne '';
	$s .= ",\"$pk\":" . js($place) if $pk ne '';
	$s .= ",\"rx\":$rx,\"tx\":$tx";
	$s .= ",\"pid\":$pid" if $pid;
	$s .= ",\"cmd\":\"$cmd\"" if $cmd ne '';
	$s .= ",\"r\":[[\"$rem\",$rx,$tx]]" if $rem ne '';
	return "$s}\n";
}

my %O = (
	firefox => ['firefox', 'alice', '', '', 777, '00000000000000aa',
	    '198.51.100.7:443'],
	sshd => ['sshd', 'root', 'unit', 'ssh.service', 22, '', ''],
	nginx => ['nginx', 'www-data', 'container', 'web-1', 101, '',
	    '192.0.2.44:51000'],
	fwd => ['[forwarded]', '', '', '', 0, '', ''],
	apt => ['apt', '_apt', 'unit', 'apt-daily.service', 4100, '',
	    '203.0.113.80:80'],
	backup => ['nightly-backup', 'root', 'unit', 'backup.service', 4242,
	    '00000000000000bb', '203.0.113.5:873'],
	evil => ['<img src=x onerror=document.title=1>evil', 'bob', '', '',
	    666, '', ''],
);
my @order = qw(backup apt firefox nginx sshd evil fwd);

open(my $f5, '>', "$dir/owners_eth0.jsonl") or die "$dir: $!";
open(my $fh, '>', "$dir/owners1h_eth0.jsonl") or die "$dir: $!";
open(my $fd, '>', "$dir/owners1d_eth0.jsonl") or die "$dir: $!";
my (%hour, %day);
for (my $t = $start; $t < $end; $t += 300) {
	my %b;
	my $i = $t / 300;
	$b{firefox} = [2000000 + $i % 7 * 100000, 100000];
	$b{sshd} = [10000, 50000];
	$b{nginx} = [500000, 3000000 + $i % 5 * 1000];
	$b{fwd} = [1000, 1000];
	$b{apt} = [200000000, 1000000] if $t % 86400 >= 21600 &&
	    $t % 86400 < 23400;
	$b{backup} = [1000000, 5000000000] if $t >= 1789959600 &&
	    $t < 1789961400;
	$b{evil} = [5, 5] if $t == 1789962000;
	for my $k (@order) {
		next unless $b{$k};
		print $f5 row($t, 300, $O{$k}, @{$b{$k}}) if $t >= $full_from;
		$hour{$k}[$_] += $b{$k}[$_] for 0, 1;
		$day{$k}[$_] += $b{$k}[$_] for 0, 1;
	}
	if (($t + 300) % 3600 == 0) {
		for my $k (@order) {
			print $fh row($t + 300 - 3600, 3600, $O{$k},
			    @{$hour{$k}}) if $hour{$k};
		}
		%hour = ();
	}
	if (($t + 300) % 86400 == 0) {
		for my $k (@order) {
			print $fd row($t + 300 - 86400, 86400, $O{$k},
			    @{$day{$k}}) if $day{$k};
		}
		%day = ();
	}
}
close($_) or die "$dir: $!" for $f5, $fh, $fd;
open(my $fc, '>', "$dir/cmdlines_eth0.jsonl") or die "$dir: $!";
print $fc "{\"ts\":$start,\"id\":\"00000000000000aa\",\"cmd\":\"/usr/lib/firefox/firefox\"}\n";
print $fc "{\"ts\":$start,\"id\":\"00000000000000bb\",\"cmd\":\"/usr/local/bin/nightly-backup --to nas\"}\n";
close($fc) or die "$dir: $!";
