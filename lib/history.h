/*
 * The 5-minute history, bw_<iface>.csv: reading it (bwmon v1 rows and
 * ours), and reducing a time range to buckets and statistics.  bwhistory,
 * bwtotal and the web endpoints all count through here, so they agree.
 */
#ifndef BW_HISTORY_H
#define BW_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define BW_GAP_SECONDS		3600	/* a longer interval is a gap */
#define BW_V1_FIRST_INTERVAL	300	/* a v1 file's first row */
#define BW_HIST_MAX		(256 << 20)

struct bw_row {
	int64_t	ts;		/* end of the interval, epoch seconds */
	double	interval;	/* seconds the row covers */
	double	rx_bps, tx_bps;	/* as stored */
	double	rx_bytes;	/* exact (ours) or rate x interval (v1) */
	double	tx_bytes;
	int	gap;		/* interval > BW_GAP_SECONDS: no rate sample */
	int	v1;		/* a three-column bwmon v1 row */
};

struct bw_hist {
	struct bw_row	*rows;
	size_t		 n;
	size_t		 blank;		/* empty lines */
	size_t		 bad;		/* garbage, torn or out-of-order */
};

struct bw_dirstats {
	double	bytes;		/* all rows, gaps included */
	double	avg_bps;	/* bytes x 8 / seconds, over rate samples */
	double	peak_bps;	/* highest row rate */
	double	p95_bps;	/* 95th percentile of row rates (nearest rank) */
};

struct bw_stats {
	struct bw_dirstats	rx, tx;
	size_t			samples;	/* rows in range */
	size_t			gaps;		/* of which gaps */
	int64_t			first, last;	/* row ts, 0 when none */
};

struct bw_bucket {
	int64_t	start;
	double	rx_bytes, tx_bytes;	/* all rows */
	double	rx_peak, tx_peak;
	double	rate_bytes_rx, rate_bytes_tx, seconds;	/* rate samples */
	size_t	samples;
};

/* What reading a whole file found, for a series taken from its text. */
struct bw_histsum {
	size_t	n;		/* good rows */
	size_t	blank;		/* empty lines */
	size_t	bad;		/* garbage, torn or out-of-order */
	int64_t	first, last;	/* ts of the first and last good rows */
};

struct bw_series {
	int64_t			 from, to;	/* [from, to) */
	int64_t			 step;		/* bucket seconds */
	size_t			 nb;
	struct bw_bucket	*b;
	struct bw_stats		 stats;
};

int	bw_hist_parse(const char *, size_t, struct bw_hist *);
int	bw_hist_read(const char *, struct bw_hist *);
int	bw_hist_open(int, const char *);
int	bw_hist_text(int, const char *, char **, size_t *);
int	bw_hist_load(int, const char *, struct bw_hist *);
void	bw_hist_free(struct bw_hist *);
double	bw_row_mid(const struct bw_row *);
int	bw_range_parse(const char *, int64_t *);
int64_t	bw_bucket_step(int64_t, size_t);
int	bw_hist_stats(const struct bw_hist *, int64_t, int64_t,
	    struct bw_stats *);
int	bw_hist_series(const struct bw_hist *, int64_t, int64_t, int64_t,
	    struct bw_series *);
int	bw_hist_series_text(const char *, size_t, int64_t, int64_t,
	    int64_t, struct bw_series *, struct bw_histsum *);
void	bw_series_free(struct bw_series *);
double	bw_bucket_avg(const struct bw_bucket *, int);

#endif /* BW_HISTORY_H */
