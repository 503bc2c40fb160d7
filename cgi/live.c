/*
 * live.cgi: /api/live?iface= -- the last 120 s of 1-second RX/TX rates
 * from live_<iface>.json, which bwprocs rewrites every second.  When that
 * file is missing, unreadable or stale, one reading of the interface's
 * counters from /proc/net/dev instead (the page turns two readings a
 * second apart into a rate), with a note that bwprocs is not running.
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
#define LIVE_INTERVAL	1	/* when the file does not say */

/* The valid [ts, rx_bps, tx_bps] samples, the last LIVE_SAMPLES. */
static json_t *
samples_json(const json_t *in)
{
	json_t		*out, *s;
	const json_t	*e;
	size_t		 i, n, first;
	double		 v[3];
	int		 k, ok;

	if ((out = json_array()) == NULL)
		return NULL;
	if (!json_is_array(in))
		return out;
	n = json_array_size(in);
	first = n > LIVE_SAMPLES ? n - LIVE_SAMPLES : 0;
	for (i = first; i < n; i++) {
		e = json_array_get(in, i);
		ok = json_is_array(e) && json_array_size(e) >= 3;
		for (k = 0; ok && k < 3; k++) {
			v[k] = json_number_value(json_array_get(e, (size_t)k));
			ok = json_is_number(json_array_get(e, (size_t)k)) &&
			    isfinite(v[k]) && v[k] >= 0;
		}
		if (!ok)
			continue;
		s = json_pack("[f, o, o]", v[0], cgi_rate(v[1]),
		    cgi_rate(v[2]));
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
	struct cgi	 c;
	json_t		*doc, *samples;
	char		 name[64], why[160];
	double		 ts, iv, age;

	cgi_init(&c, keys);
	cgi_iface(&c);
	(void)bw_kind_file(name, sizeof(name), BW_LIVE, c.iface);
	if ((doc = cgi_load_json(&c, BW_LIVE, c.iface, CGI_JSON_MAX, NULL,
	    0)) == NULL) {
		switch (errno) {
		case ENOENT:
			from_proc(&c, "no live file");
		case ELOOP:
		case EINVAL:
			cgi_file_fail(&c, BW_LIVE, errno, NULL);
		default:
			from_proc(&c, "its live file is unreadable");
		}
	}
	ts = json_number_value(json_object_get(doc, "ts"));
	iv = json_number_value(json_object_get(doc, "interval_seconds"));
	if (!isfinite(iv) || iv <= 0 || iv > 3600)
		iv = LIVE_INTERVAL;
	age = c.now - ts;
	if (!json_is_number(json_object_get(doc, "ts")) || !isfinite(ts)) {
		json_decref(doc);
		from_proc(&c, "its live file has no time");
	}
	if (age > 3 * iv) {
		json_decref(doc);
		(void)snprintf(why, sizeof(why), "its live file is %.0f s old",
		    age);
		from_proc(&c, why);
	}
	samples = samples_json(json_object_get(doc, "samples"));
	json_decref(doc);
	cgi_send_json(&c, 200, CGI_NOSTORE, json_pack("{s:s, s:s, s:b, "
	    "s:f, s:f, s:f, s:o}",
	    "iface", c.iface,
	    "source", "bwprocs",
	    "stale", 0,
	    "ts", ts,
	    "age_seconds", round(age * 1000) / 1000,
	    "interval_seconds", iv,
	    "samples", samples));
}
