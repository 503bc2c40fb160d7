/*
 * Socket inode -> process, from the links in /proc/<pid>/fd, and the
 * network namespaces processes live in.
 *
 * Reading every /proc/<pid>/fd costs O(all open files), so it is never
 * done per packet or per miss: the map is a cache, filled by a full scan
 * at start and then at most once a second (less often when a scan is
 * slow), and between full scans by quick scans that visit only the
 * processes started since.  Each entry keeps the process's start time,
 * so a reused pid is never mistaken for the process that had the socket.
 * Socket inodes are unique across network namespaces, so one map serves
 * them all.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pidmap.h"
#include "log.h"
#include "util.h"

#define FULL_MIN_GAP	1.0	/* seconds between full scans, at least */
#define FULL_COST_MUL	20.0	/* and 20 x the last one's duration */
#define QUICK_MIN_GAP	0.05
#define PROC_MAX	200	/* bytes of the proc path, at most */
#define NS_ADDRS	32
#define NEW_PIDS	8

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
	char		 proc[PROC_MAX + 1];	/* "/proc" */
	struct socktab	 socks;		/* socket inode -> process */
	struct pidtab	 pids;		/* the processes scanned */
	struct nsent	*ns;
	size_t		 nns, nscap;
	uint64_t	 selfns;
	struct pm_scans	 sc;
	double		 next_quick;
	double		 full_cost;	/* seconds the last full scan took */
	uint64_t	 nfull, nquick, npidscans;
	pid_t		 newpids[NEW_PIDS];	/* the last quick scan found */
	int		 nnew;
	uint64_t	 want;		/* scans note where this inode is */
	pid_t		 want_pid;
	int		 want_fd;
	uint64_t	 nprobes;
};

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* ---- the socket table: open addressing on the inode ---- */

static int
st_grow(struct socktab *t)
{
	struct sockent	*ne, *o;
	size_t		 ncap = t->cap ? t->cap * 2 : 1024, i, j;

	if ((ne = calloc(ncap, sizeof(*ne))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		o = &t->e[i];
		if (o->inode == 0)
			continue;
		for (j = mix64(o->inode) & (ncap - 1); ne[j].inode != 0;
		    j = (j + 1) & (ncap - 1))
			;
		ne[j] = *o;
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

/*
 * Record that pid has socket inode.  When several processes share a
 * socket (fork, SCM_RIGHTS), the youngest keeps it: after a fork the
 * child is usually the one that works with the connection.
 */
static int
st_put(struct socktab *t, uint64_t inode, pid_t pid, uint64_t start)
{
	struct sockent	*e;
	size_t		 j;

	if ((t->n + 1) * 2 > t->cap && st_grow(t) == -1)
		return -1;
	for (j = mix64(inode) & (t->cap - 1); t->e[j].inode != 0;
	    j = (j + 1) & (t->cap - 1)) {
		e = &t->e[j];
		if (e->inode != inode)
			continue;
		if (start > e->start || (start == e->start && pid > e->pid)) {
			e->pid = pid;
			e->start = start;
		}
		return 0;
	}
	t->e[j].inode = inode;
	t->e[j].pid = pid;
	t->e[j].start = start;
	t->n++;
	return 0;
}

static const struct sockent *
st_get(const struct socktab *t, uint64_t inode)
{
	size_t	j;

	if (t->cap == 0 || inode == 0)
		return NULL;
	for (j = mix64(inode) & (t->cap - 1); t->e[j].inode != 0;
	    j = (j + 1) & (t->cap - 1))
		if (t->e[j].inode == inode)
			return &t->e[j];
	return NULL;
}

/* ---- the process table: open addressing on the pid ---- */

static int
pt_grow(struct pidtab *t)
{
	struct pident	*ne, *o;
	size_t		 ncap = t->cap ? t->cap * 2 : 1024, i, j;

	if ((ne = calloc(ncap, sizeof(*ne))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		o = &t->e[i];
		if (o->pid == 0)
			continue;
		for (j = mix64((uint64_t)o->pid) & (ncap - 1); ne[j].pid != 0;
		    j = (j + 1) & (ncap - 1))
			;
		ne[j] = *o;
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

static struct pident *
pt_get(const struct pidtab *t, pid_t pid)
{
	size_t	j;

	if (t->cap == 0)
		return NULL;
	for (j = mix64((uint64_t)pid) & (t->cap - 1); t->e[j].pid != 0;
	    j = (j + 1) & (t->cap - 1))
		if (t->e[j].pid == pid)
			return &t->e[j];
	return NULL;
}

static int
pt_put(struct pidtab *t, const struct pident *p)
{
	struct pident	*e;
	size_t		 j;

	if ((e = pt_get(t, p->pid)) != NULL) {
		*e = *p;
		return 0;
	}
	if ((t->n + 1) * 2 > t->cap && pt_grow(t) == -1)
		return -1;
	for (j = mix64((uint64_t)p->pid) & (t->cap - 1); t->e[j].pid != 0;
	    j = (j + 1) & (t->cap - 1))
		;
	t->e[j] = *p;
	t->n++;
	return 0;
}

/* ---- reading /proc/<pid> ---- */

static pid_t
parse_pid(const char *s)
{
	long	v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

/* Field 22 of /proc/<pid>/stat: the start time in clock ticks. */
int
pm_proc_start(const char *proc, pid_t pid, uint64_t *start)
{
	char			 path[320], buf[1024], *p, *end;
	ssize_t			 n;
	int			 fd, field;
	unsigned long long	 v;

	(void)snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name may hold anything: skip to its last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	p++;
	for (field = 2; field < 21; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -1;
	}
	errno = 0;
	v = strtoull(p + 1, &end, 10);
	if (errno != 0 || end == p + 1)
		return -1;
	*start = v;
	return 0;
}

/* The inode of the network namespace "net:[N]" of pid; 0 if unknown. */
static uint64_t
pid_netns(const char *proc, pid_t pid)
{
	char			 path[320], link[64];
	ssize_t			 n;
	unsigned long long	 v;

	if (pid > 0)
		(void)snprintf(path, sizeof(path), "%s/%d/ns/net", proc,
		    (int)pid);
	else
		(void)snprintf(path, sizeof(path), "%s/self/ns/net", proc);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "net:[%llu]", &v) != 1)
		return 0;
	return v;
}

/* "netns:NAME" when an ip-netns(8) name is bound to it, else the inode. */
static void
ns_label(uint64_t ino, char *buf, size_t size)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[512];

	(void)snprintf(buf, size, "netns:%llu", (unsigned long long)ino);
	if ((d = opendir("/run/netns")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "/run/netns/%s",
		    de->d_name);
		if (stat(path, &st) == 0 && (uint64_t)st.st_ino == ino) {
			(void)snprintf(buf, size, "netns:%.60s", de->d_name);
			break;
		}
	}
	(void)closedir(d);
}

static void
ns_note(struct pidmap *pm, uint64_t ino, pid_t pid)
{
	struct nsent	*n;
	size_t		 i;

	if (ino == 0)
		return;
	for (i = 0; i < pm->nns; i++)
		if (pm->ns[i].ino == ino) {
			if (!pm->ns[i].seen)
				pm->ns[i].pid = pid;
			pm->ns[i].seen = 1;
			return;
		}
	if (pm->nns == pm->nscap) {
		size_t ncap = pm->nscap ? pm->nscap * 2 : 16;

		if ((n = reallocarray(pm->ns, ncap, sizeof(*n))) == NULL)
			return;
		pm->ns = n;
		pm->nscap = ncap;
	}
	n = &pm->ns[pm->nns++];
	memset(n, 0, sizeof(*n));
	n->ino = ino;
	n->pid = pid;
	n->seen = 1;
	ns_label(ino, n->label, sizeof(n->label));
}

const char *
pm_ns_label(const struct pidmap *pm, uint64_t ino)
{
	size_t	i;

	for (i = 0; i < pm->nns; i++)
		if (pm->ns[i].ino == ino)
			return pm->ns[i].label;
	return NULL;
}

/* Record the sockets of one process into t; -1 when it is gone. */
static int
scan_pid(struct pidmap *pm, struct socktab *t, pid_t pid, struct pident *pe)
{
	char			 path[320], link[64], *end;
	struct dirent		*de;
	DIR			*d;
	ssize_t			 n;
	int			 dfd;
	unsigned long long	 ino;

	memset(pe, 0, sizeof(*pe));
	pe->pid = pid;
	if (pm_proc_start(pm->proc, pid, &pe->start) == -1)
		return -1;
	pe->netns = pid_netns(pm->proc, pid);
	ns_note(pm, pe->netns, pid);
	pm->npidscans++;
	(void)snprintf(path, sizeof(path), "%s/%d/fd", pm->proc, (int)pid);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == EACCES)
			pm->sc.fd_denied = 1;
		return 0;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		(void)close(dfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		if (n < 10)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:[", 8) != 0)
			continue;
		errno = 0;
		ino = strtoull(link + 8, &end, 10);
		if (errno != 0 || *end != ']' || ino == 0)
			continue;
		if (ino == pm->want) {
			pm->want_pid = pid;
			pm->want_fd = atoi(de->d_name);
		}
		if (st_put(t, ino, pid, pe->start) == -1)
			break;
	}
	(void)closedir(d);
	return 0;
}

struct pidmap *
pm_new(const char *proc)
{
	struct pidmap	*pm;

	if (strlen(proc) > PROC_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((pm = calloc(1, sizeof(*pm))) == NULL)
		return NULL;
	(void)snprintf(pm->proc, sizeof(pm->proc), "%s", proc);
	pm->selfns = pid_netns(proc, 0);
	return pm;
}

void
pm_free(struct pidmap *pm)
{
	if (pm == NULL)
		return;
	free(pm->socks.e);
	free(pm->pids.e);
	free(pm->ns);
	free(pm);
}

/*
 * Rebuild the map from every process.  Returns 0, or 1 when it is too
 * soon for another (the caller waits) and not forced, or -1 when /proc
 * is unreadable.
 */
int
pm_full_scan(struct pidmap *pm, double now, int force)
{
	struct socktab	 nt = { NULL, 0, 0 };
	struct pidtab	 np = { NULL, 0, 0 };
	struct pident	 pe;
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid, newest = 0;
	double		 t0;
	size_t		 i, j;

	if (force)
		pm->sc.next_full = 0;
	if (now < pm->sc.next_full)
		return 1;
	t0 = bw_mono();
	if ((d = opendir(pm->proc)) == NULL)
		return -1;
	for (i = 0; i < pm->nns; i++)
		pm->ns[i].seen = 0;
	while ((de = readdir(d)) != NULL) {
		if ((pid = parse_pid(de->d_name)) == 0)
			continue;
		if (scan_pid(pm, &nt, pid, &pe) == 0) {
			pe.dino = de->d_ino;
			(void)pt_put(&np, &pe);
			if (pid > newest)
				newest = pid;
		}
	}
	(void)closedir(d);
	free(pm->socks.e);
	pm->socks = nt;
	free(pm->pids.e);
	pm->pids = np;
	/* Namespaces nobody lives in any more are gone. */
	for (i = j = 0; i < pm->nns; i++)
		if (pm->ns[i].seen)
			pm->ns[j++] = pm->ns[i];
	pm->nns = j;
	pm->sc.newest = newest;
	pm->full_cost = bw_mono() - t0;
	pm->sc.next_full = now + (pm->full_cost * FULL_COST_MUL > FULL_MIN_GAP ?
	    pm->full_cost * FULL_COST_MUL : FULL_MIN_GAP);
	pm->nfull++;
	pm->sc.done = 1;
	log_debug("full scan: %zu processes, %zu sockets, %zu namespaces, "
	    "%.1f ms", pm->pids.n, pm->socks.n, pm->nns,
	    pm->full_cost * 1e3);
	return 0;
}

/*
 * Scan only the processes not seen before (new connections often come
 * from new processes).  A pid seen before may belong to a new process
 * now (pids wrap, at 32768 by default): then its /proc directory is a
 * new inode, and its start time says.  Returns the number of processes
 * scanned, or -1.
 */
int
pm_quick_scan(struct pidmap *pm, double now, int force)
{
	struct pident	 pe, *old;
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid;
	uint64_t	 start;
	int		 n = 0;

	if (now < pm->next_quick && !force)
		return 0;
	pm->next_quick = now + QUICK_MIN_GAP;
	if ((d = opendir(pm->proc)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((pid = parse_pid(de->d_name)) == 0)
			continue;
		if ((old = pt_get(&pm->pids, pid)) != NULL) {
			if (old->dino == (uint64_t)de->d_ino)
				continue;
			if (pm_proc_start(pm->proc, pid, &start) == 0 &&
			    start == old->start) {
				old->dino = de->d_ino;
				continue;
			}
		}
		if (scan_pid(pm, &pm->socks, pid, &pe) == 0) {
			pe.dino = de->d_ino;
			(void)pt_put(&pm->pids, &pe);
			if (n < NEW_PIDS)
				pm->newpids[n] = pid;
			/* The newest of the new (pids wrap). */
			if (n == 0 || pid > pm->sc.newest)
				pm->sc.newest = pid;
			n++;
		}
	}
	pm->nnew = n < NEW_PIDS ? n : NEW_PIDS;
	(void)closedir(d);
	pm->nquick++;
	return n;
}

int
pm_find(const struct pidmap *pm, uint64_t inode, pid_t *pid, uint64_t *start)
{
	const struct sockent	*se;

	if ((se = st_get(&pm->socks, inode)) == NULL)
		return 0;
	*pid = se->pid;
	*start = se->start;
	return 1;
}

void
pm_want(struct pidmap *pm, uint64_t inode)
{
	pm->want = inode;
}

int
pm_wanted(struct pidmap *pm, pid_t *pid, int *fd)
{
	int	found = pm->want != 0 && pm->want_pid > 0;

	if (found) {
		*pid = pm->want_pid;
		*fd = pm->want_fd;
	}
	pm->want = 0;
	pm->want_pid = 0;
	return found;
}

int
pm_new_pids(const struct pidmap *pm, const pid_t **pids)
{
	*pids = pm->newpids;
	return pm->nnew;
}

const struct pm_scans *
pm_scans(const struct pidmap *pm)
{
	return &pm->sc;
}

uint64_t
pm_selfns(const struct pidmap *pm)
{
	return pm->selfns;
}

/* Parse an IPv4 dotted quad at s into a; -1 if it is not one. */
static int
parse_v4(const char *s, uint8_t *a)
{
	unsigned	v[4];
	char		c;
	int		i;

	if (sscanf(s, "%3u.%3u.%3u.%3u%c", &v[0], &v[1], &v[2], &v[3],
	    &c) < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (v[i] > 255)
			return -1;
		a[i] = (uint8_t)v[i];
	}
	return 0;
}

/*
 * The IPv4 addresses of a namespace: in <proc>/<pid>/net/fib_trie a
 * "/32 host LOCAL" line follows each local address's "|-- a.b.c.d".
 */
static void
ns_read_v4(const char *proc, struct nsent *n)
{
	FILE	*fp;
	char	 path[320], line[256], *p;
	uint8_t	 cur[4];
	int	 have = 0, lines = 0, i;

	n->n4 = 0;
	(void)snprintf(path, sizeof(path), "%s/%d/net/fib_trie", proc,
	    (int)n->pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL && ++lines < 100000) {
		if ((p = strstr(line, "|-- ")) != NULL) {
			have = parse_v4(p + 4, cur) == 0;
			continue;
		}
		if (have && strstr(line, "/32 host LOCAL") != NULL) {
			for (i = 0; i < n->n4; i++)
				if (memcmp(n->v4[i], cur, 4) == 0)
					break;
			if (i == n->n4 && n->n4 < NS_ADDRS)
				memcpy(n->v4[n->n4++], cur, 4);
		}
	}
	(void)fclose(fp);
}

/* The IPv6 addresses of a namespace, from <proc>/<pid>/net/if_inet6. */
static void
ns_read_v6(const char *proc, struct nsent *n)
{
	FILE		*fp;
	char		 path[320], line[256], hex[33];
	unsigned	 b;
	int		 i;

	n->n6 = 0;
	(void)snprintf(path, sizeof(path), "%s/%d/net/if_inet6", proc,
	    (int)n->pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL && n->n6 < NS_ADDRS) {
		if (sscanf(line, "%32[0-9a-fA-F]", hex) != 1 ||
		    strlen(hex) != 32)
			continue;
		for (i = 0; i < 16; i++) {
			if (sscanf(hex + i * 2, "%2x", &b) != 1)
				break;
			n->v6[n->n6][i] = (uint8_t)b;
		}
		if (i == 16)
			n->n6++;
	}
	(void)fclose(fp);
}

/* Read the addresses of the namespaces not read for 5 seconds. */
void
pm_ns_addrs(struct pidmap *pm, double now)
{
	size_t	i;

	for (i = 0; i < pm->nns; i++) {
		if (pm->ns[i].ino == pm->selfns ||
		    (pm->ns[i].addr_time != 0 &&
		    now - pm->ns[i].addr_time < 5.0 &&
		    now >= pm->ns[i].addr_time))
			continue;
		/* Kept when nobody is left: nothing there to attribute. */
		if (pm_ns_rep(pm, pm->ns[i].ino, now) != 0) {
			ns_read_v4(pm->proc, &pm->ns[i]);
			ns_read_v6(pm->proc, &pm->ns[i]);
		}
		pm->ns[i].addr_time = now;
	}
}

/* The namespace (not ours) that has address a; 0 if none. */
uint64_t
pm_ns_owner(const struct pidmap *pm, int family, const uint8_t *a)
{
	size_t	i;
	int	j;

	for (i = 0; i < pm->nns; i++) {
		if (pm->ns[i].ino == pm->selfns)
			continue;
		if (family == 4) {
			for (j = 0; j < pm->ns[i].n4; j++)
				if (memcmp(pm->ns[i].v4[j], a, 4) == 0)
					return pm->ns[i].ino;
		} else {
			for (j = 0; j < pm->ns[i].n6; j++)
				if (memcmp(pm->ns[i].v6[j], a, 16) == 0)
					return pm->ns[i].ino;
		}
	}
	return 0;
}

static struct nsent *
ns_get(struct pidmap *pm, uint64_t ino)
{
	size_t	i;

	for (i = 0; i < pm->nns; i++)
		if (pm->ns[i].ino == ino)
			return &pm->ns[i];
	return NULL;
}

/*
 * A process that lives in namespace ino now (its tables are read
 * through /proc/<pid>/net): the one we know if it still does, else
 * another.  0 when nobody is left.
 */
pid_t
pm_ns_rep(struct pidmap *pm, uint64_t ino, double now)
{
	struct nsent	*n;
	size_t		 i;
	int		 pass;

	for (pass = 0; pass < 2; pass++) {
		if ((n = ns_get(pm, ino)) == NULL)
			return 0;
		if (n->pid > 0 && pid_netns(pm->proc, n->pid) == ino)
			return n->pid;
		n->pid = 0;
		for (i = 0; i < pm->pids.cap; i++) {
			if (pm->pids.e[i].pid == 0 ||
			    pm->pids.e[i].netns != ino)
				continue;
			if (pid_netns(pm->proc, pm->pids.e[i].pid) == ino) {
				n->pid = pm->pids.e[i].pid;
				return n->pid;
			}
			pm->pids.e[i].netns = 0;	/* gone or moved */
		}
		/* New processes may live there (ns_note sets the pid). */
		if (pass == 0 && pm_quick_scan(pm, now, 0) <= 0)
			break;
	}
	return 0;
}

/*
 * Look again at the files of some processes we know (those that made
 * connections lately tend to make more).  Returns how many were read.
 */
int
pm_rescan(struct pidmap *pm, const pid_t *pids, int n)
{
	struct pident	pe;
	int		i, done = 0;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (scan_pid(pm, &pm->socks, pids[i], &pe) == 0) {
			(void)pt_put(&pm->pids, &pe);
			done++;
		}
	}
	return done;
}

/*
 * Is socket inode behind descriptor fd of pid?  One readlink: processes
 * that open and close sockets in a loop get the same descriptor number
 * again and again.  1 when it is (and now in the map), else 0.
 */
int
pm_probe(struct pidmap *pm, pid_t pid, int fd, uint64_t inode)
{
	char			 path[320], link[64], *end;
	ssize_t			 n;
	unsigned long long	 ino;
	uint64_t		 start;

	if (pid <= 0 || fd < 0 || inode == 0)
		return 0;
	(void)snprintf(path, sizeof(path), "%s/%d/fd/%d", pm->proc, (int)pid,
	    fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 10)
		return 0;
	link[n] = '\0';
	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	errno = 0;
	ino = strtoull(link + 8, &end, 10);
	if (errno != 0 || *end != ']' || ino != inode)
		return 0;
	if (pm_proc_start(pm->proc, pid, &start) == -1 ||
	    st_put(&pm->socks, inode, pid, start) == -1)
		return 0;
	pm->nprobes++;
	return 1;
}

/*
 * A program that starts a process per connection gets the pids in
 * order: probe the k-th pid after the newest seen.  That pid when inode
 * is behind its descriptor fd (it is the newest now), else 0.
 */
pid_t
pm_probe_new(struct pidmap *pm, int k, int fd, uint64_t inode)
{
	pid_t	pid = pm->sc.newest + k;

	if (!pm_probe(pm, pid, fd, inode))
		return 0;
	pm->sc.newest = pid;
	return pid;
}
