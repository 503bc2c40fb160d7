/*
 * owners-rollup: one rollup step of the owner history, as bwprocs's
 * rollup child runs it, timed: the catch-up of the hours (full rows into
 * owners1h_) or of the local days (hours into owners1d_) that ended by
 * TO, or the daily trim.  For bench/owners-writer.sh; prints the
 * milliseconds, the periods rolled up and the peak resident size.
 *
 * usage: owners-rollup DATADIR IFACE hourly|daily|trim TO
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "util.h"

int
main(int argc, char *argv[])
{
	struct rusage	ru;
	size_t		n = 0;
	double		t0, t1;
	long long	to;
	int		rv;

	if (argc != 5) {
		fprintf(stderr, "usage: owners-rollup DATADIR IFACE "
		    "hourly|daily|trim TO\n");
		return 2;
	}
	to = atoll(argv[4]);
	t0 = bw_mono();
	if (strcmp(argv[3], "hourly") == 0)
		rv = bw_owners_catchup(argv[1], argv[2], BW_OWNERS,
		    BW_OWNERS_HOURLY, to, 20, &n);
	else if (strcmp(argv[3], "daily") == 0)
		rv = bw_owners_catchup(argv[1], argv[2], BW_OWNERS_HOURLY,
		    BW_OWNERS_DAILY, to, 20, &n);
	else if (strcmp(argv[3], "trim") == 0)
		rv = bw_owners_trim(argv[1], argv[2], (double)to, 180);
	else {
		fprintf(stderr, "owners-rollup: %s: hourly, daily or trim\n",
		    argv[3]);
		return 2;
	}
	t1 = bw_mono();
	if (rv == -1) {
		perror("owners-rollup");
		return 1;
	}
	(void)getrusage(RUSAGE_SELF, &ru);
	printf("%.1f %zu %ld\n", (t1 - t0) * 1000, n, ru.ru_maxrss);
	return 0;
}
