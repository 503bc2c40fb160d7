/*
 * alerts.cgi: /api/alerts?iface=&range=&active=1 -- the FIRED and
 * CLEARED events of alerts_<iface>.jsonl paired into alerts (a CLEARED
 * names its FIRED by "fired_at"), newest first, with duration and peak.
 * A FIRED without a CLEARED is active: still going on.  An alert is in
 * the range when it overlaps it; active=1 keeps only active ones.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"

#define TS_SLACK	0.001	/* fired_at is a float copied from ts */

/*
 * An alert: what its FIRED and CLEARED events say, not the records
 * themselves, so that a long log does not stay in memory as JSON.
 * Numbers an event lacks are NAN.
 */
struct alert {
	double	 fired_at;
	int	 fired, cleared;	/* has a FIRED, a CLEARED event */
	double	 cleared_at;
	double	 window_peak, threshold, rolling, rx_avg, tx_avg;
	double	 duration, peak;	/* of the CLEARED event */
	json_t	*top;			/* the FIRED event's, or NULL */
};

struct log {
	double		 from;		/* alerts that ended before: no top */
	struct alert	*v;
	size_t		 n, cap;
};

static struct alert *
add(struct log *l)
{
	struct alert	*nv;

	if ((nv = bw_grow(l->v, l->n, &l->cap, 32, sizeof(*nv))) == NULL)
		return NULL;
	l->v = nv;
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].window_peak = l->v[l->n].threshold = NAN;
	l->v[l->n].rolling = l->v[l->n].rx_avg = l->v[l->n].tx_avg = NAN;
	l->v[l->n].duration = l->v[l->n].peak = NAN;
	return &l->v[l->n++];
}

static void
free_log(struct log *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		json_decref(l->v[i].top);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* The latest FIRED at fired_at that has no CLEARED yet. */
static struct alert *
find_fired(struct log *l, double fired_at)
{
	size_t	i;

	for (i = l->n; i > 0; i--)
		if (l->v[i - 1].fired && !l->v[i - 1].cleared &&
		    fabs(l->v[i - 1].fired_at - fired_at) <= TS_SLACK)
			return &l->v[i - 1];
	return NULL;
}

static int
record(json_t *o, double ts, void *arg)
{
	struct log	*l = arg;
	struct alert	*a;
	const char	*ev = json_string_value(json_object_get(o, "event"));
	double		 at;

	if (ev == NULL)
		return 0;
	if (strcmp(ev, "FIRED") == 0) {
		if ((a = add(l)) == NULL)
			return -1;
		a->fired_at = ts;
		a->fired = 1;
		a->window_peak = bw_json_num(o, "peak_bps_in_window");
		a->threshold = bw_json_num(o, "threshold_bps");
		a->rolling = bw_json_num(o, "rolling_avg_bps");
		a->rx_avg = bw_json_num(o, "rx_avg_bps");
		a->tx_avg = bw_json_num(o, "tx_avg_bps");
		if (json_is_array(json_object_get(o, "top")))
			a->top = json_incref(json_object_get(o, "top"));
		return 0;
	}
	if (strcmp(ev, "CLEARED") != 0)
		return 0;
	at = bw_json_num(o, "fired_at");
	if (isnan(at) || (a = find_fired(l, at)) == NULL) {
		/* Its FIRED is older than the log, or lost. */
		if ((a = add(l)) == NULL)
			return -1;
		a->fired_at = isnan(at) ? ts : at;
	}
	a->cleared = 1;
	a->cleared_at = ts;
	a->duration = bw_json_num(o, "duration_s");
	a->peak = bw_json_num(o, "peak_during_event_bps");
	if (ts < l->from) {
		/* Ended before the range: never listed. */
		json_decref(a->top);
		a->top = NULL;
	}
	return 0;
}

static int
newest_first(const void *x, const void *y)
{
	const struct alert	*a = x, *b = y;

	return a->fired_at < b->fired_at ? 1 : a->fired_at > b->fired_at ?
	    -1 : 0;
}

static double
max2(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a > b ? a : b;
}

/* The FIRED event's "top", its names cleaned, or null. */
static json_t *
top_json(const struct alert *a)
{
	json_t	*top;

	if (a->top == NULL)
		return json_null();
	if ((top = json_deep_copy(a->top)) != NULL)
		cgi_clean(top);
	return top;
}

static json_t *
alert_json(const struct alert *a, double now)
{
	double	dur, peak;
	int	active = !a->cleared;

	if (active)
		dur = now - a->fired_at;
	else if (isnan(dur = a->duration))
		dur = a->cleared_at - a->fired_at;
	peak = max2(a->window_peak, active ? NAN : a->peak);
	return json_pack("{s:f, s:o, s:b, s:f, s:o, s:o, s:o, s:o, s:o, "
	    "s:o}",
	    "fired_at", a->fired_at,
	    "cleared_at", active ? json_null() : json_real(a->cleared_at),
	    "active", active,
	    "duration_s", dur < 0 ? 0 : round(dur * 1000) / 1000,
	    "peak_bps", cgi_rate(peak),
	    "threshold_bps", cgi_rate(a->threshold),
	    "rolling_avg_bps", cgi_rate(a->rolling),
	    "rx_avg_bps", cgi_rate(a->rx_avg),
	    "tx_avg_bps", cgi_rate(a->tx_avg),
	    "top", top_json(a));
}

int
main(void)
{
	static const char *const keys[] = { "iface", "range", "active",
	    NULL };
	struct cgi	 c;
	struct log	 l;
	struct alert	*a;
	json_t		*arr, *doc;
	const char	*range, *s;
	double		 from, to, end;
	size_t		 bad, i, nactive = 0;
	int64_t		 secs;
	int		 only_active = 0, saved;

	cgi_init(&c, keys);
	cgi_iface(&c);
	secs = cgi_range(&c, "30d", &range);
	if ((s = cgi_param(&c, "active")) != NULL) {
		if (strcmp(s, "1") == 0)
			only_active = 1;
		else if (strcmp(s, "0") != 0)
			cgi_fail(&c, 400, NULL, "bad active: 1 or 0");
	}
	cgi_event_range(&c, secs, &from, &to);
	memset(&l, 0, sizeof(l));
	l.from = from;
	if (cgi_jsonl(&c, BW_ALERTS, c.iface, record, &l, &bad) == -1) {
		saved = errno;
		free_log(&l);
		cgi_file_fail(&c, BW_ALERTS, saved,
		    cgi_bwprocs_hint(&c, BW_ALERTS));
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), newest_first);
	if ((arr = json_array()) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < l.n; i++) {
		a = &l.v[i];
		if (!a->cleared)
			nactive++;
		end = !a->cleared ? INFINITY : a->cleared_at;
		if (a->fired_at < to && end >= from &&
		    (!only_active || !a->cleared) &&
		    json_array_append_new(arr, alert_json(a, c.now)) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	}
	free_log(&l);
	doc = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:o}",
	    "iface", c.iface,
	    "range", range,
	    "from", secs > 0 ? json_integer((json_int_t)from) : json_null(),
	    "to", secs > 0 ? json_integer((json_int_t)to) : json_null(),
	    "active", (json_int_t)nactive,
	    "skipped_lines", (json_int_t)bad,
	    "alerts", arr);
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
