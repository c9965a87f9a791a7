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
 * Sleepers are queued FIFO and units are granted to them directly: whoever
 * adds units under ipcx_lock.lock (a post through the kernel, a dead owner's
 * undo, a kernel wait that finds units beside sleepers) takes one unit from
 * the word for each sleeper it can serve, oldest first, and ends that
 * sleeper's wait (ipcx_sem_grant()). So no sleeper stays asleep while a
 * unit is free, however many posts come before the first woken sleeper
 * runs, and an undo that gives back N units ends N waits. (The word alone
 * cannot say who was woken for which unit; ipc/sem.c's update_queue does
 * the same.) A sleeper that took units with IPCX_LOCK_F_UNDO records its
 * adjustment itself once woken, still under the lock.
 *
 * Locking: every function takes ipcx_lock.lock itself, except
 * ipcx_sem_owner_died() (called by the death work with no ipcx lock held,
 * takes ipcx_lock.lock inside). Undo records are allocated before the spinlock.
 */
#include <linux/ktime.h>
#include <linux/slab.h>

#include "lock.h"

#define IPCX_SEM_COUNT(w)	((w) & IPCX_SEM_VALUE_MAX)
/* CAS failures in a row before a loop that cannot sleep stops trying */
#define IPCX_SEM_GRANT_TRIES	8

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

/* Would adding @delta to @owner's adjustment pass IPCX_SEM_UNDO_MAX? */
static bool ipcx_sem_undo_full(struct ipcx_lock *l, u32 owner, s32 delta)
{
	struct ipcx_sem_undo *u;

	lockdep_assert_held(&l->lock);
	list_for_each_entry(u, &l->undos, node)
		if (u->owner == owner)
			return abs(u->adj + delta) > IPCX_SEM_UNDO_MAX;
	return false;
}

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

/* The word with one unit less and the flags the kernel keeps. */
static u32 ipcx_sem_taken(struct ipcx_lock *l, u32 w)
{
	lockdep_assert_held(&l->lock);
	return (IPCX_SEM_COUNT(w) - 1) | ipcx_lock_waiters_bit(l);
}

/*
 * Serve sleepers, oldest first, from the units in the word; the first one
 * served after a death gets -EOWNERDEAD (DIED is cleared with its unit).
 * Bounded: a word that keeps changing under us (only a scribbler does that
 * to a word with WAITERS set) leaves the rest asleep until their deadline.
 */
static void ipcx_sem_grant(struct ipcx_lock *l)
{
	struct ipcx_waiter *first;
	unsigned int fails = 0;
	u32 w;

	lockdep_assert_held(&l->lock);
	while (!l->revoked && fails < IPCX_SEM_GRANT_TRIES &&
	       (first = list_first_entry_or_null(&l->waiters,
						 struct ipcx_waiter, node))) {
		w = READ_ONCE(*l->word);
		if (!IPCX_SEM_COUNT(w))
			break;
		/* taken for @first: WAITERS stays while others sleep */
		list_del_init(&first->node);
		l->nr_waiters--;
		if (cmpxchg(l->word, w, ipcx_sem_taken(l, w)) != w) {
			list_add(&first->node, &l->waiters);
			l->nr_waiters++;
			fails++;
			continue;
		}
		first->result = (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
		first->granted = true;
		wake_up_process(first->task);
	}
}

/* A semaphore acquisition: the skeleton's state and the undo to record. */
struct ipcx_sem_acquire {
	struct ipcx_acquire a;
	bool undo;
	struct ipcx_sem_undo *spare;
};

static struct ipcx_sem_acquire *ipcx_sem_acq(struct ipcx_acquire *a)
{
	return container_of(a, struct ipcx_sem_acquire, a);
}

/* With undo, the caller's adjustment must have room for one more unit. */
static int ipcx_sem_begin(struct ipcx_acquire *a)
{
	if (ipcx_sem_acq(a)->undo && ipcx_sem_undo_full(a->l, a->me->id, 1))
		return -ERANGE;
	return 0;
}

/* Units beside sleepers go to them first; then take one if any is left. */
static int ipcx_sem_try(struct ipcx_acquire *a)
{
	struct ipcx_lock *l = a->l;
	u32 w;

	ipcx_sem_grant(l);
	w = READ_ONCE(*l->word);
	if (IPCX_SEM_COUNT(w)) {
		if (cmpxchg(l->word, w, ipcx_sem_taken(l, w)) != w)
			return IPCX_TRY_AGAIN;
		return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
	}
	a->w = w;
	return IPCX_TRY_WAIT;
}

/* Woken without a unit: look again, keeping our place. */
static void ipcx_sem_woken(struct ipcx_acquire *a)
{
	a->head = true;
}

/* Record a unit taken with undo. */
static void ipcx_sem_done(struct ipcx_acquire *a, int ret)
{
	struct ipcx_sem_acquire *s = ipcx_sem_acq(a);

	lockdep_assert_held(&a->l->lock);
	if (s->undo && (ret == 0 || ret == -EOWNERDEAD))
		ipcx_sem_adjust(a->l, a->me->id, 1, &s->spare);
}

static const struct ipcx_lock_ops ipcx_sem_ops = {
	.begin = ipcx_sem_begin,
	.try = ipcx_sem_try,
	.publish = ipcx_acquire_publish,
	.woken = ipcx_sem_woken,
	.done = ipcx_sem_done,
	.busy = -EAGAIN,
	.account = true,
};

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
 * -EIDRM, -ERANGE (@undo: the caller's adjustment is at IPCX_SEM_UNDO_MAX)
 * or -ENOMEM.
 */
int ipcx_sem_wait(struct ipcx_lock *l, struct ipcx_owner *me, bool undo,
		  bool trylock, ktime_t *deadline, clockid_t clock,
		  struct ipcx_owner_info *died)
{
	struct ipcx_sem_acquire s = {
		.a = {
			.l = l, .ops = &ipcx_sem_ops, .me = me,
			.deadline = deadline, .clock = clock,
			.trylock = trylock, .died = died,
			.waiter = { .units = 1 },
		},
		.undo = undo,
	};
	int ret;

	if (undo) {
		s.spare = kzalloc(sizeof(*s.spare), GFP_KERNEL_ACCOUNT);
		if (!s.spare)
			return -ENOMEM;
	}
	ret = ipcx_lock_acquire(&s.a);
	kfree(s.spare);
	return ret;
}

/**
 * ipcx_sem_post() - give one unit: to the oldest sleeper if there is one
 * @l: the semaphore
 * @me: the caller's owner (only used with @undo)
 * @undo: record that the unit must be taken back if the caller dies
 *
 * Return: 0, -EOVERFLOW, -ERANGE (@undo: the caller's adjustment is at
 * -IPCX_SEM_UNDO_MAX), -EIDRM, -ERESTARTSYS or -ENOMEM.
 */
int ipcx_sem_post(struct ipcx_lock *l, struct ipcx_owner *me, bool undo)
{
	struct ipcx_sem_undo *spare = NULL;
	unsigned int looks = 0;
	int ret = 0;
	u32 w;

	if (undo) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		if (!spare)
			return -ENOMEM;
	}
	spin_lock(&l->lock);
	ret = -ERANGE;
	if (undo && ipcx_sem_undo_full(l, me->id, -1))
		goto out_unlock;
	for (;;) {
		ret = ipcx_lock_relax(l, &looks, NULL, 0);
		if (ret)
			break;
		w = READ_ONCE(*l->word);
		ret = l->revoked ? -EIDRM :
		      IPCX_SEM_COUNT(w) == IPCX_SEM_VALUE_MAX ? -EOVERFLOW : 0;
		if (ret || cmpxchg(l->word, w, w + 1) == w)
			break;
	}
	if (!ret) {
		if (undo)
			ipcx_sem_adjust(l, me->id, -1, &spare);
		ipcx_sem_grant(l);
		wake_up_all(&l->pollq);
	}
out_unlock:
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
	unsigned int tries;
	u32 w, count;
	bool chained;
	s64 next;

	spin_lock(&l->lock);
	list_for_each_entry(u, &l->undos, node)
		if (u->owner == owner->id)
			found = u;
	if (!found)
		goto out_unlock;
	list_del(&found->node);
	/*
	 * With DIED set, user space leaves the word to the kernel (its CASes
	 * need a word without flags), so a CAS that keeps failing is a
	 * scribbler's doing, and after a few tries the count is written
	 * regardless: the death work never loops on user memory.
	 */
	chained = atomic_fetch_or(IPCX_LOCKW_DIED, (atomic_t *)l->word) &
		  IPCX_LOCKW_DIED;
	for (tries = 0;; tries++) {
		w = READ_ONCE(*l->word);
		next = (s64)IPCX_SEM_COUNT(w) + found->adj;
		count = clamp_t(s64, next, 0, IPCX_SEM_VALUE_MAX);
		next = (w & ~IPCX_SEM_VALUE_MAX) | count | IPCX_LOCKW_DIED;
		if (tries == IPCX_SEM_GRANT_TRIES) {
			WRITE_ONCE(*l->word, next);
			break;
		}
		if (cmpxchg(l->word, w, next) == w)
			break;
	}
	ipcx_lock_death(l, owner->id, chained);
	ipcx_sem_grant(l);	/* N units given back may end N waits */
	wake_up_all(&l->pollq);
	kfree(found);
	spin_unlock(&l->lock);
	/* may sleep: after l->lock */
	ipcx_nl_notify_owner(IPCX_NL_CMD_HOLDER_DIED_NTF, l, owner);
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
