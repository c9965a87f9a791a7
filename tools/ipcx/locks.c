// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: locks (one region's locks), and what top (top.c) shows of
 * a lock too: its state in words, its JSON object.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ipcx.h"

/* What a lock word says, in words. */
const char *lock_state(const struct ipcx_nl_lock *l, char *buf, size_t len)
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

void lock_json(FILE *out, const struct ipcx_nl_lock *l, const char *region,
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
	bool waiters = false;
	struct ipcx_nl *nl;
	const char *name;
	int ret;

	while ((ret = cmd_getopt(cmd, argc, argv)) != -1) {
		if (ret >= OPT_EXIT)
			return ret - OPT_EXIT;
		if (ret == 'w')
			waiters = true;
		else
			out_option(&o, ret, optarg);
	}
	if (waiters) {	/* waits.c */
		if (cmd_args(cmd, argc, argv, 1, 1, "NAME") || check_name(cmd, argv[optind]))
			return EXIT_USAGE;
		return locks_waiters(cmd, argv[optind], &o);
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
