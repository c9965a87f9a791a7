// SPDX-License-Identifier: GPL-2.0
/* Clocks, order statistics and CPU placement. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n-1]. */
static double pct(const double *v, int n, double p)
{
	int i = (int)(p * n + 0.999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i];
}

/* Sorts v in place. */
void stats_compute(double *v, int n, struct bench_stats *st)
{
	double sum = 0;
	int i;

	if (n <= 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	st->min = v[0];
	st->max = v[n - 1];
	st->p50 = pct(v, n, 0.50);
	st->p99 = pct(v, n, 0.99);
	st->p999 = pct(v, n, 0.999);
	st->mean = sum / n;
}

/*
 * The first two CPUs this process may run on, in cpus[0] and cpus[1]
 * (cpus[1] == cpus[0] when there is only one). Returns how many it may use.
 */
int cpu_pick(int cpus[2])
{
	cpu_set_t set;
	int c, n = 0;

	cpus[0] = cpus[1] = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	for (c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		if (n < 2)
			cpus[n] = c;
		n++;
	}
	if (n < 2)
		cpus[1] = cpus[0];
	return n ? n : 1;
}

int cpu_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}
