// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Robust reader-writer locks in a region (layout in <linux/ipcx.h>): the
 * word names the writer, the block's slots the readers. Uncontended read
 * and write locking are CASes in user space.
 */
#include <errno.h>
#include <string.h>

#include "lock_internal.h"

#define RW_FLAGS (IPCX_RWW_WRITER | IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)

static uint32_t *rw_slots(const struct ipcx_rwlock *rw)
{
	return ((struct ipcx_lock_block *)rw->word)->slots;
}

int ipcx_rwlock_init(struct ipcx_rwlock *rw, int fd, void *base, uint64_t offset)
{
	int ret = ipcx_rwlock_attach(rw, fd, base, offset);

	return ret ?: ipcx_lock_declare(fd, offset, IPCX_LOCK_RWLOCK, 0);
}

int ipcx_rwlock_attach(struct ipcx_rwlock *rw, int fd, void *base, uint64_t offset)
{
	return ipcx_lock_locate(fd, base, offset, &rw->fd, &rw->offset, &rw->word);
}

static int rw_slow(struct ipcx_rwlock *rw, unsigned long cmd, unsigned int flags,
		   const struct timespec *abstime, clockid_t clock,
		   struct ipcx_owner_info *died)
{
	return ipcx_lock_slow(rw->fd, rw->offset, cmd, flags, abstime, clock, died);
}

/* Claim a reader slot; 1 if the read lock is ours, 0 to ask the kernel. */
static int rw_read_fast(struct ipcx_rwlock *rw, uint32_t id)
{
	uint32_t *slots = rw_slots(rw);
	unsigned int i, s;

	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & RW_FLAGS)
		return 0;
	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		uint32_t zero = 0;

		s = (id + i) % IPCX_RW_SLOTS;
		if (__atomic_compare_exchange_n(&slots[s], &zero, id, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	if (i == IPCX_RW_SLOTS)
		return 0;
	if (!(__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_RWW_WRITER))
		return 1;
	/* a writer came: step back and let the kernel queue us */
	__atomic_store_n(&slots[s], 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_LOCKW_WAITERS)
		rw_slow(rw, IPCX_IOC_RW_UNLOCK, 0, NULL, 0, NULL);
	return 0;
}

int ipcx_rwlock_rdlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died)
{
	uint32_t id;
	int ret;

	if (flags & ~IPCX_LOCK_F_TRYLOCK)
		return -EINVAL;
	ret = ipcx_owner_id(rw->fd, &id);
	if (ret)
		return ret;
	if (rw_read_fast(rw, id))
		return 0;
	return rw_slow(rw, IPCX_IOC_RW_RDLOCK, flags, abstime, clock, died);
}

static int rw_no_readers(struct ipcx_rwlock *rw)
{
	uint32_t *slots = rw_slots(rw);
	unsigned int i;

	for (i = 0; i < IPCX_RW_SLOTS; i++)
		if (__atomic_load_n(&slots[i], __ATOMIC_SEQ_CST))
			return 0;
	return 1;
}

int ipcx_rwlock_wrlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died)
{
	uint32_t id, zero = 0;
	int ret;

	if (flags & ~IPCX_LOCK_F_TRYLOCK)
		return -EINVAL;
	ret = ipcx_owner_id(rw->fd, &id);
	if (ret)
		return ret;
	if ((__atomic_load_n(rw->word, __ATOMIC_RELAXED) &
	     (IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)) == (IPCX_RWW_WRITER | id))
		return -EDEADLK;
	if (__atomic_compare_exchange_n(rw->word, &zero, IPCX_RWW_WRITER | id, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_RELAXED) &&
	    rw_no_readers(rw))
		return 0;
	/* either someone holds it, or we hold the word and readers must leave */
	return rw_slow(rw, IPCX_IOC_RW_WRLOCK, flags, abstime, clock, died);
}

int ipcx_rwlock_rdlock(struct ipcx_rwlock *rw)
{
	return ipcx_rwlock_rdlock_full(rw, 0, NULL, 0, NULL);
}

int ipcx_rwlock_wrlock(struct ipcx_rwlock *rw)
{
	return ipcx_rwlock_wrlock_full(rw, 0, NULL, 0, NULL);
}

int ipcx_rwlock_unlock(struct ipcx_rwlock *rw)
{
	uint32_t *slots = rw_slots(rw);
	uint32_t id, w;
	unsigned int i;
	int ret = ipcx_owner_id(rw->fd, &id);

	if (ret)
		return ret;
	w = __atomic_load_n(rw->word, __ATOMIC_SEQ_CST);
	if ((w & (IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)) == (IPCX_RWW_WRITER | id)) {
		if (!(w & (IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)) &&
		    __atomic_compare_exchange_n(rw->word, &w, 0, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return 0;
		return rw_slow(rw, IPCX_IOC_RW_UNLOCK, 0, NULL, 0, NULL);
	}
	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		uint32_t mine = id;

		if (__atomic_compare_exchange_n(&slots[(id + i) % IPCX_RW_SLOTS], &mine, 0,
						0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	if (i == IPCX_RW_SLOTS)
		return -EPERM;
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_LOCKW_WAITERS)
		return rw_slow(rw, IPCX_IOC_RW_UNLOCK, 0, NULL, 0, NULL);
	return 0;
}

int ipcx_rwlock_consistent(struct ipcx_rwlock *rw)
{
	return rw_slow(rw, IPCX_IOC_MUTEX_CONSISTENT, 0, NULL, 0, NULL);
}

int ipcx_rwlock_held(const struct ipcx_rwlock *rw)
{
	uint32_t *slots = rw_slots(rw);
	uint32_t id, w;
	unsigned int i;

	if (!ipcx_owner_cached(&id))
		return 0;	/* no id in this process: holds nothing */
	w = __atomic_load_n(rw->word, __ATOMIC_RELAXED);
	if ((w & (IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)) == (IPCX_RWW_WRITER | id))
		return IPCX_RWLOCK_HELD_WRITE;
	for (i = 0; i < IPCX_RW_SLOTS; i++)
		if (__atomic_load_n(&slots[i], __ATOMIC_RELAXED) == id)
			return IPCX_RWLOCK_HELD_READ;
	return 0;
}
