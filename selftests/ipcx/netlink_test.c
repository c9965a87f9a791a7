// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: the "ipcx" generic netlink family through libipcx; the
 * malformed requests (raw libnl) are in nl_malformed_test.c, the ipcx
 * command's tests in cli_test.c.
 * Needs the module loaded and root (setresuid, unshare, the events group);
 * SKIPs otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"

#include "kselftest_harness.h"

#define PG 4096UL

/* "nlt-<pid>-<tag>": names no other test (or run) uses */
static void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "nlt-%d-%s", getpid(), tag);
}

static int open_nl_or_skip(struct ipcx_nl **nl)
{
	return ipcx_nl_open(nl);
}

/* ---- listing ------------------------------------------------------------ */

struct collect {
	char prefix[64];
	int n;
	struct ipcx_nl_region r[8];
	uint64_t anon_id;
	int anon_seen;
};

static int collect_cb(const struct ipcx_nl_region *r, void *arg)
{
	struct collect *c = arg;

	if (c->anon_id && r->id == c->anon_id)
		c->anon_seen++;
	if (strncmp(r->name, c->prefix, strlen(c->prefix)))
		return 0;
	if (c->n < 8)
		c->r[c->n] = *r;
	c->n++;
	return 0;
}

static int count_cb(const struct ipcx_nl_region *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

TEST(listing_matches_created)
{
	static const uint64_t sizes[3] = { PG, 3 * PG, 12345 };
	struct ipcx_region_stat st;
	struct ipcx_nl_region one;
	struct ipcx_nl_stats stats;
	struct collect c = { 0 };
	struct ipcx_nl *nl;
	char name[64];
	int fds[3], anon, i, ret;

	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered (module not loaded)");
	ASSERT_EQ(0, ret);
	for (i = 0; i < 3; i++) {
		char tag[8];

		snprintf(tag, sizeof(tag), "ls%d", i);
		tname(name, sizeof(name), tag);
		fds[i] = ipcx_region_create(name, sizes[i], 0640,
					    IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
		ASSERT_GE(fds[i], 0);
	}
	anon = ipcx_region_create(NULL, 2 * PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
	ASSERT_GE(anon, 0);
	ASSERT_EQ(0, ipcx_region_stat(anon, &st));
	c.anon_id = st.id;
	tname(c.prefix, sizeof(c.prefix), "ls");

	ASSERT_EQ(0, ipcx_nl_list_regions(nl, collect_cb, &c));
	ASSERT_EQ(3, c.n);
	ASSERT_EQ(1, c.anon_seen);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(sizes[i], c.r[i].size);	/* dumps go by id: creation order */
		EXPECT_EQ(geteuid(), c.r[i].uid);
		EXPECT_EQ(getegid(), c.r[i].gid);
		EXPECT_EQ(0640, c.r[i].mode);
		EXPECT_EQ(IPCX_LIFETIME_AUTO_REMOVE, c.r[i].lifetime);
		EXPECT_EQ(1, c.r[i].nattach);
		EXPECT_EQ(1, c.r[i].linked);
		EXPECT_NE(0, c.r[i].ctime_ns);
	}

	tname(name, sizeof(name), "ls1");
	ASSERT_EQ(0, ipcx_nl_get_region(nl, name, 0, &one));
	EXPECT_EQ(3 * PG, one.size);
	EXPECT_STREQ(name, one.name);
	ASSERT_EQ(0, ipcx_nl_get_region(nl, NULL, c.anon_id, &one));
	EXPECT_EQ(2 * PG, one.size);
	EXPECT_STREQ("", one.name);
	EXPECT_EQ(-ENOENT, ipcx_nl_get_region(nl, "nlt-no-such-region", 0, &one));

	ASSERT_EQ(0, ipcx_nl_stats(nl, &stats));
	EXPECT_GE(stats.regions, 4);
	EXPECT_GE(stats.bytes, 6 * PG + PG);
	EXPECT_NE(0, stats.max_regions);
	EXPECT_NE(0, stats.max_locks_per_region);

	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(anon);
	/* AUTO_REMOVE: gone with the last file */
	c.n = 0;
	c.anon_seen = 0;
	ASSERT_EQ(0, ipcx_nl_list_regions(nl, collect_cb, &c));
	EXPECT_EQ(0, c.n);
	EXPECT_EQ(0, c.anon_seen);
	ipcx_nl_close(nl);
}

/* A dump bigger than one netlink buffer restarts from cb->args. */
TEST(dump_restarts_over_many_regions)
{
	enum { N = 200 };
	struct collect c = { 0 };
	struct ipcx_nl *nl;
	int fds[N], i, ret, total = 0;
	char name[64];

	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	for (i = 0; i < N; i++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "many%d", i);
		tname(name, sizeof(name), tag);
		fds[i] = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE,
					    IPCX_OPEN_EXCL);
		ASSERT_GE(fds[i], 0);
	}
	tname(c.prefix, sizeof(c.prefix), "many");
	ASSERT_EQ(0, ipcx_nl_list_regions(nl, collect_cb, &c));
	EXPECT_EQ(N, c.n);
	ASSERT_EQ(0, ipcx_nl_list_regions(nl, count_cb, &total));
	EXPECT_GE(total, N);
	for (i = 0; i < N; i++)
		close(fds[i]);
	ipcx_nl_close(nl);
}

/* ---- lock statistics ---------------------------------------------------- */

struct lockcol {
	int n;
	struct ipcx_nl_lock l;
};

static int lock_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct lockcol *c = arg;

	if (l->offset == 0)
		c->l = *l;
	c->n++;
	return 0;
}

TEST(lock_stats_move_under_contention)
{
	enum { HOLD_MS = 150 };
	struct ipcx_region_stat st;
	struct lockcol c = { 0 };
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	char name[64];
	void *base;
	int fd, ret, status;
	pid_t pid;

	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	tname(name, sizeof(name), "contend");
	fd = ipcx_region_create(name, 2 * PG, 0600, IPCX_LIFETIME_AUTO_REMOVE,
				IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	ASSERT_EQ(0, ipcx_region_stat(fd, &st));

	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (ipcx_mutex_lock(&m))
			_exit(1);
		_exit(ipcx_mutex_unlock(&m) ? 2 : 0);
	}
	ASSERT_EQ(0, lh_wait_waiters(fd, 0, 1, 5000));
	lh_msleep(HOLD_MS);	/* the child sleeps at least this long */
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	status = lh_wait_child(pid, 5000);
	ASSERT_EQ(0, lh_exit_code(status));

	ASSERT_EQ(0, ipcx_nl_list_locks(nl, name, 0, lock_cb, &c));
	ASSERT_EQ(1, c.n);
	EXPECT_EQ(IPCX_LOCK_MUTEX, c.l.kind);
	EXPECT_EQ(st.id, c.l.region_id);
	EXPECT_GE(c.l.contended, 1);
	EXPECT_GE(c.l.acquisitions, 1);
	EXPECT_GE(c.l.wait_max_ns, HOLD_MS * 1000000ull);
	EXPECT_GE(c.l.wait_total_ns, c.l.wait_max_ns);
	EXPECT_EQ(0, c.l.waiters);
	/* by id too */
	c.n = 0;
	ASSERT_EQ(0, ipcx_nl_list_locks(nl, NULL, st.id, lock_cb, &c));
	EXPECT_EQ(1, c.n);
	EXPECT_EQ(-ENOENT, ipcx_nl_list_locks(nl, "nlt-no-such-region", 0, lock_cb, &c));

	ipcx_region_unmap(base, 2 * PG);
	close(fd);
	ipcx_nl_close(nl);
}

/* ---- events ------------------------------------------------------------- */

/* The next event about region @id (others are skipped); type or -1. */
static int next_event(struct ipcx_nl *nl, uint64_t id, struct ipcx_nl_event *ev)
{
	int ret;

	for (;;) {
		ret = ipcx_nl_recv_event(nl, ev, 5000);
		if (ret <= 0)
			return -1;
		if (ev->region_id == id)
			return ev->type;
	}
}

TEST(monitor_sees_scenario_in_order)
{
	struct ipcx_region_stat st;
	struct ipcx_nl_event ev;
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	int fd, ret, pfd[2];
	char name[64], c;
	void *base;
	pid_t pid;

	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	ret = ipcx_nl_subscribe(nl);
	if (ret == -EPERM)
		SKIP(return, "joining the events group needs CAP_NET_ADMIN");
	ASSERT_EQ(0, ret);
	ASSERT_LE(0, ipcx_nl_event_fd(nl));

	tname(name, sizeof(name), "events");
	fd = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_PERSISTENT, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_region_stat(fd, &st));
	ASSERT_EQ(0, ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));

	ASSERT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, next_event(nl, st.id, &ev));
	EXPECT_STREQ(name, ev.name);

	/* a holder that is SIGKILLed while holding the mutex */
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (ipcx_mutex_lock(&m))
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(3);
	}
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	ASSERT_EQ(IPCX_NL_CMD_HOLDER_DIED_NTF, next_event(nl, st.id, &ev));
	EXPECT_EQ(0, ev.offset);
	EXPECT_EQ(pid, ev.tgid);
	EXPECT_EQ(pid, ev.pid);
	EXPECT_STREQ("netlink_test", ev.comm);

	/* inherit it and release it without repair: unrecoverable */
	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&m));
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	ASSERT_EQ(IPCX_NL_CMD_LOCK_DEAD_NTF, next_event(nl, st.id, &ev));
	EXPECT_EQ(getpid(), ev.tgid);
	EXPECT_EQ(-ENOTRECOVERABLE, ipcx_mutex_lock(&m));

	/* gone: name, mapping and file */
	ASSERT_EQ(0, ipcx_region_unlink(name));
	ipcx_region_unmap(base, PG);
	close(fd);
	ASSERT_EQ(IPCX_NL_CMD_REGION_DEL_NTF, next_event(nl, st.id, &ev));
	EXPECT_STREQ(name, ev.name);
	close(pfd[0]);
	close(pfd[1]);
	ipcx_nl_close(nl);
}

/* ---- namespaces and permissions ---------------------------------------- */

TEST(dump_follows_ipc_namespace)
{
	struct ipcx_region_stat st;
	struct ipcx_nl_region r;
	struct ipcx_nl *nl;
	char name[64];
	int fd, anon, ret, status;
	pid_t pid;

	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	ipcx_nl_close(nl);
	tname(name, sizeof(name), "nsparent");
	fd = ipcx_region_create(name, PG, 0666, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	anon = ipcx_region_create(NULL, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
	ASSERT_GE(anon, 0);
	ASSERT_EQ(0, ipcx_region_stat(anon, &st));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_nl *cnl;
		int n = 0, cfd;

		if (unshare(CLONE_NEWIPC))
			_exit(10);
		if (ipcx_nl_open(&cnl))
			_exit(11);
		if (ipcx_nl_list_regions(cnl, count_cb, &n) || n != 0)
			_exit(12);
		if (ipcx_nl_get_region(cnl, name, 0, &r) != -ENOENT)
			_exit(13);
		if (ipcx_nl_get_region(cnl, NULL, st.id, &r) != -ENOENT)
			_exit(14);
		if (ipcx_nl_delete(cnl, name) != -ENOENT)
			_exit(15);
		cfd = ipcx_region_create(NULL, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
		if (cfd < 0)
			_exit(16);
		if (ipcx_nl_list_regions(cnl, count_cb, &n) || n != 1)
			_exit(17);
		_exit(0);
	}
	status = lh_wait_child(pid, 10000);
	ASSERT_EQ(0, lh_exit_code(status));
	/* the parent still sees its own */
	ASSERT_EQ(0, ipcx_nl_open(&nl));
	EXPECT_EQ(0, ipcx_nl_get_region(nl, name, 0, &r));
	EXPECT_EQ(0, ipcx_nl_get_region(nl, NULL, st.id, &r));
	ipcx_nl_close(nl);
	close(fd);
	close(anon);
}

TEST(unprivileged_delete_denied)
{
	struct ipcx_nl_region r;
	struct ipcx_nl *nl;
	char name[64];
	int fd, ret, status, pfd[2];
	char msg[256] = "";
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid 65534");
	ret = open_nl_or_skip(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	tname(name, sizeof(name), "perm");
	fd = ipcx_region_create(name, PG, 0666, IPCX_LIFETIME_PERSISTENT, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, pipe(pfd));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_nl *cnl;
		ssize_t w;

		close(pfd[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (ipcx_nl_open(&cnl))
			_exit(11);
		if (ipcx_nl_get_region(cnl, name, 0, &r))	/* reading is allowed */
			_exit(12);
		if (ipcx_nl_delete(cnl, name) != -EPERM)
			_exit(13);
		w = write(pfd[1], ipcx_nl_errmsg(cnl), strlen(ipcx_nl_errmsg(cnl)));
		(void)w;
		/* its namespace's events: allowed; every namespace's: not */
		if (ipcx_nl_subscribe(cnl))
			_exit(14);
		ipcx_nl_close(cnl);
		if (ipcx_nl_open(&cnl) || ipcx_nl_subscribe_all(cnl) != -EPERM)
			_exit(15);
		_exit(0);
	}
	close(pfd[1]);
	ret = read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	status = lh_wait_child(pid, 10000);
	ASSERT_EQ(0, lh_exit_code(status));
	EXPECT_GT(ret, 0);
	TH_LOG("unprivileged delete: \"%s\"", msg);

	/* still there; the owner may delete it */
	ASSERT_EQ(0, ipcx_nl_get_region(nl, name, 0, &r));
	ASSERT_EQ(0, ipcx_nl_delete(nl, name));
	EXPECT_EQ(-ENOENT, ipcx_nl_get_region(nl, name, 0, &r));
	EXPECT_EQ(-ENOENT, ipcx_nl_delete(nl, name));
	close(fd);
	ipcx_nl_close(nl);
}

TEST_HARNESS_MAIN
