# What the router-mode tests (t/2301, t/2305) share, sourced after
# t/data/procs-lib.sh.  They set R (the router's namespace), NP, T, H
# (the live hosts file), and WAN and WAN6 (the "internet" side's IPv4
# /24 and IPv6 /64 prefixes, such as "10.215.M" and "fd15:M:").
#
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
