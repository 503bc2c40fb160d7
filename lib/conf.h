/*
 * bwmon.conf: "key = value" lines and '#' comments, parsed against one
 * table of known keys with their ranges.
 */
#ifndef BW_CONF_H
#define BW_CONF_H

#include "util.h"

/* Room for the "ifaces" list: some 2,000 names, with no other limit. */
#define BW_IFLIST_MAX	32768

/* A feature that is used when it can be (auto), must be (on), or not. */
/* A key of auto, on or off (bpf, router). */
enum { BW_TRI_AUTO = -1, BW_TRI_OFF = 0, BW_TRI_ON = 1 };

struct bw_conf {
	char	ifaces[BW_IFLIST_MAX];	/* ifaces =: valid names, ' '-separated */
	int	nifaces;
	char	ifaces_ignore[256];	/* fnmatch(3) patterns, ' '-separated */
	char	iface[BW_IFNAMSIZ];	/* iface = (default) */
	int	retention_days;
	int	month_start_day;
	double	max_bps;
	int	counter_bits;		/* 32, 64, or 0: auto */
	/* bwprocs */
	int	procs_interval;		/* seconds between procs files */
	int	procs_linger;		/* seconds a quiet process stays */
	int	top_connections;	/* connections[] listed */
	int	max_connections;	/* connection table bound */
	int	capture_buffer_mb;	/* pcap ring size, at most */
	int	lookup_rate;		/* socket lookups a second */
	int	bpf;			/* BW_TRI_*: the kernel names owners */
	/* bwprocs: spikes and alerts */
	double	spike_ratio;		/* x the rolling average */
	int	spike_window;		/* seconds of that average */
	double	spike_floor_bps;	/* and above this */
	int	spike_cooldown;		/* seconds between spikes */
	int	max_flows_per_spike;
	double	alert_bps;		/* sustained average that fires */
	int	alert_window;		/* seconds of that average */
	double	alert_clear_ratio;	/* x alert_bps: below it clears */
	int	alert_clear_hold;	/* seconds below before it does */
	char	alert_command[512];	/* sh -c; empty: none */
	int	alert_command_timeout;
	char	alert_env[256];		/* its KEY=VALUE file; empty: none */
	char	alert_user[33];		/* it runs as this user */
	int	events_retention_days;
	int	events_max_mb;
	/* bwprocs: the owner history */
	int	owners_interval;	/* seconds; 0: no owner history */
	int	owners_top;		/* owners (and remotes) an interval */
	int	metrics_programs;	/* programs with counters of their own */
	char	user[33];		/* bwprocs runs as this user; "": bwmon if it may */
	/* bwprocs: router mode, the per-LAN-host counters */
	int	router;			/* BW_TRI_*: router mode */
	char	lan_ifaces[256];	/* valid names, ' '-separated; "": auto */
	char	dhcp_leases[256];	/* "": the first of the defaults */
	int	capture;		/* 0: no per-process capture */
	int	hosts_top;		/* LAN devices /metrics and the page list */
};

/* Called once per problem; the parse goes on with the default value. */
typedef void	(*bw_conf_warn_fn)(const struct bw_error *);

void		 bw_conf_warnf(bw_conf_warn_fn, const char *, int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
void		 bw_conf_init(struct bw_conf *);
int		 bw_conf_ifaces(const struct bw_conf *, size_t *, char *);
int		 bw_conf_parse(struct bw_conf *, const char *, const char *,
		    bw_conf_warn_fn);
const char	*bw_conf_path(const char *, int *);
int		 bw_conf_load(struct bw_conf *, const char *, int,
		    bw_conf_warn_fn);
int		 bw_conf_read(struct bw_conf *, const char *, bw_conf_warn_fn,
		    const char **);

#endif /* BW_CONF_H */
