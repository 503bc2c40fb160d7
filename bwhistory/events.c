/*
 * bwhistory --events: one line per spike and alert of the window, with
 * its time, its rate, its top process and its top flow, so that "what
 * used 200 Mbit/s at 3 am" needs no jq over the logs; or the same as
 * JSON.
 */
#include <err.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "eventlog.h"
#include "events.h"
#include "fmt.h"
#include "histjson.h"

#define TIMEFMT		"%Y-%m-%d %H:%M:%S"
#define NAMEW		24	/* the process column */

static json_t *
rate(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 10) / 10);
}

static json_t *
text(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
event_json(const struct bw_event *e)
{
	json_t	*top, *flow;

	top = e->top[0] != '\0' ? json_pack("{s:o, s:o}", "name",
	    json_string(e->top), "pid", e->top_pid > 0 ?
	    json_integer(e->top_pid) : json_null()) : json_null();
	flow = e->src[0] != '\0' ? json_pack("{s:o, s:s, s:s, s:o, s:o}",
	    "proto", text(e->proto), "src", e->src, "dst", e->dst,
	    "name", text(e->flow_name), "bytes", isnan(e->flow_bytes) ?
	    json_null() : json_integer((json_int_t)e->flow_bytes)) :
	    json_null();
	return json_pack("{s:s, s:f, s:o, s:o, s:o, s:o, s:o}",
	    "kind", e->kind == BW_EV_SPIKE ? "spike" : "alert",
	    "ts", e->ts, "rate_bps", rate(e->rate_bps),
	    "active", e->kind == BW_EV_ALERT ? json_boolean(!e->cleared) :
	    json_null(),
	    "cleared_at", e->cleared ? json_real(e->cleared_at) : json_null(),
	    "top", top, "top_flow", flow);
}

static int
print_json(const struct ev_query *q, const struct bw_evlist *l)
{
	const struct hq_scope	*sc = &q->sc;
	json_t			*doc, *a;
	size_t			 i;
	int			 rv;

	if ((a = json_array()) == NULL)
		errx(1, "out of memory");
	for (i = 0; i < l->n; i++)
		if (json_array_append_new(a, event_json(&l->v[i])) == -1)
			errx(1, "out of memory");
	if ((doc = json_pack("{s:s, s:I, s:I, s:o, s:I}", "iface", sc->iface,
	    "from", (json_int_t)sc->from, "to", (json_int_t)sc->to,
	    "events", a, "skipped_lines", (json_int_t)l->bad)) == NULL)
		errx(1, "out of memory");
	rv = json_dumpf(doc, stdout, BW_JSON_DUMPFLAGS) == -1 ||
	    putchar('\n') == EOF ? -1 : 0;
	json_decref(doc);
	return rv;
}

static void
print_event(const struct bw_event *e)
{
	char	when[BW_FMTLEN], end[BW_FMTLEN], r[BW_FMTLEN], b[BW_FMTLEN];
	char	who[NAMEW * 4 + 1], name[NAMEW * 4 + 32];
	char	src[BW_EV_ADDRSZ * 4], dst[BW_EV_ADDRSZ * 4];

	if (e->top[0] == '\0')
		(void)snprintf(name, sizeof(name), "-");
	else if (e->top_pid > 0) {
		(void)bw_fmt_name(who, sizeof(who), e->top, NAMEW - 9, 0);
		(void)snprintf(name, sizeof(name), "%s[%lld]", who,
		    e->top_pid);
	} else
		(void)bw_fmt_name(name, sizeof(name), e->top, NAMEW, 0);
	(void)printf("%s  %-5s %10s  %-*s", bw_fmt_time(when, sizeof(when),
	    (int64_t)floor(e->ts), TIMEFMT), e->kind == BW_EV_SPIKE ?
	    "spike" : "alert", isnan(e->rate_bps) ? "-" :
	    bw_fmt_bps(r, sizeof(r), e->rate_bps), NAMEW, name);
	if (e->src[0] != '\0') {
		(void)bw_fmt_name(src, sizeof(src), e->src, BW_EV_ADDRSZ, 0);
		(void)bw_fmt_name(dst, sizeof(dst), e->dst, BW_EV_ADDRSZ, 0);
		(void)printf("  %s %s > %s", e->proto[0] != '\0' ? e->proto :
		    "?", src, dst);
		if (!isnan(e->flow_bytes))
			(void)printf(" %s", bw_fmt_bytes(b, sizeof(b),
			    e->flow_bytes));
	} else
		(void)printf("  -");
	if (e->kind == BW_EV_ALERT && e->cleared)
		(void)printf("  (until %s)", bw_fmt_time(end, sizeof(end),
		    (int64_t)floor(e->cleared_at), TIMEFMT));
	else if (e->kind == BW_EV_ALERT)
		(void)printf("  (still open)");
	(void)printf("\n");
}

static void
print_text(const struct ev_query *q, const struct bw_evlist *l)
{
	const struct hq_scope	*sc = &q->sc;
	char			 f[BW_FMTLEN], t[BW_FMTLEN];
	size_t			 i;

	if (sc->from <= 0)
		(void)printf("%s: spikes and alerts, all history\n", sc->iface);
	else
		(void)printf("%s: spikes and alerts, %s%s%s to %s\n",
		    sc->iface, q->what != NULL ? q->what : "", q->what != NULL ?
		    ", " : "", bw_fmt_time(f, sizeof(f), sc->from,
		    "%Y-%m-%d %H:%M"), bw_fmt_time(t, sizeof(t), sc->to,
		    "%Y-%m-%d %H:%M"));
	if (l->n == 0)
		(void)printf("none%s\n", !l->spikes && !l->alerts ?
		    ": bwprocs has recorded no spike or alert on this "
		    "interface yet" : "");
	else
		(void)printf("%-19s  %-5s %10s  %-*s  %s\n", "time", "event",
		    "rate", NAMEW, "top process", "top flow, its bytes");
	for (i = 0; i < l->n; i++)
		print_event(&l->v[i]);
	if (l->n > 0)
		(void)printf("rate: a spike's second; an alert's average over "
		    "its window\n");
	if (l->bad > 0)
		(void)printf("(%zu unreadable line%s of the logs skipped)\n",
		    l->bad, l->bad == 1 ? "" : "s");
}

/* Print the events of the window; 0, or -1 when stdout fails. */
int
events_show(const struct ev_query *q)
{
	const struct hq_scope	*sc = &q->sc;
	struct bw_evlist	 l;
	int			 rv = 0;

	if (bw_events_list(sc->dirfd, sc->iface, sc->from, sc->to, &l) == -1)
		err(1, "%s: the spike and alert logs of %s", sc->dir,
		    sc->iface);
	if (q->json)
		rv = print_json(q, &l);
	else
		print_text(q, &l);
	bw_evlist_free(&l);
	return rv;
}
