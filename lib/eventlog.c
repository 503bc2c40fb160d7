/*
 * The spike and alert logs: append, trim, read back the last record,
 * walk and count.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "eventlog.h"
#include "fileio.h"
#include "logfile.h"

#define LAST_TAIL	(256 << 10)	/* bytes read back for the last record */

/*
 * Call fn for each record of the log text buf[0..len): a line that is a
 * JSON object with a numeric "ts".  Blank, garbage and torn lines are
 * counted in *bad.  Returns 1 when fn stopped the walk, else 0.
 */
int
bw_jsonl_walk(const char *buf, size_t len, bw_jsonl_fn fn, void *arg,
    size_t *bad)
{
	json_error_t	 jerr;
	json_t		*o, *v;
	const char	*p, *end = buf + len, *nl;
	int		 stop = 0;

	*bad = 0;
	for (p = buf; p < end && !stop; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			(*bad)++;	/* torn: the writer died mid-line */
			break;
		}
		o = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
		    &jerr);
		if (o == NULL || !json_is_object(o) ||
		    !json_is_number(v = json_object_get(o, "ts")) ||
		    !isfinite(json_number_value(v)))
			(*bad)++;
		else if (fn(o, json_number_value(v), arg) == -1)
			stop = 1;
		json_decref(o);
	}
	return stop;
}

/*
 * Read the whole log of a kind (BW_SPIKES, BW_ALERTS) of iface in the
 * directory open on dirfd, at most BW_EVENTS_MAX bytes.  -1 with errno:
 * ENOENT when there is none yet, EINVAL when it is not a regular file,
 * EFBIG when it is larger.
 */
int
bw_events_read(int dirfd, enum bw_kind k, const char *iface, char **bufp,
    size_t *lenp)
{
	return bw_kind_read(dirfd, k, iface, BW_EVENTS_MAX, bufp, lenp);
}

/* bw_jsonl_walk() over a log; -1 with errno when it cannot be read. */
int
bw_events_walk(int dirfd, enum bw_kind k, const char *iface, bw_jsonl_fn fn,
    void *arg, size_t *bad)
{
	char	*buf;
	size_t	 len;

	*bad = 0;
	if (bw_events_read(dirfd, k, iface, &buf, &len) == -1)
		return -1;
	(void)bw_jsonl_walk(buf, len, fn, arg, bad);
	free(buf);
	return 0;
}

struct count {
	const char		*event;
	double			 from, to;
	struct bw_evcount	*c;
};

static int
count_one(json_t *o, double ts, void *arg)
{
	struct count	*k = arg;
	json_t		*v;

	if (ts < k->from || ts >= k->to)
		return 0;
	if (k->event != NULL && (!json_is_string(v = json_object_get(o,
	    "event")) || strcmp(json_string_value(v), k->event) != 0))
		return 0;
	k->c->n++;
	return 0;
}

/*
 * Count the records of a log whose "ts" lies in [from, to) and, when
 * event is not NULL, whose "event" equals it.  -1 with errno when the
 * log cannot be read (ENOENT: no such log yet).
 */
int
bw_events_count(int dirfd, enum bw_kind k, const char *iface,
    const char *event, int64_t from, int64_t to, struct bw_evcount *c)
{
	struct count	arg = { event, (double)from, (double)to, c };

	memset(c, 0, sizeof(*c));
	return bw_events_walk(dirfd, k, iface, count_one, &arg, &c->bad);
}

static int
keep_last(json_t *o, double ts, void *arg)
{
	json_t	**last = arg;

	(void)ts;
	json_decref(*last);
	*last = json_incref(o);
	return 0;
}

/*
 * The last record of the log at path, to resume from: the tail is read
 * first and, when no record parses there (a huge torn line), the whole
 * file.  1 and *recp (the caller's to json_decref()) when there is one,
 * 0 when there is none, -1 with errno when the log cannot be read
 * (ENOENT: none yet).
 */
int
bw_events_last(const char *path, struct json_t **recp)
{
	struct stat	 st;
	char		*buf = NULL, *p;
	size_t		 len, bad;
	int		 fd, saved;
	json_t		*last = NULL;

	*recp = NULL;
	if ((fd = bw_data_open(AT_FDCWD, path)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (buf = malloc(LAST_TAIL + 1)) == NULL ||
	    bw_read_tail(fd, LAST_TAIL, buf, &len) == -1)
		goto fail;
	/* The tail's first line is likely a part of one: from the next. */
	p = buf;
	if ((off_t)len < st.st_size && (p = memchr(buf, '\n', len)) != NULL)
		p++;
	if (p != NULL)
		(void)bw_jsonl_walk(p, len - (size_t)(p - buf), keep_last,
		    &last, &bad);
	free(buf);
	buf = NULL;
	if (last == NULL && st.st_size > LAST_TAIL) {
		if (lseek(fd, 0, SEEK_SET) == -1 ||
		    bw_read_fd(fd, BW_EVENTS_MAX, &buf, &len) == -1)
			goto fail;
		(void)bw_jsonl_walk(buf, len, keep_last, &last, &bad);
		free(buf);
	}
	(void)close(fd);
	*recp = last;
	return last != NULL;
fail:
	saved = errno;
	free(buf);
	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * Append a record line (ending in '\n') to the log at path.  The log's
 * size after, or -1 with errno.
 */
off_t
bw_events_append(const char *path, const char *line, size_t len)
{
	struct bw_log	l;
	off_t		size;
	int		saved;

	if (bw_log_open(path, &l) == -1)
		return -1;
	size = bw_log_write(&l, line, len) == 0 ? l.size : -1;
	saved = errno;
	bw_log_close(&l);
	errno = saved;
	return size;
}

/*
 * Drop the records older than cutoff and, above cap bytes, the oldest,
 * down to three quarters of it.  Lines without a readable "ts" stay
 * (they are not ours to judge), except to the cap.
 */
int
bw_events_trim(const char *path, double cutoff, size_t cap, size_t *dropped)
{
	return bw_log_trim(path, bw_line_json_ts, cutoff, cap, dropped);
}
