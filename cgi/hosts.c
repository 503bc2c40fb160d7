/*
 * hosts.cgi: /api/hosts?iface= -- a router's LAN devices now, from the
 * live hosts_<iface>.json bwprocs rewrites every second: each device's
 * name, addresses, bytes since counting began and rates, busiest first,
 * with the file's age and whether it is stale (the writer stopped), as
 * /api/procs says it of the procs file.  The file is read by
 * lib/hosts.c, its one reader, and the document rebuilt key by key.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"
#include "hosts.h"

static json_t *
real(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *
str(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
count(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) :
	    json_integer((json_int_t)v);
}

static json_t *
host_json(const struct bw_lanhost *h)
{
	json_t	*a;
	size_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < h->naddrs; i++)
		if (json_array_append_new(a, json_string(h->addrs[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o}",
	    "id", h->id,
	    "label", bw_lanhost_label(h),
	    "name", str(h->name),
	    "from", str(h->from),
	    "mac", str(h->mac),
	    "addrs", a,
	    "rx_bytes", count(h->rx),
	    "tx_bytes", count(h->tx),
	    "rx_bps", real(h->rx_bps),
	    "tx_bps", real(h->tx_bps),
	    "seen", h->seen > 0 ? json_integer(h->seen) : json_null());
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	struct cgi	 c;
	struct bw_lanhosts	 h;
	json_t		*doc, *a;
	char		 note[256];
	size_t		 i;
	int		 stale;

	cgi_init(&c, keys);
	cgi_iface(&c);
	if (cgi_hosts(&c, c.iface, &h) == -1)
		cgi_file_fail(&c, BW_HOSTS, errno, "bwprocs writes it on a "
		    "router, for its LAN interface (router in bwmon.conf)");
	stale = bw_lanhosts_stale(&h, c.now);
	if ((a = json_array()) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < h.n; i++)
		if (json_array_append_new(a, host_json(&h.v[i])) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	doc = json_pack("{s:f, s:s, s:f, s:b, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:i, s:o}",
	    "ts", h.ts,
	    "iface", c.iface,
	    "age_seconds", round((c.now - h.ts) * 1000) / 1000,
	    "stale", stale,
	    "interval_seconds", real(h.interval),
	    "source", str(h.source),
	    "offload", str(h.offload),
	    "offload_counted", h.offload_counted == -1 ? json_null() :
	    json_boolean(h.offload_counted),
	    "rx_bytes", count(h.rx),
	    "tx_bytes", count(h.tx),
	    "pid", h.pid > 0 ? json_integer(h.pid) : json_null(),
	    "top", c.conf.hosts_top,
	    "hosts", a);
	bw_lanhosts_free(&h);
	if (doc == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	if (stale) {
		(void)snprintf(note, sizeof(note), "bwprocs is not counting "
		    "the hosts of %s: this is its last hosts file", c.iface);
		if (json_object_set_new(doc, "note", json_string(note)) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	}
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
