#!/bin/sh
# The documentation: every man page passes mandoc's lint and has the
# sections its section number needs; each program's usage, its --help
# and its page's SYNOPSIS name the same options, --help gives each a
# line and --version answers; the README starts with the install and
# test commands.
. "${0%/*}/lib.sh"

need_cmds mandoc
cd "$SRCDIR" || exit 1

# has_sh PAGE NAME: the page has a ".Sh NAME" line (quoted or not).
has_sh() {
	grep -Eq "^\\.Sh \"?$2\"?[[:space:]]*\$" "$1"
}

pages=$(ls man/*.[158] 2>/dev/null)
[ -n "$pages" ]
ok $? "man/ holds pages"

for m in $pages; do
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1)
	rc=$?
	is "$rc${out:+: $out}" "0" "$m: mandoc -Tlint -Wwarning is clean"

	sec=${m##*.}
	dt=$(sed -n 's/^\.Dt [^ ]* \([0-9]\).*/\1/p' "$m")
	is "$dt" "$sec" "$m: .Dt section matches the file name"

	want="NAME DESCRIPTION SEE_ALSO"
	case $sec in
	1|8)	want="NAME SYNOPSIS DESCRIPTION EXIT_STATUS SEE_ALSO" ;;
	esac
	missing=
	for s in $want; do
		has_sh "$m" "$(echo "$s" | tr _ ' ')" ||
		    missing="$missing $(echo "$s" | tr _ ' ')"
	done
	is "${missing# }" "" "$m: has sections $(echo "$want" | tr _ ' ')"
done

# has_fl PAGE OPT: the page documents OPT (a letter, or --long) with an
# Fl macro.  mandoc renders both ".Fl \-json" and ".Fl -json" as --json.
has_fl() {
	case $2 in
	--*)	grep -Eq "(^|[ .])Fl (\\\\)?-${2#--}( |\$)" "$1" ;;
	*)	grep -Eq "(^|[ .])Fl $2( |\$)" "$1" ;;
	esac
}

# The usage synopsis: the first line of -h and the lines continuing it.
usage_of() {
	"$1" -h 2>/dev/null | awk 'NR == 1 { print; next }
	    /^[ \t]/ { print; next } { exit }'
}

# The options a synopsis names, one a line: letters of -x groups, and
# --long ones.
opts_of() {
	printf '%s\n' "$1" | grep -oE '(^|[[ |])-[A-Za-z0-9]+' |
	    sed 's/^[[ |]*-//' | fold -w 1
	printf '%s\n' "$1" | grep -oE -- '--[a-z][a-z0-9-]*'
}

# The page's SYNOPSIS as mandoc renders it.
synopsis_of() {
	mandoc -Tascii "$1" | perl -pe 's/.\x08//g' | awk '/^SYNOPSIS/ { p = 1; next }
	    /^[A-Z]/ { p = 0 } p'
}

for p in bwcollect bwhistory bwtotal bwtop bwprocs; do
	if ! command -v "$p" >/dev/null 2>&1; then
		echo "# $p is not built (not on PATH): option check skipped"
		continue
	fi
	page=
	for f in man/"$p".1 man/"$p".8; do
		[ -f "$f" ] && page=$f
	done
	[ -n "$page" ]
	ok $? "$p has a man page in section 1 or 8"
	[ -n "$page" ] || continue

	usage=$(usage_of "$p")
	like "$usage" "^usage: $p( |\$)" "$p -h prints a usage line"

	shorts=$(printf '%s\n' "$usage" |
	    grep -oE '(^|[[ |])-[A-Za-z0-9]+' | sed 's/^[[ |]*-//' |
	    fold -w 1 | sort -u)
	longs=$(printf '%s\n' "$usage" | grep -oE -- '--[a-z][a-z0-9-]*' |
	    sort -u)
	[ -n "$shorts" ]
	ok $? "$p -h names options"

	missing=
	for o in $shorts $longs; do
		has_fl "$page" "$o" || missing="$missing $o"
	done
	is "${missing# }" "" \
	    "$page: documents every option of $p -h: $(echo $shorts $longs)"

	is "$(opts_of "$(synopsis_of "$page")" | sort -u | tr '\n' ' ')" \
	    "$(opts_of "$usage" | sort -u | tr '\n' ' ')" \
	    "$page: the SYNOPSIS names the options usage() names"

	# --help: the usage, then a line for each option, on stdout.
	"$p" --help >"$T/help" 2>"$T/err"
	is "$?:$(cat "$T/err")" "0:" "$p --help: exit 0, nothing on stderr"
	"$p" -h >"$T/h"
	cmp -s "$T/help" "$T/h"
	ok $? "$p --help is -h"
	# The option lines: "  -x ...", "  -x, --long ...", "      --long ...".
	grep -E '^ +-' "$T/help" | sed -E \
	    's/^ +(-[A-Za-z0-9])?(, )?(--[a-z][a-z0-9-]*)? .*/\1 \3/' \
	    >"$T/lines"
	[ -s "$T/lines" ]
	ok $? "$p --help has option lines"
	missing=
	for o in $shorts; do
		grep -q "^-$o " "$T/lines" || missing="$missing -$o"
	done
	for o in $longs; do
		grep -q -- " $o\$" "$T/lines" || missing="$missing $o"
	done
	is "${missing# }" "" "$p --help has a line for each option of usage"
	extra=
	while read -r first second; do
		case $first in
		--*)	echo "$longs" | grep -qx -- "$first" ||
			    extra="$extra $first" ;;
		*)	echo "$shorts" | grep -qx -- "${first#-}" ||
			    extra="$extra $first" ;;
		esac
		[ -z "$second" ] || has_fl "$page" "$second" ||
		    extra="$extra $second(undocumented)"
	done <"$T/lines"
	is "${extra# }" "" "$p --help: no option that usage or $page lacks"
	is "$(awk 'length > 79' "$T/help")" "" "$p --help fits 79 columns"

	v=$("$p" --version)
	is "$?:$v" "0:$("$p" -V)" "$p --version is -V"
	like "$v" "^$p bwmon [0-9]+\.[0-9]+\.[0-9]+\$" "$p --version: name and version"

	# A usage error: exit 2, the synopsis alone, on stderr.
	"$p" --no-such-option >"$T/out" 2>"$T/err"
	is "$?:$(cat "$T/out")" "2:" "$p --no-such-option: exit 2, no stdout"
	sed -n '/^usage: /,$p' "$T/err" >"$T/syn"
	is "$(cat "$T/syn")" "$usage" "... and the synopsis on stderr, alone"
done

# The README: the install and test commands come before any section.
if [ -f README.md ]; then
	top=$(awk 'NR > 1 && !fence && /^#/ { exit }
	    /^```/ { fence = !fence } { print }' README.md)
	like "$top" 'sudo \./setup\.sh' \
	    "README: sudo ./setup.sh before the first section heading"
	like "$top" 't/run\.sh' \
	    "README: t/run.sh before the first section heading"
else
	ok 1 "README.md exists"
fi

done_testing
