/*
 * bwtotal: the bytes an interface moved per calendar day, ISO week or
 * month (from the configured billing-cycle day), as a table or JSON, and
 * with --append one line per completed period in the totals logs.
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

#include "conf.h"
#include "datadir.h"
#include "fileio.h"
#include "fmt.h"
#include "history.h"
#include "totals.h"
#include "util.h"

#define LOG_MAX		(64 << 20)	/* a totals log we still read */
#define LINE_MAX_LEN	256

struct opts {
	const char	*conf;		/* -c, NULL for the default */
	const char	*dir;		/* -d, NULL for the default */
	const char	*iface;		/* -i */
	enum bw_period	 period;
	int		 period_set;
	long long	 count;		/* -n, 0 for the period's default */
	int		 append;
	int		 json;
};

static const struct option longopts[] = {
	{ "append",	no_argument,	NULL,	'a' },
	{ "day",	no_argument,	NULL,	'D' },
	{ "json",	no_argument,	NULL,	'j' },
	{ "month",	no_argument,	NULL,	'M' },
	{ "week",	no_argument,	NULL,	'W' },
	{ NULL,		0,		NULL,	0 }
};

static void __attribute__((noreturn))
usage(int help)
{
	(void)fprintf(help ? stdout : stderr,
	    "usage: bwtotal [-hV] [-c conf] [-d datadir] [-i iface]\n"
	    "               [--day | --week | --month] [-n count] "
	    "[--append] [--json]\n");
	if (help && (fflush(stdout) == EOF || ferror(stdout)))
		err(1, "stdout");
	exit(help ? 0 : 2);
}

static void
conf_warn(const struct bw_error *e)
{
	warnx("%s:%d: %s", e->file, e->line, e->text);
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

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->period = BW_PERIOD_DAY;
	while ((ch = getopt_long(argc, argv, "aDc:d:hi:jMn:VW", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->append = 1;
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
			if (!bw_ifname_valid(optarg))
				errx(2, "-i: bad interface name: %s", optarg);
			o->iface = optarg;
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
			(void)printf("bwtotal bwmon %s\n", BW_VERSION);
			if (fflush(stdout) == EOF || ferror(stdout))
				err(1, "stdout");
			exit(0);
		case 'W':
			set_period(o, BW_PERIOD_WEEK);
			break;
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);
	if (o->append && (o->json || o->count != 0)) {
		warnx("--append takes neither --json nor -n");
		usage(0);
	}
	if (o->count == 0)
		o->count = o->period == BW_PERIOD_DAY ? 30 : 12;
}

static void
load_conf(const char *opt, struct bw_conf *conf)
{
	const char	*path = bw_confpath(opt);
	const char	*env = getenv("BWMON_CONF");
	int		 named = opt != NULL || (env != NULL && *env != '\0');

	bw_conf_init(conf);
	if (bw_conf_load(conf, path, conf_warn) == -1 &&
	    (named || errno != ENOENT))
		warn("config %s", path);
}

/* Exit 1 naming the interfaces that do have history. */
static void __attribute__((noreturn))
no_history(const char *dir, const char *iface)
{
	char	names[BW_MAXIFACES][BW_IFNAMSIZ];
	char	list[BW_MAXIFACES * (BW_IFNAMSIZ + 2)];
	size_t	len = 0;
	int	n, i;

	list[0] = '\0';
	n = bw_data_ifaces(dir, names, BW_MAXIFACES);
	for (i = 0; i < n; i++) {
		(void)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i > 0 ? ", " : "", names[i]);
		len = strlen(list);
	}
	if (n <= 0)
		errx(1, "no history for interface %s in %s (no interface "
		    "has any yet)", iface, dir);
	errx(1, "no history for interface %s in %s (interfaces with data: "
	    "%s)", iface, dir, list);
}

/* 0, or -1 with errno (ENOENT: no history file for iface). */
static int
read_hist(const char *dir, const char *iface, struct bw_hist *h)
{
	char	path[4096];

	if (bw_path(path, sizeof(path), dir, "bw_", iface, ".csv") == -1)
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
	char	zone[BW_FMTLEN];
	size_t	k;

	(void)bw_fmt_time(zone, sizeof(zone), now, "%Z");
	(void)printf("%s: %s", iface, period_title(p));
	if (p == BW_PERIOD_MONTH && msd != 1)
		(void)printf(" (cycles from day %d)", msd);
	(void)printf(", local time (%s)\n", zone);
	(void)printf("%-11s %10s %10s %10s %8s\n", "period", "RX", "TX",
	    "total", "samples");
	for (k = 0; k < n; k++)
		print_row(tot[k].label, tot[k].partial, &tot[k]);
	print_row("total", 0, sum);
	if (sum->partial)
		(void)printf("* the current period, still counting\n");
	if (h->bad > 0)
		(void)printf("(%zu unreadable line%s of bw_%s.csv skipped)\n",
		    h->bad, h->bad == 1 ? "" : "s", iface);
}

static json_t *
total_json(const struct bw_total *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "start", (json_int_t)t->start, "end", (json_int_t)t->end,
	    "rx_bytes", (json_int_t)t->rx_bytes,
	    "tx_bytes", (json_int_t)t->tx_bytes,
	    "total_bytes", (json_int_t)t->total_bytes,
	    "samples", (json_int_t)t->samples);
}

static void
print_json(const char *iface, enum bw_period p, int msd,
    const struct bw_total *tot, size_t n, const struct bw_total *sum)
{
	json_t	*root, *arr, *o;
	size_t	 k;

	if ((arr = json_array()) == NULL)
		errx(1, "out of memory");
	for (k = 0; k < n; k++) {
		o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
		    "label", tot[k].label,
		    "start", (json_int_t)tot[k].start,
		    "end", (json_int_t)tot[k].end,
		    "rx_bytes", (json_int_t)tot[k].rx_bytes,
		    "tx_bytes", (json_int_t)tot[k].tx_bytes,
		    "total_bytes", (json_int_t)tot[k].total_bytes,
		    "samples", (json_int_t)tot[k].samples,
		    "partial", tot[k].partial);
		if (o == NULL || json_array_append_new(arr, o) == -1)
			errx(1, "out of memory");
	}
	root = json_pack("{s:s, s:s, s:i, s:o, s:o}", "iface", iface,
	    "period", bw_period_name(p), "month_start_day", msd,
	    "periods", arr, "total", total_json(sum));
	if (root == NULL)
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

static const char *
log_name(enum bw_period p)
{
	switch (p) {
	case BW_PERIOD_DAY:
		return "daily_totals.log";
	case BW_PERIOD_WEEK:
		return "weekly_totals.log";
	case BW_PERIOD_MONTH:
		return "monthly_totals.log";
	}
	return "totals.log";
}

/*
 * Open the log for reading and appending.  A new one gets mode 0644
 * whatever the umask, since the web side reads it as another user.
 */
static int
open_log(const char *path, int *created)
{
	int	fd, tries;

	*created = 0;
	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
		if (fd != -1 || errno != ENOENT)
			return fd;
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd != -1) {
			if (fchmod(fd, 0644) == -1) {
				(void)close(fd);
				return -1;
			}
			*created = 1;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int
read_all(int fd, size_t size, char *buf, size_t *lenp)
{
	size_t	len = 0;
	ssize_t	n;

	while (len < size) {
		n = pread(fd, buf + len, size - len, (off_t)len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*lenp = len;
	return 0;
}

/*
 * Append line to the log at path unless a complete line there already
 * starts with key ("period,iface,").  The lock is held from the search to
 * the write, so runs at the same time append it once between them.  A
 * torn last line (a writer died) is ended first so ours stays whole.
 * Returns 1 appended, 0 already there, -1 with errno.
 */
static int
log_append(const char *path, const char *key, const char *line)
{
	struct stat	 st;
	char		*buf = NULL, *p, *end, *nl;
	size_t		 len = 0, keylen = strlen(key), linelen;
	int		 fd, rv = -1, saved, torn = 0, created;

	if ((fd = open_log(path, &created)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR)
			goto done;
	if (fstat(fd, &st) == -1)
		goto done;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto done;
	}
	if (st.st_size > LOG_MAX) {
		errno = EFBIG;
		goto done;
	}
	if ((buf = malloc((size_t)st.st_size + LINE_MAX_LEN + 2)) == NULL ||
	    read_all(fd, (size_t)st.st_size, buf, &len) == -1)
		goto done;
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			torn = 1;
			break;
		}
		if ((size_t)(nl - p) > keylen && memcmp(p, key, keylen) == 0) {
			rv = 0;
			goto done;
		}
	}
	/* One write(2) of the whole line, the torn line's end included. */
	linelen = strlen(line);
	if (torn)
		buf[0] = '\n';
	memcpy(buf + torn, line, linelen);
	if (bw_write_all(fd, buf, linelen + (size_t)torn) == -1 ||
	    fdatasync(fd) == -1 || (created && bw_fsync_dir(path) == -1))
		goto done;
	rv = 1;
done:
	saved = errno;
	free(buf);
	(void)close(fd);	/* drops the lock */
	errno = saved;
	return rv;
}

/*
 * Log the last completed period of iface; 0 or -1 (already reported).
 * An interface named with -i and without history ends the run, as the
 * table does.
 */
static int
append_iface(enum bw_period p, const char *dir, const char *iface,
    int named, int msd, int64_t now)
{
	struct bw_hist		 h;
	struct bw_total		 tot[2], sum;
	const struct bw_total	*t = &tot[0];
	const char		*name = log_name(p);
	char			 path[4096], key[64], line[LINE_MAX_LEN];
	int			 n, rv;

	if (read_hist(dir, iface, &h) == -1) {
		if (named && errno == ENOENT)
			no_history(dir, iface);
		warn("%s/bw_%s.csv", dir, iface);
		return -1;
	}
	rv = bw_totals(&h, p, msd, now, tot, 2, &sum);
	bw_hist_free(&h);
	if (rv == -1) {
		warn("%s: periods up to %lld", iface, (long long)now);
		return -1;
	}
	if (t->samples == 0) {
		(void)printf("%s: %s: no samples in %s, nothing to append\n",
		    name, iface, t->label);
		return 0;
	}
	(void)snprintf(key, sizeof(key), "%s,%s,", t->label, iface);
	n = snprintf(line, sizeof(line), "%s,%s,%lld,%lld,%lld,%lld,%lld,"
	    "%zu\n", t->label, iface, (long long)t->start, (long long)t->end,
	    (long long)t->rx_bytes, (long long)t->tx_bytes,
	    (long long)t->total_bytes, t->samples);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		warnx("%s: line too long", iface);
		return -1;
	}
	if (bw_path(path, sizeof(path), dir, name, NULL, NULL) == -1 ||
	    (rv = log_append(path, key, line)) == -1) {
		warn("%s/%s", dir, name);
		return -1;
	}
	if (rv == 1)
		(void)printf("%s: appended %.*s\n", name, n - 1, line);
	else
		(void)printf("%s: %s %s already present\n", name, t->label,
		    iface);
	return 0;
}

static int
append(const struct opts *o, const char *dir, int msd, int64_t now)
{
	char	names[BW_MAXIFACES][BW_IFNAMSIZ];
	int	n, i, rv = 0;

	if (o->iface != NULL) {
		(void)snprintf(names[0], sizeof(names[0]), "%s", o->iface);
		n = 1;
	} else if ((n = bw_data_ifaces(dir, names, BW_MAXIFACES)) == -1)
		err(1, "data directory %s", dir);
	else if (n == 0)
		errx(1, "no interface has history in %s yet", dir);
	for (i = 0; i < n; i++)
		if (append_iface(o->period, dir, names[i], o->iface != NULL,
		    msd, now) == -1)
			rv = -1;
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
	load_conf(o.conf, &conf);
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
		show(&o, dir, iface, conf.month_start_day, now);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return rv == 0 ? 0 : 1;
}
