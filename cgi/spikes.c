/*
 * spikes.cgi: /api/spikes?iface=&range= -- the spikes bwprocs recorded
 * in spikes_<iface>.jsonl over a range, one summary each (time, rates,
 * trigger, the top process), oldest first, for markers on the history
 * chart.  When the range holds more than SPIKES_MAX, the largest are
 * kept and "truncated" says so.  /api/spike gives one whole record.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"

#define SPIKES_MAX	500

/* A spike in range: only its summary is kept, not the whole record. */
struct spike {
	double	 ts;
	double	 size;		/* total_bps, else rx + tx */
	json_t	*sum;
};

struct list {
	double		 from, to;
	struct spike	*v;
	size_t		 n, cap, total;
};

static double
spike_size(const json_t *o)
{
	double	t = bw_json_num(o, "total_bps"), rx, tx;

	if (!isnan(t))
		return t;
	rx = bw_json_num(o, "rx_bps");
	tx = bw_json_num(o, "tx_bps");
	return (isnan(rx) ? 0 : rx) + (isnan(tx) ? 0 : tx);
}

static int
by_size_desc(const void *a, const void *b)
{
	const struct spike	*x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int
by_time(const void *a, const void *b)
{
	const struct spike	*x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void
drop_smallest(struct list *l)
{
	size_t	i;

	qsort(l->v, l->n, sizeof(*l->v), by_size_desc);
	for (i = SPIKES_MAX; i < l->n; i++)
		json_decref(l->v[i].sum);
	l->n = SPIKES_MAX;
}

static void
free_list(struct list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		json_decref(l->v[i].sum);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* The name of the first process in "top", the biggest talker. */
static json_t *
top_name(const json_t *o)
{
	const json_t	*top = json_object_get(o, "top");

	if (!json_is_array(top) || json_array_size(top) == 0)
		return json_null();
	return cgi_str(json_object_get(json_array_get(top, 0), "name"));
}

static json_t *
summary(const json_t *o, double ts, double size)
{
	return json_pack("{s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "ts", ts,
	    "total_bps", cgi_rate(size),
	    "rx_bps", cgi_rate(bw_json_num(o, "rx_bps")),
	    "tx_bps", cgi_rate(bw_json_num(o, "tx_bps")),
	    "avg_bps", cgi_rate(bw_json_num(o, "avg_bps")),
	    "trigger", cgi_str(json_object_get(o, "trigger")),
	    "top", top_name(o),
	    "coverage", cgi_num(json_object_get(o, "coverage")));
}

/* Keep every record in range, trimming to the largest as the list grows. */
static int
collect(json_t *o, double ts, void *arg)
{
	struct list	*l = arg;
	struct spike	*nv;

	if (ts < l->from || ts >= l->to)
		return 0;
	l->total++;
	if (l->n == l->cap && l->n >= 4 * SPIKES_MAX)
		drop_smallest(l);
	if ((nv = bw_grow(l->v, l->n, &l->cap, 64, sizeof(*nv))) == NULL)
		return -1;
	l->v = nv;
	l->v[l->n].ts = ts;
	l->v[l->n].size = spike_size(o);
	if ((l->v[l->n].sum = summary(o, ts, l->v[l->n].size)) == NULL)
		return -1;
	l->n++;
	return 0;
}

int
main(void)
{
	static const char *const keys[] = { "iface", "range", NULL };
	struct cgi	 c;
	struct list	 l;
	json_t		*arr, *doc;
	const char	*range;
	size_t		 bad, i;
	int64_t		 secs;
	int		 saved;

	cgi_init(&c, keys);
	cgi_iface(&c);
	secs = cgi_range(&c, "24h", &range);
	memset(&l, 0, sizeof(l));
	cgi_event_range(&c, secs, &l.from, &l.to);
	if (cgi_jsonl(&c, BW_SPIKES, c.iface, collect, &l, &bad) == -1) {
		saved = errno;
		free_list(&l);
		cgi_file_fail(&c, BW_SPIKES, saved,
		    cgi_bwprocs_hint(&c, BW_SPIKES));
	}
	if (l.n > SPIKES_MAX)
		drop_smallest(&l);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), by_time);
	if ((arr = json_array()) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < l.n; i++)
		if (json_array_append(arr, l.v[i].sum) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	doc = json_pack("{s:s, s:s, s:o, s:o, s:I, s:b, s:i, s:I, s:o}",
	    "iface", c.iface,
	    "range", range,
	    "from", secs > 0 ? json_integer((json_int_t)l.from) : json_null(),
	    "to", secs > 0 ? json_integer((json_int_t)l.to) : json_null(),
	    "count", (json_int_t)l.total,
	    "truncated", l.total > l.n,
	    "limit", SPIKES_MAX,
	    "skipped_lines", (json_int_t)bad,
	    "spikes", arr);
	free_list(&l);
	cgi_send_json(&c, 200, CGI_SHORT, doc);
}
