#!/bin/sh
# setup.sh --router and --no-router, and uninstall.sh's removal of a
# router table a crash left, into a throwaway prefix inside a network
# namespace X that forwards: W (10.215.N.1, the default route's) and the
# LAN L (10.215.M.1).  setup.sh starts bwprocs for W and, in router
# mode, for L, which then writes hosts_L.json.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
need_cmds nft
S=$SRCDIR
setup_prefix "bwt$$u"
N=$((100 + $$ % 74 * 2))
M=$((N + 1))
X=${NP}x
W=${NP}w
L=${NP}l
stop() {
	for _f in "$RUN_DIR"/bwprocs-*.pid; do
		[ -f "$_f" ] && kill "$(cat "$_f")" 2>/dev/null
	done
	sleep 0.5
	cleanup_net
	userdel "$BWMON_USER" 2>/dev/null
}
trap stop EXIT
mkns "$X" &&
ip -n "$X" link add "$W" type veth peer name "${NP}wp" &&
ip -n "$X" link add "$L" type veth peer name "${NP}lp" &&
ip -n "$X" addr add "10.215.$N.1/24" dev "$W" &&
ip -n "$X" addr add "10.215.$M.1/24" dev "$L" &&
for _i in "$W" "${NP}wp" "$L" "${NP}lp"; do
	ip -n "$X" link set "$_i" up || exit 1
done &&
ip -n "$X" route add default via "10.215.$N.2" &&
ip netns exec "$X" sysctl -qw net.ipv4.ip_forward=1
ok $? "namespace $X: WAN $W (default route), LAN $L, forwarding"

setup() {
	ip netns exec "$X" "$S/setup.sh" --skip-deps --skip-nginx \
	    --no-conntrack --iface "$W" "$@" >"$T/out" 2>&1
	_st=$?
	[ $_st -eq 0 ] || sed 's/^/# /' "$T/out"
	return $_st
}
setup --router
ok $? "setup.sh --router"
grep -q '^router = on$' "$CONF_DIR/bwmon.conf"
ok $? "it sets router = on in bwmon.conf"
like "$(cat "$T/out")" "started bwprocs $L directly" "it starts bwprocs for the LAN $L"
wait_for 15 test -f "$DATA_DIR/hosts_$L.json"
ok $? "which writes hosts_$L.json"
test ! -f "$DATA_DIR/hosts_$W.json"
ok $? "the WAN gets no hosts file"

# A crash leaves the table: uninstall.sh removes it, and keeps the data.
kill -KILL "$(cat "$RUN_DIR/bwprocs-$L.pid")"
sleep 0.5
ip netns exec "$X" nft list table inet "bwmon_hosts_$L" >/dev/null 2>&1
ok $? "a killed bwprocs leaves its table"
ip netns exec "$X" "$S/uninstall.sh" >"$T/out" 2>&1
ok $? "uninstall.sh"
like "$(cat "$T/out")" "removed the nftables table inet bwmon_hosts_$L" \
    "it removes the table"
ip netns exec "$X" nft list table inet "bwmon_hosts_$L" >/dev/null 2>&1
ok $((! $?)) "the table is gone"
test -f "$DATA_DIR/hosts_$L.json"
ok $? "the data stays"

setup --no-router
ok $? "setup.sh --no-router"
grep -q '^router = off$' "$CONF_DIR/bwmon.conf"
ok $? "it sets router = off"
like "$(cat "$T/out")" "^setup: router = off" "and says so"
case $(cat "$T/out") in
*"bwprocs $L"*) ok 1 "no bwprocs for the LAN" ;;
*) ok 0 "no bwprocs for the LAN" ;;
esac

done_testing
