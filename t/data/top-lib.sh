# Helpers for the bwtop tests (t/60xx-bwtop-*.t), sourced after t/lib.sh.
#
# procs DIR TS ROW...    write DIR/procs_$IFACE.json (atomically: tmp + mv)
#                        ROW = "name pid uid tx_bps rx_bps tx_bytes rx_bytes";
#                        pid 0 makes an unattributed row.  $CONNS is the
#                        connections array, $COVERAGE and $DROPS the header's.
# live DIR TS RX TX [N]  write DIR/live_$IFACE.json: N (60) one-second
#                        samples ending at TS, all RX and TX bit/s
# top_data NOW IFLINE...  $NOW, the data directory $D with a live file at
#                        NOW (8000 and 4000 bit/s), and the fake proc
#                        directory $T/proc with mkproc's IFLINEs
# start CMD...           run CMD in a fresh tmux server and session, 80x24
#                        ($COLS x $ROWS); when CMD ends the pane shows "rc=N"
#                        and "modes: icanon echo" (or -icanon -echo if the
#                        terminal was not restored)
# waitfor REGEX [TENTHS] poll the pane (default 10 s) until a line matches;
#                        the last capture is in $T/pane, printed as
#                        diagnostics on failure
# gone REGEX            poll until no line of the pane matches
# key KEY...             tmux send-keys to the session
# settled WANT TENTHS CMD...  run CMD every 0.1 s (TENTHS times at most)
#                        until it prints WANT (a frame may be caught half
#                        drawn), then print what it prints
# launch CMD REGEX DESC   one test point: start CMD, then waitfor REGEX
# press KEYS REGEX DESC [TENTHS]  one test point: key KEYS (words), then
#                        waitfor REGEX [TENTHS]
# ended                  after the program ended: "rc=N modes: ..." from the pane
# pane                   the pane's text now
# scrollback             the same with the lines that scrolled off

IFACE=${IFACE:-eth0}
TM=bwtop-test-$$-0
# The tmux sockets go with $T.
export TMUX_TMPDIR="$T"
# Whatever /etc/bwmon/bwmon.conf this machine has does not count.
: >"$T/bwmon.conf"
export BWMON_CONF="$T/bwmon.conf"

tm() {
	tmux -L "$TM" "$@"
}

need_tmux() {
	command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
}

trap 'tmux -L "$TM" kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT

procs() {
	_dir=$1 _ts=$2
	shift 2
	_f=$_dir/procs_$IFACE.json
	{
		printf '{"version": 2, "iface": "%s", "ts": %s, ' "$IFACE" "$_ts"
		printf '"interval_seconds": 2.0, "started": %s, ' "$_ts"
		printf '"rx_bps": 64000.0, "tx_bps": 32000.0, '
		printf '"rx_bytes": 1000000, "tx_bytes": 2000000, '
		printf '"coverage": %s, ' "${COVERAGE:-0.95}"
		printf '"capture": {"packets": 1000, "drops": %s, ' "${DROPS:-0}"
		printf '"drops_interval": 0}, "processes": ['
		_sep=
		for _r in "$@"; do
			# shellcheck disable=SC2086
			set -- $_r
			if [ "$2" = 0 ]; then
				_k=unattributed _u=null _un=
			else
				_k=process _u=$3
				_un=$(id -nu "$3" 2>/dev/null || echo "u$3")
			fi
			printf '%s{"kind": "%s", "name": "%s", "pid": %s, ' \
			    "$_sep" "$_k" "$1" "$2"
			printf '"uid": %s, "user": "%s", "exe": "/usr/bin/%s", ' \
			    "$_u" "$_un" "$1"
			printf '"cmdline": "%s --serve /srv/%s", "container": "", ' \
			    "$1" "$1"
			printf '"tx_bps": %s, "rx_bps": %s, "tx_bytes": %s, ' \
			    "$4" "$5" "$6"
			printf '"rx_bytes": %s, "connections": 1, ' "$7"
			printf '"last_seen": %s}' "$_ts"
			_sep=', '
		done
		printf '], "connections": %s}\n' "${CONNS:-[]}"
	} >"$_f.tmp" && mv "$_f.tmp" "$_f"
}

live() {
	_f=$1/live_$IFACE.json
	{
		printf '{"iface": "%s", "ts": %s, "interval_seconds": 1, ' \
		    "$IFACE" "$2"
		printf '"samples": ['
		_i=$((${5:-60} - 1))
		while [ $_i -ge 0 ]; do
			printf '[%s, %s, %s]' "$(($2 - _i))" "$3" "$4"
			[ $_i -gt 0 ] && printf ', '
			_i=$((_i - 1))
		done
		printf ']}\n'
	} >"$_f.tmp" && mv "$_f.tmp" "$_f"
}

top_data() {
	NOW=$1
	shift
	D=$T/d
	mkdir -p "$D"
	mkproc "$T/proc" "$@"
	live "$D" "$NOW" 8000 4000
}

start() {
	# The shell waits through Ctrl-C; the program gets it.
	cat >"$T/run.sh" <<EOF
#!/bin/sh
trap : INT
$*
echo "rc=\$?"
echo "modes: \$(stty -a | tr ' ;' '\\n\\n' |
    grep -Ex -- '-?(icanon|echo)' | tr '\\n' ' ')"
exec sleep 1000
EOF
	chmod +x "$T/run.sh"
	# A server per run: a new session on a server that is still shutting
	# down would fail.
	tm kill-server >/dev/null 2>&1
	TM=bwtop-test-$$-$((${TM##*-} + 1))
	tm -f /dev/null new-session -d -s t -x "${COLS:-80}" -y "${ROWS:-24}" \
	    "$T/run.sh"
}

pane() {
	tm capture-pane -p -t t 2>/dev/null
}

# The pane with what scrolled off its top.
scrollback() {
	tm capture-pane -p -S - -t t 2>/dev/null
}

waitfor() {
	_i=0
	while [ $_i -lt "${2:-100}" ]; do
		pane >"$T/pane"
		grep -Eq -- "$1" "$T/pane" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "# pane, waiting for /$1/:"
	sed 's/^/#   /' "$T/pane"
	return 1
}

gone() {
	_i=0
	while [ $_i -lt 100 ]; do
		pane >"$T/pane"
		grep -Eq -- "$1" "$T/pane" || return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "# pane, waiting for /$1/ to go:"
	sed 's/^/#   /' "$T/pane"
	return 1
}

ended() {
	waitfor '^modes:' >/dev/null
	printf '%s %s\n' "$(grep -Eo 'rc=[0-9]+' "$T/pane" | tail -1)" \
	    "$(grep '^modes:' "$T/pane")"
}

key() {
	tm send-keys -t t "$@"
}

press() {
	_re=$2 _desc=$3 _tenths=${4:-100}
	# The words, not file names: a key may be "?".
	set -f
	# shellcheck disable=SC2086
	set -- $1
	set +f
	key "$@"
	waitfor "$_re" "$_tenths"
	ok $? "$_desc"
}

launch() {
	start "$1"
	waitfor "$2"
	ok $? "$3"
}

settled() {
	_want=$1 _n=$2
	shift 2
	_i=0
	while [ "$("$@")" != "$_want" ] && [ $_i -lt "$_n" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	"$@"
}
