/*
 * The connection table and the rows connections are credited to
 * (table.c).
 *
 * The modules that report them (output.c, events.c) and the resolver
 * read rows and connections; only table.c writes them, except a
 * connection's lookup state (lk), which is the resolver's.  The table
 * itself is opaque: walk it with the iterators.
 */
#ifndef BWPROCS_TABLE_H
#define BWPROCS_TABLE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "bwprocs.h"
#include "procinfo.h"
#include "resolve.h"

struct pkt;
struct table;			/* opaque */

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
	uint64_t	 netns;
	struct procinfo	 info;		/* uid -1: unknown */
	uint64_t	 tx, rx;	/* cumulative, before this interval */
	uint64_t	 itx, irx;	/* this interval */
	uint64_t	 inf, iinf;	/* of those, inferred */
	int		 nconns;	/* live connections */
	double		 last_seen;	/* last byte */
	double		 info_time;	/* process info read */
	uint64_t	 mtx, mrx;	/* tx + itx at the last sample */
	uint64_t	 otx, orx;	/* tx + itx when the owner interval began */
};

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
	uint8_t		 closing;	/* FIN or RST seen */
	uint8_t		 pending;	/* on the pending list */
	uint8_t		 inode0;	/* socket seen without a file */
	uint8_t		 inferred;	/* its process was guessed */
	uint8_t		 opener;	/* OPEN_*: who sent the first SYN */
	double		 first, last;
	double		 next_try;	/* pending: when it is due */
	uint64_t	 out, in;	/* cumulative, a's view */
	uint64_t	 iout, iin;	/* this interval, a's view */
	uint64_t	 dout, din;	/* not yet credited, a's view */
	uint64_t	 dtx, drx;	/* not yet credited, interface's view */
	uint32_t	 ep;		/* the flow epoch of the last byte */
	uint64_t	 m_cur, m_prev;	/* out + in when it and the last began */
	uint64_t	 oout, oin;	/* credited when the owner interval began */
	uint64_t	 wout, win;	/* out, in when the alert window took them */
	struct lookup	 lk;		/* resolve.c's */
};

#define FLOW_EPOCH	2.0	/* seconds: the grain of recent bytes */

struct table	*tab_new(size_t);
int		 tab_resize(struct table *, size_t);
void		 tab_free(struct table *);

/* Packets. */
struct conn	*tab_conn(struct table *, const struct pkt *, int, int, int,
		    double);
void		 tab_credit(struct conn *, const struct pkt *, int, double);
void		 tab_note_syn(struct conn *, const struct pkt *);
void		 tab_credit_unattr(struct table *, int, int, uint32_t,
		    double);

/*
 * Attribution.  A new connection is pending until a row takes it;
 * the pending list is in the order the resolver keeps it, each
 * connection due at next_try.
 */
void		 tab_attach(struct table *, struct conn *, struct row *, int,
		    double);
void		 tab_give_up(struct table *, struct conn *, int, double);
void		 tab_swap_ends(struct conn *);
void		 tab_note_fileless(struct conn *);
int		 tab_unknown_label(const struct conn *);
void		 tab_pending_requeue(struct table *, struct conn *, double);
void		 tab_pending_front(struct table *, struct conn *, double);
size_t		 tab_npending(const struct table *);
struct conn	*tab_pending_first(const struct table *);
struct conn	*tab_pending_next(const struct conn *);

/*
 * The owner history (ownerlog.c).  tab_set_gone: fn is called with a
 * process row just before it goes (conn NULL), and with a connection
 * and its row just before the connection goes, so that their bytes
 * since the owner interval began are not lost.  tab_row_obytes and
 * tab_conn_obytes: those bytes (a connection's as its row was credited
 * them); tab_owner_mark: a new owner interval begins now.
 */
typedef void	(*tab_gone_fn)(void *, const struct row *,
		    const struct conn *);
void		 tab_set_gone(struct table *, tab_gone_fn, void *);
void		 tab_row_obytes(const struct row *, uint64_t *, uint64_t *);
void		 tab_conn_obytes(const struct conn *, uint64_t *, uint64_t *);
void		 tab_owner_mark(struct table *);

/* Time. */
void		 tab_expire(struct table *, double);
void		 tab_end_interval(struct table *, double);
void		 tab_rows_expire(struct table *, double, double);
void		 tab_rows_mark(struct table *);

/*
 * The alert window (window.c): fn gets each connection that moved bytes
 * since the last call, with those bytes (out, in), the one seen last
 * first; the walk ends at the first one quiet since `since'.
 */
typedef void	(*tab_take_fn)(void *, const struct conn *, uint64_t,
		    uint64_t);
void		 tab_conns_take(struct table *, double, tab_take_fn, void *);
uint64_t	 tab_conn_recent(const struct conn *, double);

/* Rows. */
struct row	*tab_row_find(const struct table *, pid_t, uint64_t);
struct row	*tab_row_new(struct table *, pid_t, uint64_t, uint64_t,
		    struct procinfo *, double);
void		 tab_row_info(struct row *, struct procinfo *, double);
const struct row *tab_unattr(const struct table *, int);

/*
 * Iterators.  tab_row_first/next: every row, the process rows (newest
 * first) and then the unattributed ones in output order; tab_nrows:
 * how many process rows there are.  tab_conns_first/next: every
 * connection, the one seen last first; tab_nconns: how many.
 */
const struct row *tab_row_first(const struct table *);
const struct row *tab_row_next(const struct table *, const struct row *);
size_t		 tab_nrows(const struct table *);
const struct conn *tab_conns_first(const struct table *);
const struct conn *tab_conns_next(const struct conn *);
size_t		 tab_nconns(const struct table *);

#endif /* BWPROCS_TABLE_H */
