#!/bin/sh
# The documentation: every man page passes mandoc's lint and has the
# sections its section number needs; each program's -h usage and its
# page name the same options; the README starts with the install and
# test commands.
. "${0%/*}/lib.sh"

command -v mandoc >/dev/null 2>&1 || skip_all "mandoc is not installed"
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
