/*
 * bwcollect: the cron sampler.  Reads the byte counters of each
 * interface from /proc/net/dev, compares them with the last reading kept
 * in state_<iface>.json, and appends one row per interface to
 * bw_<iface>.csv: ts,rx_bps,tx_bps,rx_bytes,tx_bytes,interval_s.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "datadir.h"
#include "fileio.h"
#include "history.h"
#include "netdev.h"
#include "util.h"

#define MIN_INTERVAL	10	/* seconds: closer samples are skipped */
#define TRIM_EVERY	86400	/* retention is enforced once a day */
#define LOCK_WAIT	30	/* seconds to wait for another run */
#define STATE_MAX	4096

struct state {
	double		ts;
	uint64_t	rx, tx;
	long long	boot;		/* 0: unknown (a bwmon v1 state) */
	double		trimmed;
};

struct run {
	const char	*dir;
	struct bw_conf	 conf;
	double		 now;
	long long	 boot;		/* 0: unknown */
	int		 wrap32;	/* counters are 32 bits wide */
	int		 verbose;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: bwcollect [-hVv] [-c conf] [-d datadir] [iface ...]\n");
	exit(status);
}

static void
conf_warn(const struct bw_error *e)
{
	warnx("%s:%d: %s", e->file, e->line, e->text);
}

/* warn(3) about path, saying so when it is not a regular file. */
static void
warn_file(const char *path, const char *what)
{
	if (errno == EINVAL)
		warnx("%s: not a regular file (a FIFO, device or directory?); "
		    "remove it", path);
	else if (what != NULL)
		warn("%s: %s", path, what);
	else
		warn("%s", path);
}

/*
 * Load state_<iface>.json.  1: loaded; 0: absent; -1: unusable (warned),
 * which the caller treats like absent: the counters are primed again;
 * -2: not a regular file (warned), which stops the interface until it
 * is removed.
 */
static int
state_load(const char *path, struct state *st)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;
	json_int_t	 rx, tx;

	memset(st, 0, sizeof(*st));
	if (bw_read_file(path, STATE_MAX, &buf, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno == EINVAL) {
			warn_file(path, NULL);
			return -2;
		}
		warn("%s: cannot read, priming again", path);
		return -1;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (root == NULL) {
		warnx("%s: corrupt (line %d: %s), priming again", path,
		    jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_number(json_object_get(root, "ts")) ||
	    !json_is_integer(json_object_get(root, "rx")) ||
	    !json_is_integer(json_object_get(root, "tx")) ||
	    (rx = json_integer_value(json_object_get(root, "rx"))) < 0 ||
	    (tx = json_integer_value(json_object_get(root, "tx"))) < 0 ||
	    !isfinite(st->ts = json_number_value(json_object_get(root,
	    "ts"))) || st->ts < 0) {
		warnx("%s: corrupt (needs ts, rx and tx), priming again", path);
		json_decref(root);
		return -1;
	}
	st->rx = (uint64_t)rx;
	st->tx = (uint64_t)tx;
	if (json_is_integer(v = json_object_get(root, "boot_time")))
		st->boot = json_integer_value(v);
	if (json_is_number(v = json_object_get(root, "trimmed")))
		st->trimmed = json_number_value(v);
	json_decref(root);
	return 1;
}

static int
state_save(const char *path, const struct state *st)
{
	char	buf[256];
	int	n;

	n = snprintf(buf, sizeof(buf), "{\"ts\": %.3f, \"rx\": %llu, "
	    "\"tx\": %llu, \"boot_time\": %lld, \"trimmed\": %.0f}\n",
	    st->ts, (unsigned long long)st->rx, (unsigned long long)st->tx,
	    st->boot, st->trimmed);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EOVERFLOW;
		return -1;
	}
	/*
	 * No directory fsync: the rename can only be lost to a power cut or
	 * a crash, which reboots the machine and resets the counters, and a
	 * new boot time makes the next run count the bytes since boot,
	 * whichever state it finds.  The row itself is synced.
	 */
	return bw_write_atomic_sync(path, buf, (size_t)n, BW_SYNC_FILE);
}

/*
 * Whether counters wrap at 2^32: "counter_bits", else only on a 32-bit
 * system where no counter has gone past 2^32.  Guessing a wrap on a
 * 64-bit system turns every small reset into a spurious +4 GiB.
 */
static int
counters_wrap32(const struct bw_conf *c, const struct bw_netdev *devs,
    int n)
{
	int	i;

	if (c->counter_bits != 0)
		return c->counter_bits == 32;
	if (sizeof(long) > 4)
		return 0;
	for (i = 0; i < n; i++)
		if (devs[i].rx_bytes > UINT32_MAX ||
		    devs[i].tx_bytes > UINT32_MAX)
			return 0;
	return 1;
}

/*
 * Bytes moved since the last reading.  A counter that went down was
 * reset (reboot, driver reload, interface re-created) and the new value
 * counts as bytes since the reset, unless 32-bit counters wrapped within
 * the same boot.  A result above max_bps is never a real rate: it is
 * taken as a reset too, and failing that as nothing.
 */
static uint64_t
counter_delta(const struct run *r, uint64_t prev, uint64_t cur,
    double secs, int same_boot, const char *what)
{
	uint64_t	d, wrap;
	double		maxbytes = r->conf.max_bps * secs / 8;

	if (same_boot && cur >= prev)
		d = cur - prev;
	else if (same_boot && r->wrap32 && prev <= UINT32_MAX &&
	    (wrap = (UINT64_C(1) << 32) - prev + cur) <= maxbytes)
		d = wrap;
	else
		d = cur;
	if ((double)d > maxbytes) {
		warnx("%s: %llu bytes in %.0f s is above max_bps; "
		    "counting the counter as reset", what,
		    (unsigned long long)d, secs);
		d = (double)cur <= maxbytes ? cur : 0;
	}
	return d;
}

/* The last complete row's ts, or 0. */
static int64_t
last_row_ts(int fd)
{
	char		buf[512], *p;
	size_t		len;
	struct bw_hist	h;
	int64_t		ts = 0;

	if (bw_read_tail(fd, sizeof(buf), buf, &len) == -1 || len == 0)
		return 0;
	/* Keep only the last complete line. */
	while (len > 0 && buf[len - 1] != '\n')
		len--;
	if (len == 0)
		return 0;
	buf[len - 1] = '\0';
	p = strrchr(buf, '\n');
	p = p != NULL ? p + 1 : buf;
	len = strlen(p);
	p[len++] = '\n';
	if (bw_hist_parse(p, len, &h) == 0 && h.n == 1)
		ts = h.rows[0].ts;
	bw_hist_free(&h);
	return ts;
}

/*
 * Drop rows older than the retention period: one atomic rewrite of the
 * file, so a kill at any instant leaves either the old file or the new
 * one, and no row newer than the cutoff is ever lost.
 */
static int
trim(const struct run *r, const char *csv, const char *ifname)
{
	char		*buf, *p, *nl;
	size_t		 len;
	long long	 ts;
	double		 cutoff;
	size_t		 drop = 0;

	cutoff = r->now - (double)r->conf.retention_days * 86400;
	if (bw_read_file(csv, BW_HIST_MAX, &buf, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			break;
		ts = strtoll(p, NULL, 10);
		if (ts >= cutoff)
			break;
		drop = (size_t)(nl + 1 - buf);
	}
	if (drop > 0) {
		if (bw_write_atomic(csv, buf + drop, len - drop) == -1) {
			free(buf);
			return -1;
		}
		if (r->verbose)
			printf("%s: dropped %zu bytes of rows older than "
			    "%d days\n", ifname, drop, r->conf.retention_days);
	}
	free(buf);
	return 0;
}

/* Sample one interface.  0 on success (a row, a priming or a skip). */
static int
sample(const struct run *r, const struct bw_netdev *dev)
{
	char		 csv[PATH_MAX], spath[PATH_MAX], line[256];
	struct state	 st, nst;
	double		 secs;
	uint64_t	 rx, tx;
	off_t		 size;
	int64_t		 ts, last;
	int		 fd, n, have, same_boot, saved;

	if (bw_path(csv, sizeof(csv), r->dir, "bw_", dev->name, ".csv") ==
	    -1 || bw_path(spath, sizeof(spath), r->dir, "state_", dev->name,
	    ".json") == -1) {
		warn("%s", dev->name);
		return -1;
	}
	if ((have = state_load(spath, &st)) == -2)
		return -1;
	memset(&nst, 0, sizeof(nst));
	nst.ts = r->now;
	nst.rx = dev->rx_bytes;
	nst.tx = dev->tx_bytes;
	nst.boot = r->boot;
	nst.trimmed = have == 1 ? st.trimmed : 0;
	secs = r->now - st.ts;
	if (have == 1 && secs < 0)
		warnx("%s: the clock went back %.0f s since the last sample; "
		    "priming again", dev->name, -secs);
	if (have != 1 || secs < 0) {
		if (state_save(spath, &nst) == -1) {
			warn("%s", spath);
			return -1;
		}
		if (r->verbose)
			printf("%s: primed; the first row comes with the next "
			    "run\n", dev->name);
		return 0;
	}
	if (secs < MIN_INTERVAL) {
		if (r->verbose)
			printf("%s: last sample %.1f s ago, skipped\n",
			    dev->name, secs);
		return 0;
	}

	if (r->now - st.trimmed >= TRIM_EVERY) {
		if (trim(r, csv, dev->name) == -1) {
			warn_file(csv, "retention");
			return -1;
		}
		nst.trimmed = r->now;
	}

	same_boot = st.boot == 0 || r->boot == 0 || st.boot == r->boot;
	rx = counter_delta(r, st.rx, dev->rx_bytes, secs, same_boot,
	    dev->name);
	tx = counter_delta(r, st.tx, dev->tx_bytes, secs, same_boot,
	    dev->name);
	ts = (int64_t)floor(r->now);

	if ((fd = bw_open_regular(csv, O_RDWR | O_APPEND | O_CREAT,
	    0644)) == -1) {
		warn_file(csv, NULL);
		return -1;
	}
	if ((size = lseek(fd, 0, SEEK_END)) == -1) {
		warn("%s", csv);
		(void)close(fd);
		return -1;
	}
	last = last_row_ts(fd);
	if (ts <= last) {
		warnx("%s: the clock (%lld) is not past the last row (%lld); "
		    "no row this time", csv, (long long)ts, (long long)last);
		(void)close(fd);
		return state_save(spath, &nst) == -1 ? -1 : 0;
	}
	n = snprintf(line, sizeof(line), "%s%lld,%.0f,%.0f,%llu,%llu,%.3f\n",
	    bw_ends_torn(fd, size) ? "\n" : "", (long long)ts,
	    (double)rx * 8 / secs, (double)tx * 8 / secs,
	    (unsigned long long)rx, (unsigned long long)tx, secs);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		warnx("%s: row too long", csv);
		(void)close(fd);
		return -1;
	}
	if (bw_append_fd(fd, line, (size_t)n) == -1) {
		saved = errno;
		/* A partial line must not stay behind: cut back to before. */
		(void)ftruncate(fd, size);
		(void)close(fd);
		errno = saved;
		warn("%s: append", csv);
		return -1;
	}
	/*
	 * The row is on disk; the state must follow or the next run would
	 * count this interval again.  If it cannot be written, take the row
	 * back: the next run then covers both intervals.
	 */
	if (state_save(spath, &nst) == -1) {
		saved = errno;
		if (ftruncate(fd, size) == -1 || fdatasync(fd) == -1)
			warn("%s: cannot take the row back", csv);
		(void)close(fd);
		errno = saved;
		warn("%s", spath);
		return -1;
	}
	(void)close(fd);
	if (r->verbose)
		printf("%s: %.0f s, rx %llu bytes, tx %llu bytes\n", dev->name,
		    secs, (unsigned long long)rx, (unsigned long long)tx);
	return 0;
}

/* Serialise whole runs: cron and a person never sample at once. */
static int
lock_dir(const char *dir)
{
	char	path[PATH_MAX];
	int	fd, i;

	if (bw_path(path, sizeof(path), dir, ".bwcollect.lock", NULL, NULL) ==
	    -1)
		return -1;
	if ((fd = bw_open_regular(path, O_RDWR | O_CREAT, 0644)) == -1)
		return -1;
	for (i = 0; i < LOCK_WAIT * 10; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		(void)usleep(100000);
	}
	if (errno == EWOULDBLOCK)
		errno = EBUSY;
	(void)close(fd);
	return -1;
}

/*
 * Sample the interfaces named on the command line or in "ifaces".  One
 * that does not exist is reported with the list of those that do, and
 * the others are still sampled.  Returns the exit status.
 */
static int
sample_named(const struct run *r, const struct bw_netdev *devs, int ndev,
    const char **names, int n)
{
	const struct bw_netdev	*d;
	char			 have[1024];
	size_t			 len = 0;
	int			 i, k, status = 0;

	(void)snprintf(have, sizeof(have), "none");
	for (i = 0; i < ndev && len < sizeof(have); i++) {
		k = snprintf(have + len, sizeof(have) - len, "%s%s",
		    i ? ", " : "", devs[i].name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	for (i = 0; i < n; i++) {
		if ((d = bw_netdev_find(devs, ndev, names[i])) == NULL) {
			warnx("%s: no such interface in %s/net/dev "
			    "(have: %s)", names[i], bw_procdir(), have);
			status = 1;
		} else if (sample(r, d) == -1)
			status = 1;
	}
	return status;
}

int
main(int argc, char *argv[])
{
	struct run		 r;
	struct bw_netdev	*devs;
	const char		*copt = NULL, *dopt = NULL, *cpath;
	const char		**names;
	char			(*list)[BW_IFNAMSIZ];
	size_t			 pos;
	int			 ch, i, n, ndev, bad, lockfd, status = 0;

	memset(&r, 0, sizeof(r));
	while ((ch = getopt(argc, argv, "c:d:hVv")) != -1) {
		switch (ch) {
		case 'c':
			copt = optarg;
			break;
		case 'd':
			dopt = optarg;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("bwcollect bwmon %s\n", BW_VERSION);
			return 0;
		case 'v':
			r.verbose = 1;
			break;
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	for (i = 0; i < argc; i++)
		if (!bw_ifname_valid(argv[i]))
			errx(2, "bad interface name: %s", argv[i]);

	bw_conf_init(&r.conf);
	cpath = bw_confpath(copt);
	if (bw_conf_load(&r.conf, cpath, conf_warn) == -1 &&
	    (errno != ENOENT || copt != NULL || getenv("BWMON_CONF") != NULL))
		warn("%s", cpath);
	r.dir = bw_datadir(dopt);
	if (mkdir(r.dir, 0755) == -1 && errno != EEXIST)
		err(1, "data directory %s", r.dir);
	if ((lockfd = lock_dir(r.dir)) == -1) {
		if (errno == EINVAL)
			errx(1, "%s/.bwcollect.lock: not a regular file; "
			    "remove it", r.dir);
		err(1, "%s: lock%s", r.dir, errno == EBUSY ?
		    " held by another bwcollect for too long" : "");
	}
	r.now = bw_now();
	if (bw_boottime(bw_procdir(), &r.boot) == -1)
		r.boot = 0;
	if (bw_netdev_read(bw_procdir(), &devs, &ndev, &bad) == -1)
		err(1, "%s/net/dev", bw_procdir());
	r.wrap32 = counters_wrap32(&r.conf, devs, ndev);
	if (bad > 0)
		warnx("%s/net/dev: %d unreadable line%s skipped", bw_procdir(),
		    bad, bad == 1 ? "" : "s");

	if (argc > 0 || r.conf.nifaces > 0) {
		n = argc > 0 ? argc : r.conf.nifaces;
		if ((names = calloc((size_t)n, sizeof(*names))) == NULL ||
		    (list = calloc((size_t)n, sizeof(*list))) == NULL)
			err(1, NULL);
		pos = 0;
		for (i = 0; i < n && (argc > 0 ||
		    bw_conf_ifaces(&r.conf, &pos, list[i])); i++)
			names[i] = argc > 0 ? argv[i] : list[i];
		status = sample_named(&r, devs, ndev, names, i);
		free(names);
		free(list);
	} else {
		/*
		 * Every interface but lo (bwprocs' business) and the
		 * container-side ones of "ifaces_ignore".
		 */
		for (i = 0; i < ndev; i++)
			if (strcmp(devs[i].name, "lo") != 0 &&
			    !bw_iface_ignored(&r.conf, devs[i].name) &&
			    sample(&r, &devs[i]) == -1)
				status = 1;
	}
	free(devs);
	(void)close(lockfd);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return status;
}
