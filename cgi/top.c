/*
 * top.cgi: /api/top?iface=&by=&range= (or &from=&to=, epoch seconds)
 * -- who moved an interface's bytes over any window of the owner
 * history bwprocs keeps: programs, users, units, containers or remote
 * endpoints, busiest first with their shares and the coverage, at the
 * resolution the window's age has; or, by=host, the LAN devices of a
 * router from its host history.  The document bwtotal --by and
 * bwhistory --by print with --json.  With &buckets=N, also the bytes
 * of each of those rows in up to N buckets, for a chart that stacks
 * them.  With by=host&host=ID, only the device ID's row, for a chart of
 * one device.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "history.h"
#include "owners.h"
#include "topjson.h"

#define TOP_DEFAULT	20	/* rows unless n= says */
#define TOP_MAX		1000
#define BUCKETS_MAX	1000

/*
 * A device's id as the host files spell it, a MAC or an address, into
 * id (room for a row's): its colons may come as %3A, as a browser's
 * URLSearchParams sends them; nothing else is decoded.  0, or -1.
 */
static int
host_id(const char *s, char *id, size_t size)
{
	size_t	n = 0;

	for (; *s != '\0' && n + 1 < size; n++) {
		if (s[0] == '%' && s[1] == '3' && (s[2] == 'A' || s[2] == 'a')) {
			id[n] = ':';
			s += 3;
		} else
			id[n] = *s++;
	}
	id[n] = '\0';
	return *s == '\0' && n > 0 && strspn(id, "0123456789abcdefABCDEF:.") == n ?
	    0 : -1;
}

/*
 * Keep only the row of the device id (none when it moved nothing in the
 * window), and its buckets; the window's totals stay every device's.
 */
static void
keep_host(struct bw_top *t, struct bw_topseries *ts, const char *id)
{
	size_t	r;

	for (r = 0; r < t->n && strcmp(t->v[r].id, id) != 0; r++)
		;
	if (r == t->n) {
		t->n = 0;
		return;
	}
	if (r > 0) {
		t->v[0] = t->v[r];
		if (ts != NULL && ts->nb > 0) {
			memcpy(ts->bytes, ts->bytes + r * ts->nb,
			    ts->nb * sizeof(*ts->bytes));
			memcpy(ts->rx, ts->rx + r * ts->nb,
			    ts->nb * sizeof(*ts->rx));
		}
	}
	t->n = 1;
}

int
main(void)
{
	static const char *const keys[] = {
		"iface", "by", "range", "from", "to", "n", "buckets", "host",
		NULL
	};
	struct cgi	 c;
	struct bw_top		 t;
	struct bw_topseries	 ts;
	enum bw_by		 by = BW_BY_PROGRAM;
	const char		*s, *rname, *host = NULL;
	char			 hostid[sizeof(((struct bw_top_row *)0)->id)];
	long long		 from, to, n = TOP_DEFAULT, nb = 0;
	int64_t			 secs;
	json_t			*doc, *b = NULL;
	int			 rv;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if ((s = cgi_param(&c, "by")) != NULL && bw_by_parse(s, &by) == -1)
		cgi_fail(&c, 400, NULL, "bad by: use program, user, unit, "
		    "container, remote or host");
	if ((s = cgi_param(&c, "n")) != NULL &&
	    bw_parse_ll(s, 1, TOP_MAX, &n) == -1)
		cgi_fail(&c, 400, NULL, "bad n: 1 to %d rows", TOP_MAX);
	if ((s = cgi_param(&c, "buckets")) != NULL &&
	    bw_parse_ll(s, 1, BUCKETS_MAX, &nb) == -1)
		cgi_fail(&c, 400, NULL, "bad buckets: 1 to %d", BUCKETS_MAX);
	if (nb > 0 && by == BW_BY_REMOTE)
		cgi_fail(&c, 400, NULL, "buckets goes with by program, user, "
		    "unit, container or host");
	if ((s = cgi_param(&c, "host")) != NULL) {
		if (by != BW_BY_HOST)
			cgi_fail(&c, 400, NULL, "host goes with by=host");
		if (host_id(s, hostid, sizeof(hostid)) == -1)
			cgi_fail(&c, 400, NULL, "bad host: a device's id, its "
			    "MAC or address");
		host = hostid;
		n = 0;	/* every device, then only that one */
	}
	if (cgi_param(&c, "from") != NULL || cgi_param(&c, "to") != NULL) {
		if (cgi_param(&c, "range") != NULL)
			cgi_fail(&c, 400, NULL, "give range or from and to, "
			    "not both");
		if ((s = cgi_param(&c, "from")) == NULL ||
		    bw_parse_ll(s, 0, 100000000000LL, &from) == -1 ||
		    (s = cgi_param(&c, "to")) == NULL ||
		    bw_parse_ll(s, 0, 100000000000LL, &to) == -1 || to <= from)
			cgi_fail(&c, 400, NULL, "bad from and to: epoch "
			    "seconds, from before to");
	} else {
		secs = cgi_range(&c, "24h", &rname);
		to = (long long)floor(c.now) + 1;
		from = secs > 0 ? to - secs : 0;
	}
	/* Buckets as /api/history cuts them: 5 minutes up, at most nb. */
	if (nb > 0)
		rv = bw_owners_topseries(c.dirfd, c.iface, from, to, by,
		    (size_t)n, bw_bucket_step(to - from, (size_t)nb), &t, &ts);
	else
		rv = bw_owners_top(c.dirfd, c.iface, from, to, by, (size_t)n,
		    &t);
	if (rv == -1)
		cgi_file_fail(&c, by == BW_BY_HOST ? BW_HOSTLOG : BW_OWNERS,
		    errno, NULL);
	if (t.rows == 0 && t.first == 0 && by == BW_BY_HOST)
		cgi_fail(&c, 404, "bwprocs keeps it on a router, for its LAN "
		    "interface (router in bwmon.conf)",
		    "no host history for %s yet", c.iface);
	if (t.rows == 0 && t.first == 0)
		cgi_fail(&c, 404, "bwprocs keeps the owner history while it "
		    "runs (owners_interval in bwmon.conf)",
		    "no owner history for %s yet", c.iface);
	if (host != NULL)
		keep_host(&t, nb > 0 ? &ts : NULL, host);
	if (by != BW_BY_REMOTE && by != BW_BY_HOST &&
	    bw_top_cmdlines(c.dirfd, c.iface, &t) == -1)
		cgi_log("%s: command lines of %s: %s", c.dir, c.iface,
		    strerror(errno));
	doc = bw_top_json(c.iface, by, &t);
	if (nb > 0) {
		b = bw_topseries_json(&t, &ts);
		bw_topseries_free(&ts);
		if (doc != NULL && (b == NULL ||
		    json_object_set_new(doc, "buckets", b) == -1)) {
			json_decref(doc);
			doc = NULL;
		}
	}
	bw_top_free(&t);
	if (doc == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	cgi_send_json(&c, 200, CGI_SHORT, doc);
}
