/*
 * Event log counting.  The logs are appended one complete line per
 * write, but v1 wrote them without locks and a killed writer leaves a
 * torn last line, so every line is parsed on its own and anything that
 * is not a JSON object with a numeric "ts" is skipped and counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events.h"
#include "fileio.h"

/* 1 when the line is a record to count, 0 when not, -1 when unreadable. */
static int
match_line(const char *s, size_t len, const char *event, double from,
    double to)
{
	json_error_t	 jerr;
	json_t		*o, *v;
	double		 ts;
	int		 rv = -1;

	if ((o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return -1;
	if (!json_is_object(o) || (v = json_object_get(o, "ts")) == NULL ||
	    !json_is_number(v))
		goto out;
	ts = json_number_value(v);
	rv = 0;
	if (ts < from || ts >= to)
		goto out;
	if (event != NULL) {
		v = json_object_get(o, "event");
		if (!json_is_string(v) || strcmp(json_string_value(v),
		    event) != 0)
			goto out;
	}
	rv = 1;
out:
	json_decref(o);
	return rv;
}

/*
 * Count the records of the log at path whose "ts" lies in [from, to)
 * and, when event is not NULL, whose "event" equals it.  -1 with errno
 * when the file cannot be read (ENOENT: no such log yet).
 */
int
bw_events_count(const char *path, const char *event, int64_t from,
    int64_t to, struct bw_evcount *c)
{
	char		*text;
	const char	*p, *end, *nl;
	size_t		 len;
	int		 m;

	memset(c, 0, sizeof(*c));
	if (bw_read_file(path, BW_EVENTS_MAX, &text, &len) == -1)
		return -1;
	end = text + len;
	for (p = text; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			c->bad++;	/* torn: the writer died mid-line */
			break;
		}
		if (nl == p) {
			c->bad++;
			continue;
		}
		m = match_line(p, (size_t)(nl - p), event, (double)from,
		    (double)to);
		if (m == -1)
			c->bad++;
		else
			c->n += (size_t)m;
	}
	free(text);
	return 0;
}
