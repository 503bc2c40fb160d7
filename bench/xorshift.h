/*
 * The benchmarks' generators' random numbers: xorshift64, from a fixed
 * seed, so every run writes the same history.
 */
#ifndef BENCH_XORSHIFT_H
#define BENCH_XORSHIFT_H

static unsigned long long	rng = 88172645463325252ULL;

static unsigned long long
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#endif /* BENCH_XORSHIFT_H */
