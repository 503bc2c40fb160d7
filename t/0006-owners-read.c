/*
 * The owner history's read path (lib/owners.c, bw_owners_top()): its
 * fast parser gives what jansson gives for every line, damaged or
 * hostile ones included, of the owner and of the host history; a
 * window is found by bisection in a file of many rows, the rows before
 * it passed over; a window of a day or more
 * is read from the hourly and daily rollups, exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "hosts.h"
#include "owners.h"
#include "tap.h"
#include "totals.h"

static char	dir[256];

/* Every kind of line: bwprocs's own, hostile, odd, damaged. */
static const char *const lines[] = {
	"{\"ts\":%lld,\"len\":300,\"prog\":\"rsync\",\"user\":\"root\","
	    "\"unit\":\"backup.service\",\"rx\":100,\"tx\":9000,\"pid\":42,"
	    "\"cmd\":\"00000000000000aa\",\"r\":[[\"203.0.113.5:873\",90,"
	    "8000],[\"[other remotes]\",10,1000]]}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"[forwarded]\",\"rx\":5,\"tx\":7}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"we\\\"ird,\\nname\",\"user\":"
	    "\"alice\",\"rx\":3,\"tx\":4,\"pid\":7,\"r\":[[\"[::1]:53\",1,2]]}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"\xc3\xbcni\",\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"sp\",\"container\":\"app\","
	    "\"netns\":\"ns1\",\"rx\":2,\"tx\":2,\"extra\":[1,{\"a\":2}]}",
	"{\"ts\":%lld, \"len\":300,\"prog\":\"spaced\",\"rx\":6,\"tx\":6}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"dup\",\"rx\":1,\"rx\":2,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"zero\",\"rx\":01,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"real\",\"rx\":1.0,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"neg\",\"rx\":1,\"tx\":-1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"pidstr\",\"rx\":1,\"tx\":1,"
	    "\"pid\":\"9\"}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"oddrem\",\"rx\":8,\"tx\":8,"
	    "\"r\":[[\"x\",1,-1],[\"y\",2,3],[\"z\"]]}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"longrem\",\"rx\":9,\"tx\":9,"
	    "\"r\":[[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAA1\",1,2],[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2\",3,4]]}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"nulluser\",\"user\":null,"
	    "\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"trail\",\"rx\":1,\"tx\":1} ",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"comma\",\"rx\":1,\"tx\":1,"
	    "\"r\":[[\"a\",1,2],]}",
	"{\"ts\":%lld,\"len\":0,\"prog\":\"nolen\",\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"huge\",\"rx\":"
	    "99999999999999999999,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"torn\",\"rx\":1,\"tx\":1,"
	    "\"r\":[[\"a\",1,2]]",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"two\",\"rx\":1,\"tx\":1}{\"ts\":1}",
	"{\"len\":300,\"ts\":%lld,\"prog\":\"order\",\"rx\":4,\"tx\":4}",
	"{\"ts\":%lld,\"len\":300,\"prog\":\"ctl\x01\",\"rx\":1,\"tx\":1}",
	"garbage %lld",
};
#define NLINES	(sizeof(lines) / sizeof(lines[0]))

/* The template with its "%lld" replaced by ts. */
static void
fill(char *out, size_t size, const char *tmpl, long long ts)
{
	const char	*at = strstr(tmpl, "%lld");

	(void)snprintf(out, size, "%.*s%lld%s", (int)(at - tmpl), tmpl, ts,
	    at + 4);
}

static void
write_file(enum bw_kind k, const char *iface, const char *text)
{
	char	path[512];
	FILE	*f;

	(void)bw_kind_path(path, sizeof(path), dir, k, iface);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		perror(path);
		exit(1);
	}
}

/* The bytes of prog in s, or 0. */
static uint64_t
set_bytes(const struct bw_owners *s, const char *prog)
{
	uint64_t	b = 0;
	size_t		i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].prog, prog) == 0)
			b += s->v[i].rx + s->v[i].tx;
	return b;
}

static uint64_t
top_bytes(const struct bw_top *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return t->v[i].rx + t->v[i].tx;
	return 0;
}

/* Each kind of line 10 times, 10 intervals; jansson reads them all. */
static void
test_parse(void)
{
	struct bw_owners	 s;
	struct bw_top		 t, tr;
	char			*text, line[1024];
	size_t			 len = 0, cap = 1 << 20, rows = 0, bad = 0, i;
	size_t			 k;
	int			 fd, same = 1, rv;
	long long		 ts;

	text = malloc(cap);
	text[0] = '\0';
	for (ts = 1800000000; ts < 1800000000 + 10 * 300; ts += 300)
		for (k = 0; k < NLINES; k++) {
			fill(line, sizeof(line), lines[k], ts);
			len += (size_t)snprintf(text + len, cap - len, "%s\n",
			    line);
		}
	write_file(BW_OWNERS, "p0", text);
	free(text);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	bw_owners_init(&s);
	ok(bw_owners_read(fd, BW_OWNERS, "p0", 0, 2000000000, &s, &rows,
	    &bad) == 0, "jansson reads the lines");
	ok(bw_owners_top(fd, "p0", 1700000000, 1800003000, BW_BY_PROGRAM, 0,
	    &t) == 0, "the window reader reads them");
	ok(t.rows == rows && t.bad == bad, "the same rows (%zu, %zu) and "
	    "skipped lines (%zu, %zu)", t.rows, rows, t.bad, bad);
	ok(t.rx + t.tx == set_bytes(&s, "rsync") + set_bytes(&s,
	    "[forwarded]") + set_bytes(&s, "we\"ird,\nname") +
	    set_bytes(&s, "\xc3\xbcni") + set_bytes(&s, "sp") +
	    set_bytes(&s, "spaced") + set_bytes(&s, "pidstr") +
	    set_bytes(&s, "oddrem") + set_bytes(&s, "longrem") +
	    set_bytes(&s, "nulluser") + set_bytes(&s, "trail") +
	    set_bytes(&s, "order"),
	    "every byte of the rows, none of the damaged lines");
	for (i = 0; i < s.n; i++)
		if (top_bytes(&t, s.v[i].prog) != s.v[i].rx + s.v[i].tx)
			same = 0;
	ok(same && t.n == s.n, "each program's bytes as jansson reads them "
	    "(%zu programs)", t.n);
	ok(strcmp(t.v[0].name, "rsync") == 0 && t.v[0].pid == 42 &&
	    strcmp(t.v[0].cmd, "00000000000000aa") == 0,
	    "the busiest, its process and command line id");
	ok(bw_owners_top(fd, "p0", 1700000000, 1800003000, BW_BY_REMOTE, 0,
	    &tr) == 0 && tr.rx + tr.tx == t.rx + t.tx &&
	    top_bytes(&tr, "203.0.113.5:873") == 10 * 8090 &&
	    top_bytes(&tr, "y") == 10 * 5 && top_bytes(&tr, "x") == 0,
	    "by remote: the remotes as jansson reads them, odd ones skipped");
	ok(top_bytes(&tr, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAA") == 10 * 10, "long addresses cut as before");
	bw_top_free(&tr);
	bw_top_free(&t);
	rv = bw_owners_top(fd, "p0", 1800000600, 1800001200, BW_BY_USER, 0,
	    &t);
	ok(rv == 0 && t.rows * 5 == rows && top_bytes(&t, "root") ==
	    2 * 9100 && top_bytes(&t, "[none]") > 0,
	    "two intervals of ten, by user (%zu rows)", t.rows);
	bw_top_free(&t);
	bw_owners_free(&s);
	(void)close(fd);
}

/*
 * 20 days of 5-minute rows: a window anywhere in them is found, and
 * holds what bw_owners_read() says it holds.
 */
static void
test_seek(void)
{
	struct bw_owners	 s;
	struct bw_top		 t;
	char			 path[512];
	FILE			*f;
	static const int64_t	 win[][2] = {
		{ 1800000000, 1800000300 }, { 1800000150, 1800003000 },
		{ 1800500000, 1800543210 }, { 1801234567, 1801300000 },
		{ 1801727700, 1801728000 }, { 1801727999, 1802000000 },
		{ 1799000000, 1800000001 },
	};
	size_t			 i, rows, bad;
	int64_t			 ts;
	int			 fd, good = 1;

	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "s0");
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	for (ts = 1800000000; ts < 1800000000 + 20 * 86400; ts += 300)
		(void)fprintf(f, "{\"ts\":%lld,\"len\":300,\"prog\":\"a\","
		    "\"rx\":%lld,\"tx\":1}\n{\"ts\":%lld,\"len\":300,"
		    "\"prog\":\"b\",\"rx\":%lld,\"tx\":1}\n", (long long)ts,
		    (long long)(ts - 1800000000) / 300, (long long)ts,
		    (long long)(ts - 1800000000) / 300);
	if (fclose(f) == EOF)
		exit(1);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	for (i = 0; i < sizeof(win) / sizeof(win[0]); i++) {
		bw_owners_init(&s);
		rows = bad = 0;
		(void)bw_owners_read(fd, BW_OWNERS, "s0", win[i][0],
		    win[i][1], &s, &rows, &bad);
		if (bw_owners_top(fd, "s0", win[i][0], win[i][1],
		    BW_BY_PROGRAM, 0, &t) == -1 || t.rows != rows ||
		    top_bytes(&t, "a") != set_bytes(&s, "a") ||
		    top_bytes(&t, "b") != set_bytes(&s, "b") ||
		    (win[i][1] - win[i][0] < 86400 && t.resolution != 300 &&
		    rows > 0)) {
			good = 0;
			printf("# window %lld-%lld: %zu rows, want %zu\n",
			    (long long)win[i][0], (long long)win[i][1], t.rows,
			    rows);
		}
		bw_top_free(&t);
		bw_owners_free(&s);
	}
	ok(good, "windows anywhere in 20 days of rows hold what a read of "
	    "the whole file finds");
	(void)close(fd);
}

/*
 * 30 days of rows rolled up into hours and days: windows of a day or
 * more read the rollups, with every byte.
 */
static void
test_rollups(void)
{
	struct bw_top		 t;
	char			 path[512];
	FILE			*f;
	int64_t			 day0 = 1800000000 / 86400 * 86400, ts, h, d;
	int64_t			 end = day0 + 30 * 86400 + 7 * 3600 + 600;
	uint64_t		 all = 0, last = 0, rx;
	int			 fd, rv;

	(void)setenv("TZ", "UTC", 1);
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "r0");
	if ((f = fopen(path, "w")) == NULL)
		exit(1);
	for (ts = day0; ts < end; ts += 300) {
		rx = 1000 + (uint64_t)(ts % 7);
		(void)fprintf(f, "{\"ts\":%lld,\"len\":300,\"prog\":"
		    "\"p%lld\",\"rx\":%llu,\"tx\":1,\"pid\":5}\n",
		    (long long)ts, (long long)(ts / 300 % 3),
		    (unsigned long long)rx);
		all += rx + 1;
		if (ts >= end - 86400 - 600 && ts + 150 < end - 600)
			last += rx + 1;
	}
	if (fclose(f) == EOF)
		exit(1);
	for (h = day0; h + 3600 <= end; h += 3600)
		(void)bw_owners_rollup(dir, "r0", BW_OWNERS, BW_OWNERS_HOURLY,
		    h, h + 3600, 20);
	for (d = day0; d + 86400 <= end; d += 86400)
		(void)bw_owners_rollup(dir, "r0", BW_OWNERS_HOURLY,
		    BW_OWNERS_DAILY, d, d + 86400, 20);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	rv = bw_owners_top(fd, "r0", day0, end, BW_BY_PROGRAM, 0, &t);
	ok(rv == 0 && t.rx + t.tx == all && t.resolution == 86400,
	    "30 days: daily rows, every byte (%llu of %llu, %d s)",
	    (unsigned long long)(t.rx + t.tx), (unsigned long long)all,
	    t.resolution);
	ok(t.rows <= 31 * 3 + 23 * 3 + 11, "... from few rows (%zu)", t.rows);
	bw_top_free(&t);
	rv = bw_owners_top(fd, "r0", end - 86400 - 600, end - 600,
	    BW_BY_PROGRAM, 0, &t);
	ok(rv == 0 && t.rx + t.tx == last && t.resolution == 3600, "the last 24 hours: hourly rows and full "
	    "ones at the ends, every byte (%llu of %llu, %d s)",
	    (unsigned long long)(t.rx + t.tx), (unsigned long long)last,
	    t.resolution);
	ok(t.rows <= 23 * 3 + 2 * 11, "... from few rows, not 288 (%zu)",
	    t.rows);
	bw_top_free(&t);
	rv = bw_owners_top(fd, "r0", end - 7200, end, BW_BY_PROGRAM, 0, &t);
	ok(rv == 0 && t.resolution == 300 && t.rows == 24,
	    "2 hours: full resolution (%d s, %zu rows)", t.resolution,
	    t.rows);
	bw_top_free(&t);
	(void)close(fd);
}

/* Host rows: bwprocs's own, hostile, odd, damaged. */
static const char *const hostlines[] = {
	"{\"ts\":%lld,\"len\":300,\"id\":\"02:00:00:00:00:0a\",\"name\":"
	    "\"laptop\",\"addrs\":[\"10.1.0.10\",\"fd00::10\"],\"rx\":100,"
	    "\"tx\":9000}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"10.1.0.99\",\"addrs\":"
	    "[\"10.1.0.99\"],\"rx\":5,\"tx\":7}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a1\",\"addrs\":[\"\",\"10.9.9.9\"],"
	    "\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a2\",\"name\":\"\",\"rx\":1,"
	    "\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a3\",\"name\":\"we\\\"ird\\n\","
	    "\"rx\":3,\"tx\":4}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a4\",\"name\":\"\xc3\xbcni\","
	    "\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a5\",\"addrs\":[7,\"10.8.8.8\"],"
	    "\"rx\":2,\"tx\":2}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"a6\",\"rx\":1,\"tx\":1,"
	    "\"extra\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"\",\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"name\":\"noid\",\"rx\":1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"dup\",\"id\":\"x\",\"rx\":1,"
	    "\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"neg\",\"rx\":-1,\"tx\":1}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"prog\",\"prog\":\"p\",\"rx\":4,"
	    "\"tx\":4}",
	"{\"ts\":%lld,\"len\":300,\"id\":\"torn\",\"rx\":1,\"tx\":1",
	"{\"ts\":%lld,\"len\":300,\"id\":\"ctl\x01\",\"rx\":1,\"tx\":1}",
	"garbage %lld",
};
#define NHOSTLINES	(sizeof(hostlines) / sizeof(hostlines[0]))

/*
 * Host rows by the window reader (by host, the fast path where it can)
 * and one by one by bw_hostrow_owner() (jansson): the same rows, the
 * same bytes and the same name for each device.
 */
static void
test_hosts(void)
{
	struct bw_owners	 s;
	struct bw_owner		 o;
	struct bw_top		 t;
	char			*text, line[1024];
	size_t			 len = 0, cap = 1 << 20, rows = 0, bad = 0, i;
	size_t			 k;
	int			 fd, same = 1;
	long long		 ts;

	text = malloc(cap);
	text[0] = '\0';
	bw_owners_init(&s);
	for (ts = 1800000000; ts < 1800000000 + 10 * 300; ts += 300)
		for (k = 0; k < NHOSTLINES; k++) {
			fill(line, sizeof(line), hostlines[k], ts);
			len += (size_t)snprintf(text + len, cap - len, "%s\n",
			    line);
			if (bw_hostrow_owner(line, strlen(line), &o) == -1) {
				bad++;
				continue;
			}
			rows++;
			if (bw_owners_add(&s, &o) == -1)
				exit(1);
		}
	write_file(BW_HOSTLOG, "h0", text);
	free(text);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_owners_top(fd, "h0", 1700000000, 1800003000, BW_BY_HOST, 0,
	    &t) == 0, "host rows: the window reader reads them");
	ok(t.rows == rows && t.bad == bad, "  the same rows (%zu, %zu) and "
	    "skipped lines (%zu, %zu) as jansson", t.rows, rows, t.bad, bad);
	for (i = 0; i < s.n; i++) {
		for (k = 0; k < t.n && strcmp(t.v[k].id, s.v[i].prog) != 0;
		    k++)
			;
		if (k == t.n || t.v[k].rx != s.v[i].rx ||
		    t.v[k].tx != s.v[i].tx ||
		    strcmp(t.v[k].name, s.v[i].host) != 0) {
			printf("# %s: %s, %s\n", s.v[i].prog, k < t.n ?
			    t.v[k].name : "(none)", s.v[i].host);
			same = 0;
		}
	}
	ok(same && t.n == s.n, "  each device's bytes and name as jansson "
	    "reads them (%zu devices)", t.n);
	ok(top_bytes(&t, "laptop") == 10 * 9100 &&
	    top_bytes(&t, "10.1.0.99") == 10 * 12 &&
	    top_bytes(&t, "10.9.9.9") == 10 * 2 && top_bytes(&t, "a2") == 20 &&
	    top_bytes(&t, "10.8.8.8") == 10 * 4,
	    "  a name, else the first address that is one, else the id");
	bw_top_free(&t);
	bw_owners_free(&s);
	(void)close(fd);
}

int
main(void)
{
	if (tap_tmpdir(dir, sizeof(dir), "bwt-ownread") == -1)
		return 1;
	test_parse();
	test_hosts();
	test_seek();
	test_rollups();
	tap_rmtree(dir);
	return done_testing();
}
