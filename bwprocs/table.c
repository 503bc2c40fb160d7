/*
 * The connection table and the rows connections are credited to.
 *
 * A connection is keyed by its 5-tuple in either direction and holds
 * its bytes.  Until it is attributed its bytes wait in the connection
 * ("deferred"); once it has an owner (a process row, or one of the
 * unattributed rows), each packet adds its bytes to the owner's
 * interval counters, so bytes are never dropped and never counted twice.
 *
 * Memory is bounded: the table holds at most maxconns connections, the
 * least recently seen one is evicted to make room, idle connections
 * expire, and process rows go once they have no connection and no
 * bytes for procs_linger seconds.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "procinfo.h"
#include "table.h"
#include "util.h"

#define IDLE_TIMEOUT	120.0	/* seconds without a packet */
#define CLOSED_TIMEOUT	10.0	/* after FIN or RST */
#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_ACK		0x10
#define MAX_ROWS	65536

struct table {
	struct conn	**hash;
	uint32_t	  hmask;
	uint32_t	  seed;
	struct conn	 *lru_head, *lru_tail;
	size_t		  nconns, maxconns;
	struct conn	 *pend_head, *pend_tail;
	size_t		  npending;
	struct row	**rhash;
	uint32_t	  rhmask;
	struct row	 *rows;		/* process rows */
	size_t		  nrows;
	struct row	  unattr[U_NROWS];
	uint64_t	  evicted;
	tab_gone_fn	  gone;		/* the owner history's hook */
	void		 *gone_arg;
};

static uint32_t
pow2_at_least(size_t n)
{
	uint32_t	v = 1024;

	while (v < n && v < (1U << 30))
		v <<= 1;
	return v;
}

/* A table of at most maxconns connections; NULL without memory. */
struct table *
tab_new(size_t maxconns)
{
	struct table	*t;
	int		 i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    sizeof(t->seed))
		t->seed = 0x9e3779b9U;
	t->rhmask = 1023;
	if ((t->rhash = calloc(t->rhmask + 1, sizeof(*t->rhash))) == NULL) {
		free(t);
		return NULL;
	}
	for (i = 0; i < U_NROWS; i++) {
		t->unattr[i].kind = ROW_UNATTR;
		t->unattr[i].info.uid = -1;
	}
	t->unattr[U_FORWARDED].info.name = (char *)(uintptr_t)"[forwarded]";
	t->unattr[U_UNKNOWN_TCP].info.name = (char *)(uintptr_t)"[unknown tcp]";
	t->unattr[U_UNKNOWN_UDP].info.name = (char *)(uintptr_t)"[unknown udp]";
	t->unattr[U_CLOSED].info.name = (char *)(uintptr_t)"[closed sockets]";
	t->unattr[U_OTHER].info.name = (char *)(uintptr_t)"[other]";
	if (tab_resize(t, maxconns) == -1) {
		tab_free(t);
		return NULL;
	}
	return t;
}

static uint32_t
hash_endp(uint32_t h, const struct endp *e)
{
	int	i;

	for (i = 0; i < 16; i++)
		h = (h ^ e->addr[i]) * 16777619U;
	h = (h ^ (e->port >> 8)) * 16777619U;
	h = (h ^ (e->port & 0xff)) * 16777619U;
	return h;
}

static int
endp_cmp(const struct endp *x, const struct endp *y)
{
	int	c;

	if ((c = memcmp(x->addr, y->addr, 16)) != 0)
		return c;
	return (int)x->port - (int)y->port;
}

/* The same hash for both directions: the lower end goes first. */
static uint32_t
hash_tuple(uint32_t seed, int family, int proto, const struct endp *x,
    const struct endp *y)
{
	uint32_t	h = 2166136261U ^ seed;

	h = (h ^ (uint32_t)family) * 16777619U;
	h = (h ^ (uint32_t)proto) * 16777619U;
	if (endp_cmp(x, y) > 0) {
		const struct endp *t = x;

		x = y;
		y = t;
	}
	h = hash_endp(h, x);
	h = hash_endp(h, y);
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	return h;
}

/* Rehash into size buckets (a power of 2); -1 when out of memory. */
static int
rehash(struct table *t, uint32_t size)
{
	struct conn	**nh, *c, *next;
	uint32_t	  i;

	if ((nh = calloc(size, sizeof(*nh))) == NULL)
		return -1;
	if (t->hash != NULL) {
		for (i = 0; i <= t->hmask; i++)
			for (c = t->hash[i]; c != NULL; c = next) {
				next = c->hnext;
				c->hnext = nh[c->hash & (size - 1)];
				nh[c->hash & (size - 1)] = c;
			}
		free(t->hash);
	}
	t->hash = nh;
	t->hmask = size - 1;
	return 0;
}

/*
 * Change the bound.  The hash starts small and doubles as connections
 * come (up to the bound), so a quiet host keeps little memory.
 */
int
tab_resize(struct table *t, size_t maxconns)
{
	t->maxconns = maxconns;
	if (t->hash != NULL)
		return 0;
	return rehash(t, 1024);
}

/* Double the hash when it holds twice as many connections as buckets. */
static void
grow(struct table *t)
{
	if (t->nconns < 2 * ((size_t)t->hmask + 1) ||
	    t->hmask + 1 >= pow2_at_least(t->maxconns) ||
	    t->hmask + 1 >= (1U << 30))
		return;
	(void)rehash(t, (t->hmask + 1) * 2);	/* the old one stays */
}

static void
pending_add(struct table *t, struct conn *c)
{
	c->pending = 1;
	c->pnext = NULL;
	c->pprev = t->pend_tail;
	if (t->pend_tail != NULL)
		t->pend_tail->pnext = c;
	else
		t->pend_head = c;
	t->pend_tail = c;
	t->npending++;
}

static void
pending_remove(struct table *t, struct conn *c)
{
	if (!c->pending)
		return;
	if (c->pprev != NULL)
		c->pprev->pnext = c->pnext;
	else
		t->pend_head = c->pnext;
	if (c->pnext != NULL)
		c->pnext->pprev = c->pprev;
	else
		t->pend_tail = c->pprev;
	c->pprev = c->pnext = NULL;
	c->pending = 0;
	t->npending--;
}

/* A pending connection is due at when, and goes first in the line. */
void
tab_pending_front(struct table *t, struct conn *c, double when)
{
	c->next_try = when;
	if (!c->pending || c == t->pend_head)
		return;
	pending_remove(t, c);
	c->pending = 1;
	c->pprev = NULL;
	c->pnext = t->pend_head;
	t->pend_head->pprev = c;
	t->pend_head = c;
	t->npending++;
}

/* A pending connection is due at when, and goes last in the line. */
void
tab_pending_requeue(struct table *t, struct conn *c, double when)
{
	c->next_try = when;
	if (!c->pending || c == t->pend_tail)
		return;
	pending_remove(t, c);
	pending_add(t, c);
}

static void
lru_unlink(struct table *t, struct conn *c)
{
	if (c->lprev != NULL)
		c->lprev->lnext = c->lnext;
	else
		t->lru_head = c->lnext;
	if (c->lnext != NULL)
		c->lnext->lprev = c->lprev;
	else
		t->lru_tail = c->lprev;
	c->lprev = c->lnext = NULL;
}

static void
lru_push(struct table *t, struct conn *c)
{
	c->lprev = NULL;
	c->lnext = t->lru_head;
	if (t->lru_head != NULL)
		t->lru_head->lprev = c;
	else
		t->lru_tail = c;
	t->lru_head = c;
}

/* Which unattributed row takes a connection nobody could be found for. */
int
tab_unknown_label(const struct conn *c)
{
	if (!c->alocal)
		return U_FORWARDED;
	if (c->closing || c->inode0)
		return U_CLOSED;
	return c->proto == 6 ? U_UNKNOWN_TCP : U_UNKNOWN_UDP;
}

static void
credit_row(struct row *r, uint64_t tx, uint64_t rx, double now)
{
	r->itx += tx;
	r->irx += rx;
	if ((tx | rx) != 0 && now > r->last_seen)
		r->last_seen = now;
}

/*
 * Give c to r, with the bytes it held back; inferred when r's process
 * was guessed.
 */
void
tab_attach(struct table *t, struct conn *c, struct row *r, int inferred,
    double now)
{
	pending_remove(t, c);
	c->owner = r;
	c->inferred = inferred != 0;
	r->nconns++;
	if (r->kind == ROW_PROC) {
		credit_row(r, c->dout, c->din, now);
		if (c->inferred)
			r->iinf += c->dout + c->din;
	} else
		credit_row(r, c->dtx, c->drx, now);
	c->dout = c->din = c->dtx = c->drx = 0;
}

/* No owner could be found: an unattributed row takes it. */
void
tab_give_up(struct table *t, struct conn *c, int label, double now)
{
	tab_attach(t, c, &t->unattr[label], 0, now);
}

/*
 * Its socket was seen without a file: not accepted yet, or closed.  If
 * nobody is found for it, it goes to [closed sockets].
 */
void
tab_note_fileless(struct conn *c)
{
	c->inode0 = 1;
}

/* The socket is at the b end after all: make it the a end. */
void
tab_swap_ends(struct conn *c)
{
	struct endp	e = c->a;
	uint64_t	v;

	c->a = c->b;
	c->b = e;
	v = c->out, c->out = c->in, c->in = v;
	v = c->iout, c->iout = c->iin, c->iin = v;
	v = c->dout, c->dout = c->din, c->din = v;
	v = c->oout, c->oout = c->oin, c->oin = v;
	v = c->wout, c->wout = c->win, c->win = v;
	if (c->opener != OPEN_UNKNOWN)
		c->opener = c->opener == OPEN_A ? OPEN_B : OPEN_A;
}

static void
conn_remove(struct table *t, struct conn *c, double now)
{
	struct conn	**pp;

	if (c->owner == NULL)
		tab_give_up(t, c, tab_unknown_label(c), now);
	if (t->gone != NULL)
		t->gone(t->gone_arg, c->owner, c);
	c->owner->nconns--;
	for (pp = &t->hash[c->hash & t->hmask]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	lru_unlink(t, c);
	t->nconns--;
	free(c);
}

/*
 * The connection of packet k (which has ports), created when new.  ifdir
 * is the packet's direction on the interface; srcl/dstl say whether its
 * addresses are ours.  NULL only when memory runs out.
 */
struct conn *
tab_conn(struct table *t, const struct pkt *k, int ifdir, int srcl,
    int dstl, double now)
{
	struct endp	 s, d;
	struct conn	*c;
	uint32_t	 h;

	memcpy(s.addr, k->src, 16);
	s.port = k->sport;
	memcpy(d.addr, k->dst, 16);
	d.port = k->dport;
	h = hash_tuple(t->seed, k->family, k->proto, &s, &d);
	for (c = t->hash[h & t->hmask]; c != NULL; c = c->hnext) {
		if (c->hash != h || c->family != k->family ||
		    c->proto != k->proto)
			continue;
		if ((endp_cmp(&c->a, &s) == 0 && endp_cmp(&c->b, &d) == 0) ||
		    (endp_cmp(&c->a, &d) == 0 && endp_cmp(&c->b, &s) == 0)) {
			/*
			 * A new SYN after FIN or RST: the ports are used
			 * again, maybe by another process.
			 */
			if (c->closing && c->owner != NULL && k->proto == 6 &&
			    (k->tcpflags & (TH_SYN | TH_ACK)) == TH_SYN) {
				conn_remove(t, c, now);
				break;
			}
			if (c != t->lru_head) {
				lru_unlink(t, c);
				lru_push(t, c);
			}
			return c;
		}
	}
	while (t->nconns >= t->maxconns && t->lru_tail != NULL) {
		conn_remove(t, t->lru_tail, now);
		t->evicted++;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->hash = h;
	c->family = k->family;
	c->proto = k->proto;
	c->first = c->last = now;
	c->next_try = now;
	if (srcl && !dstl) {
		c->a = s, c->b = d, c->alocal = 1;
	} else if (dstl && !srcl) {
		c->a = d, c->b = s, c->alocal = 1;
	} else if (srcl && dstl) {
		if (ifdir == DIR_RX)
			c->a = d, c->b = s;
		else
			c->a = s, c->b = d;
		c->alocal = 1;
	} else if (ifdir == DIR_TX) {
		/* Neither end is ours: a is the end behind the interface. */
		c->a = d, c->b = s;
	} else
		c->a = s, c->b = d;
	c->hnext = t->hash[h & t->hmask];
	t->hash[h & t->hmask] = c;
	lru_push(t, c);
	t->nconns++;
	pending_add(t, c);
	grow(t);
	return c;
}

/* Who opened TCP connection c, if k is its first SYN. */
void
tab_note_syn(struct conn *c, const struct pkt *k)
{
	if (k->proto != 6 || (k->tcpflags & (TH_SYN | TH_ACK)) != TH_SYN)
		return;
	if (c->a.port == k->sport && memcmp(c->a.addr, k->src, 16) == 0)
		c->opener = OPEN_A;
	else
		c->opener = OPEN_B;
}

/* Count packet k of connection c. */
/*
 * What a connection moved lately, for spike records: its bytes are
 * marked when each FLOW_EPOCH begins (lazily, at its first byte in the
 * epoch), so that the bytes since the last epoch began are known
 * without a pass over the table.
 */
static void
mark_epoch(struct conn *c, double now)
{
	uint32_t	ep = (uint32_t)(now / FLOW_EPOCH);
	uint64_t	total = c->out + c->in;

	if (c->ep == ep)
		return;
	c->m_prev = c->ep + 1 == ep ? c->m_cur : total;
	c->m_cur = total;
	c->ep = ep;
}

/* Bytes since the previous epoch began: FLOW_EPOCH to twice that. */
uint64_t
tab_conn_recent(const struct conn *c, double now)
{
	uint32_t	ep = (uint32_t)(now / FLOW_EPOCH);
	uint64_t	total = c->out + c->in;

	if (c->ep == ep)
		return total - c->m_prev;
	if (c->ep + 1 == ep)
		return total - c->m_cur;
	return 0;
}

void
tab_conns_take(struct table *t, double since, tab_take_fn fn, void *arg)
{
	struct conn	*c;
	uint64_t	 out, in;

	for (c = t->lru_head; c != NULL && c->last >= since; c = c->lnext) {
		out = c->out - c->wout;
		in = c->in - c->win;
		c->wout = c->out;
		c->win = c->in;
		if (out + in > 0)
			fn(arg, c, out, in);
	}
}

/* Call fn for every row: the process rows, then the unattributed ones. */
static void
rows_each(struct table *t, void (*fn)(struct row *))
{
	struct row	*r;
	int		 i;

	for (r = t->rows; r != NULL; r = r->next)
		fn(r);
	for (i = 0; i < U_NROWS; i++)
		fn(&t->unattr[i]);
}

/* A row's bytes so far: its totals and this interval's. */
static void
row_bytes(const struct row *r, uint64_t *tx, uint64_t *rx)
{
	*tx = r->tx + r->itx;
	*rx = r->rx + r->irx;
}

/* A row's bytes now become its sample mark, or its owner mark. */
static void
row_mark(struct row *r)
{
	row_bytes(r, &r->mtx, &r->mrx);
}

static void
row_owner_mark(struct row *r)
{
	row_bytes(r, &r->otx, &r->orx);
}

/* Rows' bytes now: the next sample's rates start here. */
void
tab_rows_mark(struct table *t)
{
	rows_each(t, row_mark);
}

void
tab_credit(struct conn *c, const struct pkt *k, int ifdir, double now)
{
	int		out;
	uint64_t	len = k->len;
	struct row	*r;

	out = c->a.port == k->sport && memcmp(c->a.addr, k->src, 16) == 0;
	mark_epoch(c, now);
	if (out) {
		c->out += len;
		c->iout += len;
	} else {
		c->in += len;
		c->iin += len;
	}
	c->last = now;
	if (k->proto == 6 && (k->tcpflags & (TH_FIN | TH_RST)))
		c->closing = 1;
	tab_note_syn(c, k);
	if ((r = c->owner) == NULL) {
		if (out)
			c->dout += len;
		else
			c->din += len;
		if (ifdir == DIR_TX)
			c->dtx += len;
		else
			c->drx += len;
		return;
	}
	if (r->kind == ROW_PROC) {
		if (out)
			r->itx += len;
		else
			r->irx += len;
		if (c->inferred)
			r->iinf += len;
	} else if (ifdir == DIR_TX)
		r->itx += len;
	else
		r->irx += len;
	r->last_seen = now;
}

/* Bytes that belong to no connection ("other"), or that found no room. */
void
tab_credit_unattr(struct table *t, int label, int ifdir, uint32_t len,
    double now)
{
	struct row	*r = &t->unattr[label];

	if (ifdir == DIR_TX)
		r->itx += len;
	else
		r->irx += len;
	r->last_seen = now;
}

void
tab_set_gone(struct table *t, tab_gone_fn fn, void *arg)
{
	t->gone = fn;
	t->gone_arg = arg;
}

/* A row's bytes since the owner interval began. */
void
tab_row_obytes(const struct row *r, uint64_t *rx, uint64_t *tx)
{
	row_bytes(r, tx, rx);
	*rx -= r->orx;
	*tx -= r->otx;
}

/*
 * What c's row was credited with from c since the owner interval
 * began: its bytes less those it holds back while pending, in the
 * socket's view (out is sent).
 */
void
tab_conn_obytes(const struct conn *c, uint64_t *rx, uint64_t *tx)
{
	*rx = c->in - c->din - c->oin;
	*tx = c->out - c->dout - c->oout;
}

/*
 * A new owner interval begins: every row and connection is marked
 * (once an interval, a pass over the table, never per packet).
 */
void
tab_owner_mark(struct table *t)
{
	struct conn	*c;

	rows_each(t, row_owner_mark);
	for (c = t->lru_head; c != NULL; c = c->lnext) {
		c->oout = c->out - c->dout;
		c->oin = c->in - c->din;
	}
}

/* Drop connections that have been quiet too long. */
void
tab_expire(struct table *t, double now)
{
	struct conn	*c, *prev;
	double		 limit;

	for (c = t->lru_tail; c != NULL && c->last < now - CLOSED_TIMEOUT;
	    c = prev) {
		prev = c->lprev;
		limit = c->closing ? CLOSED_TIMEOUT : IDLE_TIMEOUT;
		if (c->last < now - limit && c->owner != NULL)
			conn_remove(t, c, now);
	}
}

/*
 * A row's interval bytes join its totals (an unattributed row has no
 * inferred bytes: its iinf is 0).
 */
static void
row_end_interval(struct row *r)
{
	r->tx += r->itx;
	r->rx += r->irx;
	r->inf += r->iinf;
	r->itx = r->irx = r->iinf = 0;
}

/*
 * Close an interval: the rows' interval bytes join their totals, and
 * the connections seen since start begin a new interval.
 */
void
tab_end_interval(struct table *t, double start)
{
	struct conn	*c;

	rows_each(t, row_end_interval);
	for (c = t->lru_head; c != NULL; c = c->lnext) {
		if (c->iout == 0 && c->iin == 0 && c->last < start)
			break;
		c->iout = c->iin = 0;
	}
}

struct row *
tab_row_find(const struct table *t, pid_t pid, uint64_t start)
{
	struct row	*r;

	for (r = t->rhash[(uint32_t)pid & t->rhmask]; r != NULL;
	    r = r->hnext)
		if (r->pid == pid && r->start == start)
			return r;
	return NULL;
}

/* Take what pi says about a row's process. */
static void
take_info(struct row *r, struct procinfo *pi)
{
	pi_clear(&r->info);
	r->info = *pi;
	memset(pi, 0, sizeof(*pi));
}

/*
 * A row for process pid (started at start, in network namespace netns),
 * read at now: it takes pi's strings.  NULL when there are too many
 * rows or no memory; pi is the caller's then.
 */
struct row *
tab_row_new(struct table *t, pid_t pid, uint64_t start, uint64_t netns,
    struct procinfo *pi, double now)
{
	struct row	*r;
	uint32_t	 b = (uint32_t)pid & t->rhmask;

	if (t->nrows >= MAX_ROWS || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->kind = ROW_PROC;
	r->pid = pid;
	r->start = start;
	r->netns = netns;
	take_info(r, pi);
	r->info_time = now;
	r->hnext = t->rhash[b];
	t->rhash[b] = r;
	r->next = t->rows;
	t->rows = r;
	t->nrows++;
	return r;
}

/*
 * The row's process was looked at again at now; pi, unless NULL (it
 * could not be read), replaces what the row said, and the row takes
 * its strings.
 */
void
tab_row_info(struct row *r, struct procinfo *pi, double now)
{
	if (pi != NULL)
		take_info(r, pi);
	r->info_time = now;
}

static void
row_free(struct row *r)
{
	if (r == NULL)
		return;
	pi_clear(&r->info);
	free(r);
}

/* Process rows with no connection and no byte for linger seconds go. */
void
tab_rows_expire(struct table *t, double now, double linger)
{
	struct row	**pp, *r, **hp;

	for (pp = &t->rows; (r = *pp) != NULL;) {
		if (r->nconns > 0 || r->itx != 0 || r->irx != 0 ||
		    r->last_seen >= now - linger) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		if (t->gone != NULL)
			t->gone(t->gone_arg, r, NULL);
		for (hp = &t->rhash[(uint32_t)r->pid & t->rhmask]; *hp != NULL;
		    hp = &(*hp)->hnext)
			if (*hp == r) {
				*hp = r->hnext;
				break;
			}
		t->nrows--;
		row_free(r);
	}
}

void
tab_free(struct table *t)
{
	struct conn	*c, *next;
	struct row	*r, *rn;

	if (t == NULL)
		return;
	for (c = t->lru_head; c != NULL; c = next) {
		next = c->lnext;
		free(c);
	}
	for (r = t->rows; r != NULL; r = rn) {
		rn = r->next;
		row_free(r);
	}
	free(t->hash);
	free(t->rhash);
	free(t);
}

size_t
tab_npending(const struct table *t)
{
	return t->npending;
}

struct conn *
tab_pending_first(const struct table *t)
{
	return t->pend_head;
}

struct conn *
tab_pending_next(const struct conn *c)
{
	return c->pnext;
}

const struct row *
tab_unattr(const struct table *t, int label)
{
	return &t->unattr[label];
}

const struct row *
tab_row_first(const struct table *t)
{
	return t->rows != NULL ? t->rows : &t->unattr[0];
}

const struct row *
tab_row_next(const struct table *t, const struct row *r)
{
	size_t	i;

	if (r->kind == ROW_PROC)
		return r->next != NULL ? r->next : &t->unattr[0];
	i = (size_t)(r - t->unattr);
	return i + 1 < U_NROWS ? &t->unattr[i + 1] : NULL;
}

size_t
tab_nrows(const struct table *t)
{
	return t->nrows;
}

const struct conn *
tab_conns_first(const struct table *t)
{
	return t->lru_head;
}

const struct conn *
tab_conns_next(const struct conn *c)
{
	return c->lnext;
}

size_t
tab_nconns(const struct table *t)
{
	return t->nconns;
}
