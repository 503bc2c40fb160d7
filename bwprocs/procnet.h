/*
 * The socket tables /proc/<pid>/net/{tcp,udp}{,6} (procnet.c): untrusted
 * text, every field checked.
 */
#ifndef BWPROCS_PROCNET_H
#define BWPROCS_PROCNET_H

#include <stdint.h>

#include "bwprocs.h"

/* A parsed table line. */
struct pnsock {
	uint8_t		family;
	struct endp	local, remote;
	int		state;		/* TCP_ST_* */
	long long	uid;
	uint64_t	inode;
};

typedef int	(*pn_fn)(const struct pnsock *, void *);

int	pn_read(const char *, int, pn_fn, void *);
int	pn_parse_line(const char *, int, struct pnsock *);

#endif /* BWPROCS_PROCNET_H */
