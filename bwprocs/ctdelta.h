/*
 * The bytes offloaded flows move, from their conntrack counters
 * (ctdelta.c; offload.c reads the kernel).  A flow an nftables
 * flowtable has offloaded skips the forward hook, where router mode's
 * sets count, but with accounting on the kernel goes on adding its
 * packets to the flow's conntrack counters.  This table follows the
 * flows that are or were offloaded and that have a LAN address at one
 * end, by conntrack id, with the counters last read: what they moved
 * since goes to the LAN address.
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
	int		offloaded;	/* on the fast path now */
};

/*
 * Whether addr is a LAN address counted here; if so, it received rx
 * and sent tx bytes more (both 0: only asked).
 */
typedef int	(*ctd_lan_fn)(void *, int, const uint8_t *, uint64_t,
		    uint64_t);

struct ctd_ent {
	struct ctd_flow	 f;		/* the counters last read */
	int		 gone;		/* its destroy event came */
	int		 missed;	/* complete dumps without it */
	int		 seen;		/* in this dump */
};

struct ctd {
	struct ctd_ent	*v;		/* sorted by id */
	size_t		 n, cap;
	struct ctd_ent	*nv;		/* the dump being read */
	size_t		 nn, ncap;
	ctd_lan_fn	 lan;
	void		*arg;
	int		 primed;	/* a complete dump was read */
	uint64_t	 counted;	/* bytes given to LAN addresses */
};

/*
 * ctd_begin, ctd_seen for each entry of a dump, then ctd_end (complete:
 * the dump was whole, so a flow not in it has ended); ctd_gone for a
 * destroy event, between dumps.  A flow is followed from the first
 * time it is seen offloaded: that time its whole counters count (the
 * few packets before the hand-over, which the sets counted too,
 * included); then what they moved, until it ends.  The first complete
 * dump only takes note of the flows offloaded then, and the destroy
 * events before it count nothing: a flow that began before counts
 * from its next byte.  -1 only without memory (the flow is then not
 * followed).
 */
void	ctd_init(struct ctd *, ctd_lan_fn, void *);
void	ctd_free(struct ctd *);
void	ctd_begin(struct ctd *);
int	ctd_seen(struct ctd *, const struct ctd_flow *);
void	ctd_end(struct ctd *, int);
int	ctd_gone(struct ctd *, const struct ctd_flow *);

#endif /* BWPROCS_CTDELTA_H */
