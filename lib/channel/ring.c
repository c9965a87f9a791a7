// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Channels: message passing over an ipcx region; the message ring.
 *
 * The channel protocol, part one: the ring, endpoints that die, what is
 * trusted. Part two, sleeping without lost wake-ups, is at the top of
 * wait.c; the layout is struct chan_hdr (channel.h). ipcx_channel(3) and
 * README describe what a user sees and point here for how.
 *
 * Messages: a bounded multi-producer multi-consumer queue (Vyukov): each
 * slot has a sequence; a sender claims position p when slot p's sequence
 * is p (CAS on tail), writes, and publishes sequence p + 1; a receiver
 * claims p when the sequence is p + 1 (CAS on head), reads, and gives it
 * back as p + capacity. Length 0 marks a cancelled slot, which receivers
 * skip. With one sender and one receiver (SPSC) slots go back through head
 * instead, and the receiver never writes a slot (see spsc_claim_tx()).
 * Streams: a single-producer single-consumer byte ring with head and tail
 * byte counters (stream.c).
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
 * Sleeping: a blocked endpoint registers as a waiter and sleeps on its
 * role's event; whoever changes the ring signals it when a waiter is armed,
 * and a peer's death signals it too (wait.c).
 *
 * Nothing read from the region is trusted: the geometry is copied into the
 * handle at open and checked against the region size; every position is
 * masked with the handle's mask; lengths are checked against the handle's
 * max_msg (-EBADMSG). Impossible states, as ipcx_channel(3) and README list
 * them (lib/tests/chan_states_test.c checks each, every kind and role):
 *
 * -EPROTO:
 * - a slot's sequence ahead of its index: head for a message receiver
 *   (ipcx_ring_claim_rx(), spsc_claim_rx()), tail for a queue sender
 *   (ipcx_ring_claim_tx()); in a queue when the index has not moved
 *   meanwhile;
 * - tail - head > capacity (head beyond tail included), as seen by a
 *   message receiver whose slot at head is not published, a queue sender
 *   whose slot at tail is not free, an SPSC sender whose cached head says
 *   full (spsc_claim_tx()), and both ends of a stream on every call
 *   (ipcx_stream_room()).
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

#include "channel.h"

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

/*
 * A queue sender's slot at *pos is not free: it holds the last lap's
 * message (published or not), or was scribbled. -EAGAIN (full, or left
 * to a full try), -EPROTO, or 0 to look again at *pos: tail moved, or a
 * dead receiver's slot was given back.
 */
static int tx_not_free(struct ipcx_chan *c, struct chan_slot *s, uint64_t *pos)
{
	uint64_t head, again, seq;

	if (c->quick)
		return -EAGAIN;
	head = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
	again = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	if (again != *pos) {
		*pos = again;
		return 0;
	}
	/* tail - head never exceeds the capacity */
	if (*pos - head > c->capacity)
		return -EPROTO;
	if (!tx_slot_dead(c, *pos, &seq))
		return -EAGAIN;
	/* give it back for the dead receiver */
	__atomic_compare_exchange_n(&s->seq, &seq, *pos, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_RELAXED);
	return 0;
}

/* Claim the slot at tail: 0 and *pos, -EAGAIN when full, -EPROTO,
 * CHAN_MORE. */
int ipcx_ring_claim_tx(struct ipcx_chan *c, uint64_t *pos_out)
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
			ret = tx_not_free(c, s, &pos);
			if (ret)
				break;
			continue;
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

/*
 * A queue receiver's slot at *pos is not published for this lap: not yet,
 * not given back a lap before, or scribbled. -EAGAIN (empty, or left to a
 * full try), -EPROTO, or 0 to look again at *pos: head moved, or a dead
 * sender's hole was claimed and given back (*recorded while our record
 * names a claim that lost its race).
 */
static int rx_unpublished(struct ipcx_chan *c, struct chan_slot *s, uint64_t *pos,
			  int *recorded)
{
	uint64_t tail, again;

	if (c->quick)
		return -EAGAIN;
	tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	again = __atomic_load_n(c->head, __ATOMIC_ACQUIRE);
	if (again != *pos) {
		*pos = again;
		return 0;
	}
	if (tail - *pos > c->capacity)
		return -EPROTO;
	if (tail == *pos || !rx_hole_dead(c, *pos))
		return -EAGAIN;
	/* claim the dead sender's slot and give it back */
	rec_claim(c, *pos);
	*recorded = 1;
	if (index_claim(c->head, pos, c->max_rx)) {
		again = *pos;
		__atomic_compare_exchange_n(&s->seq, &again, *pos + c->capacity, 0,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
		rec_done(c, 1);
		*recorded = 0;
		(*pos)++;
	}
	return 0;
}

/* Claim the slot at head: 0 and *pos, -EAGAIN when empty, -EPROTO,
 * -EMSGSIZE (a valid message longer than limit: left in place),
 * CHAN_MORE. Holes of dead senders are skipped. */
int ipcx_ring_claim_rx(struct ipcx_chan *c, uint64_t *pos_out, uint64_t limit)
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
		uint64_t again;

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
			ret = rx_unpublished(c, s, &pos, &recorded);
			if (ret)
				break;
			continue;
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

/*
 * Would a receiver's full try at pos find something other than "empty"?
 * A message, a slot to skip, or -EPROTO: the tests of ipcx_ring_claim_rx() and
 * spsc_claim_rx(), so that a waiter sleeps exactly when its try says
 * -EAGAIN. (A queue slot a lap behind, still held by a receiver or left by
 * a dead one, is no message: taken for one, a waiter never slept.)
 */
bool ipcx_ring_rx_ready(struct ipcx_chan *c, uint64_t pos)
{
	uint64_t seq = __atomic_load_n(&slot_at(c, pos)->seq, __ATOMIC_ACQUIRE), tail;

	if ((int64_t)(seq - (pos + 1)) >= 0)
		return true;	/* published; a slot ahead: -EPROTO */
	tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	return tail - pos > c->capacity || (tail != pos && rx_hole_dead(c, pos));
}

/* The same for a queue's sender at pos (ipcx_ring_claim_tx()): a free slot, a
 * dead receiver's slot to give back, or -EPROTO. */
bool ipcx_ring_tx_ready(struct ipcx_chan *c, uint64_t pos)
{
	uint64_t seq = __atomic_load_n(&slot_at(c, pos)->seq, __ATOMIC_ACQUIRE);

	if ((int64_t)(seq - pos) >= 0)
		return true;	/* free; a slot ahead: -EPROTO */
	return pos - __atomic_load_n(c->head, __ATOMIC_ACQUIRE) > c->capacity ||
	       tx_slot_dead(c, pos, &seq);
}
