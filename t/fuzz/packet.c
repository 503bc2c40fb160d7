/*
 * libFuzzer harness for bwprocs' packet parser and connection table:
 * the first input byte picks the link type (its value modulo 9 indexes
 * dlts[]; bit 7 gives the interface a MAC, bit 6 makes the capture
 * shorter than the packet), the rest is a frame.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "packet.h"
#include "table.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
    DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP, 105 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct table	*t;
	static struct fragcache	 fc;
	static int		 init;
	static double		 now;
	static const uint8_t	 mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt		 k;
	struct conn		*c;
	int			 dlt;

	if (!init) {
		if ((t = tab_new(1000)) == NULL)
			return 0;
		init = 1;
	}
	if (size < 1)
		return 0;
	dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	(void)pkt_parse(dlt, (data[0] & 0x80) ? mac : NULL, data + 1,
	    (uint32_t)(size - 1), (uint32_t)(size - 1 + (data[0] & 0x40)),
	    &fc, &k);
	now += 0.5;
	if (k.family != 0 && k.ports &&
	    (c = tab_conn(t, &k, k.dir == DIR_TX, k.src[0] & 1,
	    k.dst[0] & 1, now)) != NULL) {
		tab_credit(c, &k, k.dir, now);
		if (tab_npending(t) > 100)
			tab_give_up(t, tab_pending_first(t), U_FORWARDED, now);
	}
	tab_expire(t, now);
	return 0;
}
