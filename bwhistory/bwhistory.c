/*
 * bwhistory: show an interface's traffic history from bw_<iface>.csv as
 * a terminal chart with its statistics, or as JSON or CSV buckets; with
 * --by, who moved those bytes (by.c).
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "by.h"
#include "chart.h"
#include "cli.h"
#include "conf.h"
#include "datadir.h"
#include "eventlog.h"
#include "events.h"
#include "fileio.h"
#include "fmt.h"
#include "histjson.h"
#include "history.h"
#include "owners.h"
#include "util.h"

#define PATHMAX		4096
#define TIMEFMT		"%Y-%m-%d %H:%M"

enum format { TEXT, JSON, CSV };

enum { OPT_CSV = 256, OPT_BY, OPT_EVENTS, OPT_FROM, OPT_TO, OPT_TOP };

#define TOP_DEFAULT	20	/* --by: rows */
#define TOP_MAX		1000

struct view {
	const char		*dir;
	const char		*iface;
	const char		*range;
	char			 ifbuf[BW_IFNAMSIZ];
	int			 dirfd;
	char			 path[PATHMAX];	/* bw_<iface>.csv */
	int64_t			 secs;		/* 0: all */
	struct bw_hist		 h;		/* "all": its rows */
	char			*text;		/* else: its text */
	size_t			 len;
	int64_t			 from, to;
	int			 has_from, has_to;	/* --from, --to */
	int			 range_set;	/* -r */
	long long		 spikes, alerts;	/* -1: no log */
};

/* Exit 2 with the synopsis on stderr; 0 is -h: options too, on stdout. */
static void __attribute__((noreturn))
usage(int status)
{
	static const char	synopsis[] =
	    "usage: bwhistory [-ahjV] [-c conf] [-d datadir] [-i iface] "
	    "[-r range]\n"
	    "                 [--from when] [--to when] [--by kind "
	    "[--top rows]]\n"
	    "                 [--csv | --json] [iface]\n"
	    "       bwhistory --events [-hjV] [-c conf] [-d datadir] "
	    "[-i iface] [-r range]\n"
	    "                 [--from when] [--to when] [iface]\n";
	static const char	options[] =
	    "\n"
	    "  -a             draw the chart in ASCII only\n"
	    "      --by kind  who moved the bytes: program, user, unit,\n"
	    "                 container, remote, or host (a router's LAN\n"
	    "                 devices)\n"
	    "  -c conf        read this configuration file (see bwmon.conf(5))\n"
	    "      --csv      print the buckets (or owners) as CSV\n"
	    "  -d datadir     the data directory (default /var/lib/bwmon)\n"
	    "      --events   list the spikes and alerts, with who caused "
	    "them\n"
	    "      --from when  start there: epoch seconds, YYYY-MM-DD or\n"
	    "                 YYYY-MM-DDTHH:MM (local time)\n"
	    "  -h, --help     print this help and exit\n"
	    "  -i iface       the interface (default: the iface key, "
	    "else one with data)\n"
	    "  -j, --json     print the buckets and statistics as JSON\n"
	    "  -r range       1h, 24h (the default), 7d, 30d, 6m or all\n"
	    "      --to when  end there (not included), as --from\n"
	    "      --top rows with --by: rows before the rest is folded\n"
	    "                 (1-1000, default 20)\n"
	    "  -V, --version  print the version and exit\n"
	    "  iface          the same as -i iface\n";

	bw_usage(synopsis, options, status == 0);
}


/*
 * The output's width: the terminal's, else $COLUMNS, else 80.  Below
 * CHART_MINWIDTH the chart is not drawn: print_text() says why.
 */
static int
term_width(void)
{
	struct winsize	 ws;
	const char	*s;
	long long	 v;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		v = ws.ws_col;
	else if ((s = getenv("COLUMNS")) == NULL ||
	    bw_parse_ll(s, 1, 100000, &v) == -1)
		v = 80;
	if (v > CHART_MAXWIDTH)
		v = CHART_MAXWIDTH;
	return (int)v;
}

static int
utf8_locale(void)
{
	const char	*cs = nl_langinfo(CODESET);

	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0);
}

/* Say which interfaces do have history, for a name that has none. */
static void __attribute__((noreturn))
no_history(const struct view *v)
{
	struct bw_ifaces	l;
	char			list[1024];

	if (bw_ifaces_scan(v->dirfd, &l) == -1 ||
	    bw_ifaces_count(&l, BW_KIND_BIT(BW_HISTORY)) == 0)
		errx(1, "no history for %s in %s yet: bwcollect writes "
		    "bw_%s.csv every 5 minutes from cron (its first run "
		    "only primes the counters)", v->iface, v->dir, v->iface);
	(void)bw_ifaces_list(&l, BW_KIND_BIT(BW_HISTORY), list, sizeof(list));
	bw_ifaces_free(&l);
	errx(1, "no history for %s in %s (interfaces with history: %s)",
	    v->iface, v->dir, list);
}

/* How many log records fall in the range; -1 when there is no log. */
static long long
count_events(const struct view *v, enum bw_kind k, const char *event)
{
	struct bw_evcount	c;
	char			path[PATHMAX];

	if (bw_events_count(v->dirfd, k, v->iface, event, v->from, v->to,
	    &c) == -1) {
		if (errno != ENOENT) {
			if (bw_kind_path(path, sizeof(path), v->dir, k,
			    v->iface) == -1)
				(void)snprintf(path, sizeof(path), "%s",
				    v->dir);
			warn("%s", path);
		}
		return -1;
	}
	return (long long)c.n;
}

/*
 * The range [from, to): the last secs seconds before now, or for "all"
 * from the first row's middle to just after the last row.
 */
static void
set_range(struct view *v)
{
	int64_t	now = (int64_t)floor(bw_now());

	if (v->secs > 0) {
		v->from = now - v->secs;
		v->to = now;
	} else if (v->h.n > 0) {
		v->from = (int64_t)floor(bw_row_mid(&v->h.rows[0]));
		v->to = v->h.rows[v->h.n - 1].ts + 1;
	} else
		v->from = v->to = now;
}

/*
 * Buckets of step seconds over the range; an empty range has none.  *sum
 * tells what the whole file holds.  A range that ends now is reduced
 * straight from the text, without keeping the rows.
 */
static void
make_series(const struct view *v, int64_t step, struct bw_series *s,
    struct bw_histsum *sum)
{
	if (v->text != NULL) {
		if (bw_hist_series_text(v->text, v->len, v->from, v->to, step,
		    s, sum) == -1)
			err(1, "buckets");
		return;
	}
	memset(sum, 0, sizeof(*sum));
	sum->n = v->h.n;
	sum->blank = v->h.blank;
	sum->bad = v->h.bad;
	if (v->h.n > 0) {
		sum->first = v->h.rows[0].ts;
		sum->last = v->h.rows[v->h.n - 1].ts;
	}
	if (v->to <= v->from) {
		memset(s, 0, sizeof(*s));
		s->from = v->from;
		s->to = v->to;
		s->step = step;
		return;
	}
	if (bw_hist_series(&v->h, v->from, v->to, step, s) == -1)
		err(1, "buckets");
}

static int
print_json(const struct view *v)
{
	struct bw_series	 s;
	struct bw_histsum	 sum;
	struct bw_histinfo	 info;
	json_t			*doc;
	int			 rv;

	make_series(v, bw_json_step(v->to - v->from), &s, &sum);
	info.iface = v->iface;
	info.range = v->range;
	info.skipped = sum.bad;
	info.spikes = v->spikes;
	info.alerts = v->alerts;
	if ((doc = bw_hist_json(&s, &info)) == NULL)
		err(1, "json");
	rv = json_dumpf(doc, stdout, BW_JSON_DUMPFLAGS) == -1 ||
	    putchar('\n') == EOF ? -1 : 0;
	json_decref(doc);
	bw_series_free(&s);
	return rv;
}

/*
 * A rate for CSV: at most three decimals, no trailing zeros; empty when
 * there is none.  Absurd rates (a row may hold 30 digits) get %g.
 */
static void
csv_rate(char *buf, size_t size, double v)
{
	size_t	n;

	if (v < 0 || !isfinite(v)) {
		buf[0] = '\0';
		return;
	}
	if (v >= 1e15) {
		(void)snprintf(buf, size, "%.17g", v);
		return;
	}
	n = (size_t)snprintf(buf, size, "%.3f", v);
	if (n >= size)
		n = size - 1;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* Exact bytes as an integer, kept in range whatever the file held. */
static long long
csv_bytes(double v)
{
	if (!isfinite(v) || v < 0)
		return 0;
	return llround(v > 9e18 ? 9e18 : v);
}

static int
print_csv(const struct view *v)
{
	struct bw_series	 s;
	struct bw_histsum	 sum;
	const struct bw_bucket	*b;
	char			 ra[32], rp[32], ta[32], tp[32];
	double			 rx, tx;
	size_t			 i;
	int			 rv = 0;

	make_series(v, bw_json_step(v->to - v->from), &s, &sum);
	if (printf("ts,rx_avg_bps,rx_peak_bps,tx_avg_bps,tx_peak_bps,"
	    "rx_bytes,tx_bytes,samples\n") < 0)
		rv = -1;
	for (i = 0; i < s.nb && rv == 0; i++) {
		b = &s.b[i];
		rx = bw_bucket_avg(b, 0);
		tx = bw_bucket_avg(b, 1);
		csv_rate(ra, sizeof(ra), rx);
		csv_rate(rp, sizeof(rp), rx < 0 ? -1 : b->rx_peak);
		csv_rate(ta, sizeof(ta), tx);
		csv_rate(tp, sizeof(tp), tx < 0 ? -1 : b->tx_peak);
		if (printf("%lld,%s,%s,%s,%s,%lld,%lld,%zu\n",
		    (long long)b->start, ra, rp, ta, tp,
		    csv_bytes(b->rx_bytes), csv_bytes(b->tx_bytes),
		    b->samples) < 0)
			rv = -1;
	}
	bw_series_free(&s);
	return rv;
}

/* A line of at most width bytes (all our text lines are ASCII). */
static void
print_line(int width, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
print_line(int width, const char *fmt, ...)
{
	char	buf[CHART_MAXWIDTH + 1];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[width < CHART_MAXWIDTH ? width : CHART_MAXWIDTH] = '\0';
	(void)printf("%s\n", buf);
}

static const char *
step_name(char *buf, size_t size, int64_t step)
{
	if (step % 86400 == 0)
		(void)snprintf(buf, size, "%lld day%s",
		    (long long)(step / 86400), step == 86400 ? "" : "s");
	else if (step % 3600 == 0)
		(void)snprintf(buf, size, "%lld h", (long long)(step / 3600));
	else
		(void)snprintf(buf, size, "%lld min", (long long)(step / 60));
	return buf;
}

static void
print_stats(const struct view *v, const struct bw_stats *st, size_t bad,
    int width)
{
	const struct bw_dirstats	*d;
	char				 a[BW_FMTLEN], p[BW_FMTLEN];
	char				 q[BW_FMTLEN], t[BW_FMTLEN];
	char				 f[BW_FMTLEN], l[BW_FMTLEN];
	int				 i;

	print_line(width, "    %9s  %9s  %9s  %9s", "average", "peak",
	    "p95", "total");
	for (i = 0; i < 2; i++) {
		d = i == 0 ? &st->rx : &st->tx;
		print_line(width, "%s  %9s  %9s  %9s  %9s", i == 0 ? "RX" :
		    "TX", bw_fmt_bps(a, sizeof(a), d->avg_bps),
		    bw_fmt_bps(p, sizeof(p), d->peak_bps),
		    bw_fmt_bps(q, sizeof(q), d->p95_bps),
		    bw_fmt_bytes(t, sizeof(t), d->bytes));
	}
	if (st->gaps > 0)
		print_line(width, "samples: %zu (%zu gap%s)", st->samples,
		    st->gaps, st->gaps == 1 ? "" : "s");
	else
		print_line(width, "samples: %zu", st->samples);
	print_line(width, "first: %s  last: %s",
	    bw_fmt_time(f, sizeof(f), st->first, TIMEFMT),
	    bw_fmt_time(l, sizeof(l), st->last, TIMEFMT));
	if (bad > 0)
		print_line(width, "skipped lines: %zu", bad);
	if (v->spikes >= 0 && v->alerts >= 0)
		print_line(width, "spikes: %lld, alerts: %lld", v->spikes,
		    v->alerts);
	else if (v->spikes >= 0)
		print_line(width, "spikes: %lld", v->spikes);
	else if (v->alerts >= 0)
		print_line(width, "alerts: %lld", v->alerts);
}

static int
print_text(const struct view *v, int ascii)
{
	struct bw_series	 s;
	struct bw_histsum	 sum;
	char			 f[BW_FMTLEN], t[BW_FMTLEN], sn[BW_FMTLEN];
	char			 what[64];
	int			 cols, width, rv;

	/* Below 50 columns only the title fits; the messages keep 50. */
	cols = term_width();
	width = cols < CHART_MINWIDTH ? CHART_MINWIDTH : cols;
	make_series(v, bw_bucket_step(v->to - v->from,
	    (size_t)chart_columns(width) - 1), &s, &sum);
	if (sum.n == 0) {
		print_line(width, "%s: no samples yet in %s", v->iface,
		    v->path);
		print_line(width, "bwcollect's first run only primes the "
		    "counters;");
		print_line(width, "the first row follows 5 minutes later.");
		if (sum.bad > 0)
			print_line(width, "skipped lines: %zu", sum.bad);
		bw_series_free(&s);
		return 0;
	}
	if (s.stats.samples == 0) {
		if (v->has_from || v->has_to)
			print_line(width, "%s: no samples from %s to %s",
			    v->iface, bw_fmt_time(f, sizeof(f), v->from,
			    TIMEFMT), bw_fmt_time(t, sizeof(t), v->to,
			    TIMEFMT));
		else
			print_line(width, "%s: no samples in the last %s",
			    v->iface, v->range);
		print_line(width, "history from %s to %s (see -r all)",
		    bw_fmt_time(f, sizeof(f), sum.first, TIMEFMT),
		    bw_fmt_time(t, sizeof(t), sum.last, TIMEFMT));
		bw_series_free(&s);
		return 0;
	}
	if (v->has_from || v->has_to)
		(void)snprintf(what, sizeof(what), "%s:", v->iface);
	else
		(void)snprintf(what, sizeof(what), "%s, %s%s:", v->iface,
		    v->secs > 0 ? "last " : "", v->secs > 0 ? v->range :
		    "all history");
	rv = chart_title(stdout, cols, what, bw_fmt_time(f, sizeof(f),
	    v->from, TIMEFMT), bw_fmt_time(t, sizeof(t), v->to, TIMEFMT));
	if (rv == 0 && cols < CHART_MINWIDTH)
		rv = chart_narrow(stdout, cols);
	if (rv == -1 || cols < CHART_MINWIDTH) {
		bw_series_free(&s);
		return rv;
	}
	rv = chart_draw(stdout, &s, width, ascii || !utf8_locale() ?
	    &chart_ascii : &chart_utf8);
	print_line(width, "bars: average rate per %s; blank: no samples",
	    step_name(sn, sizeof(sn), s.step));
	print_stats(v, &s.stats, sum.bad, width);
	bw_series_free(&s);
	return rv;
}

/*
 * Find the data directory and the interface (named, else the default
 * one).  Exits when there is none, saying why.
 */
static void
setup(struct view *v, const char *cflag, const char *dflag)
{
	struct bw_conf	 conf;

	bw_conf_cli(&conf, cflag);

	v->dir = bw_datadir(dflag);
	if ((v->dirfd = open(v->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		if (errno == ENOENT)
			errx(1, "%s: no such data directory (bwcollect "
			    "creates it; see -d)", v->dir);
		if (errno == ENOTDIR)
			errx(1, "%s: not a directory", v->dir);
		err(1, "%s", v->dir);
	}
	if (v->iface == NULL) {
		if (bw_default_iface(v->dir, &conf, v->ifbuf,
		    sizeof(v->ifbuf)) == -1) {
			if (errno == ENOENT)
				errx(1, "no history in %s yet: bwcollect "
				    "writes bw_<iface>.csv every 5 minutes "
				    "from cron (its first run only primes "
				    "the counters)", v->dir);
			err(1, "%s", v->dir);
		}
		v->iface = v->ifbuf;
	}
}

/* Read the history of the interface.  Exits when there is none. */
static void
load(struct view *v)
{
	if (bw_kind_path(v->path, sizeof(v->path), v->dir, BW_HISTORY,
	    v->iface) == -1)
		err(1, "%s", v->dir);
	/*
	 * "all" and a window of its own need the rows; a range ending now
	 * is reduced from the text.
	 */
	if ((v->secs > 0 && !v->has_from && !v->has_to ?
	    bw_hist_text(v->dirfd, v->iface, &v->text, &v->len) :
	    bw_hist_load(v->dirfd, v->iface, &v->h)) == -1) {
		if (errno == ENOENT)
			no_history(v);
		if (errno == EINVAL)
			errx(1, "%s: not a regular file", v->path);
		err(1, "%s", v->path);
	}
}

/*
 * The window of --from and --to: both given, or one and -r's range from
 * or to it; --from alone runs to now, --to alone takes the 24 hours
 * before it (-r's default).  end is where a window ending now ends.
 */
static void
set_window(struct view *v, int64_t end)
{
	if (!v->has_to)
		v->to = v->range_set && v->secs > 0 ? v->from + v->secs : end;
	if (!v->has_from)
		v->from = v->secs > 0 ? v->to - v->secs : 0;
	if (v->to <= v->from)
		errx(2, "the window ends before it starts: --to must be "
		    "after --from");
}

/*
 * The window of --by and --events, which do not read the history: -r's
 * range up to the second after now (as /api/top), or --from and --to.
 */
static void
set_window_now(struct view *v)
{
	int64_t	now = (int64_t)floor(bw_now());

	if (v->has_from || v->has_to)
		set_window(v, now + 1);
	else {
		v->to = now + 1;
		v->from = v->secs > 0 ? v->to - v->secs : 0;
	}
}

/* The files --by and --events read: set_window_now()'s window. */
static void
scope_now(struct view *v, struct hq_scope *sc)
{
	set_window_now(v);
	sc->dirfd = v->dirfd;
	sc->dir = v->dir;
	sc->iface = v->iface;
	sc->from = v->from;
	sc->to = v->to;
}

/* --events: the spikes and alerts of the window. */
static int
run_events(struct view *v, enum format fmt)
{
	struct ev_query	q;
	char		what[64];

	memset(&q, 0, sizeof(q));
	scope_now(v, &q.sc);
	q.json = fmt == JSON;
	if (!v->has_from && !v->has_to) {
		(void)snprintf(what, sizeof(what), "%s%s", v->secs > 0 ?
		    "last " : "", v->secs > 0 ? v->range : "all history");
		q.what = what;
	}
	return events_show(&q);
}

/* --by: who used the window; the history itself is not read. */
static int
run_by(struct view *v, enum bw_by by, long long top, enum format fmt)
{
	struct by_query	q;

	memset(&q, 0, sizeof(q));
	scope_now(v, &q.sc);
	q.by = by;
	q.top = (size_t)top;
	q.format = fmt == JSON ? BY_JSON : fmt == CSV ? BY_CSV : BY_TEXT;
	/* A table for a pipe keeps its command lines whole. */
	q.width = isatty(STDOUT_FILENO) || getenv("COLUMNS") != NULL ?
	    term_width() : BY_WIDTHMAX;
	return by_show(&q);
}

static void
parse_when(const char *opt, const char *s, int64_t *t)
{
	if (bw_parse_when(s, t) == -1)
		errx(2, "%s: bad time: %s (epoch seconds, YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM, local time)", opt, s);
}

int
main(int argc, char *argv[])
{
	static const struct option	 longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "events", no_argument, NULL, OPT_EVENTS },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "to", required_argument, NULL, OPT_TO },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct view			 v;
	const char			*cflag = NULL, *dflag = NULL;
	enum format			 fmt = TEXT;
	enum bw_by			 by = BW_BY_PROGRAM;
	long long			 top = 0;
	int				 ch, aflag = 0, rv, by_set = 0;
	int				 events = 0;

	(void)setlocale(LC_ALL, "");
	/* Numbers keep their '.' whatever the locale: CSV depends on it. */
	(void)setlocale(LC_NUMERIC, "C");
	memset(&v, 0, sizeof(v));
	v.range = "24h";
	v.secs = 86400;
	while ((ch = getopt_long(argc, argv, "ac:d:hi:jr:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		case OPT_BY:
			if (bw_by_parse(optarg, &by) == -1)
				errx(2, "--by: bad kind: %s (program, user, "
				    "unit, container, remote or host)", optarg);
			by_set = 1;
			break;
		case 'c':
			cflag = optarg;
			break;
		case 'd':
			dflag = optarg;
			break;
		case OPT_EVENTS:
			events = 1;
			break;
		case OPT_FROM:
			parse_when("--from", optarg, &v.from);
			v.has_from = 1;
			break;
		case 'h':
			usage(0);
		case 'i':
			v.iface = bw_iface_arg("-i", optarg);
			break;
		case 'j':
		case OPT_CSV:
			if (fmt != TEXT && fmt != (ch == 'j' ? JSON : CSV)) {
				warnx("--csv and --json exclude each other");
				usage(2);
			}
			fmt = ch == 'j' ? JSON : CSV;
			break;
		case 'r':
			if (bw_range_parse(optarg, &v.secs) == -1)
				errx(2, "-r: bad range: %s (1h, 24h, 7d, 30d, "
				    "6m or all)", optarg);
			v.range = optarg;
			v.range_set = 1;
			break;
		case OPT_TO:
			parse_when("--to", optarg, &v.to);
			v.has_to = 1;
			break;
		case OPT_TOP:
			if (bw_parse_ll(optarg, 1, TOP_MAX, &top) == -1)
				errx(2, "--top: bad number of rows (1-%d): %s",
				    TOP_MAX, optarg);
			break;
		case 'V':
			bw_version("bwhistory");
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	/* "bwhistory eth0", as bwcollect and bwprocs take it. */
	if (argc > 1 || (argc == 1 && v.iface != NULL)) {
		warnx("name one interface, with -i or as an argument");
		usage(2);
	}
	if (argc == 1)
		v.iface = bw_iface_arg(NULL, argv[0]);
	if (v.has_from && v.has_to && v.range_set) {
		warnx("-r goes with --from or --to, not both");
		usage(2);
	}
	if (top != 0 && !by_set) {
		warnx("--top goes with --by");
		usage(2);
	}
	if (events && (by_set || fmt == CSV || aflag)) {
		warnx("--events takes --json, not --by, --csv or -a");
		usage(2);
	}

	setup(&v, cflag, dflag);
	if (events || by_set) {
		rv = events ? run_events(&v, fmt) : run_by(&v, by, top > 0 ?
		    top : TOP_DEFAULT, fmt);
		if (rv == -1 || fflush(stdout) == EOF || ferror(stdout))
			err(1, "stdout");
		return 0;
	}
	load(&v);
	if (v.has_from || v.has_to) {
		/* Up to now, as a range ending now. */
		set_window(&v, (int64_t)floor(bw_now()));
		if (!v.has_from && v.secs == 0 && v.h.n > 0)
			v.from = (int64_t)floor(bw_row_mid(&v.h.rows[0]));
		v.range = "window";
	} else
		set_range(&v);
	v.spikes = count_events(&v, BW_SPIKES, NULL);
	v.alerts = count_events(&v, BW_ALERTS, "FIRED");

	switch (fmt) {
	case JSON:
		rv = print_json(&v);
		break;
	case CSV:
		rv = print_csv(&v);
		break;
	default:
		rv = print_text(&v, aflag);
		break;
	}
	bw_hist_free(&v.h);
	free(v.text);
	if (rv == -1 || fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return 0;
}
