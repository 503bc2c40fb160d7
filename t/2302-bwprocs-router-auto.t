#!/bin/sh
# Router mode's switches and its offload detection.  In a namespace X, a
# veth pair L (the LAN side: 10.215.N.1/24 or a public address) and W.
# bwprocs runs for L with capture = off; whether it writes hosts_L.json
# and what it logs follow router = auto|on|off, lan_ifaces, forwarding,
# the subnet and the default route.  Flowtables cannot be made on this
# kind of kernel, so the offload detection reads recorded
# `nft -j list ruleset` output (t/data/nft-*.json) through
# BWMON_NFT_RULESET (and the text listing beside it, t/data/nft-*.nft):
# a flowtable that rules add flows to is reported in the log and in the
# file's "offload", and its flows counted from conntrack (source
# "conntrack", offload_counted true; false when its text listing lacks
# the counter flag, "(no counter)", or is missing); an unused one, or
# none, is not.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_cmds nft

D=$T/data
mkdir -p "$D"
N=$((100 + $$ % 74 * 2))
X=${NP}x
L=${NP}l
mkns "$X" &&
ip -n "$X" link add "$L" type veth peer name "${NP}w" &&
ip -n "$X" addr add "10.215.$N.1/24" dev "$L" &&
ip -n "$X" link set "$L" up && ip -n "$X" link set "${NP}w" up
ok $? "namespace $X with $L (10.215.$N.1/24)"

H=$D/hosts_$L.json
# run CONF_LINES...: bwprocs for L in X with those keys (and capture =
# off) until it has written its procs file and two seconds more; its
# log in $T/log.
run() {
	printf 'capture = off\n' >"$T/conf"
	for _l in "$@"; do
		printf '%s\n' "$_l" >>"$T/conf"
	done
	rm -f "$D"/*
	ip netns exec "$X" bwprocs -f -v -c "$T/conf" -d "$D" "$L" \
	    >"$T/log" 2>&1 &
	_bp=$!
	wait_for 15 test -f "$D/procs_$L.json"
	sleep 2
	kill -TERM "$_bp"
	wait "$_bp"
}
fwd() {
	ip netns exec "$X" sysctl -qw net.ipv4.ip_forward="$1"
}

fwd 0
run "router = auto"
test ! -f "$H"
ok $? "auto, no forwarding: no hosts file"
logged "$T/log" "router mode off: router = auto, and the box does not forward"
ok $? "... and -v says why"

fwd 1
run "router = auto"
test -f "$H"
ok $? "auto, forwarding, a private subnet: hosts file"
logged "$T/log" "router mode on: router = auto: it forwards"
ok $? "... and the log says why"
is "$(json "$H" '"$j->{iface} $j->{source} " . scalar @{$j->{hosts}}')" \
    "$L nftables 0" "an empty LAN: no hosts"

run "router = auto" "lan_ifaces = eth7 br-lan"
test ! -f "$H"
ok $? "auto, not in lan_ifaces: no hosts file"
run "router = auto" "lan_ifaces = eth7 $L"
test -f "$H"
ok $? "auto, in lan_ifaces: hosts file"
run "router = off"
test ! -f "$H"
ok $? "router = off: no hosts file"

ip -n "$X" route add default dev "$L"
run "router = auto"
test ! -f "$H"
ok $? "auto, the default route's interface: no hosts file"
logged "$T/log" "has the default route"
ok $? "... and -v says so"
run "router = on"
test ! -f "$H"
ok $? "router = on: not for the default route's interface either"
run "router = on" "lan_ifaces = $L"
test -f "$H"
ok $? "... unless lan_ifaces lists it"
ip -n "$X" route del default dev "$L"
fwd 0
run "router = on"
test -f "$H"
ok $? "router = on counts with forwarding off too"
fwd 1

ip -n "$X" addr flush dev "$L"
ip -n "$X" addr add 192.0.2.1/24 dev "$L"
run "router = auto"
test ! -f "$H"
ok $? "auto, no private subnet: no hosts file"
logged "$T/log" "has no private or ULA subnet"
ok $? "... and -v says so"
ip -n "$X" addr add fd15:$N::1/64 dev "$L" nodad
run "router = auto"
test -f "$H"
ok $? "auto, a ULA subnet: hosts file"

# Offload, from recorded rulesets.
offload() {
	BWMON_NFT_RULESET=$SRCDIR/t/data/$1 run "router = on"
	json "$H" '$j->{offload}'
}
modprobe nf_conntrack 2>/dev/null
ip netns exec "$X" sysctl -qw net.netfilter.nf_conntrack_acct=0
ok $? "conntrack accounting off in $X"
is "$(offload nft-flowtable.json)" "flowtable ft" \
    "a flowtable rules add flows to: offload in the file"
logged "$T/log" "flowtable ft: offloaded flows counted from their conntrack counters"
ok $? "... and the log says its flows are counted from conntrack"
is "$(json "$H" '$j->{source} . " " . ($j->{offload_counted} ? "counted" : "not")')" \
    "conntrack counted" "... and so does the file"
is "$(ip netns exec "$X" sysctl -n net.netfilter.nf_conntrack_acct)" 1 \
    "conntrack accounting turned on by bwprocs's rule that reads ct bytes"
is "$(offload nft-flowtable-hw.json)" "flowtable ft (hw)" \
    "a flowtable with the offload flag: (hw)"
is "$(offload nft-flowtable-nocounter.json)" "flowtable ft (no counter)" \
    "a flowtable whose text listing has no counter flag: (no counter)"
logged "$T/log" "without the counter flag keeps offloaded packets out"
ok $? "... and the log says its offloaded flows cannot be counted"
is "$(json "$H" '$j->{offload_counted} ? "counted" : "not"')" not \
    "... nor does the file count them"
is "$(offload nft-flowtable-hw.json)" "flowtable ft (hw)" \
    "no text listing beside the JSON"
is "$(json "$H" '$j->{offload_counted} ? "counted" : "not"')" not \
    "... so the counter flag is unknown: not said to be counted"
logged "$T/log" "flags could not be read"
ok $? "... and the log says why"
is "$(offload nft-noflowtable.json)" null "no flowtable: offload null"
is "$(json "$H" '$j->{source} . " " . ($j->{offload_counted} // "null")')" \
    "nftables null" "... the sets count it all, offload_counted null"
is "$(offload nft-flowtable-unused.json)" null \
    "a flowtable no rule uses hides nothing"
printf 'not json\n' >"$T/garbage.json"
BWMON_NFT_RULESET=$T/garbage.json run "router = on"
logged "$T/log" "not JSON it knows"
ok $? "a ruleset that is not nft's JSON is said so"
is "$(json "$H" '$j->{offload}')" null "... and offload stays null"

ip netns exec "$X" nft list tables | grep -q bwmon_hosts
ok $((! $?)) "no table left behind"

done_testing
