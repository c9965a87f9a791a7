// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane from an attacker's side: an unprivileged user (uid
 * 65534) tries to act on root's private regions, or on other users,
 * through the sockets of the "ipcx" generic netlink family:
 *  - join the events group from its own user and network namespaces;
 *  - open a socket and have root send REGION_DEL / LOCK_GET on it (the
 *    CVE-2014-0181 pattern: the opener's credentials must count);
 *  - fill the table of subscribed sockets so that others cannot subscribe.
 * What it may read (locks, dead holders, top): hostile_nlread_test.c.
 * Each test measures the victim's side beside the attacker's, so that a
 * silent channel is not mistaken for a closed one. Needs the module and root
 * (to create the victim's regions and drop privileges); SKIPs otherwise.
 */
#include "hostile_nl_helpers.h"

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
