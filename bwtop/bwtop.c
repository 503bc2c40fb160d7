/*
 * bwtop: the live view of an interface, its processes and connections
 * and every interface's rate, on one curses screen that works over SSH;
 * or plain-text snapshots for logs and pipes.  It reads what bwprocs
 * writes in the data directory and <proc>/net/dev: it captures nothing
 * itself and needs no privileges.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bwtop.h"
#include "cli.h"
#include "conf.h"
#include "datadir.h"

volatile sig_atomic_t	got_signal;

/* Exit 2 with the synopsis on stderr; -h: options too, on stdout. */
static void __attribute__((noreturn))
usage(int help)
{
	static const char	synopsis[] =
	    "usage: bwtop [-bhV] [-c conf] [-d datadir] [-i iface] "
	    "[-n count]\n"
	    "             [-s seconds]\n";
	static const char	options[] =
	    "\n"
	    "  -b             print plain-text snapshots, not a screen\n"
	    "  -c conf        read this configuration file (see bwmon.conf(5))\n"
	    "  -d datadir     the data directory (default /var/lib/bwmon)\n"
	    "  -h, --help     print this help and exit\n"
	    "  -i iface       the interface (default: the iface key, "
	    "else one with data)\n"
	    "  -n count       stop after count refreshes\n"
	    "  -s seconds     refresh every seconds (0.1-3600, default 1)\n"
	    "  -V, --version  print the version and exit\n";

	bw_usage(synopsis, options, help);
}



/* Signal handlers only note the signal; the loop ends and cleans up. */
static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
catch_signals(void)
{
	static const int	sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the signal should interrupt getch()'s wait. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			err(1, "sigaction");
}

/* Exit 1 naming the interfaces there are (all memory freed first). */
static void __attribute__((noreturn))
no_iface(struct top *t, const char *iface)
{
	char	list[4096], msg[8192];
	size_t	i, len = 0;

	list[0] = '\0';
	for (i = 0; i < t->nifs && len < sizeof(list); i++) {
		(void)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i > 0 ? ", " : "", t->ifs[i].name);
		len = strlen(list);
	}
	if (t->nd_err[0] != '\0' && t->nifs == 0)
		(void)snprintf(msg, sizeof(msg), "no interface %s: %s, and %s "
		    "has no bwprocs data", iface, t->nd_err, t->dir);
	else if (t->nifs == 0)
		(void)snprintf(msg, sizeof(msg), "no interface %s: none in "
		    "%s/net/dev, and %s has no bwprocs data", iface, t->procdir,
		    t->dir);
	else
		(void)snprintf(msg, sizeof(msg), "no interface %s in "
		    "%s/net/dev nor bwprocs data for it in %s (interfaces: %s)",
		    iface, t->procdir, t->dir, list);
	top_free(t);
	errx(1, "%s", msg);
}

/*
 * Without -i: the interface every tool picks by default (the configured
 * one, else one bwprocs runs for, else the default route's with data,
 * ...: bw_default_iface()), else, when the data directory has none, the
 * default route's, else the first in net/dev but lo.  NULL when there is
 * no interface at all.
 */
static const char *
pick_iface(const struct top *t, const char *opt, const struct bw_conf *c,
    char *buf, size_t size)
{
	size_t	i;

	if (opt != NULL)
		return opt;
	if (bw_default_iface(t->dir, c, buf, size) == 0)
		return buf;
	if (bw_route_iface(t->procdir, buf, size) == 0 &&
	    top_ifstat(t, buf) != NULL)
		return buf;
	for (i = 0; i < t->nifs; i++)
		if (t->ifs[i].in_netdev && strcmp(t->ifs[i].name, "lo") != 0)
			return t->ifs[i].name;
	return t->nifs > 0 ? t->ifs[0].name : NULL;
}

static void __attribute__((noreturn))
no_ifaces(struct top *t)
{
	char	msg[8192];

	if (t->nd_err[0] != '\0')
		(void)snprintf(msg, sizeof(msg), "no interface to show: %s, "
		    "and %s has no bwprocs data", t->nd_err, t->dir);
	else
		(void)snprintf(msg, sizeof(msg), "no interface to show: none "
		    "in %s/net/dev, and %s has no bwprocs data", t->procdir,
		    t->dir);
	top_free(t);
	errx(1, "%s", msg);
}

int
main(int argc, char *argv[])
{
	struct bw_conf	 conf;
	struct top	 t;
	const char	*confopt = NULL, *diropt = NULL, *ifopt = NULL;
	const char	*iface, *cs, *term;
	char		 route[BW_IFNAMSIZ];
	long long	 count = 0;
	double		 interval = 1;
	int		 ch, batch = 0, rv, usable;
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};

	(void)setlocale(LC_ALL, "");
	while ((ch = getopt_long(argc, argv, "bc:d:hi:n:s:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			batch = 1;
			break;
		case 'c':
			confopt = optarg;
			break;
		case 'd':
			diropt = optarg;
			break;
		case 'h':
			usage(1);
		case 'i':
			ifopt = bw_iface_arg("-i", optarg);
			break;
		case 'n':
			if (bw_parse_ll(optarg, 1, 1000000000LL, &count) == -1)
				errx(2, "-n: bad count: %s", optarg);
			break;
		case 's':
			if (bw_parse_double(optarg, 0.1, 3600, &interval) ==
			    -1)
				errx(2, "-s: bad seconds (0.1 to 3600): %s",
				    optarg);
			break;
		case 'V':
			bw_version("bwtop");
		default:
			usage(0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0)
		usage(0);

	bw_conf_cli(&conf, confopt);
	if (top_init(&t, bw_datadir(diropt), bw_procdir(), interval) == -1)
		err(1, "memory");
	if ((iface = pick_iface(&t, ifopt, &conf, route, sizeof(route))) ==
	    NULL)
		no_ifaces(&t);
	if (top_ifstat(&t, iface) == NULL)
		no_iface(&t, iface);
	top_set_iface(&t, iface);
	t.msd = conf.month_start_day;

	if (!batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
		batch = 1;
	if (!batch && (usable = screen_usable()) != 1) {
		term = getenv("TERM");
		warnx("TERM=%s %s: printing snapshots as with -b",
		    term != NULL ? term : "(unset)", usable == 0 ?
		    "cannot move the cursor" : "is not a known terminal");
		batch = 1;
	}
	if (batch)
		rv = batch_run(&t, count);
	else {
		cs = nl_langinfo(CODESET);
		catch_signals();
		if ((rv = screen_run(&t, count, cs != NULL &&
		    strcmp(cs, "UTF-8") == 0)) == -1) {
			warn("cannot draw on this terminal: printing "
			    "snapshots as with -b");
			rv = batch_run(&t, count);
		}
	}
	top_free(&t);
	if (got_signal) {
		/* Die of the signal, as the shell expects, screen restored. */
		(void)signal(got_signal, SIG_DFL);
		(void)raise(got_signal);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return rv == 0 ? 0 : 1;
}
