// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Robust mutexes in a region. Uncontended lock and unlock are one CAS on
 * the lock word in the mapping; the kernel is entered only to sleep, to
 * wake, or after a holder died (word layout in <linux/ipcx.h>).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

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

int ipcx_lock_slow(int fd, uint64_t offset, unsigned long cmd, unsigned int flags,
		   const struct timespec *abstime, clockid_t clock,
		   struct ipcx_owner_info *died)
{
	struct ipcx_lock_op op;
	int ret;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	op.flags = flags;
	ret = ipcx_lock_op_timeout(&op, abstime, clock);
	if (ret)
		return ret;
	ret = ipcx_lock_ioctl(fd, cmd, &op);
	if (ret == -EOWNERDEAD) {
		ipcx_death_save(fd, offset, &op.died);
		if (died)
			*died = op.died;
	}
	return ret;
}

int ipcx_lock_op_timeout(struct ipcx_lock_op *op, const struct timespec *abstime,
			 clockid_t clock)
{
	if (!abstime)
		return 0;
	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
		return -EINVAL;
	op->flags |= IPCX_LOCK_F_TIMEOUT;
	if (clock == CLOCK_REALTIME)
		op->flags |= IPCX_LOCK_F_REALTIME;
	op->timeout_sec = abstime->tv_sec;
	op->timeout_nsec = abstime->tv_nsec;
	return 0;
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
			__builtin_ia32_pause();
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
	return ipcx_lock_ioctl(m->fd, cmd, &op);
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

/* LOCK_STAT with a struct of @size bytes (the ioctl number carries it). */
static int ipcx_lock_stat_sized(int fd, uint64_t offset, struct ipcx_lock_stat *st,
				size_t size)
{
	memset(st, 0, size);
	st->offset = offset;
	return ipcx_lock_ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, IPCX_IOC_MAGIC,
					_IOC_NR(IPCX_IOC_LOCK_STAT), size), st);
}

/*
 * struct ipcx_lock_stat grew in ABI 1.4 (first_death, unrepaired_deaths).
 * Programs linked against ipcx_lock_stat@LIBIPCX_1.2 pass the 160-byte
 * struct, so that version fills only that much; the default version
 * (LIBIPCX_1.8) fills the whole one, and is what a static link gets.
 */
#ifdef __PIC__
int ipcx_lock_stat_v1_2(int fd, uint64_t offset, struct ipcx_lock_stat *st);
int ipcx_lock_stat_v1_8(int fd, uint64_t offset, struct ipcx_lock_stat *st);
__asm__(".symver ipcx_lock_stat_v1_2, ipcx_lock_stat@LIBIPCX_1.2");
__asm__(".symver ipcx_lock_stat_v1_8, ipcx_lock_stat@@LIBIPCX_1.8");

int ipcx_lock_stat_v1_2(int fd, uint64_t offset, struct ipcx_lock_stat *st)
{
	return ipcx_lock_stat_sized(fd, offset, st, IPCX_LOCK_STAT_SIZE_VER0);
}

int ipcx_lock_stat_v1_8(int fd, uint64_t offset, struct ipcx_lock_stat *st)
#else
int ipcx_lock_stat(int fd, uint64_t offset, struct ipcx_lock_stat *st)
#endif
{
	return ipcx_lock_stat_sized(fd, offset, st, sizeof(*st));
}

int ipcx_lock_fd(int fd, uint64_t offset)
{
	struct ipcx_lock_op op;
	int saved = errno, ret;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	ret = ioctl(fd, IPCX_IOC_LOCK_FD, &op);
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}
