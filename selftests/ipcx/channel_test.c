// SPDX-License-Identifier: GPL-2.0
/*
 * Channels (lib/channel/): ordering and integrity of checksummed messages
 * of random sizes (SPSC, 4x4 MPMC, byte streams), blocking when full or
 * empty, non-blocking -EAGAIN, timeouts, the spin budget, zero copy, and
 * a ring scribbled on by a peer (errors, never a crash). What peers that
 * come, die mid-message or are polled for do: channel_peers_test.c.
 *
 * IPCX_CHAN_MSGS sets the number of messages of the integrity tests
 * (default 1M, so that every ring wraps many times; the stream test
 * moves 8 bytes per message);
 * make check's debug-kernel step passes a smaller count. Each integrity
 * test prints its count and how long it took.
 */
#include "channel_helpers.h"

static long nmsgs(void)
{
	const char *e = getenv("IPCX_CHAN_MSGS");

	if (e && atol(e) > 0)
		return atol(e);
	return 1000000;
}

static double secs_since(uint64_t t0)
{
	return (lh_now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
}

/* ---- checksummed messages (msg_helpers.h) ---- */

static int producer_run(FIXTURE_DATA(chan) *self, uint32_t id, long n)
{
	unsigned char buf[MAX_MSG];
	struct ipcx_chan *ch;
	uint64_t rs = 0x9e3779b97f4a7c15ull * (id + 1);
	long i;

	if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &ch))
		return 10;
	for (i = 0; i < n; i++) {
		size_t len = msg_len(&rs, MAX_MSG);

		msg_fill(buf, len, id, i, &rs);
		if (i & 1) {	/* every other message zero-copy */
			void *p;

			if (ipcx_chan_reserve(ch, len, &p, 0, NULL, 0))
				return 11;
			memcpy(p, buf, len);
			if (ipcx_chan_commit(ch, len))
				return 12;
		} else if (ipcx_chan_send(ch, buf, len, 0, NULL, 0) != (int)len) {
			return 13;
		}
	}
	return ipcx_chan_close(ch) ? 14 : 0;
}

/* Receive until EOF; mark each (producer, seq) in seen; per producer the
 * sequence must grow. */
static int consumer_run(FIXTURE_DATA(chan) *self, int nprod, long per,
			unsigned char *seen, long *count)
{
	int64_t last[8];
	struct ipcx_chan *ch;
	unsigned char buf[MAX_MSG];
	uint32_t p;
	uint64_t s;
	int i, len;

	for (i = 0; i < nprod; i++)
		last[i] = -1;
	if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &ch))
		return 20;
	*count = 0;
	for (;;) {
		if (*count & 1) {
			const void *v;

			len = ipcx_chan_recv_view(ch, &v, 0, NULL, 0);
			if (len > 0) {
				memcpy(buf, v, len);
				ipcx_chan_release(ch);
			}
		} else {
			len = ipcx_chan_recv(ch, buf, sizeof(buf), 0, NULL, 0);
		}
		if (len == 0)
			break;
		if (len < 0)
			return 21;
		if (msg_verify(buf, len, &p, &s))
			return 22;
		if (p >= (uint32_t)nprod || s >= (uint64_t)per || (int64_t)s <= last[p])
			return 23;
		last[p] = s;
		if (__atomic_exchange_n(&seen[p * per + s], 1, __ATOMIC_SEQ_CST))
			return 24;	/* duplicate */
		(*count)++;
	}
	return ipcx_chan_close(ch) ? 25 : 0;
}

static void run_mpmc(struct __test_metadata *_metadata, FIXTURE_DATA(chan) *self,
		     int nprod, int ncons)
{
	long n = nmsgs(), per = n / nprod, total = 0, i;
	size_t seen_len = (size_t)nprod * per + sizeof(long) * ncons;
	unsigned char *seen;
	long *counts;
	pid_t pids[16];
	struct rusage ru0, ru1;
	uint64_t t0;
	double secs;
	int k;

	make_chan(_metadata, self, 0, MAX_MSG, 64, nprod, ncons);
	seen = mmap(NULL, seen_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, seen);
	counts = (long *)(seen + (size_t)nprod * per);
	counts = (long *)(((uintptr_t)counts + 7) & ~7ul);
	memset(seen, 0, seen_len);
	seen_len += 8;
	getrusage(RUSAGE_CHILDREN, &ru0);
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	for (k = 0; k < ncons; k++) {
		pids[k] = fork();
		if (!pids[k])
			_exit(consumer_run(self, nprod, per, seen, &counts[k]));
	}
	for (k = 0; k < nprod; k++) {
		pids[ncons + k] = fork();
		if (!pids[ncons + k])
			_exit(producer_run(self, k, per));
	}
	for (k = 0; k < nprod + ncons; k++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[k], 280000))) {
			TH_LOG("child %d (%s) failed", k, k < ncons ? "consumer" : "producer");
		}
	secs = secs_since(t0);
	getrusage(RUSAGE_CHILDREN, &ru1);
	for (k = 0; k < ncons; k++)
		total += counts[k];
	EXPECT_EQ(per * nprod, total);
	for (i = 0; i < per * nprod; i++)
		if (!seen[i])
			break;
	EXPECT_EQ(per * nprod, i);
	/* sleeps (voluntary switches) per message tell a batched run from
	 * one that hands every message over with a wake-up */
	TH_LOG("%ld messages, %d producers x %d consumers: %.2f s, %.0f msg/s, "
	       "%.3f sleeps/msg", per * nprod, nprod, ncons, secs,
	       per * nprod / (secs > 0 ? secs : 1e-9),
	       (double)(ru1.ru_nvcsw - ru0.ru_nvcsw) / (per * nprod));
}

TEST_F_TIMEOUT(chan, spsc_integrity, 300)
{
	run_mpmc(_metadata, self, 1, 1);
}

TEST_F_TIMEOUT(chan, mpmc_4x4_integrity, 300)
{
	run_mpmc(_metadata, self, 4, 4);
}

TEST_F_TIMEOUT(chan, stream_integrity, 120)
{
	long total = nmsgs() * 8, got = 0;
	unsigned char buf[4096];
	struct ipcx_chan *ch;
	uint64_t rs = 7, pos = 0, t0 = lh_now_ns(CLOCK_MONOTONIC);
	pid_t pid;
	int n, i;

	make_chan(_metadata, self, IPCX_CHAN_STREAM, 0, 4096, 1, 1);
	pid = fork();
	if (!pid) {
		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &ch))
			_exit(1);
		while (pos < (uint64_t)total) {
			size_t len = 1 + rnd(&rs) % sizeof(buf);

			if (len > total - pos)
				len = total - pos;
			for (i = 0; i < (int)len; i++)
				buf[i] = (unsigned char)((pos + i) * 131 >> 3);
			if (ipcx_chan_send(ch, buf, len, 0, NULL, 0) != (int)len)
				_exit(2);
			pos += len;
		}
		_exit(ipcx_chan_close(ch) ? 3 : 0);
	}
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &ch));
	for (;;) {
		n = ipcx_chan_recv(ch, buf, 1 + rnd(&rs) % sizeof(buf), 0, NULL, 0);
		ASSERT_GE(n, 0);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			if (buf[i] != (unsigned char)((got + i) * 131 >> 3))
				break;
		ASSERT_EQ(n, i);
		got += n;
	}
	EXPECT_EQ(total, got);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
	EXPECT_EQ(0, ipcx_chan_close(ch));
	TH_LOG("stream: %ld bytes in random chunks: %.2f s", got, secs_since(t0));
}

/* Full: -EAGAIN, timeout, then a blocked sender woken by a receiver. */
TEST_F(chan, full_blocks)
{
	struct ipcx_chan *tx, *rx;
	struct timespec ts;
	char m[8] = "abcdefg";
	uint64_t t0;
	pid_t pid;
	int i;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(8, ipcx_chan_send(tx, m, 8, IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(-EAGAIN, ipcx_chan_send(tx, m, 8, IPCX_CHAN_NONBLOCK, NULL, 0));
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 150);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_send(tx, m, 8, 0, &ts, CLOCK_MONOTONIC));
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 140000000ull);
	ts = lh_deadline(CLOCK_REALTIME, 50);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_send(tx, m, 8, 0, &ts, CLOCK_REALTIME));
	pid = fork();
	if (!pid) {
		char b[64];

		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx))
			_exit(1);
		lh_msleep(300);
		for (i = 0; i < 5; i++)
			if (ipcx_chan_recv(rx, b, sizeof(b), 0, NULL, 0) != 8)
				_exit(2);
		_exit(0);
	}
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	EXPECT_EQ(8, ipcx_chan_send(tx, m, 8, 0, &ts, CLOCK_MONOTONIC));
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 200000000ull);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
	EXPECT_EQ(0, ipcx_chan_close(tx));
}

/* Empty: -EAGAIN, timeout, then a blocked receiver woken by a sender. */
TEST_F(chan, empty_blocks)
{
	struct ipcx_chan *tx, *rx, *tx2, *x;
	struct timespec ts;
	int pipefd[2];
	char b[64];
	uint64_t t0;
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 2, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx2));
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 150);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 140000000ull);
	/* a third sender slot does not exist */
	EXPECT_EQ(-EUSERS, ipcx_chan_open(self->fd, self->base, self->size,
					  IPCX_CHAN_SEND, &x));
	EXPECT_EQ(0, ipcx_chan_close(tx2));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (!pid) {
		tx = child_attach(self, IPCX_CHAN_SEND, pipefd[1]);
		lh_msleep(300);
		_exit(ipcx_chan_send(tx, "hello", 5, 0, NULL, 0) == 5 ? 0 : 2);
	}
	ASSERT_EQ(1, read(pipefd[0], b, 1));
	EXPECT_EQ(0, ipcx_chan_close(tx));	/* the child is still a sender */
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	EXPECT_EQ(5, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(0, memcmp(b, "hello", 5));
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 200000000ull);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
	/* the sender exited: end of file */
	EXPECT_EQ(0, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* Where lib/channel/channel.h keeps the count of sleeping receivers. */
#define OFF_RX_WAITING	192

/* A receiver in a child on CPU 1 with this spin budget and timeout (ms):
 * its recv's result (5 for "hello") and time taken, over a pipe. */
static pid_t spin_receiver(FIXTURE_DATA(chan) *self, uint64_t spin_ns, long ms, int wfd)
{
	pid_t pid = fork();

	if (!pid) {
		struct ipcx_chan *rx;
		struct timespec ts;
		long res[2];
		uint64_t t0;
		char b[64];

		pin_to(1);
		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx) ||
		    ipcx_chan_set_spin(rx, spin_ns) || write(wfd, "x", 1) != 1)
			_exit(1);
		t0 = lh_now_ns(CLOCK_MONOTONIC);
		ts = lh_deadline(CLOCK_MONOTONIC, ms);
		res[0] = ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC);
		res[1] = (long)((lh_now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
		_exit(write(wfd, res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	return pid;
}

/*
 * The spin budget (ipcx_chan_set_spin): a receiver with a budget of 1 s is
 * still spinning 100 ms after it began waiting (not counted as a sleeper)
 * and takes the message; with none it sleeps at once (counted); a
 * timeout ends a long spin on time.
 */
TEST_F(chan, spin_budget)
{
	struct ipcx_chan *tx, *rx;
	volatile uint32_t *rx_waiting;
	int pipefd[2], i;
	long res[2];
	char c;
	pid_t pid;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU online: channels never spin");
	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	rx_waiting = (uint32_t *)((char *)self->base + OFF_RX_WAITING);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	EXPECT_EQ(-EINVAL, ipcx_chan_set_spin(NULL, 0));
	EXPECT_EQ(-EINVAL, ipcx_chan_set_spin(rx, 1000000001ull));
	EXPECT_EQ(0, ipcx_chan_set_spin(rx, 1000000000ull));
	EXPECT_EQ(0, ipcx_chan_close(rx));
	pin_to(0);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(0, pipe(pipefd));
	for (i = 0; i < 2; i++) {
		uint64_t spin = i ? 0 : 1000000000ull;

		pid = spin_receiver(self, spin, 10000, pipefd[1]);
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		lh_msleep(100);
		/* spinning: not a sleeper yet; no budget: asleep */
		EXPECT_EQ(i ? 1u : 0u, *rx_waiting) TH_LOG("spin budget %llu ns",
							   (unsigned long long)spin);
		ASSERT_EQ(5, ipcx_chan_send(tx, "hello", 5, 0, NULL, 0));
		ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
		EXPECT_EQ(5, res[0]);
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
		EXPECT_EQ(0u, *rx_waiting);
	}
	/* a 150 ms timeout ends a 1 s spin */
	pid = spin_receiver(self, 1000000000ull, 150, pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
	EXPECT_EQ(-ETIMEDOUT, res[0]);
	EXPECT_GE(res[1], 140);
	EXPECT_LT(res[1], 800);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
	EXPECT_EQ(0, ipcx_chan_close(tx));
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(chan, zero_copy_and_sizes)
{
	struct ipcx_chan *rx, *tx;
	const void *v;
	char b[64];
	void *p;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	EXPECT_EQ(-EMSGSIZE, ipcx_chan_send(tx, b, 65, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, ipcx_chan_send(tx, b, 0, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, ipcx_chan_recv(tx, b, sizeof(b), 0, NULL, 0));
	/* a cancelled reservation is skipped */
	ASSERT_EQ(0, ipcx_chan_reserve(tx, 64, &p, 0, NULL, 0));
	EXPECT_EQ(0, ipcx_chan_commit(tx, 0));
	ASSERT_EQ(0, ipcx_chan_reserve(tx, 64, &p, 0, NULL, 0));
	memcpy(p, "in place", 8);
	EXPECT_EQ(0, ipcx_chan_commit(tx, 8));
	EXPECT_EQ(-EINVAL, ipcx_chan_commit(tx, 8));
	EXPECT_EQ(-EMSGSIZE, ipcx_chan_recv(rx, b, 4, 0, NULL, 0));
	ASSERT_EQ(8, ipcx_chan_recv_view(rx, &v, 0, NULL, 0));
	EXPECT_EQ(0, memcmp(v, "in place", 8));
	EXPECT_EQ(0, ipcx_chan_release(rx));
	EXPECT_EQ(-EINVAL, ipcx_chan_release(rx));
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv_view(rx, &v, IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_recv_view(rx, &v, 0, NULL, 0));	/* EOF */
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* offsets of the layout (lib/channel/channel.h) the scribbler aims at */
#define OFF_TAIL	64
#define OFF_HEAD	128

static int ok_result(int r)
{
	return r >= 0 || r == -EAGAIN || r == -EPROTO || r == -EBADMSG ||
	       r == -ETIMEDOUT || r == -EPIPE;
}

TEST_F(chan, corrupted_ring)
{
	struct ipcx_chan *rx, *tx, *x;
	struct timespec ts;
	volatile uint64_t *tail, *head;
	char b[64];
	uint64_t t, h;
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 8, 1, 1);
	tail = (uint64_t *)((char *)self->base + OFF_TAIL);
	head = (uint64_t *)((char *)self->base + OFF_HEAD);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(3, ipcx_chan_send(tx, "abc", 3, 0, NULL, 0));
	t = *tail;
	h = *head;
	/* tail far ahead of head */
	*tail = t + 1000;
	EXPECT_EQ(-EPROTO, ipcx_chan_send(tx, "abc", 3, IPCX_CHAN_NONBLOCK, NULL, 0));
	*tail = t;
	/* head beyond tail */
	*head = t + 5;
	ts = lh_deadline(CLOCK_MONOTONIC, 100);
	EXPECT_EQ(-EPROTO, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	*head = h;
	/* a length beyond max_msg: dropped with -EBADMSG, the ring goes on */
	{
		/* first slot of the ring: after the lock blocks (2 x 64
		 * bytes) and the claim records (2 x 128: record and CPU
		 * hint lines) */
		uint64_t ring_off = 448 + 2 * 64 + 2 * 128;
		uint32_t *len = (uint32_t *)((char *)self->base + ring_off + (h & 7) * 128 + 8);

		*len = 0x7fffffff;
		EXPECT_EQ(-EBADMSG, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	}
	ASSERT_EQ(3, ipcx_chan_send(tx, "xyz", 3, 0, NULL, 0));
	EXPECT_EQ(3, ipcx_chan_recv(rx, b, sizeof(b), 0, NULL, 0));
	EXPECT_EQ(0, memcmp(b, "xyz", 3));
	/* a bad header: not a channel */
	((uint32_t *)self->base)[4] = 3;	/* capacity not a power of two */
	EXPECT_EQ(-EPROTO, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &x));
	((uint32_t *)self->base)[4] = 8;
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));

	/* random scribbles over indices, sequences and lengths, with a
	 * sender and a receiver working: errors only, in a child so that a
	 * crash fails the test */
	pid = fork();
	if (!pid) {
		uint64_t rs = 12345, *words = (uint64_t *)((char *)self->base + 448 + 256);
		int i, r;

		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx) ||
		    ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx))
			_exit(1);
		for (i = 0; i < 20000; i++) {
			switch (rnd(&rs) % 4) {
			case 0:
				*tail = rnd(&rs) % 3 ? *tail + rnd(&rs) % 20 - 10 : rnd(&rs);
				break;
			case 1:
				*head = rnd(&rs) % 3 ? *head + rnd(&rs) % 20 - 10 : rnd(&rs);
				break;
			default:
				words[rnd(&rs) % (8 * 128 / 8)] = rnd(&rs) % 2 ? rnd(&rs) : rnd(&rs) % 16;
			}
			r = ipcx_chan_send(tx, "scribble", 8, IPCX_CHAN_NONBLOCK, NULL, 0);
			if (!ok_result(r))
				_exit(2);
			r = ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0);
			if (!ok_result(r) || r > (int)sizeof(b))
				_exit(3);
		}
		_exit(0);
	}
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 60000)));
}

TEST_HARNESS_MAIN
