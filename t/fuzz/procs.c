/*
 * libFuzzer harness for the procs file reader (lib/procs.c,
 * bw_procs_parse()); the input is a procs_<iface>.json.  Besides what
 * the sanitizers catch, it aborts when what the reader hands on breaks
 * its promises: strings that end within their buffers and carry no
 * control byte, a valid interface name or none, rates that are NaN or
 * in [0, BW_RATE_MAX], bounded lists, an error that says why.
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

/* A pair of rates, each NaN or in [0, BW_RATE_MAX]. */
static void
rates_check(double rx, double tx)
{
	if ((!isnan(rx) && !(rx >= 0 && rx <= BW_RATE_MAX)) ||
	    (!isnan(tx) && !(tx >= 0 && tx <= BW_RATE_MAX)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_procs	 p;
	struct bw_error	 e;
	size_t		 i;

	memset(&e, 0, sizeof(e));
	if (bw_procs_parse((const char *)data, size, &p, &e) == -1) {
		fuzz_failed(&e);
		if (p.procs != NULL || p.conns != NULL)
			abort();
		return 0;
	}
	if (!(p.ts >= 0) || !isfinite(p.ts) || p.version < 1 ||
	    (p.iface[0] != '\0' && !bw_ifname_valid(p.iface)) ||
	    (!isnan(p.interval) && !(p.interval > 0)) ||
	    (!isnan(p.coverage) && !(p.coverage >= 0 && p.coverage <= 1)) ||
	    p.nprocs > BW_PROCS_MAXROWS || p.nconns > BW_PROCS_MAXROWS ||
	    (p.nconns > 0 && !p.has_conns))
		abort();
	rates_check(p.rx_bps, p.tx_bps);
	for (i = 0; i < p.nprocs; i++) {
		fuzz_str(p.procs[i].name, sizeof(p.procs[i].name));
		fuzz_str(p.procs[i].user, sizeof(p.procs[i].user));
		fuzz_str(p.procs[i].exe, sizeof(p.procs[i].exe));
		fuzz_str(p.procs[i].cmdline, sizeof(p.procs[i].cmdline));
		fuzz_str(p.procs[i].container, sizeof(p.procs[i].container));
		rates_check(p.procs[i].rx_bps, p.procs[i].tx_bps);
		if (p.procs[i].pid < 0 || (p.procs[i].kind ==
		    BW_PROC_UNATTRIBUTED && p.procs[i].pid != 0) ||
		    p.procs[i].uid < -1)
			abort();
	}
	for (i = 0; i < p.nconns; i++) {
		fuzz_str(p.conns[i].proto, sizeof(p.conns[i].proto));
		fuzz_str(p.conns[i].local, sizeof(p.conns[i].local));
		fuzz_str(p.conns[i].remote, sizeof(p.conns[i].remote));
		fuzz_str(p.conns[i].name, sizeof(p.conns[i].name));
		rates_check(p.conns[i].rx_bps, p.conns[i].tx_bps);
		if (p.conns[i].pid < 0)
			abort();
	}
	(void)bw_procs_stale(&p, p.ts + 1);
	bw_procs_free(&p);
	return 0;
}
