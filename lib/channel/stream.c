// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: the byte stream, one sender and one receiver. A ring of
 * ring_bytes bytes with head and tail byte counters: the sender copies in
 * at tail and releases tail, the receiver copies out at head and releases
 * head; each then signals the other side's waiters (wait.c).
 */

#include "channel.h"

/* Bytes a stream endpoint can move now: room for a sender, data for a
 * receiver; *at is where (tail or head). -EPROTO for impossible indices. */
int ipcx_stream_room(struct ipcx_chan *c, uint64_t *at)
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

/* Move what fits of io between the caller and a stream. */
int ipcx_stream_try(struct ipcx_chan *c, void *arg)
{
	int tx = c->role == IPCX_CHAN_SEND;
	struct chan_io *io = arg;
	uint64_t at;
	int room = ipcx_stream_room(c, &at);
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
