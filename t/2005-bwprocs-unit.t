#!/bin/sh
# systemd/bwprocs@.service: hardened, as systemd itself scores it.
. "${0%/*}/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || skip_all "needs systemd-analyze"
U=$SRCDIR/systemd/bwprocs@.service

systemd-analyze verify "$U" >"$T/verify" 2>&1
# verify looks for the binary on this machine; only syntax matters here.
grep -v -e 'not executable' -e 'No such file' -e 'Command .* is not' \
    "$T/verify" | grep -qi 'unknown\|invalid\|failed to parse'
is $? 1 "the unit parses (no unknown or invalid settings)"

systemd-analyze security --offline=yes "$U" >"$T/sec" 2>&1
ok $? "systemd-analyze security --offline=yes runs"
level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$T/sec")
like "$level" '^[0-9.]+ (SAFE|OK)$' "exposure level OK or better (got $level)"
perl -e 'exit($ARGV[0] <= 2.8 ? 0 : 1)' "${level%% *}"
ok $? "exposure 2.8 or less, as before bwprocs gave up root (got ${level%% *})"
grep -q '^User=bwmon$' "$U" && ! grep -q '^User=root' "$U"
ok $? "bwprocs runs as bwmon, not root"
is "$(sed -n 's/^CapabilityBoundingSet=//p' "$U")" \
    "CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_SETUID CAP_SETGID CAP_BPF CAP_PERFMON" \
    "the bounding set: the four it keeps, and the four it drops at start"
for cap in CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH; do
	grep -q "^CapabilityBoundingSet=.*$cap" "$U"
	ok $? "bounding set keeps $cap, which bwprocs needs"
done
grep -Eq '^(ProtectProc=invisible|ProcSubset=pid|PrivateNetwork=yes|PrivateUsers=yes)' "$U"
is $? 1 "none of the settings that would hide /proc/net or other processes"

done_testing
