// SPDX-License-Identifier: GPL-2.0
/*
 * The acquisition skeleton: one loop that every lock kind runs
 * (ipcx_lock_acquire()), with each kind's own steps in a struct
 * ipcx_lock_ops (mutex.c, sem.c, rwlock.c, event.c). The steps, their
 * order and the ordering argument behind publishing WAITERS before
 * sleeping are in the essay at the top of core.c; the primitives the loop
 * is made of (ipcx_lock_relax(), ipcx_lock_sleep(), ipcx_lock_account())
 * are there too, shared with the release paths.
 *
 * Locking: ipcx_lock_acquire() takes ipcx_lock.lock itself and drops it
 * before it returns; every step runs with it held (a step that drops it,
 * the mutex's spin, takes it again before returning). The notification of
 * a holder found dead is sent after it is dropped: it may sleep.
 */
#include <linux/ktime.h>

#include "lock.h"

/**
 * ipcx_acquire_publish() - the @publish step of a kind whose sleepers wait
 * for the word itself (mutex, semaphore, event)
 * @a: the acquisition; a->w is the word @try saw
 *
 * Sets the kind's WAITERS bit with a CAS from the word @try looked at, so a
 * release that came after that look makes the CAS fail and the caller look
 * again instead of sleeping (the ordering argument at the top of core.c).
 *
 * Return: 0 to sleep, IPCX_TRY_AGAIN to look again.
 */
int ipcx_acquire_publish(struct ipcx_acquire *a)
{
	struct ipcx_lock *l = a->l;
	u32 bit = l->kind == IPCX_LOCK_EVENT ? IPCX_EVENTW_WAITERS :
					       IPCX_LOCKW_WAITERS;

	lockdep_assert_held(&l->lock);
	if (!(a->w & bit) && cmpxchg(l->word, a->w, a->w | bit) != a->w)
		return IPCX_TRY_AGAIN;
	return 0;
}

/*
 * BEFORE SLEEP: the one place where every acquisition is about to sleep on
 * a holder (after the kind published WAITERS, before the waiter is queued),
 * with l->lock held; a->w is the word that made it wait. A non-zero return
 * ends the acquisition with that error (the kind's @done step still runs),
 * instead of sleeping.
 */
static int ipcx_acquire_before_sleep(struct ipcx_acquire *a)
{
	lockdep_assert_held(&a->l->lock);
	return ipcx_deadlock_enter(a->l, a->me);	/* -EDEADLK: a cycle */
}

/*
 * The loop of ipcx_lock_acquire(): look, wait, look again, until a result.
 * Every round starts with ipcx_lock_relax(), so a word that user space keeps
 * changing costs back-offs, and signals and the deadline end the call.
 */
static int ipcx_acquire_loop(struct ipcx_acquire *a)
	__must_hold(&a->l->lock)
{
	const struct ipcx_lock_ops *ops = a->ops;
	struct ipcx_lock *l = a->l;
	int ret;

	for (;;) {
		ret = ipcx_lock_relax(l, &a->looks, a->deadline, a->clock);
		if (ret)
			return ret;
		if (l->revoked)
			return -EIDRM;
		ret = ops->try(a);
		if (ret == IPCX_TRY_AGAIN)
			continue;
		if (ret != IPCX_TRY_WAIT)
			return ret;
		if (a->trylock)
			return a->busy;
		if (ops->spin && ops->spin(a))
			continue;
		if (ops->publish(a) == IPCX_TRY_AGAIN)
			continue;
		ret = ipcx_acquire_before_sleep(a);
		if (ret)
			return ret;
		a->slept = true;
		ret = ipcx_lock_sleep(l, &a->waiter, a->head, a->deadline,
				      a->clock);
		ipcx_deadlock_leave(a->me);
		if (a->waiter.granted)
			return a->waiter.result;
		if (ret)
			return ret;
		if (ops->woken)
			ops->woken(a);
	}
}

/**
 * ipcx_lock_acquire() - the acquisition skeleton every lock kind runs
 * @a: the acquisition, filled by the kind (lock, steps, owner, deadline,
 *     clock, trylock, died, waiter.owner); the rest zeroed
 *
 * Takes l->lock, runs the kind's @begin, then the loop (relax, revoked?,
 * @try, busy?, @spin, @publish, sleep, granted?, @woken); on acquisition
 * counts it (@account) and reports a dead owner to the caller; runs @done;
 * drops l->lock; then tells the monitors about a holder this call found
 * dead (the notification may sleep).
 *
 * Return: the kind's result: 0 or -EOWNERDEAD (acquired), or an error.
 */
int ipcx_lock_acquire(struct ipcx_acquire *a)
{
	const struct ipcx_lock_ops *ops = a->ops;
	struct ipcx_lock *l = a->l;
	int ret = 0;

	if (ops->account)
		a->start = ktime_get_ns();
	a->busy = ops->busy;
	spin_lock(&l->lock);
	if (ops->begin)
		ret = ops->begin(a);
	if (!ret)
		ret = ipcx_acquire_loop(a);
	if (ret == 0 || ret == -EOWNERDEAD) {
		if (ops->account)
			ipcx_lock_account(l, a->start, a->slept);
		if (ret == -EOWNERDEAD)
			ipcx_death_to_user(&l->last_death, a->died);
	}
	if (ops->done)
		ops->done(a, ret);
	spin_unlock(&l->lock);

	if (a->dead.time_ns) {	/* found before the death work: tell the monitors */
		if (l->death_event)
			ipcx_event_signal(l->death_event);
		ipcx_nl_notify_lock(IPCX_NL_CMD_HOLDER_DIED_NTF, l, &a->dead);
	}
	ipcx_death_clear(&a->dead);
	return ret;
}
