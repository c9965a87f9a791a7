// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane: the generic netlink family "ipcx" (commands and attributes
 * in the uapi header): list and describe regions and their locks, module
 * statistics, unlink a name, subscribe to events. The notifications
 * themselves and their subscribers are nl_events.c's.
 *
 * Visibility follows the caller's IPC namespace, not its network
 * namespace: requests run in the sender's context, and every region lookup
 * (ipcx_region_find_*, ipcx_names_lookup) only matches regions created in
 * current's IPC namespace. The family is therefore netnsok.
 *
 * Permissions are the ioctl's (perm.c), not GENL_ADMIN_PERM: listing
 * regions needs none (ipcs lists every segment too); reading a region's
 * locks (words, holders) needs read permission on it; deleting needs its
 * owner, creator or CAP_SYS_ADMIN. Each is checked for the sender and for
 * the socket's opener, both (ipcx_nl_both_may(), the rule of
 * netlink_ns_capable() since CVE-2014-0181): a socket opened by an
 * unprivileged user and written to by a privileged one gains nothing.
 *
 * The "events" multicast group carries the events of every IPC namespace,
 * so it is sent into the initial network namespace only, where joining
 * needs CAP_NET_ADMIN in the initial user namespace (genetlink checks it in
 * the network namespace's owner, which any user can be for a namespace of
 * its own: there, joining works and nothing arrives). Subscribing
 * (IPCX_NL_CMD_EVENTS_SUBSCRIBE) gets those of one's own namespace
 * (nl_events.c).
 *
 * Dumps are restartable: cb->args[0] holds the next region id (regions) or
 * the region id (locks), cb->args[1] the next lock index.
 *
 * Locking: requests take no lock of this file; they take references on
 * regions (the registry's and the name table's rules, region.c and
 * names.c) and snapshot each lock under its ipcx_lock.lock, building no
 * message under it.
 */
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "internal.h"
#include "lock/lock.h"
#include "nl.h"

/**
 * ipcx_nl_opener_cred() - the credentials of whoever opened the socket a
 * request came on
 * @skb: the request
 *
 * Return: the socket file's f_cred, valid while the request runs; NULL for
 * a socket without a file (a kernel socket), which is refused.
 */
const struct cred *ipcx_nl_opener_cred(const struct sk_buff *skb)
{
	const struct socket *sock = NETLINK_CB(skb).sk->sk_socket;

	return sock && sock->file ? sock->file->f_cred : NULL;
}

/* Does @check pass for the sender and for the socket's opener? (see top) */
bool ipcx_nl_both_may(const struct sk_buff *skb, struct ipcx_region *region,
		      bool (*check)(struct ipcx_region *region))
{
	const struct cred *opener = ipcx_nl_opener_cred(skb), *old;
	bool ok;

	if (!opener || !check(region))
		return false;
	old = override_creds(opener);
	ok = check(region);
	revert_creds(old);
	return ok;
}

bool ipcx_nl_may_read(struct ipcx_region *region)
{
	return !ipcx_perm_open(region, false);
}

static const struct nla_policy ipcx_nl_policy[IPCX_NL_A_MAX + 1] = {
	[IPCX_NL_A_PAD] = { .type = NLA_REJECT },
	[IPCX_NL_A_REGION_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[IPCX_NL_A_REGION_NAME] = { .type = NLA_NUL_STRING, .len = IPCX_NAME_MAX },
	[IPCX_NL_A_REGION] = { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
	[IPCX_NL_A_LOCK] = { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
	[IPCX_NL_A_STATS] = { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
	[IPCX_NL_A_EVENT] = { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
	[IPCX_NL_A_WAITS] = { .type = NLA_REJECT, .reject_message = "reply-only attribute" },
};

void *ipcx_nl_put_hdr(struct sk_buff *skb, struct netlink_callback *cb,
		      struct genl_info *info, u8 cmd)
{
	if (cb)
		return genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, &ipcx_nl_family,
				   NLM_F_MULTI, cmd);
	return genlmsg_put_reply(skb, info, &ipcx_nl_family, 0, cmd);
}

static int ipcx_nl_fill_region(struct sk_buff *skb, struct ipcx_region *region)
{
	struct user_namespace *uns = current_user_ns();
	unsigned int nattach, nmaps;
	u32 mode, seals, uid, gid;
	u64 resident, swapped;
	struct nlattr *nest;

	ipcx_region_memory(region, &resident, &swapped);
	spin_lock(&region->lock);
	uid = from_kuid_munged(uns, region->uid);
	gid = from_kgid_munged(uns, region->gid);
	mode = region->mode;
	seals = region->seals;
	nattach = region->nr_files;
	nmaps = region->nr_maps;
	spin_unlock(&region->lock);

	nest = nla_nest_start(skb, IPCX_NL_A_REGION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IPCX_NL_REGION_A_ID, region->id, IPCX_NL_REGION_A_PAD) ||
	    (region->name && nla_put_string(skb, IPCX_NL_REGION_A_NAME, region->name)) ||
	    nla_put_u64_64bit(skb, IPCX_NL_REGION_A_SIZE, ipcx_region_size(region),
			      IPCX_NL_REGION_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_UID, uid) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_GID, gid) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_MODE, mode) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_LIFETIME, region->lifetime) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_SEALS, seals) ||
	    nla_put_u64_64bit(skb, IPCX_NL_REGION_A_CTIME, region->ctime_ns,
			      IPCX_NL_REGION_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_NATTACH, nattach) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_NMAPS, nmaps) ||
	    nla_put_u32(skb, IPCX_NL_REGION_A_NLOCKS, READ_ONCE(region->locks.nr)) ||
	    (READ_ONCE(region->linked) && nla_put_flag(skb, IPCX_NL_REGION_A_LINKED)) ||
	    nla_put_u64_64bit(skb, IPCX_NL_REGION_A_PAGE_SIZE, region->page_size,
			      IPCX_NL_REGION_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_REGION_A_RESIDENT, resident,
			      IPCX_NL_REGION_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_REGION_A_SWAPPED, swapped,
			      IPCX_NL_REGION_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipcx_nl_region_msg(struct sk_buff *skb, struct netlink_callback *cb,
			      struct genl_info *info, struct ipcx_region *region)
{
	void *hdr = ipcx_nl_put_hdr(skb, cb, info, IPCX_NL_CMD_REGION_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (ipcx_nl_fill_region(skb, region)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The region named by IPCX_NL_A_REGION_ID or IPCX_NL_A_REGION_NAME, referenced. */
struct ipcx_region *ipcx_nl_region(struct nlattr **attrs,
				   struct netlink_ext_ack *extack)
{
	struct ipcx_region *region;
	struct nlattr *name = attrs[IPCX_NL_A_REGION_NAME];

	if (attrs[IPCX_NL_A_REGION_ID]) {
		region = ipcx_region_find_id(nla_get_u64(attrs[IPCX_NL_A_REGION_ID]));
	} else if (name) {
		if (!nla_len(name) || nla_len(name) == 1 || strchr(nla_data(name), '/')) {
			NL_SET_ERR_MSG_ATTR(extack, name, "invalid region name");
			return ERR_PTR(-EINVAL);
		}
		mutex_lock(&ipcx_names_lock);
		region = ipcx_names_lookup(nla_data(name));
		mutex_unlock(&ipcx_names_lock);
	} else {
		NL_SET_ERR_MSG(extack, "region id or name required");
		return ERR_PTR(-EINVAL);
	}
	if (!region) {
		NL_SET_ERR_MSG(extack, "no such region in this IPC namespace");
		return ERR_PTR(-ENOENT);
	}
	return region;
}

static int ipcx_nl_region_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipcx_region *region;
	struct sk_buff *msg;
	int ret;

	region = ipcx_nl_region(info->attrs, info->extack);
	if (IS_ERR(region))
		return PTR_ERR(region);
	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out_put_region;
	ret = ipcx_nl_region_msg(msg, NULL, info, region);
	if (ret) {
		nlmsg_free(msg);
		goto out_put_region;
	}
	ret = genlmsg_reply(msg, info);
out_put_region:
	ipcx_region_put(region);
	return ret;
}

static int ipcx_nl_region_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ipcx_region *region;
	u64 id = cb->args[0];
	int ret = 0;

	while ((region = ipcx_region_find_next(&id))) {
		ret = ipcx_nl_region_msg(skb, cb, NULL, region);
		ipcx_region_put(region);
		if (ret)
			break;
		id++;
	}
	cb->args[0] = id;
	return ret && !skb->len ? ret : skb->len;
}

/* Snapshot one lock under its lock; the message is built after. */
static void ipcx_nl_snap_lock(struct ipcx_lock *l, struct ipcx_lock_stat *st)
{
	u32 word;

	memset(st, 0, sizeof(*st));
	spin_lock(&l->lock);
	st->offset = l->offset;
	st->kind = l->kind;
	st->waiters = l->nr_waiters;
	st->acquisitions = l->acquisitions;
	st->contended = l->contended;
	st->wait_ns_total = l->wait_ns_total;
	st->wait_ns_max = l->wait_ns_max;
	st->owner_deaths = l->owner_deaths;
	word = READ_ONCE(*l->word);
	st->word = word;
	ipcx_death_to_user(&l->last_death, &st->last_death);
	spin_unlock(&l->lock);
	if (l->kind == IPCX_LOCK_MUTEX &&
	    (word & IPCX_OWNER_ID_MASK) != IPCX_OWNER_NOTRECOVERABLE)
		ipcx_owner_to_user(l->region, word & IPCX_OWNER_ID_MASK,
				   &st->holder);
	else if (l->kind == IPCX_LOCK_RWLOCK && (word & IPCX_RWW_WRITER))
		ipcx_owner_to_user(l->region, word & IPCX_RWW_ID_MASK,
				   &st->holder);
}

static int ipcx_nl_fill_lock(struct sk_buff *skb, const struct ipcx_lock_stat *st)
{
	struct nlattr *nest = nla_nest_start(skb, IPCX_NL_A_LOCK);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_OFFSET, st->offset, IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_KIND, st->kind) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_WORD, st->word) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_HOLDER_PID, st->holder.pid) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_HOLDER_TGID, st->holder.tgid) ||
	    nla_put_string(skb, IPCX_NL_LOCK_A_HOLDER_COMM, st->holder.comm) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_WAITERS, st->waiters) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_ACQUISITIONS, st->acquisitions,
			      IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_CONTENDED, st->contended,
			      IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_WAIT_TOTAL_NS, st->wait_ns_total,
			      IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_WAIT_MAX_NS, st->wait_ns_max,
			      IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_OWNER_DEATHS, st->owner_deaths,
			      IPCX_NL_LOCK_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_LOCK_A_DEATH_PID, st->last_death.pid) ||
	    nla_put_string(skb, IPCX_NL_LOCK_A_DEATH_COMM, st->last_death.comm) ||
	    nla_put_u64_64bit(skb, IPCX_NL_LOCK_A_DEATH_TIME, st->last_death.time_ns,
			      IPCX_NL_LOCK_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipcx_nl_lock_msg(struct sk_buff *skb, struct netlink_callback *cb,
			    u64 region_id, struct ipcx_lock *l)
{
	struct ipcx_lock_stat st;
	void *hdr;

	ipcx_nl_snap_lock(l, &st);
	hdr = ipcx_nl_put_hdr(skb, cb, NULL, IPCX_NL_CMD_LOCK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IPCX_NL_A_REGION_ID, region_id, IPCX_NL_A_PAD) ||
	    ipcx_nl_fill_lock(skb, &st)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int ipcx_nl_lock_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ipcx_region *region;
	unsigned long idx = cb->args[1];
	struct ipcx_lock *l;
	int ret = 0;

	if (!cb->args[0]) {
		region = ipcx_nl_region(ipcx_genl_dumpit_attrs(cb), cb->extack);
		if (IS_ERR(region))
			return PTR_ERR(region);
		cb->args[0] = region->id;
	} else {
		region = ipcx_region_find_id(cb->args[0]);
		if (!region)
			return 0;	/* gone since the last part */
	}
	/* every part: the socket may have changed hands, the mode may have changed */
	if (!ipcx_nl_both_may(cb->skb, region, ipcx_nl_may_read)) {
		NL_SET_ERR_MSG(cb->extack, "no read permission on this region");
		ipcx_region_put(region);
		return -EACCES;
	}
	/* locks are freed only with the region, which we hold */
	xa_for_each_start(&region->locks.xa, idx, l, cb->args[1]) {
		ret = ipcx_nl_lock_msg(skb, cb, region->id, l);
		if (ret)
			break;
	}
	/* resume at the lock that did not fit, or past the last one */
	cb->args[1] = ret ? idx : ULONG_MAX;
	ipcx_region_put(region);
	return ret && !skb->len ? ret : skb->len;
}

/* The per-user budgets and the caller's use of them; -EMSGSIZE */
static int ipcx_nl_put_user_stats(struct sk_buff *skb, const struct ipcx_stats *st)
{
	if (nla_put_u32(skb, IPCX_NL_STATS_A_MAX_USER_REGIONS, st->max_user_regions) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_MAX_USER_BYTES, st->max_user_bytes,
			      IPCX_NL_STATS_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_MAX_USER_LOCKS, st->max_user_locks) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_MAX_USER_OWNERS, st->max_user_owners) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_USER_REGIONS, st->user_regions) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_USER_BYTES, st->user_bytes,
			      IPCX_NL_STATS_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_USER_LOCKS, st->user_locks) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_USER_OWNERS, st->user_owners) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_USER_SUBSCRIBERS, st->user_subscribers) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_USER_LOCKED_BYTES,
			      st->user_locked_bytes, IPCX_NL_STATS_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ipcx_nl_put_stats(struct sk_buff *skb, const struct ipcx_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, IPCX_NL_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPCX_NL_STATS_A_MAX_REGIONS, st->max_regions) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_MAX_REGION_BYTES,
			      st->max_region_bytes, IPCX_NL_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_MAX_TOTAL_BYTES,
			      st->max_total_bytes, IPCX_NL_STATS_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_MAX_LOCKS_PER_REGION,
			st->max_locks_per_region) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_REGIONS, st->regions) ||
	    nla_put_u64_64bit(skb, IPCX_NL_STATS_A_BYTES, st->bytes,
			      IPCX_NL_STATS_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_LOCKS, st->locks) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_OWNERS, st->owners) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_SUBSCRIBERS, st->subscribers) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_MAX_SUBSCRIBERS, st->max_subscribers) ||
	    nla_put_u32(skb, IPCX_NL_STATS_A_MAX_USER_SUBSCRIBERS,
			st->max_user_subscribers) ||
	    ipcx_nl_put_user_stats(skb, st)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipcx_nl_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipcx_stats st;
	struct sk_buff *msg;
	void *hdr;

	ipcx_regions_stats(&st);
	ipcx_locks_stats(&st);
	ipcx_owners_stats(&st);
	ipcx_nl_events_stats(&st);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = ipcx_nl_put_hdr(msg, NULL, info, IPCX_NL_CMD_STATS_GET);
	if (!hdr || ipcx_nl_put_stats(msg, &st)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * The name's region is looked up, checked, then unlinked by region (not by
 * name again), so that the check and the unlink are about the same region.
 */
static int ipcx_nl_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipcx_region *region;
	struct nlattr *name;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, IPCX_NL_A_REGION_NAME)) {
		NL_SET_ERR_MSG(info->extack, "region name required");
		return -EINVAL;
	}
	name = info->attrs[IPCX_NL_A_REGION_NAME];
	if (nla_len(name) <= 1 || strchr(nla_data(name), '/')) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "invalid region name");
		return -EINVAL;
	}
	mutex_lock(&ipcx_names_lock);
	region = ipcx_names_lookup(nla_data(name));
	mutex_unlock(&ipcx_names_lock);
	if (!region) {
		NL_SET_ERR_MSG(info->extack, "no such region in this IPC namespace");
		return -ENOENT;
	}
	if (ipcx_nl_both_may(skb, region, ipcx_perm_is_owner)) {
		ipcx_names_unlink_region(region);
	} else {
		NL_SET_ERR_MSG(info->extack,
			       "not the owner or creator, and no CAP_SYS_ADMIN (sender and socket opener)");
		ret = -EPERM;
	}
	ipcx_region_put(region);
	return ret;
}

static const struct genl_small_ops ipcx_nl_ops[] = {
	{
		.cmd = IPCX_NL_CMD_REGION_GET,
		.doit = ipcx_nl_region_doit,
		.dumpit = ipcx_nl_region_dumpit,
	},
	{
		/* permission: read, sender and opener (ipcx_nl_both_may()) */
		.cmd = IPCX_NL_CMD_LOCK_GET,
		.dumpit = ipcx_nl_lock_dumpit,
	},
	{
		.cmd = IPCX_NL_CMD_STATS_GET,
		.doit = ipcx_nl_stats_doit,
	},
	{
		/* permission: perm.c's owner rule, sender and opener */
		.cmd = IPCX_NL_CMD_REGION_DEL,
		.doit = ipcx_nl_del_doit,
	},
	{
		/* no privilege: the caller's IPC namespace only (nl_events.c) */
		.cmd = IPCX_NL_CMD_EVENTS_SUBSCRIBE,
		.doit = ipcx_nl_subscribe_doit,
	},
	{
		.cmd = IPCX_NL_CMD_EVENTS_UNSUBSCRIBE,
		.doit = ipcx_nl_unsubscribe_doit,
	},
	{
		/* permission: read, sender and opener, region by region */
		.cmd = IPCX_NL_CMD_WAITS_GET,
		.dumpit = ipcx_nl_waits_dumpit,
	},
};

static const struct genl_multicast_group ipcx_nl_mcgrps[] = {
	/* sent into init_net only: CAP_NET_ADMIN there is init_user_ns' */
	[IPCX_NL_MCGRP_EVENTS_IDX] = {
		.name = IPCX_NL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family ipcx_nl_family __ro_after_init = {
	.name = IPCX_NL_FAMILY_NAME,
	.version = IPCX_NL_FAMILY_VERSION,
	.maxattr = IPCX_NL_A_MAX,
	.policy = ipcx_nl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = ipcx_nl_ops,
	.n_small_ops = ARRAY_SIZE(ipcx_nl_ops),
	.resv_start_op = 0,	/* strict validation of every command */
	.mcgrps = ipcx_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ipcx_nl_mcgrps),
};

int ipcx_nl_register(void)
{
	int ret = ipcx_nl_events_start();

	if (ret)
		return ret;
	ret = genl_register_family(&ipcx_nl_family);
	if (ret) {
		ipcx_nl_events_stop();
		return ret;
	}
	ipcx_nl_events_live(true);
	return 0;
}

void ipcx_nl_unregister(void)
{
	/* no notification starts after this; none is in flight */
	ipcx_nl_events_live(false);
	/* no command runs after this: no subscription can be added */
	genl_unregister_family(&ipcx_nl_family);
	ipcx_nl_events_stop();
}
