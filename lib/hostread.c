/*
 * Reading a router's LAN devices: the live hosts_<if>.json and the rows
 * of the host history (hostread.h).  The writer is bwprocs' router part.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "datadir.h"
#include "fileio.h"
#include "hostread.h"
#include "procs.h"

static void
fail(struct bw_error *e, int line, const char *text)
{
	if (e == NULL)
		return;
	e->file[0] = '\0';
	e->line = line;
	(void)snprintf(e->text, sizeof(e->text), "%s", text);
}

/* The string at k into dst, cleaned (bw_str_clean()); "" when none. */
static void
str_at(const json_t *o, const char *k, char *dst, size_t size)
{
	const json_t	*v = json_object_get(o, k);

	dst[0] = '\0';
	if (json_is_string(v))
		(void)bw_str_clean(dst, size, json_string_value(v),
		    json_string_length(v));
}

/* A count at k: 0 and *out, or -1 (then *out is 0). */
static int
count_at(const json_t *o, const char *k, uint64_t *out)
{
	const json_t	*v = json_object_get(o, k);

	*out = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A finite number at k no less than 0 and no more than max; else NAN. */
static double
num_at(const json_t *o, const char *k, double max)
{
	const json_t	*v = json_object_get(o, k);
	double		 d;

	if (!json_is_number(v))
		return NAN;
	d = json_number_value(v);
	return isfinite(d) && d >= 0 && d <= max ? d : NAN;
}

/* The addresses of a device or row: as many as fit, cleaned. */
static void
addrs_at(const json_t *o, char (*dst)[48], size_t max, size_t *n)
{
	const json_t	*a = json_object_get(o, "addrs");
	size_t		 i;

	*n = 0;
	for (i = 0; json_is_array(a) && i < json_array_size(a) && *n < max;
	    i++) {
		if (!json_is_string(json_array_get(a, i)))
			continue;
		(void)bw_str_clean(dst[*n], sizeof(dst[0]),
		    json_string_value(json_array_get(a, i)),
		    json_string_length(json_array_get(a, i)));
		if (dst[*n][0] != '\0')
			(*n)++;
	}
}

static int
parse_host(const json_t *o, struct bw_lanhost *h)
{
	double	d;

	memset(h, 0, sizeof(*h));
	if (!json_is_object(o))
		return -1;
	str_at(o, "id", h->id, sizeof(h->id));
	if (h->id[0] == '\0')
		return -1;
	str_at(o, "mac", h->mac, sizeof(h->mac));
	str_at(o, "name", h->name, sizeof(h->name));
	str_at(o, "from", h->from, sizeof(h->from));
	addrs_at(o, h->addrs, BW_LANHOST_ADDRS, &h->naddrs);
	(void)count_at(o, "rx", &h->rx);
	(void)count_at(o, "tx", &h->tx);
	h->rx_bps = num_at(o, "rx_bps", BW_RATE_MAX);
	h->tx_bps = num_at(o, "tx_bps", BW_RATE_MAX);
	d = num_at(o, "seen", 1e11);
	h->seen = isnan(d) ? 0 : (int64_t)d;
	return 0;
}

/*
 * Parse the text of a live hosts file into h (the caller frees it with
 * bw_lanhosts_free() after a success).  -1 with errno EBADMSG and e filled
 * when it is not one (no "ts", no "hosts" array); ENOMEM.  Devices that
 * are not objects with an "id" are skipped.
 */
int
bw_lanhosts_parse(const char *buf, size_t len, struct bw_lanhosts *h,
    struct bw_error *e)
{
	json_error_t	 jerr;
	json_t		*root, *a;
	char		 ifn[64];
	size_t		 i, n;
	long long	 pid;

	memset(h, 0, sizeof(*h));
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		fail(e, jerr.line, jerr.text);
		errno = EBADMSG;
		return -1;
	}
	h->ts = num_at(root, "ts", 1e11);
	a = json_object_get(root, "hosts");
	if (!json_is_object(root) || isnan(h->ts) || !json_is_array(a)) {
		json_decref(root);
		fail(e, 1, "not a hosts file: no ts or no hosts");
		errno = EBADMSG;
		return -1;
	}
	str_at(root, "iface", ifn, sizeof(ifn));
	if (bw_ifname_valid(ifn))
		(void)strcpy(h->iface, ifn);
	pid = json_is_integer(json_object_get(root, "pid")) ?
	    json_integer_value(json_object_get(root, "pid")) : 0;
	h->pid = pid > 0 && pid <= 0x7fffffff ? (long)pid : 0;
	h->interval = num_at(root, "interval", BW_INTERVAL_MAX);
	str_at(root, "source", h->source, sizeof(h->source));
	str_at(root, "offload", h->offload, sizeof(h->offload));
	(void)count_at(root, "rx", &h->rx);
	(void)count_at(root, "tx", &h->tx);
	n = json_array_size(a);
	if (n > BW_LANHOSTS_MAXROWS)
		n = BW_LANHOSTS_MAXROWS;
	if (n > 0 && (h->v = calloc(n, sizeof(*h->v))) == NULL) {
		json_decref(root);
		fail(e, 0, strerror(ENOMEM));
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (parse_host(json_array_get(a, i), &h->v[h->n]) == 0)
			h->n++;
	json_decref(root);
	return 0;
}

/*
 * Read the hosts file at path (relative to dirfd; a symlink is refused)
 * into h: -1 with errno (ENOENT: none; EBADMSG: it does not parse) and
 * e filled, e->file = path.
 */
static int
read_at(int dirfd, const char *path, struct bw_lanhosts *h, struct bw_error *e)
{
	char	*buf;
	size_t	 len;
	int	 rv, saved;

	memset(h, 0, sizeof(*h));
	if (bw_read_file_at(dirfd, path, BW_LANHOSTS_FILEMAX, &buf, &len) ==
	    -1) {
		saved = errno;
		fail(e, 0, strerror(saved));
		rv = -1;
	} else {
		rv = bw_lanhosts_parse(buf, len, h, e);
		saved = errno;
		free(buf);
	}
	if (rv == -1 && e != NULL)
		(void)snprintf(e->file, sizeof(e->file), "%s", path);
	errno = saved;
	return rv;
}

/* The live hosts file of iface in the data directory open on dirfd. */
int
bw_lanhosts_load(int dirfd, const char *iface, struct bw_lanhosts *h,
    struct bw_error *e)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), BW_HOSTS, iface) == -1) {
		memset(h, 0, sizeof(*h));
		fail(e, 0, strerror(errno));
		return -1;
	}
	return read_at(dirfd, name, h, e);
}

/* A hosts file by path, as bw_lanhosts_load() reads one. */
int
bw_lanhosts_read(const char *path, struct bw_lanhosts *h, struct bw_error *e)
{
	return read_at(AT_FDCWD, path, h, e);
}

void
bw_lanhosts_free(struct bw_lanhosts *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

/*
 * Whether the writer stopped: the file is older than BW_PROCS_STALE of
 * its intervals (1 s when it does not say), the rule bw_procs_stale()
 * applies to the procs file.
 */
int
bw_lanhosts_stale(const struct bw_lanhosts *h, double now)
{
	double	iv = isnan(h->interval) || h->interval <= 0 ? 1 :
		    h->interval;

	return now - h->ts > BW_PROCS_STALE * iv;
}

/* What to call a device: its name, else its first address, else its id. */
const char *
bw_lanhost_label(const struct bw_lanhost *h)
{
	return h->name[0] != '\0' ? h->name : h->naddrs > 0 ? h->addrs[0] :
	    h->id;
}

struct rank {
	const struct bw_lanhosts	*h;
	int			 rx;
};

static int
cmp_rank(const void *x, const void *y, void *arg)
{
	const struct rank	*r = arg;
	const struct bw_lanhost	*a = &r->h->v[*(const size_t *)x];
	const struct bw_lanhost	*b = &r->h->v[*(const size_t *)y];
	uint64_t		 va = r->rx ? a->rx : a->tx;
	uint64_t		 vb = r->rx ? b->rx : b->tx;

	if (va != vb)
		return va < vb ? 1 : -1;
	return strcmp(a->id, b->id);
}

/*
 * The top devices of h by their received (rx) or sent bytes: up to top
 * indexes into idx (room for top), biggest first, and in *other the sum
 * of the rest's.  Ranking each direction by its own counter makes
 * *other the sum of the smallest counters, which never goes down while
 * the counters do not: a device that overtakes one of the top takes its
 * place with more bytes than it had, so the top's sum grows by no more
 * than all devices' sum.  The number of indexes.
 */
size_t
bw_lanhosts_rank(const struct bw_lanhosts *h, int rx, size_t top, size_t *idx,
    uint64_t *other)
{
	struct rank	 r = { h, rx };
	size_t		*all, i, n;

	*other = 0;
	if (h->n == 0 || top == 0) {
		for (i = 0; i < h->n; i++)
			*other += rx ? h->v[i].rx : h->v[i].tx;
		return 0;
	}
	if ((all = calloc(h->n, sizeof(*all))) == NULL) {
		/* No room to rank: every device is "other". */
		for (i = 0; i < h->n; i++)
			*other += rx ? h->v[i].rx : h->v[i].tx;
		return 0;
	}
	for (i = 0; i < h->n; i++)
		all[i] = i;
	qsort_r(all, h->n, sizeof(*all), cmp_rank, &r);
	n = h->n < top ? h->n : top;
	memcpy(idx, all, n * sizeof(*idx));
	for (i = n; i < h->n; i++)
		*other += rx ? h->v[all[i]].rx : h->v[all[i]].tx;
	free(all);
	return n;
}

/*
 * Parse one row of the host history into o, as the owner history's
 * reader takes rows: the device's id as prog (what rows merge by), its
 * name or first address as host, its bytes.  -1 with EBADMSG when it
 * is not a host row.
 */
int
bw_hostrow_owner(const char *line, size_t len, struct bw_owner *o)
{
	json_t		*j;
	char		 addrs[1][48];
	size_t		 na;
	int		 bad;

	if ((j = bw_row_load(line, len, "id", o, &bad)) == NULL)
		return -1;
	if (!bad) {
		str_at(j, "id", o->prog, sizeof(o->prog));
		bad = o->prog[0] == '\0';
	}
	if (!bad) {
		str_at(j, "name", o->host, sizeof(o->host));
		addrs_at(j, addrs, 1, &na);
		if (o->host[0] == '\0')
			(void)snprintf(o->host, sizeof(o->host), "%s",
			    na > 0 ? addrs[0] : o->prog);
	}
	json_decref(j);
	if (bad) {
		memset(o, 0, sizeof(*o));
		errno = EBADMSG;
		return -1;
	}
	return 0;
}
