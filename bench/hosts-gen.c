/*
 * hosts-gen: write six months of host history for one LAN interface
 * into a data directory the way bwprocs's router mode keeps it: DEVICES
 * devices (default 50), every one busy in every 5-minute interval (the
 * worst case: quiet devices write no rows), the hourly and daily
 * rollups caught up and the trim run at the end of each day.  For
 * bench/router.sh; it prints the bytes each file ends with.
 *
 * usage: hosts-gen DATADIR IFACE END_EPOCH [DAYS [DEVICES]]
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "xorshift.h"

int
main(int argc, char *argv[])
{
	static const enum bw_kind	kinds[] = { BW_HOSTLOG,
	    BW_HOSTLOG_HOURLY, BW_HOSTLOG_DAILY };
	struct bw_hostset	 s;
	struct bw_host		*h;
	struct stat		 st;
	char			 path[4096], id[32], addr[64];
	const char		*dir, *iface;
	long long		 end, days, devices;
	int64_t			 t, start;
	size_t			 n, i;
	int			 k;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: hosts-gen DATADIR IFACE END [DAYS "
		    "[DEVICES]]\n");
		return 2;
	}
	dir = argv[1];
	iface = argv[2];
	end = atoll(argv[3]) / 86400 * 86400;
	days = argc > 4 ? atoll(argv[4]) : 183;
	devices = argc > 5 ? atoll(argv[5]) : 50;
	if (bw_kind_path(path, sizeof(path), dir, BW_HOSTLOG, iface) == -1)
		return 1;
	start = end - days * 86400;
	for (t = start; t < end; t += 300) {
		bw_hostset_init(&s);
		for (k = 0; k < devices; k++) {
			(void)snprintf(id, sizeof(id), "02:00:00:00:%02x:%02x",
			    k / 256, k % 256);
			if ((h = bw_hostset_get(&s, id, 1)) == NULL)
				return 1;
			(void)strcpy(h->mac, id);
			(void)snprintf(h->name, sizeof(h->name), "device-%02d",
			    k);
			h->from = BW_FROM_LEASE;
			(void)snprintf(addr, sizeof(addr), "192.168.1.%d",
			    10 + k % 240);
			(void)bw_host_add_addr(h, addr);
			if (k % 2 == 0) {
				(void)snprintf(addr, sizeof(addr),
				    "fd00::%x:%x", k, (unsigned)(next() &
				    0xffff));
				(void)bw_host_add_addr(h, addr);
			}
			h->rx = next() % 300000000;
			h->tx = next() % 30000000;
		}
		if (bw_hostlog_append(path, t, 300, &s) == -1) {
			perror(path);
			return 1;
		}
		bw_hostset_free(&s);
		if ((t + 300) % 86400 == 0) {
			/* A day ended: its hours, the day, the trim. */
			if (bw_hostlog_catchup(dir, iface, BW_HOSTLOG_HOURLY,
			    t + 300, &n) == -1 ||
			    bw_hostlog_catchup(dir, iface, BW_HOSTLOG_DAILY,
			    t + 300, &n) == -1 ||
			    bw_hostlog_trim(dir, iface, (double)(t + 300),
			    180) == -1) {
				perror("rollup");
				return 1;
			}
		}
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (bw_kind_path(path, sizeof(path), dir, kinds[i],
		    iface) == -1 || stat(path, &st) == -1)
			st.st_size = 0;
		printf("%s %lld\n", bw_kind_name(kinds[i]),
		    (long long)st.st_size);
	}
	return 0;
}
