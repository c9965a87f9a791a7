/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libipcx internals shared by the lock files: lockblock.c (what every
 * kind shares), owner.c (the calling thread's owner id and last
 * EOWNERDEAD), the kinds (mutex.c, rwlock.c, sem.c, event.c) and
 * channel.c, which is built on mutexes and events. Never installed.
 */
#ifndef LIBIPCX_LOCK_INTERNAL_H
#define LIBIPCX_LOCK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "internal.h"

/* ---- owner.c ---- */

/* The calling thread's owner id if it has one in this process (no kernel call). */
bool ipcx_owner_cached(uint32_t *id);

/*
 * The same, inline, for the lock fast paths: the cached id and the epoch
 * it was registered in (owner.c explains the epoch), read with no call.
 */
extern __thread uint32_t ipcx_tls_owner
	__attribute__((tls_model("initial-exec"), visibility("hidden")));
extern __thread unsigned int ipcx_tls_epoch
	__attribute__((tls_model("initial-exec"), visibility("hidden")));
extern unsigned int *ipcx_epoch __attribute__((visibility("hidden")));

static inline bool ipcx_owner_fast(uint32_t *id)
{
	uint32_t owner = ipcx_tls_owner;
	unsigned int *epoch = __atomic_load_n(&ipcx_epoch, __ATOMIC_RELAXED);

	if (!owner || ipcx_tls_epoch != __atomic_load_n(epoch, __ATOMIC_RELAXED))
		return false;
	*id = owner;
	return true;
}

/*
 * The calling thread's record of its last -EOWNERDEAD: save it for the
 * lock at (@fd, @offset); fetch it back: 0, or -ENOENT when this thread's
 * last one was on another lock, or none (in this process).
 */
void ipcx_death_save(int fd, uint64_t offset, const struct ipcx_owner_info *died);
int ipcx_death_fetch(int fd, uint64_t offset, struct ipcx_owner_info *died);

/* ---- lockblock.c ---- */

/* Fill a lock handle's fd, offset and word (validated): 0 or -EINVAL. */
int ipcx_lock_locate(int fd, void *base, uint64_t offset, int *hfd,
		     uint64_t *hoffset, uint32_t **hword);

/* IPCX_IOC_LOCK_DECLARE of a block of @kind (@value: a semaphore's count). */
int ipcx_lock_declare(int fd, uint64_t offset, uint32_t kind, uint32_t value);
/* A mutex whose holders' deaths signal the event at @event_offset
 * (IPCX_LOCK_F_DEATH_EVENT): 0, -EEXIST (declared otherwise), -EINVAL
 * (a module without the feature), or another -errno. */
int ipcx_mutex_declare_death_event(int fd, uint64_t offset, uint64_t event_offset);

/* The kernel path of a lock operation: ioctl @cmd on the lock at @offset;
 * an -EOWNERDEAD is saved for ipcx_*_last_death() and copied to @died. */
int ipcx_lock_slow(int fd, uint64_t offset, unsigned long cmd, unsigned int flags,
		   const struct timespec *abstime, clockid_t clock,
		   struct ipcx_owner_info *died);

/* Fill the timeout fields of @op from @abstime on @clock (NULL: none). */
int ipcx_lock_op_timeout(struct ipcx_lock_op *op, const struct timespec *abstime,
			 clockid_t clock);

#endif
