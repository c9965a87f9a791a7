/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What hostile_netlink_test.c and hostile_nlread_test.c share: root
 * against user 65534 over the "ipcx" family (dropping privileges, passing
 * fds, raw event sockets), and root's regions with a mutex.
 */
#ifndef IPCX_HOSTILE_NL_HELPERS_H
#define IPCX_HOSTILE_NL_HELPERS_H

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

static inline void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "hnl-%d-%s", getpid(), tag);
}

static inline int drop_to_nobody(void)
{
	return setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	       setresuid(NOBODY, NOBODY, NOBODY) ? -1 : 0;
}

/* Pass @fd over the unix socket @sock (SCM_RIGHTS). */
static inline int send_fd(int sock, int fd)
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

static inline int recv_fd(int sock)
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
static inline int events_about(int fd, const char *name, int ms, int *cmd)
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
static inline int join_events(struct nlr *n)
{
	int grp = nlr_mcgrp(n, IPCX_NL_MCGRP_EVENTS);

	if (grp < 0)
		return grp;
	if (setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

/* A region of root's, mapped, with a mutex at offset 0: 0, or -1. */
static inline int mutex_region(const char *name, mode_t mode, int *fd, void **base,
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
static inline int held_private_region(const char *name, int *fd, void **base, struct ipcx_mutex *m)
{
	return mutex_region(name, 0600, fd, base, m) || ipcx_mutex_lock(m) ? -1 : 0;
}

struct lock_seen {
	int ret;		/* ipcx_nl_list_locks() */
	int n;			/* locks reported */
	uint32_t holder_tgid;	/* of the last */
	uint32_t word;
};

static inline int lock_seen_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct lock_seen *s = arg;

	s->n++;
	s->holder_tgid = l->holder_tgid;
	s->word = l->word;
	return 0;
}

#endif
