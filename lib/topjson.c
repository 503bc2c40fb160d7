/*
 * The owners of a window as JSON, with whole bytes as integers and
 * shares of what bwprocs counted.  Prints nothing.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "topjson.h"

static json_t *
share(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return json_null();
	return json_real(round((double)part / (double)whole * 1e4) / 1e4);
}

static json_t *
row_json(const struct bw_top_row *r, enum bw_by by, uint64_t whole)
{
	json_t	*o;

	o = json_pack("{s:s, s:I, s:I, s:I, s:o}", "name", r->name,
	    "rx_bytes", (json_int_t)r->rx, "tx_bytes", (json_int_t)r->tx,
	    "total_bytes", (json_int_t)(r->rx + r->tx),
	    "share", share(r->rx + r->tx, whole));
	if (o == NULL || by == BW_BY_REMOTE)
		return o;
	if (by == BW_BY_HOST) {
		/* A device: its id (MAC or address); the fold row has none. */
		if (json_object_set_new(o, "id", r->id[0] != '\0' ?
		    json_string(r->id) : json_null()) == -1) {
			json_decref(o);
			return NULL;
		}
		return o;
	}
	if (json_object_set_new(o, "pid", r->pid > 0 ?
	    json_integer(r->pid) : json_null()) == -1 ||
	    json_object_set_new(o, "program", r->prog[0] != '\0' ?
	    json_string(r->prog) : json_null()) == -1 ||
	    json_object_set_new(o, "cmdline", r->cmdline[0] != '\0' ?
	    json_string(r->cmdline) : json_null()) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * {"iface", "by", "from", "to", "first", "resolution_seconds",
 * "rx_bytes", "tx_bytes", "total_bytes", "coverage", "rows": [...],
 * "rows_read", "skipped_lines"}; NULL when out of memory.
 */
json_t *
bw_top_json(const char *iface, enum bw_by by, const struct bw_top *t)
{
	json_t		*arr, *o;
	uint64_t	 whole = t->rx + t->tx;
	size_t		 i;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (json_array_append_new(arr, row_json(&t->v[i], by,
		    whole)) == -1) {
			json_decref(arr);
			return NULL;
		}
	o = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:o, "
	    "s:o, s:I, s:I}",
	    "iface", iface, "by", bw_by_name(by),
	    "from", (json_int_t)t->from, "to", (json_int_t)t->to,
	    "first", t->first > 0 ? json_integer(t->first) : json_null(),
	    "resolution_seconds", t->resolution > 0 ?
	    json_integer(t->resolution) : json_null(),
	    "rx_bytes", (json_int_t)t->rx, "tx_bytes", (json_int_t)t->tx,
	    "total_bytes", (json_int_t)whole,
	    "coverage", by == BW_BY_HOST ? json_null() :
	    share(t->attributed, whole),
	    "rows", arr,
	    "rows_read", (json_int_t)t->rows,
	    "skipped_lines", (json_int_t)t->bad);
	return o;
}

static json_t *
u64_array(const uint64_t *v, size_t n)
{
	json_t	*a;
	size_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_integer((json_int_t)(v[i] >
		    (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : v[i]))) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Row i's series: {"name", "bytes", "rx_bytes", "tx_bytes"}. */
static json_t *
series_json(const struct bw_top *t, const struct bw_topseries *ts, size_t i)
{
	const uint64_t	*b = ts->bytes + i * ts->nb, *rx = ts->rx + i * ts->nb;
	uint64_t	*tx;
	json_t		*o;
	size_t		 k;

	if ((tx = calloc(ts->nb > 0 ? ts->nb : 1, sizeof(*tx))) == NULL)
		return NULL;
	for (k = 0; k < ts->nb; k++)
		tx[k] = b[k] - rx[k];
	o = json_pack("{s:s, s:o, s:o, s:o}", "name", t->v[i].name,
	    "bytes", u64_array(b, ts->nb), "rx_bytes", u64_array(rx, ts->nb),
	    "tx_bytes", u64_array(tx, ts->nb));
	free(tx);
	return o;
}

/*
 * The buckets of bw_owners_topseries(): {"seconds", "start": [...],
 * "total": [...], "series": [{"name", "bytes": [...], "rx_bytes":
 * [...], "tx_bytes": [...]}, ...]}, one series per row of t in its
 * order; NULL when out of memory.
 */
json_t *
bw_topseries_json(const struct bw_top *t, const struct bw_topseries *ts)
{
	json_t	*start, *series, *o;
	size_t	 i;

	if ((start = json_array()) == NULL)
		return NULL;
	for (i = 0; i < ts->nb; i++)
		if (json_array_append_new(start, json_integer(
		    (json_int_t)(ts->start + (int64_t)i * ts->step))) == -1) {
			json_decref(start);
			return NULL;
		}
	if ((series = json_array()) == NULL) {
		json_decref(start);
		return NULL;
	}
	for (i = 0; i < t->n; i++) {
		o = series_json(t, ts, i);
		if (o == NULL || json_array_append_new(series, o) == -1) {
			json_decref(start);
			json_decref(series);
			return NULL;
		}
	}
	return json_pack("{s:I, s:o, s:o, s:o}", "seconds",
	    (json_int_t)ts->step, "start", start, "total",
	    u64_array(ts->total, ts->nb), "series", series);
}
