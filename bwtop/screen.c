/*
 * The curses front end: a header with the interface's rates and a
 * graph of the last 60 seconds (90 or 120 when the terminal is wide
 * enough), then one of three views (processes, connections,
 * interfaces; the first also as today's or this month's bytes per
 * program), and a fourth, hosts, for a router's LAN interface,
 * refreshed every -s seconds on a timeout()/getch() loop.
 * Each frame is drawn with erase() and left to curses to send only what
 * changed, which keeps a session over SSH cheap.
 */
#include <curses.h>
#include <err.h>
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bwtop.h"
#include "fmt.h"
#include "owners.h"
#include "totals.h"

#define HEAD_ROWS	6	/* header, graph x2, totals, status, tabs */
#define MIN_COLS	40
#define MIN_LINES	12
#define KEYLEN		200
#define STATUS_SECS	4
#define W_PID		7
#define W_USER		8
#define W_RATE		10
#define W_BYTES		8
#define W_PROTO		5
#define W_LPORT		9
#define W_PROC		16
#define W_PROGMAX	32	/* PROGRAM on a wide terminal */
#define W_CMDMIN	30	/* a COMMAND column of its own, at least */
#define GRAPH_MAXSECS	120	/* the graph on a wide terminal: as live */

enum pair { P_RX = 1, P_TX, P_WARN, P_BAD, P_TITLE };

struct ui {
	struct top		 *t;
	int			  utf8, color;
	enum view		  view;
	int			  help;
	int			  cumulative, cmdline, dns, svc, frozen;
	enum totals		  tot;		/* t: live or totals */
	enum sortkey		  sort;
	int			  sel[NVIEWS], first[NVIEWS], moved[NVIEWS];
	char			  key[NVIEWS][KEYLEN];
	int			  nrows[NVIEWS];
	int			  page;
	int			  confirm;
	long			  kpid;
	long long		  kuid;
	char			  kdesc[KEYLEN];
	char			  status[MSGLEN];
	double			  status_until;
	const struct bw_proc	**prows;
	const struct bw_conn	**crows;
	const struct bw_top_row	**trows;
	const struct bw_lanhost	**hrows;
	size_t			  cap;
	int			  killable;	/* the selected row */
};

static int	curses_on;

static const char *const view_names[NVIEWS] = {
	"Processes", "Connections", "Interfaces", "Hosts"
};

/* Whether the Hosts view is offered: the interface has a hosts file. */
static int
hosts_offered(const struct ui *u)
{
	return u->t->hosts_state != FS_MISSING;
}

/* The next view offered, dir views on (1 or -1). */
static enum view
next_view(const struct ui *u, int dir)
{
	enum view	v = u->view;

	do
		v = (enum view)((v + NVIEWS + dir) % NVIEWS);
	while (v == VIEW_HOSTS && !hosts_offered(u));
	return v;
}

/* Give the terminal back; safe to call twice, and from atexit(3). */
static void
screen_restore(void)
{
	if (curses_on) {
		curses_on = 0;
		(void)endwin();
	}
}

static void __attribute__((noreturn))
die(const char *what)
{
	int	saved = errno;

	screen_restore();
	errno = saved;
	err(1, "%s", what);
}

static attr_t
attr_of(const struct ui *u, enum pair p)
{
	if (p == P_TITLE)
		return A_BOLD;
	if (u->color)
		return COLOR_PAIR(p) | (p == P_BAD ? A_BOLD : 0);
	switch (p) {
	case P_WARN:
		return A_BOLD;
	case P_BAD:
		return A_BOLD | A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

/*
 * Write text at (y, x) cut to the screen's width, never into the last
 * cell of the last line (writing there would scroll some terminals).
 * Returns the columns written.
 */
static int
put(const struct ui *u, int y, int x, attr_t a, const char *s)
{
	char	buf[1024];
	int	w = COLS - x, n;

	if (y == LINES - 1)
		w--;
	if (y < 0 || y >= LINES || w <= 0)
		return 0;
	n = text_fit(buf, sizeof(buf), s, w, u->utf8, 0);
	if (a != A_NORMAL)
		(void)attron(a);
	(void)mvaddstr(y, x, buf);
	if (a != A_NORMAL)
		(void)attroff(a);
	return n;
}

static int __attribute__((format(printf, 5, 6)))
putf(const struct ui *u, int y, int x, attr_t a, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put(u, y, x, a, buf);
}

static void
set_status(struct ui *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_status(struct ui *u, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(u->status, sizeof(u->status), fmt, ap);
	va_end(ap);
	u->status_until = bw_mono() + STATUS_SECS;
}

/* One graph row: label, a bar per second, and the scale's top. */
static void
draw_graph(const struct ui *u, int y, const char *label, enum pair p,
    const double *v, int n)
{
	static const char *const	blocks[] = { " ", "\u2581", "\u2582",
	    "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char		ascii[] = " .:-=+*#@";
	char				cell[8], r[BW_FMTLEN];
	double				max = 0;
	int				i, lv;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > max)
			max = v[i];
	(void)put(u, y, 0, attr_of(u, P_TITLE), label);
	if (u->color)
		(void)attron(COLOR_PAIR(p));
	for (i = 0; i < n; i++) {
		lv = 0;
		if (!isnan(v[i]) && v[i] > 0 && max > 0) {
			lv = 1 + (int)(v[i] / max * 8);
			if (lv > 8)
				lv = 8;
		}
		if (u->utf8)
			(void)mvaddstr(y, 3 + i, blocks[lv]);
		else {
			cell[0] = ascii[lv];
			cell[1] = '\0';
			(void)mvaddstr(y, 3 + i, cell);
		}
	}
	if (u->color)
		(void)attroff(COLOR_PAIR(p));
	(void)putf(u, y, 3 + n + 1, A_NORMAL, "max %s",
	    text_rate(r, sizeof(r), max));
}

static void
draw_header(struct ui *u)
{
	struct top		*t = u->t;
	const struct ifstat	*s = top_ifstat(t, t->iface);
	double			 rx[GRAPH_MAXSECS], tx[GRAPH_MAXSECS];
	char			 a[BW_FMTLEN], b[BW_FMTLEN], when[32];
	char			 line[MSGLEN];
	int			 x, n, right;

	(void)bw_fmt_time(when, sizeof(when), (int64_t)t->now, "%H:%M:%S");
	right = (int)strlen(when) + (u->frozen ? 8 : 0);
	x = put(u, 0, 0, attr_of(u, P_TITLE), "bwtop ");
	x += put(u, 0, x, A_BOLD, t->iface);
	x += put(u, 0, x, A_NORMAL, "  RX ");
	x += put(u, 0, x, attr_of(u, P_RX) | A_BOLD,
	    text_rate(a, sizeof(a), t->rx_now));
	x += put(u, 0, x, A_NORMAL, "  TX ");
	x += put(u, 0, x, attr_of(u, P_TX) | A_BOLD,
	    text_rate(b, sizeof(b), t->tx_now));
	if (t->src != NULL)
		x += putf(u, 0, x, A_NORMAL, "  (%s)", t->src);
	else
		x += put(u, 0, x, attr_of(u, P_WARN), t->nd_err[0] != '\0' ?
		    "  (no rates)" : "  (measuring)");
	/*
	 * An open alert: marked here in what room the clock leaves
	 * ("ALERT" at least), and said in full on the status line below.
	 */
	top_alert_line(t, line, sizeof(line), 1);
	if (line[0] != '\0' && COLS - 1 - right - x - 4 >= 5) {
		n = COLS - 1 - right - x - 4;
		if ((size_t)n < strlen(line))
			line[n] = '\0';
		x += putf(u, 0, x, attr_of(u, P_BAD) | A_BOLD, "  %s", line);
	}
	if (COLS - 1 - right > x) {
		if (u->frozen)
			(void)put(u, 0, COLS - 1 - right, attr_of(u, P_BAD),
			    "FROZEN  ");
		(void)put(u, 0, COLS - 1 - (int)strlen(when), A_NORMAL, when);
	}

	/*
	 * One column per second: the last minute, or on a wider terminal
	 * the last 90 or 120 seconds, as much as a live file holds.
	 */
	n = COLS - 3 - 15;
	if (n > GRAPH_SECS)
		n = n >= GRAPH_MAXSECS ? GRAPH_MAXSECS : n - n % 30;
	if (n >= 8 && top_graph(t, n, rx, tx)) {
		draw_graph(u, 1, "RX", P_RX, rx, n);
		draw_graph(u, 2, "TX", P_TX, tx, n);
	} else {
		(void)put(u, 1, 0, attr_of(u, P_TITLE), "RX");
		(void)put(u, 2, 0, attr_of(u, P_TITLE), "TX");
		(void)put(u, 1, 3, A_NORMAL, t->nd_err[0] != '\0' ?
		    t->nd_err : "(the graph starts with the next reading)");
	}

	x = 0;
	if (s != NULL && s->has_total) {
		(void)bw_fmt_time(when, sizeof(when), (int64_t)s->since,
		    "%H:%M:%S");
		x += putf(u, 3, 0, A_NORMAL, "Total since %s: RX %s  TX %s",
		    when, text_bytes(a, sizeof(a), 1, s->rx_total),
		    text_bytes(b, sizeof(b), 1, s->tx_total));
	}
	if (t->live_state == FS_ERROR)
		x += putf(u, 3, x, attr_of(u, P_WARN), "%slive_%s.json %s",
		    x > 0 ? "   " : "", t->iface, t->live_err);
	if (t->procs_loaded && (t->procs.has_capture ||
	    !isnan(t->procs.coverage))) {
		x += putf(u, 3, x, A_NORMAL, "%sCoverage %s", x > 0 ? "   " :
		    "", text_pct(a, sizeof(a), t->procs.coverage));
		if (t->procs.has_capture)
			x += putf(u, 3, x, t->procs.drops_interval > 0 ?
			    attr_of(u, P_BAD) : A_NORMAL,
			    "  Drops %llu (+%llu)",
			    (unsigned long long)t->procs.drops,
			    (unsigned long long)t->procs.drops_interval);
	}
	if (t->procs_loaded && (t->procs.has & BW_HAS_OWNERS))
		(void)putf(u, 3, x, A_NORMAL, "  Owners: %s",
		    strcmp(t->procs.owners_source, "bpf") == 0 ? "kernel" :
		    "/proc");

	/* The alert, unless bwprocs' data needs saying more. */
	top_alert_line(t, line, sizeof(line), 0);
	if (line[0] != '\0' && t->procs_state == FS_OK)
		(void)put(u, 4, 0, attr_of(u, P_BAD) | A_BOLD, line);
	else {
		top_procs_line(t, line, sizeof(line));
		(void)put(u, 4, 0, t->procs_state == FS_OK ? A_NORMAL :
		    attr_of(u, t->procs_state == FS_ERROR ? P_BAD : P_WARN),
		    line);
	}

	x = 0;
	for (n = 0; n < NVIEWS; n++) {
		if (n == VIEW_HOSTS && !hosts_offered(u) &&
		    u->view != VIEW_HOSTS)
			continue;
		if ((enum view)n == u->view)
			x += putf(u, 5, x, A_REVERSE | A_BOLD, "[%s]",
			    view_names[n]);
		else
			x += putf(u, 5, x, A_NORMAL, " %s ", view_names[n]);
		x += put(u, 5, x, A_NORMAL, " ");
	}
	(void)putf(u, 5, x + 1, A_NORMAL, "%s  sort: %s%s%s%s",
	    u->view == VIEW_PROCS && u->tot == TOT_DAY ? "today's totals" :
	    u->view == VIEW_PROCS && u->tot == TOT_MONTH ? "month's totals" :
	    u->cumulative ? "cumulative" : "rates",
	    u->sort == SORT_SENT ? "sent" : u->sort == SORT_RECV ? "received" :
	    "total", u->dns ? "  DNS" : "", u->svc ? "  services" : "",
	    u->cmdline ? "  cmdline" : "");
}

/* Make sure rows[] can hold n pointers. */
static void
rows_reserve(struct ui *u, size_t n)
{
	const struct bw_proc	**p;
	const struct bw_conn	**c;
	const struct bw_top_row	**tr;
	const struct bw_lanhost	**h;

	if (n <= u->cap)
		return;
	if ((p = reallocarray(u->prows, n, sizeof(*p))) == NULL)
		die("memory");
	u->prows = p;
	if ((c = reallocarray(u->crows, n, sizeof(*c))) == NULL)
		die("memory");
	u->crows = c;
	if ((tr = reallocarray(u->trows, n, sizeof(*tr))) == NULL)
		die("memory");
	u->trows = tr;
	if ((h = reallocarray(u->hrows, n, sizeof(*h))) == NULL)
		die("memory");
	u->hrows = h;
	u->cap = n;
}

/*
 * Settle the selection of view v over n rows after a re-sort: follow
 * the row it was on (by key), unless the user just moved it.  keys(i)
 * gives row i's key.  Then scroll so it shows in page rows.
 */
static void
settle(struct ui *u, enum view v, int n, int page,
    void (*keyf)(const struct ui *, int, char *), char *tmp)
{
	int	i;

	if (!u->moved[v] && u->key[v][0] != '\0')
		for (i = 0; i < n; i++) {
			keyf(u, i, tmp);
			if (strcmp(tmp, u->key[v]) == 0) {
				u->sel[v] = i;
				break;
			}
		}
	u->moved[v] = 0;
	if (u->sel[v] >= n)
		u->sel[v] = n - 1;
	if (u->sel[v] < 0)
		u->sel[v] = 0;
	if (n > 0)
		keyf(u, u->sel[v], u->key[v]);
	if (page < 1)
		page = 1;
	if (u->first[v] > u->sel[v])
		u->first[v] = u->sel[v];
	if (u->sel[v] >= u->first[v] + page)
		u->first[v] = u->sel[v] - page + 1;
	if (u->first[v] > n - page)
		u->first[v] = n - page;
	if (u->first[v] < 0)
		u->first[v] = 0;
	u->nrows[v] = n;
	u->page = page;
}

static void
proc_key(const struct ui *u, int i, char *out)
{
	(void)snprintf(out, KEYLEN, "%ld/%s", u->prows[i]->pid,
	    u->prows[i]->name);
}

static void
tot_key(const struct ui *u, int i, char *out)
{
	(void)snprintf(out, KEYLEN, "%s", u->trows[i]->name);
}

static void
conn_key(const struct ui *u, int i, char *out)
{
	(void)snprintf(out, KEYLEN, "%s/%s/%s", u->crows[i]->proto,
	    u->crows[i]->local, u->crows[i]->remote);
}

static void
if_key(const struct ui *u, int i, char *out)
{
	(void)snprintf(out, KEYLEN, "%s", u->t->ifs[i].name);
}

static void
host_key(const struct ui *u, int i, char *out)
{
	(void)snprintf(out, KEYLEN, "%s", u->hrows[i]->id);
}

/* Draw the notice about missing or stale per-process data; rows used. */
static int
draw_notice(struct ui *u, int y)
{
	char	lines[8][MSGLEN];
	int	i, n;

	n = top_procs_notice(u->t, lines, 8);
	for (i = 0; i < n && y + i < LINES - 1; i++)
		(void)put(u, y + i, 1, attr_of(u, u->t->procs_state ==
		    FS_STALE ? P_WARN : P_BAD), lines[i]);
	return n > 0 ? n + 1 : 0;
}

/* A full-width row, reversed when selected. */
static void
put_row(const struct ui *u, int y, int selected, const char *text)
{
	char	buf[1024];

	(void)text_fit(buf, sizeof(buf), text, COLS - (y == LINES - 1),
	    u->utf8, 1);
	(void)put(u, y, 0, selected ? A_REVERSE : A_NORMAL, buf);
}

/* Append a column: fit s to w columns, left or right aligned. */
static void
col(char *line, size_t size, const char *s, int w, int right, int utf8)
{
	char	fit[1024], pad[256];
	int	n;
	size_t	len = strlen(line);

	n = text_fit(fit, sizeof(fit), s, w, utf8, 0);
	memset(pad, ' ', sizeof(pad));
	pad[w - n < (int)sizeof(pad) ? w - n : 0] = '\0';
	if (right)
		(void)snprintf(line + len, size - len, "%s%s ", pad, fit);
	else
		(void)snprintf(line + len, size - len, "%s%s ", fit, pad);
}

/*
 * The traffic columns of the process and connection views: sent and
 * received per second, then (when both fit) in bytes; bytes first when
 * cumulative.  Headings or values: rtx, rrx the rates, btx, brx the
 * bytes.
 */
static void
traffic_cols(const struct ui *u, char *line, size_t size, int both,
    const char *rtx, const char *rrx, const char *btx, const char *brx)
{
	int	w1 = u->cumulative ? W_BYTES : W_RATE;
	int	w3 = u->cumulative ? W_RATE : W_BYTES;

	col(line, size, u->cumulative ? btx : rtx, w1, 1, u->utf8);
	col(line, size, u->cumulative ? brx : rrx, w1, 1, u->utf8);
	if (both) {
		col(line, size, u->cumulative ? rtx : btx, w3, 1, u->utf8);
		col(line, size, u->cumulative ? rrx : brx, w3, 1, u->utf8);
	}
}

static void
traffic_head(const struct ui *u, char *line, size_t size, int both)
{
	traffic_cols(u, line, size, both, "SENT/s", "RECV/s", "SENT", "RECV");
}

/* A row's traffic columns: has_bytes says whether tx and rx are known. */
static void
traffic_row(const struct ui *u, char *line, size_t size, int both,
    double tx_bps, double rx_bps, int has_bytes, uint64_t tx, uint64_t rx)
{
	char	r1[BW_FMTLEN], r2[BW_FMTLEN], b1[BW_FMTLEN], b2[BW_FMTLEN];

	(void)text_rate(r1, sizeof(r1), tx_bps);
	(void)text_rate(r2, sizeof(r2), rx_bps);
	(void)text_bytes(b1, sizeof(b1), has_bytes, (double)tx);
	(void)text_bytes(b2, sizeof(b2), has_bytes, (double)rx);
	traffic_cols(u, line, size, both, r1, r2, b1, b2);
}

/* The order of the totals: by sent, received or both; the fold last. */
static enum sortkey	tot_sort;

static int
cmp_tot(const void *a, const void *b)
{
	const struct bw_top_row	*x = *(const struct bw_top_row *const *)a;
	const struct bw_top_row	*y = *(const struct bw_top_row *const *)b;
	uint64_t		 vx, vy;
	int			 ox = strcmp(x->name, BW_OTHER_OWNERS) == 0;
	int			 oy = strcmp(y->name, BW_OTHER_OWNERS) == 0;

	if (ox != oy)
		return ox - oy;
	vx = tot_sort == SORT_SENT ? x->tx : tot_sort == SORT_RECV ? x->rx :
	    x->rx + x->tx;
	vy = tot_sort == SORT_SENT ? y->tx : tot_sort == SORT_RECV ? y->rx :
	    y->rx + y->tx;
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * The Processes view as the bytes each program moved today or this
 * month (key t), from the owner history: its busiest process, its
 * share of what bwprocs counted.
 */
static void
draw_totals(struct ui *u, int y)
{
	struct top		*t = u->t;
	const struct bw_top_row	*r;
	char			 line[2048], tmp[KEYLEN], when[BW_FMTLEN];
	char			 b1[BW_FMTLEN], b2[BW_FMTLEN], b3[BW_FMTLEN];
	char			 pid[24], share[16];
	const char		*what, *e;
	uint64_t		 whole;
	enum bw_period		 p;
	size_t			 i;
	int			 n, page, wprog, sel, rv;

	u->killable = 0;
	p = u->tot == TOT_DAY ? BW_PERIOD_DAY : BW_PERIOD_MONTH;
	/* Frozen: the totals read last stay, as the rates do. */
	if (u->frozen && t->tot_state != 0 && t->tot_period == p)
		rv = t->tot_state == 1 ? 0 : -1;
	else
		rv = top_totals(t, p);
	if (rv == -1) {
		for (e = t->tot_err, y++; *e != '\0' && y < LINES - 1; y++) {
			n = (int)strcspn(e, "\n");
			(void)putf(u, y, 1, attr_of(u, P_WARN), "%.*s", n, e);
			e += n + (e[n] == '\n');
		}
		u->nrows[VIEW_PROCS] = 0;
		return;
	}
	whole = t->tot.rx + t->tot.tx;
	(void)bw_fmt_time(when, sizeof(when), t->tot_from,
	    u->tot == TOT_DAY ? "%H:%M" : "%Y-%m-%d");
	what = u->tot == TOT_DAY ? "Today" : "This month";
	if (t->tot.rows == 0) {
		(void)putf(u, y + 1, 1, attr_of(u, P_WARN), "%s (since %s): "
		    "no owner data: bwprocs recorded nothing yet.", what,
		    when);
		u->nrows[VIEW_PROCS] = 0;
		return;
	}
	(void)putf(u, y, 0, A_BOLD, "%s, since %s: RX %s  TX %s  coverage "
	    "%.1f%%", what, when, text_bytes(b1, sizeof(b1), 1,
	    (double)t->tot.rx), text_bytes(b2, sizeof(b2), 1,
	    (double)t->tot.tx), whole > 0 ? (double)t->tot.attributed /
	    (double)whole * 100 : 0.0);
	y++;
	rows_reserve(u, t->tot.n + 1);
	for (i = 0; i < t->tot.n; i++)
		u->trows[i] = &t->tot.v[i];
	tot_sort = u->sort;
	qsort(u->trows, t->tot.n, sizeof(*u->trows), cmp_tot);
	n = (int)t->tot.n;
	wprog = COLS - (W_PID + 1 + 3 * (W_BYTES + 1) + 7);
	if (wprog < 8)
		wprog = 8;
	line[0] = '\0';
	col(line, sizeof(line), "PID", W_PID, 1, u->utf8);
	col(line, sizeof(line), u->cmdline ? "COMMAND" : "PROGRAM", wprog, 0,
	    u->utf8);
	col(line, sizeof(line), "SENT", W_BYTES, 1, u->utf8);
	col(line, sizeof(line), "RECV", W_BYTES, 1, u->utf8);
	col(line, sizeof(line), "TOTAL", W_BYTES, 1, u->utf8);
	col(line, sizeof(line), "SHARE", 6, 1, u->utf8);
	(void)put(u, y, 0, A_BOLD | A_UNDERLINE, line);
	y++;
	page = LINES - 1 - y;
	settle(u, VIEW_PROCS, n, page, tot_key, tmp);
	for (i = (size_t)u->first[VIEW_PROCS]; i < (size_t)n && y < LINES - 1;
	    i++, y++) {
		r = u->trows[i];
		sel = (int)i == u->sel[VIEW_PROCS];
		if (r->pid > 0)
			(void)snprintf(pid, sizeof(pid), "%ld", r->pid);
		else
			(void)snprintf(pid, sizeof(pid), "-");
		(void)snprintf(share, sizeof(share), "%.1f%%", whole > 0 ?
		    (double)(r->rx + r->tx) / (double)whole * 100 : 0.0);
		line[0] = '\0';
		col(line, sizeof(line), pid, W_PID, 1, u->utf8);
		col(line, sizeof(line), u->cmdline && r->cmdline[0] != '\0' ?
		    r->cmdline : r->name, wprog, 0, u->utf8);
		col(line, sizeof(line), text_bytes(b1, sizeof(b1), 1,
		    (double)r->tx), W_BYTES, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b2, sizeof(b2), 1,
		    (double)r->rx), W_BYTES, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b3, sizeof(b3), 1,
		    (double)(r->rx + r->tx)), W_BYTES, 1, u->utf8);
		col(line, sizeof(line), share, 6, 1, u->utf8);
		put_row(u, y, sel, line);
	}
}

static void
draw_procs(struct ui *u, int y)
{
	struct top		*t = u->t;
	const struct bw_proc	*p;
	char			 line[2048], tmp[KEYLEN], ubuf[32];
	char			 prog[sizeof(p->cmdline) + 80];
	char			 pid[24];
	int			 wprog, wcmd, both, n, i, page;
	char			 why[MSGLEN];

	if (u->tot != TOT_LIVE) {
		draw_totals(u, y);
		return;
	}
	y += draw_notice(u, y);
	u->killable = 0;
	if (!t->procs_loaded) {
		u->nrows[VIEW_PROCS] = 0;
		return;
	}
	rows_reserve(u, t->procs.nprocs + 1);
	n = (int)top_sort_procs(t, u->sort, u->cumulative, u->prows);
	wprog = COLS - (W_PID + 1 + W_USER + 1 + 2 * (W_RATE + 1) +
	    2 * (W_BYTES + 1));
	both = wprog >= 16;
	if (!both)
		wprog = COLS - (W_PID + 1 + W_USER + 1 + 2 * (W_RATE + 1));
	if (wprog < 8)
		wprog = 8;
	/*
	 * A name needs no more than W_PROGMAX columns: on a wide terminal
	 * the rates stay beside it, and with l the command line gets a
	 * column of its own, last, with the rest of the width.
	 */
	wcmd = 0;
	if (both && wprog > W_PROGMAX) {
		if (!u->cmdline)
			wprog = W_PROGMAX;
		else if (wprog - W_PROGMAX - 1 >= W_CMDMIN) {
			wcmd = wprog - W_PROGMAX - 1;
			wprog = W_PROGMAX;
		}
	}
	line[0] = '\0';
	col(line, sizeof(line), "PID", W_PID, 1, u->utf8);
	col(line, sizeof(line), "USER", W_USER, 0, u->utf8);
	col(line, sizeof(line), u->cmdline && wcmd == 0 ? "COMMAND" :
	    "PROGRAM", wprog, 0, u->utf8);
	traffic_head(u, line, sizeof(line), both);
	if (wcmd > 0)
		col(line, sizeof(line), "COMMAND", wcmd, 0, u->utf8);
	(void)put(u, y, 0, A_BOLD | A_UNDERLINE, line);
	y++;
	page = LINES - 1 - y;
	settle(u, VIEW_PROCS, n, page, proc_key, tmp);
	for (i = u->first[VIEW_PROCS]; i < n && y < LINES - 1; i++, y++) {
		p = u->prows[i];
		if (p->kind == BW_PROC_PROCESS)
			(void)snprintf(pid, sizeof(pid), "%ld", p->pid);
		else
			(void)snprintf(pid, sizeof(pid), "-");
		line[0] = '\0';
		col(line, sizeof(line), pid, W_PID, 1, u->utf8);
		col(line, sizeof(line), text_user(p, ubuf, sizeof(ubuf)),
		    W_USER, 0, u->utf8);
		col(line, sizeof(line), text_program(prog, sizeof(prog), p,
		    u->cmdline && wcmd == 0), wprog, 0, u->utf8);
		traffic_row(u, line, sizeof(line), both, p->tx_bps, p->rx_bps,
		    p->has_bytes, p->tx_bytes, p->rx_bytes);
		if (wcmd > 0)
			col(line, sizeof(line), p->cmdline, wcmd, 0, u->utf8);
		put_row(u, y, i == u->sel[VIEW_PROCS], line);
	}
	if (n > 0) {
		p = u->prows[u->sel[VIEW_PROCS]];
		u->killable = p->kind == BW_PROC_PROCESS &&
		    top_may_signal(p->pid, p->uid, why, sizeof(why));
	}
}

/* REMOTE: host (or its name) and port (or its service). */
static void
remote_text(const struct ui *u, const struct bw_conn *c, char *out,
    size_t size)
{
	char		host[256], port[16], name[256];
	const char	*svc = NULL;
	int		v6, hp;

	hp = text_hostport(c->remote, host, sizeof(host), port, sizeof(port));
	v6 = strchr(host, ':') != NULL;
	if (u->dns && host[0] != '\0' && dns_name(host, name, sizeof(name)) ==
	    1) {
		(void)snprintf(host, sizeof(host), "%s", name);
		v6 = 0;
	}
	if (u->svc && hp == 0)
		svc = text_service(port, c->proto);
	if (hp == -1)
		(void)snprintf(out, size, "%s", host[0] != '\0' ? host : "-");
	else
		(void)snprintf(out, size, "%s%s%s:%s", v6 ? "[" : "", host,
		    v6 ? "]" : "", svc != NULL ? svc : port);
}

static void
draw_conns(struct ui *u, int y)
{
	struct top		*t = u->t;
	const struct bw_conn	*c;
	char			 line[2048], tmp[KEYLEN], remote[300];
	char			 host[128], port[16], lport[80], proc[160];
	const char		*svc;
	int			 wrem, both, n, i, page;

	u->killable = 0;
	y += draw_notice(u, y);
	if (!t->procs_loaded) {
		u->nrows[VIEW_CONNS] = 0;
		return;
	}
	if (!t->procs.has_conns) {
		(void)put(u, y, 1, attr_of(u, P_WARN), "This procs file has no "
		    "connection list (bwmon 1 wrote it, or an older bwprocs).");
		u->nrows[VIEW_CONNS] = 0;
		return;
	}
	rows_reserve(u, t->procs.nconns + 1);
	n = (int)top_sort_conns(t, u->sort, u->cumulative, u->crows);
	wrem = COLS - (W_PROTO + 1 + W_LPORT + 1 + W_PROC + 1 +
	    2 * (W_RATE + 1) + 2 * (W_BYTES + 1));
	both = wrem >= 24;
	if (!both)
		wrem = COLS - (W_PROTO + 1 + W_LPORT + 1 + W_PROC + 1 +
		    2 * (W_RATE + 1));
	if (wrem < 8)
		wrem = 8;
	line[0] = '\0';
	col(line, sizeof(line), "PROTO", W_PROTO, 0, u->utf8);
	col(line, sizeof(line), "LOCAL", W_LPORT, 1, u->utf8);
	col(line, sizeof(line), "REMOTE", wrem, 0, u->utf8);
	col(line, sizeof(line), "PROCESS", W_PROC, 0, u->utf8);
	traffic_head(u, line, sizeof(line), both);
	(void)put(u, y, 0, A_BOLD | A_UNDERLINE, line);
	y++;
	page = LINES - 1 - y;
	settle(u, VIEW_CONNS, n, page, conn_key, tmp);
	for (i = u->first[VIEW_CONNS]; i < n && y < LINES - 1; i++, y++) {
		c = u->crows[i];
		if (text_hostport(c->local, host, sizeof(host), port,
		    sizeof(port)) == 0) {
			svc = u->svc ? text_service(port, c->proto) : NULL;
			(void)snprintf(lport, sizeof(lport), "%s",
			    svc != NULL ? svc : port);
		} else
			(void)snprintf(lport, sizeof(lport), "%s",
			    c->local[0] != '\0' ? c->local : "-");
		remote_text(u, c, remote, sizeof(remote));
		if (c->pid > 0)
			(void)snprintf(proc, sizeof(proc), "%s/%ld",
			    c->name[0] != '\0' ? c->name : "?", c->pid);
		else
			(void)snprintf(proc, sizeof(proc), "%s",
			    c->name[0] != '\0' ? c->name : "-");
		line[0] = '\0';
		col(line, sizeof(line), c->proto[0] != '\0' ? c->proto : "?",
		    W_PROTO, 0, u->utf8);
		col(line, sizeof(line), lport, W_LPORT, 1, u->utf8);
		col(line, sizeof(line), remote, wrem, 0, u->utf8);
		col(line, sizeof(line), proc, W_PROC, 0, u->utf8);
		traffic_row(u, line, sizeof(line), both, c->tx_bps, c->rx_bps,
		    c->has_bytes, c->tx_bytes, c->rx_bytes);
		put_row(u, y, i == u->sel[VIEW_CONNS], line);
	}
}

static void
draw_ifaces(struct ui *u, int y)
{
	struct top		*t = u->t;
	const struct ifstat	*s;
	char			 line[2048], tmp[KEYLEN];
	char			 name[BW_IFNAMSIZ + 2];
	char			 r1[BW_FMTLEN], r2[BW_FMTLEN], st[64];
	char			 b1[BW_FMTLEN], b2[BW_FMTLEN];
	int			 n = (int)t->nifs, i, page;

	u->killable = 0;
	line[0] = '\0';
	col(line, sizeof(line), "  IFACE", BW_IFNAMSIZ + 1, 0, u->utf8);
	col(line, sizeof(line), "RX/s", W_RATE, 1, u->utf8);
	col(line, sizeof(line), "TX/s", W_RATE, 1, u->utf8);
	col(line, sizeof(line), "RX", W_BYTES + 1, 1, u->utf8);
	col(line, sizeof(line), "TX", W_BYTES + 1, 1, u->utf8);
	col(line, sizeof(line), "BWPROCS", 20, 0, u->utf8);
	(void)put(u, y, 0, A_BOLD | A_UNDERLINE, line);
	y++;
	page = LINES - 1 - y;
	settle(u, VIEW_IFACES, n, page, if_key, tmp);
	for (i = u->first[VIEW_IFACES]; i < n && y < LINES - 1; i++, y++) {
		s = &t->ifs[i];
		(void)snprintf(name, sizeof(name), "%s%s",
		    strcmp(s->name, t->iface) == 0 ? "* " : "  ", s->name);
		line[0] = '\0';
		col(line, sizeof(line), name, BW_IFNAMSIZ + 1, 0, u->utf8);
		col(line, sizeof(line), text_rate(r1, sizeof(r1), s->rx_bps),
		    W_RATE, 1, u->utf8);
		col(line, sizeof(line), text_rate(r2, sizeof(r2), s->tx_bps),
		    W_RATE, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b1, sizeof(b1),
		    s->has_total, s->rx_total), W_BYTES + 1, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b2, sizeof(b2),
		    s->has_total, s->tx_total), W_BYTES + 1, 1, u->utf8);
		col(line, sizeof(line), s->in_netdev ? top_bwprocs_state(t,
		    s->name, st, sizeof(st)) : "(not in net/dev)", 20, 0,
		    u->utf8);
		put_row(u, y, i == u->sel[VIEW_IFACES], line);
	}
	if (y < LINES - 1)
		(void)put(u, y + 1 < LINES - 1 ? y + 1 : y, 1, A_NORMAL,
		    "Enter shows the selected interface; RX and TX count "
		    "since bwtop started.");
}

/*
 * The Hosts view: a router's LAN devices from the hosts file, their
 * rates and bytes since counting began, as the device sees them (SENT
 * is what it sent through the router), sorted as the processes are.
 */
static void
draw_hosts(struct ui *u, int y)
{
	struct top		*t = u->t;
	const struct bw_lanhost	*h;
	char			 line[2048], tmp[KEYLEN], notice[4][MSGLEN];
	char			 r1[BW_FMTLEN], r2[BW_FMTLEN];
	char			 b1[BW_FMTLEN], b2[BW_FMTLEN];
	int			 n, i, k, page, wname, waddr = 16;

	u->killable = 0;
	k = top_hosts_notice(t, notice, 4);
	for (i = 0; i < k && y < LINES - 1; i++, y++)
		(void)put(u, y, 1, attr_of(u, t->hosts_state == FS_STALE ?
		    P_WARN : P_BAD), notice[i]);
	if (t->hosts_loaded && t->hosts.offload[0] != '\0' && y < LINES - 1)
		(void)putf(u, y++, 1, t->hosts.offload_counted == 1 ? A_NORMAL :
		    attr_of(u, P_WARN), "offload: %s %s", t->hosts.offload,
		    t->hosts.offload_counted == 1 ? "counted from conntrack" :
		    "hides bytes from the counting");
	if (!t->hosts_loaded)
		return;
	if (COLS >= 100)
		waddr = 24;
	wname = COLS - 1 - waddr - 1 - 2 * (W_RATE + 1) - 2 * (W_BYTES + 2);
	if (wname < 8)
		wname = 8;
	line[0] = '\0';
	col(line, sizeof(line), "HOST", wname, 0, u->utf8);
	col(line, sizeof(line), "ADDRESS", waddr, 0, u->utf8);
	col(line, sizeof(line), "SENT/s", W_RATE, 1, u->utf8);
	col(line, sizeof(line), "RECV/s", W_RATE, 1, u->utf8);
	col(line, sizeof(line), "SENT", W_BYTES + 1, 1, u->utf8);
	col(line, sizeof(line), "RECV", W_BYTES + 1, 1, u->utf8);
	(void)put(u, y, 0, A_BOLD | A_UNDERLINE, line);
	y++;
	rows_reserve(u, t->hosts.n + 1);
	n = (int)top_sort_hosts(t, u->sort, u->cumulative, u->hrows);
	page = LINES - 1 - y;
	settle(u, VIEW_HOSTS, n, page, host_key, tmp);
	for (i = u->first[VIEW_HOSTS]; i < n && y < LINES - 1; i++, y++) {
		h = u->hrows[i];
		line[0] = '\0';
		col(line, sizeof(line), bw_lanhost_label(h), wname, 0, u->utf8);
		col(line, sizeof(line), h->naddrs > 0 ? h->addrs[0] :
		    h->mac[0] != '\0' ? h->mac : "-", waddr, 0, u->utf8);
		col(line, sizeof(line), text_rate(r1, sizeof(r1), h->tx_bps),
		    W_RATE, 1, u->utf8);
		col(line, sizeof(line), text_rate(r2, sizeof(r2), h->rx_bps),
		    W_RATE, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b1, sizeof(b1), 1,
		    (double)h->tx), W_BYTES + 1, 1, u->utf8);
		col(line, sizeof(line), text_bytes(b2, sizeof(b2), 1,
		    (double)h->rx), W_BYTES + 1, 1, u->utf8);
		put_row(u, y, i == u->sel[VIEW_HOSTS], line);
	}
	if (n == 0 && y < LINES - 1)
		(void)put(u, y, 1, A_NORMAL, "No device has moved a byte "
		    "through the router yet.");
	else if (y < LINES - 1)
		(void)put(u, y + 1 < LINES - 1 ? y + 1 : y, 1, A_NORMAL,
		    "SENT and RECV: what each device sent and received through "
		    "the router.");
}

static void
draw_help(struct ui *u)
{
	static const char *const	text[] = {
	    "Views",
	    "  Tab, Shift-Tab  next, previous view: Processes, Connections,"
	    " Interfaces,",
	    "                  and Hosts on a router's LAN interface",
	    "  H               the Hosts view: the LAN devices, their rates "
	    "and bytes",
	    "  i, I            next, previous interface",
	    "  Enter           (Interfaces) show the selected interface",
	    "Display",
	    "  c   rates <-> cumulative bytes (since bwprocs started)",
	    "  t   (Processes) today's, this month's bytes per program, live",
	    "  s   sort by sent     r   sort by received   (again: by total)",
	    "  l   program name <-> command line",
	    "  n   reverse DNS of remote hosts, looked up in the background",
	    "  p   port numbers <-> service names",
	    "  f   freeze: stop reading new data, keep the numbers shown",
	    "Moving",
	    "  Up, Down, PgUp, PgDn, Home, End   move the selection",
	    "Acting",
	    "  k   send SIGTERM to the selected process, after y/n; offered",
	    "      only for processes you may signal (yours, or any as root)",
	    "Other",
	    "  ?, h   this help         Ctrl-L   redraw         q   quit",
	};
	size_t	i;
	int	y = 2;

	(void)put(u, 0, 0, attr_of(u, P_TITLE), "bwtop help: the keys");
	(void)put(u, 0, COLS > 40 ? COLS - 22 : 30, A_NORMAL,
	    "any key goes back");
	for (i = 0; i < sizeof(text) / sizeof(text[0]) && y < LINES - 1;
	    i++, y++)
		(void)put(u, y, 1, text[i][0] != ' ' ? A_BOLD : A_NORMAL,
		    text[i]);
	(void)putf(u, LINES - 1, 1, A_NORMAL, "data %s   interface %s   every "
	    "%g s", u->t->dir, u->t->iface, u->t->interval);
}

static void
draw_footer(struct ui *u)
{
	int	y = LINES - 1;

	if (u->confirm) {
		(void)putf(u, y, 0, attr_of(u, P_BAD) | A_REVERSE,
		    "Send SIGTERM to process %ld (%s)? [y/n] ", u->kpid,
		    u->kdesc);
		return;
	}
	if (u->status[0] != '\0' && bw_mono() < u->status_until) {
		(void)put(u, y, 0, attr_of(u, P_WARN), u->status);
		return;
	}
	u->status[0] = '\0';
	(void)putf(u, y, 0, A_REVERSE, "%sq:quit ?:help Tab:view %si:iface "
	    "c:cumul t:totals s/r:sort l:cmd n:dns p:port f:freeze",
	    u->killable ? "k:kill " : "", hosts_offered(u) ? "H:hosts " : "");
}

static void
draw(struct ui *u)
{
	(void)erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		(void)putf(u, 0, 0, A_BOLD, "%dx%d is too small", COLS, LINES);
		(void)putf(u, 1, 0, A_NORMAL, "bwtop needs %dx%d", MIN_COLS,
		    MIN_LINES);
		(void)refresh();
		return;
	}
	if (u->help)
		draw_help(u);
	else {
		draw_header(u);
		switch (u->view) {
		case VIEW_PROCS:
			draw_procs(u, HEAD_ROWS);
			break;
		case VIEW_CONNS:
			draw_conns(u, HEAD_ROWS);
			break;
		case VIEW_HOSTS:
			draw_hosts(u, HEAD_ROWS);
			break;
		default:
			draw_ifaces(u, HEAD_ROWS);
			break;
		}
		draw_footer(u);
	}
	(void)refresh();
}

static void
move_sel(struct ui *u, int delta, int absolute)
{
	enum view	v = u->view;
	int		n = u->nrows[v];

	if (absolute)
		u->sel[v] = delta < 0 ? 0 : n - 1;
	else
		u->sel[v] += delta;
	if (u->sel[v] >= n)
		u->sel[v] = n - 1;
	if (u->sel[v] < 0)
		u->sel[v] = 0;
	u->moved[v] = 1;
}

/* k: ask before signalling the selected process. */
static void
ask_kill(struct ui *u)
{
	const struct bw_proc	*p;
	char			 why[MSGLEN];
	int			 i = u->sel[VIEW_PROCS];

	if (u->view != VIEW_PROCS) {
		set_status(u, "k works in the Processes view");
		return;
	}
	if (u->tot != TOT_LIVE) {
		set_status(u, "k: these are programs over a period; t goes "
		    "back to the live processes");
		return;
	}
	if (u->nrows[VIEW_PROCS] == 0 || i >= u->nrows[VIEW_PROCS]) {
		set_status(u, "k: no process selected");
		return;
	}
	p = u->prows[i];
	if (p->kind != BW_PROC_PROCESS || p->pid <= 0) {
		set_status(u, "k: %s is not a process: nothing to signal",
		    p->name);
		return;
	}
	if (!top_may_signal(p->pid, p->uid, why, sizeof(why))) {
		set_status(u, "k: %s", why);
		return;
	}
	u->kpid = p->pid;
	u->kuid = p->uid;
	if (top_proc_cmdline(p->pid, u->kdesc, sizeof(u->kdesc)) == -1 ||
	    u->kdesc[0] == '\0')
		(void)snprintf(u->kdesc, sizeof(u->kdesc), "%s", p->name);
	u->confirm = 1;
}

static void
answer_kill(struct ui *u, int ch)
{
	char	why[MSGLEN];

	u->confirm = 0;
	if (ch != 'y' && ch != 'Y') {
		set_status(u, "SIGTERM not sent to %ld", u->kpid);
		return;
	}
	/* Check again: the process may have gone while we asked. */
	if (!top_may_signal(u->kpid, u->kuid, why, sizeof(why)))
		set_status(u, "not sent: %s", why);
	else if (kill((pid_t)u->kpid, SIGTERM) == -1)
		set_status(u, "kill %ld: %s", u->kpid, strerror(errno));
	else
		set_status(u, "SIGTERM sent to %ld (%s)", u->kpid, u->kdesc);
}

static void
toggle_dns(struct ui *u)
{
	if (u->dns) {
		u->dns = 0;
		set_status(u, "reverse DNS off");
		return;
	}
	if (dns_start() == -1) {
		set_status(u, "reverse DNS unavailable: %s", strerror(errno));
		return;
	}
	u->dns = 1;
	set_status(u, "reverse DNS on: names appear as lookups finish");
}

/* One key; returns 1 to quit. */
static int
key(struct ui *u, int ch)
{
	/* A message stays until the next key, or a few seconds. */
	u->status[0] = '\0';
	if (u->confirm) {
		answer_kill(u, ch);
		return 0;
	}
	if (u->help) {
		u->help = 0;
		return 0;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case '?':
	case 'h':
	case KEY_F(1):
		u->help = 1;
		break;
	case '\t':
		u->view = next_view(u, 1);
		break;
	case KEY_BTAB:
		u->view = next_view(u, -1);
		break;
	case 'H':
		if (hosts_offered(u))
			u->view = VIEW_HOSTS;
		else
			set_status(u, "H: %s has no LAN devices: bwprocs "
			    "counts them on a router's LAN interface",
			    u->t->iface);
		break;
	case 'i':
	case 'I':
		top_next_iface(u->t, ch == 'i' ? 1 : -1);
		u->sel[VIEW_PROCS] = u->sel[VIEW_CONNS] = 0;
		u->key[VIEW_PROCS][0] = u->key[VIEW_CONNS][0] = '\0';
		set_status(u, "interface %s", u->t->iface);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (u->view == VIEW_IFACES && u->nrows[VIEW_IFACES] > 0 &&
		    (size_t)u->sel[VIEW_IFACES] < u->t->nifs) {
			top_set_iface(u->t,
			    u->t->ifs[u->sel[VIEW_IFACES]].name);
			u->key[VIEW_PROCS][0] = u->key[VIEW_CONNS][0] = '\0';
			u->view = VIEW_PROCS;
		}
		break;
	case 'c':
		u->cumulative = !u->cumulative;
		break;
	case 't':
		u->view = VIEW_PROCS;
		u->tot = (enum totals)((u->tot + 1) % 3);
		u->sel[VIEW_PROCS] = 0;
		u->key[VIEW_PROCS][0] = '\0';
		set_status(u, u->tot == TOT_DAY ? "today's bytes per program" :
		    u->tot == TOT_MONTH ? "this month's bytes per program" :
		    "live rates");
		break;
	case 's':
		u->sort = u->sort == SORT_SENT ? SORT_TOTAL : SORT_SENT;
		break;
	case 'r':
		u->sort = u->sort == SORT_RECV ? SORT_TOTAL : SORT_RECV;
		break;
	case 'l':
		u->cmdline = !u->cmdline;
		break;
	case 'n':
		toggle_dns(u);
		break;
	case 'p':
		u->svc = !u->svc;
		break;
	case 'f':
		u->frozen = !u->frozen;
		set_status(u, u->frozen ? "frozen: press f to go on" :
		    "live again");
		break;
	case 'k':
		ask_kill(u);
		break;
	case KEY_UP:
		move_sel(u, -1, 0);
		break;
	case KEY_DOWN:
		move_sel(u, 1, 0);
		break;
	case KEY_PPAGE:
		move_sel(u, -u->page, 0);
		u->first[u->view] -= u->page;
		break;
	case KEY_NPAGE:
		move_sel(u, u->page, 0);
		u->first[u->view] += u->page;
		break;
	case KEY_HOME:
		move_sel(u, -1, 1);
		break;
	case KEY_END:
		move_sel(u, 1, 1);
		break;
	case 12:	/* Ctrl-L */
		(void)clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Run the screen until q, a signal, or count refreshes (0: no limit).
 * -1 with errno when the terminal cannot be set up.
 */
int
screen_run(struct top *t, long long count, int utf8)
{
	struct ui	 u;
	SCREEN		*scr;
	const char	*nc = getenv("NO_COLOR");
	double		 next, now;
	long long	 done = 1;
	int		 ch, ms, dirty;

	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		errno = ENOTTY;
		return -1;
	}
	curses_on = 1;
	(void)atexit(screen_restore);
	memset(&u, 0, sizeof(u));
	u.t = t;
	u.utf8 = utf8;
	(void)cbreak();
	(void)noecho();
	(void)nonl();
	(void)keypad(stdscr, TRUE);
	(void)curs_set(0);
	(void)set_escdelay(50);
	/*
	 * Home and End as tmux, screen and rxvt send them, which the
	 * terminfo entry of the outer terminal may not list.
	 */
	(void)define_key("\033[1~", KEY_HOME);
	(void)define_key("\033[7~", KEY_HOME);
	(void)define_key("\033[H", KEY_HOME);
	(void)define_key("\033OH", KEY_HOME);
	(void)define_key("\033[4~", KEY_END);
	(void)define_key("\033[8~", KEY_END);
	(void)define_key("\033[F", KEY_END);
	(void)define_key("\033OF", KEY_END);
	if (has_colors() && (nc == NULL || *nc == '\0') &&
	    start_color() == OK) {
		u.color = 1;
		(void)use_default_colors();
		(void)init_pair(P_RX, COLOR_GREEN, -1);
		(void)init_pair(P_TX, COLOR_CYAN, -1);
		(void)init_pair(P_WARN, COLOR_YELLOW, -1);
		(void)init_pair(P_BAD, COLOR_RED, -1);
	}

	next = bw_mono() + t->interval;
	draw(&u);
	while (!got_signal && (count == 0 || done < count)) {
		now = bw_mono();
		ms = (int)ceil((next - now) * 1000);
		timeout(ms > 0 ? ms : 0);
		ch = getch();
		if (got_signal)
			break;
		dirty = ch != ERR;
		/*
		 * After a resize the terminal may have moved what it showed
		 * (tmux keeps the cursor's line in view): repaint it all.
		 */
		if (ch == KEY_RESIZE)
			(void)clearok(curscr, TRUE);
		if (ch != ERR && ch != KEY_RESIZE && key(&u, ch))
			break;
		now = bw_mono();
		if (now >= next) {
			if (!u.frozen)
				top_update(t);
			done++;
			next += t->interval;
			if (next <= now)
				next = now + t->interval;
			dirty = 1;
		}
		if (dirty)
			draw(&u);
	}
	screen_restore();
	(void)delscreen(scr);
	free(u.prows);
	free(u.crows);
	free(u.trows);
	free(u.hrows);
	dns_stop();
	return 0;
}
