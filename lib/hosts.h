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
 */
#ifndef BW_HOSTS_H
#define BW_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "datadir.h"
#include "fileio.h"

#define BW_HOSTS_KEEP_FULL	8	/* days of full-resolution rows */
#define BW_HOSTS_KEEP_HOURLY	32	/* days of hourly rows */
#define BW_HOST_ADDRS		8	/* addresses a host lists */
#define BW_HOST_NAME		64	/* a name's room, with its NUL */
#define BW_ADDRSTR		46	/* INET6_ADDRSTRLEN */
#define BW_HOSTS_MAX		100000	/* hosts a file may list */
#define BW_HOSTS_FILEMAX	((size_t)64 << 20)

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
};

void		 bw_hostset_init(struct bw_hostset *);
void		 bw_hostset_free(struct bw_hostset *);
struct bw_host	*bw_hostset_get(struct bw_hostset *, const char *, int);
void		 bw_hostset_del(struct bw_hostset *, const char *);
void		 bw_hostset_sort(struct bw_hostset *);
int		 bw_host_add_addr(struct bw_host *, const char *);
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

#endif /* BW_HOSTS_H */
