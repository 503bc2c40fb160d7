/*
 * The LAN hosts of a router: what each device on the LAN interface
 * received and sent through the box, kept by bwprocs's router part.
 * Two kinds of files, named after the LAN interface:
 *
 * - hosts_<if>.json (BW_HOSTS), the live file, replaced whole every
 *   second: every device, its addresses, name, byte totals and rates;
 * - hostlog_<if>.jsonl (BW_HOSTLOG), hostlog1h_ and hostlog1d_: one
 *   row per owners_interval (hour, local day) and device that moved
 *   bytes, rolled up and trimmed as the owner history is.
 *
 * And the names: DHCP leases (dnsmasq's format), /etc/ethers and
 * /etc/hosts, looked up in that order.  Bytes are L3 bytes (IP header
 * included, no Ethernet header), as nftables counts them.
 * bwmon-files(5) documents the format.
 *
 * This module owns both kinds: their paths (lib/datadir.c names them),
 * the writer (bwprocs's router part), the readers and the rollups and
 * trims.  Readers other than the writer's own take the files as
 * untrusted: wrong types count as absent, strings are bounded and rid
 * of control and invisible characters (struct bw_lanhosts).  The host
 * history is read by the owner history's machinery (bw_owners_top()
 * with BW_BY_HOST), so a window's rows are taken at the finest
 * resolution still kept and a row counts where its middle lies;
 * bw_hostrow_owner() parses the rows for it.
 */
#ifndef BW_HOSTS_H
#define BW_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "datadir.h"
#include "fileio.h"
#include "owners.h"
#include "util.h"

#define BW_HOSTS_KEEP_FULL	8	/* days of full-resolution rows */
#define BW_HOSTS_KEEP_HOURLY	32	/* days of hourly rows */
#define BW_HOST_ADDRS		8	/* addresses a host lists */
#define BW_HOST_WAS		4	/* earlier ids a history row lists */
#define BW_HOST_NAME		64	/* a name's room, with its NUL */
#define BW_ADDRSTR		46	/* INET6_ADDRSTRLEN */

/* Where a host's name comes from. */
enum bw_host_from {
	BW_FROM_NONE,
	BW_FROM_LEASE,
	BW_FROM_ETHERS,
	BW_FROM_HOSTS
};

/* One device: its id is its MAC when known, else its address. */
struct bw_host {
	char		id[BW_ADDRSTR];
	char		mac[18];		/* "" unknown */
	char		name[BW_HOST_NAME];	/* "" none */
	int		from;			/* enum bw_host_from */
	char		addrs[BW_HOST_ADDRS][BW_ADDRSTR];
	size_t		naddrs;
	char		was[BW_HOST_WAS][BW_ADDRSTR];	/* history rows: */
	size_t		nwas;		/* ids its earlier rows had */
	uint64_t	rx, tx;			/* the device's view */
	double		rx_bps, tx_bps;
	int64_t		seen;			/* last second it moved bytes */
	int64_t		ts;			/* history rows: interval */
	int		len;
};

/* Hosts by id: a hash set. */
struct bw_hostset {
	struct bw_host	*v;
	size_t		 n, cap;
	size_t		*slot;		/* 1 + index, 0 empty */
	size_t		 nslot;
};

/* What the live file says besides the hosts. */
struct bw_hosts_head {
	double		 ts;
	const char	*iface;
	long		 pid;
	int		 interval;
	const char	*source;	/* "nftables" */
	const char	*offload;	/* NULL: nothing hides bytes */
	int		 offload_counted; /* from conntrack (with offload) */
};

void		 bw_hostset_init(struct bw_hostset *);
void		 bw_hostset_free(struct bw_hostset *);
struct bw_host	*bw_hostset_get(struct bw_hostset *, const char *, int);
void		 bw_hostset_del(struct bw_hostset *, const char *);
void		 bw_hostset_sort(struct bw_hostset *);
int		 bw_host_add_addr(struct bw_host *, const char *);
int		 bw_host_add_was(struct bw_host *, const char *);
const char	*bw_host_from_name(int);

int	bw_hosts_write(struct bw_pubfile *, const struct bw_hosts_head *,
	    struct bw_hostset *);
int	bw_hosts_read(int, const char *, struct bw_hostset *);
int	bw_hostlog_append(const char *, int64_t, int,
	    const struct bw_hostset *);
int	bw_hostrow_parse(const char *, size_t, struct bw_host *);
int	bw_hostlog_catchup(const char *, const char *, enum bw_kind, int64_t,
	    size_t *);
int	bw_hostlog_trim(const char *, const char *, double, int);

/*
 * The names of the LAN: the leases, /etc/ethers, /etc/hosts.  A line
 * that is not what its file should hold is skipped, and warn says so
 * (file, line and why).
 */
struct bw_name {
	char	mac[18];		/* "" when by address only */
	char	addr[BW_ADDRSTR];	/* "" when by MAC only */
	char	name[BW_HOST_NAME];
	int	from;
};

struct bw_names {
	struct bw_name	*v;
	size_t		 n, cap;
};

/* The files, in the order they are asked. */
struct bw_name_files {
	const char	*leases, *ethers, *hosts;
};

void		 bw_names_init(struct bw_names *);
void		 bw_names_free(struct bw_names *);
int		 bw_names_load(struct bw_names *, const struct bw_name_files *,
		    bw_conf_warn_fn);
const char	*bw_leases_path(const struct bw_conf *);
int		 bw_names_find(const struct bw_names *, struct bw_host *);

/* ---- reading the files, as their readers do ---- */

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
	int		 offload_counted; /* 1, 0; -1 absent or null */
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

#endif /* BW_HOSTS_H */
