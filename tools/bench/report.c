// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal table. Ratios compare rows of this run only: against the
 * baseline mechanism at the same workload, size and placement (×BASE),
 * against one getppid() (×sys) and one cross-CPU cache-line round trip
 * (×line).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* the cross-CPU cache-line row, or the only one there is */
static const struct bench_row *line_row(const struct bench_results *res)
{
	const struct bench_row *r = results_find(res, "cacheline", W_BASE, 0, 1);

	return r ? r : results_find(res, "cacheline", W_BASE, 0, -1);
}

static void place_str(const struct bench_row *r, char *buf, size_t len)
{
	if (r->placement < 0)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "cpu%d+%d", r->cpus[0], r->cpus[1]);
}

struct tctx {
	FILE *f;
	const struct bench_results *res;
	const char *base;
	double sys, line;	/* p50 of the two baselines */
};

static void ratio(FILE *f, double num, double den)
{
	if (num > 0 && den > 0)
		fprintf(f, " %7.2f", num / den);
	else
		fprintf(f, " %7s", "-");
}

/* x base, with '~' when the difference is within the rows' spread */
static void base_ratio(struct tctx *t, const struct bench_row *r)
{
	int noise;
	double x = row_ratio(t->res, r, t->base, &noise);

	if (x > 0)
		fprintf(t->f, " %6.2f%c", x, noise ? '~' : ' ');
	else
		fprintf(t->f, " %7s", "-");
}

/* the spread of the key figure over the row's runs, in percent */
static void spread(FILE *f, const struct bench_row *r)
{
	if (r->repeats > 1)
		fprintf(f, " %5.0f%%", 100 * r->spread);
	else
		fprintf(f, " %6s", "-");
}

static int failed(FILE *f, const struct bench_row *r)
{
	if (r->status == ST_OK)
		return 0;
	fprintf(f, "  %-15s %7zu  %s: %s\n", r->mech, r->size, status_name(r->status), r->note);
	return 1;
}

static void head(FILE *f, const char *title, const char *cols)
{
	fprintf(f, "\n%s\n  %s\n", title, cols);
}


static const char *size_str(const struct bench_row *r, char *buf, size_t len)
{
	if (r->size)
		snprintf(buf, len, "%zu", r->size);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void lat_row(struct tctx *t, const struct bench_row *r, int pct999)
{
	char pl[16], sz[24];

	place_str(r, pl, sizeof(pl));
	fprintf(t->f, "  %-15s %7s %-7s %9.0f %9.0f", r->mech, size_str(r, sz, sizeof(sz)), pl,
		r->lat.p50, r->lat.p99);
	if (pct999)
		fprintf(t->f, " %9.0f", r->lat.p999);
	fprintf(t->f, " %9.0f %9.0f", r->lat.min, r->lat.max);
	if (pct999) {
		/* ping-pong: against the cache line, like with like (batched) */
		if (r->batch_ns > 0)
			fprintf(t->f, " %9.0f", r->batch_ns);
		else
			fprintf(t->f, " %9s", "-");
	}
	spread(t->f, r);
	base_ratio(t, r);
	ratio(t->f, r->lat.p50, t->sys);
	ratio(t->f, pct999 && r->batch_ns > 0 ? r->batch_ns : r->lat.p50, t->line);
	fputc('\n', t->f);
}

static void tp_row(struct tctx *t, const struct bench_row *r)
{
	char pl[16];
	const struct bench_row *mc = results_find(t->res, "memcpy", r->work, r->size, r->placement);

	place_str(r, pl, sizeof(pl));
	fprintf(t->f, "  %-15s %7zu %-7s %12.0f %8.3f", r->mech, r->size, pl, r->msgs_s, r->gb_s);
	spread(t->f, r);
	base_ratio(t, r);
	ratio(t->f, r->msgs_s, mc ? mc->msgs_s : 0);
	fputc('\n', t->f);
}

static void contend_row(struct tctx *t, const struct bench_row *r)
{
	int i;

	fprintf(t->f, "  %-15s %5d %12.0f %9.2f", r->mech, r->nprocs, r->msgs_s, r->fairness);
	ratio(t->f, 1e9 / (r->msgs_s > 0 ? r->msgs_s : 1e300), t->sys);
	fputs("   ", t->f);
	for (i = 0; i < r->nprocs && i < 8; i++)
		fprintf(t->f, "%s%.0f", i ? "/" : "", 100.0 * r->share[i]);
	fputs(r->nprocs > 8 ? "/...\n" : "\n", t->f);
}

/* Print every row of workload w with fn; failed rows say why. */
static void section(struct tctx *t, enum bench_work w, void (*fn)(struct tctx *,
							      const struct bench_row *))
{
	int i;

	for (i = 0; i < t->res->n; i++) {
		const struct bench_row *r = &t->res->rows[i];

		if (r->work != w || r->status == ST_UNAVAILABLE || r->status == ST_SKIPPED)
			continue;
		if (!failed(t->f, r))
			fn(t, r);
	}
}

static void lat3(struct tctx *t, const struct bench_row *r)
{
	lat_row(t, r, 1);
}

static void lat2(struct tctx *t, const struct bench_row *r)
{
	lat_row(t, r, 0);
}

static void machine_line(FILE *f, const struct bench_machine *m, const struct bench_opts *o)
{
	fprintf(f, "ipcx-bench: profile %s, baseline %s\n", o->prof->name, o->baseline);
	fprintf(f, "machine: %s %s %s | %s | %ld CPUs | hypervisor: %s\n", m->sysname,
		m->release, m->machine, m->cpu, m->nproc, m->virt);
	fprintf(f, "times in ns; spread: (max - min) / median of the row's key figure (p50, or\n"
		"msgs/s) over its runs, the median run shown; x base: this row / %s's row at\n"
		"the same size and placement, '~' when the difference is within the spread\n"
		"(latency: >1 is slower; throughput: >1 is faster);\n"
		"x sys: p50 / one getppid(); x line: p50 / one cross-CPU cache-line round trip\n"
		"(ping-pong: batch / it; batch: p50 of the mean round trip over batches of 20\n"
		"timed as one, as the cache-line row is, without a clock read per round trip);\n"
		"x mcpy: throughput / one process's memcpy+check of the same messages. "
		"Compare within one run only.\n", o->baseline);
}

static void unavailable_list(FILE *f, const struct bench_results *res)
{
	int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_row *r = &res->rows[i];

		if (r->status == ST_UNAVAILABLE)
			fprintf(f, "\nunavailable: %s (%s)", r->mech, r->note);
		else if (r->status == ST_SKIPPED)
			fprintf(f, "\nnot measured: %s %s %zu bytes (%s)", r->mech,
				work_name(r->work), r->size, r->note);
	}
	fputc('\n', f);
}

void report_table(FILE *f, const struct bench_results *res, const struct bench_machine *m,
		  const struct bench_opts *o)
{
	const struct bench_row *sys = results_find(res, "syscall", W_BASE, 0, 0);
	const struct bench_row *line = line_row(res);
	struct tctx t = { f, res, o->baseline, 0, 0 };

	sys = sys ? sys : results_find(res, "syscall", W_BASE, 0, -1);
	t.sys = sys ? sys->lat.p50 : 0;
	t.line = line ? line->lat.p50 : 0;
	machine_line(f, m, o);
	head(f, "baselines (ns per call / per round trip)",
	     "name               size place         p50       p99       min       max"
	     " spread  x base   x sys  x line");
	section(&t, W_BASE, lat2);
	head(f, "ping-pong round trip, ns",
	     "mechanism          size place         p50       p99     p99.9       min       max"
	     "     batch spread  x base   x sys  x line");
	section(&t, W_PINGPONG, lat3);
	head(f, "one-way throughput (receiver checks every byte)",
	     "mechanism          size place         msgs/s     GB/s spread  x base  x mcpy");
	section(&t, W_THROUGHPUT, tp_row);
	head(f, "wake-up latency of a sleeping receiver (8-byte message), ns",
	     "mechanism          size place         p50       p99       min       max"
	     " spread  x base   x sys  x line");
	section(&t, W_WAKE, lat2);
	head(f, "uncontended lock+unlock, ns per pair",
	     "mechanism          size place         p50       p99       min       max"
	     " spread  x base   x sys  x line");
	section(&t, W_LOCK, lat2);
	head(f, "lock hand-off round trip: two processes take turns through the lock, ns",
	     "mechanism          size place         p50       p99       min       max"
	     " spread  x base   x sys  x line");
	section(&t, W_HANDOFF, lat2);
	head(f, "contended lock: processes loop lock; counter++; unlock",
	     "mechanism       procs        ops/s  fairness   x sys   shares %");
	section(&t, W_CONTEND, contend_row);
	death_report(f, res);
	unavailable_list(f, res);
}
