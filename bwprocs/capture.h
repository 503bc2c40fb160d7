/*
 * The capture (capture.c): libpcap on a live interface, or a savefile
 * for -r; and the size of the live ring, which grows when the kernel
 * drops frames and shrinks after a quiet while.
 */
#ifndef BWPROCS_CAPTURE_H
#define BWPROCS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;			/* opaque */

enum { CAP_OK, CAP_AGAIN, CAP_FATAL };

struct capstats {
	uint64_t	packets, bytes;	/* counted since bwprocs started */
	uint64_t	drops;		/* by the kernel, since then */
};

typedef void	(*cap_fn)(void *, const uint8_t *, uint32_t, uint32_t,
		    double);

/*
 * cap_new: a capture not open yet; NULL without memory.
 * cap_set_max_mb: the largest ring (capture_buffer_mb), at start and
 * on a reload; a smaller one than the ring makes it shrink.
 * cap_open_live: open iface with a ring of the size the policy says:
 * CAP_OK (err may hold a warning), CAP_AGAIN when the interface is
 * missing or down, CAP_FATAL when capture cannot work; err says why.
 * cap_open_file: read a savefile instead: CAP_OK or CAP_FATAL.
 * cap_adapt: the ring's size, once a second (m: monotonic): CAP_OK,
 * or CAP_AGAIN when the new size needs the capture closed and opened
 * again (the caller does it, without losing more than that moment).
 * cap_dispatch: hand up to max frames (-1: all that are ready) to fn;
 * how many, 0 when none was ready (or at the end of a file), -1 with
 * err set on an error.
 * cap_dispatch_syn: the SYN hints that are ready, parsed by fn and not
 * counted; cap_syn_close: stop them (their socket failed).
 * cap_pollfds: the descriptors to poll, up to 3, the counted rings
 * first; cap_is_syn_fd: whether fd is the hints'.
 * cap_busy: a ring handover is under way; cap_next_event: when it needs
 * a look (monotonic), 0 when none is.
 * cap_settle: wait until the kernel has handed over every frame it took
 * so far: a ring block reaches us when it is full or its timeout
 * retires it, so the frames of the last moments before a stop are in a
 * block nobody may read yet.
 */
struct capture	*cap_new(void);
void		 cap_free(struct capture *);
void		 cap_set_max_mb(struct capture *, int);
int		 cap_open_live(struct capture *, const char *, char *,
		    size_t);
int		 cap_open_file(struct capture *, const char *, char *,
		    size_t);
int		 cap_adapt(struct capture *, double);
int		 cap_dispatch(struct capture *, int, cap_fn, void *, double,
		    char *, size_t);
int		 cap_dispatch_syn(struct capture *, cap_fn, void *);
void		 cap_syn_close(struct capture *);
int		 cap_is_open(const struct capture *);
int		 cap_dlt(const struct capture *);
int		 cap_ifindex(const struct capture *);
int		 cap_has_syn(const struct capture *);
int		 cap_is_syn_fd(const struct capture *, int);
int		 cap_ring_mb(const struct capture *);
int		 cap_busy(const struct capture *);
void		 cap_settle(const struct capture *);
double		 cap_next_event(const struct capture *);
int		 cap_pollfds(const struct capture *, int *);
void		 cap_stats(struct capture *, struct capstats *);
void		 cap_close(struct capture *);

#endif /* BWPROCS_CAPTURE_H */
