/*
 * libFuzzer harness for the live file reader (lib/procs.c,
 * bw_live_parse()); the input is a live_<iface>.json.  Besides what the
 * sanitizers catch, it aborts when what the reader hands on breaks its
 * promises: a valid interface name or none, an interval above 0, at most
 * BW_LIVE_MAXSAMPLES samples of finite numbers, rates in
 * [0, BW_RATE_MAX], an error that says why.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procs.h"
#include "check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Static: 600 samples make it too big for a fuzzer's stack. */
	static struct bw_live	 l;
	struct bw_error		 e;
	size_t			 i;

	memset(&e, 0, sizeof(e));
	if (bw_live_parse((const char *)data, size, &l, &e) == -1) {
		fuzz_failed(&e);
		return 0;
	}
	if (!(l.ts >= 0) || !isfinite(l.ts) || !(l.interval > 0) ||
	    !isfinite(l.interval) ||
	    (l.iface[0] != '\0' && !bw_ifname_valid(l.iface)) ||
	    l.nsamples > BW_LIVE_MAXSAMPLES)
		abort();
	for (i = 0; i < l.nsamples; i++)
		if (!(l.samples[i].ts >= 0) || !isfinite(l.samples[i].ts) ||
		    !(l.samples[i].rx_bps >= 0 &&
		    l.samples[i].rx_bps <= BW_RATE_MAX) ||
		    !(l.samples[i].tx_bps >= 0 &&
		    l.samples[i].tx_bps <= BW_RATE_MAX))
			abort();
	(void)bw_live_stale(&l, l.ts + 1);
	return 0;
}
