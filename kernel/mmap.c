// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of a region through its /dev/ipcx file.
 *
 * Design (ipc/shm.c's): a mapping's vm_file is a "view", a file made for
 * that mmap whose inode is the region's shmem inode and whose f_mapping is
 * the shmem address_space. Core mm code derives facts from vm_file's inode
 * (smaps' swap accounting in shmem_swap_usage(), NUMA shared policy,
 * khugepaged, /proc/PID/maps), so that inode must be the shmem inode and
 * never the device node's (which may live on any file system: mknod on
 * ext4 or ramfs). The vma gets shmem's own vm_ops behaviour (shmem_mmap()
 * is called on the backing file), wrapped by ipcx_vm_ops to count mappings
 * (open/close) and forwarding fault, map_pages and the NUMA policy.
 *
 * The view's file operations are ours, not shmem's: no read, write or
 * fallocate (so madvise(MADV_REMOVE) cannot punch holes under declared
 * locks), and its ->mmap (remap_file_pages(2) re-mmaps vm_file) applies
 * the same checks as the first mmap. Reopening the view by path
 * (/proc/PID/map_files, which needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN
 * in the initial user namespace) opens the shmem inode with shmem's file
 * operations, outside our seals and limits, as it does for SysV shm.
 *
 * Lifetime: vma -> view (vm_file) -> the /dev/ipcx file -> its attachment
 * -> the region. A mapping therefore keeps the /dev/ipcx file open, as
 * before views existed: nattach, LEASE and AUTO_REMOVE lifetimes count
 * mappings through it, and both files' fops->owner pin the module. A view
 * is released by the last fput of its last vma, after vm_ops->close, never
 * under mmap_lock, so dropping the /dev/ipcx file there may free the
 * region.
 *
 * Locking: ->mmap and vm_ops run under mmap_lock; they take region->lock
 * (a leaf spinlock) to check seals and count mappings. ->mmap also adds
 * the region to the address space's set in lock/owner.c (which may allocate),
 * so that its owners' deaths scan the region's locks. A mapping does not
 * hold a region reference: it holds the file, which holds the region.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "compat.h"
#include "internal.h"

/**
 * struct ipcx_view - private_data of a view file
 * @dev: the /dev/ipcx file mapped (a reference): the attachment
 * @vm_ops: shmem's vm_ops for the vma, forwarded to; set by every
 *          successful ->mmap (always the same value), read by vm_ops
 */
struct ipcx_view {
	struct file *dev;
	const struct vm_operations_struct *vm_ops;
};

static struct ipcx_view *ipcx_vma_view(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

/* the region of one of our vmas (vm_ops are ipcx_vm_ops) */
static struct ipcx_region *ipcx_view_region(struct vm_area_struct *vma)
{
	return ipcx_file_region(ipcx_vma_view(vma)->dev);
}

static const struct vm_operations_struct *ipcx_vma_shmem_ops(struct vm_area_struct *vma)
{
	return READ_ONCE(ipcx_vma_view(vma)->vm_ops);
}

static void ipcx_vm_count(struct vm_area_struct *vma, int delta)
{
	struct ipcx_region *region = ipcx_view_region(vma);

	spin_lock(&region->lock);
	region->nr_maps += delta;
	if (vma->vm_flags & VM_MAYWRITE)
		region->nr_wmaps += delta;
	spin_unlock(&region->lock);
}

static void ipcx_vm_open(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	if (ops->open)
		ops->open(vma);
	ipcx_vm_count(vma, 1);
}

static void ipcx_vm_close(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	ipcx_vm_count(vma, -1);
	if (ops->close)
		ops->close(vma);
}

/* shmem gives SIGBUS past i_size, which a resize changes under the inode lock. */
static vm_fault_t ipcx_vm_fault(struct vm_fault *vmf)
{
	return ipcx_vma_shmem_ops(vmf->vma)->fault(vmf);
}

static vm_fault_t ipcx_vm_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
				    pgoff_t end_pgoff)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vmf->vma);

	if (!ops->map_pages)
		return 0;
	return ops->map_pages(vmf, start_pgoff, end_pgoff);
}

#ifdef CONFIG_NUMA
/* mbind(2) sets the shmem object's shared policy, as for SysV shm. */
static int ipcx_vm_set_policy(struct vm_area_struct *vma, struct mempolicy *new)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	return ops->set_policy ? ops->set_policy(vma, new) : 0;
}

static struct mempolicy *ipcx_vm_get_policy IPCX_GET_POLICY_PARAMS
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	if (ops->get_policy)
		return ops->get_policy IPCX_GET_POLICY_ARGS;
	return vma->vm_policy;
}
#endif

/* hugetlb refuses to split a vma inside a huge page (as shm_may_split()) */
static int ipcx_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	return ops->may_split ? ops->may_split(vma, addr) : 0;
}

/* the page size of hugetlb mappings (smaps' KernelPageSize, and mm's own) */
static unsigned long ipcx_vm_pagesize(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = ipcx_vma_shmem_ops(vma);

	return ops->pagesize ? ops->pagesize(vma) : PAGE_SIZE;
}

static const struct vm_operations_struct ipcx_vm_ops = {
	.open = ipcx_vm_open,
	.close = ipcx_vm_close,
	.fault = ipcx_vm_fault,
	.map_pages = ipcx_vm_map_pages,
	.may_split = ipcx_vm_may_split,
	.pagesize = ipcx_vm_pagesize,
#ifdef CONFIG_NUMA
	.set_policy = ipcx_vm_set_policy,
	.get_policy = ipcx_vm_get_policy,
#endif
};

/* Does [pgoff, pgoff + pages) lie in the region? Written not to overflow. */
static bool ipcx_vma_in_region(struct ipcx_region *region,
			       struct vm_area_struct *vma)
{
	u64 npages = DIV_ROUND_UP((u64)ipcx_region_size(region), PAGE_SIZE);

	return vma->vm_pgoff < npages && vma_pages(vma) <= npages - vma->vm_pgoff;
}

/*
 * Apply read-only attachment and IPCX_SEAL_WRITE (also while a seal is
 * being added: see ipcx_add_seals()); count the mapping.
 */
static int ipcx_mmap_account(struct ipcx_attach *att, struct vm_area_struct *vma)
{
	struct ipcx_region *region = att->region;
	int ret = 0;

	if (att->rdonly) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		ipcx_vm_flags_clear(vma, VM_MAYWRITE);
	}
	spin_lock(&region->lock);
	if ((region->seals & IPCX_SEAL_WRITE) || region->write_sealing) {
		if (vma->vm_flags & VM_WRITE)
			ret = -EPERM;
		ipcx_vm_flags_clear(vma, VM_MAYWRITE);
	}
	if (!ret) {
		region->nr_maps++;
		if (vma->vm_flags & VM_MAYWRITE)
			region->nr_wmaps++;
	}
	spin_unlock(&region->lock);
	return ret;
}

/* ->mmap of a view: the first mmap, or remap_file_pages(2) of its vma. */
static int ipcx_view_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ipcx_view *view = file->private_data;
	struct ipcx_attach *att = ipcx_file_attach(view->dev);
	struct ipcx_region *region = att->region;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (!ipcx_vma_in_region(region, vma))
		return -EINVAL;
	/* hugetlb maps whole pages: start, end and offset on their bounds */
	if (((vma->vm_start | vma->vm_end | (vma->vm_pgoff << PAGE_SHIFT)) &
	     (region->page_size - 1)) && region->hugetlb)
		return -EINVAL;
	ret = ipcx_mm_note_region(vma->vm_mm, region);
	if (ret)
		return ret;
	ret = ipcx_mmap_account(att, vma);
	if (ret)
		return ret;
	ret = call_mmap(region->shmem, vma);
	if (ret) {
		ipcx_vm_count(vma, -1);
		return ret;
	}
	WRITE_ONCE(view->vm_ops, vma->vm_ops);
	ipcx_vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &ipcx_vm_ops;
	return 0;
}

static int ipcx_view_release(struct inode *inode, struct file *file)
{
	struct ipcx_view *view = file->private_data;

	fput(view->dev);
	kfree(view);
	return 0;
}

static const struct file_operations ipcx_view_fops = {
	.owner = THIS_MODULE,
	.mmap = ipcx_view_mmap,
	.release = ipcx_view_release,
	.llseek = noop_llseek,
};

/* A new view of @dev's region: a file on the region's shmem inode. */
static struct file *ipcx_view_create(struct file *dev, struct ipcx_attach *att)
{
	struct file *shmem = att->region->shmem;
	struct inode *inode = file_inode(shmem);
	struct ipcx_view *view;
	struct file *file;
	char name[32];

	view = kzalloc(sizeof(*view), GFP_KERNEL_ACCOUNT);
	if (!view)
		return ERR_PTR(-ENOMEM);
	snprintf(name, sizeof(name), "ipcx:%llu", att->region->id);
	ihold(inode);	/* the view's dentry takes it on success */
	file = alloc_file_pseudo(inode, shmem->f_path.mnt, name,
				 att->rdonly ? O_RDONLY : O_RDWR, &ipcx_view_fops);
	if (IS_ERR(file)) {
		iput(inode);
		kfree(view);
		return file;
	}
	__module_get(THIS_MODULE);	/* fops->owner: __fput() drops it */
	view->dev = get_file(dev);
	file->private_data = view;
	return file;
}

/**
 * ipcx_mmap() - ->mmap of /dev/ipcx
 * @file: the file
 * @vma: the new vma
 *
 * Return: 0, -ENXIO (not attached), -EINVAL (private, or outside the
 * region), -EACCES (writable on a read-only attachment), -EPERM (writable
 * with IPCX_SEAL_WRITE), -ENOMEM, -ENFILE (no file for the view).
 */
int ipcx_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ipcx_attach *att = ipcx_file_attach(file);
	struct file *view;

	if (!att)
		return -ENXIO;
	view = ipcx_view_create(file, att);
	if (IS_ERR(view))
		return PTR_ERR(view);
	/* From here the vma holds the view; mmap_region() drops it on error. */
	vma_set_file(vma, view);
	fput(view);
	return ipcx_view_mmap(view, vma);
}

/* The region @vma maps, when it is a mapping of a /dev/ipcx file. */
struct ipcx_region *ipcx_vma_region(struct vm_area_struct *vma)
{
	if (vma->vm_ops != &ipcx_vm_ops)
		return NULL;
	return ipcx_view_region(vma);
}

/**
 * ipcx_get_unmapped_area() - ->get_unmapped_area of /dev/ipcx
 * @file: the file
 * @addr: hint
 * @len: length
 * @pgoff: offset in pages
 * @flags: mmap flags
 *
 * Refuses unattached files early; otherwise the backing file's, as
 * shm_get_unmapped_area() does: shmem aligns the address to the huge page
 * size where its superblock may use huge pages (IPCX_OPEN_HUGE_THP), so
 * that they can be mapped by PMD.
 */
unsigned long ipcx_get_unmapped_area(struct file *file, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags)
{
	struct ipcx_region *region = ipcx_file_region(file);
	struct file *shmem;

	if (!region)
		return -ENXIO;
	shmem = region->shmem;
	if (shmem->f_op->get_unmapped_area)
		return shmem->f_op->get_unmapped_area(shmem, addr, len, pgoff,
						      flags);
	return ipcx_mm_get_unmapped_area(file, addr, len, pgoff, flags);
}
