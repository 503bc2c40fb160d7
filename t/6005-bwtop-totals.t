#!/bin/sh
# bwtop's t key on a real terminal (tmux, 80x24): the Processes view as
# today's bytes per program, then this month's, from the owner history
# (t/data/owners-lib.sh), busiest first with shares, sortable, names
# that cannot move the cursor; then back to the live rows; and what it
# says when there is no owner history.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
. "$SRCDIR/t/data/owners-lib.sh"
need_tmux

top_data "$OWNERS_NOW" "eth0 1000 2000" "lo 5 5"
owners_fixture "$D"
procs "$D" $OWNERS_NOW "rsync 101 0 9000000 1000 1 1"

# rows: the PROGRAM column of the totals, top down.
rows() {
	pane | awk '/^ +PID (PROGRAM|COMMAND) +SENT +RECV +TOTAL/ { on = 1; next }
	    on && /^ +[0-9-]+ / { sub(/^ +[0-9-]+ +/, ""); sub(/  .*/, "");
	    printf "%s|", $0 }'
}

# A frame reaches the pane in pieces: wait until the rows are EXPECTED
# (10 s at most), then say what they are.
waitrows() {
	settled "$1" 100 rows
}

start "BWMON_NOW=$OWNERS_NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5"
waitfor '^(k:kill )?q:quit'
like "$(sed -n 24p "$T/pane")" 't:totals' "the key line names t"
waitfor '^ +101 '
ok $? "the live process rows first"

press t '^Today, since 00:00: RX' "t: today's bytes per program"
waitfor "^\\[Processes\\] .*today's totals +sort: total"
ok $? "  the mode is named"
is "$(waitrows 'nightly-backup|curl|[forwarded]|we"ird,name|[other owners]|')" \
    'nightly-backup|curl|[forwarded]|we"ird,name|[other owners]|' \
    "  busiest first, [other owners] last"
pane >"$T/pane"
like "$(grep '^Today' "$T/pane")" \
    '^Today, since 00:00: RX 50\.0 MB  TX 3\.00 GB  coverage 100\.0%' \
    "  the day's bytes and coverage"
like "$(grep -E '^ +PID PROGRAM' "$T/pane")" '^ +PID PROGRAM +SENT +RECV +TOTAL +SHARE *$' \
    "  its columns"
like "$(grep -E '^ *4244 ' "$T/pane")" '^ +4244 nightly-backup +3\.00 GB +300 B +3\.00 GB +98\.4% *$' \
    "  nightly-backup: its busiest process, sent, received, share"
key r
waitfor "sort: received"
is "$(waitrows 'curl|[forwarded]|nightly-backup|we"ird,name|[other owners]|')" \
    'curl|[forwarded]|nightly-backup|we"ird,name|[other owners]|' \
    "r: by bytes received"
key r
press l '^ +4244 /usr/local/bin/nightly-backup --to nas' \
    "l: the command line of the busiest process"
key l
press k 'k: these are programs over a period' \
    "k does not signal a program of the totals"

press t '^This month, since 2026-09-01: RX' "t again: this month's"
waitfor "^\\[Processes\\] .*month's totals"
ok $? "  named so"
like "$(grep '^This month' "$T/pane")" 'RX 4\.25 GB  TX 63\.6 GB' \
    "  the month's bytes, daily, hourly and 5-minute rows together"
is "$(waitrows 'nightly-backup|firefox|[forwarded]|curl|we"ird,name|evil?[2Jx|sshd|[other owners]|')" \
    'nightly-backup|firefox|[forwarded]|curl|we"ird,name|evil?[2Jx|sshd|[other owners]|' \
    "  every program of the month; an escape shows as ?"
pane | tr -d '\033' | cmp -s - "$T/pane"
ok $? "  and no escape byte reaches the pane"

press t '^ +PID USER +PROGRAM ' "t a third time: the live processes again"
waitfor '^\[Processes\] .* rates +sort: total'
ok $? "  in rates"

key '?'
waitfor '^bwtop help: the keys'
grep -q "  t   (Processes) today's, this month's bytes per program, live" "$T/pane"
ok $? "the help names t"
key x
waitfor '^\[Processes\]'
key q
is "$(ended)" "rc=0 modes: icanon echo" "q: exit 0, terminal restored"

# Without owner history: it says what keeps it.
rm "$D"/owners*_eth0.jsonl
start "BWMON_NOW=$OWNERS_NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5"
waitfor '^(k:kill )?q:quit'
key t
waitfor 'No owner history for eth0'
like "$(grep -A1 'No owner history' "$T/pane" | tail -1)" \
    '^ bwprocs keeps it while it runs \(owners_interval in bwmon\.conf\)\.' \
    "no owner history: what keeps it"
key q
is "$(ended)" "rc=0 modes: icanon echo" "q: exit 0"
done_testing
