// SPDX-License-Identifier: GPL-2.0
/* The list of result rows and the names of their enums. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_row *results_add(struct bench_results *res)
{
	struct bench_row *r;

	if (res->n == res->cap) {
		int cap = res->cap ? 2 * res->cap : 64;

		r = realloc(res->rows, (size_t)cap * sizeof(*r));
		if (!r)
			return NULL;
		res->rows = r;
		res->cap = cap;
	}
	r = &res->rows[res->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

void results_free(struct bench_results *res)
{
	free(res->rows);
	res->rows = NULL;
	res->n = res->cap = 0;
}

/* Throughput and contended rows are ranked by rate, the others by p50. */
double row_key(const struct bench_row *r)
{
	return r->work == W_THROUGHPUT || r->work == W_CONTEND ? r->msgs_s : r->lat.p50;
}

const struct bench_row *results_find(const struct bench_results *res, const char *mech,
				     enum bench_work w, size_t size, int placement)
{
	int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_row *r = &res->rows[i];

		if (r->status == ST_OK && r->work == w && r->size == size &&
		    r->placement == placement && !strcmp(r->mech, mech))
			return r;
	}
	return NULL;
}

/* results_find() for the row like r (process count too) of mechanism base */
static const struct bench_row *same_row(const struct bench_results *res, const char *base,
					const struct bench_row *r)
{
	int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_row *b = &res->rows[i];

		if (b->status == ST_OK && b->work == r->work && b->size == r->size &&
		    b->placement == r->placement && b->nprocs == r->nprocs && !strcmp(b->mech, base))
			return b;
	}
	return NULL;
}

double row_ratio(const struct bench_results *res, const struct bench_row *r, const char *base,
		 int *noise)
{
	const struct bench_row *b = same_row(res, base, r);
	double ratio, spread;

	*noise = 0;
	if (!b || row_key(r) <= 0 || row_key(b) <= 0)
		return 0;
	ratio = row_key(r) / row_key(b);
	spread = r->spread > b->spread ? r->spread : b->spread;
	*noise = b != r && (ratio > 1 ? ratio - 1 : 1 / ratio - 1) < spread;
	return ratio;
}

const char *work_name(enum bench_work w)
{
	static const char *const names[W__N] = {
		[W_BASE] = "baseline", [W_PINGPONG] = "pingpong", [W_THROUGHPUT] = "throughput",
		[W_LOCK] = "lock", [W_CONTEND] = "contended", [W_WAKE] = "wakeup",
		[W_HANDOFF] = "handoff", [W_DEATH] = "death", [W_DEATH_CHURN] = "death-churn",
	};

	return w < W__N ? names[w] : "?";
}

const char *status_name(enum bench_status s)
{
	switch (s) {
	case ST_OK: return "ok";
	case ST_FAIL: return "FAIL";
	case ST_UNAVAILABLE: return "unavailable";
	default: return "skipped";
	}
}
