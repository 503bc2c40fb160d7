#!/bin/sh
# A client that opens one fresh UDP socket per DNS query (as glibc's
# getaddrinfo() does), 50 queries a second for 20 s, to dnsmasq in a
# namespace behind the veth bwprocs captures.  Its sockets live for a
# millisecond or so: /proc is too late for most of them (0.6-2.4 % of
# its bytes before the kernel named owners).  With bpf = auto (the
# default) the kernel names every socket's owner: at least 99 % of the
# veth's bytes are on the client's pid, and the procs file says the
# owners come from BPF.  With bpf = off bwprocs runs as before, says so
# (log and procs file), and still counts every byte, attributed or not.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/bpf-lib.sh"
need_cmds dnsmasq capsh

host_ns "$BN" 214
P=$D/procs_$H.json
C=$T/bw.conf
: >"$C"
dns_server "$NS" "10.214.$BN.2"

start_bwprocs bwprocs -f -c "$C" -d "$D" "$H"
ok $? "bwprocs started (bpf = auto)"
need_bpf "$P"
is "$(owners_source "$P")" bpf "the procs file says the kernel names owners"
logged "$T/bwprocs.err" "$H: owners from the kernel"
ok $? "and so does the log"
like "$(bwtop -b -n 1 -c "$C" -d "$D" -i "$H" 2>&1)" \
    'owners: from the kernel' "and bwtop's header"

b0=$(ifbytes "$H")
dns_client "10.214.$BN.2" 50 20 "$T/n"
is "$(cat "$T/n")" 1000 "1000 queries in 20 s, each answered"
pid_has_bytes "$b0" "$cp" 1 "bpf on: pid $cp has" \
    "at least 99 % of the bytes are on the client's pid"
fk=$(json "$P" '$j->{owners}{from_kernel}')
like "$fk" '^[0-9]+$' "from_kernel is a count ($fk)"
# Some of the 1000 sockets get a local port used before: the same flow,
# named once (about 18 of 1000 among 28,000 ephemeral ports).
perl -e 'exit($ARGV[0] >= 950 ? 0 : 1)' "$fk"
ok $? "the kernel named the flows (95 % of the 1000: ports repeat)"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"

# The same with bpf = off: today's path, and it says so.
echo "bpf = off" >"$C"
: >"$T/bwprocs.err"
start_bwprocs bwprocs -f -c "$C" -d "$D" "$H"
ok $? "bwprocs started (bpf = off)"
is "$(owners_source "$P")" proc "the procs file says owners come from /proc"
like "$(json "$P" '$j->{owners}{reason}')" 'bpf = off' \
    "and why: bpf = off"
logged "$T/bwprocs.err" "$H: owners from /proc: off in the configuration"
ok $? "and so does the log"
like "$(bwtop -b -n 1 -c "$C" -d "$D" -i "$H" 2>&1)" \
    'owners: from /proc \(off in the configuration' "and bwtop's header"
a0=$(all_bytes "$P")
b0=$(ifbytes "$H")
dns_client "10.214.$BN.2" 50 5 "$T/n"
is "$(cat "$T/n")" 250 "250 queries in 5 s, each answered"
b1=$(ifbytes "$H")
# Those whose socket is gone wait for their last lookup (~3 s).
sleep 3.5
wait_written "$P"
a1=$(all_bytes "$P")
got=$(pid_bytes "$P" "$cp")
echo "# bpf off: pid $cp has $got of $((b1 - b0)) bytes" \
    "($(share "$got" "$((b1 - b0))") %); the rows got $((a1 - a0))"
within "$((a1 - a0))" "$((b1 - b0))" 1
ok $? "every byte is counted, attributed or not (1 %)"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"

# bpf = on where it cannot load: exit 1, loudly.  Denied CAP_BPF, the
# programs cannot load; capsh drops it from the bounding set.
echo "bpf = on" >"$C"
capsh --drop=cap_bpf,cap_sys_admin,cap_perfmon -- -c \
    'exec bwprocs -f -c "$1" -d "$2" "$3"' sh "$C" "$D" "$H" \
    >/dev/null 2>"$T/on.err"
is $? 1 "bpf = on without CAP_BPF: exit 1"
like "$(cat "$T/on.err")" 'bpf = on, but: cannot load' "saying why"
grep -v -e 'capturing' -e 'exiting' "$T/bwprocs.err" | sed 's/^/# /'
done_testing
