/*
 * The owner history: who moved the interface's bytes, interval by
 * interval (owners_<iface>.jsonl, written through lib/owners.c).
 *
 * Nothing is done per packet.  Each row and connection of the table
 * keeps its byte counters as they were when the owner interval began
 * (tab_owner_mark()); when the interval ends, one pass over the rows
 * and connections takes the differences, and the rows and connections
 * that go before (they expire, or the table evicts them to make room)
 * hand theirs over through the table's gone hook.  So an interval's
 * rows hold exactly the bytes the procs file's rows were credited with
 * in it.  An owner is a program (the executable's name), its user and
 * where it runs (systemd unit, container or network namespace); the
 * unattributed rows are owners of their own.  Each keeps the pid and
 * command line of its busiest process, and the remote endpoints its
 * connections' bytes went to.
 *
 * Hours and local days are rolled up into owners1h_ and owners1d_ by a
 * child process (a catch-up: whatever ended and is not rolled up yet,
 * so a stop over midnight loses nothing), and the files are trimmed
 * there once a day: the capture never waits for a file of megabytes.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "datadir.h"
#include "log.h"
#include "ownerlog.h"
#include "owners.h"
#include "ownertotals.h"
#include "table.h"
#include "totals.h"
#include "util.h"

#define REM_COMPACT	8192	/* remote tuples before the first merge */
#define REM_MAX		32768	/* kept after a merge; the rest fold */
#define CMD_SEEN	4096	/* command line ids remembered */
#define CMD_AGAIN	(7 * 86400)	/* seconds: write one again after */
#define HOUR		3600

/* Bytes of one owner to one remote endpoint; family 0: the others. */
struct remt {
	uint32_t	owner;		/* its index in the interval's set */
	uint8_t		family;
	struct endp	e;
	uint64_t	rx, tx;
};

/* A command line id in the cmdlines file, and when it was written. */
struct cmdseen {
	char	id[BW_CMDID_LEN + 1];
	int64_t	written;
};

struct ownerlog {
	const char		*dir, *iface;
	char			 path[4096], cmdpath[4096];
	struct table		*tab;
	int			 interval, top, progs, retention;
	int64_t			 start;		/* the open interval's */
	int64_t			 newest;	/* the file's newest ts; -1 */
	int			 clock_logged;
	struct bw_owners	 set;		/* the interval's owners */
	char			**cmdtext;	/* their busiest's command */
	size_t			 ncmdtext;
	struct remt		*rem;		/* and their remotes */
	size_t			 nrem, remcap, remlimit;
	int			 nomem_logged;
	struct cmdseen		*seen;
	size_t			 nseen;
	struct bw_ownertotals	 totals;
	pid_t			 child;		/* the rollup; 0: none */
	int64_t			 rolled;	/* the last rollup's end */
	int64_t			 trimmed;	/* the local day last trimmed */
};

/* ---- owners ---- */

/*
 * Who a row is: the executable's name (without " (deleted)"), else the
 * command name; its user; its unit; its container, or the network
 * namespace bwprocs labels "netns:NAME".  A process's name never starts
 * with '[', which marks the unattributed rows: a '?' stands for it.
 */
static void
owner_of(const struct row *r, struct bw_owner *o)
{
	const char	*b, *exe = r->info.exe != NULL ? r->info.exe : "";
	size_t		 n;

	memset(o, 0, sizeof(*o));
	if (r->kind != ROW_PROC) {
		(void)snprintf(o->prog, sizeof(o->prog), "%s",
		    r->info.name != NULL ? r->info.name : "[other]");
		return;
	}
	if (*exe != '\0') {
		if ((b = strrchr(exe, '/')) != NULL)
			b++;
		else
			b = exe;
		n = strlen(b);
		if (n > 10 && strcmp(b + n - 10, " (deleted)") == 0)
			n -= 10;
	} else {
		b = r->info.name != NULL ? r->info.name : "";
		n = strlen(b);
	}
	if (n == 0) {
		b = "?";
		n = 1;
	}
	if (n >= sizeof(o->prog)) {
		/* Cut at a character boundary. */
		n = sizeof(o->prog) - 1;
		while (n > 0 && ((unsigned char)b[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(o->prog, b, n);
	o->prog[n] = '\0';
	if (o->prog[0] == '[')
		o->prog[0] = '?';
	(void)snprintf(o->user, sizeof(o->user), "%s",
	    r->info.user != NULL ? r->info.user : "");
	(void)snprintf(o->unit, sizeof(o->unit), "%s",
	    r->info.unit != NULL ? r->info.unit : "");
	if (r->info.container != NULL &&
	    strncmp(r->info.container, "netns:", 6) == 0)
		(void)snprintf(o->netns, sizeof(o->netns), "%s",
		    r->info.container + 6);
	else
		(void)snprintf(o->container, sizeof(o->container), "%s",
		    r->info.container != NULL ? r->info.container : "");
}

static void
nomem(struct ownerlog *ol)
{
	if (!ol->nomem_logged)
		log_warnx("%s: owner history: out of memory; some bytes of "
		    "this interval are not recorded", ol->iface);
	ol->nomem_logged = 1;
}

/*
 * Add a row's bytes (rx, tx) to its owner in the interval's set; *idx
 * gets the owner's index.  A process with bytes may be the owner's
 * busiest: then its command line is kept.  -1 without memory.
 */
static int
add_row(struct ownerlog *ol, const struct row *r, uint64_t rx, uint64_t tx,
    long *idx)
{
	struct bw_owner	  o;
	char		**v, *text;
	size_t		  n;

	owner_of(r, &o);
	o.rx = rx;
	o.tx = tx;
	if (r->kind == ROW_PROC && rx + tx > 0) {
		o.pid = r->pid;
		o.pidbytes = rx + tx;
		if (r->info.cmdline != NULL && r->info.cmdline[0] != '\0')
			bw_cmd_id(r->info.cmdline, o.cmd);
	}
	if (bw_owners_add(&ol->set, &o) == -1 ||
	    (*idx = bw_owners_index(&ol->set, &o)) < 0)
		return -1;
	if (ol->ncmdtext < ol->set.n) {
		n = ol->set.cap;
		if ((v = reallocarray(ol->cmdtext, n, sizeof(*v))) == NULL)
			return -1;
		memset(v + ol->ncmdtext, 0, (n - ol->ncmdtext) * sizeof(*v));
		ol->cmdtext = v;
		ol->ncmdtext = n;
	}
	/* This process is now the owner's busiest: keep its command. */
	if (o.cmd[0] != '\0' && ol->set.v[*idx].pid == o.pid &&
	    strcmp(ol->set.v[*idx].cmd, o.cmd) == 0 &&
	    (ol->cmdtext[*idx] == NULL ||
	    strcmp(ol->cmdtext[*idx], r->info.cmdline) != 0)) {
		if ((text = strdup(r->info.cmdline)) == NULL)
			return -1;
		free(ol->cmdtext[*idx]);
		ol->cmdtext[*idx] = text;
	}
	return 0;
}

/* ---- remotes ---- */

static int
cmp_remkey(const void *x, const void *y)
{
	const struct remt	*a = x, *b = y;
	int			 c;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->e.addr, b->e.addr, 16)) != 0)
		return c;
	return (int)a->e.port - (int)b->e.port;
}

static int
cmp_rembytes(const void *x, const void *y)
{
	const struct remt	*a = x, *b = y;

	if (a->rx + a->tx != b->rx + b->tx)
		return a->rx + a->tx > b->rx + b->tx ? -1 : 1;
	return cmp_remkey(x, y);
}

/* One tuple per owner and endpoint. */
static void
merge_rems(struct ownerlog *ol)
{
	size_t	i, n = 0;

	if (ol->nrem == 0)
		return;
	qsort(ol->rem, ol->nrem, sizeof(*ol->rem), cmp_remkey);
	for (i = 1; i < ol->nrem; i++) {
		if (cmp_remkey(&ol->rem[n], &ol->rem[i]) == 0) {
			ol->rem[n].rx += ol->rem[i].rx;
			ol->rem[n].tx += ol->rem[i].tx;
		} else
			ol->rem[++n] = ol->rem[i];
	}
	ol->nrem = n + 1;
}

/*
 * Merge the tuples; beyond REM_MAX of them (a flood of connections to
 * new endpoints), the smallest become their owners' "others": memory
 * stays bounded and no byte is lost.
 */
static void
compact_rems(struct ownerlog *ol)
{
	size_t	i;

	merge_rems(ol);
	if (ol->nrem > REM_MAX) {
		qsort(ol->rem, ol->nrem, sizeof(*ol->rem), cmp_rembytes);
		for (i = REM_MAX; i < ol->nrem; i++) {
			ol->rem[i].family = 0;
			memset(&ol->rem[i].e, 0, sizeof(ol->rem[i].e));
		}
		merge_rems(ol);
	}
	ol->remlimit = ol->nrem * 2 > REM_COMPACT ? ol->nrem * 2 :
	    REM_COMPACT;
}

/*
 * Whether c's remote end is a client of ours: it opened the connection
 * (its SYN was seen), or, with no SYN seen (UDP, or a connection older
 * than bwprocs), our port is a service's, below 1024, and its port is
 * not.  A client's port changes with every connection and names
 * nothing: the remote is its address alone, so a server's clients do
 * not each take a remote slot per connection.
 */
static int
remote_is_client(const struct conn *c)
{
	if (c->opener != OPEN_UNKNOWN)
		return c->opener == OPEN_B;
	return c->a.port < 1024 && c->b.port >= 1024;
}

/* Connection c's bytes go to its remote end, for owner idx. */
static int
add_rem(struct ownerlog *ol, long idx, const struct conn *c, uint64_t rx,
    uint64_t tx)
{
	struct remt	*v;
	size_t		 n;

	if (ol->remlimit == 0)
		ol->remlimit = REM_COMPACT;
	if (ol->nrem >= ol->remlimit)
		compact_rems(ol);
	if (ol->nrem == ol->remcap) {
		n = ol->remcap > 0 ? ol->remcap * 2 : 256;
		if ((v = reallocarray(ol->rem, n, sizeof(*v))) == NULL)
			return -1;
		ol->rem = v;
		ol->remcap = n;
	}
	v = &ol->rem[ol->nrem++];
	memset(v, 0, sizeof(*v));
	v->owner = (uint32_t)idx;
	v->family = c->family;
	v->e = c->b;
	if (remote_is_client(c))
		v->e.port = 0;
	v->rx = rx;
	v->tx = tx;
	return 0;
}

/*
 * "192.0.2.1:443", "[2001:db8::1]:443"; a client, "192.0.2.1" or
 * "2001:db8::1"; or the others' name.
 */
static void
fmt_remote(const struct remt *t, char *buf, size_t size)
{
	char	a[INET6_ADDRSTRLEN];

	if (t->family == 0)
		(void)snprintf(buf, size, "%s", BW_OTHER_REMOTES);
	else if (inet_ntop(t->family == 4 ? AF_INET : AF_INET6, t->e.addr, a,
	    sizeof(a)) == NULL)
		(void)snprintf(buf, size, "%s", BW_OTHER_REMOTES);
	else if (t->e.port == 0)
		(void)snprintf(buf, size, "%s", a);
	else if (t->family == 4)
		(void)snprintf(buf, size, "%s:%u", a, t->e.port);
	else
		(void)snprintf(buf, size, "[%s]:%u", a, t->e.port);
}

/* By owner, then busiest first. */
static int
cmp_remowner(const void *x, const void *y)
{
	const struct remt	*a = x, *b = y;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	return cmp_rembytes(x, y);
}

/*
 * Give each owner its top busiest remotes, and the rest as one "[other
 * remotes]": only those few are formatted.
 */
static int
attach_rems(struct ownerlog *ol)
{
	struct bw_owner	*o;
	char		 addr[72];
	uint64_t	 orx, otx;
	size_t		 i, j, k;

	if (ol->nrem == 0)
		return 0;
	merge_rems(ol);
	qsort(ol->rem, ol->nrem, sizeof(*ol->rem), cmp_remowner);
	for (i = 0; i < ol->nrem; i = j) {
		o = &ol->set.v[ol->rem[i].owner];
		orx = otx = 0;
		for (j = i, k = 0; j < ol->nrem &&
		    ol->rem[j].owner == ol->rem[i].owner; j++) {
			if (ol->rem[j].family != 0 && k < (size_t)ol->top) {
				fmt_remote(&ol->rem[j], addr, sizeof(addr));
				if (bw_owner_add_remote(o, addr,
				    ol->rem[j].rx, ol->rem[j].tx) == -1)
					return -1;
				k++;
			} else {
				orx += ol->rem[j].rx;
				otx += ol->rem[j].tx;
			}
		}
		if (orx + otx > 0 && bw_owner_add_remote(o, BW_OTHER_REMOTES,
		    orx, otx) == -1)
			return -1;
	}
	return 0;
}

/* ---- the interval ---- */

/* Rows and the index of their owner, for the connections' pass. */
struct rowmap {
	const struct row	**row;
	long			 *idx;
	size_t			  mask;
};

static size_t
ptr_hash(const void *p, size_t mask)
{
	uint64_t	v = (uint64_t)(uintptr_t)p;

	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & mask;
}

static int
map_init(struct rowmap *m, size_t n)
{
	size_t	size = 64;

	while (size < 2 * n)
		size *= 2;
	m->mask = size - 1;
	m->row = calloc(size, sizeof(*m->row));
	m->idx = calloc(size, sizeof(*m->idx));
	if (m->row == NULL || m->idx == NULL) {
		free(m->row);
		free(m->idx);
		return -1;
	}
	return 0;
}

/* The slot of r: where it is, or where it goes. */
static size_t
map_slot(const struct rowmap *m, const struct row *r)
{
	size_t	k;

	for (k = ptr_hash(r, m->mask); m->row[k] != NULL && m->row[k] != r;
	    k = (k + 1) & m->mask)
		;
	return k;
}

/* The owner's index of a connection's row, added (with no bytes) if new. */
static int
owner_idx(struct ownerlog *ol, struct rowmap *m, const struct row *r,
    long *idx)
{
	size_t	k = map_slot(m, r);

	if (m->row[k] == r) {
		*idx = m->idx[k];
		return 0;
	}
	if (add_row(ol, r, 0, 0, idx) == -1)
		return -1;
	m->row[k] = r;
	m->idx[k] = *idx;
	return 0;
}

/*
 * The table's hook: a row or a connection goes now, with the bytes it
 * moved since the interval began.
 */
static void
on_gone(void *arg, const struct row *r, const struct conn *c)
{
	struct ownerlog	*ol = arg;
	uint64_t	 rx, tx;
	long		 idx;

	if (c == NULL) {
		tab_row_obytes(r, &rx, &tx);
		if (rx + tx > 0 && add_row(ol, r, rx, tx, &idx) == -1)
			nomem(ol);
		return;
	}
	tab_conn_obytes(c, &rx, &tx);
	if (rx + tx > 0 && (add_row(ol, r, 0, 0, &idx) == -1 ||
	    add_rem(ol, idx, c, rx, tx) == -1))
		nomem(ol);
}

/*
 * Take the bytes of every row and connection since the interval began,
 * and begin the next one.
 */
static void
collect(struct ownerlog *ol)
{
	struct rowmap		 m;
	const struct row	*r;
	const struct conn	*c;
	uint64_t		 rx, tx;
	size_t			 k;
	long			 idx;

	if (map_init(&m, tab_nrows(ol->tab) + U_NROWS) == -1) {
		nomem(ol);
		tab_owner_mark(ol->tab);
		return;
	}
	for (r = tab_row_first(ol->tab); r != NULL;
	    r = tab_row_next(ol->tab, r)) {
		tab_row_obytes(r, &rx, &tx);
		if (rx + tx == 0)
			continue;
		if (add_row(ol, r, rx, tx, &idx) == -1) {
			nomem(ol);
			continue;
		}
		k = map_slot(&m, r);
		m.row[k] = r;
		m.idx[k] = idx;
	}
	for (c = tab_conns_first(ol->tab); c != NULL; c = tab_conns_next(c)) {
		if (c->owner == NULL)
			continue;
		tab_conn_obytes(c, &rx, &tx);
		if (rx + tx > 0 && (owner_idx(ol, &m, c->owner, &idx) == -1 ||
		    add_rem(ol, idx, c, rx, tx) == -1))
			nomem(ol);
	}
	free(m.row);
	free(m.idx);
	tab_owner_mark(ol->tab);
}

/* Forget the interval's owners. */
static void
reset(struct ownerlog *ol)
{
	size_t	i;

	for (i = 0; i < ol->ncmdtext; i++)
		free(ol->cmdtext[i]);
	free(ol->cmdtext);
	ol->cmdtext = NULL;
	ol->ncmdtext = 0;
	bw_owners_free(&ol->set);
	free(ol->rem);
	ol->rem = NULL;
	ol->nrem = ol->remcap = 0;
	ol->remlimit = REM_COMPACT;
	ol->nomem_logged = 0;
}

struct progsum {
	const char	*prog;
	uint64_t	 rx, tx;
};

static int
cmp_prog(const void *x, const void *y)
{
	return strcmp(((const struct progsum *)x)->prog,
	    ((const struct progsum *)y)->prog);
}

static int
cmp_progbytes(const void *x, const void *y)
{
	const struct progsum	*a = x, *b = y;

	if (a->rx + a->tx != b->rx + b->tx)
		return a->rx + a->tx > b->rx + b->tx ? -1 : 1;
	return strcmp(a->prog, b->prog);
}

/*
 * Add the interval's bytes to the per-program totals, the busiest
 * programs first (so that they are the ones listed while there is
 * room), and replace the totals file.
 */
static void
add_totals(struct ownerlog *ol, int64_t end)
{
	struct progsum	*v;
	size_t		 i, n = 0;

	if (ol->set.n == 0)
		return;
	if ((v = calloc(ol->set.n, sizeof(*v))) == NULL) {
		nomem(ol);
		return;
	}
	for (i = 0; i < ol->set.n; i++) {
		v[i].prog = ol->set.v[i].prog;
		v[i].rx = ol->set.v[i].rx;
		v[i].tx = ol->set.v[i].tx;
	}
	qsort(v, ol->set.n, sizeof(*v), cmp_prog);
	for (i = 1; i < ol->set.n; i++)
		if (strcmp(v[n].prog, v[i].prog) == 0) {
			v[n].rx += v[i].rx;
			v[n].tx += v[i].tx;
		} else
			v[++n] = v[i];
	n++;
	qsort(v, n, sizeof(*v), cmp_progbytes);
	for (i = 0; i < n; i++)
		if (bw_ownertotals_add(&ol->totals, v[i].prog, v[i].rx,
		    v[i].tx, (size_t)ol->progs) == -1)
			nomem(ol);
	free(v);
	if (end > ol->totals.ts)
		ol->totals.ts = end;
	if (bw_ownertotals_write(ol->dir, ol->iface, &ol->totals) == -1)
		log_warn("%s: owner totals not written", ol->iface);
}

/*
 * The entry of id when it is to be written now (never, or a week ago),
 * noted as written; NULL when it was written lately.
 */
static struct cmdseen *
cmd_due(struct ownerlog *ol, const char *id, int64_t now)
{
	struct cmdseen	*e;
	size_t		 i;

	for (i = 0; i < ol->nseen; i++) {
		e = &ol->seen[i];
		if (strcmp(e->id, id) != 0)
			continue;
		if (now - e->written < CMD_AGAIN && now >= e->written)
			return NULL;
		e->written = now;
		return e;
	}
	if (ol->nseen == CMD_SEEN)
		ol->nseen = 0;		/* forget: some are written again */
	e = &ol->seen[ol->nseen++];
	(void)snprintf(e->id, sizeof(e->id), "%s", id);
	e->written = now;
	return e;
}

struct cmdref {
	char		 id[BW_CMDID_LEN + 1];
	const char	*text;
};

/*
 * The command lines of the owners kept: each id is written when this
 * process first uses it, and again when its last write is a week old
 * (the file is trimmed by age).  refs: the ids and texts from before
 * the fold.
 */
static void
write_cmdlines(struct ownerlog *ol, const struct cmdref *refs, size_t n,
    int64_t now)
{
	struct cmdseen	*e;
	size_t		 i, j;

	for (i = 0; i < ol->set.n; i++) {
		if (ol->set.v[i].pid <= 0 || ol->set.v[i].cmd[0] == '\0')
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(refs[j].id, ol->set.v[i].cmd) == 0)
				break;
		if (j == n || (e = cmd_due(ol, refs[j].id, now)) == NULL)
			continue;
		if (bw_cmdlines_append(ol->cmdpath, refs[j].id, refs[j].text,
		    now) == -1) {
			log_warn("%s", ol->cmdpath);
			e->written = 0;		/* due again next time */
		}
	}
}

/* The ts the interval's rows get: never older than the file's newest. */
static int64_t
row_ts(struct ownerlog *ol)
{
	if (ol->start >= ol->newest)
		return ol->start;
	if (!ol->clock_logged)
		log_warnx("%s: the clock is behind the owner history's newest "
		    "interval (%lld): its rows go into that interval until "
		    "the clock catches up", ol->iface, (long long)ol->newest);
	ol->clock_logged = 1;
	return ol->newest;
}

/*
 * Write the interval's rows: the top owners, the rest folded; then the
 * command lines they name and the totals.  The rows of an interval that
 * was written before (a restart inside it) are added to it by readers.
 */
static void
close_interval(struct ownerlog *ol, double now)
{
	struct cmdref	*refs = NULL;
	size_t		 i, n = 0;
	int64_t		 ts;

	collect(ol);
	if (ol->set.n == 0)
		goto out;
	ts = row_ts(ol);
	if (attach_rems(ol) == -1)
		nomem(ol);
	add_totals(ol, (int64_t)now);
	/* The command texts by id, for after the fold reorders owners. */
	if ((refs = calloc(ol->set.n, sizeof(*refs))) != NULL)
		for (i = 0; i < ol->set.n && i < ol->ncmdtext; i++)
			if (ol->cmdtext[i] != NULL &&
			    ol->set.v[i].cmd[0] != '\0') {
				(void)memcpy(refs[n].id, ol->set.v[i].cmd,
				    sizeof(refs[n].id));
				refs[n++].text = ol->cmdtext[i];
			}
	if (bw_owners_fold(&ol->set, (size_t)ol->top, (size_t)ol->top) == -1)
		nomem(ol);
	if (refs != NULL)
		write_cmdlines(ol, refs, n, (int64_t)now);
	if (bw_owners_append(ol->path, ts, ol->interval, &ol->set) == -1)
		log_warn("%s: owner history not written", ol->path);
	else if (ts > ol->newest)
		ol->newest = ts;
out:
	free(refs);
	reset(ol);
}

/* ---- rollups and trims, in a child ---- */

static int64_t
local_day(double t)
{
	int64_t	d;

	if (bw_period_start((int64_t)t, BW_PERIOD_DAY, 1, &d) == -1)
		return (int64_t)t / 86400;
	return d;
}

/*
 * The child's work: roll up the hours and local days that ended by to
 * and are not rolled up yet, then trim when asked.  Its exit status.
 */
static int
rollup(const struct ownerlog *ol, int64_t to, int trim, double now)
{
	size_t	nh = 0, nd = 0;
	double	m = bw_mono();
	int	rv = 0;

	if (bw_owners_catchup(ol->dir, ol->iface, BW_OWNERS,
	    BW_OWNERS_HOURLY, to, (size_t)ol->top, &nh) == -1) {
		log_warn("%s: owner history: hourly rollup", ol->iface);
		rv = 1;
	} else if (bw_owners_catchup(ol->dir, ol->iface, BW_OWNERS_HOURLY,
	    BW_OWNERS_DAILY, to, (size_t)ol->top, &nd) == -1) {
		log_warn("%s: owner history: daily rollup", ol->iface);
		rv = 1;
	}
	if (trim && bw_owners_trim(ol->dir, ol->iface, now,
	    ol->retention) == -1) {
		log_warn("%s: owner history: trim", ol->iface);
		rv = 1;
	}
	if (nh > 1 || nd > 0)
		log_info("%s: owner history caught up: %zu hourly and %zu "
		    "daily rollups in %.0f ms", ol->iface, nh, nd,
		    (bw_mono() - m) * 1000);
	else
		log_debug("%s: owner history: %zu hourly rollups%s in %.0f ms",
		    ol->iface, nh, trim ? " and the trim" : "",
		    (bw_mono() - m) * 1000);
	return rv;
}

/*
 * Start the child that rolls up what ended by to (and trims on a new
 * local day).  It runs at a lower priority, with the default signal
 * actions, so that stopping bwprocs's unit stops it too; a kill at any
 * point leaves each file whole, and the next catch-up does the rest.
 */
static void
start_rollup(struct ownerlog *ol, int64_t to, double now)
{
	sigset_t	none;
	int		trim = local_day(now) != ol->trimmed;
	pid_t		pid;

	if ((pid = fork()) == -1) {
		log_warn("%s: owner history: fork", ol->iface);
		return;
	}
	if (pid == 0) {
		(void)signal(SIGTERM, SIG_DFL);
		(void)signal(SIGINT, SIG_DFL);
		(void)signal(SIGHUP, SIG_DFL);
		(void)sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)nice(10);
		_exit(rollup(ol, to, trim, now));
	}
	ol->child = pid;
	ol->rolled = to;
	if (trim)
		ol->trimmed = local_day(now);
}

static void
reap(struct ownerlog *ol)
{
	int	st;
	pid_t	r;

	if (ol->child == 0)
		return;
	r = waitpid(ol->child, &st, WNOHANG);
	if (r == 0)
		return;
	if (r == ol->child && WIFSIGNALED(st))
		log_warnx("%s: owner history: rollup killed by signal %d",
		    ol->iface, WTERMSIG(st));
	ol->child = 0;
}

/* ---- the module ---- */

static int64_t
interval_start(const struct ownerlog *ol, double now)
{
	int64_t	t = (int64_t)now;

	return t - t % ol->interval;
}

struct ownerlog *
ol_open(const char *dir, const char *iface, const struct bw_conf *conf,
    struct table *t, double now)
{
	struct ownerlog	*ol;
	int64_t		 end;
	int		 fd, saved;

	if ((ol = calloc(1, sizeof(*ol))) == NULL)
		return NULL;
	ol->dir = dir;
	ol->iface = iface;
	ol->tab = t;
	ol->interval = conf->owners_interval;
	ol->top = conf->owners_top;
	ol->progs = conf->metrics_programs;
	ol->retention = conf->retention_days;
	ol->newest = -1;
	ol->rolled = -1;
	ol->trimmed = -1;
	ol->remlimit = REM_COMPACT;
	bw_owners_init(&ol->set);
	if (ol->interval <= 0 ||
	    bw_kind_path(ol->path, sizeof(ol->path), dir, BW_OWNERS,
	    iface) == -1 ||
	    bw_kind_path(ol->cmdpath, sizeof(ol->cmdpath), dir, BW_CMDLINES,
	    iface) == -1 ||
	    (ol->seen = calloc(CMD_SEEN, sizeof(*ol->seen))) == NULL ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		saved = ol->interval <= 0 ? EINVAL : errno;
		free(ol->seen);
		free(ol);
		errno = saved;
		return NULL;
	}
	if (bw_owners_last(fd, BW_OWNERS, iface, &ol->newest, &end) == -1) {
		if (errno != ENOENT && errno != EBADMSG)
			log_warn("%s: owner history", ol->path);
		ol->newest = -1;
	}
	if (bw_ownertotals_read(fd, iface, &ol->totals) == -1) {
		if (errno != ENOENT)
			log_warn("%s: owner totals unreadable; counting from 0",
			    iface);
		bw_ownertotals_init(&ol->totals);
		ol->totals.since = (int64_t)now;
	}
	(void)close(fd);
	ol->start = interval_start(ol, now);
	tab_owner_mark(t);
	tab_set_gone(t, on_gone, ol);
	return ol;
}

void
ol_tick(struct ownerlog *ol, double now)
{
	reap(ol);
	if (now < ol->start || now >= ol->start + ol->interval) {
		/* Over, or the clock went back past its start. */
		close_interval(ol, now);
		ol->start = interval_start(ol, now);
	}
	/* An hour (and maybe a day) ended: roll it up. */
	if (ol->child == 0 && (ol->rolled < 0 ||
	    row_ts(ol) / HOUR != ol->rolled / HOUR))
		start_rollup(ol, row_ts(ol), now);
}

void
ol_flush(struct ownerlog *ol, double now)
{
	close_interval(ol, now);
}

void
ol_close(struct ownerlog *ol)
{
	if (ol == NULL)
		return;
	if (ol->child != 0) {
		/* A rollup cut short is taken up again at the next start. */
		(void)kill(ol->child, SIGTERM);
		(void)waitpid(ol->child, NULL, 0);
	}
	tab_set_gone(ol->tab, NULL, NULL);
	reset(ol);
	free(ol->seen);
	bw_ownertotals_free(&ol->totals);
	free(ol);
}
