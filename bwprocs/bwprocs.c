/*
 * bwprocs: which process moves the bytes of an interface.  Captures the
 * interface's packet headers, follows each TCP and UDP connection,
 * attributes it to its socket's process (in this network namespace or
 * another one on the host), and writes procs_<iface>.json every
 * procs_interval seconds and live_<iface>.json every second.
 */
#include <sys/types.h>

#include <net/if.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alertrun.h"
#include "bpfowner.h"
#include "capture.h"
#include "cli.h"
#include "conf.h"
#include "datadir.h"
#include "events.h"
#include "fileio.h"
#include "localaddr.h"
#include "output.h"
#include "ownerlog.h"
#include "packet.h"
#include "priv.h"
#include "resolve.h"
#include "router.h"
#include "table.h"
#include "log.h"
#include "netdev.h"
#include "util.h"

#define LA_REFRESH	30.0	/* seconds between address re-reads */
#define DRAIN_ROUNDS	64	/* pcap_dispatch calls per wakeup, at most */

static volatile sig_atomic_t	quit, reload;

/* A file written every second: its failures are logged, not each time. */
struct wlog {
	int	err;		/* errno of the last failure; 0: none */
	double	logged;		/* monotonic */
};

struct devctr {
	uint64_t	rx, tx;
	double		mono;
	int		valid;		/* a baseline reading exists */
	int		gone;		/* the interface disappeared */
};

struct bwprocs {
	struct bw_conf		 conf;
	const char		*iface, *datadir, *confpath, *replay;
	const char		*procdir;	/* "/proc", or BWMON_PROC */
	char			*datadir_buf, *confpath_buf;	/* realpath */
	char			*procdir_buf;
	int			 confnamed, foreground;
	int			 procnet;	/* -P: no sock_diag */
	char			 procs_path[4096], live_path[4096];
	struct bw_pubfile		 procs_out, live_out;
	struct wlog		 procs_wlog, live_wlog;
	struct capture		*cap;
	struct localaddr	*la;
	struct table		*tab;
	struct resolver		*res;
	struct fragcache	 frag;
	struct events		*ev;		/* NULL: no spikes, alerts */
	struct alertrun		*ar;		/* runs alert_command */
	struct ownerlog		*ol;		/* NULL: no owner history */
	struct bpfowner		*bo;		/* NULL: owners from /proc */
	char			 owners_why[256];	/* which, and why */
	struct router		*rt;		/* NULL: not router mode */
	double			 now;		/* wall clock of this batch */
	double			 started;
	double			 first_ts, last_ts;	/* replay */
	uint64_t		 cap_tx, cap_rx;	/* interface view */
	uint64_t		 icap_tx, icap_rx;
	struct devctr		 dev;
	uint64_t		 dev_rx, dev_tx;	/* since start */
	uint64_t		 idev_rx, idev_tx;	/* this interval */
	int			 dev_seen;		/* in this interval */
	struct live		 live;
	double			 last_procs_mono, last_procs_wall;
	double			 last_la;
	uint64_t		 drops_base;
	int			 ticks;
	int			 waiting_logged;
	uint64_t		 limited_logged;
	double			 limited_time;
	size_t			 mem_peak;	/* connections + rows */
};

/* Exit 2 with the synopsis on stderr; -h: options too, on stdout. */
static void __attribute__((noreturn))
usage(int help)
{
	static const char	synopsis[] =
	    "usage: bwprocs [-fhPVv] [-c conf] [-d datadir] [-r file.pcap] "
	    "interface\n";
	static const char	options[] =
	    "\n"
	    "  -c conf        read this configuration file (see bwmon.conf(5))\n"
	    "  -d datadir     the data directory (default /var/lib/bwmon)\n"
	    "  -f             stay in the foreground, logging to stderr\n"
	    "  -h, --help     print this help and exit\n"
	    "  -P             find our own sockets in /proc/net, not sock_diag\n"
	    "  -r file.pcap   read the packets of a capture file, then exit\n"
	    "  -V, --version  print the version and exit\n"
	    "  -v             also log debugging messages\n"
	    "  interface      the interface to watch\n";

	bw_usage(synopsis, options, help);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		quit = 1;
}

/*
 * Read the configuration (bw_conf_path()'s rule).  A file that cannot be
 * read stops bwprocs at start; on a reload it keeps what was in force,
 * so that a file being edited or moved does not silently reset
 * alert_command and the thresholds.
 */
static int
load_conf(struct bwprocs *b)
{
	struct bw_conf	c;

	bw_conf_init(&c);
	if (bw_conf_load(&c, b->confpath, b->confnamed,
	    log_warnx_error) == -1) {
		log_warn("config %s", b->confpath);
		return -1;
	}
	b->conf = c;
	return 0;
}

/*
 * Note how a write of path went (rv 0 or -1 with errno): a failure is
 * logged when it is new or a minute after it was last logged, and the
 * recovery once, so that a full disk is one line a minute.
 */
static void
wrote(struct wlog *w, const char *path, int rv)
{
	double	m = bw_mono();
	int	e = errno;

	if (rv == 0) {
		if (w->err != 0)
			log_info("%s: written again", path);
		w->err = 0;
		return;
	}
	if (e != w->err || m - w->logged >= 60) {
		log_warnx("%s: %s%s", path, strerror(e), w->err == e ?
		    " (still)" : "");
		w->logged = m;
	}
	w->err = e;
}

/*
 * Parse a frame; its direction on the interface, and whether its
 * addresses are ours.
 */
static void
classify(struct bwprocs *b, const uint8_t *data, uint32_t caplen,
    uint32_t len, struct fragcache *frag, struct pkt *k, int *ifdir,
    int *srcl, int *dstl)
{
	(void)pkt_parse(cap_dlt(b->cap), la_mac(b->la), data,
	    caplen, len, frag, k);
	*srcl = *dstl = 0;
	if (k->family != 0) {
		*srcl = la_is_local(b->la, k->family, k->src);
		*dstl = la_is_local(b->la, k->family, k->dst);
	}
	*ifdir = k->dir;
	if (*ifdir == DIR_UNKNOWN)
		*ifdir = *srcl && !*dstl ? DIR_TX : DIR_RX;
}

/*
 * A TCP SYN from the hint ring, as it passed: make its connection now
 * and look it up at once, while its socket is surely open.  Its bytes
 * are counted when the counted ring hands the same frames over.
 */
static void
on_syn(void *arg, const uint8_t *data, uint32_t caplen, uint32_t len,
    double ts)
{
	struct bwprocs	*b = arg;
	struct pkt	 k;
	struct conn	*c;
	int		 ifdir, srcl, dstl;

	(void)ts;
	classify(b, data, caplen, len, NULL, &k, &ifdir, &srcl, &dstl);
	if (k.family == 0 || !k.ports || k.proto != 6)
		return;
	if (!dstl && ifdir == DIR_RX && la_is_mcast(k.family, k.dst))
		return;
	if ((c = tab_conn(b->tab, &k, ifdir, srcl, dstl, b->now)) == NULL)
		return;
	tab_note_syn(c, &k);
	res_urgent(b->res, b->tab, c, b->now);
}

/* One captured frame: count it, then find or make its connection. */
static void
on_packet(void *arg, const uint8_t *data, uint32_t caplen, uint32_t len,
    double ts)
{
	struct bwprocs	*b = arg;
	struct pkt	 k;
	struct conn	*c;
	int		 ifdir, srcl, dstl;

	if (b->replay != NULL) {
		if (b->first_ts == 0)
			b->first_ts = ts;
		if (ts > b->last_ts)
			b->last_ts = ts;
		b->now = b->last_ts;
	}
	classify(b, data, caplen, len, &b->frag, &k, &ifdir, &srcl, &dstl);
	if (ifdir == DIR_TX)
		b->icap_tx += len;
	else
		b->icap_rx += len;
	if (k.family == 0 || !k.ports) {
		tab_credit_unattr(b->tab, U_OTHER, ifdir, len, b->now);
		return;
	}
	/* Multicast and broadcast arrive for a socket of ours. */
	if (!dstl && ifdir == DIR_RX && la_is_mcast(k.family, k.dst))
		dstl = 1;
	if ((c = tab_conn(b->tab, &k, ifdir, srcl, dstl, b->now)) == NULL) {
		tab_credit_unattr(b->tab, k.proto == 6 ? U_UNKNOWN_TCP :
		    U_UNKNOWN_UDP, ifdir, len, b->now);
		return;
	}
	tab_credit(c, &k, ifdir, b->now);
}

/*
 * Read what the rings hold, the SYN hints first (and look their
 * connections up at once); close the capture when it fails.  revents:
 * of the counted rings' descriptors.
 */
static void
drain(struct bwprocs *b, int revents)
{
	char	err[512];
	int	i, n, total = 0;
	double	m = bw_mono();

	if (cap_dispatch_syn(b->cap, on_syn, b) > 0)
		res_run(b->res, b->tab, b->now, 0);
	for (i = 0; i < DRAIN_ROUNDS && cap_is_open(b->cap); i++) {
		n = cap_dispatch(b->cap, -1, on_packet, b, m, err,
		    sizeof(err));
		if (n < 0) {
			log_warnx("%s: capture stopped: %s", b->iface, err);
			cap_close(b->cap);
			la_invalidate(b->la);
			return;
		}
		if (n == 0)
			break;
		total += n;
		/* The BPF ring fills meanwhile: keep it from overflowing. */
		(void)bo_read(b->bo);
	}
	/*
	 * An error condition that reading does not clear (the interface
	 * went down) would wake poll at once forever: close and wait.
	 */
	if (total == 0 && (revents & (POLLERR | POLLHUP | POLLNVAL)) &&
	    cap_is_open(b->cap)) {
		log_warnx("%s: capture socket error; reopening when the "
		    "interface is up", b->iface);
		cap_close(b->cap);
		la_invalidate(b->la);
	}
}

/* Try to (re)open the capture.  -1 when it cannot work at all. */
static int
try_open(struct bwprocs *b, int initial)
{
	char	err[512];
	int	rv;

	rv = cap_open_live(b->cap, b->iface, err, sizeof(err));
	if (rv == CAP_OK) {
		if (err[0] != '\0')
			log_warnx("%s: %s", b->iface, err);
		if (!pkt_dlt_supported(cap_dlt(b->cap)))
			log_warnx("%s: link type %d is not supported: all its "
			    "bytes count as [other]", b->iface, cap_dlt(b->cap));
		log_info("%s: capturing (link type %d, %d MB ring, at most "
		    "%d)%s%s", b->iface, cap_dlt(b->cap), cap_ring_mb(b->cap),
		    b->conf.capture_buffer_mb, !cap_has_syn(b->cap) ?
		    ", no SYN hints" : "", initial ? "" : ", resumed");
		b->waiting_logged = 0;
		res_set_ifindex(b->res, cap_ifindex(b->cap));
		return 0;
	}
	if (rv == CAP_FATAL) {
		log_warnx("%s: cannot capture: %s", b->iface, err);
		return -1;
	}
	if (!b->waiting_logged)
		log_warnx("%s: %s; waiting for it", b->iface, err);
	b->waiting_logged = 1;
	return 0;
}

/* The interface's counters: one live sample, and the interval's bytes. */
static void
read_netdev(struct bwprocs *b, double wall, double m)
{
	struct bw_netdev	*devs = NULL;
	const struct bw_netdev	*d;
	int			 n = 0;
	uint64_t		 drx, dtx;
	double			 dt;

	if (bw_netdev_read(b->procdir, &devs, &n, NULL) == -1) {
		log_warn("%s/net/dev", b->procdir);
		return;
	}
	if (b->ev != NULL)
		ev_ifrates(b->ev, devs, n, m);
	if ((d = bw_netdev_find(devs, n, b->iface)) == NULL) {
		if (b->dev.valid)
			b->dev.gone = 1;
		b->dev.valid = 0;
		free(devs);
		return;
	}
	if (b->dev.valid && d->rx_bytes >= b->dev.rx &&
	    d->tx_bytes >= b->dev.tx) {
		drx = d->rx_bytes - b->dev.rx;
		dtx = d->tx_bytes - b->dev.tx;
	} else if (b->dev.valid || b->dev.gone) {
		/* Made anew (or reset): its counters started from zero. */
		drx = d->rx_bytes;
		dtx = d->tx_bytes;
	} else
		drx = dtx = 0;
	if (b->dev.valid || b->dev.gone) {
		/* A sample is a second (a last partial one is not). */
		dt = b->dev.valid ? m - b->dev.mono : 1.0;
		if (dt >= 0.5 && b->dev.valid) {
			live_add(&b->live, wall, (double)drx * 8 / dt,
			    (double)dtx * 8 / dt);
			if (b->ev != NULL)
				ev_sample(b->ev, b->tab, b->now, m,
				    (double)drx * 8 / dt,
				    (double)dtx * 8 / dt, drx + dtx);
		}
		b->dev_rx += drx;
		b->dev_tx += dtx;
		b->idev_rx += drx;
		b->idev_tx += dtx;
	}
	b->dev_seen = 1;
	b->dev.rx = d->rx_bytes;
	b->dev.tx = d->tx_bytes;
	b->dev.mono = m;
	b->dev.valid = 1;
	b->dev.gone = 0;
	free(devs);
}

static const char *
cap_state(const struct bwprocs *b)
{
	if (b->replay != NULL)
		return "file";
	if (cap_is_open(b->cap))
		return "running";
	return la_ifindex(b->la) != 0 ? "interface down" :
	    "interface missing";
}

/*
 * After a burst of connections or processes has gone, give the memory
 * back: malloc keeps freed memory for reuse, which a quiet daemon does
 * not need.
 */
static void
trim_memory(struct bwprocs *b)
{
	size_t	n = tab_nconns(b->tab) + tab_nrows(b->tab);

	if (n > b->mem_peak)
		b->mem_peak = n;
	if (b->mem_peak >= 1000 && n < b->mem_peak / 4) {
		(void)malloc_trim(0);
		b->mem_peak = n;
	}
}

static void
write_procs(struct bwprocs *b, double wall, double m)
{
	struct procs_out	po;
	struct capstats		cs;

	cap_stats(b->cap, &cs);
	memset(&po, 0, sizeof(po));
	po.iface = b->iface;
	po.ts = wall;
	po.started = b->started;
	po.linger = b->conf.procs_linger;
	po.top = b->conf.top_connections;
	po.packets = cs.packets;
	po.cap_bytes = cs.bytes;
	po.drops = cs.drops;
	po.drops_interval = cs.drops - b->drops_base;
	po.buffer_mb = cap_is_open(b->cap) && b->replay == NULL ?
	    cap_ring_mb(b->cap) : 0;
	po.state = cap_state(b);
	po.owners_bpf = b->bo != NULL;
	po.owners_why = b->owners_why;
	po.owners_viabpf = res_viabpf(b->res);
	if (b->replay != NULL) {
		po.interval = b->last_ts - b->first_ts;
		if (po.interval < 0.001)
			po.interval = 1.0;
		po.ts = b->last_ts;
		po.started = b->first_ts;
		po.rx_bytes = b->cap_rx;
		po.tx_bytes = b->cap_tx;
		po.rx_bps = (double)b->cap_rx * 8 / po.interval;
		po.tx_bps = (double)b->cap_tx * 8 / po.interval;
		po.if_bytes = b->cap_rx + b->cap_tx;
	} else {
		po.interval = m - b->last_procs_mono;
		if (po.interval < 0.001)
			po.interval = 0.001;
		po.rx_bytes = b->dev_rx;
		po.tx_bytes = b->dev_tx;
		po.rx_bps = b->dev_seen ? (double)b->idev_rx * 8 / po.interval :
		    -1;
		po.tx_bps = b->dev_seen ? (double)b->idev_tx * 8 / po.interval :
		    -1;
		po.if_bytes = b->idev_rx + b->idev_tx;
	}
	wrote(&b->procs_wlog, b->procs_path, out_procs(&b->procs_out, &po,
	    b->tab, b->now));
	tab_end_interval(b->tab, b->last_procs_wall);
	tab_rows_expire(b->tab, b->now, b->conf.procs_linger);
	trim_memory(b);
	b->drops_base = cs.drops;
	b->idev_rx = b->idev_tx = 0;
	b->dev_seen = 0;
	b->last_procs_mono = m;
	b->last_procs_wall = b->now;
}

/* The once-a-second work. */
static int
tick(struct bwprocs *b, double m)
{
	double	wall = bw_now();

	b->cap_tx += b->icap_tx;
	b->cap_rx += b->icap_rx;
	b->icap_tx = b->icap_rx = 0;
	read_netdev(b, wall, m);
	wrote(&b->live_wlog, b->live_path, out_live(&b->live_out, b->iface,
	    wall, &b->live));
	if (la_changed(b->la) || m - b->last_la >= LA_REFRESH) {
		if (la_refresh(b->la, b->iface) == -1)
			log_warn("getifaddrs");
		b->last_la = m;
	}
	if (cap_is_open(b->cap) && la_ifindex(b->la) != cap_ifindex(b->cap)) {
		log_warnx("%s: the interface %s", b->iface,
		    la_ifindex(b->la) == 0 ? "is gone" : "was replaced");
		cap_close(b->cap);
	}
	if (b->conf.capture && !cap_is_open(b->cap) &&
	    la_ifindex(b->la) != 0 && la_ifup(b->la) &&
	    try_open(b, 0) == -1)
		return -1;
	if (b->conf.capture && !cap_is_open(b->cap) && !b->waiting_logged) {
		log_warnx("%s: interface %s; waiting for it", b->iface,
		    la_ifindex(b->la) == 0 ? "missing" : "down");
		b->waiting_logged = 1;
	}
	if (cap_adapt(b->cap, m) == CAP_AGAIN) {
		/* A new ring size needs a new capture. */
		cap_close(b->cap);
		(void)try_open(b, 0);
	}
	if (res_limited(b->res) != b->limited_logged &&
	    (b->limited_time == 0 || m - b->limited_time >= 60)) {
		/* At most a line a minute. */
		log_info("%s: more new connections than lookup_rate (%d a "
		    "second): some wait, or stay unattributed", b->iface,
		    b->conf.lookup_rate);
		b->limited_logged = res_limited(b->res);
		b->limited_time = m;
	}
	if (b->ev != NULL)
		ev_reap(b->ev, m);
	tab_expire(b->tab, b->now);
	if (++b->ticks >= b->conf.procs_interval) {
		b->ticks = 0;
		write_procs(b, wall, m);
	}
	if (b->ol != NULL)
		ol_tick(b->ol, wall);
	if (b->rt != NULL)
		rt_tick(b->rt, wall, m);
	return 0;
}

/*
 * The owner history, by the configuration in force (live only: a
 * capture file's time is not the clock's).  Trouble is logged, and
 * bwprocs goes on without it.
 */
static void
owners_open(struct bwprocs *b)
{
	if (b->replay != NULL || b->conf.owners_interval == 0)
		return;
	if ((b->ol = ol_open(b->datadir, b->iface, &b->conf, b->tab,
	    bw_now())) == NULL)
		log_warn("%s: no owner history", b->iface);
}

/* The interval so far is written: at a stop, and before a reload. */
static void
owners_close(struct bwprocs *b)
{
	if (b->ol == NULL)
		return;
	ol_flush(b->ol, bw_now());
	ol_close(b->ol);
	b->ol = NULL;
}

static void
do_reload(struct bwprocs *b)
{
	if (load_conf(b) == -1) {
		log_warnx("%s: not reloaded: the previous configuration "
		    "stays", b->confpath);
		return;
	}
	/* The interval so far goes out; the next follows the new keys. */
	owners_close(b);
	owners_open(b);
	if (tab_resize(b->tab, (size_t)b->conf.max_connections) == -1)
		log_warnx("max_connections: out of memory");
	res_set_rate(b->res, b->conf.lookup_rate);
	if (b->ev != NULL)
		ev_reload(b->ev);
	/* A smaller capture_buffer_mb takes effect at the next tick. */
	cap_set_max_mb(b->cap, b->conf.capture_buffer_mb);
	log_info("configuration %s reloaded", b->confpath != NULL ?
	    b->confpath : "(none: the defaults)");
}

/*
 * Live, before the loop (the capture is open, or waits for the
 * interface): look at every process once, and detach unless told not
 * to.
 */
static void
live_start(struct bwprocs *b)
{
	res_set_ifindex(b->res, la_ifindex(b->la));
	if (res_start(b->res, b->now))
		log_warnx("cannot read other users' /proc/<pid>/fd (needs "
		    "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH): their "
		    "connections show as unknown");
	if (!b->foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("bwprocs", 0, log_getverbose());
	}
}

/*
 * The handlers only set flags, and the signals stay blocked except
 * inside ppoll, whose mask is *empty: no lost wakeups.
 */
static void
signals_setup(sigset_t *empty)
{
	struct sigaction	sa;
	sigset_t		block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);
	(void)sigemptyset(empty);
}

/*
 * What to poll: rtnetlink first if there is one, the BPF ring if
 * there is one (readable when half full: the resolver reads it every
 * pass), then the counted ring(s), the SYN ring last; the capture's
 * descriptors go into fds too, *ncap of them.  Returns how many come
 * before them.
 */
static int
poll_fds(const struct bwprocs *b, struct pollfd *pfd, int *fds, int *ncap)
{
	int	npfd = 0, i;

	if (la_fd(b->la) >= 0) {
		pfd[npfd].fd = la_fd(b->la);
		pfd[npfd].events = POLLIN;
		npfd++;
	}
	if (bo_fd(b->bo) >= 0) {
		pfd[npfd].fd = bo_fd(b->bo);
		pfd[npfd].events = POLLIN;
		npfd++;
	}
	*ncap = cap_is_open(b->cap) ? cap_pollfds(b->cap, fds) : 0;
	for (i = 0; i < *ncap; i++) {
		pfd[npfd + i].fd = fds[i];
		pfd[npfd + i].events = POLLIN;
		pfd[npfd + i].revents = 0;
	}
	return npfd;
}

/*
 * How long poll may wait: until the next tick, the next lookup due,
 * or the next step of a ring handover, whichever comes first.
 */
static void
poll_wait(const struct bwprocs *b, double next_tick, struct timespec *tmo)
{
	double	m, wait, nt;

	m = bw_mono();
	wait = next_tick - m;
	if ((nt = res_next(b->res, b->tab, b->now)) != 0 &&
	    nt - b->now < wait)
		wait = nt - b->now;
	if ((nt = cap_next_event(b->cap)) != 0 && nt - m < wait)
		wait = nt - m;
	if (wait < 0.001)
		wait = 0.001;
	tmo->tv_sec = (time_t)wait;
	tmo->tv_nsec = (long)((wait - (double)tmo->tv_sec) * 1e9);
}

/*
 * The capture's descriptors that poll found ready (pfd[i] for fds[i]):
 * a failed SYN ring stops the hints, and the counted rings are read.
 */
static void
capture_ready(struct bwprocs *b, const struct pollfd *pfd, const int *fds,
    int ncap)
{
	int	i, rev = 0, due = 0;

	for (i = 0; i < ncap; i++) {
		if (pfd[i].revents == 0)
			continue;
		due = 1;
		if (cap_is_syn_fd(b->cap, fds[i])) {
			/* The hints stop; the counting goes on. */
			if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				log_debug("%s: SYN hints stop until the "
				    "capture reopens", b->iface);
				cap_syn_close(b->cap);
			}
		} else
			rev |= pfd[i].revents;
	}
	if (due || cap_busy(b->cap))
		drain(b, rev);
}

/*
 * The loop: wait for frames, netlink news, a lookup due or the next
 * second; then read, attribute, and once a second tick.  Until a signal
 * says quit (0), or capture cannot work any more (1).
 */
static int
loop(struct bwprocs *b, const sigset_t *empty)
{
	struct pollfd	pfd[5];
	struct timespec	tmo;
	double		m, next_tick;
	int		npfd, ncap, fds[3];

	m = bw_mono();
	b->last_procs_mono = m;
	b->last_procs_wall = b->now;
	b->last_la = m;
	read_netdev(b, b->now, m);
	next_tick = m + 1.0;
	while (!quit) {
		npfd = poll_fds(b, pfd, fds, &ncap);
		poll_wait(b, next_tick, &tmo);
		if (ppoll(pfd, (nfds_t)(npfd + ncap), &tmo, empty) == -1 &&
		    errno != EINTR)
			fatal("ppoll");
		if (quit)
			break;
		b->now = bw_now();
		if (reload) {
			reload = 0;
			do_reload(b);
		}
		capture_ready(b, pfd + npfd, fds, ncap);
		if (la_fd(b->la) >= 0)
			la_drain(b->la);
		res_run(b->res, b->tab, b->now, 0);
		m = bw_mono();
		if (m >= next_tick) {
			next_tick += 1.0;
			if (next_tick < m)
				next_tick = m + 1.0;	/* we were stopped */
			if (tick(b, m) == -1)
				return 1;
		}
	}
	return 0;
}

/*
 * Last words: what the ring still holds, the block being filled too
 * (cap_settle), then the files.
 */
static void
live_finish(struct bwprocs *b)
{
	double	m;

	if (cap_is_open(b->cap)) {
		cap_settle(b->cap);
		b->now = bw_now();
		drain(b, 0);
	}
	b->now = bw_now();
	res_set_rate(b->res, 0);	/* the last run has no limit */
	res_run(b->res, b->tab, b->now, 1);
	m = bw_mono();
	b->cap_tx += b->icap_tx;
	b->cap_rx += b->icap_rx;
	read_netdev(b, b->now, m);
	wrote(&b->live_wlog, b->live_path, out_live(&b->live_out, b->iface,
	    b->now, &b->live));
	write_procs(b, b->now, m);
	owners_close(b);
	rt_flush(b->rt, b->now);
	log_info("%s: exiting", b->iface);
}

static int
run_live(struct bwprocs *b)
{
	sigset_t	empty;
	int		rv;

	live_start(b);
	signals_setup(&empty);
	rv = loop(b, &empty);
	live_finish(b);
	return rv;
}

static int
run_replay(struct bwprocs *b)
{
	char	err[512];
	int	n, rv = 0;

	if (cap_open_file(b->cap, b->replay, err, sizeof(err)) != CAP_OK) {
		log_warnx("%s: %s", b->replay, err);
		return 1;
	}
	if (!pkt_dlt_supported(cap_dlt(b->cap)))
		log_warnx("%s: link type %d is not supported: all its bytes "
		    "count as [other]", b->replay, cap_dlt(b->cap));
	(void)res_start(b->res, b->now);
	for (;;) {
		n = cap_dispatch(b->cap, 4096, on_packet, b, 0, err,
		    sizeof(err));
		if (n < 0) {
			log_warnx("%s: %s (what was read is kept)", b->replay,
			    err);
			break;
		}
		if (n == 0)
			break;
		res_run(b->res, b->tab, b->now, 0);
	}
	res_run(b->res, b->tab, b->now, 1);
	b->cap_tx += b->icap_tx;
	b->cap_rx += b->icap_rx;
	b->icap_tx = b->icap_rx = 0;
	write_procs(b, b->last_ts, bw_mono());
	if (access(b->procs_path, F_OK) == -1)
		rv = 1;
	return rv;
}

/* Exit 1 naming the interfaces there are, as bwcollect and bwtop do. */
static void __attribute__((noreturn))
no_iface(const char *iface)
{
	struct if_nameindex	*ifs, *i;
	char			 have[1024];
	size_t			 len = 0;
	int			 n;

	if ((ifs = if_nameindex()) == NULL)
		errx(1, "%s: no such interface", iface);
	(void)snprintf(have, sizeof(have), "none");
	for (i = ifs; i->if_index != 0 && len < sizeof(have); i++) {
		n = snprintf(have + len, sizeof(have) - len, "%s%s",
		    i == ifs ? "" : ", ", i->if_name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if_freenameindex(ifs);
	errx(1, "%s: no such interface (have: %s)", iface, have);
}

/*
 * The command line.  Returns -1 to go on, or the exit status: 0 after
 * -h or -V, 2 on a usage error.
 */
static int
parse_args(struct bwprocs *b, int argc, char *argv[])
{
	const char	*datadir = NULL, *confopt = NULL;
	int		 ch, verbose = 0;
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};

	while ((ch = getopt_long(argc, argv, "c:d:fhPr:Vv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			confopt = optarg;
			break;
		case 'd':
			datadir = optarg;
			break;
		case 'f':
			b->foreground = 1;
			break;
		case 'h':
			usage(1);
		case 'P':
			b->procnet = 1;
			break;
		case 'r':
			b->replay = optarg;
			break;
		case 'V':
			bw_version("bwprocs");
		case 'v':
			verbose++;
			break;
		default:
			usage(0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(0);
	b->iface = bw_iface_arg(NULL, argv[0]);
	if (b->replay != NULL)
		b->foreground = 1;
	b->datadir = bw_datadir(datadir);
	b->confpath = bw_conf_path(confopt, &b->confnamed);
	b->procdir = bw_procdir();
	/* Detached, the working directory is "/": keep paths absolute. */
	if ((b->datadir_buf = realpath(b->datadir, NULL)) != NULL)
		b->datadir = b->datadir_buf;
	if (b->confpath != NULL &&
	    (b->confpath_buf = realpath(b->confpath, NULL)) != NULL)
		b->confpath = b->confpath_buf;
	if ((b->procdir_buf = realpath(b->procdir, NULL)) != NULL)
		b->procdir = b->procdir_buf;
	log_init("bwprocs", 1, verbose);
	return -1;
}

/* The configuration, and the files in the data directory. */
static void
open_data(struct bwprocs *b)
{
	if (load_conf(b) == -1)
		exit(1);

	if (bw_kind_path(b->procs_path, sizeof(b->procs_path), b->datadir,
	    BW_PROCS, b->iface) == -1 ||
	    bw_kind_path(b->live_path, sizeof(b->live_path), b->datadir,
	    BW_LIVE, b->iface) == -1)
		errx(1, "%s: data directory path too long", b->datadir);
	if (bw_pub_init(&b->procs_out, b->procs_path) == -1 ||
	    bw_pub_init(&b->live_out, b->live_path) == -1)
		errx(1, "%s: data directory path too long", b->datadir);
	if (access(b->datadir, W_OK | X_OK) == -1)
		err(1, "data directory %s", b->datadir);
}

/*
 * Router mode, when the configuration wants it for the interface: the
 * kernel's counting set up, or bwprocs goes on without it, saying why.
 */
static void
router_open(struct bwprocs *b)
{
	char	why[160];

	if (!rt_wanted(&b->conf, b->iface, b->procdir, why, sizeof(why))) {
		log_debug("%s: router mode off: %s", b->iface, why);
		return;
	}
	log_info("%s: router mode on: %s", b->iface, why);
	if ((b->rt = rt_open(b->datadir, b->iface, &b->conf, bw_now())) ==
	    NULL)
		log_warn("%s: router mode: cannot count LAN hosts", b->iface);
}

/*
 * The parts: local addresses, capture, connection table, resolver, and
 * (live only: they need the interface's counters) spikes and alerts.
 */
static void
setup(struct bwprocs *b)
{
	b->now = bw_now();
	b->started = b->now;
	if ((b->la = la_new()) == NULL)
		err(1, "local addresses");
	if (b->replay == NULL && la_watch(b->la) == -1)
		log_warn("rtnetlink socket; re-reading addresses every %.0f s",
		    LA_REFRESH);
	if (la_refresh(b->la, b->iface) == -1)
		err(1, "getifaddrs");
	if (b->replay == NULL && la_ifindex(b->la) == 0)
		no_iface(b->iface);
	if ((b->cap = cap_new()) == NULL)
		err(1, "capture");
	cap_set_max_mb(b->cap, b->conf.capture_buffer_mb);
	if ((b->tab = tab_new((size_t)b->conf.max_connections)) == NULL)
		err(1, "connection table");
	if ((b->res = res_new(b->procdir, b->procnet)) == NULL)
		err(1, "%s: processes", b->procdir);
	/* A capture file is looked at once, with no hurry and no limit. */
	res_set_rate(b->res, b->replay != NULL ? 0 : b->conf.lookup_rate);
	if (b->replay == NULL &&
	    (b->ev = ev_open(b->datadir, b->iface, &b->conf, b->ar)) == NULL)
		err(1, "spikes and alerts");
	owners_open(b);
}

/*
 * The privileged part of finding owners, all of it: the kernel side
 * (bpf = auto|on|off) is loaded and attached here, before anything is
 * dropped; afterwards it needs no capability (bpfowner.c).  On a
 * capture file there is nothing live to ask.
 */
static void
owners_bpf(struct bwprocs *b)
{
	if (b->replay != NULL) {
		(void)snprintf(b->owners_why, sizeof(b->owners_why),
		    "reading a capture file");
		return;
	}
	b->bo = bo_open(b->procdir, b->conf.bpf, b->owners_why,
	    sizeof(b->owners_why));
	if (b->bo == NULL && b->conf.bpf == BW_TRI_ON)
		fatalx("%s: bpf = on, but: %s", b->iface, b->owners_why);
	res_set_bpf(b->res, b->bo);
	log_info("%s: owners from %s: %s", b->iface, b->bo != NULL ?
	    "the kernel" : "/proc", b->owners_why);
}

/*
 * The privileged start, live only: what needs more than the steady
 * state keeps (priv.c) is opened here, as root or with the unit's
 * capabilities.  setup() has opened the netlink sockets (rtnetlink,
 * sock_diag, conntrack) and read alert_env; this opens the capture (or
 * finds the interface missing or down: it is opened when it comes).
 * Programs loaded once (BPF) and sets made once (nftables) go here,
 * before drop_privileges().  -1 when capture cannot work at all.
 */
static int
start_privileged(struct bwprocs *b)
{
	if (b->conf.capture && try_open(b, 1) == -1)
		return -1;
	if (b->conf.capture)
		owners_bpf(b);
	router_open(b);
	return 0;
}

/*
 * Then run as the user "user" names with only the steady state's
 * capabilities, whoever started us (root by hand, or the unit's User=
 * with its ambient capabilities): see priv.c for which and why.
 * Without the key, bwmon, unless root started us on a data directory
 * bwmon may not write (by hand, on a directory of its own): then uid 0
 * with those capabilities, as without a bwmon user, and say so.
 */
static void
drop_privileges(struct bwprocs *b)
{
	const char	*user = b->conf.user;
	char		 note[256], why[256];

	if (user[0] == '\0') {
		user = BW_DEFAULT_USER;
		if (priv_can_write(user, b->datadir) == 0) {
			log_warnx("%s may not write %s: staying uid 0 with "
			    "%s only (give %s the directory, or set user "
			    "in bwmon.conf)", user, b->datadir,
			    priv_caps_steady(), user);
			user = "root";
		}
	}
	if (priv_drop(user, note, sizeof(note), why, sizeof(why)) == -1) {
		log_warnx("%s", why);
		exit(1);
	}
	if (note[0] != '\0')
		log_warnx("%s", note);
	if (access(b->datadir, W_OK | X_OK) == -1) {
		log_warn("data directory %s, as uid %u", b->datadir,
		    (unsigned)getuid());
		exit(1);
	}
	log_debug("running as uid %u, keeping at most %s",
	    (unsigned)getuid(), priv_caps_steady());
}

/* In the reverse order. */
static void
teardown(struct bwprocs *b)
{
	rt_close(b->rt);
	ol_close(b->ol);
	ev_close(b->ev);
	ar_stop(b->ar);
	cap_free(b->cap);
	bw_pub_close(&b->procs_out);
	bw_pub_close(&b->live_out);
	res_set_bpf(b->res, NULL);
	bo_close(b->bo);
	res_free(b->res);
	tab_free(b->tab);
	la_free(b->la);
	free(b->datadir_buf);
	free(b->confpath_buf);
	free(b->procdir_buf);
}

int
main(int argc, char *argv[])
{
	static struct bwprocs	b;
	int			rv;

	if ((rv = parse_args(&b, argc, argv)) != -1)
		return rv;
	open_data(&b);
	if (b.replay != NULL) {
		setup(&b);
		owners_bpf(&b);
		rv = run_replay(&b);
	} else {
		/* First, while it holds nothing: alert_command's process. */
		if ((b.ar = ar_start(b.conf.alert_user, b.foreground)) ==
		    NULL)
			err(1, "alert_command's process");
		setup(&b);
		if (start_privileged(&b) == -1)
			rv = 1;
		else {
			drop_privileges(&b);
			rv = run_live(&b);
		}
	}
	teardown(&b);
	return rv;
}
