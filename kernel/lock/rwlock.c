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

/* A reader-writer acquisition: the skeleton's state and the rwlock's own. */
struct ipcx_rw_acquire {
	struct ipcx_acquire a;
	bool mine;		/* writer: the word names us, give it back on failure */
	bool published;		/* see ipcx_rw_publish() */
};

static struct ipcx_rw_acquire *ipcx_rw_acq(struct ipcx_acquire *a)
{
	return container_of(a, struct ipcx_rw_acquire, a);
}

/*
 * Sleep only once WAITERS was set before the caller last looked: a writer
 * waits for the slots, which are not in the word, so it must publish
 * WAITERS and then look at the slots again, or a reader leaving between
 * its look and the publication would not know to wake it. ->published
 * remembers our own publication: the next call sleeps even if the bit has
 * gone meanwhile (only a scribbler clears it while we wait, and then costs
 * us our wake-up, never a spin with l->lock held). A back-off may have let
 * a settle clear it, so each look after one forgets it (ipcx_rw_look()).
 * Waiting for the holders counts as contended from the first publication,
 * even when they leave before we sleep.
 */
static int ipcx_rw_publish(struct ipcx_acquire *a)
{
	struct ipcx_rw_acquire *rw = ipcx_rw_acq(a);

	a->slept = true;
	if (!rw->published && !(READ_ONCE(*a->l->word) & IPCX_LOCKW_WAITERS)) {
		atomic_or(IPCX_LOCKW_WAITERS, (atomic_t *)a->l->word);
		rw->published = true;
		return IPCX_TRY_AGAIN;	/* look again, with WAITERS published */
	}
	rw->published = false;
	return 0;
}

/* Start of a look: after a back-off our publication may be gone. */
static void ipcx_rw_look(struct ipcx_acquire *a)
{
	if (ipcx_lock_relaxed(a->looks))
		ipcx_rw_acq(a)->published = false;
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
 * Either acquisition: the skeleton with the read or the write steps; @want
 * (IPCX_WAIT_READ or IPCX_WAIT_WRITE) tells IPCX_NL_CMD_WAITS_GET which.
 */
static int ipcx_rw_acquire(const struct ipcx_lock_ops *ops, u32 want,
			   struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
			   ktime_t *deadline, clockid_t clock,
			   struct ipcx_owner_info *died)
{
	struct ipcx_rw_acquire rw = {
		.a = {
			.l = l, .ops = ops, .me = me,
			.deadline = deadline, .clock = clock,
			.trylock = trylock, .died = died,
			.waiter = { .owner = me->id, .want = want },
		},
	};

	return ipcx_lock_acquire(&rw.a);
}

/* One look at the word for a writer (the skeleton's @try). */
static int ipcx_rw_try_write(struct ipcx_acquire *a)
{
	struct ipcx_lock *l = a->l;
	u32 me = a->me->id, w = READ_ONCE(*l->word), id = w & IPCX_RWW_ID_MASK;

	lockdep_assert_held(&l->lock);
	ipcx_rw_look(a);
	if (ipcx_rw_notrecoverable(w))
		return -ENOTRECOVERABLE;
	if (!(w & IPCX_RWW_WRITER)) {
		u32 new = IPCX_RWW_WRITER | me | (w & (IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS));

		if (cmpxchg(l->word, w, new) == w)
			ipcx_rw_acq(a)->mine = true;
		return IPCX_TRY_AGAIN;
	}
	if (id != me) {
		if (ipcx_owner_id_alive(id))
			return IPCX_TRY_WAIT;
		ipcx_rw_writer_died(l, w, &a->dead);
		return IPCX_TRY_AGAIN;
	}
	/* Ours (set here or by user space before it asked us to wait). */
	ipcx_rw_acq(a)->mine = true;
	if (ipcx_rw_reads(l, me))
		return -EDEADLK;
	if (ipcx_rw_live_readers(l, me))
		return IPCX_TRY_WAIT;
	return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
}

/* A writer that failed after taking the word gives it back. */
static void ipcx_rw_write_done(struct ipcx_acquire *a, int ret)
{
	struct ipcx_lock *l = a->l;
	u32 w;

	lockdep_assert_held(&l->lock);
	if (ret != 0 && ret != -EOWNERDEAD && ipcx_rw_acq(a)->mine) {
		w = READ_ONCE(*l->word);
		if ((w & IPCX_RWW_WRITER) && (w & IPCX_RWW_ID_MASK) == a->me->id)
			WRITE_ONCE(*l->word, (w & IPCX_LOCKW_DIED) | ipcx_lock_waiters_bit(l));
		ipcx_rw_wake_all(l);
	}
	ipcx_rw_settle(l);
}

static const struct ipcx_lock_ops ipcx_rw_write_ops = {
	.try = ipcx_rw_try_write,
	.publish = ipcx_rw_publish,
	.done = ipcx_rw_write_done,
	.busy = -EBUSY,
	.account = true,
};

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
	return ipcx_rw_acquire(&ipcx_rw_write_ops, IPCX_WAIT_WRITE, l, me,
			       trylock, deadline, clock, died);
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
 * One look for a reader (the skeleton's @try); no free slot is a wait too,
 * but a trylock then says -EAGAIN.
 */
static int ipcx_rw_try_read(struct ipcx_acquire *a)
{
	struct ipcx_lock *l = a->l;
	u32 me = a->me->id, w = READ_ONCE(*l->word), id = w & IPCX_RWW_ID_MASK;
	unsigned int slot;

	lockdep_assert_held(&l->lock);
	ipcx_rw_look(a);
	if (ipcx_rw_notrecoverable(w))
		return -ENOTRECOVERABLE;
	if (w & IPCX_RWW_WRITER) {
		if (id == me)
			return -EDEADLK;
		if (ipcx_owner_id_alive(id))
			return IPCX_TRY_WAIT;
		ipcx_rw_writer_died(l, w, &a->dead);
		return IPCX_TRY_AGAIN;
	}
	if (!ipcx_rw_claim_slot(l, me, &slot)) {
		a->busy = -EAGAIN;
		return IPCX_TRY_WAIT;
	}
	/* A writer may have come between our look and our claim. */
	w = READ_ONCE(*l->word);
	if (w & IPCX_RWW_WRITER) {
		cmpxchg(&ipcx_rw_slots(l)[slot], me, 0);
		ipcx_rw_wake_all(l);
		return IPCX_TRY_AGAIN;
	}
	return (w & IPCX_LOCKW_DIED) ? -EOWNERDEAD : 0;
}

static void ipcx_rw_read_done(struct ipcx_acquire *a, int ret)
{
	ipcx_rw_settle(a->l);
}

static const struct ipcx_lock_ops ipcx_rw_read_ops = {
	.try = ipcx_rw_try_read,
	.publish = ipcx_rw_publish,
	.done = ipcx_rw_read_done,
	.busy = -EBUSY,
	.account = true,
};

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
	return ipcx_rw_acquire(&ipcx_rw_read_ops, IPCX_WAIT_READ, l, me,
			       trylock, deadline, clock, died);
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
