// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Robust reader-writer locks in a region (layout in <linux/ipcx.h>): the
 * word names the writer, the block's slots the readers. Uncontended read
 * and write locking are CASes in user space.
 *
 * Each public call is a fast path that makes no call at all (the owner id
 * read inline from TLS, ipcx_owner_fast()), and a slow function, out of
 * line, for what the fast path does not do: a first call of the thread,
 * flags to check, a held lock, the kernel. Every access to the word and
 * the slots stays sequentially consistent: a reader's slot CAS then word
 * load, and a writer's word CAS then slot loads, are the two halves of a
 * Dekker pattern (each must see the other's store); on x86 those loads are
 * plain moves anyway.
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

/*
 * Claim a reader slot, starting at the one our id hashes to (where unlock
 * looks first). 1: the read lock is ours; 0: ask the kernel; -1: a writer
 * came after we took slot *@s, which must be given back first.
 */
static int rw_read_claim(struct ipcx_rwlock *rw, uint32_t id, unsigned int *s)
{
	uint32_t *slots = rw_slots(rw);
	unsigned int i;

	*s = id % IPCX_RW_SLOTS;
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & RW_FLAGS)
		return 0;
	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		uint32_t zero = 0;

		if (__atomic_compare_exchange_n(&slots[*s], &zero, id, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
		*s = *s + 1 == IPCX_RW_SLOTS ? 0 : *s + 1;
	}
	if (i == IPCX_RW_SLOTS)
		return 0;
	if (!(__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_RWW_WRITER))
		return 1;
	return -1;
}

#define RW_RD_NOT_TRIED	-2	/* rw_rdlock_slow(): the fast path was not tried */
#define RW_RD_TRIED	-1	/* tried, and nothing to give back */

/*
 * rdlock past the fast path. @state: RW_RD_NOT_TRIED, RW_RD_TRIED, or the
 * slot the fast path took before a writer came: give it back (and wake the
 * kernel's sleepers if there are any), then let the kernel queue us.
 */
static __attribute__((noinline)) int
rw_rdlock_slow(struct ipcx_rwlock *rw, unsigned int flags, const struct timespec *abstime,
	       clockid_t clock, struct ipcx_owner_info *died, int state)
{
	unsigned int s;
	uint32_t id;
	int ret;

	if (flags & ~IPCX_LOCK_F_TRYLOCK)
		return -EINVAL;
	if (state == RW_RD_NOT_TRIED) {
		ret = ipcx_owner_id(rw->fd, &id);
		if (ret)
			return ret;
		ret = rw_read_claim(rw, id, &s);
		if (ret > 0)
			return 0;
		state = ret < 0 ? (int)s : RW_RD_TRIED;
	}
	if (state >= 0) {
		__atomic_store_n(&rw_slots(rw)[state], 0, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_LOCKW_WAITERS)
			rw_slow(rw, IPCX_IOC_RW_UNLOCK, 0, NULL, 0, NULL);
	}
	return rw_slow(rw, IPCX_IOC_RW_RDLOCK, flags, abstime, clock, died);
}

/*
 * The fast path is rw_read_claim() at our own slot only: when that slot is
 * taken, the slow path scans them all.
 */
int ipcx_rwlock_rdlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died)
{
	uint32_t id, zero = 0;
	unsigned int s;

	if ((flags & ~IPCX_LOCK_F_TRYLOCK) || !ipcx_owner_fast(&id))
		return rw_rdlock_slow(rw, flags, abstime, clock, died, RW_RD_NOT_TRIED);
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & RW_FLAGS)
		return rw_rdlock_slow(rw, flags, abstime, clock, died, RW_RD_TRIED);
	s = id % IPCX_RW_SLOTS;
	if (!__atomic_compare_exchange_n(&rw_slots(rw)[s], &zero, id, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return rw_rdlock_slow(rw, flags, abstime, clock, died, RW_RD_NOT_TRIED);
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_RWW_WRITER)
		return rw_rdlock_slow(rw, flags, abstime, clock, died, (int)s);
	return 0;
}

/*
 * No slot taken: every slot loaded (sequentially consistent), ORed, one
 * branch; unrolled, since the count is fixed by the ABI.
 */
static inline int rw_no_readers(struct ipcx_rwlock *rw)
{
	uint32_t *slots = rw_slots(rw), any = 0;
	unsigned int i;

#pragma GCC unroll 14
	for (i = 0; i < IPCX_RW_SLOTS; i++)
		any |= __atomic_load_n(&slots[i], __ATOMIC_SEQ_CST);
	return !any;
}

enum rw_wr_tried { RW_WR_NOT_TRIED, RW_WR_HELD, RW_WR_READERS };

/*
 * wrlock past the fast path. @tried: not yet; the word's CAS failed (held,
 * perhaps by us); or we hold the word and readers must leave.
 */
static __attribute__((noinline)) int
rw_wrlock_slow(struct ipcx_rwlock *rw, unsigned int flags, const struct timespec *abstime,
	       clockid_t clock, struct ipcx_owner_info *died, enum rw_wr_tried tried)
{
	uint32_t id, zero = 0;
	int ret;

	if (flags & ~IPCX_LOCK_F_TRYLOCK)
		return -EINVAL;
	ret = ipcx_owner_id(rw->fd, &id);
	if (ret)
		return ret;
	if (tried != RW_WR_READERS &&
	    (__atomic_load_n(rw->word, __ATOMIC_RELAXED) &
	     (IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)) == (IPCX_RWW_WRITER | id))
		return -EDEADLK;
	if (tried == RW_WR_NOT_TRIED &&
	    __atomic_compare_exchange_n(rw->word, &zero, IPCX_RWW_WRITER | id, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_RELAXED) &&
	    rw_no_readers(rw))
		return 0;
	/* either someone holds it, or we hold the word and readers must leave */
	return rw_slow(rw, IPCX_IOC_RW_WRLOCK, flags, abstime, clock, died);
}

int ipcx_rwlock_wrlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died)
{
	uint32_t id, zero = 0;

	if ((flags & ~IPCX_LOCK_F_TRYLOCK) || !ipcx_owner_fast(&id))
		return rw_wrlock_slow(rw, flags, abstime, clock, died, RW_WR_NOT_TRIED);
	if (!__atomic_compare_exchange_n(rw->word, &zero, IPCX_RWW_WRITER | id, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return rw_wrlock_slow(rw, flags, abstime, clock, died, RW_WR_HELD);
	if (!rw_no_readers(rw))
		return rw_wrlock_slow(rw, flags, abstime, clock, died, RW_WR_READERS);
	return 0;
}

int ipcx_rwlock_rdlock(struct ipcx_rwlock *rw)
{
	return ipcx_rwlock_rdlock_full(rw, 0, NULL, 0, NULL);
}

int ipcx_rwlock_wrlock(struct ipcx_rwlock *rw)
{
	return ipcx_rwlock_wrlock_full(rw, 0, NULL, 0, NULL);
}

static __attribute__((noinline)) int rw_unlock_kernel(struct ipcx_rwlock *rw)
{
	return rw_slow(rw, IPCX_IOC_RW_UNLOCK, 0, NULL, 0, NULL);
}

static inline int rw_unlock_as(struct ipcx_rwlock *rw, uint32_t id)
{
	uint32_t *slots = rw_slots(rw);
	unsigned int i, s = id % IPCX_RW_SLOTS;
	uint32_t w = __atomic_load_n(rw->word, __ATOMIC_SEQ_CST);

	if ((w & (IPCX_RWW_WRITER | IPCX_RWW_ID_MASK)) == (IPCX_RWW_WRITER | id)) {
		if (!(w & (IPCX_LOCKW_DIED | IPCX_LOCKW_WAITERS)) &&
		    __atomic_compare_exchange_n(rw->word, &w, 0, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return 0;
		return rw_unlock_kernel(rw);
	}
	for (i = 0; i < IPCX_RW_SLOTS; i++) {
		uint32_t mine = id;

		if (__atomic_compare_exchange_n(&slots[s], &mine, 0,
						0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
		s = s + 1 == IPCX_RW_SLOTS ? 0 : s + 1;
	}
	if (i == IPCX_RW_SLOTS)
		return -EPERM;
	if (__atomic_load_n(rw->word, __ATOMIC_SEQ_CST) & IPCX_LOCKW_WAITERS)
		return rw_unlock_kernel(rw);
	return 0;
}

/* unlock by a thread whose id is not cached (first call, or after a fork) */
static __attribute__((noinline)) int rw_unlock_slow(struct ipcx_rwlock *rw)
{
	uint32_t id;
	int ret = ipcx_owner_id(rw->fd, &id);

	return ret ?: rw_unlock_as(rw, id);
}

int ipcx_rwlock_unlock(struct ipcx_rwlock *rw)
{
	uint32_t id;

	if (!ipcx_owner_fast(&id))
		return rw_unlock_slow(rw);
	return rw_unlock_as(rw, id);
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
