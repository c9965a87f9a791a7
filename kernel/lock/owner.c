// SPDX-License-Identifier: GPL-2.0
/*
 * Owner ids: the numbers lock words hold, mapped to threads by struct pid.
 *
 * A thread registers once (IPCX_IOC_OWNER_REGISTER) and gets an id that no
 * other live owner has; ids are allocated cyclically so that a retired id is
 * not handed out again soon. One user (real uid) may have at most
 * max_user_owners ids registered (EAGAIN beyond), so that no user can use
 * up the id space or the memory behind it. A thread killed by a SIGKILL
 * is marked dead at the signal_deliver tracepoint, when it dequeues the
 * SIGKILL on its way back to user mode and turns to do_group_exit(): that
 * is before do_exit() tears its address space down, which can take
 * milliseconds. Any other exit is marked at the sched_process_exit
 * tracepoint, after that teardown; at an exec, from the
 * leader or from any other thread, sched_process_exec marks dead every
 * owner of the process (after de_thread() the exec'ing thread carries the
 * old leader's struct pid and its own is gone, but the process keeps its
 * tgid struct pid). A thread found exiting by a lazy check
 * (ipcx_owner_id_alive()) counts as dead too, so a lock is never left
 * waiting for a tracepoint.
 *
 * Deaths cost what the dead thread could have held: the death work scans
 * only the regions its address space may have named (owner_mm.c).
 *
 * The death work runs per user: each user with owners has its own work
 * item on ipcx_death_wq, an unbound workqueue of this module, which handles
 * that user's dead owners in the order they died. Users' items run
 * concurrently, so one user's thread churn (each death scanning, say, a
 * hundred thousand locks of its own) delays only that user's recoveries.
 *
 * Locking:
 *  - ipcx_owners_lock (spinlock) guards ipcx_owner_idr, both owner hashes,
 *    ipcx_owner_users and each struct ipcx_owner_user's @owners; readers of
 *    the idr and the owner hashes use RCU and refcount_inc_not_zero().
 *    It may be taken under an ipcx_lock.lock (a last owner put) and never
 *    the other way round (as owner_mm.c's ipcx_owner_mms_lock). It is
 *    irq-safe: the signal_deliver probe runs under the siglock with
 *    interrupts off and may put a user's last reference, and the siglock
 *    is taken from hard interrupts (posix timers).
 *  - The tracepoint probes run with preemption disabled: they only look up,
 *    set the dead bit, take references and queue work (no sleeping).
 *  - The death work runs in process context and holds no lock of ours
 *    across a scan: it takes a region reference, then each lock's spinlock.
 */
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "lock.h"

static unsigned int max_user_owners = 32768;
module_param(max_user_owners, uint, 0644);
MODULE_PARM_DESC(max_user_owners,
		 "most owner ids one user may have registered (EAGAIN beyond)");

/**
 * struct ipcx_owner_user - one user's owner ids and its death work
 * @uid: the real uid of the registering threads
 * @ref: one per registered owner until it is retired, one per queued run
 *       of @work; changes to 0 only under ipcx_owners_lock
 * @owners: owners registered and not yet retired (ipcx_owners_lock)
 * @dead: owners marked dead, waiting for @work
 * @work: on ipcx_death_wq: releases the locks of @dead, in order of death
 * @hnode: in ipcx_owner_users (ipcx_owners_lock)
 */
struct ipcx_owner_user {
	kuid_t uid;
	refcount_t ref;
	unsigned int owners;
	struct llist_head dead;
	struct work_struct work;
	struct hlist_node hnode;
};

static DEFINE_SPINLOCK(ipcx_owners_lock);
static DEFINE_IDR(ipcx_owner_idr);
static DEFINE_HASHTABLE(ipcx_owner_hash, 8);	/* by struct pid */
static DEFINE_HASHTABLE(ipcx_owner_tgid_hash, 8);	/* by tgid struct pid */
static DEFINE_HASHTABLE(ipcx_owner_users, 6);	/* by uid */

static struct workqueue_struct *ipcx_death_wq;
static struct tracepoint *ipcx_tp_exit, *ipcx_tp_exec, *ipcx_tp_signal;

static void ipcx_death_workfn(struct work_struct *work);

/* threads get_signal() lets exit on their own, not by do_group_exit() */
#ifdef PF_USER_WORKER
#define IPCX_PF_OWN_EXIT	(PF_IO_WORKER | PF_USER_WORKER)
#else
#define IPCX_PF_OWN_EXIT	PF_IO_WORKER
#endif

/* ---- the users ---- */

static void ipcx_owner_user_put(struct ipcx_owner_user *u)
{
	unsigned long flags;

	if (refcount_dec_not_one(&u->ref))
		return;
	/* as refcount_dec_and_lock_irqsave(): the signal probe's put */
	spin_lock_irqsave(&ipcx_owners_lock, flags);
	if (!refcount_dec_and_test(&u->ref)) {
		spin_unlock_irqrestore(&ipcx_owners_lock, flags);
		return;
	}
	hash_del(&u->hnode);
	spin_unlock_irqrestore(&ipcx_owners_lock, flags);
	kfree(u);	/* also from its own work function, which is allowed */
}

/*
 * Count a new owner against @uid's bound; @spare is a preallocated
 * user, consumed (*@spare = NULL) when @uid had none.
 */
static struct ipcx_owner_user *
ipcx_owner_user_charge(kuid_t uid, struct ipcx_owner_user **spare)
{
	struct ipcx_owner_user *u;

	lockdep_assert_held(&ipcx_owners_lock);
	hash_for_each_possible(ipcx_owner_users, u, hnode, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			goto found;
	u = *spare;
	*spare = NULL;
	u->uid = uid;
	refcount_set(&u->ref, 1);
	u->owners = 1;
	init_llist_head(&u->dead);
	INIT_WORK(&u->work, ipcx_death_workfn);
	hash_add(ipcx_owner_users, &u->hnode, __kuid_val(uid));
	return u;

found:
	if (u->owners >= READ_ONCE(max_user_owners))
		return ERR_PTR(-EAGAIN);
	u->owners++;
	refcount_inc(&u->ref);
	return u;
}

/* ---- the owners ---- */

static void ipcx_owner_free_rcu(struct rcu_head *rcu)
{
	struct ipcx_owner *owner = container_of(rcu, struct ipcx_owner, rcu);

	put_pid(owner->pid);
	put_pid(owner->tgid);
	kfree(owner);
}

/* Any context but hard interrupts; may be under an ipcx_lock.lock. */
void ipcx_owner_put(struct ipcx_owner *owner)
{
	if (!owner || !refcount_dec_and_test(&owner->ref))
		return;
	ipcx_owner_mm_put(owner->mm);	/* not from the RCU callback */
	call_rcu(&owner->rcu, ipcx_owner_free_rcu);
}

/* The owner ids @uid has registered and not retired (its max_user_owners use). */
static unsigned int ipcx_owner_user_count(kuid_t uid)
{
	struct ipcx_owner_user *u;
	unsigned int n = 0;

	spin_lock_irq(&ipcx_owners_lock);
	hash_for_each_possible(ipcx_owner_users, u, hnode, __kuid_val(uid)) {
		if (uid_eq(u->uid, uid)) {
			n = u->owners;
			break;
		}
	}
	spin_unlock_irq(&ipcx_owners_lock);
	return n;
}

/*
 * For IPCX_NL_CMD_STATS_GET: owner ids in the registry (dead or alive), and
 * the caller's real uid's count against max_user_owners.
 */
void ipcx_owners_stats(struct ipcx_stats *st)
{
	struct ipcx_owner *owner;
	int id;

	st->owners = 0;
	rcu_read_lock();
	idr_for_each_entry(&ipcx_owner_idr, owner, id)
		st->owners++;
	rcu_read_unlock();
	st->max_user_owners = READ_ONCE(max_user_owners);
	st->user_owners = ipcx_owner_user_count(current_uid());
}

/* Caller holds rcu_read_lock(); returns a live-registry owner or NULL. */
static struct ipcx_owner *ipcx_owner_lookup_pid(struct pid *pid)
{
	struct ipcx_owner *owner;

	hash_for_each_possible_rcu(ipcx_owner_hash, owner, hnode,
				   (unsigned long)pid)
		if (owner->pid == pid &&
		    !test_bit(IPCX_OWNER_DEAD_BIT, &owner->dead))
			return owner;
	return NULL;
}

/* A new owner for the calling thread (not yet registered), or ERR_PTR(). */
static struct ipcx_owner *ipcx_owner_alloc(void)
{
	struct ipcx_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL_ACCOUNT);
	struct ipcx_owner_mm *om;

	if (!owner)
		return ERR_PTR(-ENOMEM);
	om = ipcx_owner_mm_current();
	if (IS_ERR(om)) {
		kfree(owner);
		return ERR_CAST(om);
	}
	refcount_set(&owner->ref, 2);	/* the registry's and the caller's */
	owner->mm = om;
	owner->uid = current_uid();
	owner->pid = get_task_pid(current, PIDTYPE_PID);
	owner->tgid = get_task_pid(current, PIDTYPE_TGID);
	get_task_comm(owner->comm, current);
	return owner;
}

/* Give @owner an id and publish it, charged to its user. */
static int ipcx_owner_publish(struct ipcx_owner *owner)
{
	struct ipcx_owner_user *u, *spare;
	int id;

	spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare)
		return -ENOMEM;
	idr_preload(GFP_KERNEL);
	spin_lock_irq(&ipcx_owners_lock);
	u = ipcx_owner_user_charge(owner->uid, &spare);
	if (IS_ERR(u)) {
		id = PTR_ERR(u);
		goto out_unlock;
	}
	/* below 2^29 so that ids fit a reader-writer lock's word too */
	id = idr_alloc_cyclic(&ipcx_owner_idr, owner, 1, IPCX_RWW_ID_MASK,
			      GFP_NOWAIT);
	if (id < 0) {
		u->owners--;
		if (refcount_dec_and_test(&u->ref)) {
			hash_del(&u->hnode);
			spare = u;	/* freed below */
		}
		goto out_unlock;
	}
	owner->id = id;
	owner->user = u;
	hash_add_rcu(ipcx_owner_hash, &owner->hnode, (unsigned long)owner->pid);
	hash_add_rcu(ipcx_owner_tgid_hash, &owner->tnode,
		     (unsigned long)owner->tgid);
out_unlock:
	spin_unlock_irq(&ipcx_owners_lock);
	idr_preload_end();
	kfree(spare);
	return id < 0 ? id : 0;
}

/**
 * ipcx_owner_current() - the calling thread's owner, with a reference
 * @create: register the thread when it has no owner yet
 *
 * Return: the owner, ERR_PTR(-ESRCH) when it has none and !@create;
 * when registration fails ERR_PTR(-ENOMEM), ERR_PTR(-EAGAIN) (the user has
 * max_user_owners ids), ERR_PTR(-ENOSPC) (ids exhausted) or
 * ERR_PTR(-EINVAL) (a thread without a user address space).
 */
struct ipcx_owner *ipcx_owner_current(bool create)
{
	struct ipcx_owner *owner;
	int ret;

	rcu_read_lock();
	owner = ipcx_owner_lookup_pid(task_pid(current));
	if (owner && !refcount_inc_not_zero(&owner->ref))
		owner = NULL;
	rcu_read_unlock();
	if (owner || !create)
		return owner ?: ERR_PTR(-ESRCH);

	owner = ipcx_owner_alloc();
	if (IS_ERR(owner))
		return owner;
	ret = ipcx_owner_publish(owner);
	if (ret) {
		refcount_set(&owner->ref, 1);
		ipcx_owner_put(owner);
		return ERR_PTR(ret);
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

/* The owner registered under @id, or NULL; no reference: under RCU only. */
struct ipcx_owner *ipcx_owner_lookup_rcu(u32 id)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "owner lookup outside RCU");
	return idr_find(&ipcx_owner_idr, id);
}

/*
 * Mark @owner dead once and queue it for its user's death work. Atomic
 * context. @owner is registered (not retired: retiring needs the dead bit
 * and the work), so its user is alive.
 */
static void ipcx_owner_mark_dead(struct ipcx_owner *owner)
{
	struct ipcx_owner_user *u = owner->user;

	if (test_and_set_bit(IPCX_OWNER_DEAD_BIT, &owner->dead))
		return;
	WRITE_ONCE(owner->death_ns, ktime_get_real_ns());
	if (!refcount_inc_not_zero(&owner->ref))
		return;
	/*
	 * The run's reference first: once @owner is on the list, a run
	 * already under way may retire it and put its user's last reference.
	 */
	refcount_inc(&u->ref);		/* the run's, dropped by the work */
	llist_add(&owner->dead_node, &u->dead);
	if (!queue_work(ipcx_death_wq, &u->work))
		ipcx_owner_user_put(u);	/* a run is pending already */
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
	if (owner && !test_bit(IPCX_OWNER_DEAD_BIT, &owner->dead)) {
		task = pid_task(owner->pid, PIDTYPE_PID);
		alive = task && !(READ_ONCE(task->flags) & PF_EXITING);
		if (!alive)
			ipcx_owner_mark_dead(owner);
	}
	rcu_read_unlock();
	return alive;
}

static void ipcx_probe_exit(void *data, struct task_struct *task)
{
	struct ipcx_owner *owner;

	rcu_read_lock();
	owner = ipcx_owner_lookup_pid(task_pid(task));
	if (owner)
		ipcx_owner_mark_dead(owner);
	rcu_read_unlock();
}

/*
 * Every signal delivery on the system comes here: anything but SIGKILL
 * leaves at once. get_signal() reports SIGKILL only right before it takes
 * the thread to do_group_exit() (no handler, no ignoring, no signal stop
 * applies to it): the thread never returns to user mode, and it is in no
 * ioctl of ours (get_signal() runs on the way back to user mode), so its
 * locks are as good as released by a dead holder from here on. Only a
 * group exit the SIGKILL started (complete_signal() sets
 * SIGNAL_GROUP_EXIT when it is sent) is taken; an exec's zapping of the
 * other threads is left to sched_process_exec, and an io_uring or vhost
 * worker, which leaves get_signal() to exit on its own (never an owner), to
 * sched_process_exit.
 * Called under the siglock with interrupts off.
 */
static void ipcx_probe_signal(void *data, int sig, struct kernel_siginfo *info,
			      struct k_sigaction *ka)
{
	struct ipcx_owner *owner;

	if (likely(sig != SIGKILL))
		return;
	if (!(READ_ONCE(current->signal->flags) & SIGNAL_GROUP_EXIT) ||
	    (current->flags & IPCX_PF_OWN_EXIT))
		return;
	rcu_read_lock();
	owner = ipcx_owner_lookup_pid(task_pid(current));
	if (owner)
		ipcx_owner_mark_dead(owner);
	rcu_read_unlock();
}

/*
 * After de_thread() every other thread of the process is gone, and the
 * exec'ing thread's own owner sits under a struct pid it no longer has: the
 * owners of the old image are those of the process's tgid.
 */
static void ipcx_probe_exec(void *data, struct task_struct *task,
			    pid_t old_pid, struct linux_binprm *bprm)
{
	struct pid *tgid = task_tgid(task);
	struct ipcx_owner *owner;

	rcu_read_lock();
	hash_for_each_possible_rcu(ipcx_owner_tgid_hash, owner, tnode,
				   (unsigned long)tgid)
		if (owner->tgid == tgid)
			ipcx_owner_mark_dead(owner);
	rcu_read_unlock();
}

/* Take dead @owner out of the registry; its id may be handed out again. */
static void ipcx_owner_retire(struct ipcx_owner *owner)
{
	struct ipcx_owner_user *u = owner->user;

	spin_lock_irq(&ipcx_owners_lock);
	idr_remove(&ipcx_owner_idr, owner->id);
	hash_del_rcu(&owner->hnode);
	hash_del_rcu(&owner->tnode);
	u->owners--;
	spin_unlock_irq(&ipcx_owners_lock);
	ipcx_owner_user_put(u);		/* the owner's */
	ipcx_owner_put(owner);		/* the registry's */
}

/* One user's death work: its dead owners, in the order they died. */
static void ipcx_death_workfn(struct work_struct *work)
{
	struct ipcx_owner_user *u = container_of(work, struct ipcx_owner_user,
						 work);
	struct llist_node *list = llist_reverse_order(llist_del_all(&u->dead));
	struct ipcx_owner *owner, *tmp;

	llist_for_each_entry_safe(owner, tmp, list, dead_node) {
		ipcx_owner_mm_release_locks(owner->mm, owner);
		ipcx_owner_retire(owner);
		ipcx_owner_put(owner);			/* the work's */
		cond_resched();
	}
	ipcx_owner_user_put(u);				/* this run's */
}

/*
 * May the calling thread learn which thread @owner is? Only when the thread
 * is in its pid namespace, and it is of the caller's user or its address
 * space has attached @region (the region being asked about).
 */
static bool ipcx_owner_visible(struct ipcx_owner *owner,
			       const struct ipcx_region *region)
{
	if (!pid_nr_ns(owner->pid, task_active_pid_ns(current)))
		return false;
	return uid_eq(owner->uid, current_uid()) ||
	       uid_eq(owner->uid, current_euid()) ||
	       (region && ipcx_owner_mm_has(owner->mm, region->id));
}

/**
 * ipcx_death_of() - fill @d from @owner (dead, or acting on a lock of
 * @region), with its own pid references; ipcx_death_clear() ends it
 * @d: a death record (zeroed or filled before)
 * @region: the lock's region
 * @owner: the owner
 *
 * Atomic context is fine.
 */
void ipcx_death_of(struct ipcx_death *d, const struct ipcx_region *region,
		   struct ipcx_owner *owner)
{
	ipcx_death_clear(d);
	d->owner = owner->id;
	d->time_ns = test_bit(IPCX_OWNER_DEAD_BIT, &owner->dead) ?
		     READ_ONCE(owner->death_ns) : ktime_get_real_ns();
	d->pid = get_pid(owner->pid);
	d->tgid = get_pid(owner->tgid);
	d->uid = owner->uid;
	d->attached = ipcx_owner_mm_has(owner->mm, region->id);
	memcpy(d->comm, owner->comm, sizeof(d->comm));
}

/**
 * ipcx_owner_to_user() - describe the live owner @id (a lock's current
 * holder in @region) for the calling thread
 * @region: the lock's region
 * @id: the id in the lock word (untrusted)
 * @info: filled; the thread only when the caller may see it
 */
void ipcx_owner_to_user(const struct ipcx_region *region, u32 id,
			struct ipcx_owner_info *info)
{
	struct ipcx_owner *owner = id ? ipcx_owner_find(id) : NULL;
	struct pid_namespace *ns = task_active_pid_ns(current);

	memset(info, 0, sizeof(*info));
	info->owner = id;
	if (!owner)
		return;
	if (ipcx_owner_visible(owner, region)) {
		info->pid = pid_nr_ns(owner->pid, ns);
		info->tgid = pid_nr_ns(owner->tgid, ns);
		memcpy(info->comm, owner->comm, sizeof(info->comm));
		info->comm[sizeof(info->comm) - 1] = '\0';
	}
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
		{ "signal_deliver", &ipcx_tp_signal },
		{ NULL, NULL },
	};
	int ret;

	for_each_kernel_tracepoint(ipcx_tp_match, wanted);
	if (!ipcx_tp_exit || !ipcx_tp_exec || !ipcx_tp_signal) {
		pr_err("ipcx: sched_process_exit/exec or signal_deliver tracepoints not found\n");
		return -ENOENT;
	}
	/* unbound, not ordered: one user's deaths must not wait for another's */
	ipcx_death_wq = alloc_workqueue("ipcx_death", WQ_UNBOUND, 0);
	if (!ipcx_death_wq)
		return -ENOMEM;
	ret = tracepoint_probe_register(ipcx_tp_exit, ipcx_probe_exit, NULL);
	if (ret)
		goto out_destroy_wq;
	ret = tracepoint_probe_register(ipcx_tp_exec, ipcx_probe_exec, NULL);
	if (ret)
		goto out_unregister_exit;
	ret = tracepoint_probe_register(ipcx_tp_signal, ipcx_probe_signal,
					NULL);
	if (ret)
		goto out_unregister_exec;
	return 0;

out_unregister_exec:
	tracepoint_probe_unregister(ipcx_tp_exec, ipcx_probe_exec, NULL);
out_unregister_exit:
	tracepoint_probe_unregister(ipcx_tp_exit, ipcx_probe_exit, NULL);
	tracepoint_synchronize_unregister();
out_destroy_wq:
	destroy_workqueue(ipcx_death_wq);
	return ret;
}

void ipcx_owners_exit(void)
{
	struct ipcx_owner *owner;
	int id;

	tracepoint_probe_unregister(ipcx_tp_signal, ipcx_probe_signal, NULL);
	tracepoint_probe_unregister(ipcx_tp_exec, ipcx_probe_exec, NULL);
	tracepoint_probe_unregister(ipcx_tp_exit, ipcx_probe_exit, NULL);
	tracepoint_synchronize_unregister();
	destroy_workqueue(ipcx_death_wq);	/* runs what is queued */
	/* No region (hence no lock) is left: retire every remaining owner. */
	idr_for_each_entry(&ipcx_owner_idr, owner, id)
		ipcx_owner_retire(owner);
	idr_destroy(&ipcx_owner_idr);
	rcu_barrier();
}
