// SPDX-License-Identifier: GPL-2.0
/* ipcx command: ls, stat, create, rm. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcx.h"

/* ---- the columns of a region (ls, stat) ---------------------------------- */

#define REGION(row) ((const struct ipcx_nl_region *)(row))

static void get_id(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, REGION(row)->id);
}

static void get_name(const void *row, const struct out *o, char *buf, size_t len)
{
	const char *name = REGION(row)->name;

	snprintf(buf, len, "%s", *name || o->json ? name : "(anon)");
}

/* bytes: the raw count with --bytes or JSON, else human-readable */
static void put_bytes(uint64_t v, const struct out *o, char *buf, size_t len)
{
	if (o->json || o->bytes)
		snprintf(buf, len, "%" PRIu64, v);
	else
		fmt_size(v, buf, len);
}

static void get_size(const void *row, const struct out *o, char *buf, size_t len)
{
	put_bytes(REGION(row)->size, o, buf, len);
}

static void get_owner(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->numeric)
		snprintf(buf, len, "%u", REGION(row)->uid);
	else
		fmt_user(REGION(row)->uid, buf, len);
}

static void get_uid(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", REGION(row)->uid);
}

static void get_group(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->numeric)
		snprintf(buf, len, "%u", REGION(row)->gid);
	else
		fmt_group(REGION(row)->gid, buf, len);
}

static void get_gid(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", REGION(row)->gid);
}

static void get_mode(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%04o", REGION(row)->mode);
}

static void get_lifetime(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", lifetime_name(REGION(row)->lifetime));
}

static void get_nattach(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", REGION(row)->nattach);
}

static void get_nmaps(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", REGION(row)->nmaps);
}

static void get_nlocks(const void *row, const struct out *o, char *buf, size_t len)
{
	snprintf(buf, len, "%u", REGION(row)->nlocks);
}

/* JSON: the IPCX_SEAL_* bits, as ever; text: the words ("-": none) */
static void get_seals(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->json)
		snprintf(buf, len, "%u", REGION(row)->seals);
	else
		fmt_seals(REGION(row)->seals, buf, len);
}

static void get_seal_names(const void *row, const struct out *o, char *buf, size_t len)
{
	fmt_seals(REGION(row)->seals, buf, len);
	if (o->json && !strcmp(buf, "-"))
		buf[0] = '\0';
}

static void get_ctime(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->json)
		snprintf(buf, len, "%" PRIu64, REGION(row)->ctime_ns);
	else
		fmt_time(REGION(row)->ctime_ns, buf, len);
}

static void get_page_size(const void *row, const struct out *o, char *buf, size_t len)
{
	put_bytes(REGION(row)->page_size, o, buf, len);
}

static void get_resident(const void *row, const struct out *o, char *buf, size_t len)
{
	put_bytes(REGION(row)->resident, o, buf, len);
}

static void get_swapped(const void *row, const struct out *o, char *buf, size_t len)
{
	put_bytes(REGION(row)->swapped, o, buf, len);
}

static void get_linked(const void *row, const struct out *o, char *buf, size_t len)
{
	if (o->json)
		snprintf(buf, len, "%s", REGION(row)->linked ? "true" : "false");
	else
		snprintf(buf, len, "%s", REGION(row)->linked ? "yes" : "no");
}

static const struct col region_cols[] = {
	{ "ID", "id", COL_NUM, true, "region id", get_id },
	{ "NAME", "name", COL_STR, false, "name, (anon) for anonymous regions", get_name },
	{ "SIZE", "size", COL_NUM, true, "size (bytes with --bytes)", get_size },
	{ "OWNER", "owner", COL_STR, false, "owner's user name (uid with --numeric)", get_owner },
	{ "UID", "uid", COL_NUM, true, "owner's uid", get_uid },
	{ "GROUP", "group", COL_STR, false, "group name (gid with --numeric)", get_group },
	{ "GID", "gid", COL_NUM, true, "group id", get_gid },
	{ "MODE", "mode", COL_STR, false, "permission bits, octal", get_mode },
	{ "LIFETIME", "lifetime", COL_STR, false, "persistent, auto or lease", get_lifetime },
	{ "ATTACH", "nattach", COL_NUM, true, "attached /dev/ipcx files", get_nattach },
	{ "MAPS", "nmaps", COL_NUM, true, "mappings", get_nmaps },
	{ "LOCKS", "nlocks", COL_NUM, true, "declared locks", get_nlocks },
	{ "SEALS", "seals", COL_NUM, false,
	  "seals in force: write, resize, seal (JSON: IPCX_SEAL_* bits)", get_seals },
	{ "SEAL-NAMES", "seal_names", COL_STRV, false, "seals in force, as words",
	  get_seal_names },
	{ "CREATED", "ctime_ns", COL_NUM, false, "creation time (JSON: ns since the epoch)",
	  get_ctime },
	{ "LINKED", "linked", COL_BOOL, false, "whether the name is still there", get_linked },
	{ "PAGESIZE", "page_size", COL_NUM, true, "size of its pages (bytes with --bytes)",
	  get_page_size },
	{ "RESIDENT", "resident", COL_NUM, true, "of it in memory (bytes with --bytes)",
	  get_resident },
	{ "SWAPPED", "swapped", COL_NUM, true, "of it in swap (bytes with --bytes)",
	  get_swapped },
};

#define REGION_TABLE(text) { \
	.cols = region_cols, \
	.ncols = sizeof(region_cols) / sizeof(region_cols[0]), \
	.text_default = text, \
	.json_default = "ID,NAME,SIZE,UID,GID,MODE,LIFETIME,SEALS,CREATED,ATTACH,MAPS," \
			"LOCKS,LINKED,OWNER,GROUP,SEAL-NAMES,PAGESIZE,RESIDENT,SWAPPED", \
}

/* Options of ls and stat; returns -1 to go on, or the exit code. */
static int out_opts(const struct cmd *cmd, int argc, char **argv, struct out *o)
{
	int c;

	o->json = global_json;
	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c >= OPT_EXIT)
			return c - OPT_EXIT;
		if (out_option(o, c, optarg))
			return EXIT_USAGE;	/* cannot happen: the table has no other */
	}
	return -1;
}

static int ls_row(const struct ipcx_nl_region *r, void *arg)
{
	return table_add(arg, r);
}

int cmd_ls(const struct cmd *cmd, int argc, char **argv)
{
	struct table t = REGION_TABLE("ID,NAME,SIZE,PAGESIZE,OWNER,GROUP,MODE,LIFETIME,ATTACH,"
				      "MAPS,LOCKS,SEALS,CREATED");
	struct ipcx_nl *nl;
	struct out o = { 0 };
	int ret;

	ret = out_opts(cmd, argc, argv, &o);
	if (ret < 0)
		ret = table_init(&t, cmd, &o);
	if (ret < 0)
		ret = cmd_args(cmd, argc, argv, 0, 0, "") ?: -1;
	if (ret >= 0)
		return ret;
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_list_regions(nl, ls_row, &t);
	if (ret)
		ret = report(cmd, nl, "listing the regions", ret);
	else
		table_print(&t);
	table_free(&t);
	ipcx_nl_close(nl);
	return ret;
}

int cmd_stat(const struct cmd *cmd, int argc, char **argv)
{
	struct table t = REGION_TABLE("NAME,ID,SIZE,PAGESIZE,RESIDENT,SWAPPED,OWNER,UID,GROUP,"
				      "GID,MODE,LIFETIME,LINKED,SEALS,CREATED,ATTACH,MAPS,"
				      "LOCKS");
	struct ipcx_nl_region r;
	struct out o = { 0 };
	struct ipcx_nl *nl;
	const char *name;
	int ret;

	ret = out_opts(cmd, argc, argv, &o);
	if (ret < 0)	/* first: --output help needs no NAME */
		ret = table_init(&t, cmd, &o);
	if (ret < 0)
		ret = cmd_args(cmd, argc, argv, 1, 1, "NAME") ?: -1;
	if (ret < 0)
		ret = check_name(cmd, argv[optind]) ?: -1;
	if (ret >= 0)
		return ret;
	name = argv[optind];
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_get_region(nl, name, 0, &r);
	if (ret)
		ret = report(cmd, nl, name, ret);
	else
		ret = table_add(&t, &r);
	if (!ret)
		table_print_record(&t);
	else if (ret < 0)
		ret = report(cmd, NULL, name, ret);
	table_free(&t);
	ipcx_nl_close(nl);
	return ret;
}

/* ---- create ---------------------------------------------------------------- */

static int parse_lifetime(const char *s, unsigned int *lt)
{
	if (!strcmp(s, "persistent"))
		*lt = IPCX_LIFETIME_PERSISTENT;
	else if (!strcmp(s, "auto") || !strcmp(s, "auto-remove"))
		*lt = IPCX_LIFETIME_AUTO_REMOVE;
	else if (!strcmp(s, "lease"))
		*lt = IPCX_LIFETIME_LEASE;
	else
		return -1;
	return 0;
}

struct create_opts {
	bool json;
	unsigned int mode, lifetime, flags;
	uint64_t bytes;
};

/* Options and arguments of create; returns -1 to go on, or the exit code. */
static int create_args(const struct cmd *cmd, int argc, char **argv, struct create_opts *co)
{
	char *end;
	int c;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		switch (c) {
		case 'j':
			co->json = true;
			break;
		case 'm':
			co->mode = (unsigned int)strtoul(optarg, &end, 8);
			if (!*optarg || *end || co->mode & ~0777u)
				return usage_error(cmd, "invalid --mode '%s': octal permission "
						   "bits, at most 0777", optarg);
			break;
		case 'H':
			co->flags |= IPCX_OPEN_HUGE_THP;
			break;
		case 'l':
			if (parse_lifetime(optarg, &co->lifetime))
				return usage_error(cmd, "invalid --lifetime '%s': persistent, "
						   "auto or lease", optarg);
			break;
		default:
			return c - OPT_EXIT;
		}
	}
	if (cmd_args(cmd, argc, argv, 2, 2, argc - optind ? "SIZE" : "NAME and SIZE"))
		return EXIT_USAGE;
	if (check_name(cmd, argv[optind]))
		return EXIT_USAGE;
	if (parse_size(argv[optind + 1], &co->bytes))
		return usage_error(cmd, "invalid SIZE '%s': bytes > 0, or with K, M, G "
				   "(powers of 1024)", argv[optind + 1]);
	return -1;
}

static void create_print(const struct create_opts *co, const char *name,
			 const struct ipcx_region_stat *st)
{
	char size[16];

	if (co->json) {
		printf("{\"id\": %llu, \"name\": ", (unsigned long long)st->id);
		json_str(stdout, name);
		printf(", \"size\": %llu, \"lifetime\": \"%s\"}\n",
		       (unsigned long long)st->size, lifetime_name(co->lifetime));
		return;
	}
	printf("created %s: id %llu, %s, mode %04o, lifetime %s\n", name,
	       (unsigned long long)st->id, fmt_size(st->size, size, sizeof(size)),
	       co->mode, lifetime_name(co->lifetime));
	if (co->lifetime == IPCX_LIFETIME_PERSISTENT)
		printf("note: a persistent region outlives this command; remove it with 'ipcx rm %s'\n",
		       name);
	else
		printf("note: a %s region goes away as this command exits\n",
		       lifetime_name(co->lifetime));
}

int cmd_create(const struct cmd *cmd, int argc, char **argv)
{
	struct create_opts co = { .json = global_json, .mode = 0600,
				  .lifetime = IPCX_LIFETIME_PERSISTENT };
	struct ipcx_region_stat st;
	const char *name;
	int fd, ret;

	ret = create_args(cmd, argc, argv, &co);
	if (ret >= 0)
		return ret;
	name = argv[optind];
	/* the device first: its absence is not the region's error */
	ret = probe_dev();
	if (ret)
		return ret;
	fd = ipcx_region_create(name, co.bytes, co.mode, co.lifetime,
				IPCX_OPEN_EXCL | co.flags);
	if (fd < 0)
		return report(cmd, NULL, name, fd);
	ret = ipcx_region_stat(fd, &st);
	if (ret)
		ret = report(cmd, NULL, name, ret);
	else
		create_print(&co, name, &st);
	close(fd);
	return ret;
}

int cmd_rm(const struct cmd *cmd, int argc, char **argv)
{
	struct ipcx_nl *nl;
	int c, ret;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1)
		return c - OPT_EXIT;	/* only --help and errors */
	if (cmd_args(cmd, argc, argv, 1, 1, "NAME") || check_name(cmd, argv[optind]))
		return EXIT_USAGE;
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_delete(nl, argv[optind]);
	if (ret)
		ret = report(cmd, nl, argv[optind], ret);
	ipcx_nl_close(nl);
	return ret;
}
