/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages over shared memory: each direction is a ring of slots of
 * max_msg bytes, paced by two counting semaphores (full, empty). A ring
 * buffers about as much as a pipe (RING_BYTES, at least RING_MIN_SLOTS
 * messages), so throughput compares like with like.
 * The shared-memory families differ only in how the region is mapped and
 * how the semaphores and the lock are made, so they fill in a shm_sync and
 * reuse everything else.
 *
 * Semaphore numbers: dir * 2 + SEM_FULL / SEM_EMPTY for dir 0 (side 0 to
 * side 1) and dir 1; SEM_LOCK is the mutual-exclusion lock.
 */
#ifndef IPCX_BENCH_SHMRING_H
#define IPCX_BENCH_SHMRING_H

#include <pthread.h>

#include "bench.h"

#define RING_BYTES 65536
#define RING_MIN_SLOTS 4
#define RING_MAX_SLOTS 1024
#define SEM_FULL 0
#define SEM_EMPTY 1
#define SEM_LOCK 4
#define SEM_COUNT 5
#define SYNC_AREA 4096	/* bytes at the start of the region for sync objects */

struct ring_dir {
	uint64_t prod, cons;		/* each written by one side only */
	uint64_t len[RING_MAX_SLOTS];
};

struct ring_hdr {
	struct ring_dir dir[2];
	volatile uint64_t counter;	/* guarded by the lock */
};

struct shm_chan;

struct shm_sync {
	/* map len bytes of fresh shared memory into c->base */
	int (*map)(struct shm_chan *c, size_t len);
	void (*unmap)(struct shm_chan *c);
	int (*init)(struct shm_chan *c);	/* semaphores and lock */
	void (*destroy)(struct shm_chan *c);
	int (*wait)(struct shm_chan *c, int sem);
	int (*post)(struct shm_chan *c, int sem);
	int (*lock)(struct shm_chan *c);
	int (*unlock)(struct shm_chan *c);
};

struct shm_chan {
	const struct shm_sync *ops;
	char *base;		/* the mapping: sync area, header, slots */
	size_t len;
	size_t slot_size;
	unsigned int slots;	/* per direction */
	struct ring_hdr *hdr;
	void *sync;		/* base: the sync area */
	int id;			/* a SysV id where the family needs one */
	int fd;
};

int shmring_setup(struct bench_chan *ch, const struct shm_sync *ops);
void shmring_teardown(struct bench_chan *ch);
int shmring_send(struct bench_chan *ch, int side, const void *buf, size_t len);
int shmring_recv(struct bench_chan *ch, int side, void *buf, size_t len);
int shmring_lock(struct bench_chan *ch);
int shmring_unlock(struct bench_chan *ch);
volatile uint64_t *shmring_counter(struct bench_chan *ch);

/* Mappings shared by several families (posix.c, mmapfile_futex.c). */
int shm_map_posix(struct shm_chan *c, size_t len);
int shm_map_file(struct shm_chan *c, size_t len);
void shm_unmap(struct shm_chan *c);

/* A robust process-shared pthread mutex (pthread_robust.c): 0 or -errno */
int robust_mutex_init(pthread_mutex_t *m);

/* Initial value of each semaphore. */
static inline unsigned int shmring_sem_init(const struct shm_chan *c, int sem)
{
	if (sem == SEM_LOCK)
		return 1;
	return sem % 2 == SEM_EMPTY ? c->slots : 0;
}

/* The operations every shared-memory mechanism shares. */
#define SHMRING_OPS \
	.caps = CAP_MSG | CAP_BULK | CAP_LOCK, \
	.teardown = shmring_teardown, \
	.send = shmring_send, \
	.recv = shmring_recv, \
	.lock = shmring_lock, \
	.unlock = shmring_unlock, \
	.lock_counter = shmring_counter

#endif
