#!/usr/bin/php-cgi
<?php
// bench/v1-history.php: a model of bwmon v1's PHP history endpoint, for
// bench/web.sh to time side by side with /api/history.  It is not v1's
// code, which we do not have: it is written from v1's file formats
// (t/data/bwmon-v1.README.md) and does what such an endpoint has to do
// the straightforward PHP way: read the whole bw_<iface>.csv line by
// line, keep the rows in range, put them in at most 3000 buckets with
// average and peak, and compute the range's average, peak, 95th
// percentile (by sorting) and total bytes, then json_encode() it all.
// Run by php-cgi behind fcgiwrap, as v1 ran.

$dir = getenv('BWMON_DATA_DIR');
if ($dir === false || $dir === '')
	$dir = '/var/lib/bwmon';
$iface = isset($_GET['iface']) ? $_GET['iface'] : 'eth0';
$range = isset($_GET['range']) ? $_GET['range'] : '24h';
$ranges = array('1h' => 3600, '24h' => 86400, '7d' => 604800,
    '30d' => 2592000, '6m' => 15552000, 'all' => 0);
header('Content-Type: application/json');
header('Cache-Control: max-age=60');
if (!preg_match('/^[A-Za-z0-9._-]{1,15}$/', $iface) ||
    !isset($ranges[$range])) {
	http_response_code(400);
	echo json_encode(array('error' => 'bad request')), "\n";
	exit;
}
$now = getenv('BWMON_NOW') !== false ? (int)getenv('BWMON_NOW') : time();
$path = "$dir/bw_$iface.csv";
$fh = @fopen($path, 'r');
if ($fh === false) {
	http_response_code(404);
	echo json_encode(array('error' => 'no history')), "\n";
	exit;
}
$rows = array();
$prev = null;
while (($line = fgets($fh)) !== false) {
	$f = explode(',', trim($line));
	if (count($f) < 3 || !ctype_digit($f[0]))
		continue;
	$ts = (int)$f[0];
	if ($prev !== null && $ts <= $prev)
		continue;
	$iv = $prev === null ? 300 : $ts - $prev;
	$prev = $ts;
	$rows[] = array($ts, (float)$f[1], (float)$f[2], $iv);
}
fclose($fh);
$from = $ranges[$range] > 0 ? $now - $ranges[$range] :
    (count($rows) ? $rows[0][0] - 300 : $now);
$to = $now;
$step = 300;
foreach (array(300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
    86400) as $s) {
	$step = $s;
	if (ceil(($to - $from) / $s) <= 3000)
		break;
}
$buckets = array();
$rx = array();
$tx = array();
$rxbytes = 0;
$txbytes = 0;
$secs = 0;
foreach ($rows as $r) {
	list($ts, $rxbps, $txbps, $iv) = $r;
	if ($ts <= $from || $ts > $to)
		continue;
	$k = intdiv($ts - $from, $step);
	if (!isset($buckets[$k]))
		$buckets[$k] = array('ts' => $from + $k * $step, 'rx' => 0,
		    'tx' => 0, 'rx_peak' => 0, 'tx_peak' => 0, 'n' => 0);
	$b = &$buckets[$k];
	$b['rx'] += $rxbps;
	$b['tx'] += $txbps;
	$b['rx_peak'] = max($b['rx_peak'], $rxbps);
	$b['tx_peak'] = max($b['tx_peak'], $txbps);
	$b['n']++;
	unset($b);
	if ($iv > 3600)
		continue;
	$rx[] = $rxbps;
	$tx[] = $txbps;
	$rxbytes += $rxbps * $iv / 8;
	$txbytes += $txbps * $iv / 8;
	$secs += $iv;
}
$out = array();
foreach ($buckets as $b)
	$out[] = array('ts' => $b['ts'], 'rx_avg_bps' => $b['rx'] / $b['n'],
	    'rx_peak_bps' => $b['rx_peak'], 'tx_avg_bps' => $b['tx'] / $b['n'],
	    'tx_peak_bps' => $b['tx_peak'], 'samples' => $b['n']);
function p95($v)
{
	if (count($v) == 0)
		return null;
	sort($v);
	return $v[max(0, (int)ceil(0.95 * count($v)) - 1)];
}
echo json_encode(array(
    'iface' => $iface, 'range' => $range, 'from' => $from, 'to' => $to,
    'bucket_seconds' => $step, 'buckets' => $out,
    'stats' => array(
	'rx' => array('avg_bps' => $secs ? $rxbytes * 8 / $secs : null,
	    'peak_bps' => count($rx) ? max($rx) : null, 'p95_bps' => p95($rx),
	    'bytes' => round($rxbytes)),
	'tx' => array('avg_bps' => $secs ? $txbytes * 8 / $secs : null,
	    'peak_bps' => count($tx) ? max($tx) : null, 'p95_bps' => p95($tx),
	    'bytes' => round($txbytes)),
	'samples' => count($rx)))), "\n";
