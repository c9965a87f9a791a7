// SPDX-License-Identifier: GPL-2.0
/*
 * The regions an owner's address space may have named: what a death costs.
 *
 * A lock word names an owner because a thread of the owner's address space
 * wrote it through a mapping of the region, or because the kernel wrote it
 * in a lock ioctl of the owner. So each address space with owners has a
 * struct ipcx_owner_mm: the set of regions it has mapped (noted by ->mmap,
 * and by a walk of the vmas when the set is made) or named in a lock ioctl.
 * The death work (owner.c) scans the locks of those regions only. A word
 * that names an owner from any other region was scribbled there by someone
 * who could write the region; it is recovered lazily by the next locker,
 * like any stray id. The set also says whether an owner's address space
 * had a region attached, which decides who may learn the owner's identity
 * (ipcx_owner_visible(), ipcx_death_of() in owner.c).
 *
 * Lifetime: an owner holds a reference on its address space's set from
 * registration until it is freed (ipcx_owner_put()).
 *
 * Locking:
 *  - ipcx_owner_mms_lock (spinlock) guards ipcx_owner_mms; readers use RCU.
 *    A set's xarray has its own lock. The spinlock may be taken under an
 *    ipcx_lock.lock (a last owner put) and never the other way round.
 *  - A set is made under mmap_lock held for reading (ipcx_owner_mm_walk()).
 */
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "lock.h"

/**
 * struct ipcx_owner_mm - the regions one address space may have named
 * @mm: the address space (mmgrab()ed, so the key is never reused while
 *      the set exists; only compared, never used)
 * @ref: one per owner of @mm (dropped when the owner is freed), and
 *       temporary ones; changes to 0 only under ipcx_owner_mms_lock
 * @regions: region ids (values unused); entries of freed regions are
 *           pruned when the set has doubled since the last prune
 * @nr: entries in @regions
 * @prune_at: prune when @nr passes it
 * @hnode: in ipcx_owner_mms (ipcx_owner_mms_lock)
 * @rcu: frees
 */
struct ipcx_owner_mm {
	struct mm_struct *mm;
	refcount_t ref;
	struct xarray regions;
	atomic_t nr;
	unsigned int prune_at;
	struct hlist_node hnode;
	struct rcu_head rcu;
};

#define IPCX_OWNER_MM_PRUNE_MIN 64

static DEFINE_SPINLOCK(ipcx_owner_mms_lock);
static DEFINE_HASHTABLE(ipcx_owner_mms, 8);	/* by mm */

static void ipcx_owner_mm_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct ipcx_owner_mm, rcu));
}

/* Any context but hard interrupts (an owner's last put may be atomic). */
void ipcx_owner_mm_put(struct ipcx_owner_mm *om)
{
	if (!om || refcount_dec_not_one(&om->ref))
		return;
	spin_lock(&ipcx_owner_mms_lock);	/* as refcount_dec_and_lock() */
	if (!refcount_dec_and_test(&om->ref)) {
		spin_unlock(&ipcx_owner_mms_lock);
		return;
	}
	hash_del_rcu(&om->hnode);
	spin_unlock(&ipcx_owner_mms_lock);
	xa_destroy(&om->regions);
	mmdrop(om->mm);
	call_rcu(&om->rcu, ipcx_owner_mm_free_rcu);
}

/* The set of @mm with a reference, or NULL when @mm has no owners. */
static struct ipcx_owner_mm *ipcx_owner_mm_find(struct mm_struct *mm)
{
	struct ipcx_owner_mm *om;

	rcu_read_lock();
	hash_for_each_possible_rcu(ipcx_owner_mms, om, hnode, (unsigned long)mm)
		if (om->mm == mm && refcount_inc_not_zero(&om->ref))
			goto out;
	om = NULL;
out:
	rcu_read_unlock();
	return om;
}

/* Drop the ids of freed regions (they are never reused). */
static void ipcx_owner_mm_prune(struct ipcx_owner_mm *om)
{
	unsigned long idx;
	void *entry;

	xa_for_each(&om->regions, idx, entry)
		if (!ipcx_region_id_live(idx) && xa_erase(&om->regions, idx))
			atomic_dec(&om->nr);
	WRITE_ONCE(om->prune_at, max_t(unsigned int, IPCX_OWNER_MM_PRUNE_MIN,
				       2 * atomic_read(&om->nr)));
}

static int ipcx_owner_mm_add(struct ipcx_owner_mm *om, u64 id)
{
	int ret = xa_insert(&om->regions, id, xa_mk_value(0),
			    GFP_KERNEL_ACCOUNT);

	if (ret == -EBUSY)
		return 0;
	if (ret)
		return ret;
	if (atomic_inc_return(&om->nr) > READ_ONCE(om->prune_at))
		ipcx_owner_mm_prune(om);
	return 0;
}

bool ipcx_owner_mm_has(struct ipcx_owner_mm *om, u64 id)
{
	return om && xa_load(&om->regions, id);
}

/**
 * ipcx_mm_note_region() - @mm maps @region (from ->mmap, mmap_lock held)
 * @mm: the address space
 * @region: the region
 *
 * Only address spaces with owners keep a set; the others are walked when
 * their first owner registers. Return: 0 or -ENOMEM.
 */
int ipcx_mm_note_region(struct mm_struct *mm, struct ipcx_region *region)
{
	struct ipcx_owner_mm *om = ipcx_owner_mm_find(mm);
	int ret;

	if (!om)
		return 0;
	ret = ipcx_owner_mm_add(om, region->id);
	ipcx_owner_mm_put(om);
	return ret;
}

/**
 * ipcx_owner_note_region() - @me is about to name itself in @region's locks
 * through a lock ioctl (the file may not be mapped in its address space)
 * @me: the caller's owner
 * @region: the file's region
 *
 * Return: 0 or -ENOMEM.
 */
int ipcx_owner_note_region(struct ipcx_owner *me, struct ipcx_region *region)
{
	return ipcx_owner_mm_add(me->mm, region->id);
}

/*
 * Note every region mapped in @om->mm. Called with mmap_lock held for
 * reading until @om is published, so that no ->mmap falls between the walk
 * and the publication.
 */
static int ipcx_owner_mm_walk(struct ipcx_owner_mm *om)
{
	VMA_ITERATOR(vmi, om->mm, 0);
	struct vm_area_struct *vma;
	struct ipcx_region *region;
	int ret;

	/* not mmap_assert_locked(): under DEBUG_VM it calls dump_mm(), not exported */
	lockdep_assert_held(&om->mm->mmap_lock);
	for_each_vma(vmi, vma) {
		region = ipcx_vma_region(vma);
		if (!region)
			continue;
		ret = ipcx_owner_mm_add(om, region->id);
		if (ret)
			return ret;
	}
	return 0;
}

/* The calling thread's address space's set, made on first use. */
struct ipcx_owner_mm *ipcx_owner_mm_current(void)
{
	struct mm_struct *mm = current->mm;
	struct ipcx_owner_mm *om, *old;
	int ret;

	if (!mm)
		return ERR_PTR(-EINVAL);	/* no user address space */
	om = ipcx_owner_mm_find(mm);
	if (om)
		return om;
	om = kzalloc(sizeof(*om), GFP_KERNEL_ACCOUNT);
	if (!om)
		return ERR_PTR(-ENOMEM);
	om->mm = mm;
	mmgrab(mm);
	refcount_set(&om->ref, 1);
	xa_init(&om->regions);
	om->prune_at = IPCX_OWNER_MM_PRUNE_MIN;

	mmap_read_lock(mm);
	ret = ipcx_owner_mm_walk(om);
	if (ret)
		goto out_unlock;
	spin_lock(&ipcx_owner_mms_lock);
	hash_for_each_possible(ipcx_owner_mms, old, hnode, (unsigned long)mm)
		if (old->mm == mm && refcount_inc_not_zero(&old->ref))
			goto out_lost_race;
	hash_add_rcu(ipcx_owner_mms, &om->hnode, (unsigned long)mm);
	spin_unlock(&ipcx_owner_mms_lock);
	mmap_read_unlock(mm);
	return om;

out_lost_race:
	spin_unlock(&ipcx_owner_mms_lock);
	ret = 0;
out_unlock:
	mmap_read_unlock(mm);
	xa_destroy(&om->regions);
	mmdrop(mm);
	kfree(om);
	return ret ? ERR_PTR(ret) : old;
}

/**
 * ipcx_owner_mm_release_locks() - release every lock word that dead @owner
 * may hold: those of the live regions its address space named
 * @om: @owner's set
 * @owner: the dead owner
 *
 * Death work (process context, no lock of ours held).
 */
void ipcx_owner_mm_release_locks(struct ipcx_owner_mm *om,
				 struct ipcx_owner *owner)
{
	struct ipcx_region *region;
	unsigned long idx;
	void *entry;

	xa_for_each(&om->regions, idx, entry) {
		region = ipcx_region_get_live(idx);
		if (!region)
			continue;
		ipcx_region_owner_died(region, owner);
		ipcx_region_put(region);
		cond_resched();
	}
}
