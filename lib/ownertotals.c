/*
 * ownertotals_<iface>.json (see ownertotals.h): every program's bytes
 * since counting began, read back when bwprocs starts and replaced
 * atomically after each owner interval.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "datadir.h"
#include "fileio.h"
#include "owners.h"
#include "ownertotals.h"
#include "util.h"
#include "procs.h"

#define FILE_MAX	((size_t)1 << 20)

void
bw_ownertotals_init(struct bw_ownertotals *t)
{
	memset(t, 0, sizeof(*t));
}

void
bw_ownertotals_free(struct bw_ownertotals *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/*
 * Add a program's bytes: to its own counters if it is listed, or if
 * fewer than bound are listed (then it is from now on); else to
 * "other".  A program called "other" always counts there, so that no
 * two series have the same labels.  -1 without memory.
 */
int
bw_ownertotals_add(struct bw_ownertotals *t, const char *prog, uint64_t rx,
    uint64_t tx, size_t bound)
{
	struct bw_progtotal	*v;
	size_t			 i;

	if (bound > BW_OWNERTOTALS_MAX)
		bound = BW_OWNERTOTALS_MAX;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].prog, prog) == 0)
			break;
	if (i == t->n) {
		if (t->n >= bound || *prog == '\0' ||
		    strcmp(prog, BW_OTHER_PROGRAMS) == 0) {
			t->other_rx += rx;
			t->other_tx += tx;
			return 0;
		}
		if ((v = bw_grow(t->v, t->n, &t->cap, 16, sizeof(*v))) ==
		    NULL)
			return -1;
		t->v = v;
		v = &t->v[t->n++];
		memset(v, 0, sizeof(*v));
		(void)snprintf(v->prog, sizeof(v->prog), "%s", prog);
	}
	t->v[i].rx += rx;
	t->v[i].tx += tx;
	return 0;
}

/*
 * Read iface's totals from the data directory dirfd into t (which the
 * caller frees).  -1 with errno: ENOENT when there are none yet,
 * EBADMSG when the file is not one.
 */
int
bw_ownertotals_read(int dirfd, const char *iface, struct bw_ownertotals *t)
{
	json_t		*j = NULL, *a, *e, *o;
	char		 name[64], *buf = NULL;
	size_t		 len, i;
	uint64_t	 rx, tx;
	int		 fd, rv = -1, saved;

	bw_ownertotals_init(t);
	if (bw_kind_file(name, sizeof(name), BW_OWNERTOTALS, iface) == -1 ||
	    (fd = bw_data_open(dirfd, name)) == -1)
		return -1;
	rv = bw_read_fd(fd, FILE_MAX, &buf, &len);
	saved = errno;
	(void)close(fd);
	errno = saved;
	if (rv == -1)
		return -1;
	rv = -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	a = json_object_get(j, "programs");
	o = json_object_get(j, "other");
	if (!json_is_object(j) || !json_is_array(a) ||
	    json_array_size(a) > BW_OWNERTOTALS_MAX ||
	    !json_is_integer(json_object_get(j, "since")) ||
	    !json_is_integer(json_object_get(j, "ts")) ||
	    bw_json_count(o, "rx", &t->other_rx) == -1 ||
	    bw_json_count(o, "tx", &t->other_tx) == -1)
		goto bad;
	t->since = json_integer_value(json_object_get(j, "since"));
	t->ts = json_integer_value(json_object_get(j, "ts"));
	json_array_foreach(a, i, e) {
		if (!json_is_string(json_object_get(e, "program")) ||
		    bw_json_count(e, "rx", &rx) == -1 ||
		    bw_json_count(e, "tx", &tx) == -1)
			goto bad;
		if (bw_ownertotals_add(t, json_string_value(json_object_get(e,
		    "program")), rx, tx, BW_OWNERTOTALS_MAX) == -1) {
			saved = ENOMEM;
			goto fail;
		}
	}
	json_decref(j);
	return 0;
bad:
	saved = EBADMSG;
fail:
	json_decref(j);
	bw_ownertotals_free(t);
	errno = saved;
	return rv;
}

/* {"program": prog, "rx": rx, "tx": tx}, without the name if NULL. */
static json_t *
counts(const char *prog, uint64_t rx, uint64_t tx)
{
	char	fixed[3 * sizeof(((struct bw_progtotal *)0)->prog) + 1];

	if (rx > (uint64_t)INT64_MAX)
		rx = (uint64_t)INT64_MAX;
	if (tx > (uint64_t)INT64_MAX)
		tx = (uint64_t)INT64_MAX;
	if (prog == NULL)
		return json_pack("{s:I, s:I}", "rx", (json_int_t)rx, "tx",
		    (json_int_t)tx);
	/* Names may hold any bytes: JSON wants UTF-8. */
	bw_owner_utf8(prog, fixed);
	return json_pack("{s:s, s:I, s:I}", "program", fixed, "rx",
	    (json_int_t)rx, "tx", (json_int_t)tx);
}

/*
 * Replace iface's totals in dir with t, durably (the file, then the
 * directory), so that after a crash the counters are never behind what
 * a scrape already saw.  0, or -1 with errno.
 */
int
bw_ownertotals_write(const char *dir, const char *iface,
    const struct bw_ownertotals *t)
{
	json_t	*j, *a;
	char	 path[4096], *buf;
	size_t	 i, n;
	int	 bad, rv, saved;

	if (bw_kind_path(path, sizeof(path), dir, BW_OWNERTOTALS,
	    iface) == -1)
		return -1;
	if ((a = json_array()) == NULL)
		goto nomem;
	for (i = 0, bad = 0; i < t->n && !bad; i++)
		bad = json_array_append_new(a, counts(t->v[i].prog,
		    t->v[i].rx, t->v[i].tx)) == -1;
	j = json_pack("{s:i, s:s, s:I, s:I, s:o, s:o}", "version", 1,
	    "iface", iface, "since", (json_int_t)t->since, "ts",
	    (json_int_t)t->ts, "programs", a, "other",
	    counts(NULL, t->other_rx, t->other_tx));
	if (bad || j == NULL ||
	    (n = json_dumpb(j, NULL, 0, JSON_COMPACT)) == 0 ||
	    (buf = malloc(n + 1)) == NULL) {
		json_decref(j);
		goto nomem;
	}
	(void)json_dumpb(j, buf, n, JSON_COMPACT);
	json_decref(j);
	buf[n] = '\n';
	rv = bw_write_atomic_sync(path, buf, n + 1, BW_SYNC_ALL);
	saved = errno;
	free(buf);
	errno = saved;
	return rv;
nomem:
	errno = ENOMEM;
	return -1;
}
