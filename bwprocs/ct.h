/*
 * Conntrack for bwprocs's spike records: whether the kernel tracks flows
 * in our network namespace (and counts their bytes), and one flow's
 * state and lifetime counters looked up by its tuple.  Never a dump,
 * never a counter reset.
 */
#ifndef BWPROCS_CT_H
#define BWPROCS_CT_H

#include <stdint.h>

enum { CT_OK, CT_ACCT_OFF, CT_INACTIVE, CT_UNAVAILABLE };

struct ct;			/* opaque */

struct ctflow {
	/* in: the two ends as bwprocs's capture saw them */
	uint8_t		family;		/* 4 or 6 */
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		a[16], b[16];	/* IPv4 in the first 4 bytes */
	uint16_t	aport, bport;	/* host order */
	/* out */
	int		found;		/* conntrack has the flow */
	int		a_is_orig;	/* its original direction starts at a */
	char		state[16];	/* "ESTABLISHED", "TIME_WAIT", ...;
					   udp: "UNREPLIED", "REPLIED",
					   "ASSURED" */
	int		counters;	/* bytes and packets are valid */
	uint64_t	bytes, packets;	/* lifetime, both directions */
};

/*
 * ct_open: NULL only without memory; ct_status says whether it works.
 * ct_status: CT_*, re-checked at each call (two small /proc reads; a
 * netlink probe, or a new try to open netlink, at most once a minute).
 * ct_status_name: "ok", "accounting off", "inactive", "unavailable".
 * ct_status_fix: how to fix it, for the log; "" for ok.
 * ct_status_why: for unavailable, the detail (e.g. the open's error).
 * ct_lookup: 0 whether found or not, -1 on error (errno; found = 0).
 * state is "" when conntrack gave none.
 */
struct ct	*ct_open(void);
void		 ct_close(struct ct *);
int		 ct_status(struct ct *);
const char	*ct_status_name(int);
const char	*ct_status_fix(int);
const char	*ct_status_why(const struct ct *);
int		 ct_lookup(struct ct *, struct ctflow *);

#endif /* BWPROCS_CT_H */
