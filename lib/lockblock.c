// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lock blocks, whatever their kind: where a handle's word is, declaring a
 * block to the kernel, the kernel path of a lock operation (sleeping,
 * waking, a dead holder's report), statistics, lock fds, and the last
 * EOWNERDEAD. Every lock handle (mutex, event, semaphore, reader-writer
 * lock) is { fd, offset, word }, and so is what the calling thread
 * remembers of its last EOWNERDEAD (owner.c). What is a kind's own (its
 * fast paths in the word) lives in its file.
 */
#include <errno.h>
#include <string.h>

#include "lock_internal.h"

int ipcx_lock_locate(int fd, void *base, uint64_t offset, int *hfd,
		     uint64_t *hoffset, uint32_t **hword)
{
	if (fd < 0 || !base || offset % IPCX_LOCK_ALIGN)
		return -EINVAL;
	*hfd = fd;
	*hoffset = offset;
	*hword = (uint32_t *)((char *)base + offset);
	return 0;
}

int ipcx_lock_declare(int fd, uint64_t offset, uint32_t kind, uint32_t value)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	op.kind = kind;
	op.value = value;
	return ipcx_ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
}

int ipcx_mutex_declare_death_event(int fd, uint64_t offset, uint64_t event_offset)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	op.kind = IPCX_LOCK_MUTEX;
	op.flags = IPCX_LOCK_F_DEATH_EVENT;
	op.value = event_offset;
	return ipcx_ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
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
	ret = ipcx_ioctl(fd, cmd, &op);
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

/* LOCK_STAT with a struct of @size bytes (the ioctl number carries it). */
static int ipcx_lock_stat_sized(int fd, uint64_t offset, struct ipcx_lock_stat *st,
				size_t size)
{
	memset(st, 0, size);
	st->offset = offset;
	return ipcx_ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, IPCX_IOC_MAGIC,
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

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	return ipcx_ioctl(fd, IPCX_IOC_LOCK_FD, &op);
}

int ipcx_mutex_last_death(const struct ipcx_mutex *m, struct ipcx_owner_info *died)
{
	return ipcx_death_fetch(m->fd, m->offset, died);
}

int ipcx_rwlock_last_death(const struct ipcx_rwlock *rw, struct ipcx_owner_info *died)
{
	return ipcx_death_fetch(rw->fd, rw->offset, died);
}

int ipcx_sem_last_death(const struct ipcx_sem *s, struct ipcx_owner_info *died)
{
	return ipcx_death_fetch(s->fd, s->offset, died);
}
