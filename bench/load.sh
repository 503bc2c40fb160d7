#!/bin/sh
# bench/load.sh: load every endpoint with wrk through the real nginx and
# fcgiwrap the web tests use (t/web.sh), over the web-v2 fixture with 6
# months of history, then 100 concurrent dashboard clients (the page's
# own mix of requests).  Prints requests/s and errors per endpoint; it
# asserts nothing.  See bench/README.md.
#
# usage: bench/load.sh
# Environment: BENCH_TMPDIR, BENCH_LOAD_SECONDS (per endpoint, default
# 10), BENCH_LOAD_CONNS (per endpoint, default 8), BENCH_CLIENTS (100),
# WEB_FCGI_CHILDREN (fcgiwrap processes, default 2), WEB_WORKERS (nginx
# workers, default 2).
set -eu

. "$(dirname "$0")/lib.sh"
SECS=${BENCH_LOAD_SECONDS:-10}
CONNS=${BENCH_LOAD_CONNS:-8}
CLIENTS=${BENCH_CLIENTS:-100}
export WEB_FCGI_CHILDREN=${WEB_FCGI_CHILDREN:-2} WEB_WORKERS=${WEB_WORKERS:-2}

need_cmds wrk
bench_tmp load
# shellcheck source=../t/web.sh
. "$SRCDIR/t/web.sh"
web_need

# --- data: the web fixture, with 6 months of history for eth0
mkdir -p "$T/data"
cp "$SRCDIR/t/data/web-v2/"* "$T/data/"
sh "$here/gen-history.sh" $NOW $ROWS 6 >"$T/data/bw_eth0.csv"
mkdir -p "$T/proc/net"
printf 'Inter-|\n face |\n  eth0: 1000 10 0 0 0 0 0 0 2000 10 0 0 0 0 0 0\n' \
    >"$T/proc/net/dev"
SPIKE=$(sed -n 's/^{"ts": *\([0-9.]*\),.*/\1/p' "$T/data/spikes_eth0.jsonl" |
    head -n 1)

export BWMON_NOW=$NOW BWMON_PROC=$T/proc
echo "starting nginx ($WEB_WORKERS workers) and fcgiwrap" \
    "($WEB_FCGI_CHILDREN) ..." >&2
web_start "$T/data" || exit 1
trap 'web_stop; rm -rf "$T"' EXIT

# The endpoints, as the page asks for them.
I=iface=eth0
cat >"$T/endpoints" <<EOF
page /
app.js /app.js
ifaces /api/ifaces
live /api/live?$I
procs /api/procs?$I
history-24h /api/history?$I&range=24h
history-6m /api/history?$I&range=6m
heatmap-6m /api/heatmap?$I&range=6m
totals /api/totals?$I
spikes /api/spikes?$I&range=30d
spike /api/spike?$I&ts=$SPIKE
alerts /api/alerts?$I&range=30d
top /api/top?$I&range=24h&n=5&buckets=150
metrics /metrics
bad-iface /api/live?iface=%zz
EOF

# count_lua: the Lua for wrk that counts the statuses (non-2xx are
# errors, "bad" a thread, each init sets it to 0) and prints "BAD N".
count_lua() {
	cat <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
	if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
	local b = 0
	for _, t in ipairs(threads) do b = b + t:get("bad") end
	io.write(string.format("BAD %d\n", b))
end
EOF
}
{
	count_lua
	echo 'function init(args) bad = 0 end'
} >"$T/count.lua"

# run NAME URL CONNS SCRIPT: one wrk run; a table row, with the status
# of one request first (the fixture has no owner history: /api/top is
# 404 by design; bad-iface is 400 by design).
run() {
	_st=$(curl -s -o /dev/null -w '%{http_code}' "$WEB_URL$2")
	wrk -t2 -c"$3" -d"${SECS}s" --latency -s "$4" "$WEB_URL$2" \
	    >"$T/wrk.$1" 2>&1 || true
	awk -v name="$1" -v c="$3" -v st="$_st" '
		/Requests\/sec:/ { rps = $2 }
		/ requests in / { n = $1 }
		/Socket errors:/ { se = $4 + $6 + $8 + $10; gsub(",", "", se) }
		/^BAD / { bad = $2 }
		/^ +50%/ { p50 = $2 }
		/^ +99%/ { p99 = $2 }
		END { printf "%-14s %4s %5d %10.1f %9s %9s %9d %8d %7d\n",
		    name, st, c, rps, p50, p99, n, bad, se }' "$T/wrk.$1"
}

echo "wrk -t2 -c$CONNS -d${SECS}s on each endpoint ..." >&2
{
	printf '%-14s %4s %5s %10s %9s %9s %9s %8s %7s\n' endpoint HTTP conns \
	    req/s p50 p99 requests non-2xx sockerr
	while read -r name path; do
		echo "  $name" >&2
		run "$name" "$path" "$CONNS" "$T/count.lua"
	done <"$T/endpoints"
} >"$T/table"

# --- 100 dashboard clients: each loads the page once, then polls as the
# page does (live every second, procs every 2 s, the rest rarely), so
# the mix per connection follows the page's schedule over a minute.
count_lua >"$T/dash.lua"
cat >>"$T/dash.lua" <<EOF
local cycle = {
	"/", "/app.js", "/style.css", "/api/ifaces",
	"/api/history?$I&range=24h", "/api/totals?$I",
	"/api/spikes?$I&range=24h", "/api/top?$I&range=24h&n=5&buckets=150",
	"/api/heatmap?$I&range=30d", "/api/alerts?$I&range=30d",
}
for i = 1, 60 do
	table.insert(cycle, "/api/live?$I")
	if i % 2 == 0 then table.insert(cycle, "/api/procs?$I") end
end
function init(args) bad = 0; i = 0 end
function request()
	i = i % #cycle + 1
	return wrk.format("GET", cycle[i])
end
EOF
echo "wrk -t2 -c$CLIENTS -d$((SECS * 3))s: $CLIENTS dashboard clients ..." >&2
SECS=$((SECS * 3)) run dashboard / "$CLIENTS" "$T/dash.lua" >>"$T/table"

echo "# bwmon web load, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs;" \
    "nginx $WEB_WORKERS workers, fcgiwrap $WEB_FCGI_CHILDREN children;" \
    "$ROWS rows of history"
cat "$T/table"
if ! web_log_clean; then
	echo "# the error log holds sanitizer reports: $WEB/error.log" >&2
fi
mkdir -p "$here/out"
cp "$T/table" "$here/out/load.txt"
