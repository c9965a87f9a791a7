// SPDX-License-Identifier: GPL-2.0
/*
 * Deadlock detection across processes (compare the chain walk of
 * kernel/locking/rtmutex.c, which PI futexes use).
 *
 * Before a thread sleeps on a mutex or a reader-writer lock, it follows the
 * wait-for chain: the lock's holder, the lock that holder sleeps on, that
 * lock's holder, and so on. If the chain comes back to the caller, the
 * caller would close a cycle of sleepers none of which can ever be woken by
 * a release: it gets -EDEADLK at once instead of sleeping. Only the thread
 * that closes the cycle is told; the others keep waiting (their own
 * timeouts and signals still end their waits).
 *
 * Hooks: ipcx_deadlock_enter() at the acquisition skeleton's before-sleep
 * point (acquire.c: WAITERS published, waiter not yet queued, l->lock
 * held), ipcx_deadlock_leave() as soon as the sleep returns.
 *
 * The graph has two kinds of edges:
 *  - "O sleeps on L": ipcx_owner.dl_blocked_on, set just before O sleeps
 *    (after the walk found no cycle) and cleared as soon as it wakes, both
 *    under ipcx_dl_lock. The window between the two is what "O sleeps on L"
 *    means here: a sleeper woken by a signal or a timeout stops sleeping
 *    when it clears the edge, not when the signal is sent.
 *  - "L is held by H": read from L's word. A mutex: the id in the word. A
 *    reader-writer lock: the writer named in the word; for a sleeper that is
 *    itself that writer (it took the word and waits for the readers to
 *    leave), each reader in the block's slots.
 * Semaphores and events have no holders: their waits end with anybody's
 * post or signal, so no single thread's sleep keeps them waiting (a cycle
 * through one would need every possible poster asleep, which the kernel
 * cannot know: undo records say who took units, not who will post). A walk
 * never enters them and their sleepers record no edge.
 *
 * Consistency. The walk holds ipcx_dl_lock from its first step to the
 * verdict, so the sleep edges it follows form one snapshot: every owner it
 * passes is asleep during the whole walk. A sleeping holder does not
 * release its locks; honest words of the locks it holds therefore do not
 * change during the walk (only the death work could release them, and a
 * thread asleep in an ioctl is not dead). Words are user memory, though: a
 * scribbler may change them at any time. So before reporting, every word of
 * the cycle is read again and must still name the same holder, and no
 * member may be marked dead. The report is thus true at the moment of the
 * second reading: every member sleeps (edges frozen by ipcx_dl_lock) on a
 * lock whose word names the next. The caller's own edge is set under the
 * same hold of ipcx_dl_lock as its walk, so of two threads closing one
 * cycle at the same time, the second to take the lock sees the first's
 * edge and gets -EDEADLK (no hang, no double miss).
 *
 * Bounds. A chain longer than IPCX_DEADLOCK_MAX_DEPTH owners is not
 * followed further (no report: a cycle that long is missed, never invented).
 * Reader slots make the walk a depth-first search; it looks at no more than
 * IPCX_DL_MAX_LOOKS holders in all, each costing one idr lookup and the
 * read of one word or of a block's IPCX_RW_SLOTS slots, and an owner
 * already on the current path is not entered again. Nothing in the walk
 * sleeps, allocates or loops on user memory. So one walk holds
 * ipcx_dl_lock for at most IPCX_DL_MAX_LOOKS lookups (microseconds); a
 * thread about to sleep waits for it at most that long per other CPU
 * walking at the same time, whatever the users doing those walks do.
 *
 * Locking:
 *  - ipcx_dl_lock (spinlock, global) guards every ipcx_owner.dl_blocked_on.
 *    It is taken inside the sleeper's ipcx_lock.lock and takes nothing
 *    itself; the walk reads other locks' words without their ->lock.
 *  - A struct ipcx_lock reached through dl_blocked_on is valid while the
 *    edge is set: its sleeper holds a reference to the lock's region and
 *    clears the edge before returning from the ioctl.
 *  - Owners are looked up under RCU without a reference: only
 *    dl_blocked_on and the dead bit are read, and, for a report, what
 *    ipcx_death_of() copies (every member is a thread asleep in a lock
 *    ioctl, which holds a reference to its own owner).
 *
 * Reports. A refused cycle is sent as IPCX_NL_CMD_DEADLOCK_NTF, which may
 * sleep, so it cannot go out under ipcx_lock.lock: the walk copies the
 * members (a region reference and a death record each, atomic context)
 * into a report that ipcx_dl_work sends. At most IPCX_DL_MAX_PENDING
 * reports wait; more are dropped, so a user closing cycles in a loop
 * cannot make the kernel queue memory without bound.
 */
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "lock.h"

/* Holders looked at by one walk, over all branches of reader slots. */
#define IPCX_DL_MAX_LOOKS	(4 * IPCX_DEADLOCK_MAX_DEPTH)
#define IPCX_DL_MAX_PENDING	64

static DEFINE_SPINLOCK(ipcx_dl_lock);	/* see Locking above */

/**
 * struct ipcx_dl_report - a refused cycle, waiting for ipcx_dl_work
 * @node: on ipcx_dl_reports
 * @n: members
 * @locks: what each member sleeps on (the first: asked for)
 * @regions: @locks' regions, a reference each (the locks live as long)
 * @who: each member's thread
 */
struct ipcx_dl_report {
	struct llist_node node;
	unsigned int n;
	struct ipcx_lock *locks[IPCX_DEADLOCK_MAX_DEPTH];
	struct ipcx_region *regions[IPCX_DEADLOCK_MAX_DEPTH];
	struct ipcx_death who[IPCX_DEADLOCK_MAX_DEPTH];
};

static LLIST_HEAD(ipcx_dl_reports);
static atomic_t ipcx_dl_pending = ATOMIC_INIT(0);

static void ipcx_dl_send(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&ipcx_dl_reports));
	struct ipcx_dl_report *r, *tmp;
	unsigned int i;

	llist_for_each_entry_safe(r, tmp, list, node) {
		ipcx_nl_notify_deadlock(r->n, r->locks, r->who);
		for (i = 0; i < r->n; i++) {
			ipcx_death_clear(&r->who[i]);
			ipcx_region_put(r->regions[i]);	/* may free locks[i] */
		}
		kfree(r);
		atomic_dec(&ipcx_dl_pending);
	}
}

static DECLARE_WORK(ipcx_dl_work, ipcx_dl_send);

/* One step of the path: @sleeper sleeps on @lock, held by @holder. */
struct ipcx_dl_frame {
	struct ipcx_lock *lock;
	u32 sleeper;
	u32 holder;
	unsigned int pos;	/* next holder to try: 0, or a reader slot + 1 */
};

/*
 * The next holder of @l, as @sleeper waits for it, from *@pos on; 0 when
 * there is none. Reads the word (and slots) once per call: the walk's
 * caller re-reads before reporting.
 */
static u32 ipcx_dl_next_holder(struct ipcx_lock *l, u32 sleeper,
			       unsigned int *pos)
{
	u32 w = READ_ONCE(*l->word), id;
	const u32 *slots;

	if (l->kind == IPCX_LOCK_MUTEX) {
		id = w & IPCX_OWNER_ID_MASK;
		if (*pos || id == IPCX_OWNER_NOTRECOVERABLE || id == sleeper)
			return 0;
		*pos = 1;
		return id;
	}
	if (l->kind != IPCX_LOCK_RWLOCK || !(w & IPCX_RWW_WRITER))
		return 0;
	id = w & IPCX_RWW_ID_MASK;
	if (id != sleeper) {	/* waits for another writer */
		if (*pos)
			return 0;
		*pos = 1;
		return id;
	}
	/* the sleeper is the writer, waiting for the readers to leave */
	slots = ((struct ipcx_lock_block *)l->word)->slots;
	while (*pos < IPCX_RW_SLOTS) {
		id = READ_ONCE(slots[(*pos)++]);
		if (id && id != sleeper && id <= IPCX_RWW_ID_MASK)
			return id;
	}
	return 0;
}

/* Does @l's word still say that @holder holds it for @sleeper? */
static bool ipcx_dl_still_holds(struct ipcx_lock *l, u32 sleeper, u32 holder)
{
	unsigned int pos = 0;
	u32 id;

	while ((id = ipcx_dl_next_holder(l, sleeper, &pos)))
		if (id == holder)
			return true;
	return false;
}

/* What the owner @id sleeps on, or NULL (not asleep, not an owner, dead). */
static struct ipcx_lock *ipcx_dl_blocked_on(u32 id)
{
	struct ipcx_owner *o;
	struct ipcx_lock *l = NULL;

	lockdep_assert_held(&ipcx_dl_lock);
	rcu_read_lock();
	o = ipcx_owner_lookup_rcu(id);
	if (o && !test_bit(IPCX_OWNER_DEAD_BIT, &o->dead))
		l = o->dl_blocked_on;
	rcu_read_unlock();
	return l;
}

static bool ipcx_dl_on_path(const struct ipcx_dl_frame *path,
			    unsigned int depth, u32 id)
{
	unsigned int i;

	for (i = 1; i <= depth; i++)
		if (path[i].sleeper == id)
			return true;
	return false;
}

/* Every edge of path[0..n-1] still holds (see Consistency above). */
static bool ipcx_dl_verify(const struct ipcx_dl_frame *path, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!ipcx_dl_still_holds(path[i].lock, path[i].sleeper,
					 path[i].holder))
			return false;
		if (i + 1 < n &&
		    ipcx_dl_blocked_on(path[i].holder) != path[i + 1].lock)
			return false;
	}
	return true;
}

/* Queue path[0..n-1] for IPCX_NL_CMD_DEADLOCK_NTF (see Reports above). */
static void ipcx_dl_report(const struct ipcx_dl_frame *path, unsigned int n)
{
	struct ipcx_dl_report *r = NULL;
	struct ipcx_owner *o;
	unsigned int i;

	lockdep_assert_held(&ipcx_dl_lock);
	if (atomic_inc_return(&ipcx_dl_pending) <= IPCX_DL_MAX_PENDING)
		r = kzalloc(sizeof(*r), GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!r) {
		atomic_dec(&ipcx_dl_pending);
		return;
	}
	r->n = n;
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		r->locks[i] = path[i].lock;
		r->regions[i] = path[i].lock->region;
		ipcx_region_get(r->regions[i]);
		o = ipcx_owner_lookup_rcu(path[i].sleeper);
		if (o)
			ipcx_death_of(&r->who[i], r->regions[i], o);
		else
			r->who[i].owner = path[i].sleeper;
	}
	rcu_read_unlock();
	llist_add(&r->node, &ipcx_dl_reports);
	queue_work(system_wq, &ipcx_dl_work);
}

/*
 * Depth-first search from @l (which @me is about to sleep on) for a chain
 * back to @me. Returns the cycle's length (path[0..n-1]), or 0.
 */
static unsigned int ipcx_dl_walk(struct ipcx_lock *l, u32 me,
				 struct ipcx_dl_frame *path)
{
	unsigned int depth = 0, looks = 0;

	lockdep_assert_held(&ipcx_dl_lock);
	path[0] = (struct ipcx_dl_frame){ .lock = l, .sleeper = me };
	while (looks < IPCX_DL_MAX_LOOKS) {
		struct ipcx_dl_frame *f = &path[depth];
		struct ipcx_lock *next;
		u32 h;

		h = ipcx_dl_next_holder(f->lock, f->sleeper, &f->pos);
		if (!h) {
			if (!depth)
				return 0;
			depth--;
			continue;
		}
		looks++;
		f->holder = h;
		if (h == me) {
			if (!ipcx_dl_verify(path, depth + 1))
				return 0;
			ipcx_dl_report(path, depth + 1);
			return depth + 1;
		}
		if (depth + 1 >= IPCX_DEADLOCK_MAX_DEPTH ||
		    ipcx_dl_on_path(path, depth, h))
			continue;
		next = ipcx_dl_blocked_on(h);
		if (!next || READ_ONCE(next->no_deadlock))
			continue;
		path[++depth] = (struct ipcx_dl_frame){ .lock = next, .sleeper = h };
	}
	return 0;
}

/**
 * ipcx_deadlock_enter() - check for a cycle, then record that @me sleeps
 * on @l
 * @l: the lock @me is about to sleep on, its ->lock held
 * @me: the caller's owner (a reference held), or NULL (events)
 *
 * Called from the acquisition skeleton's before-sleep point (acquire.c).
 *
 * Return: 0 (sleep, then call ipcx_deadlock_leave()) or -EDEADLK (do not
 * sleep: sleeping would close a cycle).
 */
int ipcx_deadlock_enter(struct ipcx_lock *l, struct ipcx_owner *me)
{
	struct ipcx_dl_frame path[IPCX_DEADLOCK_MAX_DEPTH];
	unsigned int n;

	lockdep_assert_held(&l->lock);
	if (!me || READ_ONCE(l->no_deadlock) ||
	    (l->kind != IPCX_LOCK_MUTEX && l->kind != IPCX_LOCK_RWLOCK))
		return 0;
	spin_lock(&ipcx_dl_lock);
	n = ipcx_dl_walk(l, me->id, path);
	if (!n)
		WRITE_ONCE(me->dl_blocked_on, l);
	spin_unlock(&ipcx_dl_lock);
	return n ? -EDEADLK : 0;
}

/**
 * ipcx_deadlock_leave() - @me no longer sleeps
 * @me: as given to ipcx_deadlock_enter(), or NULL
 *
 * Only @me's own thread sets its edge, so a lockless look tells whether
 * there is one to clear.
 */
void ipcx_deadlock_leave(struct ipcx_owner *me)
{
	if (!me || !READ_ONCE(me->dl_blocked_on))
		return;
	spin_lock(&ipcx_dl_lock);
	WRITE_ONCE(me->dl_blocked_on, NULL);
	spin_unlock(&ipcx_dl_lock);
}

/* At module exit: send (and free) the reports still queued. */
void ipcx_deadlock_exit(void)
{
	flush_work(&ipcx_dl_work);
}
