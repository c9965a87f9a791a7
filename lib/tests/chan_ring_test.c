// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * chan_ring_test: the channel's ring on the host, lib/channel/ linked
 * against the stand-ins for its kernel calls (kstubs.c; mk/libtests.mk),
 * in make check's lib, asan and cross steps. What chan_states_test (one
 * impossible state at a time) and ipcx-chan-fuzz (a scribbling peer) do
 * not check:
 *
 * - wrap-around: positions go round a small ring thousands of times, with
 *   the ring filled to every level from empty to full, copying and zero
 *   copy; and the 64-bit positions themselves wrap (a ring whose head and
 *   tail are a few messages short of 2^64, as after that many messages);
 *   a byte stream the same. Every message and byte must come back in
 *   order, and full and empty must read as -EAGAIN exactly when they are.
 *   The event sequence (31 bits, the lock word >> 1) is opaque to the
 *   channel: a receiver asleep across its wrap must still be woken.
 * - the -EPROTO of opening a region that is not the channel it says
 *   (chan_load(): magic, version, geometry, size; and a slot whose death
 *   event the kernel does not know, chan_check_death_links()), with
 *   nothing held after the failure;
 * - -EBADMSG and what follows: the bad slot is dropped and the next
 *   message received; a cancelled slot is skipped; a message longer than
 *   the buffer (-EMSGSIZE) stays for a larger one. The other -EBADMSG of
 *   try_view() (the length changed between the claim and the copy) needs
 *   a writer between two loads of one call: only a concurrent scribbler
 *   reaches it, ipcx-chan-fuzz's (not deterministically, so not here);
 * - dead claims: a sender killed between claiming a slot and publishing
 *   it, and a receiver killed holding a view, in a queue and one-to-one.
 *   While the claimer lives its slot is waited for; once it is dead (its
 *   slot mutex released, as the kernel does: the stand-ins leave that to
 *   the test) the ring goes on past it and the claimed message is lost.
 *   The dead are child processes that claim and then wait to be killed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel/channel.h"
#include "kstubs.h"
#include "tap.h"

#define NO_FD		0	/* the stand-ins ignore the device fd */
#define NB		IPCX_CHAN_NONBLOCK
#define MAX_MSG		40

struct region {
	char *base;
	uint64_t size;
	struct ipcx_chan_attr a;
};

static void bail(const char *what, int rc)
{
	printf("Bail out! %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

static struct chan_hdr *hdr(struct region *r)
{
	return (struct chan_hdr *)r->base;
}

static void region_make(struct region *r, uint32_t flags, uint32_t cap, uint32_t ntx,
			uint32_t nrx)
{
	int rc;

	r->a = (struct ipcx_chan_attr){ flags, flags & IPCX_CHAN_STREAM ? 0 : MAX_MSG, cap,
					ntx, nrx };
	rc = ipcx_chan_size(&r->a, &r->size);
	if (rc)
		bail("ipcx_chan_size", rc);
	r->base = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED)
		bail("mmap", errno);
	rc = ipcx_chan_init(NO_FD, r->base, r->size, &r->a);
	if (rc)
		bail("ipcx_chan_init", rc);
}

static void region_drop(struct region *r)
{
	munmap(r->base, r->size);
}

static struct ipcx_chan *chan_open(struct region *r, unsigned int role)
{
	struct ipcx_chan *c;
	int rc = ipcx_chan_open(NO_FD, r->base, r->size, role, &c);

	if (rc)
		bail("ipcx_chan_open", rc);
	return c;
}

/* The slot that holds position pos. */
static struct chan_slot *slot_of(struct region *r, uint64_t pos)
{
	struct chan_hdr *h = hdr(r);

	return (struct chan_slot *)(r->base + h->ring_off +
				    (pos & (h->capacity - 1)) * h->slot_size);
}

/*
 * Head and tail at pos, the ring empty, every slot as the last lap left
 * it (a queue's slot free for its position, an SPSC slot published a lap
 * before): the state after pos messages went through.
 */
static void region_at(struct region *r, uint64_t pos)
{
	struct chan_hdr *h = hdr(r);
	int spsc = !(h->flags & IPCX_CHAN_STREAM) && h->max_senders == 1 &&
		   h->max_receivers == 1;
	uint64_t p;

	h->tail = pos;
	h->head = pos;
	if (h->flags & IPCX_CHAN_STREAM)
		return;
	for (p = pos; p != pos + h->capacity; p++)
		slot_of(r, p)->seq = spsc ? p + 1 - h->capacity : p;
}

static void pattern(char *buf, size_t len, uint64_t n)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(n * 31 + i * 7 + 1);
}

/* ---- wrap-around ------------------------------------------------------- */

/* Message n: sent copying or through reserve/commit (every 5th). */
static int send_one(struct ipcx_chan *tx, uint64_t n)
{
	size_t len = 1 + n % MAX_MSG;
	char buf[MAX_MSG];
	void *w;
	int rc;

	pattern(buf, len, n);
	if (n % 5)
		return ipcx_chan_send(tx, buf, len, NB, NULL, 0);
	rc = ipcx_chan_reserve(tx, len, &w, NB, NULL, 0);
	if (rc)
		return rc;
	memcpy(w, buf, len);
	rc = ipcx_chan_commit(tx, len);
	return rc ? rc : (int)len;
}

/* Message n back, copied or in place (every 3rd): 1 when it is message n. */
static int recv_one(struct ipcx_chan *rx, uint64_t n)
{
	size_t len = 1 + n % MAX_MSG;
	char want[MAX_MSG], buf[MAX_MSG];
	const void *v;
	int rc, ok;

	pattern(want, len, n);
	if (n % 3) {
		rc = ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0);
		return rc == (int)len && !memcmp(buf, want, len);
	}
	rc = ipcx_chan_recv_view(rx, &v, NB, NULL, 0);
	ok = rc == (int)len && !memcmp(v, want, len);
	if (rc > 0 && ipcx_chan_release(rx))
		ok = 0;
	return ok;
}

/*
 * Rounds of k = 1, 2, ..., capacity messages sent, then received: every
 * fill level, the positions round the ring msgs / capacity times from
 * start. A full ring must refuse the next send, an empty one the next
 * receive, and nothing else be refused.
 */
static void wrap_messages(uint32_t ntx, uint32_t nrx, uint64_t start, uint64_t msgs,
			  const char *what)
{
	enum { CAP = 4 };
	unsigned int bad_send = 0, bad_recv = 0, bad_full = 0, bad_empty = 0;
	uint64_t sent = 0, got = 0, k, i;
	struct ipcx_chan *tx, *rx;
	struct region r;
	char buf[MAX_MSG];

	region_make(&r, 0, CAP, ntx, nrx);
	region_at(&r, start);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	for (k = 1; sent < msgs; k = k % CAP + 1) {
		if (k > msgs - sent)
			k = msgs - sent;
		for (i = 0; i < k; i++, sent++)
			bad_send += send_one(tx, sent) != (int)(1 + sent % MAX_MSG);
		if (k == CAP)
			bad_full += ipcx_chan_send(tx, buf, 1, NB, NULL, 0) != -EAGAIN;
		for (i = 0; i < k; i++)
			bad_recv += !recv_one(rx, got++);
		bad_empty += ipcx_chan_recv(rx, buf, sizeof(buf), NB, NULL, 0) != -EAGAIN;
	}
	tap_ok(!bad_send && !bad_recv,
	       "%s: %llu messages from position %llu, round a ring of %d %llu times: each back "
	       "in order with its bytes (%u sends, %u receives wrong)", what,
	       (unsigned long long)msgs, (unsigned long long)start, CAP,
	       (unsigned long long)(msgs / CAP), bad_send, bad_recv);
	tap_ok(!bad_full && !bad_empty,
	       "%s: a full ring refuses a send, an empty one a receive (-EAGAIN), every lap "
	       "(%u, %u wrong)", what, bad_full, bad_empty);
	tap_ok(hdr(&r)->tail == start + msgs && hdr(&r)->head == start + msgs,
	       "%s: tail and head end at start + %llu", what, (unsigned long long)msgs);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* A stream of bytes through a ring of 16: writes and reads of sizes
 * that do not divide it, so every offset is met, partial writes too. */
static void wrap_stream(uint64_t start, uint64_t bytes, const char *what)
{
	enum { CAP = 16, CHUNK = 23 };
	uint64_t sent = 0, got = 0, i = 0, partial = 0;
	unsigned int bad = 0;
	struct ipcx_chan *tx, *rx;
	char buf[CHUNK], want[CHUNK];
	struct region r;
	int rc, j;

	region_make(&r, IPCX_CHAN_STREAM, CAP, 1, 1);
	region_at(&r, start);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	rx = chan_open(&r, IPCX_CHAN_RECV);
	while (got < bytes && !bad) {
		size_t n = 1 + (i * 7) % CHUNK, m = 1 + (i * 5) % 19;

		if (n > bytes - sent)
			n = bytes - sent;
		for (j = 0; j < (int)n; j++)
			buf[j] = (char)((sent + j) * 131 + 7);
		rc = n ? ipcx_chan_send(tx, buf, n, NB, NULL, 0) : 0;
		if (rc > 0) {
			partial += (size_t)rc < n;
			sent += rc;
		} else if (n) {
			bad += rc != -EAGAIN || sent - got != CAP;	/* only when full */
		}
		rc = ipcx_chan_recv(rx, buf, m, NB, NULL, 0);
		if (rc > 0) {
			for (j = 0; j < rc; j++)
				want[j] = (char)((got + j) * 131 + 7);
			bad += memcmp(buf, want, rc) != 0;
			got += rc;
		} else {
			bad += rc != -EAGAIN || got != sent;	/* only when empty */
		}
		i++;
	}
	tap_ok(!bad && got == bytes,
	       "%s: %llu bytes from position %llu through a ring of %d bytes come back in order "
	       "(%llu partial writes)", what, (unsigned long long)bytes,
	       (unsigned long long)start, CAP, (unsigned long long)partial);
	tap_ok(hdr(&r)->tail == start + bytes && hdr(&r)->head == start + bytes,
	       "%s: tail and head end at start + %llu", what, (unsigned long long)bytes);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

struct late_send {
	struct ipcx_chan *tx;
	int rc;
};

static void *send_late(void *arg)
{
	struct late_send *l = arg;
	struct timespec d = { 0, 50 * 1000 * 1000 };

	nanosleep(&d, NULL);
	l->rc = ipcx_chan_send(l->tx, "wake", 4, NB, NULL, 0);
	return NULL;
}

/* A receiver asleep on an event whose sequence is about to wrap. */
static void event_seq_wrap(void)
{
	struct late_send l = { NULL, 0 };
	struct ipcx_chan *rx;
	struct timespec dl;
	struct region r;
	pthread_t t;
	char buf[8];
	int rc;

	region_make(&r, 0, 4, 1, 1);
	*(uint32_t *)hdr(&r)->ev_rx = 0xfffffffe;	/* sequence IPCX_EVENT_SEQ_MASK */
	rx = chan_open(&r, IPCX_CHAN_RECV);
	l.tx = chan_open(&r, IPCX_CHAN_SEND);
	ipcx_chan_set_spin(rx, 0);	/* sleep at once */
	if (pthread_create(&t, NULL, send_late, &l))
		bail("pthread_create", errno);
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += 10;
	rc = ipcx_chan_recv(rx, buf, sizeof(buf), 0, &dl, CLOCK_MONOTONIC);
	pthread_join(t, NULL);
	tap_ok(l.rc == 4 && rc == 4 && !memcmp(buf, "wake", 4) &&
	       (*(uint32_t *)hdr(&r)->ev_rx >> 1) < 4,
	       "a receiver asleep while the event sequence wraps past %#x is woken by the "
	       "next message (got %d, sequence now %u)", IPCX_EVENT_SEQ_MASK, rc,
	       *(uint32_t *)hdr(&r)->ev_rx >> 1);
	ipcx_chan_close(l.tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* ---- -EPROTO at open ----------------------------------------------------- */

static void bad_magic(struct chan_hdr *h)	{ h->magic ^= 1; }
static void bad_version(struct chan_hdr *h)	{ h->version = CHAN_VERSION + 1; }
static void bad_flags(struct chan_hdr *h)	{ h->flags |= 0x80; }
static void cap_not_pow2(struct chan_hdr *h)	{ h->capacity = 3; }
static void cap_other(struct chan_hdr *h)	{ h->capacity = 8; }
static void slot_size_other(struct chan_hdr *h)	{ h->slot_size += CHAN_LINE; }
static void ring_off_other(struct chan_hdr *h)	{ h->ring_off += CHAN_LINE; }
static void ring_bytes_other(struct chan_hdr *h) { h->ring_bytes -= h->slot_size; }
static void senders_other(struct chan_hdr *h)	{ h->max_senders = 2; }
static void no_senders(struct chan_hdr *h)	{ h->max_senders = 0; }
static void max_msg_zero(struct chan_hdr *h)	{ h->max_msg = 0; }
static void stream_queue(struct chan_hdr *h)	{ h->flags |= IPCX_CHAN_STREAM; }

static void open_eproto(void)
{
	static const struct {
		const char *what;
		void (*spoil)(struct chan_hdr *h);
		int64_t size;	/* < 0: the region's size less that; > 0: that */
	} cases[] = {
		{ "a wrong magic", bad_magic, 0 },
		{ "another layout version", bad_version, 0 },
		{ "an unknown flag", bad_flags, 0 },
		{ "a capacity not a power of two", cap_not_pow2, 0 },
		{ "a capacity the ring does not have", cap_other, 0 },
		{ "a slot size the geometry does not give", slot_size_other, 0 },
		{ "a ring offset the geometry does not give", ring_off_other, 0 },
		{ "ring bytes the geometry does not give", ring_bytes_other, 0 },
		{ "more senders than the records laid out", senders_other, 0 },
		{ "no senders", no_senders, 0 },
		{ "messages of at most 0 bytes", max_msg_zero, 0 },
		{ "a stream flag on a message ring", stream_queue, 0 },
		{ "a region smaller than the header", NULL, CHAN_OFF_SLOTS - 1 },
		{ "a region one byte short of its ring", NULL, -1 },
	};
	unsigned char saved[CHAN_LINE];
	struct ipcx_chan *tx, *rx;
	struct region r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t size;
		int rs, rr, ok;

		region_make(&r, 0, 4, 1, 1);
		size = cases[i].size > 0 ? (uint64_t)cases[i].size :
					   r.size - (uint64_t)-cases[i].size;
		memcpy(saved, r.base, sizeof(saved));
		if (cases[i].spoil)
			cases[i].spoil(hdr(&r));
		tx = rx = NULL;
		rs = ipcx_chan_open(NO_FD, r.base, size, IPCX_CHAN_SEND, &tx);
		rr = ipcx_chan_open(NO_FD, r.base, size, IPCX_CHAN_RECV, &rx);
		/* nothing held: with the header back, one endpoint of each role fits */
		memcpy(r.base, saved, sizeof(saved));
		ok = rs == -EPROTO && rr == -EPROTO;
		if (!rs)
			ipcx_chan_close(tx);
		if (!rr)
			ipcx_chan_close(rx);
		rs = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_SEND, &tx);
		rr = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_RECV, &rx);
		tap_ok(ok && !rs && !rr,
		       "open of a region with %s: -EPROTO for both roles, nothing held (then %d, %d)",
		       cases[i].what, rs, rr);
		if (!rs)
			ipcx_chan_close(tx);
		if (!rr)
			ipcx_chan_close(rx);
		region_drop(&r);
	}
}

/* A peer slot the kernel knows with another death event (or none): not a
 * channel ipcx_chan_init() made. */
static void open_death_link_eproto(void)
{
	struct ipcx_chan *c = NULL;
	struct region r;
	int rc, again;

	region_make(&r, 0, 4, 1, 1);
	kstub_declare_ret = -EEXIST;
	rc = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_RECV, &c);
	kstub_declare_ret = 0;
	if (!rc)
		ipcx_chan_close(c);
	again = ipcx_chan_open(NO_FD, r.base, r.size, IPCX_CHAN_RECV, &c);
	tap_ok(rc == -EPROTO && again == 0,
	       "open where the kernel says a peer slot has another death event (-EEXIST): "
	       "-EPROTO, nothing held (%d, then %d)", rc, again);
	if (!again)
		ipcx_chan_close(c);
	region_drop(&r);
}

/* ---- -EBADMSG and the slots a receiver passes ---------------------------- */

static void bad_lengths(uint32_t ntx, uint32_t nrx, const char *what)
{
	struct ipcx_chan *tx, *rx;
	char big[MAX_MSG], small[4];
	struct region r;
	const void *v;
	int rc1, rc2;

	region_make(&r, 0, 8, ntx, nrx);
	tx = chan_open(&r, IPCX_CHAN_SEND);
	rx = chan_open(&r, IPCX_CHAN_RECV);

	/* a length beyond max_msg: -EBADMSG, the slot dropped, copying or not */
	ipcx_chan_send(tx, "one", 4, NB, NULL, 0);
	ipcx_chan_send(tx, "two", 4, NB, NULL, 0);
	slot_of(&r, 0)->len = MAX_MSG + 1;
	rc1 = ipcx_chan_recv(rx, big, sizeof(big), NB, NULL, 0);
	rc2 = ipcx_chan_recv(rx, big, sizeof(big), NB, NULL, 0);
	tap_ok(rc1 == -EBADMSG && rc2 == 4 && !strcmp(big, "two") && hdr(&r)->head == 2,
	       "%s: a slot longer than max_msg: -EBADMSG, dropped, the next message follows "
	       "(%d, %d)", what, rc1, rc2);
	ipcx_chan_send(tx, "three", 6, NB, NULL, 0);
	ipcx_chan_send(tx, "four", 5, NB, NULL, 0);
	slot_of(&r, 2)->len = UINT32_MAX;
	rc1 = ipcx_chan_recv_view(rx, &v, NB, NULL, 0);
	rc2 = ipcx_chan_recv_view(rx, &v, NB, NULL, 0);
	tap_ok(rc1 == -EBADMSG && rc2 == 5 && !strcmp(v, "four"),
	       "%s: the same in place (recv_view): -EBADMSG, then the next message (%d, %d)",
	       what, rc1, rc2);
	if (rc2 > 0)
		ipcx_chan_release(rx);

	/* length 0: a cancelled slot, skipped without a word */
	ipcx_chan_send(tx, "five", 5, NB, NULL, 0);
	ipcx_chan_send(tx, "six", 4, NB, NULL, 0);
	slot_of(&r, 4)->len = 0;
	rc1 = ipcx_chan_recv(rx, big, sizeof(big), NB, NULL, 0);
	tap_ok(rc1 == 4 && !strcmp(big, "six") && hdr(&r)->head == 6,
	       "%s: a slot of length 0 (cancelled) is skipped (%d)", what, rc1);

	/* a valid message longer than the buffer: -EMSGSIZE, left in place */
	ipcx_chan_send(tx, "seven", 6, NB, NULL, 0);
	rc1 = ipcx_chan_recv(rx, small, sizeof(small), NB, NULL, 0);
	rc2 = ipcx_chan_recv(rx, big, sizeof(big), NB, NULL, 0);
	tap_ok(rc1 == -EMSGSIZE && rc2 == 6 && !strcmp(big, "seven"),
	       "%s: a message longer than the buffer: -EMSGSIZE, then it whole (%d, %d)",
	       what, rc1, rc2);
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	region_drop(&r);
}

/* ---- dead claims --------------------------------------------------------- */

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
	wrap_messages(1, 1, 0, 20000, "spsc");
	wrap_messages(2, 2, 0, 20000, "queue");
	wrap_messages(1, 1, UINT64_MAX - 5, 64, "spsc across 2^64");
	wrap_messages(2, 2, UINT64_MAX - 5, 64, "queue across 2^64");
	wrap_stream(0, 100000, "stream");
	wrap_stream(UINT64_MAX - 7, 1000, "stream across 2^64");
	event_seq_wrap();
	open_eproto();
	open_death_link_eproto();
	bad_lengths(1, 1, "spsc");
	bad_lengths(2, 2, "queue");
	dead_sender_queue();
	dead_sender_spsc();
	dead_receiver_queue();
	dead_receiver_spsc();
	return tap_done();
}
