/*
 * The code every bwmon CGI shares (linked into each cgi/NAME.cgi).
 *
 * Requests are untrusted (STYLE.md section 6, RFC 3875): only GET and
 * HEAD; QUERY_STRING at most CGI_QUERY_MAX bytes of printable ASCII,
 * never percent-decoded (so "%2e%2e" fails validation as it stands),
 * with "%00" and malformed escapes refused; only an endpoint's known keys
 * are looked at, each at most once; unknown keys are ignored.  Files are
 * opened relative to the data directory, with O_NOFOLLOW, and must be
 * regular files: a symlink planted there is refused, never followed.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cgi.h"
#include "conf.h"
#include "datadir.h"
#include "eventlog.h"
#include "fileio.h"
#include "histjson.h"
#include "history.h"
#include "hosts.h"
#include "procs.h"
#include "util.h"

#define START_HINT	"bwcollect writes bw_<iface>.csv every 5 minutes " \
			"from cron (its first run only primes the counters)"

/*
 * The memory the JSON of one request may take.  Every document a CGI
 * parses (a procs or live file, each line of a log, the records it
 * keeps) or builds goes through jansson, which allocates through
 * budget_alloc() once cgi_init() has run: a file whose JSON would take
 * more is refused with a 500 instead of being read into hundreds of
 * megabytes (a 50 MB line of a spike log took 1 GB).  A budget, not a
 * cap on bytes: the memory a JSON text takes varies tenfold with its
 * shape.
 */
#define JSON_BUDGET_MB	64
#define JSON_BUDGET	((size_t)JSON_BUDGET_MB << 20)
#define STR(x)		STR1(x)
#define STR1(x)		#x

static size_t	json_held;	/* bytes jansson holds */
static int	json_refused;	/* an allocation would have passed it */

union budget_hdr {
	size_t		size;
	max_align_t	align;
};

/*
 * jansson makes many small blocks (a number is 24 bytes), so what a
 * block costs is counted: its usable size and malloc's own header.
 */
static void *
budget_alloc(size_t size)
{
	union budget_hdr	*h;
	size_t			 cost;

	if (size > JSON_BUDGET - json_held) {
		json_refused = 1;
		return NULL;
	}
	if ((h = malloc(sizeof(*h) + size)) == NULL)
		return NULL;
	cost = malloc_usable_size(h) + sizeof(size_t);
	if (cost > JSON_BUDGET - json_held) {
		free(h);
		json_refused = 1;
		return NULL;
	}
	h->size = cost;
	json_held += cost;
	return h + 1;
}

static void
budget_free(void *p)
{
	union budget_hdr	*h;

	if (p == NULL)
		return;
	h = (union budget_hdr *)p - 1;
	json_held -= h->size;
	free(h);
}

void
cgi_log(const char *fmt, ...)
{
	va_list	ap;

	(void)fprintf(stderr, "bwmon %s: ", program_invocation_short_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	default:
		return "Internal Server Error";
	}
}

/*
 * Answer the request and exit.  The body is built whole before anything
 * is written, so a HEAD gets the Content-Length a GET would.
 */
void
cgi_send(struct cgi *c, int status, enum cgi_cache cache, const char *ctype,
    const char *body, size_t len)
{
	char	hdr[512];
	int	n;

	n = snprintf(hdr, sizeof(hdr),
	    "Status: %d %s\n"
	    "Content-Type: %s\n"
	    "Cache-Control: %s\n"
	    "X-Content-Type-Options: nosniff\n"
	    "%s"
	    "Content-Length: %zu\n"
	    "\n",
	    status, reason(status), ctype,
	    cache == CGI_SHORT ? "max-age=60" : "no-store",
	    status == 405 ? "Allow: GET, HEAD\n" : "", len);
	if (n < 0 || (size_t)n >= sizeof(hdr))
		exit(1);
	if (bw_write_all(STDOUT_FILENO, hdr, (size_t)n) == -1 ||
	    (!c->head && len > 0 &&
	    bw_write_all(STDOUT_FILENO, body, len) == -1)) {
		cgi_log("writing the response: %s", strerror(errno));
		exit(1);
	}
	exit(0);
}

static void __attribute__((noreturn))
send_text500(struct cgi *c, const char *what)
{
	static const char	body[] = "{\"error\":\"out of memory\"}\n";
	static const char	big[] = "{\"error\":\"the answer is too large: "
				    "its JSON needs more than "
				    STR(JSON_BUDGET_MB) " MB\"}\n";

	cgi_log("%s: %s", what, json_refused ? "past the JSON budget" :
	    "out of memory");
	if (json_refused)
		cgi_send(c, 500, CGI_NOSTORE, "application/json", big,
		    sizeof(big) - 1);
	cgi_send(c, 500, CGI_NOSTORE, "application/json", body,
	    sizeof(body) - 1);
}

void
cgi_send_json(struct cgi *c, int status, enum cgi_cache cache, json_t *doc)
{
	char	*buf;
	size_t	 len;

	if (doc == NULL)
		send_text500(c, "building the response");
	len = json_dumpb(doc, NULL, 0, BW_JSON_DUMPFLAGS);
	if (len == 0 || (buf = malloc(len + 1)) == NULL)
		send_text500(c, "rendering the response");
	if (json_dumpb(doc, buf, len, BW_JSON_DUMPFLAGS) != len)
		send_text500(c, "rendering the response");
	json_decref(doc);
	buf[len++] = '\n';
	cgi_send(c, status, cache, "application/json", buf, len);
}

/*
 * Answer with an error: {"error": "...", "hint": "..."}.  Messages never
 * quote the request: details go to stderr, which fcgiwrap hands to the
 * web server's error log.
 */
void
cgi_fail(struct cgi *c, int status, const char *hint, const char *fmt, ...)
{
	char	 msg[512];
	json_t	*doc;
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status >= 500)
		cgi_log("%s", msg);
	if (hint != NULL)
		doc = json_pack("{s:s, s:s}", "error", msg, "hint", hint);
	else
		doc = json_pack("{s:s}", "error", msg);
	cgi_send_json(c, status, CGI_NOSTORE, doc);
}

/* Make room for n more bytes and a NUL. */
void
cgi_buf_reserve(struct cgi_buf *b, size_t n)
{
	char	*np;
	size_t	 cap;

	if (b->len + n + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	if ((np = realloc(b->p, cap)) == NULL) {
		cgi_log("out of memory");
		exit(1);
	}
	b->p = np;
	b->cap = cap;
}

void
cgi_buf_add(struct cgi_buf *b, const char *s, size_t n)
{
	cgi_buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
cgi_buf_printf(struct cgi_buf *b, const char *fmt, ...)
{
	char	tmp[256], *big;
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		cgi_buf_add(b, tmp, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		cgi_log("out of memory");
		exit(1);
	}
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cgi_buf_add(b, big, (size_t)n);
	free(big);
}

static int
hexdigit(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

/* Put why a query is refused in why[size]; -1. */
static int __attribute__((format(printf, 3, 4)))
refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -1;
}

static int
key_index(const struct cgi *c, const char *k)
{
	int	i;

	for (i = 0; c->keys[i] != NULL; i++)
		if (strcmp(c->keys[i], k) == 0)
			return i;
	return -1;
}

/*
 * Split the query into the known keys' values, c->vals.  Policy: "&&"
 * and a trailing "&" are ignored; an unknown key is ignored with or
 * without a value; a known key without "=" or seen twice is refused (a
 * repeated key is ambiguous: proxies and frameworks disagree on which
 * one wins).  Returns 0, or -1 with why it is refused, the text of a
 * 400, in why[size].  Apart from cgi_init(), fuzzing calls it
 * (t/fuzz/query.c).
 */
int
cgi_parse_query(struct cgi *c, const char *qs, char *why, size_t size)
{
	char		*p, *next, *eq;
	size_t		 len, i;
	int		 k;

	len = strnlen(qs, CGI_QUERY_MAX + 1);
	if (len > CGI_QUERY_MAX)
		return refuse(why, size, "query string too long (at most %d "
		    "bytes)", CGI_QUERY_MAX);
	for (i = 0; i < len; i++) {
		if (qs[i] < 0x21 || qs[i] > 0x7e)
			return refuse(why, size, "bad byte in the query "
			    "string");
		if (qs[i] != '%')
			continue;
		if (i + 2 >= len || !hexdigit(qs[i + 1]) ||
		    !hexdigit(qs[i + 2]))
			return refuse(why, size, "malformed %%-escape in the "
			    "query string");
		if (qs[i + 1] == '0' && qs[i + 2] == '0')
			return refuse(why, size, "%%00 (NUL) in the query "
			    "string");
	}
	memcpy(c->query, qs, len + 1);
	for (p = c->query; p != NULL; p = next) {
		if ((next = strchr(p, '&')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		if ((k = key_index(c, p)) == -1)
			continue;
		if (eq == NULL)
			return refuse(why, size, "parameter %s needs a value",
			    c->keys[k]);
		if (c->vals[k] != NULL)
			return refuse(why, size, "repeated parameter: %s",
			    c->keys[k]);
		c->vals[k] = eq;
	}
	return 0;
}

static void
conf_warn(const struct bw_error *e)
{
	cgi_log("%s:%d: %s", e->file, e->line, e->text);
}

/*
 * The interfaces with data: a history, a bwcollect state, or bwprocs'
 * files, as regular files with a valid name (a symlink of that name is
 * not an interface).  Right after install only the state exists, and
 * bwcollect leaves lo to bwprocs.
 */
static void
list_ifaces(struct cgi *c)
{
	if (bw_ifaces_scan(c->dirfd, &c->ifs) == -1)
		cgi_fail(c, 500, NULL, "cannot list the data directory: %s",
		    strerror(errno));
}

/*
 * Check the method and the query, load the configuration and open the
 * data directory.  keys lists the endpoint's parameters.
 */
void
cgi_init(struct cgi *c, const char *const *keys)
{
	const char	*m, *qs, *path;
	char		 why[128];
	int		 i;

	/* Before anything is allocated through jansson. */
	json_set_alloc_funcs(budget_alloc, budget_free);
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	for (i = 0; keys[i] != NULL && i < CGI_MAXKEYS; i++)
		c->keys[i] = keys[i];
	c->keys[i] = NULL;
	c->now = bw_now();

	/* Run by hand (no REQUEST_METHOD), it behaves as for GET. */
	if ((m = getenv("REQUEST_METHOD")) == NULL || strcmp(m, "GET") == 0)
		c->head = 0;
	else if (strcmp(m, "HEAD") == 0)
		c->head = 1;
	else
		cgi_fail(c, 405, NULL, "method not allowed: use GET or HEAD");
	if ((qs = getenv("QUERY_STRING")) == NULL)
		qs = "";
	if (cgi_parse_query(c, qs, why, sizeof(why)) == -1)
		cgi_fail(c, 400, NULL, "%s", why);

	/* The rule of every program: a file BWMON_CONF names must be read. */
	if (bw_conf_read(&c->conf, NULL, conf_warn, &path) == -1) {
		cgi_log("config %s: %s", path, strerror(errno));
		cgi_fail(c, 500, "the web server's error log says why",
		    "cannot read the configuration file");
	}

	c->dir = bw_datadir(NULL);
	if ((c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		if (errno == ENOENT)
			cgi_fail(c, 404, "bwmon's setup.sh creates it and "
			    "bwcollect fills it", "no data directory");
		cgi_log("%s: %s", c->dir, strerror(errno));
		cgi_fail(c, 500, NULL, "cannot open the data directory");
	}
	list_ifaces(c);
}

/* A known key's value; NULL when absent or empty ("iface=" = default). */
const char *
cgi_param(const struct cgi *c, const char *key)
{
	int	k;

	if ((k = key_index(c, key)) == -1 || c->vals[k] == NULL ||
	    *c->vals[k] == '\0')
		return NULL;
	return c->vals[k];
}

/*
 * Set c->iface from the "iface" parameter, else the default interface
 * (bw_pick_iface(): the same rule as the other tools).  A malformed name
 * is a 400; a well-formed one without data a 404 that lists the
 * interfaces there are.
 */
void
cgi_iface(struct cgi *c)
{
	const char	*s = cgi_param(c, "iface"), *def;
	char		 list[440];	/* what fits cgi_fail()'s message */

	if (s == NULL) {
		if ((def = bw_pick_iface(c->dirfd, &c->ifs, &c->conf,
		    c->now)) == NULL)
			cgi_fail(c, 404, START_HINT,
			    "no interface has history yet");
		(void)strcpy(c->iface, def);
		return;
	}
	if (!bw_ifname_valid(s))
		cgi_fail(c, 400, NULL, "bad interface name");
	if (bw_ifaces_find(&c->ifs, s) != NULL) {
		(void)strcpy(c->iface, s);
		return;
	}
	if (c->ifs.n == 0)
		cgi_fail(c, 404, START_HINT, "no data for that interface "
		    "(no interface has any yet)");
	(void)bw_ifaces_list(&c->ifs, ~0u, list, sizeof(list));
	cgi_fail(c, 404, NULL, "no data for that interface (interfaces "
	    "with data: %s)", list);
}

/*
 * The "range" parameter (def when absent) in seconds, 0 for "all"; its
 * name in *name.
 */
int64_t
cgi_range(struct cgi *c, const char *def, const char **name)
{
	const char	*s = cgi_param(c, "range");
	int64_t		 secs;

	if (s == NULL)
		s = def;
	if (bw_range_parse(s, &secs) == -1)
		cgi_fail(c, 400, NULL,
		    "bad range: use 1h, 24h, 7d, 30d, 6m or all");
	*name = s;
	return secs;
}

/*
 * The range [from, to) as bwhistory sets it: the last secs seconds, or
 * for "all" from the first row's middle to just after the last row.  A
 * first row whose interval reaches back before the epoch (a damaged
 * file: 30 digits of interval) starts at its own time: its middle does
 * not fit an int64_t.
 */
void
cgi_hist_range(const struct cgi *c, const struct bw_hist *h, int64_t secs,
    int64_t *from, int64_t *to)
{
	int64_t	now = (int64_t)floor(c->now);
	double	mid;

	if (secs > 0) {
		*from = now - secs;
		*to = now;
	} else if (h != NULL && h->n > 0) {
		mid = bw_row_mid(&h->rows[0]);
		if (!(mid >= 0 && mid <= (double)h->rows[0].ts))
			mid = (double)h->rows[0].ts;
		*from = (int64_t)floor(mid);
		*to = h->rows[h->n - 1].ts + 1;
	} else
		*from = *to = now;
}

/*
 * The range [from, to) of event records: the last secs seconds, or for
 * "all" (0) every record whatever its time.
 */
void
cgi_event_range(const struct cgi *c, int64_t secs, double *from, double *to)
{
	double	now = floor(c->now);

	if (secs > 0) {
		*from = now - (double)secs;
		*to = now;
	} else {
		*from = -INFINITY;
		*to = INFINITY;
	}
}

/*
 * Open a file of the data directory for reading: never through a symlink
 * (ELOOP), and only a regular file (EINVAL otherwise; a planted FIFO
 * does not hang the open).
 */
int
cgi_open(const struct cgi *c, enum bw_kind k, const char *iface)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), k, iface) == -1)
		return -1;
	return bw_data_open(c->dirfd, name);
}

/*
 * Size and modification time of a regular file of the data directory;
 * -1 with ENOENT when absent, ELOOP or EINVAL when it is something else.
 */
int
cgi_stat(const struct cgi *c, enum bw_kind k, const char *iface,
    int64_t *size, int64_t *mtime)
{
	struct stat	st;
	char		name[64];

	if (bw_kind_file(name, sizeof(name), k, iface) == -1 ||
	    fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if (size != NULL)
		*size = (int64_t)st.st_size;
	if (mtime != NULL)
		*mtime = (int64_t)st.st_mtime;
	return 0;
}

static sigjmp_buf	bus_jmp;

static void
on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/*
 * Map bw_<iface>.csv and hand its text to fn; -1 with errno.  The file is
 * mapped rather than read: copying six months of rows into fresh memory
 * cost more than parsing them.  bwcollect replaces the file by rename,
 * which leaves a mapping intact; should something truncate it in place
 * while fn reads it, the SIGBUS that follows makes this fail with EIO
 * (fn's allocations are then left to the process's end).
 */
int
cgi_map_history(struct cgi *c, const char *iface,
    int (*fn)(const char *, size_t, void *), void *arg)
{
	struct sigaction	 sa, old;
	struct stat		 st;
	void			*text;
	size_t			 len;
	int			 fd, rv, saved;

	if ((fd = bw_hist_open(c->dirfd, iface)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	if ((uintmax_t)st.st_size > BW_HIST_MAX) {
		(void)close(fd);
		errno = EFBIG;
		return -1;
	}
	len = (size_t)st.st_size;
	if (len == 0) {
		(void)close(fd);
		return fn("", 0, arg);
	}
	text = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	saved = errno;
	(void)close(fd);
	if (text == MAP_FAILED) {
		errno = saved;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0) {
		rv = fn(text, len, arg);
		saved = errno;
	} else {
		rv = -1;
		saved = EIO;
	}
	(void)sigaction(SIGBUS, &old, NULL);
	(void)munmap(text, len);
	errno = saved;
	return rv;
}

static int
parse_cb(const char *text, size_t len, void *arg)
{
	return bw_hist_parse(text, len, arg);
}

/* Read and parse bw_<iface>.csv; -1 with errno. */
int
cgi_history(struct cgi *c, const char *iface, struct bw_hist *h)
{
	memset(h, 0, sizeof(*h));
	return cgi_map_history(c, iface, parse_cb, h);
}

/*
 * How many records of <prefix><iface>.jsonl have ts in [from, to) (and
 * "event" equal to event, unless NULL), counted as bwhistory counts them;
 * -1 when there is no such log, or it is not a regular file.
 */
long long
cgi_count_events(const struct cgi *c, enum bw_kind k, const char *event,
    int64_t from, int64_t to)
{
	struct bw_evcount	n;

	json_refused = 0;
	if (bw_events_count(c->dirfd, k, c->iface, event, from, to, &n) ==
	    -1) {
		if (errno == EINVAL)
			cgi_log("%s: the %s log of %s is not a regular file: "
			    "ignored", c->dir, bw_kind_name(k), c->iface);
		else if (errno != ENOENT)
			cgi_log("%s: the %s log of %s: %s", c->dir,
			    bw_kind_name(k), c->iface, strerror(errno));
		return -1;
	}
	if (json_refused)
		cgi_log("%s: the %s log of %s has records too large to read: "
		    "not counted", c->dir, bw_kind_name(k), c->iface);
	return (long long)n.n;
}

/*
 * Call fn for each record of a JSONL log of an interface (see
 * bw_jsonl_walk()).  -1 with errno when the log cannot be read: EFBIG
 * when it is larger than BW_EVENTS_MAX, or holds a record whose JSON
 * (or the records fn keeps) would pass the budget.
 */
int
cgi_jsonl(const struct cgi *c, enum bw_kind k, const char *iface,
    bw_jsonl_fn fn, void *arg, size_t *bad)
{
	json_refused = 0;
	if (bw_events_walk(c->dirfd, k, iface, fn, arg, bad) == -1)
		return -1;
	if (json_refused) {
		cgi_log("%s: the %s log of %s: its records need more than "
		    "%d MB as JSON", c->dir, bw_kind_name(k), iface,
		    JSON_BUDGET_MB);
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/*
 * A file of bwprocs could not be loaded: log why it is no valid file,
 * and make a parse that would have passed the JSON budget an EFBIG.
 * -1 with errno.
 */
static int
load_fail(const struct cgi *c, const struct bw_error *e)
{
	int	saved = errno;

	if (saved == EBADMSG && json_refused) {
		cgi_log("%s/%s: its JSON needs more than %d MB", c->dir,
		    e->file, JSON_BUDGET_MB);
		saved = EFBIG;
	} else if (saved == EBADMSG)
		cgi_log("%s/%s:%d: %s", c->dir, e->file, e->line, e->text);
	errno = saved;
	return -1;
}

/*
 * Read the procs file of iface through lib/procs.c, its one reader; the
 * caller frees p with bw_procs_free().  -1 with errno when it cannot be
 * had: as for cgi_open(), EFBIG when it is too large, EBADMSG when it is
 * no procs file (why goes to the log).
 */
int
cgi_procs(const struct cgi *c, const char *iface, struct bw_procs *p)
{
	struct bw_error	e;

	json_refused = 0;
	if (bw_procs_load(c->dirfd, iface, p, &e) == 0)
		return 0;
	return load_fail(c, &e);
}

/* The live file of iface, as cgi_procs() reads the procs file. */
int
cgi_live(const struct cgi *c, const char *iface, struct bw_live *l)
{
	struct bw_error	e;

	json_refused = 0;
	if (bw_live_load(c->dirfd, iface, l, &e) == 0)
		return 0;
	return load_fail(c, &e);
}

/* The live hosts file of iface, as cgi_procs() reads the procs file. */
int
cgi_hosts(const struct cgi *c, const char *iface, struct bw_lanhosts *h)
{
	struct bw_error	e;

	json_refused = 0;
	if (bw_lanhosts_load(c->dirfd, iface, h, &e) == 0)
		return 0;
	return load_fail(c, &e);
}

/*
 * The hint for a missing file of bwprocs (k) of the request's interface:
 * how to start bwprocs, or, when it runs, that it has not recorded
 * anything yet.
 */
const char *
cgi_bwprocs_hint(const struct cgi *c, enum bw_kind k)
{
	static char	hint[200];
	int		saved = errno;	/* callers pass it on too */

	if ((k == BW_SPIKES || k == BW_ALERTS) &&
	    bw_procs_status(c->dirfd, c->iface, c->now, NULL) ==
	    BW_BWPROCS_RUNNING)
		(void)snprintf(hint, sizeof(hint), "bwprocs runs for %s and "
		    "has %s yet; it starts the log with the first", c->iface,
		    k == BW_SPIKES ? "recorded no spike" : "fired no alert");
	else
		(void)snprintf(hint, sizeof(hint), "bwprocs writes it while "
		    "it runs: systemctl enable --now bwprocs@%s", c->iface);
	errno = saved;
	return hint;
}

/* The most a CGI reads of a file of kind k. */
static size_t
kind_max(enum bw_kind k)
{
	switch (k) {
	case BW_HISTORY:
		return BW_HIST_MAX;
	case BW_PROCS:
		return BW_PROCS_FILEMAX;
	case BW_LIVE:
		return BW_LIVE_FILEMAX;
	case BW_HOSTS:
		return BW_LANHOSTS_FILEMAX;
	default:
		return BW_EVENTS_MAX;
	}
}

/* Answer for a data file that could not be had, by the reason why. */
void
cgi_file_fail(struct cgi *c, enum bw_kind k, int error, const char *hint)
{
	char	name[64], limits[160];

	if (bw_kind_file(name, sizeof(name), k, c->iface) == -1)
		(void)snprintf(name, sizeof(name), "the %s file",
		    bw_kind_name(k));
	switch (error) {
	case ENOENT:
		cgi_fail(c, 404, hint, "no %s in the data directory", name);
	case ELOOP:
	case EINVAL:
		cgi_log("%s/%s: not a regular file: refused", c->dir, name);
		cgi_fail(c, 400, NULL, "%s is not a regular file: refused",
		    name);
	case EFBIG:
		(void)snprintf(limits, sizeof(limits), "a CGI reads at most "
		    "%zu MB of that file and holds at most %d MB of JSON "
		    "(see bwmon-cgi(8))", kind_max(k) >> 20, JSON_BUDGET_MB);
		cgi_fail(c, 500, limits, "%s is too large to read", name);
	case EBADMSG:
		cgi_fail(c, 500, hint, "%s is not a valid %s file", name,
		    bw_kind_name(k));
	default:
		cgi_log("%s/%s: %s", c->dir, name, strerror(error));
		cgi_fail(c, 500, NULL, "cannot read %s", name);
	}
}

/*
 * The server's time zone at the time of the request: its abbreviation
 * ("UTC", "CEST") in name, "?" when unknown, and its offset east of UTC
 * in seconds.  Days, weeks and months (lib/totals.c) and the heatmap's
 * hours are the server's: the page labels them with this zone.
 */
void
cgi_zone(const struct cgi *c, char *name, size_t size, long *off)
{
	struct tm	tm;
	time_t		now = (time_t)floor(c->now);

	*off = 0;
	if (localtime_r(&now, &tm) == NULL) {
		(void)snprintf(name, size, "?");
		return;
	}
	*off = tm.tm_gmtoff;
	if (strftime(name, size, "%Z", &tm) == 0)
		(void)snprintf(name, size, "?");
}

/* A rate in bit/s for JSON, rounded as bwhistory --json rounds it. */
json_t *
cgi_rate(double v)
{
	if (!isfinite(v) || v < 0)
		return json_null();
	return json_real(v < 1e15 ? round(v * 1000) / 1000 : v);
}

/* A copy of a number from a data file, or null for anything else. */
json_t *
cgi_num(const json_t *j)
{
	if (json_is_integer(j))
		return json_integer(json_integer_value(j));
	if (json_is_real(j) && isfinite(json_real_value(j)))
		return json_real(json_real_value(j));
	return json_null();
}

/*
 * A copy of a string from a data file, or null.  Its control,
 * bidirectional and invisible characters are made '?', as lib/procs.c
 * makes them in bwprocs' other file (bw_str_clean()): process names
 * reach the page from spike and alert records too.
 */
json_t *
cgi_str(const json_t *j)
{
	json_t	*s;
	char	*buf;
	size_t	 len;

	if (!json_is_string(j))
		return json_null();
	len = json_string_length(j);
	if ((buf = malloc(len + 1)) == NULL)
		return NULL;
	(void)bw_str_clean(buf, len + 1, json_string_value(j), len);
	s = json_string(buf);
	free(buf);
	return s;
}

/*
 * Clean every string of v, a record of bwprocs passed on whole, in
 * place, as cgi_str() cleans one.
 */
void
cgi_clean(json_t *v)
{
	const char	*k;
	json_t		*e;
	char		*buf;
	size_t		 i, len;

	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			cgi_clean(e);
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			cgi_clean(e);
	} else if (json_is_string(v)) {
		len = json_string_length(v);
		if ((buf = malloc(len + 1)) == NULL) {
			(void)json_string_set(v, "");
			return;
		}
		(void)bw_str_clean(buf, len + 1, json_string_value(v), len);
		if (strcmp(buf, json_string_value(v)) != 0 &&
		    json_string_set(v, buf) == -1)
			(void)json_string_set(v, "");
		free(buf);
	}
}
