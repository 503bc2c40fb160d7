#!/bin/sh
# bench/fuzz.sh: run each libFuzzer harness of t/fuzz/ (make fuzz) for a
# while, one after the other, from a copy of its seed corpus, and print
# per harness the executions, executions a second, the coverage reached,
# the inputs it found new and what it crashed on.  It asserts nothing;
# t/9002-fuzz.t is the short run in the suite.  See bench/README.md.
#
# usage: bench/fuzz.sh [name ...]        (default: every harness)
# Environment: FUZZ_SECONDS (each, default 60), BENCH_TMPDIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
F=$top/t/fuzz
secs=${FUZZ_SECONDS:-60}
out=$here/out/fuzz

case $secs in
''|*[!0-9]*)
	echo "fuzz.sh: FUZZ_SECONDS must be a number of seconds: $secs" >&2
	exit 2 ;;
esac
if [ $# -eq 0 ]; then
	for c in "$F"/*.c; do
		n=${c##*/}
		set -- "$@" "${n%.c}"
	done
fi
for n in "$@"; do
	if [ ! -x "$F/$n.fuzz" ]; then
		echo "fuzz.sh: t/fuzz/$n.fuzz is not built: make fuzz" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/bwmon-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Reproducers outlive the run: bench/out/ is not in git.
mkdir -p "$out"

# stat LOG NAME: a figure of libFuzzer's -print_final_stats
stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

echo "bwmon fuzzing: ${secs} s per harness, one at a time; load" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
rows=
for n in "$@"; do
	echo "fuzzing $n ..." >&2
	mkdir "$tmp/$n"
	cp "$F/corpus/$n"/* "$tmp/$n/" 2>/dev/null || :
	seeds=$(find "$tmp/$n" -type f | wc -l | tr -d ' ')
	st=0
	"$F/$n.fuzz" -max_total_time="$secs" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$out/$n-" "$tmp/$n" \
	    >"$tmp/$n.log" 2>&1 || st=$?
	found=$(find "$out" -name "$n-*" -newer "$tmp/$n.log" 2>/dev/null |
	    head -n 1)
	# The last status line: "#N DONE cov: C ft: F corp: ...".
	cov=$(grep -E '^#[0-9]+' "$tmp/$n.log" | tail -n 1 |
	    sed -n 's/.* cov: \([0-9]*\).* ft: \([0-9]*\).*/\1 \2/p')
	crash=0
	if [ "$st" != 0 ]; then
		crash=1
		echo "$n: exit $st; $(grep -m 1 -E 'ERROR|runtime error' \
		    "$tmp/$n.log")" >&2
		[ -z "$found" ] || echo "$n: reproducer $found" >&2
	fi
	rows="$rows$(printf '%-8s %10s %9s %6s %6s %6s %8s %s' "$n" \
	    "$(stat "$tmp/$n.log" number_of_executed_units)" \
	    "$(stat "$tmp/$n.log" average_exec_per_sec)" \
	    "${cov% *}" "${cov#* }" "$seeds" \
	    "$(stat "$tmp/$n.log" new_units_added)" \
	    "$crash${found:+ ($(basename "$found"))}")
"
done

{
	echo "bwmon fuzzing: $(nproc) cpus, ${secs} s per harness," \
	    "clang $(clang -dumpversion 2>/dev/null || echo '?')"
	echo
	printf '%-8s %10s %9s %6s %6s %6s %8s %s\n' harness execs execs/s \
	    cov ft seeds new crashes
	printf '%s' "$rows"
} | tee "$here/out/fuzz.txt"
