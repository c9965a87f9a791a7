// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: the object, its reference-counted lifetime, its shmem backing,
 * the limits, and the attachment of a /dev/ipcx file to a region.
 *
 * The refcount story is told once, at struct ipcx_region in internal.h.
 *
 * Locking:
 *  - the budgets (limits.c) have their own lock, innermost.
 *  - ipcx_attach_lock (mutex) serialises attaching files, so that a file
 *    is attached at most once; the attachment is published with
 *    smp_store_release of file->private_data (readers use
 *    smp_load_acquire through ipcx_file_attach()).
 *  - region->resize_lock (mutex) serialises size changes and seal changes;
 *    the shmem inode lock nests inside it.
 *  - region->lock (spinlock) is a leaf lock for the fields it guards.
 *  - ipcx_regions (xarray, its own xa_lock) is the registry of every live
 *    region by id, for the control plane (netlink.c). A region enters it
 *    at the end of ipcx_region_create() and leaves it first thing in
 *    ipcx_region_free(), before its memory goes; finders take their
 *    reference with kref_get_unless_zero() under xa_lock, so they never
 *    touch a freed region and never revive a dying one. xa_lock is a leaf
 *    (taken under ipcx_names_lock by creation); finders only compare
 *    immutable fields under it.
 * The final ipcx_region_put() takes ipcx_names_lock (see names.c).
 */
#include <linux/atomic.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "internal.h"

static ulong max_region_bytes = 1UL << 30;
module_param(max_region_bytes, ulong, 0644);
MODULE_PARM_DESC(max_region_bytes, "largest size of one region in bytes (EFBIG beyond)");

static atomic64_t ipcx_next_id = ATOMIC64_INIT(0);
/*
 * IPCX_OPEN_HUGE_THP regions: a private tmpfs mounted huge=within_size at
 * load (as i915's gemfs), since shmem decides huge pages per superblock
 * (shmem_is_huge()) and the kernel's own shm_mnt follows the system-wide
 * shmem_enabled. NULL without THP. Like shm_mnt it has no size or inode
 * limits (SB_KERNMOUNT): our budgets apply.
 */
static struct vfsmount *ipcx_thp_mnt;

/*
 * IPCX_OPEN_HUGETLB regions: hugetlbfs mounted at load, one per page size
 * (SysV's hugetlb_file_setup() is not exported; its files live on the
 * kernel's own internal mounts). Index 0 is the default size, then 2 MiB
 * and 1 GiB; NULL where the machine has no such pages. The root is 01777
 * so that any caller may make its unlinked file there (O_TMPFILE); our
 * budgets and the pool bound what it costs, as memfd's MFD_HUGETLB.
 */
static const struct {
	unsigned int log;	/* IPCX_OPEN_HUGE_* value; 0: the default */
	const char *opts;
} ipcx_hugetlb_sizes[] = {
	{ 0, "mode=01777" },
	{ 21, "pagesize=2M,mode=01777" },
	{ 30, "pagesize=1G,mode=01777" },
};

static struct vfsmount *ipcx_hugetlb_mnt[ARRAY_SIZE(ipcx_hugetlb_sizes)];
static DEFINE_MUTEX(ipcx_attach_lock);
static DEFINE_XARRAY(ipcx_regions);	/* see the top */

static int ipcx_size_check(u64 size)
{
	if (!size)
		return -EINVAL;
	if (size > MAX_LFS_FILESIZE || size > READ_ONCE(max_region_bytes))
		return -EFBIG;
	return 0;
}

/* The hugetlbfs mount for IPCX_OPEN_HUGETLB @flags, or an ERR_PTR. */
static struct vfsmount *ipcx_hugetlb_mount(u32 flags)
{
	unsigned int log = (flags >> IPCX_OPEN_HUGE_SHIFT) & IPCX_OPEN_HUGE_MASK;
	int i;

	for (i = 0; i < ARRAY_SIZE(ipcx_hugetlb_sizes); i++)
		if (ipcx_hugetlb_sizes[i].log == log)
			return ipcx_hugetlb_mnt[i] ?: ERR_PTR(-ENODEV);
	return ERR_PTR(-EINVAL);
}

/* The size of @mnt's pages. */
static unsigned long ipcx_hugetlb_page_size(struct vfsmount *mnt)
{
	return huge_page_size(hstate_inode(d_inode(mnt->mnt_root)));
}

/*
 * A hugetlbfs file of @size bytes on @mnt, all its pages taken from the
 * pool now, as SHM_HUGETLB reserves them at shmget(): an empty pool fails
 * the creation (ENOMEM, as shmget), not a later fault (SIGBUS).
 */
static struct file *ipcx_hugetlb_file(struct vfsmount *mnt, u64 size)
{
	struct path root = { .mnt = mnt, .dentry = mnt->mnt_root };
	struct file *file;
	int ret;

	if (size & (ipcx_hugetlb_page_size(mnt) - 1))
		return ERR_PTR(-EINVAL);
	file = ipcx_tmpfile_open(&root, 0600, O_RDWR | O_LARGEFILE);
	if (IS_ERR(file))
		return file;
	ret = vfs_fallocate(file, 0, 0, size);
	if (ret) {
		fput(file);	/* evicting the inode gives the pages back */
		return ERR_PTR(ret == -ENOSPC ? -ENOMEM : ret);
	}
	return file;
}

/* The file behind a new region: hugetlbfs on @hugetlb_mnt, THP or plain shmem. */
static struct file *ipcx_region_backing(u64 size, u32 flags,
					struct vfsmount *hugetlb_mnt)
{
	struct file *file;

	if (hugetlb_mnt)
		return ipcx_hugetlb_file(hugetlb_mnt, size);
	if (flags & IPCX_OPEN_HUGE_THP)
		file = shmem_file_setup_with_mnt(ipcx_thp_mnt, "ipcx", size,
						 VM_NORESERVE);
	else
		file = shmem_file_setup("ipcx", size, VM_NORESERVE);
	/*
	 * shmem says ENOSPC when it cannot allocate the inode (its internal
	 * mount has no limits): out of memory, not the budgets' ENOSPC of
	 * our ABI.
	 */
	if (IS_ERR(file) && PTR_ERR(file) == -ENOSPC)
		return ERR_PTR(-ENOMEM);
	return file;
}

static void ipcx_region_init(struct ipcx_region *region,
			     const struct ipcx_charge *charge, umode_t mode,
			     u32 lifetime)
{
	kref_init(&region->ref);
	region->id = atomic64_inc_return(&ipcx_next_id);
	region->ctime_ns = ktime_get_real_ns();
	region->cpid = get_pid(task_tgid(current));
	region->lifetime = lifetime;
	region->charge = *charge;
	INIT_LIST_HEAD(&region->lock_charges);
	INIT_HLIST_NODE(&region->hnode);
	INIT_LIST_HEAD(&region->reap);
	mutex_init(&region->resize_lock);
	spin_lock_init(&region->lock);
	region->uid = current_euid();
	region->cuid = region->uid;
	region->gid = current_egid();
	region->cgid = region->gid;
	region->mode = mode;
}

/**
 * ipcx_region_create() - make a new, unlinked region with one reference
 * @name: its name (copied), or NULL for an anonymous region
 * @size: size in bytes
 * @mode: permission bits (0777 mask)
 * @lifetime: enum ipcx_lifetime
 * @flags: IPCX_OPEN_* bits; the HUGE ones are used here
 *
 * The caller announces it (ipcx_nl_notify_region()) once it holds no lock:
 * named regions are created under ipcx_names_lock.
 *
 * Return: the region, or ERR_PTR(-EINVAL/-EFBIG/-ENOSPC/-ENOMEM/-ENODEV/
 * -EOPNOTSUPP/-EPERM).
 */
struct ipcx_region *ipcx_region_create(const char *name, u64 size, umode_t mode,
				       u32 lifetime, u32 flags)
{
	struct vfsmount *hugetlb_mnt = NULL;
	struct ipcx_region *region;
	struct ipcx_charge charge;
	int ret;

	ret = ipcx_size_check(size);
	if (ret)
		return ERR_PTR(ret);
	if ((flags & IPCX_OPEN_HUGE_THP) && !ipcx_thp_mnt)
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & IPCX_OPEN_HUGETLB) {
		hugetlb_mnt = ipcx_hugetlb_mount(flags);
		if (IS_ERR(hugetlb_mnt))
			return ERR_CAST(hugetlb_mnt);
	}
	ret = ipcx_limits_charge(&charge, PAGE_ALIGN(size), hugetlb_mnt);
	if (ret)
		return ERR_PTR(ret);

	ret = -ENOMEM;
	region = kzalloc(sizeof(*region), GFP_KERNEL_ACCOUNT);
	if (!region)
		goto out_uncharge;
	ipcx_region_init_locks(region);
	if (name) {
		region->name = kstrdup(name, GFP_KERNEL_ACCOUNT);
		if (!region->name)
			goto out_free_region;
	}
	region->shmem = ipcx_region_backing(size, flags, hugetlb_mnt);
	if (IS_ERR(region->shmem)) {
		ret = PTR_ERR(region->shmem);
		goto out_free_name;
	}
	ipcx_region_init(region, &charge, mode, lifetime);
	region->page_size = flags & IPCX_OPEN_HUGE_THP ? PMD_SIZE : PAGE_SIZE;
	if (hugetlb_mnt) {
		region->hugetlb = true;
		region->page_size = ipcx_hugetlb_page_size(hugetlb_mnt);
	}
	ipcx_names_bind_ns(region);
	ret = xa_err(xa_store(&ipcx_regions, region->id, region,
			      GFP_KERNEL_ACCOUNT));
	if (ret)
		goto out_put_ns;
	return region;

out_put_ns:
	mntput(region->ns_mnt);
	put_pid(region->cpid);
	fput(region->shmem);
out_free_name:
	kfree(region->name);
out_free_region:
	kfree(region);
out_uncharge:
	ipcx_limits_uncharge(&charge);
	return ERR_PTR(ret);
}

static void ipcx_region_free(struct ipcx_region *region)
{
	xa_erase(&ipcx_regions, region->id);
	ipcx_nl_notify_region(region, false);
	ipcx_region_teardown_locks(region);
	fput(region->shmem);
	mntput(region->ns_mnt);
	put_pid(region->cpid);
	ipcx_limits_uncharge_region(region);
	kfree(region->name);
	kfree(region);
}

/* Called by kref_put_mutex() with ipcx_names_lock held; drops it. */
static void ipcx_region_release(struct kref *ref)
{
	struct ipcx_region *region = container_of(ref, struct ipcx_region, ref);

	lockdep_assert_held(&ipcx_names_lock);
	ipcx_names_unhash(region);
	mutex_unlock(&ipcx_names_lock);
	ipcx_region_free(region);
}

/**
 * ipcx_region_get() - take a reference on a region the caller already holds
 * @region: the region
 */
void ipcx_region_get(struct ipcx_region *region)
{
	kref_get(&region->ref);
}

/**
 * ipcx_region_put() - drop a reference; the last one frees the region
 * @region: the region
 *
 * May sleep (takes ipcx_names_lock for the last reference). Must not be
 * called with ipcx_names_lock held.
 */
void ipcx_region_put(struct ipcx_region *region)
{
	kref_put_mutex(&region->ref, ipcx_region_release, &ipcx_names_lock);
}

/* Set the shmem inode's size like shmem_setattr(): shrink drops the tail. */
static void ipcx_shmem_set_size(struct ipcx_region *region, loff_t size)
{
	struct inode *inode = file_inode(region->shmem);
	loff_t holebegin = round_up(size, PAGE_SIZE);
	loff_t old;

	inode_lock(inode);
	old = i_size_read(inode);
	i_size_write(inode, size);
	if (size < old) {
		unmap_mapping_range(inode->i_mapping, holebegin, 0, 1);
		shmem_truncate_range(inode, size, (loff_t)-1);
		unmap_mapping_range(inode->i_mapping, holebegin, 0, 1);
	}
	inode_unlock(inode);
}

/**
 * ipcx_region_resize() - change a region's size
 * @region: the region
 * @size: the new size in bytes
 *
 * Return: 0, -EINVAL (0), -EFBIG, -ENOSPC, -EPERM (IPCX_SEAL_RESIZE),
 * -EBUSY (a declared lock lies beyond the new size), -EOPNOTSUPP (hugetlb).
 */
int ipcx_region_resize(struct ipcx_region *region, u64 size)
{
	int ret;

	ret = ipcx_size_check(size);
	if (ret)
		return ret;
	mutex_lock(&region->resize_lock);
	spin_lock(&region->lock);
	if (region->seals & IPCX_SEAL_RESIZE)
		ret = -EPERM;
	spin_unlock(&region->lock);
	if (!ret && region->hugetlb)
		ret = -EOPNOTSUPP;	/* its pages were all taken at creation */
	if (!ret && ipcx_region_locks_beyond(region, size))
		ret = -EBUSY;	/* a lock's page is pinned: keep it in the region */
	if (!ret)
		ret = ipcx_limits_resize(region, PAGE_ALIGN(size));
	if (ret)
		goto out_unlock;
	ipcx_shmem_set_size(region, size);
out_unlock:
	mutex_unlock(&region->resize_lock);
	return ret;
}

/**
 * ipcx_file_attach() - the attachment of a /dev/ipcx file
 * @file: an open /dev/ipcx file
 *
 * Return: the attachment, or NULL when the file is not attached.
 */
struct ipcx_attach *ipcx_file_attach(struct file *file)
{
	/* pairs with smp_store_release() in ipcx_region_attach() */
	return smp_load_acquire((struct ipcx_attach **)&file->private_data);
}

/**
 * ipcx_file_region() - the region a /dev/ipcx file stands for
 * @file: an open /dev/ipcx file
 *
 * Return: the region, or NULL. The file's reference keeps it alive for as
 * long as the caller holds the file (an fd, or a mapping's view).
 */
struct ipcx_region *ipcx_file_region(struct file *file)
{
	struct ipcx_attach *att = ipcx_file_attach(file);

	return att ? att->region : NULL;
}

/**
 * ipcx_region_attach() - make @file stand for @region
 * @file: an open, unattached /dev/ipcx file
 * @att: a zeroed attachment; consumed on success
 * @region: the region; the caller's reference passes to the file on success
 *
 * Return: 0, or -EBUSY when the file is already attached.
 */
int ipcx_region_attach(struct file *file, struct ipcx_attach *att,
		       struct ipcx_region *region)
{
	mutex_lock(&ipcx_attach_lock);
	if (file->private_data) {
		mutex_unlock(&ipcx_attach_lock);
		return -EBUSY;
	}
	att->region = region;
	spin_lock(&region->lock);
	region->nr_files++;
	spin_unlock(&region->lock);
	/* publish att; pairs with ipcx_file_attach() */
	smp_store_release(&file->private_data, att);
	mutex_unlock(&ipcx_attach_lock);
	return 0;
}

/**
 * ipcx_region_detach() - ->release of a /dev/ipcx file
 * @file: the file; no fd or vma refers to it any more
 *
 * Runs in process context, possibly late in exit where current->nsproxy is
 * NULL: nothing here looks at the current task's namespaces.
 */
void ipcx_region_detach(struct file *file)
{
	struct ipcx_attach *att = file->private_data;
	struct ipcx_region *region;

	if (!att)
		return;
	region = att->region;
	if (att->lease)
		ipcx_names_unlink_region(region);
	spin_lock(&region->lock);
	region->nr_files--;
	spin_unlock(&region->lock);
	file->private_data = NULL;
	kfree(att);
	ipcx_region_put(region);
}

/**
 * ipcx_region_find_id() - a region of the caller's IPC namespace by id
 * @id: the region id
 *
 * Return: the region with a new reference, or NULL.
 */
struct ipcx_region *ipcx_region_find_id(u64 id)
{
	struct ipcx_region *region;

	xa_lock(&ipcx_regions);
	region = xa_load(&ipcx_regions, id);
	if (region && (!ipcx_names_ns_is_current(region) ||
		       !kref_get_unless_zero(&region->ref)))
		region = NULL;
	xa_unlock(&ipcx_regions);
	return region;
}

/**
 * ipcx_region_get_live() - any live region by id, whatever its namespace
 * @id: the region id
 *
 * For the owner death work, which acts for a dead thread rather than for
 * the caller. Return: the region with a new reference, or NULL.
 */
struct ipcx_region *ipcx_region_get_live(u64 id)
{
	struct ipcx_region *region;

	xa_lock(&ipcx_regions);
	region = xa_load(&ipcx_regions, id);
	if (region && !kref_get_unless_zero(&region->ref))
		region = NULL;
	xa_unlock(&ipcx_regions);
	return region;
}

/* Is a region with @id still registered? (ids are never reused) */
bool ipcx_region_id_live(u64 id)
{
	return xa_load(&ipcx_regions, id);
}

/**
 * ipcx_region_find_next() - the caller's namespace's region with the
 * lowest id >= *@id (a dump cursor)
 * @id: in: where to start; out: the id found
 *
 * Return: the region with a new reference, or NULL when none is left.
 */
struct ipcx_region *ipcx_region_find_next(u64 *id)
{
	struct ipcx_region *region;
	unsigned long idx;

	xa_lock(&ipcx_regions);
	xa_for_each_start(&ipcx_regions, idx, region, *id) {
		if (ipcx_names_ns_is_current(region) &&
		    kref_get_unless_zero(&region->ref)) {
			*id = idx;
			break;
		}
	}
	xa_unlock(&ipcx_regions);
	return region;
}

/**
 * ipcx_region_memory() - a snapshot of where a region's pages are
 * @region: the region
 * @resident: out: bytes of its pages in memory (in its page cache)
 * @swapped: out: bytes of its pages in swap
 *
 * Both are read without the inode's locks: a snapshot, as smaps gives.
 */
void ipcx_region_memory(struct ipcx_region *region, u64 *resident, u64 *swapped)
{
	struct inode *inode = file_inode(region->shmem);

	if (region->hugetlb) {	/* hugetlbfs counts its pages in i_blocks */
		*resident = (u64)READ_ONCE(inode->i_blocks) << 9;
		*swapped = 0;
		return;
	}
	*resident = (u64)READ_ONCE(inode->i_mapping->nrpages) << PAGE_SHIFT;
	*swapped = (u64)READ_ONCE(SHMEM_I(inode)->swapped) << PAGE_SHIFT;
}

/* For IPCX_NL_CMD_STATS_GET: limits and live counts of the regions. */
void ipcx_regions_stats(struct ipcx_stats *st)
{
	st->max_region_bytes = READ_ONCE(max_region_bytes);
	ipcx_limits_stats(st);
}

/**
 * ipcx_regions_init() - at load: mount the huge-page tmpfs
 *
 * Without it (a kernel without THP, or the mount failed) IPCX_OPEN_HUGE_THP
 * fails with EOPNOTSUPP; nothing else depends on it.
 */
void ipcx_regions_init(void)
{
	char opts[] = "huge=within_size";	/* parsed in place */
	struct file_system_type *type;
	struct vfsmount *mnt;
	int i;

	/* built in: no module reference to drop (put_filesystem() is not exported) */
	type = IS_ENABLED(CONFIG_HUGETLBFS) ? get_fs_type("hugetlbfs") : NULL;
	for (i = 0; type && i < ARRAY_SIZE(ipcx_hugetlb_sizes); i++) {
		char *o = kstrdup(ipcx_hugetlb_sizes[i].opts, GFP_KERNEL);

		mnt = o ? vfs_kern_mount(type, SB_KERNMOUNT, type->name, o) : NULL;
		kfree(o);
		if (!IS_ERR_OR_NULL(mnt))
			ipcx_hugetlb_mnt[i] = mnt;
	}
	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		return;
	type = get_fs_type("tmpfs");
	if (!type)
		return;
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, opts);
	if (IS_ERR(mnt)) {
		pr_warn("ipcx: no huge-page tmpfs (%ld): IPCX_OPEN_HUGE_THP fails\n",
			PTR_ERR(mnt));
		return;
	}
	ipcx_thp_mnt = mnt;
}

/**
 * ipcx_regions_exit() - at rmmod: destroy the regions still named
 *
 * No file or mapping exists (they pin the module), so only linked
 * PERSISTENT regions remain; dropping their names frees them.
 */
void ipcx_regions_exit(void)
{
	ipcx_names_sweep(true);
	ipcx_limits_exit();
	/* files still being released hold the mount: it goes with the last */
	if (ipcx_thp_mnt)
		kern_unmount(ipcx_thp_mnt);
	kern_unmount_array(ipcx_hugetlb_mnt, ARRAY_SIZE(ipcx_hugetlb_mnt));
}
