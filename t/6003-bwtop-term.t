#!/bin/sh
# bwtop and the terminal: xterm, screen, tmux and vt100; colours only
# where they exist and NO_COLOR allows; UTF-8 or ASCII; the width of a
# 200-column terminal given to the graph and command lines; resizing; the
# terminal restored on q, Ctrl-C, SIGTERM and -n; TERM=dumb and unknown
# terminals fall back to snapshots; missing, stale and broken bwprocs
# files said on the screen.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
need_tmux

top_data 1795000000 "eth0 1000 2000" "lo 5 5"
rows=
i=1
while [ $i -le 30 ]; do
	rows="$rows|p$i $((1000 + i)) 0 $((100000 - i)) 0 1 1"
	i=$((i + 1))
done
IFS='|'
# shellcheck disable=SC2086
set -- ${rows#|}
unset IFS
procs "$D" $NOW "$@"
ENV="BWMON_NOW=$NOW BWMON_PROC=$T/proc"
BWTOP="bwtop -d $D -i eth0 -s 0.5"

# q on each terminal type.
for term in xterm screen tmux vt100; do
	launch "$ENV TERM=$term $BWTOP" \
	    '^\[Processes\]' "TERM=$term: the screen is drawn"
	like "$(sed -n 2p "$T/pane")" '^RX @{60} max 8\.00 Kbps' \
	    "TERM=$term: the graph"
	key q
	is "$(ended)" "rc=0 modes: icanon echo" \
	    "TERM=$term: q exits 0, terminal restored"
done

# Colours: xterm has them, vt100 does not, NO_COLOR turns them off.
colours() {
	tm capture-pane -p -e -t t | grep -Ec '\[([0-9;]*;)?3[0-7](;[0-9;]*)?m'
}
start "$ENV TERM=xterm $BWTOP"
waitfor '^\[Processes\]'
[ "$(colours)" -gt 0 ]
ok $? "TERM=xterm: colours"
key q
start "$ENV TERM=xterm NO_COLOR=1 $BWTOP"
waitfor '^\[Processes\]'
is "$(colours)" 0 "TERM=xterm NO_COLOR=1: no colours"
grep -q 'RX 8\.00 Kbps' "$T/pane"
ok $? "NO_COLOR: the same information"
key q
start "$ENV TERM=vt100 NO_COLOR=1 $BWTOP"
waitfor '^\[Processes\]'
is "$(colours)" 0 "TERM=vt100 NO_COLOR=1: no colours"
tm capture-pane -p -e -t t | grep -q "$(printf '\033')\\[[0-9;]*7m"
ok $? "TERM=vt100: reverse video still marks things"
key q

# UTF-8: block characters; ASCII otherwise (above).
launch "$ENV LC_ALL=C.UTF-8 TERM=xterm $BWTOP" \
    '^RX (█){60} max 8\.00 Kbps' "UTF-8: the graph in block characters"
live "$D" $NOW 0 4000
waitfor '^RX {62}max 0 bps'
ok $? "UTF-8: no traffic, no bars"
key q
live "$D" $NOW 8000 4000

# 200x50: the width goes to the graph (the 120 seconds of a live file)
# and, with l, to a column of command lines; the program names keep 32
# columns, with the rates beside them.
live "$D" $NOW 8000 4000 120
COLS=200 ROWS=50
start "$ENV TERM=xterm $BWTOP"
COLS= ROWS=
waitfor '^\[Processes\]'
ok $? "200x50: the screen is drawn"
like "$(sed -n 2p "$T/pane")" '^RX @{120} max 8\.00 Kbps$' \
    "200x50: the graph shows 120 seconds"
like "$(sed -n 7p "$T/pane")" '^ {4}PID USER {5}PROGRAM {30}SENT/s {5}RECV/s {5}SENT {5}RECV$' \
    "200x50: a 32-column program name, the rates beside it"
grep -Eq "^ +1001 $(id -nu 0) +p1 {31} {0,9}[0-9.]+ [KM]?bps " "$T/pane"
ok $? "200x50: a process row the same"
press l 'RECV COMMAND$' "200x50, l: a COMMAND column, last"
grep -Eq '^ +1001 [a-z]+ +p1 +.* p1 --serve /srv/p1$' "$T/pane"
ok $? "200x50, l: the name and the command line, both whole"
is "$(awk 'length > 200' "$T/pane" | wc -l | tr -d ' ')" 0 \
    "200x50: nothing beyond 200 columns"
press l 'PROGRAM {30}SENT/s' "200x50, l again: the names alone"
key q
is "$(ended)" "rc=0 modes: icanon echo" "200x50: q exits 0"
live "$D" $NOW 8000 4000

# Resize to 120x40 and back.
start "$ENV TERM=xterm $BWTOP"
waitfor '^\[Processes\]'
grep -q ' p17 ' "$T/pane"
ok $(( ! $? )) "80x24: 16 rows of processes"
tm resize-window -t t -x 120 -y 40
waitfor ' p30 '
ok $? "120x40: all 30 rows"
like "$(head -1 "$T/pane")" '^bwtop eth0 .{90,} 11:06:40$' \
    "120x40: the header spans the width"
is "$(awk 'length > 120' "$T/pane" | wc -l | tr -d ' ')" 0 \
    "120x40: nothing beyond 120 columns"
key Tab
waitfor '\[Connections\]'
press Tab '\[Interfaces\]' "120x40: keys still work"
key BTab BTab
tm resize-window -t t -x 80 -y 24
waitfor '^bwtop eth0 .* 11:06:40$'
ok $? "back to 80x24: the header on the first line"
grep -q ' p17 ' "$T/pane"
ok $(( ! $? )) "80x24: 16 rows again"
is "$(awk 'length > 80' "$T/pane" | wc -l | tr -d ' ')" 0 \
    "80x24: nothing beyond 80 columns"
tm resize-window -t t -x 30 -y 8
waitfor 'bwtop needs 40x12'
ok $? "too small: said"
like "$(head -1 "$T/pane")" '^30x8 is too small' "too small: how small"
tm resize-window -t t -x 80 -y 24
waitfor '^\[Processes\]'
ok $? "and drawn again when large enough"

# Ctrl-C and SIGTERM restore the terminal and die of the signal.
key C-c
is "$(ended)" \
    "rc=130 modes: icanon echo" "Ctrl-C: terminal restored, killed by SIGINT"
start "$ENV TERM=xterm sh -c 'echo \$\$ >$T/pid; exec $BWTOP'"
waitfor '^\[Processes\]'
kill -TERM "$(cat "$T/pid")"
is "$(ended)" \
    "rc=143 modes: icanon echo" "SIGTERM: terminal restored, killed by SIGTERM"

# -n: ends by itself after that many refreshes.
start "$ENV TERM=xterm $BWTOP -n 3"
is "$(ended)" \
    "rc=0 modes: icanon echo" "-n 3: exits 0 by itself"

# Terminals that cannot draw a screen: snapshots, and a word why.
start "$ENV TERM=dumb $BWTOP -n 1"
waitfor '^modes:'
scrollback >"$T/pane"
like "$(cat "$T/pane")" 'bwtop: TERM=dumb cannot move the cursor: printing snapshots as with -b' \
    "TERM=dumb: said"
grep -q '^ *PID USER  *SENT/s  *RECV/s  *SENT  *RECV PROGRAM$' "$T/pane"
ok $? "TERM=dumb: a snapshot"
grep -q '^rc=0$' "$T/pane"
ok $? "TERM=dumb: exit 0"
start "$ENV TERM=no-such-term $BWTOP -n 1"
waitfor '^modes:'
scrollback >"$T/pane"
like "$(cat "$T/pane")" 'bwtop: TERM=no-such-term is not a known terminal' \
    "an unknown TERM: said"
grep -q '^RX 8\.00 Kbps  TX 4\.00 Kbps  (live)$' "$T/pane"
ok $? "an unknown TERM: a snapshot"

# Per-process data missing, stale, broken: said on the screen, rates on.
launch "$ENV TERM=xterm bwtop -d $T/proc -i eth0 -s 0.5" \
    'No per-process data for eth0: bwprocs is not running for it' \
    "missing procs file: said"
like "$(cat "$T/pane")" "\\($T/proc/procs_eth0\\.json does not exist\\)" \
    "missing: which file"
like "$(cat "$T/pane")" 'Start it with: +systemctl start bwprocs@eth0' \
    "missing: how to start bwprocs"
like "$(cat "$T/pane")" 'or run it by hand, as root: +bwprocs -f -d [^ ]+/proc eth0' \
    "missing: or by hand"
like "$(sed -n 5p "$T/pane")" '^NO per-process data: bwprocs is not running for eth0' \
    "missing: the header says it too"
waitfor '^bwtop eth0  RX 0 bps  TX 0 bps  \(net/dev\)'
ok $? "missing: rates from net/dev"
key Tab
waitfor '\[Connections\]'
grep -q 'No per-process data for eth0' "$T/pane"
ok $? "missing: the Connections view says it too"
procs "$T/proc" $((NOW - 600)) "old 4242 0 1 1 1 1"
waitfor 'Per-process data is STALE: procs_eth0\.json is 10 min 0 s old,'
ok $? "stale: said, with the age"
like "$(cat "$T/pane")" 'written 2026-11-18 10:56:40: bwprocs has stopped' \
    "stale: when it was written"
like "$(cat "$T/pane")" 'systemctl start bwprocs@eth0' "stale: how to start it"
printf '{"ts": 1, "processes": [' >"$T/proc/procs_eth0.json.tmp"
mv "$T/proc/procs_eth0.json.tmp" "$T/proc/procs_eth0.json"
waitfor 'Per-process data cannot be shown'
ok $? "garbage: said"
like "$(cat "$T/pane")" 'is not a valid procs file: line 1: ' "garbage: what is wrong"
key Tab Tab
waitfor '\[Processes\]'
like "$(cat "$T/pane")" 'Per-process data cannot be shown' "garbage: in every view"
printf '{"ts": 1, "samples": [[1,' >"$T/proc/live_eth0.json"
waitfor 'live_eth0\.json is not a valid live file'
ok $? "a broken live file: said"
key q
is "$(ended)" \
    "rc=0 modes: icanon echo" "still exits cleanly"

done_testing
