/*
 * The table of offloaded flows (bwprocs/ctdelta.c): the first dump only
 * takes note (a flow begun before counts from its next byte); after
 * it, a flow counts from the first time it is seen offloaded, whole;
 * then what its counters moved, until it ends, to the LAN end of each
 * direction; one that left the fast path counts up to the dump that
 * sees it leave, and again from there if it comes back; a destroy event
 * counts the last bytes, once, also for a flow no dump saw, and a flow
 * listed again after its event (a dying entry) counts nothing more;
 * flows without a LAN end and flows never offloaded are not followed.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "ctdelta.h"
#include "tap.h"

/* The LAN: 10.0.0.0/8.  What each LAN address got, by its last byte. */
static uint64_t	rx[256], tx[256];

static int
lan(void *arg, int family, const uint8_t *addr, uint64_t r, uint64_t t)
{
	(void)arg;
	if (family != AF_INET || addr[0] != 10)
		return 0;
	rx[addr[3]] += r;
	tx[addr[3]] += t;
	return 1;
}

static struct ctd_flow
flow(uint32_t id, int src, int rsrc, uint64_t o, uint64_t r, int off)
{
	struct ctd_flow	f;

	memset(&f, 0, sizeof(f));
	f.id = id;
	f.family = AF_INET;
	f.osrc[0] = src < 100 ? 10 : 93;
	f.osrc[3] = (uint8_t)src;
	f.rsrc[0] = rsrc < 100 ? 10 : 93;
	f.rsrc[3] = (uint8_t)rsrc;
	f.obytes = o;
	f.rbytes = r;
	f.offloaded = off;
	return f;
}

/* One dump of n flows. */
static void
dump(struct ctd *t, const struct ctd_flow *v, size_t n, int complete)
{
	size_t	i;

	ctd_begin(t);
	for (i = 0; i < n; i++)
		(void)ctd_seen(t, &v[i]);
	ctd_end(t, complete);
}

int
main(void)
{
	struct ctd	t;
	struct ctd_flow	f[4];

	ctd_init(&t, lan, NULL);

	/* Before the first dump, a destroy event counts nothing. */
	f[0] = flow(5, 9, 200, 100, 100, 1);
	(void)ctd_gone(&t, &f[0]);
	ok(tx[9] == 0 && t.n == 0, "a destroy event before the first dump "
	    "counts nothing");

	/* 10.0.0.5 -> the Internet (93.0.0.200 answers, masqueraded). */
	f[0] = flow(7, 5, 200, 1000, 5000, 1);
	f[1] = flow(8, 6, 201, 300, 400, 0);		/* never offloaded */
	f[2] = flow(9, 150, 151, 800, 900, 1);		/* no LAN end */
	dump(&t, f, 3, 1);
	ok(tx[5] == 0 && rx[5] == 0, "the first dump only takes note: a "
	    "flow begun before counts from its next byte");
	ok(t.n == 1, "only the offloaded flow with a LAN end is followed "
	    "(%zu)", t.n);

	f[0].obytes = 1500;
	f[0].rbytes = 9000;
	dump(&t, f, 3, 1);
	ok(tx[5] == 500 && rx[5] == 4000, "then what its counters moved "
	    "(tx %ju, rx %ju)", (uintmax_t)tx[5], (uintmax_t)rx[5]);
	ok(tx[6] == 0 && rx[6] == 0, "a flow never offloaded: the sets' own");
	dump(&t, f, 1, 1);
	ok(tx[5] == 500 && rx[5] == 4000, "nothing moved: nothing counted");
	f[3] = flow(4, 9, 200, 300, 700, 1);
	dump(&t, &f[3], 1, 1);
	ok(tx[9] == 300 && rx[9] == 700, "a flow first seen offloaded after: "
	    "its whole counters");

	/* It leaves the fast path: up to this dump, then nothing. */
	f[0].obytes = 1600;
	f[0].offloaded = 0;
	dump(&t, f, 1, 1);
	ok(tx[5] == 600, "leaving the fast path: counted to this dump");
	f[0].obytes = 2600;
	dump(&t, f, 1, 1);
	ok(tx[5] == 600, "off the fast path: the sets count it");
	f[0].obytes = 2700;
	f[0].offloaded = 1;
	dump(&t, f, 1, 1);
	ok(tx[5] == 700, "offloaded again: from the last dump (tx %ju)",
	    (uintmax_t)tx[5]);

	/* Its destroy event: the last bytes, once. */
	f[0].obytes = 2750;
	(void)ctd_gone(&t, &f[0]);
	ok(tx[5] == 750, "its destroy event counts its last bytes");
	(void)ctd_gone(&t, &f[0]);
	f[0].obytes = 2800;
	dump(&t, f, 1, 1);
	ok(tx[5] == 750, "a second event, or a dump listing it dying, "
	    "counts nothing (tx %ju)", (uintmax_t)tx[5]);

	/* A flow offloaded and gone between two dumps. */
	f[3] = flow(3, 200, 7, 4000, 100, 1);	/* from the Internet to .7 */
	(void)ctd_gone(&t, &f[3]);
	ok(rx[7] == 4000 && tx[7] == 100, "a flow no dump saw: counted "
	    "from its event, the reply's source as the LAN end");
	dump(&t, &f[3], 1, 1);
	ok(rx[7] == 4000, "... once, even if a dump lists it after");

	/* An id the kernel gives again to another flow. */
	f[1] = flow(7, 8, 200, 50, 60, 1);
	dump(&t, &f[1], 1, 1);
	ok(tx[8] == 50 && rx[8] == 60 && tx[5] == 750,
	    "the same id between other ends is another flow");
	f[1].obytes = 10;
	f[1].rbytes = 20;
	dump(&t, &f[1], 1, 1);
	ok(tx[8] == 60 && rx[8] == 80, "counters that went down: a new "
	    "flow, counted whole");

	/* Two LAN ends: each its side. */
	f[2] = flow(11, 20, 21, 70, 30, 1);
	dump(&t, &f[2], 1, 1);
	ok(tx[20] == 70 && rx[20] == 30 && rx[21] == 70 && tx[21] == 30,
	    "a flow between two LAN addresses counts for both");
	ok(t.counted == 750 + 4000 + 300 + 700 + 4100 + 60 + 80 + 100 * 2,
	    "counted: the bytes given, each LAN end's (%ju)",
	    (uintmax_t)t.counted);

	/* A flow unlisted by complete dumps goes after two more. */
	ctd_free(&t);
	dump(&t, &f[2], 1, 1);
	dump(&t, NULL, 0, 0);
	ok(t.n == 1, "an incomplete dump drops nothing (%zu)", t.n);
	dump(&t, NULL, 0, 1);
	dump(&t, NULL, 0, 1);
	ok(t.n == 1, "kept through two complete dumps without it");
	dump(&t, NULL, 0, 1);
	ok(t.n == 0, "gone after the third (%zu)", t.n);

	ctd_free(&t);
	return done_testing();
}
