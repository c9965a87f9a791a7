// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane from an attacker's side: an unprivileged user (uid
 * 65534) tries to learn about, or act on, root's private regions through
 * the "ipcx" generic netlink family:
 *  - join the events group from its own user and network namespaces;
 *  - read the locks (words, holders) of a 0600 region of root's;
 *  - subscribe to its namespace's events and hear of root's dead holders
 *    (of a private region; or, from its own pid namespace, who they were);
 *  - open a socket and have root send REGION_DEL / LOCK_GET on it (the
 *    CVE-2014-0181 pattern: the opener's credentials must count);
 *  - fill the table of subscribed sockets so that others cannot subscribe.
 * Each test measures the victim's side beside the attacker's, so that a
 * silent channel is not mistaken for a closed one. Needs the module and root
 * (to create the victim's regions and drop privileges); SKIPs otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"
#include "nl_test_helpers.h"
#include "nl_raw.h"

#include "kselftest_harness.h"

#define PG 4096UL
#define NOBODY 65534
#define PARAM_SUBS "/sys/module/ipcx/parameters/max_subscribers"
#define PARAM_USER_SUBS "/sys/module/ipcx/parameters/max_user_subscribers"
/* a child's exit status for "cannot run here" (no user namespaces) */
#define CHILD_SKIP 4

/*
 * Every test here plays root against user 65534 over the ipcx family:
 * SKIP unless root, then run @open_call (0 or -errno) into @ret and SKIP
 * when the family is not registered.
 */
#define NEED_ROOT_AND_FAMILY(ret, open_call)					\
	do {									\
		if (geteuid() != 0)						\
			SKIP(return, "needs root to drop to uid %d", NOBODY);	\
		ret = (open_call);						\
		if (ret == -ENOENT)						\
			SKIP(return, "ipcx family not registered");		\
		ASSERT_EQ(0, ret);						\
	} while (0)

static void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "hnl-%d-%s", getpid(), tag);
}

static int drop_to_nobody(void)
{
	return setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	       setresuid(NOBODY, NOBODY, NOBODY) ? -1 : 0;
}

/* Pass @fd over the unix socket @sock (SCM_RIGHTS). */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * Notifications about @name read from the raw socket @fd within @ms
 * (anything else is skipped); the last one's command in *@cmd.
 */
static int events_about(int fd, const char *name, int ms, int *cmd)
{
	static char buf[65536] __attribute__((aligned(4)));
	uint64_t end = lh_now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;
	int n = 0;

	for (;;) {
		int64_t left = (int64_t)(end - lh_now_ns(CLOCK_MONOTONIC)) / 1000000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		int len;

		if (left <= 0 || poll(&p, 1, (int)left) != 1)
			return n;
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0)
			continue;	/* ENOBUFS: lost some; go on */
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g = NLMSG_DATA(h);
			const struct nlattr *ev, *a;
			int alen = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			ev = nlr_find((const struct nlattr *)((char *)g + GENL_HDRLEN),
				      alen, IPCX_NL_A_EVENT);
			if (!ev)
				continue;
			a = nlr_find(nlr_data(ev), ev->nla_len - NLA_HDRLEN,
				     IPCX_NL_EVENT_A_NAME);
			if (a && !strcmp(nlr_data(a), name)) {
				n++;
				*cmd = g->cmd;
			}
		}
	}
}

/* A raw socket joined to the "events" group: 0 or -errno. */
static int join_events(struct nlr *n)
{
	int grp = nlr_mcgrp(n, IPCX_NL_MCGRP_EVENTS);

	if (grp < 0)
		return grp;
	if (setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

/*
 * Finding: the events group is CAP_NET_ADMIN-only, but that is checked in
 * the network namespace's user namespace, which an unprivileged user owns
 * after unshare(USER|NET). Joined there, it must hear nothing of root's
 * private region (created and destroyed), while root's listener in the
 * initial namespaces hears both.
 */
TEST(events_group_from_own_user_net_ns)
{
	int to_child[2], to_parent[2], fd, ret, status, cmd = 0;
	struct nlr all;
	char name[64];
	pid_t pid;

	NEED_ROOT_AND_FAMILY(ret, nlr_open(&all));
	ASSERT_EQ(0, join_events(&all));
	tname(name, sizeof(name), "mcast");
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct nlr n;
		int got, c = 0;

		if (drop_to_nobody())
			_exit(10);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			nh_write_byte(to_parent[1], 's');
			_exit(CHILD_SKIP);
		}
		if (nlr_open(&n))
			_exit(11);
		/* joining may be refused, or allowed and silent: both are fine */
		if (nh_write_byte(to_parent[1], join_events(&n) ? 'e' : 'j'))
			_exit(12);
		if (nh_read_byte(to_child[0]) != 'g')
			_exit(13);
		got = events_about(n.fd, name, 300, &c);
		if (got)
			fprintf(stderr, "# nobody in its own user+net ns heard %d event(s) "
				"of root's 0600 region (last cmd %d)\n", got, c);
		_exit(got ? 20 : 0);
	}
	ret = nh_read_byte(to_parent[0]);
	if (ret == 's') {
		lh_wait_child(pid, 5000);
		SKIP(return, "unprivileged user namespaces are off");
	}
	ASSERT_TRUE(ret == 'e' || ret == 'j');
	TH_LOG("joining from its own user+net ns: %s", ret == 'e' ? "refused" : "allowed");
	fd = ipcx_region_create(name, PG, 0600, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	ASSERT_GE(fd, 0);
	close(fd);	/* auto-remove: destroyed */
	/* the initial namespaces' listener heard both */
	EXPECT_EQ(2, events_about(all.fd, name, 2000, &cmd));
	EXPECT_EQ(IPCX_NL_CMD_REGION_DEL_NTF, cmd);
	ASSERT_EQ(0, nh_write_byte(to_child[1], 'g'));
	status = lh_wait_child(pid, 10000);
	EXPECT_EQ(0, lh_exit_code(status));
	nlr_close(&all);
}

/* A region of root's, mapped, with a mutex at offset 0: 0, or -1. */
static int mutex_region(const char *name, mode_t mode, int *fd, void **base,
			struct ipcx_mutex *m)
{
	*fd = ipcx_region_create(name, PG, mode, IPCX_LIFETIME_AUTO_REMOVE, IPCX_OPEN_EXCL);
	if (*fd < 0)
		return -1;
	if (ipcx_region_map(*fd, 0, PROT_READ | PROT_WRITE, base) ||
	    ipcx_mutex_init(m, *fd, *base, 0))
		return -1;
	return 0;
}

/* A 0600 region of root's with a mutex at offset 0 that root holds. */
static int held_private_region(const char *name, int *fd, void **base, struct ipcx_mutex *m)
{
	return mutex_region(name, 0600, fd, base, m) || ipcx_mutex_lock(m) ? -1 : 0;
}

struct lock_seen {
	int ret;		/* ipcx_nl_list_locks() */
	int n;			/* locks reported */
	uint32_t holder_tgid;	/* of the last */
	uint32_t word;
};

static int lock_seen_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct lock_seen *s = arg;

	s->n++;
	s->holder_tgid = l->holder_tgid;
	s->word = l->word;
	return 0;
}

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

static void put_name(char *attrs, int *len, const char *name)
{
	*len = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, name);
}

/*
 * Finding (CVE-2014-0181's pattern): permission was checked on the sender,
 * not on whoever opened the socket. Uid 65534 opens a netlink socket and
 * hands it to root; root's REGION_DEL of root's own region and LOCK_GET of
 * its 0600 region through that socket are refused, while root's own socket
 * may do both.
 */
TEST(socket_opened_by_nobody_used_by_root)
{
	struct nlr mine, passed;
	struct nlr_result r;
	struct ipcx_mutex m;
	int fd, ret, status, sv[2], alen;
	char name[64], attrs[256];
	void *base;
	pid_t pid;

	NEED_ROOT_AND_FAMILY(ret, nlr_open(&mine));
	tname(name, sizeof(name), "passed");
	ASSERT_EQ(0, held_private_region(name, &fd, &base, &m));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct nlr n;

		if (drop_to_nobody() || nlr_open(&n))
			_exit(10);
		_exit(send_fd(sv[1], n.fd) ? 11 : 0);
	}
	status = lh_wait_child(pid, 10000);
	ASSERT_EQ(0, lh_exit_code(status));
	passed = mine;
	passed.fd = recv_fd(sv[0]);
	ASSERT_GE(passed.fd, 0);
	put_name(attrs, &alen, name);

	r = nlr_call(&passed, NLM_F_DUMP, IPCX_NL_CMD_LOCK_GET, attrs, alen, NULL, NULL);
	EXPECT_EQ(-EACCES, r.err);
	EXPECT_EQ(0, r.nmsgs) {
		TH_LOG("root read %d lock(s) through a socket uid %d opened", r.nmsgs, NOBODY);
	}
	r = nlr_call(&passed, 0, IPCX_NL_CMD_REGION_DEL, attrs, alen, NULL, NULL);
	EXPECT_EQ(-EPERM, r.err) {
		TH_LOG("REGION_DEL through a socket uid %d opened: %d \"%s\"",
		       NOBODY, r.err, r.msg);
	}
	/* still there: listing it through root's own socket */
	r = nlr_call(&mine, 0, IPCX_NL_CMD_REGION_GET, attrs, alen, NULL, NULL);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(1, r.nmsgs);
	/* root's own socket may do both */
	r = nlr_call(&mine, NLM_F_DUMP, IPCX_NL_CMD_LOCK_GET, attrs, alen, NULL, NULL);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(1, r.nmsgs);
	r = nlr_call(&mine, 0, IPCX_NL_CMD_REGION_DEL, attrs, alen, NULL, NULL);
	EXPECT_EQ(0, r.err);
	r = nlr_call(&mine, 0, IPCX_NL_CMD_REGION_GET, attrs, alen, NULL, NULL);
	EXPECT_EQ(-ENOENT, r.err);

	ipcx_mutex_unlock(&m);
	ipcx_region_unmap(base, PG);
	close(fd);
	nlr_close(&passed);
	nlr_close(&mine);
	close(sv[0]);
	close(sv[1]);
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

static int subscribe_raw(struct nlr *n)
{
	int ret = nlr_open(n);

	if (ret)
		return ret;
	return nlr_call(n, 0, IPCX_NL_CMD_EVENTS_SUBSCRIBE, NULL, 0, NULL, NULL).err;
}

/*
 * Finding: with max_user_subscribers at or above max_subscribers, one user
 * could subscribe every place and leave none to others. One user holds at
 * most half of max_subscribers, whatever max_user_subscribers says.
 */
TEST(one_user_cannot_fill_subscriber_table)
{
	enum { TRIES = 64 };
	int old_max, old_user, ret, status, cap, got = -1, to_child[2], to_parent[2];
	struct nlr_stats st;
	struct nlr root, probe;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to set module parameters");
	old_max = nh_param_read(PARAM_SUBS);
	old_user = nh_param_read(PARAM_USER_SUBS);
	if (old_max < 0 || old_user < 0)
		SKIP(return, "no %s", PARAM_SUBS);
	ret = nlr_open(&probe);
	if (ret == -ENOENT)
		SKIP(return, "ipcx family not registered");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, nlr_stats(&probe, &st));
	nlr_close(&probe);
	/* every place already taken belongs to someone else than uid 65534 */
	cap = 2 * (int)st.subscribers + 4;
	ASSERT_LT(cap, TRIES);
	ASSERT_EQ(0, nh_param_write(PARAM_SUBS, cap));
	ASSERT_EQ(0, nh_param_write(PARAM_USER_SUBS, 1000));
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		static struct nlr n[TRIES];
		int i;

		if (drop_to_nobody())
			_exit(10);
		for (i = 0; i < TRIES; i++) {
			ret = subscribe_raw(&n[i]);
			if (ret == -ENOSPC)
				break;
			if (ret)
				_exit(11);
		}
		if (write(to_parent[1], &i, sizeof(i)) != sizeof(i))
			_exit(12);
		nh_read_byte(to_child[0]);	/* hold them until root has tried */
		_exit(0);
	}
	EXPECT_EQ(sizeof(got), read(to_parent[0], &got, sizeof(got)));
	ret = subscribe_raw(&root);
	ASSERT_EQ(0, nh_write_byte(to_child[1], 'q'));
	status = lh_wait_child(pid, 10000);
	nlr_close(&root);
	ASSERT_EQ(0, nh_param_write(PARAM_SUBS, old_max));
	ASSERT_EQ(0, nh_param_write(PARAM_USER_SUBS, old_user));

	EXPECT_EQ(0, lh_exit_code(status));
	TH_LOG("max_subscribers %d: uid %d subscribed %d sockets", cap, NOBODY, got);
	EXPECT_LE(got, cap / 2);
	EXPECT_GE(got, 1);
	EXPECT_EQ(0, ret) {
		TH_LOG("root could not subscribe after uid %d took %d of %d places",
		       NOBODY, got, cap);
	}
}

TEST_HARNESS_MAIN
