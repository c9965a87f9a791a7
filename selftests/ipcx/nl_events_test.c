// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane events as their users see them: a subscription follows the
 * subscriber's IPC namespace (nothing from another namespace arrives) and
 * numbers pids in its pid namespace; the multicast group sees every
 * namespace; subscriptions are bounded and end with their socket; and the
 * ipcx command's monitor and top, run as programs. Needs the module and
 * root (unshare, setting module parameters); SKIPs otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#define IPCX_TOOL nh_tool()
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

/* ---- the ipcx command as a program ---------------------------------------- */

/* Start "ipcx ARGS..." with stdout to @out_fd; its stderr comes on *@err. */
static pid_t spawn_tool(char *const argv[], int out_fd, int *err)
{
	int efd[2];
	pid_t pid;

	if (pipe(efd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(efd[1], STDERR_FILENO);
		close(efd[0]);
		execv(IPCX_TOOL, argv);
		_exit(127);
	}
	close(efd[1]);
	*err = efd[0];
	return pid;
}

/* Wait until the monitor says it listens (a line on its stderr). */
static int wait_listening(int err_fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = err_fd, .events = POLLIN };
	size_t got = 0;

	while (got < len - 1 && poll(&p, 1, 10000) == 1) {
		ssize_t n = read(err_fd, buf + got, len - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "monitoring"))
			return 0;
	}
	return -1;
}

/* The n-th line of @text holding @name, or NULL. */
static const char *line_with(const char *text, const char *name, int nth)
{
	const char *p = text;

	while ((p = strstr(p, name))) {
		const char *start = p;

		while (start > text && start[-1] != '\n')
			start--;
		if (nth-- == 0)
			return start;
		p = strchr(p, '\n');
		if (!p)
			break;
	}
	return NULL;
}

/*
 * `ipcx monitor --json` streams, in order, region created, holder died
 * (with the SIGKILLed holder's pid) and region destroyed for a scripted
 * scenario, and exits 0 on SIGINT.
 */
TEST(cli_monitor_streams_scenario)
{
	static char out[65536];
	char name[64], err[512] = "", want[80];
	char *argv[] = { "ipcx", "monitor", "--json", NULL };
	struct ipcx_mutex m;
	int fd, efd, ofd, status;
	const char *l;
	void *base;
	pid_t mon, holder;
	ssize_t n;
	FILE *f;

	if (access(IPCX_TOOL, X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", IPCX_TOOL);
	if (access(IPCX_DEVICE_PATH, F_OK))
		SKIP(return, "module not loaded");
	tname(name, sizeof(name), "monitor");
	f = tmpfile();
	ASSERT_NE(NULL, f);
	ofd = fileno(f);
	mon = spawn_tool(argv, ofd, &efd);
	ASSERT_GT(mon, 0);
	ASSERT_EQ(0, wait_listening(efd, err, sizeof(err))) {
		TH_LOG("monitor said: %s", err);
	}

	fd = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_PERSISTENT, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	holder = nh_holder_killed(&m);
	ASSERT_GT(holder, 0);
	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&m));
	ASSERT_EQ(0, ipcx_mutex_consistent(&m));
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	ASSERT_EQ(0, ipcx_region_unlink(name));
	ipcx_region_unmap(base, PG);
	close(fd);

	/* let the last event arrive, then stop it the way a user does */
	lh_msleep(500);
	ASSERT_EQ(0, kill(mon, SIGINT));
	status = lh_wait_child(mon, 10000);
	EXPECT_EQ(0, lh_exit_code(status));
	close(efd);
	n = pread(ofd, out, sizeof(out) - 1, 0);
	ASSERT_GT(n, 0);
	out[n] = '\0';
	fclose(f);

	snprintf(want, sizeof(want), "\"%s\"", name);
	l = line_with(out, want, 0);
	ASSERT_NE(NULL, l) {
		TH_LOG("output:\n%s", out);
	}
	EXPECT_EQ(l, strstr(l, "{\"time_ns\": ")) {
		TH_LOG("line: %.200s", l);
	}
	EXPECT_NE(NULL, strstr(l, "\"event\": \"region-created\"")) {
		TH_LOG("output:\n%s", out);
	}
	l = line_with(out, want, 1);
	ASSERT_NE(NULL, l) {
		TH_LOG("output:\n%s", out);
	}
	EXPECT_NE(NULL, strstr(l, "\"event\": \"holder-died\"")) {
		TH_LOG("output:\n%s", out);
	}
	snprintf(err, sizeof(err), "\"pid\": %d, \"tgid\": %d,", holder, holder);
	EXPECT_NE(NULL, strstr(l, err)) {
		TH_LOG("want %s in %.300s", err, l);
	}
	l = line_with(out, want, 2);
	ASSERT_NE(NULL, l) {
		TH_LOG("output:\n%s", out);
	}
	EXPECT_NE(NULL, strstr(l, "\"event\": \"region-destroyed\"")) {
		TH_LOG("output:\n%s", out);
	}
	EXPECT_EQ(NULL, line_with(out, want, 3)) {
		TH_LOG("output:\n%s", out);
	}
}

/* Two processes taking turns on a mutex, each holding it @hold_ms. */
static pid_t contend(struct ipcx_mutex *m, int hold_ms)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	setpgid(0, 0);	/* before the sibling: one kill(-pid) ends both */
	if (fork() < 0)	/* two of us now */
		_exit(1);
	for (;;) {
		if (ipcx_mutex_lock(m))
			_exit(2);
		lh_msleep(hold_ms);
		if (ipcx_mutex_unlock(m))
			_exit(3);
	}
}

/* "KEY": N in the JSON object that holds @region; -1 if absent. */
static long long json_field(const char *text, const char *region, const char *key)
{
	char want[96];
	const char *obj, *end, *p;

	snprintf(want, sizeof(want), "\"region\": \"%s\"", region);
	obj = strstr(text, want);
	if (!obj)
		return -1;
	end = strchr(obj, '}');
	snprintf(want, sizeof(want), "\"%s\": ", key);
	p = strstr(obj, want);
	if (!p || (end && p > end))
		return -1;
	return strtoll(p + strlen(want), NULL, 10);
}

static int run_tool(char *const argv[], char *out, size_t len)
{
	int efd, status, ofd;
	FILE *f = tmpfile();
	ssize_t n;
	pid_t pid;

	if (!f)
		return -1;
	ofd = fileno(f);
	pid = spawn_tool(argv, ofd, &efd);
	if (pid < 0)
		return -1;
	status = lh_wait_child(pid, 20000);
	close(efd);
	n = pread(ofd, out, len - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	fclose(f);
	return lh_exit_code(status);
}

/*
 * `ipcx top --once --json` ranks by the last interval: while two processes
 * fight over a lock its deltas move; once they stop, its totals stay and
 * its deltas are 0.
 */
TEST(cli_top_shows_interval_deltas)
{
	static char out[65536];
	char *argv[] = { "ipcx", "top", "--once", "--json", "--interval", "0.5",
			 "--limit", "1000", NULL };
	struct ipcx_mutex m;
	char name[64];
	int fd, status;
	void *base;
	pid_t pid;

	if (access(IPCX_TOOL, X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", IPCX_TOOL);
	if (access(IPCX_DEVICE_PATH, F_OK))
		SKIP(return, "module not loaded");
	tname(name, sizeof(name), "top");
	fd = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base));
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));

	pid = contend(&m, 5);
	ASSERT_GT(pid, 0);
	setpgid(pid, pid);	/* whichever of the two runs first */
	lh_msleep(300);
	ASSERT_EQ(0, run_tool(argv, out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	kill(-pid, SIGKILL);
	status = lh_wait_child(pid, 5000);
	(void)status;
	EXPECT_GT(json_field(out, name, "delta_contended"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(json_field(out, name, "delta_acquisitions"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(json_field(out, name, "delta_wait_ns"), 0) {
		TH_LOG("%s", out);
	}

	/* the fight is over (the dead holder's lock is taken back first) */
	if (ipcx_mutex_lock(&m) == -EOWNERDEAD)
		ipcx_mutex_consistent(&m);
	ipcx_mutex_unlock(&m);
	ASSERT_EQ(0, run_tool(argv, out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(json_field(out, name, "contended"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, json_field(out, name, "delta_contended")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, json_field(out, name, "delta_acquisitions")) {
		TH_LOG("%s", out);
	}
	ipcx_region_unmap(base, PG);
	close(fd);
}

TEST_HARNESS_MAIN
