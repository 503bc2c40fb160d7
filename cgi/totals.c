/*
 * totals.cgi: /api/totals?iface= -- the bytes an interface moved per
 * day (the last 30), ISO week (12) and month cycle (12), counted by
 * lib/totals.c as bwtotal counts them: "day", "week" and "month" are
 * each the document `bwtotal --json --day` (--week, --month) prints.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "history.h"
#include "totals.h"

static json_t *
total_json(const struct bw_total *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "start", (json_int_t)t->start, "end", (json_int_t)t->end,
	    "rx_bytes", (json_int_t)t->rx_bytes,
	    "tx_bytes", (json_int_t)t->tx_bytes,
	    "total_bytes", (json_int_t)t->total_bytes,
	    "samples", (json_int_t)t->samples);
}

/* What bwtotal --json prints for one kind of period. */
static json_t *
period_json(struct cgi *c, const struct bw_hist *h, enum bw_period p,
    size_t n, int64_t now)
{
	struct bw_total	 tot[30], sum;
	json_t		*arr, *o;
	size_t		 k;
	int		 msd = c->conf.month_start_day;

	if (bw_totals(h, p, msd, now, tot, n, &sum) == -1)
		cgi_fail(c, 500, NULL, "cannot count %s totals: %s",
		    bw_period_name(p), strerror(errno));
	if ((arr = json_array()) == NULL)
		return NULL;
	for (k = 0; k < n; k++) {
		o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
		    "label", tot[k].label,
		    "start", (json_int_t)tot[k].start,
		    "end", (json_int_t)tot[k].end,
		    "rx_bytes", (json_int_t)tot[k].rx_bytes,
		    "tx_bytes", (json_int_t)tot[k].tx_bytes,
		    "total_bytes", (json_int_t)tot[k].total_bytes,
		    "samples", (json_int_t)tot[k].samples,
		    "partial", tot[k].partial);
		if (o == NULL || json_array_append_new(arr, o) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:i, s:o, s:o}", "iface", c->iface,
	    "period", bw_period_name(p), "month_start_day", msd,
	    "periods", arr, "total", total_json(&sum));
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	struct cgi	 c;
	struct bw_hist	 h;
	json_t		*doc;
	char		 name[64];
	int64_t		 now;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if (cgi_history(&c, c.iface, &h) == -1) {
		cgi_filename(name, sizeof(name), "bw_", c.iface, ".csv");
		cgi_file_fail(&c, name, errno, NULL);
	}
	now = (int64_t)floor(c.now);
	/* The counts bwtotal shows by default. */
	doc = json_pack("{s:s, s:i, s:o, s:o, s:o, s:I}",
	    "iface", c.iface,
	    "month_start_day", c.conf.month_start_day,
	    "day", period_json(&c, &h, BW_PERIOD_DAY, 30, now),
	    "week", period_json(&c, &h, BW_PERIOD_WEEK, 12, now),
	    "month", period_json(&c, &h, BW_PERIOD_MONTH, 12, now),
	    "skipped_lines", (json_int_t)h.bad);
	bw_hist_free(&h);
	cgi_send_json(&c, 200, CGI_SHORT, doc);
}
