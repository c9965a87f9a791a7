// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: malformed requests to the "ipcx" generic netlink family,
 * made with raw libnl (a missing attribute, an oversized string, a wrong
 * type, an unknown command): each refused with its errno and an
 * extended-ack message. Needs the module loaded; SKIPs otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "kselftest_harness.h"

struct raw_result {
	int err;
	int done;
	char msg[256];
};

static int raw_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *hdr = (void *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct raw_result *r = arg;
	size_t off = sizeof(*e);
	int len;

	(void)who;
	r->err = e->error;
	r->done = 1;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)e + off), len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(r->msg, tb[NLMSGERR_ATTR_MSG], sizeof(r->msg));
	return NL_STOP;
}

static int raw_on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct raw_result *)arg)->done = 1;
	return NL_STOP;
}

static int raw_on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

FIXTURE(raw) {
	struct nl_sock *sk;	/* a generic netlink socket with extack on */
	int family;		/* the ipcx family id */
};

FIXTURE_SETUP(raw)
{
	int one = 1;

	self->sk = nl_socket_alloc();
	ASSERT_NE(NULL, self->sk);
	ASSERT_EQ(0, genl_connect(self->sk));
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(self->sk), 270 /* SOL_NETLINK */,
				NETLINK_EXT_ACK, &one, sizeof(one)));
	self->family = genl_ctrl_resolve(self->sk, IPCX_NL_FAMILY_NAME);
	if (self->family < 0)
		SKIP(return, "ipcx family not registered");
}

FIXTURE_TEARDOWN(raw)
{
	if (self->sk)
		nl_socket_free(self->sk);
}

/* Send @msg (consumed) and collect the error or ack. */
static struct raw_result raw_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct raw_result r = { 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	nl_cb_err(cb, NL_CB_CUSTOM, raw_on_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, raw_on_ack, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, raw_on_valid, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		r.err = -EIO;
		r.done = 1;
	}
	while (!r.done && nl_recvmsgs(sk, cb) >= 0)
		;
	nl_cb_put(cb);
	return r;
}

static struct nl_msg *raw_msg(int family, int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK, cmd,
		    IPCX_NL_FAMILY_VERSION);
	return msg;
}

TEST_F(raw, missing_attribute)
{
	struct raw_result r = raw_send(self->sk, raw_msg(self->family,
							IPCX_NL_CMD_REGION_DEL));

	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("region name required", r.msg);
	r = raw_send(self->sk, raw_msg(self->family, IPCX_NL_CMD_REGION_GET));
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("region id or name required", r.msg);
}

TEST_F(raw, oversized_string)
{
	struct nl_msg *msg = raw_msg(self->family, IPCX_NL_CMD_REGION_GET);
	char big[IPCX_NAME_MAX + 40];
	struct raw_result r;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nla_put_string(msg, IPCX_NL_A_REGION_NAME, big);
	r = raw_send(self->sk, msg);
	EXPECT_GT(0, r.err);
	EXPECT_NE(0, strlen(r.msg));
	TH_LOG("oversized name: %d \"%s\"", r.err, r.msg);

	msg = raw_msg(self->family, IPCX_NL_CMD_REGION_DEL);
	nla_put_string(msg, IPCX_NL_A_REGION_NAME, "a/b");
	r = raw_send(self->sk, msg);
	EXPECT_EQ(-EINVAL, r.err);
	EXPECT_STREQ("invalid region name", r.msg);
}

TEST_F(raw, wrong_type)
{
	struct nl_msg *msg = raw_msg(self->family, IPCX_NL_CMD_REGION_GET);
	struct raw_result r;

	nla_put_u32(msg, IPCX_NL_A_REGION_ID, 1);	/* u64 expected */
	r = raw_send(self->sk, msg);
	EXPECT_GT(0, r.err);
	EXPECT_NE(0, strlen(r.msg));
	TH_LOG("u32 for a u64: %d \"%s\"", r.err, r.msg);

	msg = raw_msg(self->family, IPCX_NL_CMD_REGION_GET);
	nla_put_u64(msg, IPCX_NL_A_REGION_ID, 0);	/* ids start at 1 */
	r = raw_send(self->sk, msg);
	EXPECT_GT(0, r.err);

	msg = raw_msg(self->family, IPCX_NL_CMD_STATS_GET);
	nla_put_u32(msg, IPCX_NL_A_REGION, 1);	/* reply-only */
	r = raw_send(self->sk, msg);
	EXPECT_GT(0, r.err);
	EXPECT_STREQ("reply-only attribute", r.msg);

	msg = raw_msg(self->family, IPCX_NL_CMD_STATS_GET);
	nla_put_u32(msg, IPCX_NL_A_MAX + 5, 1);	/* unknown: strict */
	r = raw_send(self->sk, msg);
	EXPECT_GT(0, r.err);
	TH_LOG("unknown attribute: %d \"%s\"", r.err, r.msg);
}

TEST_F(raw, unknown_command)
{
	struct raw_result r;

	r = raw_send(self->sk, raw_msg(self->family, 200));
	EXPECT_EQ(-EOPNOTSUPP, r.err);
	/* notification numbers are not requests */
	r = raw_send(self->sk, raw_msg(self->family, IPCX_NL_CMD_REGION_NEW_NTF));
	EXPECT_EQ(-EOPNOTSUPP, r.err);
	/* and the family still answers */
	r = raw_send(self->sk, raw_msg(self->family, IPCX_NL_CMD_STATS_GET));
	EXPECT_EQ(0, r.err);
}

TEST_HARNESS_MAIN
