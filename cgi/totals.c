/*
 * totals.cgi: /api/totals?iface= -- the bytes an interface moved per
 * day (the last 30), ISO week (12) and month cycle (12), counted by
 * lib/totals.c as bwtotal counts them: "day", "week" and "month" are
 * each the document `bwtotal --json --day` (--week, --month) prints.
 * "tz" and "utc_offset" name the server's time zone, in which the
 * periods are counted, for the page to label them with.
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
#include "totjson.h"

/* What bwtotal --json prints for one kind of period. */
static json_t *
period_json(struct cgi *c, const struct bw_hist *h, enum bw_period p,
    size_t n, int64_t now)
{
	struct bw_total	 tot[30], sum;
	int		 msd = c->conf.month_start_day;

	if (bw_totals(h, p, msd, now, tot, n, &sum) == -1)
		cgi_fail(c, 500, NULL, "cannot count %s totals: %s",
		    bw_period_name(p), strerror(errno));
	return bw_totals_json(c->iface, p, msd, tot, n, &sum);
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	struct cgi	 c;
	struct bw_hist	 h;
	json_t		*doc;
	char		 zone[64];
	int64_t		 now;
	long		 off;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if (cgi_history(&c, c.iface, &h) == -1) {
		cgi_file_fail(&c, BW_HISTORY, errno, NULL);
	}
	now = (int64_t)floor(c.now);
	cgi_zone(&c, zone, sizeof(zone), &off);
	/* The counts bwtotal shows by default. */
	doc = json_pack("{s:s, s:i, s:s, s:I, s:o, s:o, s:o, s:I}",
	    "iface", c.iface,
	    "month_start_day", c.conf.month_start_day,
	    "tz", zone,
	    "utc_offset", (json_int_t)off,
	    "day", period_json(&c, &h, BW_PERIOD_DAY, 30, now),
	    "week", period_json(&c, &h, BW_PERIOD_WEEK, 12, now),
	    "month", period_json(&c, &h, BW_PERIOD_MONTH, 12, now),
	    "skipped_lines", (json_int_t)h.bad);
	bw_hist_free(&h);
	cgi_send_json(&c, 200, CGI_SHORT, doc);
}
