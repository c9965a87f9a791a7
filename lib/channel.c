// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: message passing over an ipcx region.
 *
 * Layout (all offsets from the region start; one channel per region):
 *
 *   0     struct chan_hdr: magic, version, geometry, ever-attached flags
 *   64    tail (next position a sender claims)        -- own cache line
 *   128   head (next position a receiver claims)      -- own cache line
 *   192   rx_waiting: receivers about to sleep, rx_armed  -- own cache line
 *   256   tx_waiting: senders about to sleep, tx_armed    -- own cache line
 *   320   event "not empty" (receivers wait on it)
 *   384   event "not full"  (senders wait on it)
 *   448   max_senders mutexes, then max_receivers mutexes (64 bytes each)
 *   recs  one claim record per endpoint, same order (128 bytes each: the
 *         record's line, then a line for the endpoint's CPU hint, which
 *         peers read when they consider spinning)
 *   ring  after the records
 *
 * Messages: a bounded multi-producer multi-consumer queue (Vyukov): each
 * slot has a sequence; a sender claims position p when slot p's sequence
 * is p (CAS on tail), writes, and publishes sequence p + 1; a receiver
 * claims p when the sequence is p + 1 (CAS on head), reads, and gives it
 * back as p + capacity. Length 0 marks a cancelled slot, which receivers
 * skip. With one sender and one receiver (SPSC) slots go back through head
 * instead, and the receiver never writes a slot (see spsc_claim_tx()).
 * Streams: a single-producer single-consumer byte ring with head and tail
 * byte counters.
 *
 * Endpoints that die mid-message. A sender killed between claiming a slot
 * and publishing it leaves a hole that receivers cannot pass; a receiver
 * killed between claiming and giving back leaves a slot senders cannot
 * reuse. Either would stall the ring for good. So every endpoint writes
 * its claim record (position << 1 | 1) before its claim CAS and clears it
 * after publishing / giving back. A receiver whose head slot is claimed
 * (tail beyond it) but unpublished, and which finds no live sender
 * recording that position, skips it: it claims it like a message and
 * gives it back. A sender whose tail slot was taken by a receiver (head
 * beyond it) but not given back, with no live receiver recording it,
 * gives it back itself (CAS on the slot's sequence, which only grows).
 * Safe because the record is written before the claim CAS: whoever saw
 * the CAS (through tail or head) sees the record, and a live claimer's
 * record names the slot until it published. A live endpoint whose CAS
 * lost may briefly leave a stale record; it clears it and signals before
 * it sleeps or leaves. A new endpoint taking a dead one's slot clears its
 * record (the dead claim is then skippable) before it signals. The message
 * in a skipped slot is lost, as if the dead endpoint had never sent or
 * had received it.
 *
 * Attachment and peer death. Each endpoint holds one mutex of its role's
 * slot table for as long as it is open. If its thread dies, the kernel
 * releases the mutex, so "is anybody attached" is a read of the slot words
 * (a live holder's owner id is in the word). A receiver sees end of file
 * when no sender is attached (once one was) and the ring is empty; a
 * sender gets -EPIPE when no receiver is attached (once one was).
 *
 * Sleeping. Each slot mutex is declared so that the kernel signals the
 * other role's event when its holder dies (senders' slots: ev_rx;
 * receivers': ev_tx); a module without death events (IPCX_FEAT_DEATH_EVENT)
 * cannot run a channel (-EOPNOTSUPP from init and open). A waiter (1)
 * increments rx_waiting or tx_waiting, (2) reads the event's sequence and
 * sets rx_armed (tx_armed), (3) re-checks the ring and the peers, (4)
 * sleeps in IPCX_IOC_EVENT_WAIT while the sequence is still the one of
 * (2): one system call, as a pipe's read. A sender publishes, then (full
 * fence) signals "not empty" only when rx_waiting is non-zero and it is
 * the one that swaps rx_armed from 1 to 0; receivers do the same for "not
 * full". Either the waiter's check sees the data, or the signaller sees
 * the counter and the flag (or another signaller took the flag and
 * signalled after it was set), and the sequence moves after (2). Data, a
 * close (which broadcasts) and a death all move the sequence, so whatever
 * happens after (2) ends the sleep. One signal wakes every sleeper, so a
 * ring filling while its receiver sleeps costs one system call, not one
 * per message. Open checks with the kernel that every peer slot is so
 * declared (re-declaring with the same event succeeds; otherwise EEXIST,
 * and open fails with -EPROTO). A waiter that dies leaves its count
 * behind; that only costs later publishes an atomic swap.
 *
 * Nothing read from the region is trusted: the geometry is copied into the
 * handle at open and checked against the region size; every position is
 * masked with the handle's mask; lengths are checked against the handle's
 * max_msg (-EBADMSG). Impossible states, as ipcx_channel(3) and README list
 * them (tools/fastpath/chan_states.c checks each, every kind and role):
 *
 * -EPROTO:
 * - a slot's sequence ahead of its index: head for a message receiver
 *   (msg_claim_rx(), spsc_claim_rx()), tail for a queue sender
 *   (msg_claim_tx()); in a queue when the index has not moved meanwhile;
 * - tail - head > capacity (head beyond tail included), as seen by a
 *   message receiver whose slot at head is not published, a queue sender
 *   whose slot at tail is not free, an SPSC sender whose cached head says
 *   full (spsc_claim_tx()), and both ends of a stream on every call
 *   (stream_room()).
 *
 * Not detected, because an endpoint reads the other side's index only when
 * its own slot is not ready (reading it each time would move a line per
 * message): a message published at head is delivered whatever tail says
 * (its length is checked: 0 skips it, beyond max_msg -EBADMSG); a queue
 * sender claims a free slot at tail whatever head says; an SPSC sender
 * sends while its cached head says there is room, whatever head says now.
 *
 * Any other state (a sequence behind its index, claim records, waiter
 * counts, event and lock words) reads as a legitimate one: an empty or
 * full ring, a dead endpoint's slot to skip or give back, a peer gone or
 * there.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock_internal.h"

#define CHAN_MAGIC	0x4e414843u	/* "CHAN" */
#define CHAN_VERSION	4		/* 2: claim records; 3: CPU hint lines,
					 * SPSC slots given back through head;
					 * 4: payloads beyond a line start on
					 * the slot's second line */
#define CHAN_SPIN_NS	20000		/* default spin before sleeping */
#define CHAN_SPIN_MAX_NS 1000000000ull	/* ipcx_chan_set_spin() at most */
#define CHAN_SPIN_CHECK	64		/* turns between clock reads */
#define CHAN_HINT_EVERY	64		/* claims between CPU hint updates */
#define CHAN_STEPS	64		/* slot steps per call (chan_step()) */
#define CHAN_MISSES	3		/* wake-ups without sleeping before a
					 * forced sleep (chan_loop()) */
#define CHAN_BACKOFF_NS	1000000ull	/* its length, doubling up to 16 x */
#define CHAN_MAX_PEERS	64
#define CHAN_MAX_CAP	(1u << 24)
#define CHAN_MAX_MSG	(1u << 26)

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax()	__builtin_ia32_pause()
#else
#define cpu_relax()	__atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif

#define OFF_TAIL	64
#define OFF_HEAD	128
#define OFF_RXW		192
#define OFF_TXW		256
#define OFF_EV_RX	320
#define OFF_EV_TX	384
#define OFF_SLOTS	448
#define REC_BYTES	(2 * IPCX_LOCK_ALIGN)	/* claim record line + CPU hint line */

struct chan_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t max_msg;
	uint32_t capacity;
	uint32_t slot_size;
	uint32_t max_senders;
	uint32_t max_receivers;
	uint64_t ring_off;
	uint64_t ring_bytes;
	uint32_t ever_sender;
	uint32_t ever_receiver;
};

/*
 * A slot: this header, then the payload at slot_payload_off(): right
 * after the header when header and payload fit one cache line (a message
 * is then one line to move), else on the slot's second line, so that a
 * payload of whole lines is whole lines (a 64-byte message: one line, not
 * two halves) and a receiver can fetch it while it waits for the header's
 * line (chan_ready_quick()).
 */
struct chan_slot {
	uint64_t seq;
	uint32_t len;
	uint32_t pad;
};

#define CHAN_LINE	64

struct ipcx_chan {
	int fd;
	char *base;
	unsigned int role;
	/* geometry, copied and checked at open: never re-read */
	uint32_t flags, max_msg, capacity, slot_size, max_tx, max_rx;
	uint32_t pay_off;	/* slot_payload_off() */
	uint64_t mask, ring_bytes;
	char *ring;
	uint64_t *tail, *head;
	uint32_t *rx_waiting, *tx_waiting;
	uint32_t *rx_armed, *tx_armed;	/* a waiter armed since the last signal */
	struct ipcx_event ev_rx, ev_tx;
	struct ipcx_mutex self;
	uint32_t *peer_words;	/* the other role's slot mutexes, npeers of them */
	uint32_t npeers;
	uint64_t *rec;		/* our claim record */
	char *recs;		/* every endpoint's */
	/* the lock fd on the event this role waits on (ipcx_chan_fd()) */
	int evfd;
	int fd_given;
	/* ns of spinning before sleeping (ipcx_chan_set_spin()); none on
	 * one CPU, nor when every peer last ran on our CPU (chan_spin_budget()) */
	uint64_t spin_ns;
	int smp;
	/* set by chan_loop while a miss may be a plain "empty" or "full":
	 * the claims then skip the hole and dead-slot look-ups, which read
	 * the other side's lines (see chan_loop) */
	int quick;
	/* slot steps left to this call (chan_step()) */
	uint32_t steps;
	/* one sender, one receiver (messages): slots go back through head */
	int spsc;
	int fast_tx, fast_rx;	/* SPSC and our role: the fast path's test */
	uint64_t head_seen;	/* SPSC sender: head as last read */
	/* zero copy in progress */
	int pending;
	uint64_t pend_pos;
};

static uint32_t slot_payload_off(uint32_t max_msg)
{
	return sizeof(struct chan_slot) + max_msg <= CHAN_LINE ?
	       sizeof(struct chan_slot) : CHAN_LINE;
}

static int chan_geometry(const struct ipcx_chan_attr *a, uint32_t *slot_size,
			 uint64_t *ring_off, uint64_t *ring_bytes)
{
	int stream = a->flags & IPCX_CHAN_STREAM;

	if (a->flags & ~IPCX_CHAN_STREAM)
		return -EINVAL;
	if (a->capacity < 2 || a->capacity > CHAN_MAX_CAP ||
	    (a->capacity & (a->capacity - 1)))
		return -EINVAL;
	if (!a->max_senders || !a->max_receivers ||
	    a->max_senders > CHAN_MAX_PEERS || a->max_receivers > CHAN_MAX_PEERS)
		return -EINVAL;
	if (stream && (a->max_senders != 1 || a->max_receivers != 1))
		return -EINVAL;
	if (!stream && (!a->max_msg || a->max_msg > CHAN_MAX_MSG))
		return -EINVAL;
	*slot_size = stream ? 1 : (slot_payload_off(a->max_msg) + a->max_msg +
				   CHAN_LINE - 1) & ~(CHAN_LINE - 1);
	/* the lock blocks, then as many claim records */
	*ring_off = OFF_SLOTS + (uint64_t)(a->max_senders + a->max_receivers) *
				(IPCX_LOCK_ALIGN + REC_BYTES);
	*ring_bytes = (uint64_t)a->capacity * *slot_size;
	return 0;
}

/* One sender and one receiver of messages: slots go back through head
 * (see spsc_claim_tx()). */
static bool chan_spsc(const struct ipcx_chan_attr *a)
{
	return !(a->flags & IPCX_CHAN_STREAM) && a->max_senders == 1 && a->max_receivers == 1;
}

int ipcx_chan_size(const struct ipcx_chan_attr *attr, uint64_t *size)
{
	uint64_t off, bytes;
	uint32_t ss;
	int ret;

	if (!attr || !size)
		return -EINVAL;
	ret = chan_geometry(attr, &ss, &off, &bytes);
	if (ret)
		return ret;
	*size = off + bytes;
	return 0;
}

/*
 * A channel's sleepers rely on the kernel signalling their event when a
 * peer dies (IPCX_FEAT_DEATH_EVENT): 0, or -EOPNOTSUPP for a module
 * without it.
 */
static int chan_death_events(int fd)
{
	struct ipcx_version v;
	int ret = ipcx_get_version(fd, &v);

	if (ret)
		return ret;
	return v.features & IPCX_FEAT_DEATH_EVENT ? 0 : -EOPNOTSUPP;
}

int ipcx_chan_init(int fd, void *base, uint64_t size,
		   const struct ipcx_chan_attr *attr)
{
	struct chan_hdr *h = base;
	struct ipcx_event ev;
	struct ipcx_mutex m;
	uint64_t off, bytes, i;
	uint32_t ss;
	int ret;

	if (!base || !attr)
		return -EINVAL;
	ret = chan_geometry(attr, &ss, &off, &bytes);
	if (ret)
		return ret;
	if (off + bytes > size)
		return -ENOSPC;
	ret = chan_death_events(fd);
	if (ret)
		return ret;
	__atomic_store_n(&h->magic, 0, __ATOMIC_RELEASE);
	memset((char *)base + 4, 0, off - 4);
	h->version = CHAN_VERSION;
	h->flags = attr->flags;
	h->max_msg = attr->flags & IPCX_CHAN_STREAM ? 0 : attr->max_msg;
	h->capacity = attr->capacity;
	h->slot_size = ss;
	h->max_senders = attr->max_senders;
	h->max_receivers = attr->max_receivers;
	h->ring_off = off;
	h->ring_bytes = bytes;
	if (!(attr->flags & IPCX_CHAN_STREAM)) {
		bool spsc = chan_spsc(attr);

		for (i = 0; i < attr->capacity; i++) {
			struct chan_slot *s = (void *)((char *)base + off + i * ss);

			/* free for position i: as given back a lap before */
			s->seq = spsc ? i + 1 - attr->capacity : i;
			s->len = 0;
		}
	}
	ret = ipcx_event_init(&ev, fd, base, OFF_EV_RX);
	if (!ret)
		ret = ipcx_event_init(&ev, fd, base, OFF_EV_TX);
	for (i = 0; !ret && i < attr->max_senders + attr->max_receivers; i++) {
		uint64_t slot = OFF_SLOTS + i * IPCX_LOCK_ALIGN;

		/* a sender's death wakes receivers, and the other way round */
		ret = ipcx_mutex_declare_death_event(fd, slot, i < attr->max_senders ?
						     OFF_EV_RX : OFF_EV_TX);
		if (!ret)
			ret = ipcx_mutex_init(&m, fd, base, slot);
	}
	if (ret)
		return ret;
	__atomic_store_n(&h->magic, CHAN_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

/* Copy the header into the handle and check it against the region. */
static int chan_load(struct ipcx_chan *c, uint64_t size)
{
	const struct chan_hdr *h = (const void *)c->base;
	struct ipcx_chan_attr a;
	uint64_t off, bytes;
	uint32_t ss;

	if (size < OFF_SLOTS ||
	    __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != CHAN_MAGIC ||
	    h->version != CHAN_VERSION)
		return -EPROTO;
	a.flags = h->flags;
	a.max_msg = h->max_msg;
	a.capacity = h->capacity;
	a.max_senders = h->max_senders;
	a.max_receivers = h->max_receivers;
	if (chan_geometry(&a, &ss, &off, &bytes) || ss != h->slot_size ||
	    off != h->ring_off || bytes != h->ring_bytes || off + bytes > size)
		return -EPROTO;
	c->flags = a.flags;
	c->max_msg = a.max_msg;
	c->capacity = a.capacity;
	c->slot_size = ss;
	c->pay_off = slot_payload_off(a.max_msg);
	c->max_tx = a.max_senders;
	c->max_rx = a.max_receivers;
	c->mask = a.capacity - 1;
	c->spsc = chan_spsc(&a);
	c->ring_bytes = bytes;
	c->ring = c->base + off;
	c->recs = c->base + OFF_SLOTS + (uint64_t)(c->max_tx + c->max_rx) * IPCX_LOCK_ALIGN;
	c->tail = (uint64_t *)(c->base + OFF_TAIL);
	c->head = (uint64_t *)(c->base + OFF_HEAD);
	c->rx_waiting = (uint32_t *)(c->base + OFF_RXW);
	c->tx_waiting = (uint32_t *)(c->base + OFF_TXW);
	c->rx_armed = c->rx_waiting + 1;
	c->tx_armed = c->tx_waiting + 1;
	return 0;
}

static uint64_t chan_slot_off(unsigned int role, uint32_t i, uint32_t max_tx)
{
	return OFF_SLOTS + (uint64_t)(role == IPCX_CHAN_SEND ? i : max_tx + i) *
			   IPCX_LOCK_ALIGN;
}

/* The claim record of endpoint i of role. */
static uint64_t *rec_of(struct ipcx_chan *c, unsigned int role, uint32_t i)
{
	return (uint64_t *)(c->recs + (uint64_t)(role == IPCX_CHAN_SEND ? i : c->max_tx + i) *
				      REC_BYTES);
}

/*
 * Where an endpoint last ran: CPU + 1 in the line after its claim record
 * (0: not known), set when it attaches, updated before it spins and
 * every CHAN_HINT_EVERY claims (so that one that never waits still moves
 * it when it migrates), and written only when it changes. Its own line, so that a peer reading it
 * before spinning does not take the record's line away from its writer.
 * A hint only, for spinning: a scribbled value costs at most a useless
 * spin or a sleep.
 */
static uint32_t *cpu_hint_of(uint64_t *rec)
{
	return (uint32_t *)((char *)rec + IPCX_LOCK_ALIGN);
}

/* Keep our CPU hint current (our own record's line, written anyway);
 * returns the CPU, or -1 if unknown. */
static int cpu_hint_update(struct ipcx_chan *c)
{
	int cpu = sched_getcpu();	/* rseq or vDSO: no system call */

	if (cpu >= 0 && __atomic_load_n(cpu_hint_of(c->rec), __ATOMIC_RELAXED) !=
			(uint32_t)cpu + 1)
		__atomic_store_n(cpu_hint_of(c->rec), (uint32_t)cpu + 1, __ATOMIC_RELAXED);
	return cpu;
}

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

/*
 * SPSC: a receiver that died holding the message at head (its record, now
 * ours, names it) loses that message, as in the queue: its successor moves
 * head past it. The dead one cannot move head any more.
 */
static void spsc_skip_held(struct ipcx_chan *c)
{
	uint64_t head = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(c->rec, __ATOMIC_ACQUIRE) == (head << 1 | 1))
		__atomic_store_n(c->head, head + 1, __ATOMIC_RELEASE);
}

/* Take a free (or dead owner's) slot of our role. */
static int chan_attach(struct ipcx_chan *c)
{
	uint32_t i, n = c->role == IPCX_CHAN_SEND ? c->max_tx : c->max_rx;
	struct chan_hdr *h = (void *)c->base;
	int ret;

	for (i = 0; i < n; i++) {
		ret = ipcx_mutex_attach(&c->self, c->fd, c->base,
					chan_slot_off(c->role, i, c->max_tx));
		if (ret)
			return ret;
		ret = ipcx_mutex_trylock(&c->self);
		if (ret == -EOWNERDEAD)
			ret = ipcx_mutex_consistent(&c->self);
		if (ret == -EBUSY || ret == -ENOTRECOVERABLE || ret == -EDEADLK)
			continue;
		if (ret)
			return ret;
		/* a dead predecessor's claim: skippable once cleared */
		c->rec = rec_of(c, c->role, i);
		if (c->spsc && c->role == IPCX_CHAN_RECV)
			spsc_skip_held(c);
		__atomic_store_n(c->rec, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(cpu_hint_of(c->rec), 0, __ATOMIC_RELAXED);
		cpu_hint_update(c);
		__atomic_store_n(c->role == IPCX_CHAN_SEND ? &h->ever_sender :
				 &h->ever_receiver, 1, __ATOMIC_SEQ_CST);
		/* waiters that saw no peer yet start watching us */
		ipcx_event_broadcast(c->role == IPCX_CHAN_SEND ? &c->ev_rx : &c->ev_tx);
		return 0;
	}
	return -EUSERS;
}

static uint32_t *peer_word(struct ipcx_chan *c, uint32_t i);
static uint32_t peer_count(struct ipcx_chan *c);

/* Spinning can only pay on a machine with more than one CPU. */
static int chan_smp(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/*
 * Does the kernel signal our event when any peer dies? Asking it to declare
 * each peer slot with that death event again answers (the region is not
 * trusted to say): 0 when every one is so declared; -EPROTO when one is
 * not (EEXIST: not a channel as ipcx_chan_init() makes it); -EOPNOTSUPP
 * from a module without death events.
 */
static int chan_check_death_links(struct ipcx_chan *c)
{
	uint64_t ev = c->role == IPCX_CHAN_RECV ? OFF_EV_RX : OFF_EV_TX;
	uint32_t i;
	int ret = chan_death_events(c->fd);

	for (i = 0; !ret && i < peer_count(c); i++)
		ret = ipcx_mutex_declare_death_event(c->fd, (uint64_t)((char *)peer_word(c, i) -
								       c->base), ev);
	return ret == -EEXIST ? -EPROTO : ret;
}

int ipcx_chan_open(int fd, void *base, uint64_t size, unsigned int role,
		   struct ipcx_chan **chp)
{
	struct ipcx_chan *c;
	int ret;

	if (fd < 0 || !base || !chp ||
	    (role != IPCX_CHAN_SEND && role != IPCX_CHAN_RECV))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->base = base;
	c->role = role;
	c->evfd = -1;
	ret = chan_load(c, size);
	if (!ret) {
		unsigned int peer = role == IPCX_CHAN_SEND ? IPCX_CHAN_RECV : IPCX_CHAN_SEND;

		c->npeers = role == IPCX_CHAN_SEND ? c->max_rx : c->max_tx;
		c->peer_words = (uint32_t *)(c->base + chan_slot_off(peer, 0, c->max_tx));
		ret = ipcx_event_attach(&c->ev_rx, fd, base, OFF_EV_RX);
	}
	if (!ret)
		ret = ipcx_event_attach(&c->ev_tx, fd, base, OFF_EV_TX);
	if (!ret)
		ret = chan_check_death_links(c);
	if (!ret)
		ret = chan_attach(c);
	if (ret) {
		free(c);
		return ret;
	}
	c->head_seen = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
	c->smp = chan_smp();
	c->spin_ns = CHAN_SPIN_NS;
	c->fast_tx = c->spsc && role == IPCX_CHAN_SEND;
	c->fast_rx = c->spsc && role == IPCX_CHAN_RECV;
	*chp = c;
	return 0;
}

static void chan_close_fd(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
	*fd = -1;
}

int ipcx_chan_close(struct ipcx_chan *c)
{
	int ret;

	if (!c)
		return -EINVAL;
	if (c->pending && c->role == IPCX_CHAN_SEND)
		ipcx_chan_commit(c, 0);		/* a cancelled slot */
	else if (c->pending)
		ipcx_chan_release(c);
	if (c->fd_given)
		__atomic_fetch_sub(c->role == IPCX_CHAN_RECV ? c->rx_waiting :
				   c->tx_waiting, 1, __ATOMIC_SEQ_CST);
	ret = ipcx_mutex_unlock(&c->self);
	/* wake waiters of the other role that do not watch our slot yet */
	ipcx_event_broadcast(c->role == IPCX_CHAN_SEND ? &c->ev_rx : &c->ev_tx);
	chan_close_fd(&c->evfd);
	free(c);
	return ret;
}

/* ---- peers ---------------------------------------------------------- */

static int word_live(uint32_t w)
{
	uint32_t id = w & IPCX_OWNER_ID_MASK;

	return id && id != IPCX_OWNER_NOTRECOVERABLE;
}

static uint32_t *peer_word(struct ipcx_chan *c, uint32_t i)
{
	return (uint32_t *)((char *)c->peer_words + (uint64_t)i * IPCX_LOCK_ALIGN);
}

static uint32_t peer_count(struct ipcx_chan *c)
{
	return c->npeers;
}

/*
 * 1 when a peer is attached, 0 when none is (and one was), -1 when no
 * peer ever attached. The ever-attached flag is read before the slot
 * words: an endpoint locks its slot before it sets the flag, so a flag
 * seen set means its slot was locked before the words are read. (Read
 * after them, the flag of a first peer attaching meanwhile turned "not
 * yet" into "gone": a false end of file or -EPIPE.)
 */
static int peers_alive(struct ipcx_chan *c)
{
	const struct chan_hdr *h = (const void *)c->base;
	uint32_t i, ever;

	ever = __atomic_load_n(c->role == IPCX_CHAN_SEND ? &h->ever_receiver :
			       &h->ever_sender, __ATOMIC_ACQUIRE);
	for (i = 0; i < peer_count(c); i++)
		if (word_live(__atomic_load_n(peer_word(c, i), __ATOMIC_ACQUIRE)))
			return 1;
	return ever ? 0 : -1;
}

/* ---- the message ring --------------------------------------------------- */

static struct chan_slot *slot_at(struct ipcx_chan *c, uint64_t pos)
{
	return (struct chan_slot *)(c->ring + (pos & c->mask) * c->slot_size);
}

static void *slot_payload(struct ipcx_chan *c, struct chan_slot *s)
{
	return (char *)s + c->pay_off;
}

/*
 * Signal ev when a waiter is registered and armed since the last signal.
 * Every waiter wakes (a broadcast): one armed flag stands for all of them,
 * whether they poll the event's lock fd (ipcx_chan_fd()) or sleep in
 * EVENT_WAIT.
 */
static void chan_wake(uint32_t *waiting, uint32_t *armed, struct ipcx_event *ev)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(waiting, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(armed, 0, __ATOMIC_SEQ_CST))
		ipcx_event_broadcast(ev);
}

/* Record the position we are about to claim; the claim (a seq_cst CAS,
 * or a release store with one endpoint per role) orders it before. */
static void rec_claim(struct ipcx_chan *c, uint64_t pos)
{
	__atomic_store_n(c->rec, pos << 1 | 1, __ATOMIC_RELEASE);
	if (!(pos % CHAN_HINT_EVERY))
		cpu_hint_update(c);
}

/* Our claim is over (published, given back, or lost the race): clear the
 * record and wake the other side, which may be waiting on it. */
static void rec_done(struct ipcx_chan *c, int wake)
{
	__atomic_store_n(c->rec, 0, __ATOMIC_RELEASE);
	if (!wake)
		return;
	if (c->role == IPCX_CHAN_SEND)
		chan_wake(c->rx_waiting, c->rx_armed, &c->ev_rx);
	else
		chan_wake(c->tx_waiting, c->tx_armed, &c->ev_tx);
}

/*
 * The work one call may do, whatever a peer left in the ring. A claim's
 * first look at its index is free; every further step costs one of the
 * call's CHAN_STEPS: a slot skipped (cancelled, a dead sender's hole, a
 * dead receiver's slot given back), a claim lost to another endpoint, an
 * index that moved under us. A step reads at most the slot, both indices
 * and the claim records and slot words of one role (2 x 64 lines). When
 * they are spent the try returns CHAN_MORE, having made progress: a
 * blocking call checks its deadline and goes on, a non-blocking one
 * returns -EAGAIN (chan_more()).
 */
#define CHAN_MORE	(-EINPROGRESS)

static bool chan_step(struct ipcx_chan *c)
{
	if (!c->steps)
		return false;
	c->steps--;
	return true;
}

/*
 * Move our role's index (tail or head) from *pos to *pos + 1: true when
 * it moved, false (and *pos the index now) when another endpoint of the
 * role moved it first. With one endpoint per role nobody else writes it
 * (the slot mutex), so a store does: release, after our claim record.
 */
static bool index_claim(uint64_t *index, uint64_t *pos, uint32_t endpoints)
{
	if (endpoints == 1) {
		__atomic_store_n(index, *pos + 1, __ATOMIC_RELEASE);
		return true;
	}
	return __atomic_compare_exchange_n(index, pos, *pos + 1, 0, __ATOMIC_SEQ_CST,
					   __ATOMIC_RELAXED);
}

/* Does a live endpoint of role record a claim of pos? */
static int claim_live(struct ipcx_chan *c, unsigned int role, uint64_t pos)
{
	uint32_t i, n = role == IPCX_CHAN_SEND ? c->max_tx : c->max_rx;

	for (i = 0; i < n; i++) {
		if (__atomic_load_n(rec_of(c, role, i), __ATOMIC_ACQUIRE) != (pos << 1 | 1))
			continue;
		if (word_live(__atomic_load_n((uint32_t *)(c->base +
				chan_slot_off(role, i, c->max_tx)), __ATOMIC_ACQUIRE)))
			return 1;
	}
	return 0;
}

/* Has the slot at pos not been published for this lap? (Queue: its
 * sequence is still pos; SPSC: anything but pos + 1.) */
static bool slot_unpublished(struct ipcx_chan *c, struct chan_slot *s, uint64_t pos)
{
	uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);

	return c->spsc ? seq != pos + 1 : seq == pos;
}

/* Receiver: the slot at pos (the head) was claimed by a sender (tail is
 * beyond it) that died before publishing it. */
static int rx_hole_dead(struct ipcx_chan *c, uint64_t pos)
{
	uint64_t tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	struct chan_slot *s = slot_at(c, pos);

	if ((int64_t)(tail - pos) <= 0 || tail - pos > c->capacity ||
	    !slot_unpublished(c, s, pos) || claim_live(c, IPCX_CHAN_SEND, pos))
		return 0;
	/* published meanwhile: the record was cleared after the sequence */
	return slot_unpublished(c, s, pos);
}

/* Sender: the slot at pos (the tail) holds position pos - capacity, which
 * a receiver (head is beyond it) claimed and died before giving back;
 * *seq is its sequence. */
static int tx_slot_dead(struct ipcx_chan *c, uint64_t pos, uint64_t *seq)
{
	uint64_t prev = pos - c->capacity, head;
	struct chan_slot *s = slot_at(c, pos);

	*seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
	if (*seq != prev && *seq != prev + 1)
		return 0;
	head = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
	if ((int64_t)(head - prev) <= 0 || claim_live(c, IPCX_CHAN_RECV, prev))
		return 0;
	return __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) == *seq;
}

/*
 * One sender, one receiver. A slot goes back to the sender through head
 * alone: the receiver never writes the slot, so a message moves its lines
 * one way only (writing the sequence back would pull them back, a second
 * transfer per message). Slot p's sequence is p + 1 once published;
 * anything behind means not yet (it starts as p + 1 - capacity, the value
 * of a lap before; a dead sender's hole leaves an older one), anything
 * ahead cannot be (-EPROTO). The sender has room while tail - head <
 * capacity, and reads head only when its last reading says full. Claim
 * records work as in the queue: the receiver skips the hole of a dead
 * sender (tail beyond head, no live claim), and a new receiver skips the
 * message its dead predecessor held (spsc_skip_held()).
 */
static int spsc_claim_tx(struct ipcx_chan *c, uint64_t *pos_out)
{
	uint64_t pos = __atomic_load_n(c->tail, __ATOMIC_RELAXED);

	if (pos - c->head_seen >= c->capacity) {
		c->head_seen = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
		if (pos - c->head_seen > c->capacity)
			return -EPROTO;		/* tail - head never exceeds it */
		if (pos - c->head_seen == c->capacity)
			return -EAGAIN;
	}
	rec_claim(c, pos);
	index_claim(c->tail, &pos, 1);
	*pos_out = pos;
	return 0;
}

static int spsc_claim_rx(struct ipcx_chan *c, uint64_t *pos_out, uint64_t limit)
{
	uint64_t pos, seq, tail;
	struct chan_slot *s;
	uint32_t len;

	for (;;) {
		pos = __atomic_load_n(c->head, __ATOMIC_RELAXED);
		s = slot_at(c, pos);
		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (seq == pos + 1)
			break;
		if (c->quick)
			return -EAGAIN;
		tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
		/* nothing is published ahead of head (the sender stays
		 * within a lap of it), and tail - head never exceeds it */
		if ((int64_t)(seq - (pos + 1)) > 0 || tail - pos > c->capacity)
			return -EPROTO;
		if (tail == pos || !rx_hole_dead(c, pos))
			return -EAGAIN;
		if (!chan_step(c))
			return CHAN_MORE;
		/* a dead sender's hole: step over it */
		rec_claim(c, pos);
		__atomic_store_n(c->head, pos + 1, __ATOMIC_RELEASE);
		rec_done(c, 1);
	}
	len = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
	if (len <= c->max_msg && len > limit)
		return -EMSGSIZE;
	rec_claim(c, pos);
	*pos_out = pos;
	return 0;
}

/* Claim the slot at tail: 0 and *pos, -EAGAIN when full, -EPROTO,
 * CHAN_MORE. */
static int msg_claim_tx(struct ipcx_chan *c, uint64_t *pos_out)
{
	uint64_t pos;
	int recorded = 0, looks = 0, ret;

	if (c->spsc)
		return spsc_claim_tx(c, pos_out);
	pos = __atomic_load_n(c->tail, __ATOMIC_RELAXED);
	for (;;) {
		struct chan_slot *s = slot_at(c, pos);
		uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		int64_t diff = (int64_t)(seq - pos);
		uint64_t again;

		if (looks++ && !chan_step(c)) {
			ret = CHAN_MORE;
			break;
		}
		if (diff == 0) {
			rec_claim(c, pos);
			recorded = 1;
			if (index_claim(c->tail, &pos, c->max_tx)) {
				*pos_out = pos;
				return 0;
			}
			continue;
		}
		if (diff < 0) {
			uint64_t head;

			/* the slot holds the last lap's message (published
			 * or not), or was scribbled: left to a full try */
			if (c->quick) {
				ret = -EAGAIN;
				break;
			}
			head = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);

			again = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
			if (again != pos) {
				pos = again;
				continue;
			}
			/* tail - head never exceeds the capacity */
			if (pos - head > c->capacity) {
				ret = -EPROTO;
				break;
			}
			if (tx_slot_dead(c, pos, &seq)) {
				/* give it back for the dead receiver */
				__atomic_compare_exchange_n(&s->seq, &seq, pos, 0,
							    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
				continue;
			}
			ret = -EAGAIN;
			break;
		}
		again = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
		if (again == pos) {	/* a slot ahead of the tail */
			ret = -EPROTO;
			break;
		}
		pos = again;
	}
	if (recorded)
		rec_done(c, 1);
	return ret;
}

/* Claim the slot at head: 0 and *pos, -EAGAIN when empty, -EPROTO,
 * -EMSGSIZE (a valid message longer than limit: left in place),
 * CHAN_MORE. Holes of dead senders are skipped. */
static int msg_claim_rx(struct ipcx_chan *c, uint64_t *pos_out, uint64_t limit)
{
	uint64_t pos;
	int recorded = 0, looks = 0, ret;

	if (c->spsc)
		return spsc_claim_rx(c, pos_out, limit);
	pos = __atomic_load_n(c->head, __ATOMIC_RELAXED);
	for (;;) {
		struct chan_slot *s = slot_at(c, pos);
		uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		int64_t diff = (int64_t)(seq - (pos + 1));
		uint64_t again, tail;

		if (looks++ && !chan_step(c)) {
			ret = CHAN_MORE;
			break;
		}
		if (diff == 0) {
			uint32_t len = __atomic_load_n(&s->len, __ATOMIC_RELAXED);

			if (len <= c->max_msg && len > limit) {
				ret = -EMSGSIZE;
				break;
			}
			rec_claim(c, pos);
			recorded = 1;
			if (index_claim(c->head, &pos, c->max_rx)) {
				*pos_out = pos;
				return 0;
			}
			continue;
		}
		if (diff < 0) {
			/* not published yet, not given back a lap before, or
			 * scribbled: left to a full try */
			if (c->quick) {
				ret = -EAGAIN;
				break;
			}
			tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
			again = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
			if (again != pos) {
				pos = again;
				continue;
			}
			if (tail - pos > c->capacity) {
				ret = -EPROTO;
				break;
			}
			if (tail != pos && rx_hole_dead(c, pos)) {
				/* claim the dead sender's slot and give it back */
				rec_claim(c, pos);
				recorded = 1;
				if (index_claim(c->head, &pos, c->max_rx)) {
					again = pos;
					__atomic_compare_exchange_n(&s->seq, &again,
								    pos + c->capacity, 0,
								    __ATOMIC_SEQ_CST,
								    __ATOMIC_RELAXED);
					rec_done(c, 1);
					recorded = 0;
					pos++;
				}
				continue;
			}
			ret = -EAGAIN;
			break;
		}
		again = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
		if (again == pos) {
			ret = -EPROTO;
			break;
		}
		pos = again;
	}
	if (recorded)
		rec_done(c, 1);
	return ret;
}

static void msg_publish(struct ipcx_chan *c, uint64_t pos, uint32_t len)
{
	struct chan_slot *s = slot_at(c, pos);

	s->len = len;
	__atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
	rec_done(c, 1);
}

static void msg_give_back(struct ipcx_chan *c, uint64_t pos)
{
	if (c->spsc)
		__atomic_store_n(c->head, pos + 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&slot_at(c, pos)->seq, pos + c->capacity, __ATOMIC_RELEASE);
	rec_done(c, 1);
}

/* ---- one sender, one receiver: the fast path ---------------------------- */

#define CHAN_SLOW	(-ECANCELED)	/* spsc_recv_now(): the general path's case */

/*
 * A message sent or received with the ring ready is a few loads and stores
 * on an SPSC channel: these do just that, without the general path's claim
 * loop, io structure and indirect calls (about 120 instructions per message
 * sent and received instead of 350). What they do not handle they leave,
 * having changed nothing, to the general path: spsc_send_now() a full ring,
 * a receiver gone or scribbled indices (-EAGAIN); spsc_recv_now() an empty
 * ring (-EAGAIN), and a cancelled or scribbled slot, or a message longer
 * than the buffer (CHAN_SLOW). The claim records are kept as in the general
 * path, so recovery from a death is the same.
 */
static inline int spsc_send_now(struct ipcx_chan *c, const void *buf, uint32_t len)
{
	uint64_t pos = __atomic_load_n(c->tail, __ATOMIC_RELAXED);
	struct chan_slot *s;

	if (pos - c->head_seen >= c->capacity ||
	    !word_live(__atomic_load_n(c->peer_words, __ATOMIC_ACQUIRE)))
		return -EAGAIN;
	s = slot_at(c, pos);
	rec_claim(c, pos);
	__atomic_store_n(c->tail, pos + 1, __ATOMIC_RELEASE);
	memcpy(slot_payload(c, s), buf, len);
	msg_publish(c, pos, len);
	return 0;
}

static inline int spsc_recv_now(struct ipcx_chan *c, void *buf, size_t size)
{
	uint64_t pos = __atomic_load_n(c->head, __ATOMIC_RELAXED);
	struct chan_slot *s = slot_at(c, pos);
	uint32_t len;

	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != pos + 1)
		return -EAGAIN;
	len = __atomic_load_n(&s->len, __ATOMIC_RELAXED);	/* read once */
	if (!len || len > c->max_msg || len > size)
		return CHAN_SLOW;
	rec_claim(c, pos);
	memcpy(buf, slot_payload(c, s), len);
	msg_give_back(c, pos);
	return (int)len;
}

/* ---- streams -------------------------------------------------------- */

/* Bytes a stream endpoint can move now: room for a sender, data for a
 * receiver; *at is where (tail or head). -EPROTO for impossible indices. */
static int stream_room(struct ipcx_chan *c, uint64_t *at)
{
	uint64_t tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	uint64_t head = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
	uint64_t used = tail - head, n;

	if (used > c->ring_bytes)
		return -EPROTO;
	n = c->role == IPCX_CHAN_SEND ? c->ring_bytes - used : used;
	*at = c->role == IPCX_CHAN_SEND ? tail : head;
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

static void ring_copy(struct ipcx_chan *c, uint64_t pos, void *buf, size_t n, int to_ring)
{
	uint64_t off = pos & c->mask;
	size_t first = c->ring_bytes - off < n ? c->ring_bytes - off : n;

	if (to_ring) {
		memcpy(c->ring + off, buf, first);
		memcpy(c->ring, (char *)buf + first, n - first);
	} else {
		memcpy(buf, c->ring + off, first);
		memcpy((char *)buf + first, c->ring, n - first);
	}
}

/* ---- waiting -------------------------------------------------------- */

/*
 * Would a receiver's full try at pos find something other than "empty"?
 * A message, a slot to skip, or -EPROTO: the tests of msg_claim_rx() and
 * spsc_claim_rx(), so that a waiter sleeps exactly when its try says
 * -EAGAIN. (A queue slot a lap behind, still held by a receiver or left by
 * a dead one, is no message: taken for one, a waiter never slept.)
 */
static bool rx_ready(struct ipcx_chan *c, uint64_t pos)
{
	uint64_t seq = __atomic_load_n(&slot_at(c, pos)->seq, __ATOMIC_ACQUIRE), tail;

	if ((int64_t)(seq - (pos + 1)) >= 0)
		return true;	/* published; a slot ahead: -EPROTO */
	tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	return tail - pos > c->capacity || (tail != pos && rx_hole_dead(c, pos));
}

/* The same for a queue's sender at pos (msg_claim_tx()): a free slot, a
 * dead receiver's slot to give back, or -EPROTO. */
static bool tx_ready(struct ipcx_chan *c, uint64_t pos)
{
	uint64_t seq = __atomic_load_n(&slot_at(c, pos)->seq, __ATOMIC_ACQUIRE);

	if ((int64_t)(seq - pos) >= 0)
		return true;	/* free; a slot ahead: -EPROTO */
	return pos - __atomic_load_n(c->head, __ATOMIC_ACQUIRE) > c->capacity ||
	       tx_slot_dead(c, pos, &seq);
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
		return stream_room(c, &at) != 0;
	if (c->role == IPCX_CHAN_RECV)
		return rx_ready(c, __atomic_load_n(c->head, __ATOMIC_ACQUIRE));
	if (c->spsc)	/* room, or impossible indices (the try says so) */
		return spsc_tx_room(c);
	return tx_ready(c, __atomic_load_n(c->tail, __ATOMIC_ACQUIRE));
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

static int chan_evfd(struct ipcx_chan *c)
{
	if (c->evfd < 0) {
		int fd = ipcx_lock_fd(c->fd, c->role == IPCX_CHAN_RECV ?
				      OFF_EV_RX : OFF_EV_TX);

		if (fd < 0)
			return fd;
		c->evfd = fd;
	}
	return c->evfd;
}

/* The next publish (give-back) by the other side signals our event. */
static void chan_set_armed(struct ipcx_chan *c)
{
	__atomic_store_n(c->role == IPCX_CHAN_RECV ? c->rx_armed : c->tx_armed, 1,
			 __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Mark the event seen, so that the next move makes the fd readable. */
static int chan_arm(struct ipcx_chan *c)
{
	int saved = errno, fd = chan_evfd(c), ret = 0;
	uint64_t seq;

	if (fd < 0)
		return fd;
	if (read(fd, &seq, sizeof(seq)) != sizeof(seq))
		ret = -errno;
	errno = saved;
	if (!ret)
		chan_set_armed(c);
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
		cpu_relax();
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
 * Sleep until the ring may be ready, a watched peer goes, or the time is
 * up: 0 (look again), CHAN_NOSLEEP (look again: it did not sleep, the
 * ring looked ready or no peer is left, or a forced sleep ran out),
 * -ETIMEDOUT, -EINTR, -errno. The ordering is in the essay at the top of
 * this file. A forced sleep (backoff, ns, not 0) skips the check of the
 * ring and lasts at most backoff: chan_loop() forces one when the check
 * keeps saying "ready" and the try keeps saying "empty" (a peer that
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
	chan_set_armed(c);	/* after the sequence is read */
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
static int chan_loop(struct ipcx_chan *c, int (*try)(struct ipcx_chan *, void *),
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

/*
 * One quick try, then the loop: the common case (ready at once) is the
 * claim alone. Inlined with a constant try, so that is a direct call.
 */
static inline int chan_call(struct ipcx_chan *c, int (*try)(struct ipcx_chan *, void *),
			    void *arg, unsigned int flags, const struct timespec *abstime,
			    clockid_t clock)
{
	int ret;

	c->steps = CHAN_STEPS;
	if (!(flags & ~IPCX_CHAN_NONBLOCK)) {	/* else chan_loop() says -EINVAL */
		c->quick = 1;
		ret = try(c, arg);
		c->quick = 0;
		if (ret != -EAGAIN && ret != CHAN_MORE)
			return ret;
	}
	return chan_loop(c, try, arg, flags, abstime, clock);
}

/* ---- messages: copy and zero copy ------------------------------------- */

struct chan_io {
	void *buf;
	size_t len;
	int view;
};

static int try_reserve(struct ipcx_chan *c, void *arg)
{
	struct chan_io *io = arg;
	int ret = msg_claim_tx(c, &c->pend_pos);

	if (ret)
		return ret;
	c->pending = 1;
	io->buf = slot_payload(c, slot_at(c, c->pend_pos));
	return 0;
}

/* Reserve a slot for len bytes (a sender of messages, nothing pending). */
static int chan_reserve(struct ipcx_chan *c, size_t len, void **buf,
			unsigned int flags, const struct timespec *abstime,
			clockid_t clock)
{
	struct chan_io io = { NULL, len, 0 };
	int ret;

	if (!len)
		return -EINVAL;
	if (len > c->max_msg)
		return -EMSGSIZE;
	/* a sender with no receiver left fails at once, like a pipe */
	if (!peers_alive(c))
		return -EPIPE;
	ret = chan_call(c, try_reserve, &io, flags, abstime, clock);
	if (!ret)
		*buf = io.buf;
	return ret;
}

int ipcx_chan_reserve(struct ipcx_chan *c, size_t len, void **buf,
		      unsigned int flags, const struct timespec *abstime,
		      clockid_t clock)
{
	if (!c || !buf || c->role != IPCX_CHAN_SEND || c->pending)
		return -EINVAL;
	if (c->flags & IPCX_CHAN_STREAM)
		return -EOPNOTSUPP;
	return chan_reserve(c, len, buf, flags, abstime, clock);
}

int ipcx_chan_commit(struct ipcx_chan *c, size_t len)
{
	if (!c || !c->pending || c->role != IPCX_CHAN_SEND || len > c->max_msg)
		return -EINVAL;
	c->pending = 0;
	msg_publish(c, c->pend_pos, (uint32_t)len);
	return 0;
}

/* Claim the next message, skipping cancelled slots (a step each). */
static int try_view(struct ipcx_chan *c, void *arg)
{
	struct chan_io *io = arg;
	uint32_t len;
	int ret;

	for (;;) {
		ret = msg_claim_rx(c, &c->pend_pos, io->view ? UINT64_MAX : io->len);
		if (ret)
			return ret;
		len = __atomic_load_n(&slot_at(c, c->pend_pos)->len, __ATOMIC_RELAXED);
		if (len && len <= c->max_msg)
			break;
		msg_give_back(c, c->pend_pos);
		if (len)
			return -EBADMSG;
		if (!chan_step(c))
			return CHAN_MORE;
	}
	if (!io->view && len > io->len) {
		/* the length changed under us after the check: a scribbler */
		msg_give_back(c, c->pend_pos);
		return -EBADMSG;
	}
	c->pending = 1;
	io->buf = slot_payload(c, slot_at(c, c->pend_pos));
	return (int)len;
}

int ipcx_chan_recv_view(struct ipcx_chan *c, const void **buf,
			unsigned int flags, const struct timespec *abstime,
			clockid_t clock)
{
	struct chan_io io = { NULL, 0, 1 };
	int ret;

	if (!c || !buf || c->role != IPCX_CHAN_RECV || c->pending)
		return -EINVAL;
	if (c->flags & IPCX_CHAN_STREAM)
		return -EOPNOTSUPP;
	ret = chan_call(c, try_view, &io, flags, abstime, clock);
	if (ret > 0)
		*buf = io.buf;
	return ret;
}

int ipcx_chan_release(struct ipcx_chan *c)
{
	if (!c || !c->pending || c->role != IPCX_CHAN_RECV)
		return -EINVAL;
	c->pending = 0;
	msg_give_back(c, c->pend_pos);
	return 0;
}

/* A view taken by try_view() for a copying receive: copy it out, give
 * the slot back. */
static void view_copy_out(struct ipcx_chan *c, void *dst, const void *src, int len)
{
	memcpy(dst, src, len);
	c->pending = 0;
	msg_give_back(c, c->pend_pos);
}

/*
 * Receive into io->buf on an SPSC channel: the fast path, and the general
 * one in a full try (c->quick clear) or for what the fast one leaves.
 * try_view() points io->buf at the slot only when it returns a message.
 */
static int try_spsc_recv(struct ipcx_chan *c, void *arg)
{
	struct chan_io *io = arg;
	void *dst = io->buf;
	int ret = spsc_recv_now(c, dst, io->len);

	if (ret > 0 || (ret == -EAGAIN && c->quick))
		return ret;
	ret = try_view(c, io);
	if (ret > 0)
		view_copy_out(c, dst, io->buf, ret);
	return ret;
}

/* ---- streams: copy ------------------------------------------------------ */

/* Move what fits of io between the caller and a stream. */
static int try_stream(struct ipcx_chan *c, void *arg)
{
	int tx = c->role == IPCX_CHAN_SEND;
	struct chan_io *io = arg;
	uint64_t at;
	int room = stream_room(c, &at);
	size_t n;

	if (room <= 0)
		return room ? room : -EAGAIN;
	n = io->len < (size_t)room ? io->len : (size_t)room;
	ring_copy(c, at, io->buf, n, tx);
	__atomic_store_n(tx ? c->tail : c->head, at + n, __ATOMIC_RELEASE);
	if (tx)
		chan_wake(c->rx_waiting, c->rx_armed, &c->ev_rx);
	else
		chan_wake(c->tx_waiting, c->tx_armed, &c->ev_tx);
	return (int)n;
}

static __attribute__((noinline)) int
chan_send(struct ipcx_chan *c, const void *buf, size_t len, unsigned int flags,
	  const struct timespec *abstime, clockid_t clock)
{
	struct chan_io io;
	size_t done = 0;
	void *slot;
	int ret;

	if (!c || (!buf && len) || c->role != IPCX_CHAN_SEND || c->pending ||
	    len > INT32_MAX)
		return -EINVAL;
	if (!(c->flags & IPCX_CHAN_STREAM)) {
		ret = chan_reserve(c, len, &slot, flags, abstime, clock);
		if (ret)
			return ret;
		memcpy(slot, buf, len);
		c->pending = 0;
		msg_publish(c, c->pend_pos, (uint32_t)len);
		return (int)len;
	}
	if (!peers_alive(c))
		return -EPIPE;
	while (done < len) {
		io.buf = (char *)buf + done;
		io.len = len - done;
		ret = chan_loop(c, try_stream, &io, flags, abstime, clock);
		if (ret < 0)
			return done ? (int)done : ret;
		done += ret;
	}
	return (int)done;
}

/* The fast path first (every argument it takes is valid), then the rest. */
int ipcx_chan_send(struct ipcx_chan *c, const void *buf, size_t len,
		   unsigned int flags, const struct timespec *abstime,
		   clockid_t clock)
{
	if (c && c->fast_tx && !c->pending && buf && len && len <= c->max_msg &&
	    !(flags & ~IPCX_CHAN_NONBLOCK) && !spsc_send_now(c, buf, (uint32_t)len))
		return (int)len;
	return chan_send(c, buf, len, flags, abstime, clock);
}

static __attribute__((noinline)) int
chan_recv(struct ipcx_chan *c, void *buf, size_t len, unsigned int flags,
	  const struct timespec *abstime, clockid_t clock)
{
	struct chan_io io = { buf, len > INT32_MAX ? INT32_MAX : len, 0 };
	int ret;

	if (!c || (!buf && len) || c->role != IPCX_CHAN_RECV || c->pending)
		return -EINVAL;
	c->steps = CHAN_STEPS;
	if (c->flags & IPCX_CHAN_STREAM)
		return len ? chan_loop(c, try_stream, &io, flags, abstime, clock) : 0;
	if (c->spsc)
		return chan_loop(c, try_spsc_recv, &io, flags, abstime, clock);
	ret = chan_call(c, try_view, &io, flags, abstime, clock);
	if (ret > 0)
		view_copy_out(c, buf, io.buf, ret);
	return ret;
}

int ipcx_chan_recv(struct ipcx_chan *c, void *buf, size_t len,
		   unsigned int flags, const struct timespec *abstime,
		   clockid_t clock)
{
	int ret;

	if (c && c->fast_rx && !c->pending && buf && !(flags & ~IPCX_CHAN_NONBLOCK)) {
		ret = spsc_recv_now(c, buf, len > INT32_MAX ? INT32_MAX : len);
		if (ret > 0)
			return ret;
	}
	return chan_recv(c, buf, len, flags, abstime, clock);
}

int ipcx_chan_set_spin(struct ipcx_chan *c, uint64_t ns)
{
	if (!c || ns > CHAN_SPIN_MAX_NS)
		return -EINVAL;
	c->spin_ns = ns;
	return 0;
}

int ipcx_chan_fd(struct ipcx_chan *c)
{
	int ret;

	if (!c)
		return -EINVAL;
	if (c->fd_given)
		return c->evfd;
	ret = chan_evfd(c);
	if (ret < 0)
		return ret;
	c->fd_given = 1;
	/* a permanent waiter, armed: the next publish signals the event; a
	 * call that returns -EAGAIN arms it again */
	__atomic_fetch_add(c->role == IPCX_CHAN_RECV ? c->rx_waiting : c->tx_waiting,
			   1, __ATOMIC_SEQ_CST);
	chan_set_armed(c);
	return c->evfd;
}
