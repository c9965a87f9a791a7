// SPDX-License-Identifier: GPL-2.0
/*
 * chan_states_test: what a channel makes of the impossible states a peer
 * sharing its region can write, one crafted state at a time.
 *
 * ipcx_channel(3) (its "Trust" section), README's channel section and the
 * protocol comment at the top of lib/channel/ring.c list which states give
 * -EPROTO and what happens in the others. This is that list as a table:
 * each row crafts one state in a fresh channel (lib/channel/ linked
 * against the stand-ins for the kernel calls, kstubs.c, as
 * ipcx-chan-fuzz; mk/libtests.mk; make check's lib, asan and cross steps
 * run it), then makes every call of the roles it concerns, for every kind
 * of channel it applies to, and checks the documented outcome:
 *
 *   PROTO     -EPROTO, blocking or not
 *   MOVES     the call goes through: a sender's message is claimed (tail
 *             moves by one), a receiver gets the crafted message
 *   BADMSG    -EBADMSG (a receiver: the length is checked, the slot dropped)
 *   WAITS     read as full or empty: -EAGAIN, a blocking call sleeps until
 *             its deadline (-ETIMEDOUT)
 *   SKIPS     read as a dead sender's hole: skipped (head moves by one),
 *             then as WAITS
 *
 * The calls: a sender sends (non-blocking, then blocking with a deadline)
 * and, for messages, reserves; a receiver receives (the same two ways) and,
 * for messages, takes a view. The kinds: one sender and one receiver of
 * messages (SPSC), a queue (2 x 2), a byte stream. Each call runs on a
 * state crafted afresh; a blocking call must return by its deadline + 1 s.
 *
 * A new impossible state the library learns to detect gets a row here
 * (seen failing first) and a line in the three lists; a row whose outcome
 * changes means the lists are wrong.
 *
 *   chan_states_test        TAP on stdout; exit 1 on a failed row, 2 on
 *                           an error of the harness
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"
#include "kstubs.h"

#define NO_FD		0	/* the stand-ins ignore the device fd */
#define CAP		8	/* slots (bytes for a stream) */
#define MAX_MSG		40
#define WAIT_MS		20	/* a blocking call's deadline */
#define SLACK_NS	1000000000ull

/* The layout (lib/channel/channel.h): what the rows write. */
#define OFF_TAIL	64
#define OFF_HEAD	128

enum kind { K_SPSC = 1, K_QUEUE = 2, K_STREAM = 4 };
enum outcome { PROTO, MOVES, BADMSG, WAITS, SKIPS };

static const char *const outcome_name[] = { "-EPROTO", "goes through", "-EBADMSG",
					    "waits", "skips the slot, then waits" };

struct chan {
	char *base;
	uint64_t size;
	char *ring;
	uint64_t slot_size;
	struct ipcx_chan *tx, *rx;
};

/* A crafted message: what a receiver that takes it must get. */
static const char msg[] = "crafted";

struct row {
	const char *state;	/* as the documentation says it */
	unsigned int kinds;
	unsigned int roles;	/* the endpoints that meet it: TX, RX */
	void (*craft)(struct chan *c);
	enum outcome expect;
};

static int tests, failures;

static void die(const char *what, int rc)
{
	fprintf(stderr, "chan_states_test: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

/* ---- the channel and its shared words ------------------------------------ */

static void chan_make(struct chan *c, enum kind k)
{
	struct ipcx_chan_attr a = { k == K_STREAM ? IPCX_CHAN_STREAM : 0,
				    k == K_STREAM ? 0 : MAX_MSG, CAP,
				    k == K_QUEUE ? 2 : 1, k == K_QUEUE ? 2 : 1 };
	int rc = ipcx_chan_size(&a, &c->size);

	if (rc)
		die("ipcx_chan_size", rc);
	c->base = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->base == MAP_FAILED)
		die("mmap", errno);
	rc = ipcx_chan_init(NO_FD, c->base, c->size, &a);
	if (rc)
		die("ipcx_chan_init", rc);
	/* one-line slots: the payload right after the 16-byte header */
	c->slot_size = k == K_STREAM ? 1 : 64;
	c->ring = c->base + c->size - CAP * c->slot_size;
	/* both roles attached: a sender sees a receiver, and the other way */
	rc = ipcx_chan_open(NO_FD, c->base, c->size, IPCX_CHAN_SEND, &c->tx);
	if (!rc)
		rc = ipcx_chan_open(NO_FD, c->base, c->size, IPCX_CHAN_RECV, &c->rx);
	if (rc)
		die("ipcx_chan_open", rc);
}

static void chan_drop(struct chan *c)
{
	ipcx_chan_close(c->tx);
	ipcx_chan_close(c->rx);
	munmap(c->base, c->size);
}

static uint64_t *tail_of(struct chan *c)
{
	return (uint64_t *)(c->base + OFF_TAIL);
}

static uint64_t *head_of(struct chan *c)
{
	return (uint64_t *)(c->base + OFF_HEAD);
}

/* The slot of position pos: its sequence, then its length. */
static uint64_t *seq_of(struct chan *c, uint64_t pos)
{
	return (uint64_t *)(c->ring + (pos % CAP) * c->slot_size);
}

static uint32_t *len_of(struct chan *c, uint64_t pos)
{
	return (uint32_t *)(seq_of(c, pos) + 1);
}

/* Slot pos published as a message (sequence pos + 1) of len bytes. */
static void publish(struct chan *c, uint64_t pos, uint32_t len)
{
	memcpy((char *)seq_of(c, pos) + 16, msg, sizeof(msg));
	*len_of(c, pos) = len;
	*seq_of(c, pos) = pos + 1;
}

/* The sender fills the ring, legitimately: tail = CAP. */
static void fill(struct chan *c)
{
	int i;

	for (i = 0; i < CAP; i++)
		if (ipcx_chan_send(c->tx, msg, sizeof(msg), IPCX_CHAN_NONBLOCK, NULL, 0) !=
		    sizeof(msg))
			die("fill", EPROTO);
}

/* ---- the states ---------------------------------------------------------- */

static void tail_beyond_capacity(struct chan *c)
{
	*tail_of(c) = CAP + 3;
}

static void head_beyond_tail(struct chan *c)
{
	*head_of(c) = 3;
}

/* Slot 0 published for position 1 (sequence 2): ahead of head (0); tail 1. */
static void seq_ahead_tail_beyond(struct chan *c)
{
	publish(c, 0, sizeof(msg));
	*seq_of(c, 0) = 2;
	*tail_of(c) = 1;
}

/* Slot 0 published a lap ahead, nothing sent (tail = head = 0). */
static void seq_lap_ahead(struct chan *c)
{
	publish(c, CAP, sizeof(msg));
}

/* Sender side: the sequence at tail (0) ahead of it. */
static void tx_seq_ahead(struct chan *c)
{
	*seq_of(c, 0) = 1;
}

static void full_then_head_beyond_tail(struct chan *c)
{
	fill(c);
	*head_of(c) = CAP + 2;
}

/* A message published at head (0), tail where it cannot be. */
static void published_tail_beyond_capacity(struct chan *c)
{
	publish(c, 0, sizeof(msg));
	*tail_of(c) = CAP + 3;
}

static void published_tail_at_head(struct chan *c)
{
	publish(c, 0, sizeof(msg));
}

static void published_head_beyond_tail(struct chan *c)
{
	*head_of(c) = 3;
	publish(c, 3, sizeof(msg));
}

static void published_too_long(struct chan *c)
{
	publish(c, 0, MAX_MSG + 1);
}

/* A queue slot free for tail (its sequence is tail), tail beyond a lap. */
static void free_tail_beyond_capacity(struct chan *c)
{
	*tail_of(c) = CAP + 3;
	*seq_of(c, CAP + 3) = CAP + 3;
}

/* SPSC: head moved back after the sender last read it (its cache: CAP). */
static void cached_room_tail_beyond_capacity(struct chan *c)
{
	char buf[MAX_MSG];
	int i;

	fill(c);
	for (i = 0; i < CAP; i++)
		if (ipcx_chan_recv(c->rx, buf, sizeof(buf), IPCX_CHAN_NONBLOCK, NULL, 0) !=
		    sizeof(msg))
			die("drain", EPROTO);
	if (ipcx_chan_send(c->tx, msg, sizeof(msg), IPCX_CHAN_NONBLOCK, NULL, 0) != sizeof(msg))
		die("send", EPROTO);
	*head_of(c) = 0;	/* tail CAP + 1 */
}

/* A slot sequence two laps behind its position 0, tail at 1. */
static void seq_behind_tail_beyond(struct chan *c)
{
	*seq_of(c, 0) = 0 - 2 * CAP;
	*tail_of(c) = 1;
}

static void tx_seq_behind(struct chan *c)
{
	*seq_of(c, 0) = 0 - 2 * CAP;
}

static void stream_tail_beyond_capacity(struct chan *c)
{
	*tail_of(c) = CAP + 1;
}

static void stream_head_beyond_tail(struct chan *c)
{
	*head_of(c) = 1;
}

#define MSG	(K_SPSC | K_QUEUE)
#define TX	(1u << IPCX_CHAN_SEND)
#define RX	(1u << IPCX_CHAN_RECV)

static const struct row rows[] = {
	/* detected */
	{ "head's slot unpublished, tail more than a capacity ahead of head",
	  MSG, RX, tail_beyond_capacity, PROTO },
	{ "head's slot unpublished, head beyond tail", MSG, RX, head_beyond_tail, PROTO },
	{ "a slot sequence ahead of head (tail beyond head)", MSG, RX,
	  seq_ahead_tail_beyond, PROTO },
	{ "a slot sequence ahead of head (tail at head)", MSG, RX, seq_lap_ahead, PROTO },
	{ "a slot sequence ahead of tail", K_QUEUE, TX, tx_seq_ahead, PROTO },
	{ "tail's slot not free, tail more than a capacity ahead of head", K_QUEUE, TX,
	  tail_beyond_capacity, PROTO },
	{ "tail's slot not free, head beyond tail", K_QUEUE, TX, full_then_head_beyond_tail,
	  PROTO },
	{ "full by the cached head, tail more than a capacity ahead of head", K_SPSC, TX,
	  tail_beyond_capacity, PROTO },
	{ "full by the cached head, head beyond tail", K_SPSC, TX,
	  full_then_head_beyond_tail, PROTO },
	{ "tail more than a capacity ahead of head", K_STREAM, TX | RX,
	  stream_tail_beyond_capacity, PROTO },
	{ "head beyond tail", K_STREAM, TX | RX, stream_head_beyond_tail, PROTO },
	/* not detected: the other side's index is read only when our slot is not ready */
	{ "a message published at head, tail more than a capacity ahead", MSG, RX,
	  published_tail_beyond_capacity, MOVES },
	{ "a message published at head, tail at head", MSG, RX, published_tail_at_head, MOVES },
	{ "a message published at head, head beyond tail", MSG, RX,
	  published_head_beyond_tail, MOVES },
	{ "a message published at head, tail at head, longer than max_msg", MSG, RX,
	  published_too_long, BADMSG },
	{ "tail's slot free, head beyond tail", K_QUEUE, TX, head_beyond_tail, MOVES },
	{ "tail's slot free, tail more than a capacity ahead of head", K_QUEUE, TX,
	  free_tail_beyond_capacity, MOVES },
	{ "room by the cached head, head beyond tail", K_SPSC, TX, head_beyond_tail, MOVES },
	{ "room by the cached head, tail more than a capacity ahead of head", K_SPSC, TX,
	  cached_room_tail_beyond_capacity, MOVES },
	/* the others: a slot sequence behind its index */
	{ "a queue slot sequence behind head by more than a lap", K_QUEUE, RX,
	  seq_behind_tail_beyond, WAITS },
	{ "a queue slot sequence behind tail by more than a lap", K_QUEUE, TX, tx_seq_behind,
	  WAITS },
	{ "an SPSC slot sequence behind head, tail beyond head", K_SPSC, RX,
	  seq_behind_tail_beyond, SKIPS },
};

/* ---- the calls ------------------------------------------------------------ */

enum call { SEND_NB, SEND_WAIT, RESERVE, RECV_NB, RECV_WAIT, VIEW };

static const char *const call_name[] = { "send", "blocking send", "reserve",
					 "recv", "blocking recv", "recv_view" };

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Make the call; *ok tells whether what it got is the crafted message. */
static int call(struct chan *c, enum call k, int *ok)
{
	uint64_t end = now_ns() + WAIT_MS * 1000000ull;
	struct timespec ts = { (time_t)(end / 1000000000ull), (long)(end % 1000000000ull) };
	char buf[MAX_MSG + 8];
	const void *v;
	void *w;
	int ret;

	*ok = 1;
	switch (k) {
	case SEND_NB:
	case SEND_WAIT:
		return ipcx_chan_send(c->tx, msg, sizeof(msg), k == SEND_NB ? IPCX_CHAN_NONBLOCK : 0,
				      &ts, CLOCK_MONOTONIC);
	case RESERVE:
		ret = ipcx_chan_reserve(c->tx, sizeof(msg), &w, IPCX_CHAN_NONBLOCK, NULL, 0);
		if (!ret)
			ret = ipcx_chan_commit(c->tx, 0);
		return ret;
	case RECV_NB:
	case RECV_WAIT:
		ret = ipcx_chan_recv(c->rx, buf, sizeof(buf), k == RECV_NB ? IPCX_CHAN_NONBLOCK : 0,
				     &ts, CLOCK_MONOTONIC);
		*ok = ret != sizeof(msg) || !memcmp(buf, msg, sizeof(msg));
		return ret;
	case VIEW:
		ret = ipcx_chan_recv_view(c->rx, &v, IPCX_CHAN_NONBLOCK, NULL, 0);
		if (ret > 0) {
			*ok = ret == sizeof(msg) && !memcmp(v, msg, sizeof(msg));
			ipcx_chan_release(c->rx);
		}
		return ret;
	}
	return -EINVAL;
}

/* What the documented outcome means for this call's result. */
static int as_expected(const struct row *r, struct chan *c, enum call k, int ret,
		       uint64_t tail0, uint64_t head0)
{
	int blocking = k == SEND_WAIT || k == RECV_WAIT, tx = k <= RESERVE;

	switch (r->expect) {
	case PROTO:
		return ret == -EPROTO;
	case BADMSG:
		return ret == -EBADMSG;
	case MOVES:
		if (tx)		/* a message (no stream row) claimed at tail */
			return ret >= 0 && *tail_of(c) == tail0 + 1;
		return ret == sizeof(msg);
	case SKIPS:
		if (*head_of(c) != head0 + 1)
			return 0;
		/* fall through */
	case WAITS:
		return ret == (blocking ? -ETIMEDOUT : -EAGAIN);
	}
	return 0;
}

static void run(const struct row *r, enum kind kind, enum call k)
{
	static const char *const kind_name[] = { [K_SPSC] = "spsc", [K_QUEUE] = "queue",
						 [K_STREAM] = "stream" };
	uint64_t tail0, head0, t0, took;
	struct chan c;
	int ret, ok;

	chan_make(&c, kind);
	r->craft(&c);
	tail0 = *tail_of(&c);
	head0 = *head_of(&c);
	t0 = now_ns();
	ret = call(&c, k, &ok);
	took = now_ns() - t0;
	ok = ok && as_expected(r, &c, k, ret, tail0, head0) &&
	     took <= WAIT_MS * 1000000ull + SLACK_NS;
	printf("%s %d - %s %s: %s: %s (got %d after %llu us)\n", ok ? "ok" : "not ok", ++tests,
	       kind_name[kind], call_name[k], r->state, outcome_name[r->expect], ret,
	       (unsigned long long)(took / 1000));
	failures += !ok;
	chan_drop(&c);
}

/* Every call of each role the row concerns (a stream has no zero copy). */
static void run_row(const struct row *r, enum kind kind)
{
	static const enum call calls[2][3] = { { SEND_NB, SEND_WAIT, RESERVE },
					       { RECV_NB, RECV_WAIT, VIEW } };
	unsigned int role, n;

	for (role = 0; role < 2; role++) {
		if (!(r->roles & (role ? RX : TX)))
			continue;
		for (n = 0; n < (kind == K_STREAM ? 2u : 3u); n++)
			run(r, kind, calls[role][n]);
	}
}

int main(void)
{
	static const enum kind kinds[] = { K_SPSC, K_QUEUE, K_STREAM };
	size_t i, j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			if (rows[i].kinds & kinds[j])
				run_row(&rows[i], kinds[j]);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
