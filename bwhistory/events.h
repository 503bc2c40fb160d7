/*
 * bwhistory --events: the spikes and alerts of a window, with who moved
 * the bytes of each (lib/eventlog.c reads them).
 */
#ifndef BWHISTORY_EVENTS_H
#define BWHISTORY_EVENTS_H

#include <stdint.h>

struct ev_query {
	int		 dirfd;
	const char	*dir;
	const char	*iface;
	const char	*what;		/* "last 24h", "all history", NULL */
	int64_t		 from, to;	/* [from, to) */
	int		 json;
};

int	events_show(const struct ev_query *);

#endif /* BWHISTORY_EVENTS_H */
