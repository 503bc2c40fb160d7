/*
 * The history row parsers compared, for t/0001-lib.c and the fuzz
 * harness t/fuzz/history.c: the scalar one is the reference the vector
 * one must agree with value for value.
 */
#ifndef BW_HISTSAME_H
#define BW_HISTSAME_H

#include <stdlib.h>
#include <string.h>

#include "history.h"

static int
same_row(const struct bw_row *a, const struct bw_row *b)
{
	return a->ts == b->ts && a->interval == b->interval &&
	    a->rx_bps == b->rx_bps && a->tx_bps == b->tx_bps &&
	    a->rx_bytes == b->rx_bytes && a->tx_bytes == b->tx_bytes &&
	    a->gap == b->gap && a->v1 == b->v1;
}

/*
 * The n bytes at line (without its '\n') as the scalar row parser reads
 * them (the first line of a text, where the vector one may not look) and
 * as the vector one does (16 bytes in, 64 before the end): 1 when they
 * give the same row, or the same verdict, 0 when not, -1 when it could
 * not be tried (no memory).  Elsewhere, and on other machines, the
 * scalar one reads both.
 */
static int
line_same(const char *line, size_t n)
{
	struct bw_hist	 a, b;
	char		*buf;
	int		 same;

	if ((buf = malloc(16 + n + 1 + 64)) == NULL)
		return -1;
	memcpy(buf, line, n);
	buf[n] = '\n';
	if (bw_hist_parse(buf, n + 1, &a) == -1) {
		free(buf);
		return -1;
	}
	memset(buf, '\n', 16);
	memcpy(buf + 16, line, n);
	memset(buf + 16 + n, '\n', 1 + 64);
	if (bw_hist_parse(buf, 16 + n + 1 + 64, &b) == -1) {
		bw_hist_free(&a);
		free(buf);
		return -1;
	}
	same = a.n <= 1 && a.n == b.n && a.bad == b.bad &&
	    a.blank + 16 + 64 == b.blank &&
	    (a.n == 0 || same_row(&a.rows[0], &b.rows[0]));
	bw_hist_free(&a);
	bw_hist_free(&b);
	free(buf);
	return same;
}

#endif /* BW_HISTSAME_H */
