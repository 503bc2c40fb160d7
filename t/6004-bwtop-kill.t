#!/bin/sh
# bwtop's k: SIGTERM to the selected process after a y/n question, only
# offered for a process the user may signal, never for pid 0 rows, and
# not for a pid that now belongs to another user than bwprocs saw.
# Processes are looked up under BWMON_PROC, like everything bwtop reads.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
need_tmux

top_data 1795000000 "eth0 1000 2000"

sleep 1000 &
SPID=$!
sleep 1000 &
SPID2=$!
trap 'kill "$SPID" "$SPID2" 2>/dev/null; tmux -L "$TM" kill-server \
    >/dev/null 2>&1; rm -rf "$T"' EXIT
# The fake proc directory shows the first sleep and this shell, as they
# are; the second sleep runs but is not there.
ln -s "/proc/$SPID" "$T/proc/$SPID"
ln -s "/proc/$$" "$T/proc/$$"
ME=$(id -u)
OTHER=$((ME + 4242))

# alive PID: running, not a zombie waiting for us to reap it
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' \
	    "/proc/$1/status"
}

# Rows: forwarded traffic on top, then the sleep, then a pid (ours, this
# shell's) that bwprocs saw under another uid, then the sleep that is
# not under BWMON_PROC.
procs "$D" $NOW "[forwarded] 0 0 90000000 0 1 1" \
    "sleep $SPID $ME 5000000 0 1 1" "sh $$ $OTHER 1000 0 1 1" \
    "sleep $SPID2 $ME 500 0 1 1"

launch "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5" \
    '^ +- +- +\[forwarded\]' "the rows are there"
waitfor '^q:quit'
ok $? "[forwarded] selected: k is not offered"
press k 'k: \[forwarded\] is not a process: nothing to signal' \
    "k on [forwarded]: refused"

press Down '^k:kill q:quit' "the sleep selected: k is offered"
press k "^Send SIGTERM to process $SPID \\(sleep 1000\\)\\? \\[y/n\\]" \
    "k: asks, naming the process and its command line"
press n "SIGTERM not sent to $SPID" "n: not sent"
sleep 0.5
alive "$SPID"
ok $? "n: the process lives"

key k
waitfor "^Send SIGTERM to process $SPID"
key x
waitfor "SIGTERM not sent to $SPID"
alive "$SPID"
ok $? "any other key: not sent either"

key k
waitfor "^Send SIGTERM to process $SPID"
press y "SIGTERM sent to $SPID \\(sleep 1000\\)" "y: sent, said"
i=0
while alive "$SPID" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
alive "$SPID"
ok $(( ! $? )) "y: the process is gone"
wait "$SPID" 2>/dev/null
is $? 143 "it died of SIGTERM"

# Its row stays until bwprocs drops it: k now finds no process.
press k "k: process $SPID has exited" "k on a process that has exited: said"

press Down '^q:quit' \
    "a pid owned by another uid than bwprocs saw: k not offered"
press k "k: pid $$ now belongs to uid $ME, not uid $OTHER as bwprocs saw" \
    "k on it: refused, and why"
alive $$
ok $? "and nothing sent"

press Down '^q:quit' "a process not under BWMON_PROC: k not offered"
press k "k: process $SPID2 has exited" \
    "k on it: taken for gone, as BWMON_PROC says"
alive "$SPID2"
ok $? "and nothing sent"

# In other views k says where it works.
key Tab
waitfor '\[Connections\]'
press k 'k works in the Processes view' "k elsewhere: said"

key q
is "$(ended)" "rc=0 modes: icanon echo" "q: exit 0, terminal restored"

done_testing
