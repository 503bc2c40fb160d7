/*
 * The programs' usage, help and configuration warnings, one way.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "conf.h"

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
