/*
 * The capture: libpcap on a live interface, or a savefile for -r.
 *
 * Live, the counted ring is a TPACKET_V3 ring, non-blocking (the caller
 * polls), cut to the snap length in the kernel by a filter that accepts
 * every frame: every frame the interface counts is seen, and what is not
 * TCP or UDP counts as other.  Without that filter the kernel would copy
 * whole frames, 64 KB for a GSO frame, into the ring.
 *
 * The ring starts small and can be replaced by a larger one (or a
 * smaller one) without losing or doubling a frame: twice the size when
 * the kernel drops frames (up to capture_buffer_mb), and after a quiet
 * while the smallest that holds the busiest second of it.  The ring's socket
 * is the only member of a PACKET_FANOUT group of the CBPF kind, whose
 * program names the member that gets each frame.  A new ring joins the
 * group while the program still names the old one; what reached the new
 * ring before it joined is a copy and is thrown away; then one setsockopt
 * points the program at the new ring, the kernel waits until no frame is
 * still being steered by the old program, and the old ring is read to
 * its end and closed.
 *
 * A second, small ring in immediate mode gets only TCP segments with SYN
 * set, as soon as they pass: they tell about new connections while their
 * sockets are still open, long before the counted ring's block is handed
 * over.  They are hints and are not counted.
 */
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "log.h"
#include "util.h"

#define BWP_SNAPLEN	192	/* headers only: L2 + IPv6 + options */
#ifndef CAP_TIMEOUT_MS
#define CAP_TIMEOUT_MS	20	/* ring block timeout: attribution latency */
#endif
#define SYN_FILTER	"tcp[tcpflags] & tcp-syn != 0 or " \
			"(ip6 and ip6[6] == 6 and ip6[53] & 2 != 0)"
#define SYN_RING	(256 << 10)
/* Seconds of each handover phase: longer than a ring block's timeout. */
#define HANDOVER_WAIT	(3 * CAP_TIMEOUT_MS / 1000.0 + 0.02)

#define RING_START_MB	4	/* the capture ring at first */
#define RING_QUIET	600.0	/* seconds without drops before it shrinks */
#define FRAME_SLOT	288	/* ring bytes a frame takes, about */

enum { HO_NONE, HO_DISCARD, HO_DRAIN };

struct capring {
	struct pcap	*p;
	int		 fd;		/* to poll; -1 for a file */
	unsigned	 last_drop;	/* pcap_stats baseline (mod 2^32) */
	int		 mb;		/* its size */
};

struct capture {
	struct capring	 ring;		/* the frames counted */
	struct capring	 next;		/* a handover's other ring */
	struct capring	 syn;		/* TCP SYNs at once: hints */
	const char	*iface;
	int		 dlt;
	int		 ifindex;	/* the interface captured */
	int		 file;		/* -r */
	int		 fanout;	/* group id + 1; 0: none */
	int		 phase;		/* of a handover */
	double		 phase_end;	/* monotonic */
	uint64_t	 drops;		/* since bwprocs started */
	uint64_t	 packets, bytes;
	uint64_t	 syns, discarded;
	/* The ring's size: the policy. */
	int		 max_mb;	/* capture_buffer_mb */
	int		 want_mb;	/* for the next open */
	double		 quiet;		/* since: no drops */
	uint64_t	 seen_packets, seen_drops;	/* at the last look */
	uint64_t	 peak;		/* frames in the busiest second */
	int		 full_logged;
};

struct dispatch_ctx {
	struct capture	*cap;
	cap_fn		 fn;
	void		*arg;
	int		 count;
};

struct capture *
cap_new(void)
{
	struct capture	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->ring.fd = c->next.fd = c->syn.fd = -1;
	return c;
}

void
cap_free(struct capture *c)
{
	if (c == NULL)
		return;
	cap_close(c);
	free(c);
}

int
cap_is_open(const struct capture *c)
{
	return c->ring.p != NULL;
}

int
cap_dlt(const struct capture *c)
{
	return c->dlt;
}

int
cap_ifindex(const struct capture *c)
{
	return c->ifindex;
}

int
cap_has_syn(const struct capture *c)
{
	return c->syn.p != NULL;
}

int
cap_is_syn_fd(const struct capture *c, int fd)
{
	return c->syn.p != NULL && fd == c->syn.fd;
}

/* The largest ring; a smaller one than now is taken at the next look. */
void
cap_set_max_mb(struct capture *c, int mb)
{
	c->max_mb = mb;
	c->full_logged = 0;
}

/* The smallest ring: where it starts, and what quiet times go back to. */
static int
ring_min(const struct capture *c)
{
	return c->max_mb < RING_START_MB ? c->max_mb : RING_START_MB;
}

static void
ring_close(struct capring *r)
{
	if (r->p != NULL)
		pcap_close(r->p);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Drops since the last call (the kernel counts modulo 2^32). */
static uint64_t
ring_drops(struct capring *r)
{
	struct pcap_stat	ps;
	unsigned		d;

	if (r->p == NULL || pcap_stats(r->p, &ps) == -1)
		return 0;
	d = (unsigned)(ps.ps_drop - r->last_drop);
	r->last_drop = ps.ps_drop;
	return d;
}

static void
setup_dlt(struct capture *c, pcap_t *p)
{
	c->dlt = pcap_datalink(p);
	/* The "any" device: SLL2 carries the interface and direction. */
	if (c->dlt == DLT_LINUX_SLL && pcap_set_datalink(p, DLT_LINUX_SLL2) == 0)
		c->dlt = DLT_LINUX_SLL2;
}

/*
 * Open one ring on iface: CAP_OK; CAP_AGAIN when the interface is
 * missing or down (worth another try later); CAP_FATAL when capture
 * cannot work (permission).  err gets the reason, or a warning.
 */
static int
ring_open(struct capring *r, const char *iface, int bytes, int immediate,
    const char *filter, int sll2, char *err, size_t errlen)
{
	char			 ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program	 prog;
	pcap_t			*p;
	int			 rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	err[0] = ebuf[0] = '\0';
	if ((p = pcap_create(iface, ebuf)) == NULL) {
		(void)snprintf(err, errlen, "%s", ebuf);
		return CAP_FATAL;
	}
	(void)pcap_set_snaplen(p, BWP_SNAPLEN);
	(void)pcap_set_promisc(p, 0);
	(void)pcap_set_timeout(p, CAP_TIMEOUT_MS);
	(void)pcap_set_buffer_size(p, bytes);
	(void)pcap_set_immediate_mode(p, immediate);
	rc = pcap_activate(p);
	if (rc < 0) {
		if (*pcap_geterr(p) == '\0' ||
		    strcmp(pcap_geterr(p), pcap_statustostr(rc)) == 0)
			(void)snprintf(err, errlen, "%s", pcap_statustostr(rc));
		else
			(void)snprintf(err, errlen, "%s (%s)",
			    pcap_statustostr(rc), pcap_geterr(p));
		if (rc == PCAP_ERROR_PERM_DENIED)
			(void)snprintf(err + strlen(err), errlen - strlen(err),
			    "; it needs CAP_NET_RAW");
		pcap_close(p);
		switch (rc) {
		case PCAP_ERROR_NO_SUCH_DEVICE:
		case PCAP_ERROR_IFACE_NOT_UP:
			return CAP_AGAIN;
		case PCAP_ERROR:
			/* ENODEV/ENXIO races show up as a plain error. */
			if (if_nametoindex(iface) == 0)
				return CAP_AGAIN;
			return CAP_FATAL;
		default:
			return CAP_FATAL;
		}
	}
	if (rc > 0)
		(void)snprintf(err, errlen, "%s: %s", pcap_statustostr(rc),
		    pcap_geterr(p));
	if (sll2 && pcap_datalink(p) == DLT_LINUX_SLL)
		(void)pcap_set_datalink(p, DLT_LINUX_SLL2);
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		(void)snprintf(err, errlen, "non-blocking mode: %s", ebuf);
		pcap_close(p);
		return CAP_FATAL;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1 ||
	    pcap_setfilter(p, &prog) == -1) {
		(void)snprintf(err, errlen, "kernel filter: %s", pcap_geterr(p));
		pcap_close(p);
		return CAP_FATAL;
	}
	pcap_freecode(&prog);
	r->p = p;
	r->fd = pcap_get_selectable_fd(p);
	r->mb = bytes >> 20;
	return CAP_OK;
}

/* Point the group's program at member idx. */
static int
fanout_steer(const struct capring *r, int idx)
{
	struct sock_filter	insn = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog	prog;

	insn.k = (uint32_t)idx;
	memset(&prog, 0, sizeof(prog));		/* and its padding */
	prog.len = 1;
	prog.filter = &insn;
	return setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
	    sizeof(prog));
}

/* Make r the first member of a group of its own; 0 if none can be had. */
static int
fanout_create(const struct capring *r)
{
	uint32_t	arg = (uint32_t)(PACKET_FANOUT_CBPF |
			    PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	socklen_t	len = sizeof(arg);

	if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) == -1)
		return 0;
	if (getsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) == -1 ||
	    fanout_steer(r, 0) == -1)
		return 0;
	return (int)(arg & 0xffff) + 1;
}

static int
fanout_join(const struct capring *r, int group)
{
	uint32_t	arg = ((uint32_t)PACKET_FANOUT_CBPF << 16) |
			    (uint32_t)(group - 1);

	return setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg));
}

/* Open the capture of iface, with a ring of the size the policy says. */
int
cap_open_live(struct capture *c, const char *iface, char *err,
    size_t errlen)
{
	char	serr[256];
	int	rv, mb;

	if (c->want_mb < ring_min(c))
		c->want_mb = ring_min(c);
	if (c->want_mb > c->max_mb)
		c->want_mb = c->max_mb;
	mb = c->want_mb;

	memset(&c->ring, 0, sizeof(c->ring));
	memset(&c->next, 0, sizeof(c->next));
	memset(&c->syn, 0, sizeof(c->syn));
	c->ring.fd = c->next.fd = c->syn.fd = -1;
	c->phase = HO_NONE;
	c->iface = iface;
	rv = ring_open(&c->ring, iface, mb << 20, 0, "", 1, err, errlen);
	if (rv != CAP_OK)
		return rv;
	setup_dlt(c, c->ring.p);
	c->ifindex = (int)if_nametoindex(iface);
	c->fanout = fanout_create(&c->ring);
	/* Hints only: without them attribution is slower, not wrong. */
	if (ring_open(&c->syn, iface, SYN_RING, 1, SYN_FILTER, 1, serr,
	    sizeof(serr)) != CAP_OK)
		ring_close(&c->syn);
	c->quiet = bw_mono();
	c->seen_packets = c->packets;
	c->seen_drops = c->drops;
	c->peak = 0;
	return CAP_OK;
}

int
cap_open_file(struct capture *c, const char *path, char *err, size_t errlen)
{
	char	ebuf[PCAP_ERRBUF_SIZE];

	memset(&c->next, 0, sizeof(c->next));
	memset(&c->syn, 0, sizeof(c->syn));
	c->next.fd = c->syn.fd = c->ring.fd = -1;
	ebuf[0] = '\0';
	if ((c->ring.p = pcap_open_offline(path, ebuf)) == NULL) {
		(void)snprintf(err, errlen, "%s", ebuf);
		return CAP_FATAL;
	}
	c->dlt = pcap_datalink(c->ring.p);
	c->file = 1;
	return CAP_OK;
}

static void
on_pcap(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dispatch_ctx	*d = (struct dispatch_ctx *)(void *)user;

	d->count++;
	if (d->fn == NULL)
		return;
	d->fn(d->arg, data, h->caplen, h->len,
	    (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6);
}

/* Hand up to max frames of r to fn (NULL: throw them away). */
static int
ring_dispatch(struct capture *c, struct capring *r, int max, cap_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct dispatch_ctx	d;
	int			n;

	d.cap = c;
	d.fn = fn;
	d.arg = arg;
	d.count = 0;
	n = pcap_dispatch(r->p, max, on_pcap, (u_char *)&d);
	if (n == PCAP_ERROR || n == PCAP_ERROR_BREAK) {
		(void)snprintf(err, errlen, "%s", pcap_geterr(r->p));
		return -1;
	}
	return n < 0 ? -1 : d.count;
}

/* Counts frames on their way to the caller's function. */
struct count_ctx {
	struct capture	*cap;
	cap_fn		 fn;
	void		*arg;
};

static void
on_counted(void *arg, const uint8_t *data, uint32_t caplen, uint32_t len,
    double ts)
{
	struct count_ctx	*k = arg;

	k->cap->packets++;
	k->cap->bytes += len;
	k->fn(k->arg, data, caplen, len, ts);
}

/* The handover, one step further when its time has come (m: monotonic). */
static void
handover_step(struct capture *c, double m)
{
	struct capring	tmp;

	if (c->phase == HO_DISCARD && m >= c->phase_end) {
		/* Nothing reaches the new ring until this returns. */
		if (fanout_steer(&c->ring, 1) == -1) {
			c->drops += ring_drops(&c->next);
			ring_close(&c->next);
			c->phase = HO_NONE;
			return;
		}
		tmp = c->ring;
		c->ring = c->next;
		c->next = tmp;
		c->phase = HO_DRAIN;
		c->phase_end = m + HANDOVER_WAIT;
	} else if (c->phase == HO_DRAIN && m >= c->phase_end) {
		c->drops += ring_drops(&c->next);
		ring_close(&c->next);
		/* The new ring is member 0 now; 0 stays its number. */
		(void)fanout_steer(&c->ring, 0);
		c->phase = HO_NONE;
	}
}

/*
 * Hand up to max frames (-1: all that are ready) to fn.  The number
 * handed, 0 when none was ready (or at the end of a file), -1 on error
 * with err set.  m is the monotonic time, for the handover.
 */
int
cap_dispatch(struct capture *c, int max, cap_fn fn, void *arg, double m,
    char *err, size_t errlen)
{
	struct count_ctx	k = { c, fn, arg };
	int			n, o;

	n = ring_dispatch(c, &c->ring, max, on_counted, &k, err, errlen);
	if (n < 0 || c->phase == HO_NONE)
		return n;
	if (c->phase == HO_DISCARD) {
		/* Copies of frames the old ring has too. */
		if ((o = ring_dispatch(c, &c->next, -1, NULL, NULL, err,
		    errlen)) > 0)
			c->discarded += (uint64_t)o;
	} else
		/* The old ring's last frames: all of them count. */
		o = ring_dispatch(c, &c->next, -1, on_counted, &k, err,
		    errlen);
	if (o < 0) {
		/* The handover failed; the ring in use goes on. */
		ring_close(&c->next);
		c->phase = HO_NONE;
		err[0] = '\0';
		return n;
	}
	handover_step(c, m);
	return c->phase == HO_DRAIN ? n + o : n;
}

/* The SYN hints that are ready: parsed by fn, never counted. */
int
cap_dispatch_syn(struct capture *c, cap_fn fn, void *arg)
{
	char	err[PCAP_ERRBUF_SIZE];
	int	n;

	if (c->syn.p == NULL)
		return 0;
	if ((n = ring_dispatch(c, &c->syn, 256, fn, arg, err,
	    sizeof(err))) < 0) {
		ring_close(&c->syn);
		return 0;
	}
	c->syns += (uint64_t)n;
	return n;
}

/* Stop the SYN hints (their socket failed); the counting goes on. */
void
cap_syn_close(struct capture *c)
{
	ring_close(&c->syn);
}

/*
 * Replace the ring by one of mb megabytes.  0 when the handover has
 * begun (cap_dispatch finishes it), -1 with err set when it cannot be
 * done without losing frames.
 */
static int
cap_resize(struct capture *c, int mb, double m, char *err, size_t errlen)
{
	if (c->phase != HO_NONE || c->file || c->ring.p == NULL) {
		(void)snprintf(err, errlen, "busy");
		return -1;
	}
	if (c->fanout == 0) {
		(void)snprintf(err, errlen, "the kernel has no fanout groups");
		return -1;
	}
	if (ring_open(&c->next, c->iface, mb << 20, 0, "", 1, err,
	    errlen) != CAP_OK) {
		ring_close(&c->next);
		return -1;
	}
	if (pcap_datalink(c->next.p) != c->dlt ||
	    fanout_join(&c->next, c->fanout) == -1) {
		(void)snprintf(err, errlen, "joining the fanout group: %s",
		    strerror(errno));
		ring_close(&c->next);
		return -1;
	}
	c->phase = HO_DISCARD;
	c->phase_end = m + HANDOVER_WAIT;
	return 0;
}

/* The ring's size in megabytes, or the one coming when it changes. */
int
cap_ring_mb(const struct capture *c)
{
	return c->phase == HO_DISCARD ? c->next.mb : c->ring.mb;
}

int
cap_busy(const struct capture *c)
{
	return c->phase != HO_NONE;
}

/*
 * Sleep past the block timeout, so that the block being filled now is
 * retired and readable (a handover waits the same).
 */
void
cap_settle(const struct capture *c)
{
	struct timespec	ts;

	if (!cap_is_open(c))
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(HANDOVER_WAIT * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* When the handover needs a look (monotonic), 0 when there is none. */
double
cap_next_event(const struct capture *c)
{
	return c->phase != HO_NONE ? c->phase_end : 0;
}

/* The descriptors to poll: up to 3 into fds; how many. */
int
cap_pollfds(const struct capture *c, int *fds)
{
	int	n = 0;

	if (c->ring.p != NULL && c->ring.fd >= 0)
		fds[n++] = c->ring.fd;
	if (c->next.p != NULL && c->next.fd >= 0)
		fds[n++] = c->next.fd;
	if (c->syn.p != NULL && c->syn.fd >= 0)
		fds[n++] = c->syn.fd;
	return n;
}

/* Add the rings' drops since the last call to c->drops. */
static void
update_drops(struct capture *c)
{
	if (c->file)
		return;
	c->drops += ring_drops(&c->ring);
	if (c->phase == HO_DRAIN)
		c->drops += ring_drops(&c->next);
}

/* The counters, with the rings' drops brought up to date. */
void
cap_stats(struct capture *c, struct capstats *st)
{
	update_drops(c);
	st->packets = c->packets;
	st->bytes = c->bytes;
	st->drops = c->drops;
}

/*
 * Another ring size.  Without a fanout group the only way is to close
 * and open again, which misses the frames of the moment in between:
 * asked for (CAP_AGAIN) only to stop drops.
 */
static int
resize(struct capture *c, int mb, uint64_t drops, double m)
{
	char	err[256];
	int	cur = cap_ring_mb(c);

	if (cap_resize(c, mb, m, err, sizeof(err)) == 0) {
		c->want_mb = mb;
		if (drops > 0)
			log_info("%s: %llu frames dropped: capture ring %d -> "
			    "%d MB", c->iface, (unsigned long long)drops, cur,
			    mb);
		else
			log_info("%s: capture ring %d -> %d MB", c->iface, cur,
			    mb);
		return CAP_OK;
	}
	if (drops == 0 && mb < c->max_mb)
		return CAP_OK;
	log_warnx("%s: capture ring %d -> %d MB by reopening (%s)", c->iface,
	    cur, mb, err);
	c->want_mb = mb;
	return CAP_AGAIN;
}

/*
 * The adaptive ring, once a second: twice the size on drops (up to
 * max_mb); after RING_QUIET seconds without drops, the smallest size
 * (not below ring_min) that holds a second of the busiest second seen
 * meanwhile.
 */
int
cap_adapt(struct capture *c, double m)
{
	uint64_t	fps, drops;
	int		cur, want;

	if (!cap_is_open(c) || c->file)
		return CAP_OK;
	update_drops(c);
	fps = c->packets - c->seen_packets;
	drops = c->drops - c->seen_drops;
	c->seen_packets = c->packets;
	c->seen_drops = c->drops;
	if (fps > c->peak)
		c->peak = fps;
	if (cap_busy(c))
		return CAP_OK;
	cur = cap_ring_mb(c);
	if (drops > 0) {
		c->quiet = m;
		c->peak = fps;
		if (cur >= c->max_mb) {
			if (!c->full_logged)
				log_warnx("%s: %llu frames dropped with the "
				    "largest ring (capture_buffer_mb = %d)",
				    c->iface, (unsigned long long)drops, cur);
			c->full_logged = 1;
			return CAP_OK;
		}
		want = cur * 2 < c->max_mb ? cur * 2 : c->max_mb;
		return resize(c, want, drops, m);
	}
	if (cur > c->max_mb)
		return resize(c, c->max_mb, 0, m);
	if (m - c->quiet < RING_QUIET)
		return CAP_OK;
	want = ring_min(c);
	while (want < cur && ((uint64_t)want << 20) < c->peak * FRAME_SLOT)
		want *= 2;
	c->quiet = m;
	c->peak = 0;
	c->full_logged = 0;
	if (want < cur)
		return resize(c, want, 0, m);
	return CAP_OK;
}

void
cap_close(struct capture *c)
{
	if (c->ring.p != NULL)
		update_drops(c);
	ring_close(&c->ring);
	ring_close(&c->next);
	ring_close(&c->syn);
	c->phase = HO_NONE;
}
