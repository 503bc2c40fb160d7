#!/bin/sh
# Short connections, the ones that close before a /proc scan would see
# them: a host client that makes 200 a second, each over in about a
# millisecond, gets their bytes (its SYNs are looked up as they pass);
# a host server whose connections close as fast gets theirs (through its
# listening socket); and over lookup_rate the bytes are still all
# counted, attributed or not.  All with bpf = off: this is the /proc
# path, which the kernel's owners (t/24xx) would otherwise make moot.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

host_ns 7
P=$D/procs_$H.json
C=$T/bw.conf
echo "bpf = off" >"$C"

# CLIENT ADDR PORT RATE SECONDS: RATE connections a second from one
# process, each sending 1000 bytes and reading the answer to its end.
CLIENT='
    my ($a, $p, $rate, $secs) = @ARGV;
    my ($t0, $n) = (time, 0);
    for my $i (0 .. $rate * $secs - 1) {
	my $at = $t0 + $i / $rate;
	sleep($at - time) if $at > time;
	my $s = IO::Socket::INET->new("$a:$p") or next;
	syswrite $s, "q" x 1000; shutdown $s, SHUT_WR;
	my $b; 1 while sysread $s, $b, 65536; close $s; $n++ }
    print "$n\n"'
MODS="-MIO::Socket::INET -MSocket=SHUT_WR -MTime::HiRes=time,sleep"

# Servers that answer 16000 bytes (answer_server).
answer_server 10.213.7.2 5301 16000 "$NS"
wait_for 10 listening "$NS" 5301 t
ok $? "a short-answer server in $NS"

start_bwprocs bwprocs -f -c "$C" -d "$D" "$H"
ok $? "bwprocs started"

# A host client: 600 connections in 3 s.
b0=$(ifbytes "$H")
perl $MODS -e "$CLIENT" 10.213.7.2 5301 200 3 >"$T/n" &
cp=$!
wait "$cp"
is "$(cat "$T/n")" 600 "the client made 600 connections in 3 s"
b1=$(ifbytes "$H")
wait_written "$P"
got=$(pid_bytes "$P" "$cp")
inf=$(json "$P" "my \$s = 0; \$s += \$_->{inferred_bytes} // 0
    for grep { \$_->{pid} == $cp } @{\$j->{processes}}; \$s")
bytes_near "$got" "$((b1 - b0))" 1 "client ($inf bytes inferred): pid $cp has" \
    "the client has its connections' bytes (1 %)"
like "$inf" '^[0-9]+$' "inferred_bytes is a count ($inf)"
perl -e 'exit($ARGV[0] <= $ARGV[1] ? 0 : 1)' "$inf" "$got"
ok $? "and a part of its bytes"

# A host server, a client in the namespace: the server's own sockets
# close too fast, its listener's process has them.
answer_server 10.213.7.1 5302 16000
sp=$SP
wait_for 10 sh -c 'ss -Hlnt "sport = :5302" | grep -q .'
ok $? "a short-answer server on the host"
b0=$(ifbytes "$H")
ip netns exec "$NS" perl $MODS -e "$CLIENT" 10.213.7.1 5302 100 3 >"$T/n"
is "$(cat "$T/n")" 300 "300 connections from $NS to it in 3 s"
pid_has_bytes "$b0" "$sp" 1 "server: pid $sp has" \
    "the server has their bytes (1 %)"

# Over lookup_rate: 10 lookups a second for 400 new connections.  Some
# wait; none is looked up later than 3 s after it began, and every
# byte is in a row once the procs file is written after that.
printf 'bpf = off\nlookup_rate = 10\n' >"$C"
kill -HUP "$BP"
sleep 1.5
wait_written "$P"
a0=$(all_bytes "$P")
b0=$(ifbytes "$H")
t0=$(cputicks "$BP")
perl $MODS -e "$CLIENT" 10.213.7.2 5301 200 2 >"$T/n"
is "$(cat "$T/n")" 400 "400 connections in 2 s"
b1=$(ifbytes "$H")
sleep 3.5
wait_written "$P"
a1=$(all_bytes "$P")
t1=$(cputicks "$BP")
echo "# over lookup_rate: $((a1 - a0)) of $((b1 - b0)) bytes counted;" \
    "bwprocs used $((t1 - t0)) clock ticks"
within "$((a1 - a0))" "$((b1 - b0))" 1
ok $? "every byte is counted, attributed or not (1 %)"
like "$(cat "$T/bwprocs.err")" "more new connections than lookup_rate \(10 a second\)" \
    "the log says lookups were limited"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
grep -v -e 'capturing' -e 'exiting' -e reloaded -e lookup_rate \
    "$T/bwprocs.err" | sed 's/^/# /'
done_testing
