// SPDX-License-Identifier: GPL-2.0
/*
 * SysV shared memory paced by SysV semaphores. The segment is IPC_RMID'd
 * right after attaching (it lives until the last detach, so a killed run
 * leaves nothing); the semaphore set is removed at teardown. The lock is a
 * semaphore with SEM_UNDO: the kernel releases it if its holder dies.
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "shmring.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int sysv_map(struct shm_chan *c, size_t len)
{
	int id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return errno_neg();
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		int rc = errno_neg();

		shmctl(id, IPC_RMID, NULL);
		return rc;
	}
	if (shmctl(id, IPC_RMID, NULL) < 0) {
		int rc = errno_neg();

		shmdt(p);
		return rc;
	}
	c->base = p;
	return 0;
}

static void sysv_unmap(struct shm_chan *c)
{
	shmdt(c->base);
}

static int sysv_init(struct shm_chan *c)
{
	unsigned short vals[SEM_COUNT];
	union semun arg = { .array = vals };
	int i;

	c->id = semget(IPC_PRIVATE, SEM_COUNT, IPC_CREAT | 0600);
	if (c->id < 0)
		return errno_neg();
	for (i = 0; i < SEM_COUNT; i++)
		vals[i] = (unsigned short)shmring_sem_init(c, i);
	if (semctl(c->id, 0, SETALL, arg) < 0) {
		int rc = errno_neg();

		semctl(c->id, 0, IPC_RMID);
		return rc;
	}
	return 0;
}

static void sysv_destroy(struct shm_chan *c)
{
	semctl(c->id, 0, IPC_RMID);
}

static int sysv_semop(struct shm_chan *c, int sem, int delta, int flags)
{
	struct sembuf op = { .sem_num = (unsigned short)sem, .sem_op = (short)delta,
			     .sem_flg = (short)flags };

	while (semop(c->id, &op, 1) < 0)
		if (errno != EINTR)
			return errno_neg();
	return 0;
}

static int sysv_wait(struct shm_chan *c, int sem)
{
	return sysv_semop(c, sem, -1, 0);
}

static int sysv_post(struct shm_chan *c, int sem)
{
	return sysv_semop(c, sem, 1, 0);
}

static int sysv_lock(struct shm_chan *c)
{
	return sysv_semop(c, SEM_LOCK, -1, SEM_UNDO);
}

static int sysv_unlock(struct shm_chan *c)
{
	return sysv_semop(c, SEM_LOCK, 1, SEM_UNDO);
}

static const struct shm_sync sysv_sync = {
	.map = sysv_map, .unmap = sysv_unmap, .init = sysv_init, .destroy = sysv_destroy,
	.wait = sysv_wait, .post = sysv_post, .lock = sysv_lock, .unlock = sysv_unlock,
};

static int sysv_setup(struct bench_chan *ch)
{
	return shmring_setup(ch, &sysv_sync);
}

const struct bench_mech bench_mech_sysv_shm = {
	.name = "sysv-shm",
	.family = "shared memory",
	.desc = "SysV shared memory + SysV semaphores",
	.lock_desc = "SysV semaphore P+V (SEM_UNDO)",
	.setup = sysv_setup,
	SHMRING_OPS,
};
