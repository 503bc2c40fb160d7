/*
 * procs.cgi: /api/procs?iface= -- the current procs_<iface>.json, with
 * its age.  The document is rebuilt key by key (the keys of the live-data
 * contract, each of its type or null), so that a page reads one shape
 * from a bwmon v1 file, a v2 one or a damaged one.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"

#define PROCS_INTERVAL	2	/* bwprocs' default procs_interval */

enum kind { NUM, STR };

struct field {
	const char	*key;
	enum kind	 kind;
};

static const struct field proc_fields[] = {
	{ "kind", STR }, { "name", STR }, { "pid", NUM }, { "uid", NUM },
	{ "user", STR }, { "exe", STR }, { "cmdline", STR },
	{ "container", STR }, { "tx_bps", NUM }, { "rx_bps", NUM },
	{ "tx_bytes", NUM }, { "rx_bytes", NUM }, { "connections", NUM },
	{ "last_seen", NUM },
};

static const struct field conn_fields[] = {
	{ "proto", STR }, { "local", STR }, { "remote", STR }, { "pid", NUM },
	{ "name", STR }, { "tx_bps", NUM }, { "rx_bps", NUM },
	{ "tx_bytes", NUM }, { "rx_bytes", NUM },
};

static const struct field top_fields[] = {
	{ "ts", NUM }, { "interval_seconds", NUM }, { "started", NUM },
	{ "rx_bps", NUM }, { "tx_bps", NUM }, { "rx_bytes", NUM },
	{ "tx_bytes", NUM }, { "coverage", NUM },
};

static const struct field capture_fields[] = {
	{ "packets", NUM }, { "drops", NUM }, { "drops_interval", NUM },
};

/* An object of the given fields copied from in, each typed or null. */
static json_t *
pick(const json_t *in, const struct field *f, size_t n)
{
	json_t	*o;
	size_t	 i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_object_set_new(o, f[i].key, f[i].kind == NUM ?
		    cgi_num(json_object_get(in, f[i].key)) :
		    cgi_str(json_object_get(in, f[i].key))) == -1) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *
pick_array(const json_t *in, const struct field *f, size_t n, int procs)
{
	json_t		*out, *o;
	const json_t	*e;
	size_t		 i;

	if ((out = json_array()) == NULL)
		return NULL;
	if (!json_is_array(in))
		return out;
	for (i = 0; i < json_array_size(in); i++) {
		e = json_array_get(in, i);
		if (!json_is_object(e))
			continue;
		if ((o = pick(e, f, n)) == NULL)
			goto fail;
		/* bwmon v1 listed processes only, with no "kind". */
		if (procs && json_is_null(json_object_get(o, "kind")) &&
		    json_object_set_new(o, "kind", json_string("process")) ==
		    -1)
			goto fail;
		if (json_array_append_new(out, o) == -1)
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

int
main(void)
{
	static const char *const keys[] = { "iface", NULL };
	struct cgi	 c;
	json_t		*in, *doc, *v;
	char		 name[64], why[160], note[256];
	double		 ts, iv, age;
	int		 stale;

	cgi_init(&c, keys);
	cgi_iface(&c);
	(void)bw_kind_file(name, sizeof(name), BW_PROCS, c.iface);
	if ((in = cgi_load_json(&c, BW_PROCS, c.iface, CGI_JSON_MAX, why,
	    sizeof(why))) ==
	    NULL) {
		if (errno == EBADMSG)
			cgi_log("%s/%s: %s", c.dir, name, why);
		cgi_file_fail(&c, BW_PROCS, errno, cgi_bwprocs_hint(&c));
	}
	if (!json_is_object(in))
		cgi_fail(&c, 500, NULL, "%s is not a JSON object", name);
	if ((doc = pick(in, top_fields, sizeof(top_fields) /
	    sizeof(top_fields[0]))) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	v = json_object_get(in, "version");
	ts = json_number_value(json_object_get(in, "ts"));
	iv = json_number_value(json_object_get(in, "interval_seconds"));
	if (!isfinite(iv) || iv <= 0 || iv > 3600)
		iv = PROCS_INTERVAL;
	age = json_is_number(json_object_get(in, "ts")) && isfinite(ts) ?
	    c.now - ts : INFINITY;
	stale = !(age <= 3 * iv);
	if (json_object_set_new(doc, "iface", json_string(c.iface)) == -1 ||
	    json_object_set_new(doc, "version", json_is_integer(v) ?
	    json_integer(json_integer_value(v)) : json_integer(1)) == -1 ||
	    json_object_set_new(doc, "age_seconds", isfinite(age) ?
	    json_real(round(age * 1000) / 1000) : json_null()) == -1 ||
	    json_object_set_new(doc, "stale", json_boolean(stale)) == -1 ||
	    json_object_set_new(doc, "capture",
	    json_is_object(json_object_get(in, "capture")) ?
	    pick(json_object_get(in, "capture"), capture_fields,
	    sizeof(capture_fields) / sizeof(capture_fields[0])) :
	    json_null()) == -1 ||
	    json_object_set_new(doc, "processes",
	    pick_array(json_object_get(in, "processes"), proc_fields,
	    sizeof(proc_fields) / sizeof(proc_fields[0]), 1)) == -1 ||
	    json_object_set_new(doc, "connections",
	    pick_array(json_object_get(in, "connections"), conn_fields,
	    sizeof(conn_fields) / sizeof(conn_fields[0]), 0)) == -1)
		cgi_fail(&c, 500, NULL, "out of memory");
	if (stale) {
		(void)snprintf(note, sizeof(note), "bwprocs is not running "
		    "for %s: this is its last procs file; start it with "
		    "systemctl enable --now bwprocs@%s", c.iface, c.iface);
		if (json_object_set_new(doc, "note", json_string(note)) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	}
	json_decref(in);
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
