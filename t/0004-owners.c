/*
 * The owner history (lib/owners.c): merging and folding keep every
 * byte, rows round-trip whatever bytes a name holds, rollups are exact
 * sums, a window is read at the resolution its age has, and trims count
 * from the newest row, not the clock.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "fileio.h"
#include "owners.h"
#include "ownertotals.h"
#include "tap.h"
#include "util.h"

static char	dir[256];

static void
owner(struct bw_owner *o, const char *prog, const char *user, uint64_t rx,
    uint64_t tx, long pid)
{
	memset(o, 0, sizeof(*o));
	(void)snprintf(o->prog, sizeof(o->prog), "%s", prog);
	(void)snprintf(o->user, sizeof(o->user), "%s", user);
	o->rx = rx;
	o->tx = tx;
	o->pid = pid;
	o->pidbytes = rx + tx;
}

static uint64_t
sum(const struct bw_owners *s)
{
	uint64_t	t = 0;
	size_t		i;

	for (i = 0; i < s->n; i++)
		t += s->v[i].rx + s->v[i].tx;
	return t;
}

static void
test_fold(void)
{
	struct bw_owners	s;
	struct bw_owner		o;
	char			name[32], addr[32];
	uint64_t		before;
	size_t			i, j, rsum = 0;
	int			good = 1;

	bw_owners_init(&s);
	for (i = 0; i < 50; i++) {
		(void)snprintf(name, sizeof(name), "prog%02zu", i);
		owner(&o, name, "root", i * 1000, i * 10, (long)(100 + i));
		for (j = 0; j < 30; j++) {
			(void)snprintf(addr, sizeof(addr), "10.0.0.%zu:443", j);
			(void)bw_owner_add_remote(&o, addr, i * 1000 / 30,
			    i * 10 / 30);
		}
		(void)bw_owners_add(&s, &o);
		(void)bw_owners_add(&s, &o);	/* the same owner again */
		bw_owner_clear(&o);
	}
	ok(s.n == 50, "an owner seen twice is one owner (%zu)", s.n);
	before = sum(&s);
	ok(bw_owners_fold(&s, 20, 5) == 0, "fold to 20 owners, 5 remotes");
	ok(s.n == 21 && strcmp(s.v[20].prog, BW_OTHER_OWNERS) == 0,
	    "20 owners and [other owners] last");
	ok(sum(&s) == before, "every byte is still there (%llu)",
	    (unsigned long long)before);
	ok(strcmp(s.v[0].prog, "prog49") == 0 && s.v[0].pid == 149,
	    "busiest first, its process kept");
	for (i = 0; i < 20; i++)
		if (s.v[i].nrem != 6 ||
		    strcmp(s.v[i].rem[5].addr, BW_OTHER_REMOTES) != 0)
			good = 0;
	ok(good, "each keeps 5 remotes and [other remotes]");
	for (j = 0; j < s.v[0].nrem; j++)
		rsum += s.v[0].rem[j].rx;
	ok(rsum == 2 * 30 * (49000 / 30), "remote bytes kept too");
	before = sum(&s);
	ok(bw_owners_fold(&s, 20, 5) == 0 && s.n == 21 && sum(&s) == before,
	    "folding again changes nothing");
	bw_owners_free(&s);
}

static void
test_roundtrip(void)
{
	static const char *const hostile[] = {
		"a,b\"c", "new\nline", "tab\there", "\xff\xfe bad utf-8",
		"<script>", "ünïcödé", "back\\slash",
	};
	struct bw_owners	 s, r;
	struct bw_owner		 o;
	char			 path[512], want[64];
	size_t			 i, rows = 0, bad = 0;
	int			 fd, good = 1;

	bw_owners_init(&s);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		owner(&o, hostile[i], hostile[i], 100 + i, 1, (long)(1 + i));
		(void)snprintf(o.unit, sizeof(o.unit), "%s", hostile[i]);
		(void)bw_owner_add_remote(&o, "[fd00::1]:53", 10, 1);
		(void)bw_owners_add(&s, &o);
		bw_owner_clear(&o);
	}
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "eth0");
	ok(bw_owners_append(path, 1800000000, 300, &s) == 0, "append rows");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	bw_owners_init(&r);
	ok(bw_owners_read(fd, BW_OWNERS, "eth0", 0, 2000000000, &r, &rows,
	    &bad) == 0 && rows == 7 && bad == 0, "read them back (%zu, %zu)",
	    rows, bad);
	for (i = 0; i < r.n && i < 7; i++) {
		(void)snprintf(want, sizeof(want), "%s", i == 3 ?
		    "\xef\xbf\xbd\xef\xbf\xbd bad utf-8" : hostile[i]);
		if (strcmp(r.v[i].prog, want) != 0 ||
		    strcmp(r.v[i].user, want) != 0 ||
		    strcmp(r.v[i].unit, want) != 0 ||
		    r.v[i].rx != 100 + i || r.v[i].nrem != 1 ||
		    r.v[i].rem[0].rx != 10 || r.v[i].ts != 1800000000 ||
		    r.v[i].len != 300)
			good = 0;
	}
	ok(good, "commas, quotes, newlines, markup round-trip; bytes that "
	    "are not UTF-8 become U+FFFD");
	bw_owners_free(&r);
	bw_owners_free(&s);
	(void)close(fd);
}

/* Fill a day of 5-minute rows: prog A 1000+i bytes, B 10 each. */
static uint64_t
fill(int64_t day0)
{
	struct bw_owners	s;
	struct bw_owner		o;
	char			path[512];
	int64_t			t;
	uint64_t		total = 0;

	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "wan0");
	for (t = day0; t < day0 + 86400; t += 300) {
		bw_owners_init(&s);
		owner(&o, "backup", "root", 1000 + (uint64_t)(t - day0) / 300,
		    0, 7);
		(void)bw_owners_add(&s, &o);
		owner(&o, "[forwarded]", "", 10, 0, 0);
		(void)bw_owners_add(&s, &o);
		total += sum(&s);
		(void)bw_owners_append(path, t, 300, &s);
		bw_owners_free(&s);
	}
	return total;
}

static void
test_window(void)
{
	struct bw_top	t;
	int64_t		day0, h;
	uint64_t	total;
	char		path[512], *buf;
	size_t		len;
	int		fd, rv;

	(void)setenv("TZ", "UTC", 1);
	day0 = 1800000000 / 86400 * 86400;
	total = fill(day0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_owners_top(fd, "wan0", day0, day0 + 86400, BW_BY_PROGRAM, 0,
	    &t) == 0 && t.n == 2 && t.rx + t.tx == total &&
	    strcmp(t.v[0].name, "backup") == 0 && t.v[0].pid == 7,
	    "a day at full resolution: backup first, every byte");
	ok(t.attributed == total - 288 * 10, "attributed: the process rows");
	bw_top_free(&t);
	for (h = day0; h < day0 + 86400; h += 3600)
		(void)bw_owners_rollup(dir, "wan0", BW_OWNERS,
		    BW_OWNERS_HOURLY, h, h + 3600, 20);
	(void)bw_owners_rollup(dir, "wan0", BW_OWNERS_HOURLY,
	    BW_OWNERS_DAILY, day0, day0 + 86400, 20);
	/* The full rows of the first 10 hours are gone: trimmed. */
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "wan0");
	(void)bw_read_file(path, 1 << 24, &buf, &len);
	{
		char	*p = buf;
		int	 n;

		for (n = 0; n < 2 * 120 + 2; n++)
			p = strchr(p, '\n') + 1;
		(void)bw_write_atomic(path, p, len - (size_t)(p - buf));
	}
	free(buf);
	rv = bw_owners_top(fd, "wan0", day0, day0 + 86400, BW_BY_PROGRAM, 0,
	    &t);
	ok(rv == 0 && t.rx + t.tx == total,
	    "hourly rows stand in exactly for the trimmed ones (%llu of %llu)",
	    (unsigned long long)(t.rx + t.tx), (unsigned long long)total);
	ok(t.resolution == 3600, "the coarsest part was hourly (%d)",
	    t.resolution);
	bw_top_free(&t);
	/* And the hourly rows before the daily row's day: remove them all. */
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS_HOURLY, "wan0");
	(void)unlink(path);
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "wan0");
	(void)unlink(path);
	ok(bw_owners_top(fd, "wan0", day0 - 86400, day0 + 2 * 86400,
	    BW_BY_USER, 0, &t) == 0 && t.rx + t.tx == total &&
	    t.resolution == 86400 && strcmp(t.v[0].name, "root") == 0,
	    "the daily row alone, by user: root");
	bw_top_free(&t);
	ok(bw_owners_top(fd, "wan0", day0 + 86400, day0 + 2 * 86400,
	    BW_BY_PROGRAM, 0, &t) == 0 && t.n == 0 && t.rx + t.tx == 0,
	    "a window with no rows: nothing");
	bw_top_free(&t);
	(void)close(fd);
}

static void
test_trim_and_cmd(void)
{
	struct bw_owners	s;
	struct bw_owner		o;
	char			path[512], id[BW_CMDID_LEN + 1], out[256];
	int			fd;
	struct stat		st;

	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, "lan0");
	bw_owners_init(&s);
	owner(&o, "x", "root", 1, 1, 1);
	(void)bw_owners_add(&s, &o);
	(void)bw_owners_append(path, 1000000000, 300, &s);
	(void)bw_owners_append(path, 1000000000 + 9 * 86400, 300, &s);
	bw_owners_free(&s);
	ok(bw_owners_trim(dir, "lan0", 1e12, 180) == 0 &&
	    stat(path, &st) == 0 && st.st_size > 0,
	    "a clock far ahead trims only by the newest row");
	ok(st.st_size < 100, "the row 9 days older than the newest is gone "
	    "(%lld bytes left)", (long long)st.st_size);
	bw_cmd_id("/usr/bin/rsync -a /home backup:", id);
	ok(strlen(id) == BW_CMDID_LEN, "a command line id: %s", id);
	(void)bw_kind_path(path, sizeof(path), dir, BW_CMDLINES, "lan0");
	ok(bw_cmdlines_append(path, id, "/usr/bin/rsync -a /home backup:",
	    1000) == 0, "record a command line");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_cmdlines_lookup(fd, "lan0", id, out, sizeof(out)) == 0 &&
	    strcmp(out, "/usr/bin/rsync -a /home backup:") == 0,
	    "and look it up by id");
	ok(bw_cmdlines_lookup(fd, "lan0", "0000000000000000", out,
	    sizeof(out)) == -1 && errno == ENOENT, "an unknown id: ENOENT");
	(void)close(fd);
}

/* The bytes of iface's tier k whose middle lies in [from, to). */
static uint64_t
tier_bytes(enum bw_kind k, const char *iface, int64_t from, int64_t to)
{
	struct bw_owners	s;
	size_t			rows = 0, bad = 0;
	uint64_t		t;
	int			fd;

	bw_owners_init(&s);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	(void)bw_owners_read(fd, k, iface, from, to, &s, &rows, &bad);
	(void)close(fd);
	t = sum(&s);
	bw_owners_free(&s);
	return t;
}

/* Rows of 5 minutes from t0 to t1 for iface, each 100 bytes + its hour. */
static void
fill_rows(const char *iface, int64_t t0, int64_t t1)
{
	struct bw_owners	s;
	struct bw_owner		o;
	char			path[512];
	int64_t			t;

	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, iface);
	for (t = t0; t < t1; t += 300) {
		bw_owners_init(&s);
		owner(&o, "sync", "root", 100 + (uint64_t)(t / 3600 % 24), 1,
		    9);
		(void)bw_owner_add_remote(&o, "192.0.2.1:443", 50, 1);
		(void)bw_owners_add(&s, &o);
		bw_owner_clear(&o);
		owner(&o, "[forwarded]", "", 3, 0, 0);
		(void)bw_owners_add(&s, &o);
		(void)bw_owners_append(path, t, 300, &s);
		bw_owners_free(&s);
	}
}

static void
test_catchup(void)
{
	char		path[512];
	int64_t		day0, h, ts, end;
	size_t		n;
	struct stat	st, st2;
	int		fd, rv, good = 1;

	(void)setenv("TZ", "UTC", 1);
	tzset();
	day0 = 1800000000 / 86400 * 86400;
	fill_rows("cat0", day0, day0 + 2 * 86400 + 5400);
	/* A restart inside an interval: more rows for the same ts. */
	fill_rows("cat0", day0 + 2 * 86400 + 5400, day0 + 2 * 86400 + 5700);
	fill_rows("cat0", day0 + 2 * 86400 + 5400, day0 + 2 * 86400 + 5700);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_owners_last(fd, BW_OWNERS, "cat0", &ts, &end) == 0 &&
	    ts == day0 + 2 * 86400 + 5400 && end == ts + 300,
	    "the newest row, from the tail");
	ok(bw_owners_last(fd, BW_OWNERS_HOURLY, "cat0", &ts, &end) == -1 &&
	    errno == ENOENT, "no hourly file yet: ENOENT");
	rv = bw_owners_catchup(dir, "cat0", BW_OWNERS, BW_OWNERS_HOURLY,
	    day0 + 2 * 86400 + 5400, 20, &n);
	ok(rv == 0 && n == 49,
	    "catch-up rolls every hour that ended, and only those (%zu)", n);
	for (h = day0; h < day0 + 2 * 86400 + 3600; h += 3600)
		if (tier_bytes(BW_OWNERS_HOURLY, "cat0", h, h + 3600) !=
		    tier_bytes(BW_OWNERS, "cat0", h, h + 3600) ||
		    tier_bytes(BW_OWNERS, "cat0", h, h + 3600) == 0)
			good = 0;
	ok(good, "each hourly row set is the exact sum of its hour's rows");
	ok(bw_owners_last(fd, BW_OWNERS_HOURLY, "cat0", &ts, &end) == 0 &&
	    ts == day0 + 2 * 86400 && end == day0 + 2 * 86400 + 3600,
	    "the last hour rolled is the last that ended");
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS_HOURLY, "cat0");
	(void)stat(path, &st);
	rv = bw_owners_catchup(dir, "cat0", BW_OWNERS, BW_OWNERS_HOURLY,
	    day0 + 2 * 86400 + 5400, 20, &n);
	ok(rv == 0 && n == 0 &&
	    stat(path, &st2) == 0 && st2.st_size == st.st_size,
	    "again: nothing is rolled twice");
	rv = bw_owners_catchup(dir, "cat0", BW_OWNERS_HOURLY, BW_OWNERS_DAILY,
	    day0 + 2 * 86400 + 5400, 20, &n);
	ok(rv == 0 && n == 2,
	    "the two days that ended roll into daily rows (%zu)", n);
	ok(tier_bytes(BW_OWNERS_DAILY, "cat0", day0, day0 + 2 * 86400) ==
	    tier_bytes(BW_OWNERS, "cat0", day0, day0 + 2 * 86400) &&
	    tier_bytes(BW_OWNERS_DAILY, "cat0", day0, day0 + 86400) ==
	    tier_bytes(BW_OWNERS, "cat0", day0, day0 + 86400),
	    "daily rows: exact sums of their days");
	rv = bw_owners_catchup(dir, "cat0", BW_OWNERS, BW_OWNERS_HOURLY,
	    day0 + 3 * 86400, 20, &n);
	ok(rv == 0 && n == 1 &&
	    tier_bytes(BW_OWNERS_HOURLY, "cat0", day0 + 2 * 86400 + 3600,
	    day0 + 2 * 86400 + 7200) == tier_bytes(BW_OWNERS, "cat0",
	    day0 + 2 * 86400 + 3600, day0 + 2 * 86400 + 7200),
	    "later, the hour with two rows for one interval: they add up");
	(void)close(fd);
	fill_rows("new0", day0, day0 + 600);
	rv = bw_owners_catchup(dir, "new0", BW_OWNERS, BW_OWNERS_HOURLY,
	    day0 + 600, 20, &n);
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS_HOURLY, "new0");
	ok(rv == 0 && n == 0 && stat(path, &st) == -1 && errno == ENOENT,
	    "no hour ended yet: nothing rolled, no empty file made");

	/* Local days: 23 hours on the day summer time begins. */
	(void)setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	/* 2026-03-28 00:00 CET to 2026-03-31 00:00 CEST. */
	day0 = 1774652400;
	fill_rows("dst0", day0, day0 + 3 * 86400 - 3600);
	rv = bw_owners_catchup(dir, "dst0", BW_OWNERS, BW_OWNERS_HOURLY,
	    day0 + 3 * 86400 - 3600, 20, &n);
	ok(rv == 0 && n == 71,
	    "71 hours in three local days around the change (%zu)", n);
	rv = bw_owners_catchup(dir, "dst0", BW_OWNERS_HOURLY, BW_OWNERS_DAILY,
	    day0 + 3 * 86400 - 3600, 20, &n);
	ok(rv == 0 && n == 3, "three days");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_owners_last(fd, BW_OWNERS_DAILY, "dst0", &ts, &end) == 0 &&
	    ts == day0 + 2 * 86400 - 3600 && end - ts == 86400,
	    "the day after the change starts at local midnight");
	ok(tier_bytes(BW_OWNERS_DAILY, "dst0", day0 + 86400,
	    day0 + 2 * 86400 - 3600) == tier_bytes(BW_OWNERS, "dst0",
	    day0 + 86400, day0 + 2 * 86400 - 3600),
	    "the 23-hour day: the exact sum of its rows");
	(void)close(fd);
	(void)setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_totals(void)
{
	struct bw_ownertotals	t, r;
	char			name[32], path[512];
	size_t			i;
	int			fd, good = 1;
	FILE			*fp;

	bw_ownertotals_init(&t);
	t.since = 1800000000;
	t.ts = 1800000300;
	for (i = 0; i < 5; i++) {
		(void)snprintf(name, sizeof(name), "p%zu", i);
		(void)bw_ownertotals_add(&t, name, 10 * i, i, 3);
	}
	(void)bw_ownertotals_add(&t, "p1", 5, 5, 3);
	(void)bw_ownertotals_add(&t, "other", 7, 7, 3);
	(void)bw_ownertotals_add(&t, "a,b\"c\n\xff", 1, 2, 3);
	ok(t.n == 3 && t.v[1].rx == 15 && t.v[1].tx == 6,
	    "3 programs listed, in the order they came");
	ok(t.other_rx == 30 + 40 + 7 + 1 && t.other_tx == 3 + 4 + 7 + 2,
	    "the rest, and one called \"other\", go to other");
	ok(bw_ownertotals_write(dir, "tot0", &t) == 0, "write the totals");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_ownertotals_read(fd, "tot0", &r) == 0 && r.n == 3 &&
	    r.since == t.since && r.ts == t.ts && r.other_rx == t.other_rx &&
	    r.other_tx == t.other_tx, "read them back");
	for (i = 0; i < r.n; i++)
		if (strcmp(r.v[i].prog, t.v[i].prog) != 0 ||
		    r.v[i].rx != t.v[i].rx || r.v[i].tx != t.v[i].tx)
			good = 0;
	ok(good, "every program, in order");
	(void)bw_ownertotals_add(&r, "p9", 1, 1, 3);
	ok(r.n == 3 && r.other_rx == t.other_rx + 1,
	    "still bounded after a restart");
	(void)bw_ownertotals_add(&r, "p9", 1, 1, 10);
	ok(r.n == 4, "a higher bound lists new programs again");
	(void)bw_ownertotals_add(&r, "\xff\xfe", 1, 1, 10);
	ok(bw_ownertotals_write(dir, "tot0", &r) == 0,
	    "bytes that are not UTF-8 in a name are written");
	bw_ownertotals_free(&r);
	ok(bw_ownertotals_read(fd, "tot0", &r) == 0 && r.n == 5 &&
	    strcmp(r.v[4].prog, "\xef\xbf\xbd\xef\xbf\xbd") == 0,
	    "as U+FFFD");
	bw_ownertotals_free(&r);
	ok(bw_ownertotals_read(fd, "none0", &r) == -1 && errno == ENOENT,
	    "no file: ENOENT");
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERTOTALS, "bad0");
	if ((fp = fopen(path, "w")) != NULL) {
		(void)fputs("{\"version\":1,\"programs\":[{\"program\":\"x\","
		    "\"rx\":-1,\"tx\":0}],\"other\":{\"rx\":0,\"tx\":0},"
		    "\"since\":0,\"ts\":0}\n", fp);
		(void)fclose(fp);
	}
	ok(bw_ownertotals_read(fd, "bad0", &r) == -1 && errno == EBADMSG,
	    "a negative count: EBADMSG");
	(void)close(fd);
	bw_ownertotals_free(&t);
}

int
main(void)
{
	if (tap_tmpdir(dir, sizeof(dir), "bwt-owners") == -1)
		return 1;
	test_fold();
	test_roundtrip();
	test_window();
	test_trim_and_cmd();
	test_catchup();
	test_totals();
	tap_rmtree(dir);
	return done_testing();
}
