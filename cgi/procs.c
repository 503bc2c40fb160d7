/*
 * procs.cgi: /api/procs?iface= -- the current procs_<iface>.json, with
 * its age.  The file is read by lib/procs.c, its one reader, and the
 * document rebuilt key by key: every key of the live-data contract, with
 * the file's value when it had one of the right type and null otherwise,
 * so that a page reads one shape from a bwmon v1 file, a v2 one or a
 * damaged one.  Numbers are written as bwprocs writes them: counts as
 * integers, times, rates and shares as reals.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "procs.h"

/* A real, or null for NAN (absent). */
static json_t *
real(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* A count, or null when absent; past what a JSON integer holds, a real. */
static json_t *
count(uint64_t v, unsigned has)
{
	if (!has)
		return json_null();
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

static json_t *
string(const char *s, unsigned has)
{
	return has ? json_string(s) : json_null();
}

static json_t *
whole(long long v, int has)
{
	return has ? json_integer((json_int_t)v) : json_null();
}

static json_t *
proc_json(const struct bw_proc *r)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o}",
	    "kind", r->kind == BW_PROC_PROCESS ? "process" : "unattributed",
	    "name", string(r->name, r->has & BW_HAS_NAME),
	    "pid", whole(r->pid, r->has & BW_HAS_PID),
	    "uid", whole(r->uid, r->uid >= 0),
	    "user", string(r->user, r->has & BW_HAS_USER),
	    "exe", string(r->exe, r->has & BW_HAS_EXE),
	    "cmdline", string(r->cmdline, r->has & BW_HAS_CMDLINE),
	    "container", string(r->container, r->has & BW_HAS_CONTAINER),
	    "tx_bps", real(r->tx_bps),
	    "rx_bps", real(r->rx_bps),
	    "tx_bytes", count(r->tx_bytes, r->has & BW_HAS_TX_BYTES),
	    "rx_bytes", count(r->rx_bytes, r->has & BW_HAS_RX_BYTES),
	    "connections", whole(r->connections, r->connections >= 0),
	    "last_seen", real(r->last_seen));
}

static json_t *
conn_json(const struct bw_conn *r)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "proto", string(r->proto, r->has & BW_HAS_PROTO),
	    "local", string(r->local, r->has & BW_HAS_LOCAL),
	    "remote", string(r->remote, r->has & BW_HAS_REMOTE),
	    "pid", whole(r->pid, r->has & BW_HAS_PID),
	    "name", string(r->name, r->has & BW_HAS_NAME),
	    "tx_bps", real(r->tx_bps),
	    "rx_bps", real(r->rx_bps),
	    "tx_bytes", count(r->tx_bytes, r->has & BW_HAS_TX_BYTES),
	    "rx_bytes", count(r->rx_bytes, r->has & BW_HAS_RX_BYTES));
}

static json_t *
capture_json(const struct bw_procs *p)
{
	if (!(p->has & BW_HAS_CAPTURE))
		return json_null();
	return json_pack("{s:o, s:o, s:o}",
	    "packets", count(p->packets, p->has & BW_HAS_PACKETS),
	    "drops", count(p->drops, p->has & BW_HAS_DROPS),
	    "drops_interval", count(p->drops_interval,
	    p->has & BW_HAS_DROPS_INTERVAL));
}

/* Who names the owners (bpf or proc) and why; null in older files. */
static json_t *
owners_json(const struct bw_procs *p)
{
	if (!(p->has & BW_HAS_OWNERS))
		return json_null();
	return json_pack("{s:s, s:s}", "source", p->owners_source,
	    "reason", p->owners_reason);
}

static json_t *
rows_json(const struct bw_procs *p, int procs)
{
	json_t	*a;
	size_t	 i, n = procs ? p->nprocs : p->nconns;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, procs ? proc_json(&p->procs[i]) :
		    conn_json(&p->conns[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	struct cgi	 c;
	struct bw_procs	 p;
	json_t		*doc;
	char		 note[256];
	double		 age;
	int		 stale;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if (cgi_procs(&c, c.iface, &p) == -1)
		cgi_file_fail(&c, BW_PROCS, errno,
		    cgi_bwprocs_hint(&c, BW_PROCS));
	age = c.now - p.ts;
	stale = bw_procs_stale(&p, c.now);
	doc = json_pack("{s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:i, "
	    "s:f, s:b, s:o, s:o, s:o, s:o}",
	    "ts", p.ts,
	    "interval_seconds", real(p.interval),
	    "started", real(p.started),
	    "rx_bps", real(p.rx_bps),
	    "tx_bps", real(p.tx_bps),
	    "rx_bytes", count(p.rx_bytes, p.has & BW_HAS_RX_BYTES),
	    "tx_bytes", count(p.tx_bytes, p.has & BW_HAS_TX_BYTES),
	    "coverage", real(p.coverage),
	    "iface", c.iface,
	    "version", p.version,
	    "age_seconds", round(age * 1000) / 1000,
	    "stale", stale,
	    "capture", capture_json(&p),
	    "owners", owners_json(&p),
	    "processes", rows_json(&p, 1),
	    "connections", rows_json(&p, 0));
	bw_procs_free(&p);
	if (doc == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	if (stale) {
		(void)snprintf(note, sizeof(note), "bwprocs is not running "
		    "for %s: this is its last procs file; start it with "
		    "systemctl enable --now bwprocs@%s", c.iface, c.iface);
		if (json_object_set_new(doc, "note", json_string(note)) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	}
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
