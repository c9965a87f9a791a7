/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny generic netlink client on a plain socket, for the selftests that
 * must control every byte of a request (malformed attributes) or every
 * system call made (fault injection): no library in between.
 */
#ifndef IPCX_NL_RAW_H
#define IPCX_NL_RAW_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ipcx.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nlr {
	int fd;
	uint16_t family;
	uint32_t seq;
};

/* What one request got back. */
struct nlr_result {
	int err;		/* 0 or -errno: the ACK's error, or recv's */
	int nmsgs;		/* data messages received */
	int has_msg;		/* the error carried NLMSGERR_ATTR_MSG */
	char msg[128];		/* its text */
};

/* Called for each data message: @attrs/@len is the genetlink payload. */
typedef void (*nlr_cb)(const struct nlattr *attrs, int len, void *arg);

/* Append attribute @type with @dlen bytes of @data; returns the new length. */
static inline int nlr_put(void *buf, int len, uint16_t type, const void *data,
			  int dlen)
{
	struct nlattr *a = (struct nlattr *)((char *)buf + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	memset((char *)a + NLA_HDRLEN + dlen, 0, NLA_ALIGN(dlen) - dlen);
	return len + NLA_HDRLEN + NLA_ALIGN(dlen);
}

static inline int nlr_put_str(void *buf, int len, uint16_t type, const char *s)
{
	return nlr_put(buf, len, type, s, strlen(s) + 1);
}

/* The first attribute of @type among @attrs, or NULL. */
static inline const struct nlattr *nlr_find(const struct nlattr *attrs, int len,
					    uint16_t type)
{
	while (len >= NLA_HDRLEN && attrs->nla_len >= NLA_HDRLEN &&
	       attrs->nla_len <= len) {
		if ((attrs->nla_type & NLA_TYPE_MASK) == type)
			return attrs;
		len -= NLA_ALIGN(attrs->nla_len);
		attrs = (const struct nlattr *)((const char *)attrs +
						NLA_ALIGN(attrs->nla_len));
	}
	return NULL;
}

static inline const void *nlr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/* Send one request: @cmd with @alen bytes of ready-made attributes. */
static inline int nlr_send(struct nlr *n, uint16_t type, uint16_t flags,
			   uint8_t cmd, const void *attrs, int alen)
{
	char buf[8192] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(h);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int len = NLMSG_LENGTH(GENL_HDRLEN) + alen;

	if (len > (int)sizeof(buf))
		return -E2BIG;
	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	h->nlmsg_len = len;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++n->seq;
	g->cmd = cmd;
	g->version = 1;
	if (alen)
		memcpy((char *)g + GENL_HDRLEN, attrs, alen);
	if (sendto(n->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) != len)
		return -errno;
	return 0;
}

static inline void nlr_extack(const struct nlmsghdr *h, struct nlr_result *r)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	int off = sizeof(*e), len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	len = (int)h->nlmsg_len - NLMSG_HDRLEN - off;
	if (len <= 0)
		return;
	a = nlr_find((const struct nlattr *)((const char *)e + off), len,
		     NLMSGERR_ATTR_MSG);
	if (!a)
		return;
	r->has_msg = 1;
	snprintf(r->msg, sizeof(r->msg), "%.*s", (int)(a->nla_len - NLA_HDRLEN),
		 (const char *)nlr_data(a));
}

/* A dump's NLMSG_DONE: the error, then the extack attributes. */
static inline void nlr_done_extack(const struct nlmsghdr *h, struct nlr_result *r)
{
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(int);
	const struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	a = nlr_find((const struct nlattr *)((const char *)NLMSG_DATA(h) + sizeof(int)),
		     len, NLMSGERR_ATTR_MSG);
	if (!a)
		return;
	r->has_msg = 1;
	snprintf(r->msg, sizeof(r->msg), "%.*s", (int)(a->nla_len - NLA_HDRLEN),
		 (const char *)nlr_data(a));
}

/*
 * Read the answer of the last request: data messages until the ACK (doit)
 * or NLMSG_DONE (dump). A receive error (ENOBUFS: a reply or ACK was lost)
 * ends it too; so does the socket's 5 s receive timeout (EAGAIN).
 */
static inline struct nlr_result nlr_recv(struct nlr *n, nlr_cb cb, void *arg)
{
	static char buf[65536] __attribute__((aligned(4)));
	struct nlr_result r = { 0 };

	for (;;) {
		struct nlmsghdr *h;
		int len = recv(n->fd, buf, sizeof(buf), 0);

		if (len < 0) {
			r.err = -errno;
			return r;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != n->seq)
				continue;	/* an earlier, abandoned request */
			if (h->nlmsg_type == NLMSG_ERROR) {
				r.err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				nlr_extack(h, &r);
				return r;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				r.err = *(int *)NLMSG_DATA(h);
				nlr_done_extack(h, &r);
				return r;
			}
			r.nmsgs++;
			if (cb)
				cb((const struct nlattr *)((char *)NLMSG_DATA(h) +
							   GENL_HDRLEN),
				   (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
				   arg);
		}
	}
}

/* One request and its answer. */
static inline struct nlr_result nlr_call(struct nlr *n, uint16_t flags,
					 uint8_t cmd, const void *attrs,
					 int alen, nlr_cb cb, void *arg)
{
	struct nlr_result r = { 0 };

	r.err = nlr_send(n, n->family, flags, cmd, attrs, alen);
	if (r.err)
		return r;
	return nlr_recv(n, cb, arg);
}

static inline void nlr_family_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *a = nlr_find(attrs, len, CTRL_ATTR_FAMILY_ID);

	if (a)
		*(uint16_t *)arg = *(const uint16_t *)nlr_data(a);
}

/* Open a socket and resolve the "ipcx" family: 0, -ENOENT (no family). */
static inline int nlr_open(struct nlr *n)
{
	struct timeval tv = { .tv_sec = 5 };
	struct nlr_result r;
	char attrs[64];
	int one = 1, len;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(n->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n->family = GENL_ID_CTRL;
	len = nlr_put_str(attrs, 0, CTRL_ATTR_FAMILY_NAME, IPCX_NL_FAMILY_NAME);
	r = nlr_call(n, 0, CTRL_CMD_GETFAMILY, attrs, len, nlr_family_cb,
		     &n->family);
	if (r.err || n->family == GENL_ID_CTRL) {
		close(n->fd);
		n->fd = -1;
		return r.err ? r.err : -ENOENT;
	}
	return 0;
}

/* For nlr_mcgrp(): the id of the group named in ->name. */
struct nlr_grp {
	const char *name;
	int id;
};

static inline void nlr_grp_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *groups = nlr_find(attrs, len, CTRL_ATTR_MCAST_GROUPS);
	const struct nlattr *g;
	struct nlr_grp *want = arg;
	int glen;

	if (!groups)
		return;
	glen = groups->nla_len - NLA_HDRLEN;
	for (g = nlr_data(groups); glen >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN &&
	     g->nla_len <= glen;
	     glen -= NLA_ALIGN(g->nla_len),
	     g = (const struct nlattr *)((const char *)g + NLA_ALIGN(g->nla_len))) {
		int l = g->nla_len - NLA_HDRLEN;
		const struct nlattr *name = nlr_find(nlr_data(g), l, CTRL_ATTR_MCAST_GRP_NAME);
		const struct nlattr *id = nlr_find(nlr_data(g), l, CTRL_ATTR_MCAST_GRP_ID);

		if (name && id && !strcmp(nlr_data(name), want->name))
			want->id = *(const int *)nlr_data(id);
	}
}

/* The id of the "ipcx" family's multicast group @grp, or -errno. */
static inline int nlr_mcgrp(struct nlr *n, const char *grp)
{
	struct nlr_grp want = { .name = grp, .id = -ENOENT };
	struct nlr_result r;
	char attrs[64];
	int len;

	len = nlr_put_str(attrs, 0, CTRL_ATTR_FAMILY_NAME, IPCX_NL_FAMILY_NAME);
	r.err = nlr_send(n, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, attrs, len);
	if (!r.err)
		r = nlr_recv(n, nlr_grp_cb, &want);
	return r.err ? r.err : want.id;
}

static inline void nlr_close(struct nlr *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

/* The module's live counts, from IPCX_NL_CMD_STATS_GET. */
struct nlr_stats {
	uint32_t regions, locks, owners, subscribers;
	uint64_t bytes;
	int seen;
};

static inline void nlr_stats_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *nest = nlr_find(attrs, len, IPCX_NL_A_STATS), *a;
	struct nlr_stats *st = arg;
	int nlen;

	if (!nest)
		return;
	nlen = nest->nla_len - NLA_HDRLEN;
	attrs = nlr_data(nest);
	a = nlr_find(attrs, nlen, IPCX_NL_STATS_A_REGIONS);
	if (a)
		st->regions = *(const uint32_t *)nlr_data(a);
	a = nlr_find(attrs, nlen, IPCX_NL_STATS_A_LOCKS);
	if (a)
		st->locks = *(const uint32_t *)nlr_data(a);
	a = nlr_find(attrs, nlen, IPCX_NL_STATS_A_OWNERS);
	if (a)
		st->owners = *(const uint32_t *)nlr_data(a);
	a = nlr_find(attrs, nlen, IPCX_NL_STATS_A_SUBSCRIBERS);
	if (a)
		st->subscribers = *(const uint32_t *)nlr_data(a);
	a = nlr_find(attrs, nlen, IPCX_NL_STATS_A_BYTES);
	if (a)
		memcpy(&st->bytes, nlr_data(a), sizeof(st->bytes));
	st->seen = 1;
}

static inline int nlr_stats(struct nlr *n, struct nlr_stats *st)
{
	struct nlr_result r;

	memset(st, 0, sizeof(*st));
	r = nlr_call(n, 0, IPCX_NL_CMD_STATS_GET, NULL, 0, nlr_stats_cb, st);
	if (!r.err && !st->seen)
		return -EPROTO;
	return r.err;
}

#endif /* IPCX_NL_RAW_H */
