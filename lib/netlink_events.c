// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libipcx's netlink notifications: a second socket per handle, subscribed
 * either to the caller's IPC namespace (a per-socket subscription the
 * module keeps) or to the multicast group of every namespace, and read one
 * notification at a time with a timeout.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <netlink/genl/ctrl.h>

#include "netlink_internal.h"

/* The event socket failed to subscribe: gone, and its error returned. */
static int ipcx_nl_ev_drop(struct ipcx_nl *nl, int err)
{
	nl_socket_free(nl->ev);
	nl->ev = NULL;
	return err;
}

/*
 * The events of the caller's IPC namespace, sent to this handle's event
 * socket alone (IPCX_NL_CMD_EVENTS_SUBSCRIBE); no privilege needed.
 */
int ipcx_nl_subscribe(struct ipcx_nl *nl)
{
	struct nl_msg *msg;
	int ret;

	if (nl->ev)
		return 0;
	ret = ipcx_nl_sock(&nl->ev);
	if (ret)
		return ret;
	msg = ipcx_nl_msg(nl, IPCX_NL_CMD_EVENTS_SUBSCRIBE, 0);
	ret = msg ? ipcx_nl_transact_on(nl, nl->ev, msg, NULL, NULL) : -ENOMEM;
	if (ret)
		return ipcx_nl_ev_drop(nl, ret);
	nl_socket_disable_seq_check(nl->ev);
	nl_socket_set_nonblocking(nl->ev);
	return 0;
}

/* The events of every IPC namespace: the multicast group (CAP_NET_ADMIN). */
int ipcx_nl_subscribe_all(struct ipcx_nl *nl)
{
	int grp, ret;

	if (nl->ev)
		return 0;
	grp = genl_ctrl_resolve_grp(nl->sk, IPCX_NL_FAMILY_NAME, IPCX_NL_MCGRP_EVENTS);
	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : ipcx_nle_to_errno(grp);
	ret = ipcx_nl_sock(&nl->ev);
	if (ret)
		return ret;
	nl_socket_disable_seq_check(nl->ev);
	nl_socket_set_nonblocking(nl->ev);
	ret = nl_socket_add_membership(nl->ev, grp);
	if (ret < 0)
		return ipcx_nl_ev_drop(nl, ret == -NLE_PERM || ret == -NLE_NOACCESS ?
					   -EPERM : ipcx_nle_to_errno(ret));
	return 0;
}

int ipcx_nl_event_fd(const struct ipcx_nl *nl)
{
	return nl->ev ? nl_socket_get_fd(nl->ev) : -EINVAL;
}

/* one received notification, for ipcx_nl_recv_event() */
struct ipcx_ev_ctx {
	struct ipcx_nl_event *ev;
	int got;
};

static int ipcx_on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCX_NL_A_MAX + 1], *et[IPCX_NL_EVENT_A_MAX + 1], *first;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct ipcx_ev_ctx *c = arg;
	struct ipcx_nl_event *ev = c->ev;

	if (c->got)
		return NL_STOP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCX_NL_A_MAX, NULL) < 0)
		return NL_SKIP;
	/* a deadlock has a nest per member: the first is the refused caller */
	first = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			 IPCX_NL_A_EVENT);
	if (!first || nla_parse_nested(et, IPCX_NL_EVENT_A_MAX, first, NULL))
		return NL_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->type = gh->cmd;
	ev->region_id = ipcx_get64(et, IPCX_NL_EVENT_A_REGION_ID);
	ipcx_getstr(et, IPCX_NL_EVENT_A_NAME, ev->name, sizeof(ev->name));
	ev->offset = ipcx_get64(et, IPCX_NL_EVENT_A_OFFSET);
	ev->pid = ipcx_get32(et, IPCX_NL_EVENT_A_PID);
	ev->tgid = ipcx_get32(et, IPCX_NL_EVENT_A_TGID);
	ipcx_getstr(et, IPCX_NL_EVENT_A_COMM, ev->comm, sizeof(ev->comm));
	c->got = 1;
	return NL_STOP;
}

/* notifications carry sequence number 0: no sequence check on them */
static int ipcx_on_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int ipcx_nl_recv_event(struct ipcx_nl *nl, struct ipcx_nl_event *ev, int timeout_ms)
{
	struct ipcx_ev_ctx c = { .ev = ev };
	struct pollfd pfd;
	struct nl_cb *cb;
	int ret = 0;

	if (!nl->ev)
		return -EINVAL;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ipcx_on_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ipcx_on_event, &c);
	pfd.fd = nl_socket_get_fd(nl->ev);
	pfd.events = POLLIN;
	while (!c.got) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (ret == 0)
			break;	/* timed out */
		/* one datagram per notification; a non-blocking socket */
		ret = nl_recvmsgs(nl->ev, cb);
		if (ret < 0 && ret != -NLE_AGAIN) {
			ret = ipcx_nle_to_errno(ret);
			break;
		}
		ret = 0;
	}
	nl_cb_put(cb);
	if (c.got)
		return 1;
	return ret < 0 ? ret : 0;
}
