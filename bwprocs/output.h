/*
 * The files bwprocs replaces (output.c): procs_<iface>.json and
 * live_<iface>.json, and the JSON of a row.
 */
#ifndef BWPROCS_OUTPUT_H
#define BWPROCS_OUTPUT_H

#include <stdint.h>

struct bw_pubfile;
struct json_t;
struct row;
struct table;

struct procs_out {
	const char	*iface;
	double		 ts, interval, started;
	double		 rx_bps, tx_bps;	/* < 0: unknown */
	uint64_t	 rx_bytes, tx_bytes;	/* since start */
	uint64_t	 if_bytes;		/* in this interval, rx + tx */
	uint64_t	 packets, cap_bytes, drops, drops_interval;
	int		 buffer_mb;		/* the ring now; 0: none */
	const char	*state;
	int		 owners_bpf;		/* the kernel names owners */
	const char	*owners_why;
	uint64_t	 owners_viabpf;		/* connections it named */
	double		 linger;
	int		 top;
};

#define LIVE_SAMPLES	120

struct live {
	double	ts[LIVE_SAMPLES], rx[LIVE_SAMPLES], tx[LIVE_SAMPLES];
	int	head, n;
};

int	out_procs(struct bw_pubfile *, const struct procs_out *,
	    const struct table *, double);
int	out_live(struct bw_pubfile *, const char *, double,
	    const struct live *);
void	live_add(struct live *, double, double, double);
struct json_t *out_row_json(const struct row *, double, double);
struct json_t *out_real(double, double);
struct json_t *out_bytes(uint64_t);
int	out_set(struct json_t *, const char *, struct json_t *);

#endif /* BWPROCS_OUTPUT_H */
