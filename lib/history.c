/*
 * bw_<iface>.csv reader and range statistics.
 *
 * A line is "ts,rx_bps,tx_bps" (bwmon v1) or
 * "ts,rx_bps,tx_bps,rx_bytes,tx_bytes,interval_s" (ours).  Lines that are
 * blank, torn (no final newline), malformed or not later than the row
 * before are skipped and counted; nothing in the file can stop a reader.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileio.h"
#include "history.h"

/*
 * Plain decimal "digits[.digits]": what bwmon and v1 write.  Hand-rolled
 * because strtod() dominated the cost of reading six months of rows.
 */
static int
parse_num(const char *s, const char *e, double *out)
{
	double		v = 0, scale = 1;
	const char	*p = s;
	int		digits = 0;

	for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
		v = v * 10 + (*p - '0');
	if (p < e && *p == '.') {
		for (p++; p < e && *p >= '0' && *p <= '9'; p++, digits++) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
	}
	if (p != e || digits == 0 || digits > 30)
		return -1;
	*out = v;
	return 0;
}

static int
parse_row(const char *s, const char *e, struct bw_row *r)
{
	const char	*f[7];
	double		 v[6];
	int		 n = 0, i;
	const char	*p;

	f[n++] = s;
	for (p = s; p < e; p++)
		if (*p == ',') {
			if (n == 6)
				return -1;
			f[n++] = p + 1;
		}
	if (n != 3 && n != 6)
		return -1;
	f[n] = e + 1;
	for (i = 0; i < n; i++)
		if (parse_num(f[i], f[i + 1] - 1, &v[i]) == -1)
			return -1;
	if (v[0] < 1 || v[0] > 1e11)
		return -1;
	memset(r, 0, sizeof(*r));
	r->ts = (int64_t)v[0];
	r->rx_bps = v[1];
	r->tx_bps = v[2];
	if (n == 6) {
		if (v[5] <= 0)
			return -1;
		r->rx_bytes = v[3];
		r->tx_bytes = v[4];
		r->interval = v[5];
	} else
		r->v1 = 1;
	return 0;
}

/*
 * Parse a whole file's text.  v1 rows get their interval from the row
 * before (the first counts BW_V1_FIRST_INTERVAL) and their bytes from
 * rate x interval; across a gap they count nothing, as v1 knew no better.
 */
int
bw_hist_parse(const char *text, size_t len, struct bw_hist *h)
{
	const char	*p = text, *end = text + len, *nl;
	struct bw_row	 r, *nr;
	size_t		 cap = 0;
	int64_t		 prev = 0;

	memset(h, 0, sizeof(*h));
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			h->bad++;	/* torn last line: a writer died */
			break;
		}
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			h->blank++;
			continue;
		}
		if (parse_row(p, nl[-1] == '\r' ? nl - 1 : nl, &r) == -1 ||
		    (h->n > 0 && r.ts <= prev)) {
			h->bad++;
			continue;
		}
		if (r.v1) {
			r.interval = h->n == 0 ? BW_V1_FIRST_INTERVAL :
			    (double)(r.ts - prev);
			if (r.interval <= BW_GAP_SECONDS) {
				r.rx_bytes = r.rx_bps * r.interval / 8;
				r.tx_bytes = r.tx_bps * r.interval / 8;
			}
		}
		r.gap = r.interval > BW_GAP_SECONDS;
		if (h->n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nr = reallocarray(h->rows, cap, sizeof(*nr))) ==
			    NULL) {
				bw_hist_free(h);
				return -1;
			}
			h->rows = nr;
		}
		h->rows[h->n++] = r;
		prev = r.ts;
	}
	return 0;
}

int
bw_hist_read(const char *path, struct bw_hist *h)
{
	char	*text;
	size_t	 len;
	int	 rv, saved;

	memset(h, 0, sizeof(*h));
	if (bw_read_file(path, BW_HIST_MAX, &text, &len) == -1)
		return -1;
	rv = bw_hist_parse(text, len, h);
	saved = errno;
	free(text);
	errno = saved;
	return rv;
}

void
bw_hist_free(struct bw_hist *h)
{
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

/*
 * The instant a row stands for when it is put in a bucket or a day: the
 * middle of its interval, so a sample taken at 00:00:02 counts for the
 * five minutes before midnight.
 */
double
bw_row_mid(const struct bw_row *r)
{
	return (double)r->ts - r->interval / 2;
}

/* "1h", "24h", "7d", "30d", "6m" (180 days) or "all" (0). */
int
bw_range_parse(const char *s, int64_t *secs)
{
	static const struct {
		const char	*name;
		int64_t		 secs;
	} ranges[] = {
		{ "1h", 3600 }, { "24h", 86400 }, { "7d", 7 * 86400 },
		{ "30d", 30 * 86400 }, { "6m", 180 * 86400 }, { "all", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (strcmp(s, ranges[i].name) == 0) {
			*secs = ranges[i].secs;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

/*
 * The smallest bucket from 5 minutes up to a day that fits span into at
 * most maxpoints buckets; whole days beyond that.
 */
int64_t
bw_bucket_step(int64_t span, size_t maxpoints)
{
	static const int64_t	steps[] = { 300, 600, 900, 1800, 3600, 7200,
	    10800, 21600, 43200, 86400 };
	size_t			i;
	int64_t			days;

	if (maxpoints == 0)
		maxpoints = 1;
	if (span < 1)
		span = 1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((span + steps[i] - 1) / steps[i] <= (int64_t)maxpoints)
			return steps[i];
	days = (span + 86400 * (int64_t)maxpoints - 1) /
	    (86400 * (int64_t)maxpoints);
	return days * 86400;
}

/*
 * Nearest-rank percentile of n values by quickselect (Hoare's
 * partition), which reorders v: linear time, where sorting six months of
 * rates took half of bwhistory's run.
 */
static double
percentile(double *v, size_t n, double pct)
{
	ptrdiff_t	lo = 0, hi, i, j, k;
	size_t		rank;
	double		pivot, t;

	if (n == 0)
		return 0;
	rank = (size_t)ceil(pct / 100 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	k = (ptrdiff_t)rank - 1;
	hi = (ptrdiff_t)n - 1;
	while (lo < hi) {
		pivot = v[lo + (hi - lo) / 2];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		/* v[lo..j] <= pivot <= v[i..hi]; between them == pivot. */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

static int
in_range(const struct bw_row *r, int64_t from, int64_t to)
{
	double	mid = bw_row_mid(r);

	return mid >= (double)from && mid < (double)to;
}

/* Statistics over the rows whose middle lies in [from, to). */
int
bw_hist_stats(const struct bw_hist *h, int64_t from, int64_t to,
    struct bw_stats *st)
{
	const struct bw_row	*r;
	double			*rx = NULL, *tx = NULL, secs = 0;
	double			 rxb = 0, txb = 0;
	size_t			 i, nr = 0;

	memset(st, 0, sizeof(*st));
	if (h->n > 0 && ((rx = calloc(h->n, sizeof(*rx))) == NULL ||
	    (tx = calloc(h->n, sizeof(*tx))) == NULL)) {
		free(rx);
		return -1;
	}
	for (i = 0; i < h->n; i++) {
		r = &h->rows[i];
		if (!in_range(r, from, to))
			continue;
		if (st->samples++ == 0)
			st->first = r->ts;
		st->last = r->ts;
		st->rx.bytes += r->rx_bytes;
		st->tx.bytes += r->tx_bytes;
		if (r->gap) {
			st->gaps++;
			continue;
		}
		rxb += r->rx_bytes;
		txb += r->tx_bytes;
		secs += r->interval;
		if (r->rx_bps > st->rx.peak_bps)
			st->rx.peak_bps = r->rx_bps;
		if (r->tx_bps > st->tx.peak_bps)
			st->tx.peak_bps = r->tx_bps;
		rx[nr] = r->rx_bps;
		tx[nr++] = r->tx_bps;
	}
	if (secs > 0) {
		st->rx.avg_bps = rxb * 8 / secs;
		st->tx.avg_bps = txb * 8 / secs;
	}
	st->rx.p95_bps = percentile(rx, nr, 95);
	st->tx.p95_bps = percentile(tx, nr, 95);
	free(rx);
	free(tx);
	return 0;
}

/*
 * Buckets of step seconds over [from, to), aligned to the local time
 * zone's midnight so that day buckets are calendar days, and the range
 * statistics.
 */
int
bw_hist_series(const struct bw_hist *h, int64_t from, int64_t to,
    int64_t step, struct bw_series *s)
{
	const struct bw_row	*r;
	struct bw_bucket	*b;
	struct tm		 tm;
	time_t			 t = (time_t)from;
	int64_t			 off = 0, start;
	size_t			 i, k;

	memset(s, 0, sizeof(*s));
	if (step < 1 || to <= from) {
		errno = EINVAL;
		return -1;
	}
	if (localtime_r(&t, &tm) != NULL)
		off = tm.tm_gmtoff;
	start = from + off;
	start = (start >= 0 ? start / step : (start - step + 1) / step) *
	    step - off;
	s->from = from;
	s->to = to;
	s->step = step;
	s->nb = (size_t)((to - start + step - 1) / step);
	if ((s->b = calloc(s->nb, sizeof(*s->b))) == NULL)
		return -1;
	for (k = 0; k < s->nb; k++)
		s->b[k].start = start + (int64_t)k * step;
	for (i = 0; i < h->n; i++) {
		r = &h->rows[i];
		if (!in_range(r, from, to))
			continue;
		k = (size_t)((bw_row_mid(r) - (double)start) / (double)step);
		if (k >= s->nb)
			continue;
		b = &s->b[k];
		b->samples++;
		b->rx_bytes += r->rx_bytes;
		b->tx_bytes += r->tx_bytes;
		if (r->gap)
			continue;
		b->rate_bytes_rx += r->rx_bytes;
		b->rate_bytes_tx += r->tx_bytes;
		b->seconds += r->interval;
		if (r->rx_bps > b->rx_peak)
			b->rx_peak = r->rx_bps;
		if (r->tx_bps > b->tx_peak)
			b->tx_peak = r->tx_bps;
	}
	if (bw_hist_stats(h, from, to, &s->stats) == -1) {
		bw_series_free(s);
		return -1;
	}
	return 0;
}

void
bw_series_free(struct bw_series *s)
{
	free(s->b);
	memset(s, 0, sizeof(*s));
}

/* A bucket's average rate, RX (tx == 0) or TX; -1 when it has no sample. */
double
bw_bucket_avg(const struct bw_bucket *b, int tx)
{
	if (b->seconds <= 0)
		return -1;
	return (tx ? b->rate_bytes_tx : b->rate_bytes_rx) * 8 / b->seconds;
}
