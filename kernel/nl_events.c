// SPDX-License-Identifier: GPL-2.0
/*
 * Control plane notifications: region created / destroyed, lock holder
 * died, lock unrecoverable (the uapi header lists their attributes). Each
 * is sent
 *  - on the multicast group "events", in the initial network namespace
 *    only: every IPC namespace's, pids in the initial pid namespace, so
 *    only for listeners with CAP_NET_ADMIN in the initial user namespace
 *    (netlink.c);
 *  - unicast to each socket subscribed (IPCX_NL_CMD_EVENTS_SUBSCRIBE) from
 *    the region's IPC namespace, pids in the subscriber's pid namespace.
 *    Region events go to every such subscriber (ipcs lists every region
 *    too); lock events, which name a holder, only to those who may read the
 *    region (ipcx_perm_open_ns()), judged by both the credentials of the
 *    subscribing task and of the socket's opener, as they were when it
 *    subscribed. Others do not get them at all (not even stripped: where a
 *    lock is and when its holders die is the region's content). The
 *    thread a lock event names (pid, tgid, comm) is left out for a reader
 *    who may not see it, by the rule IPCX_IOC_LOCK_STAT applies to
 *    last_death (ipcx_death_visible()), again for both credentials.
 * Generic netlink of 6.1 cannot filter a multicast by the listener's IPC
 * namespace, hence the subscriber list. A subscriber is keyed by (net,
 * portid); its IPC namespace by the pinned mqueue mount, as regions are
 * (names.c), so a namespace that dies is never mistaken for a new one.
 * Subscriptions end on unsubscribe, on the socket's release
 * (NETLINK_URELEASE), when a send finds the port gone, or at module exit.
 * Limits (module parameters): max_subscribers in all, max_user_subscribers
 * per uid but never more than half of max_subscribers, so that one user
 * cannot take every place (ipcx_nl_user_limit()); past them, ENOSPC.
 *
 * Locking:
 *  - ipcx_nl_sem (rwsem), read side across every send; module exit takes
 *    it for writing (ipcx_nl_events_live()) to stop notifications before
 *    the family goes. Outside ipcx_nl_subs_lock.
 *  - ipcx_nl_subs_lock (mutex): the subscriber list and its count. Taken by
 *    the commands, the release notifier (process context, under netlink's
 *    notifier chain rwsem) and senders. Messages are allocated with
 *    GFP_KERNEL under it; netlink_unicast() from the kernel never blocks.
 *  - Senders may sleep: they are called after every spinlock is dropped,
 *    and never under ipcx_names_lock or ipcx_lock_regions_mutex (the
 *    fan-out to every subscriber would stall every name lookup, every lock
 *    declaration and every region's teardown); both are asserted. The
 *    death work holds none of our locks when it sends.
 */
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "lock/lock.h"
#include "nl.h"

static unsigned int max_subscribers = 1024;
module_param(max_subscribers, uint, 0644);
MODULE_PARM_DESC(max_subscribers, "sockets subscribed to events, all users (default 1024)");

static unsigned int max_user_subscribers = 64;
module_param(max_user_subscribers, uint, 0644);
MODULE_PARM_DESC(max_user_subscribers,
		 "sockets subscribed to events, per user (default 64; at most half of max_subscribers)");

static DECLARE_RWSEM(ipcx_nl_sem);
static bool ipcx_nl_live;	/* ipcx_nl_sem; the family is registered */

/**
 * struct ipcx_nl_sub - a socket subscribed to its IPC namespace's events
 * @node: in ipcx_nl_subs
 * @net: the socket's network namespace, counted (get_net)
 * @portid: the socket's port id in @net
 * @ns_mnt: the subscriber's IPC namespace: its mqueue mount, pinned
 * @pid_ns: pids in its notifications are numbered in it, counted
 * @uid: who subscribed, for max_user_subscribers
 * @cred: the subscribing task's credentials, counted
 * @opener: the credentials of the socket's opener, counted
 * @uns: the user namespace owning @ns_mnt's IPC namespace, counted: where
 *	CAP_IPC_OWNER counts for reading its regions
 *
 * Lifetime: one per (net, portid), owned by ipcx_nl_subs; created by
 * ipcx_nl_subscribe_doit(), freed by ipcx_nl_sub_free() under
 * ipcx_nl_subs_lock (see the top of this file for when).
 */
struct ipcx_nl_sub {
	struct list_head node;
	struct net *net;
	u32 portid;
	struct vfsmount *ns_mnt;
	struct pid_namespace *pid_ns;
	kuid_t uid;
	const struct cred *cred;
	const struct cred *opener;
	struct user_namespace *uns;
};

static DEFINE_MUTEX(ipcx_nl_subs_lock);
static LIST_HEAD(ipcx_nl_subs);		/* ipcx_nl_subs_lock */
static unsigned int ipcx_nl_nr_subs;	/* ipcx_nl_subs_lock */

/* What a notification is about; pids are numbered per receiver. */
struct ipcx_nl_event {
	const struct ipcx_region *region;
	const struct ipcx_lock *lock;	/* lock events, else NULL */
	const struct ipcx_death *who;	/* lock events: the thread */
};

/* The most one event's nest takes: the attributes ipcx_nl_fill_event() puts. */
#define IPCX_NL_EVENT_MAX_SIZE						\
	(nla_total_size(0) + 2 * nla_total_size_64bit(sizeof(u64)) +	\
	 nla_total_size(IPCX_NAME_MAX + 1) + 3 * nla_total_size(sizeof(u32)) + \
	 nla_total_size(TASK_COMM_LEN))

/*
 * @who: name the thread (pid, tgid, comm) of a lock event; receivers who
 * may not see it get the region and the offset only.
 */
static int ipcx_nl_fill_event(struct sk_buff *skb, const struct ipcx_nl_event *ev,
			      struct pid_namespace *pid_ns, bool who)
{
	const struct ipcx_region *region = ev->region;

	if (nla_put_u64_64bit(skb, IPCX_NL_EVENT_A_REGION_ID, region->id,
			      IPCX_NL_EVENT_A_PAD) ||
	    (region->name && nla_put_string(skb, IPCX_NL_EVENT_A_NAME, region->name)))
		return -EMSGSIZE;
	if (!ev->lock)
		return 0;
	if (nla_put_u64_64bit(skb, IPCX_NL_EVENT_A_OFFSET, ev->lock->offset,
			      IPCX_NL_EVENT_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_EVENT_A_KIND, ev->lock->kind))
		return -EMSGSIZE;
	if (!who)
		return 0;
	if (nla_put_u32(skb, IPCX_NL_EVENT_A_PID, pid_nr_ns(ev->who->pid, pid_ns)) ||
	    nla_put_u32(skb, IPCX_NL_EVENT_A_TGID, pid_nr_ns(ev->who->tgid, pid_ns)) ||
	    nla_put_string(skb, IPCX_NL_EVENT_A_COMM, ev->who->comm))
		return -EMSGSIZE;
	return 0;
}

/* May @cred read @ev's region (a lock event's), CAP_IPC_OWNER in @uns? */
static bool ipcx_nl_cred_may_read(const struct ipcx_nl_event *ev, const struct cred *cred,
				  struct user_namespace *uns)
{
	const struct cred *old = override_creds(cred);
	bool ok = !ipcx_perm_open_ns(ev->lock->region, false, uns);

	revert_creds(old);
	return ok;
}

/*
 * Region events go to every subscriber of the region's IPC namespace, lock
 * events to its readers (see top). Checked per event: a deadlock's members
 * may be regions of several namespaces.
 */
static bool ipcx_nl_sub_may_hear(const struct ipcx_nl_sub *sub,
				 const struct ipcx_nl_event *ev)
{
	if (sub->ns_mnt != ev->region->ns_mnt)
		return false;
	return !ev->lock || (ipcx_nl_cred_may_read(ev, sub->cred, sub->uns) &&
			     ipcx_nl_cred_may_read(ev, sub->opener, sub->uns));
}

/* May @sub learn which thread a lock event is about (see top)? */
static bool ipcx_nl_sub_may_see(const struct ipcx_nl_sub *sub,
				const struct ipcx_nl_event *ev)
{
	return ipcx_death_visible(ev->who, sub->pid_ns, sub->cred) &&
	       ipcx_death_visible(ev->who, sub->pid_ns, sub->opener);
}

/*
 * One notification, a nest per event of @evs (one, or a deadlock's
 * members), for a receiver whose pids are in @pid_ns: @sub's view, or the
 * whole of it for NULL (the multicast group). A member of a region @sub
 * may not read is an empty nest. NULL when out of memory.
 */
static struct sk_buff *ipcx_nl_event_msg(u8 cmd, const struct ipcx_nl_event *evs,
					 unsigned int n, struct pid_namespace *pid_ns,
					 const struct ipcx_nl_sub *sub)
{
	const struct ipcx_nl_event *ev;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	/* a deadlock of IPCX_DEADLOCK_MAX_DEPTH members with long names */
	msg = genlmsg_new(max_t(size_t, NLMSG_GOODSIZE,
				n * IPCX_NL_EVENT_MAX_SIZE), GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &ipcx_nl_family, 0, cmd);
	if (!hdr)
		goto out_free;
	for (ev = evs; ev < evs + n; ev++) {
		nest = nla_nest_start(msg, IPCX_NL_A_EVENT);
		if (!nest)
			goto out_free;
		if ((!sub || ipcx_nl_sub_may_hear(sub, ev)) &&
		    ipcx_nl_fill_event(msg, ev, pid_ns,
				       !sub || !ev->lock || ipcx_nl_sub_may_see(sub, ev)))
			goto out_free;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return msg;

out_free:
	nlmsg_free(msg);
	return NULL;
}

static void ipcx_nl_sub_free(struct ipcx_nl_sub *sub)
{
	lockdep_assert_held(&ipcx_nl_subs_lock);
	list_del(&sub->node);
	ipcx_nl_nr_subs--;
	put_net(sub->net);
	mntput(sub->ns_mnt);
	put_pid_ns(sub->pid_ns);
	put_cred(sub->cred);
	put_cred(sub->opener);
	put_user_ns(sub->uns);
	kfree(sub);
}

static struct ipcx_nl_sub *ipcx_nl_sub_find(const struct net *net, u32 portid)
{
	struct ipcx_nl_sub *sub;

	lockdep_assert_held(&ipcx_nl_subs_lock);
	list_for_each_entry(sub, &ipcx_nl_subs, node)
		if (net_eq(sub->net, net) && sub->portid == portid)
			return sub;
	return NULL;
}

/* Does @sub hear of @evs: one in its namespace that it may hear of? */
static bool ipcx_nl_sub_hears(const struct ipcx_nl_sub *sub,
			      const struct ipcx_nl_event *evs, unsigned int n)
{
	const struct ipcx_nl_event *ev;

	for (ev = evs; ev < evs + n; ev++)
		if (ipcx_nl_sub_may_hear(sub, ev))
			return true;
	return false;
}

/* Send @evs to the multicast group and to the subscribers who hear of them. */
static void ipcx_nl_notify(u8 cmd, const struct ipcx_nl_event *evs,
			   unsigned int n)
{
	struct ipcx_nl_sub *sub, *next;
	struct sk_buff *msg;

	might_sleep();
	lockdep_assert_not_held(&ipcx_names_lock);
	lockdep_assert_not_held(&ipcx_lock_regions_mutex);
	down_read(&ipcx_nl_sem);
	if (!ipcx_nl_live)
		goto out_unlock;
	msg = ipcx_nl_event_msg(cmd, evs, n, &init_pid_ns, NULL);
	/* init_net only (see top); -ESRCH (nobody listening) is normal; consumes @msg */
	if (msg)
		genlmsg_multicast_netns(&ipcx_nl_family, &init_net, msg, 0,
					IPCX_NL_MCGRP_EVENTS_IDX, GFP_KERNEL);
	mutex_lock(&ipcx_nl_subs_lock);
	list_for_each_entry_safe(sub, next, &ipcx_nl_subs, node) {
		if (!ipcx_nl_sub_hears(sub, evs, n))
			continue;
		msg = ipcx_nl_event_msg(cmd, evs, n, sub->pid_ns, sub);
		if (!msg)
			break;	/* out of memory: the rest miss this one */
		/* a full receiver gets ENOBUFS (netlink_overrun), as on multicast */
		if (genlmsg_unicast(sub->net, msg, sub->portid) == -ECONNREFUSED)
			ipcx_nl_sub_free(sub);	/* the socket is gone */
	}
	mutex_unlock(&ipcx_nl_subs_lock);
out_unlock:
	up_read(&ipcx_nl_sem);
}

/**
 * ipcx_nl_notify_region() - notify "region created" or "region destroyed"
 * @region: the region (immutable fields only are read)
 * @created: created rather than destroyed
 *
 * May sleep; called without spinlocks and without ipcx_names_lock (see the
 * top of this file).
 */
void ipcx_nl_notify_region(const struct ipcx_region *region, bool created)
{
	struct ipcx_nl_event ev = { .region = region };

	ipcx_nl_notify(created ? IPCX_NL_CMD_REGION_NEW_NTF : IPCX_NL_CMD_REGION_DEL_NTF,
		       &ev, 1);
}

/**
 * ipcx_nl_notify_lock() - notify a lock event (holder died, unrecoverable)
 * @cmd: IPCX_NL_CMD_HOLDER_DIED_NTF or IPCX_NL_CMD_LOCK_DEAD_NTF
 * @l: the lock; the caller holds a reference to its region
 * @who: the thread (a dead holder's record, or the one that made the lock
 *       unrecoverable); its pid, tgid and comm go only to receivers who may
 *       see it (ipcx_death_visible())
 *
 * May sleep: never called with ipcx_lock.lock held.
 */
void ipcx_nl_notify_lock(u8 cmd, const struct ipcx_lock *l,
			 const struct ipcx_death *who)
{
	struct ipcx_nl_event ev = {
		.region = l->region,
		.lock = l,
		.who = who,
	};

	ipcx_nl_notify(cmd, &ev, 1);
}

/**
 * ipcx_nl_notify_owner() - ipcx_nl_notify_lock() about @owner
 * @cmd: as there
 * @l: as there
 * @owner: a dead holder (death work) or the caller; referenced by the caller
 */
void ipcx_nl_notify_owner(u8 cmd, const struct ipcx_lock *l,
			  struct ipcx_owner *owner)
{
	struct ipcx_death who = {};

	ipcx_death_of(&who, l->region, owner);
	ipcx_nl_notify_lock(cmd, l, &who);
	ipcx_death_clear(&who);
}

/**
 * ipcx_nl_notify_deadlock() - notify a cycle refused with EDEADLK
 * @n: its members, at most IPCX_DEADLOCK_MAX_DEPTH
 * @locks: the lock each member sleeps on (the first: asked for); the
 *         caller holds a reference to each lock's region
 * @who: each member's thread
 *
 * May sleep (deadlock.c calls it from a work item).
 */
void ipcx_nl_notify_deadlock(unsigned int n, struct ipcx_lock *const *locks,
			     const struct ipcx_death *who)
{
	struct ipcx_nl_event evs[IPCX_DEADLOCK_MAX_DEPTH];
	unsigned int i;

	if (WARN_ON_ONCE(!n || n > IPCX_DEADLOCK_MAX_DEPTH))
		return;
	for (i = 0; i < n; i++)
		evs[i] = (struct ipcx_nl_event){ .region = locks[i]->region,
						 .lock = locks[i], .who = &who[i] };
	ipcx_nl_notify(IPCX_NL_CMD_DEADLOCK_NTF, evs, n);
}

static unsigned int ipcx_nl_user_subs(kuid_t uid)
{
	struct ipcx_nl_sub *sub;
	unsigned int n = 0;

	lockdep_assert_held(&ipcx_nl_subs_lock);
	list_for_each_entry(sub, &ipcx_nl_subs, node)
		n += uid_eq(sub->uid, uid);
	return n;
}

/*
 * One user's share of the subscriber table: max_user_subscribers, and at
 * most half of max_subscribers whatever max_user_subscribers says, so that
 * the global bound is never reached by one uid alone.
 */
static unsigned int ipcx_nl_user_limit(void)
{
	return min(READ_ONCE(max_user_subscribers), READ_ONCE(max_subscribers) / 2);
}

/* IPCX_NL_CMD_EVENTS_SUBSCRIBE: again from a subscribed socket: no change. */
int ipcx_nl_subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct cred *opener = ipcx_nl_opener_cred(skb);
	struct net *net = genl_info_net(info);
	struct ipcx_nl_sub *sub;
	kuid_t uid = current_uid();
	int ret = 0;

	if (!opener)
		return -EPERM;
	sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
	if (!sub)
		return -ENOMEM;
	mutex_lock(&ipcx_nl_subs_lock);
	if (ipcx_nl_sub_find(net, info->snd_portid))
		goto out_unlock;
	ret = -ENOSPC;
	if (ipcx_nl_nr_subs >= READ_ONCE(max_subscribers)) {
		NL_SET_ERR_MSG(info->extack, "too many subscribed sockets (max_subscribers)");
		goto out_unlock;
	}
	if (ipcx_nl_user_subs(uid) >= ipcx_nl_user_limit()) {
		NL_SET_ERR_MSG(info->extack,
			       "too many subscribed sockets of this user (max_user_subscribers, or half of max_subscribers)");
		goto out_unlock;
	}
	sub->net = get_net(net);
	sub->portid = info->snd_portid;
	sub->ns_mnt = ipcx_names_ns_get();
	sub->pid_ns = get_pid_ns(task_active_pid_ns(current));
	sub->uid = uid;
	sub->cred = get_current_cred();
	sub->opener = get_cred(opener);
	sub->uns = get_user_ns(current->nsproxy->ipc_ns->user_ns);
	list_add_tail(&sub->node, &ipcx_nl_subs);
	ipcx_nl_nr_subs++;
	sub = NULL;
	ret = 0;
out_unlock:
	mutex_unlock(&ipcx_nl_subs_lock);
	kfree(sub);
	return ret;
}

/* IPCX_NL_CMD_EVENTS_UNSUBSCRIBE: ENOENT when the socket was not subscribed. */
int ipcx_nl_unsubscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ipcx_nl_sub *sub;
	int ret = -ENOENT;

	mutex_lock(&ipcx_nl_subs_lock);
	sub = ipcx_nl_sub_find(genl_info_net(info), info->snd_portid);
	if (sub) {
		ipcx_nl_sub_free(sub);
		ret = 0;
	} else {
		NL_SET_ERR_MSG(info->extack, "this socket is not subscribed");
	}
	mutex_unlock(&ipcx_nl_subs_lock);
	return ret;
}

/* A netlink socket is released: drop its subscription, if any. */
static int ipcx_nl_on_release(struct notifier_block *nb, unsigned long state,
			      void *data)
{
	struct netlink_notify *n = data;
	struct ipcx_nl_sub *sub;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&ipcx_nl_subs_lock);
	sub = ipcx_nl_sub_find(n->net, n->portid);
	if (sub)
		ipcx_nl_sub_free(sub);
	mutex_unlock(&ipcx_nl_subs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block ipcx_nl_release_nb = {
	.notifier_call = ipcx_nl_on_release,
};

void ipcx_nl_events_stats(struct ipcx_stats *st)
{
	mutex_lock(&ipcx_nl_subs_lock);
	st->subscribers = ipcx_nl_nr_subs;
	st->user_subscribers = ipcx_nl_user_subs(current_uid());
	mutex_unlock(&ipcx_nl_subs_lock);
	st->max_subscribers = READ_ONCE(max_subscribers);
	st->max_user_subscribers = ipcx_nl_user_limit();
}

/* Before the family is registered: follow socket releases. */
int ipcx_nl_events_start(void)
{
	return netlink_register_notifier(&ipcx_nl_release_nb);
}

/* Notifications start (after the family is registered) or stop (before). */
void ipcx_nl_events_live(bool live)
{
	down_write(&ipcx_nl_sem);
	ipcx_nl_live = live;
	up_write(&ipcx_nl_sem);
}

/* After the family is gone (no command runs): drop every subscription. */
void ipcx_nl_events_stop(void)
{
	struct ipcx_nl_sub *sub, *next;

	netlink_unregister_notifier(&ipcx_nl_release_nb);
	mutex_lock(&ipcx_nl_subs_lock);
	list_for_each_entry_safe(sub, next, &ipcx_nl_subs, node)
		ipcx_nl_sub_free(sub);
	mutex_unlock(&ipcx_nl_subs_lock);
}
