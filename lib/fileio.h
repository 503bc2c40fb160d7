/*
 * How bwmon writes and reads its data files: whole-file replacement by
 * temp + fsync + rename, appends of complete lines under flock, and
 * bounded reads that refuse symlinks.
 */
#ifndef BW_FILEIO_H
#define BW_FILEIO_H

#include <sys/types.h>

#include <stddef.h>

int	bw_write_all(int, const void *, size_t);
int	bw_write_atomic(const char *, const void *, size_t);
int	bw_append_line(const char *, const char *, size_t);
int	bw_append_fd(int, const char *, size_t);
int	bw_read_file(const char *, size_t, char **, size_t *);
int	bw_pread_all(int, void *, size_t, off_t, size_t *);
int	bw_read_tail(int, size_t, char *, size_t *);
int	bw_fsync_dir(const char *);

#endif /* BW_FILEIO_H */
