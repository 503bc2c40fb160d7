/*
 * Calendar periods in local time (days, ISO weeks, months from a
 * configurable cycle start day) and the bytes a history moved in each.
 * bwtotal and the web endpoints both count through here, so they agree.
 */
#ifndef BW_TOTALS_H
#define BW_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"

#define BW_TOTALS_MAX		3660	/* periods one call may fill */
#define BW_PERIOD_LABELSZ	16	/* "2026-11-23", "2026-W47", "2026-11" */

enum bw_period {
	BW_PERIOD_DAY,
	BW_PERIOD_WEEK,
	BW_PERIOD_MONTH
};

struct bw_total {
	char	label[BW_PERIOD_LABELSZ];
	int64_t	start, end;		/* [start, end), epoch seconds */
	double	rx, tx;			/* bytes as summed from the rows */
	int64_t	rx_bytes, tx_bytes;	/* the same, rounded to whole bytes */
	int64_t	total_bytes;		/* rx_bytes + tx_bytes */
	size_t	samples;		/* rows placed here, gap rows included */
	int	partial;		/* now lies inside: still counting */
};

const char	*bw_period_name(enum bw_period);
int		 bw_period_start(int64_t, enum bw_period, int, int64_t *);
int		 bw_period_next(int64_t, enum bw_period, int, int64_t *);
int		 bw_period_label(char *, size_t, int64_t, enum bw_period,
		    int);
int		 bw_totals(const struct bw_hist *, enum bw_period, int,
		    int64_t, struct bw_total *, size_t, struct bw_total *);

#endif /* BW_TOTALS_H */
