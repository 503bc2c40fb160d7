/*
 * Totals as JSON, with whole bytes as integers.  Prints nothing.
 */
#include <stddef.h>

#include <jansson.h>

#include "totjson.h"

/* Bytes, or null for a period without samples: no data, not 0 bytes. */
static json_t *
bytes_json(const struct bw_total *t, int64_t v)
{
	return t->samples > 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *
total_json(const struct bw_total *t)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:I}",
	    "start", (json_int_t)t->start, "end", (json_int_t)t->end,
	    "rx_bytes", bytes_json(t, t->rx_bytes),
	    "tx_bytes", bytes_json(t, t->tx_bytes),
	    "total_bytes", bytes_json(t, t->total_bytes),
	    "samples", (json_int_t)t->samples);
}

/*
 * {"iface", "period", "month_start_day", "periods": [...], "total": {}}
 * for n periods oldest first and their sum; NULL when out of memory.
 */
json_t *
bw_totals_json(const char *iface, enum bw_period p, int msd,
    const struct bw_total *tot, size_t n, const struct bw_total *sum)
{
	json_t	*arr, *o;
	size_t	 k;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (k = 0; k < n; k++) {
		o = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:I, s:b}",
		    "label", tot[k].label,
		    "start", (json_int_t)tot[k].start,
		    "end", (json_int_t)tot[k].end,
		    "rx_bytes", bytes_json(&tot[k], tot[k].rx_bytes),
		    "tx_bytes", bytes_json(&tot[k], tot[k].tx_bytes),
		    "total_bytes", bytes_json(&tot[k], tot[k].total_bytes),
		    "samples", (json_int_t)tot[k].samples,
		    "partial", tot[k].partial);
		if (o == NULL || json_array_append_new(arr, o) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:i, s:o, s:o}", "iface", iface,
	    "period", bw_period_name(p), "month_start_day", msd,
	    "periods", arr, "total", total_json(sum));
}
