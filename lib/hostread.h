/*
 * Reading a router's LAN devices (bwmon-files(5), "host files"): the
 * live hosts_<if>.json, rewritten every second with every device's
 * bytes since counting began and its rates, and the rows of the host
 * history, hostlog_<if>.jsonl and its hourly and daily rollups, one
 * line per device that moved bytes in an interval.  The history is read
 * by the owner history's machinery (bw_owners_top() with BW_BY_HOST), so
 * a window's rows are taken at the finest resolution still kept and a
 * row counts where its middle lies; this module parses the rows for it.
 * Readers take the files as untrusted: wrong types count as absent,
 * strings are bounded and rid of control and invisible characters.
 */
#ifndef BW_HOSTREAD_H
#define BW_HOSTREAD_H

#include <stddef.h>
#include <stdint.h>

#include "owners.h"
#include "util.h"

#define BW_LANHOSTS_FILEMAX	(16 << 20)	/* largest live file */
#define BW_LANHOSTS_MAXROWS	20000		/* devices kept */
#define BW_LANHOST_ADDRS	8		/* addresses kept a device */
#define BW_OTHER_HOSTS		"other"	/* /metrics' fold series */

/* One device of the live file; strings "" when absent. */
struct bw_lanhost {
	char		id[64];		/* MAC, else address */
	char		mac[24];
	char		name[128];
	char		from[16];	/* the name's source */
	char		addrs[BW_LANHOST_ADDRS][48];
	size_t		naddrs;
	uint64_t	rx, tx;		/* bytes it received, sent */
	double		rx_bps, tx_bps;	/* NAN when absent */
	int64_t		seen;		/* it last moved bytes; 0 */
};

struct bw_lanhosts {
	double		 ts;
	char		 iface[BW_IFNAMSIZ];
	long		 pid;		/* 0 when absent */
	double		 interval;	/* NAN when absent */
	char		 source[32];
	char		 offload[128];	/* "": none */
	uint64_t	 rx, tx;
	struct bw_lanhost *v;
	size_t		 n;
};

int	 bw_lanhosts_parse(const char *, size_t, struct bw_lanhosts *,
	    struct bw_error *);
int	 bw_lanhosts_load(int, const char *, struct bw_lanhosts *,
	    struct bw_error *);
int	 bw_lanhosts_read(const char *, struct bw_lanhosts *,
	    struct bw_error *);
void	 bw_lanhosts_free(struct bw_lanhosts *);
int	 bw_lanhosts_stale(const struct bw_lanhosts *, double);
const char *bw_lanhost_label(const struct bw_lanhost *);
size_t	 bw_lanhosts_rank(const struct bw_lanhosts *, int, size_t,
	    size_t *, uint64_t *);

int	 bw_hostrow_owner(const char *, size_t, struct bw_owner *);

#endif /* BW_HOSTREAD_H */
