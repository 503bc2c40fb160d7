/*
 * Spikes and sustained alerts.  Each one-second sample of the interface
 * is held against rolling averages of the samples before it; a spike, or
 * an alert that fires or clears, appends a record of who moved the bytes
 * to spikes_<iface>.jsonl or alerts_<iface>.jsonl, and may run
 * alert_command with the record on its standard input.  A spike names
 * who moved the bytes of its second (the process rows over it, the flows
 * of the last seconds); an alert, which fires on the window's average,
 * who moved the bytes of the whole window (window.c), since its last
 * second may be quiet.  Both give what conntrack knows of the flows and
 * every interface's rates.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alertrun.h"
#include "ct.h"
#include "datadir.h"
#include "eventlog.h"
#include "events.h"
#include "output.h"
#include "table.h"
#include "conf.h"
#include "fileio.h"
#include "fmt.h"
#include "log.h"
#include "netdev.h"
#include "util.h"
#include "window.h"

#define CT_RECHECK	60.0	/* seconds between conntrack status checks */
#define TRIM_EVERY	86400.0	/* seconds between retention trims */

#define EV_RING		3600	/* one-second samples kept */
#define EV_TOP		20	/* rows in a record */

struct ifrate {
	char		name[BW_IFNAMSIZ];
	uint64_t	rx, tx;		/* the counters last read */
	double		rx_bps, tx_bps;
	int		seen;
};

struct events {
	const char	*iface;
	const struct bw_conf *conf;
	char		 spikes_path[4096], alerts_path[4096];
	struct ct	*ct;
	int		 ct_logged;	/* the status last logged; -1 */
	double		 ct_checked;
	double		 tot[EV_RING], rx[EV_RING], tx[EV_RING];
	int		 head, n;	/* head: the next slot */
	double		 spike_mono;	/* the last spike; 0: none */
	int		 open;		/* an alert fired, not cleared */
	double		 fired_at, peak;
	int		 below;		/* seconds under the clear level */
	struct alertrun	*ar;		/* runs alert_command */
	char		*envbuf;	/* alert_env's text, split in place */
	char		**envv;		/* its "KEY=VALUE" strings */
	size_t		 nenv;
	double		 next_trim;	/* monotonic */
	double		 mark_mono;	/* rows marked */
	struct ifrate	*ifs;
	size_t		 nifs;
	double		 ifs_mono;
	struct whowin	*ww;		/* who moved the window's bytes */
	uint64_t	 spikes, fired, cleared;
};

/* ---- the files ---- */

/* Say what went wrong with a log, in words for the usual cases. */
static void
log_file_error(const char *path, const char *what)
{
	if (errno == EINVAL || errno == ELOOP)
		log_warnx("%s: not a regular file; %s", path, what);
	else
		log_warn("%s: %s", path, what);
}

static void
trim_one(const char *path, double cutoff, size_t cap)
{
	size_t	dropped;

	if (bw_events_trim(path, cutoff, cap, &dropped) == -1)
		log_file_error(path, "not trimmed");
	else if (dropped > 0)
		log_info("%s: trimmed by %zu bytes", path, dropped);
}

static void
trim_both(struct events *ev)
{
	double	cutoff = bw_now() -
	    (double)ev->conf->events_retention_days * 86400;
	size_t	cap = (size_t)ev->conf->events_max_mb << 20;

	trim_one(ev->spikes_path, cutoff, cap);
	trim_one(ev->alerts_path, cutoff, cap);
}

/*
 * After a restart (even from SIGKILL), an alert whose FIRED is the last
 * record of the file is still open: it must clear, not fire again.
 */
static void
resume(struct events *ev)
{
	json_t		*j, *v;
	const char	*event;

	if (bw_events_last(ev->alerts_path, &j) == -1) {
		if (errno != ENOENT)
			log_file_error(ev->alerts_path, "cannot tell whether "
			    "an alert is open");
		return;
	}
	if (j == NULL)
		return;
	event = json_string_value(json_object_get(j, "event"));
	if (event != NULL && strcmp(event, "FIRED") == 0) {
		ev->open = 1;
		ev->fired_at = json_number_value(json_object_get(j, "ts"));
		v = json_object_get(j, "peak_bps_in_window");
		ev->peak = json_is_number(v) ? json_number_value(v) : 0;
		log_info("%s: alert open since %.0f (the last record of %s): "
		    "it clears, it does not fire again", ev->iface,
		    ev->fired_at, ev->alerts_path);
	}
	json_decref(j);
}

/* ---- conntrack ---- */

static int
ct_check(struct events *ev, double mono)
{
	int	st;

	st = ct_status(ev->ct);
	ev->ct_checked = mono;
	if (st == ev->ct_logged)
		return st;
	if (st == CT_OK)
		log_info("%s: conntrack: ok", ev->iface);
	else if (st == CT_UNAVAILABLE)
		log_warnx("%s: conntrack: unavailable (%s): records will "
		    "list flows without their state and lifetime counters; "
		    "%s", ev->iface, ct_status_why(ev->ct),
		    ct_status_fix(st));
	else if (st == CT_INACTIVE)
		log_warnx("%s: conntrack: inactive (it tracks no flow in this "
		    "network namespace yet): records will list flows without "
		    "their state and lifetime counters; if this lasts: %s",
		    ev->iface, ct_status_fix(st));
	else
		log_warnx("%s: conntrack: %s: records will list flows without "
		    "their lifetime counters; %s", ev->iface,
		    ct_status_name(st), ct_status_fix(st));
	ev->ct_logged = st;
	return st;
}

/* ---- records ---- */

static uint64_t
row_recent(const struct row *r)
{
	return r->tx + r->itx - r->mtx + r->rx + r->irx - r->mrx;
}

static int
row_cmp(const void *x, const void *y)
{
	uint64_t	a = row_recent(*(const struct row *const *)x);
	uint64_t	b = row_recent(*(const struct row *const *)y);

	return a < b ? 1 : a > b ? -1 : 0;
}

/*
 * The rows over the last sample, busiest first: "top", and "coverage",
 * the share of the interface's bytes the process rows explain.
 */
static int
add_rows(json_t *rec, struct table *t, double dt, uint64_t ifbytes)
{
	const struct row **v, *r;
	json_t		 *a;
	size_t		  n = 0, i;
	uint64_t	  procbytes = 0;
	double		  cov;

	if ((v = calloc(tab_nrows(t) + U_NROWS, sizeof(*v))) == NULL)
		return -1;
	for (r = tab_row_first(t); r != NULL; r = tab_row_next(t, r))
		if (row_recent(r) > 0) {
			v[n++] = r;
			if (r->kind == ROW_PROC)
				procbytes += row_recent(r);
		}
	qsort(v, n, sizeof(*v), row_cmp);
	if ((a = json_array()) == NULL) {
		free(v);
		return -1;
	}
	for (i = 0; i < n && i < EV_TOP; i++)
		if (json_array_append_new(a, out_row_json(v[i],
		    (double)(v[i]->tx + v[i]->itx - v[i]->mtx) * 8 / dt,
		    (double)(v[i]->rx + v[i]->irx - v[i]->mrx) * 8 / dt)) == -1)
			break;
	free(v);
	cov = ifbytes > 0 ? (double)procbytes / (double)ifbytes : -1;
	if (cov > 1)
		cov = 1;
	return out_set(rec, "top", a) || out_set(rec, "coverage", cov < 0 ?
	    json_null() : json_real((double)(long long)(cov * 1e4 + 0.5) /
	    1e4)) ? -1 : 0;
}

static json_t *
ifrates_json(const struct events *ev)
{
	json_t	*o, *r;
	size_t	 i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < ev->nifs; i++) {
		if (!ev->ifs[i].seen)
			continue;
		if ((r = json_object()) == NULL ||
		    out_set(r, "rx_bps", out_real(ev->ifs[i].rx_bps, 10)) ||
		    out_set(r, "tx_bps", out_real(ev->ifs[i].tx_bps, 10)) ||
		    out_set(o, ev->ifs[i].name, r)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

struct flowref {
	const struct conn	*c;
	uint64_t		 bytes;
};

/* A flow as a record lists it: from a connection or a window entry. */
struct flowinfo {
	uint8_t			 family, proto, opener;
	const struct endp	*a, *b;
	pid_t			 pid;		/* 0: no process */
	const char		*name;
};

static int
flow_cmp(const void *x, const void *y)
{
	uint64_t	a = ((const struct flowref *)x)->bytes;
	uint64_t	b = ((const struct flowref *)y)->bytes;

	return a < b ? 1 : a > b ? -1 : 0;
}

static json_t *
flow_json(struct events *ev, const struct flowinfo *c, uint64_t recent,
    int ctst)
{
	struct ctflow		 f;
	const struct endp	*src, *dst;
	char			 sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	int			 af = c->family == 6 ? AF_INET6 : AF_INET;
	int			 known;
	json_t			*o;

	memset(&f, 0, sizeof(f));
	f.family = c->family;
	f.proto = c->proto;
	memcpy(f.a, c->a->addr, 16);
	memcpy(f.b, c->b->addr, 16);
	f.aport = c->a->port;
	f.bport = c->b->port;
	if (ctst != CT_UNAVAILABLE && ctst != CT_INACTIVE &&
	    ct_lookup(ev->ct, &f) == -1)
		f.found = 0;
	/* The side that opened the flow is the source. */
	if (f.found)
		known = f.a_is_orig;
	else
		known = c->opener != OPEN_B;
	src = known ? c->a : c->b;
	dst = known ? c->b : c->a;
	if (inet_ntop(af, src->addr, sa, sizeof(sa)) == NULL ||
	    inet_ntop(af, dst->addr, da, sizeof(da)) == NULL)
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	if (out_set(o, "family", json_string(c->family == 6 ? "ipv6" :
	    "ipv4")) ||
	    out_set(o, "proto", json_string(c->proto == IPPROTO_TCP ? "tcp" :
	    "udp")) ||
	    out_set(o, "state", f.found && f.state[0] != '\0' ?
	    json_string(f.state) : json_null()) ||
	    out_set(o, "src", json_string(sa)) ||
	    out_set(o, "sport", json_integer(src->port)) ||
	    out_set(o, "dst", json_string(da)) ||
	    out_set(o, "dport", json_integer(dst->port)) ||
	    out_set(o, "window_bytes", out_bytes(recent)) ||
	    out_set(o, "bytes", f.found && f.counters ? out_bytes(f.bytes) :
	    json_null()) ||
	    out_set(o, "packets", f.found && f.counters ? out_bytes(f.packets) :
	    json_null()) ||
	    out_set(o, "pid", c->pid != 0 ? json_integer(c->pid) :
	    json_null()) ||
	    out_set(o, "name", c->pid != 0 && c->name != NULL ?
	    json_string(c->name) : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The flows that moved the most bytes in the last epochs, from the
 * capture's own counts; conntrack is asked about each listed one by its
 * tuple.  The connection list is in order of last use: the walk stops
 * at the first one quiet for two epochs.
 */
static int
add_flows(struct events *ev, json_t *rec, const struct table *t,
    double now, int ctst)
{
	struct flowref	*v;
	struct flowinfo	 fi;
	const struct conn *c;
	const struct row *r;
	json_t		*a, *f;
	size_t		 n = 0, cap = 256, i, max;
	uint64_t	 recent;
	double		 since = now - 2 * FLOW_EPOCH - 1;

	max = (size_t)ev->conf->max_flows_per_spike;
	if ((v = malloc(cap * sizeof(*v))) == NULL)
		return -1;
	for (c = tab_conns_first(t); c != NULL && c->last >= since;
	    c = tab_conns_next(c)) {
		if ((recent = tab_conn_recent(c, now)) == 0)
			continue;
		if (n == cap) {
			struct flowref	*nv;

			if ((nv = realloc(v, 2 * cap * sizeof(*v))) == NULL)
				break;
			v = nv;
			cap *= 2;
		}
		v[n].c = c;
		v[n++].bytes = recent;
	}
	qsort(v, n, sizeof(*v), flow_cmp);
	if ((a = json_array()) == NULL) {
		free(v);
		return -1;
	}
	for (i = 0; i < n && i < max; i++) {
		c = v[i].c;
		r = c->owner;
		fi.family = c->family;
		fi.proto = c->proto;
		fi.opener = c->opener;
		fi.a = &c->a;
		fi.b = &c->b;
		fi.pid = r != NULL && r->kind == ROW_PROC ? r->pid : 0;
		fi.name = fi.pid != 0 ? r->info.name : NULL;
		if ((f = flow_json(ev, &fi, v[i].bytes, ctst)) != NULL &&
		    json_array_append_new(a, f) == -1)
			break;
	}
	free(v);
	/* Seconds since the previous epoch began. */
	return out_set(rec, "flows_window_s", json_real((double)(long long)
	    ((now - ((double)(long long)(now / FLOW_EPOCH) - 1) *
	    FLOW_EPOCH) * 10) / 10)) || out_set(rec, "top_flows", a) ? -1 : 0;
}

/*
 * Who moved the bytes of a spike's second: rows, interfaces, flows,
 * conntrack's status.
 */
static int
add_who(struct events *ev, json_t *rec, struct table *t, double now,
    double mono, double secs, uint64_t ifbytes)
{
	double	dt = ev->mark_mono > 0 ? mono - ev->mark_mono : secs;
	int	ctst;

	if (dt < 0.1)
		dt = 0.1;
	ctst = ct_check(ev, mono);
	if (out_set(rec, "who", json_string("second")) ||
	    add_rows(rec, t, dt, ifbytes) == -1 ||
	    out_set(rec, "iface_rates", ifrates_json(ev)) ||
	    add_flows(ev, rec, t, now, ctst) == -1 ||
	    out_set(rec, "conntrack", json_string(ct_status_name(ctst))))
		return -1;
	return 0;
}

/*
 * A row of the window: as the table has it now, else (the process is
 * gone) its name and pid; with its bytes in the window and its rates
 * over it.
 */
static json_t *
window_row_json(const struct table *t, const struct wentry *e, double span)
{
	const struct row	*r;
	struct row		 gone;
	json_t			*o;

	if (e->unattr >= 0)
		r = tab_unattr(t, e->unattr);
	else if ((r = tab_row_find(t, e->pid, e->start)) == NULL) {
		memset(&gone, 0, sizeof(gone));
		gone.kind = ROW_PROC;
		gone.pid = e->pid;
		gone.info.uid = -1;
		gone.info.name = (char *)(uintptr_t)e->name;
		r = &gone;
	}
	if ((o = out_row_json(r, (double)e->tx * 8 / span,
	    (double)e->rx * 8 / span)) == NULL)
		return NULL;
	if (out_set(o, "window_tx_bytes", out_bytes(e->tx)) ||
	    out_set(o, "window_rx_bytes", out_bytes(e->rx)) ||
	    (r == &gone && (out_set(o, "tx_bytes", json_null()) ||
	    out_set(o, "rx_bytes", json_null()) ||
	    out_set(o, "inferred_bytes", json_null()) ||
	    out_set(o, "gone", json_true())))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Who moved the bytes of the alert window (the last span seconds):
 * "top", "coverage" and "top_flows" over it, as add_who gives them over
 * a spike's second; ifbytes is the interface's bytes in it.
 */
static int
add_who_window(struct events *ev, json_t *rec, struct table *t,
    double mono, double span, double ifbytes)
{
	const struct wentry	**v = NULL;
	struct flowinfo		  fi;
	json_t			 *a, *f;
	uint64_t		  procbytes = 0;
	ssize_t			  n, i;
	double			  cov;
	int			  ctst;

	if (span < 1)
		span = 1;
	ctst = ct_check(ev, mono);
	if (out_set(rec, "who", json_string("window")) ||
	    out_set(rec, "who_window_s", json_real((double)(long long)
	    (span * 10) / 10)) || (a = json_array()) == NULL)
		return -1;
	if ((n = ww_top(ev->ww, 0, &v)) == -1) {
		json_decref(a);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i]->unattr < 0)
			procbytes += v[i]->rx + v[i]->tx;
		if (i < EV_TOP && (f = window_row_json(t, v[i], span)) !=
		    NULL && json_array_append_new(a, f) == -1)
			break;
	}
	free(v);
	cov = ifbytes > 0 ? (double)procbytes / ifbytes : -1;
	if (cov > 1)
		cov = 1;
	if (out_set(rec, "top", a) || out_set(rec, "coverage", cov < 0 ?
	    json_null() : json_real((double)(long long)(cov * 1e4 + 0.5) /
	    1e4)) || out_set(rec, "iface_rates", ifrates_json(ev)) ||
	    (a = json_array()) == NULL)
		return -1;
	if ((n = ww_top(ev->ww, 1, &v)) == -1) {
		json_decref(a);
		return -1;
	}
	for (i = 0; i < n && i < (ssize_t)ev->conf->max_flows_per_spike;
	    i++) {
		fi.family = v[i]->family;
		fi.proto = v[i]->proto;
		fi.opener = v[i]->opener;
		fi.a = &v[i]->a;
		fi.b = &v[i]->b;
		fi.pid = v[i]->pid;
		fi.name = v[i]->name;
		if ((f = flow_json(ev, &fi, v[i]->rx + v[i]->tx, ctst)) !=
		    NULL && json_array_append_new(a, f) == -1)
			break;
	}
	free(v);
	if (out_set(rec, "flows_window_s", json_real((double)(long long)
	    (span * 10) / 10)) || out_set(rec, "top_flows", a) ||
	    out_set(rec, "conntrack", json_string(ct_status_name(ctst))))
		return -1;
	return 0;
}

static const char *
top_name(json_t *rec, char *buf, size_t size)
{
	json_t	*r = json_array_get(json_object_get(rec, "top"), 0);

	if (r == NULL)
		return "nothing captured";
	(void)snprintf(buf, size, "%s[%lld]",
	    json_string_value(json_object_get(r, "name")),
	    (long long)json_integer_value(json_object_get(r, "pid")));
	return buf;
}

/* ---- alert_env ---- */

#define ENV_MAX		(64 << 10)	/* bytes of an alert_env file */
#define ENV_VARS	256		/* variables taken from it */

static void
env_clear(struct events *ev)
{
	free(ev->envv);
	free(ev->envbuf);
	ev->envv = NULL;
	ev->envbuf = NULL;
	ev->nenv = 0;
}

/*
 * Split alert_env's text in place into at most max "KEY=VALUE" strings:
 * a line each, blank and '#' lines skipped, an "export " before the key
 * allowed (so that sh(1) may source the same file), and one pair of
 * quotes around the value removed.  A bad line is logged by its number
 * only: the file holds secrets.
 */
static size_t
env_split(const char *path, char *text, char **v, size_t max)
{
	char	*line, *next, *key, *eq, *val;
	size_t	 n = 0, len;
	int	 lineno = 0;

	for (line = text; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		key = line + strspn(line, " \t");
		if (*key == '\0' || *key == '#')
			continue;
		if (strncmp(key, "export", 6) == 0 &&
		    (key[6] == ' ' || key[6] == '\t'))
			key += 6 + strspn(key + 6, " \t");
		eq = key + strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz_0123456789");
		if (eq == key || (*key >= '0' && *key <= '9') || *eq != '=') {
			log_warnx("%s:%d: not KEY=VALUE: line skipped", path,
			    lineno);
			continue;
		}
		val = eq + 1;
		len = strlen(val);
		if (len >= 2 && (val[0] == '"' || val[0] == '\'') &&
		    val[len - 1] == val[0]) {
			memmove(val, val + 1, len - 2);
			val[len - 2] = '\0';
		}
		if (n == max) {
			log_warnx("%s:%d: more than %zu variables: the rest "
			    "skipped", path, lineno, max);
			break;
		}
		v[n++] = key;
	}
	return n;
}

/*
 * Read alert_env: the variables alert_command gets, for tokens that do
 * not belong in the world-readable bwmon.conf.  Read while bwprocs may
 * still read root's files (at start, and on SIGHUP), and only from a
 * regular file of root's (or ours) that no one else may read or write.
 * A file that cannot be used means none at start; on a reload the
 * variables in force stay, as the configuration does.
 */
static void
env_load(struct events *ev, int again)
{
	const char	*path = ev->conf->alert_env;
	const char	*stay = again ? "; the previous variables stay" : "";
	struct stat	 st;
	char		*buf = NULL, **v = NULL;
	size_t		 len, n;
	int		 fd;

	if (path[0] == '\0') {
		env_clear(ev);
		return;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		log_warn("alert_env %s: not read%s", path, stay);
		return;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("alert_env %s: not read%s", path, stay);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("alert_env %s: refused: not a regular file%s", path,
		    stay);
		goto done;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		log_warnx("alert_env %s: refused: owned by uid %u, not root "
		    "(chown root %s)%s", path, (unsigned)st.st_uid, path,
		    stay);
		goto done;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		log_warnx("alert_env %s: refused: mode %03o lets others read "
		    "or change its secrets (chmod 600 %s)%s", path,
		    (unsigned)(st.st_mode & 0777), path, stay);
		goto done;
	}
	if (bw_read_fd(fd, ENV_MAX, &buf, &len) == -1) {
		log_warn("alert_env %s: not read (at most %d kB)%s", path,
		    ENV_MAX >> 10, stay);
		goto done;
	}
	if (memchr(buf, '\0', len) != NULL) {
		log_warnx("alert_env %s: refused: not text%s", path, stay);
		goto done;
	}
	if ((v = calloc(ENV_VARS, sizeof(*v))) == NULL) {
		log_warn("alert_env %s%s", path, stay);
		goto done;
	}
	n = env_split(path, buf, v, ENV_VARS);
	env_clear(ev);
	ev->envbuf = buf;
	ev->envv = v;
	ev->nenv = n;
	buf = NULL;
	v = NULL;
	log_info("%s: alert_command gets %zu variable%s from %s", ev->iface,
	    n, n == 1 ? "" : "s", path);
done:
	free(v);
	free(buf);
	(void)close(fd);
}

/* SIGHUP: the configuration changed; alert_env may have too. */
void
ev_reload(struct events *ev)
{
	env_load(ev, 1);
}

/* ---- alert_command ---- */

/* Hand the record to alert_command's own process (alertrun.c). */
static void
run_command(struct events *ev, const char *event, double ts,
    const char *line, size_t len)
{
	const char	*cmd = ev->conf->alert_command;
	int		 fd;

	if (cmd[0] == '\0')
		return;
	/* The record waits in memory: a slow reader never blocks us. */
	if ((fd = memfd_create("bwmon-event", MFD_CLOEXEC)) == -1 ||
	    bw_write_all(fd, line, len) == -1 || lseek(fd, 0, SEEK_SET) ==
	    -1) {
		log_warn("%s: alert_command: memfd", ev->iface);
		if (fd != -1)
			(void)close(fd);
		return;
	}
	if (ar_run(ev->ar, fd, ev->iface, event, ts,
	    ev->conf->alert_command_timeout, cmd, ev->envv, ev->nenv) == -1)
		log_warn("%s: alert_command: not run for this %s", ev->iface,
		    event);
	(void)close(fd);
}

/* Once a second: the daily trim, conntrack's status. */
void
ev_reap(struct events *ev, double mono)
{
	if (mono >= ev->next_trim) {
		trim_both(ev);
		ev->next_trim = mono + TRIM_EVERY;
	}
	if (ev->ct_checked == 0 || mono - ev->ct_checked >= CT_RECHECK)
		(void)ct_check(ev, mono);
}

/*
 * Append a record and tell alert_command (told even when the record
 * could not be written); returns 0, or -1 and the reason in why.
 */
static int
emit(struct events *ev, const char *path, const char *event, json_t *rec,
    char *why, size_t whysize)
{
	char	*s;
	size_t	 len;
	off_t	 size;

	if ((s = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(15))) ==
	    NULL)
		return -1;
	len = strlen(s);
	s[len++] = '\n';	/* json_dumps's NUL becomes the newline */
	if ((size = bw_events_append(path, s, len)) == -1)
		(void)snprintf(why, whysize, "%s", errno == EINVAL ||
		    errno == ELOOP ? "not a regular file" : strerror(errno));
	else if ((size_t)size > (size_t)ev->conf->events_max_mb << 20)
		trim_both(ev);
	run_command(ev, event, json_number_value(json_object_get(rec, "ts")),
	    s, len);
	free(s);
	return size == -1 ? -1 : 0;
}

/* ---- the samples ---- */

/* Every interface's rates since the last read of /proc/net/dev. */
void
ev_ifrates(struct events *ev, const struct bw_netdev *devs, int n,
    double mono)
{
	struct ifrate	*nv;
	size_t		 i, j;
	double		 dt = mono - ev->ifs_mono;
	int		 k;

	for (i = 0; i < ev->nifs; i++)
		ev->ifs[i].seen = 0;
	for (k = 0; k < n; k++) {
		for (i = 0; i < ev->nifs; i++)
			if (strcmp(ev->ifs[i].name, devs[k].name) == 0)
				break;
		if (i == ev->nifs) {
			if ((nv = realloc(ev->ifs, (ev->nifs + 1) *
			    sizeof(*nv))) == NULL)
				continue;
			ev->ifs = nv;
			memset(&nv[i], 0, sizeof(nv[i]));
			(void)snprintf(nv[i].name, sizeof(nv[i].name), "%s",
			    devs[k].name);
			nv[i].rx = devs[k].rx_bytes;
			nv[i].tx = devs[k].tx_bytes;
			ev->nifs++;
		}
		if (ev->ifs_mono > 0 && dt > 0.1) {
			/* A counter that went back was reset: from zero. */
			ev->ifs[i].rx_bps = (double)(devs[k].rx_bytes >=
			    ev->ifs[i].rx ? devs[k].rx_bytes - ev->ifs[i].rx :
			    devs[k].rx_bytes) * 8 / dt;
			ev->ifs[i].tx_bps = (double)(devs[k].tx_bytes >=
			    ev->ifs[i].tx ? devs[k].tx_bytes - ev->ifs[i].tx :
			    devs[k].tx_bytes) * 8 / dt;
		}
		ev->ifs[i].rx = devs[k].rx_bytes;
		ev->ifs[i].tx = devs[k].tx_bytes;
		ev->ifs[i].seen = 1;
	}
	/* Interfaces that are gone go from the list. */
	for (i = j = 0; i < ev->nifs; i++)
		if (ev->ifs[i].seen)
			ev->ifs[j++] = ev->ifs[i];
	ev->nifs = j;
	ev->ifs_mono = mono;
}

/* The mean of the last n samples, skipping the newest `skip'. */
static double
mean(const struct events *ev, int n, int skip, const double *v)
{
	double	s = 0;
	int	i, k;

	for (i = 0; i < n; i++) {
		k = (ev->head - 1 - skip - i + 2 * EV_RING) % EV_RING;
		s += v[k];
	}
	return n > 0 ? s / n : 0;
}

static double
peak(const struct events *ev, int n)
{
	double	p = 0;
	int	i, k;

	for (i = 0; i < n; i++) {
		k = (ev->head - 1 - i + EV_RING) % EV_RING;
		if (ev->tot[k] > p)
			p = ev->tot[k];
	}
	return p;
}

static void
spike(struct events *ev, struct table *t, double wall, double mono,
    double rx, double tx, double avg, double secs, uint64_t ifbytes)
{
	json_t	*rec;
	char	 trig[40], who[80], why[160], times[80];
	char	 ratio[BW_FMTLEN], avgs[BW_FMTLEN];
	double	 total = rx + tx, t0 = bw_mono();

	(void)snprintf(trig, sizeof(trig), "%gx_rolling",
	    ev->conf->spike_ratio);
	if ((rec = json_object()) == NULL)
		return;
	if (out_set(rec, "ts", json_real((double)(long long)(wall * 1000) /
	    1000)) ||
	    out_set(rec, "iface", json_string(ev->iface)) ||
	    out_set(rec, "total_bps", out_real(total, 10)) ||
	    out_set(rec, "rx_bps", out_real(rx, 10)) ||
	    out_set(rec, "tx_bps", out_real(tx, 10)) ||
	    out_set(rec, "avg_bps", out_real(avg, 10)) ||
	    out_set(rec, "trigger", json_string(trig)) ||
	    out_set(rec, "ratio", avg > 0 ? json_real((double)(long long)
	    (total / avg * 100) / 100) : json_null()) ||
	    out_set(rec, "window_s", json_integer(ev->conf->spike_window)) ||
	    add_who(ev, rec, t, wall, mono, secs, ifbytes) == -1) {
		log_warnx("%s: spike: out of memory", ev->iface);
		json_decref(rec);
		return;
	}
	/* ">1000x the average (12 bps)", not "8563947.6x". */
	if (avg > 0)
		(void)snprintf(times, sizeof(times), "%s the average (%s)",
		    bw_fmt_ratio(ratio, sizeof(ratio), total / avg),
		    bw_fmt_bps(avgs, sizeof(avgs), avg));
	else
		(void)snprintf(times, sizeof(times), "after silence");
	if (emit(ev, ev->spikes_path, "SPIKE", rec, why,
	    sizeof(why)) == 0)
		log_info("%s: spike: %.1f Mbit/s, %s; top: %s (recorded in "
		    "%.1f ms)", ev->iface, total / 1e6, times,
		    top_name(rec, who, sizeof(who)), (bw_mono() - t0) * 1e3);
	else
		log_warnx("%s: spike: %.1f Mbit/s, %s; top: %s; NOT "
		    "recorded: %s: %s", ev->iface, total / 1e6, times,
		    top_name(rec, who, sizeof(who)), ev->spikes_path, why);
	ev->spikes++;
	json_decref(rec);
}

static void
fire(struct events *ev, struct table *t, double wall, double mono, int n)
{
	json_t	*rec;
	double	 avg = mean(ev, n, 0, ev->tot);
	double	 span = ww_span(ev->ww, mono);
	int	 k = (int)(span + 0.5);
	char	 why[160], who[80];

	if ((rec = json_object()) == NULL)
		return;
	ev->open = 1;
	ev->fired_at = (double)(long long)(wall * 1000) / 1000;
	ev->peak = peak(ev, n);
	ev->below = 0;
	if (out_set(rec, "ts", json_real(ev->fired_at)) ||
	    out_set(rec, "event", json_string("FIRED")) ||
	    out_set(rec, "iface", json_string(ev->iface)) ||
	    out_set(rec, "threshold_bps", out_real(ev->conf->alert_bps, 10)) ||
	    out_set(rec, "rolling_avg_bps", out_real(avg, 10)) ||
	    out_set(rec, "peak_bps_in_window", out_real(ev->peak, 10)) ||
	    out_set(rec, "rx_avg_bps", out_real(mean(ev, n, 0, ev->rx), 10)) ||
	    out_set(rec, "tx_avg_bps", out_real(mean(ev, n, 0, ev->tx), 10)) ||
	    out_set(rec, "window_s", json_integer(n)) ||
	    add_who_window(ev, rec, t, mono, span, mean(ev, k < ev->n ? k :
	    ev->n, 0, ev->tot) * (k < ev->n ? k : ev->n) / 8) == -1) {
		log_warnx("%s: alert: out of memory", ev->iface);
		json_decref(rec);
		return;
	}
	if (emit(ev, ev->alerts_path, "FIRED", rec, why,
	    sizeof(why)) == 0)
		log_info("%s: alert FIRED: average %.1f Mbit/s over %d s >= "
		    "%.1f Mbit/s; top: %s", ev->iface, avg / 1e6, n,
		    ev->conf->alert_bps / 1e6, top_name(rec, who,
		    sizeof(who)));
	else
		log_warnx("%s: alert FIRED: average %.1f Mbit/s over %d s >= "
		    "%.1f Mbit/s; top: %s; NOT recorded: %s: %s", ev->iface,
		    avg / 1e6, n, ev->conf->alert_bps / 1e6, top_name(rec, who,
		    sizeof(who)), ev->alerts_path, why);
	ev->fired++;
	json_decref(rec);
}

static void
clear(struct events *ev, double wall, double avg)
{
	json_t	*rec;
	double	 ts = (double)(long long)(wall * 1000) / 1000;
	double	 dur = ts - ev->fired_at;
	char	 why[160];

	ev->open = 0;
	ev->below = 0;
	if ((rec = json_object()) == NULL)
		return;
	if (out_set(rec, "ts", json_real(ts)) ||
	    out_set(rec, "event", json_string("CLEARED")) ||
	    out_set(rec, "iface", json_string(ev->iface)) ||
	    out_set(rec, "threshold_bps", out_real(ev->conf->alert_bps, 10)) ||
	    out_set(rec, "rolling_avg_bps", out_real(avg, 10)) ||
	    out_set(rec, "fired_at", json_real(ev->fired_at)) ||
	    out_set(rec, "duration_s", json_real((double)(long long)
	    (dur * 1000) / 1000)) ||
	    out_set(rec, "peak_during_event_bps", out_real(ev->peak, 10))) {
		json_decref(rec);
		return;
	}
	if (emit(ev, ev->alerts_path, "CLEARED", rec, why,
	    sizeof(why)) == 0)
		log_info("%s: alert CLEARED after %.0f s", ev->iface, dur);
	else
		log_warnx("%s: alert CLEARED after %.0f s; NOT recorded: %s: "
		    "%s", ev->iface, dur, ev->alerts_path, why);
	ev->cleared++;
	json_decref(rec);
}

/*
 * One sample: rx and tx in bit/s over the last secs seconds, ifbytes
 * the interface's bytes in them.
 */
void
ev_sample(struct events *ev, struct table *t, double wall, double mono,
    double rx, double tx, uint64_t ifbytes)
{
	const struct bw_conf *c = ev->conf;
	double	total = rx + tx, avg, secs;
	int	n;

	secs = ev->mark_mono > 0 ? mono - ev->mark_mono : 1.0;
	ww_sample(ev->ww, t, wall, mono, c->alert_window);
	/* Spikes: against the samples before this one. */
	n = ev->n < c->spike_window ? ev->n : c->spike_window;
	if (n > 0 && n * 4 >= c->spike_window) {
		avg = mean(ev, n, 0, ev->tot);
		if (total > c->spike_ratio * avg &&
		    total > c->spike_floor_bps && (ev->spike_mono == 0 ||
		    mono - ev->spike_mono >= c->spike_cooldown)) {
			ev->spike_mono = mono;
			spike(ev, t, wall, mono, rx, tx, avg, secs, ifbytes);
		}
	}
	ev->tot[ev->head] = total;
	ev->rx[ev->head] = rx;
	ev->tx[ev->head] = tx;
	ev->head = (ev->head + 1) % EV_RING;
	if (ev->n < EV_RING)
		ev->n++;

	/* Alerts: the average over the window, this sample included. */
	n = ev->n < c->alert_window ? ev->n : c->alert_window;
	avg = mean(ev, n, 0, ev->tot);
	if (ev->open) {
		if (total > ev->peak)
			ev->peak = total;
		if (avg < c->alert_clear_ratio * c->alert_bps) {
			if (++ev->below >= c->alert_clear_hold)
				clear(ev, wall, avg);
		} else
			ev->below = 0;
	} else if (n >= c->alert_window && avg >= c->alert_bps)
		fire(ev, t, wall, mono, n);

	tab_rows_mark(t);
	ev->mark_mono = mono;
}

static int
ev_init(struct events *ev, const char *datadir, const char *iface,
    const struct bw_conf *conf, struct alertrun *ar)
{
	memset(ev, 0, sizeof(*ev));
	ev->ar = ar;
	ev->iface = iface;
	ev->conf = conf;
	ev->ct_logged = -1;
	if (bw_kind_path(ev->spikes_path, sizeof(ev->spikes_path), datadir,
	    BW_SPIKES, iface) == -1 ||
	    bw_kind_path(ev->alerts_path, sizeof(ev->alerts_path), datadir,
	    BW_ALERTS, iface) == -1)
		return -1;
	if ((ev->ct = ct_open()) == NULL)
		return -1;
	if ((ev->ww = ww_new()) == NULL) {
		ct_close(ev->ct);
		return -1;
	}
	env_load(ev, 0);
	resume(ev);
	return 0;
}

static void
ev_free(struct events *ev)
{
	ct_close(ev->ct);
	ev->ct = NULL;
	ww_free(ev->ww);
	ev->ww = NULL;
	env_clear(ev);
	free(ev->ifs);
	ev->ifs = NULL;
	ev->nifs = 0;
}

struct events *
ev_open(const char *datadir, const char *iface, const struct bw_conf *conf,
    struct alertrun *ar)
{
	struct events	*ev;
	int		 saved;

	if ((ev = malloc(sizeof(*ev))) == NULL)
		return NULL;
	if (ev_init(ev, datadir, iface, conf, ar) == -1) {
		saved = errno;
		free(ev);
		errno = saved;
		return NULL;
	}
	return ev;
}

void
ev_close(struct events *ev)
{
	if (ev == NULL)
		return;
	ev_free(ev);
	free(ev);
}
