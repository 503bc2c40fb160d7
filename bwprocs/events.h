/*
 * Spikes, sustained alerts, and who to tell (events.c).
 */
#ifndef BWPROCS_EVENTS_H
#define BWPROCS_EVENTS_H

#include <stdint.h>

struct alertrun;
struct bw_conf;
struct bw_netdev;
struct events;			/* opaque */
struct table;

/*
 * ev_open: spikes and alerts of iface, recorded in datadir under conf
 * (which must outlive it), alert_command run by ar (NULL: never); it
 * reads whether an alert is open.  NULL with errno.
 * ev_close: free.
 * ev_ifrates: every interface's counters, as read at mono.
 * ev_sample: one second of the interface (rx and tx in bit/s, ifbytes
 * its bytes): a spike, or an alert that fires or clears, is recorded
 * with the rows of t.
 * ev_reap: once a second: the daily trim, conntrack.
 * ev_reload: read alert_env again (on SIGHUP).
 */
struct events	*ev_open(const char *, const char *, const struct bw_conf *,
		    struct alertrun *);
void		 ev_close(struct events *);
void		 ev_ifrates(struct events *, const struct bw_netdev *, int,
		    double);
void		 ev_sample(struct events *, struct table *, double, double,
		    double, double, uint64_t);
void		 ev_reap(struct events *, double);
void		 ev_reload(struct events *);

#endif /* BWPROCS_EVENTS_H */
