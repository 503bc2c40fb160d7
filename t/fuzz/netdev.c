/*
 * libFuzzer harness for the /proc/net/dev parser (lib/netdev.c,
 * bw_netdev_parse()).  Besides what the sanitizers catch, it aborts when
 * the parser lists an interface with a name that is not valid, or twice,
 * or when a lookup does not find what it listed.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netdev.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_netdev	*devs;
	char			*text;
	int			 n, bad, i;

	/* The parser takes a NUL-terminated text, as bw_read_file() gives. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (bw_netdev_parse(text, &devs, &n, &bad) == -1) {
		free(text);
		return 0;
	}
	if (n < 0 || bad < 0 || (n > 0 && devs == NULL))
		abort();
	for (i = 0; i < n; i++)
		if (!bw_ifname_valid(devs[i].name) ||
		    bw_netdev_find(devs, n, devs[i].name) != &devs[i])
			abort();
	free(devs);
	free(text);
	return 0;
}
