# The CGIs run directly under time(1), for the memory bounds of t/7007
# and t/7008; sourced after t/lib.sh.
#
# C               where the CGIs are: WEB_CGIDIR, else cgi/
# cgi_need NAME   skip_all unless NAME.cgi and GNU time are there
# MAXRSS          the peak RSS allowed, in kB (set by cgi_need)
# cgi NAME QUERY  run NAME.cgi (GET); prints the status, leaves the
#                 headers in $T/h, the body in $T/b, stderr in $T/e and
#                 the peak RSS (kB) in $T/rss
# jbody EXPR      jlax over the last body
# small DESC      one test point: the last run's peak RSS was below MAXRSS
# huge_json FILE HEAD  a JSON object in FILE that opens with HEAD (members
#                 and their commas) and ends in an "x" of two million
#                 empty lists: 6 MB on disk, 270 MB as a jansson tree

C=${WEB_CGIDIR:-$SRCDIR/cgi}

# Reading the files of t/7007 took 270 to 680 MB (plain build); bounded,
# a CGI takes under 90 MB.  Under AddressSanitizer, redzones and shadow
# memory make a small block three times its size and its quarantine
# keeps what was freed: the quarantine is turned off and the bound is
# higher (230 MB taken; 395 MB to 1 GB unbounded).
cgi_need() {
	[ -x "$C/$1.cgi" ] || skip_all "the CGIs are not built (make all)"
	[ -x /usr/bin/time ] ||
	    skip_all "GNU time is not installed (apt-get install time)"
	if grep -q __asan_init "$C/$1.cgi" 2>/dev/null; then
		MAXRSS=300000
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	else
		MAXRSS=150000
	fi
}

cgi() {
	REQUEST_METHOD=GET QUERY_STRING=$2 /usr/bin/time -f %M -o "$T/rss" \
	    "$C/$1.cgi" >"$T/out" 2>"$T/e"
	sed '/^\r*$/q' "$T/out" >"$T/h"
	sed '1,/^\r*$/d' "$T/out" >"$T/b"
	sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T/out"
}

jbody() {
	jlax "$T/b" "$1"
}

small() {
	_rss=$(tail -1 "$T/rss")
	[ "$_rss" -lt "$MAXRSS" ] 2>/dev/null
	ok $? "$1: peak RSS ${_rss} kB < $MAXRSS kB"
}

huge_json() {
	perl -e 'print "{", $ARGV[0], "\"x\": [",
	    join(",", ("[]") x 2_000_000), "]}\n"' "$2" >"$1"
}
