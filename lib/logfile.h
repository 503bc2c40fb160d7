/*
 * Append-only line files: the history CSV, the spike and alert logs, the
 * totals logs and every log added later go through this one appender and
 * this one trim.  Lines are appended whole, under an exclusive flock(2),
 * after repairing a line a killed writer tore; a write that fails is
 * taken back; a trim replaces the file atomically under the same lock.
 */
#ifndef BW_LOGFILE_H
#define BW_LOGFILE_H

#include <sys/types.h>

#include <stddef.h>

/* A log open for appending, locked until bw_log_close(). */
struct bw_log {
	int	fd;
	off_t	size;		/* its size: where our lines start */
	int	created;	/* this open created it */
};

/* The time stamp of a line, or -1 when the line has none to judge. */
typedef double	(*bw_line_ts_fn)(const char *, const char *);

int	bw_log_open(const char *, struct bw_log *);
int	bw_log_write(struct bw_log *, const char *, size_t);
int	bw_log_truncate(struct bw_log *, off_t);
void	bw_log_close(struct bw_log *);
int	bw_log_append(const char *, const char *, size_t);
int	bw_log_trim(const char *, bw_line_ts_fn, double, size_t, size_t *);
double	bw_line_csv_ts(const char *, const char *);
double	bw_line_json_num(const char *, const char *, const char *);
double	bw_line_json_ts(const char *, const char *);

#endif /* BW_LOGFILE_H */
