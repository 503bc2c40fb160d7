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
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "histjson.h"
#include "history.h"

/*
 * The numbers are written straight into the buffer, at a cursor, by
 * hand: the most a number takes is NUM_MAX bytes, and the caller makes
 * room for them first.  With printf() and libm's rounding, the document
 * of six months took 0.38 ms to write; this way, 0.14 ms.
 */
#define NUM_MAX		32

static const char	digits2[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static char *
put_str(char *p, const char *s)
{
	size_t	len = strlen(s);

	memcpy(p, s, len);
	return p + len;
}

#define KEY(p, s)	(memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static const uint32_t	pow10[10] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000 };

/*
 * u (< 10^8) in decimal, written from its last digit back, two at a time
 * in 32 bits, once its length is known: from its bit length (log10(2) is
 * about 1233 / 4096) and one compare.
 */
static char *
put_small(char *p, uint32_t u)
{
	char		*e;
	unsigned	 len;

	if (u == 0) {
		*p = '0';
		return p + 1;
	}
	len = (unsigned)(32 - __builtin_clz(u)) * 1233 >> 12;
	len += u >= pow10[len];
	e = p += len;
	for (; u >= 100; u /= 100) {
		e -= 2;
		memcpy(e, digits2 + u % 100 * 2, 2);
	}
	if (u >= 10)
		memcpy(e - 2, digits2 + u * 2, 2);
	else
		e[-1] = (char)('0' + u);
	return p;
}

/* The 8 digits of u (< 10^8), leading zeros and all. */
static char *
put8(char *p, uint32_t u)
{
	uint32_t	hi = u / 10000, lo = u % 10000;

	memcpy(p, digits2 + hi / 100 * 2, 2);
	memcpy(p + 2, digits2 + hi % 100 * 2, 2);
	memcpy(p + 4, digits2 + lo / 100 * 2, 2);
	memcpy(p + 6, digits2 + lo % 100 * 2, 2);
	return p + 8;
}

/* u in decimal, in blocks of 8 digits: 64-bit division is slow. */
static char *
put_uint(char *p, unsigned long long u)
{
	if (u < 100000000)
		return put_small(p, (uint32_t)u);
	if (u < 10000000000000000ULL)
		p = put_small(p, (uint32_t)(u / 100000000));
	else {
		p = put_small(p, (uint32_t)(u / 10000000000000000ULL));
		p = put8(p, (uint32_t)(u / 100000000 % 100000000));
	}
	return put8(p, (uint32_t)(u % 100000000));
}

static char *
put_int(char *p, long long v)
{
	if (v < 0) {
		*p++ = '-';
		return put_uint(p, 0ULL - (unsigned long long)v);
	}
	return put_uint(p, (unsigned long long)v);
}

/*
 * round(v) for 0 <= v < 2^63, as an integer: half away from zero.  v -
 * trunc(v) is exact, and so is the double of an integer below 2^53 (from
 * 2^53 up, v has no fraction).
 */
static unsigned long long
round_u(double v)
{
	unsigned long long	t = (unsigned long long)v;

	return t + (v - (double)t >= 0.5);
}

/* A real as jansson's jsonp_dtostr() prints it with precision 15. */
static char *
put_dtostr(char *p, double v)
{
	char	buf[64], *e, *start, *end;
	int	n;

	n = snprintf(buf, sizeof(buf), "%.15g", v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 3)
		return KEY(p, "null");
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
	return put_str(p, buf);
}

/*
 * A rate as bwhistory's JSON has it: null when there is none, else
 * rounded to a thousandth and printed by jansson.  Rounded values below
 * 10^12 have at most 15 significant digits, so "%.15g" gives back their
 * exact decimal and integer arithmetic can print them; others go the
 * slow way, as does -0.
 */
static char *
put_rate(char *p, double v)
{
	unsigned long long	q;
	unsigned		fr;

	if (!isfinite(v) || v < 0)
		return KEY(p, "null");
	if (v >= 1e15 || signbit(v))
		return put_dtostr(p, v);
	q = round_u(v * 1000);
	if (q >= 1000000000000000ULL)
		return put_dtostr(p, (double)q / 1000);
	p = put_uint(p, q / 1000);
	if ((fr = (unsigned)(q % 1000)) == 0)
		return KEY(p, ".0");
	*p++ = '.';
	*p++ = (char)('0' + fr / 100);
	if ((fr %= 100) != 0) {
		*p++ = (char)('0' + fr / 10);
		if (fr % 10 != 0)
			*p++ = (char)('0' + fr % 10);
	}
	return p;
}

/* Whole bytes, as histjson.c's jbytes(). */
static char *
put_bytes(char *p, double v)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (v > 9e18)
		v = 9e18;
	return put_uint(p, round_u(v));
}

static char *
put_count(char *p, long long v)
{
	return v < 0 ? KEY(p, "null") : put_int(p, v);
}

/* Room for at least n more bytes at the end of b; where they start. */
static char *
room(struct cgi_buf *b, size_t n)
{
	cgi_buf_reserve(b, n);
	return b->p + b->len;
}

/* Take what was written up to p into b. */
static void
took(struct cgi_buf *b, char *p)
{
	b->len = (size_t)(p - b->p);
	b->p[b->len] = '\0';
}

/* A bucket, its keys and 8 numbers. */
#define BUCKET_MAX	(128 + 8 * NUM_MAX)

static void
put_bucket(struct cgi_buf *b, const struct bw_bucket *k)
{
	double	 rx, tx;
	char	*p = room(b, BUCKET_MAX);

	rx = bw_bucket_avg(k, 0);
	tx = bw_bucket_avg(k, 1);
	p = KEY(p, "{\"ts\":");
	p = put_int(p, k->start);
	p = KEY(p, ",\"rx_avg_bps\":");
	p = put_rate(p, rx);
	p = KEY(p, ",\"rx_peak_bps\":");
	p = put_rate(p, rx < 0 ? -1 : k->rx_peak);
	p = KEY(p, ",\"tx_avg_bps\":");
	p = put_rate(p, tx);
	p = KEY(p, ",\"tx_peak_bps\":");
	p = put_rate(p, tx < 0 ? -1 : k->tx_peak);
	p = KEY(p, ",\"rx_bytes\":");
	p = put_bytes(p, k->rx_bytes);
	p = KEY(p, ",\"tx_bytes\":");
	p = put_bytes(p, k->tx_bytes);
	p = KEY(p, ",\"samples\":");
	p = put_int(p, (long long)k->samples);
	p = KEY(p, "}");
	took(b, p);
}

/* Rates are null when the range holds no rate sample (only gaps). */
static char *
put_dir(char *p, const struct bw_dirstats *d, int rates)
{
	p = KEY(p, "{\"avg_bps\":");
	p = put_rate(p, rates ? d->avg_bps : -1);
	p = KEY(p, ",\"peak_bps\":");
	p = put_rate(p, rates ? d->peak_bps : -1);
	p = KEY(p, ",\"p95_bps\":");
	p = put_rate(p, rates ? d->p95_bps : -1);
	p = KEY(p, ",\"bytes\":");
	return put_bytes(p, d->bytes);
}

static void
put_doc(struct cgi_buf *b, const struct bw_series *s,
    const struct bw_histinfo *info)
{
	const struct bw_stats	*st = &s->stats;
	size_t			 i;
	char			*p;

	/* A bucket takes some 170 bytes: grow the buffer once. */
	cgi_buf_reserve(b, s->nb * 200 + 1024);

	/* iface and range are short and need no escape ([A-Za-z0-9._-]). */
	p = room(b, 128 + strlen(info->iface) + strlen(info->range) +
	    3 * NUM_MAX);
	p = KEY(p, "{\"iface\":\"");
	p = put_str(p, info->iface);
	p = KEY(p, "\",\"range\":\"");
	p = put_str(p, info->range);
	p = KEY(p, "\",\"from\":");
	p = put_int(p, s->from);
	p = KEY(p, ",\"to\":");
	p = put_int(p, s->to);
	p = KEY(p, ",\"bucket_seconds\":");
	p = put_int(p, s->step);
	p = KEY(p, ",\"buckets\":[");
	took(b, p);
	for (i = 0; i < s->nb; i++) {
		if (i > 0)
			cgi_buf_add(b, ",", 1);
		put_bucket(b, &s->b[i]);
	}
	p = room(b, 256 + 14 * NUM_MAX);
	p = KEY(p, "],\"stats\":{\"rx\":");
	p = put_dir(p, &st->rx, st->samples > st->gaps);
	p = KEY(p, "},\"tx\":");
	p = put_dir(p, &st->tx, st->samples > st->gaps);
	p = KEY(p, "},\"samples\":");
	p = put_int(p, (long long)st->samples);
	p = KEY(p, ",\"gaps\":");
	p = put_int(p, (long long)st->gaps);
	p = KEY(p, ",\"first\":");
	p = put_count(p, st->samples > 0 ? st->first : -1);
	p = KEY(p, ",\"last\":");
	p = put_count(p, st->samples > 0 ? st->last : -1);
	p = KEY(p, ",\"skipped_lines\":");
	p = put_int(p, (long long)info->skipped);
	p = KEY(p, "},\"spikes\":");
	p = put_count(p, info->spikes);
	p = KEY(p, ",\"alerts\":");
	p = put_count(p, info->alerts);
	p = KEY(p, "}\n");
	took(b, p);
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
	const char		*range;
	int64_t			 secs, from, to;

#ifdef M_MMAP_THRESHOLD
	/*
	 * Keep big blocks in the heap when they are freed: the document then
	 * goes into the pages the rates for the 95th percentile had, already
	 * faulted in, rather than into fresh ones (2 us apiece here).
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 64 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
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
			cgi_file_fail(&c, BW_HISTORY, errno, NULL);
		}
		info.skipped = sum.bad;
	} else {
		/* "all" spans the rows the file holds: read them first. */
		if (cgi_history(&c, c.iface, &h) == -1) {
			cgi_file_fail(&c, BW_HISTORY, errno, NULL);
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
	info.spikes = cgi_count_events(&c, BW_SPIKES, NULL, from, to);
	info.alerts = cgi_count_events(&c, BW_ALERTS, "FIRED", from, to);
	put_doc(&out, &s, &info);
	bw_series_free(&s);
	cgi_send(&c, 200, CGI_SHORT, "application/json", out.p, out.len);
}
