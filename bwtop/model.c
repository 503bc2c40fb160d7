/*
 * bwtop's model: the interfaces of <proc>/net/dev and of the data
 * directory, the current interface's live and procs files, read again
 * only when they change, and the figures the header shows.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bwtop.h"
#include "datadir.h"
#include "fileio.h"
#include "fmt.h"
#include "netdev.h"
#include "owners.h"
#include "procs.h"
#include "totals.h"

#define MAXIFS	1024		/* interfaces tracked */
#define TOT_SECS	5	/* the totals are read again this often */
#define MIN_DT	0.05	/* shortest span a rate is computed over */
#define EFTYPE_NOTREG	EINVAL	/* changed(): not a regular file */

/* A message, cut to fit: paths can be long, a screen line is not. */
static void __attribute__((format(printf, 3, 4)))
msgf(char *buf, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* The real clock: the graph's samples are placed by it, not BWMON_NOW. */
static double
wall_now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ifstat *
top_ifstat(const struct top *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nifs; i++)
		if (strcmp(t->ifs[i].name, name) == 0)
			return &t->ifs[i];
	return NULL;
}

/*
 * Find or add an interface, keeping the table sorted; NULL when out of
 * memory or full.  Adding moves entries: pointers into t->ifs do not
 * survive it.
 */
static struct ifstat *
if_add(struct top *t, const char *name)
{
	struct ifstat	*n;
	size_t		 i;
	int		 c = 1;

	for (i = 0; i < t->nifs; i++)
		if ((c = strcmp(t->ifs[i].name, name)) >= 0)
			break;
	if (i < t->nifs && c == 0)
		return &t->ifs[i];
	if (t->nifs >= MAXIFS ||
	    (n = reallocarray(t->ifs, t->nifs + 1, sizeof(*n))) == NULL)
		return NULL;
	t->ifs = n;
	memmove(&t->ifs[i + 1], &t->ifs[i], (t->nifs - i) * sizeof(*n));
	t->nifs++;
	memset(&t->ifs[i], 0, sizeof(*n));
	(void)snprintf(t->ifs[i].name, sizeof(t->ifs[i].name), "%s", name);
	t->ifs[i].rx_bps = t->ifs[i].tx_bps = NAN;
	return &t->ifs[i];
}

/* Forget interfaces that are gone from both net/dev and the directory. */
static void
if_prune(struct top *t)
{
	size_t	i, j;

	for (i = j = 0; i < t->nifs; i++) {
		if (!t->ifs[i].in_netdev && !t->ifs[i].has_files &&
		    strcmp(t->ifs[i].name, t->iface) != 0)
			continue;
		if (i != j)
			t->ifs[j] = t->ifs[i];
		j++;
	}
	t->nifs = j;
}

static void
own_push(struct top *t, double end, double dur, double rx, double tx)
{
	struct sample	*s = &t->own[t->own_head];

	s->end = end;
	s->dur = dur;
	s->rx = rx;
	s->tx = tx;
	t->own_head = (t->own_head + 1) % OWN_RING;
	if (t->nown < OWN_RING)
		t->nown++;
}

/*
 * Read net/dev: every interface's rate since the last reading and its
 * bytes since bwtop first saw it.  A counter that went back (the
 * interface was recreated, or a driver reset it) starts over.
 */
static void
read_netdev(struct top *t)
{
	struct bw_netdev	*devs = NULL;
	struct ifstat		*s;
	double			 mono = bw_mono(), dt, drx, dtx;
	int			 n, i;
	size_t			 k;

	/* Too soon after the last reading for a rate to mean anything. */
	if (t->nd_mono > 0 && mono - t->nd_mono < MIN_DT)
		return;
	if (bw_netdev_read(t->procdir, &devs, &n, NULL) == -1) {
		msgf(t->nd_err, sizeof(t->nd_err),
		    "cannot read %s/net/dev: %s", t->procdir,
		    strerror(errno));
		for (k = 0; k < t->nifs; k++) {
			t->ifs[k].in_netdev = 0;
			t->ifs[k].rx_bps = t->ifs[k].tx_bps = NAN;
		}
		return;
	}
	t->nd_err[0] = '\0';
	dt = t->nd_mono > 0 ? mono - t->nd_mono : 0;
	for (k = 0; k < t->nifs; k++)
		t->ifs[k].in_netdev = 0;
	for (i = 0; i < n; i++) {
		if ((s = if_add(t, devs[i].name)) == NULL)
			continue;
		s->in_netdev = 1;
		if (!s->primed) {
			if (!s->has_total) {
				s->has_total = 1;
				s->since = t->now;
			}
		} else if (devs[i].rx_bytes >= s->rx &&
		    devs[i].tx_bytes >= s->tx) {
			drx = (double)(devs[i].rx_bytes - s->rx);
			dtx = (double)(devs[i].tx_bytes - s->tx);
			s->rx_total += drx;
			s->tx_total += dtx;
			if (dt > 0) {
				s->rx_bps = drx * 8 / dt;
				s->tx_bps = dtx * 8 / dt;
			}
		} else
			s->rx_bps = s->tx_bps = NAN;
		s->rx = devs[i].rx_bytes;
		s->tx = devs[i].tx_bytes;
		s->primed = 1;
	}
	free(devs);
	for (k = 0; k < t->nifs; k++)
		if (!t->ifs[k].in_netdev) {
			t->ifs[k].primed = 0;
			t->ifs[k].rx_bps = t->ifs[k].tx_bps = NAN;
		}
	if (dt > 0 && (s = top_ifstat(t, t->iface)) != NULL &&
	    s->in_netdev && !isnan(s->rx_bps))
		own_push(t, wall_now(), dt, s->rx_bps, s->tx_bps);
	t->nd_mono = mono;
}

/*
 * Whether path changed since fs was taken: 1 (fs updated), 0, or -1
 * with errno.  A symbolic link is refused as the readers refuse it, and
 * with reg set anything but a regular file.
 */
static int
changed(const char *path, struct fstamp *fs, int reg)
{
	struct stat	st;

	if (lstat(path, &st) == -1) {
		fs->valid = 0;
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		fs->valid = 0;
		errno = ELOOP;
		return -1;
	}
	if (reg && !S_ISREG(st.st_mode)) {
		fs->valid = 0;
		errno = EFTYPE_NOTREG;
		return -1;
	}
	if (fs->valid && fs->dev == st.st_dev && fs->ino == st.st_ino &&
	    fs->size == st.st_size && fs->mtim.tv_sec == st.st_mtim.tv_sec &&
	    fs->mtim.tv_nsec == st.st_mtim.tv_nsec)
		return 0;
	fs->valid = 1;
	fs->dev = st.st_dev;
	fs->ino = st.st_ino;
	fs->size = st.st_size;
	fs->mtim = st.st_mtim;
	return 1;
}

/* Note which interfaces have a live_, procs_ or hosts_ file. */
static void
scan_dir(struct top *t)
{
	struct bw_ifaces	 l;
	struct ifstat		*s;
	size_t			 k;

	if (changed(t->dir, &t->dir_st, 0) == 0)
		return;
	for (k = 0; k < t->nifs; k++)
		t->ifs[k].has_files = 0;
	if (bw_ifaces_load(t->dir, &l) == -1)
		return;
	for (k = 0; k < l.n; k++)
		if ((l.v[k].kinds & (BW_KIND_BIT(BW_LIVE) |
		    BW_KIND_BIT(BW_PROCS) | BW_KIND_BIT(BW_HOSTS))) &&
		    (s = if_add(t, l.v[k].name)) != NULL)
			s->has_files = 1;
	bw_ifaces_free(&l);
}

/* What went wrong reading a file, without its name. */
static void
read_error(char *buf, size_t size, const char *what, int errnum,
    const struct bw_error *e)
{
	if (errnum == ENOENT)
		msgf(buf, size, "does not exist");
	else if (errnum == EFTYPE_NOTREG)
		msgf(buf, size, "is not a regular file");
	else if (errnum != EBADMSG)
		msgf(buf, size, "cannot be read: %s", strerror(errnum));
	else if (e->line > 0)
		msgf(buf, size, "is not a valid %s file: line %d: %s", what,
		    e->line, e->text);
	else
		msgf(buf, size, "is not a valid %s file: %s", what, e->text);
}

/*
 * Count the live samples of an interface net/dev does not list (it lives
 * in another network namespace, or the data directory came from another
 * host) into its totals: its counters are not ours to read.
 */
static void
live_totals(struct top *t)
{
	struct ifstat	*s = top_ifstat(t, t->iface);
	const struct bw_live *l = t->live;
	size_t		 i;

	if (s == NULL || s->in_netdev || l->nsamples == 0)
		return;
	if (!s->has_total) {
		s->has_total = 1;
		s->since = t->now;
		s->live_last = l->samples[l->nsamples - 1].ts;
		return;
	}
	for (i = 0; i < l->nsamples; i++)
		if (l->samples[i].ts > s->live_last) {
			s->rx_total += l->samples[i].rx_bps * l->interval / 8;
			s->tx_total += l->samples[i].tx_bps * l->interval / 8;
		}
	s->live_last = l->samples[l->nsamples - 1].ts;
}

static void
read_live(struct top *t)
{
	struct bw_error	e;
	char		path[4096];
	int		r;

	memset(&e, 0, sizeof(e));
	if (bw_kind_path(path, sizeof(path), t->dir, BW_LIVE, t->iface) ==
	    -1 || (r = changed(path, &t->live_st, 1)) == -1) {
		t->live_loaded = 0;
		t->live_state = errno == ENOENT ? FS_MISSING : FS_ERROR;
		read_error(t->live_err, sizeof(t->live_err), "live", errno, &e);
		return;
	}
	if (r == 1) {
		t->live_loaded = 0;
		if (bw_live_read(path, t->live, &e) == -1) {
			t->live_state = FS_ERROR;
			read_error(t->live_err, sizeof(t->live_err), "live",
			    errno, &e);
			return;
		}
		t->live_loaded = 1;
		live_totals(t);
	}
	if (t->live_loaded)
		t->live_state = bw_live_stale(t->live, t->now) ? FS_STALE :
		    FS_OK;
}

/*
 * Whether an alert of the interface is open: the last record of its
 * alerts log is a FIRED (lib/eventlog.c).  Read again when the log
 * changes.
 */
static void
read_alert(struct top *t)
{
	char	path[4096];
	int	r, fd;

	if (bw_kind_path(path, sizeof(path), t->dir, BW_ALERTS, t->iface) ==
	    -1 || (r = changed(path, &t->alert_st, 1)) == -1) {
		t->alert_open = 0;
		return;
	}
	if (r == 0)
		return;
	t->alert_open = 0;
	if ((fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	t->alert_open = bw_alert_open(fd, t->iface, &t->alert) == 1;
	(void)close(fd);
}

/*
 * An open alert in words, or "": "ALERT since 13:06: 54.1 Mbps average;
 * top: iperf3[4711]", or with brief set "ALERT since 13:06".
 */
void
top_alert_line(const struct top *t, char *buf, size_t size, int brief)
{
	const struct bw_event	*e = &t->alert;
	char			 when[32], r[BW_FMTLEN], who[BW_EV_NAMESZ];

	buf[0] = '\0';
	if (!t->alert_open)
		return;
	(void)bw_fmt_time(when, sizeof(when), (int64_t)e->ts,
	    t->now - e->ts < 86400 ? "%H:%M" : "%Y-%m-%d %H:%M");
	if (brief) {
		msgf(buf, size, "ALERT since %s", when);
		return;
	}
	(void)text_fit(who, sizeof(who), e->top, 24, 0, 0);
	msgf(buf, size, "ALERT since %s: %s average%s%s", when,
	    isnan(e->rate_bps) ? "-" : text_rate(r, sizeof(r), e->rate_bps),
	    e->top[0] != '\0' ? "; top: " : "", who);
	if (e->top[0] != '\0' && e->top_pid > 0)
		msgf(buf + strlen(buf), size - strlen(buf), "[%lld]",
		    e->top_pid);
}

/*
 * How to run bwprocs by hand for the interface: in the foreground, on
 * the data directory bwtop reads when it is not the default one.
 */
void
top_bwprocs_cmd(const struct top *t, char *buf, size_t size)
{
	if (strcmp(t->dir, BW_DEFAULT_DATADIR) == 0)
		msgf(buf, size, "bwprocs -f %s", t->iface);
	else if (t->dir[strcspn(t->dir, " \t\n'\"\\$`;&|<>()*?[]#~!{}")] ==
	    '\0')
		msgf(buf, size, "bwprocs -f -d %s %s", t->dir, t->iface);
	else
		msgf(buf, size, "bwprocs -f -d '%s' %s", t->dir, t->iface);
}

/* A file of the interface that is read again only when it changes. */
struct watched {
	enum bw_kind	 k;
	const char	*what;		/* for messages: "procs" */
	char		*path;		/* PATHLEN */
	struct fstamp	*st;
	enum fstate	*state;
	char		*err;		/* MSGLEN */
	int		*loaded;
	void		*doc;
	int		(*read)(const char *, void *, struct bw_error *);
	void		(*clear)(void *);
	int		(*stale)(const void *, double);
};

/* Read w's file when it changed, and judge its state. */
static void
reread(struct top *t, const struct watched *w)
{
	struct bw_error	e;
	int		r;

	memset(&e, 0, sizeof(e));
	if (bw_kind_path(w->path, PATHLEN, t->dir, w->k, t->iface) == -1 ||
	    (r = changed(w->path, w->st, 1)) == -1) {
		w->clear(w->doc);
		*w->loaded = 0;
		*w->state = errno == ENOENT ? FS_MISSING : FS_ERROR;
		read_error(w->err, MSGLEN, w->what, errno, &e);
		return;
	}
	if (r == 1) {
		w->clear(w->doc);
		*w->loaded = 0;
		if (w->read(w->path, w->doc, &e) == -1) {
			*w->state = FS_ERROR;
			read_error(w->err, MSGLEN, w->what, errno, &e);
			return;
		}
		*w->loaded = 1;
	}
	if (*w->loaded)
		*w->state = w->stale(w->doc, t->now) ? FS_STALE : FS_OK;
}

static int
procs_read(const char *path, void *doc, struct bw_error *e)
{
	return bw_procs_read(path, doc, e);
}

static void
procs_clear(void *doc)
{
	bw_procs_free(doc);
}

static int
procs_stale(const void *doc, double now)
{
	return bw_procs_stale(doc, now);
}

static void
read_procs(struct top *t)
{
	const struct watched	w = { BW_PROCS, "procs", t->procs_path,
	    &t->procs_st, &t->procs_state, t->procs_err, &t->procs_loaded,
	    &t->procs, procs_read, procs_clear, procs_stale };

	reread(t, &w);
}

static int
hosts_read(const char *path, void *doc, struct bw_error *e)
{
	return bw_lanhosts_read(path, doc, e);
}

static void
hosts_clear(void *doc)
{
	bw_lanhosts_free(doc);
}

static int
hosts_stale(const void *doc, double now)
{
	return bw_lanhosts_stale(doc, now);
}

/* The hosts file of the interface, on a router's LAN. */
static void
read_hosts(struct top *t)
{
	const struct watched	w = { BW_HOSTS, "hosts", t->hosts_path,
	    &t->hosts_st, &t->hosts_state, t->hosts_err, &t->hosts_loaded,
	    &t->hosts, hosts_read, hosts_clear, hosts_stale };

	reread(t, &w);
}

int
top_live_fresh(const struct top *t)
{
	return t->live_loaded && t->live_state == FS_OK &&
	    t->live->nsamples > 0;
}

/* The header's "now": live file, else net/dev, else the procs file. */
static void
header_rates(struct top *t)
{
	const struct ifstat	*s = top_ifstat(t, t->iface);
	const struct bw_live_sample *ls;

	t->rx_now = t->tx_now = NAN;
	t->src = NULL;
	if (top_live_fresh(t)) {
		ls = &t->live->samples[t->live->nsamples - 1];
		t->rx_now = ls->rx_bps;
		t->tx_now = ls->tx_bps;
		t->src = "live";
	} else if (s != NULL && s->in_netdev && !isnan(s->rx_bps)) {
		t->rx_now = s->rx_bps;
		t->tx_now = s->tx_bps;
		t->src = "net/dev";
	} else if (t->procs_loaded && t->procs_state == FS_OK &&
	    !isnan(t->procs.rx_bps) && !isnan(t->procs.tx_bps)) {
		t->rx_now = t->procs.rx_bps;
		t->tx_now = t->procs.tx_bps;
		t->src = "procs";
	}
}

void
top_update(struct top *t)
{
	t->now = bw_now();
	read_netdev(t);
	scan_dir(t);
	/* Keep the totals through a failed reading of net/dev. */
	if (t->nd_err[0] == '\0')
		if_prune(t);
	read_live(t);
	read_procs(t);
	read_alert(t);
	read_hosts(t);
	header_rates(t);
}

int
top_init(struct top *t, const char *dir, const char *procdir,
    double interval)
{
	memset(t, 0, sizeof(*t));
	t->dir = dir;
	t->procdir = procdir;
	t->interval = interval;
	t->rx_now = t->tx_now = NAN;
	if ((t->live = calloc(1, sizeof(*t->live))) == NULL)
		return -1;
	t->now = bw_now();
	read_netdev(t);
	scan_dir(t);
	return 0;
}

void
top_free(struct top *t)
{
	bw_top_free(&t->tot);
	bw_procs_free(&t->procs);
	bw_lanhosts_free(&t->hosts);
	free(t->live);
	free(t->ifs);
	t->live = NULL;
	t->ifs = NULL;
	t->nifs = 0;
}

/* Show another interface: its files are read now, its graph starts. */
void
top_set_iface(struct top *t, const char *name)
{
	(void)snprintf(t->iface, sizeof(t->iface), "%s", name);
	t->own_head = t->nown = 0;
	t->live_st.valid = t->procs_st.valid = t->alert_st.valid = 0;
	t->hosts_st.valid = 0;
	t->alert_open = 0;
	t->live_loaded = 0;
	bw_procs_free(&t->procs);
	t->procs_loaded = 0;
	bw_lanhosts_free(&t->hosts);
	t->hosts_loaded = 0;
	t->now = bw_now();
	read_live(t);
	read_procs(t);
	read_hosts(t);
	header_rates(t);
}

/*
 * Each program's bytes of the day or month (from month_start_day) that
 * holds now, from the owner history bwprocs keeps, busiest first, in
 * t->tot; read again every TOT_SECS seconds, and at once for another
 * period or interface.  0, or -1 with what is missing in t->tot_err
 * (lines split by '\n').
 */
int
top_totals(struct top *t, enum bw_period p)
{
	int64_t	now = (int64_t)floor(bw_now());
	int	fd;

	if (t->tot_state != 0 && p == t->tot_period &&
	    strcmp(t->tot_iface, t->iface) == 0 &&
	    bw_mono() - t->tot_mono < TOT_SECS)
		return t->tot_state == 1 ? 0 : -1;
	bw_top_free(&t->tot);
	t->tot_period = p;
	(void)snprintf(t->tot_iface, sizeof(t->tot_iface), "%s", t->iface);
	t->tot_mono = bw_mono();
	t->tot_state = -1;
	if (bw_period_start(now, p, t->msd, &t->tot_from) == -1) {
		msgf(t->tot_err, sizeof(t->tot_err), "no %s holds %lld",
		    bw_period_name(p), (long long)now);
		return -1;
	}
	if ((fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    bw_owners_top(fd, t->iface, t->tot_from, now + 1, BW_BY_PROGRAM, 0,
	    &t->tot) == -1) {
		msgf(t->tot_err, sizeof(t->tot_err), "the owner history of %s "
		    "in %s: %s", t->iface, t->dir, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (t->tot.first == 0 && t->tot.rows == 0) {
		msgf(t->tot_err, sizeof(t->tot_err), "No owner history for %s "
		    "in %s.\nbwprocs keeps it while it runs (owners_interval in "
		    "bwmon.conf).", t->iface, t->dir);
		(void)close(fd);
		return -1;
	}
	(void)bw_top_cmdlines(fd, t->iface, &t->tot);
	(void)close(fd);
	t->tot_state = 1;
	return 0;
}

/* The next (dir 1) or previous (-1) interface by name. */
void
top_next_iface(struct top *t, int dir)
{
	size_t	i;

	if (t->nifs == 0)
		return;
	for (i = 0; i < t->nifs; i++)
		if (strcmp(t->ifs[i].name, t->iface) == 0)
			break;
	if (i == t->nifs)
		i = 0;
	else if (dir > 0)
		i = (i + 1) % t->nifs;
	else
		i = (i + t->nifs - 1) % t->nifs;
	top_set_iface(t, t->ifs[i].name);
}

/*
 * The last ncols seconds of RX and TX, oldest first, one value per
 * second, NAN where nothing is known: from the live file when it is
 * fresh, else from bwtop's own readings.  Returns 0 when there is no
 * data at all.
 */
int
top_graph(const struct top *t, int ncols, double *rx, double *tx)
{
	const struct bw_live	*l = t->live;
	const struct sample	*s;
	double			 end, mid;
	size_t			 i, k;
	int			 c, any = 0;

	for (c = 0; c < ncols; c++)
		rx[c] = tx[c] = NAN;
	if (top_live_fresh(t)) {
		end = l->samples[l->nsamples - 1].ts;
		for (c = 0; c < ncols; c++) {
			mid = end - (ncols - 1 - c) - 0.5;
			for (i = l->nsamples; i-- > 0;) {
				if (l->samples[i].ts - l->interval >= mid)
					continue;
				if (l->samples[i].ts >= mid) {
					rx[c] = l->samples[i].rx_bps;
					tx[c] = l->samples[i].tx_bps;
					any = 1;
				}
				break;
			}
		}
		return any;
	}
	if (t->nown == 0)
		return 0;
	end = t->own[(t->own_head + OWN_RING - 1) % OWN_RING].end;
	for (c = 0; c < ncols; c++) {
		mid = end - (ncols - 1 - c) - 0.5;
		for (k = 0; k < t->nown; k++) {
			s = &t->own[(t->own_head + OWN_RING - 1 - k) %
			    OWN_RING];
			if (s->end - s->dur >= mid)
				continue;
			if (s->end >= mid) {
				rx[c] = s->rx;
				tx[c] = s->tx;
				any = 1;
			}
			break;
		}
	}
	return any;
}

/* One line on the state of the per-process data. */
void
top_procs_line(const struct top *t, char *buf, size_t size)
{
	char	age[32], iv[32], cmd[MSGLEN];

	switch (t->procs_state) {
	case FS_OK:
		(void)text_age(age, sizeof(age), t->now - t->procs.ts);
		if (t->procs.interval > 0)
			msgf(iv, sizeof(iv), ", every %.1f s",
			    t->procs.interval);
		else
			iv[0] = '\0';
		msgf(buf, size, "per-process data: procs_%s.json, %s old%s%s",
		    t->iface, age, iv, t->procs.version < 2 ?
		    " (bwmon 1 file: rates only)" : "");
		break;
	case FS_STALE:
		(void)text_age(age, sizeof(age), t->now - t->procs.ts);
		top_bwprocs_cmd(t, cmd, sizeof(cmd));
		msgf(buf, size, "per-process data is STALE: procs_%s.json is "
		    "%s old: bwprocs is not running (systemctl start "
		    "bwprocs@%s, or: %s)", t->iface, age, t->iface, cmd);
		break;
	case FS_MISSING:
		top_bwprocs_cmd(t, cmd, sizeof(cmd));
		msgf(buf, size, "NO per-process data: bwprocs is not running "
		    "for %s (systemctl start bwprocs@%s, or: %s)",
		    t->iface, t->iface, cmd);
		break;
	case FS_ERROR:
		msgf(buf, size, "per-process data UNUSABLE: procs_%s.json %s",
		    t->iface, t->procs_err);
		break;
	}
}

/*
 * What the Processes and Connections views say when the per-process
 * data is not current, in lines that fit 80 columns when they can: up
 * to max lines, the count returned.
 */
int
top_procs_notice(const struct top *t, char (*l)[MSGLEN], int max)
{
	char	age[32], when[32], cmd[MSGLEN];
	int	n = 0;

#define LINE(...) do {							\
	if (n < max)							\
		msgf(l[n++], MSGLEN, __VA_ARGS__);			\
} while (0)
	switch (t->procs_state) {
	case FS_OK:
		break;
	case FS_MISSING:
		LINE("No per-process data for %s: bwprocs is not running for "
		    "it", t->iface);
		LINE("(%s does not exist).", t->procs_path);
		LINE("Start it with:   systemctl start bwprocs@%s", t->iface);
		top_bwprocs_cmd(t, cmd, sizeof(cmd));
		LINE("or run it by hand, as root:   %s", cmd);
		LINE("The interface rates above do not need it.");
		break;
	case FS_STALE:
		(void)text_age(age, sizeof(age), t->now - t->procs.ts);
		(void)bw_fmt_time(when, sizeof(when), (int64_t)t->procs.ts,
		    "%Y-%m-%d %H:%M:%S");
		LINE("Per-process data is STALE: procs_%s.json is %s old,",
		    t->iface, age);
		LINE("written %s: bwprocs has stopped.  Start it with", when);
		top_bwprocs_cmd(t, cmd, sizeof(cmd));
		LINE("    systemctl start bwprocs@%s    (or, as root: %s)",
		    t->iface, cmd);
		LINE("The rows below are that old data.");
		break;
	case FS_ERROR:
		LINE("Per-process data cannot be shown: %s", t->procs_path);
		LINE("  %s.", t->procs_err);
		LINE("bwprocs writes this file.  Is it running?   systemctl "
		    "status bwprocs@%s", t->iface);
		break;
	}
#undef LINE
	return n;
}

struct sortarg {
	enum sortkey	key;
	int		cumulative;
};

/*
 * What a row sorts by: its bytes so far (-1 when it has none) or its
 * rates now, sent, received or both.
 */
static double
sort_value(const struct sortarg *a, int has_bytes, uint64_t txb,
    uint64_t rxb, double txr, double rxr)
{
	double	tx, rx;

	if (a->cumulative) {
		if (!has_bytes)
			return -1;
		tx = (double)txb;
		rx = (double)rxb;
	} else {
		tx = isnan(txr) ? 0 : txr;
		rx = isnan(rxr) ? 0 : rxr;
	}
	return a->key == SORT_SENT ? tx : a->key == SORT_RECV ? rx : tx + rx;
}

static double
proc_key(const struct bw_proc *p, const struct sortarg *a)
{
	return sort_value(a, p->has_bytes, p->tx_bytes, p->rx_bytes,
	    p->tx_bps, p->rx_bps);
}

static int
cmp_proc(const void *a, const void *b, void *arg)
{
	const struct bw_proc	*p = *(const struct bw_proc *const *)a;
	const struct bw_proc	*q = *(const struct bw_proc *const *)b;
	double			 x = proc_key(p, arg);
	double			 y = proc_key(q, arg);
	int			 c;

	if (x != y)
		return x > y ? -1 : 1;
	if ((c = strcmp(p->name, q->name)) != 0)
		return c;
	return p->pid < q->pid ? -1 : p->pid > q->pid;
}

/* The process rows in display order into out (nprocs slots). */
size_t
top_sort_procs(const struct top *t, enum sortkey key, int cumulative,
    const struct bw_proc **out)
{
	struct sortarg	a = { key, cumulative };
	size_t		i;

	if (!t->procs_loaded)
		return 0;
	for (i = 0; i < t->procs.nprocs; i++)
		out[i] = &t->procs.procs[i];
	qsort_r(out, t->procs.nprocs, sizeof(*out), cmp_proc, &a);
	return t->procs.nprocs;
}

static double
conn_key(const struct bw_conn *p, const struct sortarg *a)
{
	return sort_value(a, p->has_bytes, p->tx_bytes, p->rx_bytes,
	    p->tx_bps, p->rx_bps);
}

static int
cmp_conn(const void *a, const void *b, void *arg)
{
	const struct bw_conn	*p = *(const struct bw_conn *const *)a;
	const struct bw_conn	*q = *(const struct bw_conn *const *)b;
	double			 x = conn_key(p, arg);
	double			 y = conn_key(q, arg);
	int			 c;

	if (x != y)
		return x > y ? -1 : 1;
	if ((c = strcmp(p->remote, q->remote)) != 0)
		return c;
	return strcmp(p->local, q->local);
}

size_t
top_sort_conns(const struct top *t, enum sortkey key, int cumulative,
    const struct bw_conn **out)
{
	struct sortarg	a = { key, cumulative };
	size_t		i;

	if (!t->procs_loaded)
		return 0;
	for (i = 0; i < t->procs.nconns; i++)
		out[i] = &t->procs.conns[i];
	qsort_r(out, t->procs.nconns, sizeof(*out), cmp_conn, &a);
	return t->procs.nconns;
}

static double
host_key(const struct bw_lanhost *h, const struct sortarg *a)
{
	return sort_value(a, 1, h->tx, h->rx, h->tx_bps, h->rx_bps);
}

static int
cmp_host(const void *a, const void *b, void *arg)
{
	const struct bw_lanhost	*p, *q;
	double			 x, y;

	p = *(const struct bw_lanhost *const *)a;
	q = *(const struct bw_lanhost *const *)b;
	x = host_key(p, arg);
	y = host_key(q, arg);

	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(p->id, q->id);
}

/* The LAN devices in display order into out (hosts.n slots). */
size_t
top_sort_hosts(const struct top *t, enum sortkey key, int cumulative,
    const struct bw_lanhost **out)
{
	struct sortarg	a = { key, cumulative };
	size_t		i;

	if (!t->hosts_loaded)
		return 0;
	for (i = 0; i < t->hosts.n; i++)
		out[i] = &t->hosts.v[i];
	qsort_r(out, t->hosts.n, sizeof(*out), cmp_host, &a);
	return t->hosts.n;
}

/*
 * What the Hosts view says when the hosts file is not current: up to
 * max lines, the count returned.
 */
int
top_hosts_notice(const struct top *t, char (*l)[MSGLEN], int max)
{
	char	age[32];
	int	n = 0;

	switch (t->hosts_state) {
	case FS_OK:
		break;
	case FS_MISSING:
		if (n < max)
			msgf(l[n++], MSGLEN, "No LAN devices for %s: bwprocs "
			    "counts them on a router, for its", t->iface);
		if (n < max)
			msgf(l[n++], MSGLEN, "LAN interface (router in "
			    "bwmon.conf(5)); i shows another interface.");
		break;
	case FS_STALE:
		(void)text_age(age, sizeof(age), t->now - t->hosts.ts);
		if (n < max)
			msgf(l[n++], MSGLEN, "The devices are STALE: hosts_%s."
			    "json is %s old: bwprocs has stopped.", t->iface,
			    age);
		break;
	case FS_ERROR:
		if (n < max)
			msgf(l[n++], MSGLEN, "The devices cannot be shown: "
			    "hosts_%s.json %s.", t->iface, t->hosts_err);
		break;
	}
	return n;
}

/*
 * Whether bwprocs runs for an interface, by the one rule of
 * bw_procs_status() (the current interface uses what was read).
 */
const char *
top_bwprocs_state(const struct top *t, const char *iface, char *buf,
    size_t size)
{
	char	age[32];
	double	mt;
	int	fd;
	enum bw_bwprocs st;

	if (strcmp(iface, t->iface) == 0) {
		switch (t->procs_state) {
		case FS_OK:
			return "running";
		case FS_MISSING:
			return "-";
		case FS_ERROR:
			return "bad file";
		case FS_STALE:
			mt = t->procs.ts;
			goto stale;
		}
	}
	if ((fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return "-";
	st = bw_procs_status(fd, iface, t->now, &mt);
	(void)close(fd);
	switch (st) {
	case BW_BWPROCS_RUNNING:
		return "running";
	case BW_BWPROCS_ABSENT:
		return "-";
	case BW_BWPROCS_BAD:
		return "bad file";
	case BW_BWPROCS_STALE:
		mt = t->now - mt;	/* the time it was written */
		break;
	}
stale:
	(void)snprintf(buf, size, "stopped %s ago",
	    text_age(age, sizeof(age), t->now - mt));
	return buf;
}

/*
 * Whether we may send a signal to pid, as kill(2) decides it (the
 * sender's real or effective uid is the target's real or saved uid, or
 * the sender is root).  uid is what bwprocs saw, -1 if unknown: a
 * process now owned by someone else is not the one it saw.  0 and why
 * filled when not.
 */
/* <procdir>/<pid>/<name>: 0, or -1 when it does not fit. */
static int
proc_path(char *buf, size_t size, long pid, const char *name)
{
	int	n;

	n = snprintf(buf, size, "%s/%ld/%s", bw_procdir(), pid, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
top_may_signal(long pid, long long uid, char *why, size_t size)
{
	char		path[4096], line[256];
	unsigned long	ruid, euid, suid;
	FILE		*fp;
	int		found = 0;

	if (pid <= 0) {
		msgf(why, size, "not a process: traffic no process "
		    "could be matched to");
		return 0;
	}
	if (proc_path(path, sizeof(path), pid, "status") == -1 ||
	    (fp = fopen(path, "re")) == NULL) {
		msgf(why, size, "process %ld has exited", pid);
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "Uid: %lu %lu %lu", &ruid, &euid, &suid) ==
		    3) {
			found = 1;
			break;
		}
	(void)fclose(fp);
	if (!found) {
		msgf(why, size, "process %ld: no owner in %s", pid,
		    path);
		return 0;
	}
	if (uid >= 0 && (unsigned long long)uid != ruid) {
		msgf(why, size, "pid %ld now belongs to uid %lu, not "
		    "uid %lld as bwprocs saw: another process", pid, ruid, uid);
		return 0;
	}
	if (geteuid() == 0 || getuid() == ruid || getuid() == suid ||
	    geteuid() == ruid || geteuid() == suid)
		return 1;
	msgf(why, size, "process %ld belongs to uid %lu: only root "
	    "or that user may signal it", pid, ruid);
	return 0;
}

/* The live command line of pid, for the confirmation; -1 if gone. */
int
top_proc_cmdline(long pid, char *buf, size_t size)
{
	char	path[4096], *text;
	size_t	len, i;

	if (size == 0 || proc_path(path, sizeof(path), pid, "cmdline") == -1 ||
	    bw_read_file(path, 1 << 16, &text, &len) == -1)
		return -1;
	while (len > 0 && text[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	text[len] = '\0';
	(void)snprintf(buf, size, "%s", text);
	free(text);
	return 0;
}
