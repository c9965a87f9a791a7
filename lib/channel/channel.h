/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Channels, private: the region's layout, the handle, and the ring's
 * primitives that the fast path inlines. The protocol is described once,
 * at the top of ring.c (claims, records, dead endpoints, what is trusted)
 * and of wait.c (sleeping without lost wake-ups).
 *
 *   channel.h  this file
 *   setup.c    geometry, init, open and close, attaching, peers
 *   ring.c     the message ring: MPMC queue and SPSC claims, dead slots
 *   stream.c   the byte stream
 *   wait.c     readiness, spinning, sleeping, the call loop
 *   api.c      send, receive, zero copy, the readiness fd
 */
#ifndef LIBIPCX_CHANNEL_H
#define LIBIPCX_CHANNEL_H

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "../lock_internal.h"

#define CHAN_MAGIC	0x4e414843u	/* "CHAN" */
#define CHAN_VERSION	4		/* this layout: claim records with CPU
					 * hint lines, SPSC slots given back
					 * through head, payloads beyond a line
					 * on the slot's second line */
#define CHAN_SPIN_NS	20000		/* default spin before sleeping */
#define CHAN_SPIN_MAX_NS 1000000000ull	/* ipcx_chan_set_spin() at most */
#define CHAN_SPIN_CHECK	64		/* turns between clock reads */
#define CHAN_HINT_EVERY	64		/* claims between CPU hint updates */
#define CHAN_STEPS	64		/* slot steps per call (chan_step()) */
#define CHAN_MISSES	3		/* wake-ups without sleeping before a
					 * forced sleep (ipcx_chan_loop()) */
#define CHAN_BACKOFF_NS	1000000ull	/* its length, doubling up to 16 x */
#define CHAN_MAX_PEERS	64
#define CHAN_MAX_CAP	(1u << 24)
#define CHAN_MAX_MSG	(1u << 26)
#define CHAN_LINE	64

/* One role's waiters (wait.c): registered, and armed since the last signal. */
struct chan_waiters {
	uint32_t waiting;
	uint32_t armed;
};

/*
 * The region, from its start (one channel per region). Every member after
 * the geometry has its own cache line: each is written by one side and
 * read by the other, and sharing a line would move it for both.
 */
struct chan_hdr {
	/* written by ipcx_chan_init(), copied into the handle at open */
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
	/* set by the first endpoint of each role (peers_alive()) */
	uint32_t ever_sender;
	uint32_t ever_receiver;
	_Alignas(CHAN_LINE) uint64_t tail;	/* next position a sender claims */
	_Alignas(CHAN_LINE) uint64_t head;	/* next position a receiver claims */
	_Alignas(CHAN_LINE) struct chan_waiters rx;	/* receivers about to sleep */
	_Alignas(CHAN_LINE) struct chan_waiters tx;	/* senders about to sleep */
	/* event blocks: "not empty" (receivers wait on it), "not full" */
	_Alignas(CHAN_LINE) unsigned char ev_rx[IPCX_LOCK_ALIGN];
	_Alignas(CHAN_LINE) unsigned char ev_tx[IPCX_LOCK_ALIGN];
	/*
	 * max_senders slot mutexes, then max_receivers (IPCX_LOCK_ALIGN
	 * each); one claim record per endpoint, same order (REC_BYTES each:
	 * the record's line, then the endpoint's CPU hint line); the ring at
	 * ring_off, after the records.
	 */
	_Alignas(CHAN_LINE) unsigned char slots[];
};

/* The layout is shared between processes and library builds: it must not
 * move (CHAN_VERSION names it). */
static_assert(offsetof(struct chan_hdr, ever_receiver) + 4 <= CHAN_LINE, "geometry line");
static_assert(offsetof(struct chan_hdr, tail) == 64, "tail");
static_assert(offsetof(struct chan_hdr, head) == 128, "head");
static_assert(offsetof(struct chan_hdr, rx) == 192, "receivers' waiters");
static_assert(offsetof(struct chan_hdr, tx) == 256, "senders' waiters");
static_assert(offsetof(struct chan_hdr, ev_rx) == 320, "event not empty");
static_assert(offsetof(struct chan_hdr, ev_tx) == 384, "event not full");
static_assert(offsetof(struct chan_hdr, slots) == 448, "slot mutexes");
static_assert(IPCX_LOCK_ALIGN == CHAN_LINE, "a lock block is a line");

#define CHAN_OFF_EV_RX	offsetof(struct chan_hdr, ev_rx)
#define CHAN_OFF_EV_TX	offsetof(struct chan_hdr, ev_tx)
#define CHAN_OFF_SLOTS	offsetof(struct chan_hdr, slots)
#define REC_BYTES	(2 * IPCX_LOCK_ALIGN)	/* claim record line + CPU hint line */

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
	/* set by ipcx_wait_loop while a miss may be a plain "empty" or "full":
	 * the claims then skip the hole and dead-slot look-ups, which read
	 * the other side's lines (see ipcx_wait_loop) */
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

/* ---- accessors -------------------------------------------------------- */

static inline uint64_t chan_slot_off(unsigned int role, uint32_t i, uint32_t max_tx)
{
	return CHAN_OFF_SLOTS + (uint64_t)(role == IPCX_CHAN_SEND ? i : max_tx + i) *
				IPCX_LOCK_ALIGN;
}

/* The claim record of endpoint i of role. */
static inline uint64_t *rec_of(struct ipcx_chan *c, unsigned int role, uint32_t i)
{
	return (uint64_t *)(c->recs + (uint64_t)(role == IPCX_CHAN_SEND ? i : c->max_tx + i) *
				      REC_BYTES);
}

/*
 * Where an endpoint last ran: CPU + 1 in the line after its claim record
 * (0: not known), set when it attaches, updated before it spins and
 * every CHAN_HINT_EVERY claims (so that one that never waits still moves
 * it when it migrates), and written only when it changes. Its own line,
 * so that a peer reading it before spinning does not take the record's
 * line away from its writer.
 * A hint only, for spinning: a scribbled value costs at most a useless
 * spin or a sleep.
 */
static inline uint32_t *cpu_hint_of(uint64_t *rec)
{
	return (uint32_t *)((char *)rec + IPCX_LOCK_ALIGN);
}

/* Keep our CPU hint current (our own record's line, written anyway);
 * returns the CPU, or -1 if unknown. */
static inline int cpu_hint_update(struct ipcx_chan *c)
{
	int cpu = sched_getcpu();	/* rseq or vDSO: no system call */

	if (cpu >= 0 && __atomic_load_n(cpu_hint_of(c->rec), __ATOMIC_RELAXED) !=
			(uint32_t)cpu + 1)
		__atomic_store_n(cpu_hint_of(c->rec), (uint32_t)cpu + 1, __ATOMIC_RELAXED);
	return cpu;
}

static inline int word_live(uint32_t w)
{
	uint32_t id = w & IPCX_OWNER_ID_MASK;

	return id && id != IPCX_OWNER_NOTRECOVERABLE;
}

static inline uint32_t *peer_word(struct ipcx_chan *c, uint32_t i)
{
	return (uint32_t *)((char *)c->peer_words + (uint64_t)i * IPCX_LOCK_ALIGN);
}

static inline uint32_t peer_count(struct ipcx_chan *c)
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
static inline int peers_alive(struct ipcx_chan *c)
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

static inline struct chan_slot *slot_at(struct ipcx_chan *c, uint64_t pos)
{
	return (struct chan_slot *)(c->ring + (pos & c->mask) * c->slot_size);
}

static inline void *slot_payload(struct ipcx_chan *c, struct chan_slot *s)
{
	return (char *)s + c->pay_off;
}

/* ---- claims and signals ---------------------------------------------- */

/*
 * Signal ev when a waiter is registered and armed since the last signal.
 * Every waiter wakes (a broadcast): one armed flag stands for all of them,
 * whether they poll the event's lock fd (ipcx_chan_fd()) or sleep in
 * EVENT_WAIT.
 */
static inline void chan_wake(uint32_t *waiting, uint32_t *armed, struct ipcx_event *ev)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(waiting, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(armed, 0, __ATOMIC_SEQ_CST))
		ipcx_event_broadcast(ev);
}

/* Record the position we are about to claim; the claim (a seq_cst CAS,
 * or a release store with one endpoint per role) orders it before. */
static inline void rec_claim(struct ipcx_chan *c, uint64_t pos)
{
	__atomic_store_n(c->rec, pos << 1 | 1, __ATOMIC_RELEASE);
	if (!(pos % CHAN_HINT_EVERY))
		cpu_hint_update(c);
}

/* Our claim is over (published, given back, or lost the race): clear the
 * record and wake the other side, which may be waiting on it. */
static inline void rec_done(struct ipcx_chan *c, int wake)
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

static inline bool chan_step(struct ipcx_chan *c)
{
	if (!c->steps)
		return false;
	c->steps--;
	return true;
}

static inline void msg_publish(struct ipcx_chan *c, uint64_t pos, uint32_t len)
{
	struct chan_slot *s = slot_at(c, pos);

	s->len = len;
	__atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
	rec_done(c, 1);
}

static inline void msg_give_back(struct ipcx_chan *c, uint64_t pos)
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

/* ---- between the parts ------------------------------------------------- */

/* ring.c: claims (0 and *pos, -EAGAIN, -EPROTO, CHAN_MORE; a receiver's
 * -EMSGSIZE) and the readiness checks that mirror them */
int ipcx_ring_claim_tx(struct ipcx_chan *c, uint64_t *pos_out);
int ipcx_ring_claim_rx(struct ipcx_chan *c, uint64_t *pos_out, uint64_t limit);
bool ipcx_ring_rx_ready(struct ipcx_chan *c, uint64_t pos);
bool ipcx_ring_tx_ready(struct ipcx_chan *c, uint64_t pos);

/* stream.c */
int ipcx_stream_room(struct ipcx_chan *c, uint64_t *at);
int ipcx_stream_try(struct ipcx_chan *c, void *arg);

/* wait.c */
int ipcx_wait_loop(struct ipcx_chan *c, int (*try)(struct ipcx_chan *, void *),
		   void *arg, unsigned int flags, const struct timespec *abstime,
		   clockid_t clock);
int ipcx_wait_evfd(struct ipcx_chan *c);
void ipcx_wait_set_armed(struct ipcx_chan *c);

/* api.c: one transfer's arguments, through ipcx_wait_loop() to a try */
struct chan_io {
	void *buf;
	size_t len;
	int view;
};

#endif
