// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libipcx: ipcx_nl_list_waits(), the holders and sleepers of each lock
 * (IPCX_NL_CMD_WAITS_GET), the raw material of the wait-for graph.
 *
 * The kernel sends one message per lock, or several for a lock with more
 * than IPCX_NL_WAITS_BATCH sleepers (IPCX_NL_WAITS_A_FIRST > 0 in the
 * later ones): consecutive messages of one lock are gathered here into
 * one struct ipcx_nl_waits, handed to the callback when the next lock
 * begins or the dump ends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netlink_internal.h"

struct ipcx_waits_walk {
	ipcx_nl_waits_cb cb;
	void *arg;
	int pending;		/* @cur holds a lock not yet handed over */
	struct ipcx_nl_waits cur;
	struct ipcx_nl_peer *holders, *waiters;
	uint32_t cap_holders, cap_waiters;
};

static int ipcx_parse_peer(struct nlattr *nest, struct ipcx_nl_peer *p)
{
	struct nlattr *tb[IPCX_NL_PEER_A_MAX + 1];

	if (nla_parse_nested(tb, IPCX_NL_PEER_A_MAX, nest, NULL))
		return -EBADMSG;
	memset(p, 0, sizeof(*p));
	p->owner = ipcx_get32(tb, IPCX_NL_PEER_A_OWNER);
	p->pid = ipcx_get32(tb, IPCX_NL_PEER_A_PID);
	p->tgid = ipcx_get32(tb, IPCX_NL_PEER_A_TGID);
	p->wait_for = ipcx_get32(tb, IPCX_NL_PEER_A_FOR);
	p->units = ipcx_get32(tb, IPCX_NL_PEER_A_UNITS);
	p->since_ns = ipcx_get64(tb, IPCX_NL_PEER_A_SINCE);
	ipcx_getstr(tb, IPCX_NL_PEER_A_COMM, p->comm, sizeof(p->comm));
	return 0;
}

/* Append one peer to *@arr (grown by doubling), counted in *@nr. */
static int ipcx_waits_add(struct ipcx_nl_peer **arr, uint32_t *cap, uint32_t *nr,
			  struct nlattr *nest)
{
	if (*nr == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct ipcx_nl_peer *n = realloc(*arr, ncap * sizeof(**arr));

		if (!n)
			return -ENOMEM;
		*arr = n;
		*cap = ncap;
	}
	return ipcx_parse_peer(nest, &(*arr)[(*nr)++]);
}

static int ipcx_waits_flush(struct ipcx_waits_walk *w)
{
	if (!w->pending)
		return 0;
	w->pending = 0;
	w->cur.holders = w->holders;
	w->cur.waiters = w->waiters;
	return w->cb(&w->cur, w->arg);
}

static int ipcx_on_waits(struct nlattr **tb, void *arg)
{
	struct nlattr *wt[IPCX_NL_WAITS_A_MAX + 1], *a;
	struct ipcx_waits_walk *w = arg;
	uint64_t region_id, offset;
	int rem, ret;

	if (!tb[IPCX_NL_A_WAITS] ||
	    nla_parse_nested(wt, IPCX_NL_WAITS_A_MAX, tb[IPCX_NL_A_WAITS], NULL))
		return -EBADMSG;
	region_id = ipcx_get64(tb, IPCX_NL_A_REGION_ID);
	offset = ipcx_get64(wt, IPCX_NL_WAITS_A_OFFSET);
	/* a later part of the lock gathered so far adds its sleepers */
	if (!(w->pending && ipcx_get32(wt, IPCX_NL_WAITS_A_FIRST) &&
	      w->cur.region_id == region_id && w->cur.offset == offset)) {
		ret = ipcx_waits_flush(w);
		if (ret)
			return ret;
		memset(&w->cur, 0, sizeof(w->cur));
		w->cur.region_id = region_id;
		w->cur.offset = offset;
		w->cur.kind = ipcx_get32(wt, IPCX_NL_WAITS_A_KIND);
		w->cur.word = ipcx_get32(wt, IPCX_NL_WAITS_A_WORD);
		w->cur.count = ipcx_get32(wt, IPCX_NL_WAITS_A_COUNT);
		ipcx_getstr(wt, IPCX_NL_WAITS_A_REGION_NAME, w->cur.region_name,
			    sizeof(w->cur.region_name));
		w->pending = 1;
	}
	nla_for_each_nested(a, tb[IPCX_NL_A_WAITS], rem) {
		if (nla_type(a) == IPCX_NL_WAITS_A_HOLDER)
			ret = ipcx_waits_add(&w->holders, &w->cap_holders,
					     &w->cur.nr_holders, a);
		else if (nla_type(a) == IPCX_NL_WAITS_A_WAITER)
			ret = ipcx_waits_add(&w->waiters, &w->cap_waiters,
					     &w->cur.nr_waiters, a);
		else
			ret = 0;
		if (ret)
			return ret;
	}
	return 0;
}

int ipcx_nl_list_waits(struct ipcx_nl *nl, const char *name, uint64_t id,
		       ipcx_nl_waits_cb cb, void *arg)
{
	struct ipcx_waits_walk w = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int ret;

	if (name || id) {
		ret = ipcx_nl_sel_msg(nl, IPCX_NL_CMD_WAITS_GET, NLM_F_DUMP,
				      name, id, &msg);
		if (ret)
			return ret;
	} else {
		msg = ipcx_nl_msg(nl, IPCX_NL_CMD_WAITS_GET, NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
	}
	ret = ipcx_nl_transact(nl, msg, ipcx_on_waits, &w);
	if (!ret)
		ret = ipcx_waits_flush(&w);
	free(w.holders);
	free(w.waiters);
	return ret;
}
