/*
 * bwprocs: which process moves the bytes of one interface.  What its
 * modules share; each has a header of its own: the packet parser
 * (packet.h), the connection and row tables (table.h), the socket
 * lookups (sockdiag.h, procnet.h), the /proc scans (pidmap.h,
 * procinfo.h), the local addresses (localaddr.h), the pipeline that
 * attributes new connections (resolve.h), the capture (capture.h), the
 * files written (output.h), spikes and alerts (events.h), conntrack
 * (ct.h) and router mode's per-LAN-host counters (router.h); the main loop
 * is bwprocs.c.
 */
#ifndef BWPROCS_H
#define BWPROCS_H

#include <stdint.h>
#include <string.h>

/* One end of a connection: an address (IPv4 in the first 4) and port. */
struct endp {
	uint8_t		addr[16];
	uint16_t	port;
};

/*
 * Addresses as bwprocs keeps them, 16 bytes with IPv4 in the first 4.
 * addr_is_zero: the wildcard (or none); addr_is_v4mapped: an IPv6
 * ::ffff:a.b.c.d; addr_unmap: such an address becomes the IPv4 one.
 */
static inline int
addr_is_zero(const uint8_t *a)
{
	static const uint8_t	zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

static inline int
addr_is_v4mapped(const uint8_t *a)
{
	static const uint8_t	pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

static inline void
addr_unmap(uint8_t *a)
{
	memmove(a, a + 12, 4);
	memset(a + 4, 0, 12);
}

/* TCP states, as /proc/net/tcp and sock_diag number them. */
#define TCP_ST_ESTABLISHED	1
#define TCP_ST_TIME_WAIT	6
#define TCP_ST_CLOSE		7
#define TCP_ST_LISTEN		10
#define TCP_ST_NEW_SYN_RECV	12

#endif /* BWPROCS_H */
