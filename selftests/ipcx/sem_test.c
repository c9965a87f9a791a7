// SPDX-License-Identifier: GPL-2.0
/*
 * Counting semaphores in a region: counts, sleeping and waking, timeouts,
 * and the reported undo of a dead holder's units.
 */
#include <poll.h>
#include <stdio.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(16 * 1024)
#define SEM_OFF		128

FIXTURE(sm) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct ipcx_sem s;	/* a semaphore at SEM_OFF, starting at 3 */
};

FIXTURE_SETUP(sm)
{
	self->fd = lh_anon_region(REGION_SIZE, &self->base);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, ipcx_sem_init(&self->s, self->fd, self->base, SEM_OFF, 3));
}

FIXTURE_TEARDOWN(sm)
{
	if (self->fd >= 0) {
		munmap(self->base, REGION_SIZE);
		close(self->fd);
	}
}

TEST_F(sm, counts_in_user_space)
{
	struct ipcx_lock_stat st;

	EXPECT_EQ(3, ipcx_sem_value(&self->s));
	EXPECT_EQ(0, ipcx_sem_trywait(&self->s));
	EXPECT_EQ(0, ipcx_sem_wait(&self->s));
	EXPECT_EQ(0, ipcx_sem_trywait(&self->s));
	EXPECT_EQ(-EAGAIN, ipcx_sem_trywait(&self->s));
	EXPECT_EQ(0, ipcx_sem_value(&self->s));
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	EXPECT_EQ(1, ipcx_sem_value(&self->s));
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, SEM_OFF, &st));
	EXPECT_EQ(IPCX_LOCK_SEM, st.kind);
	EXPECT_EQ(0, st.acquisitions);	/* all of it stayed in user space */
}

TEST_F(sm, post_wakes_a_sleeper_and_timeouts)
{
	struct timespec dl;
	int status;
	pid_t pid;

	while (ipcx_sem_trywait(&self->s) == 0)
		;
	dl = lh_deadline(CLOCK_REALTIME, 100);
	EXPECT_EQ(-ETIMEDOUT, ipcx_sem_timedwait(&self->s, &dl, CLOCK_REALTIME));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(ipcx_sem_wait(&self->s) == 0 ? 0 : 1);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, SEM_OFF, 1, 10000));
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	status = lh_wait_child(pid, 5000);
	EXPECT_EQ(0, lh_exit_code(status));
	EXPECT_EQ(0, ipcx_sem_value(&self->s));
}

/*
 * struct ipcx_lock_stat's statistics for a semaphore: a wait through the
 * kernel that did not sleep is an acquisition, one that slept is also
 * contended and adds its sleep to the wait times -- as for every kind.
 */
TEST_F(sm, kernel_waits_are_counted_with_their_sleep)
{
	struct ipcx_lock_stat st;
	int status;
	pid_t pid;

	/* through the kernel (UNDO), units free: no sleep */
	EXPECT_EQ(0, ipcx_sem_wait_full(&self->s, IPCX_LOCK_F_UNDO, NULL, 0, NULL));
	while (ipcx_sem_trywait(&self->s) == 0)
		;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(ipcx_sem_wait(&self->s) == 0 ? 0 : 1);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, SEM_OFF, 1, 10000));
	lh_msleep(200);
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	status = lh_wait_child(pid, 5000);
	EXPECT_EQ(0, lh_exit_code(status));
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, SEM_OFF, &st));
	EXPECT_EQ(2, st.acquisitions);
	EXPECT_EQ(1, st.contended);
	/* it slept at least the 200 ms between its queueing and the post */
	EXPECT_GE(st.wait_ns_max, 200 * 1000000ULL);
	EXPECT_GE(st.wait_ns_total, st.wait_ns_max);
	TH_LOG("acquisitions %llu, contended %llu, wait max %llu ms",
	       (unsigned long long)st.acquisitions,
	       (unsigned long long)st.contended,
	       (unsigned long long)st.wait_ns_max / 1000000);
}

TEST_F(sm, undo_of_a_dead_holder_is_reported)
{
	struct ipcx_owner_info died;
	struct ipcx_lock_stat st;
	int p[2];
	pid_t pid;
	char c;

	while (ipcx_sem_trywait(&self->s) == 0)
		;
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		c = ipcx_sem_wait_full(&self->s, IPCX_LOCK_F_UNDO, NULL, 0, NULL) ? 'E' : 'W';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	ASSERT_EQ('W', c);
	EXPECT_EQ(0, ipcx_sem_value(&self->s));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* the kernel gave the unit back and says so to the next waiter */
	{
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 3000);

		EXPECT_EQ(-EOWNERDEAD, ipcx_sem_wait_full(&self->s, 0, &dl,
							  CLOCK_MONOTONIC, &died));
	}
	EXPECT_EQ(pid, died.tgid);
	EXPECT_STREQ("sem_test", died.comm);
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, SEM_OFF, &st));
	EXPECT_EQ(1, st.owner_deaths);
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	EXPECT_EQ(0, ipcx_sem_wait(&self->s));	/* reported once only */
}

TEST_F(sm, plain_units_of_a_dead_holder_stay_taken)
{
	int p[2];
	pid_t pid;
	char c;

	while (ipcx_sem_trywait(&self->s) == 0)
		;
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		c = ipcx_sem_wait(&self->s) ? 'E' : 'W';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	lh_msleep(50);
	EXPECT_EQ(-EAGAIN, ipcx_sem_trywait(&self->s));
}

TEST_F(sm, overflow_and_poll)
{
	struct pollfd pfd;
	struct ipcx_sem big;

	ASSERT_EQ(0, ipcx_sem_init(&big, self->fd, self->base, 256, IPCX_SEM_VALUE_MAX));
	EXPECT_EQ(-EOVERFLOW, ipcx_sem_post(&big));
	while (ipcx_sem_trywait(&self->s) == 0)
		;
	pfd.fd = ipcx_lock_fd(self->fd, SEM_OFF);
	ASSERT_GE(pfd.fd, 0);
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, ipcx_sem_post(&self->s));
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	close(pfd.fd);
}

/*
 * The per-owner undo adjustment is bounded like SysV's SEMAEM: an UNDO wait
 * or post that would take it past +-IPCX_SEM_UNDO_MAX fails with ERANGE and
 * changes nothing (a counter that wraps would give back the wrong units).
 */
TEST_F_TIMEOUT(sm, undo_adjustment_is_bounded, 120)
{
	struct timespec dl;
	struct ipcx_sem s;
	int i, ret = 0, status;
	pid_t pid;

	ASSERT_EQ(0, ipcx_sem_init(&s, self->fd, self->base, 256, IPCX_SEM_UNDO_MAX + 5));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < IPCX_SEM_UNDO_MAX && !ret; i++)
			ret = ipcx_sem_wait_full(&s, IPCX_LOCK_F_UNDO, NULL, 0, NULL);
		if (ret)
			_exit(10);
		if (ipcx_sem_wait_full(&s, IPCX_LOCK_F_UNDO | IPCX_LOCK_F_TRYLOCK,
				       NULL, 0, NULL) != -ERANGE)
			_exit(11);
		if (ipcx_sem_value(&s) != 5)
			_exit(12);
		/* a plain wait is not tracked, so it is not bounded */
		if (ipcx_sem_wait(&s))
			_exit(13);
		_exit(0);	/* the death gives IPCX_SEM_UNDO_MAX back */
	}
	status = lh_wait_child(pid, 100000);
	EXPECT_EQ(0, lh_exit_code(status));
	/* units are left, so the wait below would not wait for the undo */
	ASSERT_EQ(0, lh_wait_deaths(self->fd, 256, 1, 10000));
	dl = lh_deadline(CLOCK_MONOTONIC, 3000);
	EXPECT_EQ(-EOWNERDEAD, ipcx_sem_wait_full(&s, 0, &dl, CLOCK_MONOTONIC, NULL));
	EXPECT_EQ(IPCX_SEM_UNDO_MAX + 4 - 1, ipcx_sem_value(&s));

	/* the other way: posts with UNDO, taken back at death */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < IPCX_SEM_UNDO_MAX && !ret; i++)
			ret = ipcx_sem_post_full(&s, IPCX_LOCK_F_UNDO);
		if (ret)
			_exit(20);
		if (ipcx_sem_post_full(&s, IPCX_LOCK_F_UNDO) != -ERANGE)
			_exit(21);
		_exit(ipcx_sem_value(&s) == 2 * IPCX_SEM_UNDO_MAX + 3 ? 0 : 22);
	}
	status = lh_wait_child(pid, 100000);
	EXPECT_EQ(0, lh_exit_code(status));
	ASSERT_EQ(0, lh_wait_deaths(self->fd, 256, 2, 10000));
	dl = lh_deadline(CLOCK_MONOTONIC, 3000);
	EXPECT_EQ(-EOWNERDEAD, ipcx_sem_wait_full(&s, 0, &dl, CLOCK_MONOTONIC, NULL));
	EXPECT_EQ(IPCX_SEM_UNDO_MAX + 2, ipcx_sem_value(&s));
}

TEST_HARNESS_MAIN
