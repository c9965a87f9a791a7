// SPDX-License-Identifier: GPL-2.0
/*
 * Budgets, the rules one at a time, with small limits set through the
 * module parameters (restored afterwards): a namespace's budget is its
 * own, a user's regions and locks count across namespaces and regions,
 * unsharing gains nothing, whoever resizes pays, a pinned page is charged
 * once. The attacks on all of them at once: hostile_budget_test.c. Needs
 * root (setresuid, unshare) and the module; SKIPs otherwise.
 */
#include "budget_helpers.h"

/*
 * The rules one at a time, with small limits set through the module
 * parameters (restored afterwards).
 */
struct saved_param {
	const char *name;
	unsigned long val;
};

static int set_param(const char *name, unsigned long v)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/ipcx/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%lu\n", v) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

FIXTURE(budgets) {
	struct saved_param saved[4];
};

FIXTURE_SETUP(budgets)
{
	static const char * const names[] = {
		"max_regions", "max_user_regions", "max_user_bytes",
		"max_user_locks",
	};
	int i;

	if (geteuid() != 0)
		SKIP(return, "needs root (module parameters, setresuid, unshare)");
	if (access(IPCX_DEVICE_PATH, R_OK | W_OK))
		SKIP(return, "ipcx module not loaded");
	for (i = 0; i < 4; i++) {
		self->saved[i].name = names[i];
		self->saved[i].val = param(names[i], 0);
	}
	sweep();
}

FIXTURE_TEARDOWN(budgets)
{
	int i;

	for (i = 0; i < 4; i++)
		if (self->saved[i].val)
			set_param(self->saved[i].name, self->saved[i].val);
}

/* Anonymous regions of @size until @cap or an error; fds left open. */
static int fill(int cap, __u64 size, int *err)
{
	int n, fd;

	*err = 0;
	for (n = 0; n < cap; n++) {
		fd = rg(NULL, size, IPCX_OPEN_CREATE, 0);
		if (fd < 0) {
			*err = -fd;
			break;
		}
	}
	return n;
}

/* Run @fn in a child as @uid (0: stay root); its exit code. */
static int as_user(uid_t uid, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(uid && become(uid) ? 99 : fn(arg));
	return lh_exit_code(lh_wait_child(pid, 60000));
}

/*
 * A child IPC namespace fills its own max_regions while its creator holds
 * them; the parent namespace can still create.
 */
TEST_F(budgets, namespace_budget_is_its_own)
{
	int res[2], go[2], err, fd;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, set_param("max_regions", 8));
	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			c = 10;
		else if (fill(8, PG, &err) != 8)
			c = 11;
		else if (rg(NULL, PG, IPCX_OPEN_CREATE, 0) != -ENOSPC)
			c = 12;
		if (write(res[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(1, read(res[0], &c, 1));
	EXPECT_EQ(0, c) TH_LOG("child namespace: step %d", c);
	fd = rg(NULL, PG, IPCX_OPEN_CREATE, 0);
	EXPECT_GE(fd, 0) TH_LOG("parent namespace: %s", strerror(-fd));
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 60000)));
}

static int fill_user_regions(void *arg)
{
	int err, n = fill(*(int *)arg + 1, PG, &err);

	return n == *(int *)arg && err == ENOSPC ? 0 : 1;
}

/*
 * max_user_regions binds a user in every namespace together; root
 * (CAP_SYS_RESOURCE) passes it.
 */
TEST_F(budgets, user_regions_across_namespaces)
{
	int limit = 3;
	int err;

	ASSERT_EQ(0, set_param("max_user_regions", limit));
	EXPECT_EQ(0, as_user(ATTACKER, fill_user_regions, &limit));
	EXPECT_EQ(limit + 2, fill(limit + 2, PG, &err)) TH_LOG("root: %s", strerror(err));
}

static int hold_then_own_ns(void *arg)
{
	int err, fds = fill(2, PG, &err);

	(void)arg;
	if (fds != 2)
		return 1;
	if (enter_own_ns())
		return 2;
	/* 2 of the 3 are used in the parent namespace: 1 left here */
	if (fill(2, PG, &err) != 1 || err != ENOSPC)
		return 3;
	return 0;
}

TEST_F(budgets, user_gains_nothing_by_unsharing)
{
	ASSERT_EQ(0, set_param("max_user_regions", 3));
	EXPECT_EQ(0, as_user(ATTACKER, hold_then_own_ns, NULL));
}

struct resize_case {
	char name[64];
	unsigned long limit;	/* max_user_bytes */
};

static int create_shared(void *arg)
{
	struct resize_case *rc = arg;
	int fd = rg(rc->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
		    IPCX_LIFETIME_PERSISTENT);
	struct ipcx_region_perm perm = { .mode = 0666, .flags = IPCX_PERM_MODE };

	if (fd < 0)
		return 1;
	return ioctl(fd, IPCX_IOC_REGION_SET_PERM, &perm) ? 2 : 0;
}

static int grow_shared(void *arg)
{
	struct resize_case *rc = arg;
	struct ipcx_region_resize rs = { .size = rc->limit };
	int fd = rg(rc->name, 0, 0, 0);

	if (fd < 0)
		return 1;
	return ioctl(fd, IPCX_IOC_REGION_RESIZE, &rs) ? 2 : 0;
}

static int creator_budget_intact(void *arg)
{
	struct resize_case *rc = arg;
	int fd = rg(NULL, rc->limit - PG, IPCX_OPEN_CREATE, 0);

	return fd < 0 ? 1 : 0;
}

/*
 * A user who may write another user's region pays for growing it: the
 * creator's budget is untouched.
 */
TEST_F(budgets, resizer_pays)
{
	struct resize_case rc = { .limit = 64 * PG };

	snprintf(rc.name, sizeof(rc.name), "hb-resize-%d", (int)getpid());
	ASSERT_EQ(0, set_param("max_user_bytes", rc.limit));
	ASSERT_EQ(0, as_user(ATTACKER, create_shared, &rc));
	EXPECT_EQ(0, as_user(VICTIM_UID, grow_shared, &rc));
	/* the creator paid one page, now nothing: a limit - 1 page region fits */
	EXPECT_EQ(0, as_user(ATTACKER, creator_budget_intact, &rc));
	/* and the resizer's budget is what paid */
	EXPECT_NE(0, as_user(VICTIM_UID, creator_budget_intact, &rc));
	EXPECT_EQ(0, unlink_name(rc.name));
}

static int pin_one_page(void *arg)
{
	struct rlimit rl = { PG, PG };
	int fd, i;

	(void)arg;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 1;
	fd = rg(NULL, 2 * PG, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 2;
	/* every lock of the first page shares its one pinned page */
	for (i = 0; i < PG / IPCX_LOCK_ALIGN; i++)
		if (declare(fd, i * IPCX_LOCK_ALIGN))
			return 3;
	return declare(fd, PG) == ENOSPC ? 0 : 4;
}

/* A pinned page is charged once, however many locks lie on it. */
TEST_F(budgets, pinned_page_counted_once)
{
	EXPECT_EQ(0, as_user(ATTACKER, pin_one_page, NULL));
}

static int declare_locks(void *arg)
{
	int limit = *(int *)arg, fd, i;

	fd = rg(NULL, 2 * limit * IPCX_LOCK_ALIGN, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 1;
	for (i = 0; i < limit; i++)
		if (declare(fd, i * IPCX_LOCK_ALIGN))
			return 2;
	/* the limit is the user's, not the region's */
	fd = rg(NULL, PG, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 3;
	return declare(fd, 0) == ENOSPC ? 0 : 4;
}

TEST_F(budgets, user_locks_across_regions)
{
	int limit = 8;

	ASSERT_EQ(0, set_param("max_user_locks", limit));
	EXPECT_EQ(0, as_user(ATTACKER, declare_locks, &limit));
	/* uid 1000 has a budget of its own */
	EXPECT_EQ(0, as_user(VICTIM_UID, declare_locks, &limit));
}

TEST_HARNESS_MAIN
