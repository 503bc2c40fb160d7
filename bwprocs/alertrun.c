/*
 * alert_command runs in a process of its own, forked while bwprocs is
 * still root: that process becomes alert_user (nobody by default) with
 * no capability and no_new_privs, so a command never gets bwprocs's
 * user or capabilities, nor root.  bwprocs sends it one message per
 * command (the strings below, and the record's memfd as its standard
 * input); it starts the command, kills it after its timeout, and logs
 * how it ended.  When bwprocs exits (the socket closes), commands still
 * running are killed, and it exits too.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertrun.h"
#include "fdpass.h"
#include "priv.h"
#include "log.h"
#include "util.h"

#define AR_CMDS		4		/* commands running at once */
#define AR_MSG_MAX	(80 << 10)	/* alert_env is 64 kB at most */

struct alertrun {
	int	fd;
	pid_t	pid;
};

/* A message: this header, then iface, event, cmd, env... each NUL-ended. */
struct armsg {
	double		ts;
	int32_t		timeout;
	uint32_t	nenv;
};

struct arcmd {
	pid_t		pid;		/* 0: free */
	double		start;		/* monotonic */
	int		killed, timeout;
	char		iface[32];
	char		event[8];	/* SPIKE, FIRED, CLEARED */
	double		ts;		/* of its record */
};

static void
cmd_kill(struct arcmd *c)
{
	(void)kill(-c->pid, SIGKILL);
	(void)kill(c->pid, SIGKILL);
	c->killed = 1;
}

/* Reap finished commands and kill late ones. */
static void
reap(struct arcmd *cmd, double mono)
{
	struct arcmd	*c;
	int		 i, st;
	pid_t		 r;

	for (i = 0; i < AR_CMDS; i++) {
		c = &cmd[i];
		if (c->pid == 0)
			continue;
		r = waitpid(c->pid, &st, WNOHANG);
		if (r == c->pid || (r == -1 && errno == ECHILD)) {
			if (r == c->pid && !c->killed) {
				if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
					log_warnx("%s: alert_command for the "
					    "%s at %.3f exited with status %d",
					    c->iface, c->event, c->ts,
					    WEXITSTATUS(st));
				else if (WIFSIGNALED(st))
					log_warnx("%s: alert_command for the "
					    "%s at %.3f killed by signal %d",
					    c->iface, c->event, c->ts,
					    WTERMSIG(st));
			}
			c->pid = 0;
			continue;
		}
		if (!c->killed && mono - c->start >= c->timeout) {
			cmd_kill(c);
			log_warnx("%s: alert_command for the %s at %.3f "
			    "killed after %d s", c->iface, c->event, c->ts,
			    c->timeout);
		}
	}
}

/* In the child: the command, with the record on its standard input. */
static void __attribute__((noreturn))
exec_cmd(int infd, const char *iface, const char *event, const char *cmd,
    char **env, uint32_t nenv)
{
	sigset_t	none;
	uint32_t	j;

	(void)setpgid(0, 0);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(infd, STDIN_FILENO) == -1)
		_exit(126);
	(void)closefrom(STDERR_FILENO + 1);
	/* alert_env first: BWMON_EVENT and BWMON_IFACE win. */
	for (j = 0; j < nenv; j++)
		if (putenv(env[j]) != 0)
			_exit(126);
	if (setenv("BWMON_EVENT", event, 1) == -1 ||
	    setenv("BWMON_IFACE", iface, 1) == -1)
		_exit(126);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* One message (n bytes in buf, the record on infd): start its command. */
static void
start_cmd(struct arcmd *cmd, char *buf, size_t n, int infd)
{
	static char	*env[256];
	struct armsg	 m;
	char		*s[3], *p = buf + sizeof(m), *end = buf + n;
	uint32_t	 i, nenv;
	int		 k;
	pid_t		 pid;

	memcpy(&m, buf, sizeof(m));
	nenv = m.nenv < 256 ? m.nenv : 256;
	for (i = 0; i < 3 + nenv; i++) {
		char	*z = memchr(p, '\0', (size_t)(end - p));

		if (z == NULL)
			return;		/* Not one of ours. */
		if (i < 3)
			s[i] = p;
		else
			env[i - 3] = p;
		p = z + 1;
	}
	for (k = 0; k < AR_CMDS && cmd[k].pid != 0; k++)
		;
	if (k == AR_CMDS) {
		log_warnx("%s: alert_command: %d still running; not run for "
		    "this %s", s[0], AR_CMDS, s[1]);
		return;
	}
	if ((pid = fork()) == -1) {
		log_warn("%s: alert_command: fork", s[0]);
		return;
	}
	if (pid == 0)
		exec_cmd(infd, s[0], s[1], s[2], env, nenv);
	(void)setpgid(pid, pid);
	cmd[k].pid = pid;
	cmd[k].start = bw_mono();
	cmd[k].killed = 0;
	cmd[k].timeout = m.timeout;
	cmd[k].ts = m.ts;
	(void)snprintf(cmd[k].iface, sizeof(cmd[k].iface), "%s", s[0]);
	(void)snprintf(cmd[k].event, sizeof(cmd[k].event), "%s", s[1]);
}

/* The next message and its descriptor: its size, 0 at the end, -1. */
static ssize_t
receive(int fd, char *buf, size_t size, int *infd)
{
	int	n = 1;

	*infd = -1;
	return fd_recv(fd, buf, size, infd, &n);
}

static void __attribute__((noreturn))
serve(int fd)
{
	static char	buf[AR_MSG_MAX];
	struct arcmd	cmd[AR_CMDS];
	struct pollfd	pfd;
	ssize_t		n;
	int		i, busy, infd;

	memset(cmd, 0, sizeof(cmd));
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		for (busy = 0, i = 0; i < AR_CMDS; i++)
			busy |= cmd[i].pid != 0;
		if (poll(&pfd, 1, busy ? 250 : -1) == -1 && errno != EINTR)
			break;
		if (pfd.revents != 0) {
			n = receive(fd, buf, sizeof(buf), &infd);
			if (n == 0 || (n == -1 && errno != EINTR &&
			    errno != EAGAIN))
				break;
			if (n >= (ssize_t)sizeof(struct armsg) && infd >= 0)
				start_cmd(cmd, buf, (size_t)n, infd);
			if (infd >= 0)
				(void)close(infd);
		}
		reap(cmd, bw_mono());
	}
	/* A command must not outlive its timeout: not past bwprocs. */
	reap(cmd, bw_mono());
	for (i = 0; i < AR_CMDS; i++)
		if (cmd[i].pid != 0 && !cmd[i].killed) {
			cmd_kill(&cmd[i]);
			log_warnx("%s: alert_command for the %s at %.3f "
			    "killed: bwprocs exits", cmd[i].iface,
			    cmd[i].event, cmd[i].ts);
		}
	_exit(0);
}

/* The forked process: become user, nothing else open, then serve. */
static void __attribute__((noreturn))
child(int fd, const char *user, int foreground)
{
	char	note[256], err[256];
	int	null;

	(void)signal(SIGINT, SIG_IGN);	/* bwprocs says when: EOF */
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	if (!foreground) {
		(void)setsid();
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			(void)dup2(null, STDIN_FILENO);
			(void)dup2(null, STDOUT_FILENO);
			(void)dup2(null, STDERR_FILENO);
		}
		log_init("bwprocs", 0, log_getverbose());
	}
	if (dup2(fd, 3) == -1)
		_exit(1);
	(void)closefrom(4);
	if (priv_drop_all(user, note, sizeof(note), err, sizeof(err)) ==
	    -1) {
		log_warnx("alert_command cannot run as %s: %s", user, err);
		_exit(1);
	}
	if (note[0] != '\0')
		log_warnx("alert_command: %s", note);
	log_debug("alert_command runs as uid %u", (unsigned)getuid());
	serve(3);
}

struct alertrun *
ar_start(const char *user, int foreground)
{
	struct alertrun	*ar;
	int		 sv[2], saved;

	if ((ar = calloc(1, sizeof(*ar))) == NULL)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		goto fail;
	if ((ar->pid = fork()) == -1) {
		saved = errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		errno = saved;
		goto fail;
	}
	if (ar->pid == 0)
		child(sv[1], user, foreground);
	(void)close(sv[1]);
	ar->fd = sv[0];
	return ar;
fail:
	saved = errno;
	free(ar);
	errno = saved;
	return NULL;
}

int
ar_run(struct alertrun *ar, int infd, const char *iface, const char *event,
    double ts, int timeout, const char *cmd, char *const *env, size_t nenv)
{
	static char	 buf[AR_MSG_MAX];
	struct armsg	 m;
	size_t		 len = sizeof(m), i, l;
	const char	*s[3] = { iface, event, cmd };

	if (ar == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	m.ts = ts;
	m.timeout = timeout;
	m.nenv = (uint32_t)nenv;
	memcpy(buf, &m, sizeof(m));
	for (i = 0; i < 3 + nenv; i++) {
		const char	*p = i < 3 ? s[i] : env[i - 3];

		l = strlen(p) + 1;
		if (len + l > sizeof(buf)) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(buf + len, p, l);
		len += l;
	}
	return fd_send(ar->fd, buf, len, &infd, 1, MSG_DONTWAIT);
}

void
ar_stop(struct alertrun *ar)
{
	if (ar == NULL)
		return;
	(void)close(ar->fd);
	(void)waitpid(ar->pid, NULL, 0);
	free(ar);
}
