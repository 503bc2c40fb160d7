/*
 * The packet parser: the captured head of a frame (at most the snap
 * length, maybe less, maybe garbage) to a summary of who talks to whom.
 * Every read is checked against the captured length first; whatever
 * does not parse is still a frame whose bytes count, as "other".
 */
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "bwprocs.h"
#include "packet.h"

#define ETH_IP4		0x0800
#define ETH_IP6		0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define MAX_VLANS	4
#define MAX_EXTHDRS	8
#define SLL_OUTGOING	4

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

int
pkt_dlt_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return 1;
	}
	return 0;
}

static struct fragslot *
frag_slot(struct fragcache *fc, const struct pkt *k, uint32_t id)
{
	uint32_t	h = id * 2654435761U;
	int		i;

	for (i = 0; i < 16; i++)
		h = (h ^ k->src[i] ^ ((uint32_t)k->dst[i] << 8)) * 16777619U;
	return &fc->slot[(h ^ k->proto) % FRAG_SLOTS];
}

static int
frag_match(const struct fragslot *s, const struct pkt *k, uint32_t id)
{
	return s->used && s->id == id && s->family == k->family &&
	    s->proto == k->proto && memcmp(s->src, k->src, 16) == 0 &&
	    memcmp(s->dst, k->dst, 16) == 0;
}

/* A later fragment: take the ports its first fragment carried. */
static void
frag_lookup(struct fragcache *fc, struct pkt *k, uint32_t id)
{
	struct fragslot	*s;

	if (fc == NULL)
		return;
	s = frag_slot(fc, k, id);
	if (frag_match(s, k, id)) {
		k->sport = s->sport;
		k->dport = s->dport;
		k->ports = 1;
	}
}

static void
frag_store(struct fragcache *fc, const struct pkt *k, uint32_t id)
{
	struct fragslot	*s;

	if (fc == NULL || !k->ports)
		return;
	s = frag_slot(fc, k, id);
	memcpy(s->src, k->src, 16);
	memcpy(s->dst, k->dst, 16);
	s->id = id;
	s->family = k->family;
	s->proto = k->proto;
	s->sport = k->sport;
	s->dport = k->dport;
	s->used = 1;
}

static void
parse_l4(const uint8_t *p, uint32_t n, struct pkt *k)
{
	if (k->proto != 6 && k->proto != 17)
		return;
	if (n < 4)
		return;
	k->sport = get16(p);
	k->dport = get16(p + 2);
	k->ports = 1;
	if (k->proto == 6 && n >= 14)
		k->tcpflags = p[13];
}

static void
parse_ip4(const uint8_t *p, uint32_t n, struct fragcache *fc, struct pkt *k)
{
	uint32_t	ihl, tot, l4n, id;
	uint16_t	frag;

	if (n < 20 || (p[0] >> 4) != 4)
		return;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > n)
		return;
	k->family = 4;
	k->proto = p[9];
	memcpy(k->src, p + 12, 4);
	memcpy(k->dst, p + 16, 4);
	tot = get16(p + 2);
	l4n = n - ihl;
	if (tot >= ihl && tot - ihl < l4n)
		l4n = tot - ihl;	/* not the Ethernet padding */
	frag = get16(p + 6);
	id = get16(p + 4);
	if ((frag & 0x1fff) != 0) {
		frag_lookup(fc, k, id);
		return;
	}
	parse_l4(p + ihl, l4n, k);
	if (frag & 0x2000)
		frag_store(fc, k, id);
}

static void
parse_ip6(const uint8_t *p, uint32_t n, struct fragcache *fc, struct pkt *k)
{
	uint32_t	off = 40, hlen, id, plen, end;
	uint8_t		nh;
	int		i, first = 1, more = 0, frag = 0;

	if (n < 40 || (p[0] >> 4) != 6)
		return;
	k->family = 6;
	memcpy(k->src, p + 8, 16);
	memcpy(k->dst, p + 24, 16);
	nh = p[6];
	plen = get16(p + 4);
	end = plen > 0 && plen < n - 40 ? 40 + plen : n;
	id = 0;
	for (i = 0; i < MAX_EXTHDRS; i++) {
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
			if (end - off < 2)
				goto done;
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			nh = p[off];
			break;
		case 51:	/* authentication header */
			if (end - off < 2)
				goto done;
			hlen = ((uint32_t)p[off + 1] + 2) * 4;
			nh = p[off];
			break;
		case 44:	/* fragment */
			if (end - off < 8)
				goto done;
			frag = 1;
			first = (get16(p + off + 2) & 0xfff8) == 0;
			more = p[off + 3] & 1;
			id = get32(p + off + 4);
			nh = p[off];
			hlen = 8;
			break;
		default:
			goto done;
		}
		if (hlen > end - off) {
			off = end;
			goto done;
		}
		off += hlen;
	}
done:
	k->proto = nh;
	if (addr_is_v4mapped(k->src) && addr_is_v4mapped(k->dst)) {
		/* SIIT-style addresses: the same flow as plain IPv4. */
		addr_unmap(k->src);
		addr_unmap(k->dst);
		k->family = 4;
	}
	if (frag && !first) {
		frag_lookup(fc, k, id);
		return;
	}
	if (i < MAX_EXTHDRS && off <= end)
		parse_l4(p + off, end - off, k);
	if (frag && more)
		frag_store(fc, k, id);
}

static void
parse_ip(const uint8_t *p, uint32_t n, struct fragcache *fc, struct pkt *k)
{
	if (n < 1)
		return;
	if ((p[0] >> 4) == 4)
		parse_ip4(p, n, fc, k);
	else if ((p[0] >> 4) == 6)
		parse_ip6(p, n, fc, k);
}

/* An EtherType (after any VLAN tags) at p[off]; off < n. */
static void
parse_ethertype(const uint8_t *p, uint32_t n, uint32_t off, uint16_t type,
    struct fragcache *fc, struct pkt *k)
{
	int	i;

	for (i = 0; i < MAX_VLANS && (type == ETH_VLAN || type == ETH_QINQ ||
	    type == ETH_QINQ_OLD); i++) {
		if (n - off < 4)
			return;
		type = get16(p + off + 2);
		off += 4;
	}
	if (type == ETH_IP4 || type == ETH_IP6)
		parse_ip(p + off, n - off, fc, k);
}

/*
 * Summarise one captured frame of link type dlt: data holds caplen
 * bytes of a frame of len bytes.  mac (6 bytes, may be NULL) is the
 * monitored interface's own address: frames from it were sent.
 * Returns 0; k->family is 0 when the frame is not IP.
 */
int
pkt_parse(int dlt, const uint8_t *mac, const uint8_t *p, uint32_t caplen,
    uint32_t len, struct fragcache *fc, struct pkt *k)
{
	uint32_t	af;

	memset(k, 0, sizeof(*k));
	k->len = len;
	k->dir = DIR_UNKNOWN;
	if (caplen > len)
		caplen = len;
	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < 14)
			break;
		if (mac != NULL && memcmp(p + 6, mac, 6) == 0)
			k->dir = DIR_TX;
		else if (mac != NULL && memcmp(p, mac, 6) == 0)
			k->dir = DIR_RX;
		parse_ethertype(p, caplen, 14, get16(p + 12), fc, k);
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			break;
		k->dir = get16(p) == SLL_OUTGOING ? DIR_TX : DIR_RX;
		parse_ethertype(p, caplen, 16, get16(p + 14), fc, k);
		break;
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			break;
		k->dir = p[10] == SLL_OUTGOING ? DIR_TX : DIR_RX;
		parse_ethertype(p, caplen, 20, get16(p), fc, k);
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		parse_ip(p, caplen, fc, k);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		/* A 4-byte address family, host order (NULL) or not. */
		if (caplen < 4)
			break;
		af = (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
		    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
		if (af > 0xffff)
			af = get32(p);
		if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30)
			parse_ip(p + 4, caplen - 4, fc, k);
		break;
	}
	return 0;
}
