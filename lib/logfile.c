/*
 * The one appender and the one trim of the data directory's line files.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "logfile.h"

#define TRIM_MAX	((size_t)1 << 32)	/* largest file trimmed */

static int	open_locked(const char *, int, struct bw_log *);

/*
 * Open (creating it, mode 0644 whatever the umask, since the web server
 * reads it as another user) and lock a log to append to.  Never through
 * a symbolic link, never blocking on a FIFO, only a regular file (else
 * EINVAL).  A trim may have replaced the file while we waited for the
 * lock: then the new one is opened.  0, or -1 with errno.
 */
int
bw_log_open(const char *path, struct bw_log *l)
{
	return open_locked(path, 1, l);
}

static int
open_locked(const char *path, int create, struct bw_log *l)
{
	struct stat	st, pst;
	int		fd, tries, saved, flags;

	l->fd = -1;
	for (tries = 0; tries < 5; tries++) {
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		    O_NONBLOCK);
		l->created = 0;
		if (fd == -1 && errno == ENOENT && create) {
			fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL |
			    O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
			l->created = fd != -1;
			if (fd == -1 && errno == EEXIST)
				continue;
		}
		if (fd == -1)
			return -1;
		if (fstat(fd, &st) == -1)
			goto fail;
		if (!S_ISREG(st.st_mode)) {
			errno = EINVAL;
			goto fail;
		}
		if ((flags = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
			goto fail;
		while (flock(fd, LOCK_EX) == -1)
			if (errno != EINTR)
				goto fail;
		if (fstat(fd, &st) == -1)
			goto fail;
		if (stat(path, &pst) == 0 && pst.st_ino == st.st_ino &&
		    pst.st_dev == st.st_dev) {
			if (l->created && (fchmod(fd, 0644) == -1 ||
			    bw_own_like_dir(AT_FDCWD, path, fd) == -1))
				goto fail;
			l->fd = fd;
			l->size = st.st_size;
			return 0;
		}
		(void)close(fd);
	}
	errno = EAGAIN;
	return -1;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * Append buf (whole lines, each ending in '\n') as one write(2) and
 * flush it to disk.  A log whose last byte is not a newline ends in a
 * line torn by a crash: a newline goes first, so the fragment stays a
 * line of its own instead of swallowing ours.  A write that fails is
 * taken back, so no half line stays behind.  0, or -1 with errno.
 */
int
bw_log_write(struct bw_log *l, const char *buf, size_t len)
{
	char	*tmp = NULL;
	size_t	 n = 0;
	int	 saved;

	if (bw_ends_torn(l->fd, l->size)) {
		if ((tmp = malloc(len + 1)) == NULL)
			return -1;
		tmp[n++] = '\n';
		memcpy(tmp + n, buf, len);
		buf = tmp;
	}
	n += len;
	if (bw_write_all(l->fd, buf, n) == -1 || fdatasync(l->fd) == -1) {
		saved = errno;
		(void)ftruncate(l->fd, l->size);
		free(tmp);
		errno = saved;
		return -1;
	}
	free(tmp);
	l->size += (off_t)n;
	return 0;
}

/*
 * Take back what was appended after size (a row whose companion file
 * could not be written), durably.
 */
int
bw_log_truncate(struct bw_log *l, off_t size)
{
	if (ftruncate(l->fd, size) == -1 || fdatasync(l->fd) == -1)
		return -1;
	l->size = size;
	return 0;
}

/* Close the log, which drops the lock. */
void
bw_log_close(struct bw_log *l)
{
	if (l->fd != -1)
		(void)close(l->fd);
	l->fd = -1;
}

/* Open, write and close: one line (or several) to the log at path. */
int
bw_log_append(const char *path, const char *buf, size_t len)
{
	struct bw_log	l;
	int		rv, saved;

	if (bw_log_open(path, &l) == -1)
		return -1;
	rv = bw_log_write(&l, buf, len);
	saved = errno;
	bw_log_close(&l);
	errno = saved;
	return rv;
}

/*
 * Drop the lines older than cutoff by tsfn and, while the file is larger
 * than cap (0: no cap), the oldest, down to three quarters of it.  Lines
 * tsfn cannot judge (-1) stay, except to the cap.  The file is replaced
 * atomically under its lock, so a kill at any instant leaves the old
 * file or the new one and appenders wait for it.  *dropped (when not
 * NULL) gets the bytes dropped.  A missing file is trimmed already.
 */
int
bw_log_trim(const char *path, bw_line_ts_fn tsfn, double cutoff, size_t cap,
    size_t *dropped)
{
	struct bw_log	 l;
	char		*buf = NULL, *out = NULL, *p, *e, *nl;
	size_t		 len, olen = 0, skip;
	int		 rv = -1, saved;
	double		 ts;

	if (dropped != NULL)
		*dropped = 0;
	if (open_locked(path, 0, &l) == -1)
		return errno == ENOENT ? 0 : -1;
	if (lseek(l.fd, 0, SEEK_SET) == -1 ||
	    bw_read_fd(l.fd, TRIM_MAX, &buf, &len) == -1 ||
	    (out = malloc(len + 1)) == NULL)
		goto done;
	for (p = buf, e = buf + len; p < e; p = nl) {
		nl = memchr(p, '\n', (size_t)(e - p));
		nl = nl != NULL ? nl + 1 : e;
		ts = tsfn(p, nl);
		if (ts >= 0 && ts < cutoff)
			continue;
		memcpy(out + olen, p, (size_t)(nl - p));
		olen += (size_t)(nl - p);
	}
	if (cap > 0 && olen > cap) {
		/* The oldest go: cut at a line start. */
		skip = olen - cap / 4 * 3;
		p = memchr(out + skip - 1, '\n', olen - skip + 1);
		skip = p != NULL ? (size_t)(p + 1 - out) : olen;
		memmove(out, out + skip, olen - skip);
		olen -= skip;
	}
	rv = 0;
	if (olen == len)
		goto done;
	if (bw_write_atomic_sync(path, out, olen, BW_SYNC_ALL) == -1)
		rv = -1;
	else if (dropped != NULL)
		*dropped = len - olen;
done:
	saved = errno;
	free(buf);
	free(out);
	bw_log_close(&l);
	errno = saved;
	return rv;
}

/*
 * The time stamp of a history row: its first field.  A line that is not
 * a row reads as 0, so it goes with the oldest rows.
 */
double
bw_line_csv_ts(const char *p, const char *end)
{
	char	num[24];
	size_t	n = (size_t)(end - p);

	if (n >= sizeof(num))
		n = sizeof(num) - 1;
	memcpy(num, p, n);
	num[n] = '\0';
	return (double)strtoll(num, NULL, 10);
}

/*
 * The number at the first "key" of a JSON record line, found without
 * parsing the record (a trim reads files of megabytes), or -1 when the
 * line has none there.
 */
double
bw_line_json_num(const char *p, const char *end, const char *key)
{
	const char	*k;
	char		 num[40];
	size_t		 n, klen = strlen(key);

	for (k = p; k + klen + 2 < end; k++) {
		if (*k != '"' || memcmp(k + 1, key, klen) != 0 ||
		    k[klen + 1] != '"')
			continue;
		k += klen + 2;
		while (k < end && (*k == ' ' || *k == '\t'))
			k++;
		if (k == end || *k != ':')
			return -1;
		k++;
		while (k < end && (*k == ' ' || *k == '\t'))
			k++;
		for (n = 0; k + n < end && n < sizeof(num) - 1 &&
		    strchr("0123456789.eE+-", k[n]) != NULL; n++)
			num[n] = k[n];
		num[n] = '\0';
		return n > 0 ? strtod(num, NULL) : -1;
	}
	return -1;
}

/* The "ts" of a JSON record line (bw_line_json_num()), or -1. */
double
bw_line_json_ts(const char *p, const char *end)
{
	return bw_line_json_num(p, end, "ts");
}
