// SPDX-License-Identifier: GPL-2.0
/*
 * Channels (lib/channel/) and their peers: end of file and -EPIPE when a
 * SIGKILLed peer goes, a first peer attaching (no false end of file or
 * -EPIPE), slots of peers killed mid-message recovered (queue and SPSC),
 * a receiver a lap behind a held or dead view sleeping, and poll
 * readiness, also on a sender's death.
 */
#include "channel_helpers.h"

static pid_t kill_later(pid_t victim, long ms)
{
	pid_t pid = fork();

	if (!pid) {
		lh_msleep(ms);
		kill(victim, SIGKILL);
		_exit(0);
	}
	return pid;
}

/* A sender SIGKILLed mid-stream: the blocked receiver gets the messages
 * sent, then end of file -- woken by the kernel's release, no timeout. */
TEST_F(chan, eof_sender_killed)
{
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, n, pipefd[2];
	char b[64], c;
	uint64_t t0;
	pid_t pid, killer;

	make_chan(_metadata, self, 0, 64, 16, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (!pid) {
		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx))
			_exit(1);
		for (i = 0; i < 10; i++)
			ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(sizeof(int), ipcx_chan_recv(rx, &n, sizeof(n), 0, NULL, 0));
		EXPECT_EQ(i, n);
	}
	killer = kill_later(pid, 300);
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 20000);
	EXPECT_EQ(0, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_LT(lh_now_ns(CLOCK_MONOTONIC) - t0, 15000000000ull);
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 200000000ull);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(killer, 10000)));
	lh_wait_child(pid, 10000);
	/* a new sender can take the dead one's slot */
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	EXPECT_EQ(3, ipcx_chan_send(tx, "abc", 3, 0, NULL, 0));
	EXPECT_EQ(3, ipcx_chan_recv(rx, b, sizeof(b), 0, NULL, 0));
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* A receiver SIGKILLed while the sender is blocked on a full ring. */
TEST_F(chan, epipe_receiver_killed)
{
	struct ipcx_chan *tx;
	struct timespec ts;
	int i, pipefd[2];
	uint64_t t0;
	pid_t pid, killer;
	char c;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (!pid) {
		child_attach(self, IPCX_CHAN_RECV, pipefd[1]);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(4, ipcx_chan_send(tx, &i, 4, 0, NULL, 0));
	killer = kill_later(pid, 300);
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	ts = lh_deadline(CLOCK_MONOTONIC, 20000);
	EXPECT_EQ(-EPIPE, ipcx_chan_send(tx, &i, 4, 0, &ts, CLOCK_MONOTONIC));
	EXPECT_LT(lh_now_ns(CLOCK_MONOTONIC) - t0, 15000000000ull);
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 200000000ull);
	EXPECT_EQ(-EPIPE, ipcx_chan_send(tx, &i, 4, IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(killer, 10000)));
	lh_wait_child(pid, 10000);
	EXPECT_EQ(0, ipcx_chan_close(tx));
}

/*
 * A first peer attaching while the other side looks for one (a tight
 * non-blocking loop): the peer is "never attached" until it is, then
 * attached; never "gone" in between (end of file before the message it
 * sends, -EPIPE before the message it takes). 64 slots of the attaching
 * role make each look-up long enough for attaches to land inside it.
 */
#define ATTACH_ROUNDS	300

static int first_peer_rounds(struct __test_metadata *_metadata, FIXTURE_DATA(chan) *self,
			     unsigned int role)
{
	unsigned int peer = role == IPCX_CHAN_RECV ? IPCX_CHAN_SEND : IPCX_CHAN_RECV;
	struct ipcx_chan_attr a = { 0, sizeof(int), 2, role == IPCX_CHAN_RECV ? 64 : 1,
				    role == IPCX_CHAN_RECV ? 1 : 64 };
	int r, n, rc, st, bad = 0, go[2];
	struct ipcx_chan *ch, *pc;
	pid_t pid;

	for (r = 0; r < ATTACH_ROUNDS; r++) {
		rc = ipcx_chan_init(self->fd, self->base, self->size, &a);
		if (!rc)
			rc = ipcx_chan_open(self->fd, self->base, self->size, role, &ch);
		if (rc) {
			TH_LOG("round %d: init or open: %d", r, rc);
			return -1;
		}
		/* a sender fills the ring first, so that it waits for room */
		for (n = 0; role == IPCX_CHAN_SEND && n < 2; n++)
			EXPECT_EQ(sizeof(n), ipcx_chan_send(ch, &n, sizeof(n), 0, NULL, 0));
		if (pipe(go))
			return -1;
		pid = fork();
		if (!pid) {
			char c;

			if (ipcx_chan_open(self->fd, self->base, self->size, peer, &pc))
				_exit(1);
			if (peer == IPCX_CHAN_SEND)
				_exit(ipcx_chan_send(pc, &r, sizeof(r), 0, NULL, 0) != sizeof(r));
			if (ipcx_chan_recv(pc, &n, sizeof(n), 0, NULL, 0) != sizeof(n))
				_exit(2);
			_exit(read(go[0], &c, 1) != 1);	/* attached until told */
		}
		do {
			n = r;
			rc = role == IPCX_CHAN_RECV ?
			     ipcx_chan_recv(ch, &n, sizeof(n), IPCX_CHAN_NONBLOCK, NULL, 0) :
			     ipcx_chan_send(ch, &n, sizeof(n), IPCX_CHAN_NONBLOCK, NULL, 0);
		} while (rc == -EAGAIN);
		if (rc != sizeof(n) || n != r) {
			TH_LOG("round %d: %d (message %d), not the peer's message", r, rc, n);
			bad++;
		}
		EXPECT_EQ(1, write(go[1], "x", 1));
		EXPECT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_EQ(0, lh_exit_code(st));
		close(go[0]);
		close(go[1]);
		EXPECT_EQ(0, ipcx_chan_close(ch));
	}
	return bad;
}

/* (Each round formats the region anew, with the geometry it was made
 * with: the kernel keeps its lock declarations.) 300 rounds of two opens
 * and a fork took over the harness's default 30 s on the KASAN kernel of
 * a loaded host: the limit only ends a hung run. */
TEST_F_TIMEOUT(chan, first_sender_attaching_is_no_eof, 300)
{
	make_chan(_metadata, self, 0, sizeof(int), 2, 64, 1);
	EXPECT_EQ(0, first_peer_rounds(_metadata, self, IPCX_CHAN_RECV));
}

TEST_F_TIMEOUT(chan, first_receiver_attaching_is_no_epipe, 300)
{
	make_chan(_metadata, self, 0, sizeof(int), 2, 1, 64);
	EXPECT_EQ(0, first_peer_rounds(_metadata, self, IPCX_CHAN_SEND));
}

/*
 * A child that attaches as role and stays mid-message until killed: a
 * sender between reserve and commit, a receiver holding a view of the next
 * message (an int). Returns once it is there.
 */
static pid_t child_mid_message(FIXTURE_DATA(chan) *self, unsigned int role, int pipefd[2])
{
	struct ipcx_chan *ch;
	char b[2];
	pid_t pid = fork();

	if (!pid) {
		const void *v;
		void *p;

		ch = child_attach(self, role, pipefd[1]);
		if (role == IPCX_CHAN_SEND ? ipcx_chan_reserve(ch, 8, &p, 0, NULL, 0) != 0 :
		    ipcx_chan_recv_view(ch, &v, 0, NULL, 0) != sizeof(int))
			_exit(1);
		if (write(pipefd[1], "y", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (pid < 0 || read(pipefd[0], b, 1) != 1 || read(pipefd[0], b, 1) != 1)
		return -1;
	return pid;
}

/* A sender SIGKILLed between reserve and commit leaves a hole at the
 * head: receivers wait while it lives, then skip it and get what other
 * senders queued behind it. */
TEST_F(chan, dead_sender_hole_skipped)
{
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, pipefd[2];
	char b[64];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 2, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, pipe(pipefd));
	pid = child_mid_message(self, IPCX_CHAN_SEND, pipefd);	/* slot 0 reserved */
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(2, ipcx_chan_send(tx, "m1", 2, 0, NULL, 0));
	ASSERT_EQ(2, ipcx_chan_send(tx, "m2", 2, 0, NULL, 0));
	/* the claimer lives: its slot is waited for */
	ts = lh_deadline(CLOCK_MONOTONIC, 200);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	kill(pid, SIGKILL);
	lh_wait_child(pid, 10000);
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	ASSERT_EQ(2, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(0, memcmp(b, "m1", 2));
	ASSERT_EQ(2, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(0, memcmp(b, "m2", 2));
	/* the skipped slot is in use again: two laps of the ring */
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
		ASSERT_EQ(sizeof(i), ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
		EXPECT_EQ(0, memcmp(b, &i, sizeof(i)));
	}
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* A receiver SIGKILLed holding a message (a view not released) leaves a
 * slot senders cannot reuse: once it is dead a sender gives it back. */
TEST_F(chan, dead_receiver_slot_reclaimed)
{
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, n, pipefd[2];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 2);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	i = 0;
	ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0));
	ASSERT_EQ(0, pipe(pipefd));
	pid = child_mid_message(self, IPCX_CHAN_RECV, pipefd);	/* message 0 held */
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	for (i = 1; i < 4; i++)
		ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0));
	/* full: the holder lives */
	ts = lh_deadline(CLOCK_MONOTONIC, 200);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
	kill(pid, SIGKILL);
	lh_wait_child(pid, 10000);
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
	for (i = 1; i < 5; i++) {
		ASSERT_EQ(sizeof(n), ipcx_chan_recv(rx, &n, sizeof(n), 0, &ts, CLOCK_MONOTONIC));
		EXPECT_EQ(i, n);
	}
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* One sender, one receiver (slots go back through head): a sender killed
 * between reserve and commit leaves a hole that its successor's messages
 * queue behind; the receiver waits while it lives, then steps over it. */
TEST_F(chan, spsc_dead_sender_hole_skipped)
{
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, pipefd[2];
	char b[64];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ASSERT_EQ(0, pipe(pipefd));
	pid = child_mid_message(self, IPCX_CHAN_SEND, pipefd);	/* slot 0 reserved */
	ASSERT_GT(pid, 0);
	ts = lh_deadline(CLOCK_MONOTONIC, 200);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	kill(pid, SIGKILL);
	lh_wait_child(pid, 10000);
	/* the successor takes the slot; its first message is behind the hole */
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(2, ipcx_chan_send(tx, "m1", 2, 0, NULL, 0));
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	ASSERT_EQ(2, ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(0, memcmp(b, "m1", 2));
	/* three of the four slots are free again, the hole's among them:
	 * fill the ring, then two laps */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(-EAGAIN, ipcx_chan_send(tx, &i, sizeof(i), IPCX_CHAN_NONBLOCK, NULL, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(sizeof(i), ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
		EXPECT_EQ(0, memcmp(b, &i, sizeof(i)));
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
		ASSERT_EQ(sizeof(i), ipcx_chan_recv(rx, b, sizeof(b), 0, &ts, CLOCK_MONOTONIC));
		EXPECT_EQ(0, memcmp(b, &i, sizeof(i)));
	}
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/* One sender, one receiver: a receiver killed holding a view keeps the
 * ring full while it lives; its successor skips that message (lost, as in
 * the queue) and the sender goes on. */
TEST_F(chan, spsc_dead_receiver_message_skipped)
{
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, n, ret = 0, pipefd[2];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	i = 0;
	ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0));
	ASSERT_EQ(0, pipe(pipefd));
	pid = child_mid_message(self, IPCX_CHAN_RECV, pipefd);	/* message 0 held */
	ASSERT_GT(pid, 0);
	for (i = 1; i < 4; i++)
		ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0));
	ts = lh_deadline(CLOCK_MONOTONIC, 200);
	EXPECT_EQ(-ETIMEDOUT, ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
	kill(pid, SIGKILL);
	lh_wait_child(pid, 10000);
	/* no receiver now (its death is handled by the kernel's death work,
	 * asynchronously: allow it time on a loaded machine) */
	for (n = 0; n < 500; n++) {
		ret = ipcx_chan_send(tx, &i, sizeof(i), IPCX_CHAN_NONBLOCK, NULL, 0);
		if (ret != -EAGAIN)
			break;
		usleep(10000);
	}
	EXPECT_EQ(-EPIPE, ret);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	ASSERT_EQ(sizeof(i), ipcx_chan_send(tx, &i, sizeof(i), 0, &ts, CLOCK_MONOTONIC));
	for (i = 1; i < 5; i++) {
		ASSERT_EQ(sizeof(n), ipcx_chan_recv(rx, &n, sizeof(n), 0, &ts, CLOCK_MONOTONIC));
		EXPECT_EQ(i, n);
	}
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv(rx, &n, sizeof(n), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, ipcx_chan_close(tx));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/*
 * A receiver a lap behind a held slot: in a child, on CPU 1 when there are
 * two, a receiver with this spin budget (UINT64_MAX: the default) takes
 * three messages, then waits ms for a fourth. Reports over wfd its last
 * result, the wait's wall time and the CPU time it used (ms).
 */
static pid_t lap_behind_receiver(FIXTURE_DATA(chan) *self, uint64_t spin_ns, long ms,
				 int wfd)
{
	pid_t pid = fork();

	if (!pid) {
		struct ipcx_chan *rx;
		struct timespec ts, c0, c1;
		long res[3];
		uint64_t t0;
		int i, n;

		if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
			pin_to(1);
		if (ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx) ||
		    (spin_ns != UINT64_MAX && ipcx_chan_set_spin(rx, spin_ns)))
			_exit(1);
		for (i = 1; i < 4; i++)
			if (ipcx_chan_recv(rx, &n, sizeof(n), 0, NULL, 0) != sizeof(n) || n != i)
				_exit(2);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
		t0 = lh_now_ns(CLOCK_MONOTONIC);
		ts = lh_deadline(CLOCK_MONOTONIC, ms);
		res[0] = ipcx_chan_recv(rx, &n, sizeof(n), 0, &ts, CLOCK_MONOTONIC);
		res[1] = (long)((lh_now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		res[2] = (c1.tv_sec - c0.tv_sec) * 1000 + (c1.tv_nsec - c0.tv_nsec) / 1000000;
		_exit(write(wfd, res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	return pid;
}

/*
 * Run lap_behind_receiver() while message 0 is held (by a live view or by
 * a killed receiver) and 1..3 are queued: the slot at its head a lap later
 * holds message 0, not given back, which is not a message for it. It must
 * sleep (its CPU time near zero: under 60 ms) and time out at its deadline
 * (within 1 s after it).
 */
static void lap_behind_waits(struct __test_metadata *_metadata, FIXTURE_DATA(chan) *self,
			     uint64_t spin_ns)
{
	long res[3] = { -1, -1, -1 };
	int pipefd[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = lap_behind_receiver(self, spin_ns, 300, pipefd[1]);
	ASSERT_GT(pid, 0);
	/* before the fix it never returned with the default spin */
	if (readable(pipefd[0], 5000))
		ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 1000)));
	close(pipefd[0]);
	close(pipefd[1]);
	TH_LOG("spin %s: result %ld after %ld ms, %ld ms of CPU",
	       spin_ns ? "default" : "0", res[0], res[1], res[2]);
	EXPECT_EQ(-ETIMEDOUT, res[0]);
	EXPECT_GE(res[1], 290);
	EXPECT_LE(res[1], 1300);
	EXPECT_GE(res[2], 0);
	EXPECT_LT(res[2], 60);
}

/* Two receivers (MPMC): one holds a view of message 0 while the other
 * takes 1..3 and reaches message 0's slot a lap later; with the default
 * spin, then with none. */
TEST_F(chan, mpmc_receiver_lap_behind_held_view_sleeps)
{
	uint64_t spins[2] = { UINT64_MAX, 0 };
	struct ipcx_chan *rx, *tx;
	const void *v;
	int i, j;

	make_chan(_metadata, self, 0, 64, 4, 1, 2);
	pin_to(0);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 4; j++) {
			ASSERT_EQ(sizeof(j), ipcx_chan_send(tx, &j, sizeof(j), 0, NULL, 0));
			if (!j)
				ASSERT_EQ(sizeof(j), ipcx_chan_recv_view(rx, &v, 0, NULL, 0));
		}
		lap_behind_waits(_metadata, self, spins[i]);
		EXPECT_EQ(0, ipcx_chan_release(rx));
	}
	EXPECT_EQ(0, ipcx_chan_close(rx));
	EXPECT_EQ(0, ipcx_chan_close(tx));
}

/* The same with the holder SIGKILLed: its slot stays taken until a
 * sender's next send gives it back, which a receiver then gets. (A
 * receiver of the test's own keeps the sends from -EPIPE meanwhile.) */
TEST_F(chan, mpmc_receiver_lap_behind_dead_holder_sleeps)
{
	uint64_t spins[2] = { UINT64_MAX, 0 };
	struct ipcx_chan *rx, *tx;
	struct timespec ts;
	int i, j, n, pipefd[2];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 2);
	pin_to(0);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_SEND, &tx));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV,
					    &rx));
		j = 0;
		ASSERT_EQ(sizeof(j), ipcx_chan_send(tx, &j, sizeof(j), 0, NULL, 0));
		ASSERT_EQ(0, pipe(pipefd));
		pid = child_mid_message(self, IPCX_CHAN_RECV, pipefd);	/* message 0 held */
		ASSERT_GT(pid, 0);
		close(pipefd[0]);
		close(pipefd[1]);
		for (j = 1; j < 4; j++)
			ASSERT_EQ(sizeof(j), ipcx_chan_send(tx, &j, sizeof(j), 0, NULL, 0));
		EXPECT_EQ(0, ipcx_chan_close(rx));
		kill(pid, SIGKILL);
		lh_wait_child(pid, 10000);
		lap_behind_waits(_metadata, self, spins[i]);
	}
	/* the next send gives the dead holder's slot back */
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	j = 4;
	ts = lh_deadline(CLOCK_MONOTONIC, 10000);
	ASSERT_EQ(sizeof(j), ipcx_chan_send(tx, &j, sizeof(j), 0, &ts, CLOCK_MONOTONIC));
	ASSERT_EQ(sizeof(n), ipcx_chan_recv(rx, &n, sizeof(n), 0, &ts, CLOCK_MONOTONIC));
	EXPECT_EQ(4, n);
	EXPECT_EQ(0, ipcx_chan_close(rx));
	EXPECT_EQ(0, ipcx_chan_close(tx));
}

TEST_F(chan, poll_readiness)
{
	struct ipcx_chan *rx, *tx;
	int fd, pipefd[2];
	char b[64];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	fd = ipcx_chan_fd(rx);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fd, ipcx_chan_fd(rx));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (!pid) {
		tx = child_attach(self, IPCX_CHAN_SEND, pipefd[1]);
		lh_msleep(300);
		if (ipcx_chan_send(tx, "ping", 4, 0, NULL, 0) != 4)
			_exit(2);
		lh_msleep(300);
		_exit(ipcx_chan_send(tx, "pong", 4, 0, NULL, 0) == 4 ? 0 : 3);
	}
	ASSERT_EQ(1, read(pipefd[0], b, 1));
	/* the sender's attach moved the event (it wakes waiters): -EAGAIN
	 * re-arms the fd */
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, readable(fd, 50));
	EXPECT_EQ(1, readable(fd, 5000));
	EXPECT_EQ(4, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, memcmp(b, "ping", 4));
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, readable(fd, 50));
	EXPECT_EQ(1, readable(fd, 5000));
	EXPECT_EQ(4, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, memcmp(b, "pong", 4));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 10000)));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

/*
 * The readiness fd of a receiver reports the death of the last sender (the
 * kernel signals the receivers' event), and recv then gives EOF.
 */
TEST_F(chan, poll_readiness_reports_sender_death)
{
	struct ipcx_chan *rx;
	int fd, pipefd[2];
	char b[64];
	pid_t pid;

	make_chan(_metadata, self, 0, 64, 4, 1, 1);
	ASSERT_EQ(0, ipcx_chan_open(self->fd, self->base, self->size, IPCX_CHAN_RECV, &rx));
	fd = ipcx_chan_fd(rx);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (!pid) {
		child_attach(self, IPCX_CHAN_SEND, pipefd[1]);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(pipefd[0], b, 1));
	EXPECT_EQ(-EAGAIN, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, readable(fd, 100));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(1, readable(fd, 5000));
	EXPECT_EQ(0, ipcx_chan_recv(rx, b, sizeof(b), IPCX_CHAN_NONBLOCK, NULL, 0));
	EXPECT_EQ(0, ipcx_chan_close(rx));
}

TEST_HARNESS_MAIN
