# Helpers for the tests of the dashboard page in a real headless Chromium
# (t/71xx), sourced after t/lib.sh and t/web.sh.
#
# chrome OUT SIZE URL [FLAGS]  the DOM after 8 s of virtual time in OUT
#                              (with --screenshot=FILE, a picture), the
#                              browser's log in OUT.log
# dom FILE EXPR...             Perl expressions over the dumped DOM, one a
#                              line: attr(ID, NAME), text(ID), count(RE)
# no_js_errors FILE NAME       two assertions: no error caught by the
#                              page, none in the browser's console
# render OUT SIZE URL NAME     chrome OUT SIZE URL --dump-dom, then three
#                              assertions: it ran, and no_js_errors

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# Chromium's helper processes of a run that timed out: found by the run's
# own profile directory, ended by pid.
chrome_reap() {
	command -v ps >/dev/null 2>&1 || return 0
	ps -eo pid=,args= | awk -v d="$1" 'index($0, d) && !/awk/ { print $1 }' |
	    while read -r _p; do kill -9 "$_p" 2>/dev/null; done
}

_nchrome=0
chrome() {
	_out=$1 _size=$2 _url=$3
	shift 3
	_nchrome=$((_nchrome + 1))
	_prof=$T/chrome-profile.$_nchrome
	mkdir -p "$_prof"
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$_prof" --enable-logging=stderr --v=0 \
	    --hide-scrollbars --window-size="$_size" \
	    --virtual-time-budget=8000 "$@" "$_url" >"$_out" 2>"$_out.log"
	_rc=$?
	chrome_reap "$_prof"
	rm -rf "$_prof"
	return $_rc
}

dom() {
	perl -e 'my $file = shift; open(my $f, "<", $file) or die "$file: $!";
	    local $/; our $h = <$f>;
	    sub tag { my $id = shift; $h =~ /(<([a-z0-9]+)\b[^>]*\bid="\Q$id\E"[^>]*>)/
		? ($1, $2, $+[0]) : () }
	    sub attr { my ($t) = tag($_[0]); return undef unless defined $t;
		$t =~ /\s\Q$_[1]\E="([^"]*)"/ ? $1 : undef }
	    sub untag { my $s = shift; $s =~ s/<[^>]*>/ /g; $s =~ s/&lt;/</g;
		$s =~ s/&gt;/>/g; $s =~ s/&quot;/"/g; $s =~ s/&nbsp;/ /g;
		$s =~ s/&amp;/&/g; $s =~ s/\s+/ /g; $s =~ s/^ | $//g; $s }
	    sub text { my ($t, $n, $end) = tag($_[0]); return undef unless defined $t;
		my $d = 1; pos($h) = $end;
		while ($h =~ m{<(/?)\Q$n\E\b[^>]*>}g) {
		    $d += $1 ? -1 : 1;
		    return untag(substr($h, $end, $-[0] - $end)) if $d == 0 }
		undef }
	    sub count { my $re = shift; my $n = () = $h =~ /$re/g; $n }
	    for my $e (@ARGV) { my $v = eval $e; die $@ if $@;
		print defined $v ? $v : "undef", "\n" }' "$@"
}

no_js_errors() {
	is "$(dom "$1" "attr('errors', 'data-errors')")" 0 \
	    "$2: no JavaScript error caught by the page"
	grep -E 'Uncaught|bwmon page:|Content Security Policy' "$1.log" >"$T/uncaught"
	is "$(head -3 "$T/uncaught")" "" "$2: no error in the browser's console"
}

render() {
	chrome "$1" "$2" "$3" --dump-dom
	ok $? "$4: chromium renders the page"
	no_js_errors "$1" "$4"
}

# cdp URL: the page at URL driven by the commands of $T/script through
# t/data/cdp.pl (real mouse events; one test point), what it prints in
# $T/cdp.out: line N is "$(c N)".
cdp() {
	mkdir -p "$T/cdp"
	perl "$SRCDIR/t/data/cdp.pl" "$CHROMIUM" "$T/cdp" "$1" \
	    <"$T/script" >"$T/cdp.out" 2>"$T/cdp.err"
	ok $? "chromium driven with mouse events"
	grep '^cdp.pl:' "$T/cdp.err" | sed 's/^/# /'
}

c() {
	sed -n "$1p" "$T/cdp.out"
}
