// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: readiness, spinning, sleeping, and the loop that every
 * blocking call runs. The channel protocol, part two: sleeping without
 * lost wake-ups (part one, the ring, is at the top of ring.c). READ this
 * before changing the order of anything in chan_wait(), chan_arm(),
 * ipcx_chan_fd() or, in channel.h, rec_done() and chan_wake().
 *
 * Each role sleeps on its own event: receivers on ev_rx ("not empty"),
 * senders on ev_tx ("not full"). Each slot mutex is declared so that the
 * kernel signals the other role's event when it finds the holder dead (a
 * sender's slot: ev_rx; a receiver's: ev_tx); open checks with the kernel
 * that every peer slot is so declared, and a module without death events
 * (IPCX_FEAT_DEATH_EVENT) cannot run a channel (-EOPNOTSUPP). So data, a
 * close (which broadcasts) and a peer's death all move the event's
 * sequence, and a sleeper needs one system call: IPCX_IOC_EVENT_WAIT, as
 * a pipe's read.
 *
 * A receiver about to sleep, and a sender publishing (a sender about to
 * sleep and a receiver giving a slot back are the mirror image, with
 * tx_waiting, tx_armed and ev_tx):
 *
 *   waiter (chan_wait())                publisher (msg_publish(), rec_done())
 *
 *   rx_waiting++         (seq_cst)
 *   seq = event sequence                slot's sequence = pos + 1  (release)
 *   rx_armed = 1         (seq_cst)      claim record = 0           (release)
 *   fence                (seq_cst)      fence                      (seq_cst)
 *   check ring, peers [A]               if (rx_waiting &&                [C]
 *   EVENT_WAIT while the                    xchg(rx_armed, 0) == 1)
 *     sequence is seq [B]                 broadcast: sequence moves
 *
 * Each side stores, fences, then loads what the other stores: one of
 * them sees the other's store. Either the waiter's check [A] sees the
 * message (or the skippable hole, or a peer gone) and it does not sleep;
 * or the publisher's [C] sees the waiter registered and armed, and its
 * broadcast moves the sequence after the waiter read it, so [B] returns
 * at once. When publishers race, the one that swaps the flag signals,
 * after the waiter set it: as good. The sequence is read before the flag
 * is set, so that any signal the flag lets through comes after that read.
 * A peer that dies after [A] moves the sequence too (the kernel, through
 * the death event); one that attaches broadcasts.
 *
 * One armed flag stands for every sleeper of the role and one broadcast
 * wakes them all, so a ring filling while its receiver sleeps costs one
 * system call, not one per message: later publishes find the flag clear
 * (and with nobody registered, a publish reads the counter and no more).
 * A waiter that dies leaves its count behind; that only costs later
 * publishes an atomic swap. ipcx_chan_fd() registers a permanent waiter
 * whose [A] and [B] are the caller's: a call that returns -EAGAIN reads
 * the fd (which marks the sequence seen), sets the flag, and looks again
 * (chan_arm(), ipcx_wait_loop()).
 *
 * Before sleeping a call spins (chan_spin()) on the one slot it waits for,
 * unless no peer can answer meanwhile (chan_spin_budget()); after a
 * wake-up it tries again. Every round is bounded (ipcx_wait_loop()).
 */
#include <time.h>
#include <unistd.h>

#include "../cpu_relax.h"
#include "channel.h"

/*
 * Spin before sleeping only when a peer may run meanwhile: not when every
 * peer last ran on the CPU we are on (it cannot answer while we spin).
 */
static uint64_t chan_spin_budget(struct ipcx_chan *c)
{
	unsigned int peer = c->role == IPCX_CHAN_SEND ? IPCX_CHAN_RECV : IPCX_CHAN_SEND;
	uint32_t i, n = c->role == IPCX_CHAN_SEND ? c->max_rx : c->max_tx;
	int cpu;

	if (!c->smp || !c->spin_ns)
		return 0;
	cpu = cpu_hint_update(c);
	if (cpu < 0)
		return c->spin_ns;
	for (i = 0; i < n; i++) {
		uint32_t hint = __atomic_load_n(cpu_hint_of(rec_of(c, peer, i)), __ATOMIC_RELAXED);

		if (hint != (uint32_t)cpu + 1)
			return c->spin_ns;	/* one elsewhere, or not known yet */
	}
	return 0;
}

static int spsc_tx_room(struct ipcx_chan *c)
{
	return __atomic_load_n(c->tail, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(c->head, __ATOMIC_ACQUIRE) != c->capacity;
}

/* Would a full try not say -EAGAIN (the check before sleeping)? */
static int chan_ready(struct ipcx_chan *c)
{
	uint64_t at;

	if (c->flags & IPCX_CHAN_STREAM)
		return ipcx_stream_room(c, &at) != 0;
	if (c->role == IPCX_CHAN_RECV)
		return ipcx_ring_rx_ready(c, __atomic_load_n(c->head, __ATOMIC_ACQUIRE));
	if (c->spsc)	/* room, or impossible indices (the try says so) */
		return spsc_tx_room(c);
	return ipcx_ring_tx_ready(c, __atomic_load_n(c->tail, __ATOMIC_ACQUIRE));
}

/*
 * The spin's check: only the slot at our index, a line the other side
 * writes anyway. Holes and dead peers' slots are left to chan_ready(),
 * before sleeping, so that a spinning endpoint does not pull the other
 * side's index and record lines on every turn. A receiver also prefetches
 * the payload's first line when it has its own (slot_payload_off()): its
 * transfer then overlaps the header's instead of following it (a 64-byte
 * round trip in ipcx-chan-fastpath's bare ring, natively here: 2.1 x a
 * cache line's with it, 2.4 x without). A queue slot ahead of the index
 * counts as ready: the index moved, or the try says -EPROTO.
 */
static int chan_ready_quick(struct ipcx_chan *c)
{
	struct chan_slot *s;
	uint64_t at;

	if (c->flags & IPCX_CHAN_STREAM)
		return chan_ready(c);
	if (c->role == IPCX_CHAN_RECV) {
		at = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
		s = slot_at(c, at);
		if (c->pay_off == CHAN_LINE)
			__builtin_prefetch((char *)s + CHAN_LINE);
		if (c->spsc)
			return __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) == at + 1;
		return (int64_t)(__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) - (at + 1)) >= 0;
	}
	if (c->spsc)
		return spsc_tx_room(c);
	at = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	return (int64_t)(__atomic_load_n(&slot_at(c, at)->seq, __ATOMIC_ACQUIRE) - at) >= 0;
}

int ipcx_wait_evfd(struct ipcx_chan *c)
{
	if (c->evfd < 0) {
		int fd = ipcx_lock_fd(c->fd, c->role == IPCX_CHAN_RECV ?
				      CHAN_OFF_EV_RX : CHAN_OFF_EV_TX);

		if (fd < 0)
			return fd;
		c->evfd = fd;
	}
	return c->evfd;
}

/* The next publish (give-back) by the other side signals our event. */
void ipcx_wait_set_armed(struct ipcx_chan *c)
{
	__atomic_store_n(c->role == IPCX_CHAN_RECV ? c->rx_armed : c->tx_armed, 1,
			 __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Mark the event seen, so that the next move makes the fd readable. */
static int chan_arm(struct ipcx_chan *c)
{
	int saved = errno, fd = ipcx_wait_evfd(c), ret = 0;
	uint64_t seq;

	if (fd < 0)
		return fd;
	if (read(fd, &seq, sizeof(seq)) != sizeof(seq))
		ret = -errno;
	errno = saved;
	if (!ret)
		ipcx_wait_set_armed(c);
	return ret;
}

static int chan_timeout(const struct timespec *abstime, clockid_t clock,
			struct timespec *rel)
{
	struct timespec now;

	if (!abstime)
		return 0;
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
		return -EINVAL;
	clock_gettime(clock, &now);
	rel->tv_sec = abstime->tv_sec - now.tv_sec;
	rel->tv_nsec = abstime->tv_nsec - now.tv_nsec;
	if (rel->tv_nsec < 0) {
		rel->tv_sec--;
		rel->tv_nsec += 1000000000L;
	}
	if (rel->tv_sec < 0)
		return -ETIMEDOUT;
	return 0;
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

/* A blocking call's spin, across its tries (chan_spin()). */
struct chan_spin {
	uint64_t budget;	/* ns; 0: spun out, or no spinning */
	uint64_t end;		/* when it ends (CLOCK_MONOTONIC ns), 0: not known yet */
	unsigned int turns;
};

/*
 * Spin on chan_ready_quick() while the call's spin lasts: true when the
 * ring looks ready (the caller tries, and comes back if the try failed),
 * false when the spin is over (its budget or abstime). The budget is the
 * call's, not restarted by a failed try: a slot that looks ready but is
 * not (a peer scribbling) costs one budget, never a busy loop. The clock
 * is read once every CHAN_SPIN_CHECK turns, counting the turns that
 * returned, the first time after the first CHAN_SPIN_CHECK (so a peer
 * that answers at once costs no clock read).
 */
static bool chan_spin(struct ipcx_chan *c, struct chan_spin *sp,
		      const struct timespec *abstime, clockid_t clock)
{
	struct timespec now, rel;

	while (sp->budget) {
		if (!(++sp->turns % CHAN_SPIN_CHECK)) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (!sp->end)
				sp->end = ts_ns(&now) + sp->budget;
			else if (ts_ns(&now) >= sp->end)
				sp->budget = 0;
			if (abstime && chan_timeout(abstime, clock, &rel))
				sp->budget = 0;	/* the full try and the wait say why */
			if (!sp->budget)
				break;
		}
		if (chan_ready_quick(c))
			return true;
		ipcx_cpu_relax();
	}
	return false;
}

/*
 * The limit of a sleep: abstime, or a forced sleep's backoff (ns, when
 * not 0) if that comes first; *clock becomes the limit's clock.
 */
static const struct timespec *chan_sleep_limit(const struct timespec *abstime,
					       clockid_t *clock, uint64_t backoff,
					       struct timespec *lim)
{
	struct timespec now;

	if (!backoff)
		return abstime;
	if (!abstime)
		*clock = CLOCK_MONOTONIC;
	clock_gettime(*clock, &now);
	backoff += ts_ns(&now);
	lim->tv_sec = (time_t)(backoff / 1000000000ull);
	lim->tv_nsec = (long)(backoff % 1000000000ull);
	if (abstime && (abstime->tv_sec < lim->tv_sec ||
			(abstime->tv_sec == lim->tv_sec && abstime->tv_nsec <= lim->tv_nsec)))
		return abstime;
	return lim;
}

/*
 * Sleep until the ring may be ready, a peer goes, or the time is up: 0
 * (look again), CHAN_NOSLEEP (look again: it did not sleep, the ring
 * looked ready or no peer is left, or a forced sleep ran out),
 * -ETIMEDOUT, -EINTR, -errno. The ordering is at the top of this file. A
 * forced sleep (backoff, ns, not 0) skips the check of the ring and lasts
 * at most backoff: ipcx_wait_loop() forces one when the check keeps
 * saying "ready" and the try keeps saying "empty" (a peer that
 * scribbles), so that the caller sleeps, and a wake-up lost meanwhile
 * costs at most the backoff.
 */
#define CHAN_NOSLEEP	1

static int chan_wait(struct ipcx_chan *c, const struct timespec *abstime,
		     clockid_t clock, uint64_t backoff)
{
	uint32_t *waiting = c->role == IPCX_CHAN_RECV ? c->rx_waiting : c->tx_waiting;
	struct ipcx_event *ev = c->role == IPCX_CHAN_RECV ? &c->ev_rx : &c->ev_tx;
	const struct timespec *until;
	struct timespec rel, lim;
	uint32_t seq;
	int ret;

	ret = chan_timeout(abstime, clock, &rel);
	if (ret)
		return ret;
	until = chan_sleep_limit(abstime, &clock, backoff, &lim);
	__atomic_fetch_add(waiting, 1, __ATOMIC_SEQ_CST);
	/* one system call: the event moves on data and on a peer's death */
	seq = ipcx_event_seq(ev);
	ipcx_wait_set_armed(c);	/* after the sequence is read */
	if ((backoff || !chan_ready(c)) && peers_alive(c) != 0)
		ret = ipcx_event_wait(ev, seq, until, clock);
	else
		ret = CHAN_NOSLEEP;
	__atomic_fetch_sub(waiting, 1, __ATOMIC_SEQ_CST);
	if (ret == -ETIMEDOUT && until != abstime)
		ret = CHAN_NOSLEEP;	/* the backoff ran out, not the caller's time */
	return ret;
}

/*
 * A try spent the call's steps having made progress (CHAN_MORE): a
 * blocking call goes on if its deadline allows (0), with new steps; a
 * non-blocking one returns -EAGAIN, its readiness fd made readable (the
 * work left is nobody else's to signal), and the next call goes on.
 */
static int chan_more(struct ipcx_chan *c, unsigned int flags,
		     const struct timespec *abstime, clockid_t clock)
{
	struct timespec rel;
	int ret;

	if (flags & IPCX_CHAN_NONBLOCK) {
		if (c->fd_given)
			ipcx_event_broadcast(c->role == IPCX_CHAN_RECV ? &c->ev_rx : &c->ev_tx);
		return -EAGAIN;
	}
	ret = chan_timeout(abstime, clock, &rel);
	if (!ret)
		c->steps = CHAN_STEPS;
	return ret;
}

/*
 * Common loop: try(), and while it says -EAGAIN look at the peers, spin a
 * little, then sleep. Returns try()'s result, 0 (EOF) / -EPIPE, -EAGAIN
 * (non-blocking), -ETIMEDOUT, -EINTR. The caller has set c->steps.
 *
 * The tries until the spin ends are quick (c->quick): a slot that is
 * merely not ready yet is -EAGAIN without looking at the other side's
 * index or at dead peers' claims. A full try comes before the first sleep
 * (and after every wake-up), before EOF / EPIPE, and in every non-blocking
 * call, so a dead peer's slot or a scribbled index costs at most a spin.
 *
 * Whatever the region says, a blocking call sleeps when it cannot
 * progress and returns by its deadline: the spin is bounded (chan_spin()),
 * every round after it goes through chan_wait(), which checks the
 * deadline, and after CHAN_MISSES rounds in a row in which the check
 * before sleeping said "ready" but the try found nothing, the next sleep
 * is forced (1 ms, doubling up to 16 ms, or until woken).
 */
int ipcx_wait_loop(struct ipcx_chan *c, int (*try)(struct ipcx_chan *, void *),
		     void *arg, unsigned int flags, const struct timespec *abstime,
		     clockid_t clock)
{
	struct chan_spin sp = { 0 };
	int ret, spin = 1, armed = 0, misses = 0;

	if (flags & ~IPCX_CHAN_NONBLOCK)
		return -EINVAL;
	c->quick = !(flags & IPCX_CHAN_NONBLOCK);
	for (;;) {
		ret = try(c, arg);
		if (ret == -EAGAIN && !peers_alive(c)) {
			c->quick = 0;
			ret = try(c, arg);	/* what the last peer left */
			if (ret == -EAGAIN)
				ret = c->role == IPCX_CHAN_RECV ? 0 : -EPIPE;
		}
		if (ret == CHAN_MORE) {
			ret = chan_more(c, flags, abstime, clock);
			if (ret)
				break;
			continue;
		}
		if (ret != -EAGAIN)
			break;
		if (flags & IPCX_CHAN_NONBLOCK) {
			/* re-arm the readiness fd, then look once more */
			if (!c->fd_given || armed)
				break;
			ret = chan_arm(c);
			if (ret)
				break;
			armed = 1;
			continue;
		}
		/* spin (if a peer may answer meanwhile), the call's budget
		 * at most, then sleep */
		if (spin) {
			sp.budget = chan_spin_budget(c);
			spin = 0;
		}
		if (chan_spin(c, &sp, abstime, clock))
			continue;
		if (c->quick) {
			c->quick = 0;	/* one full try before sleeping */
			continue;
		}
		ret = chan_wait(c, abstime, clock, misses < CHAN_MISSES ? 0 :
				CHAN_BACKOFF_NS << (misses - CHAN_MISSES < 4 ?
						    misses - CHAN_MISSES : 4));
		if (ret < 0)
			break;
		misses = ret == CHAN_NOSLEEP ? misses + 1 : 0;
	}
	c->quick = 0;
	return ret;
}
