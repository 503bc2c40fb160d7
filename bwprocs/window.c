/*
 * The bytes of each process row and flow over the alert window.
 *
 * The window is a ring of WW_SLICES slices, each a tenth of it: a slice
 * lists the entries (a row or a flow) that moved bytes in it, with those
 * bytes, and each entry holds its sum over the slices in the ring.  When
 * the oldest slice leaves the ring, its bytes leave the sums, and an
 * entry left with none is dropped.  Memory follows what moved bytes in
 * the window, up to WW_MAX entries; a new one past that is not counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "window.h"

#define WW_SLICES	11		/* the window's tenths and the newest */
#define WW_BUCKETS	8192		/* hash chains */
#define WW_MAX		32768		/* entries */
#define WW_NONE		UINT32_MAX
#define WW_SLACK	5.0		/* s: packets stamped before a sample */

struct witem {
	uint32_t	ent;
	uint64_t	rx, tx;
};

struct wslice {
	double		 start;		/* monotonic */
	struct witem	*v;
	size_t		 n, cap;
};

struct whowin {
	struct wentry	*ent;
	size_t		 nent, cap;	/* slots used, allocated */
	uint32_t	 freelist;
	uint32_t	 bucket[WW_BUCKETS];
	struct wslice	 slice[WW_SLICES];
	int		 cur, nslices;	/* the newest slice; slices in use */
	uint64_t	 id;		/* the newest slice's number */
	double		 last;		/* wall time of the last sample */
};

struct whowin *
ww_new(void)
{
	struct whowin	*w;
	size_t		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	for (i = 0; i < WW_BUCKETS; i++)
		w->bucket[i] = WW_NONE;
	w->freelist = WW_NONE;
	w->id = 1;
	return w;
}

void
ww_free(struct whowin *w)
{
	int	i;

	if (w == NULL)
		return;
	for (i = 0; i < WW_SLICES; i++)
		free(w->slice[i].v);
	free(w->ent);
	free(w);
}

static void
unlink_entry(struct whowin *w, uint32_t k)
{
	uint32_t	*p;

	for (p = &w->bucket[w->ent[k].hash % WW_BUCKETS]; *p != WW_NONE;
	    p = &w->ent[*p].hnext)
		if (*p == k) {
			*p = w->ent[k].hnext;
			break;
		}
	w->ent[k].used = 0;
	w->ent[k].hnext = w->freelist;
	w->freelist = k;
}

/* The oldest slice leaves the ring: its bytes leave the sums. */
static void
expire(struct whowin *w, struct wslice *s)
{
	struct wentry	*e;
	size_t		 i;

	for (i = 0; i < s->n; i++) {
		e = &w->ent[s->v[i].ent];
		e->rx -= s->v[i].rx;
		e->tx -= s->v[i].tx;
		if (e->rx == 0 && e->tx == 0)
			unlink_entry(w, s->v[i].ent);
	}
	s->n = 0;
}

static void
rotate(struct whowin *w, double mono)
{
	w->cur = (w->cur + 1) % WW_SLICES;
	if (w->nslices == WW_SLICES)
		expire(w, &w->slice[w->cur]);
	else
		w->nslices++;
	w->slice[w->cur].start = mono;
	w->id++;
}

/* A new entry with the given hash, or WW_NONE when there is no room. */
static uint32_t
new_entry(struct whowin *w, uint32_t hash)
{
	struct wentry	*v;
	uint32_t	 k;
	size_t		 cap;

	if (w->freelist != WW_NONE) {
		k = w->freelist;
		w->freelist = w->ent[k].hnext;
	} else {
		if (w->nent == WW_MAX)
			return WW_NONE;
		if (w->nent == w->cap) {
			cap = w->cap == 0 ? 256 : w->cap * 2;
			if ((v = reallocarray(w->ent, cap, sizeof(*v))) ==
			    NULL)
				return WW_NONE;
			w->ent = v;
			w->cap = cap;
		}
		k = (uint32_t)w->nent++;
	}
	memset(&w->ent[k], 0, sizeof(w->ent[k]));
	w->ent[k].used = 1;
	w->ent[k].hash = hash;
	w->ent[k].hnext = w->bucket[hash % WW_BUCKETS];
	w->bucket[hash % WW_BUCKETS] = k;
	return k;
}

/* Add bytes to entry k, in the newest slice. */
static void
add(struct whowin *w, uint32_t k, uint64_t rx, uint64_t tx)
{
	struct wslice	*s = &w->slice[w->cur];
	struct wentry	*e = &w->ent[k];
	struct witem	*v;
	size_t		 cap;

	if (e->slice != w->id) {
		if (s->n == s->cap) {
			cap = s->cap == 0 ? 64 : s->cap * 2;
			if ((v = reallocarray(s->v, cap, sizeof(*v))) == NULL)
				return;
			s->v = v;
			s->cap = cap;
		}
		e->slice = w->id;
		e->item = (uint32_t)s->n;
		s->v[s->n].ent = k;
		s->v[s->n].rx = s->v[s->n].tx = 0;
		s->n++;
	}
	s->v[e->item].rx += rx;
	s->v[e->item].tx += tx;
	e->rx += rx;
	e->tx += tx;
}

static void
add_row(struct whowin *w, const struct row *r, int unattr, uint64_t rx,
    uint64_t tx)
{
	struct wentry	*e;
	uint32_t	 h, k;

	h = unattr >= 0 ? (uint32_t)unattr : ((uint32_t)r->pid * 2654435761U) ^
	    (uint32_t)r->start ^ (uint32_t)(r->start >> 32);
	for (k = w->bucket[h % WW_BUCKETS]; k != WW_NONE; k = e->hnext) {
		e = &w->ent[k];
		if (!e->flow && e->unattr == unattr && (unattr >= 0 ||
		    (e->pid == r->pid && e->start == r->start)))
			break;
	}
	if (k == WW_NONE) {
		if ((k = new_entry(w, h)) == WW_NONE)
			return;
		e = &w->ent[k];
		e->unattr = unattr;
		e->pid = unattr >= 0 ? 0 : r->pid;
		e->start = unattr >= 0 ? 0 : r->start;
	}
	/* Its name as last seen: the process may be gone at the alert. */
	(void)snprintf(w->ent[k].name, sizeof(w->ent[k].name), "%s",
	    r->info.name != NULL ? r->info.name : "");
	add(w, k, rx, tx);
}

static int
same_ends(const struct wentry *e, const struct conn *c)
{
	return (memcmp(&e->a, &c->a, sizeof(c->a)) == 0 &&
	    memcmp(&e->b, &c->b, sizeof(c->b)) == 0) ||
	    (memcmp(&e->a, &c->b, sizeof(c->b)) == 0 &&
	    memcmp(&e->b, &c->a, sizeof(c->a)) == 0);
}

static void
take_conn(void *arg, const struct conn *c, uint64_t out, uint64_t in)
{
	struct whowin		*w = arg;
	struct wentry		*e;
	const struct row	*r = c->owner;
	uint32_t		 k;

	for (k = w->bucket[c->hash % WW_BUCKETS]; k != WW_NONE;
	    k = e->hnext) {
		e = &w->ent[k];
		if (e->flow && e->hash == c->hash && e->family == c->family &&
		    e->proto == c->proto && same_ends(e, c))
			break;
	}
	if (k == WW_NONE && (k = new_entry(w, c->hash)) == WW_NONE)
		return;
	e = &w->ent[k];
	e->flow = 1;
	e->unattr = -1;
	e->family = c->family;
	e->proto = c->proto;
	e->opener = c->opener;
	e->a = c->a;
	e->b = c->b;
	e->pid = r != NULL && r->kind == ROW_PROC ? r->pid : 0;
	(void)snprintf(e->name, sizeof(e->name), "%s", e->pid != 0 &&
	    r->info.name != NULL ? r->info.name : "");
	add(w, k, in, out);
}

static uint64_t
recent(uint64_t now, uint64_t mark)
{
	return now >= mark ? now - mark : 0;
}

void
ww_sample(struct whowin *w, struct table *t, double wall, double mono,
    int window)
{
	const struct row	*r;
	double			 len = window / 10.0;
	uint64_t		 rx, tx;
	int			 i;

	if (len < 1)
		len = 1;
	if (w->nslices == 0) {
		w->nslices = 1;
		w->slice[w->cur].start = mono;
	} else if (mono - w->slice[w->cur].start >= len)
		rotate(w, mono);
	for (r = tab_row_first(t); r != NULL; r = tab_row_next(t, r)) {
		rx = recent(r->rx + r->irx, r->mrx);
		tx = recent(r->tx + r->itx, r->mtx);
		if (rx + tx == 0)
			continue;
		for (i = 0; i < U_NROWS && r != tab_unattr(t, i); i++)
			;
		add_row(w, r, i < U_NROWS ? i : -1, rx, tx);
	}
	tab_conns_take(t, w->last > 0 ? w->last - WW_SLACK : 0, take_conn, w);
	w->last = wall;
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct wentry	*a = *(const struct wentry *const *)x;
	const struct wentry	*b = *(const struct wentry *const *)y;
	uint64_t		 p = a->rx + a->tx, q = b->rx + b->tx;

	return p < q ? 1 : p > q ? -1 : 0;
}

ssize_t
ww_top(const struct whowin *w, int flows, const struct wentry ***vp)
{
	const struct wentry	**v;
	size_t			  i, n = 0;

	if ((v = calloc(w->nent + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < w->nent; i++)
		if (w->ent[i].used && !w->ent[i].flow == !flows)
			v[n++] = &w->ent[i];
	qsort(v, n, sizeof(*v), entry_cmp);
	*vp = v;
	return (ssize_t)n;
}

double
ww_span(const struct whowin *w, double mono)
{
	int	oldest;

	if (w->nslices == 0)
		return 0;
	oldest = (w->cur + WW_SLICES - w->nslices + 1) % WW_SLICES;
	return mono - w->slice[oldest].start;
}
