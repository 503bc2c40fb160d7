/*
 * Listing the interfaces a data directory has history for, and picking
 * the default one: the config's "iface", else the default-route
 * interface when it has data, else the first with data by name.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Fill names with up to max interfaces that have a bw_<iface>.csv,
 * sorted.  Returns the count, or -1 with errno.
 */
int
bw_data_ifaces(const char *dir, char (*names)[BW_IFNAMSIZ], int max)
{
	DIR		*d;
	struct dirent	*de;
	char		 name[BW_IFNAMSIZ + 8];
	size_t		 len;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < max) {
		len = strlen(de->d_name);
		if (len < 8 || len >= sizeof(name) ||
		    strncmp(de->d_name, "bw_", 3) != 0 ||
		    strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		memcpy(name, de->d_name + 3, len - 7);
		name[len - 7] = '\0';
		if (!bw_ifname_valid(name))
			continue;
		(void)strcpy(names[n++], name);
	}
	(void)closedir(d);
	qsort(names, (size_t)n, BW_IFNAMSIZ, cmp_name);
	return n;
}

/* The interface of the IPv4 default route, from <procdir>/net/route. */
int
bw_route_iface(const char *procdir, char *out, size_t size)
{
	char	 path[4096], line[512], ifn[64], dst[16];
	FILE	*fp;
	int	 rv = -1;

	if (bw_path(path, sizeof(path), procdir, "net/route", NULL, NULL) ==
	    -1 || (fp = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%63s %15s", ifn, dst) != 2)
			continue;
		if (strcmp(dst, "00000000") == 0 && bw_ifname_valid(ifn) &&
		    strlen(ifn) < size) {
			(void)strcpy(out, ifn);
			rv = 0;
			break;
		}
	}
	(void)fclose(fp);
	return rv;
}

/*
 * The interface a tool shows when none is named.  -1 with ENOENT when the
 * directory has no history at all.
 */
int
bw_default_iface(const char *dir, const struct bw_conf *c, char *out,
    size_t size)
{
	char	names[BW_MAXIFACES][BW_IFNAMSIZ], route[BW_IFNAMSIZ];
	int	n, i;

	if (size < BW_IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (c != NULL && c->iface[0] != '\0') {
		(void)strcpy(out, c->iface);
		return 0;
	}
	if ((n = bw_data_ifaces(dir, names, BW_MAXIFACES)) == -1)
		return -1;
	if (n == 0) {
		errno = ENOENT;
		return -1;
	}
	if (bw_route_iface(bw_procdir(), route, sizeof(route)) == 0)
		for (i = 0; i < n; i++)
			if (strcmp(names[i], route) == 0) {
				(void)strcpy(out, route);
				return 0;
			}
	(void)strcpy(out, names[0]);
	return 0;
}
