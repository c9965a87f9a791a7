// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX shared memory with process-shared robust pthread mutexes and
 * condition variables. Each counting semaphore of the ring is a mutex, a
 * condvar and a count; the lock is a robust mutex (EOWNERDEAD is repaired
 * with pthread_mutex_consistent and counts as acquired).
 */
#include <errno.h>
#include <pthread.h>

#include "shmring.h"

struct psem {
	pthread_mutex_t m;
	pthread_cond_t cv;
	unsigned int count;	/* guarded by m */
};

struct pth_sync {
	pthread_mutex_t lock;
	struct psem sem[SEM_COUNT - 1];
};

_Static_assert(sizeof(struct pth_sync) <= SYNC_AREA, "sync area too small");

static struct pth_sync *pth(struct shm_chan *c)
{
	return c->sync;
}

int robust_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int rc;

	rc = pthread_mutexattr_init(&a);
	if (rc)
		return -rc;
	rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!rc)
		rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (!rc)
		rc = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return -rc;
}

static int shared_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;
	int rc;

	rc = pthread_condattr_init(&a);
	if (rc)
		return -rc;
	rc = pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!rc)
		rc = pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
	return -rc;
}

static int robust_lock(pthread_mutex_t *m)
{
	int rc = pthread_mutex_lock(m);

	if (rc == EOWNERDEAD)
		rc = pthread_mutex_consistent(m);
	return -rc;
}

static int pth_init(struct shm_chan *c)
{
	struct pth_sync *s = pth(c);
	int i, rc;

	rc = robust_mutex_init(&s->lock);
	for (i = 0; !rc && i < SEM_COUNT - 1; i++) {
		rc = robust_mutex_init(&s->sem[i].m);
		if (!rc)
			rc = shared_cond_init(&s->sem[i].cv);
		s->sem[i].count = shmring_sem_init(c, i);
	}
	return rc;
}

/*
 * Nothing to destroy: the region is unmapped next. pthread_cond_destroy()
 * would wait forever for a waiter that was killed (timeout, interrupt)
 * inside pthread_cond_wait, and the objects die with the mapping anyway.
 */
static void pth_destroy(struct shm_chan *c)
{
	(void)c;
}

static int pth_wait(struct shm_chan *c, int sem)
{
	struct psem *p = &pth(c)->sem[sem];
	int rc = robust_lock(&p->m);

	while (!rc && p->count == 0) {
		rc = -pthread_cond_wait(&p->cv, &p->m);
		if (rc == -EOWNERDEAD)
			rc = -pthread_mutex_consistent(&p->m);
	}
	if (rc)
		return rc;
	p->count--;
	return -pthread_mutex_unlock(&p->m);
}

static int pth_post(struct shm_chan *c, int sem)
{
	struct psem *p = &pth(c)->sem[sem];
	int rc = robust_lock(&p->m);

	if (rc)
		return rc;
	p->count++;
	rc = pthread_cond_signal(&p->cv);
	if (!rc)
		rc = pthread_mutex_unlock(&p->m);
	return -rc;
}

static int pth_lock(struct shm_chan *c)
{
	return robust_lock(&pth(c)->lock);
}

static int pth_unlock(struct shm_chan *c)
{
	return -pthread_mutex_unlock(&pth(c)->lock);
}

static const struct shm_sync pth_sync = {
	.map = shm_map_posix, .unmap = shm_unmap, .init = pth_init, .destroy = pth_destroy,
	.wait = pth_wait, .post = pth_post, .lock = pth_lock, .unlock = pth_unlock,
};

static int pth_setup(struct bench_chan *ch)
{
	return shmring_setup(ch, &pth_sync);
}

const struct bench_mech bench_mech_pthread = {
	.name = "pthread",
	.family = "shared memory",
	.desc = "POSIX shm + robust process-shared pthread mutex/condvar",
	.lock_desc = "robust pthread mutex lock+unlock",
	.setup = pth_setup,
	SHMRING_OPS,
};
