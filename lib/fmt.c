/*
 * Human-readable rates, byte amounts, local times and names.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"

static char *
fmt_si(char *buf, size_t size, double v, const char *const *units)
{
	int	i = 0;

	if (!isfinite(v) || v < 0)
		v = 0;
	while (v >= 999.95 && units[i + 1] != NULL) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		(void)snprintf(buf, size, "%.0f %s", v, units[i]);
	else
		(void)snprintf(buf, size, "%.*f %s", v < 9.995 ? 2 :
		    v < 99.95 ? 1 : 0, v, units[i]);
	return buf;
}

/* "0 bps", "812 bps", "1.25 Mbps", "12.3 Gbps". */
char *
bw_fmt_bps(char *buf, size_t size, double bps)
{
	static const char *const	units[] = { "bps", "Kbps", "Mbps",
	    "Gbps", "Tbps", NULL };

	return fmt_si(buf, size, bps, units);
}

/* "512 B", "1.50 kB", "217 GB", decimal prefixes. */
char *
bw_fmt_bytes(char *buf, size_t size, double bytes)
{
	static const char *const	units[] = { "B", "kB", "MB", "GB",
	    "TB", "PB", NULL };

	return fmt_si(buf, size, bytes, units);
}

/* An epoch time in the local time zone with strftime's format. */
char *
bw_fmt_time(char *buf, size_t size, int64_t ts, const char *fmt)
{
	struct tm	tm;
	time_t		t = (time_t)ts;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	/* fmt comes from our own callers, checked by the attribute. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, fmt, &tm) == 0)
#pragma GCC diagnostic pop
		(void)snprintf(buf, size, "%lld", (long long)ts);
	return buf;
}

/*
 * A rate as a multiple of its average: "5.3x", "40x", and ">1000x" from
 * 1000 up, where the average was next to silence and the exact figure
 * ("8563947.6x") says nothing.  spike_ratio is at most 1000, so every
 * threshold still prints exactly.  "-" for no number.
 */
char *
bw_fmt_ratio(char *buf, size_t size, double r)
{
	if (isnan(r) || r < 0)
		(void)snprintf(buf, size, "-");
	else if (r >= 999.5)
		(void)snprintf(buf, size, ">1000x");
	else
		(void)snprintf(buf, size, "%.*fx", r < 9.95 ? 1 : 0, r);
	return buf;
}

/*
 * A name from a data file for a terminal: bytes that would move the
 * cursor or start an escape sequence (C0 controls, DEL, and bytes that
 * are not valid UTF-8, which may be C1 controls in other locales)
 * become '?', and it is cut to width characters, its last one then
 * '~'; with pad, filled with spaces to width.  Counts a character as a
 * column, which holds for the names seen in practice.
 */
char *
bw_fmt_name(char *buf, size_t size, const char *s, int width, int pad)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, n, i;
	int			 cols = 0, ok, valid;

	if (size == 0)
		return buf;
	while (*p != '\0' && cols < width) {
		n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 :
		    *p >= 0xe0 && *p <= 0xef ? 3 : *p >= 0xf0 && *p <= 0xf4 ?
		    4 : 0;
		valid = n > 0;
		for (i = 1; valid && i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				valid = 0;
		if (!valid)
			n = 1;
		/* C0 controls, DEL and C1 controls (U+0080 to U+009F). */
		ok = valid && *p >= 0x20 && *p != 0x7f &&
		    !(n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		if (o + (ok ? n : 1) >= size)
			break;
		if (ok) {
			memcpy(buf + o, p, n);
			o += n;
		} else
			buf[o++] = '?';
		p += n;
		cols++;
	}
	if (*p != '\0' && cols > 0) {
		/* Cut: the last character says so. */
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0)
			buf[o - 1] = '~';
	}
	while (pad && cols < width && o + 1 < size) {
		buf[o++] = ' ';
		cols++;
	}
	buf[o] = '\0';
	return buf;
}
