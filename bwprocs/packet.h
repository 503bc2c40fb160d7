/*
 * The packet parser (packet.c): the captured head of a frame, untrusted
 * bytes, to a summary of who talks to whom, bounds-checked.
 */
#ifndef BWPROCS_PACKET_H
#define BWPROCS_PACKET_H

#include <stdint.h>

enum { DIR_RX = 0, DIR_TX = 1, DIR_UNKNOWN = 2 };

struct pkt {
	uint32_t	len;		/* frame length (pkthdr.len) */
	uint8_t		dir;		/* DIR_*, from the link layer */
	uint8_t		family;		/* 4, 6, or 0: not IP */
	uint8_t		proto;		/* IP protocol */
	uint8_t		ports;		/* sport/dport are valid */
	uint8_t		tcpflags;
	uint8_t		src[16], dst[16];	/* IPv4 in the first 4 */
	uint16_t	sport, dport;	/* host order */
};

#define FRAG_SLOTS	256

struct fragslot {
	uint8_t		src[16], dst[16];
	uint32_t	id;
	uint16_t	sport, dport;
	uint8_t		family, proto, used;
};

/* The ports of first fragments, for the fragments that follow. */
struct fragcache {
	struct fragslot	slot[FRAG_SLOTS];
};

int	pkt_parse(int, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, struct fragcache *, struct pkt *);
int	pkt_dlt_supported(int);

#endif /* BWPROCS_PACKET_H */
