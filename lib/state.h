/*
 * bwcollect's state, state_<iface>.json: the counters of its last
 * reading and the history row that reading implies, which is the commit
 * point of a sample (see bwcollect(8)).  Small, replaced whole.
 */
#ifndef BW_STATE_H
#define BW_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define BW_STATE_MAX	4096	/* largest state file read */
#define BW_ROW_MAX	160	/* a row: at most 6 x 20 digits and signs */
#define BW_BOOTID_LEN	36	/* a boot_id: a UUID in text */

struct bw_state {
	double		ts;
	uint64_t	rx, tx;
	long long	boot;		/* 0: unknown (a bwmon v1 state) */
	char		bootid[BW_BOOTID_LEN + 1];	/* "": unknown */
	double		trimmed;
	char		row[BW_ROW_MAX];	/* the row it implies, or "" */
};

int64_t	bw_row_ts(const char *, size_t);
int	bw_bootid_valid(const char *, size_t);
int	bw_state_read(const char *, struct bw_state *, struct bw_error *);
int	bw_state_write(const char *, const struct bw_state *);

#endif /* BW_STATE_H */
