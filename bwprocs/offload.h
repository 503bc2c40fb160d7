/*
 * Forwarded flows' bytes from conntrack (offload.c), for router mode
 * when a flowtable offloads flows: once a second a dump of the
 * conntrack table, and the destroy events since the last one, feed
 * ctdelta.c's table, which gives what the flows moved to their LAN
 * addresses.
 */
#ifndef BWPROCS_OFFLOAD_H
#define BWPROCS_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ctdelta.h"

struct offload;			/* opaque */

/*
 * ofl_open: the two conntrack handles (a dump, the destroy events);
 * NULL with errno, and why says what failed.
 * ofl_read: the destroy events queued, then a dump; -1 with errno when
 * the dump failed (the events still counted), and why says so; 0 with
 * why set when the kernel dropped destroy events (their flows' last
 * bytes are lost), "" when all went well.
 * ofl_counted: the bytes given to LAN addresses so far.
 */
struct offload	*ofl_open(ctd_lan_fn, void *, char *, size_t);
int		 ofl_read(struct offload *, char *, size_t);
uint64_t	 ofl_counted(const struct offload *);
void		 ofl_close(struct offload *);

#endif /* BWPROCS_OFFLOAD_H */
