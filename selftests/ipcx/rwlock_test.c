// SPDX-License-Identifier: GPL-2.0
/*
 * Robust reader-writer locks: shared reading, exclusive writing, writers
 * waiting for readers to drain, dead readers and dead writers released by
 * the kernel, and reader/writer exclusion under load.
 */
#include <stdio.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(16 * 1024)
#define RW_OFF		192
#define DATA_OFF	4096

FIXTURE(rw) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct ipcx_rwlock l;	/* a reader-writer lock at RW_OFF */
	volatile uint64_t *data;	/* two counters the lock keeps equal */
};

FIXTURE_SETUP(rw)
{
	LH_REGION_FIXTURE_SETUP(REGION_SIZE, DATA_OFF);
	ASSERT_EQ(0, ipcx_rwlock_init(&self->l, self->fd, self->base, RW_OFF));
}

FIXTURE_TEARDOWN(rw)
{
	LH_REGION_FIXTURE_TEARDOWN(REGION_SIZE);
}

static int take_write(void *l)
{
	return ipcx_rwlock_wrlock(l);
}

static int take_read(void *l)
{
	return ipcx_rwlock_rdlock(l);
}

static int release(void *l)
{
	return ipcx_rwlock_unlock(l);
}

/* A child that takes the lock (write or read), reports, and sleeps @ms (0: forever). */
static pid_t holder(struct ipcx_rwlock *l, int wr, long ms, int *ready)
{
	return lh_holder(wr ? take_write : take_read, release, l, ms, ready);
}

TEST_F(rw, readers_share_writers_exclude)
{
	pid_t r[3];
	int ready[3], i;

	for (i = 0; i < 3; i++) {
		r[i] = holder(&self->l, 0, 0, &ready[i]);
		ASSERT_GT(r[i], 0);
		ASSERT_TRUE(lh_took(ready[i]));
	}
	EXPECT_EQ(0, ipcx_rwlock_rdlock(&self->l));	/* a fourth reader */
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(-EBUSY, ipcx_rwlock_wrlock_full(&self->l, IPCX_LOCK_F_TRYLOCK,
						  NULL, 0, NULL));
	for (i = 0; i < 3; i++) {
		kill(r[i], SIGKILL);	/* dead readers: the kernel frees their slots */
		waitpid(r[i], NULL, 0);
	}
	{
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 3000);

		EXPECT_EQ(0, ipcx_rwlock_wrlock_full(&self->l, 0, &dl, CLOCK_MONOTONIC, NULL));
	}
	EXPECT_EQ(-EDEADLK, ipcx_rwlock_wrlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
}

TEST_F(rw, writer_waits_for_readers_to_drain)
{
	uint64_t t0;
	int ready;
	pid_t r = holder(&self->l, 0, 300, &ready);

	ASSERT_GT(r, 0);
	ASSERT_TRUE(lh_took(ready));
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(0, ipcx_rwlock_wrlock(&self->l));
	EXPECT_GE(lh_now_ns(CLOCK_MONOTONIC) - t0, 200000000ull);
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(r, 5000)));
}

TEST_F(rw, reader_waits_for_writer)
{
	int ready;
	pid_t w = holder(&self->l, 1, 300, &ready);

	ASSERT_GT(w, 0);
	ASSERT_TRUE(lh_took(ready));
	EXPECT_EQ(-EBUSY, ipcx_rwlock_rdlock_full(&self->l, IPCX_LOCK_F_TRYLOCK,
						  NULL, 0, NULL));
	EXPECT_EQ(0, ipcx_rwlock_rdlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(w, 5000)));
}

TEST_F(rw, dead_writer_owner_dead_until_a_writer_repairs)
{
	struct ipcx_owner_info died;
	int ready;
	pid_t w = holder(&self->l, 1, 0, &ready);

	ASSERT_GT(w, 0);
	ASSERT_TRUE(lh_took(ready));
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	EXPECT_EQ(-EOWNERDEAD, ipcx_rwlock_rdlock_full(&self->l, 0, NULL, 0, &died));
	EXPECT_EQ(w, died.tgid);
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(-EOWNERDEAD, ipcx_rwlock_wrlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_consistent(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_rdlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
}

TEST_F(rw, unrepaired_writer_makes_it_unrecoverable)
{
	int ready;
	pid_t w = holder(&self->l, 1, 0, &ready);

	ASSERT_GT(w, 0);
	ASSERT_TRUE(lh_took(ready));
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	EXPECT_EQ(-EOWNERDEAD, ipcx_rwlock_wrlock(&self->l));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&self->l));
	EXPECT_EQ(-ENOTRECOVERABLE, ipcx_rwlock_rdlock(&self->l));
	EXPECT_EQ(-ENOTRECOVERABLE, ipcx_rwlock_wrlock(&self->l));
}

TEST_F_TIMEOUT(rw, exclusion_under_load, 240)
{
	const int iters = 20000;
	pid_t pids[4];
	int i, j;

	self->data[0] = self->data[1] = 0;
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			for (j = 0; j < iters; j++) {
				if (i < 2) {	/* writers */
					if (ipcx_rwlock_wrlock(&self->l))
						_exit(1);
					self->data[0]++;
					sched_yield();
					self->data[1]++;
				} else {	/* readers */
					if (ipcx_rwlock_rdlock(&self->l))
						_exit(1);
					if (self->data[0] != self->data[1])
						_exit(3);
				}
				if (ipcx_rwlock_unlock(&self->l))
					_exit(2);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 220000)));
	EXPECT_EQ(2ull * iters, self->data[0]);
	EXPECT_EQ(self->data[0], self->data[1]);
}

TEST_HARNESS_MAIN
