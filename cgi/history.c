/*
 * history.cgi: /api/history?iface=&range= -- the history of an interface
 * as adaptive buckets with average and peak rates, and the range's
 * average, peak, 95th percentile and bytes: the document `bwhistory
 * --json` prints for the same data, byte for byte.
 *
 * The numbers come from lib/history.c as bwhistory's do.  The document
 * is written here directly rather than through jansson (bw_hist_json()),
 * because building and dumping 2,000-odd bucket objects cost five times
 * what reading six months of rows does; the text is the same as jansson
 * makes it (compact, keys in insertion order, reals as "%.15g" with a
 * ".0" when that has no '.' or 'e'), which t/7001-web-api.t checks
 * against bwhistory --json.
 *
 * A range that ends now (all but "all") is reduced straight from the
 * mapped text of the file by bw_hist_series_text(), without keeping its
 * rows: materialising six months of rows cost more than the rest of the
 * request.
 */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "histjson.h"
#include "history.h"

/* A real as jansson's jsonp_dtostr() prints it with precision 15. */
static void
put_dtostr(struct cgi_buf *b, double v)
{
	char	buf[64], *e, *start, *end;
	int	n;

	n = snprintf(buf, sizeof(buf), "%.15g", v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 3) {
		cgi_buf_str(b, "null");
		return;
	}
	if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL)
		(void)strcat(buf, ".0");
	if ((e = strchr(buf, 'e')) != NULL) {
		start = e + 1;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start)
			memmove(start, end, strlen(end) + 1);
	}
	cgi_buf_str(b, buf);
}

static void
put_int(struct cgi_buf *b, long long v)
{
	char	buf[24], *p = buf + sizeof(buf);
	int	neg = v < 0;
	unsigned long long u = neg ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (neg)
		*--p = '-';
	cgi_buf_add(b, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * A rate as bwhistory's JSON has it: null when there is none, else
 * rounded to a thousandth and printed by jansson.  Rounded values below
 * 10^12 have at most 15 significant digits, so "%.15g" gives back their
 * exact decimal and integer arithmetic can print them; others go the
 * slow way.
 */
static void
put_rate(struct cgi_buf *b, double v)
{
	char		buf[4];
	double		k;
	long long	q, ip, fr;
	int		n;

	if (!isfinite(v) || v < 0) {
		cgi_buf_str(b, "null");
		return;
	}
	if (v >= 1e15) {
		put_dtostr(b, v);
		return;
	}
	k = round(v * 1000);
	if (k >= 1e15 || signbit(k)) {
		put_dtostr(b, k / 1000);
		return;
	}
	q = (long long)k;
	ip = q / 1000;
	fr = q % 1000;
	put_int(b, ip);
	if (fr == 0) {
		cgi_buf_add(b, ".0", 2);
		return;
	}
	buf[0] = '.';
	buf[1] = (char)('0' + fr / 100);
	buf[2] = (char)('0' + fr / 10 % 10);
	buf[3] = (char)('0' + fr % 10);
	n = 4;
	while (buf[n - 1] == '0')
		n--;
	cgi_buf_add(b, buf, (size_t)n);
}

/* Whole bytes, as histjson.c's jbytes(). */
static void
put_bytes(struct cgi_buf *b, double v)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (v > 9e18)
		v = 9e18;
	put_int(b, llround(v));
}

static void
put_count(struct cgi_buf *b, long long v)
{
	if (v < 0)
		cgi_buf_str(b, "null");
	else
		put_int(b, v);
}

#define KEY(b, s)	cgi_buf_add((b), s, sizeof(s) - 1)

static void
put_bucket(struct cgi_buf *b, const struct bw_bucket *k)
{
	double	rx, tx;

	rx = bw_bucket_avg(k, 0);
	tx = bw_bucket_avg(k, 1);
	KEY(b, "{\"ts\":");
	put_int(b, k->start);
	KEY(b, ",\"rx_avg_bps\":");
	put_rate(b, rx);
	KEY(b, ",\"rx_peak_bps\":");
	put_rate(b, rx < 0 ? -1 : k->rx_peak);
	KEY(b, ",\"tx_avg_bps\":");
	put_rate(b, tx);
	KEY(b, ",\"tx_peak_bps\":");
	put_rate(b, tx < 0 ? -1 : k->tx_peak);
	KEY(b, ",\"rx_bytes\":");
	put_bytes(b, k->rx_bytes);
	KEY(b, ",\"tx_bytes\":");
	put_bytes(b, k->tx_bytes);
	KEY(b, ",\"samples\":");
	put_int(b, (long long)k->samples);
	KEY(b, "}");
}

static void
put_dir(struct cgi_buf *b, const struct bw_dirstats *d, int rates)
{
	KEY(b, "{\"avg_bps\":");
	put_rate(b, rates ? d->avg_bps : -1);
	KEY(b, ",\"peak_bps\":");
	put_rate(b, rates ? d->peak_bps : -1);
	KEY(b, ",\"p95_bps\":");
	put_rate(b, rates ? d->p95_bps : -1);
	KEY(b, ",\"bytes\":");
	put_bytes(b, d->bytes);
	KEY(b, "}");
}

static void
put_doc(struct cgi_buf *b, const struct bw_series *s,
    const struct bw_histinfo *info)
{
	const struct bw_stats	*st = &s->stats;
	size_t			 i;

	/* A bucket takes some 200 bytes: grow the buffer once. */
	cgi_buf_reserve(b, s->nb * 200 + 1024);

	KEY(b, "{\"iface\":\"");
	cgi_buf_str(b, info->iface);	/* [A-Za-z0-9._-]: nothing to escape */
	KEY(b, "\",\"range\":\"");
	cgi_buf_str(b, info->range);
	KEY(b, "\",\"from\":");
	put_int(b, s->from);
	KEY(b, ",\"to\":");
	put_int(b, s->to);
	KEY(b, ",\"bucket_seconds\":");
	put_int(b, s->step);
	KEY(b, ",\"buckets\":[");
	for (i = 0; i < s->nb; i++) {
		if (i > 0)
			KEY(b, ",");
		put_bucket(b, &s->b[i]);
	}
	KEY(b, "],\"stats\":{\"rx\":");
	put_dir(b, &st->rx, st->samples > st->gaps);
	KEY(b, ",\"tx\":");
	put_dir(b, &st->tx, st->samples > st->gaps);
	KEY(b, ",\"samples\":");
	put_int(b, (long long)st->samples);
	KEY(b, ",\"gaps\":");
	put_int(b, (long long)st->gaps);
	KEY(b, ",\"first\":");
	put_count(b, st->samples > 0 ? st->first : -1);
	KEY(b, ",\"last\":");
	put_count(b, st->samples > 0 ? st->last : -1);
	KEY(b, ",\"skipped_lines\":");
	put_int(b, (long long)info->skipped);
	KEY(b, "},\"spikes\":");
	put_count(b, info->spikes);
	KEY(b, ",\"alerts\":");
	put_count(b, info->alerts);
	KEY(b, "}\n");
}

struct series_arg {
	int64_t			 from, to, step;
	struct bw_series	*s;
	struct bw_histsum	*sum;
};

static int
series_cb(const char *text, size_t len, void *arg)
{
	struct series_arg	*a = arg;

	return bw_hist_series_text(text, len, a->from, a->to, a->step, a->s,
	    a->sum);
}

/* The series of [from, to) from bw_<iface>.csv and in *sum what it holds. */
static int
text_series(struct cgi *c, int64_t from, int64_t to, int64_t step,
    struct bw_series *s, struct bw_histsum *sum)
{
	struct series_arg	a = { from, to, step, s, sum };

	return cgi_map_history(c, c->iface, series_cb, &a);
}

int
main(void)
{
	static const char *const keys[] = { "iface", "range", NULL };
	struct cgi		 c;
	struct bw_hist		 h;
	struct bw_histsum	 sum;
	struct bw_series	 s;
	struct bw_histinfo	 info;
	struct cgi_buf		 out = { NULL, 0, 0 };
	char			 name[64];
	const char		*range;
	int64_t			 secs, from, to;

	cgi_init(&c, keys);
	cgi_iface(&c);
	secs = cgi_range(&c, "24h", &range);
	memset(&s, 0, sizeof(s));
	if (secs > 0) {
		/* The last secs seconds: one pass over the text. */
		cgi_hist_range(&c, NULL, secs, &from, &to);
		if (text_series(&c, from, to, bw_json_step(to - from), &s,
		    &sum) == -1) {
			if (errno == ENOMEM)
				cgi_fail(&c, 500, NULL, "cannot bucket the "
				    "history: %s", strerror(errno));
			cgi_filename(name, sizeof(name), "bw_", c.iface,
			    ".csv");
			cgi_file_fail(&c, name, errno, NULL);
		}
		info.skipped = sum.bad;
	} else {
		/* "all" spans the rows the file holds: read them first. */
		if (cgi_history(&c, c.iface, &h) == -1) {
			cgi_filename(name, sizeof(name), "bw_", c.iface,
			    ".csv");
			cgi_file_fail(&c, name, errno, NULL);
		}
		cgi_hist_range(&c, &h, secs, &from, &to);
		s.from = from;
		s.to = to;
		s.step = bw_json_step(to - from);
		if (to > from && bw_hist_series(&h, from, to, s.step, &s) ==
		    -1)
			cgi_fail(&c, 500, NULL, "cannot bucket the history: %s",
			    strerror(errno));
		info.skipped = h.bad;
		bw_hist_free(&h);
	}
	info.iface = c.iface;
	info.range = range;
	info.spikes = cgi_count_events(&c, "spikes_", NULL, from, to);
	info.alerts = cgi_count_events(&c, "alerts_", "FIRED", from, to);
	put_doc(&out, &s, &info);
	bw_series_free(&s);
	cgi_send(&c, 200, CGI_SHORT, "application/json", out.p, out.len);
}
