// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane from an attacker's side, reading: an unprivileged user
 * (uid 65534) tries to learn about root's private regions through the
 * "ipcx" generic netlink family:
 *  - read the locks (words, holders) of a 0600 region of root's;
 *  - subscribe to its namespace's events and hear of root's dead holders
 *    (of a private region; or, from its own pid namespace, who they were);
 *  - run ipcx top over regions it may not read.
 * Each test measures the victim's side beside the attacker's, so that a
 * silent channel is not mistaken for a closed one. Needs the module and root
 * (to create the victim's regions and drop privileges); SKIPs otherwise.
 */
#include "hostile_nl_helpers.h"

/*
 * Finding: LOCK_GET showed anyone in the namespace the lock words and the
 * holder (pid, command) of another user's 0600 region. It needs read
 * permission now; the region itself stays listed, as ipcs lists it.
 */
TEST(lock_get_needs_read_permission)
{
	struct lock_seen seen = { 0 }, mine = { 0 };
	struct ipcx_nl_region r;
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	int fd, ret, status, pfd[2];
	char name[64];
	void *base;
	pid_t pid;

	NEED_ROOT_AND_FAMILY(ret, ipcx_nl_open(&nl));
	tname(name, sizeof(name), "lockget");
	ASSERT_EQ(0, held_private_region(name, &fd, &base, &m));
	ASSERT_EQ(0, pipe(pfd));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct lock_seen s = { 0 };
		struct ipcx_nl *cnl;

		if (drop_to_nobody() || ipcx_nl_open(&cnl))
			_exit(10);
		if (ipcx_nl_get_region(cnl, name, 0, &r))	/* listing stays */
			_exit(11);
		s.ret = ipcx_nl_list_locks(cnl, name, 0, lock_seen_cb, &s);
		_exit(write(pfd[1], &s, sizeof(s)) == sizeof(s) ? 0 : 12);
	}
	status = lh_wait_child(pid, 10000);
	ASSERT_EQ(0, lh_exit_code(status));
	ASSERT_EQ(sizeof(seen), read(pfd[0], &seen, sizeof(seen)));
	EXPECT_EQ(-EACCES, seen.ret);
	EXPECT_EQ(0, seen.n) {
		TH_LOG("uid %d read %d lock(s) of root's 0600 region: word %#x, holder %u",
		       NOBODY, seen.n, seen.word, seen.holder_tgid);
	}
	/* the owner still reads its own */
	ASSERT_EQ(0, ipcx_nl_list_locks(nl, name, 0, lock_seen_cb, &mine));
	EXPECT_EQ(1, mine.n);
	EXPECT_EQ((uint32_t)getpid(), mine.holder_tgid);
	ipcx_mutex_unlock(&m);
	ipcx_region_unmap(base, PG);
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	ipcx_nl_close(nl);
}

/*
 * Finding: a subscriber of the namespace's events heard of the death of a
 * holder of root's 0600 region, with its pid and command name. Lock events
 * go only to subscribers who may read the region; region events (created,
 * destroyed) to every subscriber of the namespace, as ipcs lists regions.
 */
TEST(holder_died_needs_read_permission)
{
	int fd, ret, status, to_parent[2];
	struct ipcx_nl_event ev;
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	char name[64];
	pid_t pid, holder;
	void *base;

	NEED_ROOT_AND_FAMILY(ret, ipcx_nl_open(&nl));
	ASSERT_EQ(0, ipcx_nl_subscribe(nl));
	tname(name, sizeof(name), "died");
	ASSERT_EQ(0, mutex_region(name, 0600, &fd, &base, &m));
	ASSERT_EQ(0, pipe(to_parent));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_nl *cnl;
		int died = 0, type;

		/* the region must die with the parent's file, not with ours */
		ipcx_region_unmap(base, PG);
		close(fd);
		if (drop_to_nobody() || ipcx_nl_open(&cnl) || ipcx_nl_subscribe(cnl))
			_exit(10);
		if (nh_write_byte(to_parent[1], 'r'))
			_exit(11);
		/* until the region is destroyed: that event it may hear */
		while ((type = nh_event_for(cnl, name, 10000, &ev)) > 0 &&
		       type != IPCX_NL_CMD_REGION_DEL_NTF)
			if (type == IPCX_NL_CMD_HOLDER_DIED_NTF) {
				fprintf(stderr, "# uid %d heard holder %u (%s) of root's "
					"0600 region die\n", NOBODY, ev.tgid, ev.comm);
				died++;
			}
		if (died)
			_exit(20);
		_exit(type == IPCX_NL_CMD_REGION_DEL_NTF ? 0 : 21);
	}
	ASSERT_EQ('r', nh_read_byte(to_parent[0]));
	holder = nh_holder_killed(&m);
	ASSERT_GT(holder, 0);
	/* root's subscriber hears it (after the creation): it went out */
	ASSERT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(nl, name, 5000, &ev));
	ASSERT_EQ(IPCX_NL_CMD_HOLDER_DIED_NTF, nh_event_for(nl, name, 5000, &ev));
	EXPECT_EQ((uint32_t)holder, ev.tgid);
	ipcx_region_unmap(base, PG);
	close(fd);	/* destroyed: the child's last event */
	status = lh_wait_child(pid, 20000);
	EXPECT_EQ(0, lh_exit_code(status));
	ipcx_nl_close(nl);
}

/*
 * In a pid namespace the holder is not in: subscribe, write 'r' to @ready,
 * and wait for a HOLDER_DIED about @name. Exit 0 when it came without the
 * holder's pid, tgid or command name, 20 when it named the holder.
 */
static int hear_death_anonymously(const char *name, int ready)
{
	struct ipcx_nl_event ev;
	struct ipcx_nl *nl;
	int type;

	if (ipcx_nl_open(&nl) || ipcx_nl_subscribe(nl))
		return 10;
	if (nh_write_byte(ready, 'r'))
		return 11;
	while ((type = nh_event_for(nl, name, 10000, &ev)) > 0 &&
	       type != IPCX_NL_CMD_HOLDER_DIED_NTF)
		;
	if (type != IPCX_NL_CMD_HOLDER_DIED_NTF)
		return 21;	/* a reader of the region hears the event */
	if (ev.pid || ev.tgid || ev.comm[0]) {
		fprintf(stderr, "# nobody in its own pid ns heard dead holder pid %u "
			"tgid %u comm \"%s\"\n", ev.pid, ev.tgid, ev.comm);
		return 20;
	}
	return 0;
}

/*
 * Finding: a subscriber that may read the region (0644) but lives in a pid
 * namespace of its own heard a dead holder's command name (its pid and
 * tgid came as 0, numbered in a namespace where the holder has none).
 * LOCK_STAT shows such a caller the owner id only; so must the event. The
 * initial namespace's subscriber (root) is told pid, tgid and command.
 */
TEST(holder_died_hides_thread_outside_subscriber_pid_ns)
{
	int fd, ret, status, to_parent[2];
	struct ipcx_nl_event ev;
	struct ipcx_mutex m;
	struct ipcx_nl *nl;
	char name[64];
	pid_t pid, holder;
	void *base;

	NEED_ROOT_AND_FAMILY(ret, ipcx_nl_open(&nl));
	ASSERT_EQ(0, ipcx_nl_subscribe(nl));
	tname(name, sizeof(name), "pidns");
	ASSERT_EQ(0, mutex_region(name, 0644, &fd, &base, &m));
	ASSERT_EQ(0, pipe(to_parent));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t inner;

		ipcx_region_unmap(base, PG);
		close(fd);
		if (drop_to_nobody())
			_exit(10);
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID)) {
			nh_write_byte(to_parent[1], 's');
			_exit(CHILD_SKIP);
		}
		inner = fork();		/* pid 1 of the new pid namespace */
		if (inner == 0)
			_exit(hear_death_anonymously(name, to_parent[1]));
		_exit(inner < 0 ? 12 : lh_exit_code(lh_wait_child(inner, 20000)));
	}
	ret = nh_read_byte(to_parent[0]);
	if (ret == 's') {
		lh_wait_child(pid, 5000);
		SKIP(return, "unprivileged user namespaces are off");
	}
	ASSERT_EQ('r', ret);
	holder = nh_holder_killed(&m);
	ASSERT_GT(holder, 0);
	ASSERT_EQ(IPCX_NL_CMD_REGION_NEW_NTF, nh_event_for(nl, name, 5000, &ev));
	ASSERT_EQ(IPCX_NL_CMD_HOLDER_DIED_NTF, nh_event_for(nl, name, 5000, &ev));
	EXPECT_EQ((uint32_t)holder, ev.tgid);
	EXPECT_NE('\0', ev.comm[0]);
	status = lh_wait_child(pid, 20000);
	EXPECT_EQ(0, lh_exit_code(status));
	ipcx_region_unmap(base, PG);
	close(fd);
	ipcx_nl_close(nl);
}

/*
 * What LOCK_GET now refuses must not break the tools built on it: `ipcx
 * top` run by uid 65534 leaves out root's 0600 region (its locks are not
 * nobody's to see) and still shows nobody's own.
 */
TEST(top_as_nobody_skips_unreadable_regions)
{
	static char out[65536];
	char theirs[64], mine[64];
	int fd, ret, status, pfd[2];
	struct ipcx_mutex m;
	void *base;
	ssize_t n, got = 0;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid %d", NOBODY);
	if (access(nh_tool(), X_OK))
		SKIP(return, "%s not built (run from the top of the tree)", nh_tool());
	if (access(IPCX_DEVICE_PATH, F_OK))
		SKIP(return, "module not loaded");
	tname(theirs, sizeof(theirs), "top-root");
	tname(mine, sizeof(mine), "top-nobody");
	ASSERT_EQ(0, held_private_region(theirs, &fd, &base, &m));
	ASSERT_EQ(0, pipe(pfd));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		void *b;
		int own;

		close(pfd[0]);
		ipcx_region_unmap(base, PG);
		close(fd);
		if (drop_to_nobody())
			_exit(10);
		own = ipcx_region_create(mine, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE,
					 IPCX_OPEN_EXCL);
		if (own < 0 || ipcx_region_map(own, 0, PROT_READ | PROT_WRITE, &b) ||
		    ipcx_mutex_init(&m, own, b, 0))
			_exit(11);
		ret = fork();
		if (ret == 0) {
			dup2(pfd[1], STDOUT_FILENO);
			execl(nh_tool(), "ipcx", "top", "--once", "--json", "--interval",
			      "0.1", "--limit", "1000", (char *)NULL);
			_exit(127);
		}
		close(pfd[1]);
		_exit(lh_exit_code(lh_wait_child(ret, 20000)));
	}
	close(pfd[1]);
	while (got < (ssize_t)sizeof(out) - 1 &&
	       (n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	status = lh_wait_child(pid, 30000);
	EXPECT_EQ(0, lh_exit_code(status)) {
		TH_LOG("ipcx top as uid %d: %s", NOBODY, out);
	}
	EXPECT_EQ(NULL, strstr(out, theirs)) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, mine)) {
		TH_LOG("%s", out);
	}
	ipcx_mutex_unlock(&m);
	ipcx_region_unmap(base, PG);
	close(fd);
	close(pfd[0]);
}

TEST_HARNESS_MAIN
