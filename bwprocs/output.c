/*
 * The two files bwprocs writes, each replaced atomically:
 * procs_<iface>.json (processes and connections, every procs_interval)
 * and live_<iface>.json (the interface's last 120 one-second rates).
 * Their keys are documented in bwmon-files(5).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bwprocs.h"
#include "fileio.h"

#define MAX_LISTED	1000	/* process rows in one file */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

static json_t *
real(double v, double scale)
{
	if (!isfinite(v))
		v = 0;
	return json_real(round(v * scale) / scale);
}

static json_t *
bytes(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		v = (uint64_t)INT64_MAX;
	return json_integer((json_int_t)v);
}

static int
set(json_t *o, const char *k, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, k, v);
}

void
live_add(struct live *l, double ts, double rx, double tx)
{
	int	i = (l->head + l->n) % LIVE_SAMPLES;

	if (l->n == LIVE_SAMPLES) {
		i = l->head;
		l->head = (l->head + 1) % LIVE_SAMPLES;
	} else
		l->n++;
	l->ts[i] = ts;
	l->rx[i] = rx;
	l->tx[i] = tx;
}

static int
write_json(const char *path, json_t *doc)
{
	char	*buf;
	size_t	 len;
	int	 rv;

	if (doc == NULL)
		return -1;
	len = json_dumpb(doc, NULL, 0, DUMP_FLAGS);
	if (len == 0 || (buf = malloc(len + 1)) == NULL) {
		json_decref(doc);
		return -1;
	}
	(void)json_dumpb(doc, buf, len, DUMP_FLAGS);
	buf[len] = '\n';
	json_decref(doc);
	rv = bw_write_atomic(path, buf, len + 1);
	free(buf);
	return rv;
}

int
out_live(const char *path, const char *iface, double ts, const struct live *l)
{
	json_t	*doc, *samples, *s;
	int	 i, j, bad = 0;

	doc = json_object();
	samples = json_array();
	if (doc == NULL || samples == NULL) {
		json_decref(doc);
		json_decref(samples);
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		j = (l->head + i) % LIVE_SAMPLES;
		s = json_array();
		if (s == NULL ||
		    json_array_append_new(s, real(l->ts[j], 1000)) == -1 ||
		    json_array_append_new(s, real(l->rx[j], 10)) == -1 ||
		    json_array_append_new(s, real(l->tx[j], 10)) == -1 ||
		    json_array_append_new(samples, s) == -1)
			bad = 1;
	}
	if (set(doc, "iface", json_string(iface)) == -1 ||
	    set(doc, "ts", real(ts, 1000)) == -1 ||
	    set(doc, "interval_seconds", json_integer(1)) == -1 ||
	    set(doc, "samples", samples) == -1)
		bad = 1;
	if (bad) {
		json_decref(doc);
		return -1;
	}
	return write_json(path, doc);
}

/* "192.0.2.1:80" or "[2001:db8::1]:443". */
static void
fmt_endp(char *buf, size_t size, int family, const struct endp *e)
{
	char	a[INET6_ADDRSTRLEN];

	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, e->addr, a,
	    sizeof(a)) == NULL)
		(void)snprintf(a, sizeof(a), "?");
	if (family == 4)
		(void)snprintf(buf, size, "%s:%u", a, e->port);
	else
		(void)snprintf(buf, size, "[%s]:%u", a, e->port);
}

static int
row_cmp(const void *x, const void *y)
{
	const struct row	*a = *(const struct row * const *)x;
	const struct row	*b = *(const struct row * const *)y;
	uint64_t		 ra = a->itx + a->irx, rb = b->itx + b->irx;
	uint64_t		 ta, tb;

	ta = a->tx + a->rx + ra;
	tb = b->tx + b->rx + rb;

	if (ra != rb)
		return ra > rb ? -1 : 1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind == ROW_PROC ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int
conn_cmp(const void *x, const void *y)
{
	const struct conn	*a = *(const struct conn * const *)x;
	const struct conn	*b = *(const struct conn * const *)y;
	uint64_t		 ra = a->iout + a->iin, rb = b->iout + b->iin;

	if (ra != rb)
		return ra > rb ? -1 : 1;
	if (a->out + a->in != b->out + b->in)
		return a->out + a->in > b->out + b->in ? -1 : 1;
	return 0;
}

static json_t *
row_json(const struct row *r, double iv)
{
	json_t	*o;
	int	 proc = r->kind == ROW_PROC;

	if ((o = json_object()) == NULL)
		return NULL;
	if (set(o, "kind", json_string(proc ? "process" : "unattributed")) ||
	    set(o, "name", json_string(r->name ? r->name : "")) ||
	    set(o, "pid", json_integer(proc ? r->pid : 0)) ||
	    set(o, "uid", proc && r->uid >= 0 ? json_integer(r->uid) :
	    json_null()) ||
	    set(o, "user", json_string(proc && r->user ? r->user : "")) ||
	    set(o, "exe", json_string(proc && r->exe ? r->exe : "")) ||
	    set(o, "cmdline", json_string(proc && r->cmdline ? r->cmdline :
	    "")) ||
	    set(o, "container", json_string(proc && r->container ?
	    r->container : "")) ||
	    set(o, "tx_bps", real((double)r->itx * 8 / iv, 10)) ||
	    set(o, "rx_bps", real((double)r->irx * 8 / iv, 10)) ||
	    set(o, "tx_bytes", bytes(r->tx + r->itx)) ||
	    set(o, "rx_bytes", bytes(r->rx + r->irx)) ||
	    set(o, "connections", json_integer(r->nconns)) ||
	    set(o, "last_seen", real(r->last_seen, 1000))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
conn_json(const struct conn *c, double iv)
{
	json_t		*o;
	char		 l[64], rm[64];
	const struct row *r = c->owner;
	int		 proc = r != NULL && r->kind == ROW_PROC;

	fmt_endp(l, sizeof(l), c->family, &c->a);
	fmt_endp(rm, sizeof(rm), c->family, &c->b);
	if ((o = json_object()) == NULL)
		return NULL;
	if (set(o, "proto", json_string(c->proto == 6 ? "tcp" : "udp")) ||
	    set(o, "local", json_string(l)) ||
	    set(o, "remote", json_string(rm)) ||
	    set(o, "pid", json_integer(proc ? r->pid : 0)) ||
	    set(o, "name", json_string(proc && r->name ? r->name : "")) ||
	    set(o, "tx_bps", real((double)c->iout * 8 / iv, 10)) ||
	    set(o, "rx_bps", real((double)c->iin * 8 / iv, 10)) ||
	    set(o, "tx_bytes", bytes(c->out)) ||
	    set(o, "rx_bytes", bytes(c->in)) ||
	    set(o, "owner", json_string(r == NULL ? "[pending]" :
	    r->name ? r->name : ""))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
capture_json(const struct procs_out *po)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		return NULL;
	if (set(o, "packets", bytes(po->packets)) ||
	    set(o, "bytes", bytes(po->cap_bytes)) ||
	    set(o, "drops", bytes(po->drops)) ||
	    set(o, "drops_interval", bytes(po->drops_interval)) ||
	    set(o, "state", json_string(po->state))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
out_procs(const char *path, const struct procs_out *po,
    const struct table *t, double now)
{
	json_t		 *doc = NULL, *procs = NULL, *conns = NULL, *v;
	const struct row **rows = NULL;
	const struct conn **cl = NULL;
	const struct row *r;
	const struct conn *c;
	size_t		  nr = 0, nc = 0, i, cap;
	uint64_t	  attributed = 0;
	double		  iv = po->interval > 0.001 ? po->interval : 0.001;
	int		  rv = -1;

	cap = t->nrows + U_NROWS;
	if ((rows = calloc(cap, sizeof(*rows))) == NULL)
		goto fail;
	for (r = t->rows; r != NULL; r = r->next) {
		attributed += r->itx + r->irx;
		if (r->itx + r->irx > 0 || r->last_seen >= now - po->linger)
			rows[nr++] = r;
	}
	for (i = 0; i < U_NROWS; i++) {
		r = &t->unattr[i];
		if (r->itx + r->irx > 0 || (r->last_seen > 0 &&
		    r->last_seen >= now - po->linger))
			rows[nr++] = r;
	}
	qsort(rows, nr, sizeof(*rows), row_cmp);

	if (po->top > 0) {
		if ((cl = calloc(t->nconns + 1, sizeof(*cl))) == NULL)
			goto fail;
		for (c = t->lru_head; c != NULL; c = c->lnext)
			if (c->iout + c->iin > 0)
				cl[nc++] = c;
		qsort(cl, nc, sizeof(*cl), conn_cmp);
		if (nc > (size_t)po->top)
			nc = (size_t)po->top;
	}

	if ((doc = json_object()) == NULL || (procs = json_array()) == NULL ||
	    (conns = json_array()) == NULL)
		goto fail;
	for (i = 0; i < nr && i < MAX_LISTED; i++)
		if (json_array_append_new(procs, row_json(rows[i], iv)) == -1)
			goto fail;
	for (i = 0; i < nc; i++)
		if (json_array_append_new(conns, conn_json(cl[i], iv)) == -1)
			goto fail;
	if (po->if_bytes > 0) {
		double cov = (double)attributed / (double)po->if_bytes;

		v = real(cov > 1 ? 1 : cov, 10000);
	} else
		v = json_null();
	if (set(doc, "version", json_integer(2)) ||
	    set(doc, "iface", json_string(po->iface)) ||
	    set(doc, "ts", real(po->ts, 1000)) ||
	    set(doc, "interval_seconds", real(po->interval, 1000)) ||
	    set(doc, "started", real(po->started, 1000)) ||
	    set(doc, "rx_bps", po->rx_bps >= 0 ? real(po->rx_bps, 10) :
	    json_null()) ||
	    set(doc, "tx_bps", po->tx_bps >= 0 ? real(po->tx_bps, 10) :
	    json_null()) ||
	    set(doc, "rx_bytes", bytes(po->rx_bytes)) ||
	    set(doc, "tx_bytes", bytes(po->tx_bytes)) ||
	    set(doc, "coverage", v) ||
	    set(doc, "capture", capture_json(po)))
		goto fail;
	v = procs;
	procs = NULL;
	if (set(doc, "processes", v))
		goto fail;
	if (nr > MAX_LISTED &&
	    set(doc, "processes_omitted", json_integer((json_int_t)(nr -
	    MAX_LISTED))))
		goto fail;
	v = conns;
	conns = NULL;
	if (set(doc, "connections", v))
		goto fail;
	rv = write_json(path, doc);
	doc = NULL;
fail:
	json_decref(doc);
	json_decref(procs);
	json_decref(conns);
	free(rows);
	free(cl);
	return rv;
}
