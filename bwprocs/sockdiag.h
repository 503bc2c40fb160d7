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

struct sockdiag;		/* opaque */

/*
 * sd_open: NULL with errno when there is no sock_diag socket.
 * sd_lookup: the socket of the connection (family 4 or 6, proto 6 or
 * 17) between local and remote, the ifindex scoping link-local
 * addresses: 1 and *si, 0 when there is none, -1 on error (ENOTSUP:
 * this kind cannot be looked up here, or sd is NULL).
 */
struct sockdiag	*sd_open(void);
void		 sd_close(struct sockdiag *);
int		 sd_lookup(struct sockdiag *, int, int, const struct endp *,
		    const struct endp *, int, struct sockinfo *);

#endif /* BWPROCS_SOCKDIAG_H */
