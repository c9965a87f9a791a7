// SPDX-License-Identifier: GPL-2.0
/*
 * Counting semaphores with reported undo (word layout in the uapi header).
 *
 * Plain waits and posts are a CAS in user space. Units taken or given with
 * IPCX_LOCK_F_UNDO come here, and the kernel keeps, per lock and owner, the
 * net number of units to give back (struct ipcx_sem_undo) -- SysV's
 * SEM_UNDO. When the owner dies the adjustment is applied, the DIED bit is
 * set, and the next wait through the kernel returns EOWNERDEAD with the
 * dead owner's identity: the undo is reported, not silent.
 *
 * Sleepers are queued FIFO; a post wakes the oldest, which competes for the
 * unit like a mutex waiter does (a newcomer may take it first).
 *
 * Locking: every function takes ipcx_lock.lock itself, except
 * ipcx_sem_owner_died() (called by the death work with no ipcx lock held,
 * takes ipcx_lock.lock inside). Undo records are allocated before the spinlock.
 */
#include <linux/slab.h>

#include "locks.h"

#define IPCX_SEM_COUNT(w)	((w) & IPCX_SEM_VALUE_MAX)

/**
 * struct ipcx_sem_undo - units an owner must give back if it dies
 * @node: in ipcx_lock.undos (ipcx_lock.lock)
 * @owner: the owner id
 * @adj: units to add back at death (negative: to take back)
 */
struct ipcx_sem_undo {
	struct list_head node;
	u32 owner;
	s32 adj;
};

/* Add @delta to @owner's adjustment; @spare is used if a record is needed. */
static void ipcx_sem_adjust(struct ipcx_lock *l, u32 owner, s32 delta,
			    struct ipcx_sem_undo **spare)
{
	struct ipcx_sem_undo *u;

	lockdep_assert_held(&l->lock);
	list_for_each_entry(u, &l->undos, node) {
		if (u->owner == owner) {
			u->adj += delta;
			if (!u->adj) {
				list_del(&u->node);
				kfree(u);
			}
			return;
		}
	}
	u = *spare;
	*spare = NULL;
	u->owner = owner;
	u->adj = delta;
	list_add(&u->node, &l->undos);
}

static void ipcx_sem_wake_one(struct ipcx_lock *l)
{
	struct ipcx_waiter *first;

	first = list_first_entry_or_null(&l->waiters, struct ipcx_waiter, node);
	if (first)
		wake_up_process(first->task);
	wake_up_all(&l->pollq);
}

/**
 * ipcx_sem_wait() - take one unit
 * @l: the semaphore
 * @me: the caller's owner (only used with @undo)
 * @undo: record the unit to be given back if the caller dies
 * @trylock: fail with -EAGAIN instead of sleeping
 * @deadline: absolute timeout or NULL
 * @clock: @deadline's clock
 * @died: filled when the result is -EOWNERDEAD
 *
 * Return: 0, -EOWNERDEAD (a unit was taken; a dead owner's units were given
 * back since the last wait here), -EAGAIN, -ETIMEDOUT, -ERESTARTSYS,
 * -EIDRM or -ENOMEM.
 */
int ipcx_sem_wait(struct ipcx_lock *l, struct ipcx_owner *me, bool undo,
		  bool trylock, ktime_t *deadline, clockid_t clock,
		  struct ipcx_owner_info *died)
{
	struct ipcx_sem_undo *spare = NULL;
	struct ipcx_waiter waiter = {};
	bool robbed = false;
	int ret;
	u32 w;

	if (undo) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		if (!spare)
			return -ENOMEM;
	}
	spin_lock(&l->lock);
	for (;;) {
		ret = -EIDRM;
		if (l->revoked)
			break;
		w = READ_ONCE(*l->word);
		if (IPCX_SEM_COUNT(w)) {
			if (cmpxchg(l->word, w, (IPCX_SEM_COUNT(w) - 1) |
				    ipcx_lock_waiters_bit(l)) != w)
				continue;
			ret = 0;
			if (w & IPCX_LOCKW_DIED) {
				ret = -EOWNERDEAD;
				ipcx_death_to_user(&l->last_death, died);
			}
			if (undo)
				ipcx_sem_adjust(l, me->id, 1, &spare);
			l->acquisitions++;
			break;
		}
		ret = -EAGAIN;
		if (trylock)
			break;
		if (!(w & IPCX_LOCKW_WAITERS) &&
		    cmpxchg(l->word, w, w | IPCX_LOCKW_WAITERS) != w)
			continue;
		ret = ipcx_lock_sleep(l, &waiter, robbed, deadline, clock);
		if (ret) {
			/* pass on a wake-up we may have been given */
			if (IPCX_SEM_COUNT(READ_ONCE(*l->word)))
				ipcx_sem_wake_one(l);
			break;
		}
		robbed = true;
		l->contended++;
	}
	spin_unlock(&l->lock);
	kfree(spare);
	return ret;
}

/**
 * ipcx_sem_post() - give one unit and wake the oldest sleeper
 * @l: the semaphore
 * @me: the caller's owner (only used with @undo)
 * @undo: record that the unit must be taken back if the caller dies
 *
 * Return: 0, -EOVERFLOW, -EIDRM or -ENOMEM.
 */
int ipcx_sem_post(struct ipcx_lock *l, struct ipcx_owner *me, bool undo)
{
	struct ipcx_sem_undo *spare = NULL;
	int ret = 0;
	u32 w;

	if (undo) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		if (!spare)
			return -ENOMEM;
	}
	spin_lock(&l->lock);
	do {
		w = READ_ONCE(*l->word);
		ret = l->revoked ? -EIDRM :
		      IPCX_SEM_COUNT(w) == IPCX_SEM_VALUE_MAX ? -EOVERFLOW : 0;
	} while (!ret && cmpxchg(l->word, w, w + 1) != w);
	if (!ret) {
		if (undo)
			ipcx_sem_adjust(l, me->id, -1, &spare);
		ipcx_sem_wake_one(l);
	}
	spin_unlock(&l->lock);
	kfree(spare);
	return ret;
}

/**
 * ipcx_sem_owner_died() - apply @owner's undo on @l, and report it
 * @l: a semaphore
 * @owner: the dead owner
 */
void ipcx_sem_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner)
{
	struct ipcx_sem_undo *u, *found = NULL;
	u32 w, count;
	s64 next;

	spin_lock(&l->lock);
	list_for_each_entry(u, &l->undos, node)
		if (u->owner == owner->id)
			found = u;
	if (!found)
		goto out_unlock;
	list_del(&found->node);
	do {
		w = READ_ONCE(*l->word);
		next = (s64)IPCX_SEM_COUNT(w) + found->adj;
		count = clamp_t(s64, next, 0, IPCX_SEM_VALUE_MAX);
	} while (cmpxchg(l->word, w, (w & ~IPCX_SEM_VALUE_MAX) | count |
			 IPCX_LOCKW_DIED) != w);
	ipcx_death_record(&l->last_death, l->region, owner->id);
	l->owner_deaths++;
	ipcx_sem_wake_one(l);
	kfree(found);
	spin_unlock(&l->lock);
	/* may sleep: after l->lock */
	ipcx_nl_notify_lock(IPCX_NL_CMD_HOLDER_DIED_NTF, l, owner->pid,
			    owner->tgid, owner->comm);
	return;
out_unlock:
	spin_unlock(&l->lock);
}

/* Free the undo records of a lock being freed. */
void ipcx_sem_free_undos(struct ipcx_lock *l)
{
	struct ipcx_sem_undo *u, *tmp;

	list_for_each_entry_safe(u, tmp, &l->undos, node)
		kfree(u);
	INIT_LIST_HEAD(&l->undos);
}
