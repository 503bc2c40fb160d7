/*
 * owners-gen: write six months of owner history for one interface into
 * a data directory the way bwprocs keeps it, at a realistic churn:
 * 200 distinct programs over the period, 50 active in each 5-minute
 * interval (busy ones often, rare ones seldom), each with a few remote
 * endpoints; the top 20 per interval and the rest folded, hourly and
 * daily rollups as each hour and day ends (summed in memory, as
 * bw_owners_rollup() sums the rows it reads back, to keep this fast),
 * and the daily trims.  For bench/owners.sh; it prints the bytes each
 * file ends with.
 *
 * usage: owners-gen DATADIR IFACE END_EPOCH [DAYS]
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "totals.h"
#include "xorshift.h"

#define PROGS	200
#define ACTIVE	50
#define TOP	20

int
main(int argc, char *argv[])
{
	static const char *const users[] = { "root", "www-data", "alice",
	    "bob", "postgres", "_apt" };
	struct bw_owners	 s, hs, ds;
	char			 hpath[4096], dpath[4096];
	size_t			 n;
	struct bw_owner		 o;
	char			 path[4096], cmdpath[4096], addr[64], cmd[200];
	const char		*dir, *iface;
	long long		 end, days;
	int64_t		 t, start, h, d, dnext;
	int			 i, j, k, p, nrem;
	struct stat		 st;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: owners-gen DATADIR IFACE END [DAYS]\n");
		return 2;
	}
	dir = argv[1];
	iface = argv[2];
	end = atoll(argv[3]) / 300 * 300;
	days = argc == 5 ? atoll(argv[4]) : 180;
	start = end - days * 86400;
	(void)bw_kind_path(path, sizeof(path), dir, BW_OWNERS, iface);
	(void)bw_kind_path(cmdpath, sizeof(cmdpath), dir, BW_CMDLINES, iface);
	(void)bw_kind_path(hpath, sizeof(hpath), dir, BW_OWNERS_HOURLY, iface);
	(void)bw_kind_path(dpath, sizeof(dpath), dir, BW_OWNERS_DAILY, iface);
	bw_owners_init(&hs);
	bw_owners_init(&ds);
	for (p = 0; p < PROGS; p++) {
		(void)snprintf(cmd, sizeof(cmd), "/usr/bin/prog%03d --config "
		    "/etc/prog%03d/prog.conf --verbose --listen 0.0.0.0:%d",
		    p, p, 1000 + p);
		bw_cmd_id(cmd, o.cmd);
		(void)bw_cmdlines_append(cmdpath, o.cmd, cmd, start);
	}
	(void)bw_period_start(start, BW_PERIOD_DAY, 1, &d);
	(void)bw_period_next(d, BW_PERIOD_DAY, 1, &dnext);
	h = start / 3600 * 3600 + 3600;
	for (t = start; t < end; t += 300) {
		bw_owners_init(&s);
		for (i = 0; i < ACTIVE; i++) {
			/* Busy programs often, the rest seldom. */
			p = (int)(next() % 100 < 70 ? next() % 30 :
			    30 + next() % (PROGS - 30));
			memset(&o, 0, sizeof(o));
			(void)snprintf(o.prog, sizeof(o.prog), "prog%03d", p);
			(void)snprintf(o.user, sizeof(o.user), "%s",
			    users[p % 6]);
			if (p % 3 == 0)
				(void)snprintf(o.unit, sizeof(o.unit),
				    "prog%03d.service", p);
			else if (p % 7 == 0)
				(void)snprintf(o.container,
				    sizeof(o.container), "app-%03d", p);
			o.rx = next() % 50000000 / (1 + (unsigned)p / 10);
			o.tx = next() % 5000000 / (1 + (unsigned)p / 10);
			o.pid = 1000 + p;
			o.pidbytes = o.rx + o.tx;
			(void)snprintf(cmd, sizeof(cmd), "/usr/bin/prog%03d "
			    "--config /etc/prog%03d/prog.conf --verbose "
			    "--listen 0.0.0.0:%d", p, p, 1000 + p);
			bw_cmd_id(cmd, o.cmd);
			nrem = 1 + (int)(next() % 8);
			for (j = 0; j < nrem; j++) {
				k = (int)(next() % 40);
				(void)snprintf(addr, sizeof(addr),
				    "198.51.100.%d:%d", k, 443 + k % 3);
				(void)bw_owner_add_remote(&o, addr,
				    o.rx / (unsigned)nrem,
				    o.tx / (unsigned)nrem);
			}
			(void)bw_owners_add(&s, &o);
			bw_owner_clear(&o);
		}
		memset(&o, 0, sizeof(o));
		(void)strcpy(o.prog, "[forwarded]");
		o.rx = next() % 1000000;
		(void)bw_owners_add(&s, &o);
		(void)bw_owners_fold(&s, TOP, TOP);
		(void)bw_owners_append(path, t, 300, &s);
		for (n = 0; n < s.n; n++)
			(void)bw_owners_add(&hs, &s.v[n]);
		bw_owners_free(&s);
		if (t + 300 >= h) {
			(void)bw_owners_fold(&hs, TOP, BW_ROLLUP_REMOTES);
			(void)bw_owners_append(hpath, h - 3600, 3600, &hs);
			for (n = 0; n < hs.n; n++)
				(void)bw_owners_add(&ds, &hs.v[n]);
			bw_owners_free(&hs);
			h += 3600;
		}
		if (t + 300 >= dnext) {
			(void)bw_owners_fold(&ds, TOP, BW_ROLLUP_REMOTES);
			(void)bw_owners_append(dpath, d, (int)(dnext - d), &ds);
			bw_owners_free(&ds);
			d = dnext;
			(void)bw_period_next(d, BW_PERIOD_DAY, 1, &dnext);
			(void)bw_owners_trim(dir, iface, (double)t, 180);
		}
	}
	for (k = BW_OWNERS; k <= BW_CMDLINES; k++) {
		(void)bw_kind_path(path, sizeof(path), dir, (enum bw_kind)k,
		    iface);
		printf("%s %lld\n", strrchr(path, '/') + 1,
		    stat(path, &st) == 0 ? (long long)st.st_size : 0LL);
	}
	return 0;
}
