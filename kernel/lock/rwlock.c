// SPDX-License-Identifier: GPL-2.0
/*
 * Robust reader-writer locks (layout in the uapi header): the word names
 * the writer, the block's slots name the readers, so a dead reader is
 * found and released just like a dead writer, and no reader count can
 * leak.
 *
 * Ordering. A reader stores its slot, then reads the word; a writer CASes
 * the word, then reads the slots. Both are full barriers, so at least one
 * side sees the other: a reader that sees a writer backs off; a writer
 * that sees a reader waits in the kernel for the slots to drain. The writer
 * sets WAITERS (under ipcx_lock.lock) before it re-reads the slots and
 * sleeps; a reader leaving clears its slot, then reads WAITERS and, if set,
 * calls RW_UNLOCK, which wakes everybody. Every sleeper re-examines the
 * whole state when it wakes (there is no hand-over for rwlocks).
 *
 * Slots are user memory: a slot naming no live owner is cleared by the
 * kernel whenever it looks (a reader that died, or a scribble).
 *
 * Locking: every function takes ipcx_lock.lock itself, except
 * ipcx_rwlock_owner_died() (called by the death work with no ipcx lock held).
 */
#include <linux/ktime.h>

#include "lock.h"

#define IPCX_RWW_FLAGS	(IPCX_RWW_WRITER | IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)
#define IPCX_RWW_NOTRECOVERABLE	(IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)

static u32 *ipcx_rw_slots(struct ipcx_lock *l)
{
	return ((struct ipcx_lock_block *)l->word)->slots;
}

static void ipcx_rw_wake_all(struct ipcx_lock *l)
{
	struct ipcx_waiter *w;

	list_for_each_entry(w, &l->waiters, node)
		wake_up_process(w->task);
	wake_up_all(&l->pollq);
}

/* Clear slots naming dead owners; return how many live readers remain. */
static unsigned int ipcx_rw_live_readers(struct ipcx_lock *l, u32 me)
{
	u32 *slots = ipcx_rw_slots(l);
	unsigned int i, live = 0;

	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		u32 id = READ_ONCE(slots[i]);

		if (!id || id == me)
			continue;
		if (id <= IPCX_RWW_ID_MASK && ipcx_owner_id_alive(id))
			live++;
		else
			cmpxchg(&slots[i], id, 0);
	}
	return live;
}

/*
 * Sleep only once WAITERS was set before the caller last looked: a writer
 * waits for the slots, which are not in the word, so it must publish
 * WAITERS and then look at the slots again, or a reader leaving between
 * its look and the publication would not know to wake it. *@published
 * remembers our own publication: the next call sleeps even if the bit has
 * gone meanwhile (only a scribbler clears it while we wait, and then costs
 * us our wake-up, never a spin with l->lock held).
 */
static int ipcx_rw_sleep(struct ipcx_lock *l, struct ipcx_waiter *waiter,
			 bool *published, ktime_t *deadline, clockid_t clock)
{
	if (!*published && !(READ_ONCE(*l->word) & IPCX_LOCKW_WAITERS)) {
		atomic_or(IPCX_LOCKW_WAITERS, (atomic_t *)l->word);
		*published = true;
		return 0;	/* look again, with WAITERS published */
	}
	*published = false;
	return ipcx_lock_sleep(l, waiter, false, deadline, clock);
}

/* Clear WAITERS when nobody sleeps and no lock fd watches. */
static void ipcx_rw_settle(struct ipcx_lock *l)
{
	lockdep_assert_held(&l->lock);
	if (!ipcx_lock_waiters_bit(l))
		atomic_andnot(IPCX_LOCKW_WAITERS, (atomic_t *)l->word);
}

static bool ipcx_rw_notrecoverable(u32 w)
{
	return (w & ~(IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)) == IPCX_RWW_NOTRECOVERABLE;
}

static bool ipcx_rw_reads(struct ipcx_lock *l, u32 me)
{
	u32 *slots = ipcx_rw_slots(l);
	unsigned int i;

	for (i = 0; i < IPCX_RW_SLOTS; i++)
		if (READ_ONCE(slots[i]) == me)
			return true;
	return false;
}

/*
 * The writer named in @w is gone: free the word, keep DIED.
 * @dead (when not NULL) gets the death, for the caller to notify after
 * dropping l->lock.
 */
static void ipcx_rw_writer_died(struct ipcx_lock *l, u32 w,
				struct ipcx_death *dead)
{
	lockdep_assert_held(&l->lock);
	if (cmpxchg(l->word, w, IPCX_LOCKW_DIED | ipcx_lock_waiters_bit(l)) != w)
		return;
	ipcx_lock_death(l, w & IPCX_RWW_ID_MASK, w & IPCX_LOCKW_DIED);
	if (dead)
		ipcx_death_copy(dead, &l->last_death);
	ipcx_rw_wake_all(l);
}

/*
 * A writer found dead by an acquirer (not the death work): tell the
 * monitors, then drop the copy's pid references (ipcx_death_copy()).
 */
static void ipcx_rw_notify_death(struct ipcx_lock *l, struct ipcx_death *dead)
{
	if (dead->time_ns)
		ipcx_nl_notify_lock(IPCX_NL_CMD_HOLDER_DIED_NTF, l, dead);
	ipcx_death_clear(dead);
}

/*
 * One look at the word for a writer. Returns 1 to look again, 0 when the
 * caller must wait, or the final result.
 */
static int ipcx_rw_try_write(struct ipcx_lock *l, u32 me, bool *mine,
			     struct ipcx_death *dead)
{
	u32 w = READ_ONCE(*l->word), id = w & IPCX_RWW_ID_MASK;

	lockdep_assert_held(&l->lock);
	if (l->revoked)
		return -EIDRM;
	if (ipcx_rw_notrecoverable(w))
		return -ENOTRECOVERABLE;
	if (!(w & IPCX_RWW_WRITER)) {
		u32 new = IPCX_RWW_WRITER | me | (w & (IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS));

		if (cmpxchg(l->word, w, new) == w)
			*mine = true;
		return 1;
	}
	if (id != me) {
		if (ipcx_owner_id_alive(id))
			return 0;
		ipcx_rw_writer_died(l, w, dead);
		return 1;
	}
	/* Ours (set here or by user space before it asked us to wait). */
	*mine = true;
	if (ipcx_rw_reads(l, me))
		return -EDEADLK;
	if (ipcx_rw_live_readers(l, me))
		return 0;
	return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : -EALREADY;
}

/**
 * ipcx_rwlock_wrlock() - take a reader-writer lock for writing
 * @l: the lock
 * @me: the caller
 * @trylock: -EBUSY instead of sleeping
 * @deadline: absolute timeout or NULL
 * @clock: its clock
 * @died: filled on -EOWNERDEAD
 *
 * A word that already names the caller as writer means user space took it
 * and asks to wait until the readers have left.
 *
 * Return: 0, -EOWNERDEAD, -EBUSY, -EDEADLK (the caller reads it),
 * -ETIMEDOUT, -ERESTARTSYS, -ENOTRECOVERABLE, -EIDRM.
 */
int ipcx_rwlock_wrlock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		       ktime_t *deadline, clockid_t clock,
		       struct ipcx_owner_info *died)
{
	struct ipcx_waiter waiter = { .owner = me->id };
	struct ipcx_death dead = { 0 };
	u64 start = ktime_get_ns();
	bool mine = false, slept = false, published = false;
	unsigned int looks = 0;
	int ret;
	u32 w;

	spin_lock(&l->lock);
	for (;;) {
		ret = ipcx_lock_relax(l, &looks, deadline, clock);
		if (ret)
			break;
		if (ipcx_lock_relaxed(looks))	/* a settle may have cleared it */
			published = false;
		ret = ipcx_rw_try_write(l, me->id, &mine, &dead);
		if (ret == 1)
			continue;
		if (ret)
			break;
		ret = -EBUSY;
		if (trylock)
			break;
		slept = true;
		ret = ipcx_rw_sleep(l, &waiter, &published, deadline, clock);
		if (ret)
			break;
	}
	if (ret == -EALREADY || ret == -EOWNERDEAD) {
		ret = ret == -EALREADY ? 0 : ret;
		ipcx_lock_account(l, start, slept);
		if (ret)
			ipcx_death_to_user(&l->last_death, died);
	} else if (mine) {
		/* failed after taking the word: give it back, wake the others */
		w = READ_ONCE(*l->word);
		if ((w & IPCX_RWW_WRITER) && (w & IPCX_RWW_ID_MASK) == me->id)
			WRITE_ONCE(*l->word, (w & IPCX_LOCKW_DIED) | ipcx_lock_waiters_bit(l));
		ipcx_rw_wake_all(l);
	}
	ipcx_rw_settle(l);
	spin_unlock(&l->lock);
	ipcx_rw_notify_death(l, &dead);	/* may sleep: after l->lock */
	return ret;
}

/* Claim a free reader slot for @me; false when all are taken. */
static bool ipcx_rw_claim_slot(struct ipcx_lock *l, u32 me, unsigned int *slot)
{
	u32 *slots = ipcx_rw_slots(l);
	unsigned int i, pass;

	lockdep_assert_held(&l->lock);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < IPCX_RW_SLOTS; i++) {
			if (!READ_ONCE(slots[i]) && !cmpxchg(&slots[i], 0, me)) {
				*slot = i;
				return true;
			}
		}
		ipcx_rw_live_readers(l, 0);	/* free the slots of the dead */
	}
	return false;
}

/*
 * One look for a reader. Returns 1 to look again, 0 to wait, -EAGAIN when
 * no slot is free, or the final result.
 */
static int ipcx_rw_try_read(struct ipcx_lock *l, u32 me,
			    struct ipcx_death *dead)
{
	u32 w = READ_ONCE(*l->word), id = w & IPCX_RWW_ID_MASK;
	unsigned int slot;

	lockdep_assert_held(&l->lock);
	if (l->revoked)
		return -EIDRM;
	if (ipcx_rw_notrecoverable(w))
		return -ENOTRECOVERABLE;
	if (w & IPCX_RWW_WRITER) {
		if (id == me)
			return -EDEADLK;
		if (ipcx_owner_id_alive(id))
			return 0;
		ipcx_rw_writer_died(l, w, dead);
		return 1;
	}
	if (!ipcx_rw_claim_slot(l, me, &slot))
		return -EAGAIN;
	/* A writer may have come between our look and our claim. */
	w = READ_ONCE(*l->word);
	if (w & IPCX_RWW_WRITER) {
		cmpxchg(&ipcx_rw_slots(l)[slot], me, 0);
		ipcx_rw_wake_all(l);
		return 1;
	}
	return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : -EALREADY;
}

/**
 * ipcx_rwlock_rdlock() - take a reader-writer lock for reading
 * @l: the lock
 * @me: the caller
 * @trylock: -EBUSY (writer) or -EAGAIN (no free slot) instead of sleeping
 * @deadline: absolute timeout or NULL
 * @clock: its clock
 * @died: filled on -EOWNERDEAD
 *
 * Return: 0, -EOWNERDEAD (acquired; a writer died and nobody repaired),
 * -EBUSY, -EAGAIN, -EDEADLK, -ETIMEDOUT, -ERESTARTSYS, -ENOTRECOVERABLE,
 * -EIDRM.
 */
int ipcx_rwlock_rdlock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		       ktime_t *deadline, clockid_t clock,
		       struct ipcx_owner_info *died)
{
	struct ipcx_waiter waiter = { .owner = me->id };
	struct ipcx_death dead = { 0 };
	u64 start = ktime_get_ns();
	bool slept = false, published = false;
	unsigned int looks = 0;
	int ret;

	spin_lock(&l->lock);
	for (;;) {
		ret = ipcx_lock_relax(l, &looks, deadline, clock);
		if (ret)
			break;
		if (ipcx_lock_relaxed(looks))	/* a settle may have cleared it */
			published = false;
		ret = ipcx_rw_try_read(l, me->id, &dead);
		if (ret == 1)
			continue;
		if (ret && ret != -EAGAIN)
			break;
		if (trylock) {
			ret = ret ?: -EBUSY;
			break;
		}
		slept = true;
		ret = ipcx_rw_sleep(l, &waiter, &published, deadline, clock);
		if (ret)
			break;
	}
	if (ret == -EALREADY || ret == -EOWNERDEAD) {
		ret = ret == -EALREADY ? 0 : ret;
		ipcx_lock_account(l, start, slept);
		if (ret)
			ipcx_death_to_user(&l->last_death, died);
	}
	ipcx_rw_settle(l);
	spin_unlock(&l->lock);
	ipcx_rw_notify_death(l, &dead);	/* may sleep: after l->lock */
	return ret;
}

/**
 * ipcx_rwlock_unlock() - release the caller's write hold, or wake sleepers
 * after user space released a read hold
 * @l: the lock
 * @me: the caller
 *
 * Return: 0, -EIDRM.
 */
int ipcx_rwlock_unlock(struct ipcx_lock *l, struct ipcx_owner *me)
{
	bool dead = false;
	int ret = 0;
	u32 w;

	spin_lock(&l->lock);
	w = READ_ONCE(*l->word);
	if (l->revoked) {
		ret = -EIDRM;
	} else if ((w & IPCX_RWW_WRITER) && (w & IPCX_RWW_ID_MASK) == me->id) {
		dead = w & IPCX_LOCKW_DIED;
		if (dead)	/* not repaired: unrecoverable */
			WRITE_ONCE(*l->word, IPCX_RWW_NOTRECOVERABLE | IPCX_LOCKW_DIED);
		else
			WRITE_ONCE(*l->word, ipcx_lock_waiters_bit(l));
	} else {
		/* a reader: release its slot if user space has not */
		u32 *slots = ipcx_rw_slots(l);
		unsigned int i;

		for (i = 0; i < IPCX_RW_SLOTS; i++)
			if (cmpxchg(&slots[i], me->id, 0) == me->id)
				break;
	}
	ipcx_rw_wake_all(l);
	ipcx_rw_settle(l);
	spin_unlock(&l->lock);
	if (dead)	/* may sleep: after l->lock */
		ipcx_nl_notify_owner(IPCX_NL_CMD_LOCK_DEAD_NTF, l, me);
	return ret;
}

/**
 * ipcx_rwlock_consistent() - the writer repaired the state after EOWNERDEAD
 * @l: the lock
 * @me: the caller
 *
 * Return: 0, -EPERM (not the writer), -EINVAL (nothing to repair),
 * -ERESTARTSYS (a scribbled word kept changing, and a signal came).
 */
int ipcx_rwlock_consistent(struct ipcx_lock *l, struct ipcx_owner *me)
{
	unsigned int looks = 0;
	int ret;
	u32 w;

	spin_lock(&l->lock);
	do {
		ret = ipcx_lock_relax(l, &looks, NULL, 0);
		if (ret)
			break;
		w = READ_ONCE(*l->word);
		ret = !(w & IPCX_RWW_WRITER) || (w & IPCX_RWW_ID_MASK) != me->id ?
		      -EPERM : !(w & IPCX_LOCKW_DIED) ? -EINVAL : 0;
	} while (!ret && cmpxchg(l->word, w, w & ~IPCX_LOCKW_DIED) != w);
	spin_unlock(&l->lock);
	return ret;
}

/**
 * ipcx_rwlock_owner_died() - release @owner's write hold and read slots
 * @l: a reader-writer lock
 * @owner: the dead owner
 */
void ipcx_rwlock_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner)
{
	u32 *slots = ipcx_rw_slots(l);
	bool freed = false, writer = false;
	unsigned int i;
	u32 w;

	spin_lock(&l->lock);
	w = READ_ONCE(*l->word);
	if ((w & IPCX_RWW_WRITER) && (w & IPCX_RWW_ID_MASK) == owner->id &&
	    !ipcx_rw_notrecoverable(w)) {
		ipcx_rw_writer_died(l, w, NULL);	/* notified below */
		writer = true;
	}
	for (i = 0; i < IPCX_RW_SLOTS; i++)
		if (cmpxchg(&slots[i], owner->id, 0) == owner->id)
			freed = true;
	if (freed)
		ipcx_rw_wake_all(l);
	spin_unlock(&l->lock);
	if (writer || freed)	/* may sleep: after l->lock */
		ipcx_nl_notify_owner(IPCX_NL_CMD_HOLDER_DIED_NTF, l, owner);
}

/* For poll: could a read or write lock be taken now? */
bool ipcx_rwlock_takeable(struct ipcx_lock *l)
{
	u32 w = READ_ONCE(*l->word);

	return !(w & IPCX_RWW_WRITER) || ipcx_rw_notrecoverable(w) ||
	       !ipcx_owner_id_alive(w & IPCX_RWW_ID_MASK);
}
