/*
 * Argument validation, number parsing, the clock and default paths.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/*
 * An interface name becomes part of a file name, so allow only what
 * Linux interface names use in practice: 1-15 bytes of letters, digits,
 * '.', '_' and '-', and never "." or "..".
 */
int
bw_ifname_valid(const char *s)
{
	size_t	n;

	if (s == NULL)
		return 0;
	n = strnlen(s, BW_IFNAMSIZ);
	if (n == 0 || n >= BW_IFNAMSIZ || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	return bw_name_chars(s);
}

/*
 * Whether s is made of letters, digits, '.', '_' and '-' only: what
 * bwmon allows in the names it takes (interfaces, users).
 */
int
bw_name_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

/*
 * Room for one more element in the array v of n elements of size bytes
 * with room for *cap: v itself while n < *cap, else v grown to twice
 * *cap, or to first when it has none, and *cap updated.  NULL (ENOMEM)
 * when there is no room, and v and *cap are left alone: the array every
 * list in bwmon grows by.
 */
void *
bw_grow(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	size_t	 ncap;
	void	*nv;

	if (n < *cap)
		return v;
	if (*cap > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	ncap = *cap > 0 ? *cap * 2 : first;
	if ((nv = reallocarray(v, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

/* Parse a whole decimal integer within [min, max]; -1 on anything else. */
int
bw_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parse a whole unsigned 64-bit decimal number, digits only. */
int
bw_parse_u64(const char *s, uint64_t *out)
{
	uint64_t	v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * The finite decimal number s starts with, with no blank before it, into
 * *v, and where it ends into *end; -1 when there is none.
 */
static int
lead_number(const char *s, double *v, char **end)
{
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtod(s, end);
	if (errno != 0 || *end == s || !isfinite(*v))
		return -1;
	return 0;
}

/* Parse a finite decimal number within [min, max]. */
int
bw_parse_double(const char *s, double min, double max, double *out)
{
	char	*end;
	double	 v;

	if (lead_number(s, &v, &end) == -1 || *end != '\0' || v < min ||
	    v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parse a rate in bits per second within [min, max]: a decimal number,
 * then optionally an SI prefix (k or K, M, G, T: powers of 1000, as
 * bwmon prints rates) and "bps" or "bit/s", with or without one blank
 * before them: "40M", "4e7", "40 Mbps" and "40Mbit/s" are all 40000000.
 */
int
bw_parse_rate(const char *s, double min, double max, double *out)
{
	static const char	 prefix[] = "kMGT";
	static const double	 mul[] = { 1e3, 1e6, 1e9, 1e12 };
	const char		*p;
	char			*end;
	double			 v;

	if (lead_number(s, &v, &end) == -1)
		return -1;
	if (*end == ' ' && end[1] != '\0')
		end++;
	if (*end != '\0' && (p = strchr(prefix, *end == 'K' ? 'k' : *end)) !=
	    NULL) {
		v *= mul[p - prefix];
		end++;
	}
	if (strcmp(end, "bps") == 0 || strcmp(end, "bit/s") == 0)
		end += strlen(end);
	if (*end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The wall clock as epoch seconds.  BWMON_NOW overrides it so that tests
 * can step through intervals without waiting (documented in the pages'
 * ENVIRONMENT sections as a testing aid).
 */
/* Seconds on the monotonic clock: for intervals, never for dates. */
double
bw_mono(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bw_now(void)
{
	struct timespec	 ts;
	const char	*s;
	double		 v;

	if ((s = getenv("BWMON_NOW")) != NULL &&
	    bw_parse_double(s, 0, 1e11, &v) == 0)
		return v;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A moment as people give it: epoch seconds, or a local date
 * "YYYY-MM-DD" (its first instant) or "YYYY-MM-DDTHH:MM" (a space may
 * stand for the T), in the time zone of TZ; a time that the change to
 * summer time skips is moved past the gap, as mktime(3) does.  0, or -1
 * with EINVAL.
 */
int
bw_parse_when(const char *s, int64_t *out)
{
	static const char	pat[] = "dddd-dd-ddTdd:dd";
	struct tm		tm;
	long long		v;
	size_t			n = strlen(s), i;
	int			f[5] = { 0, 0, 0, 0, 0 }, k;
	time_t			t;

	if (n > 0 && strspn(s, "0123456789") == n) {
		if (bw_parse_ll(s, 0, 100000000000LL, &v) == -1)
			return -1;
		*out = v;
		return 0;
	}
	if (n != 10 && n != 16)
		goto bad;
	for (i = 0, k = 0; i < n; i++) {
		if (pat[i] == 'd') {
			if (!isdigit((unsigned char)s[i]))
				goto bad;
			f[k] = f[k] * 10 + (s[i] - '0');
		} else if (s[i] == pat[i] || (i == 10 && s[i] == ' '))
			k++;
		else
			goto bad;
	}
	if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 ||
	    f[3] > 23 || f[4] > 59)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_isdst = -1;
	tzset();
	/* mktime(3) moves 30 February to March: no such day. */
	if ((t = mktime(&tm)) == (time_t)-1 || t < 0 ||
	    tm.tm_year != f[0] - 1900 || tm.tm_mon != f[1] - 1 ||
	    tm.tm_mday != f[2])
		goto bad;
	*out = (int64_t)t;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* -d DIR, else $BWMON_DATA_DIR, else the default. */
const char *
bw_datadir(const char *opt)
{
	const char	*s;

	if (opt != NULL)
		return opt;
	if ((s = getenv("BWMON_DATA_DIR")) != NULL && *s != '\0')
		return s;
	return BW_DEFAULT_DATADIR;
}

/* Where net/dev and stat are read: $BWMON_PROC, else /proc. */
const char *
bw_procdir(void)
{
	const char	*s;

	if ((s = getenv("BWMON_PROC")) != NULL && *s != '\0')
		return s;
	return BW_DEFAULT_PROC;
}

/*
 * Build "dir/prefix<iface>suffix" into buf; -1 with ENAMETOOLONG when it
 * does not fit.  iface may be NULL for a plain "dir/prefix".
 */
int
bw_path(char *buf, size_t size, const char *dir, const char *prefix,
    const char *iface, const char *suffix)
{
	int	n;

	n = snprintf(buf, size, "%s/%s%s%s", dir, prefix,
	    iface != NULL ? iface : "", suffix != NULL ? suffix : "");
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
