/*
 * The data directory module and the file kinds lib/ owns: names and
 * their inverse, the interface scan (1,000 interfaces, symlinks and
 * FIFOs), the default-interface rule, the "is bwprocs running" rule,
 * safe opens, the one appender and trim, and writer -> reader round
 * trips of the line files.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "datadir.h"
#include "eventlog.h"
#include "fileio.h"
#include "history.h"
#include "logfile.h"
#include "procs.h"
#include "state.h"
#include "tap.h"
#include "util.h"

static char	dir[256];

static void
put(const char *name, const char *text)
{
	char	path[512];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	(void)fputs(text, fp);
	(void)fclose(fp);
}

static char *
get(const char *name)
{
	char	path[512], *buf;
	size_t	len;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (bw_read_file(path, 1 << 24, &buf, &len) == -1)
		return strdup("(missing)");
	return buf;
}

static void
test_names(void)
{
	char		name[64], ifn[BW_IFNAMSIZ];
	enum bw_kind	k, got;
	int		good = 1;

	for (k = 0; k < BW_NKINDS; k++) {
		if (bw_kind_file(name, sizeof(name), k, "br-lan.1") == -1 ||
		    bw_kind_parse(name, &got, ifn) == -1 || got != k ||
		    strcmp(ifn, "br-lan.1") != 0)
			good = 0;
	}
	ok(good, "every kind's name parses back to its kind and interface");
	(void)bw_kind_file(name, sizeof(name), BW_HISTORY, "eth0");
	ok(strcmp(name, "bw_eth0.csv") == 0, "history: bw_eth0.csv");
	(void)bw_kind_file(name, sizeof(name), BW_SPIKES, "eth0");
	ok(strcmp(name, "spikes_eth0.jsonl") == 0, "spikes: spikes_eth0.jsonl");
	ok(bw_kind_file(name, sizeof(name), BW_PROCS, "../etc") == -1 &&
	    errno == EINVAL, "a path-like interface makes no file name");
	ok(bw_kind_parse("bw_../x.csv", &got, ifn) == -1 &&
	    bw_kind_parse("bw_.csv", &got, ifn) == -1 &&
	    bw_kind_parse("procs_eth0.json.tmp", &got, ifn) == -1 &&
	    bw_kind_parse("bw_abcdefghijklmnop.csv", &got, ifn) == -1,
	    "names that are none of ours do not parse");
	ok(strcmp(bw_dirfile_name(BW_TOTALS_MONTHLY), "monthly_totals.log") ==
	    0, "the monthly totals log");
}

static void
test_scan(void)
{
	struct bw_ifaces	 l;
	const struct bw_iface	*f;
	char			 name[512], list[64];
	int			 i, fd, sorted = 1;
	size_t			 k;

	for (i = 0; i < 1000; i++) {
		(void)snprintf(name, sizeof(name), "bw_veth%04d.csv", i);
		put(name, "");
	}
	put("procs_veth0007.json", "{}");
	put("live_wg0.json", "{}");
	put("notes.txt", "");
	(void)snprintf(name, sizeof(name), "%s/bw_evil.csv", dir);
	(void)symlink("/etc/passwd", name);
	(void)snprintf(name, sizeof(name), "%s/state_fifo0.json", dir);
	(void)mkfifo(name, 0644);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_ifaces_scan(fd, &l) == 0, "scan");
	ok(l.n == 1001, "1,000 interfaces and one more: no fixed limit "
	    "(got %zu)", l.n);
	for (k = 1; k < l.n; k++)
		if (strcmp(l.v[k - 1].name, l.v[k].name) >= 0)
			sorted = 0;
	ok(sorted, "sorted by name, each once");
	f = bw_ifaces_find(&l, "veth0007");
	ok(f != NULL && f->kinds == (BW_KIND_BIT(BW_HISTORY) |
	    BW_KIND_BIT(BW_PROCS)), "one entry with both kinds");
	ok(bw_ifaces_find(&l, "evil") == NULL,
	    "a symlink is not an interface");
	ok(bw_ifaces_find(&l, "fifo0") == NULL, "a FIFO is not an interface");
	ok(bw_ifaces_count(&l, BW_KIND_BIT(BW_LIVE)) == 1 &&
	    bw_ifaces_find(&l, "wg0") != NULL, "a live file alone counts");
	ok(bw_ifaces_list(&l, ~0u, list, sizeof(list)) == -1 &&
	    strcmp(list + strlen(list) - 3, "...") == 0,
	    "a list that does not fit ends in ... (%s)", list);
	bw_ifaces_free(&l);
	(void)close(fd);
}

static void
test_open(void)
{
	char	path[512], *buf;
	size_t	len;
	int	fd;

	(void)snprintf(path, sizeof(path), "%s/state_fifo0.json", dir);
	fd = bw_data_open(AT_FDCWD, path);
	ok(fd == -1 && errno == EINVAL, "a FIFO opens as EINVAL, at once");
	(void)snprintf(path, sizeof(path), "%s/bw_evil.csv", dir);
	fd = bw_data_open(AT_FDCWD, path);
	ok(fd == -1 && errno == ELOOP, "a symlink is not followed");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(bw_hist_text(fd, "fifo0", &buf, &len) == -1 && errno == ENOENT,
	    "no history for an interface without one");
	(void)close(fd);
}

static void
test_pick(void)
{
	struct bw_ifaces	 l;
	struct bw_conf		 c;
	char			 buf[400], procdir[300];
	const char		*p;
	int			 fd;

	(void)snprintf(procdir, sizeof(procdir), "%s/proc", dir);
	(void)mkdir(procdir, 0755);
	(void)snprintf(buf, sizeof(buf), "%s/net", procdir);
	(void)mkdir(buf, 0755);
	put("proc/net/route", "Iface\tDestination\tGateway\n"
	    "wg0\t00000000\t0101A8C0\n");
	(void)setenv("BWMON_PROC", procdir, 1);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	(void)bw_ifaces_scan(fd, &l);
	bw_conf_init(&c);
	p = bw_pick_iface(fd, &l, &c, 1e9);
	ok(p != NULL && strcmp(p, "wg0") == 0,
	    "the default route's, with data (%s)", p);
	(void)snprintf(buf, sizeof(buf), "{\"ts\": %d, \"interval_seconds\": "
	    "2, \"processes\": []}", 999999999);
	put("procs_veth0007.json", buf);
	ok(bw_procs_status(fd, "veth0007", 1e9, NULL) == BW_BWPROCS_RUNNING,
	    "a procs file 1 s old: bwprocs runs");
	ok(bw_procs_status(fd, "veth0007", 1e9 + 7, NULL) == BW_BWPROCS_STALE,
	    "8 s old at a 2 s interval: stale");
	ok(bw_procs_status(fd, "wg0", 1e9, NULL) == BW_BWPROCS_ABSENT,
	    "no procs file: absent");
	put("procs_wg0.json", "{ torn");
	ok(bw_procs_status(fd, "wg0", 1e9, NULL) == BW_BWPROCS_BAD,
	    "a procs file that does not parse: bad");
	(void)unlinkat(fd, "procs_wg0.json", 0);
	p = bw_pick_iface(fd, &l, &c, 1e9);
	ok(p != NULL && strcmp(p, "wg0") == 0,
	    "an ignored interface (veth*) is not picked for bwprocs (%s)", p);
	(void)strcpy(c.ifaces_ignore, "");
	p = bw_pick_iface(fd, &l, &c, 1e9);
	ok(p != NULL && strcmp(p, "veth0007") == 0,
	    "bwprocs' interface before the route's (%s)", p);
	(void)strcpy(c.iface, "eth9");
	ok((p = bw_pick_iface(fd, &l, &c, 1e9)) != NULL &&
	    strcmp(p, "eth9") == 0, "the configured one first, data or not");
	bw_conf_init(&c);
	put("proc/net/route", "Iface\tDestination\tGateway\n");
	p = bw_pick_iface(fd, &l, &c, 1e9 + 60);
	ok(p != NULL && strcmp(p, "wg0") == 0,
	    "else the first that is not ignored (%s)",
	    p != NULL ? p : "none");
	bw_ifaces_free(&l);
	(void)close(fd);
	(void)unsetenv("BWMON_PROC");
}

static void
test_conf(void)
{
	struct bw_conf	 c;
	char		*text, name[BW_IFNAMSIZ];
	size_t		 len = 0, pos = 0;
	int		 i, n = 0, good = 1;

	text = malloc(40000);
	len = (size_t)sprintf(text, "ifaces =");
	for (i = 0; i < 1000; i++)
		len += (size_t)sprintf(text + len, " veth%04d", i);
	(void)sprintf(text + len, "\nifaces_ignore = docker* , tap?\n");
	bw_conf_init(&c);
	ok(strcmp(c.ifaces_ignore, "veth*") == 0, "ifaces_ignore: veth*");
	(void)bw_conf_parse(&c, "x.conf", text, NULL);
	ok(c.nifaces == 1000, "ifaces: 1,000 names (%d)", c.nifaces);
	while (bw_conf_ifaces(&c, &pos, name)) {
		char	want[BW_IFNAMSIZ];

		(void)snprintf(want, sizeof(want), "veth%04d", n++);
		if (strcmp(name, want) != 0)
			good = 0;
	}
	ok(good && n == 1000, "and they walk back in order");
	ok(bw_iface_ignored(&c, "docker0") && bw_iface_ignored(&c, "tap1") &&
	    !bw_iface_ignored(&c, "veth1"), "ifaces_ignore patterns");
	(void)bw_conf_parse(&c, "x.conf", "ifaces_ignore = a/b\n", NULL);
	ok(strcmp(c.ifaces_ignore, "docker* tap?") == 0,
	    "a pattern with a slash is refused");
	free(text);
}

static int
count_cb(json_t *o, double ts, void *arg)
{
	(void)o;
	(void)ts;
	(*(int *)arg)++;
	return 0;
}

static void
test_logs(void)
{
	char		 path[512], *s, big[300000];
	struct bw_log	 l;
	struct stat	 st;
	json_t		*rec;
	size_t		 dropped, bad;
	int		 fd, n, rv;
	struct bw_evcount c;
	mode_t		 um;

	(void)snprintf(path, sizeof(path), "%s/alerts_eth0.jsonl", dir);
	um = umask(077);
	s = "{\"ts\": 100, \"event\": \"FIRED\"}\n";
	ok(bw_events_append(path, s, strlen(s)) == (off_t)strlen(s),
	    "append to a new log: its size");
	(void)umask(um);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644,
	    "a new log is 0644 whatever the umask");
	put("alerts_eth0.jsonl", "{\"ts\": 100, \"event\": \"FIRED\"}\n"
	    "{\"ts\": 200, \"eve");
	s = "{\"ts\": 300, \"event\": \"CLEARED\"}\n";
	ok(bw_events_append(path, s, strlen(s)) > 0,
	    "append after a torn line");
	s = get("alerts_eth0.jsonl");
	ok(strcmp(s, "{\"ts\": 100, \"event\": \"FIRED\"}\n"
	    "{\"ts\": 200, \"eve\n{\"ts\": 300, \"event\": \"CLEARED\"}\n") == 0,
	    "the torn line stays a line of its own");
	free(s);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	rv = bw_events_count(fd, BW_ALERTS, "eth0", "FIRED", 0, 1000, &c);
	ok(rv == 0 && c.n == 1 && c.bad == 1,
	    "count: one FIRED, one bad line (%zu %zu)", c.n, c.bad);
	n = 0;
	rv = bw_events_walk(fd, BW_ALERTS, "eth0", count_cb, &n, &bad);
	ok(rv == 0 && n == 2 && bad == 1, "walk: two records (%d %zu)", n,
	    bad);
	ok(bw_events_last(path, &rec) == 1 && json_number_value(
	    json_object_get(rec, "ts")) == 300, "the last record is read back");
	json_decref(rec);
	/* A huge torn line at the end hides the last record from the tail. */
	memset(big, 'x', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 1] = '\0';
	put("spikes_eth0.jsonl", "{\"ts\": 5, \"event\": \"FIRED\"}\n");
	(void)snprintf(path, sizeof(path), "%s/spikes_eth0.jsonl", dir);
	ok(bw_log_open(path, &l) == 0 && write(l.fd, big, strlen(big)) > 0,
	    "a writer dies mid-line");
	bw_log_close(&l);
	ok(bw_events_last(path, &rec) == 1 && json_number_value(
	    json_object_get(rec, "ts")) == 5,
	    "the last record before a huge torn line");
	json_decref(rec);
	/* Trims. */
	put("spikes_eth0.jsonl", "{\"ts\": 5}\ngarbage\n{\"ts\": 50}\n"
	    "{\"ts\": 500}\n");
	n = bw_events_trim(path, 100, 0, &dropped);
	ok(n == 0 && dropped == 21,
	    "trim: records older than the cutoff go (%zu bytes)", dropped);
	s = get("spikes_eth0.jsonl");
	ok(strcmp(s, "garbage\n{\"ts\": 500}\n") == 0,
	    "lines without a time stay");
	free(s);
	ok(bw_events_trim(path, 0, 16, &dropped) == 0,
	    "trim to a cap of 16 bytes");
	s = get("spikes_eth0.jsonl");
	ok(strcmp(s, "{\"ts\": 500}\n") == 0, "the oldest go first");
	free(s);
	(void)snprintf(path, sizeof(path), "%s/bw_trim0.csv", dir);
	put("bw_trim0.csv", "100,1,1,1,1,300\n200,1,1,1,1,300\n"
	    "300,1,1,1,1,300\n");
	ok(bw_log_trim(path, bw_line_csv_ts, 250, 0, &dropped) == 0 &&
	    dropped == 32, "history rows before the cutoff go");
	s = get("bw_trim0.csv");
	ok(strcmp(s, "300,1,1,1,1,300\n") == 0, "and the rest stays");
	free(s);
	(void)snprintf(path, sizeof(path), "%s/bw_none.csv", dir);
	ok(bw_log_trim(path, bw_line_csv_ts, 250, 0, &dropped) == 0 &&
	    access(path, F_OK) == -1, "trimming a missing file creates none");
	/* A failed write is taken back. */
	(void)snprintf(path, sizeof(path), "%s/bw_roll0.csv", dir);
	put("bw_roll0.csv", "100,1,1,1,1,300\n");
	ok(bw_log_open(path, &l) == 0 && bw_log_write(&l, "400,2,2,2,2,300\n",
	    16) == 0 && l.size == 32, "append a row");
	ok(bw_log_truncate(&l, 16) == 0, "take it back");
	bw_log_close(&l);
	s = get("bw_roll0.csv");
	ok(strcmp(s, "100,1,1,1,1,300\n") == 0, "the file is as before");
	free(s);
	(void)close(fd);
}

static void
test_state(void)
{
	struct bw_state	w, r;
	struct bw_error	e;
	char		path[512];

	memset(&w, 0, sizeof(w));
	w.ts = 1800000000.25;
	w.rx = 18446744073709551ULL;
	w.tx = 7;
	w.boot = 1799990000;
	(void)strcpy(w.bootid, "0123abcd-4567-89ef-0123-456789abcdef");
	w.trimmed = 1799900000;
	(void)strcpy(w.row, "1800000000,8,9,300,337,300.000");
	(void)bw_kind_path(path, sizeof(path), dir, BW_STATE, "st0");
	ok(bw_state_write(path, &w) == 0, "state: write");
	ok(bw_state_read(path, &r, &e) == 1 && r.ts == w.ts && r.rx == w.rx &&
	    r.tx == w.tx && r.boot == w.boot &&
	    strcmp(r.bootid, w.bootid) == 0 && r.trimmed == w.trimmed &&
	    strcmp(r.row, w.row) == 0, "state: every field reads back");
	put("state_st0.json", "{\"ts\": 1, \"rx\": -1, \"tx\": 2}");
	ok(bw_state_read(path, &r, &e) == -1 && errno == EBADMSG &&
	    strcmp(e.text, "needs ts, rx and tx") == 0,
	    "state: a negative counter is corrupt (%s)", e.text);
	put("state_st0.json", "{\"ts\": 1, \"rx\": 1, \"tx\": 2, "
	    "\"row\": \"x\"}");
	ok(bw_state_read(path, &r, &e) == -1 && errno == EBADMSG,
	    "state: a row that is not one is corrupt");
	put("state_st0.json", "{\"ts\": 1,");
	ok(bw_state_read(path, &r, &e) == -1 && errno == EBADMSG &&
	    e.line == 1, "state: torn JSON is corrupt, with its line");
	(void)bw_kind_path(path, sizeof(path), dir, BW_STATE, "fifo0");
	ok(bw_state_read(path, &r, &e) == -1 && errno == EINVAL,
	    "state: a FIFO is refused at once");
	(void)bw_kind_path(path, sizeof(path), dir, BW_STATE, "none0");
	ok(bw_state_read(path, &r, &e) == 0, "state: none yet");
}

int
main(void)
{
	if (tap_tmpdir(dir, sizeof(dir), "bwt-datadir") == -1)
		return 1;
	test_names();
	test_scan();
	test_open();
	test_pick();
	test_conf();
	test_logs();
	test_state();
	tap_rmtree(dir);
	return done_testing();
}
