/*
 * alert_command's own process (alertrun.c): it runs the commands as
 * alert_user with no capabilities, whatever bwprocs keeps.
 */
#ifndef BWPROCS_ALERTRUN_H
#define BWPROCS_ALERTRUN_H

#include <stddef.h>

struct alertrun;		/* opaque */

/*
 * ar_start: fork the process that runs the commands; it becomes user
 * (ar_start runs before bwprocs gives up root), keeps no capability,
 * and logs as bwprocs does (foreground or syslog).  NULL with errno.
 * ar_run: run cmd (sh -c) with stdin the file open on infd, the
 * environment env (n "KEY=VALUE" strings) plus BWMON_EVENT and
 * BWMON_IFACE, killed after timeout seconds; ts is the record's, for
 * the log.  -1 with errno when it cannot be asked.
 * ar_stop: commands still running are killed; the process exits.
 */
struct alertrun	*ar_start(const char *, int);
int		 ar_run(struct alertrun *, int, const char *, const char *,
		    double, int, const char *, char *const *, size_t);
void		 ar_stop(struct alertrun *);

#endif /* BWPROCS_ALERTRUN_H */
