/*
 * libFuzzer harness for the readers of a router's host files
 * (lib/hosts.c): the input is a hosts_<iface>.json for
 * bw_lanhosts_parse(), and each of its lines a row of the host history for
 * bw_hostrow_owner().  Besides what the sanitizers catch, it aborts when
 * what the readers hand on breaks their promises: devices with an id,
 * at most BW_LANHOSTS_MAXROWS of them and BW_LANHOST_ADDRS addresses each,
 * rates absent or in [0, BW_RATE_MAX], no control character in a
 * string, /metrics' ranking summing to every device's bytes; rows with
 * an interval, an id and a name to show.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "procs.h"
#include "check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_rank(const struct bw_lanhosts *h, int rx)
{
	size_t		idx[8], n, i;
	uint64_t	other, all = 0, got;

	for (i = 0; i < h->n; i++)
		all += rx ? h->v[i].rx : h->v[i].tx;
	n = bw_lanhosts_rank(h, rx, 8, idx, &other);
	if (n > 8 || n > h->n)
		abort();
	got = other;
	for (i = 0; i < n; i++) {
		if (idx[i] >= h->n || (i > 0 && (rx ? h->v[idx[i]].rx >
		    h->v[idx[i - 1]].rx : h->v[idx[i]].tx >
		    h->v[idx[i - 1]].tx)))
			abort();
		got += rx ? h->v[idx[i]].rx : h->v[idx[i]].tx;
	}
	if (got != all)
		abort();
}

static void
check_rows(const char *p, size_t size)
{
	struct bw_owner	 o;
	const char	*end = p + size, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (bw_hostrow_owner(p, (size_t)(nl - p), &o) == -1) {
			if (errno != EBADMSG)
				abort();
			continue;
		}
		if (o.ts < 0 || o.len <= 0 || o.len > 31 * 86400 ||
		    o.prog[0] == '\0' || o.host[0] == '\0')
			abort();
		fuzz_str(o.prog, sizeof(o.prog));
		fuzz_str(o.host, sizeof(o.host));
		/* The ids the device had: words, none empty. */
		fuzz_str(o.was, sizeof(o.was));
		if (o.was[0] == ' ' || strstr(o.was, "  ") != NULL ||
		    (o.was[0] != '\0' && o.was[strlen(o.was) - 1] == ' '))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_lanhosts	 h;
	struct bw_error	 e;
	size_t		 i, k;

	check_rows((const char *)data, size);
	memset(&e, 0, sizeof(e));
	if (bw_lanhosts_parse((const char *)data, size, &h, &e) == -1) {
		fuzz_failed(&e);
		return 0;
	}
	if (!(h.ts >= 0) || !isfinite(h.ts) || h.n > BW_LANHOSTS_MAXROWS ||
	    (h.iface[0] != '\0' && !bw_ifname_valid(h.iface)) ||
	    (!isnan(h.interval) && !(h.interval >= 0)) ||
	    h.offload_counted < -1 || h.offload_counted > 1)
		abort();
	fuzz_str(h.source, sizeof(h.source));
	fuzz_str(h.offload, sizeof(h.offload));
	for (i = 0; i < h.n; i++) {
		if (h.v[i].id[0] == '\0' || h.v[i].naddrs > BW_LANHOST_ADDRS ||
		    (!isnan(h.v[i].rx_bps) && !(h.v[i].rx_bps >= 0 &&
		    h.v[i].rx_bps <= BW_RATE_MAX)) ||
		    (!isnan(h.v[i].tx_bps) && !(h.v[i].tx_bps >= 0 &&
		    h.v[i].tx_bps <= BW_RATE_MAX)) ||
		    bw_lanhost_label(&h.v[i])[0] == '\0')
			abort();
		fuzz_str(h.v[i].id, sizeof(h.v[i].id));
		fuzz_str(h.v[i].name, sizeof(h.v[i].name));
		fuzz_str(h.v[i].mac, sizeof(h.v[i].mac));
		for (k = 0; k < h.v[i].naddrs; k++)
			fuzz_str(h.v[i].addrs[k], sizeof(h.v[i].addrs[k]));
	}
	check_rank(&h, 1);
	check_rank(&h, 0);
	(void)bw_lanhosts_stale(&h, h.ts + 1);
	bw_lanhosts_free(&h);
	return 0;
}
