// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Counting semaphores in a region. A plain wait or post with no flag bit
 * set in the word is one CAS; sleeping, waking and undo-tracked units go
 * through the kernel (word layout in <linux/ipcx.h>).
 */
#include <errno.h>
#include <string.h>

#include "lock_internal.h"

#define SEM_FLAGS (IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)

int ipcx_sem_init(struct ipcx_sem *s, int fd, void *base, uint64_t offset,
		  unsigned int value)
{
	int ret = ipcx_sem_attach(s, fd, base, offset);

	return ret ?: ipcx_lock_declare(fd, offset, IPCX_LOCK_SEM, value);
}

int ipcx_sem_attach(struct ipcx_sem *s, int fd, void *base, uint64_t offset)
{
	return ipcx_lock_locate(fd, base, offset, &s->fd, &s->offset, &s->word);
}

unsigned int ipcx_sem_value(const struct ipcx_sem *s)
{
	return __atomic_load_n(s->word, __ATOMIC_RELAXED) & IPCX_SEM_VALUE_MAX;
}

int ipcx_sem_wait_full(struct ipcx_sem *s, unsigned int flags,
		       const struct timespec *abstime, clockid_t clock,
		       struct ipcx_owner_info *died)
{
	uint32_t w;

	if (flags & ~(IPCX_LOCK_F_TRYLOCK | IPCX_LOCK_F_UNDO))
		return -EINVAL;
	if (!(flags & IPCX_LOCK_F_UNDO)) {
		w = __atomic_load_n(s->word, __ATOMIC_RELAXED);
		while (!(w & SEM_FLAGS) && (w & IPCX_SEM_VALUE_MAX))
			if (__atomic_compare_exchange_n(s->word, &w, w - 1, 0,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return 0;
	}
	return ipcx_lock_slow(s->fd, s->offset, IPCX_IOC_SEM_WAIT, flags, abstime,
			      clock, died);
}

int ipcx_sem_wait(struct ipcx_sem *s)
{
	return ipcx_sem_wait_full(s, 0, NULL, 0, NULL);
}

int ipcx_sem_trywait(struct ipcx_sem *s)
{
	return ipcx_sem_wait_full(s, IPCX_LOCK_F_TRYLOCK, NULL, 0, NULL);
}

int ipcx_sem_timedwait(struct ipcx_sem *s, const struct timespec *abstime,
		       clockid_t clock)
{
	if (!abstime)
		return -EINVAL;
	return ipcx_sem_wait_full(s, 0, abstime, clock, NULL);
}

int ipcx_sem_post_full(struct ipcx_sem *s, unsigned int flags)
{
	struct ipcx_lock_op op;
	uint32_t w;

	if (flags & ~IPCX_LOCK_F_UNDO)
		return -EINVAL;
	if (!flags) {
		w = __atomic_load_n(s->word, __ATOMIC_RELAXED);
		while (!(w & SEM_FLAGS) && (w & IPCX_SEM_VALUE_MAX) < IPCX_SEM_VALUE_MAX)
			if (__atomic_compare_exchange_n(s->word, &w, w + 1, 0,
							__ATOMIC_RELEASE, __ATOMIC_RELAXED))
				return 0;
	}
	memset(&op, 0, sizeof(op));
	op.offset = s->offset;
	op.flags = flags;
	return ipcx_ioctl(s->fd, IPCX_IOC_SEM_POST, &op);
}

int ipcx_sem_post(struct ipcx_sem *s)
{
	return ipcx_sem_post_full(s, 0);
}
