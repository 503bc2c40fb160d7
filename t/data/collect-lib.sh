# Helpers for the bwcollect tests (t/10xx), sourced after t/lib.sh.
#
# moved FILE PATH   "RX TX" of FILE's JSON at $j->PATH: {total}, the
#                   totals of bwtotal --json, or {stats}, bwhistory's
# counted DIR NOW WANT  four test points: bwtotal --month and bwhistory
#                   -r all over DIR at NOW run, and count WANT ("RX TX"):
#                   every byte the counters moved, once; their JSON is
#                   left in $T/month.json and $T/hist.json

moved() {
	case $2 in
	total)	jpath "$1" 'sprintf "%d %d", $j->{total}{rx_bytes},
		    $j->{total}{tx_bytes}' ;;
	stats)	jpath "$1" 'sprintf "%d %d", $j->{stats}{rx}{bytes},
		    $j->{stats}{tx}{bytes}' ;;
	esac
}

counted() {
	BWMON_NOW=$2 bwtotal -d "$1" -i eth0 --month -n 12 --json \
	    >"$T/month.json"
	ok $? "bwtotal --month --json"
	is "$(moved "$T/month.json" total)" "$3" \
	    "  bwtotal counts exactly the bytes the counters moved"
	BWMON_NOW=$2 bwhistory -d "$1" -i eth0 -r all --json >"$T/hist.json"
	ok $? "bwhistory -r all --json"
	is "$(moved "$T/hist.json" stats)" "$3" "  bwhistory counts them too"
}
