// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: raw generic netlink messages and dumps (see main.c). */
#include "fuzz.h"

static void nl_put_attr(struct ctx *c, char *buf, size_t *len, size_t cap)
{
	struct rng *r = &c->r;
	struct nlattr *a = (struct nlattr *)(buf + *len);
	size_t plen = 0, i;
	uint16_t type = chance(r, 80) ? (uint16_t)below(r, IPCX_NL_A_MAX + 2) : (uint16_t)rnd(r);
	char *d = (char *)(a + 1);
	uint64_t v;

	if (*len + NLA_HDRLEN + 320 > cap)
		return;
	switch (below(r, 5)) {
	case 0:		/* u64 id: known, 0, random */
		v = chance(r, 50) ? known_ids[below(r, 8)] : (chance(r, 50) ? 0 : rnd(r));
		memcpy(d, &v, sizeof(v));
		plen = chance(r, 80) ? 8 : below(r, 12);
		break;
	case 1:		/* a name, NUL-terminated or not */
		snprintf(d, 300, "%s%u", prefix, (unsigned int)below(r, NNAMES));
		plen = strlen(d) + (chance(r, 80) ? 1 : 0);
		break;
	case 2:		/* long string */
		plen = 250 + below(r, 20);
		memset(d, 'n', plen);
		memcpy(d, prefix, strlen(prefix));
		d[plen - 1] = chance(r, 50) ? '\0' : 'n';
		break;
	case 3:		/* nested garbage */
		type |= NLA_F_NESTED;
		plen = below(r, 40);
		for (i = 0; i < plen; i++)
			d[i] = (char)rnd(r);
		break;
	default:
		plen = below(r, 16);
		for (i = 0; i < plen; i++)
			d[i] = (char)rnd(r);
	}
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + plen);
	if (chance(r, 5))
		a->nla_len = (uint16_t)rnd(r);	/* lies about its length */
	*len += NLA_ALIGN(NLA_HDRLEN + plen);
}

/* Read replies until DONE, an error, or 100 ms of silence. */
static long nl_drain(int sock)
{
	char buf[16384];
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	long ret = 0, n;
	struct nlmsghdr *h;
	int rounds, len;

	for (rounds = 0; rounds < 64; rounds++) {
		if (poll(&pfd, 1, 100) <= 0)
			return ret ? ret : -ETIME;
		n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return ret;
			ret++;
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				return ret;
		}
	}
	return ret;
}

long op_netlink(struct ctx *c)
{
	struct rng *r = &c->r;
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[2048];
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t len = 0, i, n;
	int one = 1;

	if (nl_family < 0)
		return -ENOENT;
	if (c->nl_sock < 0) {
		c->nl_sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (c->nl_sock < 0)
			return -errno;
		setsockopt(c->nl_sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	}
	memset(&msg, 0, sizeof(msg));
	n = below(r, 5);
	for (i = 0; i < n; i++)
		nl_put_attr(c, msg.attrs, &len, sizeof(msg.attrs));
	msg.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + len);
	if (chance(r, 5))
		msg.n.nlmsg_len = NLMSG_LENGTH(below(r, GENL_HDRLEN + len + 1));
	msg.n.nlmsg_type = chance(r, 95) ? (uint16_t)nl_family : (uint16_t)rnd(r);
	msg.n.nlmsg_seq = (uint32_t)rnd(r);
	/* mostly the requests, sometimes a notification's number or junk */
	msg.g.cmd = chance(r, 10) ? (uint8_t)(IPCX_NL_CMD_EVENTS_SUBSCRIBE +
					    below(r, 2)) :
		    chance(r, 75) ? (uint8_t)(1 + below(r, IPCX_NL_CMD_REGION_DEL)) :
		    chance(r, 60) ? (uint8_t)below(r, IPCX_NL_CMD_MAX + 2) : (uint8_t)rnd(r);
	/* mostly what the command supports: dumps for GET, doit for the rest */
	n = msg.g.cmd == IPCX_NL_CMD_LOCK_GET ||
	    (msg.g.cmd == IPCX_NL_CMD_REGION_GET && chance(r, 50));
	if (chance(r, 20))
		n = !n;
	msg.n.nlmsg_flags = NLM_F_REQUEST | (n ? NLM_F_DUMP : 0) |
			    (chance(r, 50) ? NLM_F_ACK : 0);
	msg.g.version = chance(r, 90) ? IPCX_NL_FAMILY_VERSION : (uint8_t)rnd(r);
	if (sendto(c->nl_sock, &msg, msg.n.nlmsg_len < sizeof(msg) ? msg.n.nlmsg_len : sizeof(msg),
		   0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return nl_drain(c->nl_sock);
}

static int count_region(const struct ipcx_nl_region *reg, void *arg)
{
	(void)reg;
	(*(long *)arg)++;
	return 0;
}

static int count_lock(const struct ipcx_nl_lock *l, void *arg)
{
	(void)l;
	(*(long *)arg)++;
	return 0;
}

/* Well-formed requests through libipcx: dumps racing destruction. */
long op_nl_dump(struct ctx *c)
{
	struct ipcx_nl_region reg;
	long n = 0, ret;
	char name[64];

	if (nl_family < 0)
		return -ENOENT;
	if (!c->nl && ipcx_nl_open(&c->nl))
		return -ENOENT;
	snprintf(name, sizeof(name), "%s%u", prefix, (unsigned int)below(&c->r, NNAMES));
	switch (below(&c->r, 3)) {
	case 0:
		ret = ipcx_nl_list_regions(c->nl, count_region, &n);
		break;
	case 1:
		ret = ipcx_nl_list_locks(c->nl, chance(&c->r, 50) ? name : NULL,
					 known_ids[below(&c->r, 8)], count_lock, &n);
		break;
	default:
		ret = ipcx_nl_get_region(c->nl, name, 0, &reg);
	}
	return ret ? ret : n;
}
