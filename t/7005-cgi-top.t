#!/bin/sh
# /api/top run directly as a web server runs it, over an owner history
# written by hand in the documented format (bwmon-files(5)): shares,
# grouping, windows, the resolution of each age, hostile names, bad
# queries.
. "${0%/*}/lib.sh"

C=${WEB_CGIDIR:-$SRCDIR/cgi}
[ -x "$C/top.cgi" ] || skip_all "the CGIs are not built (make all)"

mkdir "$T/data"
: >"$T/bwmon.conf"
export BWMON_NOW=1800003600 BWMON_DATA_DIR=$T/data BWMON_CONF=$T/bwmon.conf \
    TZ=UTC

cgi() {
	QUERY_STRING=$1 REQUEST_METHOD=GET "$C/top.cgi" >"$T/out" 2>"$T/e"
	sed -n '/^\r\{0,1\}$/,$p' "$T/out" | sed 1d >"$T/b"
	sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T/out"
}
jb() {
	jlax "$T/b" "$1"
}

: >"$T/data/bw_eth0.csv"
is "$(cgi 'iface=eth0')" 404 "no owner history yet: 404"
like "$(jb '$j->{hint}')" "owners_interval" "with a hint"

# Two intervals of full rows, one hourly row before them, a daily one
# before that; names with quotes, commas, a newline, markup.
o=$T/data/owners_eth0.jsonl
cat >"$o" <<'ROWS'
{"ts":1800000000,"len":300,"prog":"nightly-backup","user":"root","unit":"backup.service","rx":1000,"tx":9000,"pid":4242,"cmd":"00000000000000aa","r":[["203.0.113.5:873",900,8000],["[other remotes]",100,1000]]}
{"ts":1800000000,"len":300,"prog":"[forwarded]","rx":500,"tx":500}
{"ts":1800000000,"len":300,"prog":"we\"ird,<b>\nname","user":"alice","rx":10,"tx":20,"pid":7}
{"ts":1800000300,"len":300,"prog":"nightly-backup","user":"root","unit":"backup.service","rx":1000,"tx":9000,"pid":4243,"r":[["203.0.113.5:873",1000,9000]]}
{"ts":1800000300,"len":300,"prog":"[other owners]","rx":1,"tx":1}
ROWS
printf '{"ts":1800000600,"len":300,"prog":"to' >>"$o"	# a writer died
printf '{"ts":1799996400,"len":3600,"prog":"sshd","user":"root","rx":100,"tx":100}\n' \
    >"$T/data/owners1h_eth0.jsonl"
printf '{"ts":1799884800,"len":86400,"prog":"apt","user":"_apt","rx":7,"tx":3}\n' \
    >"$T/data/owners1d_eth0.jsonl"
printf '{"ts":1800000000,"id":"00000000000000aa","cmd":"/usr/local/bin/nightly-backup --to nas"}\n' \
    >"$T/data/cmdlines_eth0.jsonl"

is "$(cgi 'iface=eth0&from=1800000000&to=1800000600')" 200 "a window: 200"
is "$(jb '$j->{total_bytes}')" 21032 "every byte of the two intervals"
is "$(jb '$j->{rows}[0]{name}')" nightly-backup "busiest first"
is "$(jb '$j->{rows}[0]{total_bytes} . " " . $j->{rows}[0]{share}')" \
    "20000 0.9509" "its bytes and share"
is "$(jb '$j->{rows}[0]{pid} . " " . $j->{rows}[0]{cmdline}')" \
    "4242 /usr/local/bin/nightly-backup --to nas" \
    "its busiest process and command line, stored once"
is "$(jb '$j->{rows}[-1]{name}')" "[other owners]" "the fold row last"
is "$(jb '$j->{coverage}')" 0.9524 "coverage: the process rows' share"
cgi 'iface=eth0&range=all' >/dev/null
is "$(jb '$j->{skipped_lines}')" 1 "a torn last line is skipped"
cgi 'iface=eth0&from=1800000000&to=1800000600' >/dev/null
is "$(jb 'join "|", map { $_->{name} } @{$j->{rows}}')" \
    "nightly-backup|[forwarded]|we\"ird,<b>
name|[other owners]" "a hostile name comes back as it was, as JSON text"
grep -q '<b>' "$T/b"
ok $? "  (escaped by JSON only: the page shows it as text)"

cgi 'iface=eth0&from=1800000000&to=1800000600&by=user' >/dev/null
is "$(jb 'join ",", map { "$_->{name}=$_->{total_bytes}" } @{$j->{rows}}')" \
    "root=20000,[forwarded]=1000,alice=30,[other owners]=2" "by user"
cgi 'iface=eth0&from=1800000000&to=1800000600&by=unit' >/dev/null
is "$(jb '$j->{rows}[0]{name} . " " . $j->{rows}[2]{name}')" \
    "backup.service [none]" "by unit; none is [none]"
cgi 'iface=eth0&from=1800000000&to=1800000600&by=remote' >/dev/null
is "$(jb '$j->{rows}[0]{name} . " " . $j->{rows}[0]{total_bytes}')" \
    "203.0.113.5:873 18900" "by remote"
is "$(jb 'my $s = 0; $s += $_->{total_bytes} for @{$j->{rows}}; $s')" 21032 \
    "by remote, the rows still sum to every byte"
cgi 'iface=eth0&from=1800000000&to=1800000600&n=1' >/dev/null
is "$(jb 'scalar(@{$j->{rows}}) . " " . $j->{rows}[1]{name} . " " .
    $j->{rows}[1]{total_bytes}')" "2 [other owners] 1032" "n=1 folds the rest"

cgi 'iface=eth0&range=all' >/dev/null
is "$(jb '$j->{total_bytes}')" 21242 "all: daily + hourly + full rows"
is "$(jb '$j->{resolution_seconds}')" 86400 "the coarsest part was daily"
is "$(jb '$j->{first}')" 1799884800 "the oldest row kept"
cgi 'iface=eth0&range=1h' >/dev/null
is "$(jb '$j->{total_bytes} . " " . $j->{resolution_seconds}')" "21032 300" \
    "the last hour: full resolution"

# buckets: the rows' bytes per bucket, for the stacked chart.
is "$(cgi 'iface=eth0&from=1800000000&to=1800000600&n=1&buckets=2')" 200 \
    "buckets=2: 200"
is "$(jb '$j->{buckets}{seconds} . " " . join(",", @{$j->{buckets}{start}})')" \
    "300 1800000000,1800000300" "  two 5-minute buckets, from the window's start"
is "$(jb 'join " ", map { $_->{name} . "=" . join(",", @{$_->{bytes}}) } @{$j->{buckets}{series}}')" \
    "nightly-backup=10000,10000 [other owners]=1030,2" \
    "  a series per row, the fold row's too"
is "$(jb 'join ",", @{$j->{buckets}{total}}')" "11030,10002" \
    "  the totals of each bucket, which the series add up to"
is "$(jb '$j->{rows}[0]{total_bytes} . " " . $j->{total_bytes}')" "20000 21032" \
    "  and the rows as without buckets"
cgi 'iface=eth0&range=all&buckets=3' >/dev/null
is "$(jb 'my $s = 0; $s += $_ for @{$j->{buckets}{total}}; $s . " " . $j->{total_bytes}')" \
    "21242 21242" "range=all in 3 buckets: every byte in one of them"
is "$(jb '$j->{buckets}{seconds} % 86400')" 0 "  whole days for a long window"
is "$(cgi 'iface=eth0&by=remote&buckets=10')" 400 "buckets with by=remote: 400"
is "$(cgi 'iface=eth0&buckets=0')" 400 "buckets=0: 400"
is "$(cgi 'iface=eth0&buckets=1001')" 400 "buckets=1001: 400"

is "$(cgi 'iface=eth0&by=process')" 400 "by=process: 400"
is "$(cgi 'iface=eth0&from=5')" 400 "from without to: 400"
is "$(cgi 'iface=eth0&from=9&to=5')" 400 "from after to: 400"
is "$(cgi 'iface=eth0&range=24h&from=1&to=5')" 400 "range and from: 400"
is "$(cgi 'iface=eth0&n=0')" 400 "n=0: 400"
is "$(cgi 'iface=eth0&n=1001')" 400 "n=1001: 400"
is "$(cgi 'iface=nosuch')" 404 "an interface without data: 404"
done_testing
