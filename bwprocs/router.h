/*
 * Router mode (router.c): on a box that forwards for the LAN behind
 * the interface bwprocs runs for, the kernel counts every LAN device's
 * forwarded bytes in nftables sets with per-element counters (no
 * per-packet work here); once a second bwprocs reads them, merges a
 * device's addresses by MAC through the neighbour table, names it from
 * the leases, /etc/ethers and /etc/hosts, and writes hosts_<if>.json;
 * every owners_interval the host history rows (lib/hosts.c's formats).
 */
#ifndef BWPROCS_ROUTER_H
#define BWPROCS_ROUTER_H

#include <stddef.h>

struct bw_conf;
struct router;			/* opaque */

/*
 * rt_wanted: whether router mode is on for iface by conf (router,
 * lan_ifaces, and for auto: forwarding on, a private or ULA subnet on
 * iface, not the default route's); why says which.
 * rt_open: set up the kernel's counting (idempotently: the table is
 * made anew) and read the previous live file back; NULL with errno.
 * rt_tick: once a second, at wall clock now and monotonic m.
 * rt_flush: the history rows of the interval so far.
 * rt_close: remove the counting from the kernel (nothing counts while
 * bwprocs is down), and free.
 * rt_offload: what a ruleset in nft's JSON hides from the counting
 * ("flowtable ft (hw)", "(no counter)" when the text listing, if not
 * NULL, shows it has no counter flag, and then *nocounter is 1), into
 * out; 0 when nothing, -1 when the JSON is not nft's.
 */
int		 rt_wanted(const struct bw_conf *, const char *, const char *,
		    char *, size_t);
struct router	*rt_open(const char *, const char *, const struct bw_conf *,
		    double);
void		 rt_tick(struct router *, double, double);
void		 rt_flush(struct router *, double);
void		 rt_close(struct router *);
int		 rt_offload(const char *, const char *, char *, size_t, int *);

#endif /* BWPROCS_ROUTER_H */
