/*
 * The owner history bwprocs keeps (ownerlog.c): every owners_interval
 * seconds, who moved the interface's bytes, appended to
 * owners_<iface>.jsonl; the hourly and daily rollups and the trims, in
 * a child process; the per-program totals of ownertotals_<iface>.json.
 * The file formats are lib/owners.c's and lib/ownertotals.c's.
 */
#ifndef BWPROCS_OWNERLOG_H
#define BWPROCS_OWNERLOG_H

struct bw_conf;
struct ownerlog;		/* opaque */
struct table;

/*
 * ol_open: the owner history of iface in datadir, by the settings of
 * conf (read now: a new configuration needs a new ownerlog), for the
 * rows and connections of t from now on; it reads the newest row and
 * the totals back and starts the catch-up of the rollups.  NULL with
 * errno.
 * ol_tick: once a second, at wall clock now: the interval's rows when
 * it ends, the rollups when an hour ends, the child reaped.
 * ol_flush: the rows of the interval so far (at a stop or a reload),
 * with the interval's start as their ts.
 * ol_close: stop a rollup still running, and free.
 */
struct ownerlog	*ol_open(const char *, const char *, const struct bw_conf *,
		    struct table *, double);
void		 ol_tick(struct ownerlog *, double);
void		 ol_flush(struct ownerlog *, double);
void		 ol_close(struct ownerlog *);

#endif /* BWPROCS_OWNERLOG_H */
