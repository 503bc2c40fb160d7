#!/usr/bin/perl
# bench/procs-short.pl: short TCP connections for bench/procs.sh.
#
#   procs-short.pl server ADDR PORT
#	accept connections one at a time: read the request (until the
#	client shuts down its side), answer REPLY bytes, close.
#   procs-short.pl client ADDR PORT RATE SECONDS
#	RATE connections a second for SECONDS, from this one process:
#	connect, send REQUEST bytes, shut down the write side, read the
#	answer to its end, close.  Prints how many were made and how long
#	one took (median and 90th percentile, in milliseconds).
#   procs-short.pl forks ADDR PORT RATE SECONDS PIDFILE
#	The same, each connection from a new process (like a shell loop
#	of curl); their pids go to PIDFILE, one a line.
#   procs-short.pl dnsserver ADDR PORT
#	answer each UDP datagram with DNS_REPLY bytes.
#   procs-short.pl dns ADDR PORT RATE SECONDS
#	RATE queries a second for SECONDS, each of DNS_QUERY bytes from a
#	fresh UDP socket that waits for its answer (at most a second) and
#	closes, as glibc's getaddrinfo() does.
#
# ADDR is an IPv4 address.  Requests are 1,000 bytes, answers 16,000:
# a small HTTP exchange.
use strict;
use warnings;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Socket qw(SHUT_WR);
use Time::HiRes qw(time sleep);

my $REQUEST = 1000;
my $REPLY = 16000;
my $DNS_QUERY = 40;
my $DNS_REPLY = 120;

# One exchange: connect, send, shut down the write side, read to the end.
sub exchange {
	my ($addr, $port, $request) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => "$addr:$port",
	    Proto => 'tcp') or return 0;
	syswrite($s, $request);
	shutdown($s, SHUT_WR);
	my $buf;
	1 while sysread($s, $buf, 65536);
	close $s;
	return 1;
}

my $mode = shift // '';
if ($mode eq 'server') {
	my ($addr, $port) = @ARGV;
	my $l = IO::Socket::INET->new(LocalAddr => "$addr:$port",
	    Listen => 1024, ReuseAddr => 1) or die "listen $addr:$port: $!\n";
	$SIG{PIPE} = 'IGNORE';
	my $answer = 'r' x $REPLY;
	while (my $c = $l->accept) {
		my $buf;
		1 while sysread($c, $buf, 65536);
		syswrite($c, $answer);
		close $c;
	}
	exit 0;
}
if ($mode eq 'forks') {
	my ($addr, $port, $rate, $secs, $pidfile) = @ARGV;
	my $n = int($rate * $secs);
	my $request = 'q' x $REQUEST;
	my @pids;
	my $t0 = time;
	for my $i (0 .. $n - 1) {
		my $at = $t0 + $i / $rate;
		my $now = time;
		sleep($at - $now) if $at > $now;
		my $pid = fork;
		die "fork: $!\n" unless defined $pid;
		if ($pid == 0) {
			exit(exchange($addr, $port, $request) ? 0 : 1);
		}
		push @pids, $pid;
		# Reap as we go: no more than a few alive at once.
		1 while waitpid(-1, WNOHANG) > 0;
	}
	1 while wait > 0;
	open(my $fh, '>', $pidfile) or die "$pidfile: $!\n";
	print $fh "$_\n" for @pids;
	close $fh;
	printf "connections %d (a process each) seconds %.2f\n", scalar @pids,
	    time - $t0;
	exit 0;
}
if ($mode eq 'client') {
	my ($addr, $port, $rate, $secs) = @ARGV;
	my $n = int($rate * $secs);
	my $request = 'q' x $REQUEST;
	my (@took, $fail);
	my $t0 = time;
	for my $i (0 .. $n - 1) {
		my $at = $t0 + $i / $rate;
		my $now = time;
		# A rate beyond this client's speed: as many as it can.
		last if $now - $t0 >= $secs;
		sleep($at - $now) if $at > $now;
		my $s0 = time;
		if (!exchange($addr, $port, $request)) {
			$fail++;
			next;
		}
		push @took, 1000 * (time - $s0);
	}
	@took = sort { $a <=> $b } @took;
	printf "connections %d failed %d seconds %.2f median_ms %.3f " .
	    "p90_ms %.3f\n", scalar @took, $fail // 0, time - $t0,
	    @took ? $took[$#took / 2] : 0,
	    @took ? $took[int(0.9 * $#took)] : 0;
	exit 0;
}
if ($mode eq 'dnsserver') {
	my ($addr, $port) = @ARGV;
	my $s = IO::Socket::INET->new(LocalAddr => "$addr:$port",
	    Proto => 'udp') or die "bind $addr:$port: $!\n";
	my $answer = 'a' x $DNS_REPLY;
	my $buf;
	while (defined $s->recv($buf, 512)) {
		$s->send($answer);
	}
	exit 0;
}
if ($mode eq 'dns') {
	my ($addr, $port, $rate, $secs) = @ARGV;
	my $n = int($rate * $secs);
	my $query = 'q' x $DNS_QUERY;
	my ($ok, $fail) = (0, 0);
	my $t0 = time;
	for my $i (0 .. $n - 1) {
		my $at = $t0 + $i / $rate;
		my $now = time;
		sleep($at - $now) if $at > $now;
		my $s = IO::Socket::INET->new(PeerAddr => "$addr:$port",
		    Proto => 'udp');
		if (!$s) {
			$fail++;
			next;
		}
		$s->send($query);
		my ($rin, $buf) = ('', '');
		vec($rin, fileno($s), 1) = 1;
		if (select($rin, undef, undef, 1) > 0 &&
		    defined $s->recv($buf, 512)) {
			$ok++;
		} else {
			$fail++;
		}
		close $s;
	}
	printf "connections %d failed %d seconds %.2f (a UDP socket each)\n",
	    $ok, $fail, time - $t0;
	exit 0;
}
die "usage: procs-short.pl server ADDR PORT | " .
    "client ADDR PORT RATE SECONDS | " .
    "forks ADDR PORT RATE SECONDS PIDFILE | dnsserver ADDR PORT | " .
    "dns ADDR PORT RATE SECONDS\n";
