#!/bin/sh
# bwprocs over its life: it cannot start without an interface or the
# right to capture, stops cleanly on SIGTERM and starts again, re-reads
# its configuration on SIGHUP, and waits without spinning while its
# interface is down or gone, then captures again when it is back.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

host_ns 5
iperf_server
P=$D/procs_$H.json

# traffic NAME: 1 s of TCP from a host client; its pid must have the
# interface's bytes (1 %).
traffic() {
	_b0=$(ifbytes "$H")
	iperf3 -c 10.213.5.2 -t 1 -b 50M >/dev/null 2>&1 &
	_cp=$!
	wait "$_cp"
	is $? 0 "$1: iperf3 ran"
	pid_has_bytes "$_b0" "$_cp" 1 "$1: pid $_cp has" \
	    "$1: the client has the interface's bytes (1 %)"
}

# no_busy_loop STATE: bwprocs uses under 30 ticks in 3 s while the
# interface is STATE; one test point.
no_busy_loop() {
	_c0=$(cputicks "$BP")
	sleep 3
	_c1=$(cputicks "$BP")
	echo "# CPU while $1: $((_c1 - _c0)) ticks in 3 s"
	[ $((_c1 - _c0)) -lt 30 ]
	ok $? "no busy loop while the interface is $1"
}

# Cannot capture at all: say why, exit 1.
fails 1 "no such interface: exit 1" "${NP}zz: no such interface" \
    "and it says so" \
    bwprocs -f -d "$D" "${NP}zz"
if command -v setpriv >/dev/null 2>&1; then
	chmod 0755 "$T"
	chmod 0777 "$D"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	    bwprocs -f -d "$D" "$H" 2>"$T/err"
	is $? 1 "no permission to capture: exit 1"
	like "$(cat "$T/err")" "$H: cannot capture: .*ermission" \
	    "and it says why"
	chmod 0755 "$D"
	chmod 0700 "$T"
fi

# Start, traffic, SIGTERM, start again.
start_bwprocs bwprocs -f -d "$D" "$H"
ok $? "bwprocs started"
traffic "first run"
started1=$(json "$P" '$j->{started}')
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
is "$(json "$P" '$j->{iface}')" "$H" "the procs file is whole after SIGTERM"
is "$(json "$D/live_$H.json" '$j->{iface}')" "$H" \
    "the live file is whole after SIGTERM"
ls "$D" | grep -q '^\.' && ok 1 "no temporary files left" ||
    ok 0 "no temporary files left"
# A file named with -c must exist (bwmon.conf(5)): empty until SIGHUP.
: >"$T/bw.conf"
start_bwprocs bwprocs -f -c "$T/bw.conf" -d "$D" "$H"
ok $? "bwprocs started again"
isnew() {
	perl -e 'exit($ARGV[0] > $ARGV[1] ? 0 : 1)' \
	    "$(json "$P" '$j->{started}')" "$started1"
}
wait_for 10 isnew
ok $? "the new run's file says when it started"
traffic "after a restart"

# SIGHUP: the configuration is read again.
is "$(json "$P" 'sprintf "%.0f", $j->{interval_seconds}')" 2 \
    "procs_interval is 2 s by default"
echo "procs_interval = 1" >"$T/bw.conf"
kill -HUP "$BP"
short() {
	[ "$(json "$P" 'sprintf "%.0f", $j->{interval_seconds}')" = 1 ]
}
wait_for 10 short
ok $? "after SIGHUP, procs_interval = 1 from the config file applies"
like "$(cat "$T/bwprocs.err")" 'reloaded' "the reload is logged"
kill -0 "$BP"
ok $? "bwprocs still runs"

# Interface down: it waits without spinning, and comes back.
ip link set "$H" down
isstate() { [ "$(json "$P" '$j->{capture}{state}')" = "$1" ]; }
wait_for 10 isstate "interface down"
ok $? "interface down: the procs file says so"
no_busy_loop down
ip link set "$H" up
ip -n "$NS" link set "${NP}p" up
wait_for 10 isstate running
ok $? "interface up: capturing again"
traffic "after down and up"

# Interface gone, then made again with the same name.
ip link del "$H"
wait_for 10 isstate "interface missing"
ok $? "interface deleted: the procs file says so"
kill -0 "$BP"
ok $? "bwprocs still runs"
no_busy_loop gone
veth_to_ns "$H" "${NP}p" "$NS" 5
ok $? "the veth made again"
wait_for 10 isstate running
ok $? "capturing the new interface"
traffic "after the interface came back"

stop_bwprocs
is $? 0 "SIGTERM: exit 0"
sed 's/^/# /' "$T/bwprocs.err"
done_testing
