/*
 * Unit tests for lib/: names, numbers, config, net/dev, history.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "datadir.h"
#include "eventlog.h"
#include "fileio.h"
#include "fmt.h"
#include "history.h"
#include "histsame.h"
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
test_rates(void)
{
	static const struct {
		const char	*in;
		double		 want;	/* -1: rejected */
	} cases[] = {
		{ "40000000", 40e6 }, { "4e7", 40e6 }, { "40M", 40e6 },
		{ "40 M", 40e6 }, { "40Mbps", 40e6 }, { "40 Mbps", 40e6 },
		{ "40 Mbit/s", 40e6 }, { "1.5k", 1500 }, { "1.5K", 1500 },
		{ "2G", 2e9 }, { "10T", 1e13 }, { "100 bps", 100 },
		{ "0", 0 }, { "", -1 }, { "M", -1 }, { " 40M", -1 },
		{ "40m", -1 }, { "40MB", -1 }, { "40  M", -1 },
		{ "40 ", -1 }, { "40Mbpsx", -1 }, { "11T", -1 },
		{ "-1k", -1 }, { "nanM", -1 }, { "inf", -1 }, { "40Mi", -1 },
	};
	size_t	i;
	double	d;
	int	rv;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = -2;
		rv = bw_parse_rate(cases[i].in, 0, 1e13, &d);
		if (cases[i].want < 0)
			ok(rv == -1 && d == -2, "rate \"%s\" rejected",
			    cases[i].in);
		else
			ok(rv == 0 && d == cases[i].want, "rate \"%s\" is %g "
			    "(got %g)", cases[i].in, cases[i].want, d);
	}
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
	ok(c.nifaces == 3 && strcmp(c.ifaces, "eth0 br-lan wg_0") == 0,
	    "ifaces list parsed");
	ok(c.month_start_day == 1, "bad month_start_day keeps default");
	ok(nwarn == 4, "four warnings (got %d)", nwarn);
	ok(strcmp(lastwarn, "x.conf:8: bad value for ifaces: \"../etc\" "
	    "(must be interface names), default kept") == 0,
	    "warning names file:line (%s)", lastwarn);
	nwarn = 0;
	(void)bw_conf_parse(&c, "y.conf",
	    "alert_command = notify --channel '#ops' --to a#b # a comment\n"
	    "#alert_command = x\n", warn_cb);
	ok(strcmp(c.alert_command, "notify --channel '#ops' --to a#b") == 0,
	    "a # inside a word is kept, as in sh (%s)", c.alert_command);
	ok(nwarn == 0, "and warns of nothing (got %d)", nwarn);
}

/* A rejected value's warning says what the key accepts. */
static void
test_conf_ranges(void)
{
	static const struct {
		const char	*line, *want;
	} cases[] = {
		{ "month_start_day = 31", "bad value for month_start_day: "
		    "\"31\" (must be 1-28), default kept" },
		{ "alert_bps = 40", "bad value for alert_bps: \"40\" (must be "
		    "1k-10T bit/s), default kept" },
		{ "spike_floor_bps = 20T", "bad value for spike_floor_bps: "
		    "\"20T\" (must be 0-10T bit/s), default kept" },
		{ "spike_ratio = 1", "bad value for spike_ratio: \"1\" (must "
		    "be 1.5-1000), default kept" },
		{ "counter_bits = 16", "bad value for counter_bits: \"16\" "
		    "(must be auto, 32 or 64), default kept" },
		{ "iface = a/b", "bad value for iface: \"a/b\" (must be 1-15 "
		    "letters, digits, '.', '_', '-'), default kept" },
		{ "owners_interval = 5", "bad value for owners_interval: "
		    "\"5\" (must be 0 (off) or 10-86400), default kept" },
		{ "owners_top = 0", "bad value for owners_top: \"0\" (must "
		    "be 1-1000), default kept" },
		{ "events_max_mb = 65", "bad value for events_max_mb: \"65\" "
		    "(must be 1-64), default kept" },
		{ "user = -x", "bad value for user: \"-x\" (must be a user "
		    "name: letters, digits, '.', '_', '-'), default kept" },
		{ "alert_user = a/b", "bad value for alert_user: \"a/b\" "
		    "(must be a user name: letters, digits, '.', '_', '-'), "
		    "default kept" },
	};
	struct bw_conf	c;
	char		want[512];
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bw_conf_init(&c);
		nwarn = 0;
		lastwarn[0] = '\0';
		(void)bw_conf_parse(&c, "r.conf", cases[i].line, warn_cb);
		(void)snprintf(want, sizeof(want), "r.conf:1: %s",
		    cases[i].want);
		ok(nwarn == 1 && strcmp(lastwarn, want) == 0, "%s: says the "
		    "range (%s)", cases[i].line, lastwarn);
	}
	bw_conf_init(&c);
	nwarn = 0;
	(void)bw_conf_parse(&c, "r.conf", "alert_bps = 40M\n"
	    "spike_floor_bps = 2.5 Mbit/s\nmax_bps = 1G\n", warn_cb);
	ok(nwarn == 0 && c.alert_bps == 40e6 && c.spike_floor_bps == 2.5e6 &&
	    c.max_bps == 1e9, "rates take SI prefixes (%d warnings)", nwarn);
	bw_conf_init(&c);
	ok(c.owners_interval == 300 && c.owners_top == 20 &&
	    c.metrics_programs == 50, "owner history defaults: 300 s, top "
	    "20, 50 programs");
	nwarn = 0;
	(void)bw_conf_parse(&c, "r.conf", "owners_interval = 0\n", warn_cb);
	ok(nwarn == 0 && c.owners_interval == 0, "owners_interval = 0 turns "
	    "the owner history off");
	(void)bw_conf_parse(&c, "r.conf", "owners_interval = 10\n", warn_cb);
	ok(nwarn == 0 && c.owners_interval == 10, "owners_interval = 10 is "
	    "the shortest");
}

/* The users bwprocs and alert_command run as. */
static void
test_conf_users(void)
{
	struct bw_conf	c;

	bw_conf_init(&c);
	ok(c.user[0] == '\0' && strcmp(c.alert_user, "nobody") == 0,
	    "no user (bwprocs: bwmon where it may) and alert_user nobody by "
	    "default");
	nwarn = 0;
	(void)bw_conf_parse(&c, "u.conf", "user = bw_mon-2.x\n"
	    "alert_user = alerts\nuser = 0123456789012345678901234567890123"
	    "\n", warn_cb);
	ok(nwarn == 1 && strcmp(c.user, "bw_mon-2.x") == 0 &&
	    strcmp(c.alert_user, "alerts") == 0, "user names parsed; one "
	    "too long is refused (%d warnings)", nwarn);
}

/*
 * events_max_mb and the readers: one limit.  A log as large as the
 * largest events_max_mb lets it grow (the cap, and the record that
 * crossed it) is read whole.
 */
static void
test_events_limit(void)
{
	struct bw_conf	 c;
	char		 dir[] = "/tmp/bwmon-ev.XXXXXX", path[256], line[1024];
	char		*buf = NULL, num[32];
	size_t		 len = 0, want, i;
	int		 fd, dfd, rv;

	bw_conf_init(&c);
	ok(c.events_max_mb == BW_EVENTS_MAX_MB, "events_max_mb's default is "
	    "the readers' limit");
	(void)bw_conf_parse(&c, "e.conf", "events_max_mb = 4096\n", NULL);
	ok(c.events_max_mb == BW_EVENTS_MAX_MB, "4096 is refused");
	(void)snprintf(num, sizeof(num), "events_max_mb = %d\n",
	    BW_EVENTS_MAX_MB);
	nwarn = 0;
	(void)bw_conf_parse(&c, "e.conf", num, warn_cb);
	ok(nwarn == 0, "the readers' limit is the largest value");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	/* 1000-byte records up to the cap, then one more. */
	memset(line, ' ', sizeof(line));
	(void)snprintf(line, sizeof(line), "{\"ts\":1700000000,"
	    "\"event\":\"SPIKE\",\"pad\":\"");
	line[strlen(line)] = 'x';
	(void)memcpy(line + 996, "\"}\n", 3);
	want = ((size_t)c.events_max_mb << 20) / 999 * 999 + 999;
	if ((size_t)c.events_max_mb << 20 >= want)
		want += 999;
	(void)bw_kind_path(path, sizeof(path), dir, BW_SPIKES, "ev0");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1) {
		ok(0, "%s", path);
		return;
	}
	for (i = 0; i < want / 999; i++)
		if (bw_write_all(fd, line, 999) == -1)
			break;
	(void)close(fd);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	rv = bw_events_read(dfd, BW_SPIKES, "ev0", &buf, &len);
	ok(rv == 0 && len == want, "a log of events_max_mb MB and one record "
	    "more (%zu bytes) is read whole (%s)", want, rv == 0 ? "yes" :
	    strerror(errno));
	free(buf);
	(void)close(dfd);
	(void)unlink(path);
	(void)rmdir(dir);
}

/* Write text to a new file under dir; its path goes to buf. */
static void
put_file(char *buf, size_t size, const char *dir, const char *name,
    const char *text)
{
	FILE	*fp;

	(void)snprintf(buf, size, "%s/%s", dir, name);
	if ((fp = fopen(buf, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF)
		ok(0, "write %s", buf);
}

/* Which file is read: -c, else BWMON_CONF, else the default. */
static void
test_conf_rule(void)
{
	struct bw_conf	 c;
	char		 dir[] = "/tmp/bwmon-conf.XXXXXX", f[256], g[256];
	char		 missing[256], link[256];
	const char	*p;
	int		 named, rv;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	put_file(f, sizeof(f), dir, "a.conf", "retention_days = 7\n");
	put_file(g, sizeof(g), dir, "b.conf", "retention_days = 9\n");
	(void)snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	(void)snprintf(link, sizeof(link), "%s/link.conf", dir);
	if (symlink(f, link) == -1)
		ok(0, "symlink");

	(void)unsetenv("BWMON_CONF");
	p = bw_conf_path(NULL, &named);
	ok(p != NULL && strcmp(p, BW_DEFAULT_CONF) == 0 && !named,
	    "unset: the default file, not named");
	p = bw_conf_path(f, &named);
	ok(p == f && named, "-c: that file, named");
	(void)setenv("BWMON_CONF", g, 1);
	p = bw_conf_path(NULL, &named);
	ok(p != NULL && strcmp(p, g) == 0 && named, "BWMON_CONF: named");
	p = bw_conf_path(f, &named);
	ok(p == f && named, "-c wins over BWMON_CONF");
	rv = bw_conf_read(&c, NULL, warn_cb, &p);
	ok(rv == 0 && c.retention_days == 9, "BWMON_CONF is read");
	(void)setenv("BWMON_CONF", "", 1);
	p = bw_conf_path(NULL, &named);
	ok(p == NULL && named, "BWMON_CONF=\"\": no file");
	rv = bw_conf_read(&c, NULL, warn_cb, &p);
	ok(rv == 0 && p == NULL && c.retention_days == 180,
	    "BWMON_CONF=\"\": the defaults");
	p = bw_conf_path("", &named);
	ok(p == NULL && named, "-c \"\": no file either");
	(void)unsetenv("BWMON_CONF");

	bw_conf_init(&c);
	ok(bw_conf_load(&c, missing, 0, warn_cb) == 0 &&
	    c.retention_days == 180, "an absent default file: the defaults");
	errno = 0;
	ok(bw_conf_load(&c, missing, 1, warn_cb) == -1 && errno == ENOENT,
	    "an absent named file: ENOENT");
	rv = bw_conf_read(&c, missing, warn_cb, &p);
	ok(rv == -1 && p == missing, "bw_conf_read -c missing: -1, named");
	errno = 0;
	ok(bw_conf_load(&c, dir, 0, warn_cb) == -1 && errno == EISDIR,
	    "a directory: EISDIR, even at the default path");
	nwarn = 0;
	ok(bw_conf_load(&c, "/dev/null", 1, warn_cb) == 0 && nwarn == 0 &&
	    c.retention_days == 180, "/dev/null: an empty configuration");
	ok(bw_conf_load(&c, link, 1, warn_cb) == 0 && c.retention_days == 7,
	    "a symbolic link is followed");

	(void)unlink(link);
	(void)unlink(f);
	(void)unlink(g);
	(void)rmdir(dir);
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
	csv = "1790000000,1,2,3,4,1790000000.5\n"
	    "1790000300,1,2,3,4,100000000000000000000000000000\n"
	    "1790000600,1,2,3,4,1790000600\n";
	ok(bw_hist_parse(csv, strlen(csv), &h) == 0 && h.n == 1 &&
	    h.bad == 2 && bw_row_mid(&h.rows[0]) == 1790000600 / 2,
	    "an interval that starts before 1970 makes no row (%zu, %zu)",
	    h.n, h.bad);
	bw_hist_free(&h);
	ok(bw_range_parse("6m", &r) == 0 && r == 180 * 86400, "range 6m");
	ok(bw_range_parse("2w", &r) == -1, "range 2w rejected");
	ok(bw_bucket_step(86400, 3000) == 300, "24h in 5-min buckets");
	ok(bw_bucket_step(180 * 86400, 3000) == 7200, "6m in 2-h buckets");
	ok(bw_bucket_step(180 * 86400, 60) == 3 * 86400, "6m in 60 cols");
}

/*
 * The history reader as it was before it parsed digits 8 at a time: the
 * reference the faster one must agree with, value for value.
 */
static int
ref_num(const char *s, const char *e, double *out)
{
	double		v = 0, scale = 1;
	const char	*p = s;
	int		digits = 0;

	for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
		v = v * 10 + (*p - '0');
	if (p < e && *p == '.') {
		for (p++; p < e && *p >= '0' && *p <= '9'; p++, digits++) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
	}
	if (p != e || digits == 0 || digits > 30)
		return -1;
	*out = v;
	return 0;
}

static int
ref_row(const char *s, const char *e, struct bw_row *r)
{
	const char	*f[7];
	double		 v[6];
	int		 n = 0, i;
	const char	*p;

	f[n++] = s;
	for (p = s; p < e; p++)
		if (*p == ',') {
			if (n == 6)
				return -1;
			f[n++] = p + 1;
		}
	if (n != 3 && n != 6)
		return -1;
	f[n] = e + 1;
	for (i = 0; i < n; i++)
		if (ref_num(f[i], f[i + 1] - 1, &v[i]) == -1)
			return -1;
	if (v[0] < 1 || v[0] > 1e11)
		return -1;
	memset(r, 0, sizeof(*r));
	r->ts = (int64_t)v[0];
	r->rx_bps = v[1];
	r->tx_bps = v[2];
	if (n == 6) {
		if (v[5] <= 0 || v[5] > v[0])
			return -1;
		r->rx_bytes = v[3];
		r->tx_bytes = v[4];
		r->interval = v[5];
	} else
		r->v1 = 1;
	return 0;
}

/* Rows into rows[] (room for len / 2 + 1), counts into *blank, *bad. */
static size_t
ref_parse(const char *text, size_t len, struct bw_row *rows, size_t *blank,
    size_t *bad)
{
	const char	*p = text, *end = text + len, *nl;
	struct bw_row	 r;
	size_t		 n = 0;
	int64_t		 prev = 0;

	*blank = *bad = 0;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			(*bad)++;
			break;
		}
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			(*blank)++;
			continue;
		}
		if (ref_row(p, nl[-1] == '\r' ? nl - 1 : nl, &r) == -1 ||
		    (n > 0 && r.ts <= prev)) {
			(*bad)++;
			continue;
		}
		if (r.v1) {
			r.interval = n == 0 ? BW_V1_FIRST_INTERVAL :
			    (double)(r.ts - prev);
			if (r.interval <= BW_GAP_SECONDS) {
				r.rx_bytes = r.rx_bps * r.interval / 8;
				r.tx_bytes = r.tx_bps * r.interval / 8;
			}
		}
		r.gap = r.interval > BW_GAP_SECONDS;
		rows[n++] = r;
		prev = r.ts;
	}
	return n;
}

/* bw_hist_parse() reads text as the reference does; 1 when it does. */
static int
parse_same(const char *text, size_t len)
{
	struct bw_hist	 h;
	struct bw_row	*ref;
	size_t		 n, blank, bad, i;
	int		 same;

	if ((ref = calloc(len / 2 + 1, sizeof(*ref))) == NULL)
		return 0;
	n = ref_parse(text, len, ref, &blank, &bad);
	if (bw_hist_parse(text, len, &h) == -1) {
		free(ref);
		return 0;
	}
	same = h.n == n && h.blank == blank && h.bad == bad;
	for (i = 0; same && i < n; i++)
		same = same_row(&h.rows[i], &ref[i]);
	bw_hist_free(&h);
	free(ref);
	return same;
}

static int
same_dir(const struct bw_dirstats *a, const struct bw_dirstats *b)
{
	return a->bytes == b->bytes && a->avg_bps == b->avg_bps &&
	    a->peak_bps == b->peak_bps && a->p95_bps == b->p95_bps;
}

/*
 * bw_hist_series_text() gives what bw_hist_parse() and bw_hist_series()
 * give for [from, to) in buckets of step seconds (an empty range: no
 * buckets, as bwhistory makes it); 1 when it does, to the last bit.
 */
static int
series_same(const char *text, size_t len, int64_t from, int64_t to,
    int64_t step)
{
	struct bw_hist		 h;
	struct bw_series	 a, b;
	struct bw_histsum	 sum;
	const struct bw_bucket	*x, *y;
	size_t			 i;
	int			 same;

	if (bw_hist_parse(text, len, &h) == -1)
		return 0;
	memset(&a, 0, sizeof(a));
	if (to > from && bw_hist_series(&h, from, to, step, &a) == -1) {
		bw_hist_free(&h);
		return 0;
	}
	if (bw_hist_series_text(text, len, from, to, step, &b, &sum) == -1) {
		bw_series_free(&a);
		bw_hist_free(&h);
		return 0;
	}
	same = sum.n == h.n && sum.blank == h.blank && sum.bad == h.bad &&
	    (h.n == 0 || (sum.first == h.rows[0].ts &&
	    sum.last == h.rows[h.n - 1].ts)) &&
	    a.nb == b.nb && (to <= from || (a.from == b.from &&
	    a.to == b.to && a.step == b.step)) &&
	    same_dir(&a.stats.rx, &b.stats.rx) &&
	    same_dir(&a.stats.tx, &b.stats.tx) &&
	    a.stats.samples == b.stats.samples &&
	    a.stats.gaps == b.stats.gaps && a.stats.first == b.stats.first &&
	    a.stats.last == b.stats.last;
	for (i = 0; same && i < a.nb; i++) {
		x = &a.b[i];
		y = &b.b[i];
		same = x->start == y->start && x->rx_bytes == y->rx_bytes &&
		    x->tx_bytes == y->tx_bytes && x->rx_peak == y->rx_peak &&
		    x->tx_peak == y->tx_peak &&
		    x->rate_bytes_rx == y->rate_bytes_rx &&
		    x->rate_bytes_tx == y->rate_bytes_tx &&
		    x->seconds == y->seconds && x->samples == y->samples;
	}
	bw_series_free(&a);
	bw_series_free(&b);
	bw_hist_free(&h);
	return same;
}

/* Every range bwhistory and the web ask for, ending at now. */
static int
ranges_same(const char *text, size_t len, int64_t now)
{
	static const int64_t	spans[] = { 3600, 86400, 7 * 86400,
	    30 * 86400, 180 * 86400 };
	struct bw_hist		h;
	size_t			i;
	int64_t			from, to;
	int			same = 1;

	for (i = 0; same && i < sizeof(spans) / sizeof(spans[0]); i++)
		same = series_same(text, len, now - spans[i], now,
		    bw_bucket_step(spans[i], 2999)) &&
		    series_same(text, len, now - spans[i], now,
		    bw_bucket_step(spans[i], 59));
	/* "all": from the first row's middle to just after the last. */
	if (same && bw_hist_parse(text, len, &h) == 0) {
		if (h.n > 0) {
			from = (int64_t)floor(bw_row_mid(&h.rows[0]));
			to = h.rows[h.n - 1].ts + 1;
		} else
			from = to = now;
		bw_hist_free(&h);
		same = series_same(text, len, from, to,
		    bw_bucket_step(to - from, 2999));
	}
	return same;
}

static unsigned long long	rng = 88172645463325252ULL;

static unsigned long long
rnd(unsigned long long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/*
 * A generated history of about n lines ending near now: ours and v1
 * rows, fractions, gaps, blank and garbage lines, CRLF, out-of-order
 * rows, absurd numbers and, at times, a torn last line.
 */
static char *
gen_history(size_t n, int64_t now, size_t *len)
{
	static const char *const junk[] = { "garbage,row", "1,2", ",1,2",
	    "1,2,3,", "1,2,3,4,5,6,7", "1.2.3,4,5", "1,2,3x", "+1,2,3",
	    " 1,2,3", "0,1,1", "1e5,1,1", "1790000000,1,1,1,1,0",
	    "1790000000,1,1,1,1,-3", ".", "1,2,3\r\r", "\r1,2,3", "x",
	    "9999999999,1234567890123456789012345678901,1",
	    "1,1234567890.12345678901234567890,1" };
	char	*buf, *p;
	size_t	 cap = n * 120 + 256, i;
	int64_t	 ts = now - (int64_t)n * 300;
	unsigned long long rate;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	p = buf;
	for (i = 0; i < n; i++) {
		ts += rnd(50) == 0 ? 300 * (int64_t)(2 + rnd(40)) :
		    300 + (int64_t)rnd(3) - 1;
		rate = (unsigned long long)rnd(4000000);
		if (rnd(200) == 0)
			rate *= 100000;
		switch (rnd(40)) {
		case 0:
			p += sprintf(p, "\n");
			break;
		case 1:
			p += sprintf(p, "%s\n", junk[rnd(sizeof(junk) /
			    sizeof(junk[0]))]);
			break;
		case 2:	/* out of order */
			p += sprintf(p, "%lld,1,1\n", (long long)(ts -
			    (int64_t)rnd(5000)));
			break;
		case 3:	/* absurd: 20 to 30 digits */
			p += sprintf(p, "%lld,%llu%llu,7.5,1,2,300\n",
			    (long long)ts, rate, rate);
			break;
		case 4:
			p += sprintf(p, "%lld.%llu,%llu.%llu,%llu,0%llu,%llu,"
			    "%llu.%03llu\r\n", (long long)ts, rate % 10, rate,
			    rate % 1000, rate / 4, rate * 37, rate * 9,
			    250 + rate % 9000, rate % 1000);
			break;
		default:
			if (i < n / 3 || rnd(10) == 0)	/* v1 */
				p += sprintf(p, "%lld,%llu,%llu\n",
				    (long long)ts, rate, rate / 5);
			else
				p += sprintf(p, "%lld,%llu,%llu,%llu,%llu,"
				    "%llu.%03llu\n", (long long)ts, rate,
				    rate / 5, rate * 300 / 8, rate * 60 / 8,
				    rnd(30) == 0 ? 5000 + rnd(90000) :
				    299 + rnd(3), rnd(1000));
			break;
		}
	}
	if (rnd(2) == 0)
		p += sprintf(p, "%lld,1,2,3", (long long)ts + 300);
	*len = (size_t)(p - buf);
	return buf;
}

/* Every line of a text through line_same(); 1 when all agree. */
static int
lines_same(const char *text, size_t len)
{
	const char	*p = text, *e = text + len, *nl;

	for (; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (line_same(p, (size_t)(nl - p)) != 1)
			return 0;
	}
	return 1;
}

/*
 * check() on generated histories of more and more rows, up to the first
 * it fails on; *n gets how many were tried.  1 when it passed them all.
 */
static int
gen_same(int (*check)(const char *, size_t), size_t *n)
{
	char	*text;
	size_t	 i, len;
	int	 same = 1;

	for (i = 0; i < 40 && same; i++) {
		len = 0;
		if ((text = gen_history(i * i * 7 + 1, 1790000000, &len)) ==
		    NULL)
			break;
		same = check(text, len);
		free(text);
	}
	*n = i;
	return same;
}

/*
 * The vector row parser against the scalar one, the reference it must
 * agree with value for value, on the lines either may take or refuse:
 * every line of the fixtures and of generated histories, and the edges
 * of the vector one's reach.
 */
static void
test_row_parsers(void)
{
	static const char *const fixtures[] = { "bwmon-v1", "hist-events",
	    "hist-gap", "hist-small", "web-v2" };
	static const char *const lines[] = {
	    "1790000000,1,2",
	    "1790000000,1,2,3,4,300",
	    "1790000000,123456789012345,1",		/* 15 digits */
	    "1790000000,1234567890123456,1",		/* 16 */
	    "1790000000,999999999999999,1,2,3,300.5",
	    "1790000000,9007199254740993,1",		/* 2^53 + 1 */
	    "1790000000,1.123456,2.5,3,4,300.000001",	/* 6 decimals */
	    "1790000000,1.1234567,2,3,4,300",		/* 7 */
	    "1790000000,1.,2,3,4,300",
	    "1790000000,.5,2,3,4,300",
	    "1790000000,1,2,3,4,0",
	    "1790000000,1,2,3,4,0.000",
	    "1790000000,1,2,3,4,1790000000",		/* back to 1970 */
	    "1790000000,1,2,3,4,1790000000.001",	/* before it */
	    "1790000000,1,2,3,4,100000000000000000000000000000",
	    "1790000000,1,2,3,4,300\r",
	    "1790000000,1,2,3,4,300\r\r",
	    "1790000000,1,2,3,4,300,",
	    "1790000000,1,2,3,4,300,7",
	    "1790000000,1,2,3,4",
	    "1790000000,,2",
	    "1790000000,1,2 ",
	    "1790000000.9,1,2",
	    "100000000000,1,2",			/* 1e11 */
	    "100000000001,1,2",
	    "0,1,2",
	    "1,0,0",
	    "\r",
	    "",
	    /* The '\n' the last of the 64 bytes it scans, and past them. */
	    "1790000000,12345678901234,12345678901234,1234567890123.25,9,300",
	    "1790000000,12345678901234,12345678901234,1234567890123.25,9,3000",
	    "123456789012345678901234567890,1,2",
	};
	const char	*dir;
	char		 path[4096], *text;
	size_t		 len, i;
	int		 same;

	dir = getenv("SRCDIR");
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/t/data/%s/bw_eth0.csv",
		    dir != NULL ? dir : ".", fixtures[i]);
		if (bw_read_file(path, BW_HIST_MAX, &text, &len) == -1) {
			ok(0, "%s: %s", path, strerror(errno));
			continue;
		}
		ok(lines_same(text, len), "%s: vector rows as scalar ones",
		    fixtures[i]);
		free(text);
	}
	same = 1;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]) && same; i++)
		same = line_same(lines[i], strlen(lines[i])) == 1;
	ok(same, "edges of the vector parser: as the scalar one%s%s",
	    same ? "" : ": ", same ? "" : lines[i - 1]);
	ok(line_same("1790000000,1,2,3,4,300\0x", 24) == 1, "a NUL: as the "
	    "scalar one");
	same = gen_same(lines_same, &i);
	ok(same, "generated lines: vector rows as scalar ones (%zu)", i);
}

/* A generated history (gen_same()) read and reduced as before. */
static int
history_same(const char *text, size_t len)
{
	return parse_same(text, len) &&
	    ranges_same(text, len, 1790000000) &&
	    ranges_same(text, len, 1790000000 - 86400 * 3) &&
	    series_same(text, len, 1790000000 - 86400 * 2, 1790000000, 86400);
}

static void
test_series_text(void)
{
	static const char *const fixtures[] = { "bwmon-v1", "hist-events",
	    "hist-gap", "hist-small", "total-cycle", "total-dst",
	    "total-midnight", "total-weeks", "web-v2" };
	static const char *const edges[] = {
	    "",
	    "\n",
	    "\r\n",
	    "1000,800,1600",
	    "1000,800,1600\n",
	    "1000,800,1600\r\n1300,8000,0\r\n",
	    "garbage\n1000,1,1\n999,2,2\n1000,3,3\n1300,4,4\n",
	    "1000,800,1600\n9000,1,1\n9300,5,5\n",	/* v1 across a gap */
	    "1000,123456789012345678901234567890,1\n"	/* 30 digits */
	    "1300,1234567890123456789012345678901,1\n"	/* 31 */
	    "1600,1.23456789012345678901234567890,1\n"
	    "1900,1.234567890123456789012345678901,1\n",
	    "5000,1,1,2,2,9999\n5300,1,1,2,2,300\n",	/* gap first */
	    "1000,800,1600\n1300,8000,0\n\ngarbage,row\n1200,1,1\n"
	    "1600,80,80,100,200,300\n9000,10,10,5000,6000,7400\n9300,1,2,3",
	};
	const char	*dir;
	char		 path[4096], *text;
	size_t		 len, i, j;
	int64_t		 now;
	int		 same;

	dir = getenv("SRCDIR");
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/t/data/%s/bw_%s.csv",
		    dir != NULL ? dir : ".", fixtures[i],
		    strcmp(fixtures[i], "web-v2") == 0 ? "wlan0" : "eth0");
		if (bw_read_file(path, BW_HIST_MAX, &text, &len) == -1) {
			ok(0, "%s: %s", path, strerror(errno));
			continue;
		}
		now = 0;
		for (j = len; j > 0 && now == 0; j--)
			if (j == len || text[j - 1] == '\n')
				now = strtoll(text + j - (j < len), NULL, 10);
		ok(parse_same(text, len), "%s: parsed as before", fixtures[i]);
		ok(ranges_same(text, len, (int64_t)time(NULL)) &&
		    ranges_same(text, len, now + 1) &&
		    ranges_same(text, len, now - 7 * 86400),
		    "%s: series from the text as from the rows", fixtures[i]);
		free(text);
	}
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		len = strlen(edges[i]);
		ok(parse_same(edges[i], len) &&
		    series_same(edges[i], len, 0, 20000, 300) &&
		    series_same(edges[i], len, 1200, 1500, 300) &&
		    series_same(edges[i], len, 2000, 2000, 300) &&
		    series_same(edges[i], len, 5000, 100, 300) &&
		    ranges_same(edges[i], len, 10000),
		    "edge case %zu: as before", i);
	}
	same = gen_same(history_same, &i);
	ok(same, "generated histories: as before (%zu)", i);
}

static void
test_fmt(void)
{
	static const struct {
		double		 v;
		const char	*want, *what;
	} ratio[] = {
		{ 5.34, "5.3x", "ratio 5.3x" },
		{ 9.96, "10x", "ratio 9.96 is 10x, not 10.0x" },
		{ 40, "40x", "ratio 40x" },
		{ 999.4, "999x", "ratio 999x" },
		{ 999.5, ">1000x", "ratio 999.5 is >1000x, never \"1000x\"" },
		{ 8563947.6, ">1000x", "over a near-zero average: >1000x" },
		{ INFINITY, ">1000x", "infinite: >1000x" },
		{ NAN, "-", "NaN: -" },
	};
	char	b[BW_FMTLEN];
	size_t	i;

	ok(strcmp(bw_fmt_bps(b, sizeof(b), 0), "0 bps") == 0, "0 bps");
	ok(strcmp(bw_fmt_bps(b, sizeof(b), 1250000), "1.25 Mbps") == 0,
	    "1.25 Mbps (%s)", b);
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 217486043775.0), "217 GB") == 0,
	    "217 GB (%s)", b);
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 999), "999 B") == 0, "999 B");
	ok(strcmp(bw_fmt_bytes(b, sizeof(b), 999999), "1.00 MB") == 0,
	    "rounds up a prefix (%s)", b);
	for (i = 0; i < sizeof(ratio) / sizeof(ratio[0]); i++)
		ok(strcmp(bw_fmt_ratio(b, sizeof(b), ratio[i].v),
		    ratio[i].want) == 0, "%s (%s)", ratio[i].what, b);
	ok(strcmp(bw_fmt_name(b, sizeof(b), "rsync", 8, 1), "rsync   ") == 0,
	    "a name padded to its column (%s)", b);
	ok(strcmp(bw_fmt_name(b, sizeof(b), "nightly-backup", 8, 0),
	    "nightly~") == 0, "a long name cut, the cut shown (%s)", b);
	ok(strcmp(bw_fmt_name(b, sizeof(b), "a\033[2Jb\nc\x7f", 20, 0),
	    "a?[2Jb?c?") == 0, "escapes, newlines and DEL are no use to a "
	    "terminal (%s)", b);
	ok(strcmp(bw_fmt_name(b, sizeof(b), "\xc2\x9b" "1m\xff\xc3\xbc", 20, 0),
	    "?1m?\xc3\xbc") == 0, "nor C1 controls and bytes that are not "
	    "UTF-8; UTF-8 stays (%s)", b);
	ok(strcmp(bw_fmt_name(b, sizeof(b), "\xc3\xbc\xc3\xbc\xc3\xbc", 2, 1),
	    "\xc3\xbc~") == 0, "cut by characters, not bytes (%s)", b);
}

static void
test_when(void)
{
	int64_t	t;

	(void)setenv("TZ", "UTC", 1);
	ok(bw_parse_when("1790000000", &t) == 0 && t == 1790000000,
	    "when: epoch seconds");
	ok(bw_parse_when("2026-09-21", &t) == 0 && t == 1789948800,
	    "when: a date is its local midnight (UTC)");
	ok(bw_parse_when("2026-09-21T14:13", &t) == 0 &&
	    t == 1789948800 + 14 * 3600 + 13 * 60, "when: date and time");
	ok(bw_parse_when("2026-09-21 14:13", &t) == 0 &&
	    t == 1789948800 + 14 * 3600 + 13 * 60, "when: a space for the T");
	(void)setenv("TZ", "JST-9", 1);
	ok(bw_parse_when("2026-09-21", &t) == 0 && t == 1789948800 - 9 * 3600,
	    "when: in the local time zone (UTC+9)");
	(void)setenv("TZ", "UTC", 1);
	ok(bw_parse_when("2026-02-30", &t) == -1, "when: no 30 February");
	ok(bw_parse_when("2026-9-21", &t) == -1 &&
	    bw_parse_when("2026-09-21T24:00", &t) == -1 &&
	    bw_parse_when("2026-09-21T14:13:00", &t) == -1 &&
	    bw_parse_when(" 2026-09-21", &t) == -1 &&
	    bw_parse_when("+026-09-21", &t) == -1 &&
	    bw_parse_when("", &t) == -1 && bw_parse_when("-5", &t) == -1 &&
	    bw_parse_when("1e9", &t) == -1, "when: anything else is no time");
}

/* A file republished whole, again and again, and let go of. */
static void
test_pubfile(void)
{
	struct bw_pubfile	 f;
	char			 dir[] = "/tmp/bwmon-pub.XXXXXX", path[256];
	char			 next[300], *buf = NULL;
	size_t			 len = 0;
	int			 i, same = 1;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/procs_eth0.json", dir);
	(void)snprintf(next, sizeof(next), "%s/.procs_eth0.json.next", dir);
	ok(bw_pub_init(&f, path) == 0, "pubfile: named");
	for (i = 0; i < 4; i++) {
		const char *want = i % 2 ? "{\"short\":1}\n" :
		    "{\"a longer content\":12345}\n";

		if (bw_pub_write(&f, want, strlen(want)) == -1 ||
		    bw_read_file(path, 1024, &buf, &len) == -1 ||
		    len != strlen(want) || memcmp(buf, want, len) != 0)
			same = 0;
		free(buf);
		buf = NULL;
	}
	ok(same, "pubfile: each content replaces the last whole");
	ok(access(next, F_OK) == 0, "pubfile: the other inode waits hidden");
	bw_pub_close(&f);
	ok(access(next, F_OK) == -1 && access(path, F_OK) == 0,
	    "pubfile: closed, the hidden name goes and the file stays");
	ok(bw_pub_init(&f, "x") == 0 && strcmp(f.next, ".x.next") == 0,
	    "pubfile: a name without a directory");
	(void)unlink(path);
	(void)rmdir(dir);
}

int
main(void)
{
	test_ifname();
	test_numbers();
	test_rates();
	test_conf();
	test_conf_ranges();
	test_conf_users();
	test_events_limit();
	test_conf_rule();
	test_netdev();
	test_history();
	test_series_text();
	test_row_parsers();
	test_fmt();
	test_when();
	test_pubfile();
	return done_testing();
}
