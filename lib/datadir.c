/*
 * The data directory: the names of its files, the interfaces that have
 * files, opening one safely, and the one rule that picks the interface a
 * tool shows when none is named.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "fileio.h"
#include "procs.h"
#include "util.h"

static const struct {
	const char	*name, *prefix, *suffix;
} kinds[BW_NKINDS] = {
	[BW_HISTORY] =	{ "history",	"bw_",		".csv" },
	[BW_STATE] =	{ "state",	"state_",	".json" },
	[BW_LIVE] =	{ "live",	"live_",	".json" },
	[BW_PROCS] =	{ "procs",	"procs_",	".json" },
	[BW_SPIKES] =	{ "spikes",	"spikes_",	".jsonl" },
	[BW_ALERTS] =	{ "alerts",	"alerts_",	".jsonl" },
	[BW_OWNERS] =	{ "owners",	"owners_",	".jsonl" },
	[BW_OWNERS_HOURLY] = { "owners_hourly", "owners1h_",	".jsonl" },
	[BW_OWNERS_DAILY] = { "owners_daily", "owners1d_",	".jsonl" },
	[BW_CMDLINES] =	{ "cmdlines",	"cmdlines_",	".jsonl" },
	[BW_OWNERTOTALS] = { "owner_totals", "ownertotals_", ".json" },
	[BW_HOSTS] =	{ "hosts",	"hosts_",	".json" },
	[BW_HOSTLOG] =	{ "hostlog",	"hostlog_",	".jsonl" },
	[BW_HOSTLOG_HOURLY] = { "hostlog_hourly", "hostlog1h_", ".jsonl" },
	[BW_HOSTLOG_DAILY] = { "hostlog_daily", "hostlog1d_", ".jsonl" },
};

static const char *const dirfiles[BW_NDIRFILES] = {
	[BW_TOTALS_DAILY] =	"daily_totals.log",
	[BW_TOTALS_WEEKLY] =	"weekly_totals.log",
	[BW_TOTALS_MONTHLY] =	"monthly_totals.log",
	[BW_COLLECT_LOCK] =	".bwcollect.lock",
};

/* The kind's name in the API and messages: "history", "procs", ... */
const char *
bw_kind_name(enum bw_kind k)
{
	return kinds[k].name;
}

/*
 * The file name of a kind for an interface, "bw_eth0.csv"; -1 with
 * EINVAL for an invalid interface name.
 */
int
bw_kind_file(char *buf, size_t size, enum bw_kind k, const char *iface)
{
	int	n;

	if (!bw_ifname_valid(iface)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, size, "%s%s%s", kinds[k].prefix, iface,
	    kinds[k].suffix);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The same under dir: "/var/lib/bwmon/bw_eth0.csv". */
int
bw_kind_path(char *buf, size_t size, const char *dir, enum bw_kind k,
    const char *iface)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), k, iface) == -1)
		return -1;
	return bw_path(buf, size, dir, name, NULL, NULL);
}

/*
 * The kind and interface of a file name; iface has room for
 * BW_IFNAMSIZ.  -1 when the name is none of ours.
 */
int
bw_kind_parse(const char *file, enum bw_kind *kp, char *iface)
{
	size_t	len = strlen(file), pl, sl;
	int	k;

	for (k = 0; k < BW_NKINDS; k++) {
		pl = strlen(kinds[k].prefix);
		sl = strlen(kinds[k].suffix);
		if (len <= pl + sl || len - pl - sl >= BW_IFNAMSIZ ||
		    strncmp(file, kinds[k].prefix, pl) != 0 ||
		    strcmp(file + len - sl, kinds[k].suffix) != 0)
			continue;
		memcpy(iface, file + pl, len - pl - sl);
		iface[len - pl - sl] = '\0';
		if (!bw_ifname_valid(iface))
			return -1;
		*kp = (enum bw_kind)k;
		return 0;
	}
	return -1;
}

const char *
bw_dirfile_name(enum bw_dirfile f)
{
	return dirfiles[f];
}

int
bw_dirfile_path(char *buf, size_t size, const char *dir, enum bw_dirfile f)
{
	return bw_path(buf, size, dir, dirfiles[f], NULL, NULL);
}

/*
 * Open a data file to read, relative to dirfd (or AT_FDCWD and a path):
 * never through a symbolic link (ELOOP), never blocking on a FIFO
 * planted there, and only a regular file (else -1 with EINVAL).
 */
int
bw_data_open(int dirfd, const char *name)
{
	return bw_open_regular_at(dirfd, name, O_RDONLY, 0);
}

/*
 * Read the whole file of a kind of iface in the directory open on dirfd
 * (at most max bytes) into a NUL-terminated buffer the caller frees.
 * -1 with errno: ENOENT when there is none, EINVAL when it is not a
 * regular file, EFBIG when it is larger.
 */
int
bw_kind_read(int dirfd, enum bw_kind k, const char *iface, size_t max,
    char **bufp, size_t *lenp)
{
	char	name[64];

	if (bw_kind_file(name, sizeof(name), k, iface) == -1)
		return -1;
	return bw_read_file_at(dirfd, name, max, bufp, lenp);
}

static int
cmp_iface(const void *a, const void *b)
{
	const struct bw_iface	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * The interfaces that have a file of ours in the directory open on
 * dirfd (which stays open): regular files with a valid name only, as a
 * symbolic link of such a name is not an interface.  Sorted by name,
 * each once with the kinds it has.  0, or -1 with errno.
 */
int
bw_ifaces_scan(int dirfd, struct bw_ifaces *l)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct bw_iface	*v = NULL, *nv;
	enum bw_kind	 k;
	char		 name[BW_IFNAMSIZ];
	size_t		 n = 0, cap = 0, i, j;
	int		 fd, saved;

	l->v = NULL;
	l->n = 0;
	if ((fd = dup(dirfd)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (bw_kind_parse(de->d_name, &k, name) == -1)
			continue;
		if (de->d_type != DT_REG && (de->d_type != DT_UNKNOWN ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(st.st_mode)))
			continue;
		if ((nv = bw_grow(v, n, &cap, 16, sizeof(*v))) == NULL) {
			free(v);
			(void)closedir(d);
			errno = ENOMEM;
			return -1;
		}
		v = nv;
		(void)strcpy(v[n].name, name);
		v[n++].kinds = BW_KIND_BIT(k);
	}
	(void)closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_iface);
	for (i = j = 0; i < n; i++) {
		if (j > 0 && strcmp(v[j - 1].name, v[i].name) == 0)
			v[j - 1].kinds |= v[i].kinds;
		else
			v[j++] = v[i];
	}
	l->v = v;
	l->n = j;
	return 0;
}

/* The same for a directory by path. */
int
bw_ifaces_load(const char *dir, struct bw_ifaces *l)
{
	int	fd, rv, saved;

	l->v = NULL;
	l->n = 0;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rv = bw_ifaces_scan(fd, l);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

const struct bw_iface *
bw_ifaces_find(const struct bw_ifaces *l, const char *name)
{
	struct bw_iface	key;

	if (l->n == 0 || strlen(name) >= sizeof(key.name))
		return NULL;
	(void)strcpy(key.name, name);
	return bsearch(&key, l->v, l->n, sizeof(key), cmp_iface);
}

/* How many interfaces have a file of one of the kinds in mask. */
size_t
bw_ifaces_count(const struct bw_ifaces *l, unsigned mask)
{
	size_t	i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kinds & mask)
			n++;
	return n;
}

/*
 * "eth0, wlan0" of the interfaces with one of the kinds in mask, for a
 * message; a list that does not fit ends in "...".  0, or -1 when it
 * was cut.
 */
int
bw_ifaces_list(const struct bw_ifaces *l, unsigned mask, char *buf,
    size_t size)
{
	size_t	i, len = 0, n;
	int	first = 1;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (!(l->v[i].kinds & mask))
			continue;
		n = strlen(l->v[i].name) + (first ? 0 : 2);
		if (len + n + 4 >= size) {
			(void)strcpy(buf + len, first ? "..." : ", ...");
			return -1;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    first ? "" : ", ", l->v[i].name);
		first = 0;
	}
	return 0;
}

void
bw_ifaces_free(struct bw_ifaces *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Whether an interface is one of "ifaces_ignore": container-side
 * interfaces (veth* by default), which come and go by the hundred on a
 * container host.  Not sampled unless named, never picked by default.
 */
int
bw_iface_ignored(const struct bw_conf *c, const char *name)
{
	char	 pats[sizeof(c->ifaces_ignore)], *p, *tok, *save;

	(void)strcpy(pats, c->ifaces_ignore);
	for (p = pats; (tok = strtok_r(p, " \t,", &save)) != NULL; p = NULL)
		if (fnmatch(tok, name, 0) == 0)
			return 1;
	return 0;
}

/* The interface of the IPv4 default route, from <procdir>/net/route. */
int
bw_route_iface(const char *procdir, char *out, size_t size)
{
	char	 path[4096], line[512], ifn[64], dst[16];
	FILE	*fp;
	int	 rv = -1;

	if (bw_path(path, sizeof(path), procdir, "net/route", NULL, NULL) ==
	    -1 || (fp = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%63s %15s", ifn, dst) != 2)
			continue;
		if (strcmp(dst, "00000000") == 0 && bw_ifname_valid(ifn) &&
		    strlen(ifn) < size) {
			(void)strcpy(out, ifn);
			rv = 0;
			break;
		}
	}
	(void)fclose(fp);
	return rv;
}

/*
 * The interface a tool shows when none is named, of those with files in
 * the directory open on dirfd: the configured "iface" (with data or not:
 * the tool then says it has none, and which have), else one that bwprocs
 * is running for, else the default route's, else the first with history
 * that is not ignored, else the first not ignored, else the first.  The same rule for
 * bwhistory, bwtotal, bwtop and the web page.  NULL when the directory
 * has no interface.
 */
const char *
bw_pick_iface(int dirfd, const struct bw_ifaces *l, const struct bw_conf *c,
    double now)
{
	const struct bw_iface	*f;
	char			 route[BW_IFNAMSIZ];
	size_t			 i;

	if (c != NULL && c->iface[0] != '\0')
		return c->iface;
	if (l->n == 0)
		return NULL;
	for (i = 0; i < l->n; i++)
		if ((l->v[i].kinds & BW_KIND_BIT(BW_PROCS)) &&
		    (c == NULL || !bw_iface_ignored(c, l->v[i].name)) &&
		    bw_procs_status(dirfd, l->v[i].name, now, NULL) ==
		    BW_BWPROCS_RUNNING)
			return l->v[i].name;
	if (bw_route_iface(bw_procdir(), route, sizeof(route)) == 0 &&
	    (f = bw_ifaces_find(l, route)) != NULL)
		return f->name;
	for (i = 0; i < l->n; i++)
		if ((l->v[i].kinds & BW_KIND_BIT(BW_HISTORY)) &&
		    (c == NULL || !bw_iface_ignored(c, l->v[i].name)))
			return l->v[i].name;
	for (i = 0; i < l->n; i++)
		if (c == NULL || !bw_iface_ignored(c, l->v[i].name))
			return l->v[i].name;
	return l->v[0].name;
}

/*
 * bw_pick_iface() for a directory by path, into out.  -1 with ENOENT
 * when the directory has no interface.
 */
int
bw_default_iface(const char *dir, const struct bw_conf *c, char *out,
    size_t size)
{
	struct bw_ifaces	 l;
	const char		*name;
	int			 fd, rv = -1;

	if (size < BW_IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (bw_ifaces_scan(fd, &l) == 0) {
		if ((name = bw_pick_iface(fd, &l, c, bw_now())) != NULL) {
			(void)strcpy(out, name);
			rv = 0;
		} else
			errno = ENOENT;
		bw_ifaces_free(&l);
	}
	(void)close(fd);
	return rv;
}
