/*
 * ifaces.cgi: /api/ifaces -- the interfaces that have history, the one
 * shown by default, and per interface which data files exist and how old
 * they are, so that the page can say what is missing and how to start it,
 * and the server's time zone, in which the page labels days.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cgi.h"
#include "fileio.h"
#include "procs.h"

/* {"size", "mtime", "age_seconds"}, null when absent, or an error. */
static json_t *
file_json(const struct cgi *c, enum bw_kind k, const char *iface)
{
	int64_t	size, mtime;

	if (cgi_stat(c, k, iface, &size, &mtime) == -1) {
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
last_row(const struct cgi *c, const char *iface)
{
	char		 buf[256], *nl, *p;
	size_t		 len;
	long long	 ts;
	int		 fd, rv;

	if ((fd = cgi_open(c, BW_HISTORY, iface)) == -1)
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

/* Whether bwprocs runs for the interface, by the one rule. */
static const char *
bwprocs_state(const struct cgi *c, const char *iface)
{
	switch (bw_procs_status(c->dirfd, iface, c->now, NULL)) {
	case BW_BWPROCS_RUNNING:
		return "running";
	case BW_BWPROCS_STALE:
		return "stale";
	case BW_BWPROCS_ABSENT:
		return "absent";
	default:
		return "unreadable";
	}
}

static json_t *
iface_json(const struct cgi *c, const char *iface)
{
	json_t	*o, *fo;
	int	 k;

	if ((fo = json_object()) == NULL)
		return NULL;
	for (k = 0; k < BW_NKINDS; k++)
		if (json_object_set_new(fo, bw_kind_name((enum bw_kind)k),
		    file_json(c, (enum bw_kind)k, iface)) == -1) {
			json_decref(fo);
			return NULL;
		}
	o = json_pack("{s:s, s:o, s:o}", "name", iface, "last_row",
	    last_row(c, iface), "files", fo);
	if (o != NULL && json_object_set_new(o, "bwprocs",
	    json_string(bwprocs_state(c, iface))) == -1) {
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
	char		 zone[64];
	long		 off;
	size_t		 i;

	cgi_init(&c, keys);
	if ((arr = json_array()) == NULL)
		cgi_fail(&c, 500, NULL, "out of memory");
	for (i = 0; i < c.ifs.n; i++)
		if (json_array_append_new(arr, iface_json(&c,
		    c.ifs.v[i].name)) == -1)
			cgi_fail(&c, 500, NULL, "out of memory");
	if (c.ifs.n > 0)
		cgi_iface(&c);	/* no "iface" key: the default one */
	cgi_zone(&c, zone, sizeof(zone), &off);
	doc = json_pack("{s:o, s:f, s:s, s:I, s:o}",
	    "default", c.ifs.n > 0 ? json_string(c.iface) : json_null(),
	    "now", c.now,
	    "tz", zone,
	    "utc_offset", (json_int_t)off,
	    "ifaces", arr);
	cgi_send_json(&c, 200, CGI_NOSTORE, doc);
}
