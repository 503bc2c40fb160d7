/*
 * The LAN hosts' files (lib/hosts.c): the live file round-trips, the
 * history writes only hosts that moved bytes and its rollups are exact
 * sums, the trim counts from the newest row, and the names come from
 * the leases, /etc/ethers and /etc/hosts in that order, hostile lines
 * skipped with a warning each.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "fileio.h"
#include "hosts.h"
#include "owners.h"
#include "tap.h"

static char	dir[256];
static int	warnings;
static char	lastwarn[256];

static void
on_warn(const struct bw_error *e)
{
	warnings++;
	(void)snprintf(lastwarn, sizeof(lastwarn), "%d: %s", e->line,
	    e->text);
}

static struct bw_host *
add(struct bw_hostset *s, const char *id, const char *name, uint64_t rx,
    uint64_t tx)
{
	struct bw_host	*h = bw_hostset_get(s, id, 1);

	if (h == NULL)
		return NULL;
	(void)snprintf(h->name, sizeof(h->name), "%s", name);
	h->from = name[0] != '\0' ? BW_FROM_LEASE : BW_FROM_NONE;
	h->rx = rx;
	h->tx = tx;
	return h;
}

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f != NULL) {
		(void)fputs(text, f);
		(void)fclose(f);
	}
}

/* The sum of rx and tx of the rows of a tier, and how many rows. */
static uint64_t
tier_sum(enum bw_kind k, const char *iface, size_t *rows)
{
	char		 path[512], *buf, *p, *nl;
	size_t		 len;
	struct bw_host	 h;
	uint64_t	 s = 0;

	*rows = 0;
	if (bw_kind_path(path, sizeof(path), dir, k, iface) == -1 ||
	    bw_read_file(path, (size_t)1 << 24, &buf, &len) == -1)
		return 0;
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			break;
		if (bw_hostrow_parse(p, (size_t)(nl - p), &h) == 0) {
			s += h.rx + h.tx;
			(*rows)++;
		}
	}
	free(buf);
	return s;
}

static void
test_live(void)
{
	struct bw_hostset	 s, r;
	struct bw_hosts_head	 hd;
	struct bw_pubfile	 pub;
	struct bw_lanhosts	 lh;
	struct bw_error		 e;
	struct bw_host		*h;
	char			 path[512];
	int			 fd;

	bw_hostset_init(&s);
	bw_hostset_init(&r);
	h = add(&s, "02:00:00:00:00:0a", "laptop", 100, 50);
	ok(h != NULL && bw_host_add_addr(h, "10.1.0.10") == 0 &&
	    bw_host_add_addr(h, "fd00::10") == 0 &&
	    bw_host_add_addr(h, "10.1.0.10") == 0 && h->naddrs == 2,
	    "a host lists each address once");
	(void)strcpy(h->mac, "02:00:00:00:00:0a");
	h = add(&s, "10.1.0.99", "", 1000, 1);
	(void)bw_host_add_addr(h, "10.1.0.99");
	h = add(&s, "02:00:00:00:00:0b", "bad\001name", 5, 5);
	ok(s.n == 3 && bw_hostset_get(&s, "10.1.0.99", 0) != NULL &&
	    bw_hostset_get(&s, "nope", 0) == NULL, "the set finds by id");
	(void)add(&s, "gone", "", 1, 1);
	bw_hostset_del(&s, "02:00:00:00:00:0a");
	bw_hostset_del(&s, "nope");
	ok(s.n == 3 && bw_hostset_get(&s, "02:00:00:00:00:0a", 0) == NULL &&
	    bw_hostset_get(&s, "gone", 0) != NULL &&
	    bw_hostset_get(&s, "10.1.0.99", 0) != NULL,
	    "a host removed, the others still found");
	bw_hostset_del(&s, "gone");
	h = add(&s, "02:00:00:00:00:0a", "laptop", 100, 50);
	(void)bw_host_add_addr(h, "10.1.0.10");
	(void)bw_host_add_addr(h, "fd00::10");
	(void)strcpy(h->mac, "02:00:00:00:00:0a");
	memset(&hd, 0, sizeof(hd));
	hd.ts = 1764780000.5;
	hd.iface = "lan0";
	hd.pid = 42;
	hd.interval = 1;
	hd.source = "nftables";
	(void)bw_kind_path(path, sizeof(path), dir, BW_HOSTS, "lan0");
	ok(bw_pub_init(&pub, path) == 0 && bw_hosts_write(&pub, &hd, &s) ==
	    0, "the live file is written");
	ok(bw_lanhosts_read(path, &lh, &e) == 0 && lh.offload[0] == '\0' &&
	    lh.offload_counted == -1, "nothing offloaded: offload and "
	    "offload_counted null");
	bw_lanhosts_free(&lh);
	hd.offload = "flowtable ft";
	hd.offload_counted = 1;
	ok(bw_hosts_write(&pub, &hd, &s) == 0, "and published again");
	ok(bw_lanhosts_read(path, &lh, &e) == 0 &&
	    strcmp(lh.offload, "flowtable ft") == 0 && lh.offload_counted == 1,
	    "offload, counted from conntrack: round-trips");
	ok(!bw_lanhosts_stale(&lh, lh.ts + 3) &&
	    bw_lanhosts_stale(&lh, lh.ts + 3.01),
	    "written every second: stale after 3 s");
	lh.interval = NAN;
	ok(!bw_lanhosts_stale(&lh, lh.ts + 3) &&
	    bw_lanhosts_stale(&lh, lh.ts + 3.01),
	    "no interval: 1 s, the same");
	lh.interval = 10;
	ok(!bw_lanhosts_stale(&lh, lh.ts + 29) &&
	    bw_lanhosts_stale(&lh, lh.ts + 31), "10 s: stale after 30 s");
	bw_lanhosts_free(&lh);
	bw_pub_close(&pub);
	ok(strcmp(s.v[0].id, "10.1.0.99") == 0 &&
	    strcmp(s.v[2].id, "02:00:00:00:00:0b") == 0,
	    "busiest first");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_hosts_read(fd, "lan0", &r) == 0 && r.n == 3,
	    "and read back: three hosts");
	h = bw_hostset_get(&r, "02:00:00:00:00:0a", 0);
	ok(h != NULL && h->rx == 100 && h->tx == 50 &&
	    strcmp(h->name, "laptop") == 0 && h->from == BW_FROM_LEASE &&
	    h->naddrs == 2 && strcmp(h->addrs[1], "fd00::10") == 0 &&
	    strcmp(h->mac, "02:00:00:00:00:0a") == 0,
	    "a host round-trips: bytes, name, from, addresses, MAC");
	h = bw_hostset_get(&r, "02:00:00:00:00:0b", 0);
	ok(h != NULL && strcmp(h->name, "bad?name") == 0,
	    "a control character in a name is written as '?'");
	h = bw_hostset_get(&r, "10.1.0.99", 0);
	ok(h != NULL && h->name[0] == '\0' && h->from == BW_FROM_NONE &&
	    h->mac[0] == '\0', "no name, no MAC: none read back");
	bw_hostset_free(&r);
	bw_hostset_init(&r);
	put(path, "{\"ts\":1,\"hosts\":[{\"rx\":1},{\"id\":\"x\",\"rx\":-5}]}");
	ok(bw_hosts_read(fd, "lan0", &r) == 0 && r.n == 1 &&
	    r.v[0].rx == 0, "a host without an id is skipped; bytes "
	    "below 0 are 0");
	(void)close(fd);
	bw_hostset_free(&r);
	bw_hostset_free(&s);
}

static void
test_history(void)
{
	struct bw_hostset	 s;
	char			 path[512];
	size_t			 rows, n;
	int64_t			 t0 = 1764720000;	/* a whole hour */
	uint64_t		 want = 0;
	int			 i;

	(void)bw_kind_path(path, sizeof(path), dir, BW_HOSTLOG, "lan0");
	/* Two hours of 5-minute intervals: a busy host, a quiet one. */
	for (i = 0; i < 24; i++) {
		bw_hostset_init(&s);
		(void)add(&s, "02:00:00:00:00:0a", "laptop", 1000 + i, 10);
		(void)add(&s, "02:00:00:00:00:0b", "", 0, 0);
		if (i % 2 == 0)
			(void)add(&s, "10.1.0.7", "", 7, 0);
		want += 1010 + (uint64_t)i + (i % 2 == 0 ? 7 : 0);
		if (bw_hostlog_append(path, t0 + i * 300, 300, &s) == -1)
			break;
		bw_hostset_free(&s);
	}
	ok(i == 24, "24 intervals appended");
	ok(tier_sum(BW_HOSTLOG, "lan0", &rows) == want && rows == 36,
	    "only hosts that moved bytes have rows (36), every byte kept");
	ok(bw_hostlog_catchup(dir, "lan0", BW_HOSTLOG_HOURLY, t0 + 7200,
	    &n) == 0 && n == 2, "two hours rolled up");
	ok(tier_sum(BW_HOSTLOG_HOURLY, "lan0", &rows) == want && rows == 4,
	    "the hourly rows are exact sums: a row per host and hour");
	ok(bw_hostlog_catchup(dir, "lan0", BW_HOSTLOG_HOURLY, t0 + 7200,
	    &n) == 0 && n == 0, "a second catch-up rolls nothing twice");
	ok(bw_hostlog_catchup(dir, "lan0", BW_HOSTLOG_DAILY, t0 + 86400 * 2,
	    &n) == 0 && n == 1 &&
	    tier_sum(BW_HOSTLOG_DAILY, "lan0", &rows) == want && rows == 2,
	    "the day: one row per host, the same bytes");
	ok(bw_hostlog_trim(dir, "lan0", 1e12, 180) == 0 &&
	    tier_sum(BW_HOSTLOG, "lan0", &rows) == want,
	    "a clock years ahead trims nothing (ages count from the newest "
	    "row)");
	/* A row 10 days older than the newest goes. */
	bw_hostset_init(&s);
	(void)add(&s, "old", "", 1, 1);
	put(path, "");
	(void)bw_hostlog_append(path, t0 - 10 * 86400, 300, &s);
	bw_hostset_free(&s);
	bw_hostset_init(&s);
	(void)add(&s, "new", "", 2, 2);
	(void)bw_hostlog_append(path, t0, 300, &s);
	bw_hostset_free(&s);
	ok(bw_hostlog_trim(dir, "lan0", (double)t0, 180) == 0 &&
	    tier_sum(BW_HOSTLOG, "lan0", &rows) == 4 && rows == 1,
	    "8 days of interval rows are kept");
}

/* One interval of lan1's history: a host of id with name and bytes. */
static void
row(int64_t ts, const char *id, const char *name, uint64_t rx, const char *was)
{
	struct bw_hostset	 s;
	struct bw_host		*h;
	char			 path[512];

	(void)bw_kind_path(path, sizeof(path), dir, BW_HOSTLOG, "lan1");
	bw_hostset_init(&s);
	if ((h = add(&s, id, name, rx, rx / 10)) != NULL && was != NULL) {
		(void)bw_host_add_addr(h, was);
		(void)bw_host_add_was(h, was);
		(void)bw_host_add_was(h, was);	/* once */
		(void)bw_host_add_was(h, id);	/* not itself */
	}
	(void)bw_hostlog_append(path, ts, 300, &s);
	bw_hostset_free(&s);
}

/*
 * A device counted under its address before its MAC was known: its
 * rows under the address join its MAC's in every reader, through the
 * "was" the first row under the MAC lists, at every resolution.
 */
static void
test_was(void)
{
	struct bw_top		 t;
	struct bw_topseries	 ts;
	struct bw_host		 h;
	const char		*rowtext = "{\"ts\":1,\"len\":300,\"id\":\"m\","
	    "\"was\":[\"a\",7,\"b\"],\"rx\":1,\"tx\":0}";
	char			*buf, path[512];
	size_t			 len, n;
	int64_t			 t0 = 1764720000 + 3 * 86400;
	int			 fd = open(dir, O_RDONLY | O_DIRECTORY);

	row(t0, "10.1.0.40", "", 100, NULL);
	row(t0 + 300, "02:00:00:00:00:40", "tablet", 200, "10.1.0.40");
	row(t0 + 600, "02:00:00:00:00:40", "tablet", 300, NULL);
	row(t0 + 600, "10.1.0.41", "", 5, NULL);
	ok(bw_kind_read(fd, BW_HOSTLOG, "lan1", 1 << 20, &buf, &len) == 0 &&
	    strstr(buf, "\"id\":\"02:00:00:00:00:40\",\"name\":\"tablet\","
	    "\"addrs\":[\"10.1.0.40\"],\"was\":[\"10.1.0.40\"],") != NULL &&
	    strstr(strstr(buf, "\"was\"") + 1, "\"was\"") == NULL,
	    "the row of the interval the MAC was learnt in lists the address "
	    "it was, once");
	free(buf);
	(void)bw_kind_path(path, sizeof(path), dir, BW_HOSTLOG, "lan1");
	ok(bw_hostrow_parse(rowtext, strlen(rowtext), &h) == 0 && h.nwas == 2 &&
	    strcmp(h.was[1], "b") == 0, "a row's was read back");
	ok(bw_owners_top(fd, "lan1", t0, t0 + 900, BW_BY_HOST, 0, &t) == 0 &&
	    t.n == 2 && strcmp(t.v[0].id, "02:00:00:00:00:40") == 0 &&
	    strcmp(t.v[0].name, "tablet") == 0 && t.v[0].rx == 600 &&
	    t.v[0].tx == 60 && strcmp(t.v[1].id, "10.1.0.41") == 0 &&
	    t.rx == 605, "the address's rows join the device's row: one row, "
	    "every byte");
	bw_top_free(&t);
	ok(bw_owners_top(fd, "lan1", t0, t0 + 300, BW_BY_HOST, 0, &t) == 0 &&
	    t.n == 1 && strcmp(t.v[0].id, "10.1.0.40") == 0 &&
	    t.v[0].rx == 100, "a window before the MAC was learnt: the "
	    "address's row");
	bw_top_free(&t);
	ok(bw_owners_topseries(fd, "lan1", t0, t0 + 900, BW_BY_HOST, 0, 300,
	    &t, &ts) == 0 && t.n == 2 && ts.nb == 3 &&
	    ts.bytes[0] == 110 && ts.bytes[1] == 220 && ts.bytes[2] == 330 &&
	    ts.rx[0] == 100 && ts.rx[2] == 300 && ts.bytes[3 + 2] == 5,
	    "and its buckets, the address's included");
	bw_top_free(&t);
	bw_topseries_free(&ts);
	ok(bw_hostlog_catchup(dir, "lan1", BW_HOSTLOG_HOURLY, t0 + 3600,
	    &n) == 0 && n == 1 && bw_kind_read(fd, BW_HOSTLOG_HOURLY, "lan1",
	    1 << 20, &buf, &len) == 0 && strstr(buf, "\"was\":[\"10.1.0.40\"]")
	    != NULL && strstr(buf, "\"id\":\"10.1.0.40\"") != NULL,
	    "the hour keeps both ids' exact sums and the was");
	free(buf);
	(void)unlink(path);
	ok(bw_owners_top(fd, "lan1", t0, t0 + 3600, BW_BY_HOST, 0, &t) == 0 &&
	    t.resolution == 3600 && t.n == 2 && t.v[0].rx == 600,
	    "read from the hourly rows: still one device");
	bw_top_free(&t);
	(void)close(fd);
}

static void
test_names(void)
{
	struct bw_names		 n;
	struct bw_name_files	 f;
	struct bw_host		 h;
	char			 leases[512], ethers[512], hosts[512];
	char			 big[700];

	(void)snprintf(leases, sizeof(leases), "%s/leases", dir);
	(void)snprintf(ethers, sizeof(ethers), "%s/ethers", dir);
	(void)snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		FILE	*fp = fopen(leases, "w");

		if (fp != NULL) {
			(void)fprintf(fp,
			    "1764780000 02:00:00:00:00:0A 10.1.0.10 laptop *\n"
			    "garbage\n"
			    "1 02:00:00:00:00:0b 10.1.0.11 %.100s *\n"
			    "1 02:00:00:00:00:0c 10.1.0.12 tab\tbed *\n"
			    "1 02:00:00:00:00:0d 10.1.0.13 ctl\033x *\n"
			    "1 02:00:00:00:00:0e 999.0.0.1 evil *\n"
			    "1 zz:00:00:00:00:0f 10.1.0.14 evil *\n"
			    "%s\n"
			    "1 02:00:00:00:00:10 10.1.0.16 * *\n"
			    "duid 00:01:00:01:2c:00:00:00:02:00:00:00:00:01\n"
			    "1 1234 fd00::99 printer 00:01\n",
			    big, big);
			(void)fclose(fp);
		}
	}
	put(ethers, "# comment\n02:00:00:00:00:0a ethers-laptop\n"
	    "02:00:00:00:00:20 nas\n02:00:00:00:00:21 10.1.0.21\n");
	put(hosts, "127.0.0.1 localhost\n10.1.0.30 tv tv.lan\n"
	    "10.1.0.10 hosts-laptop\nnot-an-address x\n");
	bw_names_init(&n);
	f.leases = leases;
	f.ethers = ethers;
	f.hosts = hosts;
	warnings = 0;
	ok(bw_names_load(&n, &f, on_warn) == 0, "the names load");
	ok(warnings == 7, "7 hostile lines, a warning each (%d: last %s)",
	    warnings, lastwarn);
	memset(&h, 0, sizeof(h));
	(void)strcpy(h.mac, "02:00:00:00:00:0a");
	(void)bw_host_add_addr(&h, "10.1.0.10");
	ok(bw_names_find(&n, &h) == 1 && strcmp(h.name, "laptop") == 0 &&
	    h.from == BW_FROM_LEASE, "the lease comes first (MAC in any "
	    "case)");
	memset(&h, 0, sizeof(h));
	(void)strcpy(h.mac, "02:00:00:00:00:20");
	ok(bw_names_find(&n, &h) == 1 && strcmp(h.name, "nas") == 0 &&
	    h.from == BW_FROM_ETHERS, "then /etc/ethers");
	memset(&h, 0, sizeof(h));
	(void)strcpy(h.mac, "02:00:00:00:00:30");
	(void)bw_host_add_addr(&h, "10.1.0.30");
	ok(bw_names_find(&n, &h) == 1 && strcmp(h.name, "tv") == 0 &&
	    h.from == BW_FROM_HOSTS, "then /etc/hosts, by address");
	memset(&h, 0, sizeof(h));
	(void)bw_host_add_addr(&h, "fd00::99");
	ok(bw_names_find(&n, &h) == 1 && strcmp(h.name, "printer") == 0,
	    "a DHCPv6 lease names its address");
	memset(&h, 0, sizeof(h));
	(void)strcpy(h.mac, "02:00:00:00:00:99");
	(void)bw_host_add_addr(&h, "10.1.0.10");
	ok(bw_names_find(&n, &h) == 1 && strcmp(h.name, "hosts-laptop") ==
	    0, "an address leased to another MAC is not this device's "
	    "lease");
	memset(&h, 0, sizeof(h));
	(void)strcpy(h.mac, "02:00:00:00:00:10");
	ok(bw_names_find(&n, &h) == 0 && h.name[0] == '\0',
	    "a lease without a name names nothing");
	bw_names_free(&n);
}

int
main(void)
{
	if (tap_tmpdir(dir, sizeof(dir), "bwt0007") == -1)
		return 1;
	test_live();
	test_history();
	test_was();
	test_names();
	{
		char	cmd[300];

		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)system(cmd);
	}
	return done_testing();
}
