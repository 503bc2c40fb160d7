#!/bin/sh
# bwprocs without privileges: usage, and -r replays of captures full of
# truncated, malformed and garbage frames (t/data/procs-*.pcap, made by
# t/data/procs-mkpcap.pl): it never crashes, every byte lands in exactly
# one row, and the file keeps the contract of bwmon-files(5).
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"

D=$T/data
mkdir -p "$D"
DATA=$SRCDIR/t/data

# Usage.
bwprocs -h >"$T/out"; ok $? "-h exits 0"
like "$(cat "$T/out")" '^usage: bwprocs' "-h prints usage"
bwprocs -V | grep -q '^bwprocs bwmon '; ok $? "-V prints the version"
bwprocs -x 2>/dev/null; is $? 2 "unknown option is a usage error"
bwprocs 2>/dev/null; is $? 2 "no interface is a usage error"
bwprocs a b 2>/dev/null; is $? 2 "two interfaces are a usage error"
for bad in ../x a/b "" 1234567890123456 . ..; do
	bwprocs -d "$D" -r "$DATA/procs-eth.pcap" "$bad" 2>"$T/err"
	is $? 2 "bad interface name '$bad' is a usage error"
done
like "$(cat "$T/err")" 'bad interface name' "the usage error says why"
fails 1 "a missing data directory fails with 1" "nonexistent" \
    "and names it" \
    bwprocs -d "$T/nonexistent" -r "$DATA/procs-eth.pcap" x0
fails 1 "a missing -c config fails with 1" "^bwprocs: config $T/nosuch.conf: No such file" \
    "and names it" \
    bwprocs -c "$T/nosuch.conf" -d "$D" -r "$DATA/procs-eth.pcap" c0
[ ! -e "$D/procs_c0.json" ]
ok $? "and writes nothing"
BWMON_CONF=/dev/null bwprocs -d "$D" -r "$DATA/procs-eth.pcap" c0 \
    2>"$T/err"
is $? 0 "BWMON_CONF=/dev/null: an empty config"
rm -f "$D/procs_c0.json"
# A misspelt interface (no capture starts: no privileges needed).
bwprocs -f -d "$D" "bwtx$$" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:" "no such interface: exit 1"
like "$(cat "$T/err")" "^bwprocs: bwtx$$: no such interface \(have: (.*, )?lo(, .*)?\)$" \
    "... listing the interfaces there are"

# Replays: packets, bytes and the split between rows, exactly.
while read -r name pkts bytes fwd_rx fwd_tx oth_rx oth_tx nconn; do
	f=$DATA/$name
	rm -f "$D/procs_r0.json"
	bwprocs -d "$D" -r "$f" r0 2>"$T/err"
	is $? 0 "$name: replay exits 0"
	p=$D/procs_r0.json
	is "$(json "$p" '$j->{capture}{packets}')" "$pkts" "$name: packets"
	is "$(json "$p" '$j->{capture}{bytes}')" "$bytes" "$name: bytes"
	is "$(all_bytes "$p")" "$bytes" "$name: the rows add up to every byte"
	is "$(json "$p" '$j->{rx_bytes} + $j->{tx_bytes}')" "$bytes" \
	    "$name: interface bytes are the capture's"
	got=$(json "$p" 'join " ", map { my $n = $_; my ($r) = grep
	    { $_->{name} eq $n } @{$j->{processes}}; $r ?
	    "$r->{rx_bytes} $r->{tx_bytes} $r->{connections}" : "0 0 0" }
	    "[forwarded]", "[other]"')
	is "$got" "$fwd_rx $fwd_tx $nconn $oth_rx $oth_tx 0" \
	    "$name: [forwarded] and [other] bytes by direction, connections"
	is "$(json "$p" 'scalar grep { $_->{kind} eq "process" }
	    @{$j->{processes}}')" 0 "$name: no process owns replayed traffic"
done <"$DATA/procs-replay.expected"
like "$(bwprocs -d "$D" -r "$DATA/procs-trunc.pcap" r0 2>&1)" \
    'procs-trunc.pcap: .*truncated' "a truncated capture is reported"
like "$(bwprocs -d "$D" -r "$DATA/procs-wifi.pcap" r0 2>&1)" \
    'link type 105 is not supported' "an unknown link type is reported"

# The contract: keys and types (bwmon-files(5)).
bwprocs -d "$D" -r "$DATA/procs-eth.pcap" r0 2>/dev/null
p=$D/procs_r0.json
is "$(json "$p" 'join ",", map { defined $j->{$_} ? "1" : "0" } qw(version
    iface ts interval_seconds started rx_bps tx_bps rx_bytes tx_bytes
    capture processes connections)')" "1,1,1,1,1,1,1,1,1,1,1,1" \
    "procs: every top-level key"
is "$(json "$p" '$j->{version}')" 2 "procs: version 2"
is "$(json "$p" '$j->{iface}')" r0 "procs: iface"
is "$(json "$p" '$j->{ts}')" 1790000000.032 "procs: ts is the last packet's"
is "$(json "$p" '$j->{interval_seconds}')" 0.032 \
    "procs: interval_seconds spans the capture"
is "$(json "$p" 'exists $j->{coverage} ? 1 : 0')" 1 "procs: coverage key"
is "$(json "$p" 'join ",", map { exists $j->{capture}{$_} ? 1 : 0 }
    qw(packets drops drops_interval)')" "1,1,1" "procs: capture keys"
is "$(json "$p" 'my $r = $j->{processes}[0]; join ",", map {
    exists $r->{$_} ? 1 : 0 } qw(kind name pid uid user exe cmdline
    container tx_bps rx_bps tx_bytes rx_bytes connections last_seen)')" \
    "1,1,1,1,1,1,1,1,1,1,1,1,1,1" "procs: every process key"
is "$(json "$p" 'my ($r) = grep { $_->{name} eq "[forwarded]" }
    @{$j->{processes}}; join ",", $r->{kind}, $r->{pid},
    defined $r->{uid} ? "uid" : "null", $r->{user}, $r->{exe}')" \
    "unattributed,0,null,," "procs: an unattributed row"
within "$(json "$p" 'int((grep { $_->{name} eq "[forwarded]" }
    @{$j->{processes}})[0]{rx_bps})')" "$(( 69664 * 8 * 1000 / 32 ))" 0.01
ok $? "procs: rates are bits per second over the interval"
want="tcp:10.213.250.10:40000>10.213.250.7:443"
want="$want tcp:10.213.250.10:40001>10.213.250.7:443"
want="$want tcp:10.213.250.10:40002>10.213.250.7:443"
want="$want tcp:[fd00:213:250::1]:1234>[fd00:213:250::3]:80"
want="$want udp:10.213.250.10:9000>10.213.250.7:9001"
want="$want udp:10.213.250.20:1000>10.213.250.30:2000"
want="$want udp:[fd00:213:250::1]:5353>[fd00:213:250::2]:53"
want="$want udp:[fd00:213:250::1]:7000>[fd00:213:250::2]:8000"
is "$(json "$p" 'join " ", sort map { "$_->{proto}:$_->{local}>$_->{remote}"
    } @{$j->{connections}}')" "$want" \
    "procs: connections, IPv6 in brackets, v4-mapped merged with IPv4"
is "$(json "$p" 'my ($c) = grep { $_->{local} =~ /:40000$/ }
    @{$j->{connections}}; join ",", $c->{pid}, $c->{name},
    $c->{tx_bytes} + $c->{rx_bytes}')" "0,,67830" \
    "procs: a connection's bytes, unattributed: pid 0, no name"
cat >"$T/top.conf" <<EOF
top_connections = 2
EOF
bwprocs -c "$T/top.conf" -d "$D" -r "$DATA/procs-eth.pcap" r0 2>/dev/null
is "$(json "$p" 'scalar @{$j->{connections}}')" 2 \
    "top_connections limits the list"

# Files that are not captures.
printf 'this is not a capture file at all\n' >"$T/text.pcap"
fails 1 "a file that is not a capture fails with 1" 'text.pcap' \
    "and names it" \
    bwprocs -d "$D" -r "$T/text.pcap" r0
: >"$T/empty.pcap"
bwprocs -d "$D" -r "$T/empty.pcap" r0 2>/dev/null
is $? 1 "an empty file fails with 1"
bwprocs -d "$D" -r "$T/missing.pcap" r0 2>/dev/null
is $? 1 "a missing file fails with 1"

# Random damage to a capture: never a crash.  (A longer run of this,
# under ASan, and a libFuzzer harness are in t/fuzz/.)
crashes=0
for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	perl -e 'my ($in, $out, $seed) = @ARGV; srand $seed;
	    open my $f, "<:raw", $in or die; local $/; my $d = <$f>;
	    for (1 .. 1 + int rand 40) {
		my $o = 24 + int rand(length($d) - 24);
		substr($d, $o, 1) = chr int rand 256;
	    }
	    open my $g, ">:raw", $out or die; print $g $d' \
	    "$DATA/procs-eth.pcap" "$T/mut.pcap" "$seed"
	bwprocs -d "$D" -r "$T/mut.pcap" r0 2>/dev/null
	[ $? -le 1 ] || crashes=$((crashes + 1))
done
is "$crashes" 0 "20 randomly damaged captures: no crash"

done_testing
