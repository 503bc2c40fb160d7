/*
 * Calendar periods and the bytes moved in each.
 *
 * A period is a run of whole local calendar days: one day, an ISO week
 * (Monday to Sunday) or a month cycle from month_start_day to the day
 * before it in the next month.  Its boundaries are the first instants of
 * those days, found with mktime(3) in the local time zone, so the day DST
 * starts is 23 hours long and the day it ends 25.  A history row belongs
 * to the period that holds its middle (bw_row_mid), the rule every other
 * reader of the history follows.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "totals.h"

#define DAY_SECONDS	86400

static int
valid_args(enum bw_period p, int msd)
{
	if ((p != BW_PERIOD_DAY && p != BW_PERIOD_WEEK &&
	    p != BW_PERIOD_MONTH) || msd < 1 || msd > 28) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int
local_tm(int64_t t, struct tm *tm)
{
	time_t	tt = (time_t)t;

	if ((int64_t)tt != t || localtime_r(&tt, tm) == NULL) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

/* A calendar date as one number that sorts like it: 20261123. */
static long long
date_key(const struct tm *tm)
{
	return ((long long)tm->tm_year + 1900) * 10000 +
	    (tm->tm_mon + 1) * 100 + tm->tm_mday;
}

static int
key_at(int64_t t, long long *key)
{
	struct tm	tm;

	if (local_tm(t, &tm) == -1)
		return -1;
	*key = date_key(&tm);
	return 0;
}

/*
 * Make year (since 1900), month (0-11) and day, any of them out of
 * range, into a real date.  timegm(3) does the carrying and fills in
 * tm_wday and tm_yday, which strftime's %G and %V need.
 */
static int
civil_date(int year, int mon, int mday, struct tm *d)
{
	memset(d, 0, sizeof(*d));
	d->tm_year = year;
	d->tm_mon = mon;
	d->tm_mday = mday;
	d->tm_hour = 12;	/* no date is ambiguous at noon UTC */
	if (timegm(d) == (time_t)-1) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

/*
 * The first instant of local date d.  That is local midnight unless the
 * zone skips or repeats midnight (some switch DST at 00:00); mktime(3)
 * guesses one way or the other there, so check its answer and otherwise
 * search for the instant the local date changes.
 */
static int
day_start(const struct tm *d, int64_t *out)
{
	struct tm	tm;
	time_t		t;
	int64_t		lo, hi, mid;
	long long	key, k0, k1;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->tm_year;
	tm.tm_mon = d->tm_mon;
	tm.tm_mday = d->tm_mday;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1) {
		errno = EOVERFLOW;
		return -1;
	}
	key = date_key(d);
	if (key_at((int64_t)t, &k1) == -1 || key_at((int64_t)t - 1, &k0) ==
	    -1)
		return -1;
	if (k1 == key && k0 < key) {
		*out = (int64_t)t;
		return 0;
	}
	lo = (int64_t)t - 2 * DAY_SECONDS;
	hi = (int64_t)t + 2 * DAY_SECONDS;
	if (key_at(lo, &k0) == -1 || key_at(hi, &k1) == -1)
		return -1;
	if (k0 >= key || k1 < key) {
		errno = EOVERFLOW;
		return -1;
	}
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (key_at(mid, &k1) == -1)
			return -1;
		if (k1 >= key)
			hi = mid;
		else
			lo = mid;
	}
	*out = hi;
	return 0;
}

/*
 * The first calendar day of the period holding t, or of the one after it
 * when ahead is 1.
 */
static int
period_date(int64_t t, enum bw_period p, int msd, int ahead, struct tm *d)
{
	struct tm	lt;
	int		year, mon, mday;

	if (valid_args(p, msd) == -1 || local_tm(t, &lt) == -1)
		return -1;
	year = lt.tm_year;
	mon = lt.tm_mon;
	mday = lt.tm_mday;
	switch (p) {
	case BW_PERIOD_DAY:
		mday += ahead;
		break;
	case BW_PERIOD_WEEK:
		/* tm_wday counts from Sunday; ISO weeks start on Monday. */
		mday -= (lt.tm_wday + 6) % 7;
		mday += 7 * ahead;
		break;
	case BW_PERIOD_MONTH:
		/* A cycle from the 15th runs to the 14th of next month. */
		if (mday < msd)
			mon--;
		mday = msd;
		mon += ahead;
		break;
	}
	return civil_date(year, mon, mday, d);
}

/* "day", "week" or "month", as JSON and the CGI name them. */
const char *
bw_period_name(enum bw_period p)
{
	switch (p) {
	case BW_PERIOD_DAY:
		return "day";
	case BW_PERIOD_WEEK:
		return "week";
	case BW_PERIOD_MONTH:
		return "month";
	}
	return "?";
}

/* The first instant of the period holding t, or of the next (ahead). */
static int
period_edge(int64_t t, enum bw_period p, int msd, int ahead, int64_t *out)
{
	struct tm	d;

	if (period_date(t, p, msd, ahead, &d) == -1)
		return -1;
	return day_start(&d, out);
}

/* The start of the period holding t, with months from day msd (1-28). */
int
bw_period_start(int64_t t, enum bw_period p, int msd, int64_t *start)
{
	return period_edge(t, p, msd, 0, start);
}

/* The start of the period after the one holding t: its end. */
int
bw_period_next(int64_t t, enum bw_period p, int msd, int64_t *next)
{
	return period_edge(t, p, msd, 1, next);
}

/*
 * The name of the period holding t: "2026-11-23", "2026-W47" (ISO
 * week-based year and week) or "2026-11", the month a cycle starts in.
 */
int
bw_period_label(char *buf, size_t size, int64_t t, enum bw_period p,
    int msd)
{
	struct tm	d;
	size_t		n;

	if (period_date(t, p, msd, 0, &d) == -1)
		return -1;
	if (p == BW_PERIOD_DAY)
		n = strftime(buf, size, "%Y-%m-%d", &d);
	else if (p == BW_PERIOD_WEEK)
		n = strftime(buf, size, "%G-W%V", &d);
	else
		n = strftime(buf, size, "%Y-%m", &d);
	if (n == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Whole bytes.  A hostile history can hold absurd byte counts (1e29):
 * they are held to 4e18 (four exabytes), so that llround() and the sum
 * of two stay within int64_t.
 */
static int64_t
whole_bytes(double v)
{
	if (v > 4e18)
		v = 4e18;
	else if (v < -4e18)
		v = -4e18;
	return (int64_t)llround(v);
}

static void
round_bytes(struct bw_total *t)
{
	t->rx_bytes = whole_bytes(t->rx);
	t->tx_bytes = whole_bytes(t->tx);
	t->total_bytes = t->rx_bytes + t->tx_bytes;
}

/*
 * Fill tot[0 .. count-1] with the last count periods, oldest first, the
 * last being the one holding now (partial), and sum with all of them
 * together.  Each row of h counts whole in the period holding its middle;
 * rows outside the periods are left out.  Each figure is rounded to whole
 * bytes on its own, so the sum's bytes are exact for the whole span.
 */
int
bw_totals(const struct bw_hist *h, enum bw_period p, int msd, int64_t now,
    struct bw_total *tot, size_t count, struct bw_total *sum)
{
	const struct bw_row	*r;
	double			 mid;
	size_t			 i, k, lo, hi;

	if (valid_args(p, msd) == -1)
		return -1;
	if (count < 1 || count > BW_TOTALS_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(tot, 0, count * sizeof(*tot));
	memset(sum, 0, sizeof(*sum));
	if (bw_period_start(now, p, msd, &tot[count - 1].start) == -1 ||
	    bw_period_next(now, p, msd, &tot[count - 1].end) == -1)
		return -1;
	for (k = count - 1; k > 0; k--) {
		tot[k - 1].end = tot[k].start;
		if (bw_period_start(tot[k].start - 1, p, msd,
		    &tot[k - 1].start) == -1)
			return -1;
	}
	for (k = 0; k < count; k++) {
		if (bw_period_label(tot[k].label, sizeof(tot[k].label),
		    tot[k].start, p, msd) == -1)
			return -1;
		tot[k].partial = tot[k].end > now;
	}
	sum->start = tot[0].start;
	sum->end = tot[count - 1].end;
	sum->partial = tot[count - 1].partial;
	for (i = 0; i < h->n; i++) {
		r = &h->rows[i];
		mid = bw_row_mid(r);
		if (mid < (double)tot[0].start ||
		    mid >= (double)tot[count - 1].end)
			continue;
		/* The period is the last one starting at or before mid. */
		lo = 0;
		hi = count;
		while (hi - lo > 1) {
			k = lo + (hi - lo) / 2;
			if ((double)tot[k].start <= mid)
				lo = k;
			else
				hi = k;
		}
		tot[lo].rx += r->rx_bytes;
		tot[lo].tx += r->tx_bytes;
		tot[lo].samples++;
		sum->rx += r->rx_bytes;
		sum->tx += r->tx_bytes;
		sum->samples++;
	}
	for (k = 0; k < count; k++)
		round_bytes(&tot[k]);
	round_bytes(sum);
	return 0;
}
