#!/bin/sh
# Write a synthetic 5-minute history to stdout, for bench/history.sh.
#
# usage: gen-history.sh now rows [6|3]
#
# rows lines, 300 s apart, the last one at epoch now.  With 6 (default)
# the columns are bwmon's: ts,rx_bps,tx_bps,rx_bytes,tx_bytes,interval_s;
# with 3 they are bwmon v1's: ts,rx_bps,tx_bps.  Both carry the same
# traffic.  The traffic has a daily curve (quiet at night, busy in the
# evening), quieter weekends, noise and a rare burst, so the figures
# reflect real-looking numbers rather than a constant.  The random
# numbers come from a Park-Miller generator with a fixed seed, so every
# awk gives the same file for the same arguments.
set -eu

case $# in
2|3) ;;
*)	echo "usage: gen-history.sh now rows [6|3]" >&2; exit 2 ;;
esac
cols=${3:-6}
case $cols in
3|6) ;;
*)	echo "gen-history.sh: columns must be 6 or 3: $cols" >&2; exit 2 ;;
esac

exec awk -v now="$1" -v rows="$2" -v cols="$cols" '
function rnd() {
	seed = (seed * 16807) % 2147483647
	return seed / 2147483647
}
BEGIN {
	seed = 20261123
	pi = 3.141592653589793
	for (k = rows - 1; k >= 0; k--) {
		ts = now - k * 300
		tod = ts % 86400
		dow = int(ts / 86400 + 4) % 7		# 0 = Sunday
		# Mean about 2 Mbit/s in, busiest around 20:00 UTC.
		rate = 2e6 * (1 + 0.8 * sin(2 * pi * (tod - 50400) / 86400))
		if (dow == 0 || dow == 6)
			rate *= 0.6
		rate *= 0.5 + rnd()
		if (rnd() < 0.01)
			rate *= 10
		txrate = rate * (0.15 + 0.2 * rnd())
		interval = 300 + (int(rnd() * 11) - 5) / 1000
		rxb = int(rate * interval / 8)
		txb = int(txrate * interval / 8)
		rxbps = int(rxb * 8 / interval + 0.5)
		txbps = int(txb * 8 / interval + 0.5)
		if (cols == 3)
			printf "%d,%d,%d\n", ts, rxbps, txbps
		else
			printf "%d,%d,%d,%d,%d,%.3f\n", ts, rxbps, txbps,
			    rxb, txb, interval
	}
}'
