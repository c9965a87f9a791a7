// SPDX-License-Identifier: GPL-2.0
/*
 * Events (wait for a sequence to move, wake one or all), the robust
 * condition variable built from an event and a mutex, and lock fds in
 * poll/epoll.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(64 * 1024)
#define MUTEX_OFF	0
#define EVENT_OFF	64
#define DATA_OFF	4096

FIXTURE(ev) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct ipcx_mutex m;	/* a mutex at MUTEX_OFF */
	struct ipcx_event e;	/* an event at EVENT_OFF */
	volatile uint64_t *data;	/* state shared by the tests, at DATA_OFF */
};

FIXTURE_SETUP(ev)
{
	LH_REGION_FIXTURE_SETUP(REGION_SIZE, DATA_OFF);
	ASSERT_EQ(0, ipcx_mutex_init(&self->m, self->fd, self->base, MUTEX_OFF));
	ASSERT_EQ(0, ipcx_event_init(&self->e, self->fd, self->base, EVENT_OFF));
}

FIXTURE_TEARDOWN(ev)
{
	LH_REGION_FIXTURE_TEARDOWN(REGION_SIZE);
}

static pid_t spawn_waiter(struct ipcx_event *e, uint32_t seq, int wfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ret = ipcx_event_wait(e, seq, NULL, 0);

		_exit(write(wfd, &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
	}
	return pid;
}

static int readable_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

TEST_F(ev, wait_returns_at_once_when_sequence_moved)
{
	uint32_t seq = ipcx_event_seq(&self->e);

	EXPECT_EQ(0, ipcx_event_signal(&self->e));	/* nobody waits: 0 woken */
	EXPECT_EQ(seq + 1, ipcx_event_seq(&self->e));
	EXPECT_EQ(0, ipcx_event_wait(&self->e, seq, NULL, 0));
}

TEST_F(ev, wake_one_then_all)
{
	const int n = 4;
	pid_t pids[4];
	int p[2], i, ret, woken = 0;
	uint32_t seq = ipcx_event_seq(&self->e);

	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < n; i++) {
		pids[i] = spawn_waiter(&self->e, seq, p[1]);
		ASSERT_GE(pids[i], 0);
	}
	ASSERT_EQ(0, lh_wait_waiters(self->fd, EVENT_OFF, n, 10000));
	EXPECT_EQ(1, ipcx_event_signal(&self->e));
	ASSERT_EQ(sizeof(ret), read(p[0], &ret, sizeof(ret)));
	EXPECT_EQ(0, ret);
	lh_msleep(100);
	EXPECT_FALSE(readable_within(p[0], 0));	/* the others sleep on */
	EXPECT_EQ(n - 1, ipcx_event_broadcast(&self->e));
	for (i = 0; i < n - 1; i++) {
		ASSERT_EQ(sizeof(ret), read(p[0], &ret, sizeof(ret)));
		woken += ret == 0;
	}
	EXPECT_EQ(n - 1, woken);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 5000)));
	/* nobody left: the waiters bit is clear, signals stay in user space */
	EXPECT_EQ(0, *self->e.word & IPCX_EVENTW_WAITERS);
}

TEST_F(ev, wait_timeout_both_clocks)
{
	clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct timespec dl = lh_deadline(clocks[i], 150);
		uint64_t t0 = lh_now_ns(CLOCK_MONOTONIC);

		EXPECT_EQ(-ETIMEDOUT, ipcx_event_wait(&self->e, ipcx_event_seq(&self->e),
						      &dl, clocks[i]));
		EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 140000000ull);
	}
}

TEST_F(ev, dead_waiter_leaves_the_queue)
{
	struct ipcx_lock_stat st;
	int p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = spawn_waiter(&self->e, ipcx_event_seq(&self->e), p[1]);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, EVENT_OFF, 1, 10000));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, EVENT_OFF, &st));
	EXPECT_EQ(0, st.waiters);
	EXPECT_EQ(0, ipcx_event_broadcast(&self->e));
}

/* Producer/consumer on the robust condition variable, 2000 items. */
TEST_F_TIMEOUT(ev, condition_variable_producer_consumer, 120)
{
	const uint64_t items = 2000;
	volatile uint64_t *count = self->data, *consumed = self->data + 1;
	pid_t pid;

	*count = 0;
	*consumed = 0;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {		/* consumer */
		uint64_t got = 0;

		ipcx_mutex_lock(&self->m);
		while (got < items) {
			while (*count == 0)
				if (ipcx_cond_wait(&self->e, &self->m, NULL, 0))
					_exit(1);
			(*count)--;
			got++;
		}
		*consumed = got;
		ipcx_mutex_unlock(&self->m);
		_exit(0);
	}
	for (uint64_t i = 0; i < items; i++) {
		ASSERT_EQ(0, ipcx_mutex_lock(&self->m));
		(*count)++;
		ASSERT_EQ(0, ipcx_mutex_unlock(&self->m));
		ASSERT_LE(0, ipcx_event_signal(&self->e));
	}
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 100000)));
	EXPECT_EQ(items, *consumed);
	EXPECT_EQ(0, *count);
}

/*
 * The mutex holder dies while a condition waiter sleeps: cond_wait returns
 * with the mutex re-taken and EOWNERDEAD.
 */
TEST_F(ev, condition_variable_is_robust)
{
	struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 10000);
	pid_t holder, killer;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, ipcx_mutex_lock(&self->m));
	holder = fork();
	ASSERT_GE(holder, 0);
	if (holder == 0) {	/* gets the mutex once we wait, signals, dies */
		char c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';

		ipcx_event_broadcast(&self->e);
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	killer = fork();
	ASSERT_GE(killer, 0);
	if (killer == 0) {
		char c;

		if (read(p[0], &c, 1) != 1 || c != 'L')
			_exit(1);
		lh_msleep(100);
		kill(holder, SIGKILL);
		_exit(0);
	}
	EXPECT_EQ(-EOWNERDEAD, ipcx_cond_wait(&self->e, &self->m, &dl, CLOCK_MONOTONIC));
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(killer, 5000)));
	waitpid(holder, NULL, 0);
}

TEST_F(ev, event_fd_polls_readable_after_signal)
{
	uint64_t val;
	int lfd = ipcx_lock_fd(self->fd, EVENT_OFF);

	ASSERT_GE(lfd, 0);
	EXPECT_FALSE(readable_within(lfd, 0));
	/* with a lock fd open, signalling must reach the kernel */
	EXPECT_TRUE(*self->e.word & IPCX_EVENTW_WAITERS);
	EXPECT_EQ(0, ipcx_event_signal(&self->e));
	EXPECT_TRUE(readable_within(lfd, 1000));
	ASSERT_EQ(sizeof(val), read(lfd, &val, sizeof(val)));
	EXPECT_EQ(ipcx_event_seq(&self->e), val);
	EXPECT_FALSE(readable_within(lfd, 0));	/* seen */
	close(lfd);
}

TEST_F(ev, mutex_fd_epoll_readable_on_release_and_on_death)
{
	struct epoll_event evt = { .events = EPOLLIN };
	int lfd, ep, p[2], go[2];
	pid_t pid;
	char c;

	lfd = ipcx_lock_fd(self->fd, MUTEX_OFF);
	ASSERT_GE(lfd, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &evt));
	EXPECT_EQ(1, epoll_wait(ep, &evt, 1, 0));	/* free: takeable */

	/* held by a child: not readable; released: readable */
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		lh_msleep(300);
		ipcx_mutex_unlock(&self->m);
		if (read(go[0], &c, 1) != 1)	/* the parent saw it free */
			_exit(1);
		c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(0, epoll_wait(ep, &evt, 1, 50));
	EXPECT_EQ(1, epoll_wait(ep, &evt, 1, 3000));	/* released */
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(p[0], &c, 1));	/* locked again */
	EXPECT_EQ(0, epoll_wait(ep, &evt, 1, 50));
	kill(pid, SIGKILL);			/* dies holding it */
	EXPECT_EQ(1, epoll_wait(ep, &evt, 1, 3000));
	waitpid(pid, NULL, 0);
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&self->m));
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	close(ep);
	close(lfd);
}

/* DECLARE of a mutex at @off whose deaths signal the event at @ev. */
static int declare_death_event(int fd, uint64_t off, uint32_t kind, uint64_t ev)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = off;
	op.kind = kind;
	op.flags = IPCX_LOCK_F_DEATH_EVENT;
	op.value = ev;
	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? -errno : 0;
}

#define LINKED_OFF	128

/* The declaration rules of IPCX_LOCK_F_DEATH_EVENT, and the feature bit. */
TEST_F(ev, death_event_declaration_rules)
{
	struct ipcx_version ver;
	struct ipcx_lock_op op;

	ASSERT_EQ(0, ipcx_get_version(self->fd, &ver));
	EXPECT_TRUE(ver.features & IPCX_FEAT_DEATH_EVENT);
	/* only a mutex takes it, and only an event of the region is one */
	EXPECT_EQ(-EINVAL, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_EVENT, EVENT_OFF));
	EXPECT_EQ(-EINVAL, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_SEM, EVENT_OFF));
	EXPECT_EQ(-EINVAL, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, MUTEX_OFF));
	EXPECT_EQ(-ENOENT, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, 192));
	EXPECT_EQ(-EINVAL, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, EVENT_OFF + 1));
	EXPECT_EQ(-ENOENT, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, 1ull << 40));
	/* declared; again with the same event: fine; with none: the same lock */
	EXPECT_EQ(0, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, EVENT_OFF));
	EXPECT_EQ(0, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, EVENT_OFF));
	ASSERT_EQ(0, ipcx_event_init(&self->e, self->fd, self->base, 256));
	EXPECT_EQ(-EEXIST, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, 256));
	/* a mutex declared without one keeps none */
	EXPECT_EQ(-EEXIST, declare_death_event(self->fd, MUTEX_OFF, IPCX_LOCK_MUTEX, EVENT_OFF));
	/* no other operation takes the flag */
	memset(&op, 0, sizeof(op));
	op.offset = MUTEX_OFF;
	op.flags = IPCX_LOCK_F_DEATH_EVENT;
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_MUTEX_LOCK, &op));
	EXPECT_EQ(EINVAL, errno);
	op.offset = EVENT_OFF;
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_EVENT_WAKE, &op));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * A holder of a linked mutex is SIGKILLed: the kernel moves the event's
 * sequence, a sleeper on the event wakes, and the event's lock fd polls
 * readable, with no user-space signaller.
 */
TEST_F(ev, death_event_signalled_when_holder_dies)
{
	struct ipcx_mutex linked;
	int p[2], go[2], ret, efd;
	uint32_t seq;
	pid_t waiter, holder;
	char c;

	ASSERT_EQ(0, declare_death_event(self->fd, LINKED_OFF, IPCX_LOCK_MUTEX, EVENT_OFF));
	ASSERT_EQ(0, ipcx_mutex_attach(&linked, self->fd, self->base, LINKED_OFF));
	ASSERT_EQ(0, pipe(go));
	holder = fork();
	ASSERT_GE(holder, 0);
	if (holder == 0) {
		c = ipcx_mutex_lock(&linked) == 0 ? 'L' : 'E';
		if (write(go[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	ASSERT_EQ('L', c);

	efd = ipcx_lock_fd(self->fd, EVENT_OFF);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(sizeof(uint64_t), read(efd, &(uint64_t){ 0 }, sizeof(uint64_t)));
	EXPECT_EQ(0, readable_within(efd, 50));
	seq = ipcx_event_seq(&self->e);
	ASSERT_EQ(0, pipe(p));
	waiter = spawn_waiter(&self->e, seq, p[1]);
	ASSERT_GE(waiter, 0);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, EVENT_OFF, 1, 10000));

	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	ASSERT_EQ(0, lh_exit_code(lh_wait_child(waiter, 10000)));
	ASSERT_EQ(sizeof(ret), read(p[0], &ret, sizeof(ret)));
	EXPECT_EQ(0, ret);
	EXPECT_NE(seq, ipcx_event_seq(&self->e));
	EXPECT_EQ(1, readable_within(efd, 3000));
	/* the mutex itself: free, with the death to report */
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&linked));
	EXPECT_EQ(0, ipcx_mutex_consistent(&linked));
	EXPECT_EQ(0, ipcx_mutex_unlock(&linked));
	/* a plain unlock is user space's business: the event does not move */
	seq = ipcx_event_seq(&self->e);
	EXPECT_EQ(0, ipcx_mutex_lock(&linked));
	EXPECT_EQ(0, ipcx_mutex_unlock(&linked));
	EXPECT_EQ(seq, ipcx_event_seq(&self->e));
	close(efd);
	close(p[0]);
	close(p[1]);
}

/*
 * A read-only user may look at lock words but not set their WAITERS bit:
 * sleeping on an event or holding a lock fd would send every writer and
 * holder through the kernel, a cost it has no right to impose.
 */
TEST(read_only_attachment_cannot_sleep_or_watch)
{
	struct ipcx_region_unlink ru = { .name = (uintptr_t)"event_test_ro" };
	struct ipcx_lock_stat st;
	struct ipcx_event e, ero;
	struct ipcx_mutex m;
	struct timespec dl;
	void *base;
	int rw, ro;

	rw = lh_named_region("event_test_ro", IPCX_OPEN_CREATE, 4096);
	if (rw == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(rw, 0);
	base = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	ASSERT_NE(MAP_FAILED, base);
	ASSERT_EQ(0, ipcx_mutex_init(&m, rw, base, MUTEX_OFF));
	ASSERT_EQ(0, ipcx_event_init(&e, rw, base, EVENT_OFF));
	ro = lh_named_region("event_test_ro", IPCX_OPEN_RDONLY, 0);
	ASSERT_GE(ro, 0);
	ero = e;
	ero.fd = ro;

	dl = lh_deadline(CLOCK_MONOTONIC, 50);
	EXPECT_EQ(-EACCES, ipcx_event_wait(&ero, ipcx_event_seq(&e), &dl, CLOCK_MONOTONIC));
	EXPECT_EQ(-EACCES, ipcx_lock_fd(ro, EVENT_OFF));
	EXPECT_EQ(-EACCES, ipcx_lock_fd(ro, MUTEX_OFF));
	EXPECT_FALSE(*e.word & IPCX_EVENTW_WAITERS);
	EXPECT_FALSE(*m.word & IPCX_LOCKW_WAITERS);
	/* looking is allowed */
	EXPECT_EQ(0, ipcx_lock_stat(ro, EVENT_OFF, &st));
	EXPECT_EQ(IPCX_LOCK_EVENT, st.kind);
	/* and the read-write attachment still may */
	dl = lh_deadline(CLOCK_MONOTONIC, 20);
	EXPECT_EQ(-ETIMEDOUT, ipcx_event_wait(&e, ipcx_event_seq(&e), &dl, CLOCK_MONOTONIC));
	ioctl(rw, IPCX_IOC_REGION_UNLINK, &ru);
	munmap(base, 4096);
	close(ro);
	close(rw);
}

TEST_HARNESS_MAIN
