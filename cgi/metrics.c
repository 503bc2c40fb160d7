/*
 * metrics.cgi: /metrics -- Prometheus text exposition (version 0.0.4)
 * for every interface with history, so that an existing Prometheus and
 * Grafana scrape a fleet of hosts (DESIGN.md section 9).
 *
 * bwmon_interface_{receive,transmit}_bytes_total are the history's exact
 * bytes: they grow with each 5-minute row and never go down while the
 * rows stay (the daily retention trim drops old rows, which Prometheus
 * takes for a counter reset).  Current rates come from live_<iface>.json
 * and, while bwprocs runs (its procs file is fresh), its own counters:
 * the interface's bytes since it started, capture packets and drops, and
 * the top programs' bytes.  Both files are read and judged stale by
 * lib/procs.c.  bwmon_program_{receive,transmit}_bytes_total are
 * bwprocs' per-program totals, which never go down.  Labels carry
 * interface and program names only: no pid, address or port, which
 * would explode the series.  On a router, bwmon_host_{receive,transmit}
 * _bytes_total are the LAN devices' bytes from the live hosts file, the
 * hosts_top busiest of each direction by name and id and the rest as
 * one "other" series (see host_totals()).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "history.h"
#include "hosts.h"
#include "ownertotals.h"
#include "procs.h"

#define TOP_PROGRAMS	10
#define TS_SLACK	0.001

struct prog {
	char	name[sizeof(((struct bw_proc *)0)->name)];
	double	rx, tx;
};

struct ifm {
	const char	*name;
	int		 hist;		/* history read */
	double		 rx, tx;	/* history bytes */
	double		 hist_age;	/* since the last row; NAN: none */
	int		 live;		/* live file fresh */
	double		 live_rx, live_tx, live_age;
	int		 up;		/* the procs file is fresh */
	double		 procs_age;	/* NAN: no procs file */
	unsigned	 has;		/* its BW_HAS_* */
	uint64_t	 procs_rx, procs_tx, packets, drops;
	double		 coverage;	/* NAN: none */
	struct prog	 top[TOP_PROGRAMS];
	size_t		 ntop;
	long long	 spikes;	/* -1: no log */
	long long	 fired, active;	/* -1: no log */
};

/* A label value: \, " and newline escaped; other controls made '?'. */
static void
put_label(struct cgi_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			cgi_buf_add(b, "\\\\", 2);
		else if (*s == '"')
			cgi_buf_add(b, "\\\"", 2);
		else if (*s == '\n')
			cgi_buf_add(b, "\\n", 2);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			cgi_buf_add(b, "?", 1);
		else
			cgi_buf_add(b, s, 1);
	}
}

static void
family(struct cgi_buf *b, const char *name, const char *type,
    const char *help)
{
	cgi_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* name{device="..."[,program="..."]} value */
static void
sample(struct cgi_buf *b, const char *name, const char *device,
    const char *lkey, const char *lval, double v)
{
	cgi_buf_printf(b, "%s{device=\"", name);
	put_label(b, device);
	if (lkey != NULL) {
		cgi_buf_printf(b, "\",%s=\"", lkey);
		put_label(b, lval);
	}
	if (v == floor(v) && fabs(v) < 9e15)
		cgi_buf_printf(b, "\"} %.0f\n", v);
	else
		cgi_buf_printf(b, "\"} %.15g\n", v);
}

static void
read_history(struct cgi *c, struct ifm *m)
{
	struct bw_hist	h;
	size_t		i;

	m->hist_age = NAN;
	if (cgi_history(c, m->name, &h) == -1) {
		cgi_log("%s/bw_%s.csv: %s", c->dir, m->name, strerror(errno));
		return;
	}
	m->hist = 1;
	for (i = 0; i < h.n; i++) {
		m->rx += h.rows[i].rx_bytes;
		m->tx += h.rows[i].tx_bytes;
	}
	m->rx = isfinite(m->rx) ? llround(m->rx > 9e18 ? 9e18 : m->rx) : 0;
	m->tx = isfinite(m->tx) ? llround(m->tx > 9e18 ? 9e18 : m->tx) : 0;
	if (h.n > 0)
		m->hist_age = c->now - (double)h.rows[h.n - 1].ts;
	bw_hist_free(&h);
}

/* The last second's rates of a fresh live file. */
static void
read_live(struct cgi *c, struct ifm *m)
{
	static struct bw_live	l;

	m->live_age = NAN;
	if (cgi_live(c, m->name, &l) == -1)
		return;
	m->live_age = c->now - l.ts;
	if (!bw_live_stale(&l, c->now) && l.nsamples > 0) {
		m->live = 1;
		m->live_rx = l.samples[l.nsamples - 1].rx_bps / 8;
		m->live_tx = l.samples[l.nsamples - 1].tx_bps / 8;
	}
}

static int
by_name(const void *a, const void *b)
{
	const struct bw_proc	*x = *(const struct bw_proc *const *)a;
	const struct bw_proc	*y = *(const struct bw_proc *const *)b;
	int			 d = strcmp(x->name, y->name);

	/* Equal names keep the file's order: sums come out the same. */
	return d != 0 ? d : (x > y) - (x < y);
}

static int
by_bytes(const void *a, const void *b)
{
	const struct prog	*x = a, *y = b;
	double			 sx = x->rx + x->tx, sy = y->rx + y->tx;

	if (sx != sy)
		return sx < sy ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * The programs moving the most bytes: processes summed by name.  The
 * rows are sorted by name and summed run by run, in O(n log n): a procs
 * file of 40,000 names took seconds to merge name by name.
 */
static void
top_programs(struct ifm *m, const struct bw_procs *p)
{
	const struct bw_proc	**rows;
	struct prog		 *all;
	size_t			  i, n = 0, k = 0;

	if (p->nprocs == 0 ||
	    (rows = calloc(p->nprocs, sizeof(*rows))) == NULL)
		return;
	if ((all = calloc(p->nprocs, sizeof(*all))) == NULL) {
		free(rows);
		return;
	}
	for (i = 0; i < p->nprocs; i++)
		/* bwmon v1 files have no bytes. */
		if ((p->procs[i].has & BW_HAS_NAME) && p->procs[i].has_bytes)
			rows[n++] = &p->procs[i];
	if (n > 1)
		qsort(rows, n, sizeof(*rows), by_name);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(rows[i]->name, rows[i - 1]->name) != 0)
			(void)strcpy(all[k++].name, rows[i]->name);
		all[k - 1].rx += (double)rows[i]->rx_bytes;
		all[k - 1].tx += (double)rows[i]->tx_bytes;
	}
	if (k > 1)
		qsort(all, k, sizeof(*all), by_bytes);
	m->ntop = k < TOP_PROGRAMS ? k : TOP_PROGRAMS;
	memcpy(m->top, all, m->ntop * sizeof(*all));
	free(all);
	free(rows);
}

/* bwprocs' own counters, from a fresh procs file. */
static void
read_procs(struct cgi *c, struct ifm *m)
{
	struct bw_procs	p;

	m->procs_age = NAN;
	m->coverage = NAN;
	if (cgi_procs(c, m->name, &p) == -1)
		return;
	m->procs_age = c->now - p.ts;
	if (!bw_procs_stale(&p, c->now)) {
		m->up = 1;
		m->has = p.has;
		m->procs_rx = p.rx_bytes;
		m->procs_tx = p.tx_bytes;
		m->packets = p.packets;
		m->drops = p.drops;
		m->coverage = p.coverage;
		top_programs(m, &p);
	}
	bw_procs_free(&p);
}

struct events {
	long long	 n, fired;
	double		*cleared;	/* the fired_at of CLEARED events */
	double		*fires;
	size_t		 nc, nf, capc, capf;
};

static int
push(double **v, size_t *n, size_t *cap, double x)
{
	double	*nv;

	if ((nv = bw_grow(*v, *n, cap, 32, sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	(*v)[(*n)++] = x;
	return 0;
}

static int
count_spike(json_t *o, double ts, void *arg)
{
	(void)o;
	(void)ts;
	((struct events *)arg)->n++;
	return 0;
}

static int
count_alert(json_t *o, double ts, void *arg)
{
	struct events	*e = arg;
	const char	*ev = json_string_value(json_object_get(o, "event"));
	double		 at = bw_json_num(o, "fired_at");

	if (ev != NULL && strcmp(ev, "FIRED") == 0) {
		e->fired++;
		return push(&e->fires, &e->nf, &e->capf, ts);
	}
	if (ev != NULL && strcmp(ev, "CLEARED") == 0 && !isnan(at))
		return push(&e->cleared, &e->nc, &e->capc, at);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Spikes logged, alerts fired, and alerts FIRED but not CLEARED. */
static void
read_events(struct cgi *c, struct ifm *m)
{
	struct events	 e;
	size_t		 bad, i, lo, hi, mid;

	m->spikes = m->fired = m->active = -1;
	memset(&e, 0, sizeof(e));
	if (cgi_jsonl(c, BW_SPIKES, m->name, count_spike, &e, &bad) == 0)
		m->spikes = e.n;
	if (cgi_jsonl(c, BW_ALERTS, m->name, count_alert, &e, &bad) == -1)
		goto out;
	m->fired = e.fired;
	m->active = 0;
	if (e.nc > 1)
		qsort(e.cleared, e.nc, sizeof(*e.cleared), cmp_double);
	for (i = 0; i < e.nf; i++) {
		/* The first fired_at at or above fires[i] - slack. */
		for (lo = 0, hi = e.nc; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (e.cleared[mid] < e.fires[i] - TS_SLACK)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == e.nc || e.cleared[lo] > e.fires[i] + TS_SLACK)
			m->active++;
	}
out:
	free(e.cleared);
	free(e.fires);
}

static void
render(struct cgi_buf *b, struct ifm *m, size_t n)
{
	size_t		 i, k;

	family(b, "bwmon_interface_receive_bytes_total", "counter",
	    "Bytes received, summed from the 5-minute history.");
	for (i = 0; i < n; i++)
		if (m[i].hist)
			sample(b, "bwmon_interface_receive_bytes_total",
			    m[i].name, NULL, NULL, m[i].rx);
	family(b, "bwmon_interface_transmit_bytes_total", "counter",
	    "Bytes transmitted, summed from the 5-minute history.");
	for (i = 0; i < n; i++)
		if (m[i].hist)
			sample(b, "bwmon_interface_transmit_bytes_total",
			    m[i].name, NULL, NULL, m[i].tx);
	family(b, "bwmon_interface_receive_bytes_per_second", "gauge",
	    "Receive rate over the last second (bwprocs' live file).");
	for (i = 0; i < n; i++)
		if (m[i].live)
			sample(b, "bwmon_interface_receive_bytes_per_second",
			    m[i].name, NULL, NULL, m[i].live_rx);
	family(b, "bwmon_interface_transmit_bytes_per_second", "gauge",
	    "Transmit rate over the last second (bwprocs' live file).");
	for (i = 0; i < n; i++)
		if (m[i].live)
			sample(b, "bwmon_interface_transmit_bytes_per_second",
			    m[i].name, NULL, NULL, m[i].live_tx);
	family(b, "bwmon_bwprocs_up", "gauge",
	    "1 while bwprocs writes a fresh procs file for the interface.");
	for (i = 0; i < n; i++)
		sample(b, "bwmon_bwprocs_up", m[i].name, NULL, NULL,
		    m[i].up);
	family(b, "bwmon_bwprocs_receive_bytes_total", "counter",
	    "Bytes the interface received since bwprocs started.");
	for (i = 0; i < n; i++)
		if (m[i].has & BW_HAS_RX_BYTES)
			sample(b, "bwmon_bwprocs_receive_bytes_total",
			    m[i].name, NULL, NULL, (double)m[i].procs_rx);
	family(b, "bwmon_bwprocs_transmit_bytes_total", "counter",
	    "Bytes the interface transmitted since bwprocs started.");
	for (i = 0; i < n; i++)
		if (m[i].has & BW_HAS_TX_BYTES)
			sample(b, "bwmon_bwprocs_transmit_bytes_total",
			    m[i].name, NULL, NULL, (double)m[i].procs_tx);
	family(b, "bwmon_process_receive_bytes_total", "counter",
	    "Bytes received by the top programs' processes since bwprocs "
	    "started.");
	for (i = 0; i < n; i++)
		for (k = 0; k < m[i].ntop; k++)
			sample(b, "bwmon_process_receive_bytes_total",
			    m[i].name, "program", m[i].top[k].name,
			    m[i].top[k].rx);
	family(b, "bwmon_process_transmit_bytes_total", "counter",
	    "Bytes transmitted by the top programs' processes since "
	    "bwprocs started.");
	for (i = 0; i < n; i++)
		for (k = 0; k < m[i].ntop; k++)
			sample(b, "bwmon_process_transmit_bytes_total",
			    m[i].name, "program", m[i].top[k].name,
			    m[i].top[k].tx);
	family(b, "bwmon_traffic_coverage_ratio", "gauge",
	    "Share of the interface's bytes attributed to processes in the "
	    "last interval.");
	for (i = 0; i < n; i++)
		if (!isnan(m[i].coverage))
			sample(b, "bwmon_traffic_coverage_ratio", m[i].name,
			    NULL, NULL, m[i].coverage);
	family(b, "bwmon_capture_packets_total", "counter",
	    "Packets bwprocs captured since it started.");
	for (i = 0; i < n; i++)
		if (m[i].has & BW_HAS_PACKETS)
			sample(b, "bwmon_capture_packets_total", m[i].name,
			    NULL, NULL, (double)m[i].packets);
	family(b, "bwmon_capture_drops_total", "counter",
	    "Packets the capture dropped since bwprocs started.");
	for (i = 0; i < n; i++)
		if (m[i].has & BW_HAS_DROPS)
			sample(b, "bwmon_capture_drops_total", m[i].name,
			    NULL, NULL, (double)m[i].drops);
	family(b, "bwmon_spikes_total", "counter",
	    "Spikes recorded in the spike log.");
	for (i = 0; i < n; i++)
		if (m[i].spikes >= 0)
			sample(b, "bwmon_spikes_total", m[i].name, NULL, NULL,
			    (double)m[i].spikes);
	family(b, "bwmon_alerts_fired_total", "counter",
	    "Alerts fired, from the alert log.");
	for (i = 0; i < n; i++)
		if (m[i].fired >= 0)
			sample(b, "bwmon_alerts_fired_total", m[i].name, NULL,
			    NULL, (double)m[i].fired);
	family(b, "bwmon_alerts_active", "gauge",
	    "Alerts fired and not cleared.");
	for (i = 0; i < n; i++)
		if (m[i].active >= 0)
			sample(b, "bwmon_alerts_active", m[i].name, NULL,
			    NULL, (double)m[i].active);
	family(b, "bwmon_data_age_seconds", "gauge",
	    "Seconds since the newest history row, live sample or procs "
	    "file.");
	for (i = 0; i < n; i++) {
		if (!isnan(m[i].hist_age))
			sample(b, "bwmon_data_age_seconds", m[i].name,
			    "source", "history", m[i].hist_age);
		if (!isnan(m[i].live_age))
			sample(b, "bwmon_data_age_seconds", m[i].name,
			    "source", "live", m[i].live_age);
		if (!isnan(m[i].procs_age))
			sample(b, "bwmon_data_age_seconds", m[i].name,
			    "source", "procs", m[i].procs_age);
	}
	family(b, "bwmon_build_info", "gauge",
	    "Always 1: the bwmon version serving these metrics.");
	cgi_buf_printf(b, "bwmon_build_info{version=\"%s\"} 1\n",
	    BW_VERSION);
}

/*
 * The per-program counters bwprocs keeps in ownertotals_<iface>.json:
 * they survive the processes, bwprocs' restarts and the history's
 * rollups and trims, and the file bounds how many programs have one
 * (the rest are "other"), so no series ever goes down.
 */
static void
program_totals(struct cgi *c, struct cgi_buf *b)
{
	static const char *const name[2] = {
		"bwmon_program_receive_bytes_total",
		"bwmon_program_transmit_bytes_total"
	};
	struct bw_ownertotals	*t;
	size_t			 i, k;
	int			 dir;

	if ((t = calloc(c->ifs.n + 1, sizeof(*t))) == NULL)
		return;
	for (i = 0; i < c->ifs.n; i++)
		if (bw_ownertotals_read(c->dirfd, c->ifs.v[i].name,
		    &t[i]) == -1) {
			if (errno != ENOENT)
				cgi_log("%s/ownertotals_%s.json: %s", c->dir,
				    c->ifs.v[i].name, strerror(errno));
			t[i].since = -1;
		}
	for (dir = 0; dir < 2; dir++) {
		family(b, name[dir], "counter", dir == 0 ?
		    "Bytes each program received, since bwprocs began "
		    "counting; the programs beyond its bound are \"other\"." :
		    "Bytes each program sent, since bwprocs began counting; "
		    "the programs beyond its bound are \"other\".");
		for (i = 0; i < c->ifs.n; i++) {
			if (t[i].since < 0)
				continue;
			for (k = 0; k < t[i].n; k++)
				sample(b, name[dir], c->ifs.v[i].name,
				    "program", t[i].v[k].prog, (double)(dir ==
				    0 ? t[i].v[k].rx : t[i].v[k].tx));
			sample(b, name[dir], c->ifs.v[i].name, "program",
			    BW_OTHER_PROGRAMS, (double)(dir == 0 ?
			    t[i].other_rx : t[i].other_tx));
		}
	}
	for (i = 0; i < c->ifs.n; i++)
		bw_ownertotals_free(&t[i]);
	free(t);
}

/* name{device="...",host="...",name="..."} value */
static void
host_sample(struct cgi_buf *b, const char *metric, const char *device,
    const char *id, const char *name, uint64_t v)
{
	cgi_buf_printf(b, "%s{device=\"", metric);
	put_label(b, device);
	cgi_buf_add(b, "\",host=\"", 8);
	put_label(b, id);
	cgi_buf_add(b, "\",name=\"", 8);
	put_label(b, name);
	cgi_buf_printf(b, "\"} %llu\n", (unsigned long long)v);
}

/*
 * The LAN devices' byte counters of each interface with a live hosts
 * file: what each device received (sent) through the router since
 * bwprocs began counting, a total the writer carries across its
 * restarts, so that no series goes down.  The hosts_top devices with
 * the most bytes received get a receive series of their own, likewise
 * for sent, and the rest are summed into host="other".  Ranking each
 * direction by its own counter keeps "other" from going down: when a
 * device overtakes one of the top, the one it displaces has fewer
 * bytes than it, so "other" grows by the difference at least (see
 * bw_lanhosts_rank()).  The displaced device's series stops, as a series
 * does whose labels are gone; if it comes back it resumes at its
 * count.  A stale file still answers: its counts are the last there
 * were, and counters need no freshness.
 */
static void
host_totals(struct cgi *c, struct cgi_buf *b)
{
	static const char *const name[2] = {
		"bwmon_host_receive_bytes_total",
		"bwmon_host_transmit_bytes_total"
	};
	struct bw_lanhosts	*h;
	const struct bw_lanhost	*d;
	size_t			*idx, i, k, n;
	size_t			 top = (size_t)c->conf.hosts_top;
	uint64_t		 other;
	int			 dir, any = 0;

	if ((h = calloc(c->ifs.n + 1, sizeof(*h))) == NULL ||
	    (idx = calloc(top, sizeof(*idx))) == NULL) {
		free(h);
		return;
	}
	for (i = 0; i < c->ifs.n; i++) {
		h[i].ts = -1;
		if (!(c->ifs.v[i].kinds & BW_KIND_BIT(BW_HOSTS)))
			continue;
		if (cgi_hosts(c, c->ifs.v[i].name, &h[i]) == -1) {
			if (errno != ENOENT && errno != EBADMSG)
				cgi_log("%s/hosts_%s.json: %s", c->dir,
				    c->ifs.v[i].name, strerror(errno));
			h[i].ts = -1;
			continue;
		}
		any = 1;
	}
	for (dir = 0; dir < 2 && any; dir++) {
		family(b, name[dir], "counter", dir == 0 ?
		    "Bytes each LAN device received through the router, since "
		    "bwprocs began counting; beyond hosts_top, \"other\"." :
		    "Bytes each LAN device sent through the router, since "
		    "bwprocs began counting; beyond hosts_top, \"other\".");
		for (i = 0; i < c->ifs.n; i++) {
			if (h[i].ts < 0)
				continue;
			n = bw_lanhosts_rank(&h[i], dir == 0, top, idx, &other);
			for (k = 0; k < n; k++) {
				d = &h[i].v[idx[k]];
				host_sample(b, name[dir], c->ifs.v[i].name,
				    d->id, bw_lanhost_label(d), dir == 0 ?
				    d->rx : d->tx);
			}
			host_sample(b, name[dir], c->ifs.v[i].name,
			    BW_OTHER_HOSTS, BW_OTHER_HOSTS, other);
		}
	}
	for (i = 0; i < c->ifs.n; i++)
		bw_lanhosts_free(&h[i]);
	free(idx);
	free(h);
}

int
main(void)
{
	static const char *const keys[] = { NULL };
	struct ifm		*m;
	struct cgi		 c;
	struct cgi_buf		 b = { NULL, 0, 0 };
	size_t			 i;

	cgi_init(&c, keys);
	if ((m = calloc(c.ifs.n + 1, sizeof(*m))) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < c.ifs.n; i++) {
		m[i].name = c.ifs.v[i].name;
		read_history(&c, &m[i]);
		read_live(&c, &m[i]);
		read_procs(&c, &m[i]);
		read_events(&c, &m[i]);
	}
	render(&b, m, c.ifs.n);
	free(m);
	program_totals(&c, &b);
	host_totals(&c, &b);
	cgi_send(&c, 200, CGI_NOSTORE, "text/plain; version=0.0.4; "
	    "charset=utf-8", b.p, b.len);
}
