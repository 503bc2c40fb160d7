/*
 * The readers of bwprocs' files, lib/procs.c, driven by data: each case
 * in t/data/procs-parse/ is an input, procs-NAME.json or live-NAME.json,
 * beside the dump of what the parser makes of it, NAME.expected (see
 * dump_procs() and dump_live() for the format, "error: ..." when the
 * parser refuses the file).  Then tables: the characters the string
 * cleaner neutralises and keeps, and the staleness rules.
 *
 * To add a case, write the input and review the dump that
 *	t/0005-procs-parse.t -p t/data/procs-parse/procs-NAME.json
 * prints before saving it as the .expected file.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "procs.h"
#include "tap.h"
#include "util.h"

/* A growing text, where the dumps are written. */
struct text {
	char	*p;
	size_t	 len, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->p != NULL ? t->p + t->len : NULL,
		    t->p != NULL ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if (t->p != NULL && t->len + (size_t)n < t->cap)
			break;
		t->cap = (t->cap + (size_t)n + 1) * 2;
		if ((t->p = realloc(t->p, t->cap)) == NULL)
			abort();
	}
	t->len += (size_t)n;
}

/* A number, or "-" when it is NAN (absent). */
static void
num(struct text *t, const char *key, double v)
{
	if (isnan(v))
		put(t, " %s=-", key);
	else
		put(t, " %s=%.15g", key, v);
}

/* A string in quotes, \ and " escaped, or "-" when absent. */
static void
str(struct text *t, const char *key, const char *s, int has)
{
	if (!has) {
		put(t, " %s=-", key);
		return;
	}
	put(t, " %s=\"", key);
	for (; *s != '\0'; s++)
		put(t, "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	put(t, "\"");
}

static void
count(struct text *t, const char *key, uint64_t v, int has)
{
	if (has)
		put(t, " %s=%llu", key, (unsigned long long)v);
	else
		put(t, " %s=-", key);
}

/* A process's or connection's rates and bytes, sent first as listed. */
static void
traffic(struct text *t, double tx_bps, double rx_bps, uint64_t tx_bytes,
    uint64_t rx_bytes, unsigned has)
{
	num(t, "tx_bps", tx_bps);
	num(t, "rx_bps", rx_bps);
	count(t, "tx_bytes", tx_bytes, has & BW_HAS_TX_BYTES);
	count(t, "rx_bytes", rx_bytes, has & BW_HAS_RX_BYTES);
}

static void
dump_procs(struct text *t, const struct bw_procs *p)
{
	const struct bw_proc	*r;
	const struct bw_conn	*c;
	size_t			 i;

	put(t, "version=%d iface=\"%s\"", p->version, p->iface);
	num(t, "ts", p->ts);
	num(t, "interval", p->interval);
	num(t, "started", p->started);
	put(t, "\n");
	num(t, "rx_bps", p->rx_bps);
	num(t, "tx_bps", p->tx_bps);
	count(t, "rx_bytes", p->rx_bytes, p->has & BW_HAS_RX_BYTES);
	count(t, "tx_bytes", p->tx_bytes, p->has & BW_HAS_TX_BYTES);
	put(t, " has_bytes=%d", p->has_bytes);
	num(t, "coverage", p->coverage);
	put(t, "\n");
	if (p->has & BW_HAS_CAPTURE) {
		put(t, "capture");
		count(t, "packets", p->packets, p->has & BW_HAS_PACKETS);
		count(t, "drops", p->drops, p->has & BW_HAS_DROPS);
		count(t, "drops_interval", p->drops_interval,
		    p->has & BW_HAS_DROPS_INTERVAL);
		put(t, " has_capture=%d\n", p->has_capture);
	} else
		put(t, "capture -\n");
	/* Only files that have it: the older cases stay as they were. */
	if (p->has & BW_HAS_OWNERS)
		put(t, "owners source=\"%s\" reason=\"%s\"\n",
		    p->owners_source, p->owners_reason);
	put(t, "processes=%zu connections=%s%zu bad=%zu\n", p->nprocs,
	    p->has_conns ? "" : "none:", p->nconns, p->bad);
	for (i = 0; i < p->nprocs; i++) {
		r = &p->procs[i];
		put(t, "proc %s", r->kind == BW_PROC_PROCESS ? "process" :
		    "unattributed");
		if (r->has & BW_HAS_PID)
			put(t, " pid=%ld", r->pid);
		else
			put(t, " pid=-(%ld)", r->pid);
		put(t, " uid=%lld", r->uid);
		str(t, "name", r->name, r->has & BW_HAS_NAME);
		str(t, "user", r->user, r->has & BW_HAS_USER);
		str(t, "exe", r->exe, r->has & BW_HAS_EXE);
		str(t, "cmdline", r->cmdline, r->has & BW_HAS_CMDLINE);
		str(t, "container", r->container, r->has & BW_HAS_CONTAINER);
		put(t, "\n    ");
		traffic(t, r->tx_bps, r->rx_bps, r->tx_bytes, r->rx_bytes,
		    r->has);
		put(t, " has_bytes=%d connections=%ld", r->has_bytes,
		    r->connections);
		num(t, "last_seen", r->last_seen);
		put(t, "\n");
	}
	for (i = 0; i < p->nconns; i++) {
		c = &p->conns[i];
		put(t, "conn");
		str(t, "proto", c->proto, c->has & BW_HAS_PROTO);
		str(t, "local", c->local, c->has & BW_HAS_LOCAL);
		str(t, "remote", c->remote, c->has & BW_HAS_REMOTE);
		if (c->has & BW_HAS_PID)
			put(t, " pid=%ld", c->pid);
		else
			put(t, " pid=-(%ld)", c->pid);
		str(t, "name", c->name, c->has & BW_HAS_NAME);
		put(t, "\n    ");
		traffic(t, c->tx_bps, c->rx_bps, c->tx_bytes, c->rx_bytes,
		    c->has);
		put(t, " has_bytes=%d\n", c->has_bytes);
	}
}

static void
dump_live(struct text *t, const struct bw_live *l)
{
	size_t	i;

	put(t, "iface=\"%s\"", l->iface);
	num(t, "ts", l->ts);
	num(t, "interval", l->interval);
	put(t, "\nsamples=%zu entries=%zu bad=%zu\n", l->nsamples,
	    l->nentries, l->bad);
	for (i = 0; i < l->nsamples; i++)
		put(t, "%zu: %.15g %.15g %.15g\n", l->samples[i].entry,
		    l->samples[i].ts, l->samples[i].rx_bps,
		    l->samples[i].tx_bps);
}

/* The dump of the file at path, parsed as its name says. */
static char *
dump_file(const char *path)
{
	struct text	 t = { NULL, 0, 0 };
	struct bw_error	 e;
	struct bw_procs	 p;
	struct bw_live	*l;
	const char	*base = strrchr(path, '/');
	char		*buf;
	size_t		 len;
	int		 rv;

	base = base != NULL ? base + 1 : path;
	if (bw_read_file(path, 64 << 20, &buf, &len) == -1) {
		put(&t, "cannot read %s: %s\n", path, strerror(errno));
		return t.p;
	}
	memset(&e, 0, sizeof(e));
	if (strncmp(base, "live-", 5) == 0) {
		if ((l = malloc(sizeof(*l))) == NULL)
			abort();
		if ((rv = bw_live_parse(buf, len, l, &e)) == 0)
			dump_live(&t, l);
		free(l);
	} else {
		if ((rv = bw_procs_parse(buf, len, &p, &e)) == 0) {
			dump_procs(&t, &p);
			bw_procs_free(&p);
		}
	}
	if (rv == -1)
		put(&t, "error: %s: line %d: %s\n", strerror(errno), e.line,
		    e.text);
	free(buf);
	return t.p;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each case of the directory: its dump against its .expected. */
static void
test_cases(const char *dir)
{
	DIR		 *d;
	struct dirent	 *de;
	char		**names = NULL, path[4096], *got, *want;
	size_t		  n = 0, i, len, wlen;

	if ((d = opendir(dir)) == NULL) {
		ok(0, "open %s: %s", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if ((names = reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL || (names[n++] = strdup(de->d_name)) == NULL)
			abort();
	}
	(void)closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	ok(n >= 20, "%zu cases in %s", n, dir);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path))
			abort();
		got = dump_file(path);
		(void)memcpy(path + strlen(path) - 5, ".expected", 10);
		if (bw_read_file(path, 1 << 20, &want, &wlen) == -1)
			want = strdup("(no .expected file)\n");
		if (!ok(strcmp(got, want) == 0, "%s", names[i]))
			printf("# got:\n%s# want:\n%s", got, want);
		free(got);
		free(want);
		free(names[i]);
	}
	free(names);
}

/* The string cleaner: what it replaces by '?', what it keeps. */
static void
test_clean(void)
{
	static const struct {
		const char	*in, *out, *what;
	} cases[] = {
		{ "plain", "plain", "ASCII" },
		{ "a\tb\nc\x1b[31m", "a?b?c?[31m", "C0 controls" },
		{ "a\x7f" "b", "a?b", "DEL" },
		{ "a\xc2\x85" "b\xc2\x9f", "a?b?", "C1 controls" },
		{ "\xc2\xa0\xc3\xa9", "\xc2\xa0\xc3\xa9", "U+00A0, U+00E9 kept" },
		{ "a\xd8\x9c" "b", "a?b", "U+061C arabic letter mark" },
		{ "a\xe1\xa0\x8e" "b", "a?b", "U+180E" },
		{ "\xe2\x80\x8a", "\xe2\x80\x8a", "U+200A hair space kept" },
		{ "a\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d" "b", "a???b",
		    "U+200B-D zero widths" },
		{ "a\xe2\x80\x8e\xe2\x80\x8f" "b", "a??b",
		    "U+200E-F LRM, RLM" },
		{ "\xe2\x80\xa7", "\xe2\x80\xa7", "U+2027 kept" },
		{ "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a?b?c",
		    "U+2028-9 line and paragraph separators" },
		{ "a\xe2\x80\xaa\xe2\x80\xae" "b", "a??b",
		    "U+202A-E embeddings and overrides" },
		{ "\xe2\x80\xaf", "\xe2\x80\xaf", "U+202F kept" },
		{ "\xe2\x81\x9f", "\xe2\x81\x9f", "U+205F kept" },
		{ "a\xe2\x81\xa0\xe2\x81\xa4" "b", "a??b",
		    "U+2060-4 word joiner, invisible operators" },
		{ "\xe2\x81\xa5", "\xe2\x81\xa5", "U+2065 kept" },
		{ "a\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa\xe2\x81\xaf" "b",
		    "a????b", "U+2066-F isolates, deprecated formats" },
		{ "\xe2\x81\xb0", "\xe2\x81\xb0", "U+2070 kept" },
		{ "\xef\xbb\xbe", "\xef\xbb\xbe", "U+FEFE kept" },
		{ "a\xef\xbb\xbf" "b", "a?b", "U+FEFF BOM, zero width nbsp" },
		{ "\xef\xbf\xb8", "\xef\xbf\xb8", "U+FFF8 kept" },
		{ "a\xef\xbf\xb9\xef\xbf\xbb" "b", "a??b",
		    "U+FFF9-B annotation characters" },
		{ "\xef\xbf\xbd", "\xef\xbf\xbd", "U+FFFD kept" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "U+1F600 kept" },
		{ "na\xc3\xaf" "ve-\xc3\x9c" "n\xc3\xaf" "code",
		    "na\xc3\xaf" "ve-\xc3\x9c" "n\xc3\xaf" "code",
		    "UTF-8 letters kept" },
	};
	char	buf[64];
	size_t	i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = bw_str_clean(buf, sizeof(buf), cases[i].in,
		    strlen(cases[i].in));
		ok(strcmp(buf, cases[i].out) == 0 && n == strlen(buf),
		    "clean: %s", cases[i].what);
	}
	n = bw_str_clean(buf, 4, "ab\xc3\xa9", 4);
	ok(n == 2 && strcmp(buf, "ab") == 0,
	    "clean: cut before a character that does not fit whole");
	n = bw_str_clean(buf, 4, "abc\xe2\x80\xae", 6);
	ok(n == 3 && strcmp(buf, "abc") == 0,
	    "clean: and before a '?' that does not fit");
	n = bw_str_clean(buf, sizeof(buf), "ab\0cd", 5);
	ok(n == 2 && strcmp(buf, "ab") == 0, "clean: stops at a NUL");
	n = bw_str_clean(buf, sizeof(buf), "ab\xe2\x80", 4);
	ok(n == 2 && strcmp(buf, "ab") == 0,
	    "clean: a sequence cut by the length is dropped");
}

/* Rows past BW_PROCS_MAXROWS are left out, the others kept in order. */
static void
test_maxrows(void)
{
	struct text	 t = { NULL, 0, 0 };
	struct bw_procs	 p;
	size_t		 i, n = BW_PROCS_MAXROWS + 5;

	put(&t, "{\"ts\": 1, \"processes\": [");
	for (i = 0; i < n; i++)
		put(&t, "%s{\"pid\": %zu}", i > 0 ? ", " : "", i + 1);
	put(&t, "], \"connections\": [");
	for (i = 0; i < n; i++)
		put(&t, "%s{\"pid\": %zu}", i > 0 ? ", " : "", i + 1);
	put(&t, "]}");
	ok(bw_procs_parse(t.p, t.len, &p, NULL) == 0 &&
	    p.nprocs == BW_PROCS_MAXROWS && p.nconns == BW_PROCS_MAXROWS &&
	    p.procs[BW_PROCS_MAXROWS - 1].pid == BW_PROCS_MAXROWS &&
	    p.conns[BW_PROCS_MAXROWS - 1].pid == BW_PROCS_MAXROWS,
	    "%zu rows: the first %d of each list kept", n, BW_PROCS_MAXROWS);
	bw_procs_free(&p);
	free(t.p);
}

/* The staleness rules every reader applies. */
static void
test_stale(void)
{
	static const struct {
		double	interval, age;
		int	stale;
		const char *what;
	} procs[] = {
		{ NAN, 6, 0, "procs: no interval: 3 x 2 s, at 6 s fresh" },
		{ NAN, 6.001, 1, "procs: no interval: stale after 6 s" },
		{ 2.004, 6.01, 0, "procs: 3 x 2.004 s" },
		{ 10, 29, 0, "procs: 10 s interval: fresh at 29 s" },
		{ 10, 31, 1, "procs: 10 s interval: stale at 31 s" },
		{ 3600, 10000, 0, "procs: 3600 s is believed" },
		{ 3601, 7, 1, "procs: an interval above 3600 s is not" },
		{ 2, -5, 0, "procs: a file from the future is fresh" },
		{ 0.5, 2.9, 0, "procs: at least 3 s, as live" },
	}, live[] = {
		{ 1, 3, 0, "live: 1 s interval: fresh at 3 s" },
		{ 1, 3.01, 1, "live: stale after 3 s" },
		{ 0.2, 2.9, 0, "live: at least 3 s, whatever the interval" },
		{ 5, 14, 0, "live: 5 s interval: fresh at 14 s" },
		{ 5, 16, 1, "live: 5 s interval: stale at 16 s" },
	};
	struct bw_procs	 p;
	struct bw_live	*l;
	size_t		 i;

	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.ts = 1e9;
		p.interval = procs[i].interval;
		ok(bw_procs_stale(&p, 1e9 + procs[i].age) == procs[i].stale,
		    "%s", procs[i].what);
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		abort();
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		l->ts = 1e9;
		l->interval = live[i].interval;
		ok(bw_live_stale(l, 1e9 + live[i].age) == live[i].stale,
		    "%s", live[i].what);
	}
	free(l);
}

int
main(int argc, char **argv)
{
	char		 dir[1024];
	const char	*src = getenv("SRCDIR");
	char		*d;

	if (argc == 3 && strcmp(argv[1], "-p") == 0) {
		d = dump_file(argv[2]);
		(void)fputs(d, stdout);
		free(d);
		return 0;
	}
	(void)snprintf(dir, sizeof(dir), "%s/t/data/procs-parse",
	    src != NULL ? src : ".");
	test_cases(dir);
	test_clean();
	test_maxrows();
	test_stale();
	return done_testing();
}
