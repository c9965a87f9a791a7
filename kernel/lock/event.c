// SPDX-License-Identifier: GPL-2.0
/*
 * Events: sleep until a sequence number in the region changes; wake one or
 * all. The word is (sequence << 1) | WAITERS (uapi header). Signalling is
 * user space's `word += 2`, followed by IPCX_IOC_EVENT_WAKE only when the
 * WAITERS bit was set, so an event nobody waits on costs no syscall.
 *
 * No lost wake-ups: a waiter checks the sequence and publishes WAITERS with
 * one CAS under ipcx_lock.lock and is queued before the lock is dropped; a
 * signaller whose add came first changed the word, so the CAS fails and the
 * waiter returns at once; one whose add came later sees WAITERS and its
 * wake takes ipcx_lock.lock, so it finds the waiter queued.
 *
 * Robustness: a waiter that dies leaves the queue by itself (its sleep is
 * interruptible by the fatal signal); a signaller that dies owes nobody
 * anything. With a robust mutex this is the robust condition variable no
 * peer has.
 *
 * The kernel signals too: a mutex declared with IPCX_LOCK_F_DEATH_EVENT
 * has its event signalled whenever one of its holders is found dead
 * (mutex.c), so one sleep covers "data" and "a peer died".
 *
 * Locking: each function takes ipcx_lock.lock itself.
 */
#include "lock.h"

static u32 ipcx_event_seq(u32 w)
{
	return w >> 1;
}

/* An event wait: the skeleton's state and the sequence the caller saw. */
struct ipcx_event_acquire {
	struct ipcx_acquire a;
	u32 seq;
};

/* The wait is over (0) as soon as the sequence differs from the caller's. */
static int ipcx_event_try(struct ipcx_acquire *a)
{
	struct ipcx_event_acquire *e = container_of(a, struct ipcx_event_acquire, a);

	a->w = READ_ONCE(*a->l->word);
	if (ipcx_event_seq(a->w) != (e->seq & IPCX_EVENT_SEQ_MASK))
		return 0;
	return IPCX_TRY_WAIT;
}

/* Never trylock; not an acquisition, so not in the lock statistics. */
static const struct ipcx_lock_ops ipcx_event_ops = {
	.try = ipcx_event_try,
	.publish = ipcx_acquire_publish,
};

/**
 * ipcx_event_wait() - sleep while the event's sequence is @seq
 * @l: the event
 * @seq: the sequence the caller saw (31 bits)
 * @deadline: absolute timeout or NULL
 * @clock: @deadline's clock
 *
 * Return: 0 (the sequence differs, or a wake came), -ETIMEDOUT,
 * -ERESTARTSYS, -EIDRM.
 */
int ipcx_event_wait(struct ipcx_lock *l, u32 seq, ktime_t *deadline,
		    clockid_t clock)
{
	struct ipcx_event_acquire e = {
		.a = {
			.l = l, .ops = &ipcx_event_ops,
			.deadline = deadline, .clock = clock,
		},
		.seq = seq,
	};

	return ipcx_lock_acquire(&e.a);
}

/**
 * ipcx_event_wake() - wake @n waiters of an event (0: all)
 * @l: the event
 * @n: how many
 *
 * Clears the WAITERS bit when nobody is left (and no lock fd watches), so
 * later signals stay in user space. Lock fds are always woken.
 *
 * Return: how many waiters were woken.
 */
unsigned int ipcx_event_wake(struct ipcx_lock *l, unsigned int n)
{
	struct ipcx_waiter *w, *tmp;
	unsigned int woken = 0;

	spin_lock(&l->lock);
	list_for_each_entry_safe(w, tmp, &l->waiters, node) {
		if (n && woken == n)
			break;
		ipcx_waiter_grant(l, w, 0);
		woken++;
	}
	if (!ipcx_lock_waiters_bit(l))	/* an and, not a CAS loop: adds race it */
		atomic_andnot(IPCX_EVENTW_WAITERS, (atomic_t *)l->word);
	spin_unlock(&l->lock);
	wake_up_all(&l->pollq);
	return woken;
}

/**
 * ipcx_event_signal() - a signal from the kernel: the sequence moves on (as
 * a user's `word += 2`) and every waiter and lock fd wakes
 * @l: the event
 *
 * One atomic add on the word (user space may change it concurrently: an
 * add never loops). Takes ipcx_lock.lock itself: never called with another
 * lock's held.
 */
void ipcx_event_signal(struct ipcx_lock *l)
{
	spin_lock(&l->lock);
	if (!l->revoked)
		atomic_add(2, (atomic_t *)l->word);
	spin_unlock(&l->lock);
	ipcx_event_wake(l, 0);
}
