/*
 * Counting the event logs bwprocs appends, spikes_<iface>.jsonl and
 * alerts_<iface>.jsonl: one JSON object per line with an epoch "ts".
 */
#ifndef BW_EVENTS_H
#define BW_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define BW_EVENTS_MAX	(64 << 20)	/* largest log read whole */

struct bw_evcount {
	size_t	n;	/* matching records with ts in [from, to) */
	size_t	bad;	/* blank, garbage or torn lines */
};

int	bw_events_count(const char *, const char *, int64_t, int64_t,
	    struct bw_evcount *);

#endif /* BW_EVENTS_H */
