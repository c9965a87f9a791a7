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

/* Movement of one lock's counters over one top interval. */
struct lock_delta {
	double seconds;		/* 0: no earlier sample of this lock */
	uint64_t acquisitions, contended, wait_ns;
};

static void lock_json(FILE *out, const struct ipcx_nl_lock *l, const char *region,
		      const struct lock_delta *d)
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
	fprintf(out, ", \"last_death_time_ns\": %" PRIu64, l->death_time_ns);
	if (d)
		fprintf(out, ", \"interval_s\": %.3f, \"delta_acquisitions\": %" PRIu64
			", \"delta_contended\": %" PRIu64 ", \"delta_wait_ns\": %" PRIu64,
			d->seconds, d->acquisitions, d->contended, d->wait_ns);
	fputs("}", out);
}

/* ---- the columns of a lock (locks) --------------------------------------- */

#define LOCK(row) ((const struct ipcx_nl_lock *)(row))

static void get_region_id(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, LOCK(row)->region_id);
}

static void get_offset(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, LOCK(row)->offset);
}

static void get_kind(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", kind_name(LOCK(row)->kind));
}

static void get_word(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", LOCK(row)->word);
}

static void get_state(const void *row, const struct out *o, char *buf, size_t len)
{
	char state[32];

	snprintf(buf, len, "%s", lock_state(LOCK(row), state, sizeof(state)));
}

static void get_holder(const void *row, const struct out *o, char *buf, size_t len)
{
	if (LOCK(row)->holder_pid)
		snprintf(buf, len, "%u/%s", LOCK(row)->holder_pid, LOCK(row)->holder_comm);
	else
		snprintf(buf, len, "-");
}

static void get_holder_pid(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", LOCK(row)->holder_pid);
}

static void get_holder_tgid(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", LOCK(row)->holder_tgid);
}

static void get_holder_comm(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", LOCK(row)->holder_comm);
}

static void get_waiters(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", LOCK(row)->waiters);
}

static void get_acquisitions(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, LOCK(row)->acquisitions);
}

static void get_contended(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, LOCK(row)->contended);
}

static void get_ns(uint64_t ns, const struct out *o, char *buf, size_t len)
{
	if (o->json)
		snprintf(buf, len, "%" PRIu64, ns);
	else
		fmt_ns(ns, buf, len);
}

static void get_wait_sum(const void *row, const struct out *o, char *buf, size_t len)
{
	get_ns(LOCK(row)->wait_total_ns, o, buf, len);
}

static void get_wait_max(const void *row, const struct out *o, char *buf, size_t len)
{
	get_ns(LOCK(row)->wait_max_ns, o, buf, len);
}

static void get_deaths(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, LOCK(row)->owner_deaths);
}

static void get_last_death(const void *row, const struct out *o, char *buf, size_t len)
{
	const struct ipcx_nl_lock *l = row;
	char when[32];

	if (l->owner_deaths)
		snprintf(buf, len, "%u/%s %s", l->death_pid, l->death_comm,
			 fmt_time(l->death_time_ns, when, sizeof(when)));
	else
		snprintf(buf, len, "-");
}

static void get_death_pid(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", LOCK(row)->death_pid);
}

static void get_death_comm(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", LOCK(row)->death_comm);
}

static void get_death_time(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->json)
		snprintf(buf, len, "%" PRIu64, LOCK(row)->death_time_ns);
	else
		fmt_time(LOCK(row)->death_time_ns, buf, len);
}

static const struct col lock_cols[] = {
	{ "REGION-ID", "region_id", COL_NUM, true, "the region's id", get_region_id },
	{ "OFFSET", "offset", COL_NUM, true, "offset of the lock word", get_offset },
	{ "KIND", "kind", COL_STR, false, "mutex, event, sem or rwlock", get_kind },
	{ "WORD", "word", COL_NUM, true, "the lock word", get_word },
	{ "STATE", "state", COL_STR, false, "the lock word, in words", get_state },
	{ "HOLDER", "holder", COL_STR, false, "holder as pid/comm", get_holder },
	{ "HOLDER-PID", "holder_pid", COL_NUM, true, "holder's pid (0: none)", get_holder_pid },
	{ "HOLDER-TGID", "holder_tgid", COL_NUM, true, "holder's process", get_holder_tgid },
	{ "HOLDER-COMM", "holder_comm", COL_STR, false, "holder's command", get_holder_comm },
	{ "WAIT", "waiters", COL_NUM, true, "sleepers in the kernel", get_waiters },
	{ "ACQUIRED", "acquisitions", COL_NUM, true, "acquisitions through the kernel",
	  get_acquisitions },
	{ "CONTENDED", "contended", COL_NUM, true, "acquisitions that waited", get_contended },
	{ "WAIT-SUM", "wait_total_ns", COL_NUM, true, "time waited, all waiters", get_wait_sum },
	{ "WAIT-MAX", "wait_max_ns", COL_NUM, true, "longest wait", get_wait_max },
	{ "DEATHS", "owner_deaths", COL_NUM, true, "holders that died holding it", get_deaths },
	{ "LAST-DEATH", "last_death", COL_STR, false, "the last of them: pid/comm time",
	  get_last_death },
	{ "DEATH-PID", "last_death_pid", COL_NUM, true, "its pid", get_death_pid },
	{ "DEATH-COMM", "last_death_comm", COL_STR, false, "its command", get_death_comm },
	{ "DEATH-TIME", "last_death_time_ns", COL_NUM, false, "when (JSON: ns since the epoch)",
	  get_death_time },
};

static int locks_one(const struct ipcx_nl_lock *l, void *arg)
{
	return table_add(arg, l);
}

int cmd_locks(const struct cmd *cmd, int argc, char **argv)
{
	struct table t = {
		.cols = lock_cols,
		.ncols = sizeof(lock_cols) / sizeof(lock_cols[0]),
		.text_default = "OFFSET,KIND,STATE,HOLDER,WAIT,ACQUIRED,CONTENDED,WAIT-SUM,"
				"WAIT-MAX,DEATHS,LAST-DEATH",
		.json_default = "REGION-ID,OFFSET,KIND,WORD,STATE,HOLDER-PID,HOLDER-TGID,"
				"HOLDER-COMM,WAIT,ACQUIRED,CONTENDED,WAIT-SUM,WAIT-MAX,DEATHS,"
				"DEATH-PID,DEATH-COMM,DEATH-TIME",
	};
	struct out o = { .json = global_json };
	struct ipcx_nl_region r;
	struct ipcx_nl *nl;
	const char *name;
	int ret;

	while ((ret = cmd_getopt(cmd, argc, argv)) != -1) {
		if (ret >= OPT_EXIT)
			return ret - OPT_EXIT;
		out_option(&o, ret, optarg);
	}
	ret = table_init(&t, cmd, &o);	/* first: --output help needs no NAME */
	if (ret >= 0)
		return ret;
	if (cmd_args(cmd, argc, argv, 1, 1, "NAME") || check_name(cmd, argv[optind]))
		return EXIT_USAGE;
	name = argv[optind];
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	/* a lookup first, so that a missing name is an error, not an empty list */
	ret = ipcx_nl_get_region(nl, name, 0, &r);
	if (!ret)
		ret = ipcx_nl_list_locks(nl, NULL, r.id, locks_one, &t);
	if (ret)
		ret = report(cmd, nl, name, ret);
	else
		table_print(&t);
	table_free(&t);
	ipcx_nl_close(nl);
	return ret;
}

/* ---- top ---------------------------------------------------------------- */

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
