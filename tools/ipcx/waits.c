// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: the wait-for graph. `ipcx locks NAME --waiters` lists each
 * lock's holders and sleepers; `ipcx waits` follows "thread A sleeps on
 * lock L held by thread B" across every readable region of the namespace
 * and marks the cycles (waitgraph.c finds them), as text, JSON or
 * Graphviz DOT. Everything comes from one IPCX_NL_CMD_WAITS_GET dump
 * (ipcx_nl_list_waits()): a snapshot, each lock of its own moment.
 *
 * Threads are nodes, keyed by pid (in our pid namespace) when the kernel
 * shows it, else by owner id; a thread we may not see and that has no
 * owner id (a semaphore or event sleeper) is left out of the graph. A
 * sleeper's edges go to each holder of its lock (a rwlock writer waits
 * for every reader); a sleeper on a lock without a known holder (a
 * semaphore, an event) has one edge to nobody.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcx.h"
#include "waitgraph.h"

struct wlock {
	struct ipcx_nl_waits w;		/* its pointers point into the two below */
	struct ipcx_nl_peer *holders, *waiters;
};

struct wset {
	struct wlock *v;
	size_t n, cap;
};

/* Room in *@v (*@cap elements of @size) for element @n: 0 or -ENOMEM. */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*(void **)v, ncap * size);
	if (!nv)
		return -ENOMEM;
	*(void **)v = nv;
	*cap = ncap;
	return 0;
}

static int wset_add(const struct ipcx_nl_waits *w, void *arg)
{
	struct wset *s = arg;
	struct wlock *l;
	size_t hs = w->nr_holders * sizeof(*w->holders);
	size_t ws = w->nr_waiters * sizeof(*w->waiters);

	if (grow(&s->v, &s->cap, s->n, sizeof(*s->v)))
		return -ENOMEM;
	l = &s->v[s->n];
	l->w = *w;
	l->holders = malloc(hs ? hs : 1);
	l->waiters = malloc(ws ? ws : 1);
	if (!l->holders || !l->waiters) {
		free(l->holders);
		free(l->waiters);
		return -ENOMEM;
	}
	memcpy(l->holders, w->holders, hs);
	memcpy(l->waiters, w->waiters, ws);
	l->w.holders = l->holders;
	l->w.waiters = l->waiters;
	s->n++;
	return 0;
}

static void wset_free(struct wset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].holders);
		free(s->v[i].waiters);
	}
	free(s->v);
}

static const char *wait_for_name(uint32_t f)
{
	switch (f) {
	case IPCX_WAIT_LOCK: return "lock";
	case IPCX_WAIT_READ: return "read";
	case IPCX_WAIT_WRITE: return "write";
	case IPCX_WAIT_UNITS: return "units";
	case IPCX_WAIT_EVENT: return "event";
	default: return "?";
	}
}

static uint64_t mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t waited_ns(const struct ipcx_nl_peer *p, uint64_t now)
{
	return p->since_ns && now > p->since_ns ? now - p->since_ns : 0;
}

/* "pid/comm", or "owner N" for a thread we may not see */
static const char *peer_name(const struct ipcx_nl_peer *p, char *buf, size_t len)
{
	if (p->pid)
		snprintf(buf, len, "%u/%s", p->pid, p->comm);
	else if (p->owner)
		snprintf(buf, len, "owner %u", p->owner);
	else
		snprintf(buf, len, "(not visible)");
	return buf;
}

static void peer_json(FILE *out, const struct ipcx_nl_peer *p, bool sleeper, uint64_t now)
{
	fprintf(out, "{\"owner\": %u, \"pid\": %u, \"tgid\": %u, \"comm\": ",
		p->owner, p->pid, p->tgid);
	json_str(out, p->comm);
	fprintf(out, ", \"%s\": \"%s\"", sleeper ? "for" : "how", wait_for_name(p->wait_for));
	if (sleeper)
		fprintf(out, ", \"units\": %u, \"since_ns\": %" PRIu64 ", \"waited_ns\": %" PRIu64,
			p->units, p->since_ns, waited_ns(p, now));
	fputc('}', out);
}

static void lock_place(const struct ipcx_nl_waits *w, char *buf, size_t len)
{
	if (w->region_name[0])
		snprintf(buf, len, "%s@%" PRIu64, w->region_name, w->offset);
	else
		snprintf(buf, len, "#%" PRIu64 "@%" PRIu64, w->region_id, w->offset);
}

/* ---- ipcx locks NAME --waiters ----------------------------------------- */

static void waiters_json(FILE *out, const struct wset *s, uint64_t now)
{
	size_t i, k;

	fputs("[", out);
	for (i = 0; i < s->n; i++) {
		const struct ipcx_nl_waits *w = &s->v[i].w;

		fprintf(out, "%s\n{\"region_id\": %" PRIu64 ", \"region\": ", i ? "," : "",
			w->region_id);
		json_str(out, w->region_name);
		fprintf(out, ", \"offset\": %" PRIu64 ", \"kind\": \"%s\", \"word\": %u, "
			"\"count\": %u, \"holders\": [", w->offset, kind_name(w->kind),
			w->word, w->count);
		for (k = 0; k < w->nr_holders; k++) {
			fputs(k ? ", " : "", out);
			peer_json(out, &w->holders[k], false, now);
		}
		fputs("], \"waiters\": [", out);
		for (k = 0; k < w->nr_waiters; k++) {
			fputs(k ? ", " : "", out);
			peer_json(out, &w->waiters[k], true, now);
		}
		fputs("]}", out);
	}
	fputs(s->n ? "\n]\n" : "]\n", out);
}

static void waiters_text(FILE *out, const struct wset *s, uint64_t now)
{
	char who[64], t[32];
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		const struct ipcx_nl_waits *w = &s->v[i].w;

		fprintf(out, "%" PRIu64 " %s", w->offset, kind_name(w->kind));
		if (w->kind == IPCX_LOCK_SEM)
			fprintf(out, " value=%u", w->count);
		else if (w->kind == IPCX_LOCK_RWLOCK && w->count)
			fprintf(out, " readers=%u", w->count);
		fprintf(out, ": %u sleeping\n", w->nr_waiters);
		for (k = 0; k < w->nr_holders; k++)
			fprintf(out, "  holder  %-24s %s\n",
				peer_name(&w->holders[k], who, sizeof(who)),
				wait_for_name(w->holders[k].wait_for));
		for (k = 0; k < w->nr_waiters; k++) {
			const struct ipcx_nl_peer *p = &w->waiters[k];

			fprintf(out, "  waiter  %-24s %s", peer_name(p, who, sizeof(who)),
				wait_for_name(p->wait_for));
			if (p->wait_for == IPCX_WAIT_UNITS)
				fprintf(out, " %u", p->units);
			fprintf(out, ", for %s\n", fmt_ns(waited_ns(p, now), t, sizeof(t)));
		}
	}
}

/* `ipcx locks NAME --waiters` (locks.c parsed the options and NAME) */
int locks_waiters(const struct cmd *cmd, const char *name, const struct out *o)
{
	struct ipcx_nl_region r;
	struct wset s = { 0 };
	struct ipcx_nl *nl;
	int ret = open_nl_or_explain(&nl);

	if (ret)
		return ret;
	/* a lookup first, so that a missing name is an error, not an empty list */
	ret = ipcx_nl_get_region(nl, name, 0, &r);
	if (!ret)
		ret = ipcx_nl_list_waits(nl, NULL, r.id, wset_add, &s);
	if (ret) {
		ret = report(cmd, nl, name, ret);
	} else if (o->json) {
		waiters_json(stdout, &s, mono_now_ns());
	} else {
		waiters_text(stdout, &s, mono_now_ns());
	}
	wset_free(&s);
	ipcx_nl_close(nl);
	return ret;
}

/* ---- ipcx waits ---------------------------------------------------------- */

/* a thread of the graph */
struct wnode {
	struct ipcx_nl_peer p;	/* the first description of it seen */
	int cycle;		/* waitgraph.c's number, -1: on none */
};

/* one sleeper's wait for one holder (to: -1, nobody known) */
struct wedge {
	unsigned int from;
	int to;
	const struct ipcx_nl_waits *lock;
	const struct ipcx_nl_peer *sleeper;
};

struct wgraph {
	struct wnode *nodes;
	size_t nnodes, capn;
	struct wedge *edges;
	size_t nedges, cape;
	int ncycles;
};

/* the node of @p (added if new), or -1 for a thread that cannot be named */
static int wgraph_node(struct wgraph *g, const struct ipcx_nl_peer *p)
{
	size_t i;

	if (!p->pid && !p->owner)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		const struct ipcx_nl_peer *q = &g->nodes[i].p;

		if (p->pid ? q->pid == p->pid : !q->pid && q->owner == p->owner) {
			if (!q->owner && p->owner)	/* a holder's view knows the id */
				g->nodes[i].p.owner = p->owner;
			return (int)i;
		}
	}
	if (grow(&g->nodes, &g->capn, g->nnodes, sizeof(*g->nodes)))
		return -ENOMEM;
	g->nodes[g->nnodes].p = *p;
	g->nodes[g->nnodes].cycle = -1;
	return (int)g->nnodes++;
}

static int wgraph_edge(struct wgraph *g, int from, int to,
		       const struct ipcx_nl_waits *lock, const struct ipcx_nl_peer *sleeper)
{
	if (grow(&g->edges, &g->cape, g->nedges, sizeof(*g->edges)))
		return -ENOMEM;
	g->edges[g->nedges++] = (struct wedge){ .from = (unsigned int)from, .to = to,
						 .lock = lock, .sleeper = sleeper };
	return 0;
}

/* A sleeper's edges: to each holder of its lock, or one to nobody. */
static int wgraph_sleeper(struct wgraph *g, const struct ipcx_nl_waits *w,
			  const struct ipcx_nl_peer *sl)
{
	int from = wgraph_node(g, sl), to, ret = 0;
	uint32_t k, edges = 0;

	if (from < 0)
		return from == -1 ? 0 : from;
	for (k = 0; k < w->nr_holders && !ret; k++) {
		to = wgraph_node(g, &w->holders[k]);
		if (to == -ENOMEM)
			return to;
		/* a writer upgrading over its own read slot waits for the others */
		if (to == from && w->holders[k].wait_for == IPCX_WAIT_READ &&
		    sl->wait_for == IPCX_WAIT_WRITE)
			continue;
		ret = wgraph_edge(g, from, to, w, sl);
		edges++;
	}
	if (!ret && !edges)
		ret = wgraph_edge(g, from, -1, w, sl);
	return ret;
}

static int wgraph_build(struct wgraph *g, const struct wset *s)
{
	struct wg_edge *e;
	size_t i, n = 0;
	uint32_t k;
	int *comp, ret;

	for (i = 0; i < s->n; i++)
		for (k = 0; k < s->v[i].w.nr_waiters; k++) {
			ret = wgraph_sleeper(g, &s->v[i].w, &s->v[i].w.waiters[k]);
			if (ret)
				return ret;
		}
	e = malloc((g->nedges ? g->nedges : 1) * sizeof(*e));
	comp = malloc((g->nnodes ? g->nnodes : 1) * sizeof(*comp));
	if (!e || !comp) {
		free(e);
		free(comp);
		return -ENOMEM;
	}
	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].to >= 0)
			e[n++] = (struct wg_edge){ g->edges[i].from, (unsigned int)g->edges[i].to };
	ret = wg_cycles((unsigned int)g->nnodes, e, n, comp);
	if (ret >= 0) {
		g->ncycles = ret;
		for (i = 0; i < g->nnodes; i++)
			g->nodes[i].cycle = comp[i];
		ret = 0;
	}
	free(e);
	free(comp);
	return ret;
}

static void wgraph_free(struct wgraph *g)
{
	free(g->nodes);
	free(g->edges);
}

/* the cycle both ends of @e are on, or -1 */
static int edge_cycle(const struct wgraph *g, const struct wedge *e)
{
	int c = g->nodes[e->from].cycle;

	return e->to >= 0 && c >= 0 && g->nodes[e->to].cycle == c ? c : -1;
}

static void waits_text(FILE *out, const struct wgraph *g, uint64_t now)
{
	char a[64], b[64], place[IPCX_NAME_MAX + 48], t[32];
	size_t i, k;
	int c;

	for (i = 0; i < g->nedges; i++) {
		const struct wedge *e = &g->edges[i];

		lock_place(e->lock, place, sizeof(place));
		fprintf(out, "%s waits %s for %s of %s %s", peer_name(&g->nodes[e->from].p, a, sizeof(a)),
			fmt_ns(waited_ns(e->sleeper, now), t, sizeof(t)),
			wait_for_name(e->sleeper->wait_for), kind_name(e->lock->kind), place);
		if (e->to >= 0)
			fprintf(out, " held by %s", peer_name(&g->nodes[e->to].p, b, sizeof(b)));
		c = edge_cycle(g, e);
		if (c >= 0)
			fprintf(out, "  [cycle %d]", c + 1);
		fputc('\n', out);
	}
	for (c = 0; c < g->ncycles; c++) {
		fprintf(out, "cycle %d:", c + 1);
		for (k = 0; k < g->nnodes; k++)
			if (g->nodes[k].cycle == c)
				fprintf(out, " %s", peer_name(&g->nodes[k].p, a, sizeof(a)));
		fputc('\n', out);
	}
	if (!g->nedges)
		fputs("no thread sleeps on an ipcx lock here\n", out);
}

static void json_cycle(FILE *out, int c)
{
	if (c < 0)
		fputs("null", out);
	else
		fprintf(out, "%d", c);
}

static void waits_json(FILE *out, const struct wgraph *g, uint64_t now)
{
	size_t i, k;
	int c;

	fputs("{\"threads\": [", out);
	for (i = 0; i < g->nnodes; i++) {
		const struct wnode *n = &g->nodes[i];

		fprintf(out, "%s\n  {\"id\": %zu, \"owner\": %u, \"pid\": %u, \"tgid\": %u, "
			"\"comm\": ", i ? "," : "", i, n->p.owner, n->p.pid, n->p.tgid);
		json_str(out, n->p.comm);
		fputs(", \"cycle\": ", out);
		json_cycle(out, n->cycle);
		fputc('}', out);
	}
	fputs("],\n \"edges\": [", out);
	for (i = 0; i < g->nedges; i++) {
		const struct wedge *e = &g->edges[i];

		fprintf(out, "%s\n  {\"from\": %u, \"from_pid\": %u, \"to\": ", i ? "," : "",
			e->from, g->nodes[e->from].p.pid);
		if (e->to >= 0)
			fprintf(out, "%d, \"to_pid\": %u", e->to, g->nodes[e->to].p.pid);
		else
			fputs("null, \"to_pid\": null", out);
		fprintf(out, ", \"region_id\": %" PRIu64 ", \"region\": ", e->lock->region_id);
		json_str(out, e->lock->region_name);
		fprintf(out, ", \"offset\": %" PRIu64 ", \"kind\": \"%s\", \"for\": \"%s\", "
			"\"units\": %u, \"since_ns\": %" PRIu64 ", \"waited_ns\": %" PRIu64
			", \"cycle\": ", e->lock->offset, kind_name(e->lock->kind),
			wait_for_name(e->sleeper->wait_for), e->sleeper->units,
			e->sleeper->since_ns, waited_ns(e->sleeper, now));
		json_cycle(out, edge_cycle(g, e));
		fputc('}', out);
	}
	fputs("],\n \"cycles\": [", out);
	for (c = 0; c < g->ncycles; c++) {
		bool first = true;

		fputs(c ? ", [" : "[", out);
		for (k = 0; k < g->nnodes; k++) {
			if (g->nodes[k].cycle != c)
				continue;
			fprintf(out, "%s%u", first ? "" : ", ", g->nodes[k].p.pid);
			first = false;
		}
		fputc(']', out);
	}
	fputs("]}\n", out);
}

/* a DOT identifier's quoted text: our strings are comms and region names */
static void dot_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
	}
	fputc('"', out);
}

static void waits_dot(FILE *out, const struct wgraph *g, uint64_t now)
{
	char name[64], label[IPCX_NAME_MAX + 128], place[IPCX_NAME_MAX + 48], t[32];
	size_t i;

	fputs("digraph ipcx_waits {\n\tnode [shape=box];\n", out);
	for (i = 0; i < g->nnodes; i++) {
		fprintf(out, "\tt%zu [label=", i);
		dot_str(out, peer_name(&g->nodes[i].p, name, sizeof(name)));
		fputs(g->nodes[i].cycle >= 0 ? ", color=red, penwidth=2];\n" : "];\n", out);
	}
	for (i = 0; i < g->nedges; i++) {
		const struct wedge *e = &g->edges[i];

		lock_place(e->lock, place, sizeof(place));
		snprintf(label, sizeof(label), "%s %s %s, %s", wait_for_name(e->sleeper->wait_for),
			 kind_name(e->lock->kind), place,
			 fmt_ns(waited_ns(e->sleeper, now), t, sizeof(t)));
		if (e->to >= 0) {
			fprintf(out, "\tt%u -> t%d [label=", e->from, e->to);
		} else {
			/* nobody known holds it: the lock itself is the node */
			fprintf(out, "\tl%zu [shape=ellipse, label=", i);
			dot_str(out, place);
			fprintf(out, "];\n\tt%u -> l%zu [label=", e->from, i);
		}
		dot_str(out, label);
		fputs(edge_cycle(g, e) >= 0 ? ", color=red, penwidth=2];\n" : "];\n", out);
	}
	fputs("}\n", out);
}

int cmd_waits(const struct cmd *cmd, int argc, char **argv)
{
	struct wgraph g = { 0 };
	struct wset s = { 0 };
	bool json = global_json, dot = false;
	struct ipcx_nl *nl;
	int ret;

	while ((ret = cmd_getopt(cmd, argc, argv)) != -1) {
		if (ret >= OPT_EXIT)
			return ret - OPT_EXIT;
		if (ret == 'j')
			json = true;
		else if (ret == 'd')
			dot = true;
	}
	if (cmd_args(cmd, argc, argv, 0, 0, NULL))
		return EXIT_USAGE;
	if (json && dot)
		return usage_error(cmd, "--json and --dot exclude each other");
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_list_waits(nl, NULL, 0, wset_add, &s);
	if (!ret)
		ret = wgraph_build(&g, &s);
	if (ret)
		ret = report(cmd, nl, "the wait-for graph", ret);
	else if (json)
		waits_json(stdout, &g, mono_now_ns());
	else if (dot)
		waits_dot(stdout, &g, mono_now_ns());
	else
		waits_text(stdout, &g, mono_now_ns());
	wgraph_free(&g);
	wset_free(&s);
	ipcx_nl_close(nl);
	return ret;
}
