/*
 * Readers of bwprocs' procs_<iface>.json and live_<iface>.json.  The
 * files come from another program, maybe another version of it, maybe a
 * half-broken disk: nothing in them is trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "datadir.h"
#include "eventlog.h"
#include "fileio.h"
#include "procs.h"

/* Fill e, cutting what does not fit; file may be NULL. */
static void
set_error(struct bw_error *e, const char *file, int line, const char *text)
{
	if (e == NULL)
		return;
	if (snprintf(e->file, sizeof(e->file), "%s",
	    file != NULL ? file : "") < 0)
		e->file[0] = '\0';
	e->line = line;
	if (snprintf(e->text, sizeof(e->text), "%s", text) < 0)
		e->text[0] = '\0';
}

/* Length of the UTF-8 sequence starting with byte c (jansson checked it). */
static size_t
u8len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/*
 * A code point that must not reach a terminal or a page as it is: C0 and
 * C1 controls and DEL; the bidirectional marks, embeddings, overrides
 * and isolates that make text read otherwise than it is (U+061C,
 * U+200E-F, U+202A-E, U+2066-9); the line and paragraph separators that
 * break a line where no newline shows (U+2028-9); and the invisible
 * format characters that hide text or make two names look alike
 * (U+180E, U+200B-D, U+2060-4, U+206A-F, U+FEFF, U+FFF9-B).
 */
static int
unsafe(const unsigned char *p, size_t n)
{
	unsigned long	cp;

	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f || p[0] >= 0x80;
	if (n == 2)
		cp = (unsigned long)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	else if (n == 3)
		cp = (unsigned long)(p[0] & 0x0f) << 12 |
		    (unsigned long)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	else
		return 0;
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/*
 * Copy the UTF-8 text src[0..len) into dst (size bytes, NUL-terminated),
 * cut at a character boundary to fit, unsafe characters replaced by '?'
 * and stopping at a NUL.  src must be valid UTF-8, as jansson makes its
 * strings.  The length copied.
 */
size_t
bw_str_clean(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 out = 0, n, i;

	if (size == 0)
		return 0;
	for (i = 0; i < len && p[i] != '\0'; i += n) {
		n = u8len(p[i]);
		if (i + n > len)
			break;
		if (unsafe(p + i, n)) {
			if (out + 1 >= size)
				break;
			dst[out++] = '?';
			continue;
		}
		if (out + n >= size)
			break;
		memcpy(dst + out, p + i, n);
		out += n;
	}
	dst[out] = '\0';
	return out;
}

/*
 * Copy the string at key k of o into dst with bw_str_clean(); 1 when it
 * is a string, else 0 with dst "".  The readers of every JSON file
 * lib/ reads untrusted share these (procs.h).
 */
int
bw_json_str(const json_t *o, const char *k, char *dst, size_t size)
{
	const json_t	*v = json_object_get(o, k);

	dst[0] = '\0';
	if (!json_is_string(v))
		return 0;
	(void)bw_str_clean(dst, size, json_string_value(v),
	    json_string_length(v));
	return 1;
}

/* A count (a whole number no less than 0) at k: 0 and *out, or -1. */
int
bw_json_count(const json_t *o, const char *k, uint64_t *out)
{
	const json_t	*v = json_object_get(o, k);

	*out = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A whole number in [min, max] at key k, else def. */
static long long
get_int(const json_t *o, const char *k, long long min, long long max,
    long long def)
{
	const json_t	*v = json_object_get(o, k);
	double		 d;
	long long	 x;

	if (json_is_integer(v)) {
		x = json_integer_value(v);
		return x >= min && x <= max ? x : def;
	}
	if (!json_is_real(v))
		return def;
	d = json_real_value(v);
	if (!isfinite(d) || d != floor(d) || d < (double)min ||
	    d > (double)max)
		return def;
	return (long long)d;
}

/* A byte count at key k: 0 and *out, or -1 when absent or not a count. */
static int
get_bytes(const json_t *o, const char *k, uint64_t *out)
{
	const json_t	*v = json_object_get(o, k);
	double		 d;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -1;
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!isfinite(d) || d < 0 || d >= 1.8e19)
		return -1;
	*out = (uint64_t)floor(d + 0.5);
	return 0;
}

/* A rate: a number from 0 to BW_RATE_MAX; else NAN. */
static double
get_rate(const json_t *o, const char *k)
{
	double	d = bw_json_num(o, k);

	return isnan(d) || d < 0 || d > BW_RATE_MAX ? NAN : d;
}

static void
get_iface(const json_t *o, char *dst)
{
	char	buf[64];

	(void)bw_json_str(o, "iface", buf, sizeof(buf));
	if (bw_ifname_valid(buf))
		(void)strcpy(dst, buf);
	else
		dst[0] = '\0';
}

/* Both byte counts of a row or file into tx, rx and the has bits. */
static void
get_pair(const json_t *o, uint64_t *tx, uint64_t *rx, unsigned *has,
    int *both)
{
	if (get_bytes(o, "tx_bytes", tx) == 0)
		*has |= BW_HAS_TX_BYTES;
	else
		*tx = 0;
	if (get_bytes(o, "rx_bytes", rx) == 0)
		*has |= BW_HAS_RX_BYTES;
	else
		*rx = 0;
	*both = (*has & (BW_HAS_TX_BYTES | BW_HAS_RX_BYTES)) ==
	    (BW_HAS_TX_BYTES | BW_HAS_RX_BYTES);
}

/* A pid in range at key k: 1 and *pid, else 0 with *pid 0. */
static int
get_pid(const json_t *o, const char *k, long *pid)
{
	long long	x = get_int(o, k, 0, 0x7fffffff, -1);

	*pid = x < 0 ? 0 : (long)x;
	return x >= 0;
}

/* bw_json_str(), and bit set in *has when the string is there. */
static void
has_str(const json_t *o, const char *k, char *dst, size_t size,
    unsigned *has, unsigned bit)
{
	if (bw_json_str(o, k, dst, size))
		*has |= bit;
}

static void
parse_proc(const json_t *o, void *row)
{
	struct bw_proc	*p = row;
	char		 kind[32];

	memset(p, 0, sizeof(*p));
	(void)bw_json_str(o, "kind", kind, sizeof(kind));
	if (get_pid(o, "pid", &p->pid))
		p->has |= BW_HAS_PID;
	/* No "kind" (version 1): a row is a process when it has a pid. */
	if (strcmp(kind, "unattributed") == 0 ||
	    (strcmp(kind, "process") != 0 && p->pid == 0))
		p->kind = BW_PROC_UNATTRIBUTED;
	else
		p->kind = BW_PROC_PROCESS;
	if (p->kind == BW_PROC_UNATTRIBUTED)
		p->pid = 0;
	p->uid = get_int(o, "uid", 0, 0xfffffffeLL, -1);
	has_str(o, "name", p->name, sizeof(p->name), &p->has, BW_HAS_NAME);
	has_str(o, "user", p->user, sizeof(p->user), &p->has, BW_HAS_USER);
	has_str(o, "exe", p->exe, sizeof(p->exe), &p->has, BW_HAS_EXE);
	has_str(o, "cmdline", p->cmdline, sizeof(p->cmdline), &p->has,
	    BW_HAS_CMDLINE);
	has_str(o, "container", p->container, sizeof(p->container), &p->has,
	    BW_HAS_CONTAINER);
	p->tx_bps = get_rate(o, "tx_bps");
	p->rx_bps = get_rate(o, "rx_bps");
	get_pair(o, &p->tx_bytes, &p->rx_bytes, &p->has, &p->has_bytes);
	p->connections = (long)get_int(o, "connections", 0, 0x7fffffff, -1);
	p->last_seen = bw_json_num(o, "last_seen");
}

static void
parse_conn(const json_t *o, void *row)
{
	struct bw_conn	*c = row;

	memset(c, 0, sizeof(*c));
	has_str(o, "proto", c->proto, sizeof(c->proto), &c->has,
	    BW_HAS_PROTO);
	has_str(o, "local", c->local, sizeof(c->local), &c->has,
	    BW_HAS_LOCAL);
	has_str(o, "remote", c->remote, sizeof(c->remote), &c->has,
	    BW_HAS_REMOTE);
	if (get_pid(o, "pid", &c->pid))
		c->has |= BW_HAS_PID;
	has_str(o, "name", c->name, sizeof(c->name), &c->has, BW_HAS_NAME);
	c->tx_bps = get_rate(o, "tx_bps");
	c->rx_bps = get_rate(o, "rx_bps");
	get_pair(o, &c->tx_bytes, &c->rx_bytes, &c->has, &c->has_bytes);
}

/*
 * Load a JSON object from buf, with its "ts" into *ts; NULL with e
 * filled.  A file without a "ts" number is refused: its age, and so
 * whether to believe it, is unknown.
 */
static json_t *
load(const char *buf, size_t len, double *ts, struct bw_error *e)
{
	json_error_t	 jerr;
	json_t		*root;
	char		 text[256];

	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		if (snprintf(text, sizeof(text), "column %d: %s",
		    jerr.column, jerr.text) < 0)
			text[0] = '\0';
		set_error(e, NULL, jerr.line, text);
		errno = EBADMSG;
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		set_error(e, NULL, 1, "not a JSON object");
		errno = EBADMSG;
		return NULL;
	}
	*ts = bw_json_num(root, "ts");
	if (isnan(*ts) || *ts < 0) {
		json_decref(root);
		set_error(e, NULL, 0, "no \"ts\" time stamp");
		errno = EBADMSG;
		return NULL;
	}
	return root;
}

/*
 * The rows of array a, up to BW_PROCS_MAXROWS, each an object that
 * parse() reads into a row of size bytes: into *rows (NULL for none),
 * *n of them; entries that are no object count in *bad.  -1 when there
 * is no memory.
 */
static int
parse_rows(const json_t *a, size_t size, void (*parse)(const json_t *,
    void *), void **rows, size_t *n, size_t *bad)
{
	size_t	 i, max = json_array_size(a);
	char	*v = NULL;

	*rows = NULL;
	if (max > BW_PROCS_MAXROWS)
		max = BW_PROCS_MAXROWS;
	if (max > 0 && (v = calloc(max, size)) == NULL)
		return -1;
	for (i = 0; i < max; i++) {
		if (json_is_object(json_array_get(a, i)))
			parse(json_array_get(a, i), v + (*n)++ * size);
		else
			(*bad)++;
	}
	*rows = v;
	return 0;
}

/*
 * Parse the text of a procs file into p, which the caller frees with
 * bw_procs_free() after a success.  -1 with errno EBADMSG and e filled
 * when the text is not a procs file (see load()); ENOMEM.
 */
int
bw_procs_parse(const char *buf, size_t len, struct bw_procs *p,
    struct bw_error *e)
{
	json_t		*root, *a, *cap, *own;
	void		*rows;

	memset(p, 0, sizeof(*p));
	if ((root = load(buf, len, &p->ts, e)) == NULL)
		return -1;
	p->version = (int)get_int(root, "version", 1, 1000000, 1);
	get_iface(root, p->iface);
	p->interval = bw_json_num(root, "interval_seconds");
	if (!(p->interval > 0))
		p->interval = NAN;
	p->started = bw_json_num(root, "started");
	p->rx_bps = get_rate(root, "rx_bps");
	p->tx_bps = get_rate(root, "tx_bps");
	get_pair(root, &p->tx_bytes, &p->rx_bytes, &p->has, &p->has_bytes);
	p->coverage = bw_json_num(root, "coverage");
	if (p->coverage < 0 || p->coverage > 1)
		p->coverage = NAN;
	cap = json_object_get(root, "capture");
	if (json_is_object(cap)) {
		p->has |= BW_HAS_CAPTURE;
		if (get_bytes(cap, "packets", &p->packets) == 0)
			p->has |= BW_HAS_PACKETS;
		else
			p->packets = 0;
		if (get_bytes(cap, "drops", &p->drops) == 0)
			p->has |= BW_HAS_DROPS;
		else
			p->drops = 0;
		if (get_bytes(cap, "drops_interval", &p->drops_interval) == 0)
			p->has |= BW_HAS_DROPS_INTERVAL;
		else
			p->drops_interval = 0;
		p->has_capture = (p->has & (BW_HAS_PACKETS | BW_HAS_DROPS)) ==
		    (BW_HAS_PACKETS | BW_HAS_DROPS);
	}
	own = json_object_get(root, "owners");
	if (json_is_object(own) && bw_json_str(own, "source", p->owners_source,
	    sizeof(p->owners_source))) {
		p->has |= BW_HAS_OWNERS;
		(void)bw_json_str(own, "reason", p->owners_reason,
		    sizeof(p->owners_reason));
	}

	a = json_object_get(root, "processes");
	if (json_is_array(a)) {
		if (parse_rows(a, sizeof(*p->procs), parse_proc, &rows,
		    &p->nprocs, &p->bad) == -1)
			goto fail;
		p->procs = rows;
	}
	a = json_object_get(root, "connections");
	if (json_is_array(a)) {
		p->has_conns = 1;
		if (parse_rows(a, sizeof(*p->conns), parse_conn, &rows,
		    &p->nconns, &p->bad) == -1)
			goto fail;
		p->conns = rows;
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	bw_procs_free(p);
	set_error(e, NULL, 0, strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

/*
 * Read the whole regular file name (relative to dirfd) of at most max
 * bytes; -1 with errno and e filled (e->file = name).
 */
static int
read_at(int dirfd, const char *name, size_t max, char **bufp, size_t *lenp,
    struct bw_error *e)
{
	int	fd, rv, saved;

	if ((fd = bw_data_open(dirfd, name)) == -1)
		rv = -1;
	else {
		rv = bw_read_fd(fd, max, bufp, lenp);
		saved = errno;
		(void)close(fd);
		errno = saved;
	}
	if (rv == -1) {
		saved = errno;
		set_error(e, name, 0, strerror(saved));
		errno = saved;
	}
	return rv;
}

/* Name the file in e after a parse error. */
static void
error_file(struct bw_error *e, const char *name)
{
	if (e != NULL && snprintf(e->file, sizeof(e->file), "%s", name) < 0)
		e->file[0] = '\0';
}

/* Zero a procs (or, live, a live) document, so that it can be freed. */
static void
doc_clear(void *out, int live)
{
	memset(out, 0, live ? sizeof(struct bw_live) :
	    sizeof(struct bw_procs));
}

/*
 * Read a procs (or, live, a live) file named name relative to dirfd
 * into out, zeroed first so that it can be freed whatever happens; -1
 * with errno and e filled (e->file = name): EBADMSG when it does not
 * parse, EINVAL when it is not a regular file, else why it could not be
 * read.
 */
static int
read_doc(int dirfd, const char *name, int live, void *out,
    struct bw_error *e)
{
	char	*buf;
	size_t	 len;
	int	 rv, saved;

	doc_clear(out, live);
	if (read_at(dirfd, name, live ? BW_LIVE_FILEMAX : BW_PROCS_FILEMAX,
	    &buf, &len, e) == -1)
		return -1;
	rv = live ? bw_live_parse(buf, len, out, e) :
	    bw_procs_parse(buf, len, out, e);
	saved = errno;
	free(buf);
	if (rv == -1)
		error_file(e, name);
	errno = saved;
	return rv;
}

/* The same for the file of a kind of iface. */
static int
load_doc(int dirfd, const char *iface, int live, void *out,
    struct bw_error *e)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), live ? BW_LIVE : BW_PROCS,
	    iface) == -1) {
		doc_clear(out, live);
		set_error(e, iface, 0, strerror(errno));
		return -1;
	}
	return read_doc(dirfd, name, live, out, e);
}

/* Read a procs file by path (see read_doc()). */
int
bw_procs_read(const char *path, struct bw_procs *p, struct bw_error *e)
{
	return read_doc(AT_FDCWD, path, 0, p, e);
}

/* The procs file of iface in the data directory open on dirfd. */
int
bw_procs_load(int dirfd, const char *iface, struct bw_procs *p,
    struct bw_error *e)
{
	return load_doc(dirfd, iface, 0, p, e);
}

void
bw_procs_free(struct bw_procs *p)
{
	free(p->procs);
	free(p->conns);
	p->procs = NULL;
	p->conns = NULL;
	p->nprocs = p->nconns = 0;
}

/*
 * Whether the writer of a file it rewrites every interval seconds
 * stopped: the file, written at ts, is older than BW_PROCS_STALE
 * intervals at now, and than BW_PROCS_STALE seconds.  An interval the
 * file does not say (NAN, or not above 0) or says above BW_INTERVAL_MAX
 * is dflt: a file must not be believed fresh for days.  The one rule
 * for bwprocs' files (procs, live, hosts) in every reader.
 */
int
bw_stale(double ts, double interval, double dflt, double now)
{
	double	iv = interval > 0 && interval <= BW_INTERVAL_MAX ? interval :
		    dflt;
	double	lim = BW_PROCS_STALE * iv;

	return now - ts > (lim > BW_PROCS_STALE ? lim : BW_PROCS_STALE);
}

/* Whether bwprocs stopped writing its procs file (bw_stale()). */
int
bw_procs_stale(const struct bw_procs *p, double now)
{
	return bw_stale(p->ts, p->interval, BW_PROCS_INTERVAL, now);
}

/*
 * The seconds between procs files, as the file says, or bwprocs' default
 * when it does not say or says more than BW_INTERVAL_MAX: a file must
 * not be believed fresh for days.
 */
double
bw_procs_interval(const struct bw_procs *p)
{
	return p->interval > 0 && p->interval <= BW_INTERVAL_MAX ?
	    p->interval : BW_PROCS_INTERVAL;
}

/*
 * Whether bwprocs runs for iface, from its procs file in the directory
 * open on dirfd: BW_BWPROCS_RUNNING, _STALE (the file stopped changing;
 * *age, when not NULL, gets how long ago it was written), _ABSENT (no
 * file) or _BAD (a file that cannot be read or parsed).
 */
enum bw_bwprocs
bw_procs_status(int dirfd, const char *iface, double now, double *age)
{
	struct bw_procs	p;
	enum bw_bwprocs	st;

	if (bw_procs_load(dirfd, iface, &p, NULL) == -1)
		return errno == ENOENT ? BW_BWPROCS_ABSENT : BW_BWPROCS_BAD;
	if (age != NULL)
		*age = now - p.ts;
	st = bw_procs_stale(&p, now) ? BW_BWPROCS_STALE : BW_BWPROCS_RUNNING;
	bw_procs_free(&p);
	return st;
}

/*
 * Parse the text of a live file (-1 and EBADMSG as for procs).  Samples
 * that are not [ts, rx, tx] with finite numbers, not negative, rates up
 * to BW_RATE_MAX, are skipped and counted; only those among the newest
 * BW_LIVE_MAXSAMPLES entries are kept.  An interval that is absent, not
 * above 0 or above BW_INTERVAL_MAX reads as bwprocs' 1 second.
 */
int
bw_live_parse(const char *buf, size_t len, struct bw_live *l,
    struct bw_error *e)
{
	json_t		*root, *a, *s;
	size_t		 i, n, first = 0;
	double		 v[3];
	int		 j, good;

	memset(l, 0, sizeof(*l));
	if ((root = load(buf, len, &l->ts, e)) == NULL)
		return -1;
	get_iface(root, l->iface);
	l->interval = bw_json_num(root, "interval_seconds");
	if (!(l->interval > 0 && l->interval <= BW_INTERVAL_MAX))
		l->interval = BW_LIVE_INTERVAL;
	a = json_object_get(root, "samples");
	n = json_is_array(a) ? json_array_size(a) : 0;
	l->nentries = n;
	if (n > BW_LIVE_MAXSAMPLES)
		first = n - BW_LIVE_MAXSAMPLES;
	for (i = first; i < n; i++) {
		s = json_array_get(a, i);
		good = json_is_array(s) && json_array_size(s) == 3;
		for (j = 0; good && j < 3; j++) {
			if (!json_is_number(json_array_get(s, (size_t)j)))
				good = 0;
			else
				v[j] = json_number_value(json_array_get(s,
				    (size_t)j));
			if (good && (!isfinite(v[j]) || v[j] < 0 ||
			    (j > 0 && v[j] > BW_RATE_MAX)))
				good = 0;
		}
		if (!good) {
			l->bad++;
			continue;
		}
		l->samples[l->nsamples].ts = v[0];
		l->samples[l->nsamples].rx_bps = v[1];
		l->samples[l->nsamples].tx_bps = v[2];
		l->samples[l->nsamples].entry = i;
		l->nsamples++;
	}
	json_decref(root);
	return 0;
}

/* Read a live file by path; -1 with errno and e filled (e->file = path). */
int
bw_live_read(const char *path, struct bw_live *l, struct bw_error *e)
{
	return read_doc(AT_FDCWD, path, 1, l, e);
}

/* The live file of iface in the data directory open on dirfd. */
int
bw_live_load(int dirfd, const char *iface, struct bw_live *l,
    struct bw_error *e)
{
	return load_doc(dirfd, iface, 1, l, e);
}

/* Whether bwprocs stopped writing its live file (bw_stale()). */
int
bw_live_stale(const struct bw_live *l, double now)
{
	return bw_stale(l->ts, l->interval, BW_LIVE_INTERVAL, now);
}
