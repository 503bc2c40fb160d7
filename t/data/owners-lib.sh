# A small owner history for the tests of its readers (t/5004, t/5204,
# t/6005, t/7102), written by hand in the documented format
# (bwmon-files(5)), sourced after t/lib.sh.
#
# owners_fixture DIR   writes into DIR, for eth0 and a "now" of
#                      OWNERS_NOW (2026-09-21 14:13:20 UTC, a Monday):
#   2026-09-18         one daily row set (owners1d_eth0.jsonl)
#   2026-09-20 10-12h  two hourly row sets (owners1h_eth0.jsonl)
#   2026-09-21 13:00   two 5-minute row sets (owners_eth0.jsonl)
#   and the command lines (cmdlines_eth0.jsonl) and a few history rows
#   (bw_eth0.csv), so that eth0 is the default interface.  Names with a
#   quote, a comma and an escape sequence are among them.  The bytes of
#   each day are OWNERS_DAY18 ... below; nightly-backup moves most.

OWNERS_NOW=1790000000
OWNERS_DAY18=44101030000	# nightly 40001000000, firefox 3100000000,
				# [forwarded] 1000000000, [other owners] 30000
OWNERS_DAY20=20707002020	# nightly 20000002000, firefox 707000000,
				# evil 10, sshd 10
OWNERS_DAY21=3050003604		# nightly 3000000300, curl 50001000,
				# we"ird,name 300, [forwarded] 2000,
				# [other owners] 4

owners_fixture() {
	_d=$1
	mkdir -p "$_d"
	cat >"$_d/owners1d_eth0.jsonl" <<'ROWS'
{"ts":1789689600,"len":86400,"prog":"nightly-backup","user":"root","unit":"backup.service","rx":1000000,"tx":40000000000,"pid":4242,"cmd":"00000000000000aa","r":[["203.0.113.5:873",1000000,40000000000]]}
{"ts":1789689600,"len":86400,"prog":"firefox","user":"alice","rx":3000000000,"tx":100000000,"pid":777,"cmd":"00000000000000bb","r":[["198.51.100.7:443",3000000000,100000000]]}
{"ts":1789689600,"len":86400,"prog":"[forwarded]","rx":500000000,"tx":500000000}
{"ts":1789689600,"len":86400,"prog":"[other owners]","rx":10000,"tx":20000}
ROWS
	cat >"$_d/owners1h_eth0.jsonl" <<'ROWS'
{"ts":1789898400,"len":3600,"prog":"nightly-backup","user":"root","unit":"backup.service","rx":2000,"tx":20000000000,"pid":4243,"cmd":"00000000000000aa","r":[["203.0.113.5:873",2000,20000000000]]}
{"ts":1789898400,"len":3600,"prog":"evil\u001b[2Jx","user":"bob","rx":5,"tx":5,"pid":666}
{"ts":1789902000,"len":3600,"prog":"firefox","user":"alice","rx":700000000,"tx":7000000,"pid":778,"cmd":"00000000000000bb","r":[["198.51.100.7:443",700000000,7000000]]}
{"ts":1789902000,"len":3600,"prog":"sshd","user":"root","unit":"ssh.service","rx":4,"tx":6,"pid":22}
ROWS
	cat >"$_d/owners_eth0.jsonl" <<'ROWS'
{"ts":1789995600,"len":300,"prog":"nightly-backup","user":"root","unit":"backup.service","rx":300,"tx":3000000000,"pid":4244,"cmd":"00000000000000aa","r":[["203.0.113.5:873",300,3000000000]]}
{"ts":1789995600,"len":300,"prog":"we\"ird,name","user":"alice","rx":100,"tx":200,"pid":9}
{"ts":1789995600,"len":300,"prog":"[forwarded]","rx":1000,"tx":1000}
{"ts":1789995900,"len":300,"prog":"curl","user":"bob","container":"app-1","rx":50000000,"tx":1000,"pid":31337,"cmd":"00000000000000cc","r":[["192.0.2.80:80",50000000,1000]]}
{"ts":1789995900,"len":300,"prog":"[other owners]","rx":2,"tx":2}
ROWS
	cat >"$_d/cmdlines_eth0.jsonl" <<'ROWS'
{"ts":1789689600,"id":"00000000000000aa","cmd":"/usr/local/bin/nightly-backup --to nas"}
{"ts":1789689600,"id":"00000000000000bb","cmd":"/usr/lib/firefox/firefox"}
{"ts":1789995900,"id":"00000000000000cc","cmd":"curl -O http://example.invalid/big.iso"}
ROWS
	printf '%s\n' 1789999400,8000,800,300000,30000,300 \
	    1789999700,8000,800,300000,30000,300 \
	    1790000000,8000,800,300000,30000,300 >"$_d/bw_eth0.csv"
}
