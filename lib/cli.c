/*
 * The programs' usage, help, version, interface arguments and
 * configuration warnings, one way.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "conf.h"
#include "util.h"

/*
 * Exit 2 with the synopsis on standard error; with help, exit 0 after
 * the synopsis and a line per option on standard output (1 when that
 * cannot be written).
 */
void
bw_usage(const char *synopsis, const char *options, int help)
{
	if (!help) {
		(void)fputs(synopsis, stderr);
		exit(2);
	}
	if (fputs(synopsis, stdout) == EOF || fputs(options, stdout) == EOF ||
	    fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	exit(0);
}

/*
 * -V: "prog bwmon VERSION" on standard output, then exit 0 (1 when that
 * cannot be written).
 */
void
bw_version(const char *prog)
{
	if (printf("%s bwmon %s\n", prog, BW_VERSION) < 0 ||
	    fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	exit(0);
}

/*
 * An interface name from the command line, checked (bw_ifname_valid());
 * exit 2 when it is not one, naming the option opt unless it is NULL.
 */
const char *
bw_iface_arg(const char *opt, const char *s)
{
	if (!bw_ifname_valid(s))
		errx(2, "%s%sbad interface name: %s", opt != NULL ? opt : "",
		    opt != NULL ? ": " : "", s);
	return s;
}

/* A configuration warning as "file:line: text" (warnx(3)). */
void
bw_conf_warnx(const struct bw_error *e)
{
	warnx("%s:%d: %s", e->file, e->line, e->text);
}

/*
 * Read the configuration by the one rule (bw_conf_read()), warning of
 * bad lines; exit 1 when a file that must be read cannot be.
 */
void
bw_conf_cli(struct bw_conf *c, const char *opt)
{
	const char	*path;

	if (bw_conf_read(c, opt, bw_conf_warnx, &path) == -1)
		err(1, "config %s", path);
}
