/*
 * Who moved the bytes of the last minutes (window.c): each process
 * row's and each flow's bytes over the alert window, so that an alert
 * that fires on the window's average names who made it even when its
 * last second is quiet.
 */
#ifndef BWPROCS_WINDOW_H
#define BWPROCS_WINDOW_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "bwprocs.h"

struct table;
struct whowin;			/* opaque */

/* A row or a flow, and its bytes in the window. */
struct wentry {
	uint32_t	hnext;		/* window.c's */
	uint32_t	hash;
	uint32_t	item;		/* its item in the newest slice */
	uint64_t	slice;		/* that slice's number */
	uint8_t		used, flow;
	uint8_t		family, proto, opener;	/* a flow's */
	int		unattr;		/* a row: U_*, or -1 for a process */
	pid_t		pid;		/* a row's; a flow's process, or 0 */
	uint64_t	start;		/* a row's process start time */
	struct endp	a, b;		/* a flow's ends as last seen */
	char		name[64];	/* a row's, or a flow's process's */
	uint64_t	rx, tx;		/* in the window; a flow: b to a, a to b */
};

/*
 * ww_new: an empty window; NULL with errno.
 * ww_sample: once a second, before the rows are marked: take the bytes
 * each row and flow moved since the last sample, in a window of about
 * `window' seconds.
 * ww_top: the process and unattributed rows (flows 0) or the flows
 * (flows 1) with bytes in the window, busiest first, in a new array
 * *v (free it); their number, or -1 with errno.
 * ww_span: the seconds the window holds now: `window' and up to a
 * tenth more, or less since the start.
 */
struct whowin	*ww_new(void);
void		 ww_free(struct whowin *);
void		 ww_sample(struct whowin *, struct table *, double, double,
		    int);
ssize_t		 ww_top(const struct whowin *, int,
		    const struct wentry ***);
double		 ww_span(const struct whowin *, double);

#endif /* BWPROCS_WINDOW_H */
