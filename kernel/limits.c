// SPDX-License-Identifier: GPL-2.0
/*
 * Budgets: what regions, their bytes and their locks cost, and who pays.
 *
 * Two budgets bound every charge, so that neither another namespace nor
 * another user can use up yours (SysV IPC's per-namespace shm_ctlmni and
 * shm_ctlall, plus per-user counts as kernel/ucount.c and RLIMIT_MSGQUEUE
 * keep them):
 *  - per IPC namespace (struct ipcx_ns_usage): max_regions and
 *    max_total_bytes. Keyed as names.c keys names, by the namespace's pinned
 *    mqueue mount (a module cannot hold the namespace itself). A new
 *    namespace starts with a budget of its own, and nothing done in it
 *    counts against its parent's.
 *  - per user (struct ipcx_user): max_user_regions, max_user_bytes and
 *    max_user_locks, keyed by kuid alone, across namespaces. Keyed by
 *    (namespace, kuid) instead, every namespace a user unshares would hand
 *    it a fresh budget; keyed by kuid, a user's uid inside its own user
 *    namespace is the host uid it maps to, and its total is bounded. A
 *    user who owns many uids (subordinate uid ranges) owns that many
 *    budgets, as with every per-uid limit.
 *  - pinned lock pages: the region page under a declared lock stays in
 *    memory until the region goes. Each page counts once per region, for
 *    the declarer of its first lock, in that user's struct ipcx_user
 *    against the declarer's RLIMIT_MEMLOCK. The count is ipcx's own, as
 *    each kernel user of that limit keeps its own (mlock per address space,
 *    io_uring in user_struct, SysV SHM_LOCK in ucounts): user_struct cannot
 *    be used from a module, whose free_uid() is not exported by every 6.1.
 *    Per user and not per address space, so that the pages stay counted
 *    after the declaring process is gone. CAP_IPC_LOCK passes the limit
 *    (the page is still counted).
 *  - hugetlb regions: their pages are taken from the pool at creation and
 *    cannot be swapped, and a named region outlives its creator, so the
 *    creator pays for them too against its RLIMIT_MEMLOCK, as SysV's
 *    SHM_HUGETLB does without CAP_IPC_LOCK (user_shm_lock(); EPERM), in
 *    the same per-user count as the lock pages.
 *
 * Who pays:
 *  - a region: its creator (euid), in the namespace it was created in, for
 *    the region's whole life (like SysV's shm_tot);
 *  - its bytes: the declared size rounded up to pages, not the pages in
 *    use, so declaring costs the declarer; paid by whoever set the size
 *    last (the creator, until another user resizes the region: then that
 *    user pays for the whole new size). A user allowed to write a region so
 *    cannot grow it at its creator's expense;
 *  - a lock: its declarer, until the region goes (locks are freed only with
 *    their region).
 * Page-rounded declared sizes cannot exceed memory on their own: untouched
 * pages cost nothing, and the pages a process touches are charged to its
 * memory cgroup by shmem.
 *
 * Privilege: CAP_SYS_RESOURCE (in the initial user namespace) passes the
 * per-user limits, as it passes resource limits elsewhere; what it uses
 * is still counted. The per-namespace limits bind everyone, root included:
 * they are the size of the namespace's budget (raise the parameter).
 *
 * Memory this module allocates on a user's behalf (regions, names, lock
 * tables, the records below) is charged to that user's memory cgroup
 * (GFP_KERNEL_ACCOUNT).
 *
 * Locking: ipcx_limits_lock (mutex) guards both hash tables, every counter
 * and every refs; it is innermost among ipcx's sleeping locks (taken under
 * ipcx_names_lock, region->resize_lock and ipcx_lock_regions_mutex, never
 * the other way). A region's struct ipcx_charge is written under its
 * resize_lock once the region is published, as is its lock_charges list.
 * Each record (user, namespace) lives while it has references: one per
 * region charged to it (creator and payer count separately) and one per
 * lock-charge entry.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nsproxy.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"
#include "lock/lock.h"

static uint max_regions = 4096;
module_param(max_regions, uint, 0644);
MODULE_PARM_DESC(max_regions, "most live regions per IPC namespace (ENOSPC beyond)");

static ulong max_total_bytes = 4UL << 30;
module_param(max_total_bytes, ulong, 0644);
MODULE_PARM_DESC(max_total_bytes,
		 "most bytes of regions per IPC namespace, page-rounded (ENOSPC beyond)");

static uint max_user_regions = 1024;
module_param(max_user_regions, uint, 0644);
MODULE_PARM_DESC(max_user_regions,
		 "most live regions one user created, all namespaces (ENOSPC beyond)");

static ulong max_user_bytes = 2UL << 30;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes,
		 "most bytes of regions one user sized, all namespaces (ENOSPC beyond)");

static uint max_user_locks = 16384;
module_param(max_user_locks, uint, 0644);
MODULE_PARM_DESC(max_user_locks,
		 "most lock blocks one user declared, all regions (ENOSPC beyond)");

/**
 * struct ipcx_user - what one user (kuid) has been charged
 * @node: in ipcx_users
 * @uid: the user
 * @refs: charges and entries that point here
 * @regions: regions it created
 * @bytes: bytes of the regions it sized last
 * @locks: locks it declared
 * @pinned: region pages its locks pinned first (against RLIMIT_MEMLOCK)
 */
struct ipcx_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int refs;
	unsigned int regions;
	u64 bytes;
	unsigned int locks;
	unsigned long pinned;
};

/**
 * struct ipcx_ns_usage - what one IPC namespace has been charged
 * @node: in ipcx_nses
 * @mnt: the namespace's key (its mqueue mount, pinned by its regions)
 * @refs: regions charged here
 * @regions: live regions created in it
 * @bytes: their page-rounded sizes
 */
struct ipcx_ns_usage {
	struct hlist_node node;
	const struct vfsmount *mnt;
	unsigned int refs;
	unsigned int regions;
	u64 bytes;
};

/**
 * struct ipcx_lock_charge - the locks one declarer declared in one region
 * @node: in region->lock_charges
 * @user: pays for @locks and @pages (a reference)
 * @locks: locks declared
 * @pages: region pages first pinned by those locks
 */
struct ipcx_lock_charge {
	struct list_head node;
	struct ipcx_user *user;
	unsigned int locks;
	unsigned long pages;
};

static DEFINE_MUTEX(ipcx_limits_lock);
static DEFINE_HASHTABLE(ipcx_users, 6);	/* ipcx_limits_lock */
static DEFINE_HASHTABLE(ipcx_nses, 4);	/* ipcx_limits_lock */
static unsigned int ipcx_nr_regions;	/* ipcx_limits_lock; every namespace */
static u64 ipcx_nr_bytes;		/* ipcx_limits_lock; every namespace */

/* Would @used + @add pass @limit? */
static bool ipcx_over(u64 used, u64 add, u64 limit)
{
	u64 sum;

	return check_add_overflow(used, add, &sum) || sum > limit;
}

static struct ipcx_user *ipcx_user_get(kuid_t uid)
{
	struct ipcx_user *u;

	lockdep_assert_held(&ipcx_limits_lock);
	hash_for_each_possible(ipcx_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			goto found;
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return NULL;
	u->uid = uid;
	hash_add(ipcx_users, &u->node, __kuid_val(uid));
found:
	u->refs++;
	return u;
}

static void ipcx_user_put(struct ipcx_user *u)
{
	lockdep_assert_held(&ipcx_limits_lock);
	if (!u || --u->refs)
		return;
	WARN_ON_ONCE(u->regions || u->bytes || u->locks || u->pinned);
	hash_del(&u->node);
	kfree(u);
}

static struct ipcx_ns_usage *ipcx_ns_get(const struct vfsmount *mnt)
{
	struct ipcx_ns_usage *ns;

	lockdep_assert_held(&ipcx_limits_lock);
	hash_for_each_possible(ipcx_nses, ns, node, hash_ptr(mnt, 32))
		if (ns->mnt == mnt)
			goto found;
	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		return NULL;
	ns->mnt = mnt;
	hash_add(ipcx_nses, &ns->node, hash_ptr(mnt, 32));
found:
	ns->refs++;
	return ns;
}

static void ipcx_ns_put(struct ipcx_ns_usage *ns)
{
	lockdep_assert_held(&ipcx_limits_lock);
	if (!ns || --ns->refs)
		return;
	WARN_ON_ONCE(ns->regions || ns->bytes);
	hash_del(&ns->node);
	kfree(ns);
}

/* May the caller go past a per-user limit? Asked only when it would. */
static bool ipcx_user_unlimited(void)
{
	return capable(CAP_SYS_RESOURCE);
}

/**
 * ipcx_limits_charge() - charge a region about to be created by the caller
 * @c: filled on success; give it to ipcx_limits_uncharge() when the region
 *     goes
 * @bytes: its page-rounded size
 * @pinned: its pages are pinned from creation (hugetlb): the caller also
 *          pays for them against its RLIMIT_MEMLOCK
 *
 * The caller's IPC namespace pays for the region and its bytes; the caller
 * (euid) pays for both as creator and first payer.
 *
 * Return: 0, -ENOSPC (a limit of the namespace or the user), -EPERM
 * (@pinned past RLIMIT_MEMLOCK without CAP_IPC_LOCK), -ENOMEM.
 */
int ipcx_limits_charge(struct ipcx_charge *c, u64 bytes, bool pinned)
{
	unsigned long pages = pinned ? bytes >> PAGE_SHIFT : 0;
	const struct vfsmount *mnt = current->nsproxy->ipc_ns->mq_mnt;
	struct ipcx_user *u;
	int ret = -ENOMEM;

	mutex_lock(&ipcx_limits_lock);
	c->ns = ipcx_ns_get(mnt);
	c->creator = ipcx_user_get(current_euid());
	u = c->creator;
	if (!c->ns || !u)
		goto out_put;
	ret = -ENOSPC;
	if (ipcx_over(c->ns->regions, 1, READ_ONCE(max_regions)) ||
	    ipcx_over(c->ns->bytes, bytes, READ_ONCE(max_total_bytes)))
		goto out_put;
	if ((ipcx_over(u->regions, 1, READ_ONCE(max_user_regions)) ||
	     ipcx_over(u->bytes, bytes, READ_ONCE(max_user_bytes))) &&
	    !ipcx_user_unlimited())
		goto out_put;
	ret = -EPERM;
	if (pages && ipcx_over(u->pinned, pages, rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT) &&
	    !capable(CAP_IPC_LOCK))
		goto out_put;
	u->pinned += pages;
	c->pinned = pages;
	c->ns->regions++;
	c->ns->bytes += bytes;
	u->regions++;
	u->bytes += bytes;
	u->refs++;		/* as payer */
	c->payer = u;
	c->bytes = bytes;
	ipcx_nr_regions++;
	ipcx_nr_bytes += bytes;
	mutex_unlock(&ipcx_limits_lock);
	return 0;

out_put:
	ipcx_user_put(c->creator);
	ipcx_ns_put(c->ns);
	mutex_unlock(&ipcx_limits_lock);
	return ret;
}

/**
 * ipcx_limits_uncharge() - give back what ipcx_limits_charge() took
 * @c: the charge, with whatever resizes made of it
 */
void ipcx_limits_uncharge(struct ipcx_charge *c)
{
	mutex_lock(&ipcx_limits_lock);
	c->ns->regions--;
	c->ns->bytes -= c->bytes;
	c->creator->regions--;
	c->creator->pinned -= c->pinned;
	c->payer->bytes -= c->bytes;
	ipcx_nr_regions--;
	ipcx_nr_bytes -= c->bytes;
	ipcx_user_put(c->payer);
	ipcx_user_put(c->creator);
	ipcx_ns_put(c->ns);
	mutex_unlock(&ipcx_limits_lock);
}

/**
 * ipcx_limits_resize() - charge a region's new size to the caller
 * @region: the region, its resize_lock held
 * @bytes: the new page-rounded size
 *
 * The caller becomes the payer of the whole new size and the previous
 * payer gets its bytes back. Shrinking one's own region never fails.
 *
 * Return: 0, -ENOSPC, -ENOMEM.
 */
int ipcx_limits_resize(struct ipcx_region *region, u64 bytes)
{
	struct ipcx_charge *c = &region->charge;
	struct ipcx_user *payer = c->payer;
	u64 had = 0;
	int ret = 0;

	lockdep_assert_held(&region->resize_lock);
	mutex_lock(&ipcx_limits_lock);
	if (uid_eq(payer->uid, current_euid()))
		had = c->bytes;
	else
		payer = ipcx_user_get(current_euid());
	if (!payer) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (bytes > c->bytes &&
	    ipcx_over(c->ns->bytes, bytes - c->bytes, READ_ONCE(max_total_bytes)))
		ret = -ENOSPC;
	else if (bytes > had &&
		 ipcx_over(payer->bytes - had, bytes, READ_ONCE(max_user_bytes)) &&
		 !ipcx_user_unlimited())
		ret = -ENOSPC;
	if (ret)
		goto out_put;
	c->ns->bytes += bytes - c->bytes;
	ipcx_nr_bytes += bytes - c->bytes;
	c->payer->bytes -= c->bytes;
	payer->bytes += bytes;
	c->bytes = bytes;
	swap(c->payer, payer);	/* the reference on the old payer goes below */
out_put:
	if (payer != c->payer)
		ipcx_user_put(payer);
out_unlock:
	mutex_unlock(&ipcx_limits_lock);
	return ret;
}

/* The caller's entry in @region's lock charges, made if need be. */
static struct ipcx_lock_charge *ipcx_lock_charge_get(struct ipcx_region *region)
{
	kuid_t uid = current_euid();
	struct ipcx_lock_charge *lc;

	list_for_each_entry(lc, &region->lock_charges, node)
		if (uid_eq(lc->user->uid, uid))
			return lc;
	lc = kzalloc(sizeof(*lc), GFP_KERNEL_ACCOUNT);
	if (!lc)
		return NULL;
	mutex_lock(&ipcx_limits_lock);
	lc->user = ipcx_user_get(uid);
	mutex_unlock(&ipcx_limits_lock);
	if (!lc->user) {
		kfree(lc);
		return NULL;
	}
	list_add(&lc->node, &region->lock_charges);
	return lc;
}

/* Drop @lc once nothing is charged through it. */
static void ipcx_lock_charge_put(struct ipcx_lock_charge *lc)
{
	if (lc->locks || lc->pages)
		return;
	list_del(&lc->node);
	mutex_lock(&ipcx_limits_lock);
	ipcx_user_put(lc->user);
	mutex_unlock(&ipcx_limits_lock);
	kfree(lc);
}

/* Is no lock declared yet on the page of @offset? */
static bool ipcx_lock_page_new(struct ipcx_region *region, u64 offset)
{
	unsigned long idx = round_down(offset, PAGE_SIZE) / IPCX_LOCK_ALIGN;

	return !xa_find(&region->locks.xa, &idx,
			idx + PAGE_SIZE / IPCX_LOCK_ALIGN - 1, XA_PRESENT);
}

/* May @u pin one more page, within the caller's RLIMIT_MEMLOCK? */
static bool ipcx_may_pin(const struct ipcx_user *u)
{
	lockdep_assert_held(&ipcx_limits_lock);
	return !ipcx_over(u->pinned, 1, rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT) ||
	       capable(CAP_IPC_LOCK);
}

/**
 * ipcx_limits_charge_lock() - charge a lock about to be declared at @offset
 * @region: the region; its resize_lock and ipcx_lock_regions_mutex held,
 *          no lock declared at @offset yet
 * @offset: the lock's offset
 * @cost: filled on success, for ipcx_limits_uncharge_lock() should the
 *        declaration fail after all
 *
 * The caller pays: a lock against max_user_locks, and, when no lock of the
 * region lies on that page yet, the page against its RLIMIT_MEMLOCK.
 *
 * Return: 0, -ENOSPC, -ENOMEM.
 */
int ipcx_limits_charge_lock(struct ipcx_region *region, u64 offset,
			    struct ipcx_lock_cost *cost)
{
	struct ipcx_lock_charge *lc;
	int ret = 0;

	lockdep_assert_held(&region->resize_lock);
	lockdep_assert_held(&ipcx_lock_regions_mutex);
	lc = ipcx_lock_charge_get(region);
	if (!lc)
		return -ENOMEM;
	cost->lc = lc;
	cost->page = ipcx_lock_page_new(region, offset);
	mutex_lock(&ipcx_limits_lock);
	if (ipcx_over(lc->user->locks, 1, READ_ONCE(max_user_locks)) &&
	    !ipcx_user_unlimited())
		ret = -ENOSPC;
	else if (cost->page && !ipcx_may_pin(lc->user))
		ret = -ENOSPC;
	if (!ret) {
		lc->user->locks++;
		lc->user->pinned += cost->page;
	}
	mutex_unlock(&ipcx_limits_lock);
	if (ret) {
		ipcx_lock_charge_put(lc);
		return ret;
	}
	lc->locks++;
	lc->pages += cost->page;
	return 0;
}

static void ipcx_lock_charge_sub(struct ipcx_lock_charge *lc,
				 unsigned int locks, unsigned long pages)
{
	mutex_lock(&ipcx_limits_lock);
	lc->user->locks -= locks;
	lc->user->pinned -= pages;
	mutex_unlock(&ipcx_limits_lock);
	lc->locks -= locks;
	lc->pages -= pages;
	ipcx_lock_charge_put(lc);
}

/**
 * ipcx_limits_uncharge_lock() - undo ipcx_limits_charge_lock() for a lock
 * that was not declared after all
 * @region: the region; its resize_lock held
 * @cost: what the charge returned
 */
void ipcx_limits_uncharge_lock(struct ipcx_region *region,
			       const struct ipcx_lock_cost *cost)
{
	lockdep_assert_held(&region->resize_lock);
	ipcx_lock_charge_sub(cost->lc, 1, cost->page);
}

/**
 * ipcx_limits_uncharge_region() - a region is being freed: give back its
 * charge and its locks' charges
 * @region: the region; nothing can reach it any more, its locks are gone
 */
void ipcx_limits_uncharge_region(struct ipcx_region *region)
{
	struct ipcx_lock_charge *lc, *tmp;

	list_for_each_entry_safe(lc, tmp, &region->lock_charges, node)
		ipcx_lock_charge_sub(lc, lc->locks, lc->pages);
	ipcx_limits_uncharge(&region->charge);
}

/*
 * For IPCX_NL_CMD_STATS_GET: the budgets, the regions' live counts, and
 * the caller's own charges (its euid's, as they are charged, pinned lock
 * pages included).
 */
void ipcx_limits_stats(struct ipcx_stats *st)
{
	kuid_t uid = current_euid();
	struct ipcx_user *u;

	st->max_regions = READ_ONCE(max_regions);
	st->max_total_bytes = READ_ONCE(max_total_bytes);
	st->max_user_regions = READ_ONCE(max_user_regions);
	st->max_user_bytes = READ_ONCE(max_user_bytes);
	st->max_user_locks = READ_ONCE(max_user_locks);
	st->user_regions = 0;
	st->user_bytes = 0;
	st->user_locks = 0;
	st->user_locked_bytes = 0;
	mutex_lock(&ipcx_limits_lock);
	st->regions = ipcx_nr_regions;
	st->bytes = ipcx_nr_bytes;
	hash_for_each_possible(ipcx_users, u, node, __kuid_val(uid)) {
		if (uid_eq(u->uid, uid)) {
			st->user_regions = u->regions;
			st->user_bytes = u->bytes;
			st->user_locks = u->locks;
			st->user_locked_bytes = (u64)u->pinned << PAGE_SHIFT;
			break;
		}
	}
	mutex_unlock(&ipcx_limits_lock);
}

/* At rmmod, after every region is gone: nothing may still be charged. */
void ipcx_limits_exit(void)
{
	WARN_ON_ONCE(ipcx_nr_regions || ipcx_nr_bytes ||
		     !hash_empty(ipcx_users) || !hash_empty(ipcx_nses));
}
