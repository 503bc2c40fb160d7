/*
 * /proc/<pid>/net/{tcp,udp}{,6}: the socket tables of the network
 * namespace <pid> lives in.  Read for the namespaces we cannot ask with
 * sock_diag (it only answers for its own), and for our own when
 * sock_diag cannot.  The text is untrusted: every field is checked.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procnet.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* n hex digits (n <= 8) to a number; -1 on a bad digit. */
static int
hex32(const char *s, int n, uint32_t *out)
{
	uint32_t	v = 0;
	int		i, d;

	for (i = 0; i < n; i++) {
		if ((d = hexval((unsigned char)s[i])) == -1)
			return -1;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/*
 * "0100007F:0CEA": each group of 8 hex digits is a 32-bit word of the
 * address in network order, printed as a host integer.
 */
static int
parse_endp(const char *s, size_t len, int family, struct endp *e)
{
	uint32_t	w, port;
	int		i, nw = family == 4 ? 1 : 4;

	if (len != (size_t)nw * 8 + 5 || s[nw * 8] != ':')
		return -1;
	memset(e, 0, sizeof(*e));
	for (i = 0; i < nw; i++) {
		if (hex32(s + i * 8, 8, &w) == -1)
			return -1;
		memcpy(e->addr + i * 4, &w, 4);
	}
	if (hex32(s + nw * 8 + 1, 4, &port) == -1)
		return -1;
	e->port = (uint16_t)port;
	return 0;
}

/*
 * Parse one table line of the given family (4 or 6).  A v4-mapped IPv6
 * socket becomes family 4.  Returns 0, or -1 for a header or bad line.
 */
int
pn_parse_line(const char *line, int family, struct pnsock *ps)
{
	const char		*tok[10];
	size_t			 len[10];
	const char		*p = line;
	char			*end;
	unsigned long long	 v;
	uint32_t		 st;
	int			 n;

	for (n = 0; n < 10; n++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			return -1;
		tok[n] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		len[n] = (size_t)(p - tok[n]);
	}
	if (len[0] < 2 || tok[0][len[0] - 1] != ':')
		return -1;
	memset(ps, 0, sizeof(*ps));
	ps->family = (uint8_t)family;
	if (parse_endp(tok[1], len[1], family, &ps->local) == -1 ||
	    parse_endp(tok[2], len[2], family, &ps->remote) == -1)
		return -1;
	if (len[3] != 2 || hex32(tok[3], 2, &st) == -1)
		return -1;
	ps->state = (int)st;
	if (!isdigit((unsigned char)tok[7][0]) ||
	    !isdigit((unsigned char)tok[9][0]))
		return -1;
	errno = 0;
	v = strtoull(tok[7], &end, 10);
	if (errno != 0 || end != tok[7] + len[7])
		return -1;
	ps->uid = (long long)(v & 0xffffffffULL);
	v = strtoull(tok[9], &end, 10);
	if (errno != 0 || end != tok[9] + len[9])
		return -1;
	ps->inode = v;
	/* The IPv4 view of a dual-stack socket's IPv6 addresses. */
	if (family == 6 && addr_is_v4mapped(ps->local.addr) &&
	    (addr_is_v4mapped(ps->remote.addr) ||
	    addr_is_zero(ps->remote.addr))) {
		addr_unmap(ps->local.addr);
		if (!addr_is_zero(ps->remote.addr))
			addr_unmap(ps->remote.addr);
		ps->family = 4;
	}
	return 0;
}

/*
 * Call fn for every socket in the table at path (family 4 or 6); fn
 * returns nonzero to stop.  -1 when the file cannot be read.
 */
int
pn_read(const char *path, int family, pn_fn fn, void *arg)
{
	FILE		*fp;
	char		 line[512];
	struct pnsock	 ps;
	int		 lineno = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (++lineno == 1)
			continue;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			/* Overlong: skip the rest of it. */
			int ch;

			while ((ch = getc(fp)) != EOF && ch != '\n')
				;
			continue;
		}
		if (pn_parse_line(line, family, &ps) == 0 && fn(&ps, arg))
			break;
	}
	(void)fclose(fp);
	return 0;
}
