#!/usr/bin/perl
# Drive a real headless Chromium through the DevTools protocol over a
# pipe (--remote-debugging-pipe: commands on its fd 3, answers on its fd
# 4, each a JSON text ended by a NUL), so that a test can use the page as
# a person does: real mouse events through the browser's input pipeline,
# then read what the page shows.  For t/71xx.
#
# usage: cdp.pl CHROMIUM PROFILE URL < SCRIPT
# SCRIPT, one command a line (blank lines and # comments skipped):
#   wait JS            evaluate JS until it is true (20 s at most)
#   print JS           evaluate JS and print its value on a line
#   drag CSS FX0 FX1   press the left button at FX0 of the element's width
#                      (0 to 1, at half its height), move in steps to FX1,
#                      release
#   click CSS          press and release at the element's centre
#   key NAME           a key press and release (e.g. Enter) on the focus
# Exits 1 when a command fails or times out, saying which on stderr.
use strict;
use warnings;
use IO::Handle;
use IO::Select;
use JSON::PP;
use POSIX qw(dup2 _exit);
use Time::HiRes qw(time sleep);

my ($chromium, $profile, $url) = @ARGV;
die "usage: cdp.pl CHROMIUM PROFILE URL < SCRIPT\n" unless defined $url;
my $json = JSON::PP->new->utf8->allow_nonref;

pipe(my $cr, my $cw) or die "pipe: $!";	# commands: we write, it reads
pipe(my $ar, my $aw) or die "pipe: $!";	# answers: it writes, we read
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
	# Moved out of the way first: dup2() onto itself would keep the
	# close-on-exec flag Perl sets above fd 2.
	my ($c, $a) = (POSIX::dup(fileno($cr)), POSIX::dup(fileno($aw)));
	dup2($c, 3) or _exit(127);
	dup2($a, 4) or _exit(127);
	POSIX::close($c);
	POSIX::close($a);
	open(STDOUT, '>', '/dev/null');
	{ exec($chromium, '--headless', '--no-sandbox', '--disable-gpu',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync',
	    '--hide-scrollbars', '--window-size=1280,900',
	    "--user-data-dir=$profile", '--remote-debugging-pipe',
	    'about:blank') };
	_exit(127);
}
close($cr);
close($aw);
$cw->autoflush(1);
my $sel = IO::Select->new($ar);
my $buf = '';
my $id = 0;
my $session;

sub fail {
	print STDERR "cdp.pl: @_\n";
	kill 'KILL', $pid;
	waitpid($pid, 0);
	exit 1;
}

# Send a command; return its result, or fail.
sub cmd {
	my ($method, $params, $timeout) = @_;
	my %m = (id => ++$id, method => $method, params => $params || {});
	$m{sessionId} = $session if defined $session && $method !~ /^(Target|Browser)\./;
	print $cw $json->encode(\%m), "\0" or fail("write: $!");
	my $deadline = time + ($timeout || 30);
	for (;;) {
		while ((my $i = index($buf, "\0")) >= 0) {
			my $msg = $json->decode(substr($buf, 0, $i));
			$buf = substr($buf, $i + 1);
			next unless defined $msg->{id} && $msg->{id} == $id;
			fail("$method: $msg->{error}{message}") if $msg->{error};
			return $msg->{result};
		}
		my $left = $deadline - time;
		fail("$method: no answer") if $left <= 0;
		next unless $sel->can_read($left);
		my $n = sysread($ar, $buf, 65536, length $buf);
		fail("$method: the browser went away") unless $n;
	}
}

# The value of a JS expression; an exception fails, unless quiet.
sub js {
	my ($e, $quiet) = @_;
	my $r = cmd('Runtime.evaluate', { expression => $e,
	    returnByValue => JSON::PP::true, awaitPromise => JSON::PP::true });
	if ($r->{exceptionDetails}) {
		return undef if $quiet;
		fail("$e: " . ($r->{exceptionDetails}{exception}{description} //
		    $r->{exceptionDetails}{text}));
	}
	return $r->{result}{value};
}

sub mouse {
	my ($type, $x, $y) = @_;
	cmd('Input.dispatchMouseEvent', { type => $type, x => $x, y => $y,
	    button => 'left', buttons => $type eq 'mouseReleased' ? 0 : 1,
	    clickCount => 1 });
}

# The element's box: [left, top, width, height] in CSS pixels.
sub box {
	my $css = shift;
	my $b = js("(function () { var e = document.querySelector(" .
	    $json->encode($css) . "); if (!e) return null; " .
	    "e.scrollIntoView({block: 'center'}); var r = " .
	    "e.getBoundingClientRect(); return [r.left, r.top, r.width, " .
	    "r.height]; })()");
	fail("no element $css") unless ref $b;
	return @$b;
}

my $t = cmd('Target.createTarget', { url => $url });
$session = cmd('Target.attachToTarget', { targetId => $t->{targetId},
    flatten => JSON::PP::true })->{sessionId};
cmd('Runtime.enable');
while (my $line = <STDIN>) {
	chomp $line;
	next if $line =~ /^\s*(#|$)/;
	my ($op, $arg) = split(' ', $line, 2);
	$arg //= '';
	if ($op eq 'wait') {
		my $deadline = time + 20;
		# The page may still be loading: an exception is a no.
		until (js($arg, 1)) {
			fail("timed out waiting for $arg") if time > $deadline;
			sleep 0.1;
		}
	} elsif ($op eq 'print') {
		my $v = js($arg);
		print defined $v ? (ref $v ? $json->encode($v) : $v) : 'undef', "\n";
	} elsif ($op eq 'drag') {
		my ($css, $f0, $f1) = split(' ', $arg);
		my ($l, $top, $w, $h) = box($css);
		my $y = $top + $h / 2;
		mouse('mousePressed', $l + $w * $f0, $y);
		for my $k (1 .. 10) {
			mouse('mouseMoved', $l + $w * ($f0 + ($f1 - $f0) * $k / 10), $y);
		}
		mouse('mouseReleased', $l + $w * $f1, $y);
	} elsif ($op eq 'click') {
		my ($l, $top, $w, $h) = box($arg);
		mouse('mousePressed', $l + $w / 2, $top + $h / 2);
		mouse('mouseReleased', $l + $w / 2, $top + $h / 2);
	} elsif ($op eq 'key') {
		for my $type ('keyDown', 'keyUp') {
			cmd('Input.dispatchKeyEvent', { type => $type, key => $arg,
			    code => $arg, windowsVirtualKeyCode => $arg eq 'Enter' ? 13 : 0 });
		}
	} else {
		fail("unknown command: $op");
	}
}
eval { cmd('Browser.close', {}, 5) };
waitpid($pid, 0);
exit 0;
