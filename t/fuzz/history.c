/*
 * libFuzzer harness for the history reader (lib/history.c); the input
 * is a bw_<iface>.csv.  Beyond what the sanitizers catch, it checks the
 * reader against itself and aborts on a difference, which libFuzzer
 * reports as a crash:
 *
 * - each line (up to LINES_MAX) reads the same where only the scalar
 *   row parser may read it, at the start of a text, and where the vector
 *   one may, 16 bytes in and 64 before the end;
 * - the series of a range, its buckets and statistics, come out the same
 *   to the bit from the text (bw_hist_series_text()) as from the parsed
 *   rows (bw_hist_series(), bw_hist_stats()), for the ranges bwhistory
 *   and the web ask for.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "histsame.h"

#define LINES_MAX	64	/* lines compared parser to parser */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Buckets start at local midnight: a zone half an hour off UTC. */
	if (setenv("TZ", "XXX-5:30", 1) == -1)
		abort();
	tzset();
	return 0;
}

/* [from, to) in buckets of step seconds, from the text and the rows. */
static void
series_check(const char *text, size_t len, const struct bw_hist *h,
    int64_t from, int64_t to, int64_t step)
{
	struct bw_series	 a, b;
	struct bw_histsum	 sum;
	struct bw_stats		 st;

	memset(&a, 0, sizeof(a));
	if (to > from && bw_hist_series(h, from, to, step, &a) == -1)
		return;
	if (bw_hist_series_text(text, len, from, to, step, &b, &sum) == -1) {
		bw_series_free(&a);
		return;
	}
	if (sum.n != h->n || sum.blank != h->blank || sum.bad != h->bad ||
	    (h->n > 0 && (sum.first != h->rows[0].ts ||
	    sum.last != h->rows[h->n - 1].ts)))
		abort();
	if (b.from != from || b.to != to || b.step != step || a.nb != b.nb)
		abort();
	/* Neither has padding, and no sum can be a NaN: bits compare. */
	if (a.nb > 0 && memcmp(a.b, b.b, a.nb * sizeof(*a.b)) != 0)
		abort();
	if (to > from) {
		if (memcmp(&a.stats, &b.stats, sizeof(a.stats)) != 0)
			abort();
		if (bw_hist_stats(h, from, to, &st) == 0 &&
		    memcmp(&st, &a.stats, sizeof(st)) != 0)
			abort();
	}
	bw_series_free(&a);
	bw_series_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data, *p, *nl, *e = text + size;
	struct bw_hist	 h;
	double		 mid;
	int64_t		 from, to;
	size_t		 i;

	for (p = text, i = 0; p < e && i < LINES_MAX; p = nl + 1, i++) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (line_same(p, (size_t)(nl - p)) == 0)
			abort();
	}
	if (bw_hist_parse(text, size, &h) == -1)
		return 0;
	if (h.n > 0) {
		/*
		 * "all", as bwhistory reads it: from the first row's middle
		 * to just after the last row.  A row's interval may put its
		 * middle before 1970, or anywhere a double goes.
		 */
		mid = floor(bw_row_mid(&h.rows[0]));
		to = h.rows[h.n - 1].ts + 1;
		from = mid < 0 ? 0 : mid >= (double)to ? to - 1 :
		    (int64_t)mid;
		series_check(text, size, &h, from, to,
		    bw_bucket_step(to - from, 2999));
		/* The last day, in 5-minute buckets. */
		series_check(text, size, &h, to - 86400, to, 300);
	}
	/* The week the t/data fixtures end in, and an empty range. */
	series_check(text, size, &h, 1790000000 - 7 * 86400, 1790000000,
	    3600);
	series_check(text, size, &h, 1790000000, 1790000000, 300);
	bw_hist_free(&h);
	return 0;
}
