/*
 * The connection table and the rows connections are credited to
 * (table.c).
 */
#ifndef BWPROCS_TABLE_H
#define BWPROCS_TABLE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "bwprocs.h"
#include "packet.h"

struct procinfo;

enum { ROW_PROC, ROW_UNATTR };

/* The unattributed rows, in output order. */
enum {
	U_FORWARDED, U_UNKNOWN_TCP, U_UNKNOWN_UDP, U_CLOSED, U_OTHER, U_NROWS
};

struct row {
	struct row	*hnext;		/* hash chain by pid */
	struct row	*next;		/* list of process rows */
	int		 kind;
	pid_t		 pid;
	uint64_t	 start;		/* starttime: guards pid reuse */
	long long	 uid;		/* -1: unknown */
	uint64_t	 netns;
	char		*name, *exe, *cmdline, *user, *container;
	uint64_t	 tx, rx;	/* cumulative, before this interval */
	uint64_t	 itx, irx;	/* this interval */
	uint64_t	 inf, iinf;	/* of those, inferred */
	int		 nconns;	/* live connections */
	double		 last_seen;	/* last byte */
	double		 info_time;	/* process info read */
	uint64_t	 mtx, mrx;	/* tx + itx at the last sample */
};

enum { CS_LOOKUP, CS_INODE, CS_DONE };
enum { OPEN_UNKNOWN, OPEN_A, OPEN_B };

struct conn {
	struct conn	*hnext;		/* hash chain */
	struct conn	*lprev, *lnext;	/* LRU: head is the most recent */
	struct conn	*pprev, *pnext;	/* pending list */
	struct row	*owner;		/* NULL while pending */
	struct endp	 a, b;		/* a: the socket's end (or ours) */
	uint32_t	 hash;
	uint8_t		 family, proto;
	uint8_t		 alocal;	/* a is an address of our netns */
	uint8_t		 state;		/* CS_* */
	uint8_t		 tries;
	uint8_t		 closing;	/* FIN or RST seen */
	uint8_t		 pending;	/* on the pending list */
	uint8_t		 inode0;	/* socket seen without a file */
	uint8_t		 urgent;	/* seen by its SYN: look now */
	uint8_t		 vialistener;	/* its listener's process */
	uint8_t		 inferred;	/* its process was guessed */
	uint8_t		 opener;	/* OPEN_*: who sent the first SYN */
	uint64_t	 inode;
	uint64_t	 netns;		/* where the socket lives */
	double		 first, last, next_try;
	uint64_t	 out, in;	/* cumulative, a's view */
	uint64_t	 iout, iin;	/* this interval, a's view */
	uint64_t	 dout, din;	/* not yet credited, a's view */
	uint64_t	 dtx, drx;	/* not yet credited, interface's view */
	uint32_t	 ep;		/* the flow epoch of the last byte */
	uint64_t	 m_cur, m_prev;	/* out + in when it and the last began */
};

#define FLOW_EPOCH	2.0	/* seconds: the grain of recent bytes */

#define MAX_ROWS	65536

struct table {
	struct conn	**hash;
	uint32_t	  hmask;
	uint32_t	  seed;
	struct conn	 *lru_head, *lru_tail;
	size_t		  nconns, maxconns;
	struct conn	 *pend_head, *pend_tail;
	size_t		  npending;
	struct row	**rhash;
	uint32_t	  rhmask;
	struct row	 *rows;		/* process rows */
	size_t		  nrows;
	struct row	  unattr[U_NROWS];
	uint64_t	  evicted;
};

int	 tab_init(struct table *, size_t);
int	 tab_resize(struct table *, size_t);
void	 tab_free(struct table *);
struct conn *tab_conn(struct table *, const struct pkt *, int, int, int,
	    double);
void	 tab_credit(struct conn *, const struct pkt *, int, double);
void	 tab_note_syn(struct conn *, const struct pkt *);
void	 tab_credit_unattr(struct table *, int, int, uint32_t, double);
void	 tab_attach(struct table *, struct conn *, struct row *, double);
void	 tab_give_up(struct table *, struct conn *, int, double);
void	 tab_swap_ends(struct conn *);
void	 tab_pending_requeue(struct table *, struct conn *);
void	 tab_pending_front(struct table *, struct conn *);
void	 tab_expire(struct table *, double);
void	 tab_end_interval(struct table *, double);
struct row *tab_row_find(const struct table *, pid_t, uint64_t);
struct row *tab_row_new(struct table *, pid_t, uint64_t, uint64_t,
	    struct procinfo *, double);
void	 tab_row_info(struct row *, struct procinfo *, double);
void	 tab_rows_expire(struct table *, double, double);
int	 tab_unknown_label(const struct conn *);
uint64_t tab_conn_recent(const struct conn *, double);
void	 tab_rows_mark(struct table *);

#endif /* BWPROCS_TABLE_H */
