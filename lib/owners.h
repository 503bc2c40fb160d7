/*
 * The owner history: who moved the bytes of an interface, interval by
 * interval, for months.  bwprocs appends, every owners_interval
 * seconds, one JSON line per owner (a program as a user names it: its
 * name, user and systemd unit, container or network namespace; or an
 * unattributed row such as "[forwarded]") with the bytes it moved and
 * where they went; the top owners_top owners, the rest folded into
 * "[other owners]", so an interval's lines sum to what bwprocs counted.
 *
 * Three files per interface, one per resolution: owners_<if>.jsonl
 * (the interval, kept BW_OWNERS_KEEP_FULL days), owners1h_<if>.jsonl
 * (hours, BW_OWNERS_KEEP_HOURLY days) and owners1d_<if>.jsonl (local
 * days, retention_days).  Each coarser row is the exact sum of the rows
 * it stands for (then folded to the top again, keeping at most
 * BW_ROLLUP_REMOTES remotes an owner), so six months fit in some 30 MB.  Command lines are
 * stored once, in cmdlines_<if>.jsonl, and rows name them by an id.
 * bwmon-files(5) documents the format.
 */
#ifndef BW_OWNERS_H
#define BW_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#include "datadir.h"

#define BW_OWNERS_KEEP_FULL	8	/* days of full-resolution rows */
#define BW_OWNERS_KEEP_HOURLY	32	/* days of hourly rows */
#define BW_ROLLUP_REMOTES	10	/* remotes an hourly or daily row keeps */
#define BW_OWNERS_FILEMAX	((size_t)256 << 20)	/* largest file read */
#define BW_CMDID_LEN		16	/* hex digits of a command line id */
#define BW_OTHER_OWNERS		"[other owners]"
#define BW_OTHER_REMOTES	"[other remotes]"
#define BW_OTHER_DEVICES	"[other hosts]"

/* Where a remote endpoint's bytes went: "203.0.113.5:443", "[::1]:53". */
struct bw_remote {
	char		addr[72];
	uint64_t	rx, tx;
};

/*
 * One owner over one interval (or the sum of several).  Strings are
 * "" when unknown; unattributed rows have a name in brackets and no
 * user.
 */
struct bw_owner {
	int64_t			 ts;		/* the interval's start */
	int			 len;		/* its seconds */
	char			 prog[128];
	char			 user[64];
	char			 unit[128];
	char			 container[128];
	char			 netns[64];
	uint64_t		 rx, tx;
	long			 pid;		/* its busiest process */
	uint64_t		 pidbytes;	/* what that one moved */
	char			 cmd[BW_CMDID_LEN + 1];	/* its command line */
	char			 host[128];	/* a device's name (BW_BY_HOST) */
	char			 was[128];	/* BW_BY_HOST: ids its earlier
						   rows had, space-separated */
	int			 merged;	/* BW_BY_HOST: its bytes moved to
						   the device it was */
	struct bw_remote	*rem;
	size_t			 nrem, remcap;
};

/* A set of owners, merged by who they are. */
struct bw_owners {
	struct bw_owner	*v;
	size_t		 n, cap;
	size_t		*slot;		/* hash index: 1 + index, 0 empty */
	size_t		 nslot;
};

/* What a reader groups the owners by. */
enum bw_by {
	BW_BY_PROGRAM,
	BW_BY_USER,
	BW_BY_UNIT,
	BW_BY_CONTAINER,
	BW_BY_REMOTE,
	BW_BY_HOST	/* a router's LAN devices: the host history */
};

/* A reader's answer: one row per group, busiest first. */
struct bw_top_row {
	char		name[128];
	uint64_t	rx, tx;
	long		pid;		/* the busiest process, -1 none */
	char		cmd[BW_CMDID_LEN + 1];
	char		prog[128];	/* its program, for --by user etc. */
	char		cmdline[512];	/* bw_top_cmdlines() fills it */
	char		id[128];	/* BW_BY_HOST: the device's id */
};

struct bw_top {
	struct bw_top_row	*v;
	size_t			 n;
	uint64_t		 rx, tx;	/* every row's bytes */
	uint64_t		 attributed;	/* of processes */
	int64_t			 from, to;	/* what the rows cover */
	int64_t			 first;		/* the oldest row kept, or 0 */
	size_t			 rows, bad;	/* lines read, lines skipped */
	int			 resolution;	/* the coarsest row's seconds */
};

/*
 * A kind of history row, for what the owner and host histories share:
 * the rollup catch-up and the trim.  span gives a row line's ts and end
 * (-1: not a row); add parses a line into set (1: not a row, skipped;
 * -1: error); emit appends set's rows for [start, start + len) to a
 * buffer and empties set; clear frees set.
 */
typedef int	(*bw_row_span_fn)(const char *, size_t, int64_t *, int64_t *);

struct bw_rowops {
	void		*set;
	int		 hourly;	/* hours; 0: local days */
	bw_row_span_fn	 span;
	int		(*add)(void *, const char *, size_t);
	size_t		(*count)(const void *);
	int		(*emit)(void *, int64_t, int, char **, size_t *,
			    size_t *);
	void		(*clear)(void *);
};

/* A tier's age: days, or retention_days + extra when days is 0. */
struct bw_tier_keep {
	enum bw_kind	k;
	int		days, extra;
};

int	bw_rows_catchup(const char *, const char *, enum bw_kind,
	    enum bw_kind, int64_t, const struct bw_rowops *, size_t *);
int	bw_tiers_trim(const char *, const char *, double, int,
	    const struct bw_tier_keep *, size_t, bw_row_span_fn);
int	bw_buf_add(char **, size_t *, size_t *, const char *, size_t);

void	bw_owners_init(struct bw_owners *);
void	bw_owners_free(struct bw_owners *);
int	bw_owners_add(struct bw_owners *, const struct bw_owner *);
long	bw_owners_index(const struct bw_owners *, const struct bw_owner *);
int	bw_owner_add_remote(struct bw_owner *, const char *, uint64_t,
	    uint64_t);
void	bw_owner_clear(struct bw_owner *);
void	bw_owner_utf8(const char *, char *);
void	bw_owner_add_was(struct bw_owner *, const char *);
int	bw_owners_fold(struct bw_owners *, size_t, size_t);
int	bw_owners_append(const char *, int64_t, int,
	    const struct bw_owners *);
struct json_t;
struct json_t *bw_row_load(const char *, size_t, const char *,
	    struct bw_owner *, int *);
int	bw_owner_parse(const char *, size_t, struct bw_owner *);
int	bw_owners_read(int, enum bw_kind, const char *, int64_t, int64_t,
	    struct bw_owners *, size_t *, size_t *);
int	bw_owners_rollup(const char *, const char *, enum bw_kind,
	    enum bw_kind, int64_t, int64_t, size_t);
int	bw_owners_catchup(const char *, const char *, enum bw_kind,
	    enum bw_kind, int64_t, size_t, size_t *);
int	bw_owners_last(int, enum bw_kind, const char *, int64_t *,
	    int64_t *);
int	bw_owners_trim(const char *, const char *, double, int);

int	bw_by_parse(const char *, enum bw_by *);
const char *bw_by_name(enum bw_by);
const char *bw_by_title(enum bw_by);
int	bw_owners_top(int, const char *, int64_t, int64_t, enum bw_by,
	    size_t, struct bw_top *);
void	bw_top_free(struct bw_top *);

/*
 * bw_owners_topseries(): the bytes of each row of a bw_top in buckets,
 * for a chart that stacks its top owners.
 */
#define BW_SERIES_MAX	10000		/* buckets one call may fill */

struct bw_topseries {
	int64_t		 start, step;	/* the first bucket's start, length */
	size_t		 nb;		/* buckets */
	uint64_t	*total;		/* [nb]: every byte of each bucket */
	uint64_t	*bytes;		/* row i, bucket k: [i * nb + k] */
	uint64_t	*rx;		/* of those, received; as bytes */
};

int	bw_owners_topseries(int, const char *, int64_t, int64_t, enum bw_by,
	    size_t, int64_t, struct bw_top *, struct bw_topseries *);
void	bw_topseries_free(struct bw_topseries *);

void	bw_cmd_id(const char *, char *);
int	bw_cmdlines_append(const char *, const char *, const char *,
	    int64_t);
int	bw_cmdlines_lookup(int, const char *, const char *, char *, size_t);
int	bw_top_cmdlines(int, const char *, struct bw_top *);

#endif /* BW_OWNERS_H */
