/*
 * Attribution of new connections, run after each batch of packets and
 * never per packet.  When the kernel names owners (bpfowner.c), a new
 * connection whose flow it has reported gets that owner at once, its
 * socket open or long gone.  Otherwise, or when the kernel has said
 * nothing of it (yet), it goes through:
 *
 * 1. its socket.  When one end is an address of ours, one sock_diag
 *    exact lookup finds it (or /proc/self/net when sock_diag cannot, or
 *    when told to read the tables instead: bwprocs -P).
 *    Otherwise the end may live in another network namespace on this
 *    host (a container or "ip netns" behind a veth or bridge): the
 *    namespace whose addresses include the end is found, and its socket
 *    tables are read once for all connections that need it.  An end in
 *    no namespace is forwarded traffic.
 * 2. its process: the socket inode in the pidmap cache, which is
 *    refreshed by quick scans of new processes and, at most about once
 *    a second, by a full scan.
 *
 * A connection whose socket is not there yet (not yet accepted, a
 * packet early) is tried again a few times with growing delays; one
 * whose socket is closed, or that nobody owns after that, goes to an
 * unattributed row.  Its bytes wait in the connection meanwhile and go
 * to whoever is found, so nothing is lost or counted twice.  A TCP
 * connection whose own socket is gone (or not accepted yet) goes to the
 * process of the listening socket on its local port, if there is one.
 *
 * Speed matters for short connections: the socket must be found while
 * it is open.  The capture hands over TCP SYNs at once; such a
 * connection is "urgent": its socket is looked up at once, then the
 * descriptors where the processes that made connections lately put
 * their last sockets are read (one readlink each), then the same
 * descriptors of the next few pids (a program that starts a process
 * per connection), then those processes' descriptors, then new
 * processes, out of their usual turns.
 *
 * Lookups are rate limited (lookup_rate a second, a scan out of turn
 * costs URGENT_COST lookups), so that a flood of new connections costs
 * bounded CPU; what waits past its chance is counted, unattributed.
 *
 * Even so a connection can open and close faster than its process can
 * be read.  When its socket is gone, and exactly one process made
 * connections (mapped by their own sockets) from the same local address
 * to the same remote address and port in the last AFF_WINDOW seconds,
 * and is still there or made one after this one began, it is credited
 * to that process as "inferred"; otherwise to [closed sockets].
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfowner.h"
#include "bwprocs.h"
#include "pidmap.h"
#include "procinfo.h"
#include "procnet.h"
#include "resolve.h"
#include "sockdiag.h"
#include "table.h"
#include "log.h"
#include "util.h"

#define RETRY_BASE	0.05	/* first retry after 50 ms, then doubling */
#define MAX_LOOKUPS	6	/* socket lookups before giving up (~3 s) */
#define MAX_NS_TRIES	3
#define MAX_PID_TRIES	3	/* full scans that did not find the socket */
#define BUDGET		512	/* connections looked at per run */
#define URGENT_COST	4	/* lookups a scan out of its turn costs */
#define HOT_PROBE	4	/* hot processes probed per connection */
#define SUCC_PROBE	8	/* pids after the newest probed */
#define STARVED_WAIT	0.01	/* out of lookups: look again after this */
#define WAIT_MAX	3.0	/* seconds a connection waits for a lookup */
#define EXPIRE_GAP	0.1	/* seconds between looks for those */
#define AFF_SLOTS	1024	/* remote endpoints remembered */
#define AFF_WINDOW	5.0	/* seconds a process counts as connecting */
#define HOT_PIDS	16
#define HOT_FDS		2

/* A process that made connections lately, and where it put them. */
struct hotpid {
	pid_t		pid;
	int		fd[HOT_FDS];	/* -1: none */
};

struct resolver {
	struct sockdiag	*sd;		/* NULL: read /proc/net instead */
	struct bpfowner	*bo;		/* NULL: /proc alone */
	struct pidmap	*pm;
	const char	*proc;
	int		 ifindex;
	struct hotpid	 hot[HOT_PIDS];	/* most recent first */
	int		 nhot;
	double		 next_hot;
	double		 rate;		/* lookups a second, at most */
	double		 tokens, tok_time;
	int		 starved;	/* the last run ran out */
	int		 bpfscan;	/* bpf_owner scanned in this pass */
	double		 next_expire;
	uint64_t	 lookups, nsreads, found, givenup, limited;
	uint64_t	 viaprobe, vialistener, inferred, viabpf;
	struct affinity	*aff;
};

/* Who made connections to a remote endpoint lately. */
struct affinity {
	uint8_t		local[16], remote[16];
	uint16_t	rport;
	uint8_t		family, used;
	pid_t		pid;
	uint64_t	start;
	double		last;		/* its last connection mapped */
	double		mixed;		/* another process too: until then */
};

struct cand {
	struct conn	*c;
	uint64_t	 ns;		/* the namespace to read */
	int		 end;		/* 0: the a end, 1: the b end */
	int		 score;		/* of the best socket so far */
	struct pnsock	 best;
};

struct match_ctx {
	struct cand	*cands;
	int		 ncands;
	uint64_t	 ns;
	int		 proto;
};

static int
is_linklocal(int family, const uint8_t *a)
{
	if (family == 4)
		return a[0] == 169 && a[1] == 254;
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* At most rate lookups a second (a second's worth at once); 0: no limit. */
void
res_set_rate(struct resolver *r, double rate)
{
	r->rate = rate;
	r->tokens = rate;
	r->tok_time = bw_mono();
}

/* Take n lookups from the budget; 0 when there are not that many. */
static int
take(struct resolver *r, double n)
{
	double	m;

	if (r->rate <= 0)
		return 1;
	m = bw_mono();
	if (m > r->tok_time) {
		r->tokens += (m - r->tok_time) * r->rate;
		if (r->tokens > r->rate)
			r->tokens = r->rate;
	}
	r->tok_time = m;
	if (r->tokens < n) {
		r->limited++;
		return 0;
	}
	r->tokens -= n;
	return 1;
}

struct resolver *
res_new(const char *proc, int procnet)
{
	struct resolver	*r;
	int		 i, j, saved;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->proc = proc;
	if ((r->aff = calloc(AFF_SLOTS, sizeof(*r->aff))) == NULL)
		goto fail;
	for (i = 0; i < HOT_PIDS; i++)
		for (j = 0; j < HOT_FDS; j++)
			r->hot[i].fd[j] = -1;
	if (!procnet && (r->sd = sd_open()) == NULL)
		log_warn("sock_diag netlink socket; reading /proc/net instead");
	if ((r->pm = pm_new(proc)) == NULL)
		goto fail;
	return r;
fail:
	saved = errno;
	res_free(r);
	errno = saved;
	return NULL;
}

void
res_free(struct resolver *r)
{
	if (r == NULL)
		return;
	sd_close(r->sd);
	pm_free(r->pm);
	free(r->aff);
	free(r);
	pi_user_cache_free();
}

void
res_set_ifindex(struct resolver *r, int ifindex)
{
	r->ifindex = ifindex;
}

uint64_t
res_limited(const struct resolver *r)
{
	return r->limited;
}

/* The kernel names owners from now on (bo: bwprocs keeps it). */
void
res_set_bpf(struct resolver *r, struct bpfowner *bo)
{
	r->bo = bo;
}

uint64_t
res_viabpf(const struct resolver *r)
{
	return r->viabpf;
}

/*
 * The first full scan, at start: 1 when other users' descriptors could
 * not be read (their connections will show as unknown), else 0.
 */
int
res_start(struct resolver *r, double now)
{
	(void)pm_full_scan(r->pm, now, 0);
	return pm_scans(r->pm)->fd_denied;
}

/*
 * A connection seen by its SYN, as it passed: its socket is surely
 * open now, so unless it has been looked up already it goes first, due
 * at once.
 */
void
res_urgent(struct resolver *r, struct table *t, struct conn *c, double now)
{
	(void)r;
	if (c->owner != NULL || c->lk.state != CS_LOOKUP || c->lk.tries != 0)
		return;
	c->lk.urgent = 1;
	tab_pending_front(t, c, now);
}

/* Try again later; the list stays roughly in order of next_try. */
static void
retry_later(struct table *t, struct conn *c, double now)
{
	tab_pending_requeue(t, c, now + RETRY_BASE *
	    (double)(1U << (c->lk.tries < 8 ? c->lk.tries : 8)));
}

/* A socket but no process: closed by now, or nobody we can see. */
static int
label_noproc(const struct conn *c)
{
	if (c->closing)
		return U_CLOSED;
	return c->proto == IPPROTO_TCP ? U_UNKNOWN_TCP : U_UNKNOWN_UDP;
}

/* "tcp 10.0.0.1:22 10.0.0.2:51000", for debugging messages. */
static const char *
conn_str(const struct conn *c, char *buf, size_t size)
{
	char	a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int	af = c->family == 4 ? AF_INET : AF_INET6;

	if (inet_ntop(af, c->a.addr, a, sizeof(a)) == NULL ||
	    inet_ntop(af, c->b.addr, b, sizeof(b)) == NULL)
		a[0] = b[0] = '\0';
	(void)snprintf(buf, size, "%s %s%s%s:%u %s%s%s:%u",
	    c->proto == IPPROTO_TCP ? "tcp" : "udp",
	    af == AF_INET6 ? "[" : "", a, af == AF_INET6 ? "]" : "", c->a.port,
	    af == AF_INET6 ? "[" : "", b, af == AF_INET6 ? "]" : "",
	    c->b.port);
	return buf;
}

/* The slot of c's (local address, remote address and port). */
static struct affinity *
aff_slot(const struct resolver *r, const struct conn *c, int *match)
{
	struct affinity	*a;
	uint32_t	 h = 2166136261U ^ c->family;
	int		 i;

	for (i = 0; i < 16; i++)
		h = (h ^ c->a.addr[i] ^ ((uint32_t)c->b.addr[i] << 8)) *
		    16777619U;
	h = (h ^ c->b.port) * 16777619U;
	a = &r->aff[(h ^ (h >> 15)) & (AFF_SLOTS - 1)];
	*match = a->used && a->family == c->family && a->rport == c->b.port &&
	    memcmp(a->local, c->a.addr, 16) == 0 &&
	    memcmp(a->remote, c->b.addr, 16) == 0;
	return a;
}

/* Process row just got TCP connection c, its own socket found. */
static void
aff_note(struct resolver *r, const struct conn *c, const struct row *row,
    double now)
{
	struct affinity	*a;
	int		 match;

	/* Only connections our end opened: the remote port is a service. */
	if (c->proto != IPPROTO_TCP || !c->alocal || row->kind != ROW_PROC ||
	    c->opener == OPEN_B)
		return;
	a = aff_slot(r, c, &match);
	if (match && (a->pid != row->pid || a->start != row->start) &&
	    now - a->last < AFF_WINDOW)
		a->mixed = now + AFF_WINDOW;
	else if (!match) {
		memset(a, 0, sizeof(*a));
		a->used = 1;
		a->family = c->family;
		a->rport = c->b.port;
		memcpy(a->local, c->a.addr, 16);
		memcpy(a->remote, c->b.addr, 16);
	}
	a->pid = row->pid;
	a->start = row->start;
	a->last = now;
}

/* The one process that makes c's kind of connection now, or NULL. */
static struct row *
aff_guess(struct resolver *r, struct table *t, const struct conn *c,
    double now)
{
	struct affinity	*a;
	uint64_t	 start;
	int		 match;

	if (c->proto != IPPROTO_TCP || !c->alocal || c->opener == OPEN_B)
		return NULL;
	a = aff_slot(r, c, &match);
	if (!match || now - a->last > AFF_WINDOW || now < a->last ||
	    now < a->mixed)
		return NULL;
	/*
	 * Still there, or it made one of those connections after c began:
	 * then it was there when c began.
	 */
	if (a->last < c->first && (pm_proc_start(r->proc, a->pid,
	    &start) == -1 || start != a->start))
		return NULL;		/* gone: someone else's, maybe */
	return tab_row_find(t, a->pid, a->start);
}

static int	try_map(struct resolver *, struct table *, struct conn *,
		    double);
static int	listener(struct resolver *, const struct conn *, int,
		    struct sockinfo *);

/*
 * No socket of its own could be mapped for c.  A TCP connection on a
 * local port where a socket listens was that listener's: its process.
 * Else, when it closed, the one process that makes its kind of
 * connection now.  Else the unattributed row label.
 */
static void
give_up(struct resolver *r, struct table *t, struct conn *c, int label,
    double now)
{
	struct sockinfo	 si;
	struct row	*row;
	char		 buf[128];

	if (c->proto == IPPROTO_TCP && c->alocal && !c->lk.vialistener &&
	    (label == U_CLOSED || label == U_UNKNOWN_TCP) &&
	    listener(r, c, is_linklocal(c->family, c->a.addr) ? r->ifindex :
	    0, &si)) {
		c->lk.vialistener = 1;
		c->lk.inode = si.inode;
		c->lk.netns = pm_selfns(r->pm);
		c->lk.state = CS_INODE;
		if (try_map(r, t, c, now)) {
			r->vialistener++;
			return;
		}
	}
	if (label == U_CLOSED && (row = aff_guess(r, t, c, now)) != NULL) {
		r->inferred++;
		tab_attach(t, c, row, 1, now);
		if (log_getverbose())
			log_debug("%s: pid %d (%s), inferred",
			    conn_str(c, buf, sizeof(buf)), (int)row->pid,
			    row->info.name ? row->info.name : "");
		return;
	}
	r->givenup++;
	tab_give_up(t, c, label, now);
	if (log_getverbose())
		log_debug("%s: %s", conn_str(c, buf, sizeof(buf)),
		    tab_unattr(t, label)->info.name);
}

/*
 * Remember a process that just got a connection (first in the list),
 * and the descriptor it was on when known (fd >= 0).
 */
static void
hot_note(struct resolver *r, pid_t pid, int fd)
{
	struct hotpid	h;
	int		i, j;

	for (i = 0; i < r->nhot; i++)
		if (r->hot[i].pid == pid)
			break;
	if (i < r->nhot)
		h = r->hot[i];
	else {
		if (r->nhot < HOT_PIDS)
			r->nhot++;
		i = r->nhot - 1;	/* the oldest makes room */
		h.pid = pid;
		for (j = 0; j < HOT_FDS; j++)
			h.fd[j] = -1;
	}
	memmove(&r->hot[1], &r->hot[0], sizeof(r->hot[0]) * (size_t)i);
	if (fd >= 0) {
		/* fd goes first; the last one drops out if it was not there. */
		for (j = 0; j < HOT_FDS - 1 && h.fd[j] != fd; j++)
			;
		memmove(&h.fd[1], &h.fd[0], sizeof(h.fd[0]) * (size_t)j);
		h.fd[0] = fd;
	}
	r->hot[0] = h;
}

/*
 * The next processes to start, for a program that starts one process
 * per connection (a shell loop of curl): pids are handed out in order,
 * so the few after the newest one seen, at the descriptors where the
 * hot processes had their sockets.  1 when c's socket is found.
 */
static int
probe_successors(struct resolver *r, const struct conn *c)
{
	int	fds[HOT_FDS * HOT_PROBE], nfd = 0, i, j, k;
	pid_t	pid;

	if (pm_scans(r->pm)->newest <= 0)
		return 0;
	for (i = 0; i < r->nhot && i < HOT_PROBE; i++)
		for (j = 0; j < HOT_FDS && r->hot[i].fd[j] >= 0; j++) {
			for (k = 0; k < nfd; k++)
				if (fds[k] == r->hot[i].fd[j])
					break;
			if (k == nfd)
				fds[nfd++] = r->hot[i].fd[j];
		}
	for (k = 1; k <= SUCC_PROBE; k++)
		for (j = 0; j < nfd; j++)
			if ((pid = pm_probe_new(r->pm, k, fds[j],
			    c->lk.inode)) != 0) {
				r->viaprobe++;
				hot_note(r, pid, fds[j]);
				return 1;
			}
	return 0;
}

/*
 * A process just started: it may be the one making connections.  It
 * goes last in the list (when not there yet), so that the next urgent
 * miss reads its descriptors too: a process whose first connection was
 * too quick for the quick scan is found at its next one.
 */
static void
hot_young(struct resolver *r, pid_t pid)
{
	int	i, j;

	for (i = 0; i < r->nhot; i++)
		if (r->hot[i].pid == pid)
			return;
	if (r->nhot < HOT_PIDS)
		i = r->nhot++;
	else
		i = HOT_PIDS - 1;
	r->hot[i].pid = pid;
	for (j = 0; j < HOT_FDS; j++)
		r->hot[i].fd[j] = -1;
}

/* The pids of the hot processes, for a rescan. */
static int
hot_pids(const struct resolver *r, pid_t *pids)
{
	int	i;

	for (i = 0; i < r->nhot; i++)
		pids[i] = r->hot[i].pid;
	return r->nhot;
}

/*
 * Is c's socket where a hot process put its last ones?  A readlink or
 * two for each of the most recent; 1 when found (now in the map).
 */
static int
probe_hot(struct resolver *r, const struct conn *c)
{
	int	i, j, fd;

	for (i = 0; i < r->nhot && i < HOT_PROBE; i++)
		for (j = 0; j < HOT_FDS; j++) {
			if ((fd = r->hot[i].fd[j]) < 0)
				break;
			if (pm_probe(r->pm, r->hot[i].pid, fd, c->lk.inode)) {
				r->viaprobe++;
				hot_note(r, r->hot[i].pid, fd);
				return 1;
			}
		}
	return 0;
}

/* Read a row's process details again, if the process is still there. */
static void
refresh(struct resolver *r, struct row *row, double now)
{
	struct procinfo	 pi;
	const char	*ns;
	uint64_t	 start;

	ns = pm_ns_label(r->pm, row->netns);
	if (pm_proc_start(r->proc, row->pid, &start) == 0 &&
	    start == row->start && pi_read(r->proc, row->pid, row->netns,
	    pm_selfns(r->pm), ns != NULL ? ns : "netns:?", &pi) == 0) {
		if (pm_proc_start(r->proc, row->pid, &start) == 0 &&
		    start == row->start) {
			tab_row_info(row, &pi, now);
			return;
		}
		pi_clear(&pi);
	}
	tab_row_info(row, NULL, now);
}

/*
 * Step 2: the socket's process.  Returns 1 when c now has an owner,
 * 0 when its inode is not in the map (yet).
 */
static int
try_map(struct resolver *r, struct table *t, struct conn *c, double now)
{
	struct procinfo	 pi;
	const char	*ns;
	struct row	*row;
	uint64_t	 start, pstart, netns;
	pid_t		 pid;

	if (!pm_find(r->pm, c->lk.inode, &pid, &pstart))
		return 0;
	if ((row = tab_row_find(t, pid, pstart)) == NULL) {
		if (pm_proc_start(r->proc, pid, &start) == -1 ||
		    start != pstart)
			return 0;	/* that process is gone */
		netns = c->lk.netns != 0 ? c->lk.netns : pm_selfns(r->pm);
		ns = pm_ns_label(r->pm, netns);
		if (pi_read(r->proc, pid, netns, pm_selfns(r->pm),
		    ns != NULL ? ns : "netns:?", &pi) == -1) {
			give_up(r, t, c, tab_unknown_label(c), now);
			return 1;
		}
		if ((row = tab_row_new(t, pid, pstart, netns, &pi,
		    now)) == NULL) {
			pi_clear(&pi);
			give_up(r, t, c, tab_unknown_label(c), now);
			return 1;
		}
	} else if (now - row->info_time > 30.0)
		/* Command lines change (sshd, postgres): look again. */
		refresh(r, row, now);
	r->found++;
	hot_note(r, row->pid, -1);
	if (!c->lk.vialistener)
		aff_note(r, c, row, now);
	tab_attach(t, c, row, 0, now);
	if (log_getverbose()) {
		char	buf[128];

		log_debug("%s: pid %d (%s) %s", conn_str(c, buf, sizeof(buf)),
		    (int)row->pid, row->info.name ? row->info.name : "",
		    row->info.container ? row->info.container : "");
	}
	return 1;
}

/* The socket was found: on to its process. */
static void
got_socket(struct conn *c, uint64_t inode, uint64_t ns)
{
	c->lk.inode = inode;
	c->lk.netns = ns;
	c->lk.state = CS_INODE;
	c->lk.tries = 0;
}

/* A TCP socket with no file: waiting to be accepted, or closed. */
static int
tcp_unaccepted(int state)
{
	return state == 1 || state == 3 || state == 8 ||
	    state == TCP_ST_NEW_SYN_RECV;
}

/*
 * How well table socket ps matches end e (other end o) of a connection
 * in a namespace that has e's address; 0: not at all.
 */
static int
score(const struct pnsock *ps, int family, int proto, const struct endp *e,
    const struct endp *o)
{
	int	s, wild_local;

	if (ps->local.port != e->port)
		return 0;
	if (ps->family == family)
		wild_local = addr_is_zero(ps->local.addr);
	else if (family == 4 && ps->family == 6 &&
	    addr_is_zero(ps->local.addr))
		wild_local = 1;		/* a dual-stack [::]:port */
	else
		return 0;
	if (!wild_local && memcmp(ps->local.addr, e->addr, 16) != 0)
		return 0;
	if (ps->remote.port == o->port &&
	    memcmp(ps->remote.addr, o->addr, 16) == 0 && ps->family == family)
		s = 8;
	else if (ps->remote.port == 0 && addr_is_zero(ps->remote.addr)) {
		if (proto == IPPROTO_TCP && ps->state != TCP_ST_LISTEN)
			return 0;
		s = 4;
	} else
		return 0;
	if (!wild_local)
		s += 2;
	return s;
}

static int
match_cb(const struct pnsock *ps, void *arg)
{
	struct match_ctx	*m = arg;
	struct cand		*k;
	struct conn		*c;
	const struct endp	*e, *o;
	int			 i, s;

	for (i = 0; i < m->ncands; i++) {
		k = &m->cands[i];
		c = k->c;
		if (c->proto != m->proto || k->ns != m->ns)
			continue;
		e = k->end == 0 ? &c->a : &c->b;
		o = k->end == 0 ? &c->b : &c->a;
		s = score(ps, c->family, c->proto, e, o);
		if (s > k->score) {
			k->score = s;
			k->best = *ps;
		}
	}
	return 0;
}

/* Read namespace ns's table for proto and family into the candidates. */
static void
read_tables(struct resolver *r, struct match_ctx *m, pid_t pid, int proto,
    int need4, int need6)
{
	char		 path[320];
	const char	*name = proto == IPPROTO_TCP ? "tcp" : "udp";

	m->proto = proto;
	if (need4) {
		if (pid > 0)
			(void)snprintf(path, sizeof(path), "%s/%d/net/%s",
			    r->proc, (int)pid, name);
		else
			(void)snprintf(path, sizeof(path), "%s/self/net/%s",
			    r->proc, name);
		(void)pn_read(path, 4, match_cb, m);
	}
	/* Dual-stack sockets serve IPv4 from the IPv6 table. */
	if (pid > 0)
		(void)snprintf(path, sizeof(path), "%s/%d/net/%s6", r->proc,
		    (int)pid, name);
	else
		(void)snprintf(path, sizeof(path), "%s/self/net/%s6", r->proc,
		    name);
	if (need4 || need6)
		(void)pn_read(path, 6, match_cb, m);
	r->nsreads++;
}

/*
 * Step 1 for connections with no end of ours, and for ours when
 * sock_diag cannot answer: the socket tables of the namespaces that own
 * an end, each read once for all the candidates.
 */
static void
ns_batch(struct resolver *r, struct table *t, struct cand *cands, int n,
    double now, int final)
{
	struct match_ctx	 m;
	struct cand		*k;
	uint64_t		 done[64];
	pid_t			 pid;
	int			 ndone = 0, i, j, need[2][2];
	struct conn		*c;

	memset(&m, 0, sizeof(m));
	m.cands = cands;
	m.ncands = n;
	for (i = 0; i < n; i++) {
		k = &cands[i];
		if (k->ns == 0)
			continue;
		for (j = 0; j < ndone; j++)
			if (done[j] == k->ns)
				break;
		if (j < ndone || ndone == 64)
			continue;
		done[ndone++] = k->ns;
		pid = 0;			/* ours: /proc/self/net */
		if (k->ns != pm_selfns(r->pm) &&
		    (pid = pm_ns_rep(r->pm, k->ns, now)) == 0)
			continue;	/* nobody lives there any more */
		memset(need, 0, sizeof(need));
		for (j = 0; j < n; j++)
			if (cands[j].ns == k->ns)
				need[cands[j].c->proto == IPPROTO_UDP]
				    [cands[j].c->family == 6] = 1;
		m.ns = k->ns;
		if (need[0][0] || need[0][1])
			read_tables(r, &m, pid, IPPROTO_TCP, need[0][0],
			    need[0][1]);
		if (need[1][0] || need[1][1])
			read_tables(r, &m, pid, IPPROTO_UDP, need[1][0],
			    need[1][1]);
	}
	for (i = 0; i < n; i++) {
		k = &cands[i];
		c = k->c;
		if (k->score > 0 && k->best.inode != 0) {
			if (k->end == 1)
				tab_swap_ends(c);
			got_socket(c, k->best.inode, k->ns);
			continue;
		}
		if (k->score > 0 && c->proto == IPPROTO_TCP &&
		    !tcp_unaccepted(k->best.state)) {
			tab_note_fileless(c);
			give_up(r, t, c, U_CLOSED, now);
			continue;
		}
		if (k->score > 0)
			tab_note_fileless(c);
		if (++c->lk.tries >= MAX_NS_TRIES || final)
			/* A namespace here has the address: not forwarded. */
			give_up(r, t, c, label_noproc(c), now);
		else
			retry_later(t, c, now);
	}
}

/*
 * Is the socket of c (ours, found before) closed now?  Only sock_diag
 * can say cheaply; 0 when it cannot tell.
 */
static int
socket_gone(struct resolver *r, const struct conn *c)
{
	struct sockinfo	si;
	int		rv;

	if (!c->alocal || c->lk.netns != pm_selfns(r->pm) || !take(r, 1))
		return 0;
	rv = sd_lookup(r->sd, c->family, c->proto, &c->a, &c->b,
	    is_linklocal(c->family, c->a.addr) ? r->ifindex : 0, &si);
	r->lookups++;
	return rv == 0 || (rv == 1 && si.inode != c->lk.inode);
}

/*
 * The listening socket on c's local port, for a TCP connection whose
 * own socket is gone or not accepted yet.  1 and *si when there is one.
 */
static int
listener(struct resolver *r, const struct conn *c, int ifx,
    struct sockinfo *si)
{
	struct endp	any;

	/* Our end sent the SYN: it connected, nothing listens there. */
	if (c->proto != IPPROTO_TCP || c->opener == OPEN_A || !take(r, 1))
		return 0;
	memset(&any, 0, sizeof(any));
	r->lookups++;
	return sd_lookup(r->sd, c->family, c->proto, &c->a, &any, ifx,
	    si) == 1 && si->inode != 0 && si->state == TCP_ST_LISTEN;
}

/* Step 1 for a connection with an end of ours: sock_diag. */
static int
host_lookup(struct resolver *r, struct table *t, struct conn *c, double now,
    int final)
{
	struct sockinfo	si;
	int		rv, ifx, waiting;

	ifx = is_linklocal(c->family, c->a.addr) ? r->ifindex : 0;
	rv = sd_lookup(r->sd, c->family, c->proto, &c->a, &c->b, ifx, &si);
	r->lookups++;
	if (rv == -1)
		return -1;		/* ask /proc/self/net */
	if (rv == 1 && si.inode != 0 && !(c->proto == IPPROTO_TCP &&
	    si.state == TCP_ST_LISTEN && c->lk.tries < 2 && !final)) {
		got_socket(c, si.inode, pm_selfns(r->pm));
		return 0;
	}
	if (c->proto == IPPROTO_TCP && rv == 1 && si.inode == 0) {
		tab_note_fileless(c);
		waiting = tcp_unaccepted(si.state);
		/*
		 * Not accepted yet, or accepted and closed: the process of
		 * the listener on the local port has (or had) it.  A
		 * connection waiting to be accepted gets a few chances to
		 * show its own socket first.
		 */
		if ((!waiting || c->lk.tries >= 2 || final) &&
		    listener(r, c, ifx, &si)) {
			r->vialistener++;
			c->lk.vialistener = 1;
			got_socket(c, si.inode, pm_selfns(r->pm));
			return 0;
		}
		if (!waiting) {
			give_up(r, t, c, U_CLOSED, now);
			return 0;
		}
	} else if (c->proto == IPPROTO_TCP && rv == 0 &&
	    (c->closing || c->lk.tries > 0 || final) &&
	    listener(r, c, ifx, &si)) {
		/* Gone without a trace (RST, or its TIME_WAIT is over). */
		r->vialistener++;
		c->lk.vialistener = 1;
		got_socket(c, si.inode, pm_selfns(r->pm));
		return 0;
	}
	if (++c->lk.tries >= MAX_LOOKUPS || final)
		give_up(r, t, c, tab_unknown_label(c), now);
	else
		retry_later(t, c, now);
	return 0;
}

static void	run_pass(struct resolver *, struct table *, double, int);

/*
 * Work on the pending connections whose time has come, BUDGET at a
 * time.  When final (the last chance before the files are written for
 * good) every pending connection gets an owner.
 */
void
res_run(struct resolver *r, struct table *t, double now, int final)
{
	struct conn	*c;
	size_t		 before;

	do {
		before = tab_npending(t);
		run_pass(r, t, now, final);
	} while (final && tab_npending(t) > 0 && tab_npending(t) < before);
	/* Cannot happen (a final pass gives up on what it sees), but: */
	while (final && (c = tab_pending_first(t)) != NULL)
		tab_give_up(t, c, tab_unknown_label(c), now);
}

/* Map what the scan just made known; miss[i] becomes NULL when done. */
static void
retry_misses(struct resolver *r, struct table *t, struct conn **miss,
    int nmiss, double now)
{
	int	i;

	for (i = 0; i < nmiss; i++)
		if (miss[i] != NULL && try_map(r, t, miss[i], now))
			miss[i] = NULL;
}

/* The inode of the first miss left, for a scan to note; 0: none left. */
static uint64_t
first_miss(struct conn **miss, int nmiss, int *urgent)
{
	int	i;

	*urgent = 0;
	for (i = 0; i < nmiss; i++)
		if (miss[i] != NULL && miss[i]->lk.urgent)
			*urgent = 1;
	for (i = 0; i < nmiss; i++)
		if (miss[i] != NULL)
			return miss[i]->lk.inode;
	return 0;
}

/*
 * The scans are to note where the first miss left is: 0 when there is
 * none left, and whether an urgent one is.
 */
static int
want_miss(struct resolver *r, struct conn **miss, int nmiss, int *urgent)
{
	uint64_t	inode = first_miss(miss, nmiss, urgent);

	pm_want(r->pm, inode);
	return inode != 0;
}

/* After a scan that noted where the wanted inode was: remember it. */
static void
note_want(struct resolver *r)
{
	pid_t	pid;
	int	fd;

	if (pm_wanted(r->pm, &pid, &fd))
		hot_note(r, pid, fd);
}

/*
 * Inodes not in the map: where the hot processes put their last
 * sockets (for an urgent connection, also those places in the next few
 * pids), then the hot processes (every 20 ms, or at once for an urgent
 * connection), then new processes (likewise), then (at most about once
 * a second) all.
 */
static void
map_misses(struct resolver *r, struct table *t, struct conn **miss,
    int nmiss, double now, int final)
{
	pid_t		 pids[HOT_PIDS];
	const pid_t	*newpids;
	struct conn	*c;
	int		 i, n, urgent, scanned;

	for (i = 0; i < nmiss; i++)
		if (r->nhot > 0 && (probe_hot(r, miss[i]) ||
		    (miss[i]->lk.urgent && take(r, URGENT_COST) &&
		    probe_successors(r, miss[i]))) &&
		    try_map(r, t, miss[i], now))
			miss[i] = NULL;
	if (!want_miss(r, miss, nmiss, &urgent))
		return;
	if (r->nhot > 0 && (now >= r->next_hot ||
	    (urgent && take(r, URGENT_COST)))) {
		r->next_hot = now + 0.02;
		if (pm_rescan(r->pm, pids, hot_pids(r, pids)) > 0) {
			note_want(r);
			retry_misses(r, t, miss, nmiss, now);
		}
	}
	if (!want_miss(r, miss, nmiss, &urgent))
		return;
	if (pm_quick_scan(r->pm, now, urgent && take(r, URGENT_COST)) > 0) {
		note_want(r);
		retry_misses(r, t, miss, nmiss, now);
		n = pm_new_pids(r->pm, &newpids);
		for (i = 0; i < n; i++)
			hot_young(r, newpids[i]);
	}
	if (!want_miss(r, miss, nmiss, &urgent))
		return;
	scanned = pm_full_scan(r->pm, now, final) == 0;
	if (scanned)
		note_want(r);
	pm_want(r->pm, 0);
	for (i = 0; i < nmiss; i++) {
		if ((c = miss[i]) == NULL)
			continue;
		c->lk.urgent = 0;
		if (scanned && try_map(r, t, c, now))
			continue;
		if (scanned && socket_gone(r, c)) {
			/* Nobody has it and it is closed: no use waiting. */
			give_up(r, t, c, U_CLOSED, now);
			continue;
		}
		if (scanned)
			c->lk.tries++;
		if (c->lk.tries >= MAX_PID_TRIES || final)
			give_up(r, t, c, label_noproc(c), now);
		else
			tab_pending_requeue(t, c, pm_scans(r->pm)->next_full);
	}
}

/*
 * Over the lookup rate, connections wait; those that waited WAIT_MAX
 * seconds without a lookup go to an unattributed row, so that their
 * bytes show (a flood of new connections must not hold them back).
 */
static void
expire_waiting(struct resolver *r, struct table *t, double now)
{
	struct conn	*c, *next;
	int		 walked = 0;

	if (now < r->next_expire && now >= r->next_expire - 2 * EXPIRE_GAP)
		return;
	r->next_expire = now + EXPIRE_GAP;
	for (c = tab_pending_first(t); c != NULL && walked < 4 * BUDGET;
	    c = next, walked++) {
		next = tab_pending_next(c);
		if (c->lk.state == CS_LOOKUP && c->lk.tries == 0 &&
		    now - c->first >= WAIT_MAX)
			give_up(r, t, c, tab_unknown_label(c), now);
	}
}

/*
 * The row of a process the kernel named: the one it has, else one read
 * in /proc while the process is there, else one made of what the
 * kernel said.  NULL without memory.
 */
static struct row *
bpf_row(struct resolver *r, struct table *t, const struct bo_owner *o,
    uint64_t netns, double now)
{
	struct procinfo	 pi;
	struct row	*row;
	const char	*ns, *path;
	char		 cg[1024];
	uint64_t	 start;

	if ((row = tab_row_find(t, o->pid, o->start)) != NULL)
		return row;
	ns = pm_ns_label(r->pm, netns);
	if (ns == NULL)
		ns = "netns:?";
	path = bo_cgroup_path(r->bo, o->cgid, cg, sizeof(cg)) == 0 ? cg :
	    NULL;
	if (o->start != 0 && pm_proc_start(r->proc, o->pid, &start) == 0 &&
	    start == o->start) {
		if (pi_read(r->proc, o->pid, netns, pm_selfns(r->pm), ns,
		    &pi) == -1)
			return NULL;
		if (pi_set_cgroup(&pi, path) == -1) {
			pi_clear(&pi);
			return NULL;
		}
	} else if (pi_from_kernel(o->comm, o->exe, o->uid, path, netns,
	    pm_selfns(r->pm), ns, &pi) == -1)
		return NULL;
	if ((row = tab_row_new(t, o->pid, o->start, netns, &pi, now)) == NULL)
		pi_clear(&pi);
	return row;
}

/*
 * A new connection whose flow the kernel reported: its owner, with no
 * lookup at all.  1 when c has it now.
 */
static int
bpf_owner(struct resolver *r, struct table *t, struct conn *c, double now)
{
	struct bo_owner	 o;
	struct row	*row;
	uint64_t	 netns;
	int		 swap = 0;

	if (!bo_find(r->bo, c->family, c->proto, &c->a, &c->b, &o)) {
		/* The socket may be at the b end: not ours, then. */
		if (c->alocal || !bo_find(r->bo, c->family, c->proto, &c->b,
		    &c->a, &o))
			return 0;
		swap = 1;
	}
	if (c->alocal && !swap)
		netns = pm_selfns(r->pm);
	else if ((netns = pm_ns_owner(r->pm, c->family, swap ? c->b.addr :
	    c->a.addr)) == 0 && !r->bpfscan) {
		/* A new namespace?  Its processes are new (once a pass). */
		r->bpfscan = 1;
		if (pm_quick_scan(r->pm, now, 0) > 0)
			pm_ns_addrs(r->pm, now);
		netns = pm_ns_owner(r->pm, c->family, swap ? c->b.addr :
		    c->a.addr);
	}
	if ((row = bpf_row(r, t, &o, netns, now)) == NULL)
		return 0;
	if (swap)
		tab_swap_ends(c);
	r->viabpf++;
	r->found++;
	tab_attach(t, c, row, 0, now);
	if (log_getverbose()) {
		char	buf[128];

		log_debug("%s: pid %d (%s), from the kernel",
		    conn_str(c, buf, sizeof(buf)), (int)row->pid,
		    row->info.name ? row->info.name : "");
	}
	return 1;
}

static void
run_pass(struct resolver *r, struct table *t, double now, int final)
{
	struct cand	 cands[BUDGET];
	struct conn	*c, *next, *miss[BUDGET];
	uint64_t	 own;
	int		 ncand = 0, nmiss = 0, n = 0, i, scanned = 0;
	int		 walked = 0;

	if (r->starved && !final)
		expire_waiting(r, t, now);
	r->starved = 0;
	/* Every pass, idle or not: the ring is small. */
	(void)bo_read(r->bo);
	if (tab_pending_first(t) == NULL)
		return;
	r->bpfscan = 0;
	if (!pm_scans(r->pm)->done)
		(void)pm_full_scan(r->pm, now, 0);
	pm_ns_addrs(r->pm, now);
	for (c = tab_pending_first(t); c != NULL && n < BUDGET &&
	    walked < 4 * BUDGET; c = next, walked++) {
		next = tab_pending_next(c);
		if (!final && c->next_try > now)
			continue;
		if (r->bo != NULL && c->owner == NULL &&
		    bpf_owner(r, t, c, now))
			continue;
		if (c->lk.state == CS_LOOKUP && !final && !take(r, 1)) {
			/* Over the lookup rate: the rest waits. */
			r->starved = 1;
			break;
		}
		n++;
		if (c->lk.state == CS_LOOKUP && c->alocal &&
		    host_lookup(r, t, c, now, final) == -1) {
			memset(&cands[ncand], 0, sizeof(cands[0]));
			cands[ncand].c = c;
			cands[ncand].ns = pm_selfns(r->pm);
			ncand++;
		} else if (c->lk.state == CS_LOOKUP && !c->alocal) {
			/* The end behind the interface first. */
			own = pm_ns_owner(r->pm, c->family, c->a.addr);
			memset(&cands[ncand], 0, sizeof(cands[0]));
			cands[ncand].c = c;
			if (own == 0 && !scanned && c->lk.tries == 0) {
				/* A new namespace? Its processes are new. */
				scanned = 1;
				if (pm_quick_scan(r->pm, now, 0) > 0) {
					pm_ns_addrs(r->pm, now);
					own = pm_ns_owner(r->pm, c->family,
					    c->a.addr);
				}
			}
			if (own == 0 &&
			    (own = pm_ns_owner(r->pm, c->family, c->b.addr))
			    != 0)
				cands[ncand].end = 1;
			if (own == 0) {
				/* Nobody here has either address. */
				give_up(r, t, c, U_FORWARDED, now);
				continue;
			}
			cands[ncand].ns = own;
			ncand++;
		}
		if (c->lk.state == CS_INODE && c->owner == NULL &&
		    !try_map(r, t, c, now))
			miss[nmiss++] = c;
	}
	if (ncand > 0) {
		ns_batch(r, t, cands, ncand, now, final);
		for (i = 0; i < ncand; i++) {
			c = cands[i].c;
			if (c->lk.state == CS_INODE && c->owner == NULL &&
			    !try_map(r, t, c, now) && nmiss < BUDGET)
				miss[nmiss++] = c;
		}
	}
	if (nmiss > 0)
		map_misses(r, t, miss, nmiss, now, final);
}

/*
 * When res_run has something to do next (0: nothing pending); not
 * sooner than STARVED_WAIT when the lookups ran out.
 */
double
res_next(const struct resolver *r, const struct table *t, double now)
{
	const struct conn	*c;
	double			 next = 0;
	int			 n = 0;

	for (c = tab_pending_first(t); c != NULL && n < 4 * BUDGET;
	    c = tab_pending_next(c), n++)
		if (next == 0 || c->next_try < next)
			next = c->next_try;
	if (next != 0 && r->starved && next < now + STARVED_WAIT)
		next = now + STARVED_WAIT;
	return next;
}
