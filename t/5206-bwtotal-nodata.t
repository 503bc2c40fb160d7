#!/bin/sh
# bwtotal: a period without history rows is "no data" (- in the table,
# null in --json and /api/totals), never "0 B".  A day of rows from
# bwcollect over a fake /proc, 1000 bytes/s RX and 100 TX, with a missed
# hour: the 28 days before it say no data, the two days with rows count
# every byte, gap row included.
. "${0%/*}/lib.sh"

D=$T/data
P=$T/proc
C=${WEB_CGIDIR:-$SRCDIR/cgi}
mkdir -p "$D"
T0=1795341600			# 2026-11-22 10:00 UTC
NOW=$((T0 + 86400))		# 2026-11-23 10:00 UTC
t=$T0
while [ $t -le $NOW ]; do
	# The hour from 20:05 to 21:05 is missed: one gap row of 65 min.
	if [ $t -le $((T0 + 36000)) ] || [ $t -ge $((T0 + 39900)) ]; then
		mkproc "$P" "eth0 $(((t - T0) * 1000)) $(((t - T0) * 100))"
		BWMON_PROC=$P BWMON_NOW=$t bwcollect -d "$D" eth0 \
		    2>>"$T/colerr" || echo "bwcollect failed at $t" >>"$T/colerr"
	fi
	t=$((t + 300))
done
is "$(cat "$T/colerr")" "" "a day of bwcollect runs"
is "$(wc -l <"$D/bw_eth0.csv" | tr -d ' ')" 276 \
    "288 rows less the 12 of the missed hour"
is "$(awk -F, '$6 > 3600' "$D/bw_eth0.csv" | wc -l | tr -d ' ')" 1 \
    "the missed hour is one gap row"

export BWMON_NOW=$NOW

bwtotal -d "$D" -i eth0 >"$T/out" 2>"$T/err"
ok $? "the table of 30 days"
is "$(cat "$T/err")" "" "nothing on stderr"
grep -q ' 0 B ' "$T/out"
ok $(( $? == 0 )) "no period prints 0 B"
is "$(grep -c '^2026-1[01]-[0-9]* *- *- *- *0$' "$T/out")" 28 \
    "the 28 days before the first row print - and 0 samples"
like "$(grep '^2026-11-22 ' "$T/out")" '^2026-11-22 +50\.4 MB +5\.04 MB +55\.4 MB +156$' \
    "the first day counts its 14 hours, the missed one included"
like "$(grep '^2026-11-23\* ' "$T/out")" '^2026-11-23\* +36\.0 MB +3\.60 MB +39\.6 MB +120$' \
    "today counts its 10 hours so far"
like "$(grep '^total ' "$T/out")" '^total +86\.4 MB +8\.64 MB +95\.0 MB +276$' \
    "the total is the two days"
grep -q '^- no data: no history rows in the period (the history starts 2026-11-22 10:00)$' \
    "$T/out"
ok $? "a footnote says what - means and when the history starts"

for pn in week:10 month:11; do
	p=${pn%:*}
	bwtotal --$p -d "$D" -i eth0 >"$T/$p" 2>&1
	ok $? "--$p table"
	is "$(grep -c '^20[-0-9W]* *- *- *- *0$' "$T/$p")" ${pn#*:} \
	    "--$p: the padded ${p}s print -"
	grep -q ' 0 B ' "$T/$p"
	ok $(( $? == 0 )) "--$p: no period prints 0 B"
done

bwtotal --json -d "$D" -i eth0 >"$T/j" 2>"$T/err"
ok $? "--json"
jpath "$T/j" 'scalar grep { !defined $_->{rx_bytes} &&
    !defined $_->{tx_bytes} && !defined $_->{total_bytes} &&
    $_->{samples} == 0 } @{$j->{periods}}' \
    'join " ", map { "$_->{label}:$_->{rx_bytes}:$_->{tx_bytes}:" .
    "$_->{total_bytes}:$_->{samples}" } grep { $_->{samples} }
    @{$j->{periods}}' \
    'join ":", @{$j->{total}}{qw(rx_bytes tx_bytes total_bytes samples)}' \
    >"$T/facts"
is "$(sed -n 1p "$T/facts")" 28 "JSON: the days without rows have null bytes"
is "$(sed -n 2p "$T/facts")" \
    "2026-11-22:50400000:5040000:55440000:156 2026-11-23:36000000:3600000:39600000:120" \
    "JSON: the two days' exact bytes"
is "$(sed -n 3p "$T/facts")" "86400000:8640000:95040000:276" \
    "JSON: the total"

# Nothing at all in the periods asked for: the total is no data too.
BWMON_NOW=$((NOW + 86400 * 40)) bwtotal --json -n 3 -d "$D" -i eth0 \
    >"$T/j2"
jpath "$T/j2" 'join ":", map { defined $_ ? $_ : "null" }
    @{$j->{total}}{qw(rx_bytes total_bytes samples)}' >"$T/facts"
is "$(cat "$T/facts")" "null:null:0" "JSON: a total without rows is null"
BWMON_NOW=$((NOW + 86400 * 40)) bwtotal -n 3 -d "$D" -i eth0 >"$T/out"
like "$(grep '^total ' "$T/out")" '^total +- +- +- +0$' \
    "table: a total without rows prints -"

# The dashboard's totals come from the same document.
if [ -x "$C/totals.cgi" ]; then
	: >"$T/bwmon.conf"
	BWMON_DATA_DIR=$D BWMON_CONF=$T/bwmon.conf REQUEST_METHOD=GET \
	    QUERY_STRING=iface=eth0 "$C/totals.cgi" >"$T/cgi" 2>"$T/err"
	ok $? "totals.cgi"
	sed '1,/^\r*$/d' "$T/cgi" >"$T/body"
	jpath "$T/body" 'join " ", map { scalar grep { !defined
	    $_->{total_bytes} } @{$j->{$_}{periods}} } qw(day week month)' \
	    >"$T/facts"
	is "$(cat "$T/facts")" "28 10 11" \
	    "/api/totals: periods without rows are null in day, week, month"
else
	ok 1 "totals.cgi is not built"
fi
done_testing
