/*
 * Giving up privileges after the start.  bwprocs opens what needs more
 * than it keeps (see start_privileged() in bwprocs.c), then runs as an
 * unprivileged user (bwmon) with only these capabilities:
 *
 *   CAP_NET_RAW          the capture is opened again when the interface
 *                        comes back, is replaced, or its ring grows;
 *   CAP_NET_ADMIN        conntrack's netlink queries are checked against
 *                        the sender at every request, not at the open;
 *                        router mode reads its nftables sets every
 *                        second and removes its table at exit;
 *   CAP_SYS_PTRACE       reading another user's /proc/PID/fd links is a
 *                        ptrace read-access check;
 *   CAP_DAC_READ_SEARCH  ... and searching that directory (mode 500,
 *                        owned by the process's user) a permission
 *                        check: neither capability alone is enough.
 *                        It also reads alert_env (root's, mode 600)
 *                        again on SIGHUP.
 *
 * sock_diag dumps, /proc/PID/net and rtnetlink need none.  The raw
 * capset(2) and prctl(2) calls are enough: no libcap.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

static const int	steady[] = {
	CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH
};

const char *
priv_caps_steady(void)
{
	return "CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH";
}

static int
capget2(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct	h;
	struct __user_cap_data_struct	d[2];

	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) == -1)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Effective and permitted: set; inheritable: none. */
static int
capset2(uint64_t set)
{
	struct __user_cap_header_struct	h;
	struct __user_cap_data_struct	d[2];

	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	d[0].effective = d[0].permitted = (uint32_t)set;
	d[1].effective = d[1].permitted = (uint32_t)(set >> 32);
	return syscall(SYS_capset, &h, d) == -1 ? -1 : 0;
}

#define BIT(c)	((uint64_t)1 << (c))

/*
 * Become pw's user: its group only, then the uid, keeping the permitted
 * capabilities across the change (the effective set is cleared by it).
 */
static int
switch_user(const struct passwd *pw, char *err, size_t errlen)
{
	gid_t	gid = pw->pw_gid;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		(void)snprintf(err, errlen, "cannot become %s: %s",
		    pw->pw_name, strerror(errno));
		return -1;
	}
	(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return 0;
}

static int
drop(const char *user, uint64_t keep, char *note, size_t notelen,
    char *err, size_t errlen)
{
	struct passwd	*pw;
	uint64_t	 eff, prm;
	int		 c, may;

	note[0] = '\0';
	if (capget2(&eff, &prm) == -1) {
		(void)snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	pw = getpwnam(user);
	/* The bounding set, while CAP_SETPCAP may still be ours. */
	for (c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (!(keep & BIT(c)))
			(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	may = geteuid() == 0 || ((prm & BIT(CAP_SETUID)) &&
	    (prm & BIT(CAP_SETGID)));
	if (pw == NULL)
		(void)snprintf(note, notelen, "user %s: no such user; "
		    "staying uid %u", user, (unsigned)getuid());
	else if (pw->pw_uid == getuid() && pw->pw_uid == geteuid() &&
	    pw->pw_gid == getgid() && pw->pw_gid == getegid())
		;	/* Already (a unit's User=). */
	else if (!may)
		(void)snprintf(note, notelen, "cannot become %s without "
		    "root or CAP_SETUID and CAP_SETGID; staying uid %u",
		    user, (unsigned)getuid());
	else if (switch_user(pw, err, errlen) == -1)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL) {
		(void)snprintf(err, errlen, "ambient capabilities: %s",
		    strerror(errno));
		return -1;
	}
	if (capset2(prm & keep) == -1) {
		(void)snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	/*
	 * Paranoia (OpenBSD's daemons): no way back to root.  Not before
	 * the capabilities go: a change between two users other than root
	 * keeps CAP_SETUID (a unit's User= with it ambient).
	 */
	if (getuid() != 0 && (setresuid(0, 0, 0) == 0 || setuid(0) == 0)) {
		(void)snprintf(err, errlen, "could become root again as uid "
		    "%u", (unsigned)getuid());
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		(void)snprintf(err, errlen, "no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
priv_drop(const char *user, char *note, size_t notelen, char *err,
    size_t errlen)
{
	uint64_t	keep = 0;
	size_t		i;

	for (i = 0; i < sizeof(steady) / sizeof(steady[0]); i++)
		keep |= BIT(steady[i]);
	return drop(user, keep, note, notelen, err, errlen);
}

int
priv_drop_all(const char *user, char *note, size_t notelen, char *err,
    size_t errlen)
{
	if (drop(user, 0, note, notelen, err, errlen) == -1)
		return -1;
	if (getuid() == 0 || geteuid() == 0) {
		(void)snprintf(err, errlen, "%s", note);
		return -1;
	}
	return 0;
}

/*
 * Asked of a child that becomes the user, so that every directory on
 * the way counts as the kernel sees it.
 */
int
priv_can_write(const char *user, const char *dir)
{
	struct passwd	*pw;
	pid_t		 pid;
	char		 err[128];
	int		 st;

	if (geteuid() != 0 || (pw = getpwnam(user)) == NULL ||
	    pw->pw_uid == 0)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		/* access(2) asks as the real uid, without capabilities. */
		if (switch_user(pw, err, sizeof(err)) == -1)
			_exit(2);
		_exit(access(dir, W_OK | X_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 2)
		return -1;
	return WEXITSTATUS(st) == 0;
}
