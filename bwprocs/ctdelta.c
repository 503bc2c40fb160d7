/*
 * The table of forwarded flows (ctdelta.h).  It is rebuilt at each
 * dump: the entries read go into a new array, the old entries the dump
 * did not list are carried over for two more complete dumps (their
 * destroy event may still be queued, and it must find them, or it would
 * count the flow whole again), and the new array is sorted by id for
 * the lookups of the next dump and of the destroy events.  A flow new
 * in a dump counts when the dump ends, once: a dump may list an entry
 * twice.
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

static int
same_counters(const struct ctd_flow *a, const struct ctd_flow *b)
{
	return a->obytes == b->obytes && a->rbytes == b->rbytes;
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

/*
 * Whether f is followed: forwarded (neither end the router's own) with
 * a LAN address at one end.
 */
static int
follow(struct ctd *t, const struct ctd_flow *f)
{
	int	o = t->lan(t->arg, f->family, f->osrc, 0, 0);
	int	r = t->lan(t->arg, f->family, f->rsrc, 0, 0);

	return o >= 0 && r >= 0 && (o > 0 || r > 0);
}

/*
 * What f moved since old was read (all of it without old; counters
 * that went down belong to another flow under the same id), to its
 * LAN ends: the original source sent the original direction's bytes
 * and received the reply's; the reply's source the other way round.
 */
static void
count(struct ctd *t, const struct ctd_flow *old, const struct ctd_flow *f)
{
	uint64_t	o = f->obytes, r = f->rbytes;

	if (old != NULL && f->obytes >= old->obytes &&
	    f->rbytes >= old->rbytes) {
		o -= old->obytes;
		r -= old->rbytes;
	}
	if (o == 0 && r == 0)
		return;
	if (t->lan(t->arg, f->family, f->osrc, r, o) > 0)
		t->counted += o + r;
	if (t->lan(t->arg, f->family, f->rsrc, o, r) > 0)
		t->counted += o + r;
}

void
ctd_begin(struct ctd *t)
{
	size_t	i;

	t->nn = 0;
	t->dumps++;
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
	memset(&ne, 0, sizeof(ne));
	if (e != NULL) {
		e->seen = 1;
		ne = *e;
		ne.missed = 0;
		if (!e->gone) {
			count(t, &e->f, f);
			ne.f = *f;
			return keep(t, &ne);
		}
		/*
		 * Gone: the entry dying, listed by the dump right after its
		 * event, or its id given anew.
		 */
		if (e->gone_at == t->dumps && same_counters(&e->f, f))
			return keep(t, &ne);
		memset(&ne, 0, sizeof(ne));
	}
	if (!follow(t, f))
		return 0;
	ne.f = *f;
	ne.fresh = t->primed;
	return keep(t, &ne);
}

void
ctd_end(struct ctd *t, int complete)
{
	struct ctd_ent	*sw;
	size_t		 i, k, n, cap;

	for (i = 0; i < t->n; i++) {
		if (t->v[i].seen)
			continue;
		if (complete && ++t->v[i].missed > CTD_KEEP)
			continue;
		(void)keep(t, &t->v[i]);
	}
	if (t->nn > 0)
		qsort(t->nv, t->nn, sizeof(*t->nv), cmp_ent);
	/* A new flow listed twice is one flow: one copy stays. */
	for (i = n = 0; i < t->nn; i++) {
		for (k = n; k > 0 && t->nv[k - 1].f.id == t->nv[i].f.id; k--)
			if (same_flow(&t->nv[k - 1].f, &t->nv[i].f))
				break;
		if (k > 0 && t->nv[k - 1].f.id == t->nv[i].f.id)
			continue;
		t->nv[n++] = t->nv[i];
	}
	t->nn = n;
	for (i = 0; i < t->nn; i++)
		if (t->nv[i].fresh) {
			count(t, NULL, &t->nv[i].f);
			t->nv[i].fresh = 0;
		}
	sw = t->v;
	cap = t->cap;
	t->v = t->nv;
	t->n = t->nn;
	t->cap = t->ncap;
	t->nv = sw;
	t->ncap = cap;
	t->nn = 0;
	if (complete)
		t->primed = 1;
}

int
ctd_gone(struct ctd *t, const struct ctd_flow *f)
{
	struct ctd_ent	*e = find(t, f), *v;
	size_t		 i;

	if (e != NULL && !e->gone) {
		count(t, &e->f, f);
		e->f = *f;
		e->gone = 1;
		e->gone_at = t->dumps + 1;
		return 0;
	}
	if (e != NULL && same_counters(&e->f, f))
		return 0;		/* its event again */
	if (!t->primed || !follow(t, f))
		return 0;
	/* Begun and gone between two dumps: counted whole, once. */
	count(t, NULL, f);
	if (e != NULL) {
		e->f = *f;
		e->gone_at = t->dumps + 1;
		return 0;
	}
	if ((v = bw_grow(t->v, t->n, &t->cap, 64, sizeof(*v))) == NULL)
		return -1;
	t->v = v;
	i = lower(t->v, t->n, f->id);
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->v[i].f = *f;
	t->v[i].gone = 1;
	t->v[i].gone_at = t->dumps + 1;
	t->n++;
	return 0;
}
