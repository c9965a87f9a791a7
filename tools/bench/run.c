// SPDX-License-Identifier: GPL-2.0
/*
 * The run: baselines first, then every selected mechanism through every
 * workload its caps allow. Latency rows come in both placements (same CPU,
 * different CPUs) when the process may use more than one CPU.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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
	int counting;		/* a dry pass: count the steps, measure nothing */
	int steps;		/* what the dry pass counted */
	struct bench_progress bar;
	char why[BENCH_MAX_MECHS][96];	/* mech_table[i] unavailable: why, else "" */
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

static int by_key(const void *a, const void *b)
{
	double x = row_key(a), y = row_key(b);

	return x < y ? -1 : x > y;
}

/*
 * Run a row `runs` times (a fresh setup each time) and keep the median run
 * by its key figure, with the spread of that figure over the runs, so that
 * a reader can tell a difference between mechanisms from noise. A failed
 * run makes the row that run.
 */
static void run_repeated(struct plan *p, const struct bench_mech *m, struct bench_row *row,
			 work_fn fn, int runs)
{
	struct bench_row tries[BENCH_MAX_REPEATS];
	double lo, hi, mid;
	struct job j;
	int i;

	for (i = 0; i < runs && !p->stop; i++) {
		memset(&j, 0, sizeof(j));
		tries[i] = *row;
		j.m = m;
		j.prof = p->o->prof;
		j.size = row->size;
		j.row = &tries[i];
		fn(&j);
		p->stop = j.interrupted;
		if (tries[i].status != ST_OK) {
			*row = tries[i];
			return;
		}
	}
	if (!i)
		return;
	qsort(tries, (size_t)i, sizeof(tries[0]), by_key);
	*row = tries[i / 2];
	row->repeats = i;
	lo = row_key(&tries[0]);
	hi = row_key(&tries[i - 1]);
	mid = row_key(row);
	row->spread = i > 1 && mid > 0 ? (hi - lo) / mid : 0;
}

/* Is workload w in --work's comma-separated list (baselines always are)? */
static int work_wanted(const struct plan *p, enum bench_work w)
{
	const char *name = work_name(w), *s = p->o->work;
	size_t n = strlen(name);

	if (!s || w == W_BASE)
		return 1;
	while (*s) {
		if (!strncmp(s, name, n) && (s[n] == ',' || !s[n]))
			return 1;
		s += strcspn(s, ",");
		s += *s == ',';
	}
	return 0;
}

static void measure(struct plan *p, const struct bench_mech *m, const char *name,
		    enum bench_work w, int placement, size_t size, work_fn fn)
{
	struct bench_row *row;
	char what[64];
	int runs = w == W_CONTEND ? 1 : p->o->prof->repeats;

	if (!work_wanted(p, w))
		return;
	if (p->counting) {
		p->steps++;
		return;
	}
	if (p->stop || (p->stop = signals_pending()))
		return;
	row = new_row(p, name, w, placement);
	if (!row)
		return;
	row->size = size;
	snprintf(what, sizeof(what), "%s %s %zu", name, work_name(w), size);
	progress_step(&p->bar, what);
	run_repeated(p, m, row, fn, runs < 1 ? 1 : runs > BENCH_MAX_REPEATS ? BENCH_MAX_REPEATS : runs);
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

/* Owner death (death.c): 1 and 4 waiters, quiet and beside thread churn. */
static void death_rows(struct plan *p, const struct bench_mech *m)
{
	static const int waiters[] = { 1, 4 };
	unsigned int i;
	int churn;

	for (churn = 0; churn < 2; churn++)
		for (i = 0; i < sizeof(waiters) / sizeof(waiters[0]); i++) {
			p->nprocs = waiters[i];
			measure(p, m, m->name, churn ? W_DEATH_CHURN : W_DEATH, -1, 0, work_death);
		}
	p->nprocs = 0;
}

/* A row that says why a mechanism, or one of its sizes, was not measured. */
static void not_measured(struct plan *p, const struct bench_mech *m, enum bench_work w,
			 size_t size, enum bench_status st, const char *why)
{
	struct bench_row *r;

	if (p->counting) {
		p->steps++;
		return;
	}
	r = new_row(p, m->name, w, -1);
	if (!r)
		return;
	r->status = st;
	r->size = size;
	snprintf(r->note, sizeof(r->note), "%s", why);
	progress_step(&p->bar, m->name);
}

static void message_rows(struct plan *p, const struct bench_mech *m, enum bench_work w,
			 work_fn fn, int places)
{
	size_t limit = m->msg_limit ? m->msg_limit() : 0;
	const size_t *s;
	int pl;

	for (s = p->o->prof->sizes; *s; s++) {
		if (limit && *s > limit) {
			char why[64];

			snprintf(why, sizeof(why), "larger than its largest message, %zu bytes",
				 limit);
			not_measured(p, m, w, *s, ST_SKIPPED, why);
		} else
			for (pl = 0; pl < places; pl++)
				measure(p, m, m->name, w, places == 1 ? 1 : pl, *s, fn);
	}
}

static void one_mech(struct plan *p, const struct bench_mech *m, const char *why)
{
	int pl;

	if (*why) {
		not_measured(p, m, W_PINGPONG, 0, ST_UNAVAILABLE, why);
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
	if (death_supported(m))
		death_rows(p, m);
}

/* Selected by --only, or the baseline the ratios need. */
static int wanted(const struct plan *p, const struct bench_mech *m)
{
	return mech_selected(m, p->o->only) || !strcmp(m->name, p->o->baseline);
}

int bench_run_all(const struct bench_opts *o, struct bench_results *res)
{
	struct plan p = { .o = o, .res = res };
	sigset_t old;
	int i;

	p.stop = signals_block(&old);
	p.ncpu = cpu_pick(p.cpus);
	p.nplace = p.ncpu > 1 ? 2 : 1;
	for (i = 0; mech_table[i] && i < BENCH_MAX_MECHS; i++)
		if (wanted(&p, mech_table[i]) && mech_table[i]->available)
			mech_table[i]->available(p.why[i], sizeof(p.why[i]));
	/* the same plan twice: counting the steps for the progress bar, then
	 * measuring them */
	for (p.counting = 1; p.counting >= 0; p.counting--) {
		if (!p.counting)
			progress_start(&p.bar, o->progress, p.steps);
		baselines(&p);
		for (i = 0; mech_table[i] && i < BENCH_MAX_MECHS; i++)
			if (wanted(&p, mech_table[i]))
				one_mech(&p, mech_table[i], p.why[i]);
	}
	progress_end(&p.bar);
	p.stop |= signals_pending();
	sigprocmask(SIG_SETMASK, &old, NULL);	/* a pending signal ends us here */
	return p.stop ? -EINTR : 0;
}
