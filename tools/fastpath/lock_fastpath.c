// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-lock-fastpath: libipcx's lock fast paths, measured natively.
 *
 * An uncontended lock, and a lock handed between two running processes,
 * never enter the kernel: they are atomics on the lock word. So this
 * program links libipcx against a stand-in for its one kernel entry (it
 * defines ioctl(), which the library calls through the PLT, so the
 * stand-in serves the static and the shared library alike: make builds it
 * twice, ipcx-lock-fastpath against libipcx.a and ipcx-lock-fastpath-so
 * against libipcx.so) and measures, side by side in each round, each pair
 * timed the same way (BATCH pairs, no clock read inside a batch; the best
 * round of ROUNDS):
 *
 *   uncontended, one process on one CPU:
 *     ipcx mutex lock+unlock      vs a robust process-shared pthread mutex
 *     ipcx rwlock rdlock+unlock   vs a process-shared pthread_rwlock
 *     ipcx rwlock wrlock+unlock   vs the same
 *     ipcx sem wait+post          vs a process-shared POSIX semaphore
 *   hand-off, two processes on CPUs 0 and 1 taking turns (each waits for
 *   its turn, takes the lock, releases it and passes the turn, so the lock
 *   word moves between the CPUs with every turn but is never contended:
 *   a contended lock would reach the stand-in, which cannot sleep):
 *     cache line                  the turn word alone (the floor of any hand-off)
 *     spinlock                    a test-and-test-and-set lock (the floor of any lock)
 *     ipcx mutex                  vs both
 *
 * and prints the ratios issue #17 sets as targets (uncontended <= 1.2x the
 * pthread equivalent through the .so; hand-off <= 1.1x the spinlock). They
 * are reported, not enforced: timings are never asserted. What is enforced
 * (exit 1) is the rule the fast paths rest on: the measured loops made no
 * kernel call (the stand-in counts them). 2 on errors.
 *
 *   ipcx-lock-fastpath [--quick]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/cpu_relax.h"
#include "libipcx.h"

#ifndef IPCX_FASTPATH_LINK
#define IPCX_FASTPATH_LINK	"libipcx.a"
#endif
#define BATCH		100000
#define ROUNDS		7
#define HANDOFFS	20000

/* What two processes share: the lock block, the baselines, the counters. */
struct shared {
	struct ipcx_lock_block blocks[4] __attribute__((aligned(IPCX_LOCK_ALIGN)));
	_Alignas(64) unsigned long kcalls;	/* lock commands that reached "the kernel" */
	_Alignas(64) unsigned int next_owner;
	_Alignas(64) volatile unsigned int turn;
	_Alignas(64) unsigned int spin;
	_Alignas(64) pthread_mutex_t pm;
	_Alignas(64) pthread_rwlock_t prw;
	_Alignas(64) sem_t psem;
};

static struct shared *sh;

/*
 * The stand-in: OWNER_REGISTER hands out ids, LOCK_DECLARE sets a
 * semaphore's word as the kernel does; every other command is counted (a
 * fast path that reaches here is what this program exists to catch).
 */
int ioctl(int fd, unsigned long cmd, ...)
{
	struct ipcx_lock_op *op;
	va_list ap;

	(void)fd;
	va_start(ap, cmd);
	op = va_arg(ap, struct ipcx_lock_op *);
	va_end(ap);
	switch (cmd) {
	case IPCX_IOC_OWNER_REGISTER:
		op->owner = __atomic_add_fetch(&sh->next_owner, 1, __ATOMIC_SEQ_CST);
		return 0;
	case IPCX_IOC_LOCK_DECLARE:
		if (op->kind == IPCX_LOCK_SEM)
			sh->blocks[op->offset / IPCX_LOCK_ALIGN].word = (uint32_t)op->value;
		return 0;
	}
	__atomic_add_fetch(&sh->kcalls, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort */
}

enum op { IPCX_MUTEX, PT_MUTEX, IPCX_RD, PT_RD, IPCX_WR, PT_WR, IPCX_SEM, PT_SEM, NR_OPS };

static const char *const op_name[NR_OPS] = {
	"ipcx mutex lock+unlock", "robust pthread mutex lock+unlock",
	"ipcx rwlock rdlock+unlock", "pthread_rwlock rdlock+unlock",
	"ipcx rwlock wrlock+unlock", "pthread_rwlock wrlock+unlock",
	"ipcx sem wait+post", "POSIX sem wait+post",
};

static struct ipcx_mutex m;
static struct ipcx_rwlock rw;
static struct ipcx_sem s;

/* ns per pair: one batch of @op. */
static double batch(enum op op)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < BATCH; i++) {
		switch (op) {
		case IPCX_MUTEX: ipcx_mutex_lock(&m); ipcx_mutex_unlock(&m); break;
		case PT_MUTEX: pthread_mutex_lock(&sh->pm); pthread_mutex_unlock(&sh->pm); break;
		case IPCX_RD: ipcx_rwlock_rdlock(&rw); ipcx_rwlock_unlock(&rw); break;
		case PT_RD: pthread_rwlock_rdlock(&sh->prw); pthread_rwlock_unlock(&sh->prw); break;
		case IPCX_WR: ipcx_rwlock_wrlock(&rw); ipcx_rwlock_unlock(&rw); break;
		case PT_WR: pthread_rwlock_wrlock(&sh->prw); pthread_rwlock_unlock(&sh->prw); break;
		case IPCX_SEM: ipcx_sem_wait(&s); ipcx_sem_post(&s); break;
		case PT_SEM: sem_wait(&sh->psem); sem_post(&sh->psem); break;
		default: break;
		}
	}
	return (now_ns() - t0) / BATCH;
}

enum handoff { H_LINE, H_SPIN, H_IPCX, NR_HANDOFFS };

static const char *const handoff_name[NR_HANDOFFS] = {
	"cache line (turn word only)", "test-and-test-and-set spinlock", "ipcx mutex",
};

static void spin_lock(unsigned int *l)
{
	for (;;) {
		if (!__atomic_load_n(l, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
			return;
		ipcx_cpu_relax();
	}
}

/* One side of @n turns: wait for turn == @me, take, release, pass the turn. */
static void handoff_side(enum handoff h, unsigned int me, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		while (sh->turn != me)
			ipcx_cpu_relax();
		switch (h) {
		case H_LINE:
			sh->turn = !me;
			break;
		case H_SPIN:
			spin_lock(&sh->spin);
			__atomic_store_n(&sh->spin, 0, __ATOMIC_RELEASE);
			sh->turn = !me;
			break;
		case H_IPCX:
			ipcx_mutex_lock(&m);
			ipcx_mutex_unlock(&m);
			sh->turn = !me;
			break;
		default:
			break;
		}
	}
}

/* ns per hand-off: two processes, CPUs 0 and 1, @n turns each. */
static double handoff(enum handoff h, int n)
{
	double t0, t;
	pid_t pid;
	int st;

	sh->turn = 0;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		pin(1);
		handoff_side(h, 1, n);
		_exit(0);
	}
	pin(0);
	t0 = now_ns();
	handoff_side(h, 0, n);
	while (sh->turn != 0)	/* the child's last turn */
		ipcx_cpu_relax();
	t = now_ns() - t0;
	waitpid(pid, &st, 0);
	return t / (2.0 * n);
}

static int setup(void)
{
	pthread_mutexattr_t ma;
	pthread_rwlockattr_t ra;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	if (pthread_mutex_init(&sh->pm, &ma) || pthread_rwlock_init(&sh->prw, &ra) ||
	    sem_init(&sh->psem, 1, 1))
		return -1;
	/* fd 3 is never read: the stand-in answers every command */
	if (ipcx_mutex_init(&m, 3, sh->blocks, 0) ||
	    ipcx_rwlock_init(&rw, 3, sh->blocks, IPCX_LOCK_ALIGN) ||
	    ipcx_sem_init(&s, 3, sh->blocks, 2 * IPCX_LOCK_ALIGN, 1))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = (argc > 1 && !strcmp(argv[1], "--quick")) ? 2 : ROUNDS;
	double best[NR_OPS], hbest[NR_HANDOFFS], t;
	unsigned long kcalls;
	int r, i;

	if (setup()) {
		fprintf(stderr, "ipcx-lock-fastpath: setup: %s\n", strerror(errno));
		return 2;
	}
	printf("# ipcx-lock-fastpath (%s): %d rounds of %d pairs, best round; kernel stood in for\n",
	       IPCX_FASTPATH_LINK, rounds, BATCH);
	for (i = 0; i < NR_OPS; i++)
		best[i] = 1e99;
	for (i = 0; i < NR_HANDOFFS; i++)
		hbest[i] = 1e99;
	pin(0);
	kcalls = sh->kcalls;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_OPS; i++) {
			t = batch(i);
			if (t < best[i])
				best[i] = t;
		}
		for (i = 0; i < NR_HANDOFFS; i++) {
			t = handoff(i, HANDOFFS / (rounds == 2 ? 4 : 1));
			if (t > 0 && t < hbest[i])
				hbest[i] = t;
		}
		pin(0);
	}
	kcalls = sh->kcalls - kcalls;
	for (i = 0; i < NR_OPS; i += 2)
		printf("%-34s %7.2f ns  %-34s %7.2f ns  ratio %.2f\n", op_name[i], best[i],
		       op_name[i + 1], best[i + 1], best[i] / best[i + 1]);
	for (i = 0; i < NR_HANDOFFS; i++)
		printf("hand-off: %-32s %7.1f ns  %.2fx the cache line, %.2fx the spinlock\n",
		       handoff_name[i], hbest[i], hbest[i] / hbest[H_LINE], hbest[i] / hbest[H_SPIN]);
	printf("# targets (#17, reported, not enforced): uncontended <= 1.2x pthread through the .so; "
	       "hand-off <= 1.1x the spinlock\n");
	printf("%s - the measured loops made %lu kernel calls (must be 0)\n",
	       kcalls ? "not ok" : "ok", kcalls);
	return kcalls ? 1 : 0;
}
