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

const char *work_name(enum bench_work w)
{
	static const char *const names[W__N] = {
		[W_BASE] = "baseline", [W_PINGPONG] = "pingpong", [W_THROUGHPUT] = "throughput",
		[W_LOCK] = "lock", [W_CONTEND] = "contended", [W_WAKE] = "wakeup",
		[W_HANDOFF] = "handoff",
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
