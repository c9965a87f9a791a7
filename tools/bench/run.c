// SPDX-License-Identifier: GPL-2.0
/*
 * The run: baselines first, then every selected mechanism through every
 * workload its caps allow. Latency rows come in both placements (same CPU,
 * different CPUs) when the process may use more than one CPU.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "work.h"

struct plan {
	const struct bench_opts *o;
	struct bench_results *res;
	int cpus[2];		/* the two CPUs placements use */
	int ncpu;
	int nplace;		/* 2 placements, or 1 (unpinned) on one CPU */
	int nprocs;		/* processes for the next contended row */
	int stop;		/* interrupted: measure nothing more */
	struct bench_progress bar;
};

static struct bench_row *new_row(struct plan *p, const char *mech, enum bench_work w,
				 int placement)
{
	struct bench_row *r = results_add(p->res);

	if (!r)
		return NULL;
	r->mech = mech;
	r->work = w;
	r->status = ST_SKIPPED;
	r->placement = p->nplace == 1 || placement < 0 ? -1 : placement;
	r->cpus[0] = r->placement < 0 ? -1 : p->cpus[0];
	r->cpus[1] = r->placement < 0 ? -1 : p->cpus[placement];
	r->nprocs = p->nprocs;
	return r;
}

typedef void (*work_fn)(struct job *j);

static void measure(struct plan *p, const struct bench_mech *m, const char *name,
		    enum bench_work w, int placement, size_t size, work_fn fn)
{
	struct job j;
	char what[64];

	if (p->stop || (p->stop = signals_pending()))
		return;
	memset(&j, 0, sizeof(j));
	j.m = m;
	j.prof = p->o->prof;
	j.size = size;
	j.row = new_row(p, name, w, placement);
	if (!j.row)
		return;
	j.row->size = size;
	snprintf(what, sizeof(what), "%s %s %zu", name, work_name(w), size);
	progress_step(&p->bar, what);
	fn(&j);
	p->stop = j.interrupted;
}

static void baselines(struct plan *p)
{
	const size_t *s;
	int pl;

	measure(p, NULL, "syscall", W_BASE, 0, 0, work_syscall);
	for (pl = 0; pl < p->nplace; pl++)
		measure(p, NULL, "cacheline", W_BASE, p->nplace - 1 - pl, 0, work_cacheline);
	/* one process, pinned like the throughput receivers */
	for (s = p->o->prof->sizes; *s; s++)
		measure(p, NULL, "memcpy", W_THROUGHPUT, 1, *s, work_memcpy);
}

static void contended(struct plan *p, const struct bench_mech *m)
{
	int n, full = p->o->prof->contend_s >= 1.0;
	int max = 2 * p->ncpu > BENCH_MAX_PROCS ? BENCH_MAX_PROCS : 2 * p->ncpu;

	for (n = 1; n <= max; n++) {
		if (!full && n != 1 && n != p->ncpu && n != max)
			continue;
		p->nprocs = n;
		measure(p, m, m->name, W_CONTEND, -1, 0, work_contend);
	}
	p->nprocs = 0;
}

static void message_rows(struct plan *p, const struct bench_mech *m, enum bench_work w,
			 work_fn fn, int places)
{
	size_t limit = m->msg_limit ? m->msg_limit() : 0;
	const size_t *s;
	int pl;

	for (s = p->o->prof->sizes; *s; s++) {
		if (limit && *s > limit)
			continue;
		for (pl = 0; pl < places; pl++)
			measure(p, m, m->name, w, places == 1 ? 1 : pl, *s, fn);
	}
}

static void unavailable(struct plan *p, const struct bench_mech *m, const char *why)
{
	struct bench_row *r = new_row(p, m->name, W_PINGPONG, 0);

	if (!r)
		return;
	r->status = ST_UNAVAILABLE;
	snprintf(r->note, sizeof(r->note), "%s", why);
	progress_step(&p->bar, m->name);
}

static void one_mech(struct plan *p, const struct bench_mech *m)
{
	char why[96] = "";
	int pl;

	if (m->available && m->available(why, sizeof(why))) {
		unavailable(p, m, why);
		return;
	}
	if (m->caps & CAP_MSG)
		message_rows(p, m, W_PINGPONG, work_pingpong, p->nplace);
	if (m->caps & CAP_BULK)
		message_rows(p, m, W_THROUGHPUT, work_throughput, 1);
	for (pl = 0; (m->caps & CAP_MSG) && pl < p->nplace; pl++)
		measure(p, m, m->name, W_WAKE, pl, 8, work_wake);
	if (m->caps & CAP_LOCK) {
		measure(p, m, m->name, W_LOCK, 0, 0, work_lock);
		if (p->nplace > 1)	/* a hand-off to a holder running elsewhere */
			measure(p, m, m->name, W_HANDOFF, 1, 0, work_handoff);
		contended(p, m);
	}
}

/* Selected by --only, or the baseline the ratios need. */
static int wanted(const struct plan *p, const struct bench_mech *m)
{
	return mech_selected(m, p->o->only) || !strcmp(m->name, p->o->baseline);
}

/* A rough count of rows, for the progress bar. */
static int count_steps(const struct plan *p)
{
	int i, n = 1 + p->nplace, sizes = 0;

	while (p->o->prof->sizes[sizes])
		sizes++;
	for (i = 0; mech_table[i]; i++)
		if (wanted(p, mech_table[i]))
			n += sizes * (p->nplace + 1) + p->nplace + 4;
	return n;
}

int bench_run_all(const struct bench_opts *o, struct bench_results *res)
{
	struct plan p = { .o = o, .res = res };
	sigset_t old;
	int i;

	p.stop = signals_block(&old);
	p.ncpu = cpu_pick(p.cpus);
	p.nplace = p.ncpu > 1 ? 2 : 1;
	progress_start(&p.bar, o->progress, count_steps(&p));
	baselines(&p);
	for (i = 0; mech_table[i]; i++)
		if (wanted(&p, mech_table[i]))
			one_mech(&p, mech_table[i]);
	progress_end(&p.bar);
	p.stop |= signals_pending();
	sigprocmask(SIG_SETMASK, &old, NULL);	/* a pending signal ends us here */
	return p.stop ? -EINTR : 0;
}
