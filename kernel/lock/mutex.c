// SPDX-License-Identifier: GPL-2.0
/*
 * Robust mutexes: the kernel's side of the mutex word (layout in the uapi
 * header, ordering essay at the top of core.c).
 *
 * Acquisition in the kernel (after user space's CAS failed; the loop is
 * ipcx_lock_acquire(), the steps below are the mutex's):
 *  - free word: take it (a newcomer may steal from a woken waiter, see
 *    fairness below); a free word with DIED set is taken with -EOWNERDEAD;
 *  - holder alive: spin briefly while the holder runs on a CPU, then set
 *    WAITERS and sleep (FIFO);
 *  - holder dead (or an id nobody owns): take it over with -EOWNERDEAD.
 * Release in the kernel (user space's CAS failed because a flag is set):
 *  - DIED still set: the holder did not repair the state, so the lock
 *    becomes NOTRECOVERABLE and every waiter is told so;
 *  - a waiter robbed IPCX_MAX_STEALS times: hand the lock to it directly;
 *  - otherwise free the word and wake the oldest waiter, which competes.
 *
 * Locking: every function here takes ipcx_lock.lock itself, except
 * ipcx_mutex_owner_died(), called by the death work with no ipcx lock held
 * (it takes ipcx_lock.lock inside it).
 */
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include "lock.h"

/* Bounded adaptive spin: only while the holder is on a CPU (as the kernel's own mutexes do). */
#define IPCX_SPIN_NS	(20 * NSEC_PER_USEC)

static u32 ipcx_word_id(u32 w)
{
	return w & IPCX_OWNER_ID_MASK;
}

static bool ipcx_word_cas(struct ipcx_lock *l, u32 old, u32 new)
{
	return cmpxchg(l->word, old, new) == old;
}

/* Spin (without l->lock) while @id holds the word and runs; true if changed. */
static bool ipcx_mutex_spin(struct ipcx_lock *l, u32 w)
{
	struct ipcx_owner *owner = ipcx_owner_find(ipcx_word_id(w));
	struct task_struct *task;
	u64 end = ktime_get_ns() + IPCX_SPIN_NS;
	bool changed = false;

	if (!owner)
		return false;
	rcu_read_lock();
	task = pid_task(owner->pid, PIDTYPE_PID);
	while (task && owner_on_cpu(task) && !need_resched() &&
	       ktime_get_ns() < end) {
		if (READ_ONCE(*l->word) != w) {
			changed = true;
			break;
		}
		cpu_relax();
	}
	rcu_read_unlock();
	ipcx_owner_put(owner);
	return changed;
}

/*
 * Take the word from a holder that is gone. Returns false if the word
 * changed under us.
 */
static bool ipcx_mutex_take_from_dead(struct ipcx_lock *l, u32 w, u32 me)
{
	lockdep_assert_held(&l->lock);
	if (!ipcx_word_cas(l, w, me | IPCX_LOCKW_DIED | ipcx_lock_waiters_bit(l)))
		return false;
	ipcx_lock_death(l, ipcx_word_id(w), w & IPCX_LOCKW_DIED);
	return true;
}

/*
 * A waiter leaving without the lock may have been the one woken to compete
 * for a word that release left without WAITERS: the others must not sleep
 * on. If the word is free, wake the next one; if a newcomer holds it, make
 * sure WAITERS is set so that its release comes here.
 */
static void ipcx_mutex_wake_next_if_free(struct ipcx_lock *l)
{
	struct ipcx_waiter *first;
	u32 w;

	lockdep_assert_held(&l->lock);
	first = list_first_entry_or_null(&l->waiters, struct ipcx_waiter, node);
	if (!first)
		return;
	/* no CAS loop on user memory: set the bit, then look at what was there */
	w = READ_ONCE(*l->word);
	if (ipcx_word_id(w) && !(w & IPCX_LOCKW_WAITERS))
		w = atomic_fetch_or(IPCX_LOCKW_WAITERS, (atomic_t *)l->word);
	if (!ipcx_word_id(w))
		wake_up_process(first->task);
}

/* A mutex acquisition: the skeleton's state and the spins left. */
struct ipcx_mutex_acquire {
	struct ipcx_acquire a;
	int spins;
};

/* One look at the word: take it if free or if its holder is gone. */
static int ipcx_mutex_try(struct ipcx_acquire *a)
{
	struct ipcx_lock *l = a->l;
	u32 me = a->me->id, w = READ_ONCE(*l->word), id = ipcx_word_id(w);

	lockdep_assert_held(&l->lock);
	if (id == IPCX_OWNER_NOTRECOVERABLE)
		return -ENOTRECOVERABLE;
	if (id == 0) {
		u32 new = me | (w & IPCX_LOCKW_DIED) | ipcx_lock_waiters_bit(l);

		if (!ipcx_word_cas(l, w, new))
			return IPCX_TRY_AGAIN;
		return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
	}
	if (id == me)
		return -EDEADLK;
	if (!ipcx_owner_id_alive(id)) {
		if (!ipcx_mutex_take_from_dead(l, w, me))
			return IPCX_TRY_AGAIN;
		ipcx_death_copy(&a->dead, &l->last_death);
		return -EOWNERDEAD;
	}
	a->w = w;
	return IPCX_TRY_WAIT;
}

/* Twice per call, spin (without l->lock) while the holder runs. */
static bool ipcx_mutex_spin_step(struct ipcx_acquire *a)
	__must_hold(&a->l->lock)
{
	struct ipcx_mutex_acquire *m = container_of(a, struct ipcx_mutex_acquire, a);

	if (m->spins <= 0)
		return false;
	m->spins--;
	spin_unlock(&a->l->lock);
	ipcx_mutex_spin(a->l, a->w);
	spin_lock(&a->l->lock);
	return true;
}

/*
 * Woken to compete: if a newcomer got there first we keep our place at the
 * head and count the theft.
 */
static void ipcx_mutex_woken(struct ipcx_acquire *a)
{
	a->head = true;
	a->waiter.steals++;
}

/* -ETIMEDOUT, -ERESTARTSYS: pass on a wake-up we may have taken. */
static void ipcx_mutex_done(struct ipcx_acquire *a, int ret)
{
	if (ret == -ETIMEDOUT || ret == -ERESTARTSYS)
		ipcx_mutex_wake_next_if_free(a->l);
}

static const struct ipcx_lock_ops ipcx_mutex_ops = {
	.try = ipcx_mutex_try,
	.spin = ipcx_mutex_spin_step,
	.publish = ipcx_acquire_publish,
	.woken = ipcx_mutex_woken,
	.done = ipcx_mutex_done,
	.busy = -EBUSY,
	.account = true,
};

/**
 * ipcx_mutex_lock() - acquire a mutex for the calling thread
 * @l: the mutex
 * @me: the caller's owner
 * @trylock: fail with -EBUSY instead of sleeping
 * @deadline: absolute timeout or NULL
 * @clock: @deadline's clock
 * @died: filled when the result is -EOWNERDEAD
 *
 * Return: 0, -EOWNERDEAD (acquired; repair and mark consistent), -EDEADLK,
 * -EBUSY, -ETIMEDOUT, -ERESTARTSYS, -ENOTRECOVERABLE or -EIDRM.
 */
int ipcx_mutex_lock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		    ktime_t *deadline, clockid_t clock,
		    struct ipcx_owner_info *died)
{
	struct ipcx_mutex_acquire m = {
		.a = {
			.l = l, .ops = &ipcx_mutex_ops, .me = me,
			.deadline = deadline, .clock = clock,
			.trylock = trylock, .died = died,
			.waiter = { .owner = me->id },
		},
		.spins = 2,
	};

	return ipcx_lock_acquire(&m.a);
}

/* Wake everybody with @result (the lock became unrecoverable). */
static void ipcx_mutex_fail_all(struct ipcx_lock *l, int result)
{
	struct ipcx_waiter *w, *tmp;

	lockdep_assert_held(&l->lock);
	list_for_each_entry_safe(w, tmp, &l->waiters, node)
		ipcx_waiter_grant(l, w, result);
}

/*
 * The word is ours to give: hand it to the oldest waiter when it has been
 * robbed too often (or @flags carries DIED: a dead holder's heir), else free
 * it and wake that waiter to compete.
 */
static void ipcx_mutex_pass_on(struct ipcx_lock *l, u32 flags)
{
	struct ipcx_waiter *first;

	lockdep_assert_held(&l->lock);
	first = list_first_entry_or_null(&l->waiters, struct ipcx_waiter, node);
	if (first && (first->steals >= IPCX_MAX_STEALS || (flags & IPCX_LOCKW_DIED))) {
		list_del_init(&first->node);
		l->nr_waiters--;
		WRITE_ONCE(*l->word, first->owner | flags | ipcx_lock_waiters_bit(l));
		first->result = (flags & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
		first->granted = true;
		wake_up_process(first->task);
	} else {
		/*
		 * Free the word without WAITERS, so newcomers take it in user
		 * space, and wake the oldest waiter to compete: if it is robbed
		 * it sets WAITERS again before sleeping, so no release is
		 * missed (the other sleepers wait behind it).
		 */
		WRITE_ONCE(*l->word, flags | (l->pollers ? IPCX_LOCKW_WAITERS : 0));
		if (first)
			wake_up_process(first->task);
	}
	wake_up_all(&l->pollq);
}

/**
 * ipcx_mutex_unlock() - release a mutex held by the caller
 * @l: the mutex
 * @me: the caller's owner
 *
 * Return: 0, or -EPERM when the caller does not hold it, -EIDRM.
 */
int ipcx_mutex_unlock(struct ipcx_lock *l, struct ipcx_owner *me)
{
	int ret = 0;
	bool dead = false;
	u32 w;

	spin_lock(&l->lock);
	w = READ_ONCE(*l->word);
	if (l->revoked) {
		ret = -EIDRM;
	} else if (ipcx_word_id(w) != me->id) {
		ret = -EPERM;
	} else if (w & IPCX_LOCKW_DIED) {
		/* Released without IPCX_IOC_MUTEX_CONSISTENT: unrecoverable. */
		WRITE_ONCE(*l->word, IPCX_OWNER_NOTRECOVERABLE);
		ipcx_mutex_fail_all(l, -ENOTRECOVERABLE);
		wake_up_all(&l->pollq);
		dead = true;
	} else {
		ipcx_mutex_pass_on(l, 0);
	}
	spin_unlock(&l->lock);
	if (dead)	/* may sleep: after l->lock */
		ipcx_nl_notify_owner(IPCX_NL_CMD_LOCK_DEAD_NTF, l, me);
	return ret;
}

/**
 * ipcx_mutex_consistent() - the holder repaired the state after EOWNERDEAD
 * @l: the mutex
 * @me: the caller's owner
 *
 * Return: 0, -EPERM (caller does not hold it), -EINVAL (not after a death),
 * -ERESTARTSYS (a scribbled word kept changing, and a signal came).
 */
int ipcx_mutex_consistent(struct ipcx_lock *l, struct ipcx_owner *me)
{
	unsigned int looks = 0;
	int ret = 0;
	u32 w;

	spin_lock(&l->lock);
	for (;;) {
		ret = ipcx_lock_relax(l, &looks, NULL, 0);
		if (ret)
			break;
		w = READ_ONCE(*l->word);
		if (ipcx_word_id(w) != me->id) {
			ret = -EPERM;
			break;
		}
		if (!(w & IPCX_LOCKW_DIED)) {
			ret = -EINVAL;
			break;
		}
		if (ipcx_word_cas(l, w, w & ~IPCX_LOCKW_DIED))
			break;
	}
	spin_unlock(&l->lock);
	return ret;
}

/**
 * ipcx_mutex_owner_died() - release @l if @owner (now dead) holds it
 * @l: a mutex
 * @owner: the dead owner
 *
 * The oldest waiter, if any, inherits the lock with -EOWNERDEAD; otherwise
 * the word is left free with DIED set for the next acquirer.
 */
void ipcx_mutex_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner)
{
	bool died = false;
	u32 w;

	spin_lock(&l->lock);
	w = READ_ONCE(*l->word);
	if (ipcx_word_id(w) == owner->id && !l->revoked) {
		ipcx_lock_death(l, owner->id, w & IPCX_LOCKW_DIED);
		ipcx_mutex_pass_on(l, IPCX_LOCKW_DIED);
		died = true;
	}
	spin_unlock(&l->lock);
	if (!died)
		return;
	if (l->death_event)
		ipcx_event_signal(l->death_event);
	/* may sleep: after l->lock */
	ipcx_nl_notify_owner(IPCX_NL_CMD_HOLDER_DIED_NTF, l, owner);
}

/* For poll: could a trylock succeed now (free, or the holder is gone)? */
bool ipcx_mutex_takeable(struct ipcx_lock *l)
{
	u32 id = ipcx_word_id(READ_ONCE(*l->word));

	if (id == IPCX_OWNER_NOTRECOVERABLE)
		return true;	/* readable: the caller learns the state at once */
	return id == 0 || !ipcx_owner_id_alive(id);
}
