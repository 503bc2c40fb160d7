/*
 * What bwhistory's --by and --events read (by.c, events.c): the files
 * of one interface in the data directory, over a window.
 */
#ifndef BWHISTORY_SCOPE_H
#define BWHISTORY_SCOPE_H

#include <stdint.h>

struct hq_scope {
	int		 dirfd;		/* the data directory */
	const char	*dir;		/* its name, for messages */
	const char	*iface;
	int64_t		 from, to;	/* [from, to) */
};

#endif /* BWHISTORY_SCOPE_H */
