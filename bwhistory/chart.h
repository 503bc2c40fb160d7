/*
 * bwhistory's terminal chart: RX bars above a time axis, TX bars below.
 */
#ifndef BWHISTORY_CHART_H
#define BWHISTORY_CHART_H

#include <stdio.h>

#include "history.h"

#define CHART_GUTTER	11	/* scale labels left of the bars */
#define CHART_HEIGHT	6	/* rows per direction */
#define CHART_MINWIDTH	50	/* narrower: chart_narrow() says so */
#define CHART_MAXWIDTH	1024

struct chart_style {
	const char	*rx[9];		/* RX cells by fill, empty to full */
	const char	*tx[3];		/* TX cells, growing down */
	int		 rxlevels;	/* fill steps per RX cell */
	int		 txlevels;
	const char	*vline, *tick, *cross, *hline;
};

extern const struct chart_style	chart_utf8, chart_ascii;

int	chart_columns(int);
int	chart_title(FILE *, int, const char *, const char *, const char *);
int	chart_narrow(FILE *, int);
int	chart_draw(FILE *, const struct bw_series *, int,
	    const struct chart_style *);

#endif /* BWHISTORY_CHART_H */
