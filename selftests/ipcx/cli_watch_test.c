// SPDX-License-Identifier: GPL-2.0
/*
 * The ipcx command's watching subcommands, run as programs against a live
 * scenario: `ipcx monitor` streams the control plane's events in order
 * and stops on SIGINT; `ipcx top` ranks locks by what moved in its last
 * interval. Needs the module; SKIPs without it or without the command
 * (build/tools/ipcx, or $IPCX_TOOL).
 */
#include <errno.h>
#include <poll.h>
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

static void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "cliw-%d-%s", getpid(), tag);
}

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
		execv(nh_tool(), argv);
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

	if (access(nh_tool(), X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", nh_tool());
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

	if (access(nh_tool(), X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", nh_tool());
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
	EXPECT_GT(nh_json_field(out, "region", name, "delta_contended"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(nh_json_field(out, "region", name, "delta_acquisitions"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(nh_json_field(out, "region", name, "delta_wait_ns"), 0) {
		TH_LOG("%s", out);
	}

	/* the fight is over (the dead holder's lock is taken back first) */
	if (ipcx_mutex_lock(&m) == -EOWNERDEAD)
		ipcx_mutex_consistent(&m);
	ipcx_mutex_unlock(&m);
	ASSERT_EQ(0, run_tool(argv, out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_GT(nh_json_field(out, "region", name, "contended"), 0) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, nh_json_field(out, "region", name, "delta_contended")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, nh_json_field(out, "region", name, "delta_acquisitions")) {
		TH_LOG("%s", out);
	}
	ipcx_region_unmap(base, PG);
	close(fd);
}

TEST_HARNESS_MAIN
