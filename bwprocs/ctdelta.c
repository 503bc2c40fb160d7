/*
 * The table of offloaded flows (ctdelta.h).  It is rebuilt at each
 * dump: the entries read go into a new array, the old entries the dump
 * did not list are carried over for two more complete dumps (their
 * destroy event may still be queued, and it must find them, or it would
 * count the flow whole again), and the new array is sorted by id for
 * the lookups of the next dump and of the destroy events.
 */
#include <stdlib.h>
#include <string.h>

#include "ctdelta.h"
#include "util.h"

#define CTD_KEEP	2	/* complete dumps an unlisted flow is kept */

void
ctd_init(struct ctd *t, ctd_lan_fn lan, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->lan = lan;
	t->arg = arg;
}

void
ctd_free(struct ctd *t)
{
	free(t->v);
	free(t->nv);
	ctd_init(t, t->lan, t->arg);
}

static int
same_flow(const struct ctd_flow *a, const struct ctd_flow *b)
{
	return a->id == b->id && a->family == b->family &&
	    memcmp(a->osrc, b->osrc, sizeof(a->osrc)) == 0 &&
	    memcmp(a->rsrc, b->rsrc, sizeof(a->rsrc)) == 0;
}

/* The first index whose id is not below id. */
static size_t
lower(const struct ctd_ent *v, size_t n, uint32_t id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].f.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entry of f (ids can repeat: the ends tell them apart). */
static struct ctd_ent *
find(struct ctd *t, const struct ctd_flow *f)
{
	size_t	i;

	for (i = lower(t->v, t->n, f->id); i < t->n && t->v[i].f.id == f->id;
	    i++)
		if (same_flow(&t->v[i].f, f))
			return &t->v[i];
	return NULL;
}

static int
cmp_ent(const void *a, const void *b)
{
	uint32_t	x = ((const struct ctd_ent *)a)->f.id;
	uint32_t	y = ((const struct ctd_ent *)b)->f.id;

	return x < y ? -1 : x > y;
}

/* Whether either end of f is a LAN address. */
static int
has_lan(struct ctd *t, const struct ctd_flow *f)
{
	return t->lan(t->arg, f->family, f->osrc, 0, 0) ||
	    t->lan(t->arg, f->family, f->rsrc, 0, 0);
}

/*
 * What f moved since e was read (all of it without e; counters that
 * went down belong to another flow under the same id), to its LAN
 * ends: the original source sent the original direction's bytes and
 * received the reply's; the reply's source the other way round.
 */
static void
count(struct ctd *t, const struct ctd_ent *e, const struct ctd_flow *f)
{
	uint64_t	o = f->obytes, r = f->rbytes;

	if (e != NULL && f->obytes >= e->f.obytes && f->rbytes >= e->f.rbytes) {
		o -= e->f.obytes;
		r -= e->f.rbytes;
	}
	if (o == 0 && r == 0)
		return;
	if (t->lan(t->arg, f->family, f->osrc, r, o))
		t->counted += o + r;
	if (t->lan(t->arg, f->family, f->rsrc, o, r))
		t->counted += o + r;
}

void
ctd_begin(struct ctd *t)
{
	size_t	i;

	t->nn = 0;
	for (i = 0; i < t->n; i++)
		t->v[i].seen = 0;
}

static int
keep(struct ctd *t, const struct ctd_ent *e)
{
	struct ctd_ent	*nv;

	if ((nv = bw_grow(t->nv, t->nn, &t->ncap, 64, sizeof(*nv))) == NULL)
		return -1;
	t->nv = nv;
	t->nv[t->nn++] = *e;
	return 0;
}

int
ctd_seen(struct ctd *t, const struct ctd_flow *f)
{
	struct ctd_ent	*e = find(t, f), ne;

	if (e != NULL && e->seen)
		return 0;		/* listed twice in one dump */
	if (e == NULL && (!f->offloaded || !has_lan(t, f)))
		return 0;		/* the sets count it */
	memset(&ne, 0, sizeof(ne));
	if (e != NULL) {
		e->seen = 1;
		ne = *e;
		ne.missed = 0;
		if (e->gone)
			return keep(t, &ne);
	}
	/*
	 * Offloaded now, or until a moment since the last read: what it
	 * moved in between went by the fast path, but for the few packets
	 * that left it (a FIN; the flowtable's timeout), which the sets
	 * count too.  Followed on after it leaves, so that offloaded again
	 * it counts from here.
	 */
	if (t->primed && (f->offloaded || (e != NULL && e->f.offloaded)))
		count(t, e, f);
	ne.f = *f;
	return keep(t, &ne);
}

void
ctd_end(struct ctd *t, int complete)
{
	struct ctd_ent	*sw;
	size_t		 i, cap;

	for (i = 0; i < t->n; i++) {
		if (t->v[i].seen)
			continue;
		if (complete && ++t->v[i].missed > CTD_KEEP)
			continue;
		(void)keep(t, &t->v[i]);
	}
	qsort(t->nv, t->nn, sizeof(*t->nv), cmp_ent);
	if (complete)
		t->primed = 1;
	sw = t->v;
	cap = t->cap;
	t->v = t->nv;
	t->n = t->nn;
	t->cap = t->ncap;
	t->nv = sw;
	t->ncap = cap;
	t->nn = 0;
}

int
ctd_gone(struct ctd *t, const struct ctd_flow *f)
{
	struct ctd_ent	*e = find(t, f), *v;
	size_t		 i;

	if (e != NULL) {
		if (!e->gone && (f->offloaded || e->f.offloaded))
			count(t, e, f);
		e->f = *f;
		e->gone = 1;
		return 0;
	}
	if (!t->primed || !f->offloaded || !has_lan(t, f))
		return 0;
	/* Offloaded and gone between two dumps: counted whole, once. */
	count(t, NULL, f);
	if ((v = bw_grow(t->v, t->n, &t->cap, 64, sizeof(*v))) == NULL)
		return -1;
	t->v = v;
	i = lower(t->v, t->n, f->id);
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->v[i].f = *f;
	t->v[i].gone = 1;
	t->n++;
	return 0;
}
