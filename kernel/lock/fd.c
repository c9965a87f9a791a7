// SPDX-License-Identifier: GPL-2.0
/*
 * Lock fds: a file per lock so that locks and events sit in event loops.
 * poll/epoll report EPOLLIN when an event's sequence moved since this fd
 * last read it, when a mutex could be taken (free, or its holder died), or
 * when a semaphore's count is above zero;
 * EPOLLERR | EPOLLHUP once the region is destroyed. read() returns 8 bytes:
 * an event's sequence (and marks it seen) or a mutex's word. It never
 * blocks.
 *
 * While any lock fd is open on a lock, the lock's waiters bit stays set
 * (ipcx_lock.pollers), so that every release and every signal passes
 * through the kernel and wakes ipcx_lock.pollq.
 *
 * Lifetime: a lock fd holds a region reference (the lock lives as long as
 * its region) and, through its fops owner, the module. So ipcx_lock.pollq
 * outlives every poll/epoll entry on it: epoll drops its entries in the
 * lock fd's final fput, before ->release can put the region, and revoking
 * the region only wakes the queue (EPOLLERR | EPOLLHUP), it never frees it;
 * hence no wake_up_pollfree() (selftests/ipcx/race_lifetime_test.c races both).
 * Locking: ipcx_lock.lock around pollers and the word; ctx->seen is only
 * touched under it too.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "lock.h"

/**
 * struct ipcx_lockfd - what a lock fd holds
 * @region: a counted reference to the lock's region
 * @lock: the lock (lives as long as @region)
 * @seen: the event sequence this fd last read (under lock->lock)
 */
struct ipcx_lockfd {
	struct ipcx_region *region;
	struct ipcx_lock *lock;
	u32 seen;
};

static __poll_t ipcx_lockfd_poll(struct file *file, poll_table *wait)
{
	struct ipcx_lockfd *ctx = file->private_data;
	struct ipcx_lock *l = ctx->lock;
	__poll_t mask = 0;

	poll_wait(file, &l->pollq, wait);
	spin_lock(&l->lock);
	if (l->revoked)
		mask = EPOLLERR | EPOLLHUP;
	else if (l->kind == IPCX_LOCK_EVENT)
		mask = (READ_ONCE(*l->word) >> 1) != ctx->seen ? EPOLLIN | EPOLLRDNORM : 0;
	spin_unlock(&l->lock);
	if (!mask && l->kind == IPCX_LOCK_MUTEX && ipcx_mutex_takeable(l))
		mask = EPOLLIN | EPOLLRDNORM;
	if (!mask && l->kind == IPCX_LOCK_RWLOCK && ipcx_rwlock_takeable(l))
		mask = EPOLLIN | EPOLLRDNORM;
	if (!mask && l->kind == IPCX_LOCK_SEM &&
	    (READ_ONCE(*l->word) & IPCX_SEM_VALUE_MAX))
		mask = EPOLLIN | EPOLLRDNORM;
	return mask;
}

static ssize_t ipcx_lockfd_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct ipcx_lockfd *ctx = file->private_data;
	struct ipcx_lock *l = ctx->lock;
	u64 val;

	if (count < sizeof(val))
		return -EINVAL;
	spin_lock(&l->lock);
	val = READ_ONCE(*l->word);
	if (l->kind == IPCX_LOCK_EVENT) {
		val >>= 1;
		ctx->seen = val;
	}
	spin_unlock(&l->lock);
	if (copy_to_user(buf, &val, sizeof(val)))
		return -EFAULT;
	return sizeof(val);
}

static int ipcx_lockfd_release(struct inode *inode, struct file *file)
{
	struct ipcx_lockfd *ctx = file->private_data;
	struct ipcx_lock *l = ctx->lock;

	spin_lock(&l->lock);
	l->pollers--;
	spin_unlock(&l->lock);
	ipcx_region_put(ctx->region);
	kfree(ctx);
	return 0;
}

static const struct file_operations ipcx_lockfd_fops = {
	.owner = THIS_MODULE,
	.poll = ipcx_lockfd_poll,
	.read = ipcx_lockfd_read,
	.release = ipcx_lockfd_release,
	.llseek = noop_llseek,
};

/*
 * Set the waiters bit so that releases and signals come to the kernel: one
 * atomic or, never a CAS loop on a word user space may keep changing.
 */
static void ipcx_lockfd_watch(struct ipcx_lock *l, struct ipcx_lockfd *ctx)
{
	u32 w;

	spin_lock(&l->lock);
	l->pollers++;
	w = atomic_fetch_or(ipcx_lock_waiters_bit(l), (atomic_t *)l->word);
	ctx->seen = w >> 1;
	spin_unlock(&l->lock);
}

/**
 * ipcx_lock_fd() - a new O_CLOEXEC fd watching @l
 * @region: @l's region (the caller holds a reference; the fd takes its own)
 * @l: the lock
 *
 * Return: the fd, or -EMFILE / -ENFILE / -ENOMEM.
 */
int ipcx_lock_fd(struct ipcx_region *region, struct ipcx_lock *l)
{
	struct ipcx_lockfd *ctx;
	struct file *file;
	int fd, ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_free_ctx;
	}
	ctx->region = region;
	ctx->lock = l;
	file = anon_inode_getfile("[ipcx-lock]", &ipcx_lockfd_fops, ctx,
				  O_RDONLY | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put_fd;
	}
	/* Ownership of ctx (and the region reference) is the file's from here. */
	ipcx_region_get(region);
	ipcx_lockfd_watch(l, ctx);
	fd_install(fd, file);
	return fd;

out_put_fd:
	put_unused_fd(fd);
out_free_ctx:
	kfree(ctx);
	return ret;
}
