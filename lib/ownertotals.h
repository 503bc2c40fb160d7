/*
 * The cumulative bytes of each program on an interface, for counters
 * that never go down (the per-program series of /metrics): bwprocs adds
 * each owner interval's bytes and replaces ownertotals_<if>.json
 * atomically; it reads the file back when it starts, so neither a
 * process that exits, nor a restart, nor a rollup or trim of the owner
 * history takes anything away.  At most a bound of programs are listed;
 * one listed stays listed, and the bytes of programs that come after the
 * bound is reached go to "other", so the series stay few and no series
 * ever decreases.  bwmon-files(5) documents the format.
 */
#ifndef BW_OWNERTOTALS_H
#define BW_OWNERTOTALS_H

#include <stddef.h>
#include <stdint.h>

#define BW_OTHER_PROGRAMS	"other"
#define BW_OWNERTOTALS_MAX	1000	/* programs a file may list */

struct bw_progtotal {
	char		prog[128];
	uint64_t	rx, tx;
};

struct bw_ownertotals {
	struct bw_progtotal	*v;	/* in the order they were listed */
	size_t			 n, cap;
	uint64_t		 other_rx, other_tx;
	int64_t			 since;	/* when counting began */
	int64_t			 ts;	/* the end of the last interval added */
};

void	bw_ownertotals_init(struct bw_ownertotals *);
void	bw_ownertotals_free(struct bw_ownertotals *);
int	bw_ownertotals_add(struct bw_ownertotals *, const char *, uint64_t,
	    uint64_t, size_t);
int	bw_ownertotals_read(int, const char *, struct bw_ownertotals *);
int	bw_ownertotals_write(const char *, const char *,
	    const struct bw_ownertotals *);

#endif /* BW_OWNERTOTALS_H */
