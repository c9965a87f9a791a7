/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the workload files share: a job (one row being measured) and the
 * page the workers report through. The supervisor owns the job; workers
 * get a copy-on-write view of it and write only into job->sh.
 */
#ifndef IPCX_BENCH_WORK_H
#define IPCX_BENCH_WORK_H

#include "bench.h"

struct shared_page {
	uint64_t t_start, t_end;	/* measured interval, CLOCK_MONOTONIC */
	uint64_t checked;		/* payloads / acquisitions verified */
	uint64_t counts[BENCH_MAX_PROCS];
	_Alignas(64) volatile uint64_t line;	/* cache-line ping-pong */
	char note[96];			/* a worker's reason for failing */
	double lat[];			/* samples, ns */
};

struct job {
	const struct bench_mech *m;
	struct bench_chan ch;
	const struct bench_profile *prof;
	struct bench_row *row;
	size_t size;
	int reps, warmup;
	struct shared_page *sh;
	size_t sh_len;
	uint64_t start_at, stop_at;	/* contended runs: the common window */
	int interrupted;		/* SIGINT/SIGTERM arrived: stop the run */
	/* message workloads: what side 0 and side 1 do (buffers of max size) */
	int (*role[2])(struct job *j, void *buf, void *rbuf);
};

/* worker helpers */
int job_fail(struct job *j, int rc, const char *what);
void *job_buf(struct job *j);

/* supervisor: measure one row (see job.c); job_stats: latencies of j->reps */
void job_measure(struct job *j, int samples, size_t max_msg, int n, const int *cpus,
		 worker_fn fn, void (*done)(struct job *j));
void job_stats(struct job *j);

/* the workloads: each fills one row */
void work_pingpong(struct job *j);
void work_throughput(struct job *j);
void work_memcpy(struct job *j);
void work_wake(struct job *j);
void work_lock(struct job *j);
void work_contend(struct job *j);
void work_handoff(struct job *j);
void work_syscall(struct job *j);
void work_cacheline(struct job *j);
void work_death(struct job *j);

/* repetitions for a message size: fewer for big messages */
int reps_for(int reps, size_t size);

#endif
