// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: the calls that move messages and bytes, copying or in place,
 * and the readiness fd. Each is a try (a claim, a copy) run by
 * ipcx_wait_loop() (wait.c) until it succeeds, fails, or the time is up;
 * an SPSC channel's send and receive try the inlined fast path first
 * (channel.h).
 */
#include <stdint.h>

#include "channel.h"

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
	if (!(flags & ~IPCX_CHAN_NONBLOCK)) {	/* else ipcx_wait_loop() says -EINVAL */
		c->quick = 1;
		ret = try(c, arg);
		c->quick = 0;
		if (ret != -EAGAIN && ret != CHAN_MORE)
			return ret;
	}
	return ipcx_wait_loop(c, try, arg, flags, abstime, clock);
}

static int try_reserve(struct ipcx_chan *c, void *arg)
{
	struct chan_io *io = arg;
	int ret = ipcx_ring_claim_tx(c, &c->pend_pos);

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
		ret = ipcx_ring_claim_rx(c, &c->pend_pos, io->view ? UINT64_MAX : io->len);
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
		ret = ipcx_wait_loop(c, ipcx_stream_try, &io, flags, abstime, clock);
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
		return len ? ipcx_wait_loop(c, ipcx_stream_try, &io, flags, abstime, clock) : 0;
	if (c->spsc)
		return ipcx_wait_loop(c, try_spsc_recv, &io, flags, abstime, clock);
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

int ipcx_chan_fd(struct ipcx_chan *c)
{
	int ret;

	if (!c)
		return -EINVAL;
	if (c->fd_given)
		return c->evfd;
	ret = ipcx_wait_evfd(c);
	if (ret < 0)
		return ret;
	c->fd_given = 1;
	/* a permanent waiter, armed: the next publish signals the event; a
	 * call that returns -EAGAIN arms it again */
	__atomic_fetch_add(c->role == IPCX_CHAN_RECV ? c->rx_waiting : c->tx_waiting,
			   1, __ATOMIC_SEQ_CST);
	ipcx_wait_set_armed(c);
	return c->evfd;
}
