// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-bench: compare shared-memory and message mechanisms on this machine
 * (natively or in the VM). See --help, and README "Benchmarks: how to read
 * the numbers".
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static const struct bench_profile profiles[] = {
	{ .name = "smoke", .sizes = { 64, 4096 }, .pp_reps = 200, .warmup = 20,
	  .tp_bytes = 4 << 20, .tp_max_msgs = 2000, .lock_reps = 20000, .contend_s = 0.05,
	  .wake_reps = 20, .timeout_s = 30, .repeats = 3, .death_rounds = 8 },
	{ .name = "quick", .sizes = { 8, 4096, 65536 }, .pp_reps = 1000, .warmup = 50,
	  .tp_bytes = 16 << 20, .tp_max_msgs = 20000, .lock_reps = 50000, .contend_s = 0.2,
	  .wake_reps = 50, .timeout_s = 60, .repeats = 5, .death_rounds = 12 },
	{ .name = "full", .sizes = { 8, 64, 512, 4096, 32768, 262144, 1 << 20 },
	  .pp_reps = 10000, .warmup = 1000, .tp_bytes = 1ull << 30, .tp_max_msgs = 200000,
	  .lock_reps = 1000000, .contend_s = 1.0, .wake_reps = 500, .timeout_s = 300, .repeats = 7,
	  .death_rounds = 200 },
};

static void usage(FILE *f)
{
	fputs("usage: ipcx-bench [--quick | --full | --smoke] [--only NAME,...] [--baseline NAME]\n"
	      "                  [--json[=FILE]] [--csv[=FILE]] [--plots DIR] [--list]\n"
	      "                  [--work W,...] [--death-rounds N]\n"
	      "  --quick      a few sizes, short runs (default; the README's main command)\n"
	      "  --full       8 B .. 1 MiB, long runs, every process count\n"
	      "  --smoke      shortest runs, for make check\n"
	      "  --only L     only the mechanisms in the comma-separated list L\n"
	      "  --baseline N the mechanism ratios are taken against (default pipe;\n"
	      "               always measured, even when --only leaves it out)\n"
	      "  --json, --csv  machine-readable results: to FILE, or instead of the table\n"
	      "  --plots DIR  write latency.svg, throughput.svg, locks.svg (needs gnuplot)\n"
	      "  --list       list the mechanisms and whether they are available here\n"
	      "  --work W     only the workloads in the comma-separated list W (pingpong,\n"
	      "               throughput, wakeup, lock, handoff, contended, death,\n"
	      "               death-churn); the baselines always run\n"
	      "  --death-rounds N  holders killed per owner-death run (default: the profile's)\n",
	      f);
}

static void list(void)
{
	char why[96];
	int i;

	for (i = 0; mech_table[i]; i++) {
		const struct bench_mech *m = mech_table[i];
		int rc;

		why[0] = 0;
		rc = m->available ? m->available(why, sizeof(why)) : 0;
		printf("%-15s %-15s %-11s %s%s%s\n", m->name, m->family,
		       rc ? "unavailable" : "available", m->desc, rc ? ": " : "", why);
	}
}

static const struct bench_profile *profile(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

/* Parse argv into o; returns -1 to exit with status 2, 1 to exit 0. */
static int parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lopts[] = {
		{ "quick", no_argument, NULL, 'q' }, { "full", no_argument, NULL, 'f' },
		{ "smoke", no_argument, NULL, 's' }, { "only", required_argument, NULL, 'o' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "json", optional_argument, NULL, 'j' }, { "csv", optional_argument, NULL, 'c' },
		{ "plots", required_argument, NULL, 'p' }, { "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' }, { "death-rounds", required_argument, NULL, 'd' },
		{ "work", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench_profile custom;
	char bad[64], *end;
	long rounds = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'q': o->prof = profile("quick"); break;
		case 'f': o->prof = profile("full"); break;
		case 's': o->prof = profile("smoke"); break;
		case 'o': o->only = optarg; break;
		case 'b': o->baseline = optarg; break;
		case 'j': o->json = optarg ? optarg : "-"; break;
		case 'c': o->csv = optarg ? optarg : "-"; break;
		case 'p': o->plots = optarg; break;
		case 'l': list(); return 1;
		case 'h': usage(stdout); return 1;
		case 'w': o->work = optarg; break;
		case 'd':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > 100000) {
				fprintf(stderr, "ipcx-bench: --death-rounds: 1 to 100000\n");
				return -1;
			}
			break;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc || !mech_find(o->baseline)) {
		fprintf(stderr, "ipcx-bench: %s\n", optind < argc ? "unexpected argument" :
			"--baseline names no mechanism (see --list)");
		return -1;
	}
	if (rounds) {
		custom = *o->prof;
		custom.death_rounds = (int)rounds;
		o->prof = &custom;
	}
	if (mech_check_list(o->only, bad, sizeof(bad))) {
		fprintf(stderr, "ipcx-bench: --only: no mechanism '%s' (see --list)\n", bad);
		return -1;
	}
	return 0;
}

typedef int (*writer_fn)(FILE *f, const struct bench_results *res,
			 const struct bench_machine *m, const struct bench_opts *o);

static int json_writer(FILE *f, const struct bench_results *res,
		       const struct bench_machine *m, const struct bench_opts *o)
{
	return report_json(f, res, m, o);
}

static int csv_writer(FILE *f, const struct bench_results *res,
		      const struct bench_machine *m, const struct bench_opts *o)
{
	(void)o;
	return report_csv(f, res, m);
}

/* Write with fn to path ("-": stdout). */
static int write_to(const char *path, writer_fn fn, const struct bench_results *res,
		    const struct bench_machine *m, const struct bench_opts *o)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int rc;

	if (!f) {
		perror(path);
		return -1;
	}
	rc = fn(f, res, m, o);
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "ipcx-bench: writing %s failed\n", path);
	return rc;
}

static int outputs(const struct bench_results *res, const struct bench_machine *m,
		   const struct bench_opts *o)
{
	int rc = 0;

	if ((!o->json || strcmp(o->json, "-")) && (!o->csv || strcmp(o->csv, "-")))
		report_table(stdout, res, m, o);
	if (o->json && write_to(o->json, json_writer, res, m, o))
		rc = -1;
	if (o->csv && write_to(o->csv, csv_writer, res, m, o))
		rc = -1;
	if (o->plots && plots_write(o->plots, res, m)) {
		fprintf(stderr, "ipcx-bench: plots into %s failed (is gnuplot installed?)\n",
			o->plots);
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .prof = profile("quick"), .baseline = "pipe" };
	struct bench_results res = { 0 };
	struct bench_machine m;
	int i, rc, failed = 0;

	rc = parse(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	o.progress = isatty(STDERR_FILENO);
	signal(SIGPIPE, SIG_IGN);
	machine_describe(&m);
	if (bench_run_all(&o, &res) == -EINTR) {
		fprintf(stderr, "ipcx-bench: interrupted; objects removed, partial results:\n");
		report_table(stdout, &res, &m, &o);
		results_free(&res);
		return 130;
	}
	for (i = 0; i < res.n; i++)
		failed += res.rows[i].status == ST_FAIL;
	rc = outputs(&res, &m, &o);
	if (failed)
		fprintf(stderr, "ipcx-bench: %d row(s) failed\n", failed);
	results_free(&res);
	return rc || failed ? 1 : 0;
}
