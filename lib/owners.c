/*
 * The owner history (see owners.h): merging owners, folding them to the
 * top, their JSON lines, reading a window back at the resolution its
 * age has, rolling rows up into coarser ones, and trimming each file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "logfile.h"
#include "hosts.h"
#include "owners.h"
#include "totals.h"
#include "util.h"

#define HOUR	3600

/* ---- owner sets ---- */

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= 0xff;		/* a separator, so "ab","c" != "a","bc" */
	return h * 1099511628211ULL;
}

static uint64_t
key_hash(const struct bw_owner *o)
{
	uint64_t	h = 14695981039346656037ULL;

	h = fnv(h, o->prog);
	h = fnv(h, o->user);
	h = fnv(h, o->unit);
	h = fnv(h, o->container);
	return fnv(h, o->netns);
}

static int
same_key(const struct bw_owner *a, const struct bw_owner *b)
{
	return strcmp(a->prog, b->prog) == 0 &&
	    strcmp(a->user, b->user) == 0 && strcmp(a->unit, b->unit) == 0 &&
	    strcmp(a->container, b->container) == 0 &&
	    strcmp(a->netns, b->netns) == 0;
}

void
bw_owners_init(struct bw_owners *s)
{
	memset(s, 0, sizeof(*s));
}

void
bw_owner_clear(struct bw_owner *o)
{
	free(o->rem);
	o->rem = NULL;
	o->nrem = o->remcap = 0;
}

void
bw_owners_free(struct bw_owners *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		bw_owner_clear(&s->v[i]);
	free(s->v);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static int
rehash(struct bw_owners *s)
{
	size_t	 n = s->nslot > 0 ? s->nslot * 2 : 64, i, k;
	size_t	*slot;

	if ((slot = calloc(n, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		for (k = key_hash(&s->v[i]) & (n - 1); slot[k] != 0;
		    k = (k + 1) & (n - 1))
			;
		slot[k] = i + 1;
	}
	free(s->slot);
	s->slot = slot;
	s->nslot = n;
	return 0;
}

/* Add bytes to a remote of o, merging by address. */
int
bw_owner_add_remote(struct bw_owner *o, const char *addr, uint64_t rx,
    uint64_t tx)
{
	struct bw_remote	*r;
	size_t			 i;

	for (i = 0; i < o->nrem; i++)
		if (strcmp(o->rem[i].addr, addr) == 0) {
			o->rem[i].rx += rx;
			o->rem[i].tx += tx;
			return 0;
		}
	if ((r = bw_grow(o->rem, o->nrem, &o->remcap, 4, sizeof(*r))) ==
	    NULL)
		return -1;
	o->rem = r;
	r = &o->rem[o->nrem++];
	(void)snprintf(r->addr, sizeof(r->addr), "%s", addr);
	r->rx = rx;
	r->tx = tx;
	return 0;
}

/*
 * Add o (which stays the caller's) to the set: its bytes and remotes to
 * the owner who is the same program, user and place, or as a new one.
 * The busiest process of the two is kept.
 */
/*
 * Note that a device's earlier rows had id (the host history's "was"):
 * added to o->was unless there or out of room (then it stays apart).
 */
void
bw_owner_add_was(struct bw_owner *o, const char *id)
{
	size_t		 n = strlen(o->was), k = strlen(id);
	const char	*p;

	for (p = o->was; (p = strstr(p, id)) != NULL; p += k)
		if ((p == o->was || p[-1] == ' ') && (p[k] == ' ' ||
		    p[k] == '\0'))
			return;
	if (k == 0 || strchr(id, ' ') != NULL ||
	    n + (n > 0) + k >= sizeof(o->was))
		return;
	if (n > 0)
		o->was[n++] = ' ';
	memcpy(o->was + n, id, k + 1);
}

/* Each word of the space-separated ids w, to d->was. */
static void
add_words(struct bw_owner *d, const char *w)
{
	char	id[128];
	size_t	n;

	while (*w != '\0') {
		n = strcspn(w, " ");
		if (n > 0 && n < sizeof(id)) {
			memcpy(id, w, n);
			id[n] = '\0';
			bw_owner_add_was(d, id);
		}
		w += n + (w[n] == ' ');
	}
}

int
bw_owners_add(struct bw_owners *s, const struct bw_owner *o)
{
	struct bw_owner	*d, *v;
	size_t		 k, i;

	if ((s->n + 1) * 2 > s->nslot && rehash(s) == -1)
		return -1;
	for (k = key_hash(o) & (s->nslot - 1); s->slot[k] != 0;
	    k = (k + 1) & (s->nslot - 1))
		if (same_key(&s->v[s->slot[k] - 1], o))
			break;
	if (s->slot[k] != 0)
		d = &s->v[s->slot[k] - 1];
	else {
		if ((v = bw_grow(s->v, s->n, &s->cap, 32, sizeof(*v))) ==
		    NULL)
			return -1;
		s->v = v;
		d = &s->v[s->n];
		*d = *o;
		d->rx = d->tx = d->pidbytes = 0;
		d->pid = 0;
		d->cmd[0] = '\0';
		d->rem = NULL;
		d->nrem = d->remcap = 0;
		s->slot[k] = ++s->n;
	}
	d->rx += o->rx;
	d->tx += o->tx;
	if (o->was[0] != '\0' && d != o)
		add_words(d, o->was);
	/* A device's name as of its newest row: rows come in time order. */
	if (o->host[0] != '\0')
		(void)strcpy(d->host, o->host);
	if (o->len > d->len)
		d->len = o->len;	/* the coarsest row merged */
	if (o->pid > 0 && (d->pid <= 0 || o->pidbytes > d->pidbytes)) {
		d->pid = o->pid;
		d->pidbytes = o->pidbytes;
		(void)strcpy(d->cmd, o->cmd);
	}
	for (i = 0; i < o->nrem; i++)
		if (bw_owner_add_remote(d, o->rem[i].addr, o->rem[i].rx,
		    o->rem[i].tx) == -1)
			return -1;
	return 0;
}

/* Where the owner who is o's program, user and place is in s; -1. */
long
bw_owners_index(const struct bw_owners *s, const struct bw_owner *o)
{
	size_t	k;

	if (s->nslot == 0)
		return -1;
	for (k = key_hash(o) & (s->nslot - 1); s->slot[k] != 0;
	    k = (k + 1) & (s->nslot - 1))
		if (same_key(&s->v[s->slot[k] - 1], o))
			return (long)(s->slot[k] - 1);
	return -1;
}

static int
is_other(const struct bw_owner *o)
{
	return strcmp(o->prog, BW_OTHER_OWNERS) == 0;
}

static int
cmp_owner(const void *x, const void *y)
{
	const struct bw_owner	*a = x, *b = y;
	uint64_t		 ba = a->rx + a->tx, bb = b->rx + b->tx;

	/* The fold row goes last; then busiest first, then by name. */
	if (is_other(a) != is_other(b))
		return is_other(a) - is_other(b);
	if (ba != bb)
		return ba < bb ? 1 : -1;
	return strcmp(a->prog, b->prog);
}

/*
 * The order of rows by bytes: the fold row (named fold) last, then the
 * busiest first, then by name.
 */
static int
cmp_ranked(const char *na, uint64_t ba, const char *nb, uint64_t bb,
    const char *fold)
{
	int	oa = strcmp(na, fold) == 0, ob = strcmp(nb, fold) == 0;

	if (oa != ob)
		return oa - ob;
	if (ba != bb)
		return ba < bb ? 1 : -1;
	return strcmp(na, nb);
}

static int
cmp_remote(const void *x, const void *y)
{
	const struct bw_remote	*a = x, *b = y;

	return cmp_ranked(a->addr, a->rx + a->tx, b->addr, b->rx + b->tx,
	    BW_OTHER_REMOTES);
}

/* Keep the top rtop remotes of o; the rest become "[other remotes]". */
static void
fold_remotes(struct bw_owner *o, size_t rtop)
{
	struct bw_remote	other;
	size_t			i;

	if (o->nrem == 0)
		return;
	qsort(o->rem, o->nrem, sizeof(*o->rem), cmp_remote);
	if (o->nrem <= rtop)
		return;
	memset(&other, 0, sizeof(other));
	(void)strcpy(other.addr, BW_OTHER_REMOTES);
	for (i = rtop; i < o->nrem; i++) {
		other.rx += o->rem[i].rx;
		other.tx += o->rem[i].tx;
	}
	o->rem[rtop] = other;
	o->nrem = rtop + 1;
}

/*
 * Keep the top owners (by bytes) and fold the rest, with any earlier
 * fold row, into one "[other owners]" row; keep each owner's top rtop
 * remotes likewise.  The set's bytes do not change.  The set is sorted
 * busiest first, the fold row last, and its index is rebuilt.
 */
int
bw_owners_fold(struct bw_owners *s, size_t top, size_t rtop)
{
	struct bw_owner	other;
	size_t		i, keep;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_owner);
	keep = s->n;
	if (is_other(&s->v[s->n - 1]))
		keep--;
	if (keep > top || keep < s->n) {
		if (keep > top)
			keep = top;
		memset(&other, 0, sizeof(other));
		(void)strcpy(other.prog, BW_OTHER_OWNERS);
		for (i = keep; i < s->n; i++) {
			other.rx += s->v[i].rx;
			other.tx += s->v[i].tx;
			bw_owner_clear(&s->v[i]);
		}
		s->n = keep;
		if (other.rx + other.tx > 0)
			s->v[s->n++] = other;
	}
	for (i = 0; i < s->n; i++)
		fold_remotes(&s->v[i], rtop);
	free(s->slot);
	s->slot = NULL;
	s->nslot = 0;
	return rehash(s);
}

/* ---- lines ---- */

/*
 * Any bytes as valid UTF-8 for JSON: a byte that does not start a valid
 * sequence becomes U+FFFD.  out has room for 3 * strlen(in) + 1.
 */
static void
utf8_fix(const char *in, char *out)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 n, i;
	int			 ok;

	while (*p != '\0') {
		if (*p < 0x80)
			n = 1;
		else if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else
			n = 0;
		ok = n > 0;
		for (i = 1; ok && i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				ok = 0;
		/* Overlong 3- and 4-byte forms, surrogates, past U+10FFFF. */
		if (ok && n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0)))
			ok = 0;
		if (ok && n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] >= 0x90)))
			ok = 0;
		if (!ok) {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			p++;
			continue;
		}
		memcpy(out, p, n);
		out += n;
		p += n;
	}
	*out = '\0';
}

/* utf8_fix() for the other writers of names: ownertotals.c. */
void
bw_owner_utf8(const char *in, char *out)
{
	utf8_fix(in, out);
}

static int
set_str(json_t *o, const char *k, const char *v)
{
	char	buf[3 * 512 + 1];

	if (*v == '\0')
		return 0;
	if (strlen(v) > 512)
		return -1;
	utf8_fix(v, buf);
	return json_object_set_new(o, k, json_string(buf));
}

static int
set_u64(json_t *o, const char *k, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		v = (uint64_t)INT64_MAX;
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

/* One owner's line, with its newline, into *bufp (the caller frees). */
static int
owner_line(const struct bw_owner *w, int64_t ts, int len, char **bufp,
    size_t *lenp)
{
	json_t	*o, *a, *r;
	size_t	 i, n;
	char	*buf, addr[3 * 72 + 1];
	int	 bad;

	if ((o = json_object()) == NULL)
		return -1;
	bad = json_object_set_new(o, "ts", json_integer(ts)) ||
	    json_object_set_new(o, "len", json_integer(len)) ||
	    set_str(o, "prog", w->prog) || set_str(o, "user", w->user) ||
	    set_str(o, "unit", w->unit) ||
	    set_str(o, "container", w->container) ||
	    set_str(o, "netns", w->netns) || set_u64(o, "rx", w->rx) ||
	    set_u64(o, "tx", w->tx);
	if (!bad && w->pid > 0)
		bad = json_object_set_new(o, "pid", json_integer(w->pid)) ||
		    set_str(o, "cmd", w->cmd);
	if (!bad && w->nrem > 0) {
		bad = (a = json_array()) == NULL ||
		    json_object_set_new(o, "r", a);
		for (i = 0; !bad && i < w->nrem; i++) {
			utf8_fix(w->rem[i].addr, addr);
			bad = (r = json_array()) == NULL ||
			    json_array_append_new(a, r) ||
			    json_array_append_new(r, json_string(addr)) ||
			    json_array_append_new(r, json_integer(
			    (json_int_t)(w->rem[i].rx > (uint64_t)INT64_MAX ?
			    (uint64_t)INT64_MAX : w->rem[i].rx))) ||
			    json_array_append_new(r, json_integer(
			    (json_int_t)(w->rem[i].tx > (uint64_t)INT64_MAX ?
			    (uint64_t)INT64_MAX : w->rem[i].tx)));
		}
	}
	if (bad || (n = json_dumpb(o, NULL, 0, JSON_COMPACT)) == 0 ||
	    (buf = malloc(n + 1)) == NULL) {
		json_decref(o);
		errno = ENOMEM;
		return -1;
	}
	(void)json_dumpb(o, buf, n, JSON_COMPACT);
	json_decref(o);
	buf[n] = '\n';
	*bufp = buf;
	*lenp = n + 1;
	return 0;
}

/*
 * Append the set as the rows of the interval [ts, ts + len) to the file
 * at path, in one write: all of them or none.
 */
int
bw_owners_append(const char *path, int64_t ts, int len,
    const struct bw_owners *s)
{
	char	*all = NULL, *line;
	size_t	 n = 0, cap = 0, ln, i;
	int	 rv, saved;

	for (i = 0; i < s->n; i++) {
		if (owner_line(&s->v[i], ts, len, &line, &ln) == -1) {
			free(all);
			return -1;
		}
		if (bw_buf_add(&all, &n, &cap, line, ln) == -1) {
			free(line);
			free(all);
			return -1;
		}
		free(line);
	}
	if (n == 0)
		return 0;
	rv = bw_log_append(path, all, n);
	saved = errno;
	free(all);
	errno = saved;
	return rv;
}

static void
get_str(const json_t *o, const char *k, char *dst, size_t size)
{
	const char	*s = json_string_value(json_object_get(o, k));
	size_t		 n;

	dst[0] = '\0';
	if (s == NULL)
		return;
	n = strlen(s);
	if (n >= size) {
		/* Cut at a character boundary. */
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int
get_u64(const json_t *o, const char *k, uint64_t *v)
{
	const json_t	*j = json_object_get(o, k);

	*v = 0;
	if (j == NULL)
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

/*
 * The part of a history row every kind has: an object with a "ts" and a
 * "len" (up to 31 days) and counts "rx" and "tx" (absent: 0), into o
 * (cleared first), and a string at key (the row's who).  The row's
 * object, which the caller releases with json_decref(), with *bad set
 * when it is not such a row; NULL with EBADMSG when it is not JSON.
 */
json_t *
bw_row_load(const char *line, size_t len, const char *key,
    struct bw_owner *o, int *bad)
{
	json_t		*j;
	json_error_t	 jerr;

	memset(o, 0, sizeof(*o));
	if ((j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		errno = EBADMSG;
		return NULL;
	}
	*bad = !json_is_object(j) ||
	    !json_is_integer(json_object_get(j, "ts")) ||
	    !json_is_integer(json_object_get(j, "len")) ||
	    !json_is_string(json_object_get(j, key)) ||
	    get_u64(j, "rx", &o->rx) == -1 || get_u64(j, "tx", &o->tx) == -1;
	if (!*bad) {
		o->ts = json_integer_value(json_object_get(j, "ts"));
		o->len = (int)json_integer_value(json_object_get(j, "len"));
		*bad = o->ts < 0 || o->len <= 0 || o->len > 31 * 86400;
	}
	return j;
}

/*
 * Parse one line into o (which the caller clears with bw_owner_clear()).
 * -1 with EBADMSG when it is not an owner row.
 */
int
bw_owner_parse(const char *line, size_t len, struct bw_owner *o)
{
	json_t		*j, *r, *e;
	uint64_t	 rx, tx;
	size_t		 i;
	int		 bad;

	if ((j = bw_row_load(line, len, "prog", o, &bad)) == NULL)
		return -1;
	if (!bad) {
		get_str(j, "prog", o->prog, sizeof(o->prog));
		get_str(j, "user", o->user, sizeof(o->user));
		get_str(j, "unit", o->unit, sizeof(o->unit));
		get_str(j, "container", o->container, sizeof(o->container));
		get_str(j, "netns", o->netns, sizeof(o->netns));
		get_str(j, "cmd", o->cmd, sizeof(o->cmd));
		if (json_is_integer(e = json_object_get(j, "pid")) &&
		    json_integer_value(e) > 0)
			o->pid = (long)json_integer_value(e);
		o->pidbytes = o->rx + o->tx;
		r = json_object_get(j, "r");
		for (i = 0; json_is_array(r) && i < json_array_size(r); i++) {
			e = json_array_get(r, i);
			if (!json_is_array(e) || json_array_size(e) != 3 ||
			    !json_is_string(json_array_get(e, 0)) ||
			    !json_is_integer(json_array_get(e, 1)) ||
			    !json_is_integer(json_array_get(e, 2)) ||
			    json_integer_value(json_array_get(e, 1)) < 0 ||
			    json_integer_value(json_array_get(e, 2)) < 0)
				continue;
			rx = (uint64_t)json_integer_value(json_array_get(e, 1));
			tx = (uint64_t)json_integer_value(json_array_get(e, 2));
			if (bw_owner_add_remote(o, json_string_value(
			    json_array_get(e, 0)), rx, tx) == -1) {
				json_decref(j);
				bw_owner_clear(o);
				errno = ENOMEM;
				return -1;
			}
		}
	}
	json_decref(j);
	if (bad) {
		bw_owner_clear(o);
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

/* The ts of the line at p (lines start with {"ts":N), or -1. */
static int64_t
line_ts(const char *p, const char *end)
{
	double	ts = bw_line_json_ts(p, end);

	return ts >= 0 ? (int64_t)ts : -1;
}

/* The start of the first line at or after p. */
static const char *
line_start(const char *buf, const char *p, const char *end)
{
	const char	*nl;

	if (p == buf)
		return p;
	nl = memchr(p - 1, '\n', (size_t)(end - p + 1));
	return nl != NULL ? nl + 1 : end;
}

/*
 * The first line whose ts is at least from, by bisection: rows are
 * appended in time order.  A line without a ts counts as older.
 */
static const char *
seek_ts(const char *buf, const char *end, int64_t from)
{
	const char	*lo = buf, *hi = end, *mid, *nl;

	while (lo < hi) {
		mid = line_start(buf, lo + (hi - lo) / 2, end);
		if (mid >= hi) {
			/* No line starts in the upper half: step linearly. */
			nl = memchr(lo, '\n', (size_t)(end - lo));
			if (line_ts(lo, nl != NULL ? nl : end) >= from)
				return lo;
			lo = nl != NULL ? nl + 1 : end;
			continue;
		}
		nl = memchr(mid, '\n', (size_t)(end - mid));
		if (line_ts(mid, nl != NULL ? nl : end) >= from)
			hi = mid;
		else
			lo = nl != NULL ? nl + 1 : end;
	}
	return lo;
}

/* ---- the read path: a window's rows, read without the whole file ---- */

/*
 * No row is longer than a day (23 to 25 hours in local time), so one
 * whose middle lies at or after from starts at or after from less half
 * a day; the rows of a window are read from there, not from the file's
 * start.
 */
#define HALF_SPAN	45000
#define LINE_MAX_BYTES	((size_t)16 << 20)	/* a row longer is an error */
#define CHUNK		((size_t)256 << 10)

/* The bits of the keys a row has, to refuse a key given twice. */
enum {
	K_TS = 1 << 0, K_LEN = 1 << 1, K_PROG = 1 << 2, K_USER = 1 << 3,
	K_UNIT = 1 << 4, K_CONTAINER = 1 << 5, K_NETNS = 1 << 6,
	K_RX = 1 << 7, K_TX = 1 << 8, K_PID = 1 << 9, K_CMD = 1 << 10,
	K_R = 1 << 11, K_ID = 1 << 12, K_NAME = 1 << 13, K_ADDRS = 1 << 14
};

/* The keys of each kind of row the fast path takes. */
#define K_OWNER	(K_TS | K_LEN | K_PROG | K_USER | K_UNIT | \
		    K_CONTAINER | K_NETNS | K_RX | K_TX | K_PID | K_CMD | K_R)
#define K_HOST	(K_TS | K_LEN | K_ID | K_NAME | K_ADDRS | K_RX | K_TX)

/*
 * The bytes of the strings the fast path takes: 1 printable ASCII but
 * '"' and '\\', 2 the closing '"', 0 anything else (controls, the
 * newline that ends every line, escapes, UTF-8).
 */
static const unsigned char	strbyte[256] = {
	['"'] = 2,
	[' '] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,
	['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1,
	['-'] = 1, ['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
	['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
	['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1,
	['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
	['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1,
	['^'] = 1, ['_'] = 1, ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
	['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
	['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
	['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1,
	['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/*
 * The fast path reads a line in place: every scan stops at its newline
 * (a byte no string or number takes), so it needs no bounds but that.
 */

/* A string of printable ASCII without escapes: its bytes; else 1. */
static int
fast_str(const char **pp, const char **s, size_t *n)
{
	const unsigned char	*p = (const unsigned char *)*pp, *q;

	if (*p != '"')
		return 1;
	for (q = ++p; strbyte[*q] == 1; q++)
		;
	if (*q != '"')
		return 1;
	*s = (const char *)p;
	*n = (size_t)(q - p);
	*pp = (const char *)q + 1;
	return 0;
}

/* A JSON integer of at most 18 digits, without a leading zero; else 1. */
static int
fast_int(const char **pp, int64_t *v)
{
	const char	*p = *pp, *d;
	int64_t		 x = 0;
	int		 neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (d = p; (unsigned)(*p - '0') < 10; p++)
		if (p - d < 18)
			x = x * 10 + (*p - '0');
	if (p == d || p - d > 18 || (*d == '0' && p - d > 1) || *p == '.' ||
	    *p == 'e' || *p == 'E')
		return 1;
	*v = neg ? -x : x;
	*pp = p;
	return 0;
}

/* A string key's value into dst, cut as get_str() cuts ASCII. */
static void
fast_copy(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The remotes [["addr",rx,tx],...]; added to o only when keep. */
static int
fast_remotes(const char **pp, struct bw_owner *o, int keep)
{
	const char	*p = *pp, *s;
	char		 addr[sizeof(o->rem[0].addr)];
	size_t		 n;
	int64_t		 rx, tx;

	if (*p++ != '[')
		return 1;
	if (*p == ']') {
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		/* bw_owner_parse() skips odd remotes: leave those to it. */
		if (*p++ != '[' || fast_str(&p, &s, &n) ||
		    n >= sizeof(addr) || *p++ != ',' || fast_int(&p, &rx) ||
		    *p++ != ',' || fast_int(&p, &tx) || *p++ != ']' ||
		    rx < 0 || tx < 0)
			return 1;
		if (keep) {
			memcpy(addr, s, n);
			addr[n] = '\0';
			if (bw_owner_add_remote(o, addr, (uint64_t)rx,
			    (uint64_t)tx) == -1)
				return 1;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ']')
			break;
		return 1;
	}
	*pp = p + 1;
	return 0;
}

/* Which key k (n bytes) is: its bit, or 0 for one the fast path lacks. */
static unsigned
fast_key(const char *k, size_t n)
{
	switch (n) {
	case 1:
		return *k == 'r' ? K_R : 0;
	case 2:
		return memcmp(k, "ts", 2) == 0 ? K_TS : memcmp(k, "rx", 2) ==
		    0 ? K_RX : memcmp(k, "tx", 2) == 0 ? K_TX : memcmp(k, "id",
		    2) == 0 ? K_ID : 0;
	case 3:
		return memcmp(k, "len", 3) == 0 ? K_LEN : memcmp(k, "pid", 3) ==
		    0 ? K_PID : memcmp(k, "cmd", 3) == 0 ? K_CMD : 0;
	case 4:
		return memcmp(k, "prog", 4) == 0 ? K_PROG : memcmp(k, "user",
		    4) == 0 ? K_USER : memcmp(k, "unit", 4) == 0 ? K_UNIT :
		    memcmp(k, "name", 4) == 0 ? K_NAME : 0;
	case 5:
		return memcmp(k, "netns", 5) == 0 ? K_NETNS : memcmp(k,
		    "addrs", 5) == 0 ? K_ADDRS : 0;
	case 9:
		return memcmp(k, "container", 9) == 0 ? K_CONTAINER : 0;
	default:
		return 0;
	}
}

/*
 * A host row's addresses ["a",...]: the first that is not empty into
 * addr (cut as get_str() cuts ASCII), as bw_hostrow_owner() takes it.
 */
static int
fast_addrs(const char **pp, char *addr, size_t size)
{
	const char	*p = *pp, *s;
	size_t		 n;

	if (*p++ != '[')
		return 1;
	if (*p == ']') {
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		if (fast_str(&p, &s, &n))
			return 1;
		if (addr[0] == '\0' && n > 0)
			fast_copy(addr, size, s, n);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ']')
			return 1;
		*pp = p;
		return 0;
	}
}

/*
 * Parse a row as bwprocs writes it (compact JSON, printable ASCII
 * strings, known keys once each) without jansson: 0 when the row is
 * that and o holds it exactly as bw_owner_parse() would fill it (the
 * remotes only when remotes is set), or, host set, a row of the host
 * history as bw_hostrow_owner() would; else 1 and o is cleared.  Rows
 * it does not take (escapes, UTF-8, odd values, damage) go to jansson.
 * line[len] must be the newline that ends the line.
 */
static int
fast_parse(const char *line, size_t len, struct bw_owner *o, int remotes,
    int host)
{
	const char	*p = line, *k, *s;
	char		 addr[48] = "";
	size_t		 kn, n;
	int64_t		 v, ts = 0, ln = 0, rx = 0, tx = 0, pid = 0;
	unsigned	 seen = 0, bit, keys = host ? K_HOST : K_OWNER;

	memset(o, 0, sizeof(*o));
	if (*p++ != '{')
		return 1;
	for (;;) {
		if (fast_str(&p, &k, &kn) || *p++ != ':' ||
		    (bit = fast_key(k, kn) & keys) == 0 || (seen & bit))
			goto unsure;
		seen |= bit;
		switch (bit) {
		case K_TS:
		case K_LEN:
		case K_RX:
		case K_TX:
		case K_PID:
			if (fast_int(&p, &v))
				goto unsure;
			*(bit == K_TS ? &ts : bit == K_LEN ? &ln : bit == K_RX ?
			    &rx : bit == K_TX ? &tx : &pid) = v;
			break;
		case K_R:
			if (fast_remotes(&p, o, remotes))
				goto unsure;
			break;
		case K_ADDRS:
			if (fast_addrs(&p, addr, sizeof(addr)))
				goto unsure;
			break;
		case K_ID:
		case K_NAME:
			if (fast_str(&p, &s, &n))
				goto unsure;
			if (bit == K_ID)
				fast_copy(o->prog, sizeof(o->prog), s, n);
			else
				fast_copy(o->host, sizeof(o->host), s, n);
			break;
		case K_PROG:
		case K_USER:
		case K_UNIT:
		case K_CONTAINER:
		case K_NETNS:
		case K_CMD:
			if (fast_str(&p, &s, &n))
				goto unsure;
			if (bit == K_PROG)
				fast_copy(o->prog, sizeof(o->prog), s, n);
			else if (bit == K_USER)
				fast_copy(o->user, sizeof(o->user), s, n);
			else if (bit == K_UNIT)
				fast_copy(o->unit, sizeof(o->unit), s, n);
			else if (bit == K_CONTAINER)
				fast_copy(o->container, sizeof(o->container),
				    s, n);
			else if (bit == K_NETNS)
				fast_copy(o->netns, sizeof(o->netns), s, n);
			else
				fast_copy(o->cmd, sizeof(o->cmd), s, n);
			break;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}' && p + 1 == line + len)
			break;
		goto unsure;
	}
	/*
	 * What bw_owner_parse() (bw_hostrow_owner()) requires; a row that
	 * fails is its to judge.
	 */
	bit = host ? K_ID : K_PROG;
	if ((seen & (K_TS | K_LEN | bit | K_RX | K_TX)) !=
	    (K_TS | K_LEN | bit | K_RX | K_TX) || ts < 0 || ln <= 0 ||
	    ln > 31 * 86400 || rx < 0 || tx < 0 || (host && o->prog[0] == '\0'))
		goto unsure;
	o->ts = ts;
	o->len = (int)ln;
	o->rx = (uint64_t)rx;
	o->tx = (uint64_t)tx;
	if (host) {
		/* Its name, else its first address, else its id. */
		if (o->host[0] == '\0')
			(void)snprintf(o->host, sizeof(o->host), "%s",
			    addr[0] != '\0' ? addr : o->prog);
		return 0;
	}
	if (pid > 0)
		o->pid = (long)pid;
	o->pidbytes = o->rx + o->tx;
	return 0;
unsure:
	bw_owner_clear(o);
	memset(o, 0, sizeof(*o));
	return 1;
}

/* Whether tier k is of the host history, whose rows name devices. */
static int
host_kind(enum bw_kind k)
{
	return k == BW_HOSTLOG || k == BW_HOSTLOG_HOURLY ||
	    k == BW_HOSTLOG_DAILY;
}

/*
 * A row of a tier of kind k, by the fast path when it can; -1 when it
 * is not a row.  line[len] is the newline that ends it.
 */
static int
parse_row(enum bw_kind k, const char *line, size_t len, struct bw_owner *o,
    int remotes)
{
	if (fast_parse(line, len, o, remotes, host_kind(k)) == 0)
		return 0;
	if (host_kind(k))
		return bw_hostrow_owner(line, len, o);
	if (bw_owner_parse(line, len, o) == -1)
		return -1;
	if (!remotes)
		bw_owner_clear(o);
	return 0;
}

/*
 * The middle of a row as bwprocs writes it, {"ts":N,"len":M,... read
 * in place, so that the rows before a window are passed over without
 * parsing them; -1 for any other line.
 */
static int64_t
row_mid(const char *p, const char *nl)
{
	int64_t	ts = 0, len = 0;

	if (nl - p < 14 || memcmp(p, "{\"ts\":", 6) != 0)
		return -1;
	for (p += 6; (unsigned)(*p - '0') < 10 && ts < ((int64_t)1 << 40); p++)
		ts = ts * 10 + (*p - '0');
	if (memcmp(p, ",\"len\":", 7) != 0)
		return -1;
	for (p += 7; (unsigned)(*p - '0') < 10 && len < 1000000000; p++)
		len = len * 10 + (*p - '0');
	if ((*p != ',' && *p != '}') || len <= 0 || len > 31 * 86400)
		return -1;
	return ts + len / 2;
}

/*
 * line_ts() of a row as bwprocs writes it, {"ts":N,... read in place;
 * anything else goes to line_ts().  *nl is the newline ending the line.
 */
static int64_t
row_ts(const char *p, const char *nl)
{
	const char	*d, *q;
	int64_t		 x = 0;

	if (nl - p > 6 && memcmp(p, "{\"ts\":", 6) == 0) {
		for (d = q = p + 6; (unsigned)(*q - '0') < 10; q++)
			if (q - d < 15)
				x = x * 10 + (*q - '0');
		if (q > d && q - d <= 15 && strchr(".eE+-", *q) == NULL)
			return x;
	}
	return line_ts(p, nl);
}

/*
 * The line of fd that starts at off: read into *buf (grown as needed,
 * the caller frees), its length without the newline in *len, and where
 * the next line starts in *next (size when it is the last).
 */
static int
line_at(int fd, off_t size, off_t off, char **buf, size_t *cap, size_t *len,
    off_t *next)
{
	const char	*nl;
	char		*b;
	size_t		 have = 0, n;

	for (;;) {
		if (have == *cap) {
			if (*cap >= LINE_MAX_BYTES) {
				errno = EFBIG;
				return -1;
			}
			if ((b = realloc(*buf, *cap > 0 ? *cap * 2 : 4096)) ==
			    NULL)
				return -1;
			*buf = b;
			*cap = *cap > 0 ? *cap * 2 : 4096;
		}
		if (bw_pread_all(fd, *buf + have, *cap - have,
		    off + (off_t)have, &n) == -1)
			return -1;
		if ((nl = memchr(*buf + have, '\n', n)) != NULL) {
			*len = (size_t)(nl - *buf);
			*next = off + (off_t)*len + 1;
			return 0;
		}
		have += n;
		if (n == 0 || off + (off_t)have >= size) {
			*len = have;
			*next = size;
			return 0;
		}
	}
}

/* The start of the first line at or after off (seek_ts()'s line_start). */
static int
line_from(int fd, off_t size, off_t off, off_t *start)
{
	char		 b[4096];
	const char	*nl;
	size_t		 n;

	if (off == 0) {
		*start = 0;
		return 0;
	}
	for (off--; off < size; off += (off_t)n) {
		if (bw_pread_all(fd, b, sizeof(b), off, &n) == -1)
			return -1;
		if (n == 0)
			break;
		if ((nl = memchr(b, '\n', n)) != NULL) {
			*start = off + (nl - b) + 1;
			return 0;
		}
	}
	*start = size;
	return 0;
}

/*
 * seek_ts() on a file: the offset of the first line whose ts is at
 * least from, by bisection with a few small reads.
 */
static int
seek_file(int fd, off_t size, int64_t from, off_t *out)
{
	char	*buf = NULL;
	size_t	 cap = 0, len;
	off_t	 lo = 0, hi = size, mid, next;
	int	 rv = -1;

	while (lo < hi) {
		if (line_from(fd, size, lo + (hi - lo) / 2, &mid) == -1)
			goto out;
		if (mid >= hi) {
			/* No line starts in the upper half: step linearly. */
			if (line_at(fd, size, lo, &buf, &cap, &len, &next) ==
			    -1)
				goto out;
			if (line_ts(buf, buf + len) >= from)
				break;
			lo = next;
			continue;
		}
		if (line_at(fd, size, mid, &buf, &cap, &len, &next) == -1)
			goto out;
		if (line_ts(buf, buf + len) >= from)
			hi = mid;
		else
			lo = next;
	}
	*out = lo;
	rv = 0;
out:
	free(buf);
	return rv;
}

/*
 * Where a window's rows went, for bw_owners_topseries(): each row's
 * owner (its index in the set) and bucket, and its bytes.
 */
struct rowrec {
	size_t		owner;
	size_t		bucket;
	uint64_t	rx, tx;
};

struct series_acc {
	int64_t		 start, step;	/* the first bucket, their length */
	size_t		 nb;
	struct rowrec	*v;
	size_t		 n, cap;
};

/* The index in s of the owner o merges with (it is there). */
static size_t
owner_index(const struct bw_owners *s, const struct bw_owner *o)
{
	size_t	k;

	for (k = key_hash(o) & (s->nslot - 1); s->slot[k] != 0;
	    k = (k + 1) & (s->nslot - 1))
		if (same_key(&s->v[s->slot[k] - 1], o))
			return s->slot[k] - 1;
	return 0;	/* not reached: o was just added */
}

/* Note where the row o, just added to s, went. */
static int
series_note(struct series_acc *a, const struct bw_owners *s,
    const struct bw_owner *o)
{
	struct rowrec	*v;
	int64_t		 k = (o->ts + o->len / 2 - a->start) / a->step;

	if (k < 0 || (size_t)k >= a->nb)
		return 0;
	if ((v = bw_grow(a->v, a->n, &a->cap, 256, sizeof(*v))) == NULL)
		return -1;
	a->v = v;
	a->v[a->n].owner = owner_index(s, o);
	a->v[a->n].bucket = (size_t)k;
	a->v[a->n].rx = o->rx;
	a->v[a->n].tx = o->tx;
	a->n++;
	return 0;
}

/* A tier of the window being read: its file, open once. */
struct tier {
	enum bw_kind	k;
	int		fd;		/* -1: no file */
	off_t		size;
	int		has;		/* first and end hold */
	int64_t		first, end;	/* its first row, its last's end */
};

/*
 * Add the rows of tier tr whose middle lies in [from, to) to s, as
 * bw_owners_read() does, reading from the first row that may count to
 * the first that starts at to, in chunks.
 */
static int
read_rows(struct tier *tr, int64_t from, int64_t to, struct bw_owners *s,
    size_t *rows, size_t *bad, int remotes, struct series_acc *acc)
{
	struct bw_owner	 o;
	char		*buf = NULL, *b;
	const char	*p, *nl;
	size_t		 cap = 0, len = 0, pos = 0, n, want;
	off_t		 off;
	int64_t		 ts, mid;
	int		 rv = -1;

	if (from >= to || tr->fd == -1)
		return 0;
	if (seek_file(tr->fd, tr->size, from - HALF_SPAN, &off) == -1)
		return -1;
	for (;;) {
		nl = len > pos ? memchr(buf + pos, '\n', len - pos) : NULL;
		if (nl == NULL) {
			if (off >= tr->size) {
				if (pos < len)
					(*bad)++;	/* torn: a writer died */
				break;
			}
			/* Keep the start of the line; read on. */
			if (pos > 0) {
				memmove(buf, buf + pos, len - pos);
				len -= pos;
				pos = 0;
			}
			if (len == cap) {
				if (cap >= LINE_MAX_BYTES) {
					errno = EFBIG;
					goto out;
				}
				if ((b = realloc(buf, cap > 0 ? cap * 2 :
				    CHUNK)) == NULL)
					goto out;
				buf = b;
				cap = cap > 0 ? cap * 2 : CHUNK;
			}
			want = cap - len;
			if ((off_t)want > tr->size - off)
				want = (size_t)(tr->size - off);
			if (bw_pread_all(tr->fd, buf + len, want, off, &n) ==
			    -1)
				goto out;
			if (n == 0)
				off = tr->size;	/* it shrank */
			len += n;
			off += (off_t)n;
			continue;
		}
		p = buf + pos;
		pos = (size_t)(nl - buf) + 1;
		if ((ts = row_ts(p, nl)) >= to)
			break;
		if (ts >= 0 && ts + HALF_SPAN < from)
			continue;
		/* Those that end before the window: not even parsed. */
		if (ts < from && (mid = row_mid(p, nl)) >= 0 && mid < from)
			continue;
		if (parse_row(tr->k, p, (size_t)(nl - p), &o, remotes) == -1) {
			(*bad)++;
			continue;
		}
		/* A row counts where its middle lies, as history rows do. */
		if (o.ts + o.len / 2 < from || o.ts + o.len / 2 >= to) {
			bw_owner_clear(&o);
			continue;
		}
		(*rows)++;
		if (bw_owners_add(s, &o) == -1 || (acc != NULL &&
		    series_note(acc, s, &o) == -1)) {
			bw_owner_clear(&o);
			goto out;
		}
		bw_owner_clear(&o);
	}
	rv = 0;
out:
	free(buf);
	return rv;
}

static int
read_tier(int dirfd, enum bw_kind k, const char *iface, char **bufp,
    size_t *lenp)
{
	return bw_kind_read(dirfd, k, iface, BW_OWNERS_FILEMAX, bufp, lenp);
}

/*
 * Add the rows of one file (tier) whose middle lies in [from, to) to the
 * set;
 * *rows and *bad count the lines read and skipped.  A missing file adds
 * nothing.  -1 with errno when it cannot be read.
 */
int
bw_owners_read(int dirfd, enum bw_kind k, const char *iface, int64_t from,
    int64_t to, struct bw_owners *s, size_t *rows, size_t *bad)
{
	struct bw_owner	 o;
	char		*buf;
	const char	*p, *end, *nl;
	size_t		 len;
	int64_t		 ts;

	if (from >= to)
		return 0;
	if (read_tier(dirfd, k, iface, &buf, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	end = buf + len;
	/* No row is longer than a day (23 to 25 hours in local time). */
	for (p = seek_ts(buf, end, from - 90000); p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			(*bad)++;	/* torn: a writer died mid-line */
			break;
		}
		if ((ts = line_ts(p, nl)) >= to)
			break;
		if (ts >= 0 && ts + 90000 < from)
			continue;
		if (bw_owner_parse(p, (size_t)(nl - p), &o) == -1) {
			(*bad)++;
			continue;
		}
		/* A row counts where its middle lies, as history rows do. */
		if (o.ts + o.len / 2 < from || o.ts + o.len / 2 >= to) {
			bw_owner_clear(&o);
			continue;
		}
		(*rows)++;
		if (bw_owners_add(s, &o) == -1) {
			bw_owner_clear(&o);
			free(buf);
			return -1;
		}
		bw_owner_clear(&o);
	}
	free(buf);
	return 0;
}

/* An owner row's ts and end, for tail_row(); -1 when it is none. */
static int
owner_span(const char *line, size_t len, int64_t *ts, int64_t *end)
{
	struct bw_owner	o;

	if (bw_owner_parse(line, len, &o) == -1)
		return -1;
	*ts = o.ts;
	*end = o.ts + o.len;
	bw_owner_clear(&o);
	return 0;
}

/* A host row's, for the host history's tiers. */
static int
host_span(const char *line, size_t len, int64_t *ts, int64_t *end)
{
	struct bw_owner	o;

	if (bw_hostrow_owner(line, len, &o) == -1)
		return -1;
	*ts = o.ts;
	*end = o.ts + o.len;
	bw_owner_clear(&o);
	return 0;
}

/* What is a row in the tiers of kind k. */
static bw_row_span_fn
kind_span(enum bw_kind k)
{
	return host_kind(k) ? host_span : owner_span;
}

/*
 * The last complete line of the open tier fd that is a row: its ts and
 * its end (ts + len).  A row with a thousand remotes is some 60 kB: the
 * tail read grows until it holds one; span says what is a row.  -1
 * when there is none.
 */
static int
tail_row(int fd, bw_row_span_fn span, int64_t *ts, int64_t *end)
{
	char		*tail;
	const char	*p, *e;
	size_t		 n, size;
	int		 rv = -1;

	for (size = 4096; size <= ((size_t)1 << 20) && rv == -1;
	    size *= 16) {
		if ((tail = malloc(size)) == NULL)
			return -1;
		if (bw_read_tail(fd, size, tail, &n) == -1) {
			free(tail);
			return -1;
		}
		e = tail + n;
		while (e > tail && e[-1] != '\n')
			e--;
		while (e > tail && rv == -1) {
			for (p = e - 1; p > tail && p[-1] != '\n'; p--)
				;
			/* A first line the read may have cut is no row. */
			if ((p > tail || n < size - 1) &&
			    span(p, (size_t)(e - 1 - p), ts, end) == 0)
				rv = 0;
			e = p;
		}
		free(tail);
		if (n < size - 1)
			break;		/* the whole file was read */
	}
	return rv;
}

/*
 * When a tier's rows begin and end: the first row's ts and the last
 * row's ts + len, from the file's head and tail only.  -1 when it has
 * no row.
 */
static int
tier_span(int dirfd, enum bw_kind k, const char *iface, bw_row_span_fn span,
    int64_t *first, int64_t *end)
{
	char		 name[64], head[4096];
	const char	*nl;
	size_t		 n;
	int64_t		 ts;
	int		 fd, rv = -1;

	*first = *end = -1;
	if (bw_kind_file(name, sizeof(name), k, iface) == -1 ||
	    (fd = bw_data_open(dirfd, name)) == -1)
		return -1;
	if (bw_pread_all(fd, head, sizeof(head) - 1, 0, &n) == 0 &&
	    (nl = memchr(head, '\n', n)) != NULL &&
	    (*first = line_ts(head, nl)) >= 0)
		rv = tail_row(fd, span, &ts, end);
	(void)close(fd);
	return rv;
}

/*
 * The newest row of a tier of iface: its ts and its end (ts + len).
 * -1 with errno when it has none (ENOENT: no file; EBADMSG: no row).
 */
int
bw_owners_last(int dirfd, enum bw_kind k, const char *iface, int64_t *ts,
    int64_t *end)
{
	char	name[64];
	int	fd, rv;

	if (bw_kind_file(name, sizeof(name), k, iface) == -1 ||
	    (fd = bw_data_open(dirfd, name)) == -1)
		return -1;
	rv = tail_row(fd, kind_span(k), ts, end);
	(void)close(fd);
	if (rv == -1)
		errno = EBADMSG;
	return rv;
}

static int64_t
ceil_hour(int64_t t)
{
	return (t + HOUR - 1) / HOUR * HOUR;
}

static int64_t
ceil_day(int64_t t)
{
	int64_t	d;

	if (bw_period_start(t, BW_PERIOD_DAY, 1, &d) == -1)
		return t;
	if (d == t)
		return t;
	if (bw_period_next(d, BW_PERIOD_DAY, 1, &d) == -1)
		return t;
	return d;
}

/* The three tiers of iface, open for one window's reads. */
struct window {
	struct tier	tv[3];		/* full, hourly, daily */
	int64_t		b5, bh;		/* where full, hourly rows take over */
	struct bw_owners *s;
	struct bw_top	*t;
	int		remotes;	/* keep the rows' remotes */
	int		hosts;		/* the host history's tiers */
	int64_t		coarse;		/* rows up to this long will do */
	struct series_acc *acc;		/* NULL, or where rows went */
};

static void
window_close(struct window *w)
{
	size_t	i;

	for (i = 0; i < 3; i++)
		if (w->tv[i].fd != -1)
			(void)close(w->tv[i].fd);
}

/* Open the tiers and find where each takes over; -1 with errno. */
static int
window_open(struct window *w, int dirfd, const char *iface)
{
	static const enum bw_kind	owners[3] = { BW_OWNERS,
	    BW_OWNERS_HOURLY, BW_OWNERS_DAILY }, hosts[3] = { BW_HOSTLOG,
	    BW_HOSTLOG_HOURLY, BW_HOSTLOG_DAILY };
	const enum bw_kind		*kinds = w->hosts ? hosts : owners;
	struct tier			*f = &w->tv[0], *h = &w->tv[1];
	struct tier			*d = &w->tv[2];
	struct stat			 st;
	char				 name[64];
	size_t				 i;

	for (i = 0; i < 3; i++) {
		w->tv[i].k = kinds[i];
		w->tv[i].fd = -1;
	}
	for (i = 0; i < 3; i++) {
		w->tv[i].has = tier_span(dirfd, kinds[i], iface,
		    kind_span(kinds[i]), &w->tv[i].first, &w->tv[i].end) == 0;
		if (bw_kind_file(name, sizeof(name), kinds[i], iface) == -1)
			goto fail;
		if ((w->tv[i].fd = bw_data_open(dirfd, name)) == -1) {
			if (errno == ENOENT)
				continue;
			goto fail;
		}
		if (fstat(w->tv[i].fd, &st) == -1)
			goto fail;
		w->tv[i].size = st.st_size;
	}
	/*
	 * Full rows from b5: the first whole hour they hold, unless the
	 * hourly rows end before it.  Hourly rows from bh likewise, before
	 * the daily rows end.  Each coarser tier stands in for what the
	 * finer one no longer holds.
	 */
	w->b5 = INT64_MAX;
	if (f->has) {
		w->b5 = ceil_hour(f->first);
		if (!h->has && !d->has)
			w->b5 = f->first;
		else if (h->has && h->end < w->b5)
			w->b5 = h->end > f->first ? h->end : f->first;
		else if (!h->has && d->end < w->b5)
			w->b5 = d->end > f->first ? d->end : f->first;
	}
	w->bh = w->b5;
	if (h->has) {
		w->bh = ceil_day(h->first);
		if (!d->has)
			w->bh = h->first;
		else if (d->end < w->bh)
			w->bh = d->end > h->first ? d->end : h->first;
		if (w->bh > w->b5)
			w->bh = w->b5;
	}
	w->t->first = d->has ? d->first : h->has ? h->first : f->has ?
	    f->first : 0;
	return 0;
fail:
	window_close(w);
	return -1;
}

static int
window_rows(struct window *w, int tier, int64_t from, int64_t to)
{
	return read_rows(&w->tv[tier], from, to, w->s, &w->t->rows,
	    &w->t->bad, w->remotes, w->acc);
}

/*
 * The owners of [from, to) at the resolution each part's age has:
 * full-resolution rows from the hour the file's oldest row starts in,
 * hourly rows before that back to the day the hourly file starts in,
 * daily rows before.
 */
static int
read_aged(struct window *w, int64_t from, int64_t to)
{
	int64_t	b5 = w->b5, bh = w->bh;

	if (w->tv[2].has && from < bh && window_rows(w, 2, from,
	    to < bh ? to : bh) == -1)
		return -1;
	if (w->tv[1].has && to > bh && from < b5 && window_rows(w, 1,
	    from > bh ? from : bh, to < b5 ? to : b5) == -1)
		return -1;
	if (w->tv[0].has && to > b5 && window_rows(w, 0,
	    from > b5 ? from : b5, to) == -1)
		return -1;
	return 0;
}

static int64_t
floor_day(int64_t t)
{
	int64_t	d;

	return bw_period_start(t, BW_PERIOD_DAY, 1, &d) == -1 ? t : d;
}

/*
 * The whole units [a, b) of [from, to) that the coarser tier tr holds,
 * for its rows to stand in for the finer ones'; 0 when there are none.
 */
static int
whole_units(const struct tier *tr, int64_t from, int64_t to, int days,
    int64_t *a, int64_t *b)
{
	if (!tr->has)
		return 0;
	*a = days ? ceil_day(from) : ceil_hour(from);
	*b = days ? floor_day(to) : to / HOUR * HOUR;
	if (*a < tr->first)
		*a = tr->first;
	if (*b > tr->end)
		*b = tr->end;
	return *a < *b;
}

/* [from, to): its whole hours from hourly rows, the rest by age. */
static int
read_hours(struct window *w, int64_t from, int64_t to)
{
	int64_t	a, b;

	if (from >= to)
		return 0;
	if (!whole_units(&w->tv[1], from, to, 0, &a, &b))
		return read_aged(w, from, to);
	if (read_aged(w, from, a) == -1 || window_rows(w, 1, a, b) == -1)
		return -1;
	return read_aged(w, b, to);
}

/*
 * Read the owners of [from, to) no finer than it needs: when rows an
 * hour long will do (w->coarse, see window_coarse()), its whole hours
 * from hourly rows, and when a day will, its whole local days from
 * daily rows, where those tiers hold them, as they are the exact sums
 * of the finer rows; the rest, and all when finer rows are needed, at
 * the resolution each part's age has (read_aged()).
 */
static int
read_window(struct window *w, int64_t from, int64_t to)
{
	int64_t	a, b;

	if (w->coarse < HOUR)
		return read_aged(w, from, to);
	if (w->coarse < 86400 ||
	    !whole_units(&w->tv[2], from, to, 1, &a, &b))
		return read_hours(w, from, to);
	if (read_hours(w, from, a) == -1 || window_rows(w, 2, a, b) == -1)
		return -1;
	return read_hours(w, b, to);
}

/*
 * How coarse the rows of a window's answer may be: a window of a day or
 * more is told well by hourly rows, one of 24 days or more by daily
 * ones; a day's answer then costs some 24 rows an owner, not 288.
 */
static int64_t
window_coarse(int64_t from, int64_t to)
{
	if (to - from >= 24 * 86400)
		return 86400;
	if (to - from >= 86400)
		return HOUR;
	return 0;
}

int
bw_by_parse(const char *s, enum bw_by *by)
{
	static const char *const names[] = {
		"program", "user", "unit", "container", "remote", "host"
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*by = (enum bw_by)i;
			return 0;
		}
	return -1;
}

const char *
bw_by_name(enum bw_by by)
{
	switch (by) {
	case BW_BY_PROGRAM:
		return "program";
	case BW_BY_USER:
		return "user";
	case BW_BY_UNIT:
		return "unit";
	case BW_BY_CONTAINER:
		return "container";
	case BW_BY_REMOTE:
		return "remote";
	case BW_BY_HOST:
		return "host";
	}
	return "program";
}

/* The column title of a grouping, for tables: "PROGRAM", "USER", ... */
const char *
bw_by_title(enum bw_by by)
{
	switch (by) {
	case BW_BY_USER:
		return "USER";
	case BW_BY_UNIT:
		return "UNIT";
	case BW_BY_CONTAINER:
		return "CONTAINER";
	case BW_BY_REMOTE:
		return "REMOTE";
	case BW_BY_HOST:
		return "HOST";
	default:
		return "PROGRAM";
	}
}

/*
 * The group an owner falls in.  Unattributed and fold rows stay
 * themselves; an owner without the thing grouped by is "[none]".
 */
static const char *
group_of(const struct bw_owner *o, enum bw_by by)
{
	const char	*s = o->prog;

	if (o->prog[0] == '[')
		return o->prog;
	switch (by) {
	case BW_BY_USER:
		s = o->user;
		break;
	case BW_BY_UNIT:
		s = o->unit;
		break;
	case BW_BY_CONTAINER:
		s = o->container[0] != '\0' ? o->container : o->netns;
		break;
	default:
		break;
	}
	return *s != '\0' ? s : "[none]";
}

static int
cmp_top(const void *x, const void *y)
{
	const struct bw_top_row	*a = x, *b = y;

	return cmp_ranked(a->name, a->rx + a->tx, b->name, b->rx + b->tx,
	    BW_OTHER_OWNERS);
}

/* Add bytes to the group called name of t (a linear set: groups are few). */
static int
top_add(struct bw_top *t, size_t *cap, const char *name, uint64_t rx,
    uint64_t tx, const struct bw_owner *o)
{
	struct bw_top_row	*r;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			break;
	if (i == t->n) {
		if ((r = bw_grow(t->v, t->n, cap, 32, sizeof(*r))) == NULL)
			return -1;
		t->v = r;
		r = &t->v[t->n++];
		memset(r, 0, sizeof(*r));
		(void)snprintf(r->name, sizeof(r->name), "%s", name);
		r->pid = -1;
	}
	r = &t->v[i];
	r->rx += rx;
	r->tx += tx;
	if (o != NULL && o->pid > 0 && (r->pid <= 0 ||
	    o->rx + o->tx > r->rx + r->tx - rx - tx)) {
		r->pid = o->pid;
		(void)strcpy(r->cmd, o->cmd);
		(void)snprintf(r->prog, sizeof(r->prog), "%s", o->prog);
	}
	return 0;
}

/* A device's row in t: its name (or address) and its id. */
static int
host_row(struct bw_top *t, size_t *cap, const struct bw_owner *o)
{
	struct bw_top_row	*r;

	if ((r = bw_grow(t->v, t->n, cap, 32, sizeof(*r))) == NULL)
		return -1;
	t->v = r;
	r = &t->v[t->n++];
	memset(r, 0, sizeof(*r));
	(void)snprintf(r->name, sizeof(r->name), "%s", o->host[0] != '\0' ?
	    o->host : o->prog);
	(void)snprintf(r->id, sizeof(r->id), "%s", o->prog);
	r->pid = -1;
	r->rx = o->rx;
	r->tx = o->tx;
	return 0;
}

/*
 * A device counted under its address before its MAC was known has rows
 * of both ids: the MAC's rows list the address in "was", and the
 * address's rows join the MAC's device here.  Their owner takes its id
 * and name (so its buckets go to the device's row) and gives its bytes
 * to the device's owner, then is marked merged.
 */
static void
host_fold(struct bw_owners *s)
{
	struct bw_owner	*d, *a;
	const char	*w;
	size_t		 i, j, n;

	for (i = 0; i < s->n; i++) {
		d = &s->v[i];
		for (w = d->was; !d->merged && *w != '\0';
		    w += n + (w[n] == ' ')) {
			n = strcspn(w, " ");
			for (j = 0; j < s->n; j++) {
				a = &s->v[j];
				if (j == i || a->merged ||
				    strncmp(a->prog, w, n) != 0 ||
				    a->prog[n] != '\0')
					continue;
				d->rx += a->rx;
				d->tx += a->tx;
				if (a->len > d->len)
					d->len = a->len;
				a->rx = a->tx = 0;
				(void)strcpy(a->prog, d->prog);
				(void)strcpy(a->host, d->host);
				a->merged = 1;
			}
		}
	}
}

/* Read the owners of [from, to) into s, noting in t what was read. */
static int
top_read(int dirfd, const char *iface, int64_t from, int64_t to,
    enum bw_by by, int64_t coarse, struct bw_owners *s, struct bw_top *t,
    struct series_acc *acc)
{
	struct window	w;
	int		rv;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.t = t;
	/* Only the remote view needs where the bytes went. */
	w.remotes = by == BW_BY_REMOTE;
	w.hosts = by == BW_BY_HOST;
	w.coarse = coarse;
	w.acc = acc;
	if (window_open(&w, dirfd, iface) == -1)
		return -1;
	rv = read_window(&w, from, to);
	window_close(&w);
	if (rv == 0 && w.hosts)
		host_fold(s);
	return rv;
}

/* Group the owners of s into t's rows, busiest first, folded to top. */
static int
top_group(const struct bw_owners *s, enum bw_by by, size_t top,
    struct bw_top *t)
{
	const struct bw_owner	*o;
	size_t			 i, j, cap = 0;
	uint64_t		 rx, tx;

	for (i = 0; i < s->n; i++) {
		o = &s->v[i];
		if (o->len > t->resolution)
			t->resolution = o->len;
		t->rx += o->rx;
		t->tx += o->tx;
		if (o->prog[0] != '[')
			t->attributed += o->rx + o->tx;
		if (by == BW_BY_HOST) {
			/* One owner a device (by its id): one row each. */
			if (!o->merged && host_row(t, &cap, o) == -1)
				return -1;
			continue;
		}
		if (by != BW_BY_REMOTE || (o->prog[0] == '[' && o->nrem == 0)) {
			if (top_add(t, &cap, group_of(o, by), o->rx, o->tx,
			    o) == -1)
				return -1;
			continue;
		}
		rx = o->rx;
		tx = o->tx;
		for (j = 0; j < o->nrem; j++) {
			if (top_add(t, &cap, o->rem[j].addr, o->rem[j].rx,
			    o->rem[j].tx, NULL) == -1)
				return -1;
			rx -= o->rem[j].rx < rx ? o->rem[j].rx : rx;
			tx -= o->rem[j].tx < tx ? o->rem[j].tx : tx;
		}
		if (rx + tx > 0 && top_add(t, &cap, BW_OTHER_REMOTES, rx, tx,
		    NULL) == -1)
			return -1;
	}
	if (t->n > 0)
		qsort(t->v, t->n, sizeof(*t->v), cmp_top);
	if (top > 0 && t->n > top + 1) {
		/* Fold the tail (and any fold row) into one last row. */
		for (i = top + 1; i < t->n; i++) {
			t->v[top].rx += t->v[i].rx;
			t->v[top].tx += t->v[i].tx;
		}
		(void)strcpy(t->v[top].name, by == BW_BY_HOST ?
		    BW_OTHER_DEVICES : BW_OTHER_OWNERS);
		t->v[top].id[0] = '\0';
		t->v[top].pid = -1;
		t->v[top].cmd[0] = t->v[top].prog[0] = '\0';
		t->n = top + 1;
	}
	return 0;
}

/*
 * Who moved the bytes of iface in [from, to), grouped by by, busiest
 * first; beyond top groups (0: no limit) the rest are folded into
 * "[other owners]".  t->rx and t->tx are every row's bytes, so shares
 * are of what bwprocs counted.  -1 with errno.
 */
int
bw_owners_top(int dirfd, const char *iface, int64_t from, int64_t to,
    enum bw_by by, size_t top, struct bw_top *t)
{
	struct bw_owners	s;
	int			rv = -1;

	memset(t, 0, sizeof(*t));
	t->from = from;
	t->to = to;
	bw_owners_init(&s);
	if (top_read(dirfd, iface, from, to, by, window_coarse(from, to), &s,
	    t, NULL) == 0 && top_group(&s, by, top, t) == 0)
		rv = 0;
	bw_owners_free(&s);
	if (rv == -1)
		bw_top_free(t);
	return rv;
}

/*
 * bw_owners_top() and, in *ts, the bytes of each of its rows in buckets
 * of step seconds over [from, to), aligned to the local time zone's
 * midnight as the history's buckets are (lib/history.c), so that a
 * chart can stack its top owners.  The window is read no coarser than
 * a bucket where it can be, and a row counts in the bucket holding its
 * middle.  Not by remote (EINVAL): a row's remotes are not kept per
 * bucket.  -1 with errno.
 */
int
bw_owners_topseries(int dirfd, const char *iface, int64_t from, int64_t to,
    enum bw_by by, size_t top, int64_t step, struct bw_top *t,
    struct bw_topseries *ts)
{
	struct bw_owners	 s;
	struct series_acc	 acc;
	struct tm		 tm;
	time_t			 tt = (time_t)from;
	int64_t			 off = 0, st;
	size_t			*row = NULL, i, r, other;
	const char		*g;
	int			 rv = -1;

	memset(t, 0, sizeof(*t));
	memset(ts, 0, sizeof(*ts));
	memset(&acc, 0, sizeof(acc));
	t->from = from;
	t->to = to;
	if (by == BW_BY_REMOTE || step < 1 || to <= from ||
	    (to - from) / step >= BW_SERIES_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (localtime_r(&tt, &tm) != NULL)
		off = tm.tm_gmtoff;
	st = from + off;
	st = (st >= 0 ? st / step : (st - step + 1) / step) * step - off;
	acc.start = ts->start = st;
	acc.step = ts->step = step;
	acc.nb = ts->nb = (size_t)((to - st + step - 1) / step);
	bw_owners_init(&s);
	if (top_read(dirfd, iface, from, to, by, step, &s, t, &acc) == -1 ||
	    top_group(&s, by, top, t) == -1)
		goto out;
	if ((ts->total = calloc(ts->nb, sizeof(*ts->total))) == NULL ||
	    (ts->bytes = calloc(ts->nb * (t->n > 0 ? t->n : 1),
	    sizeof(*ts->bytes))) == NULL ||
	    (ts->rx = calloc(ts->nb * (t->n > 0 ? t->n : 1),
	    sizeof(*ts->rx))) == NULL ||
	    (row = calloc(s.n > 0 ? s.n : 1, sizeof(*row))) == NULL)
		goto out;
	/* Each owner's row: its group's, else the fold row, last. */
	other = t->n > 0 ? t->n - 1 : 0;
	for (i = 0; i < s.n; i++) {
		g = by == BW_BY_HOST ? s.v[i].prog : group_of(&s.v[i], by);
		for (r = 0; r < t->n && strcmp(by == BW_BY_HOST ?
		    t->v[r].id : t->v[r].name, g) != 0; r++)
			;
		row[i] = r < t->n ? r : other;
	}
	for (i = 0; i < acc.n; i++) {
		ts->total[acc.v[i].bucket] += acc.v[i].rx + acc.v[i].tx;
		if (t->n == 0)
			continue;
		r = row[acc.v[i].owner] * ts->nb + acc.v[i].bucket;
		ts->bytes[r] += acc.v[i].rx + acc.v[i].tx;
		ts->rx[r] += acc.v[i].rx;
	}
	rv = 0;
out:
	free(row);
	free(acc.v);
	bw_owners_free(&s);
	if (rv == -1) {
		bw_top_free(t);
		bw_topseries_free(ts);
	}
	return rv;
}

void
bw_topseries_free(struct bw_topseries *ts)
{
	free(ts->total);
	free(ts->bytes);
	free(ts->rx);
	ts->total = ts->bytes = ts->rx = NULL;
	ts->nb = 0;
}

void
bw_top_free(struct bw_top *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* ---- rollups and trims ---- */

/*
 * Roll the rows of tier src in [start, end) up into one set of rows of
 * tier dst at start: their exact sums, folded to the top owners.  The
 * caller makes sure dst has no rows there yet.
 */
int
bw_owners_rollup(const char *dir, const char *iface, enum bw_kind src,
    enum bw_kind dst, int64_t start, int64_t end, size_t top)
{
	struct bw_owners	s;
	char			path[4096];
	size_t			rows = 0, bad = 0;
	int			fd, rv = -1, saved;

	bw_owners_init(&s);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (bw_owners_read(fd, src, iface, start, end, &s, &rows, &bad) ==
	    0 && bw_owners_fold(&s, top, top < BW_ROLLUP_REMOTES ? top :
	    BW_ROLLUP_REMOTES) == 0 &&
	    bw_kind_path(path, sizeof(path), dir, dst, iface) == 0)
		rv = bw_owners_append(path, start, (int)(end - start), &s);
	saved = errno;
	(void)close(fd);
	bw_owners_free(&s);
	errno = saved;
	return rv;
}

/* The hour (hourly) or local day t falls in, and the next one's start. */
static int
period_of(int hourly, int64_t t, int64_t *start, int64_t *next)
{
	if (hourly) {
		*start = t / HOUR * HOUR;
		*next = *start + HOUR;
		return 0;
	}
	if (bw_period_start(t, BW_PERIOD_DAY, 1, start) == -1 ||
	    bw_period_next(*start, BW_PERIOD_DAY, 1, next) == -1)
		return -1;
	return 0;
}

/* Add the lines of len bytes at line to the buffer *out. */
int
bw_buf_add(char **out, size_t *len, size_t *cap, const char *line,
    size_t ln)
{
	char	*p;

	if (*len + ln > *cap) {
		if ((p = realloc(*out, (*len + ln) * 2)) == NULL)
			return -1;
		*out = p;
		*cap = (*len + ln) * 2;
	}
	memcpy(*out + *len, line, ln);
	*len += ln;
	return 0;
}

/* Fold s to its rollup rows at [start, end), added to *out; s empties. */
static int
rollup_lines(struct bw_owners *s, int64_t start, int64_t end, size_t top,
    char **out, size_t *len, size_t *cap)
{
	char	*line;
	size_t	 ln, i;
	int	 rv = -1;

	if (bw_owners_fold(s, top, top < BW_ROLLUP_REMOTES ? top :
	    BW_ROLLUP_REMOTES) == -1)
		goto out;
	for (i = 0; i < s->n; i++) {
		if (owner_line(&s->v[i], start, (int)(end - start), &line,
		    &ln) == -1)
			goto out;
		if (bw_buf_add(out, len, cap, line, ln) == -1) {
			free(line);
			goto out;
		}
		free(line);
	}
	rv = 0;
out:
	bw_owners_free(s);
	return rv;
}

/*
 * Roll up every hour (ops->hourly) or local day of tier src that ends
 * by to and that dst does not hold yet: those after dst's newest row,
 * or all when it has none.  A row counts in the period its middle lies
 * in.  The source is read once and dst written once, locked from the
 * look at its newest row to the write, so two catch-ups never roll a
 * period twice; a kill leaves dst as it was or with every period.  The
 * rows themselves are the ops' business: the owner history and the
 * host history share this.  *periods gets how many were rolled.  0, or
 * -1 with errno.
 */
int
bw_rows_catchup(const char *dir, const char *iface, enum bw_kind src,
    enum bw_kind dst, int64_t to, const struct bw_rowops *ops,
    size_t *periods)
{
	struct bw_log	 l;
	char		 path[4096], *buf = NULL, *out = NULL;
	const char	*p, *end, *nl;
	size_t		 len, olen = 0, ocap = 0;
	int64_t		 from = -1, last, ts, mid, ps, pn, cur = -1;
	int64_t		 cend = 0;
	double		 rowlen;
	int		 dirfd, rv = -1, saved;

	*periods = 0;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (bw_kind_read(dirfd, src, iface, BW_OWNERS_FILEMAX, &buf,
	    &len) == -1) {
		saved = errno;
		(void)close(dirfd);
		errno = saved;
		return saved == ENOENT ? 0 : -1;
	}
	(void)close(dirfd);
	if (bw_kind_path(path, sizeof(path), dir, dst, iface) == -1 ||
	    bw_log_open(path, &l) == -1) {
		saved = errno;
		free(buf);
		errno = saved;
		return -1;
	}
	if (tail_row(l.fd, ops->span, &last, &from) == -1)
		from = -1;
	end = buf + len;
	p = from >= 0 ? seek_ts(buf, end, from - 90000) : buf;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;		/* torn: a writer died mid-line */
		if ((ts = line_ts(p, nl)) < 0)
			continue;
		if ((rowlen = bw_line_json_num(p, nl, "len")) < 0)
			rowlen = 0;	/* none: a row that lasts no time */
		mid = ts + (int64_t)rowlen / 2;
		if (mid < from)
			continue;	/* rolled before */
		if (period_of(ops->hourly, mid, &ps, &pn) == -1)
			goto out;
		/* Rows come in order; the rare one that does not joins. */
		if (ps < cur) {
			ps = cur;
			pn = cend;
		}
		if (ps < from)
			ps = from;
		if (pn > to)
			break;		/* that period is not over */
		if (ps != cur) {
			if (cur >= 0 && ops->count(ops->set) > 0) {
				if (ops->emit(ops->set, cur, (int)(cend - cur),
				    &out, &olen, &ocap) == -1)
					goto out;
				(*periods)++;
			}
			cur = ps;
			cend = pn;
		}
		if (ops->add(ops->set, p, (size_t)(nl - p)) == -1)
			goto out;
	}
	if (cur >= 0 && ops->count(ops->set) > 0) {
		if (ops->emit(ops->set, cur, (int)(cend - cur), &out, &olen,
		    &ocap) == -1)
			goto out;
		(*periods)++;
	}
	if (olen > 0)
		rv = bw_log_write(&l, out, olen);
	else {
		/* Nothing ended yet: leave no empty file behind. */
		if (l.created)
			(void)unlink(path);
		rv = 0;
	}
out:
	saved = errno;
	bw_log_close(&l);
	ops->clear(ops->set);
	free(buf);
	free(out);
	errno = saved;
	return rv;
}

/* The owner rows' part of a catch-up: an owner set, folded to top. */
struct owner_rollup {
	struct bw_owners	s;
	size_t			top;
};

static int
owner_rollup_add(void *arg, const char *line, size_t len)
{
	struct owner_rollup	*r = arg;
	struct bw_owner		 o;
	int			 rv;

	if (bw_owner_parse(line, len, &o) == -1)
		return 1;	/* not a row: skipped */
	rv = bw_owners_add(&r->s, &o);
	bw_owner_clear(&o);
	return rv;
}

static size_t
owner_rollup_count(const void *arg)
{
	const struct owner_rollup	*r = arg;

	return r->s.n;
}

static int
owner_rollup_emit(void *arg, int64_t start, int len, char **out,
    size_t *olen, size_t *ocap)
{
	struct owner_rollup	*r = arg;

	return rollup_lines(&r->s, start, start + len, r->top, out, olen,
	    ocap);
}

static void
owner_rollup_clear(void *arg)
{
	struct owner_rollup	*r = arg;

	bw_owners_free(&r->s);
}

/* bw_rows_catchup() of the owner history (dst BW_OWNERS_HOURLY or _DAILY). */
int
bw_owners_catchup(const char *dir, const char *iface, enum bw_kind src,
    enum bw_kind dst, int64_t to, size_t top, size_t *periods)
{
	struct owner_rollup	r;
	struct bw_rowops	ops;

	bw_owners_init(&r.s);
	r.top = top;
	memset(&ops, 0, sizeof(ops));
	ops.set = &r;
	ops.hourly = dst == BW_OWNERS_HOURLY;
	ops.span = owner_span;
	ops.add = owner_rollup_add;
	ops.count = owner_rollup_count;
	ops.emit = owner_rollup_emit;
	ops.clear = owner_rollup_clear;
	return bw_rows_catchup(dir, iface, src, dst, to, &ops, periods);
}

/*
 * Trim each tier of iface to its age (days, or retention_days + extra
 * when days is 0), counted back from its newest row rather than from
 * the clock, so a clock set years ahead trims nothing that is real.
 * span says what a row is.  0, or -1 with errno for the first that
 * failed.
 */
int
bw_tiers_trim(const char *dir, const char *iface, double now,
    int retention_days, const struct bw_tier_keep *tiers, size_t ntiers,
    bw_row_span_fn span)
{
	char	path[4096];
	int64_t	first, last;
	double	newest, keep;
	size_t	i;
	int	fd, rv = 0, saved = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (i = 0; i < ntiers; i++) {
		if (tier_span(fd, tiers[i].k, iface, span, &first,
		    &last) == -1)
			continue;
		newest = (double)last < now ? (double)last : now;
		keep = (double)(tiers[i].days > 0 ? tiers[i].days :
		    retention_days + tiers[i].extra) * 86400;
		if (bw_kind_path(path, sizeof(path), dir, tiers[i].k,
		    iface) == -1 || bw_log_trim(path, bw_line_json_ts,
		    newest - keep, 0, NULL) == -1) {
			if (rv == 0)
				saved = errno;
			rv = -1;
		}
	}
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * The owner history's tiers, and the command lines (they are written
 * again every week while in use).
 */
int
bw_owners_trim(const char *dir, const char *iface, double now,
    int retention_days)
{
	static const struct bw_tier_keep	tiers[] = {
		{ BW_OWNERS, BW_OWNERS_KEEP_FULL, 0 },
		{ BW_OWNERS_HOURLY, BW_OWNERS_KEEP_HOURLY, 0 },
		{ BW_OWNERS_DAILY, 0, 0 },
		{ BW_CMDLINES, 0, 8 },
	};

	return bw_tiers_trim(dir, iface, now, retention_days, tiers,
	    sizeof(tiers) / sizeof(tiers[0]), owner_span);
}

/* ---- command lines ---- */

/* The id of a command line: 16 hex digits of its FNV-1a hash. */
void
bw_cmd_id(const char *cmd, char *id)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *cmd != '\0'; cmd++) {
		h ^= (unsigned char)*cmd;
		h *= 1099511628211ULL;
	}
	(void)snprintf(id, BW_CMDID_LEN + 1, "%016llx", (unsigned long long)h);
}

/* Record a command line under its id, at ts, in the file at path. */
int
bw_cmdlines_append(const char *path, const char *id, const char *cmd,
    int64_t ts)
{
	json_t	*o;
	char	*buf, *fixed;
	size_t	 n;
	int	 rv, saved;

	if ((fixed = malloc(3 * strlen(cmd) + 1)) == NULL)
		return -1;
	utf8_fix(cmd, fixed);
	o = json_pack("{s:I, s:s, s:s}", "ts", (json_int_t)ts, "id", id,
	    "cmd", fixed);
	free(fixed);
	if (o == NULL || (n = json_dumpb(o, NULL, 0, JSON_COMPACT)) == 0 ||
	    (buf = malloc(n + 1)) == NULL) {
		json_decref(o);
		errno = ENOMEM;
		return -1;
	}
	(void)json_dumpb(o, buf, n, JSON_COMPACT);
	json_decref(o);
	buf[n] = '\n';
	rv = bw_log_append(path, buf, n + 1);
	saved = errno;
	free(buf);
	errno = saved;
	return rv;
}

/*
 * The command line recorded under id for iface, into out.  -1 with
 * ENOENT when there is none.
 */
int
bw_cmdlines_lookup(int dirfd, const char *iface, const char *id, char *out,
    size_t size)
{
	char		*buf, pat[BW_CMDID_LEN + 8];
	const char	*p, *end, *nl;
	size_t		 len;
	json_t		*j;
	int		 found = 0;

	if (read_tier(dirfd, BW_CMDLINES, iface, &buf, &len) == -1)
		return -1;
	(void)snprintf(pat, sizeof(pat), "\"%s\"", id);
	end = buf + len;
	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if (memmem(p, (size_t)(nl - p), pat, strlen(pat)) == NULL ||
		    (j = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL)
			continue;
		if (json_is_string(json_object_get(j, "id")) &&
		    strcmp(json_string_value(json_object_get(j, "id")),
		    id) == 0 && json_is_string(json_object_get(j, "cmd"))) {
			(void)snprintf(out, size, "%s",
			    json_string_value(json_object_get(j, "cmd")));
			found = 1;
		}
		json_decref(j);
	}
	free(buf);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/*
 * Fill the command lines of t's rows from cmdlines_<iface>.jsonl, in
 * one pass over it.  Rows whose id it does not hold keep "".
 */
int
bw_top_cmdlines(int dirfd, const char *iface, struct bw_top *t)
{
	char		*buf;
	const char	*p, *end, *nl, *id;
	size_t		 len, i;
	json_t		*j;

	for (i = 0; i < t->n; i++)
		t->v[i].cmdline[0] = '\0';
	if (read_tier(dirfd, BW_CMDLINES, iface, &buf, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	end = buf + len;
	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((id = memmem(p, (size_t)(nl - p), "\"id\":\"", 6)) ==
		    NULL || nl - id < 6 + BW_CMDID_LEN)
			continue;
		id += 6;
		for (i = 0; i < t->n; i++)
			if (t->v[i].cmd[0] != '\0' &&
			    memcmp(t->v[i].cmd, id, BW_CMDID_LEN) == 0)
				break;
		if (i == t->n ||
		    (j = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL)
			continue;
		if (json_is_string(json_object_get(j, "cmd")) &&
		    json_is_string(json_object_get(j, "id")) &&
		    strcmp(json_string_value(json_object_get(j, "id")),
		    t->v[i].cmd) == 0)
			for (i = 0; i < t->n; i++)
				if (strcmp(t->v[i].cmd, json_string_value(
				    json_object_get(j, "id"))) == 0)
					(void)snprintf(t->v[i].cmdline,
					    sizeof(t->v[i].cmdline), "%s",
					    json_string_value(json_object_get(j,
					    "cmd")));
		json_decref(j);
	}
	free(buf);
	return 0;
}
