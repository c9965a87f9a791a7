// SPDX-License-Identifier: GPL-2.0
/*
 * Robust mutexes in a region: exclusion, the user-space fast path, trylock,
 * timeouts on both clocks, signals, fairness of hand-over, fork, corrupted
 * lock words, statistics. Owner death in every form (SIGKILL, thread exit,
 * exec, unmapping, an fd passed over SCM_RIGHTS) and unrecoverable locks:
 * mutex_death_test.c.
 */
#include "mutex_helpers.h"

TEST_F(mx, uncontended_lock_unlock_stays_in_user_space)
{
	struct ipcx_lock_stat st;
	uint32_t id;
	int i;

	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, ipcx_mutex_lock(&self->m));
		ASSERT_EQ(0, ipcx_mutex_unlock(&self->m));
	}
	ASSERT_EQ(0, ipcx_owner_id(self->fd, &id));
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, MUTEX_OFF, &st));
	EXPECT_EQ(0, st.acquisitions);	/* the kernel never saw one */
	EXPECT_EQ(0, st.word);
	ASSERT_EQ(0, ipcx_mutex_lock(&self->m));
	EXPECT_EQ(id, *self->m.word);	/* the word names its holder */
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, MUTEX_OFF, &st));
	EXPECT_EQ(getpid(), st.holder.tgid);
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
}

TEST_F_TIMEOUT(mx, exclusion_4_processes_100000_increments, 300)
{
	const int nproc = 4, iters = 100000;
	pid_t pids[4];
	int i, j;

	*self->data = 0;
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			for (j = 0; j < iters; j++) {
				uint64_t v;

				if (ipcx_mutex_lock(&self->m))
					_exit(1);
				v = *self->data;	/* not atomic: the lock must protect it */
				*self->data = v + 1;
				if (ipcx_mutex_unlock(&self->m))
					_exit(2);
			}
			_exit(0);
		}
	}
	for (i = 0; i < nproc; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 280000)));
	EXPECT_EQ((uint64_t)nproc * iters, *self->data);
}

TEST_F(mx, trylock_busy_and_deadlock_and_non_owner_unlock)
{
	int ready;
	pid_t pid = hold_in_child(&self->m, &ready);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(lh_took(ready));
	EXPECT_EQ(-EBUSY, ipcx_mutex_trylock(&self->m));
	EXPECT_EQ(-EPERM, ipcx_mutex_unlock(&self->m));	/* not ours */
	EXPECT_NE(0, *self->m.word);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&self->m));
	ASSERT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(-EDEADLK, ipcx_mutex_lock(&self->m));	/* relock by holder */
	EXPECT_EQ(-EINVAL, ipcx_mutex_consistent(&self->m)); /* not after a death */
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	EXPECT_EQ(-EPERM, ipcx_mutex_unlock(&self->m));	/* not held */
}

static void timed_out_on(struct __test_metadata *_metadata,
			 struct ipcx_mutex *m, clockid_t clock)
{
	struct timespec dl;
	uint64_t t0, dt;
	int ready;
	pid_t pid = hold_in_child(m, &ready);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(lh_took(ready));
	dl = lh_deadline(clock, 200);
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(-ETIMEDOUT, ipcx_mutex_timedlock(m, &dl, clock));
	dt = lh_now_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_GE(dt, 190000000ull);
	EXPECT_LT(dt, 5000000000ull);
	/* a deadline in the past fails at once */
	dl.tv_sec -= 10;
	EXPECT_EQ(-ETIMEDOUT, ipcx_mutex_timedlock(m, &dl, clock));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_F(mx, timedlock_monotonic)
{
	timed_out_on(_metadata, &self->m, CLOCK_MONOTONIC);
}

TEST_F(mx, timedlock_realtime)
{
	timed_out_on(_metadata, &self->m, CLOCK_REALTIME);
}

TEST_F(mx, bad_timeouts_einval)
{
	struct timespec bad[] = { { 0, 1000000000L }, { 0, -1 }, { -1, 0 } };
	struct timespec ok = lh_deadline(CLOCK_MONOTONIC, 10);
	int ready;
	size_t i;
	pid_t pid = hold_in_child(&self->m, &ready);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(lh_took(ready));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, ipcx_mutex_timedlock(&self->m, &bad[i], CLOCK_MONOTONIC));
	EXPECT_EQ(-EINVAL, ipcx_mutex_timedlock(&self->m, &ok, CLOCK_PROCESS_CPUTIME_ID));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static volatile sig_atomic_t got_alarm;

static void on_alarm(int sig)
{
	got_alarm = 1;
}

static void arm_alarm(int restart, long ms)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	got_alarm = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

TEST_F(mx, signal_without_sa_restart_gives_eintr)
{
	int ready;
	pid_t pid = hold_in_child(&self->m, &ready);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(lh_took(ready));
	arm_alarm(0, 200);
	EXPECT_EQ(-EINTR, ipcx_mutex_lock(&self->m));
	EXPECT_TRUE(got_alarm);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_F(mx, signal_with_sa_restart_keeps_waiting)
{
	int p[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {		/* holds the lock 600 ms, then releases */
		c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		lh_msleep(600);
		_exit(ipcx_mutex_unlock(&self->m) ? 2 : 0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	ASSERT_EQ('L', c);
	arm_alarm(1, 150);
	EXPECT_EQ(0, ipcx_mutex_lock(&self->m));	/* restarted, then granted */
	EXPECT_TRUE(got_alarm);
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 5000)));
}

/*
 * Fairness: two processes hammer the lock; a third that must sleep still
 * gets it, because after IPCX_MAX_STEALS robberies the lock is handed to
 * the oldest sleeper.
 */
TEST_F_TIMEOUT(mx, sleeper_is_not_starved_by_hammering_processes, 120)
{
	volatile uint32_t *stop = (volatile uint32_t *)(self->data + 8);
	pid_t pids[2];
	int i, got = 0;

	*stop = 0;
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			while (!*stop) {
				if (ipcx_mutex_lock(&self->m))
					_exit(1);
				(*self->data)++;
				ipcx_mutex_unlock(&self->m);
			}
			_exit(0);
		}
	}
	lh_msleep(200);
	for (i = 0; i < 20; i++) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 5000);

		if (ipcx_mutex_timedlock(&self->m, &dl, CLOCK_MONOTONIC) == 0) {
			got++;
			ipcx_mutex_unlock(&self->m);
		}
	}
	*stop = 1;
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 20000)));
	EXPECT_EQ(20, got);
	EXPECT_GT(*self->data, 0);
}

/*
 * A child owns nothing of its parent's, however it was made (fork(), or
 * without running pthread_atfork handlers: _Fork(), a raw fork system
 * call): it has an owner id of its own, its unlock of the parent's mutex
 * is refused, the parent's own unlock works, and once the parent let go
 * the child takes the lock under its own id.
 */
static void child_owns_nothing(struct __test_metadata *_metadata,
			       FIXTURE_DATA(mx) *self, pid_t (*forker)(void))
{
	int go[2], done[2];
	uint32_t parent_id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, ipcx_owner_id(self->fd, &parent_id));
	ASSERT_EQ(0, ipcx_mutex_lock(&self->m));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = forker();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint32_t id;

		if (ipcx_owner_id(self->fd, &id) || id == parent_id)
			_exit(1);
		if (ipcx_mutex_unlock(&self->m) != -EPERM)
			_exit(2);
		if (ipcx_mutex_trylock(&self->m) != -EBUSY)
			_exit(3);
		if (write(done[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		if (ipcx_mutex_lock(&self->m) != 0 || *self->m.word != id)
			_exit(5);
		_exit(ipcx_mutex_unlock(&self->m) ? 6 : 0);
	}
	close(done[1]);
	close(go[0]);
	if (read(done[0], &c, 1) == 1) {
		/* the parent's word is untouched, whatever the child tried */
		EXPECT_EQ(parent_id, *self->m.word);
		EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
		EXPECT_EQ(1, write(go[1], "g", 1));
	}
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(pid, 5000)));	/* 1..6: which step */
	EXPECT_EQ(0, *self->m.word);
}

TEST_F(mx, fork_child_is_a_new_owner)
{
	child_owns_nothing(_metadata, self, fork);
}

static pid_t raw_fork(void)
{
	return syscall(SYS_fork);
}

TEST_F(mx, underscore_fork_child_is_a_new_owner)
{
	if (!lh_wipeonfork_works())
		SKIP(return, "no madvise(MADV_WIPEONFORK) in this kernel");
	child_owns_nothing(_metadata, self, _Fork);
}

TEST_F(mx, raw_fork_syscall_child_is_a_new_owner)
{
	if (!lh_wipeonfork_works())
		SKIP(return, "no madvise(MADV_WIPEONFORK) in this kernel");
	child_owns_nothing(_metadata, self, raw_fork);
}

/* Whatever a scribbler writes, lock returns (no hang) and the kernel survives. */
TEST_F(mx, corrupted_lock_words_never_hang)
{
	const uint32_t words[] = {
		0xffffffffu, 0x3fffffffu, 0x00012345u, 0x40012345u, 0x80000000u,
		0xc0000000u, 0x40000000u, 0x7fffffffu, 0x00000001u,
	};
	struct ipcx_lock_stat st;
	struct timespec dl;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int ret;

		__atomic_store_n(self->m.word, words[i], __ATOMIC_SEQ_CST);
		dl = lh_deadline(CLOCK_MONOTONIC, 300);
		ret = ipcx_mutex_timedlock(&self->m, &dl, CLOCK_MONOTONIC);
		EXPECT_TRUE(ret == 0 || ret == -EOWNERDEAD || ret == -ENOTRECOVERABLE ||
			    ret == -ETIMEDOUT || ret == -EDEADLK) {
			TH_LOG("word %#x: lock gave %d", words[i], ret);
		}
		EXPECT_EQ(0, ipcx_lock_stat(self->fd, MUTEX_OFF, &st));
		if (ret == 0 || ret == -EOWNERDEAD) {
			if (ret == -EOWNERDEAD)
				EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
			EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
		}
		__atomic_store_n(self->m.word, 0, __ATOMIC_SEQ_CST);
	}
	EXPECT_EQ(0, ipcx_mutex_lock(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
}

TEST_F(mx, stats_count_contention_and_deaths)
{
	struct ipcx_lock_stat st;
	int ready, status;
	pid_t pid = lh_holder(take_mutex, release_mutex, &self->m, 300, &ready);

	ASSERT_GT(pid, 0);	/* -1 also when no pipe could be made */
	ASSERT_TRUE(lh_took(ready));
	ASSERT_EQ(0, ipcx_mutex_lock(&self->m));	/* sleeps ~300 ms */
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, MUTEX_OFF, &st));
	EXPECT_EQ(IPCX_LOCK_MUTEX, st.kind);
	EXPECT_GE(st.acquisitions, 1);
	EXPECT_GE(st.contended, 1);
	EXPECT_GE(st.wait_ns_max, 100000000ull);
	EXPECT_GE(st.wait_ns_total, st.wait_ns_max);
	EXPECT_EQ(getpid(), st.holder.tgid);
	EXPECT_EQ(0, st.waiters);
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, lh_exit_code(status));
}

TEST_HARNESS_MAIN
