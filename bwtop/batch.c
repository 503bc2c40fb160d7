/*
 * Batch mode: plain-text snapshots of the header and the processes,
 * every -s seconds, -n times or until killed (as top -b), for logs and
 * pipelines, and whenever the output cannot be a screen.
 */
#include <err.h>
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bwtop.h"
#include "fmt.h"

static void
sleep_until(double mono)
{
	struct timespec	ts;
	double		left;

	while (!got_signal && (left = mono - bw_mono()) > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		if (nanosleep(&ts, NULL) == -1 && errno != EINTR)
			break;
	}
}

static void
print_header(const struct top *t, FILE *fp)
{
	const struct ifstat	*s = top_ifstat(t, t->iface);
	char			 a[BW_FMTLEN], b[BW_FMTLEN], when[32];
	char			 age[32], line[MSGLEN];

	(void)bw_fmt_time(when, sizeof(when), (int64_t)t->now,
	    "%Y-%m-%d %H:%M:%S");
	(void)fprintf(fp, "bwtop %s %s\n", when, t->iface);
	if (t->src != NULL)
		(void)fprintf(fp, "RX %s  TX %s  (%s)\n",
		    text_rate(a, sizeof(a), t->rx_now),
		    text_rate(b, sizeof(b), t->tx_now), t->src);
	else
		(void)fprintf(fp, "RX -  TX -  (no rate yet%s%s)\n",
		    t->nd_err[0] != '\0' ? ": " : "", t->nd_err);
	top_alert_line(t, line, sizeof(line), 0);
	if (line[0] != '\0')
		(void)fprintf(fp, "%s\n", line);
	if (t->live_state == FS_ERROR)
		(void)fprintf(fp, "live data: live_%s.json %s\n", t->iface,
		    t->live_err);
	if (s != NULL && s->has_total) {
		(void)bw_fmt_time(when, sizeof(when), (int64_t)s->since,
		    "%H:%M:%S");
		(void)fprintf(fp, "since %s (%s): RX %s  TX %s\n", when,
		    text_age(age, sizeof(age), t->now - s->since),
		    text_bytes(a, sizeof(a), 1, s->rx_total),
		    text_bytes(b, sizeof(b), 1, s->tx_total));
	}
	if (t->procs_loaded && (t->procs.has_capture ||
	    !isnan(t->procs.coverage))) {
		(void)fprintf(fp, "capture: coverage %s",
		    text_pct(a, sizeof(a), t->procs.coverage));
		if (t->procs.has_capture)
			(void)fprintf(fp, "  drops %llu (%llu in the last "
			    "interval)", (unsigned long long)t->procs.drops,
			    (unsigned long long)t->procs.drops_interval);
		(void)fputc('\n', fp);
	}
	if (t->procs_loaded && (t->procs.has & BW_HAS_OWNERS))
		(void)fprintf(fp, "owners: from %s (%s)\n",
		    strcmp(t->procs.owners_source, "bpf") == 0 ? "the kernel" :
		    "/proc", t->procs.owners_reason);
	top_procs_line(t, line, sizeof(line));
	(void)fprintf(fp, "%s\n", line);
}

static int
print_procs(const struct top *t, FILE *fp, int utf8)
{
	const struct bw_proc	**rows, *p;
	char			 prog[sizeof(p->cmdline) + 80];
	char			 fit[sizeof(prog) * 2], user[64], ubuf[32];
	char			 r1[BW_FMTLEN], r2[BW_FMTLEN];
	char			 b1[BW_FMTLEN], b2[BW_FMTLEN];
	size_t			 i, n;

	if (!t->procs_loaded)
		return 0;
	if ((rows = calloc(t->procs.nprocs + 1, sizeof(*rows))) == NULL)
		return -1;
	n = top_sort_procs(t, SORT_TOTAL, 0, rows);
	(void)fprintf(fp, "%7s %-10s %11s %11s %10s %10s %s\n", "PID", "USER",
	    "SENT/s", "RECV/s", "SENT", "RECV", "PROGRAM");
	for (i = 0; i < n; i++) {
		p = rows[i];
		(void)text_fit(user, sizeof(user), text_user(p, ubuf,
		    sizeof(ubuf)), 10, utf8, 1);
		(void)text_fit(fit, sizeof(fit), text_program(prog,
		    sizeof(prog), p, 0), 1 << 20, utf8, 0);
		if (p->kind == BW_PROC_PROCESS)
			(void)fprintf(fp, "%7ld ", p->pid);
		else
			(void)fprintf(fp, "%7s ", "-");
		(void)fprintf(fp, "%s %11s %11s %10s %10s %s\n", user,
		    text_rate(r1, sizeof(r1), p->tx_bps),
		    text_rate(r2, sizeof(r2), p->rx_bps),
		    text_bytes(b1, sizeof(b1), p->has_bytes,
		    (double)p->tx_bytes),
		    text_bytes(b2, sizeof(b2), p->has_bytes,
		    (double)p->rx_bytes), fit);
	}
	free(rows);
	return 0;
}

/* On a router's LAN interface, its devices, busiest first. */
static int
print_hosts(const struct top *t, FILE *fp, int utf8)
{
	const struct bw_lanhost	**rows, *h;
	char			 name[4 * 128], addr[64];
	char			 r1[BW_FMTLEN], r2[BW_FMTLEN];
	char			 b1[BW_FMTLEN], b2[BW_FMTLEN];
	char			 note[4][MSGLEN];
	size_t			 i, n;
	int			 k;

	if (t->hosts_state != FS_MISSING)
		for (k = 0; k < top_hosts_notice(t, note, 4); k++)
			(void)fprintf(fp, "%s\n", note[k]);
	if (!t->hosts_loaded)
		return 0;
	if ((rows = calloc(t->hosts.n + 1, sizeof(*rows))) == NULL)
		return -1;
	n = top_sort_hosts(t, SORT_TOTAL, 0, rows);
	(void)fprintf(fp, "%-39s %11s %11s %10s %10s %s\n", "ADDRESS",
	    "SENT/s", "RECV/s", "SENT", "RECV", "HOST");
	for (i = 0; i < n; i++) {
		h = rows[i];
		(void)text_fit(addr, sizeof(addr), h->naddrs > 0 ?
		    h->addrs[0] : h->mac[0] != '\0' ? h->mac : "-", 39, utf8,
		    1);
		(void)text_fit(name, sizeof(name), bw_lanhost_label(h), 1 << 20,
		    utf8, 0);
		(void)fprintf(fp, "%s %11s %11s %10s %10s %s\n", addr,
		    text_rate(r1, sizeof(r1), h->tx_bps),
		    text_rate(r2, sizeof(r2), h->rx_bps),
		    text_bytes(b1, sizeof(b1), 1, (double)h->tx),
		    text_bytes(b2, sizeof(b2), 1, (double)h->rx), name);
	}
	free(rows);
	return 0;
}

/*
 * Print count snapshots (0: until killed).  The first waits for a
 * second reading of net/dev when it gives the only rate there is.
 */
int
batch_run(struct top *t, long long count)
{
	const char	*cs = nl_langinfo(CODESET);
	double		 next;
	long long	 i;
	int		 utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;

	next = bw_mono();
	top_update(t);
	if (!top_live_fresh(t)) {
		next += t->interval < 1 ? t->interval : 1;
		sleep_until(next);
		top_update(t);
	}
	for (i = 0; !got_signal && (count == 0 || i < count); i++) {
		if (i > 0) {
			next += t->interval;
			if (next < bw_mono())
				next = bw_mono();
			sleep_until(next);
			if (got_signal)
				break;
			top_update(t);
			(void)putchar('\n');
		}
		print_header(t, stdout);
		if (print_procs(t, stdout, utf8) == -1 ||
		    print_hosts(t, stdout, utf8) == -1)
			err(1, "snapshot");
		if (fflush(stdout) == EOF || ferror(stdout))
			err(1, "stdout");
	}
	return 0;
}
