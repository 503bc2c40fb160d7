#!/bin/sh
# Hostile input through real nginx and fcgiwrap: every one gets a 400
# (a planted symlink that would make an interface: 404, no interface)
# with a JSON error and nothing else -- path-like interface names, in
# clear and percent-encoded, symlinks planted in the data directory,
# 10 kB query strings, %00, repeated keys, unknown ranges.
. "${0%/*}/lib.sh"
. "${0%/*}/web.sh"

web_need
cp -R "$SRCDIR/t/data/web-v2" "$T/data"
mkproc "$T/proc" "eth0 1000 2000"
export BWMON_NOW=1790000000 BWMON_PROC=$T/proc
ln -s /etc/passwd "$T/data/bw_evil.csv"
ln -s /etc/passwd "$T/data/bw_passwd.csv"
rm "$T/data/procs_eth0.json" "$T/data/spikes_eth0.jsonl"
ln -s /etc/passwd "$T/data/procs_eth0.json"
ln -s /etc/passwd "$T/data/spikes_eth0.jsonl"
ln -s /etc "$T/data/bw_etc.csv"
web_up "$T/data"

# refused STATUS PATH DESC: STATUS, JSON, {"error"} alone, nothing of
# /etc/passwd
refused() {
	st=$(web_get "$2")
	is "$st" "$1" "$3: $1"
	is "$(web_header Content-Type)" application/json "$3: JSON"
	is "$(web_json 'join ",", sort keys %$j')" error "$3: an error and nothing else"
	grep -q 'root:' "$WEB/body"
	ok $(( ! $? )) "$3: nothing of /etc/passwd"
}

# bad PATH DESC: a 400
bad() {
	refused 400 "$@"
}

# nodata PATH DESC: a well-formed interface whose only "data" is a
# planted symlink: no interface, a 404, and nothing of what it points to
nodata() {
	refused 404 "$@"
}

bad "/api/history?iface=../../etc/passwd" "iface=../../etc/passwd"
bad "/api/history?iface=%2e%2e%2fetc" "iface=%2e%2e%2fetc"
bad "/api/history?iface=%2E%2E%2F%2E%2E%2Fetc%2Fpasswd" "iface, all encoded"
bad "/api/live?iface=..%2f..%2fetc%2fpasswd" "live, half encoded"
bad "/api/procs?iface=/etc/passwd" "an absolute path"
nodata "/api/history?iface=evil" "a history symlinked to /etc/passwd"
nodata "/api/totals?iface=passwd" "totals over the symlink"
nodata "/api/heatmap?iface=etc" "a history symlinked to /etc"
bad "/api/procs?iface=eth0" "a procs file symlinked to /etc/passwd"
bad "/api/spikes?iface=eth0" "a spike log symlinked to /etc/passwd"
bad "/api/spike?iface=eth0&ts=1789950000.5" "one spike from it"
long=$(head -c 10240 /dev/zero | tr '\0' A)
bad "/api/history?iface=eth0&x=$long" "a 10 kB query string"
bad "/api/history?iface=$long" "a 10 kB interface name"
bad "/api/history?iface=eth0%00" "iface=eth0%00"
bad "/api/history?iface=eth0&x=%00" "%00 anywhere"
bad "/api/history?iface=eth0%00.csv" "a NUL to cut the suffix"
bad "/api/history?iface=eth0&iface=wlan0" "repeated keys"
bad "/api/history?iface=eth0&range=24h&range=all" "a repeated range"
bad "/api/history?iface=eth0&range=1y" "an unknown range"
bad "/api/history?iface=eth0&range=%32%34h" "an encoded range"
bad "/api/history?iface=%zz" "a malformed escape"
bad "/api/alerts?iface=eth0&active=yes" "active=yes"
bad "/api/spike?iface=eth0&ts=../../x" "a path as ts"

# A query string nginx itself refuses (beyond 16 kB of request line) is
# still no 200 and no file.
huge=$(head -c 20000 /dev/zero | tr '\0' A)
st=$(web_get "/api/history?iface=$huge")
case $st in
400|414) ok 0 "20 kB: refused ($st)" ;;
*) ok 1 "20 kB: refused ($st)" ;;
esac

# The symlinks are no interfaces, and the rest works.
web_get /api/ifaces >/dev/null
is "$(web_json 'join ",", map { $_->{name} } @{$j->{ifaces}}')" eth0,wlan0 \
    "/api/ifaces lists no symlink"
st=$(web_get "/api/history?iface=eth0")
is "$st" 200 "the history beside them is served"
st=$(web_get /metrics)
is "$st" 200 "/metrics beside them"
grep -q 'root:' "$WEB/body"
ok $(( ! $? )) "/metrics reads none of them"
like "$(grep '^bwmon_bwprocs_up{device="eth0"}' "$WEB/body")" ' 0$' \
    "a symlinked procs file counts as no bwprocs"

web_log_clean
ok $? "no sanitizer report in the error log"
done_testing
