// SPDX-License-Identifier: GPL-2.0
/*
 * Owner death under load. The anchor is glibc's nptl/tst-robust8.c: 100
 * robust mutexes in a shared mapping, 9 threads doing lock / timedlock /
 * trylock, the process SIGKILLed mid-run, 5 rounds; afterwards every lock
 * is acquirable with success or owner-died. Then a soak: workers doing
 * mutex and event work while a killer SIGKILLs random ones; at the end the
 * data invariant holds, nobody is stuck, and the wake-ups all arrived.
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

/* ---- soak with random kills ---- */

#define NWORKERS	6
#define SHARED_OFF	4096

struct soak {
	uint64_t a, b;			/* invariant: a == b outside the lock */
	uint64_t repaired;		/* owner-died recoveries */
	uint64_t ops[NWORKERS];		/* progress per worker slot */
	uint32_t stop;
};

static void soak_worker(int fd, void *base, int slot)
{
	struct soak *s = (struct soak *)((char *)base + SHARED_OFF);
	struct ipcx_mutex m;
	struct ipcx_event e;
	unsigned int seed = getpid();

	if (ipcx_mutex_attach(&m, fd, base, 0) || ipcx_event_attach(&e, fd, base, 64))
		_exit(1);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		int ret = ipcx_mutex_lock(&m);

		if (ret == -EOWNERDEAD) {
			s->b = s->a;		/* finish the dead holder's update */
			s->repaired++;
			ret = ipcx_mutex_consistent(&m);
		}
		if (ret)
			_exit(2);
		if (s->a != s->b)
			_exit(3);	/* the invariant broke */
		s->a++;
		if (rand_r(&seed) % 8 == 0)
			sched_yield();	/* widen the window for kills */
		s->b++;
		ipcx_mutex_unlock(&m);
		s->ops[slot]++;
		if (rand_r(&seed) % 4 == 0) {
			struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 20);

			ret = ipcx_event_wait(&e, ipcx_event_seq(&e), &dl, CLOCK_MONOTONIC);
			if (ret && ret != -ETIMEDOUT)
				_exit(4);
		} else {
			ipcx_event_broadcast(&e);
		}
	}
	_exit(0);
}

static pid_t soak_spawn(int fd, void *base, int slot)
{
	pid_t pid = fork();

	if (pid == 0)
		soak_worker(fd, base, slot);
	return pid;
}

TEST_F_TIMEOUT(robust, soak_random_kills, 400)
{
	const char *env = getenv("IPCX_SOAK_SECONDS");
	int seconds = env ? atoi(env) : 60;
	size_t size = 2 * 4096;
	pid_t pids[NWORKERS];
	unsigned int seed = 1234;
	uint64_t end, kills = 0, total = 0;
	struct ipcx_mutex m;
	struct ipcx_event e;
	struct soak *s;
	void *base;
	int fd, i, ret;

	fd = lh_anon_region(size, &base);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	ASSERT_EQ(0, ipcx_event_init(&e, fd, base, 64));
	s = (struct soak *)((char *)base + SHARED_OFF);

	for (i = 0; i < NWORKERS; i++)
		ASSERT_GT(pids[i] = soak_spawn(fd, base, i), 0);
	end = lh_now_ns(CLOCK_MONOTONIC) + (uint64_t)seconds * 1000000000ull;
	while (lh_now_ns(CLOCK_MONOTONIC) < end) {
		int status;

		lh_msleep(20 + rand_r(&seed) % 150);
		i = rand_r(&seed) % NWORKERS;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		ASSERT_TRUE(WIFSIGNALED(status)) {
			TH_LOG("worker exited by itself with %d", lh_exit_code(status));
		}
		kills++;
		ASSERT_GT(pids[i] = soak_spawn(fd, base, i), 0);
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	ipcx_event_broadcast(&e);
	for (i = 0; i < NWORKERS; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 20000))) {
			TH_LOG("worker %d stuck or failed", i);
		}
	ret = ipcx_mutex_lock(&m);
	if (ret == -EOWNERDEAD) {
		s->b = s->a;
		s->repaired++;
		ret = ipcx_mutex_consistent(&m);
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(s->a, s->b);
	for (i = 0; i < NWORKERS; i++)
		total += s->ops[i];
	EXPECT_GT(total, (uint64_t)kills);
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
	TH_LOG("soak: %d s, %llu kills survived, %llu critical sections, %llu owner-died repairs",
		       seconds, (unsigned long long)kills, (unsigned long long)total,
		       (unsigned long long)s->repaired);
	munmap(base, size);
	close(fd);
}

TEST_HARNESS_MAIN
