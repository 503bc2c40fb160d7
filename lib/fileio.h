/*
 * How bwmon writes and reads its data files: whole-file replacement by
 * temp + fsync + rename, files republished every second (struct
 * bw_pubfile), and bounded reads that refuse symlinks and anything but
 * regular files.  Appends go through logfile.h.
 */
#ifndef BW_FILEIO_H
#define BW_FILEIO_H

#include <sys/types.h>

#include <stddef.h>

/* How far bw_write_atomic_sync() goes to make a replacement durable. */
enum bw_sync {
	BW_SYNC_ALL,	/* fsync the file and, after the rename, its directory */
	BW_SYNC_FILE,	/* fsync the file only: the rename may be lost */
	BW_SYNC_NONE,	/* rename only: for files rewritten every second */
};

/*
 * A file a daemon keeps replacing (procs_<if>.json, live_<if>.json,
 * ...): bw_pub_init names it, bw_pub_write publishes a new content
 * whole, bw_pub_close lets go of it (the file stays).
 */
struct bw_pubfile {
	const char	*path;
	char		 next[4200];	/* the hidden other name */
	int		 fd;		/* the inode under next */
	int		 pubfd;		/* the one published, if known */
	int		 mode;		/* -1: names cannot be exchanged */
};

int	bw_pub_init(struct bw_pubfile *, const char *);
int	bw_pub_write(struct bw_pubfile *, const void *, size_t);
void	bw_pub_close(struct bw_pubfile *);

int	bw_write_all(int, const void *, size_t);
int	bw_write_atomic(const char *, const void *, size_t);
int	bw_write_atomic_sync(const char *, const void *, size_t, enum bw_sync);
int	bw_open_regular(const char *, int, mode_t);
int	bw_open_regular_at(int, const char *, int, mode_t);
int	bw_own_like_dir(int, const char *, int);
int	bw_ends_torn(int, off_t);
int	bw_read_all(int, size_t, size_t, char **, size_t *);
int	bw_read_fd(int, size_t, char **, size_t *);
int	bw_read_file(const char *, size_t, char **, size_t *);
int	bw_read_file_at(int, const char *, size_t, char **, size_t *);
int	bw_pread_all(int, void *, size_t, off_t, size_t *);
int	bw_read_tail(int, size_t, char *, size_t *);
int	bw_fsync_dir(const char *);

#endif /* BW_FILEIO_H */
