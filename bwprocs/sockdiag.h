/*
 * sock_diag exact lookups (sockdiag.c): from a connection's tuple to
 * its socket, in our network namespace.
 */
#ifndef BWPROCS_SOCKDIAG_H
#define BWPROCS_SOCKDIAG_H

#include <stdint.h>

#include "bwprocs.h"

struct sockinfo {
	uint64_t	inode;
	long long	uid;
	int		state;		/* TCP_ST_* */
	int		exact;		/* matched the remote end too */
};

struct sockdiag {
	int		fd;
	uint32_t	seq;
	int		ok[2][2];	/* [v6][udp]: lookups work */
};

int	sd_open(struct sockdiag *);
void	sd_close(struct sockdiag *);
int	sd_lookup(struct sockdiag *, int, int, const struct endp *,
	    const struct endp *, int, struct sockinfo *);

#endif /* BWPROCS_SOCKDIAG_H */
