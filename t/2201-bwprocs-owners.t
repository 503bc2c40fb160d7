#!/bin/sh
# bwprocs's owner history.  A router namespace R (where bwprocs runs, so
# R plays the host) between namespaces A and B, as in t/2003:
#
#   A [10.213.N.2] --- [10.213.N.1] aR  R  bR [10.213.M.1] --- [10.213.M.2] B
#
# (N and M = N + 1 from the pid, so that runs of this test in other
# checkouts at the same time use other addresses.)
# bwprocs captures aR with owners_interval = 10.  In R a copy of iperf3
# named nightly-backup, run as nobody in a cgroup named like a systemd
# unit, sends to a server in A: the owners file gives it the interface's
# bytes (1 %) with its user, unit, pid, command line and remote.  A
# server in R has its clients' address as the remote, without their
# ports.  A
# client in A talking to B through R is an owner labelled with A's
# namespace.  Copies of iperf3 with hostile names (commas, quotes, a
# backslash, a newline, bytes that are not UTF-8) round-trip.  The lines
# of the whole run add up to exactly the bytes the procs file's rows
# were credited with.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_cmds setpriv

D=$T/data
mkdir -p "$D" "$T/bin"
chmod 0755 "$T" "$T/bin"
N=$((100 + $$ % 74 * 2))
M=$((N + 1))
ns_router 213 "$N" "$M"
ok $? "namespaces $A - $R - $B, forwarding in $R only"

# A cgroup named like a systemd unit, in the unified hierarchy (the
# "0::" line of /proc/<pid>/cgroup), else in the named systemd one.
CG=$(findmnt -n -t cgroup2 -o TARGET 2>/dev/null | head -n 1)
[ -n "$CG" ] || CG=$(findmnt -n -t cgroup -o TARGET,OPTIONS 2>/dev/null |
    awk '/name=systemd/ { print $1; exit }')
UNIT=$NP-backup.service
# No hierarchy of ours to write in (a container or chroot that shows the
# host's mounts but not their files): mount a cgroup2 of our own.
CGMNT=
if [ -z "$CG" ] || ! mkdir -p "$CG/$NP.slice/$UNIT" 2>/dev/null; then
	CGMNT=/tmp/${NP}cg
	mkdir -p "$CGMNT" && mount -t cgroup2 none "$CGMNT" && CG=$CGMNT
fi
CGD=$CG/$NP.slice/$UNIT
trap 'cleanup_net; rmdir "$CGD" "$CG/$NP.slice" 2>/dev/null;
    [ -z "$CGMNT" ] || { umount "$CGMNT"; rmdir "$CGMNT"; }' EXIT
[ -n "$CG" ] && mkdir -p "$CGD"
ok $? "a cgroup $NP.slice/$UNIT under $CG"

ip netns exec "$A" iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$B" iperf3 -s -p 5202 >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 10 listening "$A" 5201 t && wait_for 10 listening "$B" 5202 t
ok $? "iperf3 servers in $A and $B"

printf 'owners_interval = 10\nprocs_linger = 3600\n' >"$T/conf"
start_bwprocs ip netns exec "$R" bwprocs -f -c "$T/conf" -d "$D" "$AR"
ok $? "bwprocs in $R on $AR"
P=$D/procs_$AR.json
O=$D/owners_$AR.jsonl
C=$D/cmdlines_$AR.jsonl

# next_interval: wait until the interval now open has been written (its
# end, and a second for the tick).
next_interval() {
	_t=$(date +%s)
	sleep $((10 - _t % 10 + 2))
}

# owned EXPR: the bytes (rx + tx) of the owner lines for which the Perl
# expression EXPR (on $_) holds.
owned() {
	jsonl "$O" "my \$s = 0; \$s += \$_->{rx} + \$_->{tx} for grep {
	    $1 } @l; \$s"
}

# A backup job: nobody's, in its unit, in R.
cp "$(command -v iperf3)" "$T/bin/nightly-backup"
b0=$(ifbytes "$AR" "$R")
# (The cgroup first: ip netns exec mounts another /sys.)
sh -c 'echo $$ >"$1/cgroup.procs" && exec ip netns exec "$2" \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$3/nightly-backup" -c "$4" -p 5201 -t 2 -b 100M' sh "$CGD" \
    "$R" "$T/bin" "10.213.$N.2" >"$T/iperf.out" 2>&1 &
bp=$!
wait "$bp"
st=$?
is $st 0 "nightly-backup ran as nobody in $UNIT"
[ $st = 0 ] || sed 's/^/# /' "$T/iperf.out"
b1=$(ifbytes "$AR" "$R")
next_interval
want=$((b1 - b0))
got=$(owned '$_->{prog} eq "nightly-backup"')
bytes_near "$got" "$want" 1 "nightly-backup:" \
    "the owners file gives nightly-backup the interface's bytes (1 %)"
sel='grep { $_->{prog} eq "nightly-backup" } @l'
is "$(jsonl "$O" "join ',', sort keys %{ { map { (\$_->{user} // '') .
    '|' . (\$_->{unit} // '') . '|' . (\$_->{container} // '') .
    '|' . (\$_->{netns} // '') => 1 } $sel } }")" "nobody|$UNIT||" \
    "its user and unit, no container or namespace"
is "$(jsonl "$O" "my (\$b) = sort { \$b->{rx} + \$b->{tx} <=>
    \$a->{rx} + \$a->{tx} } $sel; \$b->{pid}")" "$bp" "its pid"
id=$(jsonl "$O" "my (\$b) = sort { \$b->{rx} + \$b->{tx} <=>
    \$a->{rx} + \$a->{tx} } $sel; \$b->{cmd}")
like "$id" '^[0-9a-f]{16}$' "a command line id ($id)"
is "$(jsonl "$C" "(map { \$_->{cmd} } grep { \$_->{id} eq '$id' } @l)[0]")" \
    "$T/bin/nightly-backup -c 10.213.$N.2 -p 5201 -t 2 -b 100M" \
    "its command line, stored once by id"
is "$(jsonl "$C" "scalar grep { \$_->{id} eq '$id' } @l")" 1 \
    "once, however many intervals name it"
is "$(jsonl "$O" "my %r; for ($sel) { \$r{\$_->[0]} += \$_->[1] + \$_->[2]
    for @{\$_->{r}} } (sort { \$r{\$b} <=> \$r{\$a} } keys %r)[0]")" \
    "10.213.$N.2:5201" "where its bytes went: the server's endpoint"
is "$(jsonl "$O" "my (\$s, \$r) = (0, 0); for ($sel) { \$s += \$_->{rx} +
    \$_->{tx}; \$r += \$_->[1] + \$_->[2] for @{\$_->{r}} } \$s == \$r ?
    1 : \"\$s != \$r\"")" 1 "its remotes hold all its bytes"
is "$(jsonl "$O" 'my $ok = 1; for (@l) { $ok = 0 if $_->{ts} % 10 ||
    $_->{len} != 10 } $ok')" 1 "intervals start at multiples of 10 s"

# A client in A, forwarded through R to B: an owner in A's namespace.
b0=$(ifbytes "$AR" "$R")
ip netns exec "$A" iperf3 -c 10.213.$M.2 -p 5202 -t 2 -b 50M \
    >"$T/iperf.out" 2>&1 &
ap=$!
wait "$ap"
is $? 0 "a client in $A sent to $B"
b1=$(ifbytes "$AR" "$R")
next_interval
got=$(owned "\$_->{pid} && \$_->{pid} == $ap")
bytes_near "$got" "$((b1 - b0))" 1 "client in $A:" \
    "the client in $A has the bytes (1 %)"
is "$(jsonl "$O" "join ',', map { \$_->{prog} . '|' . (\$_->{netns} // '')
    } grep { \$_->{pid} && \$_->{pid} == $ap } @l")" "iperf3|$A" \
    "labelled with its namespace, by name"

# A server in R and its clients in A: a client's port changes with every
# connection, so the remote is the client's address alone, one slot.
cp "$(command -v iperf3)" "$T/bin/web-server"
ip netns exec "$R" "$T/bin/web-server" -s -p 5203 >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_for 10 listening "$R" 5203 t
ok $? "a server in $R"
for i in 1 2 3; do
	ip netns exec "$A" iperf3 -c 10.213.$N.1 -p 5203 -t 1 -b 5M \
	    >/dev/null 2>&1 || echo "# client $i to the server in $R failed"
done
next_interval
sel='grep { $_->{prog} eq "web-server" } @l'
is "$(jsonl "$O" "my %r; for ($sel) { \$r{\$_->[0]} = 1 for @{\$_->{r}} }
    join ',', sort keys %r")" "10.213.$N.2" \
    "its clients' six connections are one remote: the address, no port"

# Hostile program names.  Control characters become '?' and bytes that
# are not UTF-8 U+FFFD, as in the procs file; the rest stays.  A process
# cannot pass for an unattributed row.
for n in 'a,b"c\d' "$(printf 'new\nline')" "$(printf 'bad\377\376x')" \
    '[forwarded]'; do
	cp "$(command -v iperf3)" "$T/bin/$n" || echo "# cannot name $n"
	ip netns exec "$R" "$T/bin/$n" -c 10.213.$N.2 -p 5201 -t 1 -b 10M \
	    >/dev/null 2>&1
done
next_interval
for w in 'a,b"c\d' 'new?line' "$(printf 'bad\357\277\275\357\277\275x')" \
    '?forwarded]'; do
	desc=$(printf '%s' "$w" | od -An -c | tr -s ' \n' ' ')
	is "$(W=$w jsonl "$O" 'my ($r) = grep { $_->{prog} eq $ENV{W} } @l;
	    !$r ? "none" : $r->{user} eq "root" ? "ok" : "user $r->{user}"')" \
	    ok "a program named$desc: its lines, with its user"
	# The command line is the process's own: "[forwarded]" stays.
	c=$w
	[ "$w" = '?forwarded]' ] && c='[forwarded]'
	cid=$(W=$w jsonl "$O" '(map { $_->{cmd} } grep {
	    $_->{prog} eq $ENV{W} } @l)[0]')
	is "$(W=$c CID=$cid jsonl "$C" '(grep { $_->{id} eq $ENV{CID} &&
	    index($_->{cmd}, "/$ENV{W} -c") >= 0 } @l) ? "ok" : "no"')" ok \
	    "its command line names it the same way"
done
is "$(jsonl "$O" 'scalar grep { $_->{prog} eq "[forwarded]" &&
    $_->{user} } @l')" 0 "a program named [forwarded] is no unattributed row"

# Every line parses, and the whole run adds up to the procs file.
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
is "$(jsonl "$O" '$bad')" 0 "every line of the owners file is JSON"
is "$(grep -vc '^{"ts":[0-9]*,"len":10,"prog":"' "$O")" 0 \
    "each starts with its ts, its length and its program"
all=$(jsonl "$O" 'my $s = 0; $s += $_->{rx} + $_->{tx} for @l; $s')
procs=$(json "$P" 'my $s = 0; $s += $_->{tx_bytes} + $_->{rx_bytes}
    for @{$j->{processes}}; $s')
is "$all" "$procs" "the owner lines add up to exactly the procs file's rows"
T2=$(json "$D/ownertotals_$AR.json" 'my $s = $j->{other}{rx} +
    $j->{other}{tx}; $s += $_->{rx} + $_->{tx} for @{$j->{programs}}; $s')
is "$T2" "$all" "the per-program totals hold every byte too"
is "$(json "$D/ownertotals_$AR.json" '(map { $_->{rx} + $_->{tx} } grep {
    $_->{program} eq "nightly-backup" } @{$j->{programs}})[0]')" \
    "$(owned '$_->{prog} eq "nightly-backup"')" "nightly-backup's total"
grep -v -e 'capturing' -e 'exiting' -e conntrack "$T/bwprocs.err" |
    sed 's/^/# /'
done_testing
