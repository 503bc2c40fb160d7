/*
 * runbench: run a command N times and print its wall time per run, for
 * bench/history.sh.  Compiled by that script into a temporary directory,
 * not by the Makefile.
 *
 * usage: runbench [-n runs] [-w warmup] [-f first] [-t base:step]
 *            [-s setup] [-p procdir:iface:rx0:tx0:rxstep:txstep]
 *            [-e errfile] [-o rawfile] -- command [arg ...]
 *
 * Before run i (first, first + 1, ... over the warmup runs, then the
 * timed ones; first is 1 unless -f says otherwise, so that a series can
 * go on where an earlier call stopped) and
 * outside the timed part, runbench
 *   -t  sets BWMON_NOW to base + i * step,
 *   -p  writes procdir/net/dev with iface counters rx0 + i * rxstep and
 *       tx0 + i * txstep (and a fixed "lo"),
 *   -s  runs the shell command setup with BENCH_I=i in its environment.
 * The timed part is fork, exec and wait4 of the command, measured with
 * CLOCK_MONOTONIC.  The command's stdout goes to /dev/null, its stderr to
 * errfile (appended) or /dev/null.
 *
 * Output, one line on stdout:
 *   runs=N fails=F status=S min_ns= median_ns= p90_ns= max_ns=
 *   cpu_ns= maxrss_kb=
 * cpu_ns is the mean user+system time per timed run, maxrss_kb the
 * largest resident set of any timed run (wait4, ru_maxrss), status the
 * exit status of the first failing run (0 when none failed).  With -o,
 * each timed run also appends "ns cpu_ns maxrss_kb" to rawfile, so the
 * caller can pool runs from several calls.
 */

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct proc {
	char		dir[4096];
	char		iface[32];
	uint64_t	rx0, tx0, rxstep, txstep;
};

static void
usage(void)
{
	fprintf(stderr, "usage: runbench [-n runs] [-w warmup] [-f first] "
	    "[-t base:step] [-s setup]\n"
	    "           [-p procdir:iface:rx0:tx0:rxstep:txstep] "
	    "[-e errfile] [-o rawfile]\n"
	    "           -- command [arg ...]\n");
	exit(2);
}

static long long
num(const char *s, const char *what)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		errx(2, "%s: bad number: %s", what, s);
	return v;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long
now_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(1, "clock_gettime");
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
write_netdev(const struct proc *p, long long i)
{
	char	path[4200], tmp[4210], buf[1024];
	int	fd, n;

	n = snprintf(buf, sizeof(buf),
	    "Inter-|   Receive                                                |"
	    "  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|"
	    "bytes    packets errs drop fifo colls carrier compressed\n"
	    "    lo: 123456 100 0 0 0 0 0 0 123456 100 0 0 0 0 0 0\n"
	    "%6s: %" PRIu64 " 10 0 0 0 0 0 0 %" PRIu64 " 10 0 0 0 0 0 0\n",
	    p->iface, p->rx0 + (uint64_t)i * p->rxstep,
	    p->tx0 + (uint64_t)i * p->txstep);
	if (n < 0 || (size_t)n >= sizeof(buf))
		errx(1, "net/dev line too long");
	if ((size_t)snprintf(path, sizeof(path), "%s/net/dev", p->dir) >=
	    sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		errx(1, "%s: path too long", p->dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		err(1, "%s", tmp);
	if (write(fd, buf, (size_t)n) != n)
		err(1, "%s", tmp);
	if (close(fd) == -1 || rename(tmp, path) == -1)
		err(1, "%s", path);
}

static void
parse_proc(char *s, struct proc *p)
{
	char	*f[6];
	int	 i;

	for (i = 0; i < 6; i++)
		if ((f[i] = strsep(&s, ":")) == NULL)
			errx(2, "-p: want procdir:iface:rx0:tx0:rxstep:txstep");
	if (s != NULL || strlen(f[0]) >= sizeof(p->dir) ||
	    strlen(f[1]) == 0 || strlen(f[1]) >= sizeof(p->iface))
		errx(2, "-p: want procdir:iface:rx0:tx0:rxstep:txstep");
	strcpy(p->dir, f[0]);
	strcpy(p->iface, f[1]);
	p->rx0 = (uint64_t)num(f[2], "-p rx0");
	p->tx0 = (uint64_t)num(f[3], "-p tx0");
	p->rxstep = (uint64_t)num(f[4], "-p rxstep");
	p->txstep = (uint64_t)num(f[5], "-p txstep");
}

int
main(int argc, char *argv[])
{
	struct proc	 proc;
	struct rusage	 ru;
	const char	*setup = NULL, *errfile = "/dev/null";
	FILE		*raw = NULL;
	char		*colon, buf[64];
	long long	 runs = 10, warm = 1, base = 0, step = 0, i, t0, t1;
	long long	*ns, cpu = 0, rcpu, first = 1, k;
	long		 maxrss = 0;
	int		 ch, have_t = 0, have_p = 0, fails = 0, status = 0;
	int		 wst, fd;
	pid_t		 pid;

	while ((ch = getopt(argc, argv, "e:f:n:o:p:s:t:w:")) != -1) {
		switch (ch) {
		case 'e':
			errfile = optarg;
			break;
		case 'f':
			first = num(optarg, "-f");
			break;
		case 'n':
			if ((runs = num(optarg, "-n")) < 1)
				errx(2, "-n: at least one run");
			break;
		case 'o':
			if ((raw = fopen(optarg, "ae")) == NULL)
				err(1, "%s", optarg);
			break;
		case 'p':
			parse_proc(optarg, &proc);
			have_p = 1;
			break;
		case 's':
			setup = optarg;
			break;
		case 't':
			if ((colon = strchr(optarg, ':')) == NULL)
				errx(2, "-t: want base:step");
			*colon = '\0';
			base = num(optarg, "-t base");
			step = num(colon + 1, "-t step");
			have_t = 1;
			break;
		case 'w':
			warm = num(optarg, "-w");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if ((ns = calloc((size_t)runs, sizeof(*ns))) == NULL)
		err(1, NULL);

	for (k = 1; k <= warm + runs; k++) {
		i = first + k - 1;
		(void)snprintf(buf, sizeof(buf), "%lld", i);
		if (setenv("BENCH_I", buf, 1) == -1)
			err(1, "setenv");
		if (have_t) {
			(void)snprintf(buf, sizeof(buf), "%lld",
			    base + i * step);
			if (setenv("BWMON_NOW", buf, 1) == -1)
				err(1, "setenv");
		}
		if (have_p)
			write_netdev(&proc, i);
		if (setup != NULL && system(setup) != 0)
			errx(1, "setup command failed: %s", setup);

		t0 = now_ns();
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			if ((fd = open("/dev/null", O_WRONLY)) == -1 ||
			    dup2(fd, 1) == -1)
				_exit(126);
			if ((fd = open(errfile, O_WRONLY | O_APPEND |
			    O_CREAT, 0644)) == -1 || dup2(fd, 2) == -1)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		while (wait4(pid, &wst, 0, &ru) == -1)
			if (errno != EINTR)
				err(1, "wait4");
		t1 = now_ns();

		if (k <= warm && !(WIFEXITED(wst) && WEXITSTATUS(wst) == 0)) {
			fails++;
			if (status == 0)
				status = WIFEXITED(wst) ? WEXITSTATUS(wst) :
				    128 + WTERMSIG(wst);
		}
		if (k <= warm)
			continue;
		ns[k - warm - 1] = t1 - t0;
		rcpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		    1000000000LL + (long long)(ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_usec) * 1000LL;
		cpu += rcpu;
		if (raw != NULL)
			fprintf(raw, "%lld %lld %ld\n", t1 - t0, rcpu,
			    ru.ru_maxrss);
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!(WIFEXITED(wst) && WEXITSTATUS(wst) == 0)) {
			fails++;
			if (status == 0)
				status = WIFEXITED(wst) ? WEXITSTATUS(wst) :
				    128 + WTERMSIG(wst);
		}
	}

	qsort(ns, (size_t)runs, sizeof(*ns), cmp_ll);
	printf("runs=%lld fails=%d status=%d min_ns=%lld median_ns=%lld "
	    "p90_ns=%lld max_ns=%lld cpu_ns=%lld maxrss_kb=%ld\n", runs,
	    fails, status, ns[0], runs % 2 ? ns[runs / 2] :
	    (ns[runs / 2 - 1] + ns[runs / 2]) / 2,
	    ns[(runs * 9 + 9) / 10 - 1], ns[runs - 1], cpu / runs, maxrss);
	free(ns);
	if (raw != NULL && fclose(raw) == EOF)
		err(1, "raw file");
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return 0;
}
