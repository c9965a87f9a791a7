// SPDX-License-Identifier: GPL-2.0
/*
 * Lock tables: the kernel's record of the lock blocks declared in a region.
 *
 * READ this before changing anything here, in the mutexes or in the events.
 *
 * A lock block lives in region memory, where every attached process can
 * read and write it. The uncontended paths never enter the kernel: user
 * space takes a free mutex with CAS(word, 0, my_id) and releases it with
 * CAS(word, my_id, 0). Everything else (sleeping, waking, handing over,
 * recovering from a dead holder) is done here, on the same word, through
 * the region page that holds it (pinned at declaration, so the
 * kernel reaches the word without any process's address space, which is
 * what lets the death work release locks of a process whose mm is gone).
 *
 * Ordering, mutex (compare kernel/futex/waitwake.c):
 *
 *   waiter (kernel)                       holder (user space)
 *   spin_lock(l->lock)
 *   w = *word   (held by H)
 *   CAS(word, w, w | WAITERS) ok
 *   queue self; set TASK_INTERRUPTIBLE
 *   spin_unlock(l->lock)                  CAS(word, H, 0) fails: WAITERS set
 *   schedule()                            ioctl(MUTEX_UNLOCK)
 *                                         spin_lock(l->lock)
 *                                         wake or hand over to the waiter
 *
 * The waiter publishes WAITERS with a CAS that fails if the word changed
 * since it looked, and it is queued before l->lock is dropped, so the
 * release either happens before the CAS (the waiter sees it and retries) or
 * must come through the kernel and find the waiter: no lost wake-ups. The
 * kernel changes a word only under l->lock and only with CAS/xchg; user
 * space may change it only from 0 or from its own id, so a kernel CAS that
 * fails means "look again". A word that makes no sense (a scribbler) makes
 * the caller see EOWNERDEAD or EINVAL; it can never make the kernel sleep
 * forever, because every sleep is interruptible and every waiter is
 * re-examined on each wake-up.
 *
 * Acquisition: every kind goes through one skeleton, ipcx_lock_acquire()
 * in acquire.c:
 *
 *   spin_lock(l->lock); begin
 *   loop: relax (back off, signals, deadline) -> revoked? -> try
 *         -> held: trylock? busy -> spin -> publish WAITERS
 *         -> ipcx_acquire_before_sleep() -> sleep -> granted? result
 *         -> woken -> loop
 *   acquired: account, report a dead holder; done
 *   spin_unlock(l->lock); notify a holder found dead
 *
 * A kind (mutex.c, sem.c, rwlock.c, event.c) supplies only its own steps
 * in a struct ipcx_lock_ops: how to look at and take its word, what a
 * trylock says, and what it does around sleeping (the mutex spins and
 * counts thefts, the rwlock publishes WAITERS before re-reading the slots
 * and gives back a word it took, the semaphore grants sleepers first and
 * records undo).
 *
 * Locking:
 *  - ipcx_lock_regions_mutex guards ipcx_lock_regions (regions that have
 *    declared locks) and each region's lock table (xarray stores); it is
 *    taken by declaration and resize (inside the region's resize_lock, so a
 *    region cannot shrink under a lock being declared) and by region
 *    teardown, and is outside every ipcx_lock.lock. The death work does not
 *    take it: it reads a region's table under RCU (see
 *    ipcx_region_owner_died()), region by region, for the regions the dead
 *    owner's address space may have named (owner.c).
 *  - ipcx_lock.lock (spinlock) guards a lock's waiters and statistics and
 *    every kernel-side change of its word. Never held across sleeping or
 *    user copies.
 *  - Lookups (ipcx_lock_find) need no lock: locks are freed only when the
 *    region is, and the caller holds a region reference.
 */
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "lock.h"

/* Lock words are reached through page_address() of pinned region pages. */
#if IS_ENABLED(CONFIG_HIGHMEM)
#error "ipcx needs a kernel without CONFIG_HIGHMEM (a 64-bit kernel)"
#endif

static unsigned int max_locks_per_region = 4096;
module_param(max_locks_per_region, uint, 0644);
MODULE_PARM_DESC(max_locks_per_region,
		 "most lock blocks one region may declare (ENOSPC beyond)");

static LIST_HEAD(ipcx_lock_regions);
DEFINE_MUTEX(ipcx_lock_regions_mutex);	/* see Locking above */

static bool ipcx_lock_kind_valid(u32 kind)
{
	return kind == IPCX_LOCK_MUTEX || kind == IPCX_LOCK_EVENT ||
	       kind == IPCX_LOCK_SEM || kind == IPCX_LOCK_RWLOCK;
}

static int ipcx_lock_map_block(struct ipcx_lock *l, struct ipcx_region *region,
			       u32 value)
{
	struct ipcx_lock_block *block;
	struct page *page;

	page = shmem_read_mapping_page(ipcx_region_mapping(region),
				       l->offset >> PAGE_SHIFT);
	if (IS_ERR(page))
		return PTR_ERR(page);
	l->page = page;
	/* The page reference pins the page; without HIGHMEM it stays mapped. */
	block = page_address(page) + offset_in_page(l->offset);
	l->word = &block->word;
	memset(block->slots, 0, sizeof(block->slots));
	WRITE_ONCE(block->word, value);
	WRITE_ONCE(block->kind, l->kind);
	set_page_dirty(page);
	return 0;
}

/*
 * IPCX_SEAL_WRITE: the kernel may change only the words of locks declared
 * before the seal. Seals change under resize_lock, which the caller holds.
 */
static bool ipcx_lock_write_sealed(struct ipcx_region *region)
{
	bool sealed;

	lockdep_assert_held(&region->resize_lock);
	spin_lock(&region->lock);
	sealed = region->seals & IPCX_SEAL_WRITE;
	spin_unlock(&region->lock);
	return sealed;
}

static void ipcx_lock_free(struct ipcx_lock *l)
{
	if (l->page)
		put_page(l->page);
	ipcx_death_clear(&l->last_death);
	ipcx_death_clear(&l->first_death);
	ipcx_sem_free_undos(l);
	kfree(l);
}

/* The arguments of a declaration, before any lock is taken. */
static bool ipcx_lock_args_valid(struct ipcx_region *region, u64 offset,
				 u32 kind, u32 value,
				 struct ipcx_lock *death_event)
{
	if (!ipcx_lock_kind_valid(kind) || !IS_ALIGNED(offset, IPCX_LOCK_ALIGN))
		return false;
	if (kind == IPCX_LOCK_SEM ? value > IPCX_SEM_VALUE_MAX : value)
		return false;
	return !death_event || (kind == IPCX_LOCK_MUTEX &&
				death_event->kind == IPCX_LOCK_EVENT &&
				death_event->region == region);
}

/* A new, unmapped lock of @kind at @offset; NULL without memory. */
static struct ipcx_lock *ipcx_lock_alloc(struct ipcx_region *region,
					 u64 offset, u32 kind,
					 struct ipcx_lock *death_event)
{
	struct ipcx_lock *l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);

	if (!l)
		return NULL;
	l->offset = offset;
	l->region = region;
	l->kind = kind;
	l->death_event = death_event;
	spin_lock_init(&l->lock);
	INIT_LIST_HEAD(&l->waiters);
	INIT_LIST_HEAD(&l->undos);
	init_waitqueue_head(&l->pollq);
	return l;
}

/* May @region's table take one more lock? 0 or why not. */
static int ipcx_lock_may_add(struct ipcx_region *region)
{
	lockdep_assert_held(&ipcx_lock_regions_mutex);
	if (region->hugetlb)	/* its pages are not shmem's (map_block) */
		return -EOPNOTSUPP;
	if (ipcx_lock_write_sealed(region))	/* declaring writes the block */
		return -EPERM;
	if (region->locks.revoked)
		return -EIDRM;
	if (region->locks.nr >= READ_ONCE(max_locks_per_region))
		return -ENOSPC;
	return 0;
}

/**
 * ipcx_lock_declare() - declare a lock block of @kind at @offset
 * @region: the caller's region (a reference is held by the caller)
 * @offset: byte offset, IPCX_LOCK_ALIGN-aligned, block inside the region
 * @kind: enum ipcx_lock_kind
 * @value: a semaphore's initial count (0 for other kinds)
 * @death_event: a mutex's death event (an event of @region), or NULL
 *
 * Return: the lock (same kind declared again: the existing one, unless
 * @death_event differs from its own: -EEXIST),
 * ERR_PTR(-EINVAL / -EEXIST / -EPERM (a new block after IPCX_SEAL_WRITE) /
 * -ENOSPC / -ENOMEM / -EIDRM). ENOSPC: max_locks_per_region, or the
 * declarer's max_user_locks or RLIMIT_MEMLOCK.
 */
struct ipcx_lock *ipcx_lock_declare(struct ipcx_region *region, u64 offset,
				    u32 kind, u32 value, struct ipcx_lock *death_event)
{
	struct ipcx_region_locks *tab = &region->locks;
	struct ipcx_lock_cost cost;
	struct ipcx_lock *l;
	int ret;

	if (!ipcx_lock_args_valid(region, offset, kind, value, death_event))
		return ERR_PTR(-EINVAL);

	mutex_lock(&region->resize_lock);	/* the size stays while we pin */
	mutex_lock(&ipcx_lock_regions_mutex);
	l = ERR_PTR(-EINVAL);
	if (offset >= ipcx_region_size(region) ||
	    ipcx_region_size(region) - offset < sizeof(struct ipcx_lock_block))
		goto out_unlock;
	l = xa_load(&tab->xa, offset / IPCX_LOCK_ALIGN);
	if (l) {
		if (l->kind != kind ||
		    (death_event && l->death_event != death_event))
			l = ERR_PTR(-EEXIST);
		goto out_unlock;
	}
	/* the declarer pays: max_user_locks, RLIMIT_MEMLOCK (limits.c) */
	ret = ipcx_lock_may_add(region) ?:
	      ipcx_limits_charge_lock(region, offset, &cost);
	if (ret) {
		l = ERR_PTR(ret);
		goto out_unlock;
	}

	ret = -ENOMEM;
	l = ipcx_lock_alloc(region, offset, kind, death_event);
	if (!l)
		goto out_uncharge;
	ret = ipcx_lock_map_block(l, region, value);
	if (ret)
		goto out_free;
	ret = xa_err(xa_store(&tab->xa, offset / IPCX_LOCK_ALIGN, l,
			      GFP_KERNEL_ACCOUNT));
	if (ret)
		goto out_free;
	if (!tab->nr++)
		list_add_tail(&tab->node, &ipcx_lock_regions);
	goto out_unlock;

out_free:
	ipcx_lock_free(l);
out_uncharge:
	ipcx_limits_uncharge_lock(region, &cost);
	l = ERR_PTR(ret);
out_unlock:
	mutex_unlock(&ipcx_lock_regions_mutex);
	mutex_unlock(&region->resize_lock);
	return l;
}

/**
 * ipcx_region_locks_beyond() - does a declared lock block end past @size?
 * @region: the region, its resize_lock held
 * @size: a new size
 */
bool ipcx_region_locks_beyond(struct ipcx_region *region, u64 size)
{
	struct ipcx_lock *l;
	unsigned long idx;
	bool beyond = false;

	lockdep_assert_held(&region->resize_lock);
	mutex_lock(&ipcx_lock_regions_mutex);
	xa_for_each(&region->locks.xa, idx, l)
		if (l->offset + sizeof(struct ipcx_lock_block) > size)
			beyond = true;
	mutex_unlock(&ipcx_lock_regions_mutex);
	return beyond;
}

/**
 * ipcx_lock_find() - the lock declared at @offset
 * @region: the caller's region (a reference is held by the caller)
 * @offset: as user space passed it (untrusted)
 * @kind: the kind the operation needs, 0 for any
 *
 * Return: the lock, ERR_PTR(-ENOENT) when none is declared there,
 * ERR_PTR(-EINVAL) for a misaligned offset or another kind.
 */
struct ipcx_lock *ipcx_lock_find(struct ipcx_region *region, u64 offset,
				 u32 kind)
{
	struct ipcx_lock *l;

	if (!IS_ALIGNED(offset, IPCX_LOCK_ALIGN))
		return ERR_PTR(-EINVAL);
	if (offset >= ipcx_region_size(region))
		return ERR_PTR(-ENOENT);
	l = xa_load(&region->locks.xa, offset / IPCX_LOCK_ALIGN);
	if (!l)
		return ERR_PTR(-ENOENT);
	if (kind && l->kind != kind)
		return ERR_PTR(-EINVAL);
	return l;
}

/**
 * ipcx_lock_waiters_bit() - the waiters bit of @l's kind, if it must be set
 * @l: the lock, its ->lock held
 *
 * The bit stays set while anybody sleeps on the lock or a lock fd watches
 * it, so that releases and signals pass through the kernel.
 */
u32 ipcx_lock_waiters_bit(const struct ipcx_lock *l)
{
	lockdep_assert_held(&l->lock);
	if (!l->nr_waiters && !l->pollers)
		return 0;
	return l->kind == IPCX_LOCK_EVENT ? IPCX_EVENTW_WAITERS :
					    IPCX_LOCKW_WAITERS;
}

/**
 * ipcx_waiter_grant() - end @w's wait with @result and wake it
 * @l: the lock, its ->lock held
 * @w: a waiter queued on @l
 * @result: what its wait returns
 *
 * The waiter re-takes l->lock before it looks at @w, so @w (on its stack)
 * stays valid until we drop the lock.
 */
void ipcx_waiter_grant(struct ipcx_lock *l, struct ipcx_waiter *w, int result)
{
	lockdep_assert_held(&l->lock);
	list_del_init(&w->node);
	l->nr_waiters--;
	w->result = result;
	w->granted = true;
	wake_up_process(w->task);
}

/**
 * ipcx_lock_sleep() - queue @w on @l and sleep until woken, timed out or
 * signalled
 * @l: the lock, its ->lock held (dropped while asleep, held on return)
 * @w: the caller's waiter
 * @head: queue at the head (a waiter that was robbed keeps its place)
 * @deadline: absolute time or NULL
 * @clock: @deadline's clock
 *
 * Return: 0 when granted (then w->result holds the outcome) or woken without
 * a grant, -ETIMEDOUT, or -ERESTARTSYS on a signal.
 */
int ipcx_lock_sleep(struct ipcx_lock *l, struct ipcx_waiter *w, bool head,
		    ktime_t *deadline, clockid_t clock)
	__must_hold(&l->lock)
{
	int ret = 0;

	lockdep_assert_held(&l->lock);
	w->task = current;
	w->granted = false;
	if (!w->since_ns)
		w->since_ns = ktime_get_ns();
	if (head)
		list_add(&w->node, &l->waiters);
	else
		list_add_tail(&w->node, &l->waiters);
	l->nr_waiters++;
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(&l->lock);

	if (deadline) {
		if (!schedule_hrtimeout_range_clock(deadline, 0,
						    HRTIMER_MODE_ABS, clock))
			ret = -ETIMEDOUT;
	} else {
		schedule();
	}

	spin_lock(&l->lock);
	__set_current_state(TASK_RUNNING);
	if (w->granted)
		return 0;
	list_del_init(&w->node);
	l->nr_waiters--;
	if (signal_pending(current))
		return -ERESTARTSYS;
	return ret;
}

/*
 * Looks at a word per call before backing off, and the longest back-off.
 * The documented user-space CASes only happen on a word without flag bits,
 * and every kernel loop sets one (WAITERS, DIED) or acts on a word that has
 * one, so honest traffic makes a kernel CAS fail once or twice in a row;
 * IPCX_LOCK_LOOKS in a row is a scribbler.
 */
#define IPCX_LOCK_BACKOFF_MAX_US	1000

static ktime_t ipcx_lock_now(clockid_t clock)
{
	return clock == CLOCK_REALTIME ? ktime_get_real() : ktime_get();
}

/**
 * ipcx_lock_relax() - a loop over a lock word goes round once more
 * @l: the lock, its ->lock held (dropped and re-taken when backing off)
 * @looks: the caller's count of rounds in this call, 0 at its start
 * @deadline: absolute time or NULL
 * @clock: @deadline's clock
 *
 * User space may change a lock word at any moment, so a loop that looks
 * again after a failed CAS (or after a bit it set was cleared) could go
 * round for ever with l->lock held. Every IPCX_LOCK_LOOKS rounds the caller
 * backs off instead: l->lock is dropped, the task sleeps (interruptibly,
 * 50 us doubling up to IPCX_LOCK_BACKOFF_MAX_US, never past @deadline), and
 * the call ends on a signal or at the deadline. A scribbler thus costs its
 * victims a little latency, almost no CPU, and cannot keep them past a
 * signal or a deadline.
 *
 * Return: 0 to look again, -ERESTARTSYS or -ETIMEDOUT.
 */
int ipcx_lock_relax(struct ipcx_lock *l, unsigned int *looks,
		    ktime_t *deadline, clockid_t clock)
	__must_hold(&l->lock)
{
	unsigned int backoffs;
	ktime_t until;

	lockdep_assert_held(&l->lock);
	if (++*looks % IPCX_LOCK_LOOKS)
		return 0;
	backoffs = min(*looks / IPCX_LOCK_LOOKS, 6U);
	until = ktime_add_us(ipcx_lock_now(clock),
			     min(50U << (backoffs - 1), IPCX_LOCK_BACKOFF_MAX_US));
	if (deadline && ktime_after(until, *deadline))
		until = *deadline;
	spin_unlock(&l->lock);
	set_current_state(TASK_INTERRUPTIBLE);
	schedule_hrtimeout_range_clock(&until, 20 * NSEC_PER_USEC,
				       HRTIMER_MODE_ABS, clock);
	spin_lock(&l->lock);
	if (signal_pending(current))
		return -ERESTARTSYS;
	if (deadline && !ktime_before(ipcx_lock_now(clock), *deadline))
		return -ETIMEDOUT;
	return 0;
}

/**
 * ipcx_lock_account() - count an acquisition through the kernel
 * @l: the lock, its ->lock held
 * @start: ktime_get_ns() when the acquisition began
 * @slept: whether it had to sleep
 */
void ipcx_lock_account(struct ipcx_lock *l, u64 start, bool slept)
{
	u64 waited = ktime_get_ns() - start;

	lockdep_assert_held(&l->lock);
	l->acquisitions++;
	if (!slept)
		return;
	l->contended++;
	l->wait_ns_total += waited;
	l->wait_ns_max = max(l->wait_ns_max, waited);
}

/**
 * ipcx_region_owner_died() - release every lock word of @region that names
 * @owner, and apply its semaphore undos there
 * @region: a region the dead owner's address space may have named (a
 *          reference is held by the caller)
 * @owner: the dead owner
 *
 * Death work (process context). Takes no global lock: the lock table is
 * read under RCU (xa_for_each) and a region's locks are freed only with the
 * region, so each lock is safe to use; ipcx_lock.lock is taken per lock, and
 * the HOLDER_DIED notifications go out after it is dropped. Yields between
 * locks, so a large table delays nobody but the dying owner's user.
 */
void ipcx_region_owner_died(struct ipcx_region *region, struct ipcx_owner *owner)
{
	struct ipcx_lock *l;
	unsigned long idx;

	lockdep_assert_not_held(&ipcx_lock_regions_mutex);
	xa_for_each(&region->locks.xa, idx, l) {
		if (l->kind == IPCX_LOCK_MUTEX)
			ipcx_mutex_owner_died(l, owner);
		else if (l->kind == IPCX_LOCK_SEM)
			ipcx_sem_owner_died(l, owner);
		else if (l->kind == IPCX_LOCK_RWLOCK)
			ipcx_rwlock_owner_died(l, owner);
		cond_resched();
	}
}

/**
 * ipcx_region_revoke_locks() - the region is being destroyed: every waiter
 * wakes with -EIDRM and every later operation fails with it
 * @region: the region
 */
void ipcx_region_revoke_locks(struct ipcx_region *region)
{
	struct ipcx_region_locks *tab = &region->locks;
	struct ipcx_waiter *w, *tmp;
	struct ipcx_lock *l;
	unsigned long idx;

	mutex_lock(&ipcx_lock_regions_mutex);
	tab->revoked = true;
	xa_for_each(&tab->xa, idx, l) {
		spin_lock(&l->lock);
		l->revoked = true;
		list_for_each_entry_safe(w, tmp, &l->waiters, node)
			ipcx_waiter_grant(l, w, -EIDRM);
		spin_unlock(&l->lock);
		wake_up_all(&l->pollq);
	}
	mutex_unlock(&ipcx_lock_regions_mutex);
}

/**
 * ipcx_region_teardown_locks() - free the lock table of a region being freed
 * @region: the region; nobody can reach it any more
 */
void ipcx_region_teardown_locks(struct ipcx_region *region)
{
	struct ipcx_region_locks *tab = &region->locks;
	struct ipcx_lock *l;
	unsigned long idx;

	mutex_lock(&ipcx_lock_regions_mutex);
	if (tab->nr)
		list_del(&tab->node);
	mutex_unlock(&ipcx_lock_regions_mutex);

	xa_for_each(&tab->xa, idx, l) {
		WARN_ON_ONCE(!list_empty(&l->waiters));
		ipcx_lock_free(l);
	}
	xa_destroy(&tab->xa);
}

/* For IPCX_NL_CMD_STATS_GET: the locks declared in every region. */
void ipcx_locks_stats(struct ipcx_stats *st)
{
	struct ipcx_region_locks *tab;

	st->max_locks_per_region = READ_ONCE(max_locks_per_region);
	st->locks = 0;
	mutex_lock(&ipcx_lock_regions_mutex);
	list_for_each_entry(tab, &ipcx_lock_regions, node)
		st->locks += tab->nr;
	mutex_unlock(&ipcx_lock_regions_mutex);
}

void ipcx_region_init_locks(struct ipcx_region *region)
{
	xa_init(&region->locks.xa);
	INIT_LIST_HEAD(&region->locks.node);
	region->locks.nr = 0;
	region->locks.revoked = false;
}
