/*
 * bwtotal: the bytes an interface moved per calendar day, ISO week or
 * month (from the configured billing-cycle day), as a table or JSON, and
 * with --append one line per completed period in the totals logs; with
 * --by, who moved those bytes (by.c).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "conf.h"
#include "by.h"
#include "datadir.h"
#include "fileio.h"
#include "fmt.h"
#include "history.h"
#include "logfile.h"
#include "owners.h"
#include "totals.h"
#include "totjson.h"
#include "util.h"

#define LOG_MAX		(64 << 20)	/* a totals log we still read */
#define LINE_MAX_LEN	256

struct opts {
	const char	*conf;		/* -c, NULL for the default */
	const char	*dir;		/* -d, NULL for the default */
	const char	*iface;		/* -i */
	enum bw_period	 period;
	int		 period_set;
	long long	 count;		/* -n: periods shown, or looked at */
	int		 append;
	int		 json;
	int		 by_set;	/* --by */
	enum bw_by	 by;
	long long	 top;		/* --top */
};

/* --append has no short form: bwhistory's -a means ASCII. */
enum { OPT_APPEND = 256, OPT_BY, OPT_TOP };

#define TOP_DEFAULT	10	/* --by: rows a period */
#define TOP_MAX		1000

static const struct option longopts[] = {
	{ "append",	no_argument,	NULL,	OPT_APPEND },
	{ "by",		required_argument, NULL, OPT_BY },
	{ "day",	no_argument,	NULL,	'D' },
	{ "help",	no_argument,	NULL,	'h' },
	{ "json",	no_argument,	NULL,	'j' },
	{ "month",	no_argument,	NULL,	'M' },
	{ "top",	required_argument, NULL, OPT_TOP },
	{ "version",	no_argument,	NULL,	'V' },
	{ "week",	no_argument,	NULL,	'W' },
	{ NULL,		0,		NULL,	0 }
};

/* Exit 2 with the synopsis on stderr; -h: options too, on stdout. */
static void __attribute__((noreturn))
usage(int help)
{
	static const char	synopsis[] =
	    "usage: bwtotal [-hjV] [-D | -W | -M] [-c conf] [-d datadir] "
	    "[-i iface]\n"
	    "               [-n count] [--append]\n"
	    "       bwtotal [-hjV] [-D | -W | -M] [-c conf] [-d datadir] "
	    "[-i iface]\n"
	    "               [-n count] --by kind [--top rows]\n";
	static const char	options[] =
	    "\n"
	    "  -c conf        read this configuration file (see bwmon.conf(5))\n"
	    "  -D, --day      count calendar days (the default)\n"
	    "  -d datadir     the data directory (default /var/lib/bwmon)\n"
	    "  -h, --help     print this help and exit\n"
	    "  -i iface       the interface (default: the iface key, "
	    "else one with data)\n"
	    "  -j, --json     print JSON instead of the table\n"
	    "  -M, --month    count months from month_start_day\n"
	    "  -n count       show the last count periods (1-3660)\n"
	    "  -V, --version  print the version and exit\n"
	    "  -W, --week     count ISO weeks, Monday to Sunday\n"
	    "      --append   log the completed periods in the totals logs\n"
	    "      --by kind  the top owners of each period: program, user,\n"
	    "                 unit, container, remote, or host (a router's\n"
	    "                 LAN devices) (default -n 1)\n"
	    "      --top rows with --by: rows a period before the rest is\n"
	    "                 folded (1-1000, default 10)\n";

	bw_usage(synopsis, options, help);
}


static void
set_period(struct opts *o, enum bw_period p)
{
	if (o->period_set && o->period != p) {
		warnx("--day, --week and --month exclude each other");
		usage(0);
	}
	o->period = p;
	o->period_set = 1;
}

/*
 * The table shows 30 days or 12 weeks or months.  --append looks back a
 * week of days, 4 weeks or 2 month cycles: enough to catch up on periods
 * missed while the machine was off at the nightly run, little enough to
 * keep each run cheap.
 */
static long long
default_count(enum bw_period p, int append)
{
	switch (p) {
	case BW_PERIOD_DAY:
		return append ? 7 : 30;
	case BW_PERIOD_WEEK:
		return append ? 4 : 12;
	case BW_PERIOD_MONTH:
		return append ? 2 : 12;
	}
	return 1;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->period = BW_PERIOD_DAY;
	while ((ch = getopt_long(argc, argv, "Dc:d:hi:jMn:VW", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_APPEND:
			o->append = 1;
			break;
		case OPT_BY:
			if (bw_by_parse(optarg, &o->by) == -1)
				errx(2, "--by: bad kind: %s (program, user, "
				    "unit, container, remote or host)", optarg);
			o->by_set = 1;
			break;
		case OPT_TOP:
			if (bw_parse_ll(optarg, 1, TOP_MAX, &o->top) == -1)
				errx(2, "--top: bad number of rows (1-%d): %s",
				    TOP_MAX, optarg);
			break;
		case 'D':
			set_period(o, BW_PERIOD_DAY);
			break;
		case 'c':
			o->conf = optarg;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'h':
			usage(1);
		case 'i':
			o->iface = bw_iface_arg("-i", optarg);
			break;
		case 'j':
			o->json = 1;
			break;
		case 'M':
			set_period(o, BW_PERIOD_MONTH);
			break;
		case 'n':
			if (bw_parse_ll(optarg, 1, BW_TOTALS_MAX, &o->count) ==
			    -1)
				errx(2, "-n: bad count (1-%d): %s",
				    BW_TOTALS_MAX, optarg);
			break;
		case 'V':
			bw_version("bwtotal");
		case 'W':
			set_period(o, BW_PERIOD_WEEK);
			break;
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);
	if (o->append && o->json) {
		warnx("--append does not take --json");
		usage(0);
	}
	if (o->append && o->by_set) {
		warnx("--append does not take --by");
		usage(0);
	}
	if (o->top != 0 && !o->by_set) {
		warnx("--top goes with --by");
		usage(0);
	}
	if (o->top == 0)
		o->top = TOP_DEFAULT;
	/* Who used this day, week or month: the current one. */
	if (o->count == 0)
		o->count = o->by_set ? 1 : default_count(o->period, o->append);
}


/* Exit 1 naming the interfaces that do have history. */
static void __attribute__((noreturn))
no_history(const char *dir, const char *iface)
{
	struct bw_ifaces	l;
	char			list[1024];

	if (bw_ifaces_load(dir, &l) == -1 ||
	    bw_ifaces_count(&l, BW_KIND_BIT(BW_HISTORY)) == 0)
		errx(1, "no history for interface %s in %s (no interface "
		    "has any yet)", iface, dir);
	(void)bw_ifaces_list(&l, BW_KIND_BIT(BW_HISTORY), list, sizeof(list));
	bw_ifaces_free(&l);
	errx(1, "no history for interface %s in %s (interfaces with data: "
	    "%s)", iface, dir, list);
}

/* 0, or -1 with errno (ENOENT: no history file for iface). */
static int
read_hist(const char *dir, const char *iface, struct bw_hist *h)
{
	char	path[4096];

	if (bw_kind_path(path, sizeof(path), dir, BW_HISTORY, iface) == -1)
		return -1;
	return bw_hist_read(path, h);
}

static const char *
period_title(enum bw_period p)
{
	switch (p) {
	case BW_PERIOD_DAY:
		return "daily totals";
	case BW_PERIOD_WEEK:
		return "weekly totals (ISO weeks, Monday to Sunday)";
	case BW_PERIOD_MONTH:
		return "monthly totals";
	}
	return "totals";
}

static void
print_row(const char *label, int mark, const struct bw_total *t)
{
	char	lab[BW_PERIOD_LABELSZ + 2];
	char	rx[BW_FMTLEN], tx[BW_FMTLEN], tot[BW_FMTLEN];

	(void)snprintf(lab, sizeof(lab), "%s%s", label, mark ? "*" : "");
	/* No rows is no data, not "0 B": bwcollect was not counting. */
	if (t->samples == 0) {
		(void)printf("%-11s %10s %10s %10s %8zu\n", lab, "-", "-",
		    "-", t->samples);
		return;
	}
	(void)printf("%-11s %10s %10s %10s %8zu\n", lab,
	    bw_fmt_bytes(rx, sizeof(rx), (double)t->rx_bytes),
	    bw_fmt_bytes(tx, sizeof(tx), (double)t->tx_bytes),
	    bw_fmt_bytes(tot, sizeof(tot), (double)t->total_bytes),
	    t->samples);
}

static void
print_table(const char *iface, enum bw_period p, int msd, int64_t now,
    const struct bw_total *tot, size_t n, const struct bw_total *sum,
    const struct bw_hist *h)
{
	char	zone[BW_FMTLEN], first[BW_FMTLEN];
	size_t	k, nodata = 0;

	(void)bw_fmt_time(zone, sizeof(zone), now, "%Z");
	(void)printf("%s: %s", iface, period_title(p));
	if (p == BW_PERIOD_MONTH && msd != 1)
		(void)printf(" (cycles from day %d)", msd);
	(void)printf(", local time (%s)\n", zone);
	(void)printf("%-11s %10s %10s %10s %8s\n", "period", "RX", "TX",
	    "total", "samples");
	for (k = 0; k < n; k++) {
		print_row(tot[k].label, tot[k].partial, &tot[k]);
		nodata += tot[k].samples == 0;
	}
	print_row("total", 0, sum);
	if (sum->partial)
		(void)printf("* the current period, still counting\n");
	if (nodata > 0 && h->n == 0)
		(void)printf("- no data: the history has no rows yet\n");
	else if (nodata > 0)
		(void)printf("- no data: no history rows in the period (the "
		    "history starts %s)\n", bw_fmt_time(first, sizeof(first),
		    h->rows[0].ts - (int64_t)h->rows[0].interval,
		    "%Y-%m-%d %H:%M"));
	if (h->bad > 0)
		(void)printf("(%zu unreadable line%s of bw_%s.csv skipped)\n",
		    h->bad, h->bad == 1 ? "" : "s", iface);
}

static void
print_json(const char *iface, enum bw_period p, int msd,
    const struct bw_total *tot, size_t n, const struct bw_total *sum)
{
	json_t	*root;

	if ((root = bw_totals_json(iface, p, msd, tot, n, sum)) == NULL)
		errx(1, "out of memory");
	if (json_dumpf(root, stdout, JSON_COMPACT) == -1 ||
	    putchar('\n') == EOF)
		err(1, "stdout");
	json_decref(root);
}

static void
show(const struct opts *o, const char *dir, const char *iface, int msd,
    int64_t now)
{
	struct bw_hist	 h;
	struct bw_total	*tot, sum;
	size_t		 n = (size_t)o->count;

	if (read_hist(dir, iface, &h) == -1) {
		if (errno == ENOENT)
			no_history(dir, iface);
		err(1, "%s/bw_%s.csv", dir, iface);
	}
	if ((tot = calloc(n, sizeof(*tot))) == NULL)
		err(1, NULL);
	if (bw_totals(&h, o->period, msd, now, tot, n, &sum) == -1)
		err(1, "%s: periods up to %lld", iface, (long long)now);
	if (o->json)
		print_json(iface, o->period, msd, tot, n, &sum);
	else
		print_table(iface, o->period, msd, now, tot, n, &sum, &h);
	free(tot);
	bw_hist_free(&h);
}

static void
show_by(const struct opts *o, const char *dir, const char *iface, int msd,
    int64_t now)
{
	struct by_query	q;

	memset(&q, 0, sizeof(q));
	q.dir = dir;
	q.iface = iface;
	q.period = o->period;
	q.msd = msd;
	q.now = now;
	q.count = (size_t)o->count;
	q.by = o->by;
	q.top = (size_t)o->top;
	q.json = o->json;
	by_show(&q);
}

static enum bw_dirfile
log_file(enum bw_period p)
{
	switch (p) {
	case BW_PERIOD_WEEK:
		return BW_TOTALS_WEEKLY;
	case BW_PERIOD_MONTH:
		return BW_TOTALS_MONTHLY;
	default:
		return BW_TOTALS_DAILY;
	}
}

/* A line --append may log, and what became of it. */
struct logline {
	char	line[LINE_MAX_LEN];	/* with its newline */
	size_t	len;
	size_t	keylen;			/* of its "period,iface," */
	int	state;
};

#define LINE_NEW	0	/* not found in the log (yet) */
#define LINE_PRESENT	1	/* the log has a line for it */
#define LINE_APPENDED	2	/* written by this run */

/* What --append found in the history of one interface. */
struct ifacelog {
	const char	*iface;
	char		 last[BW_PERIOD_LABELSZ];	/* last period done */
	int		 last_samples;	/* it has samples: the final line */
	int		 ok;		/* the history was counted */
	size_t		 first, n;	/* its lines, oldest first */
};

static int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c;

	if ((c = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
logline_cmp(const void *a, const void *b)
{
	const struct logline	*const *x = a, *const *y = b;

	return key_cmp((*x)->line, (*x)->keylen, (*y)->line, (*y)->keylen);
}

/* The line of sorted[0 .. n-1] whose key is key, or NULL. */
static struct logline *
find_key(struct logline **sorted, size_t n, const char *key, size_t keylen)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(key, keylen, sorted[mid]->line,
		    sorted[mid]->keylen);
		if (c == 0)
			return sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Mark each of l[0 .. n-1] that a complete line of the log in buf
 * already holds (a line starting with the same "period,iface,"), and
 * return whether the log ends in a torn line.
 */
static int
mark_present(const char *buf, size_t len, struct logline *l, size_t n,
    struct logline **sorted)
{
	const char	*p, *end = buf + len, *nl, *c;
	struct logline	*hit;
	size_t		 i;

	for (i = 0; i < n; i++)
		sorted[i] = &l[i];
	qsort(sorted, n, sizeof(*sorted), logline_cmp);
	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 1;
		if ((c = memchr(p, ',', (size_t)(nl - p))) == NULL ||
		    (c = memchr(c + 1, ',', (size_t)(nl - c - 1))) == NULL ||
		    c + 1 == nl)
			continue;
		if ((hit = find_key(sorted, n, p, (size_t)(c + 1 - p))) !=
		    NULL)
			hit->state = LINE_PRESENT;
	}
	return 0;
}

/*
 * Append to the log at path, in order, each of l[0 .. n-1] that it does
 * not hold yet, marking them LINE_PRESENT or LINE_APPENDED.  The lock is
 * held from the search to the write, so runs at the same time append
 * each line once between them.  The new lines go in one write through
 * the one appender, which ends a torn last line first and takes back a
 * write that failed, so no half line is left.  Returns 0, or -1 with
 * errno (and then no line is LINE_APPENDED).
 */
static int
log_append(const char *path, struct logline *l, size_t n)
{
	struct bw_log	  lg;
	struct logline	**sorted = NULL;
	char		 *buf = NULL, *out = NULL;
	size_t		  len = 0, olen = 0, i;
	int		  rv = -1, saved;

	if (bw_log_open(path, &lg) == -1)
		return -1;
	if (lg.size > LOG_MAX) {
		errno = EFBIG;
		goto done;
	}
	if ((buf = malloc((size_t)lg.size + 1)) == NULL ||
	    (sorted = calloc(n, sizeof(*sorted))) == NULL ||
	    (out = malloc(n * LINE_MAX_LEN)) == NULL ||
	    bw_pread_all(lg.fd, buf, (size_t)lg.size, 0, &len) == -1)
		goto done;
	(void)mark_present(buf, len, l, n, sorted);
	for (i = 0; i < n; i++) {
		if (l[i].state != LINE_NEW)
			continue;
		memcpy(out + olen, l[i].line, l[i].len);
		olen += l[i].len;
	}
	if (olen > 0) {
		if (bw_log_write(&lg, out, olen) == -1 ||
		    (lg.created && bw_fsync_dir(path) == -1))
			goto done;
		for (i = 0; i < n; i++)
			if (l[i].state == LINE_NEW)
				l[i].state = LINE_APPENDED;
	}
	rv = 0;
done:
	saved = errno;
	free(sorted);
	free(buf);
	free(out);
	bw_log_close(&lg);
	errno = saved;
	return rv;
}

/*
 * Count the history of one interface over the count periods before the
 * current one and add a line to *lp for each with samples, oldest first.
 * 0, or -1 when it is reported.  An interface named with -i and without
 * history ends the run, as the table does.
 */
static int
collect_iface(const struct opts *o, const char *dir, struct ifacelog *il,
    int msd, int64_t now, struct bw_total *tot, struct logline **lp,
    size_t *np, size_t *sizep)
{
	struct bw_hist		 h;
	struct bw_total		 sum;
	struct logline		*l;
	const struct bw_total	*t;
	size_t			 count = (size_t)o->count, k;
	int64_t			 cur;
	int			 n, rv;

	il->first = *np;
	if (read_hist(dir, il->iface, &h) == -1) {
		if (o->iface != NULL && errno == ENOENT)
			no_history(dir, il->iface);
		warn("%s/bw_%s.csv", dir, il->iface);
		return -1;
	}
	/*
	 * The periods up to the one holding the instant before the current
	 * one starts: the completed ones.
	 */
	rv = bw_period_start(now, o->period, msd, &cur);
	if (rv == 0)
		rv = bw_totals(&h, o->period, msd, cur - 1, tot, count, &sum);
	bw_hist_free(&h);
	if (rv == -1) {
		warn("%s: periods up to %lld", il->iface, (long long)now);
		return -1;
	}
	(void)snprintf(il->last, sizeof(il->last), "%s",
	    tot[count - 1].label);
	il->last_samples = tot[count - 1].samples > 0;
	for (k = 0; k < count; k++) {
		t = &tot[k];
		if (t->samples == 0)
			continue;
		if (*np == *sizep) {
			l = reallocarray(*lp, *sizep + 16, sizeof(**lp));
			if (l == NULL)
				err(1, NULL);
			*lp = l;
			*sizep += 16;
		}
		l = &(*lp)[*np];
		n = snprintf(l->line, sizeof(l->line), "%s,%s,%lld,%lld,"
		    "%lld,%lld,%lld,%zu\n", t->label, il->iface,
		    (long long)t->start, (long long)t->end,
		    (long long)t->rx_bytes, (long long)t->tx_bytes,
		    (long long)t->total_bytes, t->samples);
		if (n < 0 || (size_t)n >= sizeof(l->line)) {
			warnx("%s: line too long", il->iface);
			*np = il->first;
			return -1;
		}
		l->len = (size_t)n;
		l->keylen = strlen(t->label) + strlen(il->iface) + 2;
		l->state = LINE_NEW;
		(*np)++;
	}
	il->n = *np - il->first;
	il->ok = 1;
	return 0;
}

/*
 * Say what was appended for one interface, or else why nothing was: the
 * last completed period had no samples, or its line was there already.
 */
static void
report_iface(const char *name, const struct ifacelog *il,
    const struct logline *l)
{
	size_t	k, appended = 0;

	for (k = il->first; k < il->first + il->n; k++)
		if (l[k].state == LINE_APPENDED) {
			(void)printf("%s: appended %.*s\n", name,
			    (int)l[k].len - 1, l[k].line);
			appended++;
		}
	if (appended > 0 || !il->ok)
		return;
	if (!il->last_samples)
		(void)printf("%s: %s: no samples in %s, nothing to append\n",
		    name, il->iface, il->last);
	else if (l[il->first + il->n - 1].state == LINE_PRESENT)
		(void)printf("%s: %s %s already present\n", name, il->last,
		    il->iface);
}

/*
 * Log the completed periods of the last count that have samples and are
 * not logged yet, for -i or every interface with history.  Every
 * history is counted first, then the log is searched and appended to
 * under one lock.  0, or -1 when something failed (reported).
 */
static int
append(const struct opts *o, const char *dir, int msd, int64_t now)
{
	struct bw_ifaces	 ifs;
	char			 path[4096];
	struct ifacelog		*il;
	struct logline		*l = NULL;
	struct bw_total		*tot;
	const char		*name = bw_dirfile_name(log_file(o->period));
	size_t			 nl = 0, size = 0, n, i, k;
	int			 rv = 0;

	memset(&ifs, 0, sizeof(ifs));
	if (o->iface != NULL)
		n = 1;
	else if (bw_ifaces_load(dir, &ifs) == -1)
		err(1, "data directory %s", dir);
	else if ((n = bw_ifaces_count(&ifs, BW_KIND_BIT(BW_HISTORY))) == 0)
		errx(1, "no interface has history in %s yet", dir);
	if ((tot = calloc((size_t)o->count, sizeof(*tot))) == NULL ||
	    (il = calloc(n, sizeof(*il))) == NULL)
		err(1, NULL);
	for (i = k = 0; i < n; k++) {
		if (o->iface != NULL)
			il[i].iface = o->iface;
		else if (ifs.v[k].kinds & BW_KIND_BIT(BW_HISTORY))
			il[i].iface = ifs.v[k].name;
		else
			continue;
		if (collect_iface(o, dir, &il[i], msd, now, tot, &l, &nl,
		    &size) == -1)
			rv = -1;
		i++;
	}
	free(tot);
	if (nl > 0 && (bw_dirfile_path(path, sizeof(path), dir,
	    log_file(o->period)) == -1 || log_append(path, l, nl) == -1)) {
		warn("%s/%s", dir, name);
		rv = -1;
	}
	for (i = 0; i < n; i++)
		report_iface(name, &il[i], l);
	free(il);
	free(l);
	bw_ifaces_free(&ifs);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct bw_conf	 conf;
	struct stat	 st;
	const char	*dir;
	char		 iface[BW_IFNAMSIZ];
	int64_t		 now;
	int		 rv = 0;

	parse_args(argc, argv, &o);
	bw_conf_cli(&conf, o.conf);
	dir = bw_datadir(o.dir);
	if (stat(dir, &st) == -1)
		err(1, "data directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		errx(1, "data directory %s: not a directory", dir);
	tzset();
	now = (int64_t)floor(bw_now());

	if (o.append)
		rv = append(&o, dir, conf.month_start_day, now);
	else {
		if (o.iface != NULL)
			(void)snprintf(iface, sizeof(iface), "%s", o.iface);
		else if (bw_default_iface(dir, &conf, iface,
		    sizeof(iface)) == -1) {
			if (errno == ENOENT)
				errx(1, "no interface has history in %s yet",
				    dir);
			err(1, "data directory %s", dir);
		}
		if (o.by_set)
			show_by(&o, dir, iface, conf.month_start_day, now);
		else
			show(&o, dir, iface, conf.month_start_day, now);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return rv == 0 ? 0 : 1;
}
