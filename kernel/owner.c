// SPDX-License-Identifier: GPL-2.0
/*
 * Owner ids: the numbers lock words hold, mapped to threads by struct pid.
 *
 * A thread registers once (IPCX_IOC_OWNER_REGISTER) and gets an id that no
 * other live owner has; ids are allocated cyclically so that a retired id is
 * not handed out again soon. When the thread exits or execs, the
 * sched_process_exit / sched_process_exec tracepoints mark its owner dead
 * and queue the death work, which releases every lock word that names it
 * (ipcx_locks_owner_died()) and only then retires the id. A thread found
 * exiting by a lazy check (ipcx_owner_id_alive()) counts as dead too, so a
 * lock is never left waiting for a tracepoint.
 *
 * Locking:
 *  - ipcx_owners_lock (spinlock) guards changes to ipcx_owner_idr and
 *    ipcx_owner_hash; readers of both use RCU and refcount_inc_not_zero().
 *  - The tracepoint probes run with preemption disabled: they only look up,
 *    set the dead bit, take a reference and queue work (no sleeping).
 *  - The death work runs in process context and takes lock-table locks
 *    (see lock.c); it never holds ipcx_owners_lock while doing so.
 */
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "locks.h"

static DEFINE_SPINLOCK(ipcx_owners_lock);
static DEFINE_IDR(ipcx_owner_idr);
static DEFINE_HASHTABLE(ipcx_owner_hash, 8);
static LLIST_HEAD(ipcx_dead_owners);

static void ipcx_death_workfn(struct work_struct *work);
static DECLARE_WORK(ipcx_death_work, ipcx_death_workfn);

static struct tracepoint *ipcx_tp_exit, *ipcx_tp_exec;

static void ipcx_owner_free_rcu(struct rcu_head *rcu)
{
	struct ipcx_owner *owner = container_of(rcu, struct ipcx_owner, rcu);

	put_pid(owner->pid);
	put_pid(owner->tgid);
	kfree(owner);
}

void ipcx_owner_put(struct ipcx_owner *owner)
{
	if (owner && refcount_dec_and_test(&owner->ref))
		call_rcu(&owner->rcu, ipcx_owner_free_rcu);
}

/* For IPCX_NL_CMD_STATS_GET: owner ids in the registry (dead or alive). */
void ipcx_owners_stats(struct ipcx_stats *st)
{
	struct ipcx_owner *owner;
	int id;

	st->owners = 0;
	rcu_read_lock();
	idr_for_each_entry(&ipcx_owner_idr, owner, id)
		st->owners++;
	rcu_read_unlock();
}

/* Caller holds rcu_read_lock(); returns a live-registry owner or NULL. */
static struct ipcx_owner *ipcx_owner_lookup_pid(struct pid *pid)
{
	struct ipcx_owner *owner;

	hash_for_each_possible_rcu(ipcx_owner_hash, owner, hnode,
				   (unsigned long)pid)
		if (owner->pid == pid && !test_bit(0, &owner->dead))
			return owner;
	return NULL;
}

static struct ipcx_owner *ipcx_owner_alloc(void)
{
	struct ipcx_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL_ACCOUNT);

	if (!owner)
		return NULL;
	refcount_set(&owner->ref, 2);	/* the registry's and the caller's */
	owner->pid = get_task_pid(current, PIDTYPE_PID);
	owner->tgid = get_task_pid(current, PIDTYPE_TGID);
	get_task_comm(owner->comm, current);
	return owner;
}

/**
 * ipcx_owner_current() - the calling thread's owner, with a reference
 * @create: register the thread when it has no owner yet
 *
 * Return: the owner, ERR_PTR(-ESRCH) when it has none and !@create,
 * ERR_PTR(-ENOMEM) or ERR_PTR(-ENOSPC) when registration fails.
 */
struct ipcx_owner *ipcx_owner_current(bool create)
{
	struct pid *pid = task_pid(current);
	struct ipcx_owner *owner;
	int id;

	rcu_read_lock();
	owner = ipcx_owner_lookup_pid(pid);
	if (owner && !refcount_inc_not_zero(&owner->ref))
		owner = NULL;
	rcu_read_unlock();
	if (owner || !create)
		return owner ?: ERR_PTR(-ESRCH);

	owner = ipcx_owner_alloc();
	if (!owner)
		return ERR_PTR(-ENOMEM);
	idr_preload(GFP_KERNEL);
	spin_lock(&ipcx_owners_lock);
	/* below 2^29 so that ids fit a reader-writer lock's word too */
	id = idr_alloc_cyclic(&ipcx_owner_idr, owner, 1, IPCX_RWW_ID_MASK,
			      GFP_NOWAIT);
	if (id > 0) {
		owner->id = id;
		hash_add_rcu(ipcx_owner_hash, &owner->hnode, (unsigned long)pid);
	}
	spin_unlock(&ipcx_owners_lock);
	idr_preload_end();
	if (id < 0) {
		refcount_set(&owner->ref, 1);
		ipcx_owner_put(owner);
		return ERR_PTR(id == -ENOSPC ? -ENOSPC : -ENOMEM);
	}
	return owner;
}

/* The owner registered under @id, with a reference, or NULL. */
struct ipcx_owner *ipcx_owner_find(u32 id)
{
	struct ipcx_owner *owner;

	rcu_read_lock();
	owner = idr_find(&ipcx_owner_idr, id);
	if (owner && !refcount_inc_not_zero(&owner->ref))
		owner = NULL;
	rcu_read_unlock();
	return owner;
}

/* Mark @owner dead once and hand it to the death work. Atomic context. */
static void ipcx_owner_mark_dead(struct ipcx_owner *owner)
{
	if (test_and_set_bit(0, &owner->dead))
		return;
	WRITE_ONCE(owner->death_ns, ktime_get_real_ns());
	if (!refcount_inc_not_zero(&owner->ref))
		return;
	llist_add(&owner->dead_node, &ipcx_dead_owners);
	schedule_work(&ipcx_death_work);
}

/**
 * ipcx_owner_id_alive() - may the thread behind @id still release its locks?
 * @id: an owner id read from a lock word (untrusted)
 *
 * An id nobody registered, an owner marked dead, or a thread that is
 * exiting counts as dead. Exiting threads found here are marked dead so the
 * death work releases their other locks too.
 */
bool ipcx_owner_id_alive(u32 id)
{
	struct ipcx_owner *owner;
	struct task_struct *task;
	bool alive = false;

	rcu_read_lock();
	owner = idr_find(&ipcx_owner_idr, id);
	if (owner && !test_bit(0, &owner->dead)) {
		task = pid_task(owner->pid, PIDTYPE_PID);
		alive = task && !(READ_ONCE(task->flags) & PF_EXITING);
		if (!alive)
			ipcx_owner_mark_dead(owner);
	}
	rcu_read_unlock();
	return alive;
}

static void ipcx_owner_task_gone(struct task_struct *task)
{
	struct ipcx_owner *owner;

	rcu_read_lock();
	owner = ipcx_owner_lookup_pid(task_pid(task));
	if (owner)
		ipcx_owner_mark_dead(owner);
	rcu_read_unlock();
}

static void ipcx_probe_exit(void *data, struct task_struct *task)
{
	ipcx_owner_task_gone(task);
}

static void ipcx_probe_exec(void *data, struct task_struct *task,
			    pid_t old_pid, struct linux_binprm *bprm)
{
	ipcx_owner_task_gone(task);
}

static void ipcx_death_workfn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&ipcx_dead_owners);
	struct ipcx_owner *owner, *tmp;

	llist_for_each_entry_safe(owner, tmp, list, dead_node) {
		ipcx_locks_owner_died(owner);
		spin_lock(&ipcx_owners_lock);
		if (idr_find(&ipcx_owner_idr, owner->id) == owner) {
			idr_remove(&ipcx_owner_idr, owner->id);
			hash_del_rcu(&owner->hnode);
			refcount_dec(&owner->ref);	/* the registry's */
		}
		spin_unlock(&ipcx_owners_lock);
		ipcx_owner_put(owner);			/* the work's */
	}
}

/* Fill @d from the owner registered as @id (or "unknown" for a stray id). */
void ipcx_death_record(struct ipcx_death *d, u32 id)
{
	struct ipcx_owner *owner = ipcx_owner_find(id);

	ipcx_death_clear(d);
	d->owner = id;
	d->time_ns = ktime_get_real_ns();
	if (!owner) {
		strscpy(d->comm, "?", sizeof(d->comm));
		return;
	}
	d->pid = get_pid(owner->pid);
	d->tgid = get_pid(owner->tgid);
	if (test_bit(0, &owner->dead))
		d->time_ns = READ_ONCE(owner->death_ns);
	memcpy(d->comm, owner->comm, sizeof(d->comm));
	ipcx_owner_put(owner);
}

void ipcx_death_clear(struct ipcx_death *d)
{
	put_pid(d->pid);
	put_pid(d->tgid);
	memset(d, 0, sizeof(*d));
}

void ipcx_death_to_user(const struct ipcx_death *d,
			struct ipcx_owner_info *info)
{
	struct pid_namespace *ns = task_active_pid_ns(current);

	memset(info, 0, sizeof(*info));
	info->owner = d->owner;
	info->time_ns = d->time_ns;
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

/* Describe the live owner @id (a lock's current holder) for user space. */
void ipcx_owner_to_user(u32 id, struct ipcx_owner_info *info)
{
	struct ipcx_owner *owner = id ? ipcx_owner_find(id) : NULL;
	struct ipcx_death d = { .owner = id };

	if (owner) {
		d.pid = owner->pid;
		d.tgid = owner->tgid;
		memcpy(d.comm, owner->comm, sizeof(d.comm));
	}
	ipcx_death_to_user(&d, info);
	ipcx_owner_put(owner);
}

struct ipcx_tp_wanted {
	const char *name;
	struct tracepoint **slot;
};

static void ipcx_tp_match(struct tracepoint *tp, void *priv)
{
	struct ipcx_tp_wanted *w;

	for (w = priv; w->name; w++)
		if (!strcmp(tp->name, w->name))
			*w->slot = tp;
}

int ipcx_owners_init(void)
{
	struct ipcx_tp_wanted wanted[] = {
		{ "sched_process_exit", &ipcx_tp_exit },
		{ "sched_process_exec", &ipcx_tp_exec },
		{ NULL, NULL },
	};
	int ret;

	for_each_kernel_tracepoint(ipcx_tp_match, wanted);
	if (!ipcx_tp_exit || !ipcx_tp_exec) {
		pr_err("ipcx: sched_process_exit/exec tracepoints not found\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(ipcx_tp_exit, ipcx_probe_exit, NULL);
	if (ret)
		return ret;
	ret = tracepoint_probe_register(ipcx_tp_exec, ipcx_probe_exec, NULL);
	if (ret)
		goto out_unregister_exit;
	return 0;

out_unregister_exit:
	tracepoint_probe_unregister(ipcx_tp_exit, ipcx_probe_exit, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

void ipcx_owners_exit(void)
{
	struct ipcx_owner *owner;
	int id;

	tracepoint_probe_unregister(ipcx_tp_exec, ipcx_probe_exec, NULL);
	tracepoint_probe_unregister(ipcx_tp_exit, ipcx_probe_exit, NULL);
	tracepoint_synchronize_unregister();
	flush_work(&ipcx_death_work);
	/* No region (hence no lock) is left: retire every remaining owner. */
	idr_for_each_entry(&ipcx_owner_idr, owner, id) {
		idr_remove(&ipcx_owner_idr, id);
		hash_del_rcu(&owner->hnode);
		ipcx_owner_put(owner);
	}
	idr_destroy(&ipcx_owner_idr);
	rcu_barrier();
}
