// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libipcx: the control-plane client, over the "ipcx" generic netlink family
 * with libnl-genl-3. This file holds the handle, its sockets and the one
 * request/answer exchange every command uses; the commands are in
 * netlink_query.c, the notifications in netlink_events.c. libnl's NLE_*
 * codes never leave these files: every function returns 0 or a negative
 * errno, the kernel's own errno where it sent one (captured from the
 * NLMSG_ERROR / NLMSG_DONE payload, with the extended-ack message kept for
 * ipcx_nl_errmsg()).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "netlink_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* one request in flight: its parser and how it ended */
struct ipcx_nl_req {
	struct ipcx_nl *nl;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int err;	/* kernel errno (negative), or the parser's */
	int done;
};

int ipcx_nle_to_errno(int nle)
{
	switch (abs(nle)) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_BUSY: return -EBUSY;
	case NLE_EXIST: return -EEXIST;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_NODEV: return -ENODEV;
	case NLE_IMMUTABLE: return -EROFS;
	case NLE_DUMP_INTR: return -EINTR;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	default: return -EIO;
	}
}

int ipcx_nl_sock(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, ret;

	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		nl_socket_free(sk);
		return ipcx_nle_to_errno(ret);
	}
	/* best effort: the kernel's error messages (extended ack) */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	*skp = sk;
	return 0;
}

int ipcx_nl_open(struct ipcx_nl **nlp)
{
	struct ipcx_nl *nl = calloc(1, sizeof(*nl));
	int ret;

	if (!nl)
		return -ENOMEM;
	ret = ipcx_nl_sock(&nl->sk);
	if (ret)
		goto out_free;
	nl->family = genl_ctrl_resolve(nl->sk, IPCX_NL_FAMILY_NAME);
	if (nl->family < 0) {
		/* the family is registered by ipcx.ko: not loaded */
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT :
						       ipcx_nle_to_errno(nl->family);
		goto out_close;
	}
	*nlp = nl;
	return 0;

out_close:
	nl_socket_free(nl->sk);
out_free:
	free(nl);
	return ret;
}

void ipcx_nl_close(struct ipcx_nl *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		nl_socket_free(nl->ev);
	nl_socket_free(nl->sk);
	free(nl);
}

const char *ipcx_nl_errmsg(const struct ipcx_nl *nl)
{
	return nl->errmsg;
}

/* Keep the NLMSGERR_ATTR_MSG of an error or ack, if the kernel sent one. */
static void ipcx_nl_keep_extack(struct ipcx_nl *nl, const struct nlmsghdr *hdr,
				const void *payload, size_t fixed)
{
	const struct nlmsgerr *e = payload;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = fixed;
	int len;

	nl->errmsg[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (fixed == sizeof(*e) && !(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)payload + off), len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->errmsg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->errmsg));
}

static int ipcx_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ipcx_nl_req *r = arg;
	const struct nlmsghdr *hdr = (void *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	ipcx_nl_keep_extack(r->nl, hdr, e, sizeof(*e));
	if (!r->err)
		r->err = e->error;
	r->done = 1;
	return NL_STOP;
}

static int ipcx_nl_on_ack(struct nl_msg *msg, void *arg)
{
	struct ipcx_nl_req *r = arg;

	(void)msg;
	r->done = 1;
	return NL_STOP;
}

/* End of a dump: a negative int payload is the dump's error. */
static int ipcx_nl_on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct ipcx_nl_req *r = arg;
	int err;

	if (nlmsg_datalen(hdr) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(hdr), sizeof(err));
		if (err < 0 && !r->err) {
			r->err = err;
			ipcx_nl_keep_extack(r->nl, hdr, nlmsg_data(hdr), sizeof(int));
		}
	}
	r->done = 1;
	return NL_STOP;
}

static int ipcx_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCX_NL_A_MAX + 1];
	struct ipcx_nl_req *r = arg;
	int ret;

	if (r->err)
		return NL_SKIP;	/* the callback asked to stop: drain */
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCX_NL_A_MAX, NULL);
	if (ret < 0) {
		r->err = ipcx_nle_to_errno(ret);
		return NL_SKIP;
	}
	if (r->parse) {
		ret = r->parse(tb, r->arg);
		if (ret)
			r->err = ret;
	}
	return NL_OK;
}

/* Send a request built on @msg (consumed) over @sk and receive to its end. */
int ipcx_nl_transact_on(struct ipcx_nl *nl, struct nl_sock *sk, struct nl_msg *msg,
			int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct ipcx_nl_req r = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->errmsg[0] = '\0';
	nl_cb_err(cb, NL_CB_CUSTOM, ipcx_nl_on_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ipcx_nl_on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ipcx_nl_on_finish, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ipcx_nl_on_valid, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ret = ipcx_nle_to_errno(ret);
		goto out_put_cb;
	}
	ret = 0;
	while (!r.done && ret >= 0)
		ret = nl_recvmsgs(sk, cb);
	ret = r.err ? r.err : ret < 0 ? ipcx_nle_to_errno(ret) : 0;
out_put_cb:
	nl_cb_put(cb);
	return ret;
}

int ipcx_nl_transact(struct ipcx_nl *nl, struct nl_msg *msg,
		     int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	return ipcx_nl_transact_on(nl, nl->sk, msg, parse, arg);
}

struct nl_msg *ipcx_nl_msg(struct ipcx_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, IPCX_NL_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A request that selects a region: by @name when given, else by @id. */
int ipcx_nl_sel_msg(struct ipcx_nl *nl, uint8_t cmd, int flags,
		    const char *name, uint64_t id, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int ret;

	if (name && strlen(name) > IPCX_NAME_MAX)
		return -ENAMETOOLONG;
	msg = ipcx_nl_msg(nl, cmd, flags);
	if (!msg)
		return -ENOMEM;
	if (name)
		ret = nla_put_string(msg, IPCX_NL_A_REGION_NAME, name);
	else
		ret = nla_put_u64(msg, IPCX_NL_A_REGION_ID, id);
	if (ret) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*msgp = msg;
	return 0;
}
