#!/bin/sh
# bwtop's Hosts view on a real terminal (tmux, 80x24), from a hand-written
# live hosts file (t/data/hosts-lib.sh): offered only where the interface
# has one (Tab passes it by elsewhere, H says why), a router's LAN
# devices with their addresses, rates and bytes, sorted by s r c, a
# rewritten file followed, a stale one flagged, the help and the key
# line naming it, and the terminal restored on q.
IFACE=br-lan
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/top-lib.sh"
. "$SRCDIR/t/data/hosts-lib.sh"
need_tmux

top_data "$HOSTS_NOW" "br-lan 1000 2000" "eth0 5 5"
procs "$D" $NOW "dnsmasq 101 0 1000 1000 1 1"
hosts_live "$D" $((NOW - 1))

# order: the HOST column of the host rows, top down.
order() {
	pane | awk '/^HOST +ADDRESS/ { on = 1; next }
	    on && NF >= 6 && $0 !~ /^( |q:quit|k:kill)/ { printf "%s ", $1 }'
}
# order_is WANT DESC: the order, once the screen shows it (a frame may
# be caught half drawn), within 5 s.
order_is() {
	is "$(settled "$1" 50 order)" "$1" "$2"
}

launch "BWMON_NOW=$NOW BWMON_PROC=$T/proc TERM=xterm bwtop -d $D -i br-lan -s 0.5" \
    '^(k:kill )?q:quit' "bwtop runs on br-lan"
like "$(sed -n 6p "$T/pane")" '^\[Processes\]  Connections   Interfaces   Hosts ' \
    "the views include Hosts: br-lan has a hosts file"
like "$(sed -n 24p "$T/pane")" 'Tab:view H:hosts i:iface' \
    "the key line names H"

press H '^HOST +ADDRESS +SENT/s +RECV/s +SENT +RECV' \
    "H: the Hosts view, its columns"
like "$(sed -n 6p "$T/pane")" 'Interfaces  \[Hosts\]' "  said in the tabs"
like "$(grep '^laptop ' "$T/pane")" \
    '^laptop +10\.1\.0\.10 +400 Kbps +8\.00 Mbps +100 MB +5\.00 GB' \
    "a device: name, address, rates, bytes it sent and received"
like "$(grep '^10\.1\.0\.99 ' "$T/pane")" '^10\.1\.0\.99 +10\.1\.0\.99 +0 bps' \
    "one without a name shows its address"
order_is "laptop tv 10.1.0.99 " "busiest first, by rate"
like "$(cat "$T/pane")" 'SENT and RECV: what each device sent and received' \
    "  and what the columns mean"

# The tv overtakes the laptop's rate; a new device comes.
# (Made aside and moved in whole, as bwprocs does.)
mkdir "$T/h"
hosts_live "$T/h" $((NOW - 1)) 1
sed 's/"tx_bps":80.0/"tx_bps":90000000.0/' "$T/h/hosts_br-lan.json" \
    >"$T/h/new.json"
mv "$T/h/new.json" "$D/hosts_br-lan.json"
waitfor '^dev-1 '
ok $? "a rewritten hosts file: a new device shows"
order_is "tv laptop 10.1.0.99 dev-1 " "  and the order follows the rates"
key c
waitfor 'cumulative'
order_is "laptop tv 10.1.0.99 dev-1 " "c: sorted by bytes"
key r
waitfor 'sort: received'
order_is "laptop tv 10.1.0.99 dev-1 " "r: by bytes received"
key s
waitfor 'sort: sent'
order_is "laptop 10.1.0.99 tv dev-1 " "s: by bytes sent"
key c
key s
waitfor 'rates  sort: total'
key Down
sleep 0.3
pane >"$T/pane"
like "$(grep '^laptop ' "$T/pane")" '^laptop' "Down moves the selection"

# The writer stops.
hosts_live "$D" $((NOW - 100))
waitfor 'devices are STALE: hosts_br-lan\.json is 1 min'
ok $? "a stale hosts file is flagged"
like "$(grep '^laptop ' "$T/pane")" '^laptop ' "  its devices still shown"

# Tab goes round through Hosts here.
press Tab '^\[Processes\]' "Tab from Hosts: back to Processes"

# eth0 has no hosts file.
press i '^bwtop eth0' "i: eth0"
like "$(sed -n 6p "$T/pane")" '^\[Processes\]  Connections   Interfaces +rates' \
    "  no Hosts among its views"
press "Tab Tab Tab" '^\[Processes\]' "  Tab passes Hosts by"
press H 'H: eth0 has no LAN devices' "  H says why"
key I
waitfor '^bwtop br-lan'
key H
waitfor '^HOST +ADDRESS'
press i 'No LAN devices for eth0' \
    "changing interface in the Hosts view: it says there are none"

key '?'
waitfor '^bwtop help'
grep -q -- "  H  *the Hosts view" "$T/pane"
ok $? "the help names H"
key x
key q
is "$(ended)" "rc=0 modes: icanon echo" "q: exit 0, the terminal restored"

# Batch mode: the devices after the processes.
BWMON_NOW=$NOW BWMON_PROC=$T/proc bwtop -b -n 1 -d "$D" -i br-lan >"$T/out"
ok $? "bwtop -b on br-lan"
like "$(grep -A1 '^ADDRESS' "$T/out" | tr '\n' '|')" \
    '^ADDRESS +SENT/s +RECV/s +SENT +RECV HOST\|10\.1\.0\.10 +400 Kbps +8\.00 Mbps +100 MB +5\.00 GB laptop\|$' \
    "  a table of the devices, the busiest first, the name last"
like "$(cat "$T/out")" 'devices are STALE' "  the stale file said"
BWMON_NOW=$NOW BWMON_PROC=$T/proc bwtop -b -n 1 -d "$D" -i eth0 >"$T/out"
grep -q '^ADDRESS' "$T/out"
is $? 1 "  none for an interface without hosts"

done_testing
