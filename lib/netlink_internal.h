/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libipcx's netlink client, shared by its parts: netlink.c (the handle,
 * its sockets, one request/answer exchange), netlink_query.c (regions,
 * locks, statistics, delete) and netlink_events.c (notifications). Never
 * installed; libnl's types stay behind it.
 */
#ifndef LIBIPCX_NETLINK_INTERNAL_H
#define LIBIPCX_NETLINK_INTERNAL_H

#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "libipcx.h"

struct ipcx_nl {
	struct nl_sock *sk;	/* requests */
	struct nl_sock *ev;	/* events, after ipcx_nl_subscribe() */
	int family;
	char errmsg[256];	/* the last extended-ack message */
};

/* libnl's NLE_* code @nle as a negative errno (0 stays 0) */
int ipcx_nle_to_errno(int nle);

/* a generic netlink socket, connected, extended acks asked for */
int ipcx_nl_sock(struct nl_sock **skp);

/*
 * Send a request built on @msg (consumed) over @sk (ipcx_nl_transact():
 * the request socket) and receive to its end, each answer's attributes
 * handed to @parse; 0, the kernel's errno or @parse's error.
 */
int ipcx_nl_transact_on(struct ipcx_nl *nl, struct nl_sock *sk, struct nl_msg *msg,
			int (*parse)(struct nlattr **tb, void *arg), void *arg);
int ipcx_nl_transact(struct ipcx_nl *nl, struct nl_msg *msg,
		     int (*parse)(struct nlattr **tb, void *arg), void *arg);

/* a request of command @cmd to the family, or NULL (out of memory) */
struct nl_msg *ipcx_nl_msg(struct ipcx_nl *nl, uint8_t cmd, int flags);

/* a request that selects a region: by @name when given, else by @id */
int ipcx_nl_sel_msg(struct ipcx_nl *nl, uint8_t cmd, int flags,
		    const char *name, uint64_t id, struct nl_msg **msgp);

/* an attribute's value, 0 (or "") when the kernel did not send it */
static inline uint32_t ipcx_get32(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u32(tb[a]) : 0;
}

static inline uint64_t ipcx_get64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static inline void ipcx_getstr(struct nlattr **tb, int a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (tb[a])
		nla_strlcpy(buf, tb[a], size);
}

#endif
