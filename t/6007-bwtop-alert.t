#!/bin/sh
# bwtop marks an open alert in its header (tmux, 80x24 and 60x20): from
# the FIRED record that ends alerts_<iface>.jsonl, with its start, its
# average and who; gone when the CLEARED is appended, back with the
# next FIRED; in batch mode too.  Its hint to start bwprocs keeps the
# data directory (-d, quoted when it needs to be) and runs it in the
# foreground (-f).
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
need_tmux

NOW=1795000000		# 2026-11-21 11:06:40 UTC
D=$T/d
mkdir "$D"
A=$D/alerts_eth0.jsonl
mkproc "$T/proc" "eth0 1000 2000" "lo 5 5"
live "$D" $NOW 8000 4000
procs "$D" $NOW "iperf3 4711 0 54000000 1000 1 1"
fired() {
	printf '{"ts":%s,"event":"FIRED","iface":"eth0","threshold_bps":40000000,"rolling_avg_bps":%s,"who":"window","top":[{"kind":"process","name":"%s","pid":%s}],"top_flows":[]}\n' \
	    "$1" "$2" "$3" "$4" >>"$A"
}
cleared() {
	printf '{"ts":%s,"event":"CLEARED","iface":"eth0","fired_at":%s,"duration_s":%s}\n' \
	    "$2" "$1" "$(($2 - $1))" >>"$A"
}
fired $((NOW - 3600 * 30)) 45000000 old 1
cleared $((NOW - 3600 * 30)) $((NOW - 3600 * 29))
fired $((NOW - 600)) 54100000 iperf3 4711

start "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5"
waitfor 'ALERT'
like "$(head -1 "$T/pane")" \
    '^bwtop eth0  RX 8\.00 Kbps  TX 4\.00 Kbps  \(live\)  ALERT since 10:56 +11:06:40$' \
    "header: marked, with the alert's start, and the time"
is "$(sed -n 5p "$T/pane")" \
    "ALERT since 10:56: 54.1 Mbps average; top: iperf3[4711]" \
    "status line: its average and top process"

cleared $((NOW - 600)) $((NOW - 60))
gone 'ALERT'
ok $? "a CLEARED takes the mark away"
like "$(head -1 "$T/pane")" '\(live\) +11:06:40$' "  and the header is as before"
like "$(sed -n 5p "$T/pane")" '^per-process data: procs_eth0\.json' \
    "  and the status line"

fired $((NOW - 30)) 80000000 'evil\u001b[2Jname' 66
waitfor 'ALERT since 11:06'
ok $? "the next FIRED brings it back"
is "$(sed -n 5p "$T/pane")" \
    'ALERT since 11:06: 80.0 Mbps average; top: evil?[2Jname[66]' \
    "  a name that holds an escape is made safe"
key q
is "$(ended)" "rc=0 modes: icanon echo" "q quits, the terminal restored"

# A narrow terminal: no room for the mark beside the clock, the status
# line still says it, cut to the width.
COLS=60 ROWS=20 start "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5"
waitfor 'ALERT'
like "$(head -1 "$T/pane")" '^bwtop eth0  RX 8\.00 Kbps  TX 4\.00 Kbps  \(live\) +11:06:40$' \
    "60 columns: the clock keeps its place"
like "$(sed -n 5p "$T/pane")" '^ALERT since 11:06: 80\.0 Mbps average; top: evil\?\[2Jname\[66\]$' \
    "  the status line says the alert"
key q
ended >/dev/null

BWMON_NOW=$NOW BWMON_PROC=$T/proc bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 \
    >"$T/out" 2>"$T/err"
ok $? "batch mode"
is "$(sed -n 3p "$T/out")" \
    "ALERT since 11:06: 80.0 Mbps average; top: evil?[2Jname[66]" \
    "batch: the ALERT line under the rates"
cleared $((NOW - 30)) $((NOW - 5))
BWMON_NOW=$NOW BWMON_PROC=$T/proc bwtop -b -n 1 -s 0.2 -d "$D" -i eth0 \
    >"$T/out"
grep -q ALERT "$T/out"
ok $(( $? == 0 )) "batch: no ALERT once cleared"

# The hint to start bwprocs: this data directory, in the foreground.
E="$T/my data"
mkdir "$E"
live "$E" $NOW 8000 4000
start "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d '$E' -i eth0 -s 0.5"
waitfor 'or run it by hand'
like "$(cat "$T/pane")" "or run it by hand, as root: +bwprocs -f -d '$E' eth0" \
    "the hint keeps -d (quoted) and adds -f"
key q
ended >/dev/null
done_testing
