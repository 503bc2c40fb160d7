/*
 * Socket inode to process, and the network namespaces processes live in
 * (pidmap.c).
 */
#ifndef BWPROCS_PIDMAP_H
#define BWPROCS_PIDMAP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct sockent {
	uint64_t	inode;		/* 0: empty slot */
	pid_t		pid;
	uint64_t	start;
};

struct socktab {
	struct sockent	*e;
	size_t		 cap, n;
};

struct pident {
	pid_t		pid;		/* 0: empty slot */
	uint64_t	start;
	uint64_t	netns;
	uint64_t	dino;		/* of /proc/<pid>; 0: not known */
};

struct pidtab {
	struct pident	*e;
	size_t		 cap, n;
};

#define NS_ADDRS	32
#define NEW_PIDS	8

struct nsent {
	uint64_t	ino;
	pid_t		pid;		/* one process inside */
	char		label[80];	/* "netns:NAME" or "netns:INODE" */
	int		seen;
	uint8_t		v4[NS_ADDRS][4];	/* its addresses */
	uint8_t		v6[NS_ADDRS][16];
	int		n4, n6;
	double		addr_time;	/* when they were read */
};

struct pidmap {
	char		 proc[256];	/* "/proc" */
	struct socktab	 socks;		/* socket inode -> process */
	struct pidtab	 pids;		/* the processes scanned */
	struct nsent	*ns;
	size_t		 nns, nscap;
	uint64_t	 selfns;
	double		 next_full, next_quick;
	double		 full_cost;	/* seconds the last full scan took */
	uint64_t	 nfull, nquick, npidscans;
	int		 fd_denied;	/* EACCES on some /proc/<pid>/fd */
	int		 scanned;	/* a full scan has been done */
	pid_t		 newest;	/* the highest pid seen (wraps) */
	pid_t		 newpids[NEW_PIDS];	/* the last quick scan found */
	int		 nnew;
	uint64_t	 want;		/* scans note where this inode is */
	pid_t		 want_pid;
	int		 want_fd;
	uint64_t	 nprobes;
};

int	 pm_init(struct pidmap *, const char *);
void	 pm_free(struct pidmap *);
int	 pm_full_scan(struct pidmap *, double);
int	 pm_quick_scan(struct pidmap *, double, int);
int	 pm_probe(struct pidmap *, pid_t, int, uint64_t);
int	 pm_rescan(struct pidmap *, const pid_t *, int);
const struct sockent *pm_find(const struct pidmap *, uint64_t);
int	 pm_proc_start(const char *, pid_t, uint64_t *);
uint64_t pm_pid_netns(const char *, pid_t);
const struct nsent *pm_ns_find(const struct pidmap *, uint64_t);
void	 pm_ns_addrs(struct pidmap *, double);
pid_t	 pm_ns_rep(struct pidmap *, uint64_t, double);
uint64_t pm_ns_owner(const struct pidmap *, int, const uint8_t *);

#endif /* BWPROCS_PIDMAP_H */
