/*
 * live.cgi: /api/live?iface= -- the last 120 s of 1-second RX/TX rates
 * from live_<iface>.json, which bwprocs rewrites every second, read and
 * judged by lib/procs.c.  When that file is missing, unreadable or
 * stale, one reading of the interface's counters from /proc/net/dev
 * instead (the page turns two readings a second apart into a rate), with
 * a note that bwprocs is not running.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "netdev.h"
#include "util.h"

#define LIVE_SAMPLES	120

/* The good samples among the file's last LIVE_SAMPLES entries. */
static json_t *
samples_json(const struct bw_live *l)
{
	json_t	*out, *s;
	size_t	 i, first;

	if ((out = json_array()) == NULL)
		return NULL;
	first = l->nentries > LIVE_SAMPLES ? l->nentries - LIVE_SAMPLES : 0;
	for (i = 0; i < l->nsamples; i++) {
		if (l->samples[i].entry < first)
			continue;
		s = json_pack("[f, o, o]", l->samples[i].ts,
		    cgi_rate(l->samples[i].rx_bps),
		    cgi_rate(l->samples[i].tx_bps));
		if (s == NULL || json_array_append_new(out, s) == -1) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The answer without bwprocs: a counter reading and why. */
static void __attribute__((noreturn))
from_proc(struct cgi *c, const char *why)
{
	struct bw_netdev	*devs = NULL;
	const struct bw_netdev	*d = NULL;
	json_t			*counters = json_null();
	char			 note[256];
	int			 n;

	if (bw_netdev_read(bw_procdir(), &devs, &n, NULL) == 0 &&
	    (d = bw_netdev_find(devs, n, c->iface)) != NULL)
		counters = json_pack("{s:f, s:I, s:I}", "ts", c->now,
		    "rx_bytes", (json_int_t)(d->rx_bytes > INT64_MAX ?
		    INT64_MAX : d->rx_bytes),
		    "tx_bytes", (json_int_t)(d->tx_bytes > INT64_MAX ?
		    INT64_MAX : d->tx_bytes));
	free(devs);
	(void)snprintf(note, sizeof(note), "bwprocs is not running for %s "
	    "(%s): these are the interface's byte counters, read once; "
	    "start it with systemctl enable --now bwprocs@%s", c->iface, why,
	    c->iface);
	cgi_send_json(c, 200, CGI_NOSTORE, json_pack("{s:s, s:s, s:b, s:o, "
	    "s:[], s:s}",
	    "iface", c->iface,
	    "source", "proc",
	    "stale", 1,
	    "counters", counters,
	    "samples",
	    "note", note));
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	static struct bw_live	 l;
	struct cgi		 c;
	char			 why[160];
	double			 age;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if (cgi_live(&c, c.iface, &l) == -1) {
		switch (errno) {
		case ENOENT:
			from_proc(&c, "no live file");
		case ELOOP:
		case EINVAL:
			cgi_file_fail(&c, BW_LIVE, errno, NULL);
		case EFBIG:
			from_proc(&c, "its live file is too large");
		default:
			from_proc(&c, "its live file is unreadable");
		}
	}
	age = c.now - l.ts;
	if (bw_live_stale(&l, c.now)) {
		(void)snprintf(why, sizeof(why), "its live file is %.0f s old",
		    age);
		from_proc(&c, why);
	}
	cgi_send_json(&c, 200, CGI_NOSTORE, json_pack("{s:s, s:s, s:b, "
	    "s:f, s:f, s:f, s:o}",
	    "iface", c.iface,
	    "source", "bwprocs",
	    "stale", 0,
	    "ts", l.ts,
	    "age_seconds", round(age * 1000) / 1000,
	    "interval_seconds", l.interval,
	    "samples", samples_json(&l)));
}
