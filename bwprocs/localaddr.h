/*
 * The addresses of our network namespace, which tell which end of a
 * connection is ours, and the state of the monitored interface
 * (localaddr.c).
 */
#ifndef BWPROCS_LOCALADDR_H
#define BWPROCS_LOCALADDR_H

#include <stdint.h>

struct localaddr;		/* opaque */

/*
 * la_new: an empty set, to be read; NULL without memory.
 * la_watch: listen to rtnetlink for address and link changes; -1 with
 * errno when it cannot (then only the caller's pace re-reads).
 * la_fd: its socket, to poll; -1 when not watching.  la_drain: read
 * what it says.
 * la_refresh: read the set and the state of iface; -1 when getifaddrs
 * fails (the old set stays).
 * la_changed: something changed since the last refresh (or it was
 * never read); la_invalidate: make it so.
 * la_ifindex: the interface's index, 0 when it is missing; la_ifup:
 * whether it is up; la_mac: its MAC address, NULL when it has none.
 * la_is_local: is a (family 4 or 6) an address of ours?
 * la_is_mcast: is it a multicast or broadcast address?
 */
struct localaddr *la_new(void);
int		 la_watch(struct localaddr *);
int		 la_fd(const struct localaddr *);
void		 la_drain(struct localaddr *);
int		 la_refresh(struct localaddr *, const char *);
int		 la_changed(const struct localaddr *);
void		 la_invalidate(struct localaddr *);
int		 la_ifindex(const struct localaddr *);
int		 la_ifup(const struct localaddr *);
const uint8_t	*la_mac(const struct localaddr *);
void		 la_free(struct localaddr *);
int		 la_is_local(const struct localaddr *, int, const uint8_t *);
int		 la_is_mcast(int, const uint8_t *);

#endif /* BWPROCS_LOCALADDR_H */
