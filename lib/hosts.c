/*
 * The LAN hosts' files (hosts.h): the live hosts_<if>.json, the history
 * rows of hostlog_<if>.jsonl and its rollups, written by bwprocs's router
 * part and read here for every reader; and the names of the LAN from the
 * DHCP leases, /etc/ethers and /etc/hosts.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "eventlog.h"
#include "fileio.h"
#include "hosts.h"
#include "logfile.h"
#include "owners.h"
#include "procs.h"

/* ---- the set ---- */

static uint64_t
hash_id(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
bw_hostset_init(struct bw_hostset *s)
{
	memset(s, 0, sizeof(*s));
}

void
bw_hostset_free(struct bw_hostset *s)
{
	free(s->v);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static int
rehash(struct bw_hostset *s, size_t nslot)
{
	size_t	*slot, i, k;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		k = hash_id(s->v[i].id) & (nslot - 1);
		while (slot[k] != 0)
			k = (k + 1) & (nslot - 1);
		slot[k] = i + 1;
	}
	free(s->slot);
	s->slot = slot;
	s->nslot = nslot;
	return 0;
}

/*
 * The host with that id; with create, a new zeroed one when there is
 * none (NULL when out of memory or the id is too long).
 */
struct bw_host *
bw_hostset_get(struct bw_hostset *s, const char *id, int create)
{
	struct bw_host	*v;
	size_t		 k, cap;

	if (s->nslot > 0) {
		k = hash_id(id) & (s->nslot - 1);
		for (; s->slot[k] != 0; k = (k + 1) & (s->nslot - 1))
			if (strcmp(s->v[s->slot[k] - 1].id, id) == 0)
				return &s->v[s->slot[k] - 1];
	}
	if (!create || strlen(id) >= sizeof(s->v->id))
		return NULL;
	if (s->n == s->cap) {
		cap = s->cap > 0 ? s->cap * 2 : 16;
		if ((v = reallocarray(s->v, cap, sizeof(*v))) == NULL)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	if ((s->n + 1) * 2 > s->nslot &&
	    rehash(s, s->nslot > 0 ? s->nslot * 2 : 64) == -1)
		return NULL;
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	(void)strcpy(s->v[s->n].id, id);
	k = hash_id(id) & (s->nslot - 1);
	while (s->slot[k] != 0)
		k = (k + 1) & (s->nslot - 1);
	s->slot[k] = ++s->n;
	return &s->v[s->n - 1];
}

/* Remove the host with that id (the last one takes its place). */
void
bw_hostset_del(struct bw_hostset *s, const char *id)
{
	struct bw_host	*h = bw_hostset_get(s, id, 0);
	size_t		 i;

	if (h == NULL)
		return;
	i = (size_t)(h - s->v);
	if (i != s->n - 1)
		s->v[i] = s->v[s->n - 1];
	s->n--;
	(void)rehash(s, s->nslot);	/* same size: cannot fail but ENOMEM */
}

static int
cmp_host(const void *x, const void *y)
{
	const struct bw_host	*a = x, *b = y;
	uint64_t		 ta = a->rx + a->tx, tb = b->rx + b->tx;

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return strcmp(a->id, b->id);
}

/* Busiest first (rx + tx), then by id; the index follows. */
void
bw_hostset_sort(struct bw_hostset *s)
{
	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_host);
	(void)rehash(s, s->nslot);	/* same size: cannot fail but ENOMEM */
}

/* Add s to the list v of *n unless it is there; -1 when it has no room. */
static int
list_add(char (*v)[BW_ADDRSTR], size_t *n, size_t max, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0)
			return 0;
	if (*n == max || strlen(s) >= BW_ADDRSTR)
		return -1;
	(void)strcpy(v[(*n)++], s);
	return 0;
}

/* Add an address the host does not list yet; -1 when it has no room. */
int
bw_host_add_addr(struct bw_host *h, const char *addr)
{
	return list_add(h->addrs, &h->naddrs, BW_HOST_ADDRS, addr);
}

/*
 * Note that the device's earlier history rows have id (an address its
 * bytes were counted under before its MAC was known): its row says so
 * ("was"), and readers count those rows as the device's.
 */
int
bw_host_add_was(struct bw_host *h, const char *id)
{
	if (strcmp(id, h->id) == 0)
		return 0;
	return list_add(h->was, &h->nwas, BW_HOST_WAS, id);
}

const char *
bw_host_from_name(int from)
{
	switch (from) {
	case BW_FROM_LEASE:
		return "lease";
	case BW_FROM_ETHERS:
		return "ethers";
	case BW_FROM_HOSTS:
		return "hosts";
	}
	return "";
}

static int
from_parse(const char *s)
{
	int	f;

	for (f = BW_FROM_LEASE; f <= BW_FROM_HOSTS; f++)
		if (strcmp(s, bw_host_from_name(f)) == 0)
			return f;
	return BW_FROM_NONE;
}

/* ---- JSON ---- */

/* A string for JSON: control characters as '?', valid UTF-8. */
static json_t *
jstr(const char *s)
{
	char	clean[BW_HOST_NAME + BW_ADDRSTR], out[3 * sizeof(clean)];
	size_t	i;

	(void)snprintf(clean, sizeof(clean), "%s", s);
	for (i = 0; clean[i] != '\0'; i++)
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = '?';
	bw_owner_utf8(clean, out);
	return json_string(out);
}

static json_t *
ju64(uint64_t v)
{
	return json_integer((json_int_t)(v > (uint64_t)INT64_MAX ?
	    (uint64_t)INT64_MAX : v));
}

/* The list v of n at key k (none when empty, unless always). */
static int
set_list(json_t *o, const char *k, const char (*v)[BW_ADDRSTR], size_t n,
    int always)
{
	json_t	*a;
	size_t	 i;

	if (n == 0 && !always)
		return 0;
	if ((a = json_array()) == NULL || json_object_set_new(o, k, a))
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, jstr(v[i])))
			return -1;
	return 0;
}

/* Render o compactly, with a newline when nl; the caller frees. */
static int
dump(json_t *o, int nl, char **bufp, size_t *lenp)
{
	char	*buf;
	size_t	 n;

	if ((n = json_dumpb(o, NULL, 0, JSON_COMPACT)) == 0 ||
	    (buf = malloc(n + 1)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	(void)json_dumpb(o, buf, n, JSON_COMPACT);
	if (nl)
		buf[n++] = '\n';
	*bufp = buf;
	*lenp = n;
	return 0;
}

static json_t *
host_json(const struct bw_host *h)
{
	json_t	*o;
	int	 bad;

	if ((o = json_object()) == NULL)
		return NULL;
	bad = json_object_set_new(o, "id", jstr(h->id)) ||
	    (h->mac[0] != '\0' && json_object_set_new(o, "mac",
	    jstr(h->mac))) ||
	    (h->name[0] != '\0' && json_object_set_new(o, "name",
	    jstr(h->name))) ||
	    json_object_set_new(o, "from", json_string(h->name[0] != '\0' ?
	    bw_host_from_name(h->from) : "")) ||
	    set_list(o, "addrs", h->addrs, h->naddrs, 1) ||
	    json_object_set_new(o, "rx", ju64(h->rx)) ||
	    json_object_set_new(o, "tx", ju64(h->tx)) ||
	    json_object_set_new(o, "rx_bps", json_real(h->rx_bps)) ||
	    json_object_set_new(o, "tx_bps", json_real(h->tx_bps)) ||
	    json_object_set_new(o, "seen", json_integer(h->seen));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Publish the live file f (readers see the old or the new one, whole):
 * the hosts of s, sorted busiest first here.
 */
int
bw_hosts_write(struct bw_pubfile *f, const struct bw_hosts_head *hd,
    struct bw_hostset *s)
{
	json_t		*o, *a, *h;
	uint64_t	 rx = 0, tx = 0;
	char		*buf;
	size_t		 i, len;
	int		 bad, rv, saved;

	bw_hostset_sort(s);
	for (i = 0; i < s->n; i++) {
		rx += s->v[i].rx;
		tx += s->v[i].tx;
	}
	if ((o = json_object()) == NULL)
		return -1;
	bad = json_object_set_new(o, "ts", json_real(hd->ts)) ||
	    json_object_set_new(o, "iface", jstr(hd->iface)) ||
	    json_object_set_new(o, "pid", json_integer(hd->pid)) ||
	    json_object_set_new(o, "interval", json_integer(hd->interval)) ||
	    json_object_set_new(o, "source", json_string(hd->source)) ||
	    json_object_set_new(o, "offload", hd->offload != NULL ?
	    json_string(hd->offload) : json_null()) ||
	    json_object_set_new(o, "offload_counted", hd->offload != NULL ?
	    json_boolean(hd->offload_counted) : json_null()) ||
	    json_object_set_new(o, "rx", ju64(rx)) ||
	    json_object_set_new(o, "tx", ju64(tx)) ||
	    (a = json_array()) == NULL || json_object_set_new(o, "hosts", a);
	for (i = 0; !bad && i < s->n; i++)
		bad = (h = host_json(&s->v[i])) == NULL ||
		    json_array_append_new(a, h);
	if (bad || dump(o, 1, &buf, &len) == -1) {
		json_decref(o);
		errno = ENOMEM;
		return -1;
	}
	json_decref(o);
	rv = bw_pub_write(f, buf, len);
	saved = errno;
	free(buf);
	errno = saved;
	return rv;
}

static void
fail(struct bw_error *e, int line, const char *text)
{
	if (e == NULL)
		return;
	e->file[0] = '\0';
	e->line = line;
	(void)snprintf(e->text, sizeof(e->text), "%s", text);
}

/* A finite number at k no less than 0 and no more than max; else NAN. */
static double
num_at(const json_t *o, const char *k, double max)
{
	double	d = bw_json_num(o, k);

	return d >= 0 && d <= max ? d : NAN;
}

/* The strings at k (a device's or row's "addrs", "was"): as many as fit, cleaned. */
static void
list_at(const json_t *o, const char *k, char (*dst)[48], size_t max, size_t *n)
{
	const json_t	*a = json_object_get(o, k);
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
	bw_json_str(o, "id", h->id, sizeof(h->id));
	if (h->id[0] == '\0')
		return -1;
	bw_json_str(o, "mac", h->mac, sizeof(h->mac));
	bw_json_str(o, "name", h->name, sizeof(h->name));
	bw_json_str(o, "from", h->from, sizeof(h->from));
	list_at(o, "addrs", h->addrs, BW_LANHOST_ADDRS, &h->naddrs);
	(void)bw_json_count(o, "rx", &h->rx);
	(void)bw_json_count(o, "tx", &h->tx);
	h->rx_bps = num_at(o, "rx_bps", BW_RATE_MAX);
	h->tx_bps = num_at(o, "tx_bps", BW_RATE_MAX);
	d = num_at(o, "seen", 1e11);
	h->seen = isnan(d) ? 0 : (int64_t)d;
	return 0;
}

/*
 * A device of the live file or of a history row as the writer keeps it:
 * -1 when its id does not fit.
 */
static int
host_from_lan(const struct bw_lanhost *l, struct bw_host *h)
{
	size_t	i;

	memset(h, 0, sizeof(*h));
	if (strlen(l->id) >= sizeof(h->id))
		return -1;
	(void)strcpy(h->id, l->id);
	(void)bw_str_clean(h->mac, sizeof(h->mac), l->mac, strlen(l->mac));
	(void)bw_str_clean(h->name, sizeof(h->name), l->name, strlen(l->name));
	h->from = from_parse(l->from);
	if (h->name[0] != '\0' && h->from == BW_FROM_NONE)
		h->from = BW_FROM_LEASE;
	for (i = 0; i < l->naddrs; i++)
		(void)bw_host_add_addr(h, l->addrs[i]);
	h->rx = l->rx;
	h->tx = l->tx;
	h->rx_bps = isnan(l->rx_bps) ? 0 : l->rx_bps;
	h->tx_bps = isnan(l->tx_bps) ? 0 : l->tx_bps;
	h->seen = l->seen;
	return 0;
}

/* ---- reading ---- */

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
	json_t		*root, *a, *v;
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
	bw_json_str(root, "iface", ifn, sizeof(ifn));
	if (bw_ifname_valid(ifn))
		(void)strcpy(h->iface, ifn);
	pid = json_is_integer(json_object_get(root, "pid")) ?
	    json_integer_value(json_object_get(root, "pid")) : 0;
	h->pid = pid > 0 && pid <= 0x7fffffff ? (long)pid : 0;
	h->interval = num_at(root, "interval", BW_INTERVAL_MAX);
	bw_json_str(root, "source", h->source, sizeof(h->source));
	bw_json_str(root, "offload", h->offload, sizeof(h->offload));
	v = json_object_get(root, "offload_counted");
	h->offload_counted = json_is_boolean(v) ? json_is_true(v) : -1;
	(void)bw_json_count(root, "rx", &h->rx);
	(void)bw_json_count(root, "tx", &h->tx);
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

/* Whether bwprocs stopped writing the hosts file (bw_stale(); 1 s). */
int
bw_lanhosts_stale(const struct bw_lanhosts *h, double now)
{
	return bw_stale(h->ts, h->interval, 1, now);
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
	char		 addrs[BW_LANHOST_ADDRS][48];
	size_t		 na, i;
	int		 bad;

	if ((j = bw_row_load(line, len, "id", o, &bad)) == NULL)
		return -1;
	if (!bad) {
		bw_json_str(j, "id", o->prog, sizeof(o->prog));
		bad = o->prog[0] == '\0';
	}
	if (!bad) {
		bw_json_str(j, "name", o->host, sizeof(o->host));
		list_at(j, "addrs", addrs, 1, &na);
		if (o->host[0] == '\0')
			(void)snprintf(o->host, sizeof(o->host), "%s",
			    na > 0 ? addrs[0] : o->prog);
		list_at(j, "was", addrs, BW_LANHOST_ADDRS, &na);
		for (i = 0; i < na; i++)
			bw_owner_add_was(o, addrs[i]);
	}
	json_decref(j);
	if (bad) {
		memset(o, 0, sizeof(*o));
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/*
 * The hosts of iface's live file, added to s (an id listed twice keeps
 * its first entry): how the writer takes up its counts where they were.
 * -1 with errno (ENOENT: none; EBADMSG: not one).
 */
int
bw_hosts_read(int dirfd, const char *iface, struct bw_hostset *s)
{
	struct bw_lanhosts	 l;
	struct bw_host		 h, *p;
	size_t			 i;
	int			 rv = 0;

	if (bw_lanhosts_load(dirfd, iface, &l, NULL) == -1)
		return -1;
	for (i = 0; i < l.n; i++) {
		if (host_from_lan(&l.v[i], &h) == -1 ||
		    bw_hostset_get(s, h.id, 0) != NULL)
			continue;
		if ((p = bw_hostset_get(s, h.id, 1)) == NULL) {
			rv = -1;
			break;
		}
		*p = h;
	}
	bw_lanhosts_free(&l);
	return rv;
}

/* ---- the history ---- */

/* A history row of h at [ts, ts + len), with its newline. */
static int
row_line(const struct bw_host *h, int64_t ts, int len, char **bufp,
    size_t *lenp)
{
	json_t	*o;
	int	 bad, rv;

	if ((o = json_object()) == NULL)
		return -1;
	bad = json_object_set_new(o, "ts", json_integer(ts)) ||
	    json_object_set_new(o, "len", json_integer(len)) ||
	    json_object_set_new(o, "id", jstr(h->id)) ||
	    (h->name[0] != '\0' && json_object_set_new(o, "name",
	    jstr(h->name))) ||
	    set_list(o, "addrs", h->addrs, h->naddrs, 0) ||
	    set_list(o, "was", h->was, h->nwas, 0) ||
	    json_object_set_new(o, "rx", ju64(h->rx)) ||
	    json_object_set_new(o, "tx", ju64(h->tx));
	rv = bad ? -1 : dump(o, 1, bufp, lenp);
	json_decref(o);
	if (bad)
		errno = ENOMEM;
	return rv;
}

/* The rows of the hosts of s that moved bytes, into *out. */
static int
rows_of(const struct bw_hostset *s, int64_t ts, int len, char **out,
    size_t *olen, size_t *ocap)
{
	char	*line;
	size_t	 ln, i;
	int	 rv;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].rx == 0 && s->v[i].tx == 0)
			continue;
		if (row_line(&s->v[i], ts, len, &line, &ln) == -1)
			return -1;
		rv = bw_buf_add(out, olen, ocap, line, ln);
		free(line);
		if (rv == -1)
			return -1;
	}
	return 0;
}

/*
 * Append the rows of the interval [ts, ts + len) to path in one write:
 * a row per host of s that moved bytes (rx and tx are the interval's).
 */
int
bw_hostlog_append(const char *path, int64_t ts, int len,
    const struct bw_hostset *s)
{
	char	*all = NULL;
	size_t	 n = 0, cap = 0;
	int	 rv = 0, saved;

	if (rows_of(s, ts, len, &all, &n, &cap) == 0 && n > 0)
		rv = bw_log_append(path, all, n);
	else if (n > 0)
		rv = -1;
	saved = errno;
	free(all);
	errno = saved;
	return rv;
}

/* A history line as a host with ts and len; -1 when it is none. */
int
bw_hostrow_parse(const char *line, size_t len, struct bw_host *h)
{
	struct bw_lanhost	 l;
	struct bw_owner		 o;
	json_t			*j;
	char			 was[BW_HOST_WAS][48];
	size_t			 n = 0, i;
	int			 bad;

	if ((j = bw_row_load(line, len, "id", &o, &bad)) == NULL)
		return -1;
	bad = bad || parse_host(j, &l) == -1 || host_from_lan(&l, h) == -1;
	if (!bad)
		list_at(j, "was", was, BW_HOST_WAS, &n);
	json_decref(j);
	for (i = 0; i < n; i++)
		(void)bw_host_add_was(h, was[i]);
	if (bad)
		return -1;
	h->rx = o.rx;
	h->tx = o.tx;
	h->ts = o.ts;
	h->len = o.len;
	return 0;
}

static int
row_span(const char *line, size_t len, int64_t *ts, int64_t *end)
{
	struct bw_host	h;

	if (bw_hostrow_parse(line, len, &h) == -1)
		return -1;
	*ts = h.ts;
	*end = h.ts + h.len;
	return 0;
}

/*
 * A rollup's rows: sums by id, the name and addresses of the last, the
 * ids any of them had before (readers merge those rows, not the rollup:
 * it keeps the exact sums of the rows it stands for, by their ids).
 */
static int
rollup_add(void *arg, const char *line, size_t len)
{
	struct bw_hostset	*s = arg;
	struct bw_host		 h, *p;
	size_t			 i;

	if (bw_hostrow_parse(line, len, &h) == -1)
		return 1;
	if ((p = bw_hostset_get(s, h.id, 1)) == NULL)
		return -1;
	h.rx += p->rx;
	h.tx += p->tx;
	for (i = 0; i < p->nwas; i++)
		(void)bw_host_add_was(&h, p->was[i]);
	*p = h;
	return 0;
}

static size_t
rollup_count(const void *arg)
{
	const struct bw_hostset	*s = arg;

	return s->n;
}

static int
rollup_emit(void *arg, int64_t start, int len, char **out, size_t *olen,
    size_t *ocap)
{
	struct bw_hostset	*s = arg;
	int			 rv;

	bw_hostset_sort(s);
	rv = rows_of(s, start, len, out, olen, ocap);
	bw_hostset_free(s);
	return rv;
}

static void
rollup_clear(void *arg)
{
	bw_hostset_free(arg);
}

/*
 * Roll the hours (dst BW_HOSTLOG_HOURLY, from the interval rows) or the
 * local days (BW_HOSTLOG_DAILY, from the hours) that ended by to and
 * are not rolled up yet; the owner history's catch-up, with host rows.
 */
int
bw_hostlog_catchup(const char *dir, const char *iface, enum bw_kind dst,
    int64_t to, size_t *periods)
{
	struct bw_hostset	s;
	struct bw_rowops	ops;

	bw_hostset_init(&s);
	memset(&ops, 0, sizeof(ops));
	ops.set = &s;
	ops.hourly = dst == BW_HOSTLOG_HOURLY;
	ops.span = row_span;
	ops.add = rollup_add;
	ops.count = rollup_count;
	ops.emit = rollup_emit;
	ops.clear = rollup_clear;
	return bw_rows_catchup(dir, iface, ops.hourly ? BW_HOSTLOG :
	    BW_HOSTLOG_HOURLY, dst, to, &ops, periods);
}

/* Each tier to its age, counted back from its newest row. */
int
bw_hostlog_trim(const char *dir, const char *iface, double now,
    int retention_days)
{
	static const struct bw_tier_keep	tiers[] = {
		{ BW_HOSTLOG, BW_HOSTS_KEEP_FULL, 0 },
		{ BW_HOSTLOG_HOURLY, BW_HOSTS_KEEP_HOURLY, 0 },
		{ BW_HOSTLOG_DAILY, 0, 0 },
	};

	return bw_tiers_trim(dir, iface, now, retention_days, tiers,
	    sizeof(tiers) / sizeof(tiers[0]), row_span);
}

/* ---- names ---- */

#define NAMES_LINE	512	/* a longer line is skipped */
#define NAMES_MAX	100000	/* names kept from all files */

void
bw_names_init(struct bw_names *n)
{
	memset(n, 0, sizeof(*n));
}

void
bw_names_free(struct bw_names *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}

/* "02:00:00:00:00:0a" in any case, lowered into out[18]. */
static int
mac_parse(const char *s, char *out)
{
	size_t	i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[17] = '\0';
	return 0;
}

/* An address in its canonical text, into out[BW_ADDRSTR]. */
static int
addr_parse(const char *s, char *out)
{
	unsigned char	a[16];
	int		af = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;

	if (inet_pton(af, s, a) != 1 ||
	    inet_ntop(af, a, out, BW_ADDRSTR) == NULL)
		return -1;
	return 0;
}

/* A host name as DNS allows it (RFC 1123 labels, dots, '_' too). */
static int
name_valid(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n >= BW_HOST_NAME)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_") == n && s[0] != '-' && s[0] != '.';
}

static int
names_add(struct bw_names *n, const char *mac, const char *addr,
    const char *name, int from)
{
	struct bw_name	*v;
	size_t		 cap;

	if (n->n == NAMES_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (n->n == n->cap) {
		cap = n->cap > 0 ? n->cap * 2 : 64;
		if ((v = reallocarray(n->v, cap, sizeof(*v))) == NULL)
			return -1;
		n->v = v;
		n->cap = cap;
	}
	v = &n->v[n->n++];
	(void)strcpy(v->mac, mac);
	(void)strcpy(v->addr, addr);
	(void)strcpy(v->name, name);
	v->from = from;
	return 0;
}

/*
 * One line of a names file, split into at most 8 words, or -1 with
 * why: too long, or control characters.
 */
static int
split_line(char *line, char **w, size_t *nw, const char **why)
{
	char	*p, *save = NULL;
	size_t	 len = strlen(line);

	*nw = 0;
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	else if (len >= NAMES_LINE - 1) {
		*why = "line too long";
		return -1;
	}
	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (p = line; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
			*why = "control character";
			return -1;
		}
	for (p = strtok_r(line, " \t", &save); p != NULL && *nw < 8;
	    p = strtok_r(NULL, " \t", &save))
		w[(*nw)++] = p;
	return 0;
}

/* What one line gives, or why it is skipped (NULL: silently). */
static const char *
names_line(struct bw_names *n, int from, char **w, size_t nw)
{
	char		mac[18] = "", addr[BW_ADDRSTR] = "";
	const char	*name;

	switch (from) {
	case BW_FROM_LEASE:
		/* EXPIRY MAC IP HOSTNAME CLIENTID; "duid" heads v6 leases */
		if (nw >= 1 && strcmp(w[0], "duid") == 0)
			return NULL;
		if (nw < 4 || strspn(w[0], "0123456789") != strlen(w[0]))
			return "not a lease";
		if (addr_parse(w[2], addr) == -1)
			return "bad address";
		/* A DHCPv6 lease has an IAID where the MAC goes. */
		if (mac_parse(w[1], mac) == -1 && strchr(addr, ':') == NULL)
			return "bad MAC address";
		if (strcmp(w[3], "*") == 0)
			return NULL;
		name = w[3];
		break;
	case BW_FROM_ETHERS:
		/* MAC NAME (or MAC ADDRESS: no name) */
		if (nw < 2 || mac_parse(w[0], mac) == -1)
			return "not MAC and name";
		if (addr_parse(w[1], addr) == 0)
			return NULL;
		name = w[1];
		break;
	default:
		/* ADDRESS NAME ALIAS... */
		if (nw < 2 || addr_parse(w[0], addr) == -1)
			return "not address and names";
		name = w[1];
		break;
	}
	if (!name_valid(name))
		return "bad host name";
	if (names_add(n, mac, addr, name, from) == -1)
		return "too many names";
	return NULL;
}

static int
names_file(struct bw_names *n, const char *path, int from,
    bw_conf_warn_fn warn)
{
	char		 line[NAMES_LINE], *w[8];
	const char	*why;
	size_t		 nw;
	int		 fd, lineno = 0, longline = 0;
	FILE		*f;

	if (path == NULL || path[0] == '\0')
		return 0;
	if ((fd = bw_open_regular(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((f = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (longline) {
			/* The rest of a line too long, already warned. */
			longline = strchr(line, '\n') == NULL;
			continue;
		}
		lineno++;
		if (split_line(line, w, &nw, &why) == -1) {
			longline = strcmp(why, "line too long") == 0;
			bw_conf_warnf(warn, path, lineno, "%s: skipped", why);
			continue;
		}
		if (nw == 0)
			continue;
		if ((why = names_line(n, from, w, nw)) != NULL)
			bw_conf_warnf(warn, path, lineno, "%s: skipped", why);
	}
	(void)fclose(f);
	return 0;
}

/*
 * The names of the three files (a missing one has none), in order: a
 * lookup takes the first that fits.  -1 with errno when a file exists
 * but cannot be read; what was read stays.
 */
int
bw_names_load(struct bw_names *n, const struct bw_name_files *f,
    bw_conf_warn_fn warn)
{
	int	rv = 0;

	n->n = 0;
	if (names_file(n, f->leases, BW_FROM_LEASE, warn) == -1)
		rv = -1;
	if (names_file(n, f->ethers, BW_FROM_ETHERS, warn) == -1)
		rv = -1;
	if (names_file(n, f->hosts, BW_FROM_HOSTS, warn) == -1)
		rv = -1;
	return rv;
}

/*
 * The leases file: dhcp_leases, or the first that exists of dnsmasq's
 * on Debian and on OpenWrt (Debian's when neither does).
 */
const char *
bw_leases_path(const struct bw_conf *c)
{
	if (c->dhcp_leases[0] != '\0')
		return c->dhcp_leases;
	if (access("/var/lib/misc/dnsmasq.leases", F_OK) == -1 &&
	    access("/tmp/dhcp.leases", F_OK) == 0)
		return "/tmp/dhcp.leases";
	return "/var/lib/misc/dnsmasq.leases";
}

/*
 * Name h from the first entry that is its MAC, or one of its addresses
 * (an entry for another MAC is another device that had the address);
 * 1 when named, 0 when not (its name is then "").
 */
int
bw_names_find(const struct bw_names *n, struct bw_host *h)
{
	const struct bw_name	*e;
	size_t			 i, k;

	for (i = 0; i < n->n; i++) {
		e = &n->v[i];
		if (e->mac[0] != '\0' && h->mac[0] != '\0') {
			if (strcmp(e->mac, h->mac) == 0)
				goto found;
			continue;
		}
		for (k = 0; e->addr[0] != '\0' && k < h->naddrs; k++)
			if (strcmp(e->addr, h->addrs[k]) == 0)
				goto found;
	}
	h->name[0] = '\0';
	h->from = BW_FROM_NONE;
	return 0;
found:
	(void)strcpy(h->name, e->name);
	h->from = e->from;
	return 1;
}
