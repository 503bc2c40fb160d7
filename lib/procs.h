/*
 * Reading what bwprocs writes every few seconds: procs_<iface>.json (the
 * processes and connections using an interface) and live_<iface>.json
 * (the interface's rate second by second).  Readers take these files as
 * untrusted: wrong types count as absent keys, strings are bounded and
 * rid of control, bidirectional and invisible characters, and a bwmon
 * version 1 procs file reads as one holding only the version 1 keys.
 * Every program and CGI reads them through here and judges their age by
 * bw_procs_stale() and bw_live_stale(), bw_stale()'s one rule.
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
#define BW_LIVE_INTERVAL	1		/* and live interval */
#define BW_INTERVAL_MAX		3600		/* above: garbage */
#define BW_RATE_MAX		1e15		/* above: garbage */

/*
 * Bits of the "has" masks: the keys a file or row held with a value of
 * their type (a string, a count in range), for readers that tell an
 * absent key from an empty or zero one.
 */
#define BW_HAS_PID		0x0001
#define BW_HAS_NAME		0x0002
#define BW_HAS_USER		0x0004
#define BW_HAS_EXE		0x0008
#define BW_HAS_CMDLINE		0x0010
#define BW_HAS_CONTAINER	0x0020
#define BW_HAS_PROTO		0x0040
#define BW_HAS_LOCAL		0x0080
#define BW_HAS_REMOTE		0x0100
#define BW_HAS_TX_BYTES		0x0200
#define BW_HAS_RX_BYTES		0x0400
#define BW_HAS_CAPTURE		0x0800		/* a "capture" object */
#define BW_HAS_PACKETS		0x1000
#define BW_HAS_DROPS		0x2000
#define BW_HAS_DROPS_INTERVAL	0x4000
#define BW_HAS_OWNERS		0x8000		/* an "owners" object */

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
 * connections), 0 (pid, byte counts) with their bit clear in has;
 * strings it lacks are "" with their bit clear.  The strings hold what
 * bwprocs writes whole (it keeps 64 bytes of a name or user, 1,024 of a
 * path or command line); longer ones are cut.
 */
struct bw_proc {
	enum bw_proc_kind	 kind;
	unsigned		 has;		/* BW_HAS_* */
	long			 pid;
	long long		 uid;		/* -1: null or absent */
	char			 name[128];
	char			 user[128];
	char			 exe[1028];
	char			 cmdline[1028];
	char			 container[128];
	double			 tx_bps, rx_bps;
	uint64_t		 tx_bytes, rx_bytes;
	int			 has_bytes;	/* both counts */
	long			 connections;
	double			 last_seen;
};

struct bw_conn {
	unsigned	has;		/* BW_HAS_* */
	char		proto[8];
	char		local[64];
	char		remote[64];
	long		pid;
	char		name[128];
	double		tx_bps, rx_bps;
	uint64_t	tx_bytes, rx_bytes;
	int		has_bytes;	/* both counts */
};

struct bw_procs {
	int		 version;	/* 1 without "version" */
	unsigned	 has;		/* BW_HAS_*: bytes, capture */
	char		 iface[BW_IFNAMSIZ];
	double		 ts;
	double		 interval;	/* NAN if absent or not above 0 */
	double		 started;	/* NAN if absent */
	double		 rx_bps, tx_bps;	/* NAN if absent */
	uint64_t	 rx_bytes, tx_bytes;
	int		 has_bytes;	/* both counts */
	double		 coverage;	/* 0..1, or NAN */
	int		 has_capture;	/* packets and drops */
	uint64_t	 packets, drops, drops_interval;
	int		 has_conns;	/* has a "connections" list */
	char		 owners_source[8];	/* "bpf", "proc"; "": absent */
	char		 owners_reason[256];
	struct bw_proc	*procs;
	size_t		 nprocs;
	struct bw_conn	*conns;
	size_t		 nconns;
	size_t		 bad;		/* rows not objects */
};

struct bw_live_sample {
	double	ts, rx_bps, tx_bps;
	size_t	entry;		/* its index in the file's list */
};

struct bw_live {
	char			iface[BW_IFNAMSIZ];
	double			ts;
	double			interval;	/* 1 when absent or absurd */
	/* The newest samples, oldest first. */
	struct bw_live_sample	samples[BW_LIVE_MAXSAMPLES];
	size_t			nsamples;
	size_t			nentries;	/* entries in the file's list */
	size_t			bad;
};

int	bw_procs_parse(const char *, size_t, struct bw_procs *,
	    struct bw_error *);
int	bw_procs_read(const char *, struct bw_procs *, struct bw_error *);
int	bw_procs_load(int, const char *, struct bw_procs *, struct bw_error *);
void	bw_procs_free(struct bw_procs *);
int	bw_stale(double, double, double, double);
int	bw_procs_stale(const struct bw_procs *, double);
double	bw_procs_interval(const struct bw_procs *);
enum bw_bwprocs bw_procs_status(int, const char *, double, double *);
int	bw_live_parse(const char *, size_t, struct bw_live *,
	    struct bw_error *);
int	bw_live_read(const char *, struct bw_live *, struct bw_error *);
int	bw_live_load(int, const char *, struct bw_live *, struct bw_error *);
int	bw_live_stale(const struct bw_live *, double);
size_t	bw_str_clean(char *, size_t, const char *, size_t);

/*
 * Fields of a JSON object read untrusted: wrong types count as absent
 * (and bw_json_num() in eventlog.h).
 */
struct json_t;
int	bw_json_str(const struct json_t *, const char *, char *, size_t);
int	bw_json_count(const struct json_t *, const char *, uint64_t *);

#endif /* BW_PROCS_H */
