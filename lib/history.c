/*
 * bw_<iface>.csv reader and range statistics.
 *
 * A line is "ts,rx_bps,tx_bps" (bwmon v1) or
 * "ts,rx_bps,tx_bps,rx_bytes,tx_bytes,interval_s" (ours).  Lines that are
 * blank, torn (no final newline), malformed or not later than the row
 * before are skipped and counted; nothing in the file can stop a reader.
 *
 * Six months of rows (51,840 lines, 2.6 MB) are read for every
 * /api/history?range=6m, so the reading is built for speed: the rows as
 * bwmon and v1 write them take a vector fast path (fast_line()), anything
 * else the careful one (scan_line()), which gives the same values.  Every
 * sum is made in file order, one row at a time, as it always was, so
 * every figure comes out the same to the last bit.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <emmintrin.h>
#define FAST_LINES		/* SSE2 is part of every x86-64 */
#endif

#include "datadir.h"
#include "fileio.h"
#include "history.h"
#include "util.h"

/*
 * Digits 8 at a time, on little-endian machines (the first byte of a
 * 64-bit load is then its low byte); the powers of ten a run of up to 8
 * digits shifts a number by.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static const uint64_t	pow10[9] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000 };

static uint64_t
load8(const char *p)
{
	uint64_t	x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* How many of the 8 bytes x holds (first in the low byte) are digits. */
static int
digits8(uint64_t x)
{
	uint64_t	m;

	m = ((x & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
	    (((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^
	    0x3030303030303030ULL);
	return m == 0 ? 8 : __builtin_ctzll(m) >> 3;
}

/* The value of the first n (1-8) digits of x, three multiplications. */
static uint64_t
value8(uint64_t x, int n)
{
	x <<= 8 * (8 - n);
	x = (x & 0x0F0F0F0F0F0F0F0FULL) * 2561 >> 8;
	x = (x & 0x00FF00FF00FF00FFULL) * 6553601 >> 16;
	return (uint32_t)((x & 0x0000FFFF0000FFFFULL) * 42949672960001ULL >>
	    32);
}
#endif

/*
 * One field of a row: decimal "digits[.digits]", 1 to 30 digits in all,
 * what bwmon and v1 write.  Returns where it stopped, NULL when there is
 * no number there.  The line ends in '\n', which stops every loop; lim
 * is the end of the text, which 8-byte loads must not pass.
 *
 * Hand-rolled because strtod() dominated the cost of reading six months
 * of rows; digits are taken 8 at a time, which spares a mispredicted
 * branch per number.  Up to 15 integer digits are summed in 64 bits:
 * below 2^53 that is the very double that summing them one by one in
 * double gives.  Longer ones, and every fraction, are summed in double
 * digit by digit as they always were, so every value comes out the same.
 */
static const char *
parse_num(const char *p, const char *lim, double *out)
{
	const char	*s = p, *f;
	uint64_t	 iv = 0;
	unsigned	 d;
	double		 v, scale = 1;
	int		 n;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	 x;

	if (lim - p >= 16) {
		x = load8(p);
		if ((n = digits8(x)) > 0)
			iv = value8(x, n);
		p += n;
		if (n == 8) {
			x = load8(p);
			if ((n = digits8(x)) > 0)
				iv = iv * pow10[n] + value8(x, n);
			p += n;
		}
	}
#else
	(void)lim;
#endif
	while ((d = (unsigned char)*p - '0') < 10) {
		iv = iv * 10 + d;
		p++;
	}
	if (p - s <= 15)
		v = (double)iv;
	else
		for (v = 0, f = s; f < p; f++)
			v = v * 10 + (*f - '0');
	n = (int)(p - s);
	if (*p == '.') {
		f = ++p;
		while ((d = (unsigned char)*p - '0') < 10) {
			scale /= 10;
			v += d * scale;
			p++;
		}
		n += (int)(p - f);
	}
	if (n == 0 || n > 30)
		return NULL;
	*out = v;
	return p;
}

enum { LINE_ROW, LINE_BLANK, LINE_BAD };

/*
 * Whether the n numbers of a line make a row: 3 or 6 of them, a ts from
 * 1 to 10^11 and, for 6, an interval above 0 that does not start before
 * 1970.  That keeps every row's middle, which bwhistory and the web's
 * "all" start at, a time, where an interval of 30 digits put it
 * beyond what any int64_t holds.
 */
static int
row_ok(const double *v, int n)
{
	return (n == 3 || n == 6) && v[0] >= 1 && v[0] <= 1e11 &&
	    (n == 3 || (v[5] > 0 && v[5] <= v[0]));
}

/* A row from the n (3 or 6) numbers of a good line. */
static void
fill_row(const double *v, int n, struct bw_row *r)
{
	r->ts = (int64_t)v[0];
	r->rx_bps = v[1];
	r->tx_bps = v[2];
	r->gap = 0;
	if (n == 6) {
		r->rx_bytes = v[3];
		r->tx_bytes = v[4];
		r->interval = v[5];
		r->v1 = 0;
	} else {
		r->rx_bytes = r->tx_bytes = r->interval = 0;
		r->v1 = 1;
	}
}

/*
 * The line at p, which a '\n' before lim ends: a row (3 or 6 fields,
 * each a number and nothing else, then "\n" or "\r\n"), a blank line or
 * a bad one.  *next is set to the next line.  A row's interval, bytes
 * and gap flag are the caller's to complete for v1 rows.
 */
static int
scan_line(const char *p, const char *lim, const char **next,
    struct bw_row *r)
{
	double		 v[6];
	const char	*q;
	int		 n = 0;

	if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
		*next = p + (*p == '\n' ? 1 : 2);
		return LINE_BLANK;
	}
	for (;;) {
		if ((q = parse_num(p, lim, &v[n])) == NULL)
			goto bad;
		n++;
		p = q;
		if (*p != ',')
			break;
		if (n == 6)
			goto bad;
		p++;
	}
	if (*p == '\r')
		p++;
	if (*p != '\n' || !row_ok(v, n))
		goto bad;
	*next = p + 1;
	fill_row(v, n, r);
	return LINE_ROW;
bad:
	q = memchr(p, '\n', (size_t)(lim - p));
	*next = q + 1;
	return LINE_BAD;
}

#ifdef FAST_LINES
#define FAST_FRAC	6	/* most decimals fast_line() reads */

/* The scales parse_num() gives decimals, dividing by 10 each time. */
static const double	tenths[FAST_FRAC] = { 1.0 / 10, 1.0 / 10 / 10,
    1.0 / 10 / 10 / 10, 1.0 / 10 / 10 / 10 / 10,
    1.0 / 10 / 10 / 10 / 10 / 10, 1.0 / 10 / 10 / 10 / 10 / 10 / 10 };

/* 16 zero bytes, then 16 ones: from tailmask + n, a mask for n bytes. */
static const unsigned char	tailmask[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255,
};

static __m128i
load16(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* Bit i set when byte i of the 16 at p is a digit. */
static uint64_t
digits16(const char *p)
{
	__m128i	c;

	c = _mm_sub_epi8(load16(p), _mm_set1_epi8('0'));
	c = _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(9)), c);
	return (uint16_t)_mm_movemask_epi8(c);
}

/* Bit i set when byte i of the 64 at p is a digit. */
static uint64_t
digit_mask(const char *p)
{
	return digits16(p) | digits16(p + 16) << 16 | digits16(p + 32) << 32 |
	    digits16(p + 48) << 48;
}

/*
 * The value of the n (1-15) digits just before e, from the 16 bytes that
 * end there, what comes before the number masked out: multiply-adds make
 * pairs of digits, then fours, then the two eights.
 */
static uint64_t
digits_at(const char *e, int n)
{
	__m128i		v, lo, hi;
	uint64_t	x;

	v = _mm_and_si128(_mm_sub_epi8(load16(e - 16), _mm_set1_epi8('0')),
	    load16(tailmask + n));
	lo = _mm_unpacklo_epi8(v, _mm_setzero_si128());
	hi = _mm_unpackhi_epi8(v, _mm_setzero_si128());
	lo = _mm_madd_epi16(lo, _mm_set1_epi32(0x0001000a));	/* 10, 1 */
	hi = _mm_madd_epi16(hi, _mm_set1_epi32(0x0001000a));
	v = _mm_madd_epi16(_mm_packs_epi32(lo, hi),
	    _mm_set1_epi32(0x00010064));			/* 100, 1 */
	v = _mm_madd_epi16(_mm_packs_epi32(v, v),
	    _mm_set1_epi32(0x00012710));			/* 10000, 1 */
	x = (uint64_t)_mm_cvtsi128_si64(v);
	return (x & 0xffffffff) * 100000000 + (x >> 32);
}

/*
 * The line at p when it is a row as bwmon and v1 write them: 3 or 6
 * numbers of 1 to 15 digits, with up to FAST_FRAC decimals, its '\n'
 * among the 64 bytes at p.  Those 64 bytes, and the 16 before p, must be
 * readable.  Returns LINE_ROW with *next and *r as scan_line() sets them;
 * -1 for any other line, which scan_line() then reads.
 *
 * Where parse_num() looks at a number 8 bytes at a time and branches on
 * its length, one vector compare finds every digit of the line, and each
 * number is summed from the 16 bytes that end on it: a third fewer
 * instructions, and no branch that depends on a length.  The values are
 * parse_num()'s: integer digits summed exactly, decimals added one by
 * one at its scales.
 */
static int
fast_line(const char *p, const char **next, struct bw_row *r)
{
	uint64_t	 nd = ~digit_mask(p);	/* separators, the end */
	const char	*s = p, *e, *f;
	double		 v[6], x;
	int		 n = 0, len, i;

	for (;;) {
		if (nd == 0)
			return -1;
		e = p + __builtin_ctzll(nd);
		nd &= nd - 1;
		if ((len = (int)(e - s)) < 1 || len > 15)
			return -1;
		x = (double)digits_at(e, len);
		if (*e == '.') {
			if (nd == 0)
				return -1;
			f = e + 1;
			e = p + __builtin_ctzll(nd);
			nd &= nd - 1;
			if ((len = (int)(e - f)) < 1 || len > FAST_FRAC)
				return -1;
			for (i = 0; i < len; i++)
				x += (unsigned)(f[i] - '0') * tenths[i];
		}
		v[n++] = x;
		if (*e != ',' || n == 6)
			break;
		s = e + 1;
	}
	if (*e != '\n' || !row_ok(v, n))
		return -1;
	*next = e + 1;
	fill_row(v, n, r);
	return LINE_ROW;
}
#endif

/*
 * The line at p of a text that starts at text, which a '\n' before lim
 * ends: scan_line()'s answer, the fast way when the line allows it.
 */
static int
next_line(const char *text, const char *p, const char *lim,
    const char **next, struct bw_row *r)
{
#ifdef FAST_LINES
	if (p - text >= 16 && lim - p >= 64 &&
	    fast_line(p, next, r) == LINE_ROW)
		return LINE_ROW;
#else
	(void)text;
#endif
	return scan_line(p, lim, next, r);
}

/*
 * Where the complete lines of a text end: just after its last '\n'.
 * What follows is a torn line (a writer died), counted in *hs as bad, or
 * nothing.  *hs starts from nothing.
 */
static const char *
rows_begin(const char *text, size_t len, struct bw_histsum *hs)
{
	const char	*nl, *lim = text;

	memset(hs, 0, sizeof(*hs));
	if (len > 0 && (nl = memrchr(text, '\n', len)) != NULL)
		lim = nl + 1;
	if (lim < text + len)
		hs->bad++;
	return lim;
}

/*
 * Complete a good row: a v1 row gets its interval from the good row
 * before, ts prev (the first, n == 0, counts BW_V1_FIRST_INTERVAL), and
 * its bytes from rate x interval; across a gap it counts nothing, as v1
 * knew no better.
 */
static void
cook_row(struct bw_row *r, size_t n, int64_t prev)
{
	if (r->v1) {
		r->interval = n == 0 ? BW_V1_FIRST_INTERVAL :
		    (double)(r->ts - prev);
		if (r->interval <= BW_GAP_SECONDS) {
			r->rx_bytes = r->rx_bps * r->interval / 8;
			r->tx_bytes = r->tx_bps * r->interval / 8;
		}
	}
	r->gap = r->interval > BW_GAP_SECONDS;
}

/*
 * The next good row of a text, from the line at *p on, which is moved
 * past it; 0 when the complete lines, which end at lim, are done.  Lines
 * skipped on the way, and the row, are counted in *hs.  Rows not later
 * than the good row before are out of order, hence bad.  Both readers,
 * bw_hist_parse() and bw_hist_series_text(), take their rows from here.
 *
 * Inlined by force: with two callers the compiler made it a call per row
 * and kept *hs in memory, which cost 3% more instructions in
 * bwhistory -r 6m than a loop of its own in each.
 */
static inline __attribute__((always_inline)) int
next_row(const char *text, const char **p, const char *lim,
    struct bw_histsum *hs, struct bw_row *r)
{
	while (*p < lim) {
		switch (next_line(text, *p, lim, p, r)) {
		case LINE_BLANK:
			hs->blank++;
			continue;
		case LINE_BAD:
			hs->bad++;
			continue;
		}
		if (hs->n == 0)
			hs->first = r->ts;
		else if (r->ts <= hs->last) {
			hs->bad++;
			continue;
		}
		cook_row(r, hs->n++, hs->last);
		hs->last = r->ts;
		return 1;
	}
	return 0;
}

/* Parse a whole file's text. */
int
bw_hist_parse(const char *text, size_t len, struct bw_hist *h)
{
	const char		*p = text, *lim;
	struct bw_histsum	 hs;
	struct bw_row		*rows = NULL, *nr;
	size_t			 cap = 0;

	memset(h, 0, sizeof(*h));
	lim = rows_begin(text, len, &hs);
	/* Each row is read into its place: rows[hs.n] is always there. */
	for (;;) {
		if ((nr = bw_grow(rows, hs.n, &cap, 1024, sizeof(*nr))) ==
		    NULL) {
			free(rows);
			return -1;
		}
		rows = nr;
		if (!next_row(text, &p, lim, &hs, &rows[hs.n]))
			break;
	}
	h->rows = rows;
	h->n = hs.n;
	h->blank = hs.blank;
	h->bad = hs.bad;
	return 0;
}

static int
read_parse(int dirfd, const char *name, struct bw_hist *h)
{
	char	*text;
	size_t	 len;
	int	 rv, saved;

	memset(h, 0, sizeof(*h));
	if (bw_read_file_at(dirfd, name, BW_HIST_MAX, &text, &len) == -1)
		return -1;
	rv = bw_hist_parse(text, len, h);
	saved = errno;
	free(text);
	errno = saved;
	return rv;
}

int
bw_hist_read(const char *path, struct bw_hist *h)
{
	return read_parse(AT_FDCWD, path, h);
}

/*
 * Open the history of iface in the data directory open on dirfd, to
 * read: a regular file only (EINVAL), never blocking on a FIFO.
 */
int
bw_hist_open(int dirfd, const char *iface)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), BW_HISTORY, iface) == -1)
		return -1;
	return bw_data_open(dirfd, name);
}

/* The whole text of the history of iface, at most BW_HIST_MAX bytes. */
int
bw_hist_text(int dirfd, const char *iface, char **textp, size_t *lenp)
{
	return bw_kind_read(dirfd, BW_HISTORY, iface, BW_HIST_MAX, textp,
	    lenp);
}

/* Read and parse the history of iface. */
int
bw_hist_load(int dirfd, const char *iface, struct bw_hist *h)
{
	char	name[64];

	memset(h, 0, sizeof(*h));
	if (bw_kind_file(name, sizeof(name), BW_HISTORY, iface) == -1)
		return -1;
	return read_parse(dirfd, name, h);
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
 * The k-th smallest (from 0) of n values by quickselect (Hoare's
 * partition), which reorders v.
 */
static double
select_k(double *v, size_t n, size_t k)
{
	ptrdiff_t	lo = 0, hi = (ptrdiff_t)n - 1, i, j;
	double		pivot, t;

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
		if ((ptrdiff_t)k <= j)
			hi = j;
		else if ((ptrdiff_t)k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

#define SAMPLE		512	/* values a sample takes bounds from */
#define SAMPLE_SLACK	24	/* ranks either side of k's in it */

/*
 * The k-th smallest of many values (n >= 8 * SAMPLE), which reorders v.
 * Bounds either side of it, taken from a sample, leave a few values
 * between them, which one pass counts and another gathers, and the k-th
 * is selected among those: quickselect over all of them took three
 * passes that swap, and twice the time.  Should the bounds miss (a sample
 * is but a sample), or a value be NaN, quickselect does it all as before;
 * the value is the same.
 */
static double
select_big(double *v, size_t n, size_t k)
{
	double	s[SAMPLE], lo, hi;
	size_t	stride = n / SAMPLE, i, m, below = 0, above = 0, sk;
	int	nan = 0;

	/* Spread, but not evenly: a day's rhythm must not steer it. */
	for (i = 0; i < SAMPLE; i++)
		s[i] = v[i * stride + (i * 2654435761U) % stride];
	sk = (size_t)((double)k / (double)n * SAMPLE);
	lo = select_k(s, SAMPLE, sk > SAMPLE_SLACK ? sk - SAMPLE_SLACK : 0);
	hi = select_k(s, SAMPLE, sk + SAMPLE_SLACK < SAMPLE ?
	    sk + SAMPLE_SLACK : SAMPLE - 1);
	/* No branches: which way a value goes is anyone's guess. */
	for (i = 0; i < n; i++) {
		below += v[i] < lo;
		above += v[i] > hi;
		nan |= v[i] != v[i];
	}
	if (nan || k < below || k >= n - above)
		return select_k(v, n, k);
	for (i = m = 0; i < n; i++) {
		v[m] = v[i];
		m += (v[i] >= lo) & (v[i] <= hi);
	}
	return select_k(v, m, k - below);
}

/*
 * Nearest-rank percentile of n values, which reorders v: linear time,
 * where sorting six months of rates took half of bwhistory's run.
 */
static double
percentile(double *v, size_t n, double pct)
{
	size_t	rank;

	if (n == 0)
		return 0;
	rank = (size_t)ceil(pct / 100 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	if (n >= 8 * SAMPLE)
		return select_big(v, n, rank - 1);
	return select_k(v, n, rank - 1);
}

/*
 * Set s up for buckets of step seconds over [from, to), aligned to the
 * local time zone's midnight so that day buckets are calendar days.  An
 * empty range (to <= from) has no buckets.
 */
static int
series_init(struct bw_series *s, int64_t from, int64_t to, int64_t step)
{
	struct tm	tm;
	time_t		t = (time_t)from;
	int64_t		off = 0, st;
	size_t		k;

	memset(s, 0, sizeof(*s));
	if (step < 1) {
		errno = EINVAL;
		return -1;
	}
	s->from = from;
	s->to = to;
	s->step = step;
	if (to <= from)
		return 0;
	if (localtime_r(&t, &tm) != NULL)
		off = tm.tm_gmtoff;
	st = from + off;
	st = (st >= 0 ? st / step : (st - step + 1) / step) * step - off;
	s->nb = (size_t)((to - st + step - 1) / step);
	if ((s->b = calloc(s->nb, sizeof(*s->b))) == NULL)
		return -1;
	for (k = 0; k < s->nb; k++)
		s->b[k].start = st + (int64_t)k * step;
	return 0;
}

static void
bucket_add(struct bw_bucket *b, const struct bw_row *r)
{
	b->samples++;
	b->rx_bytes += r->rx_bytes;
	b->tx_bytes += r->tx_bytes;
	if (r->gap)
		return;
	b->rate_bytes_rx += r->rx_bytes;
	b->rate_bytes_tx += r->tx_bytes;
	b->seconds += r->interval;
	if (r->rx_bps > b->rx_peak)
		b->rx_peak = r->rx_bps;
	if (r->tx_bps > b->tx_peak)
		b->tx_peak = r->tx_bps;
}

/*
 * The reduction of the rows of [from, to) to its statistics and, given
 * buckets, its series.  Rows are fed to it one at a time, in file order:
 * from parsed rows by bw_hist_stats() and bw_hist_series(), straight from
 * the text by bw_hist_series_text().  One step for all three, so they add
 * the same numbers in the same order and agree to the last bit.
 *
 * It lives in its caller's frame and only functions inlined there see
 * its address.  The compiler can then tell that a store into the rates
 * does not touch it, and keeps the sums, and those of the bucket rows go
 * to, in registers rather than in memory for every row; the bucket is
 * written back when rows go to another.
 */
struct reduce {
	double		 from, to;	/* the range [from, to) */
	double		 start, step;	/* first bucket's start, seconds */
	struct bw_bucket *b;		/* the buckets, nb of them */
	size_t		 nb;
	struct bw_bucket *cur;		/* the bucket rows went to last, */
	struct bw_bucket acc;		/* its sums meanwhile */
	struct bw_stats	 st;
	double		 rxb, txb, secs;	/* over rate samples */
	double		*rx, *tx;	/* their rates, for the p95 */
	size_t		 nr, cap;
};

/*
 * Start a reduction of [from, to), into s's buckets when it has any,
 * with room for cap rates (more are made as needed).
 */
static inline int
reduce_init(struct reduce *red, int64_t from, int64_t to,
    const struct bw_series *s, size_t cap)
{
	memset(red, 0, sizeof(*red));
	red->from = (double)from;
	red->to = (double)to;
	if (s != NULL && s->nb > 0) {
		red->b = s->b;
		red->nb = s->nb;
		red->start = (double)s->b[0].start;
		red->step = (double)s->step;
	} else {
		/*
		 * No buckets: a row in range goes to "bucket" 0 (1 at
		 * most, rounded), none of nb = 0.  A step of 0 would make
		 * that infinity, which no size_t holds.
		 */
		red->start = red->from;
		red->step = to > from ? red->to - red->from : 1;
	}
	if (cap > 0 && ((red->rx = malloc(cap * sizeof(*red->rx))) == NULL ||
	    (red->tx = malloc(cap * sizeof(*red->tx))) == NULL)) {
		free(red->rx);
		return -1;
	}
	red->cap = cap;
	return 0;
}

/* Room for cap rates in *v, which is left alone when there is none. */
static int
rates_grow(double **v, size_t cap)
{
	double	*nv;

	if ((nv = reallocarray(*v, cap, sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	return 0;
}

/* One row into the reduction: nothing unless its middle is in range. */
static inline int
reduce_row(struct reduce *red, const struct bw_row *r)
{
	struct bw_stats	*st = &red->st;
	double		 mid = bw_row_mid(r), *rx, *tx;
	size_t		 k, cap;

	if (!(mid >= red->from && mid < red->to))
		return 0;
	k = (size_t)((mid - red->start) / red->step);
	if (k < red->nb) {
		if (red->cur != &red->b[k]) {
			if (red->cur != NULL)
				*red->cur = red->acc;
			red->cur = &red->b[k];
			red->acc = *red->cur;
		}
		bucket_add(&red->acc, r);
	}
	if (st->samples++ == 0)
		st->first = r->ts;
	st->last = r->ts;
	st->rx.bytes += r->rx_bytes;
	st->tx.bytes += r->tx_bytes;
	if (r->gap) {
		st->gaps++;
		return 0;
	}
	red->rxb += r->rx_bytes;
	red->txb += r->tx_bytes;
	red->secs += r->interval;
	if (r->rx_bps > st->rx.peak_bps)
		st->rx.peak_bps = r->rx_bps;
	if (r->tx_bps > st->tx.peak_bps)
		st->tx.peak_bps = r->tx_bps;
	if (red->nr == red->cap) {
		/* Through locals: red's address stays with the caller. */
		cap = red->cap > 0 ? red->cap * 2 : 1024;
		rx = red->rx;
		tx = red->tx;
		if (rates_grow(&rx, cap) == -1)
			return -1;
		red->rx = rx;
		if (rates_grow(&tx, cap) == -1)
			return -1;
		red->tx = tx;
		red->cap = cap;
	}
	red->rx[red->nr] = r->rx_bps;
	red->tx[red->nr++] = r->tx_bps;
	return 0;
}

/* Give up on a reduction. */
static inline void
reduce_free(struct reduce *red)
{
	free(red->rx);
	free(red->tx);
}

/* Finish a reduction: the buckets complete, the statistics into *st. */
static inline void
reduce_end(struct reduce *red, struct bw_stats *st)
{
	if (red->cur != NULL)
		*red->cur = red->acc;
	if (red->secs > 0) {
		red->st.rx.avg_bps = red->rxb * 8 / red->secs;
		red->st.tx.avg_bps = red->txb * 8 / red->secs;
	}
	red->st.rx.p95_bps = percentile(red->rx, red->nr, 95);
	red->st.tx.p95_bps = percentile(red->tx, red->nr, 95);
	*st = red->st;
	reduce_free(red);
}

/*
 * The rows of h in [from, to) reduced to *st, and to s's buckets when
 * s is not NULL.
 */
static int
reduce_hist(const struct bw_hist *h, int64_t from, int64_t to,
    const struct bw_series *s, struct bw_stats *st)
{
	struct reduce	red;
	size_t		i;

	if (reduce_init(&red, from, to, s, h->n) == -1)
		return -1;
	for (i = 0; i < h->n; i++)
		if (reduce_row(&red, &h->rows[i]) == -1) {
			reduce_free(&red);
			return -1;
		}
	reduce_end(&red, st);
	return 0;
}

/* Statistics over the rows whose middle lies in [from, to). */
int
bw_hist_stats(const struct bw_hist *h, int64_t from, int64_t to,
    struct bw_stats *st)
{
	memset(st, 0, sizeof(*st));
	return reduce_hist(h, from, to, NULL, st);
}

/*
 * Buckets of step seconds over [from, to) and the range statistics.
 */
int
bw_hist_series(const struct bw_hist *h, int64_t from, int64_t to,
    int64_t step, struct bw_series *s)
{
	if (to <= from) {
		memset(s, 0, sizeof(*s));
		errno = EINVAL;
		return -1;
	}
	if (series_init(s, from, to, step) == -1)
		return -1;
	if (reduce_hist(h, from, to, s, &s->stats) == -1) {
		bw_series_free(s);
		return -1;
	}
	return 0;
}

/*
 * What bw_hist_parse() and bw_hist_series() give, in one pass over the
 * text of a file and without keeping its rows: the series of [from, to)
 * in buckets of step seconds, and in *sum what the whole file holds.  An
 * empty range (to <= from) has no buckets, but the file is still counted.
 * Only the rates of the range's rate samples are kept, for the p95.
 */
int
bw_hist_series_text(const char *text, size_t len, int64_t from,
    int64_t to, int64_t step, struct bw_series *s, struct bw_histsum *sum)
{
	const char		*p = text, *lim;
	struct bw_histsum	 hs;
	struct bw_row		 r;
	struct reduce		 red;

	if (series_init(s, from, to, step) == -1)
		return -1;
	/* A row as written takes 20 bytes at least: rarely grown. */
	if (reduce_init(&red, from, to, s, to > from ? len / 32 + 64 : 0) ==
	    -1) {
		bw_series_free(s);
		return -1;
	}
	lim = rows_begin(text, len, &hs);
	while (next_row(text, &p, lim, &hs, &r))
		if (reduce_row(&red, &r) == -1) {
			reduce_free(&red);
			bw_series_free(s);
			return -1;
		}
	reduce_end(&red, &s->stats);
	*sum = hs;
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
