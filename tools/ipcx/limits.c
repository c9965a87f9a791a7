// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: limits, the module's limits and what is used of them, one
 * row per resource (as lsipc --global; ipcs -l and -u together).
 */
#include <inttypes.h>
#include <string.h>

#include "ipcx.h"

struct limit_row {
	const char *resource;	/* the module parameter, or the counter */
	const char *desc;
	bool has_limit, has_used, bytes;
	uint64_t limit, used;
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
	get_value(LIMIT(row), LIMIT(row)->has_limit, LIMIT(row)->limit, o, buf, len);
}

static void get_used(const void *row, const struct out *o, char *buf, size_t len)
{
	get_value(LIMIT(row), LIMIT(row)->has_used, LIMIT(row)->used, o, buf, len);
}

static void get_use(const void *row, const struct out *o, char *buf, size_t len)
{
	const struct limit_row *r = row;

	if (!r->has_limit || !r->has_used || !r->limit)
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
	ret = ipcx_nl_stats(nl, &st);
	if (ret) {
		ret = report(cmd, nl, "asking the module", ret);
	} else {
		const struct limit_row rows[] = {
			{ "max_regions", "live regions, named or anonymous", true, true, false,
			  st.max_regions, st.regions },
			{ "max_total_bytes", "bytes of all regions, page-rounded", true, true,
			  true, st.max_total_bytes, st.bytes },
			{ "max_region_bytes", "size of one region", true, false, true,
			  st.max_region_bytes, 0 },
			{ "max_locks_per_region", "declared locks of one region", true, false,
			  false, st.max_locks_per_region, 0 },
			{ "locks", "declared locks, all regions", false, true, false,
			  0, st.locks },
			{ "owners", "registered lock owner ids", false, true, false,
			  0, st.owners },
		};

		for (i = 0; !ret && i < sizeof(rows) / sizeof(rows[0]); i++)
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
