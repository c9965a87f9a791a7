// SPDX-License-Identifier: GPL-2.0
/*
 * Plots through gnuplot: DIR/plots.gp holds the data (inline data blocks)
 * and the commands, gnuplot turns it into DIR/latency.svg (ping-pong p50
 * vs size, cross-CPU), DIR/throughput.svg (GB/s vs size) and DIR/locks.svg
 * (contended ops/s vs processes).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

struct plot {
	const char *file, *title, *xlabel, *ylabel, *logscale, *xtics;
	enum bench_work work;
};

static const struct plot plots[] = {
	{ "latency.svg", "ping-pong round trip, p50, processes on different CPUs",
	  "message size (bytes)", "ns", "xy", "autofreq", W_PINGPONG },
	{ "throughput.svg", "one-way throughput, processes on different CPUs",
	  "message size (bytes)", "GB/s", "xy", "autofreq", W_THROUGHPUT },
	{ "locks.svg", "contended lock throughput", "processes", "lock+unlock per second",
	  "y", "1", W_CONTEND },
};

/* the row's place on the plot, or 0 when it is not plotted */
static int point(const struct bench_row *r, enum bench_work w, double *x, double *y)
{
	if (r->work != w || r->status != ST_OK || (w == W_PINGPONG && r->placement == 0))
		return 0;
	*x = w == W_CONTEND ? r->nprocs : (double)r->size;
	*y = w == W_PINGPONG ? r->lat.p50 : w == W_THROUGHPUT ? r->gb_s : r->msgs_s;
	return 1;
}

static int first_of(const struct bench_results *res, int i, enum bench_work w)
{
	double x, y;
	int k;

	for (k = 0; k < i; k++)
		if (point(&res->rows[k], w, &x, &y) && !strcmp(res->rows[k].mech, res->rows[i].mech))
			return 0;
	return 1;
}

/* One data block per mechanism: $Pp_N; returns how many. */
static int data_blocks(FILE *f, const struct bench_results *res, int p, const char **names)
{
	double x, y;
	int i, k, n = 0;

	for (i = 0; i < res->n && n < 32; i++) {
		if (!point(&res->rows[i], plots[p].work, &x, &y) || !first_of(res, i, plots[p].work))
			continue;
		names[n] = res->rows[i].mech;
		fprintf(f, "$P%d_%d << EOD\n", p, n);
		for (k = i; k < res->n; k++)
			if (point(&res->rows[k], plots[p].work, &x, &y) &&
			    !strcmp(res->rows[k].mech, names[n]))
				fprintf(f, "%g %g\n", x, y);
		fputs("EOD\n", f);
		n++;
	}
	return n;
}

static void one_plot(FILE *f, const char *dir, const struct bench_results *res, int p,
		     const char *subtitle)
{
	const char *names[32];
	int i, n = data_blocks(f, res, p, names);

	fprintf(f, "set output '%s/%s'\nset title \"%s\\n%s\" noenhanced\n", dir,
		plots[p].file, plots[p].title, subtitle);
	fprintf(f, "unset logscale\nset logscale %s\nset xlabel '%s'\nset ylabel '%s'\n"
		"set xtics %s\n", plots[p].logscale, plots[p].xlabel, plots[p].ylabel,
		plots[p].xtics);
	if (!n) {
		fputs("unset logscale\nset yrange [0:1]\nset label 1 'no data' at graph 0.5,0.5 "
		      "center\nplot [1:2] 2 notitle\nunset label 1\nset autoscale y\n", f);
		return;
	}
	fputs("plot ", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s$P%d_%d with linespoints title '%s'", i ? ", " : "", p, i, names[i]);
	fputc('\n', f);
}

static int run_gnuplot(const char *script)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return errno_neg();
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return errno_neg();
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

int plots_write(const char *dir, const struct bench_results *res, const struct bench_machine *m)
{
	char script[4096], sub[512];
	unsigned int p;
	FILE *f;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return errno_neg();
	snprintf(script, sizeof(script), "%s/plots.gp", dir);
	snprintf(sub, sizeof(sub), "%s %s, %ld CPUs, hypervisor: %.40s\\n%s", m->sysname,
		 m->release, m->nproc, m->virt, m->cpu);
	f = fopen(script, "w");
	if (!f)
		return errno_neg();
	fputs("set terminal svg size 900,600 dynamic enhanced font 'sans,11'\n"
	      "set grid\nset key outside right\nset termoption noenhanced\n", f);
	for (p = 0; p < sizeof(plots) / sizeof(plots[0]); p++)
		one_plot(f, dir, res, (int)p, sub);
	if (fclose(f) != 0)
		return errno_neg();
	return run_gnuplot(script);
}
