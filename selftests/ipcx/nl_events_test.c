// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane events as their users see them: a subscription follows the
 * subscriber's IPC namespace (nothing from another namespace arrives) and
 * numbers pids in its pid namespace; the multicast group sees every
 * namespace; subscriptions are bounded and end with their socket. (The
 * ipcx command's monitor and top are tested in cli_watch_test.c.) Needs the
 * module and root (unshare, setting module parameters); SKIPs otherwise.
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

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"
#include "nl_test_helpers.h"

#include "kselftest_harness.h"

#define PG 4096UL
#define PARAM_USER_SUBS "/sys/module/ipcx/parameters/max_user_subscribers"

static void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "nle-%d-%s", getpid(), tag);
}

static int subscribed_handle(struct ipcx_nl **nl)
{
	int ret = ipcx_nl_open(nl);

	if (ret)
		return ret;
	ret = ipcx_nl_subscribe(*nl);
	if (ret)
		ipcx_nl_close(*nl);
	return ret;
}

/*
 * The child, in a new IPC namespace, subscribes; the parent creates a
 * region, then the child does. Each subscriber sees its own namespace's
 * region only; the multicast group sees both.
 */
TEST(subscription_follows_ipc_namespace)
{
	char mine[64], theirs[64];
	struct ipcx_nl *nl, *all = NULL;
	struct ipcx_nl_event ev;
	int to_child[2], to_parent[2];
	int fd, ret, status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root for unshare(CLONE_NEWIPC)");
	ret = subscribed_handle(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ipcx_nl_open(&all));
	ASSERT_EQ(0, ipcx_nl_subscribe_all(all));
	tname(mine, sizeof(mine), "parent");
	tname(theirs, sizeof(theirs), "child");
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_nl *cnl;
		int cfd;

		if (unshare(CLONE_NEWIPC))
			_exit(10);
		if (subscribed_handle(&cnl))
			_exit(11);
		if (nh_write_byte(to_parent[1], 'r') || nh_read_byte(to_child[0]) != 'g')
			_exit(12);
		cfd = ipcx_region_create(theirs, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE,
					 IPCX_OPEN_EXCL);
		if (cfd < 0)
			_exit(13);
		/* the parent's region came first: had it leaked, it would be next */
		if (ipcx_nl_recv_event(cnl, &ev, 5000) != 1)
			_exit(14);
		if (ev.type != IPCX_NL_CMD_REGION_NEW_NTF || strcmp(ev.name, theirs))
			_exit(15);
		close(cfd);	/* auto-remove: destroyed */
		if (nh_event_for(cnl, theirs, 5000, &ev) != IPCX_NL_CMD_REGION_DEL_NTF)
			_exit(16);
		/* and still nothing of the parent's namespace */
		if (nh_event_for(cnl, mine, 300, &ev) != 0)
			_exit(17);
		ipcx_nl_close(cnl);
		_exit(0);
	}
	ASSERT_EQ('r', nh_read_byte(to_parent[0]));
	fd = ipcx_region_create(mine, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(nl, mine, 5000, &ev));
	ASSERT_EQ(0, nh_write_byte(to_child[1], 'g'));
	status = lh_wait_child(pid, 20000);
	ASSERT_EQ(0, lh_exit_code(status));

	/* nothing of the child's namespace reached this one's subscriber */
	EXPECT_EQ(0, nh_event_for(nl, theirs, 300, &ev));
	/* the multicast group saw both namespaces */
	EXPECT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(all, mine, 2000, &ev));
	EXPECT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(all, theirs, 2000, &ev));
	EXPECT_EQ(IPCX_NL_CMD_REGION_DEL_NTF, nh_event_for(all, theirs, 2000, &ev));
	close(fd);
	EXPECT_EQ(IPCX_NL_CMD_REGION_DEL_NTF, nh_event_for(nl, mine, 5000, &ev));
	ipcx_nl_close(all);
	ipcx_nl_close(nl);
}

/*
 * A subscriber in a new pid namespace learns of a dead holder by the pid
 * it knows it by (its child: pid 2 there); the initial namespace's
 * subscriber gets the global pid.
 */
TEST(holder_pid_numbered_in_subscriber_pid_namespace)
{
	struct ipcx_nl_event ev;
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	char name[64];
	int fd, ret, status;
	void *base;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root for unshare(CLONE_NEWPID)");
	ret = subscribed_handle(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	tname(name, sizeof(name), "pidns");
	fd = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	ASSERT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(nl, name, 5000, &ev));
	ASSERT_EQ(0, unshare(CLONE_NEWPID)) {
		TH_LOG("unshare(CLONE_NEWPID): %s", strerror(errno));
	}
	pid = fork();	/* pid 1 of the new namespace */
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_nl *cnl;
		pid_t holder;
		int pfd[2];

		if (subscribed_handle(&cnl) || pipe(pfd))
			_exit(10);
		holder = fork();
		if (holder < 0)
			_exit(11);
		if (holder == 0) {
			if (ipcx_mutex_lock(&m) || nh_write_byte(pfd[1], 'x'))
				_exit(1);
			pause();
			_exit(2);
		}
		if (nh_read_byte(pfd[0]) != 'x')
			_exit(12);
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
		if (nh_event_for(cnl, name, 5000, &ev) != IPCX_NL_CMD_HOLDER_DIED_NTF)
			_exit(13);
		/* holder is its pid here (2), not its pid in the parent's namespace */
		if (ev.tgid != (uint32_t)holder || ev.pid != (uint32_t)holder)
			_exit(14);
		_exit(0);
	}
	status = lh_wait_child(pid, 20000);
	ASSERT_EQ(0, lh_exit_code(status));
	ASSERT_EQ(IPCX_NL_CMD_HOLDER_DIED_NTF, nh_event_for(nl, name, 5000, &ev));
	/* the initial namespace numbers it otherwise: not 1 or 2 of the new one */
	EXPECT_GT(ev.tgid, 2);
	EXPECT_EQ(ev.pid, ev.tgid);
	EXPECT_GT(ev.tgid, (uint32_t)pid);
	ipcx_region_unmap(base, PG);
	close(fd);
	ipcx_nl_close(nl);
}

/*
 * max_user_subscribers bounds the sockets one user subscribes; closing one
 * gives its place back (the module follows socket releases), and a
 * subscription made twice on one socket counts once.
 */
TEST(subscriptions_bounded_and_released_with_socket)
{
	struct ipcx_nl *a, *b, *c;
	int old, ret;

	if (geteuid() != 0)
		SKIP(return, "needs root to set module parameters");
	old = nh_param_read(PARAM_USER_SUBS);
	if (old < 0)
		SKIP(return, "no %s", PARAM_USER_SUBS);
	ASSERT_EQ(0, nh_param_write(PARAM_USER_SUBS, 2));
	ret = subscribed_handle(&a);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, ipcx_nl_subscribe(a));	/* again: no second place */
	ASSERT_EQ(0, subscribed_handle(&b));
	ASSERT_EQ(0, ipcx_nl_open(&c));
	EXPECT_EQ(-ENOSPC, ipcx_nl_subscribe(c));
	EXPECT_NE(NULL, strstr(ipcx_nl_errmsg(c), "max_user_subscribers")) {
		TH_LOG("extack: \"%s\"", ipcx_nl_errmsg(c));
	}
	ipcx_nl_close(a);	/* its socket's release ends its subscription */
	EXPECT_EQ(0, ipcx_nl_subscribe(c));
	ipcx_nl_close(b);
	ipcx_nl_close(c);
	ASSERT_EQ(0, nh_param_write(PARAM_USER_SUBS, old));
}

TEST_HARNESS_MAIN
