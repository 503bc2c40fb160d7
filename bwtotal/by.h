/*
 * bwtotal --by: who moved the bytes of each period, from the owner
 * history bwprocs keeps (lib/owners.c).
 */
#ifndef BWTOTAL_BY_H
#define BWTOTAL_BY_H

#include <stddef.h>
#include <stdint.h>

#include "owners.h"
#include "totals.h"

struct by_query {
	const char	*dir;
	const char	*iface;
	enum bw_period	 period;
	int		 msd;		/* month_start_day */
	int64_t		 now;
	size_t		 count;		/* periods, the current one last */
	enum bw_by	 by;
	size_t		 top;		/* rows a period, the rest folded */
	int		 json;
};

void	by_show(const struct by_query *);

#endif /* BWTOTAL_BY_H */
