/*
 * Descriptors over a unix socket: alertrun.c hands its helper the
 * output file, bpfowner.c gets the kernel side's descriptors from the
 * process that loaded it.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

union fdctl {
	struct cmsghdr	h;
	char		b[CMSG_SPACE(sizeof(int) * FD_PASS_MAX)];
};

static void
msg_init(struct msghdr *mh, struct iovec *iov, void *buf, size_t len,
    union fdctl *u, int nfds)
{
	memset(mh, 0, sizeof(*mh));
	memset(u, 0, sizeof(*u));
	iov->iov_base = buf;
	iov->iov_len = len;
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	if (nfds > 0) {
		mh->msg_control = u->b;
		mh->msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
	}
}

int
fd_send(int sock, const void *buf, size_t len, const int *fds, int nfds,
    int flags)
{
	union fdctl	 u;
	struct msghdr	 mh;
	struct cmsghdr	*ch;
	struct iovec	 iov;

	if (nfds < 0 || nfds > FD_PASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	msg_init(&mh, &iov, (void *)(uintptr_t)buf, len, &u, nfds);
	if (nfds > 0) {
		ch = CMSG_FIRSTHDR(&mh);
		ch->cmsg_level = SOL_SOCKET;
		ch->cmsg_type = SCM_RIGHTS;
		ch->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(ch), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(sock, &mh, flags | MSG_NOSIGNAL) == -1 ? -1 : 0;
}

ssize_t
fd_recv(int sock, void *buf, size_t size, int *fds, int *nfds)
{
	union fdctl	 u;
	struct msghdr	 mh;
	struct cmsghdr	*ch;
	struct iovec	 iov;
	ssize_t		 n;
	size_t		 i, k;
	int		 room = *nfds, fd;

	*nfds = 0;
	msg_init(&mh, &iov, buf, size, &u, FD_PASS_MAX);
	if ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) <= 0)
		return n;
	for (ch = CMSG_FIRSTHDR(&mh); ch != NULL; ch = CMSG_NXTHDR(&mh, ch)) {
		if (ch->cmsg_level != SOL_SOCKET ||
		    ch->cmsg_type != SCM_RIGHTS || ch->cmsg_len < CMSG_LEN(0))
			continue;
		k = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(ch) + i * sizeof(int),
			    sizeof(int));
			if (*nfds < room)
				fds[(*nfds)++] = fd;
			else
				(void)close(fd);
		}
	}
	return n;
}
