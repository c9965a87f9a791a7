// SPDX-License-Identifier: GPL-2.0
/*
 * Lock workloads and the two baselines.
 *
 *   lock       one process: lock+unlock pairs timed in batches of LOCK_BATCH
 *   contend    n processes (CPU i % ncpu) lock, bump the protected counter,
 *              unlock, for a common time window; ops/s, per-process shares;
 *              the counter must equal the sum of the shares (mutual
 *              exclusion held), else the row fails
 *   handoff    two processes on different CPUs take turns through the lock:
 *              each, holding it, bumps the counter when it is its turn
 *              (parity); a round trip is the lock passing there and back
 *              while both run -- the cost the adaptive spin is for
 *   syscall    getppid(), batches of LOCK_BATCH: the cheapest kernel entry
 *   cacheline  two processes bounce one shared 64-bit word (store, then spin
 *              for the answer; on one CPU the spinner yields): what any
 *              cross-process hand-off costs at the least
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/cpu_relax.h"
#include "work.h"

#define LOCK_BATCH 64
#define LINE_BATCH 16

static int lock_once(struct job *j, volatile uint64_t *ctr)
{
	int rc = j->m->lock(&j->ch);

	if (rc)
		return job_fail(j, rc, "lock");
	(*ctr)++;
	rc = j->m->unlock(&j->ch);
	return rc ? job_fail(j, rc, "unlock") : 0;
}

static int lock_worker(int side, void *arg)
{
	struct job *j = arg;
	volatile uint64_t *ctr = j->m->lock_counter(&j->ch);
	int b, i, rc = 0;
	uint64_t t0;

	(void)side;
	for (b = -1; b < j->reps && !rc; b++) {
		t0 = now_ns();
		for (i = 0; i < LOCK_BATCH && !rc; i++)
			rc = lock_once(j, ctr);
		if (b >= 0)
			j->sh->lat[b] = (double)(now_ns() - t0) / LOCK_BATCH;
	}
	if (!rc && *ctr != (uint64_t)(j->reps + 1) * LOCK_BATCH)
		return job_fail(j, 0, "protected counter");
	j->sh->checked = *ctr;
	return rc;
}

void work_lock(struct job *j)
{
	j->reps = j->prof->lock_reps / LOCK_BATCH + 1;
	job_measure(j, j->reps, 64, 1, j->row->cpus, lock_worker, job_stats);
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int contend_worker(int side, void *arg)
{
	struct job *j = arg;
	volatile uint64_t *ctr = j->m->lock_counter(&j->ch);
	uint64_t n = 0;
	int rc = 0;

	sleep_until(j->start_at);
	while (!rc) {
		rc = lock_once(j, ctr);
		n++;
		if (n % 16 == 0 && now_ns() >= j->stop_at)
			break;
	}
	j->sh->counts[side] = n;
	return rc;
}

static void contend_done(struct job *j)
{
	double secs = (double)(j->stop_at - j->start_at) / 1e9;
	uint64_t total = 0, lo = UINT64_MAX, hi = 0, c;
	int i;

	for (i = 0; i < j->row->nprocs; i++) {
		c = j->sh->counts[i];
		total += c;
		lo = c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	if (*j->m->lock_counter(&j->ch) != total) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "counter %llu != %llu acquisitions",
			 (unsigned long long)*j->m->lock_counter(&j->ch),
			 (unsigned long long)total);
		return;
	}
	for (i = 0; i < j->row->nprocs && total; i++)
		j->row->share[i] = (float)((double)j->sh->counts[i] / (double)total);
	j->row->checked = 1;
	j->row->msgs_s = (double)total / secs;
	j->row->fairness = hi ? (double)lo / (double)hi : 0;
}

void work_contend(struct job *j)
{
	int cpus[BENCH_MAX_PROCS], two[2], i, ncpu = cpu_pick(two);
	uint64_t warm = 50000000ull + 20000000ull * (uint64_t)j->row->nprocs;
	uint64_t len = (uint64_t)(j->prof->contend_s * 1e9);

	for (i = 0; i < j->row->nprocs; i++)
		cpus[i] = ncpu > 1 ? i % ncpu : -1;
	j->start_at = now_ns() + warm;
	j->stop_at = j->start_at + len;
	job_measure(j, 0, 64, j->row->nprocs, cpus, contend_worker, contend_done);
}

static int handoff_worker(int side, void *arg)
{
	struct job *j = arg;
	volatile uint64_t *ctr = j->m->lock_counter(&j->ch);
	int b, i, rc = 0;
	uint64_t t0;

	for (b = -1; b < j->reps && !rc; b++) {
		t0 = now_ns();
		for (i = 0; i < LINE_BATCH && !rc;) {
			rc = j->m->lock(&j->ch);
			if (rc)
				return job_fail(j, rc, "lock");
			if ((*ctr & 1) == (uint64_t)side) {
				(*ctr)++;
				i++;
			}
			rc = j->m->unlock(&j->ch);
			if (rc)
				return job_fail(j, rc, "unlock");
		}
		if (side == 0 && b >= 0)
			j->sh->lat[b] = (double)(now_ns() - t0) / LINE_BATCH;
	}
	if (side == 0)
		j->sh->checked = 1;
	return 0;
}

static void handoff_done(struct job *j)
{
	uint64_t want = 2ull * (uint64_t)(j->reps + 1) * LINE_BATCH;

	if (*j->m->lock_counter(&j->ch) != want) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "counter %llu != %llu turns",
			 (unsigned long long)*j->m->lock_counter(&j->ch),
			 (unsigned long long)want);
		return;
	}
	job_stats(j);
}

void work_handoff(struct job *j)
{
	j->reps = j->prof->pp_reps / LINE_BATCH + 1;
	job_measure(j, j->reps, 64, 2, j->row->cpus, handoff_worker, handoff_done);
}

static int syscall_worker(int side, void *arg)
{
	struct job *j = arg;
	int b, i;
	uint64_t t0;

	(void)side;
	for (b = -1; b < j->reps; b++) {
		t0 = now_ns();
		for (i = 0; i < LOCK_BATCH; i++)
			if (syscall(SYS_getppid) < 0)
				return job_fail(j, -errno, "getppid");
		if (b >= 0)
			j->sh->lat[b] = (double)(now_ns() - t0) / LOCK_BATCH;
	}
	j->sh->checked = 1;
	return 0;
}

void work_syscall(struct job *j)
{
	j->reps = j->prof->lock_reps / LOCK_BATCH + 1;
	job_measure(j, j->reps, 0, 1, j->row->cpus, syscall_worker, job_stats);
}

/* Wait until the line holds want; yield when both sides share a CPU. */
static void line_wait(volatile uint64_t *line, uint64_t want, int yield)
{
	while (__atomic_load_n(line, __ATOMIC_ACQUIRE) != want)
		if (yield)
			sched_yield();
		else
			ipcx_cpu_relax();
}

static int line_worker(int side, void *arg)
{
	struct job *j = arg;
	volatile uint64_t *line = &j->sh->line;
	int yield = j->row->placement == 0, b, i;
	uint64_t v = 0, t0;

	for (b = -1; b < j->reps; b++) {
		t0 = now_ns();
		for (i = 0; i < LINE_BATCH; i++, v += 2) {
			if (side == 0)
				__atomic_store_n(line, v + 1, __ATOMIC_RELEASE);
			line_wait(line, side ? v + 1 : v + 2, yield);
			if (side == 1)
				__atomic_store_n(line, v + 2, __ATOMIC_RELEASE);
		}
		if (side == 0 && b >= 0)
			j->sh->lat[b] = (double)(now_ns() - t0) / LINE_BATCH;
	}
	j->sh->checked = 1;
	return 0;
}

void work_cacheline(struct job *j)
{
	j->reps = j->prof->pp_reps;
	job_measure(j, j->reps, 0, 2, j->row->cpus, line_worker, job_stats);
}
