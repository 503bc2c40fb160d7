/*
 * The owners the kernel names (bpfowner.c): sockowner.bpf.c attached
 * at the root of the cgroup2 tree tells, through a ring buffer, which
 * process owns each new flow of every socket, however short it lives.
 * Without it (not built, not permitted, bpf = off) bwprocs finds owners
 * in /proc alone (resolve.c).
 */
#ifndef BWPROCS_BPFOWNER_H
#define BWPROCS_BPFOWNER_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "bwprocs.h"

struct bpfowner;		/* opaque */

/* A flow's owner, as the kernel saw it. */
struct bo_owner {
	pid_t		 pid;		/* the thread group */
	uint64_t	 start;		/* its start time; 0: gone when read */
	long long	 uid;
	uint64_t	 cgid;		/* cgroup2 id */
	char		 comm[16];
	const char	*exe;		/* "" when it could not be read */
};

/*
 * bo_open: load and attach the kernel side (mode BW_TRI_*), in the
 * privileged start-up: it needs CAP_BPF, CAP_NET_ADMIN and, to mount a
 * cgroup2 where the host has none, CAP_SYS_ADMIN; nothing after.  NULL
 * when it is off or cannot be had; *why says which path is active and
 * why either way.
 * bo_read: take what the ring buffer holds (no system call); how many
 * events.
 * bo_fd: a descriptor to poll, readable when the ring is half full
 * (bo_read then); -1 without one.
 * bo_find: the owner of the flow between local and remote (family 4
 * or 6, proto 6 or 17): 1 and *o, else 0.  o->exe stays valid until
 * the next bo_read.
 * bo_cgroup_path: the cgroup2 path ("/system.slice/x.service") of a
 * cgroup id: 0, or -1 when it is not there (any more).
 * bo_close: detach everything (closing the descriptors does it, which
 * is why nothing stays behind a SIGKILL either).
 */
struct bpfowner	*bo_open(const char *, int, char *, size_t);
int		 bo_read(struct bpfowner *);
int		 bo_fd(struct bpfowner *);
int		 bo_find(struct bpfowner *, int, int, const struct endp *,
		    const struct endp *, struct bo_owner *);
int		 bo_cgroup_path(struct bpfowner *, uint64_t, char *, size_t);
void		 bo_close(struct bpfowner *);

#endif /* BWPROCS_BPFOWNER_H */
