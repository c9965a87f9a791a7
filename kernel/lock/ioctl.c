// SPDX-License-Identifier: GPL-2.0
/*
 * Lock ioctls: copy in, validate, find the caller's region, owner and lock,
 * call mutex.c / rwlock.c / sem.c / event.c / fd.c, copy out. Nothing here sleeps on a lock
 * itself or takes a lock of its own.
 *
 * The caller's region reference is the /dev/ipcx file's (held for the whole
 * ioctl); the owner reference is taken here and dropped before returning.
 */
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/string.h>

#include "lock.h"

/**
 * struct ipcx_lock_call - one lock ioctl being served
 * @op: the argument, copied in
 * @region: the file's region
 * @lock: the lock at op.offset
 * @deadline: the absolute timeout, when op.flags asks for one
 * @clock: its clock
 */
struct ipcx_lock_call {
	struct ipcx_lock_op op;
	struct ipcx_region *region;
	struct ipcx_lock *lock;
	ktime_t deadline;
	clockid_t clock;
};

static int ipcx_lock_call_timeout(struct ipcx_lock_call *c)
{
	const struct ipcx_lock_op *op = &c->op;

	c->clock = (op->flags & IPCX_LOCK_F_REALTIME) ? CLOCK_REALTIME :
							CLOCK_MONOTONIC;
	if (!(op->flags & IPCX_LOCK_F_TIMEOUT))
		return (op->timeout_sec || op->timeout_nsec ||
			(op->flags & IPCX_LOCK_F_REALTIME)) ? -EINVAL : 0;
	if (op->timeout_sec < 0 || op->timeout_nsec < 0 ||
	    op->timeout_nsec >= NSEC_PER_SEC || op->timeout_sec > KTIME_SEC_MAX)
		return -EINVAL;
	c->deadline = ktime_set(op->timeout_sec, op->timeout_nsec);
	return 0;
}

/*
 * Copy in and validate the argument; find the region and, unless @kind is
 * 0, the lock of that kind at op.offset. @write: the operation changes the
 * region, so a read-only attachment may not do it.
 */
static int ipcx_lock_call_begin_flags(struct ipcx_lock_call *c, struct file *file,
				      unsigned long arg, size_t usize, u32 kind,
				      bool write, u32 flags_ok)
{
	struct ipcx_attach *att;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = ipcx_copy_struct_in(&c->op, sizeof(c->op), arg, usize,
				  IPCX_LOCK_OP_SIZE_VER0);
	if (ret)
		return ret;
	if ((c->op.flags & ~flags_ok) || c->op.__reserved0 ||
	    c->op.__reserved[0] || c->op.__reserved[1] ||
	    memchr_inv(&c->op.died, 0, sizeof(c->op.died)))
		return -EINVAL;
	ret = ipcx_lock_call_timeout(c);
	if (ret)
		return ret;
	att = ipcx_file_attach(file);
	if (!att)
		return -ENXIO;
	c->region = att->region;
	if (write && att->rdonly)
		return -EACCES;
	if (!kind)
		return 0;
	if (c->op.kind && c->op.kind != kind)
		return -EINVAL;
	c->lock = ipcx_lock_find(c->region, c->op.offset, kind);
	return PTR_ERR_OR_ZERO(c->lock);
}

/* The common case: IPCX_LOCK_F_ALL, each operation rejects what it ignores. */
static int ipcx_lock_call_begin(struct ipcx_lock_call *c, struct file *file,
				unsigned long arg, size_t usize, u32 kind,
				bool write)
{
	return ipcx_lock_call_begin_flags(c, file, arg, usize, kind, write,
					  IPCX_LOCK_F_ALL);
}

static long ipcx_lock_call_end(struct ipcx_lock_call *c, unsigned long arg,
			       size_t usize, int ret)
{
	int err;

	if (ret < 0 && ret != -EOWNERDEAD)
		return ret;
	err = ipcx_copy_struct_out(arg, usize, &c->op, sizeof(c->op),
				   IPCX_LOCK_OP_SIZE_VER0);
	return err ?: ret;
}

/**
 * ipcx_ioc_owner_register() - IPCX_IOC_OWNER_REGISTER: the caller's owner id
 */
long ipcx_ioc_owner_register(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock_call c;
	struct ipcx_owner *me;
	int ret;

	ret = ipcx_copy_struct_in(&c.op, sizeof(c.op), arg, usize,
				  IPCX_LOCK_OP_SIZE_VER0);
	if (ret)
		return ret;
	if (memchr_inv(&c.op, 0, sizeof(c.op)))
		return -EINVAL;
	me = ipcx_owner_current(true);
	if (IS_ERR(me))
		return PTR_ERR(me);
	c.op.owner = me->id;
	ipcx_owner_put(me);
	return ipcx_lock_call_end(&c, arg, usize, 0);
}

/**
 * ipcx_ioc_lock_declare() - IPCX_IOC_LOCK_DECLARE: declare a lock block
 */
long ipcx_ioc_lock_declare(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock *death_event = NULL;
	struct ipcx_lock_call c;
	struct ipcx_lock *l;
	int ret;

	ret = ipcx_lock_call_begin_flags(&c, file, arg, usize, 0, true,
					 IPCX_LOCK_F_DEATH_EVENT |
					 IPCX_LOCK_F_NO_DEADLOCK);
	if (ret)
		return ret;
	if ((c.op.flags & IPCX_LOCK_F_NO_DEADLOCK) &&
	    c.op.kind != IPCX_LOCK_MUTEX && c.op.kind != IPCX_LOCK_RWLOCK)
		return -EINVAL;
	if (c.op.flags & IPCX_LOCK_F_DEATH_EVENT) {
		/* value: the event's offset; the lock starts free */
		if (c.op.kind != IPCX_LOCK_MUTEX)
			return -EINVAL;
		death_event = ipcx_lock_find(c.region, c.op.value, IPCX_LOCK_EVENT);
		if (IS_ERR(death_event))
			return PTR_ERR(death_event);
		c.op.value = 0;
	}
	if (c.op.value > U32_MAX)
		return -EINVAL;
	l = ipcx_lock_declare(c.region, c.op.offset, c.op.kind, c.op.value,
			      death_event);
	if (IS_ERR(l))
		return PTR_ERR(l);
	if (c.op.flags & IPCX_LOCK_F_NO_DEADLOCK)	/* off for good */
		WRITE_ONCE(l->no_deadlock, true);
	return 0;
}

/* MUTEX_LOCK, RW_RDLOCK, RW_WRLOCK: acquire a lock the caller will own. */
static long ipcx_owned_lock_op(struct file *file, unsigned long arg,
			       size_t usize, u32 kind,
			       int (*fn)(struct ipcx_lock *l, struct ipcx_owner *me,
					 bool trylock, ktime_t *deadline,
					 clockid_t clock,
					 struct ipcx_owner_info *died))
{
	struct ipcx_lock_call c;
	struct ipcx_owner *me;
	int ret;

	ret = ipcx_lock_call_begin(&c, file, arg, usize, kind, true);
	if (ret)
		return ret;
	if (c.op.value || (c.op.flags & IPCX_LOCK_F_UNDO))
		return -EINVAL;
	me = ipcx_owner_current(true);
	if (IS_ERR(me))
		return PTR_ERR(me);
	c.op.owner = me->id;
	ret = ipcx_owner_note_region(me, c.region);
	if (ret)
		goto out_put_owner;
	ret = fn(c.lock, me, c.op.flags & IPCX_LOCK_F_TRYLOCK,
		 (c.op.flags & IPCX_LOCK_F_TIMEOUT) ? &c.deadline : NULL,
		 c.clock, &c.op.died);
out_put_owner:
	ipcx_owner_put(me);
	return ipcx_lock_call_end(&c, arg, usize, ret);
}

/**
 * ipcx_ioc_mutex_lock() - IPCX_IOC_MUTEX_LOCK: take a mutex
 */
long ipcx_ioc_mutex_lock(struct file *file, unsigned long arg, size_t usize)
{
	return ipcx_owned_lock_op(file, arg, usize, IPCX_LOCK_MUTEX,
				  ipcx_mutex_lock);
}

/* MUTEX_UNLOCK and MUTEX_CONSISTENT: an operation by the holder. */
static long ipcx_mutex_holder_op(struct file *file, unsigned long arg,
				 size_t usize, u32 kind,
				 int (*fn)(struct ipcx_lock *l, struct ipcx_owner *me))
{
	struct ipcx_lock_call c;
	struct ipcx_owner *me;
	int ret;

	ret = ipcx_lock_call_begin(&c, file, arg, usize, kind, true);
	if (ret)
		return ret;
	if (!kind) {
		c.lock = ipcx_lock_find(c.region, c.op.offset, c.op.kind);
		if (IS_ERR(c.lock))
			return PTR_ERR(c.lock);
		if (c.lock->kind != IPCX_LOCK_MUTEX && c.lock->kind != IPCX_LOCK_RWLOCK)
			return -EINVAL;
	}
	if (c.op.flags || c.op.value)
		return -EINVAL;
	me = ipcx_owner_current(false);
	if (IS_ERR(me))
		return -EPERM;	/* no owner id: cannot hold anything */
	ret = fn(c.lock, me);
	ipcx_owner_put(me);
	return ret;
}

/**
 * ipcx_ioc_mutex_unlock() - IPCX_IOC_MUTEX_UNLOCK: release a mutex
 */
long ipcx_ioc_mutex_unlock(struct file *file, unsigned long arg, size_t usize)
{
	return ipcx_mutex_holder_op(file, arg, usize, IPCX_LOCK_MUTEX,
				    ipcx_mutex_unlock);
}

/* A mutex, or a reader-writer lock held for writing. */
static int ipcx_lock_consistent(struct ipcx_lock *l, struct ipcx_owner *me)
{
	if (l->kind == IPCX_LOCK_RWLOCK)
		return ipcx_rwlock_consistent(l, me);
	return ipcx_mutex_consistent(l, me);
}

/**
 * ipcx_ioc_mutex_consistent() - IPCX_IOC_MUTEX_CONSISTENT: mark a lock repaired
 */
long ipcx_ioc_mutex_consistent(struct file *file, unsigned long arg,
			       size_t usize)
{
	return ipcx_mutex_holder_op(file, arg, usize, 0, ipcx_lock_consistent);
}

/**
 * ipcx_ioc_event_wait() - IPCX_IOC_EVENT_WAIT: wait for an event
 */
long ipcx_ioc_event_wait(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock_call c;
	int ret;

	/* sleeping sets WAITERS: a read-only attachment may not (uapi header) */
	ret = ipcx_lock_call_begin(&c, file, arg, usize, IPCX_LOCK_EVENT, true);
	if (ret)
		return ret;
	if ((c.op.flags & (IPCX_LOCK_F_TRYLOCK | IPCX_LOCK_F_UNDO)) ||
	    c.op.value > IPCX_EVENT_SEQ_MASK)
		return -EINVAL;
	return ipcx_event_wait(c.lock, c.op.value,
			       (c.op.flags & IPCX_LOCK_F_TIMEOUT) ? &c.deadline : NULL,
			       c.clock);
}

/**
 * ipcx_ioc_event_wake() - IPCX_IOC_EVENT_WAKE: wake waiters of an event
 */
long ipcx_ioc_event_wake(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock_call c;
	int ret;

	ret = ipcx_lock_call_begin(&c, file, arg, usize, IPCX_LOCK_EVENT, true);
	if (ret)
		return ret;
	if (c.op.flags || c.op.value > UINT_MAX)
		return -EINVAL;
	c.op.value = ipcx_event_wake(c.lock, c.op.value);
	return ipcx_lock_call_end(&c, arg, usize, 0);
}

/**
 * ipcx_ioc_lock_fd() - IPCX_IOC_LOCK_FD: a pollable fd for a lock
 */
long ipcx_ioc_lock_fd(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock_call c;
	int ret;

	/* a lock fd keeps WAITERS set: read-write attachments only */
	ret = ipcx_lock_call_begin(&c, file, arg, usize, 0, true);
	if (ret)
		return ret;
	if (c.op.flags || c.op.value)
		return -EINVAL;
	c.lock = ipcx_lock_find(c.region, c.op.offset, c.op.kind);
	if (IS_ERR(c.lock))
		return PTR_ERR(c.lock);
	return ipcx_lock_fd(c.region, c.lock);
}

/**
 * ipcx_ioc_lock_stat() - IPCX_IOC_LOCK_STAT: a lock's state and statistics
 */
long ipcx_ioc_lock_stat(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region *region = ipcx_file_region(file);
	struct ipcx_lock_stat st;
	struct ipcx_lock *l;
	u32 word;
	int ret;

	ret = ipcx_copy_struct_in(&st, sizeof(st), arg, usize,
				  IPCX_LOCK_STAT_SIZE_VER0);
	if (ret)
		return ret;
	if (memchr_inv(&st.kind, 0, sizeof(st) - offsetof(typeof(st), kind)))
		return -EINVAL;
	if (!region)
		return -ENXIO;
	l = ipcx_lock_find(region, st.offset, 0);
	if (IS_ERR(l))
		return PTR_ERR(l);

	memset(&st, 0, sizeof(st));
	spin_lock(&l->lock);
	st.offset = l->offset;
	st.kind = l->kind;
	st.waiters = l->nr_waiters;
	st.acquisitions = l->acquisitions;
	st.contended = l->contended;
	st.wait_ns_total = l->wait_ns_total;
	st.wait_ns_max = l->wait_ns_max;
	st.owner_deaths = l->owner_deaths;
	word = READ_ONCE(*l->word);
	st.word = word;
	ipcx_death_to_user(&l->last_death, &st.last_death);
	if (l->chain_deaths && (word & IPCX_LOCKW_DIED)) {	/* unrepaired */
		ipcx_death_to_user(&l->first_death, &st.first_death);
		st.unrepaired_deaths = min_t(u64, l->chain_deaths, U32_MAX);
	}
	spin_unlock(&l->lock);
	if (l->kind == IPCX_LOCK_MUTEX &&
	    (word & IPCX_OWNER_ID_MASK) != IPCX_OWNER_NOTRECOVERABLE)
		ipcx_owner_to_user(l->region, word & IPCX_OWNER_ID_MASK,
				   &st.holder);
	return ipcx_copy_struct_out(arg, usize, &st, sizeof(st),
				    IPCX_LOCK_STAT_SIZE_VER0);
}

/**
 * ipcx_ioc_sem_wait() - IPCX_IOC_SEM_WAIT: take a unit of a semaphore
 */
long ipcx_ioc_sem_wait(struct file *file, unsigned long arg, size_t usize)
{
	bool undo, trylock;
	struct ipcx_lock_call c;
	struct ipcx_owner *me = NULL;
	int ret;

	ret = ipcx_lock_call_begin(&c, file, arg, usize, IPCX_LOCK_SEM, true);
	if (ret)
		return ret;
	if (c.op.value)
		return -EINVAL;
	undo = c.op.flags & IPCX_LOCK_F_UNDO;
	trylock = c.op.flags & IPCX_LOCK_F_TRYLOCK;
	if (undo) {
		me = ipcx_owner_current(true);
		if (IS_ERR(me))
			return PTR_ERR(me);
		c.op.owner = me->id;
		ret = ipcx_owner_note_region(me, c.region);
		if (ret)
			goto out_put_owner;
	}
	ret = ipcx_sem_wait(c.lock, me, undo, trylock,
			    (c.op.flags & IPCX_LOCK_F_TIMEOUT) ? &c.deadline : NULL,
			    c.clock, &c.op.died);
out_put_owner:
	ipcx_owner_put(me);
	return ipcx_lock_call_end(&c, arg, usize, ret);
}

/**
 * ipcx_ioc_sem_post() - IPCX_IOC_SEM_POST: give a unit to a semaphore
 */
long ipcx_ioc_sem_post(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_lock_call c;
	struct ipcx_owner *me = NULL;
	int ret;

	ret = ipcx_lock_call_begin(&c, file, arg, usize, IPCX_LOCK_SEM, true);
	if (ret)
		return ret;
	if ((c.op.flags & ~IPCX_LOCK_F_UNDO) || c.op.value)
		return -EINVAL;
	if (c.op.flags & IPCX_LOCK_F_UNDO) {
		me = ipcx_owner_current(true);
		if (IS_ERR(me))
			return PTR_ERR(me);
		ret = ipcx_owner_note_region(me, c.region);
		if (ret)
			goto out_put_owner;
	}
	ret = ipcx_sem_post(c.lock, me, !!me);
out_put_owner:
	ipcx_owner_put(me);
	return ret;
}

/**
 * ipcx_ioc_rw_rdlock() - IPCX_IOC_RW_RDLOCK: take a rwlock for reading
 */
long ipcx_ioc_rw_rdlock(struct file *file, unsigned long arg, size_t usize)
{
	return ipcx_owned_lock_op(file, arg, usize, IPCX_LOCK_RWLOCK,
				  ipcx_rwlock_rdlock);
}

/**
 * ipcx_ioc_rw_wrlock() - IPCX_IOC_RW_WRLOCK: take a rwlock for writing
 */
long ipcx_ioc_rw_wrlock(struct file *file, unsigned long arg, size_t usize)
{
	return ipcx_owned_lock_op(file, arg, usize, IPCX_LOCK_RWLOCK,
				  ipcx_rwlock_wrlock);
}

/**
 * ipcx_ioc_rw_unlock() - IPCX_IOC_RW_UNLOCK: release a rwlock
 */
long ipcx_ioc_rw_unlock(struct file *file, unsigned long arg, size_t usize)
{
	return ipcx_mutex_holder_op(file, arg, usize, IPCX_LOCK_RWLOCK,
				    ipcx_rwlock_unlock);
}
