/*
 * Minimal TAP producer for the C unit tests: ok(cond, fmt, ...) and
 * done_testing().  Run by prove(1).
 */
#ifndef BW_TAP_H
#define BW_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int	tap_n, tap_failed;

static int __attribute__((format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

/*
 * A new directory NAME.XXXXXX under $TMPDIR (/tmp when unset) into dir;
 * -1 said on stderr when it cannot be made.
 */
static inline int
tap_tmpdir(char *dir, size_t size, const char *name)
{
	(void)snprintf(dir, size, "%s/%s.XXXXXX", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* Remove the directory tap_tmpdir() made, and all it holds. */
static inline void
tap_rmtree(const char *dir)
{
	char	cmd[300];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

#endif /* BW_TAP_H */
