# What the tests and the benchmarks both need: sourced by t/lib.sh and
# by bench/lib.sh.  It defines functions only (no trap, no variable), so
# that each side keeps its own clean-up and its own skip_all: the tests'
# skips, the benchmarks' die.
#
# need_cmds COMMAND...   skip_all unless each is installed
# now                    the time, to the millisecond
# wait_for SECONDS COMMAND...  run COMMAND every 0.1 s until it succeeds;
#                        1 when it never did
# reap PID...            SIGTERM each, then wait for each

need_cmds() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip_all "$_c is not installed"
	done
}

now() {
	perl -MTime::HiRes=time -e 'printf "%.3f\n", time'
}

wait_for() {
	_limit=$(($1 * 10))
	shift
	_i=0
	while [ "$_i" -lt "$_limit" ]; do
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

reap() {
	for _p in "$@"; do
		kill "$_p" 2>/dev/null
	done
	for _p in "$@"; do
		wait "$_p" 2>/dev/null
	done
}
