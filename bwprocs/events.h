/*
 * Spikes, sustained alerts, and who to tell (events.c).
 */
#ifndef BWPROCS_EVENTS_H
#define BWPROCS_EVENTS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "table.h"
#include "util.h"

struct bw_netdev;
struct ct;

#define EV_RING		3600	/* one-second samples kept */
#define EV_CMDS		4	/* alert_commands running at once */
#define EV_TOP		20	/* rows in a record */

struct ifrate {
	char		name[BW_IFNAMSIZ];
	uint64_t	rx, tx;		/* the counters last read */
	double		rx_bps, tx_bps;
	int		seen;
};

struct evcmd {
	pid_t		pid;		/* 0: free */
	double		start;		/* monotonic */
	int		killed;
	char		event[8];	/* SPIKE, FIRED, CLEARED */
	double		ts;		/* of its record */
};

struct events {
	const char	*iface;
	const struct bw_conf *conf;
	char		 spikes_path[4096], alerts_path[4096];
	struct ct	*ct;
	int		 ct_logged;	/* the status last logged; -1 */
	double		 ct_checked;
	double		 tot[EV_RING], rx[EV_RING], tx[EV_RING];
	int		 head, n;	/* head: the next slot */
	double		 spike_mono;	/* the last spike; 0: none */
	int		 open;		/* an alert fired, not cleared */
	double		 fired_at, peak;
	int		 below;		/* seconds under the clear level */
	struct evcmd	 cmd[EV_CMDS];
	double		 next_trim;	/* monotonic */
	double		 mark_mono;	/* rows marked */
	struct ifrate	*ifs;
	size_t		 nifs;
	double		 ifs_mono;
	uint64_t	 spikes, fired, cleared;
};

int	ev_init(struct events *, const char *, const char *,
	    const struct bw_conf *);
void	ev_free(struct events *);
void	ev_ifrates(struct events *, const struct bw_netdev *, int, double);
void	ev_sample(struct events *, struct table *, double, double, double,
	    double, uint64_t);
void	ev_reap(struct events *, double);

#endif /* BWPROCS_EVENTS_H */
