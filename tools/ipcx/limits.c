// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: limits, the module's limits and what is used of them, one
 * row per resource (as lsipc --global; ipcs -l and -u together): those of
 * each IPC namespace, with the counts of all of them; then the per-user
 * budgets with the caller's own use (the module reports it for the sender
 * of the request), and RLIMIT_MEMLOCK, which bounds the pages that
 * declared locks pin.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/resource.h>

#include "ipcx.h"

struct limit_row {
	const char *resource;	/* the module parameter, or the counter */
	const char *desc;
	bool has_limit, has_used, bytes;
	uint64_t limit, used;
	bool unlimited;		/* no limit applies: "unlimited", JSON null */
};

#define LIMIT(row) ((const struct limit_row *)(row))

static void get_resource(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", LIMIT(row)->resource);
}

static void get_desc(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", LIMIT(row)->desc);
}

static void get_value(const struct limit_row *r, bool has, uint64_t v,
		      const struct out *o, char *buf, size_t len)
{
	if (!has)
		snprintf(buf, len, "%s", o->json ? "" : "-");
	else if (r->bytes && !o->json && !o->bytes)
		fmt_size(v, buf, len);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static void get_limit(const void *row, const struct out *o, char *buf, size_t len)
{
	if (LIMIT(row)->unlimited) {
		snprintf(buf, len, "%s", o->json ? "" : "unlimited");
		return;
	}
	get_value(LIMIT(row), LIMIT(row)->has_limit, LIMIT(row)->limit, o, buf, len);
}

static void get_used(const void *row, const struct out *o, char *buf, size_t len)
{
	get_value(LIMIT(row), LIMIT(row)->has_used, LIMIT(row)->used, o, buf, len);
}

static void get_use(const void *row, const struct out *o, char *buf, size_t len)
{
	const struct limit_row *r = row;

	if (!r->has_limit || !r->has_used || !r->limit || r->unlimited)
		snprintf(buf, len, "%s", o->json ? "" : "-");
	else
		snprintf(buf, len, "%.2f%s", 100.0 * (double)r->used / (double)r->limit,
			 o->json ? "" : "%");
}

static const struct col limit_cols[] = {
	{ "RESOURCE", "resource", COL_STR, false, "module parameter or counter", get_resource },
	{ "DESCRIPTION", "description", COL_STR, false, "what it counts", get_desc },
	{ "LIMIT", "limit", COL_NUM, true, "the limit (bytes with --bytes)", get_limit },
	{ "USED", "used", COL_NUM, true, "in use now (bytes with --bytes)", get_used },
	{ "USE%", "use_percent", COL_NUM, true, "used, in percent of the limit", get_use },
};

#define MAX_ROWS 16
#define HAS(st, a) (((st)->present >> (a)) & 1)

/* A per-user budget, where the module reports it (an older one does not). */
static struct limit_row user_row(const struct ipcx_nl_stats *st, const char *resource,
				 const char *desc, int limit_attr, uint64_t limit,
				 int used_attr, uint64_t used, bool bytes)
{
	return (struct limit_row){ resource, desc, HAS(st, limit_attr), HAS(st, used_attr),
				   bytes, limit, used, false };
}

/* RLIMIT_MEMLOCK is this process's: the kernel checks the declarer's own. */
static struct limit_row memlock_row(const struct ipcx_nl_stats *st)
{
	struct limit_row r = {
		"RLIMIT_MEMLOCK", "lock pages your user pinned; a declared lock pins its page",
		true, HAS(st, IPCX_NL_STATS_A_USER_LOCKED_BYTES), true,
		0, st->user_locked_bytes, false,
	};
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		r.has_limit = false;
	else if (rl.rlim_cur == RLIM_INFINITY)
		r.unlimited = true;
	else
		r.limit = rl.rlim_cur;
	return r;
}

/* The rows, in @rows (MAX_ROWS); returns how many. */
static size_t limit_rows(const struct ipcx_nl_stats *st, struct limit_row *rows)
{
	size_t n = 0;

	rows[n++] = (struct limit_row){ "max_regions", "live regions, named or anonymous",
					true, true, false, st->max_regions, st->regions, false };
	rows[n++] = (struct limit_row){ "max_total_bytes", "bytes of all regions, page-rounded",
					true, true, true, st->max_total_bytes, st->bytes, false };
	rows[n++] = (struct limit_row){ "max_region_bytes", "size of one region",
					true, false, true, st->max_region_bytes, 0, false };
	rows[n++] = (struct limit_row){ "max_locks_per_region", "declared locks of one region",
					true, false, false, st->max_locks_per_region, 0, false };
	rows[n++] = (struct limit_row){ "locks", "declared locks, all regions",
					false, true, false, 0, st->locks, false };
	rows[n++] = (struct limit_row){ "owners", "registered lock owner ids",
					false, true, false, 0, st->owners, false };
	rows[n++] = user_row(st, "max_subscribers", "sockets subscribed to events, all users",
			     IPCX_NL_STATS_A_MAX_SUBSCRIBERS, st->max_subscribers,
			     IPCX_NL_STATS_A_SUBSCRIBERS, st->subscribers, false);
	rows[n++] = user_row(st, "max_user_regions", "regions you created, all namespaces",
			     IPCX_NL_STATS_A_MAX_USER_REGIONS, st->max_user_regions,
			     IPCX_NL_STATS_A_USER_REGIONS, st->user_regions, false);
	rows[n++] = user_row(st, "max_user_bytes", "bytes of the regions you sized last",
			     IPCX_NL_STATS_A_MAX_USER_BYTES, st->max_user_bytes,
			     IPCX_NL_STATS_A_USER_BYTES, st->user_bytes, true);
	rows[n++] = user_row(st, "max_user_locks", "locks you declared, all regions",
			     IPCX_NL_STATS_A_MAX_USER_LOCKS, st->max_user_locks,
			     IPCX_NL_STATS_A_USER_LOCKS, st->user_locks, false);
	rows[n++] = user_row(st, "max_user_owners", "owner ids of your threads",
			     IPCX_NL_STATS_A_MAX_USER_OWNERS, st->max_user_owners,
			     IPCX_NL_STATS_A_USER_OWNERS, st->user_owners, false);
	rows[n++] = user_row(st, "max_user_subscribers", "your sockets subscribed to events",
			     IPCX_NL_STATS_A_MAX_USER_SUBSCRIBERS, st->max_user_subscribers,
			     IPCX_NL_STATS_A_USER_SUBSCRIBERS, st->user_subscribers, false);
	rows[n++] = memlock_row(st);
	return n;
}

int cmd_limits(const struct cmd *cmd, int argc, char **argv)
{
	struct table t = {
		.cols = limit_cols,
		.ncols = sizeof(limit_cols) / sizeof(limit_cols[0]),
		.text_default = "RESOURCE,DESCRIPTION,LIMIT,USED,USE%",
		.json_default = "RESOURCE,DESCRIPTION,LIMIT,USED,USE%",
	};
	struct ipcx_nl_stats st;
	struct out o = { .json = global_json };
	struct ipcx_nl *nl;
	size_t i;
	int ret;

	while ((ret = cmd_getopt(cmd, argc, argv)) != -1) {
		if (ret >= OPT_EXIT)
			return ret - OPT_EXIT;
		out_option(&o, ret, optarg);
	}
	if (cmd_args(cmd, argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	ret = table_init(&t, cmd, &o);
	if (ret >= 0)
		return ret;
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_get_stats(nl, &st, sizeof(st));
	if (ret) {
		ret = report(cmd, nl, "asking the module", ret);
	} else {
		struct limit_row rows[MAX_ROWS];
		size_t n = limit_rows(&st, rows);

		for (i = 0; !ret && i < n; i++)
			ret = table_add(&t, &rows[i]);
		if (ret)
			ret = report(cmd, NULL, "formatting", ret);
		else
			table_print(&t);
	}
	table_free(&t);
	ipcx_nl_close(nl);
	return ret;
}
