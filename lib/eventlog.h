/*
 * The spike and alert logs, spikes_<iface>.jsonl and
 * alerts_<iface>.jsonl: one JSON object per line with an epoch "ts".
 * bwprocs appends and trims them through here, and every reader walks
 * them with the one walker, which takes every line on its own: v1 wrote
 * them without locks and a killed writer leaves a torn last line, so
 * anything that is not a JSON object with a numeric "ts" is skipped and
 * counted.
 */
#ifndef BW_EVENTLOG_H
#define BW_EVENTLOG_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "datadir.h"

struct json_t;

/*
 * The one limit: events_max_mb at most, and readers read what a log can
 * hold between two trims (the cap and one more record).
 */
#define BW_EVENTS_MAX_MB	64
#define BW_EVENTS_MAX		(((size_t)BW_EVENTS_MAX_MB + 1) << 20)

struct bw_evcount {
	size_t	n;	/* matching records with ts in [from, to) */
	size_t	bad;	/* blank, garbage or torn lines */
};

/* Called per record, which it borrows; returns -1 to stop the walk. */
typedef int	(*bw_jsonl_fn)(struct json_t *, double, void *);

int	bw_jsonl_walk(const char *, size_t, bw_jsonl_fn, void *, size_t *);
int	bw_events_read(int, enum bw_kind, const char *, char **, size_t *);
int	bw_events_walk(int, enum bw_kind, const char *, bw_jsonl_fn, void *,
	    size_t *);
int	bw_events_count(int, enum bw_kind, const char *, const char *,
	    int64_t, int64_t, struct bw_evcount *);
int	bw_events_last(const char *, struct json_t **);
off_t	bw_events_append(const char *, const char *, size_t);
int	bw_events_trim(const char *, double, size_t, size_t *);

#endif /* BW_EVENTLOG_H */
