// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Robust mutexes in a region. Uncontended lock and unlock are one CAS on
 * the lock word in the mapping; the kernel is entered only to sleep, to
 * wake, or after a holder died (word layout in <linux/ipcx.h>).
 */
#include <errno.h>
#include <string.h>

#include "cpu_relax.h"
#include "lock_internal.h"

/* Bounded user-space spin before sleeping: ~a few microseconds. */
#define IPCX_USER_SPINS 200

int ipcx_mutex_init(struct ipcx_mutex *m, int fd, void *base, uint64_t offset)
{
	int ret = ipcx_mutex_attach(m, fd, base, offset);

	return ret ?: ipcx_lock_declare(fd, offset, IPCX_LOCK_MUTEX, 0);
}

int ipcx_mutex_attach(struct ipcx_mutex *m, int fd, void *base, uint64_t offset)
{
	return ipcx_lock_locate(fd, base, offset, &m->fd, &m->offset, &m->word);
}

static int ipcx_mutex_cas(uint32_t *word, uint32_t old, uint32_t new, int order)
{
	return __atomic_compare_exchange_n(word, &old, new, 0, order,
					   __ATOMIC_RELAXED);
}

int ipcx_mutex_lock_full(struct ipcx_mutex *m, unsigned int flags,
			 const struct timespec *abstime, clockid_t clock,
			 struct ipcx_owner_info *died)
{
	uint32_t id;
	int ret, i;

	if (flags & ~IPCX_LOCK_F_TRYLOCK)
		return -EINVAL;
	ret = ipcx_owner_id(m->fd, &id);
	if (ret)
		return ret;
	if (ipcx_mutex_cas(m->word, 0, id, __ATOMIC_ACQUIRE))
		return 0;
	if (!(flags & IPCX_LOCK_F_TRYLOCK)) {
		for (i = 0; i < IPCX_USER_SPINS; i++) {
			uint32_t w = __atomic_load_n(m->word, __ATOMIC_RELAXED);

			if (w == 0 && ipcx_mutex_cas(m->word, 0, id, __ATOMIC_ACQUIRE))
				return 0;
			if (w & IPCX_LOCKW_WAITERS)
				break;	/* others sleep already: queue behind them */
			ipcx_cpu_relax();
		}
	}
	return ipcx_lock_slow(m->fd, m->offset, IPCX_IOC_MUTEX_LOCK, flags, abstime,
			      clock, died);
}

int ipcx_mutex_lock(struct ipcx_mutex *m)
{
	return ipcx_mutex_lock_full(m, 0, NULL, 0, NULL);
}

int ipcx_mutex_trylock(struct ipcx_mutex *m)
{
	return ipcx_mutex_lock_full(m, IPCX_LOCK_F_TRYLOCK, NULL, 0, NULL);
}

int ipcx_mutex_timedlock(struct ipcx_mutex *m, const struct timespec *abstime,
			 clockid_t clock)
{
	if (!abstime)
		return -EINVAL;
	return ipcx_mutex_lock_full(m, 0, abstime, clock, NULL);
}

static int ipcx_mutex_holder_ioctl(struct ipcx_mutex *m, unsigned long cmd)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = m->offset;
	return ipcx_ioctl(m->fd, cmd, &op);
}

int ipcx_mutex_unlock(struct ipcx_mutex *m)
{
	uint32_t id;
	int ret = ipcx_owner_id(m->fd, &id);

	if (ret)
		return ret;
	if (ipcx_mutex_cas(m->word, id, 0, __ATOMIC_RELEASE))
		return 0;
	return ipcx_mutex_holder_ioctl(m, IPCX_IOC_MUTEX_UNLOCK);
}

int ipcx_mutex_held(const struct ipcx_mutex *m)
{
	uint32_t id;

	if (!ipcx_owner_cached(&id))
		return 0;	/* no id in this process: holds nothing */
	return (__atomic_load_n(m->word, __ATOMIC_RELAXED) & IPCX_OWNER_ID_MASK) == id;
}

int ipcx_mutex_consistent(struct ipcx_mutex *m)
{
	return ipcx_mutex_holder_ioctl(m, IPCX_IOC_MUTEX_CONSISTENT);
}
