/*
 * What every command-line program does the same way: its usage, help
 * and version, the check of an interface argument, and the
 * configuration's warnings.  With log.c, the one part of
 * lib/ that writes to a terminal or exits: the programs' common glue.
 */
#ifndef BW_CLI_H
#define BW_CLI_H

#include "util.h"

struct bw_conf;

void		 bw_usage(const char *, const char *, int)
		    __attribute__((noreturn));
void		 bw_version(const char *) __attribute__((noreturn));
const char	*bw_iface_arg(const char *, const char *);
void		 bw_conf_warnx(const struct bw_error *);
void		 bw_conf_cli(struct bw_conf *, const char *);

#endif /* BW_CLI_H */
