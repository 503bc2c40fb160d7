#!/bin/sh
# bwtop on a real terminal (tmux, 80x24): the header and the process rows
# follow the files bwprocs rewrites, and every key does what the help
# says: ? h Tab i I Enter c s r l n p f, arrows, PgUp/PgDn, Home/End, q.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
need_tmux

# Fixed "now": the files written with ts=$NOW stay fresh however slow
# the machine is.
top_data 1795000000 "eth0 1000 2000" "lo 5 5" "wg0 7 9"
# Three processes whose order differs by total, sent, received and bytes.
ROWS3="alpha 101 0 9000000 1000 1 1
bravo 102 0 1000 8000000 100000000 100000000
charlie 103 0 5000000 5000000 50000000 50000000"
# rows TEXT...: the lines of TEXT, then the other arguments, as procs rows
rows() {
	_text=$1 _save=$IFS
	shift
	IFS='
'
	# shellcheck disable=SC2086
	set -- $_text "$@"
	IFS=$_save
	procs "$D" $NOW "$@"
}
procs3() {
	rows "$ROWS3" "$@"
}
CONNS='[{"proto": "tcp", "local": "192.0.2.10:40128", "remote": "198.51.100.7:873", "pid": 101, "name": "alpha", "tx_bps": 9000000, "rx_bps": 1000, "tx_bytes": 5, "rx_bytes": 6},
 {"proto": "tcp", "local": "192.0.2.10:443", "remote": "127.0.0.1:5432", "pid": 103, "name": "charlie", "tx_bps": 1000, "rx_bps": 2000, "tx_bytes": 5, "rx_bytes": 6},
 {"proto": "udp", "local": "[2001:db8::10]:53", "remote": "[2001:db8::1]:443", "pid": 0, "name": "", "tx_bps": 10, "rx_bps": 20, "tx_bytes": 50, "rx_bytes": 60}]'
procs3

# order: the PROGRAM column of the process rows, top down.
order() {
	pane | awk '/^ +PID USER/ { on = 1; next }
	    on && /^ +[0-9-]+ / { printf "%s ", $3 }'
}

start "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i eth0 -s 0.5"

# The key line is drawn last: once it shows, the whole frame is there.
waitfor '^(k:kill )?q:quit'
like "$(head -1 "$T/pane")" '^bwtop eth0  RX 8\.00 Kbps  TX 4\.00 Kbps  \(live\) +11:06:40$' \
    "header: RX and TX now from the live file, the time"
like "$(sed -n 2p "$T/pane")" '^RX @{60} max 8\.00 Kbps' \
    "header: a 60-second RX graph (ASCII under LC_ALL=C)"
like "$(sed -n 3p "$T/pane")" '^TX @{60} max 4\.00 Kbps' "header: the TX graph"
like "$(sed -n 4p "$T/pane")" '^Total since [0-9:]{8}: RX 0 B  TX 0 B   Coverage 95\.0%  Drops 0 \(\+0\)' \
    "header: totals since start, coverage, drops"
like "$(sed -n 5p "$T/pane")" '^per-process data: procs_eth0\.json, 0\.0 s old, every 2\.0 s' \
    "header: the procs file's age"
like "$(sed -n 6p "$T/pane")" '^\[Processes\]  Connections   Interfaces +rates  sort: total' \
    "the views and modes"
like "$(sed -n 7p "$T/pane")" '^ +PID USER +PROGRAM +SENT/s +RECV/s +SENT +RECV *$' \
    "the process columns"
like "$(grep ' bravo ' "$T/pane")" '^ +102 root +bravo +1\.00 Kbps +8\.00 Mbps +100 MB +100 MB *$' \
    "a process row"
is "$(order)" "charlie alpha bravo " "rows sorted by sent + received"
like "$(sed -n 24p "$T/pane")" '^(k:kill )?q:quit \?:help Tab:view' \
    "the key line"

# The files change under it.
live "$D" $NOW 16000 2000
waitfor 'RX 16\.0 Kbps +TX 2\.00 Kbps'
ok $? "a rewritten live file shows"
COVERAGE=0.5 DROPS=7 procs3 "zulu 104 0 90000000 90000000 1 1"
waitfor '^ +104 root +zulu '
ok $? "a new process shows"
is "$(order)" "zulu charlie alpha bravo " "and takes its place in the order"
like "$(sed -n 4p "$T/pane")" 'Coverage 50\.0%  Drops 7 \(\+0\)' \
    "coverage and drops follow"
procs3
gone zulu
ok $? "a process gone from the file goes"

# Sorting.
press s 'sort: sent' "s: sort by sent"
is "$(order)" "alpha charlie bravo " "s: the order by sent"
press r 'sort: received' "r: sort by received"
is "$(order)" "bravo charlie alpha " "r: the order by received"
press r 'sort: total' "r again: back to the total"
is "$(order)" "charlie alpha bravo " "the order by total"

# Cumulative.
press c '^ +PID USER +PROGRAM +SENT +RECV +SENT/s +RECV/s' \
    "c: the byte columns come first"
like "$(sed -n 6p "$T/pane")" 'cumulative  sort: total' "c: said"
is "$(order)" "bravo charlie alpha " "c: sorted by bytes"
press c '^ +PID USER +PROGRAM +SENT/s +RECV/s +SENT +RECV' \
    "c again: rates first"

# Command lines.
press l '^ +PID USER +COMMAND ' "l: the COMMAND column"
like "$(grep '^ *101 ' "$T/pane")" 'alpha --serve /srv/al' \
    "l: command lines"
press l '^ +PID USER +PROGRAM ' "l again: names"

# Help.
press '?' '^bwtop help: the keys' "?: the help screen"
for k in 'Tab, Shift-Tab' 'i, I' 'Enter' '  c  ' '  s  ' '  l  ' '  n  ' \
    '  p  ' '  f  ' 'PgUp, PgDn' '  k  ' 'q   quit'; do
	grep -q -- "$k" "$T/pane"
	ok $? "help names '$k'"
done
press x '^\[Processes\]' "any key leaves the help"
press h '^bwtop help: the keys' "h: the help screen too"
press Escape '^\[Processes\]' "Escape leaves it"

# Connections.
press Tab '^ Processes  \[Connections\]  Interfaces' \
    "Tab: the Connections view"
like "$(grep -E '^PROTO' "$T/pane")" '^PROTO +LOCAL REMOTE +PROCESS +SENT/s +RECV/s' \
    "the connection columns"
like "$(grep '^tcp .*alpha' "$T/pane")" '^tcp +40128 198\.51\.100\.7:873 +alpha/101 +9\.00 Mbps +1\.00 Kbps' \
    "a connection row"
like "$(grep '^udp' "$T/pane")" '^udp +53 \[2001:db8::1\]:443 +- ' \
    "an IPv6, unattributed connection"
press p '198\.51\.100\.7:rsync' "p: service names"
like "$(grep '^tcp .*charlie' "$T/pane")" '^tcp +https 127\.0\.0\.1:postgresql ' \
    "p: local and remote ports named"
like "$(sed -n 6p "$T/pane")" 'services' "p: said"
press p '198\.51\.100\.7:873' "p again: numbers"
press n 'localhost:5432' "n: 127.0.0.1 resolves to localhost"
like "$(sed -n 6p "$T/pane")" 'DNS' "n: said"
# Whatever the documentation addresses take to (not) resolve, the screen
# keeps answering keys.
press Tab '^ Processes   Connections  \[Interfaces\]' \
    "the screen answers at once while lookups run" 30
press BTab '\[Connections\]' "Shift-Tab: back"
press n '127\.0\.0\.1:5432' "n again: addresses"

# Interfaces.
press Tab '^ +IFACE +RX/s +TX/s +RX +TX +BWPROCS' "the Interfaces view"
like "$(grep '^\* eth0' "$T/pane")" '^\* eth0 +0 bps +0 bps +0 B +0 B +running' \
    "eth0: current, rates, bwprocs running"
like "$(grep '^  lo ' "$T/pane")" '^  lo +0 bps +0 bps +0 B +0 B +-' "lo"
(
	i=1
	while [ $i -le 600 ]; do
		mkproc "$T/proc" "eth0 1000 2000" "lo 5 5" \
		    "wg0 $((7 + i * 100000)) 9"
		sleep 0.1
		i=$((i + 1))
	done
) &
WPID=$!
waitfor '^  wg0 +[0-9.]+ [KM]bps +0 bps +[0-9.]+ [kM]B +0 B'
ok $? "wg0: a rate from two readings, and bytes since start"
kill "$WPID"
wait
key Down
press Enter '^bwtop lo ' "Down, Enter: shows the selected interface"
waitfor '^\[Processes\]'
ok $? "and goes to its processes"
like "$(cat "$T/pane")" 'No per-process data for lo: bwprocs is not running' \
    "lo has no bwprocs data: said"
press i '^bwtop wg0 ' "i: the next interface"
press I '^bwtop lo ' "I: the previous one"
press "i i" '^bwtop eth0 ' "i wraps around"

# Freeze.
waitfor 'RX 16\.0 Kbps'
press f 'FROZEN' "f: frozen"
live "$D" $NOW 24000 3000
procs3 "zulu 104 0 90000000 90000000 1 1"
sleep 2	# four refreshes at -s 0.5
pane >"$T/pane"
grep -q 'RX 16\.0 Kbps' "$T/pane" && ! grep -q zulu "$T/pane"
ok $? "frozen: the numbers stay while the files change"
key c
waitfor 'cumulative'
grep -q 'RX 16\.0 Kbps' "$T/pane"
ok $? "frozen: keys still work on the frozen data"
press "c f" 'RX 24\.0 Kbps' "f again: the new data shows"
grep -q 'FROZEN' "$T/pane"
ok $(( ! $? )) "no longer frozen"

# Moving in a long list: 40 processes, 16 fit.
i=1
rows=
while [ $i -le 40 ]; do
	rows="$rows p$i $((1000 + i)) 0 $((100000 - i)) 0 1 1
"
	i=$((i + 1))
done
rows "$rows"
waitfor ' p1 '
ok $? "40 processes"
grep -q ' p40 ' "$T/pane"
ok $(( ! $? )) "the last is off the screen"
press End ' p40 ' "End: scrolls to the last"
grep -q ' p1 ' "$T/pane"
ok $(( ! $? )) "End: the first is off the screen"
press Home ' p1 ' "Home: back to the first"
press NPage ' p17 ' "PgDn: a page further"
press PPage ' p1 ' "PgUp: a page back"
j=0
while [ $j -lt 20 ]; do
	key Down
	j=$((j + 1))
done
waitfor ' p21 '
ok $? "Down x20: scrolls with the selection"
key Up
sleep 0.3
press Up ' p21 ' "Up: stays in view"

# q gives the terminal back.
key q
is "$(ended)" "rc=0 modes: icanon echo" \
    "q: exit 0, the terminal modes restored"
grep -Eq '\[Processes\]|^bwtop ' "$T/pane"
ok $(( ! $? )) "q: the screen is given back (xterm's alternate screen)"

done_testing
