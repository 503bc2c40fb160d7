/*
 * What every harness of a file reader checks: the strings the reader
 * made, and a failure's report.  Each check aborts when it fails, which
 * libFuzzer reports as a crash.
 */
#ifndef BW_FUZZ_CHECK_H
#define BW_FUZZ_CHECK_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A string of size bytes at most: ends there, no C0 control or DEL. */
static inline void
fuzz_str(const char *s, size_t size)
{
	size_t	i;

	if (memchr(s, '\0', size) == NULL)
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

/* A parse that failed: EBADMSG or ENOMEM, and a text saying why. */
static inline void
fuzz_failed(const struct bw_error *e)
{
	if ((errno != EBADMSG && errno != ENOMEM) ||
	    memchr(e->text, '\0', sizeof(e->text)) == NULL ||
	    e->text[0] == '\0')
		abort();
}

#endif /* BW_FUZZ_CHECK_H */
