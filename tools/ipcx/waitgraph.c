// SPDX-License-Identifier: GPL-2.0
/* ipcx command: cycles of the wait-for graph (see waitgraph.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "waitgraph.h"

struct wg {
	unsigned int *start;	/* CSR: node i's edges are adj[start[i] .. start[i + 1]) */
	unsigned int *adj;
	int *index, *low;	/* Tarjan's numbers, -1: not visited */
	unsigned int *stack, sp;	/* the component stack */
	bool *on_stack;
	unsigned int *call, *next;	/* the explicit call stack: node, next edge */
};

static void wg_free(struct wg *g)
{
	free(g->start);
	free(g->adj);
	free(g->index);
	free(g->low);
	free(g->stack);
	free(g->on_stack);
	free(g->call);
	free(g->next);
}

static int wg_build(struct wg *g, unsigned int n, const struct wg_edge *e, size_t ne)
{
	unsigned int i, *fill;
	size_t k;

	g->start = calloc(n + 1, sizeof(*g->start));
	g->adj = malloc((ne ? ne : 1) * sizeof(*g->adj));
	g->index = malloc((n ? n : 1) * sizeof(*g->index));
	g->low = malloc((n ? n : 1) * sizeof(*g->low));
	g->stack = malloc((n ? n : 1) * sizeof(*g->stack));
	g->on_stack = calloc(n ? n : 1, sizeof(*g->on_stack));
	g->call = malloc((n ? n : 1) * sizeof(*g->call));
	g->next = malloc((n ? n : 1) * sizeof(*g->next));
	if (!g->start || !g->adj || !g->index || !g->low || !g->stack ||
	    !g->on_stack || !g->call || !g->next)
		return -ENOMEM;
	for (k = 0; k < ne; k++)
		if (e[k].from < n && e[k].to < n)
			g->start[e[k].from + 1]++;
	for (i = 0; i < n; i++)
		g->start[i + 1] += g->start[i];
	fill = malloc((n ? n : 1) * sizeof(*fill));
	if (!fill)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		fill[i] = g->start[i];
		g->index[i] = -1;
	}
	for (k = 0; k < ne; k++)
		if (e[k].from < n && e[k].to < n)
			g->adj[fill[e[k].from]++] = e[k].to;
	free(fill);
	return 0;
}

static bool wg_self_loop(const struct wg *g, unsigned int v)
{
	unsigned int k;

	for (k = g->start[v]; k < g->start[v + 1]; k++)
		if (g->adj[k] == v)
			return true;
	return false;
}

/* Pop the component rooted at @root; number it if it is a cycle. */
static void wg_pop(struct wg *g, unsigned int root, int *comp, int *ncycles)
{
	unsigned int top = g->sp, v;
	bool cycle;

	while (g->stack[--top] != root)
		;
	cycle = g->sp - top > 1 || wg_self_loop(g, root);
	while (g->sp > top) {
		v = g->stack[--g->sp];
		g->on_stack[v] = false;
		comp[v] = cycle ? *ncycles : -1;
	}
	if (cycle)
		(*ncycles)++;
}

static void wg_visit(struct wg *g, unsigned int root, int *counter, int *comp,
		     int *ncycles)
{
	unsigned int depth = 0, v, w;

	g->call[depth] = root;
	g->next[depth++] = g->start[root];
	g->index[root] = g->low[root] = (*counter)++;
	g->stack[g->sp++] = root;
	g->on_stack[root] = true;
	while (depth) {
		v = g->call[depth - 1];
		if (g->next[depth - 1] < g->start[v + 1]) {
			w = g->adj[g->next[depth - 1]++];
			if (g->index[w] < 0) {
				g->index[w] = g->low[w] = (*counter)++;
				g->stack[g->sp++] = w;
				g->on_stack[w] = true;
				g->call[depth] = w;
				g->next[depth++] = g->start[w];
			} else if (g->on_stack[w] && g->index[w] < g->low[v]) {
				g->low[v] = g->index[w];
			}
			continue;
		}
		/* v is done: close its component or hand its low to its caller */
		if (g->low[v] == g->index[v])
			wg_pop(g, v, comp, ncycles);
		if (--depth && g->low[v] < g->low[g->call[depth - 1]])
			g->low[g->call[depth - 1]] = g->low[v];
	}
}

int wg_cycles(unsigned int n, const struct wg_edge *edges, size_t nedges, int *comp)
{
	struct wg g = { 0 };
	int counter = 0, ncycles = 0;
	unsigned int v;

	if (wg_build(&g, n, edges, nedges)) {
		wg_free(&g);
		return -ENOMEM;
	}
	for (v = 0; v < n; v++)
		if (g.index[v] < 0)
			wg_visit(&g, v, &counter, comp, &ncycles);
	wg_free(&g);
	return ncycles;
}
