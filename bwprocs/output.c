/*
 * The two files bwprocs writes, each replaced atomically (publish()):
 * procs_<iface>.json (processes and connections, every procs_interval)
 * and live_<iface>.json (the interface's last 120 one-second rates).
 * Their keys are documented in bwmon-files(5).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output.h"
#include "procinfo.h"
#include "table.h"
#include "fileio.h"
#include "util.h"

#define MAX_LISTED	1000	/* process rows in one file */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

/* v rounded to 1/scale; 0 when it is not finite. */
json_t *
out_real(double v, double scale)
{
	if (!isfinite(v))
		v = 0;
	return json_real(round(v * scale) / scale);
}

/* A count, held to what a JSON integer here can be. */
json_t *
out_bytes(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		v = (uint64_t)INT64_MAX;
	return json_integer((json_int_t)v);
}

/* Set o's key k to v (taking it); nonzero when v or the set failed. */
int
out_set(json_t *o, const char *k, json_t *v)
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
write_json(struct bw_pubfile *f, json_t *doc)
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
	rv = bw_pub_write(f, buf, len + 1);
	free(buf);
	return rv;
}

/*
 * v with at most the given decimals (1 or 3), as jansson prints a real
 * rounded so: "1234.0", "1790000000.125".  Printing 360 doubles a
 * second through printf was a fifth of an idle bwprocs's CPU.
 */
static size_t
fmt_fixed(char *buf, size_t size, double v, int decimals)
{
	long long	scale = decimals == 3 ? 1000 : 10, n, ip, fp;
	char		frac[8];
	int		len, neg;

	if (!isfinite(v) || fabs(v) >= 1e15)
		v = 0;
	n = llround(v * (double)scale);
	neg = n < 0;
	if (neg)
		n = -n;
	ip = n / scale;
	fp = n % scale;
	(void)snprintf(frac, sizeof(frac), "%0*lld", decimals, fp);
	for (len = decimals; len > 1 && frac[len - 1] == '0'; len--)
		;
	frac[len] = '\0';
	len = snprintf(buf, size, "%s%lld.%s", neg ? "-" : "", ip, frac);
	return len < 0 || (size_t)len >= size ? 0 : (size_t)len;
}

/* The live file, written by hand: it is only numbers. */
int
out_live(struct bw_pubfile *path, const char *iface, double ts,
    const struct live *l)
{
	char	*buf, num[3][40];
	size_t	 size, len;
	int	 i, j, n, rv;

	if (!bw_ifname_valid(iface))
		return -1;		/* nothing to escape in a valid name */
	size = 128 + (size_t)l->n * 3 * 40;
	if ((buf = malloc(size)) == NULL)
		return -1;
	(void)fmt_fixed(num[0], sizeof(num[0]), ts, 3);
	n = snprintf(buf, size, "{\"iface\":\"%s\",\"ts\":%s,"
	    "\"interval_seconds\":1,\"samples\":[", iface, num[0]);
	len = n > 0 ? (size_t)n : 0;
	for (i = 0; i < l->n && len < size; i++) {
		j = (l->head + i) % LIVE_SAMPLES;
		(void)fmt_fixed(num[0], sizeof(num[0]), l->ts[j], 3);
		(void)fmt_fixed(num[1], sizeof(num[1]), l->rx[j], 1);
		(void)fmt_fixed(num[2], sizeof(num[2]), l->tx[j], 1);
		n = snprintf(buf + len, size - len, "%s[%s,%s,%s]",
		    i > 0 ? "," : "", num[0], num[1], num[2]);
		len = n > 0 ? len + (size_t)n : size;
	}
	if (len < size)
		n = snprintf(buf + len, size - len, "]}\n");
	if (len >= size || n < 0 || len + (size_t)n >= size) {
		free(buf);
		errno = ENOBUFS;
		return -1;
	}
	rv = bw_pub_write(path, buf, len + (size_t)n);
	free(buf);
	return rv;
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

/* A row, with the rates given: the interval's, or a spike's second. */
json_t *
out_row_json(const struct row *r, double tx_bps, double rx_bps)
{
	json_t			*o;
	const struct procinfo	*pi = &r->info;
	int			 proc = r->kind == ROW_PROC;

	if ((o = json_object()) == NULL)
		return NULL;
	if (out_set(o, "kind", json_string(proc ? "process" :
	    "unattributed")) ||
	    out_set(o, "name", json_string(pi->name ? pi->name : "")) ||
	    out_set(o, "pid", json_integer(proc ? r->pid : 0)) ||
	    out_set(o, "uid", proc && pi->uid >= 0 ? json_integer(pi->uid) :
	    json_null()) ||
	    out_set(o, "user", json_string(proc && pi->user ? pi->user : "")) ||
	    out_set(o, "exe", json_string(proc && pi->exe ? pi->exe : "")) ||
	    out_set(o, "cmdline", json_string(proc && pi->cmdline ? pi->cmdline :
	    "")) ||
	    out_set(o, "container", json_string(proc && pi->container ?
	    pi->container : "")) ||
	    out_set(o, "tx_bps", out_real(tx_bps, 10)) ||
	    out_set(o, "rx_bps", out_real(rx_bps, 10)) ||
	    out_set(o, "tx_bytes", out_bytes(r->tx + r->itx)) ||
	    out_set(o, "rx_bytes", out_bytes(r->rx + r->irx)) ||
	    out_set(o, "inferred_bytes", out_bytes(r->inf + r->iinf)) ||
	    out_set(o, "connections", json_integer(r->nconns)) ||
	    out_set(o, "last_seen", out_real(r->last_seen, 1000))) {
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
	if (out_set(o, "proto", json_string(c->proto == 6 ? "tcp" : "udp")) ||
	    out_set(o, "local", json_string(l)) ||
	    out_set(o, "remote", json_string(rm)) ||
	    out_set(o, "pid", json_integer(proc ? r->pid : 0)) ||
	    out_set(o, "name", json_string(proc && r->info.name ?
	    r->info.name : "")) ||
	    out_set(o, "tx_bps", out_real((double)c->iout * 8 / iv, 10)) ||
	    out_set(o, "rx_bps", out_real((double)c->iin * 8 / iv, 10)) ||
	    out_set(o, "tx_bytes", out_bytes(c->out)) ||
	    out_set(o, "rx_bytes", out_bytes(c->in)) ||
	    out_set(o, "owner", json_string(r == NULL ? "[pending]" :
	    r->info.name ? r->info.name : ""))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* (json_pack(3) takes the "o" values, and fails on a NULL one.) */
static json_t *
capture_json(const struct procs_out *po)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
	    "packets", out_bytes(po->packets),
	    "bytes", out_bytes(po->cap_bytes),
	    "drops", out_bytes(po->drops),
	    "drops_interval", out_bytes(po->drops_interval),
	    "buffer_mb", json_integer(po->buffer_mb),
	    "state", json_string(po->state));
}

/* Who names the owners: the kernel (BPF) or /proc, and why. */
static json_t *
owners_json(const struct procs_out *po)
{
	return json_pack("{s:o, s:o, s:o}",
	    "source", json_string(po->owners_bpf ? "bpf" : "proc"),
	    "reason", json_string(po->owners_why != NULL ?
	    po->owners_why : ""),
	    "from_kernel", out_bytes(po->owners_viabpf));
}

int
out_procs(struct bw_pubfile *path, const struct procs_out *po,
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

	cap = tab_nrows(t) + U_NROWS;
	if ((rows = calloc(cap, sizeof(*rows))) == NULL)
		goto fail;
	for (r = tab_row_first(t); r != NULL; r = tab_row_next(t, r)) {
		if (r->kind == ROW_PROC) {
			attributed += r->itx + r->irx;
			if (r->itx + r->irx > 0 ||
			    r->last_seen >= now - po->linger)
				rows[nr++] = r;
		} else if (r->itx + r->irx > 0 || (r->last_seen > 0 &&
		    r->last_seen >= now - po->linger))
			rows[nr++] = r;
	}
	qsort(rows, nr, sizeof(*rows), row_cmp);

	if (po->top > 0) {
		if ((cl = calloc(tab_nconns(t) + 1, sizeof(*cl))) == NULL)
			goto fail;
		for (c = tab_conns_first(t); c != NULL; c = tab_conns_next(c))
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
		if (json_array_append_new(procs, out_row_json(rows[i],
		    (double)rows[i]->itx * 8 / iv,
		    (double)rows[i]->irx * 8 / iv)) == -1)
			goto fail;
	for (i = 0; i < nc; i++)
		if (json_array_append_new(conns, conn_json(cl[i], iv)) == -1)
			goto fail;
	if (po->if_bytes > 0) {
		double cov = (double)attributed / (double)po->if_bytes;

		v = out_real(cov > 1 ? 1 : cov, 10000);
	} else
		v = json_null();
	if (out_set(doc, "version", json_integer(2)) ||
	    out_set(doc, "iface", json_string(po->iface)) ||
	    out_set(doc, "ts", out_real(po->ts, 1000)) ||
	    out_set(doc, "interval_seconds", out_real(po->interval, 1000)) ||
	    out_set(doc, "started", out_real(po->started, 1000)) ||
	    out_set(doc, "rx_bps", po->rx_bps >= 0 ? out_real(po->rx_bps, 10) :
	    json_null()) ||
	    out_set(doc, "tx_bps", po->tx_bps >= 0 ? out_real(po->tx_bps, 10) :
	    json_null()) ||
	    out_set(doc, "rx_bytes", out_bytes(po->rx_bytes)) ||
	    out_set(doc, "tx_bytes", out_bytes(po->tx_bytes)) ||
	    out_set(doc, "coverage", v) ||
	    out_set(doc, "capture", capture_json(po)) ||
	    out_set(doc, "owners", owners_json(po)))
		goto fail;
	v = procs;
	procs = NULL;
	if (out_set(doc, "processes", v))
		goto fail;
	if (nr > MAX_LISTED &&
	    out_set(doc, "processes_omitted", json_integer((json_int_t)(nr -
	    MAX_LISTED))))
		goto fail;
	v = conns;
	conns = NULL;
	if (out_set(doc, "connections", v))
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
