// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-up audit for every lock kind: after any change of state, no waiter
 * may sleep while what it waits for is available.
 *
 * Each round declares a fresh lock, puts NR_WAITERS waiters to sleep on it
 * (threads or processes: see the variants), then makes enough of the thing
 * they wait for available for all of them at once -- a burst of posts or
 * unlocks, or a holder SIGKILLed with units or the lock held -- and checks
 * that every waiter got it. Every wait has a generous timeout
 * (WAIT_MS): a waiter that times out slept beside a free lock or an
 * unclaimed unit, i.e. a lost wake-up; for semaphores the round also checks
 * that no unit is left over beside the sleepers that timed out.
 *
 * Rounds per test: IPCX_WAKEUP_ROUNDS in the environment (default 4; the
 * debug-kernel run sets more).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define NR_WAITERS	6
#define WAIT_MS		2500	/* generous: a sleep this long is a lost wake-up */
#define REGION_SIZE	(256 * 1024)	/* one 64-byte lock block per round */

enum scenario {
	SEM_POST_BURST,		/* count 0, NR_WAITERS posts at once */
	SEM_UNDO_POST_BURST,	/* the same, waiters and posts with UNDO */
	SEM_UNDO_DEATH,		/* a holder of NR_WAITERS undo units dies */
	MUTEX_UNLOCK,		/* the holder unlocks; each waiter locks, unlocks */
	MUTEX_DEATH,		/* the holder dies; each waiter locks, unlocks */
	RW_READERS_AFTER_WRITER,	/* the writer unlocks: every reader enters */
	RW_READERS_AFTER_DEAD_WRITER,	/* the writer dies */
	RW_WRITERS_AFTER_READER,	/* the reader leaves: each writer in turn */
	RW_WRITERS_AFTER_DEAD_READER,	/* the reader dies */
	EVENT_SIGNALS,		/* NR_WAITERS signals (wake one each) */
	EVENT_BROADCAST,	/* one broadcast */
	FD_SEM_POST,		/* lock fds polling a semaphore: one post */
	FD_MUTEX_UNLOCK,	/* lock fds polling a mutex: one unlock */
};

/* What a round's waiters share (in a MAP_SHARED mapping for processes). */
struct round {
	int fd;			/* the region */
	void *base;		/* its mapping */
	uint64_t off;		/* this round's lock block */
	enum scenario sc;
	uint32_t seq;		/* events: the sequence the waiters saw */
	int result[NR_WAITERS];	/* 0 or -errno, per waiter */
};

static int rounds(void)
{
	const char *s = getenv("IPCX_WAKEUP_ROUNDS");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : 4;
}

static struct timespec wait_deadline(void)
{
	return lh_deadline(CLOCK_MONOTONIC, WAIT_MS);
}

static int fd_readable(struct round *r)
{
	struct pollfd pfd = { .events = POLLIN };
	int ret;

	pfd.fd = ipcx_lock_fd(r->fd, r->off);
	if (pfd.fd < 0)
		return pfd.fd;
	ret = poll(&pfd, 1, WAIT_MS);
	close(pfd.fd);
	return ret == 1 ? 0 : -ETIMEDOUT;
}

/* One waiter: wait, then give back whatever a waiter must give back. */
static int waiter(struct round *r)
{
	struct timespec dl = wait_deadline();
	struct ipcx_rwlock rw;
	struct ipcx_mutex m;
	struct ipcx_event e;
	struct ipcx_sem s;
	int ret;

	ipcx_sem_attach(&s, r->fd, r->base, r->off);
	ipcx_mutex_attach(&m, r->fd, r->base, r->off);
	ipcx_rwlock_attach(&rw, r->fd, r->base, r->off);
	ipcx_event_attach(&e, r->fd, r->base, r->off);
	switch (r->sc) {
	case SEM_POST_BURST:
	case SEM_UNDO_DEATH:
		return ipcx_sem_wait_full(&s, 0, &dl, CLOCK_MONOTONIC, NULL) == -ETIMEDOUT ?
		       -ETIMEDOUT : 0;
	case SEM_UNDO_POST_BURST:
		ret = ipcx_sem_wait_full(&s, IPCX_LOCK_F_UNDO, &dl, CLOCK_MONOTONIC, NULL);
		return ret == -EOWNERDEAD ? 0 : ret;
	case MUTEX_UNLOCK:
	case MUTEX_DEATH:
		ret = ipcx_mutex_timedlock(&m, &dl, CLOCK_MONOTONIC);
		if (ret == -EOWNERDEAD)
			ret = ipcx_mutex_consistent(&m);
		return ret ?: ipcx_mutex_unlock(&m);
	case RW_READERS_AFTER_WRITER:
	case RW_READERS_AFTER_DEAD_WRITER:
		ret = ipcx_rwlock_rdlock_full(&rw, 0, &dl, CLOCK_MONOTONIC, NULL);
		if (ret == -EOWNERDEAD)
			ret = 0;
		return ret ?: ipcx_rwlock_unlock(&rw);
	case RW_WRITERS_AFTER_READER:
	case RW_WRITERS_AFTER_DEAD_READER:
		ret = ipcx_rwlock_wrlock_full(&rw, 0, &dl, CLOCK_MONOTONIC, NULL);
		return ret ?: ipcx_rwlock_unlock(&rw);
	case EVENT_SIGNALS:
	case EVENT_BROADCAST:
		return ipcx_event_wait(&e, r->seq, &dl, CLOCK_MONOTONIC);
	case FD_SEM_POST:
	case FD_MUTEX_UNLOCK:
		return fd_readable(r);
	}
	return -EINVAL;
}

struct thread_arg {
	struct round *r;
	int i;
};

static void *waiter_thread(void *p)
{
	struct thread_arg *a = p;

	a->r->result[a->i] = waiter(a->r);
	return NULL;
}

/* A child that takes what @r's lock offers, says so on @ready, and pauses. */
static pid_t holder(struct round *r, int *ready)
{
	struct ipcx_rwlock rw;
	struct ipcx_mutex m;
	struct ipcx_sem s;
	int p[2], i, ret = 0;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid)
		goto out_parent;
	ipcx_sem_attach(&s, r->fd, r->base, r->off);
	ipcx_mutex_attach(&m, r->fd, r->base, r->off);
	ipcx_rwlock_attach(&rw, r->fd, r->base, r->off);
	if (r->sc == SEM_UNDO_DEATH)
		for (i = 0; i < NR_WAITERS && !ret; i++)
			ret = ipcx_sem_wait_full(&s, IPCX_LOCK_F_UNDO, NULL, 0, NULL);
	else if (r->sc == MUTEX_DEATH)
		ret = ipcx_mutex_lock(&m);
	else if (r->sc == RW_READERS_AFTER_DEAD_WRITER)
		ret = ipcx_rwlock_wrlock(&rw);
	else
		ret = ipcx_rwlock_rdlock(&rw);
	c = ret ? 'E' : 'H';
	if (write(p[1], &c, 1) != 1)
		_exit(1);
	for (;;)
		pause();
out_parent:
	close(p[1]);
	*ready = p[0];
	return pid;
}

static bool dies(enum scenario sc)
{
	return sc == SEM_UNDO_DEATH || sc == MUTEX_DEATH ||
	       sc == RW_READERS_AFTER_DEAD_WRITER || sc == RW_WRITERS_AFTER_DEAD_READER;
}

static int declare(struct round *r, uint32_t kind)
{
	struct ipcx_rwlock rw;
	struct ipcx_mutex m;
	struct ipcx_event e;
	struct ipcx_sem s;

	switch (kind) {
	case IPCX_LOCK_SEM:
		return ipcx_sem_init(&s, r->fd, r->base, r->off, 0);
	case IPCX_LOCK_MUTEX:
		return ipcx_mutex_init(&m, r->fd, r->base, r->off);
	case IPCX_LOCK_RWLOCK:
		return ipcx_rwlock_init(&rw, r->fd, r->base, r->off);
	default:
		return ipcx_event_init(&e, r->fd, r->base, r->off);
	}
}

/* Declare this round's lock and take what the waiters will wait for. */
static int prepare(struct round *r, pid_t *child)
{
	uint32_t kind = r->sc <= SEM_UNDO_DEATH || r->sc == FD_SEM_POST ? IPCX_LOCK_SEM :
			r->sc <= MUTEX_DEATH || r->sc == FD_MUTEX_UNLOCK ? IPCX_LOCK_MUTEX :
			r->sc <= RW_WRITERS_AFTER_DEAD_READER ? IPCX_LOCK_RWLOCK :
			IPCX_LOCK_EVENT;
	struct ipcx_rwlock rw;
	struct ipcx_mutex m;
	int ret, ready, i;
	char c;

	ret = declare(r, kind);
	*child = 0;
	if (r->sc == SEM_UNDO_DEATH) {	/* posts: the block may be reused */
		struct ipcx_sem s;

		ipcx_sem_attach(&s, r->fd, r->base, r->off);
		for (i = 0; i < NR_WAITERS && !ret; i++)
			ret = ipcx_sem_post(&s);
	}
	if (ret)
		return ret;
	if (dies(r->sc)) {
		*child = holder(r, &ready);
		if (*child < 0)
			return -errno;
		ret = read(ready, &c, 1) == 1 && c == 'H' ? 0 : -EIO;
		close(ready);
		return ret;
	}
	ipcx_mutex_attach(&m, r->fd, r->base, r->off);
	ipcx_rwlock_attach(&rw, r->fd, r->base, r->off);
	if (r->sc == MUTEX_UNLOCK || r->sc == FD_MUTEX_UNLOCK)
		return ipcx_mutex_lock(&m);
	if (r->sc == RW_READERS_AFTER_WRITER)
		return ipcx_rwlock_wrlock(&rw);
	if (r->sc == RW_WRITERS_AFTER_READER)
		return ipcx_rwlock_rdlock(&rw);
	r->seq = *(volatile uint32_t *)((char *)r->base + r->off) >> 1;
	return 0;
}

/* Make it available to every waiter at once. */
static int release(struct round *r, pid_t child)
{
	struct ipcx_rwlock rw;
	struct ipcx_mutex m;
	struct ipcx_event e;
	struct ipcx_sem s;
	int i, ret = 0;

	ipcx_sem_attach(&s, r->fd, r->base, r->off);
	ipcx_mutex_attach(&m, r->fd, r->base, r->off);
	ipcx_rwlock_attach(&rw, r->fd, r->base, r->off);
	ipcx_event_attach(&e, r->fd, r->base, r->off);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 0;
	}
	switch (r->sc) {
	case SEM_POST_BURST:
	case SEM_UNDO_POST_BURST:
		for (i = 0; i < NR_WAITERS && !ret; i++)
			ret = ipcx_sem_post(&s);
		return ret;
	case FD_SEM_POST:
		return ipcx_sem_post(&s);
	case MUTEX_UNLOCK:
	case FD_MUTEX_UNLOCK:
		return ipcx_mutex_unlock(&m);
	case RW_READERS_AFTER_WRITER:
	case RW_WRITERS_AFTER_READER:
		return ipcx_rwlock_unlock(&rw);
	case EVENT_SIGNALS:
		for (i = 0; i < NR_WAITERS && ret >= 0; i++)
			ret = ipcx_event_signal(&e);
		return ret < 0 ? ret : 0;
	case EVENT_BROADCAST:
		ret = ipcx_event_broadcast(&e);
		return ret < 0 ? ret : 0;
	default:
		return -EINVAL;
	}
}

/* Sleepers the kernel sees; lock fds do not sleep on the lock itself. */
static void await_sleepers(struct round *r)
{
	if (r->sc == FD_SEM_POST || r->sc == FD_MUTEX_UNLOCK) {
		lh_msleep(50);
		return;
	}
	lh_wait_waiters(r->fd, r->off, NR_WAITERS, 5000);
}

/* One round; returns how many waiters timed out, or -errno. */
static int run_round(struct round *r, bool threads, unsigned int *left)
{
	struct thread_arg a[NR_WAITERS];
	pthread_t t[NR_WAITERS];
	pid_t pid[NR_WAITERS], child;
	struct ipcx_lock_stat st;
	int i, ret, lost = 0;

	ret = prepare(r, &child);
	if (ret)
		return ret;
	for (i = 0; i < NR_WAITERS; i++) {
		r->result[i] = -EINPROGRESS;
		a[i] = (struct thread_arg){ .r = r, .i = i };
		if (threads) {
			if (pthread_create(&t[i], NULL, waiter_thread, &a[i]))
				return -EAGAIN;
			continue;
		}
		pid[i] = fork();
		if (pid[i] < 0)
			return -errno;
		if (pid[i] == 0)
			_exit(-waiter(r));
	}
	await_sleepers(r);
	ret = release(r, child);
	for (i = 0; i < NR_WAITERS; i++) {
		int status;

		if (threads) {
			pthread_join(t[i], NULL);
		} else {
			status = lh_wait_child(pid[i], 3 * WAIT_MS);
			r->result[i] = -lh_exit_code(status);
		}
		if (r->result[i] == -ETIMEDOUT)
			lost++;
		else if (r->result[i] && !ret)
			ret = r->result[i];
	}
	/* (undo waiters that exited gave their units back: not a leftover) */
	if (ipcx_lock_stat(r->fd, r->off, &st) == 0 &&
	    (r->sc == SEM_POST_BURST || r->sc == SEM_UNDO_DEATH))
		*left = st.word & IPCX_SEM_VALUE_MAX;
	return ret ?: lost;
}

FIXTURE(wk) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct round *r;	/* MAP_SHARED: the waiters write their results */
};

FIXTURE_VARIANT(wk) {
	bool threads;		/* waiters are threads of this process, else processes */
};

FIXTURE_VARIANT_ADD(wk, processes) { .threads = false };
FIXTURE_VARIANT_ADD(wk, threads) { .threads = true };

FIXTURE_SETUP(wk)
{
	self->r = MAP_FAILED;
	self->fd = lh_anon_region(REGION_SIZE, &self->base);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	self->r = mmap(NULL, sizeof(*self->r), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->r);
}

FIXTURE_TEARDOWN(wk)
{
	if (self->r != MAP_FAILED)
		munmap(self->r, sizeof(*self->r));
	if (self->fd >= 0) {
		munmap(self->base, REGION_SIZE);
		close(self->fd);
	}
}

static int audit(struct __test_metadata *_metadata, FIXTURE_DATA(wk) *self,
		 const FIXTURE_VARIANT(wk) *variant, enum scenario sc)
{
	static uint64_t next_off;	/* lock blocks are never undeclared */
	int n = rounds(), i, bad = 0;

	for (i = 0; i < n; i++) {
		unsigned int left = 0;
		int ret;

		memset(self->r, 0, sizeof(*self->r));
		self->r->fd = self->fd;
		self->r->base = self->base;
		self->r->off = next_off;
		self->r->sc = sc;
		next_off = (next_off + IPCX_LOCK_ALIGN) % REGION_SIZE;
		ret = run_round(self->r, variant->threads, &left);
		if (ret < 0) {
			TH_LOG("round %d: error %d", i, ret);
			return -1;
		}
		if (ret || left) {
			TH_LOG("round %d: %d of %d waiters timed out, %u units left beside them",
			       i, ret, NR_WAITERS, left);
			bad++;
		}
	}
	if (bad)
		TH_LOG("%d of %d rounds lost a wake-up", bad, n);
	return bad;
}

TEST_F_TIMEOUT(wk, sem_post_burst, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, SEM_POST_BURST));
}

TEST_F_TIMEOUT(wk, sem_undo_post_burst, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, SEM_UNDO_POST_BURST));
}

TEST_F_TIMEOUT(wk, sem_undo_holder_killed, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, SEM_UNDO_DEATH));
}

TEST_F_TIMEOUT(wk, mutex_unlock, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, MUTEX_UNLOCK));
}

TEST_F_TIMEOUT(wk, mutex_holder_killed, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, MUTEX_DEATH));
}

TEST_F_TIMEOUT(wk, rwlock_readers_after_writer, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, RW_READERS_AFTER_WRITER));
}

TEST_F_TIMEOUT(wk, rwlock_readers_after_killed_writer, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, RW_READERS_AFTER_DEAD_WRITER));
}

TEST_F_TIMEOUT(wk, rwlock_writers_after_reader, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, RW_WRITERS_AFTER_READER));
}

TEST_F_TIMEOUT(wk, rwlock_writers_after_killed_reader, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, RW_WRITERS_AFTER_DEAD_READER));
}

TEST_F_TIMEOUT(wk, event_signals, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, EVENT_SIGNALS));
}

TEST_F_TIMEOUT(wk, event_broadcast, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, EVENT_BROADCAST));
}

TEST_F_TIMEOUT(wk, lock_fd_sem_post, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, FD_SEM_POST));
}

TEST_F_TIMEOUT(wk, lock_fd_mutex_unlock, 900)
{
	EXPECT_EQ(0, audit(_metadata, self, variant, FD_MUTEX_UNLOCK));
}

TEST_HARNESS_MAIN
