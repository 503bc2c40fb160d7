/*
 * Reading interface byte counters from <proc>/net/dev and the boot time
 * from <proc>/stat.
 */
#ifndef BW_NETDEV_H
#define BW_NETDEV_H

#include <stdint.h>

#include "util.h"

struct bw_netdev {
	char		name[BW_IFNAMSIZ];
	uint64_t	rx_bytes, rx_packets, tx_bytes, tx_packets;
};

int	bw_netdev_read(const char *, struct bw_netdev **, int *, int *);
int	bw_netdev_parse(const char *, struct bw_netdev **, int *, int *);
const struct bw_netdev *bw_netdev_find(const struct bw_netdev *, int,
	    const char *);
int	bw_boottime(const char *, long long *);

#endif /* BW_NETDEV_H */
