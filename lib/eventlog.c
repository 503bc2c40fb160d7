/*
 * The spike and alert logs: append, trim, read back the last record,
 * walk and count.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "eventlog.h"
#include "fileio.h"
#include "logfile.h"
#include "util.h"

#define LAST_TAIL	(256 << 10)	/* bytes read back for the last record */

/*
 * Call fn for each record of the log text buf[0..len): a line that is a
 * JSON object with a numeric "ts".  Blank, garbage and torn lines are
 * counted in *bad.  Returns 1 when fn stopped the walk, else 0.
 */
int
bw_jsonl_walk(const char *buf, size_t len, bw_jsonl_fn fn, void *arg,
    size_t *bad)
{
	json_error_t	 jerr;
	json_t		*o, *v;
	const char	*p, *end = buf + len, *nl;
	int		 stop = 0;

	*bad = 0;
	for (p = buf; p < end && !stop; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			(*bad)++;	/* torn: the writer died mid-line */
			break;
		}
		o = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
		    &jerr);
		if (o == NULL || !json_is_object(o) ||
		    !json_is_number(v = json_object_get(o, "ts")) ||
		    !isfinite(json_number_value(v)))
			(*bad)++;
		else if (fn(o, json_number_value(v), arg) == -1)
			stop = 1;
		json_decref(o);
	}
	return stop;
}

/*
 * Read the whole log of a kind (BW_SPIKES, BW_ALERTS) of iface in the
 * directory open on dirfd, at most BW_EVENTS_MAX bytes.  -1 with errno:
 * ENOENT when there is none yet, EINVAL when it is not a regular file,
 * EFBIG when it is larger.
 */
int
bw_events_read(int dirfd, enum bw_kind k, const char *iface, char **bufp,
    size_t *lenp)
{
	return bw_kind_read(dirfd, k, iface, BW_EVENTS_MAX, bufp, lenp);
}

/* bw_jsonl_walk() over a log; -1 with errno when it cannot be read. */
int
bw_events_walk(int dirfd, enum bw_kind k, const char *iface, bw_jsonl_fn fn,
    void *arg, size_t *bad)
{
	char	*buf;
	size_t	 len;

	*bad = 0;
	if (bw_events_read(dirfd, k, iface, &buf, &len) == -1)
		return -1;
	(void)bw_jsonl_walk(buf, len, fn, arg, bad);
	free(buf);
	return 0;
}

struct count {
	const char		*event;
	double			 from, to;
	struct bw_evcount	*c;
};

static int
count_one(json_t *o, double ts, void *arg)
{
	struct count	*k = arg;
	json_t		*v;

	if (ts < k->from || ts >= k->to)
		return 0;
	if (k->event != NULL && (!json_is_string(v = json_object_get(o,
	    "event")) || strcmp(json_string_value(v), k->event) != 0))
		return 0;
	k->c->n++;
	return 0;
}

/*
 * Count the records of a log whose "ts" lies in [from, to) and, when
 * event is not NULL, whose "event" equals it.  -1 with errno when the
 * log cannot be read (ENOENT: no such log yet).
 */
int
bw_events_count(int dirfd, enum bw_kind k, const char *iface,
    const char *event, int64_t from, int64_t to, struct bw_evcount *c)
{
	struct count	arg = { event, (double)from, (double)to, c };

	memset(c, 0, sizeof(*c));
	return bw_events_walk(dirfd, k, iface, count_one, &arg, &c->bad);
}

static int	last_at(int, const char *, struct json_t **);

static int
keep_last(json_t *o, double ts, void *arg)
{
	json_t	**last = arg;

	(void)ts;
	json_decref(*last);
	*last = json_incref(o);
	return 0;
}

/*
 * The last record of the log at path, to resume from: the tail is read
 * first and, when no record parses there (a huge torn line), the whole
 * file.  1 and *recp (the caller's to json_decref()) when there is one,
 * 0 when there is none, -1 with errno when the log cannot be read
 * (ENOENT: none yet).
 */
int
bw_events_last(const char *path, struct json_t **recp)
{
	return last_at(AT_FDCWD, path, recp);
}

static int
last_at(int dirfd, const char *path, struct json_t **recp)
{
	struct stat	 st;
	char		*buf = NULL, *p;
	size_t		 len, bad;
	int		 fd, saved;
	json_t		*last = NULL;

	*recp = NULL;
	if ((fd = bw_data_open(dirfd, path)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (buf = malloc(LAST_TAIL + 1)) == NULL ||
	    bw_read_tail(fd, LAST_TAIL, buf, &len) == -1)
		goto fail;
	/* The tail's first line is likely a part of one: from the next. */
	p = buf;
	if ((off_t)len < st.st_size && (p = memchr(buf, '\n', len)) != NULL)
		p++;
	if (p != NULL)
		(void)bw_jsonl_walk(p, len - (size_t)(p - buf), keep_last,
		    &last, &bad);
	free(buf);
	buf = NULL;
	if (last == NULL && st.st_size > LAST_TAIL) {
		if (lseek(fd, 0, SEEK_SET) == -1 ||
		    bw_read_fd(fd, BW_EVENTS_MAX, &buf, &len) == -1)
			goto fail;
		(void)bw_jsonl_walk(buf, len, keep_last, &last, &bad);
		free(buf);
	}
	(void)close(fd);
	*recp = last;
	return last != NULL;
fail:
	saved = errno;
	free(buf);
	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * Append a record line (ending in '\n') to the log at path.  The log's
 * size after, or -1 with errno.
 */
off_t
bw_events_append(const char *path, const char *line, size_t len)
{
	struct bw_log	l;
	off_t		size;
	int		saved;

	if (bw_log_open(path, &l) == -1)
		return -1;
	size = bw_log_write(&l, line, len) == 0 ? l.size : -1;
	saved = errno;
	bw_log_close(&l);
	errno = saved;
	return size;
}

/*
 * Drop the records older than cutoff and, above cap bytes, the oldest,
 * down to three quarters of it.  Lines without a readable "ts" stay
 * (they are not ours to judge), except to the cap.
 */
int
bw_events_trim(const char *path, double cutoff, size_t cap, size_t *dropped)
{
	return bw_log_trim(path, bw_line_json_ts, cutoff, cap, dropped);
}

/* ---- spikes and alerts as people are shown them ---- */

#define TS_SLACK	0.001	/* fired_at is a float copied from ts */

/* A record's number at key, or NAN when it has none (or not finite). */
double
bw_json_num(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return json_is_number(v) && isfinite(json_number_value(v)) ?
	    json_number_value(v) : NAN;
}

static void
str(char *buf, size_t size, const json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	(void)snprintf(buf, size, "%s", v != NULL ? v : "");
}

/* "192.0.2.1:443", "[2001:db8::1]:443", or just the address. */
static void
endpoint(char *buf, size_t size, const json_t *f, const char *addr,
    const char *port)
{
	const char	*a = json_string_value(json_object_get(f, addr));
	const json_t	*p = json_object_get(f, port);

	if (a == NULL)
		buf[0] = '\0';
	else if (!json_is_integer(p))
		(void)snprintf(buf, size, "%s", a);
	else
		(void)snprintf(buf, size, strchr(a, ':') != NULL ? "[%s]:%lld" :
		    "%s:%lld", a, (long long)json_integer_value(p));
}

/* Who: the first row of "top" and the first of "top_flows". */
static void
event_who(struct bw_event *e, const json_t *o)
{
	const json_t	*r = json_array_get(json_object_get(o, "top"), 0);
	const json_t	*f = json_array_get(json_object_get(o, "top_flows"),
			    0);
	const json_t	*pid;

	e->flow_bytes = NAN;
	if (json_is_object(r)) {
		str(e->top, sizeof(e->top), r, "name");
		pid = json_object_get(r, "pid");
		e->top_pid = json_is_integer(pid) ? json_integer_value(pid) : 0;
	}
	if (!json_is_object(f))
		return;
	str(e->proto, sizeof(e->proto), f, "proto");
	endpoint(e->src, sizeof(e->src), f, "src", "sport");
	endpoint(e->dst, sizeof(e->dst), f, "dst", "dport");
	str(e->flow_name, sizeof(e->flow_name), f, "name");
	/* v1's flows have their lifetime bytes only. */
	if (isnan(e->flow_bytes = bw_json_num(f, "window_bytes")))
		e->flow_bytes = bw_json_num(f, "bytes");
}

static struct bw_event *
add_event(struct bw_evlist *l, enum bw_evkind kind, double ts)
{
	struct bw_event	*v;

	if ((v = bw_grow(l->v, l->n, &l->cap, 32, sizeof(*v))) == NULL)
		return NULL;
	l->v = v;
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->ts = ts;
	v->rate_bps = v->flow_bytes = v->cleared_at = NAN;
	return v;
}

struct listing {
	struct bw_evlist	*l;
	double			 from, to;
};

static int
list_spike(json_t *o, double ts, void *arg)
{
	struct listing	*k = arg;
	struct bw_event	*e;

	if (ts < k->from || ts >= k->to)
		return 0;
	if ((e = add_event(k->l, BW_EV_SPIKE, ts)) == NULL)
		return -1;
	e->rate_bps = bw_json_num(o, "total_bps");
	event_who(e, o);
	return 0;
}

/*
 * Every FIRED, and the CLEARED that ends it (it names its FIRED by
 * "fired_at"); which overlap the range is decided after the walk.
 */
static int
list_alert(json_t *o, double ts, void *arg)
{
	struct listing	*k = arg;
	struct bw_event	*e;
	const char	*ev = json_string_value(json_object_get(o, "event"));
	double		 at;
	size_t		 i;

	if (ev != NULL && strcmp(ev, "FIRED") == 0 && ts < k->to) {
		if ((e = add_event(k->l, BW_EV_ALERT, ts)) == NULL)
			return -1;
		e->rate_bps = bw_json_num(o, "rolling_avg_bps");
		event_who(e, o);
	} else if (ev != NULL && strcmp(ev, "CLEARED") == 0 &&
	    !isnan(at = bw_json_num(o, "fired_at")))
		for (i = k->l->n; i > 0; i--) {
			e = &k->l->v[i - 1];
			if (e->kind == BW_EV_ALERT && !e->cleared &&
			    fabs(e->ts - at) <= TS_SLACK) {
				e->cleared = 1;
				e->cleared_at = ts;
				break;
			}
		}
	return 0;
}

static int
oldest_first(const void *x, const void *y)
{
	const struct bw_event	*a = x, *b = y;

	return a->ts < b->ts ? -1 : a->ts > b->ts;
}

/*
 * The spikes whose second lies in [from, to) and the alerts that were
 * open some time in it, oldest first.  A log that does not exist yet
 * is none (l->spikes or l->alerts 0).  0, or -1 with errno.
 */
int
bw_events_list(int dirfd, const char *iface, int64_t from, int64_t to,
    struct bw_evlist *l)
{
	struct listing	 k = { l, (double)from, (double)to };
	size_t		 bad, i, j;
	int		 saved;

	memset(l, 0, sizeof(*l));
	if (bw_events_walk(dirfd, BW_SPIKES, iface, list_spike, &k,
	    &bad) == 0)
		l->spikes = 1;
	else if (errno != ENOENT)
		goto fail;
	l->bad = bad;
	i = l->n;
	if (bw_events_walk(dirfd, BW_ALERTS, iface, list_alert, &k,
	    &bad) == 0)
		l->alerts = 1;
	else if (errno != ENOENT)
		goto fail;
	l->bad += bad;
	/* Keep the alerts still open at from, or fired after it. */
	for (j = i; i < l->n; i++)
		if (l->v[i].ts >= k.from || !l->v[i].cleared ||
		    l->v[i].cleared_at >= k.from)
			l->v[j++] = l->v[i];
	l->n = j;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), oldest_first);
	return 0;
fail:
	saved = errno;
	bw_evlist_free(l);
	errno = saved;
	return -1;
}

void
bw_evlist_free(struct bw_evlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Whether an alert of iface is open: the last record of its log is a
 * FIRED.  1 and *e when it is, 0 when not (or no log), -1 with errno.
 */
int
bw_alert_open(int dirfd, const char *iface, struct bw_event *e)
{
	char		 name[256];
	json_t		*o;
	const char	*ev;
	int		 rv;

	if (bw_kind_file(name, sizeof(name), BW_ALERTS, iface) == -1)
		return -1;
	if ((rv = last_at(dirfd, name, &o)) <= 0)
		return rv == -1 && errno == ENOENT ? 0 : rv;
	ev = json_string_value(json_object_get(o, "event"));
	rv = ev != NULL && strcmp(ev, "FIRED") == 0;
	if (rv) {
		memset(e, 0, sizeof(*e));
		e->kind = BW_EV_ALERT;
		e->ts = bw_json_num(o, "ts");
		e->rate_bps = bw_json_num(o, "rolling_avg_bps");
		e->cleared_at = NAN;
		event_who(e, o);
	}
	json_decref(o);
	return rv;
}
