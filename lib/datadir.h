/*
 * What the data directory holds: which interfaces have history, and
 * which one a tool shows when none is named.
 */
#ifndef BW_DATADIR_H
#define BW_DATADIR_H

#include <stddef.h>

#include "conf.h"
#include "util.h"

int	bw_data_ifaces(const char *, char (*)[BW_IFNAMSIZ], int);
int	bw_route_iface(const char *, char *, size_t);
int	bw_default_iface(const char *, const struct bw_conf *, char *,
	    size_t);

#endif /* BW_DATADIR_H */
