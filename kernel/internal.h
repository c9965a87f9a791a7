/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the files of ipcx.ko (as futex.h is for kernel/futex/).
 * Nothing here is ABI; the ABI is the uapi header.
 */
#ifndef _IPCX_INTERNAL_H
#define _IPCX_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/uidgid.h>
#include <linux/ipcx.h>

struct pid;
struct ipcx_user;
struct ipcx_ns_usage;
struct ipcx_lock_charge;
struct vfsmount;
struct ipc_namespace;
struct mm_struct;
struct vm_area_struct;
struct ipcx_stats;

/* IPCX_MODULE_VERSION: from the top-level VERSION file (Kbuild) */

/* dev.c: the /dev/ipcx misc device */
int ipcx_dev_register(umode_t mode);
void ipcx_dev_unregister(void);

/* uaccess.c: size-extensible structure copies (see the uapi header) */
int ipcx_copy_struct_in(void *dst, size_t ksize, unsigned long arg,
			size_t usize, size_t min_size);
int ipcx_copy_struct_out(unsigned long arg, size_t usize, const void *src,
			 size_t ksize, size_t min_size);

/**
 * struct ipcx_region_locks - a region's table of declared lock blocks
 * @xa: struct ipcx_lock by offset / IPCX_LOCK_ALIGN
 * @node: in lock/core.c's list of regions that have locks
 * @nr: declared locks
 * @revoked: the region was destroyed with IPCX_UNLINK_REVOKE
 *
 * All four are guarded by ipcx_lock_regions_mutex (lock/core.c); lookups of
 * @xa need no lock (see lock/core.c).
 */
struct ipcx_region_locks {
	struct xarray xa;
	struct list_head node;
	unsigned int nr;
	bool revoked;
};

/**
 * struct ipcx_charge - what a region costs and who pays (see limits.c)
 * @ns: its IPC namespace's usage: pays for the region and its bytes
 * @creator: pays for the region
 * @payer: pays for @bytes: whoever set the size last
 * @bytes: the size rounded up to pages
 * @pinned: pages counted against the creator's RLIMIT_MEMLOCK (a hugetlb
 *          region's, taken from the pool at creation), else 0
 */
struct ipcx_charge {
	struct ipcx_ns_usage *ns;
	struct ipcx_user *creator;
	struct ipcx_user *payer;
	u64 bytes;
	unsigned long pinned;
};

/**
 * struct ipcx_region - one shared memory region
 *
 * Reference counting (the whole story): @ref counts
 *  - one reference per /dev/ipcx struct file attached to the region
 *    (struct ipcx_attach, dropped in the file's ->release). Mappings do not
 *    count: a vma's vm_file is a view (mmap.c) that holds the /dev/ipcx
 *    file and so the file's reference, and both files' fops->owner keep
 *    the module;
 *  - one reference held by the name table while a PERSISTENT region is
 *    linked (dropped by unlink, by the dead-namespace sweep, or at rmmod);
 *    AUTO_REMOVE and LEASE regions are linked without a reference;
 *  - temporary references taken by name lookups with kref_get_unless_zero()
 *    under ipcx_names_lock, and by whoever else calls ipcx_region_get().
 * The final ipcx_region_put() takes ipcx_names_lock (kref_put_mutex), so a
 * lookup never sees a region whose count reached zero: the release unhashes
 * it before the lock is dropped, then calls ipcx_region_teardown_locks(),
 * releases the shmem file, uncharges the limits and frees the region.
 *
 * Lock order, outermost first (all nestings that exist today):
 *   ipcx_names_lock -> @lock
 *   @resize_lock -> shmem inode lock -> i_mmap_rwsem (truncation)
 *   @resize_lock -> @lock
 *   mmap_lock -> @lock (->mmap and vm_ops)
 *   mmap_lock -> lock/owner.c's address-space sets (->mmap, owner registration)
 *   -> ipcx_regions' xa_lock (pruning a set)
 *   @resize_lock -> ipcx_lock_regions_mutex -> ipcx_lock.lock (locks, lock/core.c)
 *   ipcx_names_lock -> ipcx_regions' xa_lock (the registry, region.c)
 *   ipcx_nl_sem (events, nl_events.c) under none of these, nor under a
 *   spinlock
 *   ipcx_names_lock, @resize_lock or ipcx_lock_regions_mutex ->
 *   ipcx_limits_lock (the budgets, limits.c; innermost mutex)
 * @lock is a leaf spinlock. ipcx_names_lock and @resize_lock are never
 * held together, and neither is taken under mmap_lock.
 */
struct ipcx_region {
	struct kref ref;		/* see above */
	u64 id;				/* immutable */
	struct file *shmem;		/* immutable; backing (no fd; views share its inode) */
	u64 ctime_ns;			/* immutable; CLOCK_REALTIME at creation */
	struct pid *cpid;		/* immutable; creator's struct pid (referenced) */
	u32 lifetime;			/* immutable; enum ipcx_lifetime */
	u32 page_size;			/* immutable; bytes, PMD_SIZE for HUGE_THP */
	bool hugetlb;			/* immutable; @shmem is a hugetlbfs file */
	const char *name;		/* immutable; NULL for anonymous regions */
	struct vfsmount *ns_mnt;	/* immutable; pinned mqueue mount of the creating ipc ns */
	struct ipc_namespace *ns;	/* immutable; compared, never dereferenced after creation */
	struct hlist_node hnode;	/* ipcx_names_lock; name table bucket */
	struct list_head reap;		/* ipcx_names_lock; used by the sweep only */
	bool linked;			/* ipcx_names_lock (READ_ONCE to peek); name in place */
	struct ipcx_charge charge;	/* @resize_lock; see limits.c */
	struct list_head lock_charges;	/* @resize_lock; who pays for the locks (limits.c) */
	struct mutex resize_lock;	/* serialises size changes */
	spinlock_t lock;		/* guards the fields below */
	kuid_t uid, cuid;		/* @lock; owner, creator (cuid immutable) */
	kgid_t gid, cgid;		/* @lock; owner group, creator group (cgid immutable) */
	umode_t mode;			/* @lock; 0777 mask */
	u32 seals;			/* @lock; IPCX_SEAL_*, only ever grows */
	unsigned int nr_files;		/* @lock; attached struct files */
	unsigned int nr_maps;		/* @lock; vmas mapping the region */
	unsigned int nr_wmaps;		/* @lock; of those, with VM_MAYWRITE */
	bool write_sealing;		/* @lock; IPCX_SEAL_WRITE waits for pins: map as sealed */
	struct ipcx_region_locks locks;	/* built-in locks; see its definition */
};

/**
 * struct ipcx_attach - what an attached /dev/ipcx file holds (private_data)
 * @region: the region (one reference)
 * @rdonly: attached read-only: no writable mappings, no seal/resize
 * @lease: this file created a LEASE region; releasing it unlinks the name
 */
struct ipcx_attach {
	struct ipcx_region *region;
	bool rdonly;
	bool lease;
};

/* region.c: object, lifetime, shmem backing, limits */
struct ipcx_region *ipcx_region_create(const char *name, u64 size, umode_t mode,
				       u32 lifetime, u32 flags);
void ipcx_region_memory(struct ipcx_region *region, u64 *resident, u64 *swapped);
void ipcx_region_get(struct ipcx_region *region);
void ipcx_region_put(struct ipcx_region *region);
int ipcx_region_resize(struct ipcx_region *region, u64 size);
int ipcx_region_attach(struct file *file, struct ipcx_attach *att,
		       struct ipcx_region *region);
void ipcx_region_detach(struct file *file);
struct ipcx_attach *ipcx_file_attach(struct file *file);
struct ipcx_region *ipcx_file_region(struct file *file);

/* The region's backing pages: its shmem address_space and current size. */
static inline struct address_space *ipcx_region_mapping(struct ipcx_region *region)
{
	return region->shmem->f_mapping;
}

static inline loff_t ipcx_region_size(struct ipcx_region *region)
{
	return i_size_read(file_inode(region->shmem));
}

/*
 * lock/core.c, the region's side of the built-in locks:
 *  - init: at creation, before anything can reach the region;
 *  - teardown: once from the region's release, after the region left the
 *    name table and when no file, mapping, lock fd or lookup can reach it
 *    (process context, may sleep, no ipcx lock held), before the backing
 *    memory goes: frees the locks and unpins their pages;
 *  - revoke: IPCX_UNLINK_REVOKE: wake every waiter with EIDRM, fail every
 *    later lock operation with EIDRM;
 *  - beyond: does a declared lock lie at or past @size (resize_lock held)?
 */
void ipcx_region_init_locks(struct ipcx_region *region);
void ipcx_region_teardown_locks(struct ipcx_region *region);
void ipcx_region_revoke_locks(struct ipcx_region *region);
bool ipcx_region_locks_beyond(struct ipcx_region *region, u64 size);

/*
 * lock/owner_mm.c: an address space @mm now maps (or names through a lock ioctl)
 * @region, so the death of any owner of @mm scans @region's locks.
 */
int ipcx_mm_note_region(struct mm_struct *mm, struct ipcx_region *region);

/* names.c: the IPC-namespace-keyed name table */
extern struct mutex ipcx_names_lock;
int ipcx_name_copy(char *buf, u64 uname);
struct ipcx_region *ipcx_names_lookup(const char *name);
void ipcx_names_link(struct ipcx_region *region);
void ipcx_names_unhash(struct ipcx_region *region);
void ipcx_names_unlink_region(struct ipcx_region *region);
int ipcx_names_unlink(const char *name, bool revoke);
void ipcx_names_sweep(bool all);
void ipcx_names_bind_ns(struct ipcx_region *region);
bool ipcx_names_ns_is_current(const struct ipcx_region *region);
struct vfsmount *ipcx_names_ns_get(void);

/* perm.c: SysV-like permission checks */
int ipcx_perm_open(struct ipcx_region *region, bool write);
int ipcx_perm_open_ns(struct ipcx_region *region, bool write,
		      struct user_namespace *uns);
bool ipcx_perm_is_owner(struct ipcx_region *region);
int ipcx_perm_set(struct ipcx_region *region, const struct ipcx_region_perm *perm);

/* mmap.c */
int ipcx_mmap(struct file *file, struct vm_area_struct *vma);
unsigned long ipcx_get_unmapped_area(struct file *file, unsigned long addr,
				     unsigned long len, unsigned long pgoff,
				     unsigned long flags);
struct ipcx_region *ipcx_vma_region(struct vm_area_struct *vma);

/* region_ioctl.c: one handler per region command */
long ipcx_ioc_region_open(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_region_unlink(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_region_stat(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_region_set_perm(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_region_seal(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_region_resize(struct file *file, unsigned long arg, size_t usize);

/*
 * limits.c: the per-namespace and per-user budgets. A region is charged
 * at creation and on resize (resize_lock held), uncharged with its locks
 * when freed; a lock is charged when declared (resize_lock and
 * ipcx_lock_regions_mutex held) and, should the declaration fail after
 * all, uncharged with the cost the charge returned.
 */
struct ipcx_lock_cost {
	struct ipcx_lock_charge *lc;
	bool page;
};

int ipcx_limits_charge(struct ipcx_charge *c, u64 bytes, bool pinned);
void ipcx_limits_uncharge(struct ipcx_charge *c);
int ipcx_limits_resize(struct ipcx_region *region, u64 bytes);
int ipcx_limits_charge_lock(struct ipcx_region *region, u64 offset,
			    struct ipcx_lock_cost *cost);
void ipcx_limits_uncharge_lock(struct ipcx_region *region,
			       const struct ipcx_lock_cost *cost);
void ipcx_limits_uncharge_region(struct ipcx_region *region);
void ipcx_limits_exit(void);
void ipcx_limits_stats(struct ipcx_stats *st);	/* for STATS_GET, below */

/**
 * struct ipcx_stats - module limits and live counts (IPCX_NL_CMD_STATS_GET)
 * @max_regions: module parameter (per IPC namespace)
 * @max_region_bytes: module parameter
 * @max_total_bytes: module parameter (per IPC namespace)
 * @max_locks_per_region: module parameter
 * @regions: live regions, every namespace
 * @bytes: page-rounded sizes of the live regions, every namespace
 * @locks: declared locks
 * @owners: registered owner ids
 * @subscribers: sockets subscribed to the events of their IPC namespace
 * @max_subscribers: module parameter
 * @max_user_subscribers: module parameter
 * @max_user_regions: module parameter (limits.c)
 * @max_user_bytes: module parameter (limits.c)
 * @max_user_locks: module parameter (limits.c)
 * @max_user_owners: module parameter (lock/owner.c)
 * @user_regions: regions the caller's euid created
 * @user_bytes: bytes of the regions the caller's euid sized last
 * @user_locks: locks the caller's euid declared
 * @user_owners: owner ids of the caller's real uid
 * @user_subscribers: subscribed sockets of the caller's real uid
 * @user_locked_bytes: the caller's user's locked_vm, in bytes
 */
struct ipcx_stats {
	u32 max_regions;
	u64 max_region_bytes;
	u64 max_total_bytes;
	u32 max_locks_per_region;
	u32 regions;
	u64 bytes;
	u32 locks;
	u32 owners;
	u32 subscribers;
	u32 max_subscribers;
	u32 max_user_subscribers;
	u32 max_user_regions;
	u64 max_user_bytes;
	u32 max_user_locks;
	u32 max_user_owners;
	u32 user_regions;
	u64 user_bytes;
	u32 user_locks;
	u32 user_owners;
	u32 user_subscribers;
	u64 user_locked_bytes;
};

/*
 * region.c: the registry of every live region (named or not), keyed by id,
 * for the control plane. Both return a referenced region of the caller's
 * IPC namespace, or NULL; find_next starts at *@id and updates it.
 */
struct ipcx_region *ipcx_region_find_id(u64 id);
struct ipcx_region *ipcx_region_find_next(u64 *id);
struct ipcx_region *ipcx_region_get_live(u64 id);
bool ipcx_region_id_live(u64 id);
void ipcx_regions_stats(struct ipcx_stats *st);
void ipcx_regions_init(void);	/* at load: the huge-page tmpfs */
void ipcx_regions_exit(void);	/* at rmmod: destroy what is still named */

/* lock/core.c, lock/owner.c: their part of struct ipcx_stats */
void ipcx_locks_stats(struct ipcx_stats *st);
void ipcx_owners_stats(struct ipcx_stats *st);

/* netlink.c: the generic netlink family */
int ipcx_nl_register(void);
void ipcx_nl_unregister(void);

/* nl_events.c: its notifications and their subscribers */
void ipcx_nl_notify_region(const struct ipcx_region *region, bool created);

#endif /* _IPCX_INTERNAL_H */
