/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Built-in locks: private declarations shared by the files of kernel/lock/
 * (core.c, acquire.c, death.c, owner.c, owner_mm.c, mutex.c, rwlock.c,
 * sem.c, event.c, fd.c, ioctl.c) and the few outside that reach into it.
 * The design essay opens core.c; acquire.c runs every kind's acquisition
 * (one skeleton); the ABI is in the uapi header.
 */
#ifndef _IPCX_LOCK_LOCK_H
#define _IPCX_LOCK_LOCK_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "../internal.h"

struct ipcx_owner_user;
struct ipcx_owner_mm;

/**
 * struct ipcx_owner - an owner id and the thread it stands for
 * @id: the number user space writes into lock words
 * @ref: see the lifetime rule below
 * @pid: the thread (never a pid number: those are recycled)
 * @tgid: the thread's process
 * @dead: bit IPCX_OWNER_DEAD_BIT, set once, by the exit/exec tracepoint or
 *        by a lazy check
 * @death_ns: CLOCK_REALTIME when @dead was set
 * @comm: the thread's command name at registration
 * @hnode: in ipcx_owner_hash, keyed by @pid (ipcx_owners_lock; RCU readers)
 * @tnode: in ipcx_owner_tgid_hash, keyed by @tgid (as @hnode)
 * @dead_node: on its user's dead list until the death work handles it
 * @uid: the real uid of the thread at registration
 * @user: its user's bound and death work (owner.c; valid until retired)
 * @mm: the regions its address space may name (owner_mm.c; a reference)
 * @rcu: for kfree_rcu
 *
 * Lifetime: one reference belongs to the registry (the id in the idr and the
 * entry in the hash) from registration until the death work has released
 * every lock word naming the owner and removed it from both; the tracepoint
 * takes one more for the death work. Lookups under RCU take a reference with
 * refcount_inc_not_zero(). The last put drops the @mm reference, then frees
 * with call_rcu(), dropping the struct pid references.
 */
struct ipcx_owner {
	u32 id;
	refcount_t ref;
	struct pid *pid;
	struct pid *tgid;
	unsigned long dead;
#define IPCX_OWNER_DEAD_BIT	0
	u64 death_ns;
	char comm[TASK_COMM_LEN];
	struct hlist_node hnode;
	struct hlist_node tnode;
	struct llist_node dead_node;
	kuid_t uid;
	struct ipcx_owner_user *user;
	struct ipcx_owner_mm *mm;
	struct rcu_head rcu;
	struct ipcx_lock *dl_blocked_on;	/* deadlock.c: ipcx_dl_lock */
};

/**
 * struct ipcx_death - who died holding a lock, kept by the lock
 * @pid: the thread, a counted reference (NULL: unknown owner id)
 * @tgid: its process, a counted reference or NULL
 * @owner: the owner id it had
 * @time_ns: when
 * @comm: its command name
 * @uid: its real uid
 * @attached: its address space had the lock's region attached, so users
 *            of the region may see who it was (ipcx_death_to_user())
 */
struct ipcx_death {
	struct pid *pid;
	struct pid *tgid;
	u32 owner;
	u64 time_ns;
	char comm[TASK_COMM_LEN];
	kuid_t uid;
	bool attached;
};

/**
 * struct ipcx_waiter - a thread asleep in the kernel on a lock (on its stack)
 * @node: in ipcx_lock.waiters, FIFO
 * @task: the sleeping thread
 * @owner: its owner id (mutex) or 0 (event)
 * @granted: set by the waker under ipcx_lock.lock: the wait is over
 * @result: with @granted: 0, -EOWNERDEAD, -ENOTRECOVERABLE or -EIDRM
 * @steals: times it was woken and found the lock taken by a newcomer
 * @since_ns: ktime_get_ns() when this wait first slept (IPCX_NL_CMD_WAITS_GET)
 * @want: a rwlock's IPCX_WAIT_READ or IPCX_WAIT_WRITE (0: the lock's kind says)
 * @units: a semaphore's units waited for
 */
struct ipcx_waiter {
	struct list_head node;
	struct task_struct *task;
	u32 owner;
	bool granted;
	int result;
	unsigned int steals;
	u64 since_ns;
	u32 want;
	u32 units;
};

/**
 * struct ipcx_lock - the kernel's half of one declared lock block
 * @offset: where the block is in the region
 * @region: the region whose table holds it (no reference: see Lifetime)
 * @kind: enum ipcx_lock_kind
 * @page: the region page holding the block; a page reference is held from
 *        declaration to teardown, so the page stays resident
 * @word: the lock word, at page_address(@page)
 * @lock: guards everything below and every change the kernel makes to
 *        *@word (user space changes it only with its documented CAS)
 * @waiters: struct ipcx_waiter, oldest first
 * @nr_waiters: length of @waiters
 * @pollers: open lock fds; while non-zero the waiters bit stays set so
 *           that every release and signal passes through the kernel
 * @revoked: the region was destroyed: every operation fails with EIDRM
 * @pollq: lock fds poll here
 * @acquisitions: acquisitions through the kernel
 * @contended: acquisitions that slept
 * @wait_ns_total: sum of sleeps before acquisition
 * @wait_ns_max: longest sleep before acquisition
 * @owner_deaths: holders that died holding it
 * @last_death: the last of them
 * @first_death: the first of the last @chain_deaths deaths, each of a holder
 *         that took the lock from the one before without repairing it
 * @chain_deaths: deaths since the word last lacked IPCX_LOCKW_DIED (a death
 *         that finds DIED set continues the chain, any other starts one)
 * @undos: semaphores: struct ipcx_sem_undo of owners that used
 *         IPCX_LOCK_F_UNDO
 * @death_event: mutexes: an event of the same region signalled when a
 *         holder is found dead (IPCX_LOCK_F_DEATH_EVENT), or NULL;
 *         immutable once declared, and freed with this lock's region
 *
 * Lifetime: owned by its region's lock table (struct ipcx_region_locks);
 * freed by ipcx_region_teardown_locks() when the region is freed, which can
 * only happen when no file, mapping, lock fd or sleeping waiter refers to the
 * region (each of those holds a region reference).
 */
struct ipcx_lock {
	u64 offset;
	struct ipcx_region *region;
	u32 kind;
	struct page *page;
	u32 *word;
	spinlock_t lock;	/* see above */
	struct list_head waiters;
	unsigned int nr_waiters;
	unsigned int pollers;
	bool revoked;
	wait_queue_head_t pollq;
	u64 acquisitions;
	u64 contended;
	u64 wait_ns_total;
	u64 wait_ns_max;
	u64 owner_deaths;
	struct ipcx_death last_death;
	struct ipcx_death first_death;
	u64 chain_deaths;
	struct list_head undos;
	struct ipcx_lock *death_event;
	bool no_deadlock;	/* IPCX_LOCK_F_NO_DEADLOCK (deadlock.c) */
};

/* owner.c */
int ipcx_owners_init(void);
void ipcx_owners_exit(void);
struct ipcx_owner *ipcx_owner_current(bool create);
struct ipcx_owner *ipcx_owner_find(u32 id);
struct ipcx_owner *ipcx_owner_lookup_rcu(u32 id);
void ipcx_owner_put(struct ipcx_owner *owner);
bool ipcx_owner_id_alive(u32 id);
void ipcx_death_of(struct ipcx_death *d, const struct ipcx_region *region,
		   struct ipcx_owner *owner);
void ipcx_owner_to_user(const struct ipcx_region *region, u32 id,
			struct ipcx_owner_info *info);

/* owner_mm.c */
struct ipcx_owner_mm *ipcx_owner_mm_current(void);
void ipcx_owner_mm_put(struct ipcx_owner_mm *om);
bool ipcx_owner_mm_has(struct ipcx_owner_mm *om, u64 id);
int ipcx_owner_note_region(struct ipcx_owner *me, struct ipcx_region *region);
void ipcx_owner_mm_release_locks(struct ipcx_owner_mm *om,
				 struct ipcx_owner *owner);

/* deadlock.c */
int ipcx_deadlock_enter(struct ipcx_lock *l, struct ipcx_owner *me);
void ipcx_deadlock_leave(struct ipcx_owner *me);
void ipcx_deadlock_exit(void);

/* death.c */
void ipcx_death_record(struct ipcx_death *d, const struct ipcx_region *region,
		       u32 id);
void ipcx_death_clear(struct ipcx_death *d);
bool ipcx_death_visible(const struct ipcx_death *d, struct pid_namespace *ns,
			const struct cred *cred);
void ipcx_death_to_user(const struct ipcx_death *d, struct ipcx_owner_info *info);
void ipcx_death_copy(struct ipcx_death *dst, const struct ipcx_death *src);
void ipcx_lock_death(struct ipcx_lock *l, u32 id, bool chained);

/* core.c */
extern struct mutex ipcx_lock_regions_mutex;	/* senders of events assert it free */
struct ipcx_lock *ipcx_lock_declare(struct ipcx_region *region, u64 offset,
				    u32 kind, u32 value, struct ipcx_lock *death_event);
struct ipcx_lock *ipcx_lock_find(struct ipcx_region *region, u64 offset, u32 kind);
void ipcx_region_owner_died(struct ipcx_region *region, struct ipcx_owner *owner);
u32 ipcx_lock_waiters_bit(const struct ipcx_lock *l);
void ipcx_waiter_grant(struct ipcx_lock *l, struct ipcx_waiter *w, int result);
void ipcx_lock_account(struct ipcx_lock *l, u64 start, bool slept);
int ipcx_lock_sleep(struct ipcx_lock *l, struct ipcx_waiter *w, bool head,
		    ktime_t *deadline, clockid_t clock);
int ipcx_lock_relax(struct ipcx_lock *l, unsigned int *looks,
		    ktime_t *deadline, clockid_t clock);

/*
 * The acquisition skeleton (acquire.c, ipcx_lock_acquire()): one loop for
 * every kind, which keeps only its own steps in a struct ipcx_lock_ops.
 */
struct ipcx_acquire;

/* What a kind's @try step returns besides a final result (0 or -errno). */
#define IPCX_TRY_AGAIN	1	/* the word changed under us: look again */
#define IPCX_TRY_WAIT	2	/* held: the caller must wait (or is busy) */

/**
 * struct ipcx_lock_ops - the steps of one kind's acquisition
 * @begin: optional, once under ipcx_lock.lock before the first look; an
 *         error ends the call at once
 * @try: one look at the word (ipcx_lock.lock held, the lock not revoked):
 *       IPCX_TRY_AGAIN, IPCX_TRY_WAIT, or the result: 0 or -EOWNERDEAD
 *       (acquired) or an error
 * @spin: optional, before publishing: true when it waited a little without
 *        sleeping (ipcx_lock.lock dropped meanwhile), so the skeleton looks
 *        again
 * @publish: make sure the holder's release comes through the kernel before
 *           sleeping: 0 to sleep, IPCX_TRY_AGAIN to look again first
 * @woken: optional, woken without a grant, before looking again
 * @done: optional, under ipcx_lock.lock once the result is known (after the
 *        accounting): the kind's own bookkeeping or clean-up
 * @busy: what a trylock returns when it would wait
 * @account: count acquisitions in the lock's statistics
 */
struct ipcx_lock_ops {
	int (*begin)(struct ipcx_acquire *a);
	int (*try)(struct ipcx_acquire *a);
	bool (*spin)(struct ipcx_acquire *a);
	int (*publish)(struct ipcx_acquire *a);
	void (*woken)(struct ipcx_acquire *a);
	void (*done)(struct ipcx_acquire *a, int ret);
	int busy;
	bool account;
};

/**
 * struct ipcx_acquire - one acquisition through the kernel (caller's stack)
 * @l: the lock
 * @ops: its kind's steps
 * @me: the caller's owner, or NULL (events)
 * @deadline: absolute timeout or NULL
 * @clock: @deadline's clock
 * @trylock: return @busy instead of waiting
 * @died: filled when the result is -EOWNERDEAD (NULL for events)
 * @waiter: the caller as a sleeper (its @owner set by the kind)
 * @start: ktime_get_ns() at the start, for the statistics
 * @looks: rounds so far (ipcx_lock_relax())
 * @slept: it waited for a holder (the statistics' "contended")
 * @head: queue at the head when sleeping again (the kind's @woken sets it)
 * @busy: what a trylock returns; from the kind, @try may change it
 * @w: the word as @try last saw it, for @publish
 * @dead: a holder this call found dead: notified once ipcx_lock.lock is
 *        dropped (see ipcx_death_copy())
 *
 * A kind with more state embeds this in its own struct (container_of()).
 */
struct ipcx_acquire {
	struct ipcx_lock *l;
	const struct ipcx_lock_ops *ops;
	struct ipcx_owner *me;
	ktime_t *deadline;
	clockid_t clock;
	bool trylock;
	struct ipcx_owner_info *died;
	struct ipcx_waiter waiter;
	u64 start;
	unsigned int looks;
	bool slept;
	bool head;
	int busy;
	u32 w;
	struct ipcx_death dead;
};

int ipcx_lock_acquire(struct ipcx_acquire *a);
int ipcx_acquire_publish(struct ipcx_acquire *a);

/* Rounds of a word loop between back-offs (see ipcx_lock_relax()). */
#define IPCX_LOCK_LOOKS	8

/* Did the ipcx_lock_relax() that counted @looks drop ipcx_lock.lock? */
static inline bool ipcx_lock_relaxed(unsigned int looks)
{
	return !(looks % IPCX_LOCK_LOOKS);
}

/* mutex.c */
int ipcx_mutex_lock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		    ktime_t *deadline, clockid_t clock,
		    struct ipcx_owner_info *died);
int ipcx_mutex_unlock(struct ipcx_lock *l, struct ipcx_owner *me);
int ipcx_mutex_consistent(struct ipcx_lock *l, struct ipcx_owner *me);
void ipcx_mutex_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner);
bool ipcx_mutex_takeable(struct ipcx_lock *l);

/* event.c */
int ipcx_event_wait(struct ipcx_lock *l, u32 seq, ktime_t *deadline,
		    clockid_t clock);
unsigned int ipcx_event_wake(struct ipcx_lock *l, unsigned int n);
void ipcx_event_signal(struct ipcx_lock *l);

/* sem.c */
int ipcx_sem_wait(struct ipcx_lock *l, struct ipcx_owner *me, bool undo,
		  bool trylock, ktime_t *deadline, clockid_t clock,
		  struct ipcx_owner_info *died);
int ipcx_sem_post(struct ipcx_lock *l, struct ipcx_owner *me, bool undo);
void ipcx_sem_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner);
void ipcx_sem_free_undos(struct ipcx_lock *l);

/* rwlock.c */
int ipcx_rwlock_wrlock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		       ktime_t *deadline, clockid_t clock,
		       struct ipcx_owner_info *died);
int ipcx_rwlock_rdlock(struct ipcx_lock *l, struct ipcx_owner *me, bool trylock,
		       ktime_t *deadline, clockid_t clock,
		       struct ipcx_owner_info *died);
int ipcx_rwlock_unlock(struct ipcx_lock *l, struct ipcx_owner *me);
int ipcx_rwlock_consistent(struct ipcx_lock *l, struct ipcx_owner *me);
void ipcx_rwlock_owner_died(struct ipcx_lock *l, struct ipcx_owner *owner);
bool ipcx_rwlock_takeable(struct ipcx_lock *l);

/* ../nl_events.c: a lock event (never called with ipcx_lock.lock held) */
void ipcx_nl_notify_lock(u8 cmd, const struct ipcx_lock *l,
			 const struct ipcx_death *who);
void ipcx_nl_notify_owner(u8 cmd, const struct ipcx_lock *l,
			  struct ipcx_owner *owner);
void ipcx_nl_notify_deadlock(unsigned int n, struct ipcx_lock *const *locks,
			     const struct ipcx_death *who);

/* fd.c */
int ipcx_lock_fd(struct ipcx_region *region, struct ipcx_lock *l);

/* ioctl.c */
long ipcx_ioc_owner_register(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_lock_declare(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_mutex_lock(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_mutex_unlock(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_mutex_consistent(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_event_wait(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_event_wake(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_lock_stat(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_lock_fd(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_sem_wait(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_sem_post(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_rw_rdlock(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_rw_wrlock(struct file *file, unsigned long arg, size_t usize);
long ipcx_ioc_rw_unlock(struct file *file, unsigned long arg, size_t usize);

#endif /* _IPCX_LOCK_LOCK_H */
