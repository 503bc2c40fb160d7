#!/bin/sh
# The owner history across stops: a SIGTERM and a restart between two
# transfers of one interval keep both (the interval's lines add up); a
# SIGKILL loses at most the open interval and leaves every line whole;
# owners_top = 1 folds the rest into "[other owners]" without losing a
# byte; and the per-program counters of /metrics never go down across
# the restarts.  Each stop comes right after a transfer: the frames of
# its last moments, still in the capture ring's open block, count too.
# bwprocs runs on the host end of a veth pair, iperf3
# servers in the namespace at its other end; the clients are copies of
# iperf3 named nightly-backup and second-job.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
M=${WEB_CGIDIR:-$SRCDIR/cgi}/metrics.cgi
[ -x "$M" ] || skip_all "the CGIs are not built (make all)"

# The subnet from the pid: runs in other checkouts at the same time use
# other addresses.
N=$((100 + $$ % 74 * 2))
host_ns "$N"
iperf_server
mkdir -p "$T/bin"
cp "$(command -v iperf3)" "$T/bin/nightly-backup"
cp "$(command -v iperf3)" "$T/bin/second-job"

# send PROG SECS RATE: a transfer by $T/bin/PROG; prints the interface
# bytes it took.
send() {
	_b0=$(ifbytes "$H")
	"$T/bin/$1" -c 10.213.$N.2 -p 5201 -t "$2" -b "$3" >/dev/null 2>&1 ||
	    echo "# $1 failed" >&2
	echo $(( $(ifbytes "$H") - _b0 ))
}

# run_once CONF STARTED STOPPED: bwprocs with CONF on $H into $D for one
# transfer of nightly-backup (its bytes in $SENT), then SIGTERM; two test
# points, that it started and that it exited 0.
run_once() {
	start_bwprocs bwprocs -f -c "$1" -d "$D" "$H"
	ok $? "$2"
	SENT=$(send nightly-backup 1 50M)
	stop_bwprocs
	is $? 0 "$3"
}

# owned FILE EXPR: the bytes of the lines of FILE for which EXPR holds.
owned() {
	jsonl "$1" "my \$s = 0; \$s += \$_->{rx} + \$_->{tx} for grep {
	    $2 } @l; \$s"
}

# metrics FILE: /metrics, run as the web server runs it, into FILE.
metrics() {
	REQUEST_METHOD=GET QUERY_STRING= BWMON_DATA_DIR=$D "$M" 2>/dev/null |
	    sed '1,/^\r*$/d' >"$1"
}

# series FILE NAME PROGRAM: a program's counter in a /metrics body.
series() {
	K="$2{device=\"$H\",program=\"$3\"}" awk \
	    'index($0, ENVIRON["K"] " ") == 1 { print $NF }' "$1"
}

# ---- SIGKILL: at most the open interval is lost ----
D=$T/kill
mkdir -p "$D"
O=$D/owners_$H.jsonl
printf 'owners_interval = 10\n' >"$T/conf10"
start_bwprocs bwprocs -f -c "$T/conf10" -d "$D" "$H"
ok $? "bwprocs started (owners_interval = 10)"
a=$(send nightly-backup 1 50M)
# The interval that holds A ends; its lines are written.
t=$(date +%s)
sleep $((10 - t % 10 + 2))
got=$(owned "$O" '$_->{prog} eq "nightly-backup"')
within "$got" "$a" 1
ok $? "the interval of transfer A is written at its end ($got of $a)"
# B and the kill well inside one interval, however slow this machine is.
t=$(date +%s)
[ $((t % 10)) -le 5 ] || sleep $((10 - t % 10 + 1))
b=$(send nightly-backup 1 50M)
kill -KILL "$BP"
{ wait "$BP"; } 2>/dev/null		# no "Killed" from the shell
got=$(owned "$O" '$_->{prog} eq "nightly-backup"')
echo "# after SIGKILL: $got bytes of A ($a) and B ($b)"
within "$got" "$a" 1
ok $? "SIGKILL during B's interval: A is all there, B is lost"
is "$(jsonl "$O" '$bad')" 0 "every line whole"
run_once "$T/conf10" "bwprocs starts again after SIGKILL" "SIGTERM: exit 0"
c=$SENT
got=$(owned "$O" '$_->{prog} eq "nightly-backup"')
within "$got" "$((a + c))" 1
ok $? "and counts on: A and C ($got of $((a + c)))"

# ---- SIGTERM and a restart within one interval ----
D=$T/restart
mkdir -p "$D"
O=$D/owners_$H.jsonl
printf 'owners_interval = 60\nowners_top = 1\nmetrics_programs = 1\n' \
    >"$T/conf60"
printf 'procs_linger = 3600\n' >>"$T/conf60"
# Begin early in an interval, so that both runs fit in it.
t=$(date +%s)
[ $((t % 60)) -le 30 ] || sleep $((60 - t % 60 + 1))
run_once "$T/conf60" "bwprocs started (owners_interval = 60, owners_top = 1)" \
    "SIGTERM after the first transfer"
x1=$SENT
T1=$(jsonl "$O" '$l[-1]{ts}')
like "$T1" '^[0-9]+$' "the interval so far is written at the stop ($T1)"
got=$(owned "$O" '$_->{prog} eq "nightly-backup"')
within "$got" "$x1" 1
st=$?
ok $st "with the first transfer ($got of $x1)"
if [ $st != 0 ]; then
	echo "# capture drops: $(json "$D/procs_$H.json" '$j->{capture}{drops}')"
	sed 's/^/# /' "$O"
fi
metrics "$T/m1"
m1=$(series "$T/m1" bwmon_program_transmit_bytes_total nightly-backup)
like "$m1" '^[0-9]+$' "/metrics: nightly-backup's counter ($m1)"
n1=$(wc -l <"$O")
since=$(json "$D/ownertotals_$H.json" '$j->{since}')

start_bwprocs bwprocs -f -c "$T/conf60" -d "$D" "$H"
ok $? "bwprocs started again"
x2=$(send nightly-backup 1 50M)
x3=$(send second-job 1 5M)
stop_bwprocs
is $? 0 "SIGTERM after the second transfer"
is "$(jsonl "$O" "scalar grep { \$_->{ts} != $T1 } @l")" 0 \
    "both runs in the same interval: one ts"
is "$(jsonl "$O" 'scalar grep { $_->{prog} eq "nightly-backup" } @l')" 2 \
    "the restart added lines to the interval, one a run"
got=$(owned "$O" "\$_->{ts} == $T1 && \$_->{prog} eq 'nightly-backup'")
echo "# interval $T1: nightly-backup $got of $x1 + $x2"
within "$got" "$((x1 + x2))" 1
ok $? "the interval's lines add up to both transfers (1 %)"
is "$(jsonl "$O" 'scalar grep { $_->{prog} eq "second-job" } @l')" 0 \
    "owners_top = 1: second-job is not kept by name"
got=$(owned "$O" '$_->{prog} eq "[other owners]"')
[ "$got" -ge $((x3 * 99 / 100)) ]
ok $? "[other owners] holds its bytes ($got >= $x3)"
run2=$(tail -n +$((n1 + 1)) "$O" | perl -MJSON::PP -ne 'my $j =
    decode_json($_); $s += $j->{rx} + $j->{tx}; END { print $s + 0 }')
is "$run2" "$(all_bytes "$D/procs_$H.json")" \
    "the second run's lines add up to exactly its procs file's rows"
is "$(jsonl "$O" 'my $ok = 1; for (@l) { $ok = 0 if @{$_->{r} || []} > 2 }
    $ok')" 1 "each owner keeps 1 remote, and [other remotes]"

metrics "$T/m2"
promtool check metrics <"$T/m2" >"$T/lint" 2>&1
st=$?
is "$st" 0 "promtool check metrics passes"
[ "$st" = 0 ] || sed 's/^/# /' "$T/lint"
m2=$(series "$T/m2" bwmon_program_transmit_bytes_total nightly-backup)
[ "$m2" -gt "$m1" ] && [ "$m2" = "$(jsonl "$O" 'my $s = 0; $s += $_->{tx}
    for grep { $_->{prog} eq "nightly-backup" } @l; $s')" ]
ok $? "nightly-backup's counter went on from $m1 to $m2, never down"
down=$(awk 'FNR == NR { if (/^bwmon_program/) v[$1] = $2; next }
    /^bwmon_program/ && ($1 in v) && $2 < v[$1] { n++ }
    END { print n + 0 }' "$T/m1" "$T/m2")
is "$down" 0 "no program's counter went down across the restart"
is "$(grep -c "^bwmon_program_transmit_bytes_total{device=\"$H\"" "$T/m2")" 2 \
    "metrics_programs = 1: one program and other"
like "$(series "$T/m2" bwmon_program_transmit_bytes_total other)" \
    '^[1-9][0-9]*$' "the program after the bound counts in other"
is "$(json "$D/ownertotals_$H.json" '$j->{since}')" "$since" \
    "counting began once, before the restart"
grep -v -e 'capturing' -e 'exiting' -e conntrack "$T/bwprocs.err" |
    sed 's/^/# /'
done_testing
