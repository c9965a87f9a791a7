// SPDX-License-Identifier: GPL-2.0
/* ipcx command: top (the most contended locks, interval by interval). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcx.h"

/*
 * top samples every lock of the namespace each interval and ranks them by
 * what happened in the last interval (contended acquisitions, then time
 * waited, then acquisitions), not by totals since creation: a lock that was
 * hot an hour ago sinks. The first screen has no earlier sample: totals.
 */
struct top_lock {
	struct ipcx_nl_lock l;
	struct lock_delta d;
	char region[IPCX_NAME_MAX + 1];
};

struct top_sample {
	struct top_lock *v;
	size_t n, cap;
	uint64_t when_ns;	/* CLOCK_MONOTONIC */
};

struct top_ctx {
	struct ipcx_nl *nl;
	struct top_sample cur, prev;
	const char *region;	/* the region being walked */
};

static int top_lock_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct top_ctx *c = arg;
	struct top_sample *s = &c->cur;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct top_lock *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n].l = *l;
	snprintf(s->v[s->n].region, sizeof(s->v[s->n].region), "%s", c->region);
	s->n++;
	return 0;
}

/* regions first (a dump cannot nest in another on one socket), then locks */
struct top_regions {
	uint64_t *id;
	char (*name)[IPCX_NAME_MAX + 1];
	size_t n, cap;
};

static int top_region_cb(const struct ipcx_nl_region *r, void *arg)
{
	struct top_regions *t = arg;

	if (!r->nlocks)
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		uint64_t *id = realloc(t->id, cap * sizeof(*id));
		char (*name)[IPCX_NAME_MAX + 1];

		if (!id)
			return -ENOMEM;
		t->id = id;
		name = realloc(t->name, cap * sizeof(*name));
		if (!name)
			return -ENOMEM;
		t->name = name;
		t->cap = cap;
	}
	t->id[t->n] = r->id;
	if (*r->name)
		snprintf(t->name[t->n], sizeof(t->name[0]), "%s", r->name);
	else
		snprintf(t->name[t->n], sizeof(t->name[0]), "(anon:%" PRIu64 ")", r->id);
	t->n++;
	return 0;
}

static int top_key_cmp(const void *a, const void *b)
{
	const struct ipcx_nl_lock *x = &((const struct top_lock *)a)->l;
	const struct ipcx_nl_lock *y = &((const struct top_lock *)b)->l;

	if (x->region_id != y->region_id)
		return x->region_id < y->region_id ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_u64_desc(uint64_t x, uint64_t y)
{
	return x < y ? 1 : x > y ? -1 : 0;
}

static int top_rank_cmp(const void *a, const void *b)
{
	const struct top_lock *x = a, *y = b;
	int r;

	if (x->d.seconds > 0 || y->d.seconds > 0) {
		r = cmp_u64_desc(x->d.contended, y->d.contended);
		if (!r)
			r = cmp_u64_desc(x->d.wait_ns, y->d.wait_ns);
		if (!r)
			r = cmp_u64_desc(x->d.acquisitions, y->d.acquisitions);
		if (r)
			return r;
	}
	r = cmp_u64_desc(x->l.contended, y->l.contended);
	if (!r)
		r = cmp_u64_desc(x->l.wait_total_ns, y->l.wait_total_ns);
	if (!r)
		r = cmp_u64_desc(x->l.acquisitions, y->l.acquisitions);
	return r;
}

/* Counters that went down belong to a new lock at the same place: from 0. */
static uint64_t counter_delta(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : now;
}

/* Each lock of the current sample against the same lock of the previous. */
static void top_deltas(struct top_ctx *c)
{
	double seconds = (double)(c->cur.when_ns - c->prev.when_ns) / 1e9;
	size_t i;

	for (i = 0; i < c->cur.n && c->prev.n; i++) {
		struct top_lock *t = &c->cur.v[i];
		const struct top_lock *p = bsearch(t, c->prev.v, c->prev.n,
						   sizeof(*p), top_key_cmp);

		if (!p)
			continue;	/* new since the last screen */
		t->d.seconds = seconds > 0 ? seconds : 1e-9;
		t->d.acquisitions = counter_delta(t->l.acquisitions, p->l.acquisitions);
		t->d.contended = counter_delta(t->l.contended, p->l.contended);
		t->d.wait_ns = counter_delta(t->l.wait_total_ns, p->l.wait_total_ns);
	}
}

static uint64_t top_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Take a new sample; the current one becomes the previous. */
static int top_collect(struct top_ctx *c)
{
	struct top_regions t = { 0 };
	struct top_sample swap;
	size_t i;
	int ret;

	swap = c->prev;
	c->prev = c->cur;
	c->cur = swap;
	c->cur.n = 0;
	c->cur.when_ns = top_now_ns();
	ret = ipcx_nl_list_regions(c->nl, top_region_cb, &t);
	for (i = 0; !ret && i < t.n; i++) {
		c->region = t.name[i];
		ret = ipcx_nl_list_locks(c->nl, NULL, t.id[i], top_lock_cb, c);
		/* gone meanwhile, or not ours to read (as ipcs would not show it) */
		if (ret == -ENOENT || ret == -EACCES)
			ret = 0;
	}
	free(t.id);
	free(t.name);
	if (ret)
		return ret;
	if (c->cur.n)	/* v may be NULL: nothing to sort (qsort wants an array) */
		qsort(c->cur.v, c->cur.n, sizeof(*c->cur.v), top_key_cmp);
	top_deltas(c);
	return 0;
}

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static void top_row(const struct top_lock *t)
{
	char state[32], holder[40], wait[16], max[16];
	const struct lock_delta *d = &t->d;

	if (t->l.holder_pid)
		snprintf(holder, sizeof(holder), "%u/%s", t->l.holder_pid, t->l.holder_comm);
	else
		snprintf(holder, sizeof(holder), "-");
	printf("%-20s %8" PRIu64 " %-6s %-14s %-20s %4u ", t->region, t->l.offset,
	       kind_name(t->l.kind), lock_state(&t->l, state, sizeof(state)), holder,
	       t->l.waiters);
	if (d->seconds > 0)
		printf("%10.0f %9.0f %9s", (double)d->acquisitions / d->seconds,
		       (double)d->contended / d->seconds,
		       fmt_ns((uint64_t)((double)d->wait_ns / d->seconds), wait, sizeof(wait)));
	else
		printf("%10s %9s %9s", "-", "-", "-");
	printf(" %10" PRIu64 " %9" PRIu64 " %9s %6" PRIu64 "\n", t->l.acquisitions,
	       t->l.contended, fmt_ns(t->l.wait_max_ns, max, sizeof(max)), t->l.owner_deaths);
}

struct top_opts {
	bool json, once;
	double interval;	/* seconds between samples */
	int limit;		/* rows */
};

static void top_print(const struct top_opts *o, struct top_ctx *c)
{
	struct top_sample *s = &c->cur;
	size_t i, n = s->n < (size_t)o->limit ? s->n : (size_t)o->limit;
	char when[32];

	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), top_rank_cmp);
	if (o->json) {
		fputs("[", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n " : " ", stdout);
			lock_json(stdout, &s->v[i].l, s->v[i].region, &s->v[i].d);
		}
		fputs(n ? "\n]\n" : "]\n", stdout);
	} else {
		if (!o->once && isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		printf("ipcx top - %s - %zu locks, most contended in the last %.1f s first\n\n",
		       fmt_time((uint64_t)time(NULL) * 1000000000ull, when, sizeof(when)), s->n,
		       o->interval);
		printf("%-20s %8s %-6s %-14s %-20s %4s %10s %9s %9s %10s %9s %9s %6s\n",
		       "REGION", "OFFSET", "KIND", "STATE", "HOLDER", "WAIT", "ACQ/s", "CONT/s",
		       "WAITED/s", "ACQUIRED", "CONTENDED", "WAIT-MAX", "DEATHS");
		for (i = 0; i < n; i++)
			top_row(&s->v[i]);
	}
	/* back in key order for the next sample's lookups */
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), top_key_cmp);
}

static void top_sleep(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal ends it early */
}

/*
 * Every interval, one screen ranked by the last interval's movement;
 * --once: two samples one interval apart, one screen, exit.
 */
/* Options of top; returns -1 to go on, or the exit code. */
static int top_args(const struct cmd *cmd, int argc, char **argv, struct top_opts *o)
{
	char *end;
	int c;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 1:
			o->once = true;
			break;
		case 'i':
			o->interval = strtod(optarg, &end);
			if (!*optarg || *end || !(o->interval > 0 && o->interval <= 86400))
				return usage_error(cmd, "invalid --interval '%s': seconds, "
						   "more than 0, at most 86400", optarg);
			break;
		case 2:
			o->limit = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || o->limit <= 0)
				return usage_error(cmd, "invalid --limit '%s': a number of "
						   "rows, more than 0", optarg);
			break;
		default:
			return c - OPT_EXIT;
		}
	}
	return cmd_args(cmd, argc, argv, 0, 0, "") ?: -1;
}

int cmd_top(const struct cmd *cmd, int argc, char **argv)
{
	struct top_opts top = { .json = global_json, .interval = 1.0, .limit = 20 };
	const struct top_opts *o = &top;
	struct top_ctx c = { 0 };
	struct sigaction sa;
	int ret;

	ret = top_args(cmd, argc, argv, &top);
	if (ret >= 0)
		return ret;
	ret = open_nl_or_explain(&c.nl);
	if (ret)
		return ret;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->once) {
		ret = top_collect(&c);
		if (!ret)
			top_sleep(o->interval);
	}
	while (!ret && !top_stop) {
		ret = top_collect(&c);
		if (ret)
			break;
		top_print(o, &c);
		fflush(stdout);
		if (o->once)
			break;
		top_sleep(o->interval);
	}
	if (ret)
		ret = report(cmd, c.nl, "sampling the locks", ret);
	free(c.cur.v);
	free(c.prev.v);
	ipcx_nl_close(c.nl);
	return ret;
}
