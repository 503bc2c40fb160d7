# A small host history and live hosts file for the tests of their
# readers (t/5005, t/5205, t/6006, t/7008, t/7103), written by hand in
# the documented format (bwmon-files(5), "host files"), sourced after
# t/lib.sh.
#
# hosts_fixture DIR   writes into DIR, for br-lan and a "now" of
#                     HOSTS_NOW (2026-09-21 14:13:20 UTC, a Monday):
#   2026-09-18         one daily row set (hostlog1d_br-lan.jsonl)
#   2026-09-20 10-12h  two hourly row sets (hostlog1h_br-lan.jsonl),
#                      where the phone's lease renamed it "phone-2"
#   2026-09-21 13:00   two 5-minute row sets (hostlog_br-lan.jsonl),
#                      the laptop's twice at 13:00 (a restart), and a
#                      torn line bwprocs left
#   a live file (hosts_br-lan.json) written at HOSTS_NOW - 1, and a few
#   history rows (bw_br-lan.csv) so that br-lan is the default
#   interface.  A device without a name shows its address; one name
#   holds an escape sequence.
#
# hosts_live DIR TS [N]  rewrites the live file at TS; with N, N more
#                        devices "dev-K" (K = 1..N), each K bytes.

HOSTS_NOW=1790000000
HOSTS_LAPTOP=02:00:00:00:00:0a
HOSTS_DAY18=6150003000	# laptop 5100000000, phone 1050000000,
			# 10.1.0.99 3000
HOSTS_DAY20=2001020	# laptop 2001000, evil 20
HOSTS_DAY21=40004600	# tv 40001000, laptop 3600

hosts_fixture() {
	_d=$1
	mkdir -p "$_d"
	cat >"$_d/hostlog1d_br-lan.jsonl" <<'ROWS'
{"ts":1789689600,"len":86400,"id":"02:00:00:00:00:0a","name":"laptop","addrs":["10.1.0.10","fd00::10"],"rx":5000000000,"tx":100000000}
{"ts":1789689600,"len":86400,"id":"02:00:00:00:00:0b","name":"phone","addrs":["10.1.0.11"],"rx":1000000000,"tx":50000000}
{"ts":1789689600,"len":86400,"id":"10.1.0.99","addrs":["10.1.0.99"],"rx":1000,"tx":2000}
ROWS
	cat >"$_d/hostlog1h_br-lan.jsonl" <<'ROWS'
{"ts":1789898400,"len":3600,"id":"02:00:00:00:00:0a","name":"laptop","addrs":["10.1.0.10"],"rx":2000000,"tx":1000}
{"ts":1789898400,"len":3600,"id":"02:00:00:00:00:0e","name":"evil\u001b[2Jx","rx":10,"tx":10}
{"ts":1789902000,"len":3600,"id":"02:00:00:00:00:0b","name":"phone-2","addrs":["10.1.0.11"],"rx":0,"tx":0}
ROWS
	cat >"$_d/hostlog_br-lan.jsonl" <<'ROWS'
{"ts":1789995600,"len":300,"id":"02:00:00:00:00:0a","name":"laptop","addrs":["10.1.0.10"],"rx":300,"tx":3000}
{"ts":1789995600,"len":300,"id":"02:00:00:00:00:0a","name":"laptop","addrs":["10.1.0.10"],"rx":100,"tx":200}
{"ts":1789995900,"len":300,"id":"02:00:00:00:00:0c","name":"tv","addrs":["10.1.0.12"],"rx":40000000,"tx":1000}
{"ts":1789996200,"len":300,"id":"02:00:
ROWS
	printf '%s' '{"ts":1789996200,"len":300,"id":"02:00:00:00:00:0c","rx":1' \
	    >>"$_d/hostlog_br-lan.jsonl"
	hosts_live "$_d" $((HOSTS_NOW - 1))
	printf '%s\n' 1789999400,8000,800,300000,30000,300 \
	    1789999700,8000,800,300000,30000,300 \
	    1790000000,8000,800,300000,30000,300 >"$_d/bw_br-lan.csv"
}

hosts_live() {
	_d=$1
	{
		printf '{"ts":%s.5,"iface":"br-lan","pid":1234,"interval":1,' "$2"
		printf '"source":"nftables","offload":null,'
		printf '"rx":5040002000,"tx":100004000,"hosts":['
		printf '{"id":"02:00:00:00:00:0a","mac":"02:00:00:00:00:0a",'
		printf '"name":"laptop","from":"lease","addrs":["10.1.0.10",'
		printf '"fd00::10"],"rx":5000000000,"tx":100000000,'
		printf '"rx_bps":8000000.0,"tx_bps":400000.0,"seen":%s},' "$2"
		printf '{"id":"02:00:00:00:00:0c","mac":"02:00:00:00:00:0c",'
		printf '"name":"tv","from":"lease","addrs":["10.1.0.12"],'
		printf '"rx":40000000,"tx":1000,"rx_bps":16000.0,"tx_bps":80.0,'
		printf '"seen":%s},' "$2"
		printf '{"id":"10.1.0.99","from":"","addrs":["10.1.0.99"],'
		printf '"rx":2000,"tx":3000,"rx_bps":0.0,"tx_bps":0.0,'
		printf '"seen":%s}' $(($2 - 600))
		_k=1
		while [ "$_k" -le "${3:-0}" ]; do
			printf ',{"id":"10.2.%d.%d","name":"dev-%d","addrs":' \
			    $((_k / 250)) $((_k % 250)) "$_k"
			printf '["10.2.%d.%d"],"rx":%d,"tx":%d,"rx_bps":0.0,' \
			    $((_k / 250)) $((_k % 250)) "$_k" "$_k"
			printf '"tx_bps":0.0,"seen":%s}' "$2"
			_k=$((_k + 1))
		done
		printf ']}\n'
	} >"$_d/.hosts_br-lan.json.tmp" &&
	    mv "$_d/.hosts_br-lan.json.tmp" "$_d/hosts_br-lan.json"
}
