#!/bin/sh
# The libFuzzer harnesses of t/fuzz/ (make fuzz), each run briefly from
# its seed corpus in t/fuzz/corpus/NAME/, reproducers of past bugs
# included: a crash, a sanitizer report, a leak, a slow input or a failed
# check of the harness's own fails.  Longer runs: bench/fuzz.sh.
. "${0%/*}/lib.sh"

F=$SRCDIR/t/fuzz
RUNS=2000

for c in "$F"/*.c; do
	n=${c##*/}
	n=${n%.c}
	[ -x "$F/$n.fuzz" ] || skip_all "t/fuzz/$n.fuzz is not built" \
	    "(make fuzz: it needs clang and libclang-rt-14-dev)"
done
for c in "$F"/*.c; do
	n=${c##*/}
	n=${n%.c}
	# libFuzzer runs the empty input anyway, and counts no empty seed.
	seeds=$(find "$F/corpus/$n" -type f -size +0 2>/dev/null | wc -l |
	    tr -d ' ')
	ok "$([ "$seeds" -gt 0 ]; echo $?)" "$n: has a seed corpus ($seeds)"
	# New inputs go to the first directory: $T, not the tree.
	mkdir "$T/$n"
	"$F/$n.fuzz" -runs=$RUNS -seed=1 -timeout=10 \
	    -artifact_prefix="$T/$n-" "$T/$n" "$F/corpus/$n" \
	    >"$T/$n.log" 2>&1
	st=$?
	is "$st" 0 "$n: $RUNS runs, nothing found"
	if [ "$st" != 0 ]; then
		grep -E 'ERROR|runtime error|SUMMARY|Base64|abort|deadly' \
		    "$T/$n.log" | head -8 | sed 's/^/#   /'
	fi
	like "$(sed -n 's/^INFO: seed corpus: files: \([0-9]*\) .*/\1/p' \
	    "$T/$n.log")" "^$seeds\$" "$n: read its $seeds seeds"
	like "$(grep '^Done ' "$T/$n.log")" "^Done $RUNS runs" "$n: ran them"
done

done_testing
