// SPDX-License-Identifier: GPL-2.0
/*
 * A lock's death records (struct ipcx_death): who died holding it, kept by
 * the lock (its last death and the first of an unrepaired chain), copied
 * out to callers under the visibility rule of ipcx_owner_visible(), and
 * copied for a notification sent after ipcx_lock.lock is dropped.
 *
 * A record holds its own struct pid references, so it outlives the owner;
 * ipcx_death_clear() drops them. ipcx_death_of(), which fills a record from
 * a registered owner, stays in owner.c: it reads the owner's address-space
 * set, which is owner.c's alone.
 *
 * Locking: ipcx_lock_death() runs with ipcx_lock.lock held; the others
 * work on a record their caller owns or guards and take no lock. None
 * sleeps.
 */
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "lock.h"

/**
 * ipcx_death_record() - fill @d from the owner registered as @id
 * @d: a lock's death record
 * @region: the lock's region
 * @id: the dead holder's id (an unknown id gives comm "?")
 *
 * Remembers whether the owner's address space had @region attached, for
 * ipcx_death_to_user(). Atomic context is fine.
 */
void ipcx_death_record(struct ipcx_death *d, const struct ipcx_region *region,
		       u32 id)
{
	struct ipcx_owner *owner = ipcx_owner_find(id);

	if (owner) {
		ipcx_death_of(d, region, owner);
		ipcx_owner_put(owner);
		return;
	}
	ipcx_death_clear(d);
	d->owner = id;
	d->time_ns = ktime_get_real_ns();
	strscpy(d->comm, "?", sizeof(d->comm));
}

void ipcx_death_clear(struct ipcx_death *d)
{
	put_pid(d->pid);
	put_pid(d->tgid);
	memset(d, 0, sizeof(*d));
}

/**
 * ipcx_death_visible() - may a receiver learn which thread @d is about?
 * @d: a death record
 * @ns: the receiver's pid namespace
 * @cred: the receiver's credentials
 *
 * The rule of ipcx_owner_visible(): the thread is in @ns, and it is of the
 * receiver's user or its address space had the lock's region attached. A
 * stray id (no thread) has nothing to hide.
 */
bool ipcx_death_visible(const struct ipcx_death *d, struct pid_namespace *ns,
			const struct cred *cred)
{
	if (!d->pid)
		return true;
	return pid_nr_ns(d->pid, ns) &&
	       (uid_eq(d->uid, cred->uid) || uid_eq(d->uid, cred->euid) ||
		d->attached);
}

/*
 * Copy @d out for the calling thread: the thread behind the id only when
 * the caller may see it (ipcx_death_visible()), else the id alone.
 */
void ipcx_death_to_user(const struct ipcx_death *d,
			struct ipcx_owner_info *info)
{
	struct pid_namespace *ns = task_active_pid_ns(current);

	memset(info, 0, sizeof(*info));
	info->owner = d->owner;
	info->time_ns = d->time_ns;
	if (!ipcx_death_visible(d, ns, current_cred()))
		return;
	info->pid = d->pid ? pid_nr_ns(d->pid, ns) : 0;
	info->tgid = d->tgid ? pid_nr_ns(d->tgid, ns) : 0;
	memcpy(info->comm, d->comm, sizeof(info->comm));
	info->comm[sizeof(info->comm) - 1] = '\0';
}

/*
 * @dst becomes a copy of @src with its own pid references (for a
 * notification sent after the lock is dropped); ipcx_death_clear() ends it.
 * Atomic context is fine.
 */
void ipcx_death_copy(struct ipcx_death *dst, const struct ipcx_death *src)
{
	ipcx_death_clear(dst);
	*dst = *src;
	get_pid(dst->pid);
	get_pid(dst->tgid);
}

/**
 * ipcx_lock_death() - record that the holder @id of @l died
 * @l: the lock
 * @id: the dead holder's owner id (untrusted: read from the word)
 * @chained: the word still carried IPCX_LOCKW_DIED from an earlier death
 *           that nobody repaired: that death stays the first of the chain
 *
 * Context: l->lock held.
 */
void ipcx_lock_death(struct ipcx_lock *l, u32 id, bool chained)
{
	lockdep_assert_held(&l->lock);
	ipcx_death_record(&l->last_death, l->region, id);
	l->owner_deaths++;
	if (chained && l->chain_deaths) {
		l->chain_deaths++;
		return;
	}
	ipcx_death_copy(&l->first_death, &l->last_death);
	l->chain_deaths = 1;
}
