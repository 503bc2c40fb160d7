/*
 * bwtop: what the pieces of the program share.  model.c reads the data
 * directory and /proc/net/dev, text.c formats for a fixed-width screen,
 * batch.c prints plain snapshots, screen.c is the curses front end (the
 * only file that includes curses), dns.c resolves addresses off the main
 * thread.
 */
#ifndef BWTOP_H
#define BWTOP_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "eventlog.h"
#include "hosts.h"
#include "owners.h"
#include "procs.h"
#include "totals.h"
#include "util.h"

#define GRAPH_SECS	60	/* the header graph's span */
#define OWN_RING	128	/* own net/dev readings kept for it */
#define MSGLEN		320
#define PATHLEN		4096	/* a data file's path */

enum view	{ VIEW_PROCS, VIEW_CONNS, VIEW_IFACES, VIEW_HOSTS, NVIEWS };
enum sortkey	{ SORT_TOTAL, SORT_SENT, SORT_RECV };
enum fstate	{ FS_OK, FS_STALE, FS_MISSING, FS_ERROR };
enum totals	{ TOT_LIVE, TOT_DAY, TOT_MONTH };	/* the process view */

/* One interface as bwtop sees it: counters, rates and totals. */
struct ifstat {
	char		name[BW_IFNAMSIZ];
	int		in_netdev;	/* in the last net/dev reading */
	int		has_files;	/* has live_ or procs_ files */
	int		primed;		/* rx, tx hold a reading */
	uint64_t	rx, tx;		/* the last counters */
	double		rx_bps, tx_bps;	/* NAN before 2 readings */
	int		has_total;
	double		rx_total, tx_total;	/* since `since` */
	double		since;
	double		live_last;	/* newest live sample counted */
};

/* A rate over (end - dur, end]. */
struct sample {
	double	end, dur, rx, tx;
};

/* What identifies a version of a file, to skip re-reading it. */
struct fstamp {
	int		valid;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtim;
};

struct top {
	const char	*dir;
	const char	*procdir;
	char		 iface[BW_IFNAMSIZ];
	double		 interval;	/* -s */

	struct ifstat	*ifs;		/* sorted by name */
	size_t		 nifs;
	double		 nd_mono;	/* when net/dev was last read */
	char		 nd_err[MSGLEN];
	struct fstamp	 dir_st;

	/* A ring of readings of the current interface. */
	struct sample	 own[OWN_RING];
	size_t		 own_head, nown;

	struct fstamp	 live_st;
	enum fstate	 live_state;
	char		 live_err[MSGLEN];
	struct bw_live	*live;
	int		 live_loaded;	/* live holds samples */

	char		 procs_path[PATHLEN];
	struct fstamp	 procs_st;
	enum fstate	 procs_state;
	char		 procs_err[MSGLEN];
	struct bw_procs	 procs;
	int		 procs_loaded;	/* procs holds a file's rows */

	/* An alert of the interface that fired and has not cleared. */
	struct fstamp	 alert_st;
	int		 alert_open;
	struct bw_event	 alert;
	/* A router's LAN devices, when the interface has a hosts file. */
	char		 hosts_path[PATHLEN];
	struct fstamp	 hosts_st;
	enum fstate	 hosts_state;
	char		 hosts_err[MSGLEN];
	struct bw_lanhosts	 hosts;
	int		 hosts_loaded;

	double		 now;		/* bw_now() when updated */
	double		 rx_now, tx_now;	/* header rates or NAN */
	const char	*src;		/* where they come from */

	/* Per-program totals of today or this month (key t). */
	int		 msd;		/* month_start_day */
	struct bw_top	 tot;
	int		 tot_state;	/* 0 unread, 1 read, -1 none */
	enum bw_period	 tot_period;
	char		 tot_iface[BW_IFNAMSIZ];
	double		 tot_mono;	/* when read */
	int64_t		 tot_from;	/* the period's start */
	char		 tot_err[MSGLEN];
};

/* model.c */
int		 top_init(struct top *, const char *, const char *, double);
void		 top_free(struct top *);
void		 top_update(struct top *);
void		 top_set_iface(struct top *, const char *);
struct ifstat	*top_ifstat(const struct top *, const char *);
void		 top_next_iface(struct top *, int);
int		 top_live_fresh(const struct top *);
int		 top_graph(const struct top *, int, double *, double *);
void		 top_procs_line(const struct top *, char *, size_t);
int		 top_procs_notice(const struct top *, char (*)[MSGLEN], int);
size_t		 top_sort_procs(const struct top *, enum sortkey, int,
		    const struct bw_proc **);
size_t		 top_sort_conns(const struct top *, enum sortkey, int,
		    const struct bw_conn **);
size_t		 top_sort_hosts(const struct top *, enum sortkey, int,
		    const struct bw_lanhost **);
int		 top_hosts_notice(const struct top *, char (*)[MSGLEN], int);
const char	*top_bwprocs_state(const struct top *, const char *, char *,
		    size_t);
int		 top_may_signal(long, long long, char *, size_t);
int		 top_proc_cmdline(long, char *, size_t);
int		 top_totals(struct top *, enum bw_period);
void		 top_alert_line(const struct top *, char *, size_t, int);
void		 top_bwprocs_cmd(const struct top *, char *, size_t);

/* text.c */
int		 text_fit(char *, size_t, const char *, int, int, int);
char		*text_rate(char *, size_t, double);
char		*text_bytes(char *, size_t, int, double);
char		*text_age(char *, size_t, double);
char		*text_pct(char *, size_t, double);
const char	*text_user(const struct bw_proc *, char *, size_t);
char		*text_program(char *, size_t, const struct bw_proc *, int);
int		 text_hostport(const char *, char *, size_t, char *, size_t);
const char	*text_service(const char *, const char *);

/* batch.c */
int		 batch_run(struct top *, long long);

/* screen.c */
int		 screen_usable(void);
int		 screen_run(struct top *, long long, int);

/* dns.c */
int		 dns_start(void);
int		 dns_name(const char *, char *, size_t);
void		 dns_stop(void);

/* bwtop.c: the signal that ended the run, 0 if none. */
extern volatile sig_atomic_t	got_signal;

#endif /* BWTOP_H */
