// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the wait-for graph's cycle finder (tools/ipcx/waitgraph.c),
 * run by the cli step (tools/ipcx/host-test.sh); prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../../lib/tests/tap.h"
#include "../waitgraph.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int comp[64];

static int run(unsigned int n, const struct wg_edge *e, size_t ne)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		comp[i] = -2;
	return wg_cycles(n, e, ne, comp);
}

int main(void)
{
	const struct wg_edge chain[] = { { 0, 1 }, { 1, 2 } };
	const struct wg_edge two[] = { { 0, 1 }, { 1, 0 }, { 2, 0 } };
	const struct wg_edge self[] = { { 0, 0 }, { 1, 0 } };
	const struct wg_edge both[] = {
		{ 0, 1 }, { 1, 2 }, { 2, 0 },		/* a 3-cycle */
		{ 3, 4 }, { 4, 3 },			/* a 2-cycle */
		{ 5, 0 }, { 6, 5 }, { 4, 7 },		/* chains into and out of them */
	};
	struct wg_edge ring[40];
	unsigned int i;
	int ret;

	tap_plan_start();
	ret = run(3, chain, N(chain));
	tap_ok(ret == 0 && comp[0] == -1 && comp[1] == -1 && comp[2] == -1,
	       "a chain A->B->C has no cycle (%d)", ret);
	ret = run(3, two, N(two));
	tap_ok(ret == 1 && comp[0] == comp[1] && comp[0] >= 0 && comp[2] == -1,
	       "a 2-cycle is found, the thread waiting into it is not on it");
	ret = run(2, self, N(self));
	tap_ok(ret == 1 && comp[0] == 0 && comp[1] == -1,
	       "a thread waiting for itself is a cycle");
	ret = run(8, both, N(both));
	tap_ok(ret == 2 && comp[0] >= 0 && comp[0] == comp[1] && comp[1] == comp[2] &&
	       comp[3] >= 0 && comp[3] == comp[4] && comp[3] != comp[0] &&
	       comp[5] == -1 && comp[6] == -1 && comp[7] == -1,
	       "two cycles apart, chains into and out of them not marked");
	for (i = 0; i < N(ring); i++) {
		ring[i].from = i;
		ring[i].to = (i + 1) % N(ring);
	}
	ret = run(N(ring), ring, N(ring));
	for (i = 1; i < N(ring) && comp[i] == comp[0]; i++)
		;
	tap_ok(ret == 1 && comp[0] == 0 && i == N(ring), "a 40-cycle is one cycle");
	ret = run(N(ring), ring, N(ring) - 1);
	for (i = 0; i < N(ring) && comp[i] == -1; i++)
		;
	tap_ok(ret == 0 && i == N(ring), "the same ring opened is a chain");
	ret = run(2, (const struct wg_edge[]){ { 0, 9 }, { 9, 0 } }, 2);
	tap_ok(ret == 0 && comp[0] == -1 && comp[1] == -1,
	       "edges naming nodes past n are ignored");
	ret = run(0, NULL, 0);
	tap_ok(ret == 0, "an empty graph");
	return tap_done();
}
