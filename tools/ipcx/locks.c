// SPDX-License-Identifier: GPL-2.0
/* ipcx command: locks (one region's locks) and top (most contended locks). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcx.h"

/* What a lock word says, in words. */
static const char *lock_state(const struct ipcx_nl_lock *l, char *buf, size_t len)
{
	uint32_t w = l->word;

	switch (l->kind) {
	case IPCX_LOCK_MUTEX:
		if ((w & IPCX_OWNER_ID_MASK) == IPCX_OWNER_NOTRECOVERABLE)
			return "unrecoverable";
		snprintf(buf, len, "%s%s", (w & IPCX_OWNER_ID_MASK) ? "locked" : "free",
			 (w & IPCX_LOCKW_DIED) ? ",died" : "");
		return buf;
	case IPCX_LOCK_RWLOCK:
		if ((w & IPCX_RWW_WRITER) && (w & IPCX_RWW_ID_MASK) == IPCX_RWW_ID_MASK)
			return "unrecoverable";
		snprintf(buf, len, "%s%s", (w & IPCX_RWW_WRITER) ? "write-locked" : "open",
			 (w & IPCX_LOCKW_DIED) ? ",died" : "");
		return buf;
	case IPCX_LOCK_SEM:
		snprintf(buf, len, "value=%u", w & IPCX_SEM_VALUE_MAX);
		return buf;
	case IPCX_LOCK_EVENT:
		snprintf(buf, len, "seq=%u", w >> 1);
		return buf;
	default:
		snprintf(buf, len, "%#x", w);
		return buf;
	}
}

static void lock_json(FILE *out, const struct ipcx_nl_lock *l, const char *region)
{
	char state[32];

	fprintf(out, "{\"region_id\": %" PRIu64 ", ", l->region_id);
	if (region) {
		fputs("\"region\": ", out);
		json_str(out, region);
		fputs(", ", out);
	}
	fprintf(out, "\"offset\": %" PRIu64 ", \"kind\": \"%s\", \"word\": %u, \"state\": ",
		l->offset, kind_name(l->kind), l->word);
	json_str(out, lock_state(l, state, sizeof(state)));
	fprintf(out, ", \"holder_pid\": %u, \"holder_tgid\": %u, \"holder_comm\": ",
		l->holder_pid, l->holder_tgid);
	json_str(out, l->holder_comm);
	fprintf(out, ", \"waiters\": %u, \"acquisitions\": %" PRIu64 ", \"contended\": %" PRIu64
		", \"wait_total_ns\": %" PRIu64 ", \"wait_max_ns\": %" PRIu64
		", \"owner_deaths\": %" PRIu64 ", \"last_death_pid\": %u, \"last_death_comm\": ",
		l->waiters, l->acquisitions, l->contended, l->wait_total_ns, l->wait_max_ns,
		l->owner_deaths, l->death_pid);
	json_str(out, l->death_comm);
	fprintf(out, ", \"last_death_time_ns\": %" PRIu64 "}", l->death_time_ns);
}

static void lock_row(const struct ipcx_nl_lock *l, const char *region)
{
	char state[32], holder[40], tot[16], max[16], death[64], when[32];

	if (l->holder_pid)
		snprintf(holder, sizeof(holder), "%u/%s", l->holder_pid, l->holder_comm);
	else
		snprintf(holder, sizeof(holder), "-");
	if (l->owner_deaths)
		snprintf(death, sizeof(death), "%u/%s %s", l->death_pid, l->death_comm,
			 fmt_time(l->death_time_ns, when, sizeof(when)));
	else
		snprintf(death, sizeof(death), "-");
	if (region)
		printf("%-20s ", region);
	printf("%8" PRIu64 " %-6s %-14s %-20s %4u %10" PRIu64 " %9" PRIu64 " %9s %9s %6" PRIu64 " %s\n",
	       l->offset, kind_name(l->kind), lock_state(l, state, sizeof(state)), holder,
	       l->waiters, l->acquisitions, l->contended,
	       fmt_ns(l->wait_total_ns, tot, sizeof(tot)),
	       fmt_ns(l->wait_max_ns, max, sizeof(max)), l->owner_deaths, death);
}

static void lock_header(bool region)
{
	if (region)
		printf("%-20s ", "REGION");
	printf("%8s %-6s %-14s %-20s %4s %10s %9s %9s %9s %6s %s\n", "OFFSET", "KIND", "STATE",
	       "HOLDER", "WAIT", "ACQUIRED", "CONTENDED", "WAIT-SUM", "WAIT-MAX", "DEATHS",
	       "LAST-DEATH");
}

struct locks_ctx {
	const struct opts *o;
	int n;
};

static int locks_one(const struct ipcx_nl_lock *l, void *arg)
{
	struct locks_ctx *c = arg;

	if (c->o->json) {
		fputs(c->n ? ",\n " : " ", stdout);
		lock_json(stdout, l, NULL);
	} else {
		lock_row(l, NULL);
	}
	c->n++;
	return 0;
}

int cmd_locks(const struct opts *o, const char *name)
{
	struct locks_ctx c = { .o = o };
	struct ipcx_nl_region r;
	struct ipcx_nl *nl;
	int ret;

	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	/* a lookup first, so that a missing name is an error, not an empty list */
	ret = ipcx_nl_get_region(nl, name, 0, &r);
	if (ret) {
		ret = report(nl, name, ret);
		goto out_close;
	}
	if (o->json)
		fputs("[", stdout);
	else
		lock_header(false);
	ret = ipcx_nl_list_locks(nl, NULL, r.id, locks_one, &c);
	if (o->json)
		fputs(c.n ? "\n]\n" : "]\n", stdout);
	if (ret)
		ret = report(nl, name, ret);
out_close:
	ipcx_nl_close(nl);
	return ret;
}

/* ---- top ---------------------------------------------------------------- */

struct top_lock {
	struct ipcx_nl_lock l;
	char region[IPCX_NAME_MAX + 1];
};

struct top_ctx {
	struct ipcx_nl *nl;
	struct top_lock *v;
	size_t n, cap;
	const char *region;	/* the region being walked */
	int err;
};

static int top_lock_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct top_ctx *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct top_lock *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].l = *l;
	snprintf(c->v[c->n].region, sizeof(c->v[c->n].region), "%s", c->region);
	c->n++;
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

static int top_cmp(const void *a, const void *b)
{
	const struct ipcx_nl_lock *x = &((const struct top_lock *)a)->l;
	const struct ipcx_nl_lock *y = &((const struct top_lock *)b)->l;

	if (x->contended != y->contended)
		return x->contended < y->contended ? 1 : -1;
	if (x->wait_total_ns != y->wait_total_ns)
		return x->wait_total_ns < y->wait_total_ns ? 1 : -1;
	return x->acquisitions < y->acquisitions ? 1 : x->acquisitions > y->acquisitions ? -1 : 0;
}

static int top_collect(struct top_ctx *c)
{
	struct top_regions t = { 0 };
	size_t i;
	int ret;

	c->n = 0;
	ret = ipcx_nl_list_regions(c->nl, top_region_cb, &t);
	for (i = 0; !ret && i < t.n; i++) {
		c->region = t.name[i];
		ret = ipcx_nl_list_locks(c->nl, NULL, t.id[i], top_lock_cb, c);
		if (ret == -ENOENT)	/* gone meanwhile */
			ret = 0;
	}
	free(t.id);
	free(t.name);
	if (!ret)
		qsort(c->v, c->n, sizeof(*c->v), top_cmp);
	return ret;
}

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static void top_print(const struct opts *o, const struct top_ctx *c)
{
	size_t i, n = c->n < (size_t)o->limit ? c->n : (size_t)o->limit;
	char when[32];

	if (o->json) {
		fputs("[", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n " : " ", stdout);
			lock_json(stdout, &c->v[i].l, c->v[i].region);
		}
		fputs(n ? "\n]\n" : "]\n", stdout);
		return;
	}
	if (!o->once && isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
	printf("ipcx top - %s - %zu locks, most contended first\n\n",
	       fmt_time((uint64_t)time(NULL) * 1000000000ull, when, sizeof(when)), c->n);
	lock_header(true);
	for (i = 0; i < n; i++)
		lock_row(&c->v[i].l, c->v[i].region);
}

int cmd_top(const struct opts *o)
{
	struct top_ctx c = { 0 };
	struct sigaction sa;
	int ret;

	ret = open_nl_or_explain(&c.nl);
	if (ret)
		return ret;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!top_stop) {
		struct timespec ts;

		ret = top_collect(&c);
		if (ret) {
			ret = report(c.nl, "top", ret);
			break;
		}
		top_print(o, &c);
		fflush(stdout);
		if (o->once)
			break;
		ts.tv_sec = (time_t)o->interval;
		ts.tv_nsec = (long)((o->interval - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);	/* a signal ends it early */
	}
	free(c.v);
	ipcx_nl_close(c.nl);
	return ret;
}
