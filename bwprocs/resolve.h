/*
 * The attribution of new connections to processes (resolve.c): each
 * one's socket, then the socket's process, looked for after each batch
 * of packets and never per packet.
 */
#ifndef BWPROCS_RESOLVE_H
#define BWPROCS_RESOLVE_H

#include <stdint.h>

struct bpfowner;
struct conn;
struct resolver;		/* opaque */
struct table;

enum { CS_LOOKUP, CS_INODE };	/* CS_LOOKUP is 0: a new connection */

/* What the resolver knows of a connection: struct conn's lk. */
struct lookup {
	uint64_t	inode;		/* its socket, from CS_INODE on */
	uint64_t	netns;		/* where the socket lives */
	uint8_t		state;		/* CS_* */
	uint8_t		tries;
	uint8_t		urgent;		/* seen by its SYN: look now */
	uint8_t		vialistener;	/* its listener's process */
};

/*
 * res_new: a resolver reading the processes under proc ("/proc"), which
 * finds the sockets of our network namespace with sock_diag or, when
 * procnet is set (or sock_diag cannot be had), in proc's socket tables;
 * NULL with errno.
 * res_set_rate: at most that many lookups a second; 0: no limit.
 * res_set_ifindex: the interface captured, which scopes link-local
 * addresses.
 * res_start: the first look at every process; 1 when the descriptors
 * of other users' processes cannot be read, else 0.
 * res_urgent: c was seen by its SYN: look for its socket at once, while
 * it is surely open.
 * res_run: work on the pending connections that are due; when final,
 * every pending connection gets an owner.
 * res_next: when res_run has something to do next; 0: nothing pending.
 * res_limited: how many lookups the rate has held back so far.
 * res_set_bpf: the kernel names owners (NULL: no longer); res_viabpf:
 * how many connections it named so far.
 */
struct resolver	*res_new(const char *, int);
void		 res_free(struct resolver *);
void		 res_set_rate(struct resolver *, double);
void		 res_set_ifindex(struct resolver *, int);
int		 res_start(struct resolver *, double);
void		 res_urgent(struct resolver *, struct table *, struct conn *,
		    double);
void		 res_run(struct resolver *, struct table *, double, int);
double		 res_next(const struct resolver *, const struct table *,
		    double);
uint64_t	 res_limited(const struct resolver *);
void		 res_set_bpf(struct resolver *, struct bpfowner *);
uint64_t	 res_viabpf(const struct resolver *);

#endif /* BWPROCS_RESOLVE_H */
