/*
 * Durable file replacement and appends, and safe bounded reads.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

int
bw_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so a rename survives a crash. */
int
bw_fsync_dir(const char *path)
{
	char	 copy[PATH_MAX];
	int	 fd, rv, saved;

	if (strlen(path) >= sizeof(copy)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(copy, path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	rv = fsync(fd);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * Replace path with buf: readers see the old file or the new one, never
 * a mixture, and a crash or full disk leaves the old one in place.
 */
int
bw_write_atomic(const char *path, const void *buf, size_t len)
{
	return bw_write_atomic_sync(path, buf, len, BW_SYNC_ALL);
}

/*
 * The same with a choice of durability.  Every level is atomic for
 * readers; the levels differ only in what a power cut may take back.
 */
int
bw_write_atomic_sync(const char *path, const void *buf, size_t len,
    enum bw_sync how)
{
	char	 tmp[PATH_MAX], copy[PATH_MAX], *dir, *base;
	int	 fd, n, saved;

	if (strlen(path) >= sizeof(copy)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(copy, path);
	base = strrchr(copy, '/');
	if (base != NULL) {
		*base++ = '\0';
		dir = copy;
	} else {
		base = copy;
		dir = ".";
	}
	n = snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	/* mkstemp(3) makes 0600; the web server's user reads these files. */
	if (fchmod(fd, 0644) == -1 || bw_own_like_dir(AT_FDCWD, tmp, fd) ==
	    -1 || bw_write_all(fd, buf, len) == -1 ||
	    (how != BW_SYNC_NONE && fsync(fd) == -1)) {
		saved = errno;
		(void)close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	return how == BW_SYNC_ALL ? bw_fsync_dir(path) : 0;
fail:
	(void)unlink(tmp);
	errno = saved;
	return -1;
}

/*
 * A file a bwmon program made, open on fd as path (relative to dirfd):
 * run as root (a person's sudo bwcollect), give it the owner and group
 * of its directory, so that the user the data directory belongs to
 * (bwmon: the cron job, bwprocs) can still append to it and replace it.
 * Not root: nothing to do.  0, or -1 with errno.
 */
int
bw_own_like_dir(int dirfd, const char *path, int fd)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	struct stat	 d, f;
	size_t		 n;
	int		 rv;

	if (geteuid() != 0)
		return 0;
	if ((slash = strrchr(path, '/')) == NULL)
		rv = fstatat(dirfd, ".", &d, 0);
	else if ((size_t)(slash - path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		/* "/x": the root directory. */
		n = slash == path ? 1 : (size_t)(slash - path);
		memcpy(dir, path, n);
		dir[n] = '\0';
		rv = fstatat(dirfd, dir, &d, 0);
	}
	if (rv == -1 || fstat(fd, &f) == -1)
		return -1;
	if (f.st_uid == d.st_uid && f.st_gid == d.st_gid)
		return 0;
	return fchown(fd, d.st_uid, d.st_gid);
}

/*
 * Whether a file of size bytes open on fd ends in a torn line (a writer
 * died mid-line): its last byte is not a newline.  An appender then
 * writes a newline first, so the fragment stays a line of its own
 * instead of swallowing the new one.
 */
int
bw_ends_torn(int fd, off_t size)
{
	char	c;

	if (size <= 0 || pread(fd, &c, 1, size - 1) != 1)
		return 0;
	return c != '\n';
}

/*
 * open(2) a file that must be a regular file: never through a symbolic
 * link (ELOOP), and non-blocking, so a FIFO or a device put in place of
 * a data file cannot hang the caller in open(2) or read(2); what is not
 * a regular file is refused on the open descriptor (EINVAL), so it
 * cannot be swapped in after a check.  O_NONBLOCK changes nothing for
 * a regular file.
 */
int
bw_open_regular(const char *path, int flags, mode_t mode)
{
	return bw_open_regular_at(AT_FDCWD, path, flags, mode);
}

/* The same relative to the directory open on dirfd. */
int
bw_open_regular_at(int dirfd, const char *path, int flags, mode_t mode)
{
	struct stat	st;
	int		fd, saved;

	fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
	    mode);
	if (fd == -1) {
		/* A FIFO without a reader, or a device without a device. */
		if (errno == ENXIO)
			errno = EINVAL;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		saved = errno;
	else if (!S_ISREG(st.st_mode))
		saved = EINVAL;
	else if ((flags & O_CREAT) && bw_own_like_dir(dirfd, path, fd) == -1)
		saved = errno;
	else
		return fd;
	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * Read fd (which stays open) to its end into a NUL-terminated buffer
 * the caller frees, with room for size bytes at first; more than max
 * bytes: EFBIG.  To the end rather than trusting st_size, which is 0
 * for /proc files.
 */
int
bw_read_all(int fd, size_t size, size_t max, char **bufp, size_t *lenp)
{
	char	*buf, *nb;
	size_t	 len = 0, cap = size < max ? size : max;
	ssize_t	 n;
	int	 saved;

	if ((buf = malloc(cap + 1)) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap * 2 > max ? max : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	free(buf);
	errno = saved;
	return -1;
}

/*
 * bw_read_all() of a regular file open on fd: not a regular file:
 * EINVAL; larger than max: EFBIG.
 */
int
bw_read_fd(int fd, size_t max, char **bufp, size_t *lenp)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if ((uintmax_t)st.st_size > max) {
		errno = EFBIG;
		return -1;
	}
	return bw_read_all(fd, (size_t)st.st_size + 4096, max, bufp, lenp);
}

/*
 * bw_read_fd() of a path; symlinks are refused (ELOOP), and so is what
 * is not a regular file (EINVAL), without blocking on a FIFO.
 */
int
bw_read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	return bw_read_file_at(AT_FDCWD, path, max, bufp, lenp);
}

/* The same relative to the directory open on dirfd. */
int
bw_read_file_at(int dirfd, const char *path, size_t max, char **bufp,
    size_t *lenp)
{
	int	fd, rv, saved;

	if ((fd = bw_open_regular_at(dirfd, path, O_RDONLY, 0)) == -1)
		return -1;
	rv = bw_read_fd(fd, max, bufp, lenp);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * pread(2) up to size bytes from offset off until end of file; *lenp
 * gets the count.
 */
int
bw_pread_all(int fd, void *buf, size_t size, off_t off, size_t *lenp)
{
	char	*p = buf;
	size_t	 len = 0;
	ssize_t	 n;

	while (len < size) {
		n = pread(fd, p + len, size - len, off + (off_t)len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*lenp = len;
	return 0;
}

/*
 * Read the last (at most size - 1) bytes of an open file into buf,
 * NUL-terminated; *lenp gets the byte count.
 */
int
bw_read_tail(int fd, size_t size, char *buf, size_t *lenp)
{
	off_t	end, start;

	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((end = lseek(fd, 0, SEEK_END)) == -1)
		return -1;
	start = end > (off_t)(size - 1) ? end - (off_t)(size - 1) : 0;
	if (bw_pread_all(fd, buf, (size_t)(end - start), start, lenp) == -1)
		return -1;
	buf[*lenp] = '\0';
	return 0;
}

/*
 * Name the file to keep publishing; -1 when its hidden other name,
 * .NAME.next beside it, would not fit.
 */
int
bw_pub_init(struct bw_pubfile *f, const char *path)
{
	const char	*base;
	int		 n;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = f->pubfd = -1;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	n = snprintf(f->next, sizeof(f->next), "%.*s.%s.next",
	    (int)(base - path), path, base);
	return n < 0 || (size_t)n >= sizeof(f->next) ? -1 : 0;
}

void
bw_pub_close(struct bw_pubfile *f)
{
	if (f->fd >= 0)
		(void)close(f->fd);
	if (f->pubfd >= 0)
		(void)close(f->pubfd);
	if (f->mode != -1 && f->next[0] != '\0')
		(void)unlink(f->next);
	f->fd = f->pubfd = -1;
}

/*
 * Publish buf as f->path.  The file is replaced every second or two,
 * so it is not made new each time: two inodes trade names.  The new
 * content goes into the hidden .NAME.next, whose inode nobody has
 * opened for an interval, and renameat2(RENAME_EXCHANGE) swaps it with
 * the published one: readers see the old content or the new, never a
 * mixture (unless one reads for a whole interval).  Making, syncing
 * and deleting an inode for every write cost a file system like ext4
 * ten times more CPU than the rest of an idle bwprocs.  Where the file
 * system cannot exchange names, a temporary file is renamed over the
 * old one.  Nothing is synced: a crash may take a write back, readers
 * take a damaged file for a missing one, and the next write mends it.
 */
int
bw_pub_write(struct bw_pubfile *f, const void *buf, size_t len)
{
	int	fd;

	if (f->mode == -1)
		return bw_write_atomic_sync(f->path, buf, len, BW_SYNC_NONE);
	if (f->fd < 0) {
		if ((f->fd = bw_open_regular(f->next, O_RDWR | O_CREAT,
		    0644)) == -1)
			return -1;
		/* The unit's umask is 0077; web servers read these. */
		(void)fchmod(f->fd, 0644);
	}
	if (pwrite(f->fd, buf, len, 0) != (ssize_t)len ||
	    ftruncate(f->fd, (off_t)len) == -1)
		return -1;
	if (renameat2(AT_FDCWD, f->next, AT_FDCWD, f->path,
	    RENAME_EXCHANGE) == 0) {
		/* The published inode is the next one to write. */
		fd = f->pubfd;
		f->pubfd = f->fd;
		if (fd < 0)
			fd = open(f->next, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		f->fd = fd;
		if (fd >= 0)
			(void)fchmod(fd, 0644);
		f->mode = 1;
		return 0;
	}
	if (errno == ENOENT) {
		/* Nothing published yet. */
		if (rename(f->next, f->path) == -1)
			return -1;
		if (f->pubfd >= 0)
			(void)close(f->pubfd);
		f->pubfd = f->fd;
		f->fd = -1;
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	(void)close(f->fd);
	(void)unlink(f->next);
	f->fd = -1;
	f->mode = -1;
	return bw_write_atomic_sync(f->path, buf, len, BW_SYNC_NONE);
}
