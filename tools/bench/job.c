// SPDX-License-Identifier: GPL-2.0
/* One row's life: shared page, mechanism setup, workers, statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work.h"

int job_fail(struct job *j, int rc, const char *what)
{
	snprintf(j->sh->note, sizeof(j->sh->note), "%s: %s", what,
		 rc < 0 ? strerror(-rc) : "mismatch");
	return rc ? rc : -1;
}

/* A message buffer big enough for the largest message of this job. */
void *job_buf(struct job *j)
{
	size_t len = j->ch.max_msg > j->size ? j->ch.max_msg : j->size;
	void *p = aligned_alloc(64, (len + 63) / 64 * 64 + 64);

	if (p)
		memset(p, 0, len);
	return p;
}

static int job_open(struct job *j, int samples)
{
	j->sh_len = sizeof(*j->sh) + (size_t)samples * sizeof(double);
	j->sh = shared_alloc(j->sh_len);
	if (!j->sh) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "no memory for results");
		return -ENOMEM;
	}
	return 0;
}

static void job_close(struct job *j)
{
	shared_free(j->sh, j->sh_len);
	j->sh = NULL;
}

static int job_setup(struct job *j, size_t max_msg, int nprocs)
{
	int rc;

	memset(&j->ch, 0, sizeof(j->ch));
	j->ch.max_msg = max_msg;
	j->ch.nprocs = nprocs;
	rc = j->m->setup(&j->ch);
	if (rc) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "setup: %s", strerror(-rc));
	}
	return rc;
}

static void job_teardown(struct job *j)
{
	if (j->m->teardown)
		j->m->teardown(&j->ch);
}

static int job_run(struct job *j, int n, const int *cpus, worker_fn fn)
{
	char why[96] = "";
	int rc = run_workers(n, cpus, fn, j, j->prof->timeout_s, why, sizeof(why));

	j->interrupted = rc == -EINTR;
	if (rc) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "%s",
			 j->sh->note[0] && !j->interrupted ? j->sh->note : why);
		return -1;
	}
	j->row->status = ST_OK;
	j->row->checked = j->sh->checked > 0;
	return 0;
}

void job_stats(struct job *j)
{
	stats_compute(j->sh->lat, j->reps, &j->row->lat);
}

/*
 * Measure one row: a result page with room for `samples` latencies, the
 * mechanism set up for max_msg bytes (baselines have none), n workers on
 * cpus, then done() to turn the page into the row while it still exists.
 */
void job_measure(struct job *j, int samples, size_t max_msg, int n, const int *cpus,
		 worker_fn fn, void (*done)(struct job *j))
{
	if (job_open(j, samples))
		return;
	if (!j->m || !job_setup(j, max_msg, n)) {
		if (!job_run(j, n, cpus, fn) && done)
			done(j);
		if (j->m)
			job_teardown(j);
	}
	job_close(j);
}

int reps_for(int reps, size_t size)
{
	long r = reps;

	if (size > 4096)
		r = (long)reps * 4096 / (long)size;
	if (r < 20)
		r = reps < 20 ? reps : 20;
	return (int)r;
}
