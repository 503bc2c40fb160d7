/*
 * bwhistory --events: the spikes and alerts of a window, with who moved
 * the bytes of each (lib/eventlog.c reads them).
 */
#ifndef BWHISTORY_EVENTS_H
#define BWHISTORY_EVENTS_H

#include "scope.h"

struct ev_query {
	struct hq_scope	 sc;
	const char	*what;		/* "last 24h", "all history", NULL */
	int		 json;
};

int	events_show(const struct ev_query *);

#endif /* BWHISTORY_EVENTS_H */
