/*
 * Socket inode to process, and the network namespaces processes live in
 * (pidmap.c): a cache of the links in /proc/<pid>/fd, filled by scans
 * that the caller paces.
 */
#ifndef BWPROCS_PIDMAP_H
#define BWPROCS_PIDMAP_H

#include <sys/types.h>

#include <stdint.h>

struct pidmap;			/* opaque */

/* What the scans have found so far (pm_scans), for the caller to read. */
struct pm_scans {
	int		done;		/* a full scan has been done */
	double		next_full;	/* when the next one may be */
	pid_t		newest;		/* the highest pid seen (wraps) */
	int		fd_denied;	/* EACCES on some /proc/<pid>/fd:
					   other users' processes */
};

/*
 * pm_new: the map of the processes under proc ("/proc"); NULL with
 * errno (ENAMETOOLONG when proc is too long a path).
 * pm_full_scan: every process, at most about once a second unless
 * force; 0, 1 when too soon, -1 when proc is unreadable.
 * pm_quick_scan: the processes not seen before (not more often than
 * every 50 ms unless force); how many were read, or -1.
 * pm_rescan: the processes given again; how many were read.
 * pm_probe: is inode behind descriptor fd of pid?  1 when it is (now in
 * the map).
 * pm_probe_new: the same for the pid k after the newest seen, which
 * then is the newest; that pid, or 0.
 * pm_find: the process that has inode: 1, *pid and *start, or 0.
 * pm_want: the scans note where inode is (0: nothing); pm_wanted: after
 * a scan, 1 and where it was found (pid and descriptor), or 0; either
 * way it is forgotten.
 * pm_new_pids: the processes the last quick scan found (at most 8).
 * pm_scans: what the scans have found.
 */
struct pidmap	*pm_new(const char *);
void		 pm_free(struct pidmap *);
int		 pm_full_scan(struct pidmap *, double, int);
int		 pm_quick_scan(struct pidmap *, double, int);
int		 pm_rescan(struct pidmap *, const pid_t *, int);
int		 pm_probe(struct pidmap *, pid_t, int, uint64_t);
pid_t		 pm_probe_new(struct pidmap *, int, int, uint64_t);
int		 pm_find(const struct pidmap *, uint64_t, pid_t *,
		    uint64_t *);
void		 pm_want(struct pidmap *, uint64_t);
int		 pm_wanted(struct pidmap *, pid_t *, int *);
int		 pm_new_pids(const struct pidmap *, const pid_t **);
const struct pm_scans *pm_scans(const struct pidmap *);

/*
 * The network namespaces.  pm_selfns: ours (0: unknown).  pm_ns_label:
 * "netns:NAME" or "netns:INODE", NULL for one not seen.  pm_ns_addrs:
 * read the addresses of those not read for 5 seconds.  pm_ns_rep: a
 * process that lives in ino now, 0 when nobody does.  pm_ns_owner: the
 * namespace (not ours) that has address a, 0 when none.
 */
uint64_t	 pm_selfns(const struct pidmap *);
const char	*pm_ns_label(const struct pidmap *, uint64_t);
void		 pm_ns_addrs(struct pidmap *, double);
pid_t		 pm_ns_rep(struct pidmap *, uint64_t, double);
uint64_t	 pm_ns_owner(const struct pidmap *, int, const uint8_t *);

/* The start time of pid under proc (field 22 of its stat): 0, or -1. */
int		 pm_proc_start(const char *, pid_t, uint64_t *);

#endif /* BWPROCS_PIDMAP_H */
