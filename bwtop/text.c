/*
 * Text for fixed-width columns: strings cut to a number of screen
 * columns (UTF-8 aware, or plain ASCII when the terminal is not UTF-8),
 * rates, byte counts, ages, user and service names.
 */
#include <netinet/in.h>

#include <arpa/inet.h>
#include <math.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "bwtop.h"
#include "fmt.h"

#define NUSERS		64
#define NSERVS		128

/*
 * Decode one UTF-8 character at p: its length, and *cp the code point or
 * -1 for a byte that does not start a valid sequence.
 */
static size_t
u8dec(const unsigned char *p, long *cp)
{
	size_t	n, i;
	long	c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return n;
}

/*
 * Copy into dst (size bytes) as much of src as fits in width screen
 * columns, padded with spaces to width when pad is set; returns the
 * columns used.  Control characters, invalid bytes and, when utf8 is 0,
 * every non-ASCII character become '?', so nothing in a file name or
 * command line can move the cursor or change the terminal.  dst may be
 * NULL to measure.
 */
int
text_fit(char *dst, size_t size, const char *src, int width, int utf8,
    int pad)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 o = 0, n;
	long			 cp;
	int			 cols = 0, w;

	if (dst != NULL && size == 0)
		return 0;
	while (*p != '\0') {
		n = u8dec(p, &cp);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    (cp >= 0x80 && !utf8) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			w = -1;
		else if (cp < 0x80)
			w = 1;
		else if ((w = wcwidth((wchar_t)cp)) < 0)
			w = -1;
		if (cols + (w < 0 ? 1 : w) > width)
			break;
		if (w < 0) {
			if (dst != NULL) {
				if (o + 1 >= size)
					break;
				dst[o++] = '?';
			}
			cols++;
		} else {
			if (dst != NULL) {
				if (o + n >= size)
					break;
				memcpy(dst + o, p, n);
				o += n;
			}
			cols += w;
		}
		p += n;
	}
	if (pad)
		while (cols < width && (dst == NULL || o + 1 < size)) {
			if (dst != NULL)
				dst[o++] = ' ';
			cols++;
		}
	if (dst != NULL)
		dst[o] = '\0';
	return cols;
}

char *
text_rate(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		(void)snprintf(buf, size, "-");
		return buf;
	}
	return bw_fmt_bps(buf, size, v);
}

char *
text_bytes(char *buf, size_t size, int has, double v)
{
	if (!has || isnan(v)) {
		(void)snprintf(buf, size, "-");
		return buf;
	}
	return bw_fmt_bytes(buf, size, v);
}

/* "0.8 s", "42 s", "5 min 12 s", "3 h 4 min", "12 days". */
char *
text_age(char *buf, size_t size, double s)
{
	long	v;

	if (!(s > 0))
		s = 0;
	if (s < 10)
		(void)snprintf(buf, size, "%.1f s", s);
	else if (s < 60)
		(void)snprintf(buf, size, "%.0f s", s);
	else if (s < 3600) {
		v = (long)s;
		(void)snprintf(buf, size, "%ld min %ld s", v / 60, v % 60);
	} else if (s < 86400 * 2) {
		v = (long)(s / 60);
		(void)snprintf(buf, size, "%ld h %ld min", v / 60, v % 60);
	} else if (s < 1e9)
		(void)snprintf(buf, size, "%ld days", (long)(s / 86400));
	else
		(void)snprintf(buf, size, "ages");
	return buf;
}

char *
text_pct(char *buf, size_t size, double frac)
{
	if (isnan(frac))
		(void)snprintf(buf, size, "-");
	else
		(void)snprintf(buf, size, "%.1f%%", frac * 100);
	return buf;
}

/*
 * The user of a process row: the file's name for it, else the name of
 * its uid here (looked up once), else the number, else "-".
 */
const char *
text_user(const struct bw_proc *p, char *buf, size_t size)
{
	static struct {
		long long	uid;
		char		name[32];
	}			 cache[NUSERS];
	static int		 ncache, next;
	struct passwd		*pw;
	int			 i;

	if (p->user[0] != '\0')
		return p->user;
	if (p->uid < 0)
		return "-";
	for (i = 0; i < ncache; i++)
		if (cache[i].uid == p->uid) {
			(void)snprintf(buf, size, "%s", cache[i].name);
			return buf;
		}
	if ((pw = getpwuid((uid_t)p->uid)) != NULL)
		(void)snprintf(buf, size, "%s", pw->pw_name);
	else
		(void)snprintf(buf, size, "%lld", p->uid);
	i = ncache < NUSERS ? ncache++ : next++ % NUSERS;
	cache[i].uid = p->uid;
	(void)snprintf(cache[i].name, sizeof(cache[i].name), "%s", buf);
	return buf;
}

/* The PROGRAM column: name or command line, and the container if any. */
char *
text_program(char *buf, size_t size, const struct bw_proc *p, int cmdline)
{
	const char	*s;

	if (cmdline && p->cmdline[0] != '\0')
		s = p->cmdline;
	else if (p->name[0] != '\0')
		s = p->name;
	else if (p->exe[0] != '\0')
		s = p->exe;
	else
		s = "?";
	if (p->container[0] != '\0')
		(void)snprintf(buf, size, "%s [%s]", s, p->container);
	else
		(void)snprintf(buf, size, "%s", s);
	return buf;
}

/*
 * Split "198.51.100.7:873" or "[2001:db8::1]:443" into host and port.
 * 0, or -1 when there is no port (host gets the whole string).
 */
int
text_hostport(const char *s, char *host, size_t hsize, char *port,
    size_t psize)
{
	const char	*c, *end;
	size_t		 len;

	port[0] = '\0';
	if (s[0] == '[' && (end = strchr(s, ']')) != NULL) {
		len = (size_t)(end - s - 1);
		(void)snprintf(host, hsize, "%.*s", (int)len, s + 1);
		if (end[1] == ':' && end[2] != '\0') {
			(void)snprintf(port, psize, "%s", end + 2);
			return 0;
		}
		return -1;
	}
	if ((c = strrchr(s, ':')) == NULL || strchr(s, ':') != c ||
	    c[1] == '\0') {
		(void)snprintf(host, hsize, "%s", s);
		return -1;
	}
	(void)snprintf(host, hsize, "%.*s", (int)(c - s), s);
	(void)snprintf(port, psize, "%s", c + 1);
	return 0;
}

/*
 * The service name of a port for a protocol from the services database,
 * looked up once per port; NULL when it has none.
 */
const char *
text_service(const char *port, const char *proto)
{
	static struct {
		int	port;
		char	proto[8];
		char	name[32];
	}			 cache[NSERVS];
	static int		 ncache, next;
	struct servent		*se;
	long long		 v;
	int			 i;

	if (bw_parse_ll(port, 1, 65535, &v) == -1 ||
	    (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0))
		return NULL;
	for (i = 0; i < ncache; i++)
		if (cache[i].port == (int)v &&
		    strcmp(cache[i].proto, proto) == 0)
			return cache[i].name[0] != '\0' ? cache[i].name : NULL;
	i = ncache < NSERVS ? ncache++ : next++ % NSERVS;
	cache[i].port = (int)v;
	(void)snprintf(cache[i].proto, sizeof(cache[i].proto), "%s", proto);
	cache[i].name[0] = '\0';
	if ((se = getservbyport(htons((uint16_t)v), proto)) != NULL)
		(void)snprintf(cache[i].name, sizeof(cache[i].name), "%s",
		    se->s_name);
	endservent();
	return cache[i].name[0] != '\0' ? cache[i].name : NULL;
}
