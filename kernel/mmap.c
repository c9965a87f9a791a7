// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of a region through its /dev/ipcx file.
 *
 * Design: the backing shmem file is never installed in an fd or a vma (the
 * ashmem CVE-2020-0009 lesson: whoever gets that file can bypass our
 * checks). Instead, attaching a /dev/ipcx file sets its f_mapping to the
 * shmem file's address_space, once, before the attachment is published;
 * the vma keeps vm_file = the /dev/ipcx file, whose fops->owner pins the
 * module for as long as any vma exists. The vma therefore sits in the
 * shmem mapping's i_mmap tree, so reclaim, swap and truncation find it like
 * any shmem mapping; faults are served from the shmem page cache.
 *
 * Why f_mapping cannot change under a running mmap(2): mmap_region() reads
 * file->f_mapping before calling ->mmap. ->get_unmapped_area runs earlier
 * still and refuses unattached files, so every mmap that reaches
 * mmap_region() saw the attachment published, hence the final f_mapping.
 *
 * Locking: ->mmap and vm_ops run under mmap_lock; they take region->lock
 * (a leaf spinlock) to check seals and count mappings. A mapping does not
 * hold a region reference: it holds the file, which holds the region.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>

#include "compat.h"
#include "internal.h"

static void ipcx_vm_count(struct vm_area_struct *vma, int delta)
{
	struct ipcx_region *region = ipcx_file_region(vma->vm_file);

	spin_lock(&region->lock);
	region->nr_maps += delta;
	if (vma->vm_flags & VM_MAYWRITE)
		region->nr_wmaps += delta;
	spin_unlock(&region->lock);
}

static void ipcx_vm_open(struct vm_area_struct *vma)
{
	ipcx_vm_count(vma, 1);
}

static void ipcx_vm_close(struct vm_area_struct *vma)
{
	ipcx_vm_count(vma, -1);
}

static vm_fault_t ipcx_vm_fault(struct vm_fault *vmf)
{
	struct ipcx_region *region = ipcx_file_region(vmf->vma->vm_file);
	struct address_space *mapping = ipcx_region_mapping(region);
	struct folio *folio;
	struct page *page;

	if (vmf->pgoff >= DIV_ROUND_UP(ipcx_region_size(region), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	page = shmem_read_mapping_page_gfp(mapping, vmf->pgoff,
					   mapping_gfp_mask(mapping));
	if (IS_ERR(page))	/* -EINVAL past i_size: SIGBUS */
		return vmf_error(PTR_ERR(page));
	folio = page_folio(page);
	folio_lock(folio);
	if (folio->mapping != mapping) {
		/* truncated meanwhile: fault again, which checks the size */
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_NOPAGE;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct ipcx_vm_ops = {
	.open = ipcx_vm_open,
	.close = ipcx_vm_close,
	.fault = ipcx_vm_fault,
	.map_pages = filemap_map_pages,
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

/**
 * ipcx_mmap() - ->mmap of /dev/ipcx
 * @file: the file
 * @vma: the new vma
 *
 * Return: 0, -ENXIO (not attached), -EINVAL (private, or outside the
 * region), -EACCES (writable on a read-only attachment), -EPERM (writable
 * with IPCX_SEAL_WRITE).
 */
int ipcx_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ipcx_attach *att = ipcx_file_attach(file);
	int ret;

	if (!att)
		return -ENXIO;
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (!ipcx_vma_in_region(att->region, vma))
		return -EINVAL;
	ret = ipcx_mmap_account(att, vma);
	if (ret)
		return ret;
	ipcx_vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &ipcx_vm_ops;
	return 0;
}

/**
 * ipcx_get_unmapped_area() - ->get_unmapped_area of /dev/ipcx
 * @file: the file
 * @addr: hint
 * @len: length
 * @pgoff: offset in pages
 * @flags: mmap flags
 *
 * Refuses unattached files before mmap_region() reads f_mapping (see the
 * top of this file); otherwise the mm's default.
 */
unsigned long ipcx_get_unmapped_area(struct file *file, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags)
{
	if (!ipcx_file_attach(file))
		return -ENXIO;
	return ipcx_mm_get_unmapped_area(file, addr, len, pgoff, flags);
}
