/*
 * bwhistory --by: the owners (programs, users, units, containers or
 * remote endpoints) of a window, busiest first, with their bytes and
 * shares and the busiest process of each, as a table, the JSON document
 * /api/top serves, or CSV; or, --by host, a router's LAN devices from
 * the host history.
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "by.h"
#include "datadir.h"
#include "fmt.h"
#include "histjson.h"
#include "owners.h"
#include "topjson.h"

#define NAMEW		24	/* the name column */
#define LINEMAX		(BY_WIDTHMAX + 1)
#define TIMEFMT		"%Y-%m-%d %H:%M"
#define WIDE		110	/* the process fits beside its row */

static const char *
span_name(char *buf, size_t size, int secs)
{
	if (secs % 86400 == 0)
		(void)snprintf(buf, size, "%d day%s", secs / 86400,
		    secs == 86400 ? "" : "s");
	else if (secs % 3600 == 0)
		(void)snprintf(buf, size, "%d h", secs / 3600);
	else if (secs % 60 == 0)
		(void)snprintf(buf, size, "%d min", secs / 60);
	else
		(void)snprintf(buf, size, "%d s", secs);
	return buf;
}

/* A line cut to the width, as the chart's lines are. */
static void
put_line(const struct by_query *q, const char *s)
{
	char	buf[8 * LINEMAX + 1];

	(void)bw_fmt_name(buf, sizeof(buf), s, q->width, 0);
	(void)printf("%s\n", buf);
}

static void
print_text(const struct by_query *q, const struct bw_top *t)
{
	const struct hq_scope	*sc = &q->sc;
	const struct bw_top_row	*r;
	char			 f[BW_FMTLEN], to[BW_FMTLEN], zone[BW_FMTLEN];
	char			 rx[BW_FMTLEN], tx[BW_FMTLEN], tot[BW_FMTLEN];
	char			 sp[BW_FMTLEN], name[4 * NAMEW + 1];
	/* Room for every field whole: put_line() cuts to the width. */
	char			 line[2 * LINEMAX], share[16], who[LINEMAX];
	uint64_t		 whole = t->rx + t->tx;
	size_t			 i;
	int			 hosts = q->by == BW_BY_HOST;
	int			 proc = q->by != BW_BY_REMOTE && !hosts;
	int			 wide = q->width >= WIDE;
	const char		*hist = hosts ? "host" : "owner";

	/* -r all: from the first row there is. */
	(void)bw_fmt_time(f, sizeof(f), sc->from > 0 || t->first == 0 ?
	    sc->from : t->first, TIMEFMT);
	(void)snprintf(line, sizeof(line), "%s: who used it, by %s, %s to "
	    "%s (%s)", sc->iface, bw_by_name(q->by), f,
	    bw_fmt_time(to, sizeof(to), sc->to, TIMEFMT),
	    bw_fmt_time(zone, sizeof(zone), sc->to, "%Z"));
	put_line(q, line);
	if (t->rows == 0) {
		if (t->first > 0 && t->first >= sc->to)
			(void)snprintf(line, sizeof(line), "no data: the "
			    "%s history of %s starts %s", hist, sc->iface,
			    bw_fmt_time(f, sizeof(f), t->first, TIMEFMT));
		else
			(void)snprintf(line, sizeof(line), "no data: bwprocs "
			    "recorded no %s in this window", hosts ?
			    "device" : "owner");
		put_line(q, line);
		return;
	}
	(void)snprintf(line, sizeof(line), "RX %s  TX %s  total %s  ",
	    bw_fmt_bytes(rx, sizeof(rx), (double)t->rx),
	    bw_fmt_bytes(tx, sizeof(tx), (double)t->tx),
	    bw_fmt_bytes(tot, sizeof(tot), (double)whole));
	/* Every byte of a device is its: no coverage to tell. */
	if (!hosts)
		(void)snprintf(line + strlen(line), sizeof(line) -
		    strlen(line), "coverage %.1f%%  ", whole > 0 ?
		    (double)t->attributed / (double)whole * 100 : 0.0);
	(void)snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "resolution %s",
	    span_name(sp, sizeof(sp), t->resolution > 0 ? t->resolution : 1));
	put_line(q, line);
	if (t->first > sc->from && sc->from > 0) {
		(void)snprintf(line, sizeof(line), "(the %s history starts "
		    "%s)", hist, bw_fmt_time(f, sizeof(f), t->first, TIMEFMT));
		put_line(q, line);
	}
	(void)snprintf(line, sizeof(line), "%-*s %10s %10s %10s %7s%s",
	    NAMEW, bw_by_title(q->by), "RX", "TX", "TOTAL", "SHARE",
	    proc && wide ? "     PID  COMMAND" : "");
	put_line(q, line);
	for (i = 0; i < t->n; i++) {
		r = &t->v[i];
		if (whole > 0)
			(void)snprintf(share, sizeof(share), "%6.1f%%",
			    (double)(r->rx + r->tx) / (double)whole * 100);
		else
			(void)snprintf(share, sizeof(share), "%7s", "-");
		who[0] = '\0';
		if (proc && r->pid > 0 && wide)
			(void)snprintf(who, sizeof(who), "  %7ld  %s", r->pid,
			    r->cmdline[0] != '\0' ? r->cmdline : r->prog);
		/* Names and command lines may hold anything: made safe. */
		(void)bw_fmt_name(name, sizeof(name), r->name, NAMEW, 1);
		(void)snprintf(line, sizeof(line), "%s %10s %10s %10s %s%s",
		    name, bw_fmt_bytes(rx, sizeof(rx), (double)r->rx),
		    bw_fmt_bytes(tx, sizeof(tx), (double)r->tx),
		    bw_fmt_bytes(tot, sizeof(tot), (double)(r->rx + r->tx)),
		    share, who);
		put_line(q, line);
		/* A narrow terminal gets the process on a line of its own. */
		if (proc && r->pid > 0 && !wide) {
			(void)snprintf(line, sizeof(line), "    pid %ld  %s",
			    r->pid, r->cmdline[0] != '\0' ? r->cmdline :
			    r->prog);
			put_line(q, line);
		}
	}
	put_line(q, hosts ? "RX: what the devices received through the "
	    "router, TX: what they sent; IP bytes" : "shares are of the "
	    "bytes bwprocs counted; coverage: the part tied to processes");
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static int
csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		return fputs(s, stdout) == EOF ? -1 : 0;
	if (putchar('"') == EOF)
		return -1;
	for (; *s != '\0'; s++)
		if ((*s == '"' && putchar('"') == EOF) || putchar(*s) == EOF)
			return -1;
	return putchar('"') == EOF ? -1 : 0;
}

/* Devices have an id where owners have a process. */
static int
print_csv(const struct bw_top *t, int hosts)
{
	const struct bw_top_row	*r;
	uint64_t		 whole = t->rx + t->tx;
	size_t			 i;
	int			 rv = 0;

	if (printf("name,rx_bytes,tx_bytes,total_bytes,share,%s\n", hosts ?
	    "id" : "pid,program,cmdline") < 0)
		return -1;
	for (i = 0; i < t->n && rv == 0; i++) {
		r = &t->v[i];
		rv |= csv_field(r->name);
		rv |= printf(",%llu,%llu,%llu,", (unsigned long long)r->rx,
		    (unsigned long long)r->tx,
		    (unsigned long long)(r->rx + r->tx)) < 0 ? -1 : 0;
		if (whole > 0)
			rv |= printf("%.4f", (double)(r->rx + r->tx) /
			    (double)whole) < 0 ? -1 : 0;
		rv |= putchar(',') == EOF ? -1 : 0;
		if (hosts) {
			rv |= csv_field(r->id);
			rv |= putchar('\n') == EOF ? -1 : 0;
			continue;
		}
		if (r->pid > 0)
			rv |= printf("%ld", r->pid) < 0 ? -1 : 0;
		rv |= putchar(',') == EOF ? -1 : 0;
		rv |= csv_field(r->prog);
		rv |= putchar(',') == EOF ? -1 : 0;
		rv |= csv_field(r->cmdline);
		rv |= putchar('\n') == EOF ? -1 : 0;
	}
	return rv;
}

static int
print_json(const struct by_query *q, const struct bw_top *t)
{
	json_t	*doc;
	int	 rv;

	if ((doc = bw_top_json(q->sc.iface, q->by, t)) == NULL)
		errx(1, "out of memory");
	rv = json_dumpf(doc, stdout, BW_JSON_DUMPFLAGS) == -1 ||
	    putchar('\n') == EOF ? -1 : 0;
	json_decref(doc);
	return rv;
}

/*
 * Print the owners of the window; 0, or -1 when stdout fails.  Exits
 * when the interface has no owner history at all.
 */
int
by_show(const struct by_query *q)
{
	const struct hq_scope	*sc = &q->sc;
	struct bw_top		 t;
	char			 name[64];
	int			 rv;

	if (bw_owners_top(sc->dirfd, sc->iface, sc->from, sc->to, q->by, q->top,
	    &t) == -1) {
		(void)bw_kind_file(name, sizeof(name), q->by == BW_BY_HOST ?
		    BW_HOSTLOG : BW_OWNERS, sc->iface);
		err(1, "%s/%s", sc->dir, name);
	}
	if (t.first == 0 && t.rows == 0) {
		bw_top_free(&t);
		if (q->by == BW_BY_HOST)
			errx(1, "no host history for %s in %s: bwprocs keeps "
			    "it for the LAN of a router (router in "
			    "bwmon.conf(5))", sc->iface, sc->dir);
		errx(1, "no owner history for %s in %s: bwprocs keeps it "
		    "while it runs (owners_interval in bwmon.conf(5))",
		    sc->iface, sc->dir);
	}
	if (q->by != BW_BY_REMOTE && q->by != BW_BY_HOST &&
	    bw_top_cmdlines(sc->dirfd, sc->iface, &t) == -1)
		warn("%s: command lines", sc->iface);
	switch (q->format) {
	case BY_JSON:
		rv = print_json(q, &t);
		break;
	case BY_CSV:
		rv = print_csv(&t, q->by == BW_BY_HOST);
		break;
	default:
		print_text(q, &t);
		rv = 0;
		break;
	}
	bw_top_free(&t);
	return rv;
}
