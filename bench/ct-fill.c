/*
 * ct-fill: fill the conntrack table of the current network namespace
 * with made-up flows, or time full dumps of it, for bench/conntrack.sh.
 * Compiled by that script into its temporary directory, not by the
 * Makefile.
 *
 * usage: ct-fill fill N [F]   insert N TCP flows, numbers F (default 0)
 *                             to F + N - 1: ESTABLISHED, 600 s to live,
 *                             between addresses of 10.216.0.0/16
 *        ct-fill clear N [F]  remove those flows again
 *        ct-fill dump [R]     dump the whole table R times (default 5),
 *                             the way bwmon v1 did at every spike
 *
 * With CT_FILL_HOSTS=H, fill's flows come from the first H of
 * bench/router.sh's host addresses, 10.216.(1 + j / 250).(1 + j % 250).
 *
 * fill prints "inserted N in S s" (clear "removed N in S s"), with the
 * failures if any; dump prints "entries E runs R min_ms X median_ms Y
 * max_ms Z", the entries of the last dump and the wall time of the
 * dumps, each a NFCT_Q_DUMP whose callback reads the tuple and the
 * counters of every entry.
 */
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#define MAX_FILL	1000000	/* so that ports stay below 65536 */
#define MAX_RUNS	100
#define SRC_HOSTS	65000	/* sources 10.216.0.1 up to 10.216.253.232 */

struct dumpctx {
	uint64_t	entries;
	uint64_t	bytes;		/* summed so the reads are not dead */
};

static void
usage(void)
{
	fprintf(stderr, "usage: ct-fill fill|clear N [first] | "
	    "ct-fill dump [runs]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		usage();
	return v;
}

static long	hosts;		/* CT_FILL_HOSTS; 0: SRC_HOSTS sources */

/*
 * Flow i: source 10.216.x.y (one of SRC_HOSTS, or of hosts), source
 * port 20000 + i / (the number of sources), so every tuple differs;
 * destination 10.216.255.1 on a port among 5000.
 */
static void
tuple(struct nf_conntrack *c, long i)
{
	long	j = hosts > 0 ? i % hosts : 0;

	nfct_set_attr_u8(c, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u32(c, ATTR_ORIG_IPV4_SRC, hosts > 0 ?
	    htonl(0x0ad80000 + (uint32_t)((1 + j / 250) << 8) +
	    (uint32_t)(1 + j % 250)) :
	    htonl(0x0ad80000 + (uint32_t)(i % SRC_HOSTS) + 1));
	nfct_set_attr_u32(c, ATTR_ORIG_IPV4_DST, htonl(0x0ad8ff01));
	nfct_set_attr_u8(c, ATTR_ORIG_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(c, ATTR_ORIG_PORT_SRC,
	    htons((uint16_t)(20000 + i / (hosts > 0 ? hosts : SRC_HOSTS))));
	nfct_set_attr_u16(c, ATTR_ORIG_PORT_DST,
	    htons((uint16_t)(1024 + i % 5000)));
}

/* Insert flows first .. first + n - 1, or with del remove them. */
static void
fill(long n, long first, int del)
{
	struct nfct_handle	*h;
	struct nf_conntrack	*c;
	const char		*m;
	double			 t0;
	long			 i, failed = 0;
	int			 firsterr = 0, rv;

	if ((m = getenv("CT_FILL_HOSTS")) != NULL && *m != '\0')
		hosts = number(m, 1, 62500);
	if (n / (hosts > 0 ? hosts : SRC_HOSTS) >= 45000)
		errx(2, "too many flows for %ld sources", hosts);

	if ((h = nfct_open(CONNTRACK, 0)) == NULL)
		err(1, "nfct_open");
	if ((c = nfct_new()) == NULL)
		err(1, "nfct_new");
	t0 = now();
	for (i = first; i < first + n; i++) {
		tuple(c, i);
		if (del)
			rv = nfct_query(h, NFCT_Q_DESTROY, c);
		else {
			/* The reply tuple is the original turned round. */
			nfct_setobjopt(c, NFCT_SOPT_SETUP_REPLY);
			nfct_set_attr_u8(c, ATTR_TCP_STATE,
			    TCP_CONNTRACK_ESTABLISHED);
			nfct_set_attr_u32(c, ATTR_TIMEOUT, 600);
			rv = nfct_query(h, NFCT_Q_CREATE, c);
		}
		if (rv == -1 && failed++ == 0)
			firsterr = errno;
	}
	printf("%s %ld in %.2f s", del ? "removed" : "inserted", n - failed,
	    now() - t0);
	if (failed > 0)
		printf(", %ld failed (first: %s)", failed, strerror(firsterr));
	printf("\n");
	nfct_destroy(c);
	(void)nfct_close(h);
}

static int
count(enum nf_conntrack_msg_type type, struct nf_conntrack *c, void *arg)
{
	struct dumpctx	*d = arg;

	(void)type;
	d->entries++;
	/* What a v1-style ranking reads of every entry. */
	(void)nfct_get_attr_u32(c, ATTR_ORIG_IPV4_SRC);
	(void)nfct_get_attr_u16(c, ATTR_ORIG_PORT_SRC);
	if (nfct_attr_is_set(c, ATTR_ORIG_COUNTER_BYTES) > 0)
		d->bytes += nfct_get_attr_u64(c, ATTR_ORIG_COUNTER_BYTES) +
		    nfct_get_attr_u64(c, ATTR_REPL_COUNTER_BYTES);
	return NFCT_CB_CONTINUE;
}

static int
cmpd(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
dump(long runs)
{
	struct nfct_handle	*h;
	struct dumpctx		 d;
	double			 ms[MAX_RUNS], t0, med;
	uint32_t		 family = AF_UNSPEC;
	long			 i;

	if ((h = nfct_open(CONNTRACK, 0)) == NULL)
		err(1, "nfct_open");
	if (nfct_callback_register(h, NFCT_T_ALL, count, &d) == -1)
		err(1, "nfct_callback_register");
	for (i = 0; i < runs; i++) {
		memset(&d, 0, sizeof(d));
		t0 = now();
		if (nfct_query(h, NFCT_Q_DUMP, &family) == -1)
			err(1, "dump");
		ms[i] = (now() - t0) * 1e3;
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmpd);
	med = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
	printf("entries %llu runs %ld min_ms %.2f median_ms %.2f max_ms %.2f\n",
	    (unsigned long long)d.entries, runs, ms[0], med, ms[runs - 1]);
	(void)nfct_close(h);
}

int
main(int argc, char *argv[])
{
	if ((argc == 3 || argc == 4) && (strcmp(argv[1], "fill") == 0 ||
	    strcmp(argv[1], "clear") == 0))
		fill(number(argv[2], 1, MAX_FILL), argc == 4 ?
		    number(argv[3], 0, MAX_FILL) : 0, argv[1][0] == 'c');
	else if ((argc == 2 || argc == 3) && strcmp(argv[1], "dump") == 0)
		dump(argc == 3 ? number(argv[2], 1, MAX_RUNS) : 5);
	else
		usage();
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
