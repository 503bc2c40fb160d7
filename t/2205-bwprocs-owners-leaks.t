#!/bin/sh
# No leak in the owner history's paths: bwprocs runs under valgrind
# (or, in a sanitizer build, under LeakSanitizer, which checks at exit)
# with owners_interval = 10 through intervals, a rollup child, a reload
# and a stop, with rows and connections that go (procs_linger = 0), and
# exits 0 with no byte definitely or indirectly lost.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root

BIN=$(command -v bwprocs)
# (valgrind.supp: libbpf's partly cleared bpf(2) arguments.)
leak_run valgrind.supp

D=$T/data
mkdir -p "$D"
# The subnet from the pid: runs in other checkouts at the same time use
# other addresses.
N=$((100 + $$ % 74 * 2))
host_ns "$N"
iperf_server
# Yesterday's rows, for the rollup child to roll up.
now=$(date +%s)
for t in $((now - 86400 - now % 3600)) $((now - 7200 - now % 3600)); do
	echo "{\"ts\":$t,\"len\":300,\"prog\":\"old\",\"rx\":1,\"tx\":2}"
done >"$D/owners_$H.jsonl"
printf 'owners_interval = 10\nprocs_linger = 0\nowners_top = 2\n' \
    >"$T/conf"
# shellcheck disable=SC2086
start_bwprocs $RUN "$BIN" -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs started${RUN:+ under valgrind}"
for i in 1 2 3; do
	iperf3 -c 10.213.$N.2 -p 5201 -t 1 -b 5M >/dev/null 2>&1
	iperf3 -u -c 10.213.$N.2 -p 5201 -t 1 -b 1M >/dev/null 2>&1
	sleep 4
done
kill -HUP "$BP"
iperf3 -c 10.213.$N.2 -p 5201 -t 1 -b 5M >/dev/null 2>&1
sleep 12
stop_bwprocs
is $? 0 "it exits 0${RUN:+ (valgrind: no error, no leak)}"
if [ -n "$RUN" ]; then
	# Valgrind warns of bpf(2) commands it does not know (libbpf's
	# probes at load): about valgrind, not about bwprocs.
	cat "$T"/vg.* 2>/dev/null |
	    grep -v 'WARNING: unhandled eBPF command' >"$T/vg"
	is "$(wc -c <"$T/vg" | tr -d ' ')" 0 \
	    "valgrind found nothing in bwprocs nor its rollup children"
	head -40 "$T/vg" | sed 's/^/# /'
fi
[ -s "$D/owners1h_$H.jsonl" ]
ok $? "the rollup child ran"
[ "$(jsonl "$D/owners_$H.jsonl" 'scalar grep { $_->{prog} eq "iperf3" }
    @l')" -ge 3 ]
ok $? "intervals were written"
grep -v -e 'capturing' -e 'exiting' -e conntrack "$T/bwprocs.err" |
    sed 's/^/# /'
done_testing
