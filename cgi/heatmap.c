/*
 * heatmap.cgi: /api/heatmap?iface=&range= -- the average rate per hour of
 * day and day of week (the server's local time, Monday first, its zone
 * in "tz" and "utc_offset") over a range, and a
 * histogram of the rates of its 5-minute samples.  Rows count as
 * everywhere else: at their middle (bw_row_mid), gap rows not being rate
 * samples, averages as bytes x 8 / seconds.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cgi.h"
#include "history.h"

#define NEDGES	40	/* 0, then 1-2-5 steps from 1 kbit/s: past 1 Pbit/s */

struct cell {
	double	rx, tx, secs;	/* bytes and seconds of rate samples */
	size_t	n;
};

struct heat {
	struct cell	c[7][24];	/* [Monday = 0][hour] */
	size_t		n;
	double		max;
	double		edges[NEDGES];
	size_t		nedges;
	size_t		rx[NEDGES], tx[NEDGES];
};

/*
 * The cell of a moment.  localtime_r() is slow, and six months of rows
 * sit in 4,320 hours: remember the hour last looked up.
 */
static struct cell *
cell_of(struct heat *h, double t)
{
	static time_t	 hs = 1, he = 0;
	static int	 dow, hour;
	struct tm	 tm;
	time_t		 tt = (time_t)floor(t);

	if (tt < hs || tt >= he) {
		if (localtime_r(&tt, &tm) == NULL)
			return NULL;
		hs = tt - tm.tm_min * 60 - tm.tm_sec;
		he = hs + 3600;
		dow = (tm.tm_wday + 6) % 7;
		hour = tm.tm_hour;
	}
	return &h->c[dow][hour];
}

static int
rate_sample(const struct bw_row *r, int64_t from, int64_t to)
{
	double	mid = bw_row_mid(r);

	return !r->gap && mid >= (double)from && mid < (double)to;
}

/* 0, 1e3, 2e3, 5e3, 1e4, ... up to the first edge above max. */
static void
make_edges(struct heat *h)
{
	static const double	mant[3] = { 1, 2, 5 };
	double			dec = 1e3;
	size_t			i = 0;

	h->edges[h->nedges++] = 0;
	while (h->nedges < NEDGES) {
		h->edges[h->nedges++] = mant[i] * dec;
		if (mant[i] * dec > h->max)
			break;
		if (++i == 3) {
			i = 0;
			dec *= 10;
		}
	}
}

static size_t
bin(const struct heat *h, double v)
{
	size_t	lo = 0, hi = h->nedges - 1, mid;

	/* The last bin i with edges[i] <= v; the last edge is above max. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (h->edges[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
fill(struct heat *h, const struct bw_hist *hist, int64_t from, int64_t to)
{
	const struct bw_row	*r;
	struct cell		*c;
	size_t			 i;

	for (i = 0; i < hist->n; i++) {
		r = &hist->rows[i];
		if (!rate_sample(r, from, to))
			continue;
		h->n++;
		if (r->rx_bps > h->max)
			h->max = r->rx_bps;
		if (r->tx_bps > h->max)
			h->max = r->tx_bps;
		if ((c = cell_of(h, bw_row_mid(r))) == NULL)
			continue;
		c->rx += r->rx_bytes;
		c->tx += r->tx_bytes;
		c->secs += r->interval;
		c->n++;
	}
	make_edges(h);
	for (i = 0; i < hist->n; i++) {
		r = &hist->rows[i];
		if (!rate_sample(r, from, to))
			continue;
		h->rx[bin(h, r->rx_bps)]++;
		h->tx[bin(h, r->tx_bps)]++;
	}
}

/* [[24 values] x 7]: what (0 rx, 1 tx, 2 samples) of every cell. */
static json_t *
grid(const struct heat *h, int what)
{
	const struct cell	*c;
	json_t			*days, *row;
	int			 d, k;

	if ((days = json_array()) == NULL)
		return NULL;
	for (d = 0; d < 7; d++) {
		if ((row = json_array()) == NULL ||
		    json_array_append_new(days, row) == -1)
			goto fail;
		for (k = 0; k < 24; k++) {
			c = &h->c[d][k];
			if (json_array_append_new(row, what == 2 ?
			    json_integer((json_int_t)c->n) : c->secs > 0 ?
			    cgi_rate((what ? c->tx : c->rx) * 8 / c->secs) :
			    json_null()) == -1)
				goto fail;
		}
	}
	return days;
fail:
	json_decref(days);
	return NULL;
}

static json_t *
histogram(const struct heat *h)
{
	json_t	*e, *rx, *tx;
	size_t	 i;

	e = json_array();
	rx = json_array();
	tx = json_array();
	for (i = 0; e != NULL && rx != NULL && tx != NULL &&
	    i < h->nedges; i++) {
		if (json_array_append_new(e, json_real(h->edges[i])) == -1)
			break;
		if (i + 1 < h->nedges &&
		    (json_array_append_new(rx, json_integer(
		    (json_int_t)h->rx[i])) == -1 ||
		    json_array_append_new(tx, json_integer(
		    (json_int_t)h->tx[i])) == -1))
			break;
	}
	return json_pack("{s:o, s:o, s:o}", "edges_bps", e, "rx", rx,
	    "tx", tx);
}

int
main(void)
{
	static const char *const keys[] = { "iface", "range", NULL };
	static struct heat	 h;
	struct cgi		 c;
	struct bw_hist		 hist;
	char			 zone[64];
	const char		*range;
	int64_t			 secs, from, to;
	long			 off;

	cgi_init(&c, keys);
	cgi_iface(&c);
	secs = cgi_range(&c, "30d", &range);
	if (cgi_history(&c, c.iface, &hist) == -1) {
		cgi_file_fail(&c, BW_HISTORY, errno, NULL);
	}
	cgi_hist_range(&c, &hist, secs, &from, &to);
	fill(&h, &hist, from, to);
	bw_hist_free(&hist);
	cgi_zone(&c, zone, sizeof(zone), &off);
	cgi_send_json(&c, 200, CGI_SHORT, json_pack("{s:s, s:s, s:I, s:I, "
	    "s:s, s:I, s:[sssssss], s:I, s:o, s:o, s:o, s:o}",
	    "iface", c.iface,
	    "range", range,
	    "from", (json_int_t)from,
	    "to", (json_int_t)to,
	    "tz", zone,
	    "utc_offset", (json_int_t)off,
	    "days", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
	    "samples", (json_int_t)h.n,
	    "rx_avg_bps", grid(&h, 0),
	    "tx_avg_bps", grid(&h, 1),
	    "cell_samples", grid(&h, 2),
	    "histogram", histogram(&h)));
}
