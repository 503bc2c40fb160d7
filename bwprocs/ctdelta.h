/*
 * Forwarded flows' bytes from their conntrack counters (ctdelta.c;
 * offload.c reads the kernel).  When a flowtable offloads flows, their
 * packets skip the forward hook where router mode's sets count, but
 * with accounting on the kernel adds every packet of a flow, offloaded
 * or not, to its conntrack counters.  This table follows the forwarded
 * flows that have a LAN address at one end, by conntrack id, with the
 * counters last read: what they moved since goes to the LAN address.
 */
#ifndef BWPROCS_CTDELTA_H
#define BWPROCS_CTDELTA_H

#include <stddef.h>
#include <stdint.h>

/* One conntrack entry, as read from a dump or a destroy event. */
struct ctd_flow {
	uint32_t	id;		/* conntrack's */
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		osrc[16];	/* original source (IPv4: 4 bytes) */
	uint8_t		rsrc[16];	/* reply source */
	uint64_t	obytes;		/* lifetime: original direction */
	uint64_t	rbytes;		/* lifetime: reply direction */
};

/*
 * What addr is: 1 a LAN address counted here, which then received rx
 * and sent tx bytes more (both 0: only asked); 0 another; -1 one of
 * the router's own (a flow to or from it is not forwarded).
 */
typedef int	(*ctd_lan_fn)(void *, int, const uint8_t *, uint64_t,
		    uint64_t);

struct ctd_ent {
	struct ctd_flow	 f;		/* the counters last read */
	int		 gone;		/* its destroy event came */
	uint64_t	 gone_at;	/* in the events before dump N */
	int		 missed;	/* complete dumps without it */
	int		 seen;		/* in this dump */
	int		 fresh;		/* new in this dump: counts whole */
};

struct ctd {
	struct ctd_ent	*v;		/* sorted by id */
	size_t		 n, cap;
	struct ctd_ent	*nv;		/* the dump being read */
	size_t		 nn, ncap;
	ctd_lan_fn	 lan;
	void		*arg;
	int		 primed;	/* a complete dump was read */
	uint64_t	 dumps;		/* begun so far */
	uint64_t	 counted;	/* bytes given to LAN addresses */
};

/*
 * ctd_begin, ctd_seen for each entry of a dump, then ctd_end (complete:
 * the dump was whole, so a flow not in it has ended); ctd_gone for a
 * destroy event, between dumps.  The first complete dump only takes
 * note: a flow that began before counts from its next byte, and the
 * destroy events before it count nothing.  After it, a flow new in a
 * dump, or gone before a dump saw it, counts whole; a followed one what
 * its counters moved, to its last byte from its destroy event.  A
 * conntrack id the kernel gives again to a new flow between the same
 * ends is that new flow, unless the dump right after the event lists
 * it with the same counters (the entry dying).  -1 only without memory
 * (the flow is then not followed).
 */
void	ctd_init(struct ctd *, ctd_lan_fn, void *);
void	ctd_free(struct ctd *);
void	ctd_begin(struct ctd *);
int	ctd_seen(struct ctd *, const struct ctd_flow *);
void	ctd_end(struct ctd *, int);
int	ctd_gone(struct ctd *, const struct ctd_flow *);

#endif /* BWPROCS_CTDELTA_H */
