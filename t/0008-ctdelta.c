/*
 * The table of forwarded flows (bwprocs/ctdelta.c): the first dump only
 * takes note (a flow begun before counts from its next byte), and the
 * destroy events before it count nothing; after it, a flow new in a
 * dump counts whole, once even if listed twice, then what its counters
 * moved, to the LAN end of each direction; a destroy event counts the
 * last bytes, once, also for a flow no dump saw; a dying entry listed
 * by the dump right after its event counts nothing, but an id given
 * anew to a flow between the same ends is a new flow; flows without a LAN end, or to or from the
 * router itself, are not followed; a flow unlisted goes after three
 * complete dumps.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "ctdelta.h"
#include "tap.h"

/*
 * The LAN: 10.0.0.0/8, the router 10.0.0.1.  What each LAN address got,
 * by its last byte.
 */
static uint64_t	rx[256], tx[256];

static int
lan(void *arg, int family, const uint8_t *addr, uint64_t r, uint64_t t)
{
	(void)arg;
	if (family != AF_INET || addr[0] != 10)
		return 0;
	if (addr[3] == 1)
		return -1;			/* 10.0.0.1: the router */
	rx[addr[3]] += r;
	tx[addr[3]] += t;
	return 1;
}

/* Flow id from 10.0.0.SRC (93.0.0.SRC from 100 on) to RSRC. */
static struct ctd_flow
flow(uint32_t id, int src, int rsrc, uint64_t o, uint64_t r)
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
	f[0] = flow(5, 9, 200, 100, 100);
	(void)ctd_gone(&t, &f[0]);
	ok(tx[9] == 0 && t.n == 0, "a destroy event before the first dump "
	    "counts nothing");

	/* 10.0.0.5 -> the Internet (93.0.0.200 answers, masqueraded). */
	f[0] = flow(7, 5, 200, 1000, 5000);
	f[1] = flow(8, 6, 1, 300, 400);		/* to the router */
	f[2] = flow(9, 150, 151, 800, 900);	/* no LAN end */
	dump(&t, f, 3, 1);
	ok(tx[5] == 0 && rx[5] == 0, "the first dump only takes note: a "
	    "flow begun before counts from its next byte");
	ok(t.n == 1, "only the forwarded flow with a LAN end is followed "
	    "(%zu)", t.n);

	f[0].obytes = 1500;
	f[0].rbytes = 9000;
	f[1].obytes = 5000;
	dump(&t, f, 3, 1);
	ok(tx[5] == 500 && rx[5] == 4000, "then what its counters moved "
	    "(tx %ju, rx %ju)", (uintmax_t)tx[5], (uintmax_t)rx[5]);
	ok(tx[6] == 0 && rx[6] == 0, "a flow to the router: not forwarded, "
	    "not counted");
	dump(&t, f, 1, 1);
	ok(tx[5] == 500 && rx[5] == 4000, "nothing moved: nothing counted");

	/* New flows: whole, once, even listed twice. */
	f[3] = flow(4, 9, 200, 300, 700);
	f[2] = f[3];
	dump(&t, &f[2], 2, 1);
	ok(tx[9] == 300 && rx[9] == 700, "a new flow: its whole counters, "
	    "once though listed twice (tx %ju)", (uintmax_t)tx[9]);
	dump(&t, &f[3], 1, 1);
	ok(tx[9] == 300, "... and one entry for it");

	/* Its destroy event: the last bytes, once. */
	f[0].obytes = 1750;
	(void)ctd_gone(&t, &f[0]);
	ok(tx[5] == 750, "its destroy event counts its last bytes");
	(void)ctd_gone(&t, &f[0]);
	dump(&t, f, 1, 1);
	ok(tx[5] == 750, "a second event, or a dump listing it dying, "
	    "counts nothing (tx %ju)", (uintmax_t)tx[5]);

	/* The same id and ends, other counters: the kernel's id anew. */
	f[0].obytes = 40;
	f[0].rbytes = 60;
	dump(&t, f, 1, 1);
	ok(tx[5] == 790 && rx[5] == 4060, "an id given anew after the event "
	    "is a new flow, counted whole (tx %ju)", (uintmax_t)tx[5]);
	f[0].obytes = 50;
	dump(&t, f, 1, 1);
	ok(tx[5] == 800, "... and followed");

	/* A flow begun and gone between two dumps. */
	f[3] = flow(3, 200, 7, 4000, 100);	/* from the Internet to .7 */
	(void)ctd_gone(&t, &f[3]);
	ok(rx[7] == 4000 && tx[7] == 100, "a flow no dump saw: counted "
	    "from its event, the reply's source as the LAN end");
	dump(&t, &f[3], 1, 1);
	ok(rx[7] == 4000, "... once, even if a dump lists it after");
	f[3].obytes = 500;
	(void)ctd_gone(&t, &f[3]);
	ok(rx[7] == 4500, "an event for its id anew, with other counters: "
	    "another flow, counted whole (rx %ju)", (uintmax_t)rx[7]);

	/* Its id anew later, even with the same counters: a new flow. */
	f[1] = flow(30, 10, 200, 40, 20);
	dump(&t, &f[1], 1, 1);
	(void)ctd_gone(&t, &f[1]);
	dump(&t, NULL, 0, 1);
	dump(&t, &f[1], 1, 1);
	ok(tx[10] == 80 && rx[10] == 40, "an id given anew a dump later, "
	    "same ends and counters: a new flow (tx %ju)", (uintmax_t)tx[10]);

	/* Counters that went down under a followed id. */
	f[1] = flow(12, 8, 200, 50, 60);
	dump(&t, &f[1], 1, 1);
	f[1].obytes = 10;
	f[1].rbytes = 20;
	dump(&t, &f[1], 1, 1);
	ok(tx[8] == 60 && rx[8] == 80, "counters that went down: a new "
	    "flow, counted whole (tx %ju)", (uintmax_t)tx[8]);

	/* Two LAN ends: each its side. */
	f[2] = flow(11, 20, 21, 70, 30);
	dump(&t, &f[2], 1, 1);
	ok(tx[20] == 70 && rx[20] == 30 && rx[21] == 70 && tx[21] == 30,
	    "a flow between two LAN addresses counts for both");
	ok(t.counted == 800 + 4060 + 300 + 700 + 4500 + 200 + 120 + 60 +
	    80 + 100 * 2, "counted: the bytes given, each LAN end's (%ju)",
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
