/*
 * Reading what bwprocs writes every few seconds: procs_<iface>.json (the
 * processes and connections using an interface) and live_<iface>.json
 * (the interface's rate second by second).  Readers take these files as
 * untrusted: wrong types count as absent keys, strings are bounded and
 * rid of control characters, and a bwmon version 1 procs file reads as
 * one holding only the version 1 keys.
 */
#ifndef BW_PROCS_H
#define BW_PROCS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define BW_PROCS_FILEMAX	(16 << 20)	/* largest procs file */
#define BW_LIVE_FILEMAX		(1 << 20)	/* largest live file */
#define BW_PROCS_MAXROWS	20000		/* rows kept per list */
#define BW_LIVE_MAXSAMPLES	600		/* newest samples kept */
#define BW_PROCS_STALE		3		/* intervals to stale */
#define BW_PROCS_INTERVAL	2		/* bwprocs' default procs_interval */
#define BW_RATE_MAX		1e15		/* above: garbage */

/* Whether bwprocs runs for an interface, by its procs file. */
enum bw_bwprocs {
	BW_BWPROCS_RUNNING,
	BW_BWPROCS_STALE,	/* the file stopped changing */
	BW_BWPROCS_ABSENT,	/* no file */
	BW_BWPROCS_BAD		/* a file that cannot be read */
};

enum bw_proc_kind {
	BW_PROC_PROCESS,
	BW_PROC_UNATTRIBUTED	/* pid 0 rows: "[forwarded]", ... */
};

/*
 * One process row.  Numbers a file lacks are NAN (rates), -1 (uid,
 * connections) or have their has_ flag clear (byte counts).
 */
struct bw_proc {
	enum bw_proc_kind	 kind;
	long			 pid;
	long long		 uid;		/* -1: null or absent */
	char			 name[128];
	char			 user[64];
	char			 exe[256];
	char			 cmdline[512];
	char			 container[64];
	double			 tx_bps, rx_bps;
	uint64_t		 tx_bytes, rx_bytes;
	int			 has_bytes;
	long			 connections;
	double			 last_seen;
};

struct bw_conn {
	char		proto[8];
	char		local[64];
	char		remote[64];
	long		pid;
	char		name[128];
	double		tx_bps, rx_bps;
	uint64_t	tx_bytes, rx_bytes;
	int		has_bytes;
};

struct bw_procs {
	int		 version;	/* 1 without "version" */
	char		 iface[BW_IFNAMSIZ];
	double		 ts;
	double		 interval;	/* NAN if absent */
	double		 started;	/* NAN if absent */
	double		 rx_bps, tx_bps;	/* NAN if absent */
	uint64_t	 rx_bytes, tx_bytes;
	int		 has_bytes;
	double		 coverage;	/* 0..1, or NAN */
	int		 has_capture;
	uint64_t	 packets, drops, drops_interval;
	int		 has_conns;	/* has a "connections" list */
	struct bw_proc	*procs;
	size_t		 nprocs;
	struct bw_conn	*conns;
	size_t		 nconns;
	size_t		 bad;		/* rows not objects */
};

struct bw_live_sample {
	double	ts, rx_bps, tx_bps;
};

struct bw_live {
	char			iface[BW_IFNAMSIZ];
	double			ts;
	double			interval;	/* 1 when absent */
	/* The newest samples, oldest first. */
	struct bw_live_sample	samples[BW_LIVE_MAXSAMPLES];
	size_t			nsamples;
	size_t			bad;
};

int	bw_procs_parse(const char *, size_t, struct bw_procs *,
	    struct bw_error *);
int	bw_procs_read(const char *, struct bw_procs *, struct bw_error *);
int	bw_procs_read_at(int, const char *, struct bw_procs *,
	    struct bw_error *);
int	bw_procs_load(int, const char *, struct bw_procs *, struct bw_error *);
void	bw_procs_free(struct bw_procs *);
int	bw_procs_stale(const struct bw_procs *, double);
double	bw_procs_interval(const struct bw_procs *);
enum bw_bwprocs bw_procs_status(int, const char *, double, double *);
int	bw_live_parse(const char *, size_t, struct bw_live *,
	    struct bw_error *);
int	bw_live_read(const char *, struct bw_live *, struct bw_error *);
int	bw_live_read_at(int, const char *, struct bw_live *,
	    struct bw_error *);
int	bw_live_load(int, const char *, struct bw_live *, struct bw_error *);
int	bw_live_stale(const struct bw_live *, double);

#endif /* BW_PROCS_H */
