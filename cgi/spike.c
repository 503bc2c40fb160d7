/*
 * spike.cgi: /api/spike?iface=&ts= -- one whole spike record from
 * spikes_<iface>.jsonl, as bwprocs wrote it (processes, interface
 * breakdown, flows), for the forensic panel: the record whose "ts" is
 * within a millisecond of ts, the nearest if several are, its strings
 * cleaned of what must not reach a page (cgi_clean()).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "cgi.h"

#define TS_SLACK	0.001

struct find {
	double	 want;
	double	 best;		/* distance of the match so far */
	json_t	*o;
};

static int
match(json_t *o, double ts, void *arg)
{
	struct find	*f = arg;
	double		 d = fabs(ts - f->want);

	if (d <= TS_SLACK && (f->o == NULL || d < f->best)) {
		json_decref(f->o);
		f->o = json_incref(o);
		f->best = d;
	}
	return 0;
}

/* "1789999800" or "1789999800.25": digits and at most 6 decimals. */
static int
parse_ts(const char *s, double *out)
{
	const char	*dot = strchr(s, '.');
	size_t		 i;

	if (strlen(s) > 20 || (dot != NULL && strlen(dot + 1) > 6))
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if ((s[i] < '0' || s[i] > '9') && &s[i] != dot)
			return -1;
	return bw_parse_double(s, 0, 1e11, out);
}

int
main(void)
{
	static const char *const keys[] = { "iface", "ts", NULL };
	struct cgi	 c;
	struct find	 f;
	const char	*s;
	size_t		 bad;

	cgi_init(&c, keys);
	cgi_iface(&c);
	memset(&f, 0, sizeof(f));
	if ((s = cgi_param(&c, "ts")) == NULL)
		cgi_fail(&c, 400, NULL, "missing parameter ts (the spike's "
		    "time, as /api/spikes lists it)");
	if (parse_ts(s, &f.want) == -1)
		cgi_fail(&c, 400, NULL, "bad ts: epoch seconds, at most 6 "
		    "decimals");
	if (cgi_jsonl(&c, BW_SPIKES, c.iface, match, &f, &bad) == -1)
		cgi_file_fail(&c, BW_SPIKES, errno,
		    cgi_bwprocs_hint(&c, BW_SPIKES));
	if (f.o == NULL)
		cgi_fail(&c, 404, "/api/spikes lists the spikes there are",
		    "no spike at that time");
	cgi_clean(f.o);
	cgi_send_json(&c, 200, CGI_SHORT, json_pack("{s:s, s:o}",
	    "iface", c.iface, "spike", f.o));
}
