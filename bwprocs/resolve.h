/*
 * The attribution of new connections to processes (resolve.c).
 */
#ifndef BWPROCS_RESOLVE_H
#define BWPROCS_RESOLVE_H

#include <sys/types.h>

#include <stdint.h>

#include "pidmap.h"
#include "sockdiag.h"
#include "table.h"

struct affinity;

#define HOT_PIDS	16
#define HOT_FDS		2

/* A process that made connections lately, and where it put them. */
struct hotpid {
	pid_t		pid;
	int		fd[HOT_FDS];	/* -1: none */
};

struct resolver {
	struct sockdiag	*sd;
	struct pidmap	*pm;
	const char	*proc;
	int		 ifindex;
	struct hotpid	 hot[HOT_PIDS];	/* most recent first */
	int		 nhot;
	double		 next_hot;
	double		 rate;		/* lookups a second, at most */
	double		 tokens, tok_time;
	int		 starved;	/* the last run ran out */
	double		 next_expire;
	uint64_t	 lookups, nsreads, found, givenup, limited;
	uint64_t	 viaprobe, vialistener, inferred;
	struct affinity	*aff;
};

int	res_init(struct resolver *, const char *);
void	res_set_rate(struct resolver *, double);
void	res_free(struct resolver *);
void	res_run(struct resolver *, struct table *, double, int);
double	res_next(const struct resolver *, const struct table *, double);

#endif /* BWPROCS_RESOLVE_H */
