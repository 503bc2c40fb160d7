/*
 * Unit tests for lib/: names, numbers, config, net/dev, history.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fmt.h"
#include "history.h"
#include "netdev.h"
#include "tap.h"
#include "util.h"

static int	nwarn;
static char	lastwarn[512];

static void
warn_cb(const struct bw_error *e)
{
	nwarn++;
	(void)snprintf(lastwarn, sizeof(lastwarn), "%s:%d: %s", e->file,
	    e->line, e->text);
}

static void
test_ifname(void)
{
	const char	*good[] = { "eth0", "br-lan", "eth0.100", "wg_0",
	    "enp3s0f1", "a", "123456789012345" };
	const char	*bad[] = { "", ".", "..", "../x", "a/b", "a b",
	    "1234567890123456", "eth0:1", "a\nb", "é" };
	size_t		 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(bw_ifname_valid(good[i]), "valid interface name %s",
		    good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!bw_ifname_valid(bad[i]), "invalid interface name #%zu",
		    i);
}

static void
test_numbers(void)
{
	long long	v;
	uint64_t	u;
	double		d;

	ok(bw_parse_ll("42", 0, 100, &v) == 0 && v == 42, "parse 42");
	ok(bw_parse_ll("101", 0, 100, &v) == -1, "out of range");
	ok(bw_parse_ll("4x", 0, 100, &v) == -1, "trailing junk");
	ok(bw_parse_ll("", 0, 100, &v) == -1, "empty");
	ok(bw_parse_ll(" 4", 0, 100, &v) == -1, "leading space");
	ok(bw_parse_u64("18446744073709551615", &u) == 0 &&
	    u == UINT64_MAX, "u64 max");
	ok(bw_parse_u64("18446744073709551616", &u) == -1, "u64 overflow");
	ok(bw_parse_u64("-1", &u) == -1, "u64 negative");
	ok(bw_parse_double("nan", 0, 10, &d) == -1, "nan rejected");
	ok(bw_parse_double("2.5", 0, 10, &d) == 0 && d == 2.5, "2.5");
}

static void
test_conf(void)
{
	struct bw_conf	c;

	bw_conf_init(&c);
	ok(c.retention_days == 180 && c.month_start_day == 1,
	    "config defaults");
	nwarn = 0;
	(void)bw_conf_parse(&c, "x.conf",
	    "# comment\n"
	    "retention_days = 90   # trailing comment\n"
	    "\n"
	    "ifaces = eth0, br-lan wg_0\n"
	    "bogus = 1\n"
	    "month_start_day = 31\n"
	    "no equals sign\n"
	    "ifaces = ../etc\n", warn_cb);
	ok(c.retention_days == 90, "retention_days parsed");
	ok(c.nifaces == 3 && strcmp(c.ifaces[1], "br-lan") == 0,
	    "ifaces list parsed");
	ok(c.month_start_day == 1, "bad month_start_day keeps default");
	ok(nwarn == 4, "four warnings (got %d)", nwarn);
	ok(strcmp(lastwarn, "x.conf:8: bad value for ifaces: \"../etc\", "
	    "default kept") == 0, "warning names file:line (%s)", lastwarn);
}

static void
test_netdev(void)
{
	struct bw_netdev	*d = NULL;
	int			 n = 0, bad = 0;
	const char		*text =
	    "Inter-|   Receive                            |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed "
	    "multicast|bytes\n"
	    "    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0\n"
	    "  eth0: 18446744073709551615 5 0 0 0 0 0 0 77 3 0 0 0 0 0 0\n"
	    "br-lan:1 1 0 0 0 0 0 0 2 2 0 0 0 0 0 0\n"
	    "garbage line\n"
	    "  eth1: 1 2 3\n"
	    "  wg0: 5 5 0 0 0 0 0 0 6 6 0 0 0 0 0 0";	/* torn */

	ok(bw_netdev_parse(text, &d, &n, &bad) == 0, "net/dev parses");
	ok(n == 3, "three interfaces (got %d)", n);
	ok(bad == 3, "three bad lines (got %d)", bad);
	ok(n == 3 && d[1].rx_bytes == UINT64_MAX && d[1].tx_bytes == 77,
	    "64-bit counters");
	ok(bw_netdev_find(d, n, "br-lan") != NULL, "name without space");
	free(d);
}

static void
test_history(void)
{
	struct bw_hist	h;
	struct bw_stats	st;
	const char	*csv =
	    "1000,800,1600\n"			/* v1, first: 300 s */
	    "1300,8000,0\n"			/* v1: 300 s */
	    "\n"
	    "garbage,row\n"
	    "1200,1,1\n"			/* out of order */
	    "1600,80,80,100,200,300\n"		/* ours */
	    "9000,10,10,5000,6000,7400\n"	/* ours, a gap */
	    "9300,1,2,3";			/* torn */
	int64_t		r;

	ok(bw_hist_parse(csv, strlen(csv), &h) == 0, "history parses");
	ok(h.n == 4 && h.blank == 1 && h.bad == 3,
	    "4 rows, 1 blank, 3 bad (got %zu %zu %zu)", h.n, h.blank, h.bad);
	ok(h.rows[0].rx_bytes == 30000 && h.rows[0].tx_bytes == 60000,
	    "v1 first row integrates 300 s");
	ok(h.rows[1].rx_bytes == 300000, "v1 row integrates its interval");
	ok(h.rows[3].gap && h.rows[3].rx_bytes == 5000, "gap row keeps bytes");
	ok(bw_hist_stats(&h, 0, 10000, &st) == 0, "stats");
	ok(st.samples == 4 && st.gaps == 1, "samples and gaps");
	ok(st.rx.bytes == 30000 + 300000 + 100 + 5000, "rx bytes total");
	ok(st.rx.peak_bps == 8000, "peak ignores the gap row");
	ok(fabs(st.rx.avg_bps - (330100.0 * 8 / 900)) < 1e-6, "avg rate");
	bw_hist_free(&h);
	ok(bw_range_parse("6m", &r) == 0 && r == 180 * 86400, "range 6m");
	ok(bw_range_parse("2w", &r) == -1, "range 2w rejected");
	ok(bw_bucket_step(86400, 3000) == 300, "24h in 5-min buckets");
	ok(bw_bucket_step(180 * 86400, 3000) == 7200, "6m in 2-h buckets");
	ok(bw_bucket_step(180 * 86400, 60) == 3 * 86400, "6m in 60 cols");
}

static void
test_fmt(void)
{
	char	b[BW_FMTLEN];

	ok(strcmp(bw_fmt_bps(b, sizeof(b), 0), "0 bps") == 0, "0 bps");
	ok(strcmp(bw_fmt_bps(b, sizeof(b), 1250000), "1.25 Mbps") == 0,
	    "1.25 Mbps (%s)", b);
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 217486043775.0), "217 GB") == 0,
	    "217 GB (%s)", b);
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 999), "999 B") == 0, "999 B");
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 999999), "1.00 MB") == 0,
	    "rounds up a prefix (%s)", b);
}

int
main(void)
{
	test_ifname();
	test_numbers();
	test_conf();
	test_netdev();
	test_history();
	test_fmt();
	return done_testing();
}
