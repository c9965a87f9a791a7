/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcx command: the cycle finder of the wait-for graph (waitgraph.c), kept
 * apart from netlink and printing so that tools/ipcx/tests/ can test it on
 * the host.
 */
#ifndef IPCX_WAITGRAPH_H
#define IPCX_WAITGRAPH_H

#include <stddef.h>

/* "node @from sleeps on a lock that node @to holds" */
struct wg_edge {
	unsigned int from, to;
};

/*
 * Find the cycles of the graph of @n nodes and @nedges edges: the strongly
 * connected components of more than one node, and nodes with an edge to
 * themselves. @comp[i] gets the cycle's number (0, 1, ...) for a node on
 * one, -1 for the others. Iterative (Tarjan's algorithm with an explicit
 * stack): a long chain costs no call depth. Edges naming a node >= @n are
 * ignored.
 *
 * Return: the number of cycles, or -ENOMEM.
 */
int wg_cycles(unsigned int n, const struct wg_edge *edges, size_t nedges, int *comp);

#endif
