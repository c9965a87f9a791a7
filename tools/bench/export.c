// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-readable results: JSON (machine, profile, every row, and a
 * per-mechanism summary that `make check` reads) and CSV (one line per
 * row, the machine repeated on each so a line stands on its own).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define BENCH_JSON_SCHEMA 2

/* A JSON string: quotes, backslashes and control characters escaped. */
static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void jkv(FILE *f, const char *k, const char *v, const char *sep)
{
	jstr(f, k);
	fputc(':', f);
	jstr(f, v);
	fputs(sep, f);
}

static void json_machine(FILE *f, const struct bench_machine *m)
{
	fputs("\"machine\":{", f);
	jkv(f, "sysname", m->sysname, ",");
	jkv(f, "release", m->release, ",");
	jkv(f, "version", m->version, ",");
	jkv(f, "arch", m->machine, ",");
	jkv(f, "node", m->node, ",");
	jkv(f, "cpu", m->cpu, ",");
	fprintf(f, "\"nproc\":%ld,", m->nproc);
	jkv(f, "virt", m->virt, "},\n");
}

/* contended rows: each process's share of the acquisitions */
static void shares(FILE *f, const struct bench_row *r, const char *sep)
{
	int i;

	for (i = 0; i < r->nprocs && r->work == W_CONTEND; i++)
		fprintf(f, "%s%.4f", i ? sep : "", r->share[i]);
}

/* "key":value, or "key":null where the figure does not apply to the row */
static void jnum(FILE *f, const char *k, const char *fmt, double v, int applies)
{
	fprintf(f, "\"%s\":", k);
	if (applies)
		fprintf(f, fmt, v);
	else
		fputs("null", f);
	fputc(',', f);
}

static void json_row(FILE *f, const struct bench_results *res, const struct bench_row *r,
		     const char *base)
{
	int ok = r->status == ST_OK, noise;
	int rate = ok && (r->work == W_THROUGHPUT || r->work == W_CONTEND);
	int lat = ok && !rate;
	double x = ok ? row_ratio(res, r, base, &noise) : 0;

	fputc('{', f);
	jkv(f, "mech", r->mech, ",");
	jkv(f, "work", work_name(r->work), ",");
	jkv(f, "status", status_name(r->status), ",");
	jnum(f, "size", "%.0f", (double)r->size, r->size > 0);
	jnum(f, "placement", "%.0f", r->placement, r->placement >= 0);
	fprintf(f, "\"cpus\":[%d,%d],", r->cpus[0], r->cpus[1]);
	jnum(f, "nprocs", "%.0f", r->nprocs,
	     r->work == W_CONTEND || r->work == W_DEATH || r->work == W_DEATH_CHURN);
	jnum(f, "min_ns", "%.1f", r->lat.min, lat);
	jnum(f, "p50_ns", "%.1f", r->lat.p50, lat);
	jnum(f, "p99_ns", "%.1f", r->lat.p99, lat);
	jnum(f, "p999_ns", "%.1f", r->lat.p999, lat);
	jnum(f, "max_ns", "%.1f", r->lat.max, lat);
	jnum(f, "mean_ns", "%.1f", r->lat.mean, lat);
	jnum(f, "batch_ns", "%.1f", r->batch_ns, lat && r->batch_ns > 0);
	jnum(f, "msgs_s", "%.1f", r->msgs_s, rate);
	jnum(f, "gb_s", "%.4f", r->gb_s, rate && r->work == W_THROUGHPUT);
	jnum(f, "fairness", "%.3f", r->fairness, ok && r->work == W_CONTEND);
	jnum(f, "repeats", "%.0f", r->repeats, ok);
	jnum(f, "spread", "%.4f", r->spread, ok && r->repeats > 1);
	jnum(f, "ratio_base", "%.4f", x, x > 0);
	fprintf(f, "\"within_spread\":%s,", x > 0 ? (noise ? "true" : "false") : "null");
	fprintf(f, "\"checked\":%s,", r->checked ? "true" : "false");
	fputs("\"shares\":[", f);
	shares(f, r, ",");
	fputs("],", f);
	jkv(f, "note", r->note, "}");
}

/* One summary per mechanism named in the rows, in order of appearance. */
static void json_summary(FILE *f, const struct bench_results *res)
{
	int i, k, first = 1;

	fputs("\"summary\":[\n", f);
	for (i = 0; i < res->n; i++) {
		const char *name = res->rows[i].mech;
		int rows = 0, fail = 0, unchecked = 0, unavail = 0;

		for (k = 0; k < i && strcmp(res->rows[k].mech, name); k++)
			;
		if (k < i)
			continue;
		for (k = i; k < res->n; k++) {
			const struct bench_row *r = &res->rows[k];

			if (strcmp(r->mech, name))
				continue;
			rows++;
			fail += r->status == ST_FAIL;
			unavail += r->status == ST_UNAVAILABLE;
			unchecked += r->status == ST_OK && !r->checked;
		}
		fprintf(f, "%s{\"mech\":", first ? "" : ",\n");
		jstr(f, name);
		fprintf(f, ",\"available\":%s,\"rows\":%d,\"failed\":%d,\"unchecked\":%d}",
			unavail ? "false" : "true", rows, fail, unchecked);
		first = 0;
	}
	fputs("\n]\n", f);
}

int report_json(FILE *f, const struct bench_results *res, const struct bench_machine *m,
		const struct bench_opts *o)
{
	int i;

	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fputc('{', f);
	/* schema 2: nulls where a figure does not apply, repeats, spread,
	 * ratio_base and within_spread per row, timestamp */
	fprintf(f, "\"schema\":%d,", BENCH_JSON_SCHEMA);
	jkv(f, "tool", "ipcx-bench", ",");
	jkv(f, "timestamp", when, ",");
	jkv(f, "profile", o->prof->name, ",");
	jkv(f, "baseline", o->baseline, ",\n");
	json_machine(f, m);
	fputs("\"rows\":[\n", f);
	for (i = 0; i < res->n; i++) {
		json_row(f, res, &res->rows[i], o->baseline);
		fputs(i + 1 < res->n ? ",\n" : "\n", f);
	}
	fputs("],\n", f);
	json_summary(f, res);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* CSV field: quoted, inner quotes doubled. */
static void cstr(FILE *f, const char *s, const char *sep)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
	fputs(sep, f);
}

int report_csv(FILE *f, const struct bench_results *res, const struct bench_machine *m)
{
	int i;

	fputs("mech,work,status,size,placement,cpu_a,cpu_b,nprocs,min_ns,p50_ns,p99_ns,"
	      "p999_ns,max_ns,mean_ns,msgs_s,gb_s,fairness,shares,checked,note,kernel,cpu,nproc,"
	      "virt,batch_ns,repeats,spread\n", f);
	for (i = 0; i < res->n; i++) {
		const struct bench_row *r = &res->rows[i];

		fprintf(f, "%s,%s,%s,%zu,%d,%d,%d,%d,", r->mech, work_name(r->work),
			status_name(r->status), r->size, r->placement, r->cpus[0], r->cpus[1],
			r->nprocs);
		fprintf(f, "%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.4f,%.3f,", r->lat.min,
			r->lat.p50, r->lat.p99, r->lat.p999, r->lat.max, r->lat.mean, r->msgs_s,
			r->gb_s, r->fairness);
		shares(f, r, ";");
		fprintf(f, ",%d,", r->checked);
		cstr(f, r->note, ",");
		cstr(f, m->release, ",");
		cstr(f, m->cpu, ",");
		fprintf(f, "%ld,", m->nproc);
		cstr(f, m->virt, ",");
		fprintf(f, "%.1f,%d,%.4f\n", r->batch_ns, r->repeats, r->spread);
	}
	return ferror(f) ? -1 : 0;
}
