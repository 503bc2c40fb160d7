/*
 * History series to JSON.  Byte amounts are exact integers; rates are
 * reals rounded to a thousandth of a bit per second; a bucket without a
 * rate sample (no row, or only a gap row) has null rates, so that a chart
 * leaves it empty instead of drawing a line through the gap.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include <jansson.h>

#include "histjson.h"

/*
 * The bucket size for a span: at most BW_JSON_POINTS buckets, counting
 * the one that aligning the first bucket to local time can add.
 */
int64_t
bw_json_step(int64_t span)
{
	return bw_bucket_step(span, BW_JSON_POINTS - 1);
}

/* Sums of absurd rows (a file holds up to 30 digits) stay in range. */
static json_t *
jbytes(double v)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (v > 9e18)
		v = 9e18;
	return json_integer((json_int_t)llround(v));
}

static json_t *
jrate(double v)
{
	if (!isfinite(v) || v < 0)
		return json_null();
	return json_real(v < 1e15 ? round(v * 1000) / 1000 : v);
}

static json_t *
jcount(long long v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *
bucket_json(const struct bw_bucket *b)
{
	double	rx, tx;

	rx = bw_bucket_avg(b, 0);
	tx = bw_bucket_avg(b, 1);
	return json_pack("{sI so so so so so so sI}",
	    "ts", (json_int_t)b->start,
	    "rx_avg_bps", jrate(rx),
	    "rx_peak_bps", rx < 0 ? json_null() : jrate(b->rx_peak),
	    "tx_avg_bps", jrate(tx),
	    "tx_peak_bps", tx < 0 ? json_null() : jrate(b->tx_peak),
	    "rx_bytes", jbytes(b->rx_bytes),
	    "tx_bytes", jbytes(b->tx_bytes),
	    "samples", (json_int_t)b->samples);
}

/* Rates are null when the range holds no rate sample (only gaps). */
static json_t *
dir_json(const struct bw_dirstats *d, int rates)
{
	return json_pack("{so so so so}",
	    "avg_bps", rates ? jrate(d->avg_bps) : json_null(),
	    "peak_bps", rates ? jrate(d->peak_bps) : json_null(),
	    "p95_bps", rates ? jrate(d->p95_bps) : json_null(),
	    "bytes", jbytes(d->bytes));
}

static json_t *
stats_json(const struct bw_stats *st, size_t skipped)
{
	json_t	*first, *last;
	int	 rates = st->samples > st->gaps;

	first = st->samples > 0 ? json_integer((json_int_t)st->first) :
	    json_null();
	last = st->samples > 0 ? json_integer((json_int_t)st->last) :
	    json_null();
	return json_pack("{so so sI sI so so sI}",
	    "rx", dir_json(&st->rx, rates),
	    "tx", dir_json(&st->tx, rates),
	    "samples", (json_int_t)st->samples,
	    "gaps", (json_int_t)st->gaps,
	    "first", first,
	    "last", last,
	    "skipped_lines", (json_int_t)skipped);
}

/*
 * The document for series s: {"iface", "range", "from", "to",
 * "bucket_seconds", "buckets": [...], "stats": {...}, "spikes",
 * "alerts"}.  NULL with errno ENOMEM when it cannot be built.
 */
json_t *
bw_hist_json(const struct bw_series *s, const struct bw_histinfo *info)
{
	json_t	*doc, *buckets;
	size_t	 i;

	if ((buckets = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < s->nb; i++)
		if (json_array_append_new(buckets, bucket_json(&s->b[i])) ==
		    -1) {
			json_decref(buckets);
			goto nomem;
		}
	doc = json_pack("{ss ss sI sI sI so so so so}",
	    "iface", info->iface,
	    "range", info->range,
	    "from", (json_int_t)s->from,
	    "to", (json_int_t)s->to,
	    "bucket_seconds", (json_int_t)s->step,
	    "buckets", buckets,
	    "stats", stats_json(&s->stats, info->skipped),
	    "spikes", jcount(info->spikes),
	    "alerts", jcount(info->alerts));
	if (doc == NULL)
		goto nomem;
	return doc;
nomem:
	errno = ENOMEM;
	return NULL;
}
