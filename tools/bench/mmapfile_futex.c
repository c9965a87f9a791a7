// SPDX-License-Identifier: GPL-2.0
/*
 * A mapped file (created and unlinked in $TMPDIR) paced by futexes: the
 * counting semaphores are a count plus a waiter count, the lock is the
 * classic three-state futex mutex (0 free, 1 locked, 2 locked with
 * waiters; Drepper, "Futexes Are Tricky"). Shared futexes (no
 * FUTEX_PRIVATE_FLAG): the waiters are in different processes.
 *
 * Semaphore ordering: post increments count, then reads waiters; wait
 * increments waiters, then sleeps only while count is 0 (the kernel checks
 * that atomically). Both sides use sequentially consistent atomics, so
 * either the poster sees the waiter or the waiter sees the count.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shmring.h"

struct fsem {
	uint32_t count;
	uint32_t waiters;
};

struct futex_sync {
	uint32_t lock;
	struct fsem sem[SEM_COUNT - 1];
};

static struct futex_sync *fsync_of(struct shm_chan *c)
{
	return c->sync;
}

static int futex_wait(uint32_t *addr, uint32_t val)
{
	if (syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EINTR)
		return errno_neg();
	return 0;
}

static int futex_wake(uint32_t *addr, int n)
{
	return syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0) < 0 ? errno_neg() : 0;
}

static int fx_init(struct shm_chan *c)
{
	struct futex_sync *s = fsync_of(c);
	int i;

	s->lock = 0;
	for (i = 0; i < SEM_COUNT - 1; i++) {
		s->sem[i].count = shmring_sem_init(c, i);
		s->sem[i].waiters = 0;
	}
	return 0;
}

static void fx_destroy(struct shm_chan *c)
{
	(void)c;
}

static int fx_wait(struct shm_chan *c, int sem)
{
	struct fsem *f = &fsync_of(c)->sem[sem];
	uint32_t v;
	int rc;

	for (;;) {
		v = __atomic_load_n(&f->count, __ATOMIC_SEQ_CST);
		if (v && __atomic_compare_exchange_n(&f->count, &v, v - 1, 0,
						     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 0;
		if (v)
			continue;
		__atomic_add_fetch(&f->waiters, 1, __ATOMIC_SEQ_CST);
		rc = futex_wait(&f->count, 0);
		__atomic_sub_fetch(&f->waiters, 1, __ATOMIC_SEQ_CST);
		if (rc)
			return rc;
	}
}

static int fx_post(struct shm_chan *c, int sem)
{
	struct fsem *f = &fsync_of(c)->sem[sem];

	__atomic_add_fetch(&f->count, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&f->waiters, __ATOMIC_SEQ_CST))
		return futex_wake(&f->count, 1);
	return 0;
}

static int fx_lock(struct shm_chan *c)
{
	uint32_t *l = &fsync_of(c)->lock;
	uint32_t v = 0;
	int rc;

	if (__atomic_compare_exchange_n(l, &v, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (v != 2)
		v = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	while (v != 0) {
		rc = futex_wait(l, 2);
		if (rc)
			return rc;
		v = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	}
	return 0;
}

static int fx_unlock(struct shm_chan *c)
{
	uint32_t *l = &fsync_of(c)->lock;

	if (__atomic_fetch_sub(l, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(l, 0, __ATOMIC_RELEASE);
		return futex_wake(l, 1);
	}
	return 0;
}

static const struct shm_sync futex_sync = {
	.map = shm_map_file, .unmap = shm_unmap, .init = fx_init, .destroy = fx_destroy,
	.wait = fx_wait, .post = fx_post, .lock = fx_lock, .unlock = fx_unlock,
};

static int fx_setup(struct bench_chan *ch)
{
	return shmring_setup(ch, &futex_sync);
}

const struct bench_mech bench_mech_futex = {
	.name = "mmap-futex",
	.family = "shared memory",
	.desc = "mmap'd file + futex semaphores and futex mutex",
	.lock_desc = "futex mutex (3-state) lock+unlock",
	.setup = fx_setup,
	SHMRING_OPS,
};
