/*
 * bench/stats — timing and order statistics shared by the bench programs.
 *
 * Invariants:
 *  1. Times come from CLOCK_MONOTONIC, in nanoseconds.
 *  2. Percentiles are nearest-rank over the sorted samples (p50 = median);
 *     the input array is sorted in place.
 */
#ifndef KHIDMA_BENCH_STATS_H
#define KHIDMA_BENCH_STATS_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t bs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int bs_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (0..100, nearest rank) of v[0..n); sorts v. */
static inline double bs_pct(double *v, int n, double p)
{
	int k;

	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, bs_cmp);
	k = (int)(p / 100.0 * n + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}

#endif
