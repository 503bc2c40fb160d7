/*
 * bwcollect: the cron sampler.  Reads the byte counters of each
 * interface from /proc/net/dev, compares them with the last reading kept
 * in state_<iface>.json, and appends one row per interface to
 * bw_<iface>.csv: ts,rx_bps,tx_bps,rx_bytes,tx_bytes,interval_s.
 *
 * The state is the commit point: it is replaced first, holding the new
 * reading together with the row that reading implies, and the row is
 * written after it.  A run killed in between leaves a state whose row is
 * missing from the history, and the next run writes it (apply_row()),
 * so at every instant the history and the state agree or are one
 * idempotent step apart: no interval is counted twice or lost.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "datadir.h"
#include "fileio.h"
#include "history.h"
#include "logfile.h"
#include "netdev.h"
#include "state.h"
#include "util.h"

#define MIN_INTERVAL	10	/* seconds: closer samples are skipped */
#define TRIM_EVERY	86400	/* retention is enforced once a day */
#define LOCK_WAIT	30	/* seconds to wait for another run */
#define TAIL_MAX	4096	/* what is read to find the last row */
#define NOMINAL		300	/* seconds between cron runs */

struct run {
	const char	*dir;
	struct bw_conf	 conf;
	double		 now;
	long long	 boot;		/* 0: unknown */
	char		 bootid[BW_BOOTID_LEN + 1];	/* "": unknown */
	int		 wrap32;	/* counters are 32 bits wide */
	int		 verbose;
};

/* Exit 2 with the synopsis on stderr; 0 is -h: options too, on stdout. */
static void __attribute__((noreturn))
usage(int status)
{
	static const char	synopsis[] =
	    "usage: bwcollect [-hVv] [-c conf] [-d datadir] [iface ...]\n";
	static const char	options[] =
	    "\n"
	    "  -c conf        read this configuration file (see bwmon.conf(5))\n"
	    "  -d datadir     the data directory (default /var/lib/bwmon)\n"
	    "  -h, --help     print this help and exit\n"
	    "  -V, --version  print the version and exit\n"
	    "  -v             say what was done for each interface\n"
	    "  iface ...      sample these (default: the ifaces key, else all "
	    "but lo)\n";

	bw_usage(synopsis, options, status == 0);
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
 * The kernel's boot_id, which names this boot: unlike the boot time,
 * which the kernel derives from the clock and which moves when the clock
 * is set, it changes only with a reboot.  "" when unknown.
 */
static void
read_bootid(char *out)
{
	char	path[PATH_MAX], *buf;
	size_t	len;

	out[0] = '\0';
	if (bw_path(path, sizeof(path), bw_procdir(),
	    "sys/kernel/random/boot_id", NULL, NULL) == -1 ||
	    bw_read_file(path, 64, &buf, &len) == -1)
		return;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (bw_bootid_valid(buf, len)) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	free(buf);
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

/*
 * The end of the history open on fd, from its last TAIL_MAX bytes: the
 * ts of its last row (0: none) and its last complete line, without the
 * newline ("" when none, or longer than size).
 */
static int
hist_tail(int fd, int64_t *lastts, char *line, size_t size)
{
	char		 buf[TAIL_MAX], *p, *end, *nl;
	size_t		 len;
	off_t		 fsize;
	struct bw_hist	 h;

	*lastts = 0;
	line[0] = '\0';
	if ((fsize = lseek(fd, 0, SEEK_END)) == -1 ||
	    bw_read_tail(fd, sizeof(buf), buf, &len) == -1)
		return -1;
	p = buf;
	end = buf + len;
	/* The first line is cut unless the file starts there. */
	if ((off_t)len < fsize) {
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return 0;
		p = nl + 1;
	}
	/* A torn last line is no line. */
	while (end > p && end[-1] != '\n')
		end--;
	if (end == p)
		return 0;
	if (bw_hist_parse(p, (size_t)(end - p), &h) == -1)
		return -1;
	if (h.n > 0)
		*lastts = h.rows[h.n - 1].ts;
	bw_hist_free(&h);
	end--;
	nl = memrchr(p, '\n', (size_t)(end - p));
	p = nl != NULL ? nl + 1 : p;
	if ((size_t)(end - p) < size) {
		memcpy(line, p, (size_t)(end - p));
		line[end - p] = '\0';
	}
	return 0;
}

/*
 * Where the first row of text whose ts is at or after ts starts (len
 * when there is none).  Every row before it is earlier, so readers take
 * the rows from there on just as they did in the whole text; what is not
 * a row (garbage, a torn last line) is never a cut.
 */
static size_t
cut_at(const char *text, size_t len, int64_t ts)
{
	const char	*p = text, *end = text + len, *nl, *q;
	struct bw_hist	 h;
	int64_t		 v;
	int		 row;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		for (v = 0, q = p; q < nl && isdigit((unsigned char)*q) &&
		    v < INT64_MAX / 10 - 10; q++)
			v = v * 10 + (*q - '0');
		if (q == p || (*q != ',' && *q != '.') || v < ts)
			continue;
		row = bw_hist_parse(p, (size_t)(nl + 1 - p), &h) == 0 &&
		    h.n == 1;
		bw_hist_free(&h);
		if (row)
			return (size_t)(p - text);
	}
	return len;
}

/*
 * Rewrite the history open on fd without its lines from the first row at
 * or after ts on, ending with row: one atomic replacement.
 */
static int
replace_from(const char *csv, int fd, int64_t ts, const char *row)
{
	char	*buf, *nb;
	size_t	 len, cut, rlen = strlen(row);
	int	 rv, saved;

	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    bw_read_fd(fd, BW_HIST_MAX, &buf, &len) == -1)
		return -1;
	cut = cut_at(buf, len, ts);
	if ((nb = realloc(buf, cut + rlen + 2)) == NULL) {
		saved = errno;
		free(buf);
		errno = saved;
		return -1;
	}
	/* Only when nothing is cut can the text end in a torn line. */
	if (cut > 0 && nb[cut - 1] != '\n')
		nb[cut++] = '\n';
	memcpy(nb + cut, row, rlen);
	nb[cut + rlen] = '\n';
	rv = bw_write_atomic(csv, nb, cut + rlen + 1);
	saved = errno;
	free(nb);
	errno = saved;
	return rv;
}

/*
 * Make the history end with row, the row a saved state committed to.
 * Nothing to do when its last complete line is that row; an append when
 * the last row is older; otherwise the rows at or after the row's time
 * are rows it replaces, and the file is rewritten without them, ending
 * with it.  Each step is idempotent, so the next run finishes what a
 * run killed anywhere in here began.  1: written; 0: it was there; -1:
 * error.
 */
static int
apply_row(const char *csv, const char *row)
{
	char		line[BW_ROW_MAX + 2], last[BW_ROW_MAX + 2];
	struct bw_log	l;
	int64_t		rts, lts;
	int		n, rv = -1, saved;

	rts = bw_row_ts(row, strlen(row));
	/* The one appender: locked, a torn line ended, a failure undone. */
	if (bw_log_open(csv, &l) == -1)
		return -1;
	if (hist_tail(l.fd, &lts, last, sizeof(last)) == -1)
		goto out;
	if (strcmp(last, row) == 0)
		rv = 0;
	else if (lts < rts) {
		n = snprintf(line, sizeof(line), "%s\n", row);
		if (bw_log_write(&l, line, (size_t)n) == 0)
			rv = 1;
	} else if (replace_from(csv, l.fd, rts, row) == 0)
		rv = 1;
out:
	saved = errno;
	bw_log_close(&l);
	errno = saved;
	return rv;
}

/* The ts of the history's last row; 0 when it has none or is absent. */
static int
hist_last(const char *csv, int64_t *lastts)
{
	char	line[BW_ROW_MAX + 2];
	int	fd, rv, saved;

	*lastts = 0;
	if ((fd = bw_open_regular(csv, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	rv = hist_tail(fd, lastts, line, sizeof(line));
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * Drop rows older than the retention period: one atomic rewrite of the
 * file, so a kill at any instant leaves either the old file or the new
 * one, and no row newer than the cutoff is ever lost.
 *
 * The cutoff comes from the clock, which may be wrong, so nothing is
 * dropped when the clock is more than the retention past every row, nor
 * while a row newer than the cutoff covers more than the retention: the
 * clock jumped ahead (or the machine was off that long), and the rows
 * before the jump wait until the rows after it span the retention too.
 */
static int
trim(const struct run *r, const char *csv, const char *ifname)
{
	char		*buf, *p, *nl;
	size_t		 len, i;
	long long	 ts;
	double		 cutoff, keep;
	size_t		 drop = 0;
	struct bw_hist	 h;

	keep = (double)r->conf.retention_days * 86400;
	cutoff = r->now - keep;
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
	if (drop > 0 && bw_hist_parse(buf + drop, len - drop, &h) == 0) {
		for (i = 0; i < h.n && h.rows[i].interval <= keep; i++)
			;
		if (h.n == 0)
			warnx("%s: every row is more than %d days older than "
			    "the clock (%.0f): not trimming, in case the clock "
			    "jumped ahead", csv, r->conf.retention_days,
			    r->now);
		else if (i < h.n && r->verbose)
			printf("%s: not trimming: the row of %lld covers "
			    "%.0f days, more than the retention\n", ifname,
			    (long long)h.rows[i].ts,
			    h.rows[i].interval / 86400);
		if (h.n == 0 || i < h.n)
			drop = 0;
		bw_hist_free(&h);
	}
	free(buf);
	/* The one trim of line files: atomic, under the appenders' lock. */
	if (drop > 0) {
		if (bw_log_trim(csv, bw_line_csv_ts, cutoff, 0, &drop) == -1)
			return -1;
		if (r->verbose)
			printf("%s: dropped %zu bytes of rows older than "
			    "%d days\n", ifname, drop, r->conf.retention_days);
	}
	return 0;
}

/*
 * The rows of a history at or after the clock's second, which a clock
 * that was ahead wrote, and the row before them.  Rows must follow each
 * other in time, so they cannot stay before the rows of a clock that is
 * right again: the next row takes their place and their bytes.  (If it
 * is the clock now that is behind, the rows it replaces were right, and
 * only their spread in time is lost: never a byte.)
 */
struct fold {
	size_t		n;		/* rows at or after the clock */
	uint64_t	rx, tx;		/* their bytes */
	double		secs;		/* the time they cover */
	double		first;		/* when the first of them starts */
	int64_t		from, to;	/* their ts */
	int64_t		kept;		/* ts of the last row before, 0: none */
};

/* sum + v bytes, v a reader's byte count, saturating (absurd rows). */
static uint64_t
add_bytes(uint64_t sum, double v)
{
	uint64_t	b;

	b = v >= 1.8e19 ? UINT64_MAX : v > 0 ? (uint64_t)(v + 0.5) : 0;
	return sum > UINT64_MAX - b ? UINT64_MAX : sum + b;
}

static int
fold_scan(const char *csv, int64_t ts, struct fold *f)
{
	char		*buf;
	size_t		 len, cut, head, i;
	int64_t		 last;
	struct bw_hist	 h;

	memset(f, 0, sizeof(*f));
	if (hist_last(csv, &last) == -1)
		return -1;
	if (last < ts) {
		f->kept = last;
		return 0;
	}
	if (bw_read_file(csv, BW_HIST_MAX, &buf, &len) == -1)
		return -1;
	/*
	 * apply_row() cuts at the very same place (see replace_from()).
	 * The rows before the cut are the first rows readers take from the
	 * whole text, so the rows after it are the rest, with the values
	 * readers give them.
	 */
	cut = cut_at(buf, len, ts);
	if (bw_hist_parse(buf, cut, &h) == -1)
		goto fail;
	f->kept = h.n > 0 ? h.rows[h.n - 1].ts : 0;
	head = h.n;
	bw_hist_free(&h);
	if (bw_hist_parse(buf, len, &h) == -1)
		goto fail;
	free(buf);
	for (i = head; i < h.n; i++) {
		f->rx = add_bytes(f->rx, h.rows[i].rx_bytes);
		f->tx = add_bytes(f->tx, h.rows[i].tx_bytes);
		f->secs += h.rows[i].interval;
	}
	if (h.n > head) {
		f->n = h.n - head;
		f->first = (double)h.rows[head].ts - h.rows[head].interval;
		f->from = h.rows[head].ts;
		f->to = h.rows[h.n - 1].ts;
	}
	bw_hist_free(&h);
	return 0;
fail:
	free(buf);
	return -1;
}

/*
 * How long the row that follows a clock gone back, or that replaces the
 * rows of f, covers: from where the first replaced row started, or the
 * last row kept ended; failing both, as long as the replaced rows
 * covered; failing that, one cron period.
 */
static double
fold_span(const struct run *r, const char *csv, const struct fold *f)
{
	double	start;

	if (f->n > 0 && f->first < r->now && f->first >= (double)f->kept)
		start = f->first;
	else if (f->kept > 0)
		start = (double)f->kept;
	else if (f->n > 0 && f->secs > 0 && f->secs < r->now)
		start = r->now - f->secs;
	else {
		warnx("%s: nothing tells when this row's interval began; it "
		    "is given %d s", csv, NOMINAL);
		start = r->now - NOMINAL;
	}
	return r->now - start >= 1 ? r->now - start : 1;
}

/*
 * Load state_<iface>.json.  1: loaded; 0: absent; -1: unusable (warned),
 * which the caller treats like absent: the counters are primed again;
 * -2: not a regular file (warned), which stops the interface until it
 * is removed.
 */
static int
state_load(const char *path, struct bw_state *st)
{
	struct bw_error	e;
	int		rv;

	if ((rv = bw_state_read(path, st, &e)) >= 0)
		return rv;
	if (errno == EINVAL) {
		warn_file(path, NULL);
		return -2;
	}
	if (errno == EBADMSG)
		warnx("%s: corrupt (%s), priming again", path, e.text);
	else
		warnx("%s: cannot read, priming again: %s", path, e.text);
	return -1;
}

/* Sample one interface.  0 on success (a row, a priming or a skip). */
static int
sample(const struct run *r, const struct bw_netdev *dev)
{
	char		 csv[PATH_MAX], spath[PATH_MAX];
	struct bw_state	 st, nst;
	struct fold	 f;
	double		 secs, span;
	uint64_t	 rx, tx;
	int64_t		 ts;
	int		 n, have, back, same_boot;

	if (bw_kind_path(csv, sizeof(csv), r->dir, BW_HISTORY, dev->name) ==
	    -1 || bw_kind_path(spath, sizeof(spath), r->dir, BW_STATE,
	    dev->name) == -1) {
		warn("%s", dev->name);
		return -1;
	}
	if ((have = state_load(spath, &st)) == -2)
		return -1;
	/* First finish what the last run committed to. */
	if (have == 1 && st.row[0] != '\0') {
		switch (apply_row(csv, st.row)) {
		case -1:
			warn_file(csv, "the last run's row");
			return -1;
		case 1:
			warnx("%s: wrote the row the last run saved but did "
			    "not write (it was killed or failed)", csv);
			break;
		}
	}
	memset(&nst, 0, sizeof(nst));
	nst.ts = r->now;
	nst.rx = dev->rx_bytes;
	nst.tx = dev->tx_bytes;
	nst.boot = r->boot;
	memcpy(nst.bootid, r->bootid, sizeof(nst.bootid));
	nst.trimmed = have == 1 ? st.trimmed : 0;
	if (have != 1) {
		if (bw_state_write(spath, &nst) == -1) {
			warn("%s", spath);
			return -1;
		}
		if (r->verbose)
			printf("%s: primed; the first row comes with the next "
			    "run\n", dev->name);
		return 0;
	}
	secs = r->now - st.ts;
	if ((back = secs < 0))
		warnx("%s: the clock went back %.0f s since the last sample",
		    dev->name, -secs);
	else if (secs < MIN_INTERVAL) {
		if (r->verbose)
			printf("%s: last sample %.1f s ago, skipped\n",
			    dev->name, secs);
		return 0;
	}

	/* A trim time in the future is the clock's doing too. */
	if (r->now - st.trimmed >= TRIM_EVERY || st.trimmed > r->now) {
		if (trim(r, csv, dev->name) == -1) {
			warn_file(csv, "retention");
			return -1;
		}
		nst.trimmed = r->now;
	}

	/*
	 * A new boot_id is a reboot.  Without one, a new boot time is: it
	 * moves when the clock is set, too, so boot_id is preferred.
	 */
	if (st.bootid[0] != '\0' && r->bootid[0] != '\0')
		same_boot = strcmp(st.bootid, r->bootid) == 0;
	else
		same_boot = st.boot == 0 || r->boot == 0 || st.boot == r->boot;
	/* When the clock went back, how long the interval was is unknown. */
	rx = counter_delta(r, st.rx, dev->rx_bytes, back ? INFINITY : secs,
	    same_boot, dev->name);
	tx = counter_delta(r, st.tx, dev->tx_bytes, back ? INFINITY : secs,
	    same_boot, dev->name);
	ts = (int64_t)floor(r->now);

	if (fold_scan(csv, ts, &f) == -1) {
		warn_file(csv, NULL);
		return -1;
	}
	if (!back && f.n == 0)
		span = secs;
	else
		span = fold_span(r, csv, &f);
	if (f.n > 0)
		warnx("%s: %zu row%s dated %lld to %lld, not before the clock "
		    "(%lld), replaced by this run's row, which holds their "
		    "bytes and covers %.0f s", csv, f.n, f.n == 1 ? "" : "s",
		    (long long)f.from, (long long)f.to, (long long)ts, span);
	if (span > (double)r->conf.retention_days * 86400)
		warnx("%s: %.0f days since the last sample, in one row (if the "
		    "clock jumped ahead, the rows it writes are folded into "
		    "the first row after it is set right)", dev->name,
		    span / 86400);
	rx = rx > UINT64_MAX - f.rx ? UINT64_MAX : rx + f.rx;
	tx = tx > UINT64_MAX - f.tx ? UINT64_MAX : tx + f.tx;

	n = snprintf(nst.row, sizeof(nst.row), "%lld,%.0f,%.0f,%llu,%llu,%.3f",
	    (long long)ts, (double)rx * 8 / span, (double)tx * 8 / span,
	    (unsigned long long)rx, (unsigned long long)tx, span);
	if (n < 0 || (size_t)n >= sizeof(nst.row)) {
		warnx("%s: row too long", csv);
		return -1;
	}
	/*
	 * The state with the row first: once it is saved the interval is
	 * committed, and a run killed before the row is written leaves it
	 * for the next run to write.  If the state cannot be saved nothing
	 * was written, and the next run covers both intervals.
	 */
	if (bw_state_write(spath, &nst) == -1) {
		warn("%s", spath);
		return -1;
	}
	if (apply_row(csv, nst.row) == -1) {
		warn_file(csv, "append (the next run writes the row)");
		return -1;
	}
	if (r->verbose)
		printf("%s: %.0f s, rx %llu bytes, tx %llu bytes\n", dev->name,
		    span, (unsigned long long)rx, (unsigned long long)tx);
	return 0;
}

/*
 * Whether name is the temporary file of a data file bwcollect replaces:
 * ".state_<iface>.json.XXXXXX" or ".bw_<iface>.csv.XXXXXX" (mkstemp(3)'s
 * six letters and digits), which only a killed run leaves behind.
 */
static int
stale_temp(const char *name)
{
	char		mid[NAME_MAX + 1], ifn[BW_IFNAMSIZ];
	size_t		len = strlen(name), i;
	enum bw_kind	k;

	if (len < 9 || name[0] != '.' || name[len - 7] != '.')
		return 0;
	for (i = 1; i <= 6; i++)
		if (!isalnum((unsigned char)name[len - 7 + i]))
			return 0;
	memcpy(mid, name + 1, len - 8);	/* "state_eth0.json", "bw_eth0.csv" */
	mid[len - 8] = '\0';
	return bw_kind_parse(mid, &k, ifn) == 0 &&
	    (k == BW_STATE || k == BW_HISTORY);
}

/*
 * Remove the temporary copies that runs killed while replacing a state
 * or trimming a history left behind.  Only bwcollect writes those files,
 * under the directory lock the caller holds, so every one is stale.
 */
static void
clean_temps(const struct run *r)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(r->dir)) == NULL) {
		warn("%s", r->dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!stale_temp(e->d_name))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == -1) {
			if (errno != ENOENT)
				warn("%s/%s", r->dir, e->d_name);
		} else if (r->verbose)
			printf("removed %s, left by a run that was killed\n",
			    e->d_name);
	}
	(void)closedir(d);
}

/*
 * Drop the state of interfaces gone from net/dev for retention_days (a
 * container host's veths come and go by the hundred), so that they stop
 * counting as interfaces; their history stays until removed by hand.
 * Only states whose last reading is that old go: an interface that
 * comes back within the retention keeps counting where it stopped.
 */
static void
drop_gone(const struct run *r, const struct bw_netdev *devs, int ndev)
{
	struct bw_ifaces	l;
	struct bw_state		st;
	struct bw_error		e;
	char			path[PATH_MAX];
	size_t			i;

	if (bw_ifaces_load(r->dir, &l) == -1)
		return;
	for (i = 0; i < l.n; i++) {
		if (!(l.v[i].kinds & BW_KIND_BIT(BW_STATE)) ||
		    bw_netdev_find(devs, ndev, l.v[i].name) != NULL ||
		    bw_kind_path(path, sizeof(path), r->dir, BW_STATE,
		    l.v[i].name) == -1 || bw_state_read(path, &st, &e) != 1 ||
		    st.ts >= r->now - (double)r->conf.retention_days * 86400)
			continue;
		if (unlink(path) == -1)
			warn("%s", path);
		else if (r->verbose)
			printf("%s: gone from net/dev since %.0f: its state "
			    "dropped\n", l.v[i].name, st.ts);
	}
	bw_ifaces_free(&l);
}

/* Serialise whole runs: cron and a person never sample at once. */
static int
lock_dir(const char *dir)
{
	char	path[PATH_MAX];
	int	fd, i;

	if (bw_dirfile_path(path, sizeof(path), dir, BW_COLLECT_LOCK) == -1)
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
	const char		*copt = NULL, *dopt = NULL;
	const char		**names;
	char			(*list)[BW_IFNAMSIZ];
	size_t			 pos;
	int			 ch, i, n, ndev, bad, lockfd, status = 0;
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};

	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "c:d:hVv", longopts, NULL)) !=
	    -1) {
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
			bw_version("bwcollect");
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
		(void)bw_iface_arg(NULL, argv[i]);

	bw_conf_cli(&r.conf, copt);
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
	clean_temps(&r);
	r.now = bw_now();
	if (bw_boottime(bw_procdir(), &r.boot) == -1)
		r.boot = 0;
	read_bootid(r.bootid);
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
		drop_gone(&r, devs, ndev);
	}
	free(devs);
	(void)close(lockfd);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return status;
}
