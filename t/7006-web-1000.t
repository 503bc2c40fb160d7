#!/bin/sh
# 1,000 interfaces through nginx and every web reader (issue 11 and 13:
# the CGIs listed at most 64 data files, so on a host with many veth*
# interfaces real ones vanished from the page, /api/* answered 400 for
# them and /metrics dropped them): /api/ifaces lists all 1,000 with the
# right bwprocs state, interfaces from first to last answer /api/history,
# /api/live and /api/procs, and /metrics carries every one, exactly, and
# passes promtool check metrics.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

web_need
command -v promtool >/dev/null 2>&1 ||
    skip_all "promtool is not installed (apt-get install prometheus)"

# if0000 .. if0999, each with three rows: 1000 (i + 1) bytes received and
# twice that sent per row.  Every tenth has bwprocs' files, fresh: a live
# file and a procs file with two programs.
D=$T/data
mkdir "$D"
perl -e 'my $d = shift; for my $i (0 .. 999) { my $n = sprintf("if%04d", $i);
    open(my $f, ">", "$d/bw_$n.csv") or die; for my $r (0 .. 2) {
    printf $f "%d,%.3f,%.3f,%d,%d,300.000\n", 1789999200 + 300 * $r,
    ($i + 1) * 1000 * 8 / 300, ($i + 1) * 2000 * 8 / 300, ($i + 1) * 1000,
    ($i + 1) * 2000 } close($f); next if $i % 10;
    open($f, ">", "$d/live_$n.json") or die;
    printf $f "{\"iface\": \"%s\", \"ts\": 1789999999.0, " .
    "\"interval_seconds\": 1, \"samples\": [[1789999998.0, %d.0, 8.0], " .
    "[1789999999.0, %d.0, 16.0]]}\n", $n, $i, $i + 8; close($f);
    open($f, ">", "$d/procs_$n.json") or die;
    printf $f "{\"version\": 2, \"iface\": \"%s\", \"ts\": 1789999999.5, " .
    "\"interval_seconds\": 2.0, \"rx_bytes\": %d, \"tx_bytes\": %d, " .
    "\"processes\": [{\"kind\": \"process\", \"name\": \"prog%d\", " .
    "\"pid\": %d, \"tx_bytes\": 10, \"rx_bytes\": %d}, {\"kind\": " .
    "\"process\", \"name\": \"sshd\", \"pid\": 1, \"tx_bytes\": 1, " .
    "\"rx_bytes\": 2}], \"connections\": []}\n", $n, $i, $i, $i, $i + 2,
    $i + 100; close($f) }' "$D"
is "$(ls "$D" | wc -l | tr -d ' ')" 1200 "1,000 histories, 100 live and procs files"
mkproc "$T/proc" "if0999 5 6"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc
web_up "$D"

# --- /api/ifaces: all of them
st=$(web_get /api/ifaces)
is "$st" 200 "/api/ifaces: 200"
web_json 'scalar @{$j->{ifaces}}' \
    'join(",", map { $_->{name} } @{$j->{ifaces}}) eq
    join(",", map { sprintf("if%04d", $_) } 0 .. 999) ? "all" : "not all"' \
    'scalar grep { $_->{bwprocs} eq "running" } @{$j->{ifaces}}' \
    'join(",", map { $_->{name} } grep { $_->{bwprocs} eq "running" }
    @{$j->{ifaces}}) eq join(",", map { sprintf("if%04d", 10 * $_) }
    0 .. 99) ? "tenth" : "other"' \
    'scalar grep { $_->{last_row} == 1789999800 } @{$j->{ifaces}}' \
    '$j->{default}' >"$T/f"
is "$(tr '\n' ' ' <"$T/f")" "1000 all 100 tenth 1000 if0000 " \
    "/api/ifaces: 1,000 in order, bwprocs running for every tenth, each last row, a default"

# --- from the first to the last, each answers /api/history, /api/live
# and /api/procs
bad=
for i in 0 1 2 63 64 65 128 255 256 300 499 500 511 512 640 777 900 990 998 999; do
	n=$(printf 'if%04d' $i)
	st=$(web_get "/api/history?iface=$n&range=24h")
	got=$(web_json '$j->{iface}' '$j->{stats}{rx}{bytes}' \
	    '$j->{stats}{tx}{bytes}' '$j->{stats}{samples}' | tr '\n' ' ')
	[ "$st $got" = "200 $n $((3000 * (i + 1))) $((6000 * (i + 1))) 3 " ] ||
	    bad="$bad history:$n($st $got)"
	st=$(web_get "/api/live?iface=$n")
	got=$(web_json '$j->{iface}' '$j->{source}' | tr '\n' ' ')
	if [ $((i % 10)) = 0 ]; then
		want="200 $n bwprocs "
	else
		want="200 $n proc "
	fi
	[ "$st $got" = "$want" ] || bad="$bad live:$n($st $got)"
	st=$(web_get "/api/procs?iface=$n")
	if [ $((i % 10)) = 0 ]; then
		got=$(web_json '$j->{stale} ? 1 : 0' '$j->{processes}[0]{name}' |
		    tr '\n' ' ')
		want="200 0 prog$i "
	else
		got=$(web_json '$j->{error}')
		want="404 no procs_$n.json in the data directory"
	fi
	[ "$st $got" = "$want" ] || bad="$bad procs:$n($st $got)"
done
is "$bad" "" "20 interfaces from first to last: /api/history, /api/live, /api/procs"
st=$(web_get "/api/history?iface=if1000")
is "$st" 404 "an interface without data: 404"
like "$(web_json '$j->{error}')" '^no data for that interface \(interfaces with data: if0000, if0001, .*, \.\.\.\)$' \
    "which lists the interfaces there are, as many as fit"
web_get "/api/live?iface=if0999" >/dev/null
is "$(web_json '$j->{counters}{rx_bytes}')" 5 "/api/live of the last: its counters"

# --- /metrics: every interface, exactly, well-formed
st=$(web_get /metrics)
is "$st" 200 "/metrics: 200"
cp "$WEB/body" "$T/m"
promtool check metrics <"$T/m" >"$T/lint" 2>&1
st=$?
is "$st${st#0}" 0 "promtool check metrics passes"
[ "$st" = 0 ] || sed 's/^/# /' "$T/lint" | head -10
perl -e 'my (%rx, %tx, %up, %prog, %live); while (<>) {
    $rx{$1} = $2 if /^bwmon_interface_receive_bytes_total\{device="(if\d+)"\} (\d+)$/;
    $tx{$1} = $2 if /^bwmon_interface_transmit_bytes_total\{device="(if\d+)"\} (\d+)$/;
    $up{$1} = $2 if /^bwmon_bwprocs_up\{device="(if\d+)"\} (\d+)$/;
    $live{$1} = $2 if /^bwmon_interface_receive_bytes_per_second\{device="(if\d+)"\} (\S+)$/;
    $prog{"$1/$2"} = $3 if /^bwmon_process_receive_bytes_total\{device="(if\d+)",program="([^"]+)"\} (\d+)$/ }
    my $bad = 0; for my $i (0 .. 999) { my $n = sprintf("if%04d", $i);
    $bad++ unless ($rx{$n} // -1) == 3000 * ($i + 1) &&
    ($tx{$n} // -1) == 6000 * ($i + 1) && ($up{$n} // -1) == ($i % 10 ? 0 : 1);
    next if $i % 10; $bad++ unless ($prog{"$n/prog$i"} // -1) == $i + 100 &&
    ($prog{"$n/sshd"} // -1) == 2 && ($live{$n} // -1) == ($i + 8) / 8 }
    printf "%d %d %d %d %d bad=%d\n", scalar keys %rx, scalar keys %tx,
    scalar keys %up, scalar keys %live, scalar keys %prog, $bad' "$T/m" >"$T/f"
is "$(cat "$T/f")" "1000 1000 1000 100 200 bad=0" \
    "/metrics: each of the 1,000 with its exact bytes, bwprocs up for 100, their rates and programs"

web_log_clean
ok $? "no sanitizer report in the error log"
done_testing
