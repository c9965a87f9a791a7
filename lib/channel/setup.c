// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: geometry, init, open and close, attaching to a slot of the
 * role. The protocol: ring.c and wait.c.
 */
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"

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
	*ring_off = CHAN_OFF_SLOTS + (uint64_t)(a->max_senders + a->max_receivers) *
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
	ret = ipcx_event_init(&ev, fd, base, CHAN_OFF_EV_RX);
	if (!ret)
		ret = ipcx_event_init(&ev, fd, base, CHAN_OFF_EV_TX);
	for (i = 0; !ret && i < attr->max_senders + attr->max_receivers; i++) {
		uint64_t slot = CHAN_OFF_SLOTS + i * IPCX_LOCK_ALIGN;

		/* a sender's death wakes receivers, and the other way round */
		ret = ipcx_mutex_declare_death_event(fd, slot, i < attr->max_senders ?
						     CHAN_OFF_EV_RX : CHAN_OFF_EV_TX);
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
	struct chan_hdr *h = (void *)c->base;
	struct ipcx_chan_attr a;
	uint64_t off, bytes;
	uint32_t ss;

	if (size < CHAN_OFF_SLOTS ||
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
	c->recs = c->base + CHAN_OFF_SLOTS + (uint64_t)(c->max_tx + c->max_rx) * IPCX_LOCK_ALIGN;
	c->tail = &h->tail;
	c->head = &h->head;
	c->rx_waiting = &h->rx.waiting;
	c->tx_waiting = &h->tx.waiting;
	c->rx_armed = &h->rx.armed;
	c->tx_armed = &h->tx.armed;
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
	uint64_t ev = c->role == IPCX_CHAN_RECV ? CHAN_OFF_EV_RX : CHAN_OFF_EV_TX;
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
		ret = ipcx_event_attach(&c->ev_rx, fd, base, CHAN_OFF_EV_RX);
	}
	if (!ret)
		ret = ipcx_event_attach(&c->ev_tx, fd, base, CHAN_OFF_EV_TX);
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

int ipcx_chan_set_spin(struct ipcx_chan *c, uint64_t ns)
{
	if (!c || ns > CHAN_SPIN_MAX_NS)
		return -EINVAL;
	c->spin_ns = ns;
	return 0;
}
