/*
 * bwtotal --by: the top owners (programs, users, units, containers or
 * remote endpoints) of each day, week or month, with their bytes and
 * shares, from the owner history bwprocs keeps; or, --by host, a
 * router's LAN devices from the host history.  A period the history
 * does not reach says "no data", never "0 B".
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "by.h"
#include "datadir.h"
#include "fmt.h"
#include "owners.h"
#include "topjson.h"
#include "totals.h"

#define NAMEW	28	/* the name column */

struct period {
	char		label[BW_PERIOD_LABELSZ];
	int64_t		start, end;
	int		partial;
	struct bw_top	t;
};

static const char *
kind_plural(enum bw_by by)
{
	switch (by) {
	case BW_BY_USER:
		return "users";
	case BW_BY_UNIT:
		return "units";
	case BW_BY_CONTAINER:
		return "containers";
	case BW_BY_REMOTE:
		return "remote endpoints";
	case BW_BY_HOST:
		return "hosts";
	default:
		return "programs";
	}
}

/* The count periods up to the current one, oldest first. */
static void
periods(const struct by_query *q, struct period *p)
{
	int64_t	start, end;
	size_t	k;

	if (bw_period_start(q->now, q->period, q->msd, &start) == -1 ||
	    bw_period_next(q->now, q->period, q->msd, &end) == -1)
		err(1, "the period of %lld", (long long)q->now);
	for (k = q->count; k-- > 0;) {
		p[k].start = start;
		p[k].end = end;
		p[k].partial = end > q->now;
		if (bw_period_label(p[k].label, sizeof(p[k].label), start,
		    q->period, q->msd) == -1)
			err(1, "the period of %lld", (long long)start);
		end = start;
		if (k > 0 && bw_period_start(start - 1, q->period, q->msd,
		    &start) == -1)
			err(1, "the period of %lld", (long long)start - 1);
	}
}

/* The owner history has no row in p: it is no data, not nothing moved. */
static int
no_data(const struct period *p)
{
	return p->t.rows == 0;
}

static void
print_share(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		(void)printf("%7s", "-");
	else
		(void)printf("%6.1f%%", (double)part / (double)whole * 100);
}

static void
print_period(const struct by_query *q, const struct period *p)
{
	const struct bw_top	*t = &p->t;
	const struct bw_top_row	*r;
	char			 lab[BW_PERIOD_LABELSZ + 2], when[BW_FMTLEN];
	char			 rx[BW_FMTLEN], tx[BW_FMTLEN], tot[BW_FMTLEN];
	char			 name[4 * NAMEW + 1];
	size_t			 i;
	int			 hosts = q->by == BW_BY_HOST;

	(void)snprintf(lab, sizeof(lab), "%s%s", p->label,
	    p->partial ? "*" : "");
	if (no_data(p)) {
		if (t->first > 0 && t->first >= p->end)
			(void)printf("%-11s no data: the %s history starts "
			    "%s\n", lab, hosts ? "host" : "owner",
			    bw_fmt_time(when, sizeof(when), t->first,
			    "%Y-%m-%d %H:%M"));
		else
			(void)printf("%-11s no data: bwprocs recorded no "
			    "%s in it\n", lab, hosts ? "device" : "owner");
		return;
	}
	(void)printf("%-11s RX %s  TX %s  total %s", lab,
	    bw_fmt_bytes(rx, sizeof(rx), (double)t->rx),
	    bw_fmt_bytes(tx, sizeof(tx), (double)t->tx),
	    bw_fmt_bytes(tot, sizeof(tot), (double)(t->rx + t->tx)));
	if (t->rx + t->tx > 0 && !hosts)
		(void)printf("  coverage %.1f%%", (double)t->attributed /
		    (double)(t->rx + t->tx) * 100);
	(void)printf("\n");
	if (t->first > p->start)
		(void)printf("  (the %s history starts %s)\n", hosts ? "host" :
		    "owner", bw_fmt_time(when, sizeof(when), t->first,
		    "%Y-%m-%d %H:%M"));
	(void)printf("  %-*s %10s %10s %10s %7s\n", NAMEW, bw_by_title(q->by),
	    "RX", "TX", "TOTAL", "SHARE");
	for (i = 0; i < t->n; i++) {
		r = &t->v[i];
		(void)printf("  %s %10s %10s %10s ",
		    bw_fmt_name(name, sizeof(name), r->name, NAMEW, 1),
		    bw_fmt_bytes(rx, sizeof(rx), (double)r->rx),
		    bw_fmt_bytes(tx, sizeof(tx), (double)r->tx),
		    bw_fmt_bytes(tot, sizeof(tot), (double)(r->rx + r->tx)));
		print_share(r->rx + r->tx, t->rx + t->tx);
		(void)printf("\n");
	}
}

static void
print_table(const struct by_query *q, struct period *p)
{
	char	zone[BW_FMTLEN];
	size_t	k;

	(void)bw_fmt_time(zone, sizeof(zone), q->now, "%Z");
	(void)printf("%s: top %s per %s", q->iface, kind_plural(q->by),
	    bw_period_name(q->period));
	if (q->period == BW_PERIOD_MONTH && q->msd != 1)
		(void)printf(" (cycles from day %d)", q->msd);
	(void)printf(", local time (%s)\n", zone);
	for (k = 0; k < q->count; k++)
		print_period(q, &p[k]);
	if (p[q->count - 1].partial)
		(void)printf("* the current period, still counting\n");
	if (q->by == BW_BY_HOST)
		(void)printf("RX: what the devices received through the "
		    "router, TX: what they sent; IP bytes\n");
	else
		(void)printf("shares are of the bytes bwprocs counted; "
		    "coverage: the part tied to processes\n");
}

static void
print_json(const struct by_query *q, struct period *p)
{
	json_t	*arr, *root, *o, *doc;
	size_t	 k;

	if ((arr = json_array()) == NULL)
		errx(1, "out of memory");
	for (k = 0; k < q->count; k++) {
		doc = no_data(&p[k]) ? json_null() :
		    bw_top_json(q->iface, q->by, &p[k].t);
		o = json_pack("{s:s, s:I, s:I, s:b, s:o}",
		    "label", p[k].label, "start", (json_int_t)p[k].start,
		    "end", (json_int_t)p[k].end, "partial", p[k].partial,
		    "top", doc);
		if (doc == NULL || o == NULL || json_array_append_new(arr, o))
			errx(1, "out of memory");
	}
	root = json_pack("{s:s, s:s, s:s, s:i, s:o}", "iface", q->iface,
	    "by", bw_by_name(q->by), "period", bw_period_name(q->period),
	    "month_start_day", q->msd, "periods", arr);
	if (root == NULL)
		errx(1, "out of memory");
	if (json_dumpf(root, stdout, JSON_COMPACT) == -1 ||
	    putchar('\n') == EOF)
		err(1, "stdout");
	json_decref(root);
}

void
by_show(const struct by_query *q)
{
	struct period	*p;
	char		 name[64];
	size_t		 k;
	int		 fd, any = 0;

	if ((fd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "data directory %s", q->dir);
	if ((p = calloc(q->count, sizeof(*p))) == NULL)
		err(1, NULL);
	periods(q, p);
	for (k = 0; k < q->count; k++) {
		if (bw_owners_top(fd, q->iface, p[k].start, p[k].end, q->by,
		    q->top, &p[k].t) == -1) {
			(void)bw_kind_file(name, sizeof(name), q->by ==
			    BW_BY_HOST ? BW_HOSTLOG : BW_OWNERS, q->iface);
			err(1, "%s/%s", q->dir, name);
		}
		if (p[k].t.first > 0)
			any = 1;
		if (q->json && q->by != BW_BY_REMOTE && q->by != BW_BY_HOST &&
		    bw_top_cmdlines(fd, q->iface, &p[k].t) == -1)
			warn("%s: command lines", q->iface);
	}
	(void)close(fd);
	if (!any && q->by == BW_BY_HOST)
		errx(1, "no host history for %s in %s: bwprocs keeps it for "
		    "the LAN of a router (router in bwmon.conf(5))", q->iface,
		    q->dir);
	if (!any)
		errx(1, "no owner history for %s in %s: bwprocs keeps it while "
		    "it runs (owners_interval in bwmon.conf(5))", q->iface,
		    q->dir);
	if (q->json)
		print_json(q, p);
	else
		print_table(q, p);
	for (k = 0; k < q->count; k++)
		bw_top_free(&p[k].t);
	free(p);
}
