/*
 * The data directory: the one module that knows the names of the files
 * in it.  Every file about an interface is "<prefix><iface><suffix>" of
 * one kind below; a program asks for a kind's path, lists the
 * interfaces that have files, and picks the interface to show by one
 * rule, instead of spelling file names itself.  The per-kind readers and
 * writers (history.c, procs.c, eventlog.c, ...) build on it.
 */
#ifndef BW_DATADIR_H
#define BW_DATADIR_H

#include <stddef.h>

#include "conf.h"
#include "util.h"

enum bw_kind {
	BW_HISTORY,	/* bw_<if>.csv: bwcollect's 5-minute rows */
	BW_STATE,	/* state_<if>.json: bwcollect's last counters */
	BW_LIVE,	/* live_<if>.json: bwprocs' per-second rates */
	BW_PROCS,	/* procs_<if>.json: bwprocs' processes */
	BW_SPIKES,	/* spikes_<if>.jsonl: bwprocs' spike records */
	BW_ALERTS,	/* alerts_<if>.jsonl: bwprocs' alert records */
	BW_OWNERS,	/* owners_<if>.jsonl: who, per owners_interval */
	BW_OWNERS_HOURLY, /* owners1h_<if>.jsonl: the same per hour */
	BW_OWNERS_DAILY, /* owners1d_<if>.jsonl: the same per local day */
	BW_CMDLINES,	/* cmdlines_<if>.jsonl: the owners' command lines */
	BW_OWNERTOTALS,	/* ownertotals_<if>.json: bytes per program, ever */
	BW_HOSTS,	/* hosts_<if>.json: bwprocs' LAN hosts, live */
	BW_HOSTLOG,	/* hostlog_<if>.jsonl: per host, per owners_interval */
	BW_HOSTLOG_HOURLY, /* hostlog1h_<if>.jsonl: the same per hour */
	BW_HOSTLOG_DAILY, /* hostlog1d_<if>.jsonl: the same per local day */
	BW_NKINDS
};

/* The files of the directory itself, not of an interface. */
enum bw_dirfile {
	BW_TOTALS_DAILY,	/* bwtotal --append's logs */
	BW_TOTALS_WEEKLY,
	BW_TOTALS_MONTHLY,
	BW_COLLECT_LOCK,	/* bwcollect's run lock */
	BW_NDIRFILES
};

#define BW_KIND_BIT(k)	(1u << (k))

/* An interface with files, and which kinds it has (BW_KIND_BIT). */
struct bw_iface {
	char		name[BW_IFNAMSIZ];
	unsigned	kinds;
};

/* The interfaces of a directory, sorted by name; no fixed limit. */
struct bw_ifaces {
	struct bw_iface	*v;
	size_t		 n;
};

const char	*bw_kind_name(enum bw_kind);
int		 bw_kind_file(char *, size_t, enum bw_kind, const char *);
int		 bw_kind_path(char *, size_t, const char *, enum bw_kind,
		    const char *);
int		 bw_kind_parse(const char *, enum bw_kind *, char *);
const char	*bw_dirfile_name(enum bw_dirfile);
int		 bw_dirfile_path(char *, size_t, const char *,
		    enum bw_dirfile);

int		 bw_data_open(int, const char *);
int		 bw_kind_read(int, enum bw_kind, const char *, size_t, char **,
		    size_t *);
int		 bw_ifaces_scan(int, struct bw_ifaces *);
int		 bw_ifaces_load(const char *, struct bw_ifaces *);
const struct bw_iface *bw_ifaces_find(const struct bw_ifaces *,
		    const char *);
size_t		 bw_ifaces_count(const struct bw_ifaces *, unsigned);
int		 bw_ifaces_list(const struct bw_ifaces *, unsigned, char *,
		    size_t);
void		 bw_ifaces_free(struct bw_ifaces *);

int		 bw_iface_ignored(const struct bw_conf *, const char *);
int		 bw_route_iface(const char *, char *, size_t);
const char	*bw_pick_iface(int, const struct bw_ifaces *,
		    const struct bw_conf *, double);
int		 bw_default_iface(const char *, const struct bw_conf *,
		    char *, size_t);

#endif /* BW_DATADIR_H */
