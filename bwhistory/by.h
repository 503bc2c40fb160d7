/*
 * bwhistory --by: who moved an interface's bytes over a window, from
 * the owner history bwprocs keeps (lib/owners.c).
 */
#ifndef BWHISTORY_BY_H
#define BWHISTORY_BY_H

#include <stddef.h>
#include <stdint.h>

#include "owners.h"
#include "scope.h"

#define BY_WIDTHMAX	1000	/* a text line's columns, at most */

enum by_format { BY_TEXT, BY_JSON, BY_CSV };

struct by_query {
	struct hq_scope	 sc;
	enum bw_by	 by;
	size_t		 top;		/* rows, the rest folded */
	enum by_format	 format;
	int		 width;		/* of the text */
};

int	by_show(const struct by_query *);

#endif /* BWHISTORY_BY_H */
