// SPDX-License-Identifier: GPL-2.0
/*
 * Robust mutexes whose holder dies: the next locker gets EOWNERDEAD (after
 * SIGKILL, thread exit, exec, with 8 sleepers exactly one), unlocking
 * without ipcx_mutex_consistent() makes the lock unrecoverable, unmapping
 * does not release, and an fd passed over SCM_RIGHTS counts its holder's
 * death the same.
 */
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "mutex_helpers.h"

/*
 * A SIGKILLed holder is dead from the moment it takes the SIGKILL, before
 * its exit runs: with the holder held at its PTRACE_EVENT_EXIT stop (made
 * early in do_exit(), before the thread is even PF_EXITING or its
 * address space torn down), a waiter still gets the lock, EOWNERDEAD. The
 * waiter's 5 s deadline only keeps a broken module from hanging the test.
 */
TEST_F(mx, sigkill_holder_dead_before_its_exit_runs)
{
	struct { int ret; struct ipcx_owner_info died; } r;
	int ready, p[2], st;
	pid_t holder, waiter;

	holder = hold_in_child(&self->m, &ready);
	ASSERT_GT(holder, 0);
	ASSERT_TRUE(lh_took(ready));
	ASSERT_EQ(0, ptrace(PTRACE_SEIZE, holder, NULL,
			    (void *)PTRACE_O_TRACEEXIT));

	ASSERT_EQ(0, pipe(p));
	waiter = fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0) {
		struct timespec dl;

		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += 5;
		memset(&r, 0, sizeof(r));
		r.ret = ipcx_mutex_lock_full(&self->m, 0, &dl, CLOCK_MONOTONIC,
					     &r.died);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, MUTEX_OFF, 1, 5000));
	ASSERT_EQ(0, kill(holder, SIGKILL));
	/* the holder stops at the exit event: its exit has not begun */
	ASSERT_EQ(holder, waitpid(holder, &st, __WALL));
	ASSERT_TRUE(WIFSTOPPED(st)) {
		TH_LOG("holder not stopped at its exit: status %#x", st);
	}
	ASSERT_EQ(SIGTRAP | (PTRACE_EVENT_EXIT << 8), st >> 8);

	ASSERT_EQ(sizeof(r), read(p[0], &r, sizeof(r)));
	EXPECT_EQ(-EOWNERDEAD, r.ret) {
		TH_LOG("waiter got %d while the holder sat at its exit stop",
		       r.ret);
	}
	EXPECT_EQ(holder, r.died.pid);

	ASSERT_EQ(0, ptrace(PTRACE_DETACH, holder, NULL, NULL));
	ASSERT_EQ(holder, waitpid(holder, &st, __WALL));
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(waiter, 5000)));
	close(p[0]);
}

/* A waiter asleep when the holder is SIGKILLed gets the lock, EOWNERDEAD. */
TEST_F(mx, sigkill_holder_next_locker_owner_dead_within_100ms)
{
	struct ipcx_owner_info died;
	int ready, p[2];
	uint64_t t_kill, t_got;
	pid_t holder, waiter;
	char comm[16];

	holder = hold_in_child(&self->m, &ready);
	ASSERT_GT(holder, 0);
	ASSERT_TRUE(lh_took(ready));
	*self->data = 1;	/* "half-done" state the heir must repair */

	ASSERT_EQ(0, pipe(p));
	waiter = fork();
	ASSERT_GE(waiter, 0);
	if (waiter == 0) {
		struct { int ret; uint64_t t; struct ipcx_owner_info died; } r;

		memset(&r, 0, sizeof(r));
		r.ret = ipcx_mutex_lock_full(&self->m, 0, NULL, 0, &r.died);
		r.t = lh_now_ns(CLOCK_MONOTONIC);
		if (r.ret == -EOWNERDEAD) {
			*self->data = 0;	/* repair */
			ipcx_mutex_consistent(&self->m);
		}
		ipcx_mutex_unlock(&self->m);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, MUTEX_OFF, 1, 5000));
	t_kill = lh_now_ns(CLOCK_MONOTONIC);
	kill(holder, SIGKILL);
	{
		struct { int ret; uint64_t t; struct ipcx_owner_info died; } r;

		ASSERT_EQ(sizeof(r), read(p[0], &r, sizeof(r)));
		t_got = r.t;
		died = r.died;
		EXPECT_EQ(-EOWNERDEAD, r.ret);
	}
	waitpid(holder, NULL, 0);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(waiter, 5000)));
	EXPECT_LT(t_got - t_kill, 100000000ull) {
		TH_LOG("owner death took %llu us to reach the waiter",
		       (unsigned long long)(t_got - t_kill) / 1000);
	}
	EXPECT_EQ(holder, died.tgid);
	EXPECT_EQ(holder, died.pid);
	/* the holder is our fork: our name, as the kernel keeps it (15 bytes) */
	snprintf(comm, sizeof(comm), "%s", program_invocation_short_name);
	EXPECT_STREQ(comm, died.comm);
	EXPECT_NE(0, died.time_ns);
	EXPECT_EQ(0, *self->data);			/* repaired */
	EXPECT_EQ(0, ipcx_mutex_lock(&self->m));	/* and usable again */
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
}

TEST_F(mx, unlock_without_consistent_makes_it_unrecoverable)
{
	struct ipcx_lock_stat st;
	int ready, status;
	pid_t pid = hold_in_child(&self->m, &ready);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(lh_took(ready));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&self->m));
	ASSERT_EQ(0, ipcx_mutex_unlock(&self->m));
	EXPECT_EQ(-ENOTRECOVERABLE, ipcx_mutex_lock(&self->m));
	EXPECT_EQ(-ENOTRECOVERABLE, ipcx_mutex_trylock(&self->m));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(ipcx_mutex_lock(&self->m) == -ENOTRECOVERABLE ? 0 : 1);
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, lh_exit_code(status));
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, MUTEX_OFF, &st));
	EXPECT_EQ(1, st.owner_deaths);
}

TEST_F_TIMEOUT(mx, holder_death_with_8_sleepers_exactly_one_owner_dead, 120)
{
	const int n = 8;
	pid_t waiters[8], holder;
	int ready, i, p[2], deaths = 0, clean = 0;

	holder = hold_in_child(&self->m, &ready);
	ASSERT_GT(holder, 0);
	ASSERT_TRUE(lh_took(ready));
	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < n; i++) {
		waiters[i] = fork();
		ASSERT_GE(waiters[i], 0);
		if (waiters[i] == 0) {
			int ret = ipcx_mutex_lock(&self->m);

			if (ret == -EOWNERDEAD)
				ipcx_mutex_consistent(&self->m);
			ipcx_mutex_unlock(&self->m);
			_exit(write(p[1], &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
		}
	}
	close(p[1]);
	ASSERT_EQ(0, lh_wait_waiters(self->fd, MUTEX_OFF, n, 20000));
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	for (i = 0; i < n; i++) {
		int ret;

		ASSERT_EQ(sizeof(ret), read(p[0], &ret, sizeof(ret)));
		if (ret == -EOWNERDEAD)
			deaths++;
		else if (ret == 0)
			clean++;
	}
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(waiters[i], 10000)));
	EXPECT_EQ(1, deaths);
	EXPECT_EQ(n - 1, clean);
}

static void *lock_and_exit_thread(void *arg)
{
	struct ipcx_mutex *m = arg;
	long ret = ipcx_mutex_lock(m);

	return (void *)ret;	/* exits holding the lock */
}

TEST_F(mx, thread_exit_releases_with_owner_dead)
{
	struct ipcx_owner_info died;
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, lock_and_exit_thread, &self->m));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(0, (long)ret);
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_lock_full(&self->m, 0, NULL, 0, &died));
	EXPECT_EQ(getpid(), died.tgid);
	EXPECT_NE(getpid(), died.pid);	/* the thread, not the process */
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
}

TEST_F(mx, exec_releases_with_owner_dead)
{
	struct timespec dl;
	int ready, ready_pipe[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(ready_pipe));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';

		if (write(ready_pipe[1], &c, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "3", (char *)NULL);
		_exit(2);
	}
	ready = ready_pipe[0];
	close(ready_pipe[1]);
	ASSERT_TRUE(lh_took(ready));
	/* the child held it until exec; the kernel then takes it back */
	dl = lh_deadline(CLOCK_MONOTONIC, 2500);
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_timedlock(&self->m, &dl, CLOCK_MONOTONIC));
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Unmapping does not release: the lock is the thread's until it ends. */
TEST_F(mx, holder_that_unmaps_keeps_the_lock_until_it_dies)
{
	int p[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		c = ipcx_mutex_lock(&self->m) == 0 ? 'L' : 'E';
		if (munmap(self->base, REGION_SIZE) || close(self->fd))
			c = 'U';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		lh_msleep(300);		/* holds it, unmapped, then exits */
		_exit(0);
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	ASSERT_EQ('L', c);
	EXPECT_EQ(-EBUSY, ipcx_mutex_trylock(&self->m));
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&self->m));	/* after its exit */
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, lh_exit_code(status));
}

/* The fd travels over SCM_RIGHTS to a process that maps it and dies holding. */
TEST_F(mx, fd_passed_over_scm_rights_owner_death)
{
	struct ipcx_owner_info died;
	int sv[2], status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))], c;
		struct iovec iov = { &c, 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct ipcx_mutex m;
		void *base;
		int fd;

		close(self->fd);
		munmap(self->base, REGION_SIZE);
		if (recvmsg(sv[1], &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
			_exit(1);
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(fd));
		base = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (base == MAP_FAILED || ipcx_mutex_attach(&m, fd, base, MUTEX_OFF))
			_exit(2);
		if (ipcx_mutex_lock(&m))
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	{
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'x';
		struct iovec iov = { &c, 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &self->fd, sizeof(int));
		ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	}
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(-EOWNERDEAD, ipcx_mutex_lock_full(&self->m, 0, NULL, 0, &died));
	EXPECT_EQ(pid, died.tgid);
	EXPECT_EQ(0, ipcx_mutex_consistent(&self->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&self->m));
}

TEST_HARNESS_MAIN
