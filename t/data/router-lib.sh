# What the router-mode tests (t/2301, t/2305) share, sourced after
# t/data/procs-lib.sh; they set H, the live hosts file.
#
# router_lab OCTET       the simulated router: namespaces R (${NP}r)
#                        and I (${NP}i), a veth ${NP}w in R to ${NP}wi
#                        in I on WAN (10.OCTET.M.0/24) and WAN6
#                        (fdXX:M::/64, XX the last two digits of
#                        OCTET), and a bridge BR (${NP}br) in R on LAN
#                        and LAN6 (the same with N = M - 1, from the
#                        pid); R forwards both, masquerades IPv4 on
#                        the WAN, and counts what it forwards to and
#                        from the LAN (forwarded); it sets those
#                        variables
# lan_client K MAC ADDR6 ADDR4...
#                        namespace ${NP}cK on the bridge, with MAC, the
#                        addresses, default routes via R and its
#                        client_acct
# client_acct NETNS      a table "acct" in the client NETNS whose
#                        counters o and i count what it sends to and
#                        receives from the WAN subnets: the truth the
#                        rows are held to (L3 bytes)
# counters K             "rx tx" of client K (namespace ${NP}cK) so far
# forwarded              the bytes R forwarded to and from the LAN, by
#                        the counters lan_out and lan_in of its table
#                        inet ${NP}fw
# host MAC EXPR         EXPR (perl) on the host $h whose id is MAC in
#                        the live hosts file $H; NOHOST without one
# early_flow NETNS DEST GO
#                        from NETNS, a TCP flow to DEST (addr:port) that
#                        sends 1 MB, then waits for the file GO and
#                        sends 3 MB more; returns once the first MB is
#                        sent

router_lab() {
	N=$((100 + $$ % 74 * 2))
	M=$((N + 1))
	R=${NP}r
	I=${NP}i
	BR=${NP}br
	LAN=10.$1.$N
	WAN=10.$1.$M
	LAN6=fd${1#2}:$N:
	WAN6=fd${1#2}:$M:
	mkns "$R" && mkns "$I" &&
	ip -n "$R" link add "${NP}w" type veth peer name "${NP}wi" \
	    netns "$I" &&
	ip -n "$R" addr add "$WAN.1/24" dev "${NP}w" &&
	ip -n "$R" addr add "$WAN6:1/64" dev "${NP}w" nodad &&
	ip -n "$I" addr add "$WAN.2/24" dev "${NP}wi" &&
	ip -n "$I" addr add "$WAN6:2/64" dev "${NP}wi" nodad &&
	ip -n "$R" link set "${NP}w" up && ip -n "$I" link set "${NP}wi" up &&
	ip -n "$I" route add "$LAN6:/64" via "$WAN6:1" &&
	ip -n "$R" link add "$BR" type bridge &&
	ip -n "$R" addr add "$LAN.1/24" dev "$BR" &&
	ip -n "$R" addr add "$LAN6:1/64" dev "$BR" nodad &&
	ip -n "$R" link set "$BR" up &&
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip netns exec "$R" nft -f - <<LAB
table ip ${NP}nat {
	chain post {
		type nat hook postrouting priority 100;
		oifname "${NP}w" masquerade
	}
}
table inet ${NP}fw {
	chain lanfw {
		type filter hook forward priority 0;
		iifname "$BR" counter name lan_out
		oifname "$BR" counter name lan_in
	}
	counter lan_out { }
	counter lan_in { }
}
LAB
}

lan_client() {
	_c=${NP}c$1
	_mac=$2
	_a6=$3
	_k=$1
	shift 3
	mkns "$_c" &&
	ip -n "$R" link add "${NP}p$_k" type veth peer name eth0 \
	    netns "$_c" &&
	ip -n "$R" link set "${NP}p$_k" master "$BR" &&
	ip -n "$R" link set "${NP}p$_k" up &&
	ip -n "$_c" link set eth0 address "$_mac" &&
	ip -n "$_c" addr add "$_a6/64" dev eth0 nodad &&
	for _a in "$@"; do
		ip -n "$_c" addr add "$_a/24" dev eth0 || return 1
	done &&
	ip -n "$_c" link set eth0 up &&
	ip -n "$_c" route add default via "$LAN.1" &&
	ip -n "$_c" -6 route add default via "$LAN6:1" &&
	client_acct "$_c"
}

client_acct() {
	ip netns exec "$1" nft -f - <<ACCT
table inet acct {
	counter o { }
	counter i { }
	chain out {
		type filter hook output priority 0;
		ip daddr $WAN.0/24 counter name o
		ip6 daddr $WAN6:/64 counter name o
	}
	chain in {
		type filter hook input priority 0;
		ip saddr $WAN.0/24 counter name i
		ip6 saddr $WAN6:/64 counter name i
	}
}
ACCT
}

counters() {
	ip netns exec "${NP}c$1" nft -j list counters table inet acct |
	    perl -MJSON::PP -0777 -ne '
		my %b; for (@{decode_json($_)->{nftables}}) {
		    $b{$_->{counter}{name}} = $_->{counter}{bytes}
		    if $_->{counter} }
		print "$b{i} $b{o}\n"'
}

forwarded() {
	ip netns exec "$R" nft -j list counters table inet "${NP}fw" |
	    perl -MJSON::PP -0777 -ne '
		my $s = 0; $s += $_->{counter}{bytes}
		    for grep { $_->{counter} } @{decode_json($_)->{nftables}};
		print "$s\n"'
}

host() {
	json "$H" "my (\$h) = grep { \$_->{id} eq '$1' } @{\$j->{hosts}};
	    \$h ? eval { $2 } : 'NOHOST'"
}

early_flow() {
	ip netns exec "$1" perl -MIO::Socket::INET -MTime::HiRes=sleep -e '
	    my $s = IO::Socket::INET->new($ARGV[0]) or die "connect: $!";
	    my $buf = "x" x 65536;
	    sub put { my $left = shift; while ($left > 0) {
		my $n = syswrite $s, $buf, $left < 65536 ? $left : 65536;
		defined $n or die "write: $!"; $left -= $n } }
	    put(1 << 20);
	    open my $f, ">", "$ARGV[1].early"; close $f;
	    sleep 0.1 until -e $ARGV[1];
	    put(3 << 20);
	    sleep 1;
	    close $s' "$2" "$3" 2>>"$T/flow.err" &
	PIDS="$PIDS $!"
	wait_for 10 test -f "$3.early"
}
