// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lock blocks, whatever their kind: where a handle's word is, and
 * declaring a block to the kernel. Every lock handle (mutex, event,
 * semaphore, reader-writer lock) is { fd, offset, word }, and so is what
 * the calling thread remembers of its last EOWNERDEAD (owner.c).
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
	return ipcx_lock_ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
}

int ipcx_mutex_declare_death_event(int fd, uint64_t offset, uint64_t event_offset)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	op.kind = IPCX_LOCK_MUTEX;
	op.flags = IPCX_LOCK_F_DEATH_EVENT;
	op.value = event_offset;
	return ipcx_lock_ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
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
