// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * chan_dead_test: the channel's recovery from dead claims, on the host
 * (lib/channel/ against the stand-ins, kstubs.c; mk/libtests.mk), in make
 * check's lib, asan and cross steps: a sender killed between claiming a
 * slot and publishing it, and a receiver killed holding a view, in a
 * queue and one-to-one. While the claimer lives its slot is waited for
 * (and its place taken); once it is dead (its slot mutex released, as the
 * kernel does: the stand-ins leave that to the test) the ring goes on
 * past it and the claimed message is lost, as ring.c's protocol comment
 * says. The dead are child processes that claim and then wait to be
 * killed.
 */
#include "chan_test.h"

/* A child that claims (fn) and then waits, alive, until killed. */
struct claimer {
	pid_t pid;
	int ret;	/* what its claim returned */
};

static struct claimer claim_in_child(struct region *r, int (*fn)(struct region *r))
{
	struct claimer c = { 0, 0 };
	int p[2];

	if (pipe(p))
		bail("pipe", errno);
	c.pid = fork();
	if (c.pid < 0)
		bail("fork", errno);
	if (!c.pid) {
		int ret = fn(r);

		if (write(p[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c.ret, sizeof(c.ret)) != sizeof(c.ret))
		bail("the claiming child", EPROTO);
	close(p[0]);
	return c;
}

/* The child dies; its slot mutexes are released, as the kernel does for a
 * dead owner (the stand-ins do not). */
static void kill_claimer(struct region *r, struct claimer *c)
{
	struct chan_hdr *h = hdr(r);
	uint32_t i, *w;

	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	for (i = 0; i < h->max_senders + h->max_receivers; i++) {
		w = (uint32_t *)(r->base + CHAN_OFF_SLOTS + (uint64_t)i * IPCX_LOCK_ALIGN);
		if ((*w & IPCX_OWNER_ID_MASK) == ((uint32_t)c->pid & IPCX_OWNER_ID_MASK))
			__atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
	}
}

static int reserve_and_hold(struct region *r)
{
	struct ipcx_chan *tx = chan_open(r, IPCX_CHAN_SEND);
	void *w;

	return ipcx_chan_reserve(tx, 4, &w, NB, NULL, 0);
}

static int view_and_hold(struct region *r)
{
	struct ipcx_chan *rx = chan_open(r, IPCX_CHAN_RECV);
	const void *v;

	return ipcx_chan_recv_view(rx, &v, NB, NULL, 0);
}

/* A queue sender dies between claiming position 0 and publishing it. */
static void dead_sender_queue(void)
{
	struct ipcx_chan *tx, *rx;
	struct claimer dead;
	struct region r;
	char buf[8];
	int rc1, rc2;

	region_make(&r, 0, 4, 2, 1);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	dead = claim_in_child(&r, reserve_and_hold);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	ipcx_chan_send(tx, "after", 6, NB, NULL, 0);
	rc1 = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	tap_ok(dead.ret == 0 && rc1 == -EAGAIN && hdr(&r)->head == 0 && hdr(&r)->tail == 2,
	       "queue: a live sender's claimed, unpublished slot at head is waited for "
	       "(%d, head %llu)", rc1, (unsigned long long)hdr(&r)->head);
	kill_claimer(&r, &dead);
	rc2 = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	tap_ok(rc2 == 6 && !strcmp(buf, "after") && hdr(&r)->head == 2 &&
	       slot_of(&r, 0)->seq == 0 + 4,
	       "queue: once that sender is dead its hole is skipped and given back; the next "
	       "message follows (%d)", rc2);
	rc1 = 0;
	for (rc2 = 0; rc2 < 4; rc2++)
		rc1 += ipcx_chan_send(tx, "x", 2, NB, NULL, 0) == 2;
	tap_ok(rc1 == 4, "queue: and the ring holds its full capacity again (%d of 4 sent)", rc1);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* The one sender of an SPSC channel dies the same way; a new one comes. */
static void dead_sender_spsc(void)
{
	struct ipcx_chan *tx, *rx;
	struct claimer dead;
	struct region r;
	char buf[8];
	int rc1, rc2, busy;

	region_make(&r, 0, 4, 1, 1);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	dead = claim_in_child(&r, reserve_and_hold);
	rc1 = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	busy = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_SEND, &tx);
	tap_ok(dead.ret == 0 && rc1 == -EAGAIN && hdr(&r)->head == 0 && busy == -EUSERS,
	       "spsc: a live sender's claimed slot is waited for, its place taken (%d, %d)",
	       rc1, busy);
	kill_claimer(&r, &dead);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	rc1 = ipcx_chan_send(tx, "after", 6, NB, NULL, 0);
	rc2 = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	tap_ok(rc1 == 6 && rc2 == 6 && !strcmp(buf, "after") && hdr(&r)->head == 2,
	       "spsc: once it is dead a new sender takes its place and the receiver skips the "
	       "hole (%d, %d)", rc1, rc2);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* A queue receiver dies holding a view of position 0: a sender a lap
 * later gives the slot back for it. */
static void dead_receiver_queue(void)
{
	struct ipcx_chan *tx, *rx;
	struct claimer dead;
	struct region r;
	char buf[8];
	int rc1, rc2, i, got = 0;

	region_make(&r, 0, 4, 1, 2);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	ipcx_chan_send(tx, "m0", 3, NB, NULL, 0);
	dead = claim_in_child(&r, view_and_hold);
	for (i = 1; i < 4; i++)
		ipcx_chan_send(tx, "mN", 3, NB, NULL, 0);
	for (i = 1; i < 4; i++)
		got += ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0) == 3;
	rc1 = ipcx_chan_send(tx, "m4", 3, NB, NULL, 0);
	tap_ok(dead.ret == 3 && got == 3 && rc1 == -EAGAIN,
	       "queue: a slot a live receiver holds is not reused a lap later (%d)", rc1);
	kill_claimer(&r, &dead);
	rc1 = ipcx_chan_send(tx, "m4", 3, NB, NULL, 0);
	rc2 = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	tap_ok(rc1 == 3 && rc2 == 3 && !strcmp(buf, "m4"),
	       "queue: once that receiver is dead the sender gives its slot back and sends "
	       "(%d, %d)", rc1, rc2);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* The one receiver of an SPSC channel dies holding a view; its successor
 * skips that message. */
static void dead_receiver_spsc(void)
{
	struct ipcx_chan *tx, *rx;
	struct claimer dead;
	struct region r;
	char buf[8];
	int rc, busy;

	region_make(&r, 0, 4, 1, 1);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	ipcx_chan_send(tx, "m0", 3, NB, NULL, 0);
	ipcx_chan_send(tx, "m1", 3, NB, NULL, 0);
	dead = claim_in_child(&r, view_and_hold);
	busy = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_RECV, &rx);
	tap_ok(dead.ret == 3 && busy == -EUSERS && hdr(&r)->head == 0,
	       "spsc: a live receiver holds its view (head stays, its place taken: %d)", busy);
	kill_claimer(&r, &dead);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	rc = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
	tap_ok(rc == 3 && !strcmp(buf, "m1") && hdr(&r)->head == 2,
	       "spsc: once it is dead its successor skips the held message, gets the next (%d)",
	       rc);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan_start();
	dead_sender_queue();
	dead_sender_spsc();
	dead_receiver_queue();
	dead_receiver_spsc();
	return tap_done();
}
