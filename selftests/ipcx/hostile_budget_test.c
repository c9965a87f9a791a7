// SPDX-License-Identifier: GPL-2.0
/*
 * Budgets under attack: an unprivileged attacker (uid 65534, in the init
 * namespaces or in its own user + IPC namespaces) uses up every budget the
 * kernel gives it (regions, bytes, declared locks, pinned lock pages), and
 * while it holds all that, victims (root, and uid 1000) must still create
 * regions, declare locks and pin lock pages. Afterwards everything the
 * attacker made must be gone: the module's counts are back at their
 * baseline, and a second identical attack gets exactly as far as the first
 * (nothing of the first attack is still charged).
 *
 * Needs root (setresuid, unshare) and the module; SKIPs otherwise. The
 * numbers each attack reached are printed with TH_LOG.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"

#include "kselftest_harness.h"

#define PG 4096UL
#define ATTACKER 65534
#define VICTIM_UID 1000
/* how far an attack goes when nothing stops it (the unfixed module) */
#define CAP_REGIONS 8192
#define CAP_BIG_REGIONS 64
#define CAP_LOCK_REGIONS 32	/* of 4096 locks each */
#define CAP_PIN_REGIONS 4	/* of 1024 pinned pages each */
/*
 * The attacker's RLIMIT_MEMLOCK: small in the pinned-pages attack (that is
 * the budget under test), ample in the locks attack (so that the lock count
 * is what stops it).
 */
#define PIN_RLIMIT (1UL << 20)
#define LOCKS_RLIMIT (16UL << 20)

enum attack { A_REGIONS, A_BYTES, A_LOCKS, A_PINS };

struct outcome {
	long n;		/* regions, bytes, locks or pinned pages obtained */
	int err;	/* errno that stopped it; 0 when the cap stopped it */
	int setup;	/* non-zero: the attacker could not set itself up */
};

static unsigned long param(const char *name, unsigned long dflt)
{
	char path[128];
	unsigned long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/ipcx/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return dflt;
	if (fscanf(f, "%lu", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/* A new /dev/ipcx fd attached as asked, or -errno. */
static int rg(const char *name, __u64 size, __u32 flags, __u32 lifetime)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)name, .size = size, .flags = flags,
		.mode = 0600, .lifetime = lifetime,
	};
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &req)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int unlink_name(const char *name)
{
	struct ipcx_region_unlink req = { .name = (uintptr_t)name };
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	err = ioctl(fd, IPCX_IOC_REGION_UNLINK, &req) ? errno : 0;
	close(fd);
	return err;
}

static int declare(int fd, __u64 offset)
{
	struct ipcx_lock_op op = { .offset = offset, .kind = IPCX_LOCK_MUTEX };

	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? errno : 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* An unprivileged uid 65534 becomes root of its own user + IPC namespaces. */
static int enter_own_ns(void)
{
	/* setresuid made us non-dumpable: /proc/self/uid_map would be root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 2;
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		return 3;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/gid_map", "0 65534 1"))
		return 4;
	return 0;
}

/* uid 65534, then (own_ns) root of its own user + IPC namespaces */
static int become_attacker(bool own_ns)
{
	if (become(ATTACKER))
		return 1;
	return own_ns ? enter_own_ns() : 0;
}

static void region_name(char *buf, size_t n, pid_t tag, long i)
{
	snprintf(buf, n, "hb-%d-%ld", (int)tag, i);
}

/* Persistent one-byte regions, no fd kept: they outlive their creator. */
static struct outcome attack_regions(pid_t tag)
{
	struct outcome o = { 0 };
	char name[64];
	int fd;

	for (o.n = 0; o.n < CAP_REGIONS; o.n++) {
		region_name(name, sizeof(name), tag, o.n);
		fd = rg(name, 1, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
			IPCX_LIFETIME_PERSISTENT);
		if (fd < 0) {
			o.err = -fd;
			break;
		}
		close(fd);
	}
	return o;
}

/* The largest regions allowed, never touched; fds stay open. */
static struct outcome attack_bytes(void)
{
	unsigned long big = param("max_region_bytes", 1UL << 30);
	struct outcome o = { 0 };
	int i, fd;

	for (i = 0; i < CAP_BIG_REGIONS; i++) {
		fd = rg(NULL, big, IPCX_OPEN_CREATE, 0);
		if (fd < 0) {
			o.err = -fd;
			break;
		}
		o.n += big;
	}
	return o;
}

/*
 * Declare locks: @stride apart, @per_region in regions of
 * @per_region * @stride bytes, until the kernel says no.
 */
static struct outcome attack_locks(unsigned long stride, long per_region,
				   int cap_regions)
{
	struct outcome o = { 0 };
	int r, fd, err;
	long i;

	for (r = 0; r < cap_regions && !o.err; r++) {
		fd = rg(NULL, per_region * stride, IPCX_OPEN_CREATE, 0);
		if (fd < 0) {
			o.err = -fd;
			break;
		}
		for (i = 0; i < per_region; i++) {
			err = declare(fd, i * stride);
			if (err) {
				o.err = err;
				break;
			}
			o.n++;
		}
	}
	return o;
}

static struct outcome attack(enum attack what, pid_t tag)
{
	switch (what) {
	case A_REGIONS:
		return attack_regions(tag);
	case A_BYTES:
		return attack_bytes();
	case A_LOCKS:	/* packed: 64 locks per page */
		return attack_locks(IPCX_LOCK_ALIGN, PG / IPCX_LOCK_ALIGN * 64,
				    CAP_LOCK_REGIONS);
	case A_PINS:	/* one lock per page */
		return attack_locks(PG, 1024, CAP_PIN_REGIONS);
	}
	return (struct outcome){ .setup = 99 };
}

/*
 * The attacker: sets itself up, attacks, reports on @res, holds what it got
 * until @go says so, then drops the names it made (in the init namespace;
 * its own namespace's names die with the namespace) and exits.
 */
static void attacker(enum attack what, bool own_ns, pid_t tag, int res, int go)
{
	struct rlimit rl = { PIN_RLIMIT, PIN_RLIMIT };
	struct outcome o = { 0 };
	char name[64], c;
	long i;

	if (what == A_LOCKS)
		rl.rlim_cur = rl.rlim_max = LOCKS_RLIMIT;
	if ((what == A_PINS || what == A_LOCKS) && setrlimit(RLIMIT_MEMLOCK, &rl))
		o.setup = 5;
	if (!o.setup)
		o.setup = become_attacker(own_ns);
	if (!o.setup)
		o = attack(what, tag);
	if (write(res, &o, sizeof(o)) != sizeof(o))
		_exit(20);
	if (read(go, &c, 1) != 1)
		_exit(21);
	if (what == A_REGIONS && !own_ns)
		for (i = 0; i < o.n; i++) {
			region_name(name, sizeof(name), tag, i);
			if (unlink_name(name))
				_exit(22);
		}
	_exit(0);
}

/*
 * What a victim must still be able to do: small and large regions, named
 * and anonymous, locks declared on pages of their own. Returns 0 or the
 * number of the step that failed.
 */
static int victim(uid_t uid)
{
	unsigned long big = param("max_region_bytes", 1UL << 30);
	char name[64];
	int fd, i;

	if (uid && become(uid))
		return 1;
	fd = rg(NULL, PG, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 2;
	close(fd);
	snprintf(name, sizeof(name), "hb-victim-%d", (int)getpid());
	fd = rg(name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
		IPCX_LIFETIME_PERSISTENT);
	if (fd < 0)
		return 3;
	close(fd);
	if (unlink_name(name))
		return 4;
	fd = rg(NULL, big, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 5;
	close(fd);
	fd = rg(NULL, 64 * PG, IPCX_OPEN_CREATE, 0);
	if (fd < 0)
		return 6;
	for (i = 0; i < 64; i++)
		if (declare(fd, i * PG))
			return 7;
	close(fd);
	return 0;
}

static int run_victim(uid_t uid)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(victim(uid));
	return lh_exit_code(lh_wait_child(pid, 60000));
}

static int nl_stats(struct ipcx_nl_stats *st)
{
	struct ipcx_nl *nl;
	int ret;

	ret = ipcx_nl_open(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_stats(nl, st);
	ipcx_nl_close(nl);
	return ret;
}

/* A named create makes the module drop the names of dead namespaces. */
static void sweep(void)
{
	int fd = rg("hb-sweep", PG, IPCX_OPEN_CREATE, IPCX_LIFETIME_AUTO_REMOVE);

	if (fd >= 0)
		close(fd);
}

FIXTURE(hostile) {
	struct ipcx_nl_stats base;	/* the module's counts before the attack */
};

FIXTURE_VARIANT(hostile) {
	bool own_ns;	/* attacker in its own user + IPC namespaces */
};

FIXTURE_VARIANT_ADD(hostile, init_ns) { .own_ns = false };
FIXTURE_VARIANT_ADD(hostile, own_ns) { .own_ns = true };

FIXTURE_SETUP(hostile)
{
	if (geteuid() != 0)
		SKIP(return, "needs root (setresuid, unshare)");
	if (access(IPCX_DEVICE_PATH, R_OK | W_OK))
		SKIP(return, "ipcx module not loaded");
	sweep();
	ASSERT_EQ(0, nl_stats(&self->base));
}

FIXTURE_TEARDOWN(hostile)
{
}

/*
 * One attack: the attacker holds what it got while root and uid 1000 try;
 * then it goes and the counts must be back where they were.
 */
static struct outcome cycle(struct __test_metadata *_metadata,
			    FIXTURE_DATA(hostile) *self, bool own_ns,
			    enum attack what)
{
	struct outcome o = { .setup = -1 };
	int res[2], go[2], status;
	struct ipcx_nl_stats st;
	pid_t pid;

	if (pipe(res) || pipe(go))
		return o;
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		close(go[1]);
		attacker(what, own_ns, getppid(), res[1], go[0]);
	}
	close(res[1]);
	close(go[0]);
	if (read(res[0], &o, sizeof(o)) != sizeof(o))
		o.setup = -2;
	EXPECT_EQ(0, o.setup);
	EXPECT_EQ(0, run_victim(0)) TH_LOG("root's create/declare failed");
	EXPECT_EQ(0, run_victim(VICTIM_UID)) TH_LOG("uid %d's create/declare failed",
						    VICTIM_UID);
	EXPECT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	close(res[0]);
	status = lh_wait_child(pid, 60000);
	EXPECT_EQ(0, lh_exit_code(status));
	sweep();
	EXPECT_EQ(0, nl_stats(&st));
	EXPECT_EQ(self->base.regions, st.regions);
	EXPECT_EQ(self->base.bytes, st.bytes);
	EXPECT_EQ(self->base.locks, st.locks);
	return o;
}

static void twice(struct __test_metadata *_metadata, FIXTURE_DATA(hostile) *self,
		  bool own_ns, enum attack what, const char *unit)
{
	struct outcome a = cycle(_metadata, self, own_ns, what);
	struct outcome b = cycle(_metadata, self, own_ns, what);

	TH_LOG("%s attacker got %ld %s, then %s; again: %ld, %s",
	       own_ns ? "own-namespace" : "init-namespace", a.n, unit,
	       a.err ? strerror(a.err) : "nothing stopped it", b.n,
	       b.err ? strerror(b.err) : "nothing stopped it");
	/* the kernel, not the test's cap, must have stopped it */
	EXPECT_EQ(ENOSPC, a.err);
	/* nothing of the first attack is still charged */
	EXPECT_EQ(a.n, b.n);
	EXPECT_EQ(a.err, b.err);
}

TEST_F_TIMEOUT(hostile, regions, 300)
{
	twice(_metadata, self, variant->own_ns, A_REGIONS, "regions");
}

TEST_F_TIMEOUT(hostile, bytes, 120)
{
	twice(_metadata, self, variant->own_ns, A_BYTES, "bytes");
}

TEST_F_TIMEOUT(hostile, locks, 300)
{
	twice(_metadata, self, variant->own_ns, A_LOCKS, "locks");
}

TEST_F_TIMEOUT(hostile, pinned_pages, 120)
{
	struct outcome o = cycle(_metadata, self, variant->own_ns, A_PINS);

	TH_LOG("attacker with RLIMIT_MEMLOCK %lu KiB pinned %ld lock pages, then %s",
	       PIN_RLIMIT >> 10, o.n, o.err ? strerror(o.err) : "nothing stopped it");
	EXPECT_EQ(ENOSPC, o.err);
	EXPECT_LE(o.n, (long)(PIN_RLIMIT / PG));
	/* a second attack pins as much: the first one's pages were uncharged */
	EXPECT_EQ(o.n, cycle(_metadata, self, variant->own_ns, A_PINS).n);
}

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
