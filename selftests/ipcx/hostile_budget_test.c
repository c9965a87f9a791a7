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
 * numbers each attack reached are printed with TH_LOG. The rules one at a
 * time, with small limits: budget_rules_test.c.
 */
#include <errno.h>
#include <fcntl.h>
#include "budget_helpers.h"

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

TEST_HARNESS_MAIN
