// SPDX-License-Identifier: GPL-2.0
/*
 * Workers under a supervisor. The supervisor forks n workers, each pinned
 * to cpus[side] (-1: not pinned) and running fn(side, arg); it waits for
 * them with a time limit and kills them all when it expires, so a mechanism
 * that loses a message fails its row instead of hanging the run.
 *
 * Interrupts: bench_run_all() blocks SIGINT and SIGTERM for the whole run
 * (signals_block); waiting here takes them with sigtimedwait, kills the
 * workers and returns -EINTR, so the caller still tears the mechanism
 * down (SysV semaphores and queues would otherwise outlive the run).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void shared_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

static void kill_all(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
}

/* Reap one worker; record a failure in why. Returns 1 when one was reaped. */
static int reap_one(pid_t *pids, int n, int *failed, char *why, size_t len)
{
	int i, st;
	pid_t p = waitpid(-1, &st, WNOHANG);

	if (p <= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (pids[i] == p)
			pids[i] = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (!why[0] && WIFSIGNALED(st))
		snprintf(why, len, "worker killed by signal %d", WTERMSIG(st));
	else if (!why[0])
		snprintf(why, len, "worker exited with %d", WEXITSTATUS(st));
	*failed = 1;
	return 1;
}

static void wait_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

/* Block SIGINT and SIGTERM (and SIGCHLD) into *old; 1 when one is pending. */
int signals_block(sigset_t *old)
{
	sigset_t set;

	wait_set(&set);
	sigprocmask(SIG_BLOCK, &set, old);
	return signals_pending();
}

int signals_pending(void)
{
	sigset_t p;

	if (sigpending(&p) < 0)
		return 0;
	return sigismember(&p, SIGINT) == 1 || sigismember(&p, SIGTERM) == 1;
}

/* Wait for all n workers, at most timeout_s seconds (signals blocked). */
static int wait_workers(pid_t *pids, int n, int timeout_s, char *why, size_t len)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int left = n, failed = 0, intr = 0, sig;
	sigset_t set;

	wait_set(&set);
	while (left > 0) {
		while (left > 0 && reap_one(pids, n, &failed, why, len))
			left--;
		if (!left)
			break;
		if (failed || now_ns() > deadline) {
			if (!why[0])
				snprintf(why, len, "timed out after %d s", timeout_s);
			failed = 1;
			kill_all(pids, n);
		}
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			snprintf(why, len, "interrupted by signal %d", sig);
			failed = intr = 1;
			kill_all(pids, n);
		}
	}
	return intr ? -EINTR : failed ? -1 : 0;
}

static void worker_main(int side, int cpu, worker_fn fn, void *arg)
{
	int rc;

	signal(SIGPIPE, SIG_DFL);
	rc = cpu_pin(cpu);
	if (!rc)
		rc = fn(side, arg);
	_exit(rc ? 1 : 0);
}

int run_workers(int n, const int *cpus, worker_fn fn, void *arg, int timeout_s,
		char *why, size_t len)
{
	pid_t pids[BENCH_MAX_PROCS] = { 0 };
	int i, rc, forked = 0, fork_failed = 0;
	sigset_t old;

	if (n > BENCH_MAX_PROCS)
		return -1;
	signals_block(&old);
	fflush(NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			worker_main(i, cpus ? cpus[i] : -1, fn, arg);
		}
		if (pids[i] < 0) {
			snprintf(why, len, "fork: %s", strerror(errno));
			pids[i] = 0;
			fork_failed = 1;
			kill_all(pids, forked);
			break;
		}
		forked++;
	}
	rc = wait_workers(pids, forked, timeout_s, why, len);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return fork_failed ? -1 : rc;
}
