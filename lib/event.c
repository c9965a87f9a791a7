// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events in a region: wait until a sequence changes, signal one or all.
 * Signalling adds 2 to the word; only when its waiters bit (bit 0) was set
 * does it enter the kernel. ipcx_cond_wait() makes an event and a mutex a
 * robust condition variable.
 */
#include <errno.h>
#include <string.h>

#include "lock_internal.h"

int ipcx_event_init(struct ipcx_event *e, int fd, void *base, uint64_t offset)
{
	int ret = ipcx_event_attach(e, fd, base, offset);

	return ret ?: ipcx_lock_declare(fd, offset, IPCX_LOCK_EVENT, 0);
}

int ipcx_event_attach(struct ipcx_event *e, int fd, void *base, uint64_t offset)
{
	return ipcx_lock_locate(fd, base, offset, &e->fd, &e->offset, &e->word);
}

uint32_t ipcx_event_seq(const struct ipcx_event *e)
{
	return __atomic_load_n(e->word, __ATOMIC_ACQUIRE) >> 1;
}

int ipcx_event_wait(struct ipcx_event *e, uint32_t seq,
		    const struct timespec *abstime, clockid_t clock)
{
	struct ipcx_lock_op op;
	int ret;

	if (ipcx_event_seq(e) != (seq & IPCX_EVENT_SEQ_MASK))
		return 0;
	memset(&op, 0, sizeof(op));
	op.offset = e->offset;
	op.value = seq & IPCX_EVENT_SEQ_MASK;
	ret = ipcx_lock_op_timeout(&op, abstime, clock);
	if (ret)
		return ret;
	return ipcx_ioctl(e->fd, IPCX_IOC_EVENT_WAIT, &op);
}

static int ipcx_event_fire(struct ipcx_event *e, uint64_t n)
{
	uint32_t old = __atomic_fetch_add(e->word, 2, __ATOMIC_RELEASE);
	struct ipcx_lock_op op;
	int ret;

	if (!(old & IPCX_EVENTW_WAITERS))
		return 0;
	memset(&op, 0, sizeof(op));
	op.offset = e->offset;
	op.value = n;
	ret = ipcx_ioctl(e->fd, IPCX_IOC_EVENT_WAKE, &op);
	return ret ? ret : (int)op.value;
}

int ipcx_event_signal(struct ipcx_event *e)
{
	return ipcx_event_fire(e, 1);
}

int ipcx_event_broadcast(struct ipcx_event *e)
{
	return ipcx_event_fire(e, 0);
}

int ipcx_cond_wait(struct ipcx_event *e, struct ipcx_mutex *m,
		   const struct timespec *abstime, clockid_t clock)
{
	uint32_t seq = ipcx_event_seq(e);
	int ret, lret;

	ret = ipcx_mutex_unlock(m);
	if (ret)
		return ret;
	ret = ipcx_event_wait(e, seq, abstime, clock);
	do {
		lret = ipcx_mutex_lock(m);
	} while (lret == -EINTR);
	return lret ? lret : ret;
}
