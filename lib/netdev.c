/*
 * /proc/net/dev parser.  The file is untrusted text: every field is
 * checked, and a line that does not parse is counted, not fatal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "netdev.h"
#include "util.h"

#define NETDEV_MAX	(4 << 20)
#define NETDEV_FIELDS	16

/*
 * Parse one "  name: f1 f2 ... f16" line.  Returns 0 and fills d, or -1.
 */
static int
parse_line(char *line, struct bw_netdev *d)
{
	char		*colon, *name, *tok, *save = NULL, *end;
	uint64_t	 f[NETDEV_FIELDS];
	int		 n = 0;

	/* Names may hold ':' (aliases are not listed, but be strict). */
	if ((colon = strrchr(line, ':')) == NULL)
		return -1;
	*colon = '\0';
	name = line;
	while (*name == ' ' || *name == '\t')
		name++;
	end = colon;
	while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!bw_ifname_valid(name))
		return -1;
	for (tok = strtok_r(colon + 1, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (n == NETDEV_FIELDS || bw_parse_u64(tok, &f[n]) == -1)
			return -1;
		n++;
	}
	if (n != NETDEV_FIELDS)
		return -1;
	(void)strcpy(d->name, name);
	d->rx_bytes = f[0];
	d->rx_packets = f[1];
	d->tx_bytes = f[8];
	d->tx_packets = f[9];
	return 0;
}

/*
 * Parse the text of a net/dev file.  *devp gets a malloc'd array of *np
 * interfaces; *badp the number of lines that did not parse (the two
 * header lines excluded).
 */
int
bw_netdev_parse(const char *text, struct bw_netdev **devp, int *np,
    int *badp)
{
	struct bw_netdev	*devs = NULL, *nd;
	char			 buf[512];
	const char		*p = text, *nl;
	size_t			 len, cap = 0;
	int			 n = 0, bad = 0, lineno = 0;

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (lineno <= 2 && memchr(p, '|', len) != NULL)
			goto next;	/* the two header lines */
		if (len == 0)
			goto next;
		if (len >= sizeof(buf) || nl == NULL) {
			bad++;		/* overlong or torn */
			goto next;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if ((nd = bw_grow(devs, (size_t)n, &cap, 16,
		    sizeof(*devs))) == NULL) {
			free(devs);
			return -1;
		}
		devs = nd;
		if (parse_line(buf, &devs[n]) == -1 ||
		    bw_netdev_find(devs, n, devs[n].name) != NULL)
			bad++;
		else
			n++;
next:
		if (nl == NULL)
			break;
	}
	*devp = devs;
	*np = n;
	if (badp != NULL)
		*badp = bad;
	return 0;
}

/* Read and parse <procdir>/net/dev. */
int
bw_netdev_read(const char *procdir, struct bw_netdev **devp, int *np,
    int *badp)
{
	char	 path[4096], *text;
	size_t	 len;
	int	 rv, saved;

	if (bw_path(path, sizeof(path), procdir, "net/dev", NULL, NULL) == -1)
		return -1;
	if (bw_read_file(path, NETDEV_MAX, &text, &len) == -1)
		return -1;
	rv = bw_netdev_parse(text, devp, np, badp);
	saved = errno;
	free(text);
	errno = saved;
	return rv;
}

const struct bw_netdev *
bw_netdev_find(const struct bw_netdev *devs, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(devs[i].name, name) == 0)
			return &devs[i];
	return NULL;
}

/*
 * The boot time ("btime" in <procdir>/stat), which tells a reboot from a
 * counter wrap.  -1 when it cannot be read.
 */
int
bw_boottime(const char *procdir, long long *out)
{
	char	 path[4096], line[256];
	FILE	*fp;
	int	 rv = -1;

	if (bw_path(path, sizeof(path), procdir, "stat", NULL, NULL) == -1)
		return -1;
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "btime ", 6) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (bw_parse_ll(line + 6, 1, 1LL << 40, out) == 0)
				rv = 0;
			break;
		}
	}
	(void)fclose(fp);
	return rv;
}
