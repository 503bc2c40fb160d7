/*
 * The capture (capture.c): libpcap, live or from a file.
 */
#ifndef BWPROCS_CAPTURE_H
#define BWPROCS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct pcap;

struct capring {
	struct pcap	*p;
	int		 fd;		/* to poll; -1 for a file */
	unsigned	 last_drop;	/* pcap_stats baseline (mod 2^32) */
	int		 mb;		/* its size */
};

struct capture {
	struct capring	 ring;		/* the frames counted */
	struct capring	 next;		/* a handover's other ring */
	struct capring	 syn;		/* TCP SYNs at once: hints */
	const char	*iface;
	int		 dlt;
	int		 ifindex;	/* the interface captured */
	int		 file;		/* -r */
	int		 fanout;	/* group id + 1; 0: none */
	int		 phase;		/* of a handover */
	double		 phase_end;	/* monotonic */
	uint64_t	 drops;		/* since bwprocs started */
	uint64_t	 packets, bytes;
	uint64_t	 syns, discarded;
};

enum { CAP_OK, CAP_AGAIN, CAP_FATAL };

typedef void	(*cap_fn)(void *, const uint8_t *, uint32_t, uint32_t,
		    double);

int	cap_open_live(struct capture *, const char *, int, char *, size_t);
int	cap_open_file(struct capture *, const char *, char *, size_t);
int	cap_dispatch(struct capture *, int, cap_fn, void *, double, char *,
	    size_t);
int	cap_dispatch_syn(struct capture *, cap_fn, void *);
void	cap_syn_close(struct capture *);
int	cap_resize(struct capture *, int, double, char *, size_t);
int	cap_ring_mb(const struct capture *);
int	cap_busy(const struct capture *);
double	cap_next_event(const struct capture *);
int	cap_pollfds(const struct capture *, int *);
void	cap_stats(struct capture *);
void	cap_close(struct capture *);
int	cap_is_open(const struct capture *);

#endif /* BWPROCS_CAPTURE_H */
