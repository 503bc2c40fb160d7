/*
 * What a row says about its process (procinfo.c): read from /proc once
 * when the row is made, and again now and then, never per packet.
 */
#ifndef BWPROCS_PROCINFO_H
#define BWPROCS_PROCINFO_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* Every string is valid UTF-8, "" when unknown. */
struct procinfo {
	char		*name, *exe, *cmdline, *user, *container, *unit;
	long long	 uid;		/* effective; -1: unknown */
};

/*
 * pi_read: the details of pid under proc.  netns is its network
 * namespace, selfns ours; nslabel names its namespace when that is
 * another one and no container says more.  unit is its systemd unit
 * ("nginx.service", "session-3.scope").  0, or -1 without memory
 * (nothing to free then).
 * pi_from_kernel: the same for a process that is gone, from what the
 * kernel side said of it (comm, exe, uid, cgroup2 path).
 * pi_set_cgroup: the container and unit a cgroup2 path names replace
 * pi's, when it names one.
 * pi_clear: free the strings.
 * pi_sanitize: a copy of len bytes of s as valid UTF-8 of at most cap
 * bytes, NULL without memory.
 */
int	 pi_read(const char *, pid_t, uint64_t, uint64_t, const char *,
	    struct procinfo *);
int	 pi_from_kernel(const char *, const char *, long long,
	    const char *, uint64_t, uint64_t, const char *,
	    struct procinfo *);
int	 pi_set_cgroup(struct procinfo *, const char *);
void	 pi_clear(struct procinfo *);
char	*pi_sanitize(const char *, size_t, size_t);
void	 pi_user_cache_free(void);

#endif /* BWPROCS_PROCINFO_H */
