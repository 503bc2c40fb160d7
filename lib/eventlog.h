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

/* A spike or an alert, as bwhistory --events and bwtop show it. */
enum bw_evkind { BW_EV_SPIKE, BW_EV_ALERT };

#define BW_EV_NAMESZ	64
#define BW_EV_ADDRSZ	64	/* "[v6 address]:port" */

struct bw_event {
	enum bw_evkind	kind;
	double		ts;		/* the spike; the alert's FIRED */
	double		rate_bps;	/* total_bps; rolling_avg_bps; NAN */
	double		cleared_at;	/* an alert's CLEARED; NAN: open */
	int		cleared;	/* has a CLEARED */
	char		top[BW_EV_NAMESZ];	/* top[0]'s name; "" */
	long long	top_pid;		/* 0: none */
	char		proto[8];		/* top_flows[0]; "" */
	char		src[BW_EV_ADDRSZ], dst[BW_EV_ADDRSZ];
	double		flow_bytes;	/* its window_bytes (v1: bytes); NAN */
	char		flow_name[BW_EV_NAMESZ];	/* its process; "" */
};

struct bw_evlist {
	struct bw_event	*v;		/* oldest first */
	size_t		 n, cap;
	size_t		 bad;		/* unreadable lines of both logs */
	int		 spikes, alerts;	/* the log exists */
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
int	bw_events_list(int, const char *, int64_t, int64_t,
	    struct bw_evlist *);
void	bw_evlist_free(struct bw_evlist *);
int	bw_alert_open(int, const char *, struct bw_event *);
double	bw_json_num(const struct json_t *, const char *);
off_t	bw_events_append(const char *, const char *, size_t);
int	bw_events_trim(const char *, double, size_t, size_t *);

#endif /* BW_EVENTLOG_H */
