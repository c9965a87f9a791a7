// SPDX-License-Identifier: GPL-2.0
/*
 * The ipcx command against the module, run as a program (build/tools/ipcx,
 * or $IPCX_TOOL): a region's life from create to rm, limits as ipcx_nl_stats() gives them (the per-user
 * budgets with the caller's own use, through ipcx_nl_get_stats()), user and group
 * names (uid 0 is "root") or numbers (--numeric), exact sizes (--bytes),
 * chosen columns (-o) without headings (-n), seals as words, and errors
 * that name the cause and the limit. The grammar and the messages that
 * need no module are checked on the host (tools/ipcx/host-test.sh).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "nl_test_helpers.h"

#include "kselftest_harness.h"

static const char *tool(void)
{
	return nh_tool();
}

/*
 * Run "ipcx ARGS" through the shell, stdout into @out (stderr too when
 * @with_err); returns the exit status, -1 if it did not exit.
 */
static int ipcx(char *out, size_t len, bool with_err, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int off;

	off = snprintf(cmd, sizeof(cmd), "%s ", tool());
	va_start(ap, fmt);
	vsnprintf(cmd + off, sizeof(cmd) - off, fmt, ap);
	va_end(ap);
	strncat(cmd, with_err ? " 2>&1" : " 2>/dev/null", sizeof(cmd) - strlen(cmd) - 1);
	return nh_run(cmd, out, len);
}

/* The line of @text that starts with @start, or NULL. */
static const char *line_starting(const char *text, const char *start)
{
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, start, strlen(start)))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Does a line of @text read @want, runs of blanks taken as one? (widths vary) */
static bool has_row(const char *text, const char *want)
{
	const char *p = text;
	char line[512];

	while (p && *p) {
		size_t n = 0;

		for (; *p && *p != '\n'; p++)
			if (n < sizeof(line) - 1 && (*p != ' ' || (n && line[n - 1] != ' ')))
				line[n++] = *p;
		while (n && line[n - 1] == ' ')
			n--;
		line[n] = '\0';
		if (!strcmp(line, want))
			return true;
		if (*p)
			p++;
	}
	return false;
}

/* "KEY": N in the JSON object that holds "resource": "@res"; -1 if absent. */
static long long limit_field(const char *text, const char *res, const char *key)
{
	return nh_json_field(text, "resource", res, key);
}

/* The module's limits and counts, through the library (0 or -errno). */
static int module_stats(struct ipcx_nl_stats *st)
{
	return lh_stats(st);
}

FIXTURE(cli) {
	char name[64];		/* a region of 1536 bytes, mode 0640, this test's */
	int fd;			/* keeps it (auto-remove: gone with the test) */
	char out[65536];	/* the command's output */
};

FIXTURE_SETUP(cli)
{
	self->fd = -1;
	if (access(tool(), X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", tool());
	if (access(IPCX_DEVICE_PATH, F_OK))
		SKIP(return, "module not loaded");
	snprintf(self->name, sizeof(self->name), "cli-%d", getpid());
	self->fd = ipcx_region_create(self->name, 1536, 0640, IPCX_LIFETIME_AUTO_REMOVE,
				      IPCX_OPEN_EXCL);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(cli)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A region's life through the command: create, ls (text and JSON), stat,
 * locks, top, rm; then stat and rm of the removed name fail with 1 and an
 * unknown command with 2. A dozen runs of the command (each a process and
 * a netlink session) took over the harness's default 30 s on the KASAN
 * kernel of a loaded host: the limit only ends a hung run.
 */
TEST_F_TIMEOUT(cli, create_ls_stat_locks_top_rm, 300)
{
	char name[64];

	snprintf(name, sizeof(name), "cli-%d-life", getpid());
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true,
			  "create %s 64K --mode 640 --lifetime persistent", name)) {
		TH_LOG("%s", self->out);
	}

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "64K")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "NAME")) {
		TH_LOG("%s", self->out);
	}

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls --json")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ('[', self->out[0]) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"size\": 65536")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"mode\": \"0640\"")) {
		TH_LOG("%s", self->out);
	}

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat %s --json", name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"lifetime\": \"persistent\"")) {
		TH_LOG("%s", self->out);
	}

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "locks %s", name)) {
		TH_LOG("%s", self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "locks %s --json", name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ('[', self->out[0]) {
		TH_LOG("%s", self->out);
	}

	EXPECT_EQ(0, ipcx(self->out, sizeof(self->out), true, "top --once")) {
		TH_LOG("%s", self->out);
	}

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "rm %s", name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(1, ipcx(self->out, sizeof(self->out), true, "stat %s", name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(1, ipcx(self->out, sizeof(self->out), true, "rm %s", name)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(2, ipcx(self->out, sizeof(self->out), true, "frobnicate")) {
		TH_LOG("%s", self->out);
	}
}

/* ipcx limits shows what ipcx_nl_stats() says, as text and as JSON. */
TEST_F(cli, limits_match_stats)
{
	struct ipcx_nl_stats st;
	char want[128];

	ASSERT_EQ(0, module_stats(&st));

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "limits --json"));
	EXPECT_EQ(st.max_regions, limit_field(self->out, "max_regions", "limit"));
	EXPECT_EQ(st.regions, limit_field(self->out, "max_regions", "used"));
	EXPECT_EQ(st.max_total_bytes, limit_field(self->out, "max_total_bytes", "limit"));
	EXPECT_EQ(st.bytes, limit_field(self->out, "max_total_bytes", "used"));
	EXPECT_EQ(st.max_region_bytes, limit_field(self->out, "max_region_bytes", "limit"));
	EXPECT_EQ(st.max_locks_per_region,
		  limit_field(self->out, "max_locks_per_region", "limit"));
	EXPECT_EQ(st.locks, limit_field(self->out, "locks", "used"));
	EXPECT_EQ(st.owners, limit_field(self->out, "owners", "used")) {
		TH_LOG("%s", self->out);
	}

	/* text, exact bytes, no headings, two columns */
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true,
			  "limits --bytes -n -o RESOURCE,LIMIT"));
	snprintf(want, sizeof(want), "max_region_bytes %" PRIu64, st.max_region_bytes);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	EXPECT_EQ(NULL, strstr(self->out, "RESOURCE"));
	/* the default: headings and a human size */
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "limits"));
	EXPECT_EQ((const char *)self->out, line_starting(self->out, "RESOURCE")) {
		TH_LOG("%s", self->out);
	}
}

/* The module's limits and counts, all of them (0 or -errno). */
static int module_stats_all(struct ipcx_nl_stats *st)
{
	struct ipcx_nl *nl;
	int ret = ipcx_nl_open(&nl);

	if (ret)
		return ret;
	ret = ipcx_nl_get_stats(nl, st, sizeof(*st));
	ipcx_nl_close(nl);
	return ret;
}

#define PRESENT(st, a) (((st)->present >> (a)) & 1)

/*
 * ipcx limits has a row per per-user budget, with the caller's use of it
 * as the module reports it, and RLIMIT_MEMLOCK with the user's locked
 * memory; this test's own region counts in them.
 */
TEST_F(cli, limits_show_user_budgets)
{
	static const struct {
		const char *res;
		int limit_attr, used_attr;
	} rows[] = {
		{ "max_user_regions", IPCX_NL_STATS_A_MAX_USER_REGIONS, IPCX_NL_STATS_A_USER_REGIONS },
		{ "max_user_bytes", IPCX_NL_STATS_A_MAX_USER_BYTES, IPCX_NL_STATS_A_USER_BYTES },
		{ "max_user_locks", IPCX_NL_STATS_A_MAX_USER_LOCKS, IPCX_NL_STATS_A_USER_LOCKS },
		{ "max_user_owners", IPCX_NL_STATS_A_MAX_USER_OWNERS, IPCX_NL_STATS_A_USER_OWNERS },
		{ "max_user_subscribers", IPCX_NL_STATS_A_MAX_USER_SUBSCRIBERS,
		  IPCX_NL_STATS_A_USER_SUBSCRIBERS },
		{ "max_subscribers", IPCX_NL_STATS_A_MAX_SUBSCRIBERS, IPCX_NL_STATS_A_SUBSCRIBERS },
	};
	struct ipcx_nl_stats st;
	uint64_t limit[6], used[6];
	struct ipcx_mutex m;
	struct rlimit rl;
	void *base;
	size_t i;

	/* a lock of ours: counts in user_locks, its page in the pinned pages */
	ASSERT_EQ(0, ipcx_region_map(self->fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, self->fd, base, 0));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	ASSERT_EQ(0, module_stats_all(&st));
	for (i = 0; i < 6; i++) {
		ASSERT_TRUE(PRESENT(&st, rows[i].limit_attr) && PRESENT(&st, rows[i].used_attr)) {
			TH_LOG("the module does not report %s", rows[i].res);
		}
	}
	limit[0] = st.max_user_regions;		used[0] = st.user_regions;
	limit[1] = st.max_user_bytes;		used[1] = st.user_bytes;
	limit[2] = st.max_user_locks;		used[2] = st.user_locks;
	limit[3] = st.max_user_owners;		used[3] = st.user_owners;
	limit[4] = st.max_user_subscribers;	used[4] = st.user_subscribers;
	limit[5] = st.max_subscribers;		used[5] = st.subscribers;
	/* the fixture's region: made by this euid, 1536 bytes page-rounded */
	EXPECT_LE(1, st.user_regions);
	EXPECT_LE((uint64_t)getpagesize(), st.user_bytes);
	EXPECT_LE(1, st.user_locks);
	EXPECT_LE((uint64_t)getpagesize(), st.user_locked_bytes);
	EXPECT_LE(1, st.user_owners);	/* this thread, registered by the lock */

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "limits --json"));
	for (i = 0; i < 6; i++) {
		EXPECT_EQ((long long)limit[i], limit_field(self->out, rows[i].res, "limit")) {
			TH_LOG("%s: limit in %s", rows[i].res, self->out);
		}
		EXPECT_EQ((long long)used[i], limit_field(self->out, rows[i].res, "used")) {
			TH_LOG("%s: used in %s", rows[i].res, self->out);
		}
	}
	EXPECT_EQ((long long)st.user_locked_bytes,
		  limit_field(self->out, "RLIMIT_MEMLOCK", "used"));
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	if (rl.rlim_cur != RLIM_INFINITY)
		EXPECT_EQ((long long)rl.rlim_cur,
			  limit_field(self->out, "RLIMIT_MEMLOCK", "limit"));

	/* text: a row per budget, the limit in bytes with --bytes */
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true,
			  "limits --bytes -n -o RESOURCE,LIMIT,USED"));
	for (i = 0; i < 6; i++) {
		char want[128];

		snprintf(want, sizeof(want), "%s %" PRIu64 " %" PRIu64, rows[i].res,
			 limit[i], used[i]);
		EXPECT_TRUE(has_row(self->out, want)) {
			TH_LOG("want \"%s\" in:\n%s", want, self->out);
		}
	}
}

/*
 * The used column of a per-user budget is the caller's: nobody, who has
 * made nothing, sees 0 regions of its own while this test's region counts
 * for root.
 */
TEST_F(cli, limits_used_is_the_callers)
{
	char cmd[512];
	size_t n;
	FILE *p;

	if (getuid())
		SKIP(return, "needs root to run the command as nobody");
	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid=65534 --regid=65534 --clear-groups %s limits --json", tool());
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(self->out, 1, sizeof(self->out) - 1, p);
	self->out[n] = '\0';
	ASSERT_EQ(0, pclose(p)) {
		TH_LOG("%s: %s", cmd, self->out);
	}
	EXPECT_EQ(0, limit_field(self->out, "max_user_regions", "used")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, limit_field(self->out, "max_user_bytes", "used"));
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "limits --json"));
	EXPECT_LE(1, limit_field(self->out, "max_user_regions", "used"));
}

/*
 * The library: ipcx_nl_get_stats() reports the subscribers (this handle
 * subscribed: at least one, and one of this user's), and the struct's
 * versions hold: ipcx_nl_stats() writes nothing past the first version,
 * a larger struct's tail is zeroed, a size below the first is EINVAL.
 */
TEST_F(cli, get_stats_subscribers_and_sizes)
{
	unsigned char buf[sizeof(struct ipcx_nl_stats) + 16];
	struct ipcx_nl_stats st;
	struct ipcx_nl *nl;
	size_t i;

	ASSERT_EQ(0, ipcx_nl_open(&nl));
	ASSERT_EQ(0, ipcx_nl_subscribe(nl));
	ASSERT_EQ(0, ipcx_nl_get_stats(nl, &st, sizeof(st)));
	EXPECT_TRUE(PRESENT(&st, IPCX_NL_STATS_A_SUBSCRIBERS));
	EXPECT_LE(1, st.subscribers);
	EXPECT_LE(1, st.user_subscribers);
	EXPECT_LE(st.user_subscribers, st.subscribers);
	EXPECT_LT(0, st.max_subscribers);
	EXPECT_LT(0, st.max_user_subscribers);
	EXPECT_LT(0, st.max_user_regions);

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, ipcx_nl_stats(nl, (struct ipcx_nl_stats *)buf));
	for (i = IPCX_NL_STATS_SIZE_VER0; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]) TH_LOG("ipcx_nl_stats() wrote byte %zu", i);
	EXPECT_EQ(st.max_regions, ((struct ipcx_nl_stats *)buf)->max_regions);

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, ipcx_nl_get_stats(nl, (struct ipcx_nl_stats *)buf, sizeof(buf)));
	for (i = sizeof(struct ipcx_nl_stats); i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("byte %zu of a larger struct not zeroed", i);
	EXPECT_EQ(-EINVAL, ipcx_nl_get_stats(nl, &st, IPCX_NL_STATS_SIZE_VER0 - 1));
	ipcx_nl_close(nl);
}

/* Owner and group of a root-made region: "root" by name, 0 with --numeric. */
TEST_F(cli, names_and_numeric_ids)
{
	char want[128];

	if (getuid())
		SKIP(return, "needs root (uid 0 must be \"root\")");
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -n -o NAME,OWNER,GROUP"));
	snprintf(want, sizeof(want), "%s root root", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true,
			  "ls -n --numeric -o NAME,OWNER,GROUP"));
	snprintf(want, sizeof(want), "%s 0 0", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	/* JSON: both, ids as numbers */
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat %s --json", self->name));
	EXPECT_NE(NULL, strstr(self->out, "\"uid\": 0,"));
	EXPECT_NE(NULL, strstr(self->out, "\"owner\": \"root\"")) {
		TH_LOG("%s", self->out);
	}
}

/* --bytes: the exact size; without it, 1536 is 1.5K. */
TEST_F(cli, bytes)
{
	char want[128];

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -n -o NAME,SIZE --bytes"));
	snprintf(want, sizeof(want), "%s 1536", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -n -o NAME,SIZE"));
	snprintf(want, sizeof(want), "%s 1.5K", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
}

/* -o picks and orders the columns, for tables, records and JSON; -n drops the header. */
TEST_F(cli, output_columns_and_noheadings)
{
	char want[128];

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -o mode,NAME"));
	EXPECT_EQ((const char *)self->out, line_starting(self->out, "MODE NAME\n")) {
		TH_LOG("%s", self->out);
	}
	snprintf(want, sizeof(want), "0640 %s", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -n -o MODE,NAME"));
	EXPECT_EQ(NULL, line_starting(self->out, "MODE"));
	EXPECT_TRUE(has_row(self->out, want));

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat -o SIZE,MODE %s",
			  self->name));
	EXPECT_STREQ("SIZE: 1.5K\nMODE: 0640\n", (const char *)self->out);
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat -n -o MODE %s", self->name));
	EXPECT_STREQ("0640\n", (const char *)self->out);
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat --json -o name,size %s",
			  self->name));
	snprintf(want, sizeof(want), "{\"name\": \"%s\", \"size\": 1536}\n", self->name);
	EXPECT_STREQ((const char *)want, (const char *)self->out);

	ASSERT_EQ(2, ipcx(self->out, sizeof(self->out), true, "ls -o NAME,BOGUS"));
	EXPECT_NE(NULL, strstr(self->out, "unknown column 'BOGUS'"));
}

/* Seals as words in tables, as bits and words in JSON. */
TEST_F(cli, seals_as_words)
{
	char want[128];

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat -n -o SEALS %s",
			  self->name));
	EXPECT_STREQ("-\n", (const char *)self->out);
	ASSERT_EQ(0, ipcx_region_seal(self->fd, IPCX_SEAL_WRITE | IPCX_SEAL_RESIZE));
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat -n -o SEALS %s",
			  self->name));
	EXPECT_STREQ("write,resize\n", (const char *)self->out);
	ASSERT_EQ(0, ipcx_region_seal(self->fd, IPCX_SEAL_SEAL));
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "ls -n -o SEALS,NAME"));
	snprintf(want, sizeof(want), "write,resize,seal %s", self->name);
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("%s", self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat --json %s", self->name));
	EXPECT_NE(NULL, strstr(self->out, "\"seals\": 7,"));
	EXPECT_NE(NULL, strstr(self->out, "\"seal_names\": [\"write\", \"resize\", \"seal\"]")) {
		TH_LOG("%s", self->out);
	}
}

/*
 * locks: -o and -n as for regions; its JSON keeps every field it had
 * (scripts read them), here for a mutex this process holds.
 */
TEST_F(cli, locks_columns_and_json_fields)
{
	static const char *const keys[] = {
		"region_id", "offset", "kind", "word", "state", "holder_pid", "holder_tgid",
		"holder_comm", "waiters", "acquisitions", "contended", "wait_total_ns",
		"wait_max_ns", "owner_deaths", "last_death_pid", "last_death_comm",
		"last_death_time_ns",
	};
	struct ipcx_mutex m;
	char want[128];
	void *base;
	size_t i;

	ASSERT_EQ(0, ipcx_region_map(self->fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, self->fd, base, 0));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));

	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true,
			  "locks -n -o OFFSET,KIND,STATE,HOLDER-PID %s", self->name));
	snprintf(want, sizeof(want), "0 mutex locked %d", getpid());
	EXPECT_TRUE(has_row(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "locks %s --json", self->name));
	EXPECT_EQ('[', self->out[0]);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(want, sizeof(want), "\"%s\": ", keys[i]);
		EXPECT_NE(NULL, strstr(self->out, want)) {
			TH_LOG("no %s in:\n%s", want, self->out);
		}
	}
	EXPECT_NE(NULL, strstr(self->out, "\"kind\": \"mutex\", "));
	EXPECT_NE(NULL, strstr(self->out, "\"state\": \"locked\", "));
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
}

/* Too big: exit 1, and the message names max_region_bytes. */
TEST_F(cli, efbig_names_the_limit)
{
	struct ipcx_nl_stats st;
	char big[64];

	ASSERT_EQ(0, module_stats(&st));
	snprintf(big, sizeof(big), "%" PRIu64, st.max_region_bytes + 4096);
	EXPECT_EQ(1, ipcx(self->out, sizeof(self->out), true, "create %s-big %s --lifetime auto",
			  self->name, big));
	EXPECT_NE(NULL, strstr(self->out, "max_region_bytes")) {
		TH_LOG("%s", self->out);
	}
}

/* After "--" a name may start with '-'; a missing region is not a missing module. */
TEST_F(cli, dash_names_and_not_found)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "-x%d", getpid());
	fd = ipcx_region_create(name, 4096, 0600, IPCX_LIFETIME_PERSISTENT, IPCX_OPEN_EXCL);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, ipcx(self->out, sizeof(self->out), true, "stat -n -o NAME -- %s", name));
	EXPECT_EQ(0, strncmp(self->out, name, strlen(name))) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(0, ipcx(self->out, sizeof(self->out), true, "rm -- %s", name));
	EXPECT_EQ(1, ipcx(self->out, sizeof(self->out), true, "stat -- %s", name));
	EXPECT_NE(NULL, strstr(self->out, "no such region")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_EQ(NULL, strstr(self->out, "not loaded")) {
		TH_LOG("%s", self->out);
	}
	if (ipcx_region_unlink(name) != -ENOENT)
		TH_LOG("region %s was still there", name);
}

/* With the module: the tool's and the module's versions. */
TEST_F(cli, version_with_module)
{
	struct ipcx_version ver;
	char want[64];
	int fd;

	fd = ipcx_open_dev(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ipcx_get_version(fd, &ver));
	close(fd);
	ASSERT_EQ(0, ipcx(self->out, sizeof(self->out), true, "version"));
	snprintf(want, sizeof(want), "module: ABI %u.%u,", ver.abi_major, ver.abi_minor);
	EXPECT_NE(NULL, line_starting(self->out, "ipcx "));
	EXPECT_NE(NULL, line_starting(self->out, want)) {
		TH_LOG("want \"%s\" in:\n%s", want, self->out);
	}
}

TEST_HARNESS_MAIN
