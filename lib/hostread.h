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

#define BW_HOSTS_FILEMAX	(16 << 20)	/* largest live hosts file */
#define BW_HOSTS_MAXROWS	20000		/* devices kept */
#define BW_HOST_ADDRS		8		/* addresses kept a device */
#define BW_HOSTS_TOP		50		/* hosts_top's default */
#define BW_OTHER_HOSTS		"other"		/* /metrics' fold series */

/* One device of the live file; strings "" when absent. */
struct bw_host {
	char		id[64];		/* its MAC, else its address */
	char		mac[24];
	char		name[128];
	char		from[16];	/* where the name came from */
	char		addrs[BW_HOST_ADDRS][48];
	size_t		naddrs;
	uint64_t	rx, tx;		/* bytes it received, sent */
	double		rx_bps, tx_bps;	/* NAN when absent */
	int64_t		seen;		/* last second it moved a byte, or 0 */
};

struct bw_hosts {
	double		 ts;
	char		 iface[BW_IFNAMSIZ];
	long		 pid;		/* 0 when absent */
	double		 interval;	/* NAN when absent */
	char		 source[32];
	char		 offload[128];	/* "" when null or absent */
	uint64_t	 rx, tx;
	struct bw_host	*v;
	size_t		 n;
};

int	 bw_hosts_parse(const char *, size_t, struct bw_hosts *,
	    struct bw_error *);
int	 bw_hosts_load(int, const char *, struct bw_hosts *,
	    struct bw_error *);
int	 bw_hosts_read(const char *, struct bw_hosts *, struct bw_error *);
void	 bw_hosts_free(struct bw_hosts *);
int	 bw_hosts_stale(const struct bw_hosts *, double);
const char *bw_host_label(const struct bw_host *);
size_t	 bw_hosts_rank(const struct bw_hosts *, int, size_t, size_t *,
	    uint64_t *);

int	 bw_hostrow_parse(const char *, size_t, struct bw_owner *);

#endif /* BW_HOSTREAD_H */
