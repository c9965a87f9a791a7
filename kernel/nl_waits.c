// SPDX-License-Identifier: GPL-2.0
/*
 * The wait-for graph: IPCX_NL_CMD_WAITS_GET lists, for each declared lock,
 * who holds it and who sleeps on it (the struct ipcx_waiter entries queued
 * by ipcx_lock_sleep()), so that user space (ipcx waits) can follow
 * "thread A sleeps on lock L held by thread B" across regions and find
 * cycles. The kernel only reports; the graph is built in user space.
 *
 * Permissions are LOCK_GET's: a region's holders and sleepers only to a
 * caller whose sender and socket opener may both read it (netlink.c's
 * ipcx_nl_both_may()), checked again in every part of the dump. A whole-
 * namespace dump leaves unreadable regions out instead of failing.
 * Threads are described in the caller's pid namespace: a holder by
 * ipcx_owner_to_user() (LOCK_STAT's rule), a sleeper when it is in that
 * namespace at all (a sleeper acts on the region, which is what the
 * owner rule's "attached" stands for); otherwise only its owner id shows.
 *
 * The dump is bounded and restartable: cb->args[0] is the region id,
 * cb->args[1] the lock index in its table, cb->args[2] the index of the
 * next sleeper of that lock (a lock with more than IPCX_NL_WAITS_BATCH
 * sleepers takes several messages), cb->args[3] the mode (one region or
 * the namespace). Each lock is snapshot under its ipcx_lock.lock, taking
 * references on the sleepers' struct pids; the message is built after the
 * lock is dropped, and the references are put then.
 *
 * Locking: no lock of this file. Regions are referenced (region.c's
 * rules); their locks are freed only with them; ipcx_lock.lock is held
 * only for the snapshot, which neither sleeps nor allocates.
 */
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "compat.h"
#include "internal.h"
#include "lock/lock.h"
#include "nl.h"

enum ipcx_nl_waits_mode {
	IPCX_NL_WAITS_START,	/* first part: the request not read yet */
	IPCX_NL_WAITS_ONE,	/* the region in args[0] only */
	IPCX_NL_WAITS_ALL,	/* every readable region from args[0] on */
};

/* A sleeper as seen under ipcx_lock.lock; @pid and @tgid are references. */
struct ipcx_nl_sleeper {
	struct pid *pid;
	struct pid *tgid;
	u64 since_ns;
	u32 owner;
	u32 want;
	u32 units;
	char comm[TASK_COMM_LEN];
};

/* One part of one lock: its holders, and up to IPCX_NL_WAITS_BATCH sleepers. */
struct ipcx_nl_waits_snap {
	u64 offset;
	u32 kind;
	u32 word;
	u32 count;
	u32 nr_waiters;
	u32 first;
	unsigned int nr_holders;
	u32 holder_id[1 + IPCX_RW_SLOTS];
	u32 holder_how[1 + IPCX_RW_SLOTS];
	unsigned int nr;
	struct ipcx_nl_sleeper w[IPCX_NL_WAITS_BATCH];
};

/* What a sleeper on @l waits for, by the lock's kind (a rwlock's says). */
static u32 ipcx_nl_waits_for(const struct ipcx_lock *l, const struct ipcx_waiter *w)
{
	switch (l->kind) {
	case IPCX_LOCK_MUTEX:
		return IPCX_WAIT_LOCK;
	case IPCX_LOCK_SEM:
		return IPCX_WAIT_UNITS;
	case IPCX_LOCK_EVENT:
		return IPCX_WAIT_EVENT;
	default:
		return w->want;
	}
}

/*
 * The holders the word and the slots name: a mutex's owner, a rwlock's
 * writer and readers (the slots are user-writable: bounded, ids checked).
 */
static void ipcx_nl_snap_holders(struct ipcx_lock *l, struct ipcx_nl_waits_snap *s)
{
	const u32 *slots = ((struct ipcx_lock_block *)l->word)->slots;
	u32 word = s->word, id;
	unsigned int i;

	lockdep_assert_held(&l->lock);
	if (l->kind == IPCX_LOCK_SEM) {
		s->count = word & IPCX_SEM_VALUE_MAX;
		return;
	}
	if (l->kind == IPCX_LOCK_MUTEX) {
		id = word & IPCX_OWNER_ID_MASK;
		if (id && id != IPCX_OWNER_NOTRECOVERABLE) {
			s->holder_id[s->nr_holders] = id;
			s->holder_how[s->nr_holders++] = IPCX_WAIT_LOCK;
		}
		return;
	}
	if (l->kind != IPCX_LOCK_RWLOCK)
		return;
	id = word & IPCX_RWW_ID_MASK;
	if ((word & IPCX_RWW_WRITER) && id != IPCX_RWW_ID_MASK) {
		s->holder_id[s->nr_holders] = id;
		s->holder_how[s->nr_holders++] = IPCX_WAIT_WRITE;
	}
	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		id = READ_ONCE(slots[i]);
		if (!id || id > IPCX_RWW_ID_MASK)
			continue;
		s->count++;
		s->holder_id[s->nr_holders] = id;
		s->holder_how[s->nr_holders++] = IPCX_WAIT_READ;
	}
}

/* Snapshot @l's sleepers from the @first-th on (at most a batch). */
static void ipcx_nl_snap_waits(struct ipcx_lock *l, u32 first,
			       struct ipcx_nl_waits_snap *s)
{
	struct ipcx_nl_sleeper *sl;
	struct ipcx_waiter *w;
	u32 i = 0;

	memset(s, 0, offsetof(struct ipcx_nl_waits_snap, w));
	s->offset = l->offset;
	s->kind = l->kind;
	s->first = first;
	spin_lock(&l->lock);
	s->word = READ_ONCE(*l->word);
	s->nr_waiters = l->nr_waiters;
	if (!first)
		ipcx_nl_snap_holders(l, s);
	list_for_each_entry(w, &l->waiters, node) {
		if (i++ < first)
			continue;
		if (s->nr == IPCX_NL_WAITS_BATCH)
			break;
		sl = &s->w[s->nr++];
		/* a queued waiter's task sleeps in ipcx_lock_sleep(): alive */
		sl->pid = get_pid(task_pid(w->task));
		sl->tgid = get_pid(task_tgid(w->task));
		sl->since_ns = w->since_ns;
		sl->owner = w->owner;
		sl->want = ipcx_nl_waits_for(l, w);
		sl->units = w->units;
		/* no task_lock() under a spinlock: a racing rename is harmless */
		memcpy(sl->comm, w->task->comm, sizeof(sl->comm));
		sl->comm[sizeof(sl->comm) - 1] = '\0';
	}
	spin_unlock(&l->lock);
}

static void ipcx_nl_snap_release(struct ipcx_nl_waits_snap *s)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		put_pid(s->w[i].pid);
		put_pid(s->w[i].tgid);
	}
	s->nr = 0;
}

/* The thread's pid, tgid and comm, if the caller may see it (see top). */
static int ipcx_nl_put_thread(struct sk_buff *skb, u32 pid, u32 tgid,
			      const char *comm)
{
	if (!pid)
		return 0;
	if (nla_put_u32(skb, IPCX_NL_PEER_A_PID, pid) ||
	    nla_put_u32(skb, IPCX_NL_PEER_A_TGID, tgid) ||
	    nla_put_string(skb, IPCX_NL_PEER_A_COMM, comm))
		return -EMSGSIZE;
	return 0;
}

static int ipcx_nl_put_holder(struct sk_buff *skb, struct ipcx_region *region,
			      u32 id, u32 how)
{
	struct ipcx_owner_info info;
	struct nlattr *nest;

	ipcx_owner_to_user(region, id, &info);
	nest = nla_nest_start(skb, IPCX_NL_WAITS_A_HOLDER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPCX_NL_PEER_A_OWNER, id) ||
	    nla_put_u32(skb, IPCX_NL_PEER_A_FOR, how) ||
	    ipcx_nl_put_thread(skb, info.pid, info.tgid, info.comm)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipcx_nl_put_sleeper(struct sk_buff *skb, const struct ipcx_nl_sleeper *sl)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct nlattr *nest = nla_nest_start(skb, IPCX_NL_WAITS_A_WAITER);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPCX_NL_PEER_A_OWNER, sl->owner) ||
	    nla_put_u32(skb, IPCX_NL_PEER_A_FOR, sl->want) ||
	    nla_put_u64_64bit(skb, IPCX_NL_PEER_A_SINCE, sl->since_ns,
			      IPCX_NL_PEER_A_PAD) ||
	    (sl->units && nla_put_u32(skb, IPCX_NL_PEER_A_UNITS, sl->units)) ||
	    ipcx_nl_put_thread(skb, pid_nr_ns(sl->pid, ns),
			       pid_nr_ns(sl->tgid, ns), sl->comm)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ipcx_nl_fill_waits(struct sk_buff *skb, struct ipcx_region *region,
			      const struct ipcx_nl_waits_snap *s)
{
	struct nlattr *nest = nla_nest_start(skb, IPCX_NL_A_WAITS);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if ((region->name &&
	     nla_put_string(skb, IPCX_NL_WAITS_A_REGION_NAME, region->name)) ||
	    nla_put_u64_64bit(skb, IPCX_NL_WAITS_A_OFFSET, s->offset,
			      IPCX_NL_WAITS_A_PAD) ||
	    nla_put_u32(skb, IPCX_NL_WAITS_A_KIND, s->kind) ||
	    nla_put_u32(skb, IPCX_NL_WAITS_A_WORD, s->word) ||
	    nla_put_u32(skb, IPCX_NL_WAITS_A_COUNT, s->count) ||
	    nla_put_u32(skb, IPCX_NL_WAITS_A_WAITERS, s->nr_waiters) ||
	    nla_put_u32(skb, IPCX_NL_WAITS_A_FIRST, s->first))
		goto out_cancel;
	for (i = 0; i < s->nr_holders; i++)
		if (ipcx_nl_put_holder(skb, region, s->holder_id[i], s->holder_how[i]))
			goto out_cancel;
	for (i = 0; i < s->nr; i++)
		if (ipcx_nl_put_sleeper(skb, &s->w[i]))
			goto out_cancel;
	nla_nest_end(skb, nest);
	return 0;

out_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * One message for @l from its @first-th sleeper; *@next is where the
 * lock's next message starts, 0 when this one reached the end.
 */
static int ipcx_nl_waits_msg(struct sk_buff *skb, struct netlink_callback *cb,
			     struct ipcx_region *region, struct ipcx_lock *l,
			     struct ipcx_nl_waits_snap *s, u32 first, u32 *next)
{
	void *hdr;
	int ret = -EMSGSIZE;

	ipcx_nl_snap_waits(l, first, s);
	*next = s->nr == IPCX_NL_WAITS_BATCH && first + s->nr < s->nr_waiters ?
		first + s->nr : 0;
	hdr = ipcx_nl_put_hdr(skb, cb, NULL, IPCX_NL_CMD_WAITS_GET);
	if (!hdr)
		goto out_release;
	if (nla_put_u64_64bit(skb, IPCX_NL_A_REGION_ID, region->id, IPCX_NL_A_PAD) ||
	    ipcx_nl_fill_waits(skb, region, s)) {
		genlmsg_cancel(skb, hdr);
		goto out_release;
	}
	genlmsg_end(skb, hdr);
	ret = 0;
out_release:
	ipcx_nl_snap_release(s);
	return ret;
}

/* The locks of @region from the dump's cursor on; -EMSGSIZE when full. */
static int ipcx_nl_waits_region(struct sk_buff *skb, struct netlink_callback *cb,
				struct ipcx_region *region,
				struct ipcx_nl_waits_snap *s)
{
	unsigned long idx;
	struct ipcx_lock *l;
	u32 next;
	int ret;

	/* locks are freed only with the region, which the caller holds */
	xa_for_each_start(&region->locks.xa, idx, l, cb->args[1]) {
		do {
			ret = ipcx_nl_waits_msg(skb, cb, region, l, s,
						cb->args[2], &next);
			if (ret) {
				cb->args[1] = idx;
				return ret;
			}
			cb->args[2] = next;
		} while (next);
		cond_resched();
	}
	return 0;
}

/* First part: one region (EACCES if unreadable) or the whole namespace. */
static int ipcx_nl_waits_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = ipcx_genl_dumpit_attrs(cb);
	struct ipcx_region *region;

	if (!attrs[IPCX_NL_A_REGION_ID] && !attrs[IPCX_NL_A_REGION_NAME]) {
		cb->args[0] = 0;
		cb->args[3] = IPCX_NL_WAITS_ALL;
		return 0;
	}
	region = ipcx_nl_region(attrs, cb->extack);
	if (IS_ERR(region))
		return PTR_ERR(region);
	cb->args[0] = region->id;
	cb->args[3] = IPCX_NL_WAITS_ONE;
	ipcx_region_put(region);
	return 0;
}

static struct ipcx_region *ipcx_nl_waits_next(struct netlink_callback *cb)
{
	u64 id = cb->args[0];
	struct ipcx_region *region;

	if (cb->args[3] == IPCX_NL_WAITS_ONE)
		return id ? ipcx_region_find_id(id) : NULL;
	region = ipcx_region_find_next(&id);
	if (region && id != cb->args[0]) {	/* a new region: from its start */
		cb->args[0] = id;
		cb->args[1] = 0;
		cb->args[2] = 0;
	}
	return region;
}

int ipcx_nl_waits_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ipcx_nl_waits_snap *s;
	struct ipcx_region *region;
	int ret = 0;

	if (cb->args[3] == IPCX_NL_WAITS_START) {
		ret = ipcx_nl_waits_start(cb);
		if (ret)
			return ret;
	}
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	while ((region = ipcx_nl_waits_next(cb))) {
		/* every part: the socket may have changed hands, the mode too */
		if (ipcx_nl_both_may(cb->skb, region, ipcx_nl_may_read)) {
			ret = ipcx_nl_waits_region(skb, cb, region, s);
		} else if (cb->args[3] == IPCX_NL_WAITS_ONE) {
			NL_SET_ERR_MSG(cb->extack, "no read permission on this region");
			ret = -EACCES;
		}
		ipcx_region_put(region);
		if (ret)
			break;
		/* done with this region: the next one, or the end */
		if (cb->args[3] == IPCX_NL_WAITS_ONE) {
			cb->args[0] = 0;
			break;
		}
		cb->args[0]++;
		cb->args[1] = 0;
		cb->args[2] = 0;
	}
	kfree(s);
	if (ret == -EMSGSIZE)
		return skb->len ? skb->len : ret;
	return ret ? ret : skb->len;
}
