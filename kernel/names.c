// SPDX-License-Identifier: GPL-2.0
/*
 * The name table: region names, per IPC namespace.
 *
 * A module cannot hold a reference on an IPC namespace (put_ipc_ns() is not
 * exported), so a named region pins the namespace's internal mqueue mount
 * (mntget(ipc_ns->mq_mnt)) and names are keyed by (mount, name):
 *  - identity: while the region holds the mount, no other mount can have its
 *    address, so a new namespace, even one allocated at a freed namespace's
 *    address, never matches an old region;
 *  - death: put_ipc_ns() clears mq_mnt->mnt_sb->s_fs_info (mq_clear_sbinfo,
 *    ipc/namespace.c of 6.1) when the namespace dies, and it is never set
 *    again, so "s_fs_info != region->ns" means the namespace is gone and the
 *    name can be dropped; ipcx_names_sweep() does that lazily on creation.
 * Lookups only ever compare against the caller's own (live) namespace.
 *
 * Locking: ipcx_names_lock (mutex) guards the hash table and every region's
 * hnode, reap and linked fields. It is also the mutex of kref_put_mutex()
 * in ipcx_region_put(), so a region found under it always has a non-zero
 * count; lookups still use kref_get_unless_zero(). Never call
 * ipcx_region_put() with it held. Nests inside mmap_lock, outside
 * region->lock.
 */
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>

#include "internal.h"

#ifndef CONFIG_POSIX_MQUEUE
#error "ipcx keys region names by the IPC namespace's mqueue mount: needs CONFIG_POSIX_MQUEUE"
#endif

/* guards ipcx_names and the name fields of regions; see the top */
DEFINE_MUTEX(ipcx_names_lock);
static DEFINE_HASHTABLE(ipcx_names, 8);	/* ipcx_names_lock */

/**
 * ipcx_name_copy() - copy and check a region name from user space
 * @buf: IPCX_NAME_MAX + 1 bytes
 * @uname: the user pointer
 *
 * Return: 0, -EFAULT, -ENAMETOOLONG, or -EINVAL (empty, or holds '/').
 */
int ipcx_name_copy(char *buf, u64 uname)
{
	long len;

	len = strncpy_from_user(buf, u64_to_user_ptr(uname), IPCX_NAME_MAX + 1);
	if (len < 0)
		return len;
	if (len > IPCX_NAME_MAX)
		return -ENAMETOOLONG;
	/* re-check what we hold, not what user space said */
	buf[len] = '\0';
	if (len == 0 || strlen(buf) != len || strchr(buf, '/'))
		return -EINVAL;
	return 0;
}

static u32 ipcx_name_hash(const struct vfsmount *mnt, const char *name)
{
	return full_name_hash(mnt, name, strlen(name));
}

static struct vfsmount *ipcx_current_ns_mnt(void)
{
	return current->nsproxy->ipc_ns->mq_mnt;
}

/**
 * ipcx_names_ns_is_current() - was @region created in the caller's IPC
 * namespace? Compares the pinned mount only; never dereferences the
 * namespace (see the top of this file).
 * @region: any region (named or anonymous)
 */
bool ipcx_names_ns_is_current(const struct ipcx_region *region)
{
	return region->ns_mnt == ipcx_current_ns_mnt();
}

static bool ipcx_ns_dead(const struct ipcx_region *region)
{
	return READ_ONCE(region->ns_mnt->mnt_sb->s_fs_info) != region->ns;
}

/**
 * ipcx_names_bind_ns() - tie a new region to the caller's IPC namespace
 * @region: the region being created (process context of its creator)
 */
void ipcx_names_bind_ns(struct ipcx_region *region)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;

	region->ns = ns;
	region->ns_mnt = mntget(ns->mq_mnt);
}

/**
 * ipcx_names_ns_get() - the caller's IPC namespace as a key: its mqueue
 * mount, pinned (mntput() when done), compared with region->ns_mnt
 */
struct vfsmount *ipcx_names_ns_get(void)
{
	return mntget(ipcx_current_ns_mnt());
}

static struct ipcx_region *ipcx_names_find(const char *name)
{
	struct vfsmount *mnt = ipcx_current_ns_mnt();
	struct ipcx_region *region;

	lockdep_assert_held(&ipcx_names_lock);
	hash_for_each_possible(ipcx_names, region, hnode,
			       ipcx_name_hash(mnt, name)) {
		if (region->ns_mnt == mnt && !strcmp(region->name, name))
			return region;
	}
	return NULL;
}

/**
 * ipcx_names_lookup() - find a name in the caller's namespace
 * @name: a checked name
 *
 * Caller holds ipcx_names_lock. Return: the region with a new reference
 * (to be put after the lock is dropped), or NULL.
 */
struct ipcx_region *ipcx_names_lookup(const char *name)
{
	struct ipcx_region *region = ipcx_names_find(name);

	if (region && kref_get_unless_zero(&region->ref))
		return region;
	return NULL;
}

/**
 * ipcx_names_link() - publish a new named region in its namespace
 * @region: a region from ipcx_region_create() with a name, not linked
 *
 * Caller holds ipcx_names_lock and checked the name is free. A PERSISTENT
 * region gets the table's reference.
 */
void ipcx_names_link(struct ipcx_region *region)
{
	lockdep_assert_held(&ipcx_names_lock);
	if (region->lifetime == IPCX_LIFETIME_PERSISTENT)
		ipcx_region_get(region);
	hash_add(ipcx_names, &region->hnode,
		 ipcx_name_hash(region->ns_mnt, region->name));
	WRITE_ONCE(region->linked, true);
}

/* Returns true when the table's reference must now be put by the caller. */
static bool __ipcx_names_unlink(struct ipcx_region *region)
{
	lockdep_assert_held(&ipcx_names_lock);
	if (!region->linked)
		return false;
	hash_del(&region->hnode);
	WRITE_ONCE(region->linked, false);
	return region->lifetime == IPCX_LIFETIME_PERSISTENT;
}

/**
 * ipcx_names_unhash() - drop the name of a region being released
 * @region: the region; its count is zero and ipcx_names_lock is held
 */
void ipcx_names_unhash(struct ipcx_region *region)
{
	lockdep_assert_held(&ipcx_names_lock);
	/* a PERSISTENT region still linked would still hold a reference */
	WARN_ON_ONCE(__ipcx_names_unlink(region));
}

/**
 * ipcx_names_unlink_region() - drop a region's name if it still has it
 * @region: a region the caller holds a reference on
 */
void ipcx_names_unlink_region(struct ipcx_region *region)
{
	bool put;

	mutex_lock(&ipcx_names_lock);
	put = __ipcx_names_unlink(region);
	mutex_unlock(&ipcx_names_lock);
	if (put)
		ipcx_region_put(region);
}

/**
 * ipcx_names_unlink() - IPCX_IOC_REGION_UNLINK on a checked name
 * @name: the name, in the caller's namespace
 * @revoke: also revoke the region's locks (IPCX_UNLINK_REVOKE)
 *
 * Return: 0, -ENOENT, or -EPERM (not owner, creator or CAP_SYS_ADMIN).
 */
int ipcx_names_unlink(const char *name, bool revoke)
{
	struct ipcx_region *region;
	bool put = false;
	int ret = 0;

	mutex_lock(&ipcx_names_lock);
	region = ipcx_names_find(name);
	if (!region) {
		ret = -ENOENT;
	} else if (!ipcx_perm_is_owner(region)) {
		ret = -EPERM;
	} else {
		if (revoke)
			ipcx_region_get(region);
		put = __ipcx_names_unlink(region);
	}
	mutex_unlock(&ipcx_names_lock);
	if (!ret && revoke) {
		ipcx_region_revoke_locks(region);
		ipcx_region_put(region);
	}
	if (put)
		ipcx_region_put(region);
	return ret;
}

/**
 * ipcx_names_sweep() - drop the names of dead namespaces' regions
 * @all: drop every name (rmmod)
 */
void ipcx_names_sweep(bool all)
{
	struct ipcx_region *region, *next;
	struct hlist_node *tmp;
	LIST_HEAD(reap);
	int bkt;

	mutex_lock(&ipcx_names_lock);
	hash_for_each_safe(ipcx_names, bkt, tmp, region, hnode) {
		if (!all && !ipcx_ns_dead(region))
			continue;
		if (__ipcx_names_unlink(region))
			list_add(&region->reap, &reap);
	}
	mutex_unlock(&ipcx_names_lock);
	list_for_each_entry_safe(region, next, &reap, reap) {
		list_del(&region->reap);
		ipcx_region_put(region);
	}
}
