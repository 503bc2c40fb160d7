# Shared shell helpers for the TAP tests: sourced as . "${0%/*}/lib.sh".
# ok STATUS DESC   prints "ok N - DESC" when STATUS is 0
# is GOT WANT DESC compares two strings
# done_testing     prints the plan; $T is a fresh temp dir removed at exit
# jpath FILE EXPR... each Perl expression over $j, FILE's JSON, on a line
#                  of its own ("undef" for undef); dies on bad JSON or a bad
#                  expression, decoding FILE once whatever the questions
# jlax FILE EXPR   the same for one expression over a CGI's body: "not
#                  JSON" when FILE is not JSON, "undef" when EXPR fails
# runs DESC CMD... two test points: CMD exits 0 (DESC), with nothing on
#                  stderr; its output is in $T/out (and the diagnostics)
# fails STATUS DESC REGEX DESC2 CMD...  two test points: CMD exits STATUS
#                  (DESC), and its stderr matches REGEX (DESC2); its
#                  output is in $T/out, its stderr in $T/err
# setup_prefix USER  setup.sh and uninstall.sh into $T (see below)
set -u
SRCDIR=${SRCDIR:-$(cd "${0%/*}/.." && pwd)}
export LC_ALL=C TZ=UTC
unset BWMON_DATA_DIR BWMON_CONF BWMON_PROC BWMON_NOW
T=$(mktemp -d "${TMPDIR:-/tmp}/bwmon-t.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# An installed /etc/bwmon/bwmon.conf must not change what tests see.
: >"$T/.empty.conf"
export BWMON_CONF="$T/.empty.conf"
_n=0
_failed=0
# need_cmds, now, wait_for, reap: shared with the benchmarks.
. "$SRCDIR/t/data/shared-lib.sh"

ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# like STRING REGEX DESC (grep -E)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want /%s/\n' "$1" "$2" | head -20
	fi
}

skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "Bail out! cannot skip under CI=true: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}

jpath() {
	_jpath 0 "$@"
}

jlax() {
	_jpath 1 "$@"
}

_jpath() {
	perl -MJSON::PP -e 'my ($lax, $file) = splice @ARGV, 0, 2;
	    open(my $f, "<", $file) or die "$file: $!"; local $/;
	    my $j = $lax ? eval { decode_json(<$f>) } : decode_json(<$f>);
	    if (!defined $j) { print "not JSON\n"; exit }
	    for my $e (@ARGV) { my $v = eval $e; die $@ if $@ && !$lax;
	    print defined $v ? $v : "undef", "\n" }' "$@"
}

runs() {
	_desc=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	ok $? "$_desc"
	is "$(cat "$T/err")" "" "  nothing on stderr"
	sed 's/^/# /' "$T/out"
}

fails() {
	_st=$1 _desc=$2 _re=$3 _desc2=$4
	shift 4
	"$@" >"$T/out" 2>"$T/err"
	is $? "$_st" "$_desc"
	like "$(cat "$T/err")" "$_re" "$_desc2"
}

# answers STATUS DESC ARGS...: the test's own cgi(), called with ARGS,
# answers STATUS (and leaves it in $st for the checks that follow).
answers() {
	_want=$1 _desc=$2
	shift 2
	st=$(cgi "$@")
	is "$st" "$_want" "$_desc"
}

# setup_prefix USER: setup.sh and uninstall.sh into $T, not onto this
# machine: every install path lib/install-paths.sh names is exported as
# a directory of that name under $T (a path added there is covered), the
# user they run as is USER; $T is made readable to the web server's user.
setup_prefix() {
	for _v in $(sed -n 's/^\([A-Z_]*\)=.*/\1/p' \
	    "$SRCDIR/lib/install-paths.sh"); do
		[ "$_v" = BWMON_USER ] || eval "export $_v=\$T/$_v"
	done
	export BWMON_USER="$1"
	chmod 755 "$T"
}

# A fake proc directory: mkproc DIR "iface rx tx" ... writes DIR/net/dev
# (and DIR/stat with btime ${BTIME:-1700000000}).
mkproc() {
	_d=$1
	shift
	mkdir -p "$_d/net"
	{
		echo "Inter-|   Receive                                                |  Transmit"
		echo " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed"
		for _l in "$@"; do
			set -- $_l
			printf '%6s: %s 10 0 0 0 0 0 0 %s 10 0 0 0 0 0 0\n' "$1" "$2" "$3"
		done
	} >"$_d/net/dev.tmp" && mv "$_d/net/dev.tmp" "$_d/net/dev"
	echo "btime ${BTIME:-1700000000}" >"$_d/stat"
}
