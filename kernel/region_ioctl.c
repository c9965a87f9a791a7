// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the region ioctls (dev.c dispatches here). Each copies its
 * structure in with ipcx_copy_struct_in(), rejects unknown flags and
 * non-zero reserved fields with -EINVAL, and does one thing.
 *
 * Locking: taken in the helpers they call (names.c, region.c, perm.c);
 * the seal handler takes region->resize_lock then region->lock, so a seal
 * cannot interleave with a resize or a lock declaration; it may sleep
 * (waiting for pins) with resize_lock held, never with region->lock.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "internal.h"

#define IPCX_PIN_SCANS	4	/* as mm/memfd.c: about 150 ms */

static bool ipcx_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

/* A page size only with HUGETLB, and one of those named; not with THP. */
static bool ipcx_open_huge_valid(u32 flags)
{
	u32 size = flags & (IPCX_OPEN_HUGE_MASK << IPCX_OPEN_HUGE_SHIFT);

	if (!(flags & IPCX_OPEN_HUGETLB))
		return !size;
	return !(flags & IPCX_OPEN_HUGE_THP) &&
	       (!size || size == IPCX_OPEN_HUGE_2MB || size == IPCX_OPEN_HUGE_1GB);
}

static int ipcx_open_check(const struct ipcx_region_open *req)
{
	if (req->flags & ~IPCX_OPEN_FLAGS || req->__pad ||
	    !ipcx_zeroed(req->__reserved, sizeof(req->__reserved)))
		return -EINVAL;
	if ((req->flags & IPCX_OPEN_EXCL) && !(req->flags & IPCX_OPEN_CREATE))
		return -EINVAL;
	if (!ipcx_open_huge_valid(req->flags))
		return -EINVAL;
	if (req->mode & ~0777 || req->lifetime > IPCX_LIFETIME_LEASE)
		return -EINVAL;
	if (!req->name && !(req->flags & IPCX_OPEN_CREATE))
		return -EINVAL;
	return 0;
}

/* May the caller attach to an existing region as asked? */
static int ipcx_open_existing(struct ipcx_region *region,
			      const struct ipcx_region_open *req, bool write)
{
	u32 seals;
	int ret;

	if (req->flags & IPCX_OPEN_EXCL)
		return -EEXIST;
	if (req->size > ipcx_region_size(region))
		return -EINVAL;
	ret = ipcx_perm_open(region, write);
	if (ret)
		return ret;
	spin_lock(&region->lock);
	seals = region->seals;
	spin_unlock(&region->lock);
	return write && (seals & IPCX_SEAL_WRITE) ? -EPERM : 0;
}

/* Find or create @name; *created tells which. Returns a reference. */
static struct ipcx_region *ipcx_open_named(const char *name,
					   const struct ipcx_region_open *req,
					   bool write, bool *created)
{
	struct ipcx_region *region;
	int ret = 0;

	if (req->flags & IPCX_OPEN_CREATE)
		ipcx_names_sweep(false);
	mutex_lock(&ipcx_names_lock);
	region = ipcx_names_lookup(name);
	if (region) {
		ret = ipcx_open_existing(region, req, write);
	} else if (!(req->flags & IPCX_OPEN_CREATE)) {
		ret = -ENOENT;
	} else {
		region = ipcx_region_create(name, req->size, req->mode,
					    req->lifetime, req->flags);
		if (!IS_ERR(region)) {
			ipcx_names_link(region);
			*created = true;
		}
	}
	mutex_unlock(&ipcx_names_lock);
	if (ret && region) {
		ipcx_region_put(region);
		return ERR_PTR(ret);
	}
	return ret ? ERR_PTR(ret) : region;
}

/**
 * ipcx_ioc_region_open() - IPCX_IOC_REGION_OPEN: create or open a region
 */
long ipcx_ioc_region_open(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region_open req;
	struct ipcx_region *region;
	char name[IPCX_NAME_MAX + 1];
	struct ipcx_attach *att;
	bool created = false, write;
	int ret;

	ret = ipcx_copy_struct_in(&req, sizeof(req), arg, usize,
				  IPCX_REGION_OPEN_SIZE_VER0);
	if (!ret)
		ret = ipcx_open_check(&req);
	if (!ret && req.name)
		ret = ipcx_name_copy(name, req.name);
	if (ret)
		return ret;
	if (ipcx_file_attach(file))
		return -EBUSY;
	write = !(req.flags & IPCX_OPEN_RDONLY);
	if (write && !(file->f_mode & FMODE_WRITE))
		return -EACCES;

	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return -ENOMEM;
	if (req.name) {
		region = ipcx_open_named(name, &req, write, &created);
	} else {
		region = ipcx_region_create(NULL, req.size, req.mode, req.lifetime,
					    req.flags);
		created = true;
	}
	if (IS_ERR(region)) {
		ret = PTR_ERR(region);
		goto out_free_att;
	}
	if (created)	/* ipcx_names_lock is dropped: the fan-out stalls no lookup */
		ipcx_nl_notify_region(region, true);
	att->rdonly = !write;
	att->lease = created && req.name &&
		     req.lifetime == IPCX_LIFETIME_LEASE;

	req.size = ipcx_region_size(region);
	req.id = region->id;
	ret = ipcx_copy_struct_out(arg, usize, &req, sizeof(req),
				   IPCX_REGION_OPEN_SIZE_VER0);
	if (!ret)
		ret = ipcx_region_attach(file, att, region);
	if (ret)
		goto out_put_region;
	return 0;

out_put_region:
	if (created)
		ipcx_names_unlink_region(region);
	ipcx_region_put(region);
out_free_att:
	kfree(att);
	return ret;
}

/**
 * ipcx_ioc_region_unlink() - IPCX_IOC_REGION_UNLINK: remove a region's name
 */
long ipcx_ioc_region_unlink(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region_unlink req;
	char name[IPCX_NAME_MAX + 1];
	int ret;

	ret = ipcx_copy_struct_in(&req, sizeof(req), arg, usize,
				  IPCX_REGION_UNLINK_SIZE_VER0);
	if (ret)
		return ret;
	if ((req.flags & ~IPCX_UNLINK_REVOKE) || req.__pad || !req.name ||
	    !ipcx_zeroed(req.__reserved, sizeof(req.__reserved)))
		return -EINVAL;
	ret = ipcx_name_copy(name, req.name);
	if (ret)
		return ret;
	return ipcx_names_unlink(name, req.flags & IPCX_UNLINK_REVOKE);
}

static void ipcx_stat_fill(struct ipcx_region_stat *st, struct ipcx_attach *att)
{
	struct user_namespace *uns = current_user_ns();
	struct ipcx_region *region = att->region;

	st->id = region->id;
	st->size = ipcx_region_size(region);
	st->ctime_ns = region->ctime_ns;
	st->lifetime = region->lifetime;
	st->cpid = pid_vnr(region->cpid);
	spin_lock(&region->lock);
	st->uid = from_kuid_munged(uns, region->uid);
	st->gid = from_kgid_munged(uns, region->gid);
	st->cuid = from_kuid_munged(uns, region->cuid);
	st->cgid = from_kgid_munged(uns, region->cgid);
	st->mode = region->mode;
	st->seals = region->seals;
	st->nattach = region->nr_files;
	st->nmaps = region->nr_maps;
	spin_unlock(&region->lock);
	if (READ_ONCE(region->linked))
		st->flags |= IPCX_STAT_LINKED;
	if (att->rdonly)
		st->flags |= IPCX_STAT_RDONLY;
	st->page_size = region->page_size;
	ipcx_region_memory(region, &st->resident, &st->swapped);
	if (region->name)
		strscpy(st->name, region->name, sizeof(st->name));
}

/**
 * ipcx_ioc_region_stat() - IPCX_IOC_REGION_STAT: describe the file's region
 */
long ipcx_ioc_region_stat(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_attach *att = ipcx_file_attach(file);
	struct ipcx_region_stat *st;
	int ret;

	if (!att)
		return -ENXIO;
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	ipcx_stat_fill(st, att);
	ret = ipcx_copy_struct_out(arg, usize, st, sizeof(*st),
				   IPCX_REGION_STAT_SIZE_VER0);
	kfree(st);
	return ret;
}

/**
 * ipcx_ioc_region_set_perm() - IPCX_IOC_REGION_SET_PERM: a region's owner, mode
 */
long ipcx_ioc_region_set_perm(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region *region = ipcx_file_region(file);
	struct ipcx_region_perm req;
	int ret;

	ret = ipcx_copy_struct_in(&req, sizeof(req), arg, usize,
				  IPCX_REGION_PERM_SIZE_VER0);
	if (ret)
		return ret;
	if (!ipcx_zeroed(req.__reserved, sizeof(req.__reserved)))
		return -EINVAL;
	if (!region)
		return -ENXIO;
	return ipcx_perm_set(region, &req);
}

/* Is a page of @region pinned by pin_user_pages()? */
static bool ipcx_region_pinned(struct ipcx_region *region)
{
	struct address_space *mapping = ipcx_region_mapping(region);
	struct folio_batch fbatch;
	pgoff_t index = 0;
	bool pinned = false;
	unsigned int i;

	folio_batch_init(&fbatch);
	while (!pinned && filemap_get_folios(mapping, &index, (pgoff_t)-1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++)
			pinned |= folio_maybe_dma_pinned(fbatch.folios[i]);
		folio_batch_release(&fbatch);
		cond_resched();
	}
	return pinned;
}

/*
 * memfd_wait_for_pins() for IPCX_SEAL_WRITE: a page pinned writable
 * through a mapping that is gone (io_uring, RDMA, VFIO, AF_XDP umems:
 * FOLL_LONGTERM pins) stays writable by its pinner after any seal. Look
 * again after 10, 20, 40 and 80 ms, for the pins of I/O in flight to go,
 * then give up. Only pin_user_pages() pins are seen: the plain references
 * of get_user_pages() (vmsplice(2), direct I/O on kernels before 6.3)
 * cannot be told from the page cache's own transient ones without
 * lru_add_drain(), which modules cannot call.
 */
static int ipcx_wait_for_pins(struct ipcx_region *region)
{
	int scan;

	for (scan = 0; scan <= IPCX_PIN_SCANS; scan++) {
		if (scan && schedule_timeout_killable((HZ << scan) / 200))
			break;	/* fatal signal: a last look */
		if (!ipcx_region_pinned(region))
			return 0;
	}
	return ipcx_region_pinned(region) ? -EBUSY : 0;
}

/* Under both locks: may @seals be added now? */
static int ipcx_seals_allowed(struct ipcx_region *region, u32 seals)
{
	lockdep_assert_held(&region->lock);
	if (region->seals & IPCX_SEAL_SEAL)
		return -EPERM;
	if ((seals & IPCX_SEAL_WRITE) && region->nr_wmaps)
		return -EBUSY;
	return 0;
}

/*
 * A new IPCX_SEAL_WRITE first marks the region write_sealing, so that no
 * writable mapping (hence no new writable pin) appears while it waits for
 * the pins of gone mappings; resize_lock keeps LOCK_DECLARE and other
 * seals out meanwhile.
 */
static int ipcx_add_seals(struct ipcx_region *region, u32 seals)
{
	bool wait;
	int ret;

	mutex_lock(&region->resize_lock);
	spin_lock(&region->lock);
	ret = ipcx_seals_allowed(region, seals);
	wait = !ret && (seals & ~region->seals & IPCX_SEAL_WRITE);
	region->write_sealing = wait;
	spin_unlock(&region->lock);
	if (wait)
		ret = ipcx_wait_for_pins(region);
	spin_lock(&region->lock);
	region->write_sealing = false;
	if (!ret)
		region->seals |= seals;
	spin_unlock(&region->lock);
	mutex_unlock(&region->resize_lock);
	return ret;
}

/* The read-write attachment a seal or resize acts on, or an error. */
static int ipcx_rw_region(struct file *file, struct ipcx_region **region)
{
	struct ipcx_attach *att = ipcx_file_attach(file);

	if (!att)
		return -ENXIO;
	if (att->rdonly)
		return -EPERM;
	*region = att->region;
	return 0;
}

/**
 * ipcx_ioc_region_seal() - IPCX_IOC_REGION_SEAL: add seals to a region
 */
long ipcx_ioc_region_seal(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region_seal req;
	struct ipcx_region *region;
	int ret;

	ret = ipcx_copy_struct_in(&req, sizeof(req), arg, usize,
				  IPCX_REGION_SEAL_SIZE_VER0);
	if (ret)
		return ret;
	if (req.seals & ~IPCX_SEALS || req.__pad || req.__reserved)
		return -EINVAL;
	ret = ipcx_rw_region(file, &region);
	return ret ? ret : ipcx_add_seals(region, req.seals);
}

/**
 * ipcx_ioc_region_resize() - IPCX_IOC_REGION_RESIZE: resize a region
 */
long ipcx_ioc_region_resize(struct file *file, unsigned long arg, size_t usize)
{
	struct ipcx_region_resize req;
	struct ipcx_region *region;
	int ret;

	ret = ipcx_copy_struct_in(&req, sizeof(req), arg, usize,
				  IPCX_REGION_RESIZE_SIZE_VER0);
	if (ret)
		return ret;
	if (req.__reserved || !req.size)
		return -EINVAL;
	ret = ipcx_rw_region(file, &region);
	return ret ? ret : ipcx_region_resize(region, req.size);
}
