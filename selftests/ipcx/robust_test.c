// SPDX-License-Identifier: GPL-2.0
/*
 * Owner death under load. The anchor is glibc's nptl/tst-robust8.c: 100
 * robust mutexes in a shared mapping, 9 threads doing lock / timedlock /
 * trylock, the process SIGKILLed mid-run, 5 rounds; afterwards every lock
 * is acquirable with success or owner-died. The soak with random kills
 * (mutex, rwlock, semaphore, event and channel work) is soak_test.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define NLOCKS		100
#define NTHREADS	9
#define ROUNDS		5

struct r8_arg {
	struct ipcx_mutex *locks;
	unsigned int seed;
};

static void *r8_thread(void *p)
{
	struct r8_arg *a = p;

	for (;;) {
		struct ipcx_mutex *m = &a->locks[rand_r(&a->seed) % NLOCKS];
		struct timespec dl;
		int ret;

		switch (rand_r(&a->seed) % 3) {
		case 0:
			ret = ipcx_mutex_lock(m);
			break;
		case 1:
			dl = lh_deadline(CLOCK_MONOTONIC, 5);
			ret = ipcx_mutex_timedlock(m, &dl, CLOCK_MONOTONIC);
			break;
		default:
			ret = ipcx_mutex_trylock(m);
			break;
		}
		if (ret == -EOWNERDEAD)
			ret = ipcx_mutex_consistent(m);
		if (ret == 0) {
			sched_yield();
			ipcx_mutex_unlock(m);
		}
	}
	return NULL;
}

static void r8_child(int fd, void *base)
{
	struct ipcx_mutex locks[NLOCKS];
	struct r8_arg args[NTHREADS];
	pthread_t t[NTHREADS];
	int i;

	for (i = 0; i < NLOCKS; i++)
		if (ipcx_mutex_attach(&locks[i], fd, base, (uint64_t)i * IPCX_LOCK_ALIGN))
			_exit(1);
	for (i = 0; i < NTHREADS; i++) {
		args[i].locks = locks;
		args[i].seed = getpid() * 31 + i;
		if (pthread_create(&t[i], NULL, r8_thread, &args[i]))
			_exit(2);
	}
	for (;;)
		pause();
}

FIXTURE(robust) {
	int unused;	/* the tests make their own regions */
};

FIXTURE_SETUP(robust)
{
}

FIXTURE_TEARDOWN(robust)
{
}

TEST_F_TIMEOUT(robust, tst_robust8_anchor, 240)
{
	size_t size = NLOCKS * IPCX_LOCK_ALIGN;
	struct ipcx_mutex m;
	int fd, round, i, deaths = 0;
	void *base;

	fd = lh_anon_region(size, &base);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	for (i = 0; i < NLOCKS; i++)
		ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, (uint64_t)i * IPCX_LOCK_ALIGN));

	for (round = 0; round < ROUNDS; round++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0)
			r8_child(fd, base);
		lh_msleep(100 + 50 * round);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		for (i = 0; i < NLOCKS; i++) {
			struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 2000);
			int ret;

			ipcx_mutex_attach(&m, fd, base, (uint64_t)i * IPCX_LOCK_ALIGN);
			ret = ipcx_mutex_timedlock(&m, &dl, CLOCK_MONOTONIC);
			ASSERT_TRUE(ret == 0 || ret == -EOWNERDEAD) {
				TH_LOG("round %d lock %d: %d", round, i, ret);
			}
			if (ret == -EOWNERDEAD) {
				deaths++;
				ASSERT_EQ(0, ipcx_mutex_consistent(&m));
			}
			ASSERT_EQ(0, ipcx_mutex_unlock(&m));
		}
	}
	TH_LOG("tst-robust8 anchor: %d rounds, %d locks recovered from dead owners",
		       ROUNDS, deaths);
	munmap(base, size);
	close(fd);
}

TEST_HARNESS_MAIN
