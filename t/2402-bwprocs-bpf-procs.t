#!/bin/sh
# Owners the kernel names, for processes that live as briefly as their
# sockets.  A router namespace R (where bwprocs runs) between a
# "container" namespace A and a server namespace B:
#
#   A [10.214.N.2] --- [10.214.N.1] aR  R  bR [10.214.M.1] --- [10.214.M.2] B
#
# bwprocs captures aR, where neither end is an address of R.
# 1. A program in A that forks one process per TCP connection, 200 a
#    second for 2 s, each sending 1000 bytes and reading a 4000-byte
#    answer: at least 99 % of aR's bytes are on those processes' pids.
# 2. The same program in a cgroup2 directory this test makes, named as
#    docker names a container's (docker-<id>.scope): at least 99 % of
#    the bytes are on rows of container docker-<12 first of id>, whether
#    the process was still there (its /proc/<pid>/cgroup) or already
#    gone (the cgroup id the kernel reported) when bwprocs read it.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/bpf-lib.sh"

N=$BN
M=$((BN + 1))
ns_router 214 "$N" "$M"
ok $? "namespaces $A - $R - $B, forwarding in $R only"

# A cgroup2 directory named like a docker container's.
CG=$(findmnt -n -t cgroup2 -o TARGET 2>/dev/null | head -n 1)
CGMNT=
if [ -z "$CG" ] || ! mkdir -p "$CG/$NP.slice" 2>/dev/null; then
	CGMNT=/tmp/${NP}cg
	mkdir -p "$CGMNT" && mount -t cgroup2 none "$CGMNT" && CG=$CGMNT
fi
ID=$(printf '%064x' "$$")
ID=$(echo "$ID" | sed 's/^0000/b7e5/')
CTR=docker-$(echo "$ID" | cut -c1-12)
CGD=$CG/$NP.slice/docker-$ID.scope
trap 'cleanup_net; rmdir "$CGD" "$CG/$NP.slice" 2>/dev/null;
    [ -z "$CGMNT" ] || { umount "$CGMNT"; rmdir "$CGMNT"; }' EXIT
mkdir -p "$CGD"
ok $? "a cgroup $NP.slice/docker-$ID.scope under $CG"

# FORKER ADDR PORT RATE SECONDS: one new process per connection, RATE a
# second; each prints its pid, sends 1000 bytes, reads the answer to its
# end and exits.  The parent makes no connection.
FORKER='
    my ($a, $p, $rate, $secs) = @ARGV;
    $| = 1;
    my $t0 = time;
    for my $i (0 .. $rate * $secs - 1) {
	my $at = $t0 + $i / $rate;
	sleep($at - time) if $at > time;
	my $pid = fork;
	next if !defined $pid;
	if ($pid == 0) {
	    my $s = IO::Socket::INET->new("$a:$p") or POSIX::_exit(1);
	    print "$$\n";
	    syswrite $s, "q" x 1000; shutdown $s, SHUT_WR;
	    my $b; 1 while sysread $s, $b, 65536;
	    POSIX::_exit(0) }
	1 while waitpid(-1, WNOHANG) > 0 }
    1 while wait > 0'
MODS="-MIO::Socket::INET -MPOSIX -MSocket=SHUT_WR -MTime::HiRes=time,sleep"

# A server that answers each connection 4000 bytes (answer_server).
answer_server "10.214.$M.2" 5401 4000 "$B"
wait_for 10 listening "$B" 5401 t
ok $? "a server in $B"

: >"$T/conf"
start_bwprocs ip netns exec "$R" bwprocs -f -c "$T/conf" -d "$D" "$AR"
ok $? "bwprocs in $R on $AR"
P=$D/procs_$AR.json
need_bpf "$P"
is "$(owners_source "$P")" bpf "the kernel names owners"

# pids_bytes FILE PIDFILE: the bytes of the rows whose pid is listed.
pids_bytes() {
	json "$1" "my %p = map { (\$_ => 1) } split ' ',
	    do { open my \$f, '<', '$2' or die; local \$/; <\$f> };
	    my \$s = 0; \$s += \$_->{tx_bytes} + \$_->{rx_bytes}
	    for grep { \$p{\$_->{pid}} } @{\$j->{processes}}; \$s"
}

# 1. A process per connection.
b0=$(ifbytes "$AR" "$R")
ip netns exec "$A" perl $MODS -e "$FORKER" 10.214.$M.2 5401 200 2 \
    >"$T/pids"
b1=$(ifbytes "$AR" "$R")
is "$(wc -l <"$T/pids")" 400 "400 processes, one connection each"
wait_written "$P"
got=$(pids_bytes "$P" "$T/pids")
bytes_near "$got" "$((b1 - b0))" 1 "process per connection, on their pids:" \
    "at least 99 % of the bytes are on those processes"

# 2. The same in the "container".
b0=$(ifbytes "$AR" "$R")
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CGD" \
    ip netns exec "$A" perl $MODS -e "$FORKER" 10.214.$M.2 5401 100 2 \
    >"$T/pids2"
b1=$(ifbytes "$AR" "$R")
is "$(wc -l <"$T/pids2")" 200 "200 processes in $CTR"
wait_written "$P"
got=$(json "$P" "my \$s = 0; \$s += \$_->{tx_bytes} + \$_->{rx_bytes}
    for grep { \$_->{container} eq '$CTR' } @{\$j->{processes}}; \$s")
bytes_near "$got" "$((b1 - b0))" 1 "container, on rows of $CTR:" \
    "at least 99 % of the bytes are on rows of container $CTR"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
done_testing
