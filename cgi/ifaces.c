/*
 * ifaces.cgi: /api/ifaces -- the interfaces that have history, the one
 * shown by default, and per interface which data files exist and how old
 * they are, so that the page can say what is missing and how to start it.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cgi.h"
#include "fileio.h"

#define PROCS_INTERVAL	2	/* bwprocs' default procs_interval */

static const struct {
	const char	*key, *prefix, *suffix;
} files[] = {
	{ "history", "bw_", ".csv" },
	{ "state", "state_", ".json" },
	{ "live", "live_", ".json" },
	{ "procs", "procs_", ".json" },
	{ "spikes", "spikes_", ".jsonl" },
	{ "alerts", "alerts_", ".jsonl" },
};

/* {"size", "mtime", "age_seconds"}, null when absent, or an error. */
static json_t *
file_json(const struct cgi *c, const char *name)
{
	int64_t	size, mtime;

	if (cgi_stat(c, name, &size, &mtime) == -1) {
		if (errno == ENOENT)
			return json_null();
		return json_pack("{s:s}", "error", "not a regular file: "
		    "refused");
	}
	return json_pack("{s:I, s:I, s:f}", "size", (json_int_t)size,
	    "mtime", (json_int_t)mtime,
	    "age_seconds", round((c->now - (double)mtime) * 1000) / 1000);
}

/* The time of the last history row: the start of the file's last line. */
static json_t *
last_row(const struct cgi *c, const char *name)
{
	char		 buf[256], *nl, *p;
	size_t		 len;
	long long	 ts;
	int		 fd, rv;

	if ((fd = cgi_open(c, name)) == -1)
		return json_null();
	rv = bw_read_tail(fd, sizeof(buf), buf, &len);
	(void)close(fd);
	if (rv == -1 || len < 2 || buf[len - 1] != '\n')
		return json_null();
	buf[len - 1] = '\0';
	p = (nl = strrchr(buf, '\n')) != NULL ? nl + 1 : buf;
	if ((nl = strchr(p, ',')) == NULL)
		return json_null();
	*nl = '\0';
	if (bw_parse_ll(p, 1, 100000000000LL, &ts) == -1)
		return json_null();
	return json_integer((json_int_t)ts);
}

/*
 * Whether bwprocs runs for the interface: "running" when its procs file
 * is fresh (younger than 3 intervals), "stale", or "absent".
 */
static const char *
bwprocs_state(const struct cgi *c, const char *name)
{
	json_t		*doc;
	double		 ts, iv;
	const char	*st = "absent";

	if ((doc = cgi_load_json(c, name, CGI_JSON_MAX, NULL, 0)) == NULL)
		return errno == ENOENT ? "absent" : "unreadable";
	ts = json_number_value(json_object_get(doc, "ts"));
	iv = json_number_value(json_object_get(doc, "interval_seconds"));
	if (!(iv > 0) || !isfinite(iv))
		iv = PROCS_INTERVAL;
	st = c->now - ts <= 3 * iv ? "running" : "stale";
	json_decref(doc);
	return st;
}

static json_t *
iface_json(const struct cgi *c, const char *iface)
{
	json_t	*o, *fo;
	char	 name[64];
	size_t	 i;

	if ((fo = json_object()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cgi_filename(name, sizeof(name), files[i].prefix, iface,
		    files[i].suffix);
		if (json_object_set_new(fo, files[i].key, file_json(c,
		    name)) == -1) {
			json_decref(fo);
			return NULL;
		}
	}
	cgi_filename(name, sizeof(name), "bw_", iface, ".csv");
	o = json_pack("{s:s, s:o, s:o}", "name", iface, "last_row",
	    last_row(c, name), "files", fo);
	cgi_filename(name, sizeof(name), "procs_", iface, ".json");
	if (o != NULL && json_object_set_new(o, "bwprocs",
	    json_string(bwprocs_state(c, name))) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
main(void)
{
	static const char *const keys[] = { NULL };
	struct cgi	 c;
	json_t		*arr, *doc;
	int		 i;

	cgi_init(&c, keys);
	if ((arr = json_array()) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < c.nifaces; i++)
		if (json_array_append_new(arr, iface_json(&c,
		    c.ifaces[i])) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	if (c.nifaces > 0)
		cgi_iface(&c);	/* no "iface" key: the default one */
	doc = json_pack("{s:o, s:f, s:o}",
	    "default", c.nifaces > 0 ? json_string(c.iface) : json_null(),
	    "now", c.now,
	    "ifaces", arr);
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
