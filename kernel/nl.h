/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by netlink.c (the family and its commands), nl_events.c (its
 * notifications and their subscribers) and nl_waits.c (the wait-for graph).
 */
#ifndef _IPCX_NL_H
#define _IPCX_NL_H

#include <net/genetlink.h>

#include "internal.h"

enum ipcx_nl_mcgrp {
	IPCX_NL_MCGRP_EVENTS_IDX,
};

extern struct genl_family ipcx_nl_family;

int ipcx_nl_events_start(void);
void ipcx_nl_events_live(bool live);
void ipcx_nl_events_stop(void);
void ipcx_nl_events_stats(struct ipcx_stats *st);
const struct cred *ipcx_nl_opener_cred(const struct sk_buff *skb);
int ipcx_nl_subscribe_doit(struct sk_buff *skb, struct genl_info *info);
int ipcx_nl_unsubscribe_doit(struct sk_buff *skb, struct genl_info *info);

/* netlink.c, for nl_waits.c */
bool ipcx_nl_both_may(const struct sk_buff *skb, struct ipcx_region *region,
		      bool (*check)(struct ipcx_region *region));
bool ipcx_nl_may_read(struct ipcx_region *region);
void *ipcx_nl_put_hdr(struct sk_buff *skb, struct netlink_callback *cb,
		      struct genl_info *info, u8 cmd);
struct ipcx_region *ipcx_nl_region(struct nlattr **attrs,
				   struct netlink_ext_ack *extack);

/* nl_waits.c */
int ipcx_nl_waits_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _IPCX_NL_H */
