/*
 * What a process row says about its process: comm, exe path, command
 * line, user, and the container or network namespace it runs in.  Read
 * once when the row is made (and again now and then), never per packet.
 * Everything read here may hold any bytes: it is made valid UTF-8.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procinfo.h"

#define CMDLINE_MAX	1024	/* bytes kept of a command line */
#define PATH_KEEP	1024
#define USER_CACHE	64

struct user_ent {
	long long	 uid;
	char		*name;
};

static struct user_ent	users[USER_CACHE];
static int		nusers, nextuser;

void
pi_user_cache_free(void)
{
	int	i;

	for (i = 0; i < nusers; i++)
		free(users[i].name);
	nusers = nextuser = 0;
}

/* The user name of uid (cached), or the number when it has none. */
static char *
user_name(long long uid)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[1024], num[32];
	const char	*name;
	int		 i;

	for (i = 0; i < nusers; i++)
		if (users[i].uid == uid && users[i].name != NULL)
			return strdup(users[i].name);
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 &&
	    res != NULL)
		name = res->pw_name;
	else {
		(void)snprintf(num, sizeof(num), "%lld", uid);
		name = num;
	}
	if (nusers < USER_CACHE)
		i = nusers++;
	else {
		i = nextuser;
		nextuser = (nextuser + 1) % USER_CACHE;
		free(users[i].name);
	}
	users[i].uid = uid;
	users[i].name = pi_sanitize(name, strlen(name), 64);
	if (users[i].name == NULL)
		return NULL;
	return strdup(users[i].name);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t	cp;
	size_t		len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * A copy of len bytes of s that is valid UTF-8 of at most cap bytes:
 * NULs (argument separators) become spaces, other control characters
 * '?', invalid bytes U+FFFD; trailing spaces go.  NULL without memory.
 */
char *
pi_sanitize(const char *s, size_t len, size_t cap)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i = 0, l;

	if ((out = malloc(cap + 1)) == NULL)
		return NULL;
	o = out;
	while (i < len) {
		l = utf8_len(p + i, len - i);
		if (l == 0) {
			if ((size_t)(o - out) + 3 > cap)
				break;
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		if ((size_t)(o - out) + l > cap)
			break;
		if (l == 1 && p[i] == '\0')
			*o++ = ' ';
		else if (l == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			*o++ = '?';
		else {
			memcpy(o, p + i, l);
			o += l;
		}
		i += l;
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/* Read up to size - 1 bytes of a /proc file; the length or -1. */
static ssize_t
read_small(const char *path, char *buf, size_t size)
{
	ssize_t	n, total = 0;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - (size_t)total);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			(void)close(fd);
			return -1;
		}
		if (n == 0)
			break;
		total += n;
	}
	(void)close(fd);
	buf[total] = '\0';
	return total;
}

/*
 * Copy the id or name after marker in s: hex ids are cut to 12
 * characters (as docker ps shows them), ".scope" is dropped.
 */
static int
cg_match(const char *s, const char *marker, const char *prefix, int shortid,
    char *out, size_t size)
{
	const char	*p, *q;
	size_t		 n;

	if ((p = strstr(s, marker)) == NULL)
		return 0;
	p += strlen(marker);
	for (q = p; *q != '\0' && *q != '/' && *q != '\n'; q++)
		;
	n = (size_t)(q - p);
	if (n > 6 && strncmp(q - 6, ".scope", 6) == 0)
		n -= 6;
	if (n == 0)
		return 0;
	if (shortid && n > 12)
		n = 12;
	if (n > 60)
		n = 60;
	(void)snprintf(out, size, "%s%.*s", prefix, (int)n, p);
	return 1;
}

/* The container a process runs in, from its cgroup file; "" if none. */
static void
container_of(const char *buf, char *out, size_t size)
{
	out[0] = '\0';
	if (strstr(buf, "libpod-conmon-") != NULL)
		return;
	if (cg_match(buf, "/docker-", "docker-", 1, out, size) ||
	    cg_match(buf, "/docker/", "docker-", 1, out, size) ||
	    cg_match(buf, "/libpod-", "libpod-", 1, out, size) ||
	    cg_match(buf, "/cri-containerd-", "cri-containerd-", 1, out,
	    size) ||
	    cg_match(buf, "/crio-", "crio-", 1, out, size) ||
	    cg_match(buf, "/lxc.payload.", "lxc-", 0, out, size) ||
	    cg_match(buf, "/lxc/", "lxc-", 0, out, size) ||
	    cg_match(buf, "/machine-", "machine-", 0, out, size))
		return;
	out[0] = '\0';
}

/*
 * The systemd unit in one cgroup path: the innermost service, else the
 * innermost scope ("session-3.scope"), but not a container's scope,
 * which the container names.  0 when there is none.
 */
static int
unit_in(const char *path, size_t len, char *out, size_t size)
{
	static const char *const cont[] = {
		"docker-", "libpod-", "cri-containerd-", "crio-"
	};
	const char	*p = path, *e = path + len, *q, *svc = NULL, *scope = NULL;
	size_t		 n, sn = 0, cn = 0, i;

	while (p < e) {
		for (q = p; q < e && *q != '/'; q++)
			;
		n = (size_t)(q - p);
		if (n > 8 && memcmp(q - 8, ".service", 8) == 0)
			svc = p, sn = n;
		else if (n > 6 && memcmp(q - 6, ".scope", 6) == 0) {
			for (i = 0; i < sizeof(cont) / sizeof(cont[0]); i++)
				if (strncmp(p, cont[i], strlen(cont[i])) == 0)
					break;
			if (i == sizeof(cont) / sizeof(cont[0]))
				scope = p, cn = n;
		}
		p = q + 1;
	}
	if (svc == NULL && scope == NULL)
		return 0;
	if (svc == NULL)
		svc = scope, sn = cn;
	if (sn >= size)
		sn = size - 1;
	memcpy(out, svc, sn);
	out[sn] = '\0';
	return 1;
}

/*
 * The systemd unit a process runs in, from the unified hierarchy's line
 * of its cgroup file ("0::/system.slice/nginx.service"), else from the
 * named systemd hierarchy's ("1:name=systemd:/...") on hosts that
 * still mount it; "" if none.
 */
static void
unit_of(const char *buf, char *out, size_t size)
{
	const char	*line, *nl, *c1, *c2;
	int		 pass;

	out[0] = '\0';
	for (pass = 0; pass < 2; pass++)
		for (line = buf; *line != '\0'; line = nl + 1) {
			if ((nl = strchr(line, '\n')) == NULL)
				nl = line + strlen(line);
			if ((c1 = memchr(line, ':', (size_t)(nl - line))) !=
			    NULL && (c2 = memchr(c1 + 1, ':',
			    (size_t)(nl - c1 - 1))) != NULL &&
			    (pass == 0 ? c2 == c1 + 1 &&
			    strncmp(line, "0:", 2) == 0 :
			    memmem(c1, (size_t)(c2 - c1), "name=systemd",
			    12) != NULL) &&
			    unit_in(c2 + 1, (size_t)(nl - c2 - 1), out, size))
				return;
			if (*nl == '\0')
				break;
		}
}

/* Effective uid from the "Uid:" line of /proc/<pid>/status; -1. */
static long long
uid_of(const char *proc, pid_t pid)
{
	char		 path[320], buf[4096], *p;
	long long	 ruid, euid;

	(void)snprintf(path, sizeof(path), "%s/%d/status", proc, (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strstr(buf, "\nUid:")) == NULL)
		return -1;
	if (sscanf(p + 5, "%lld %lld", &ruid, &euid) != 2)
		return -1;
	return euid;
}

void
pi_clear(struct procinfo *pi)
{
	free(pi->name);
	free(pi->exe);
	free(pi->cmdline);
	free(pi->user);
	free(pi->container);
	free(pi->unit);
	pi->name = pi->exe = pi->cmdline = pi->user = pi->container = NULL;
	pi->unit = NULL;
}

/*
 * Read what a row says about process pid.  netns is its network
 * namespace, selfns ours; nslabel names its namespace when it is
 * another one.  Returns 0, -1 when out of memory (pi then holds
 * nothing).
 */
int
pi_read(const char *proc, pid_t pid, uint64_t netns, uint64_t selfns,
    const char *nslabel, struct procinfo *pi)
{
	char	path[320], buf[CMDLINE_MAX * 4], cont[96], unit[160];
	ssize_t	n;

	memset(pi, 0, sizeof(*pi));

	(void)snprintf(path, sizeof(path), "%s/%d/comm", proc, (int)pid);
	if ((n = read_small(path, buf, 64)) < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	pi->name = pi_sanitize(buf, (size_t)n, 64);

	(void)snprintf(path, sizeof(path), "%s/%d/exe", proc, (int)pid);
	if ((n = readlink(path, buf, sizeof(buf) - 1)) < 0)
		n = 0;
	pi->exe = pi_sanitize(buf, (size_t)n, PATH_KEEP);

	(void)snprintf(path, sizeof(path), "%s/%d/cmdline", proc, (int)pid);
	if ((n = read_small(path, buf, sizeof(buf))) < 0)
		n = 0;
	pi->cmdline = pi_sanitize(buf, (size_t)n, CMDLINE_MAX);

	pi->uid = uid_of(proc, pid);
	if (pi->uid >= 0)
		pi->user = user_name(pi->uid);
	else
		pi->user = strdup("");

	(void)snprintf(path, sizeof(path), "%s/%d/cgroup", proc, (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	container_of(buf, cont, sizeof(cont));
	unit_of(buf, unit, sizeof(unit));
	if (cont[0] == '\0' && netns != 0 && netns != selfns &&
	    nslabel != NULL)
		(void)snprintf(cont, sizeof(cont), "%s", nslabel);
	pi->container = strdup(cont);
	pi->unit = pi_sanitize(unit, strlen(unit), 128);
	if (pi->name == NULL || pi->exe == NULL || pi->cmdline == NULL ||
	    pi->user == NULL || pi->container == NULL || pi->unit == NULL) {
		pi_clear(pi);
		return -1;
	}
	return 0;
}

/*
 * The container and unit that cgroup2 path cgpath (NULL: unknown) names,
 * as the unified hierarchy's line of /proc/<pid>/cgroup would: they
 * replace pi's when it names one (the kernel's cgroup id is exact, and
 * a process on its way out may show none).  0, or -1 without memory.
 */
int
pi_set_cgroup(struct procinfo *pi, const char *cgpath)
{
	char	buf[1100], cont[96], unit[160], *c, *u;

	if (cgpath == NULL || (size_t)snprintf(buf, sizeof(buf), "0::%s\n",
	    cgpath) >= sizeof(buf))
		return 0;
	container_of(buf, cont, sizeof(cont));
	unit_of(buf, unit, sizeof(unit));
	if (cont[0] == '\0' && unit[0] == '\0')
		return 0;
	if ((c = strdup(cont)) == NULL ||
	    (u = pi_sanitize(unit, strlen(unit), 128)) == NULL) {
		free(c);
		return -1;
	}
	free(pi->container);
	free(pi->unit);
	pi->container = c;
	pi->unit = u;
	return 0;
}

/*
 * What the kernel said of a process that is gone by now (bpfowner.c):
 * its command name, executable (exe: "" when it could not be read),
 * user, and its cgroup2 path (NULL: unknown), which names the unit or
 * container.  Like pi_read otherwise.
 */
int
pi_from_kernel(const char *comm, const char *exe, long long uid,
    const char *cgpath, uint64_t netns, uint64_t selfns, const char *nslabel,
    struct procinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->name = pi_sanitize(comm, strnlen(comm, 64), 64);
	pi->exe = pi_sanitize(exe, strlen(exe), PATH_KEEP);
	pi->cmdline = strdup("");
	pi->uid = uid;
	pi->user = user_name(uid);
	pi->container = strdup("");
	pi->unit = strdup("");
	if (pi->container != NULL && pi->unit != NULL &&
	    pi_set_cgroup(pi, cgpath) == -1)
		pi_clear(pi);
	if (pi->container != NULL && pi->container[0] == '\0' &&
	    netns != 0 && netns != selfns && nslabel != NULL) {
		free(pi->container);
		pi->container = strdup(nslabel);
	}
	if (pi->name == NULL || pi->exe == NULL || pi->cmdline == NULL ||
	    pi->user == NULL || pi->container == NULL || pi->unit == NULL) {
		pi_clear(pi);
		return -1;
	}
	return 0;
}
