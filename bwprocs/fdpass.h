/*
 * Descriptors handed between bwprocs and its helper processes over a
 * unix socket (SCM_RIGHTS), each batch with a message.
 */
#ifndef BWPROCS_FDPASS_H
#define BWPROCS_FDPASS_H

#include <sys/types.h>

#include <stddef.h>

#define FD_PASS_MAX	20	/* descriptors in one message, at most */

/*
 * fd_send: the len bytes at buf and the nfds descriptors at fds (sendmsg
 * flags: MSG_NOSIGNAL is added); 0, or -1 with errno.
 * fd_recv: the next message into buf (size bytes) and its descriptors
 * (close-on-exec) into fds, room for *nfds, *nfds set to how many came
 * (more are closed); its length, 0 at the end, or -1 with errno.
 */
int	fd_send(int, const void *, size_t, const int *, int, int);
ssize_t	fd_recv(int, void *, size_t, int *, int *);

#endif /* BWPROCS_FDPASS_H */
