/*
 * What a row says about its process (procinfo.c).
 */
#ifndef BWPROCS_PROCINFO_H
#define BWPROCS_PROCINFO_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "table.h"

int	 pi_fill(const char *, struct row *, uint64_t, const char *);
char	*pi_sanitize(const char *, size_t, size_t);
void	 pi_user_cache_free(void);

#endif /* BWPROCS_PROCINFO_H */
