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
 * Dead claims (a claimed-but-never-published slot of a dead sender, a
 * view of a dead receiver): chan_dead_test.c.
 */
#include "chan_test.h"

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
	return tap_done();
}
