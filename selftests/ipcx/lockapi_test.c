// SPDX-License-Identifier: GPL-2.0
/*
 * What the lock API tells a thread about itself and about the dead:
 *  - every lock variant's caller (plain, try, timed, full; mutex, rwlock
 *    readers and writers, semaphore waits) can fetch the dead holder after
 *    -EOWNERDEAD with ipcx_*_last_death();
 *  - the chain of holders that died before the lock was made consistent
 *    again: LOCK_STAT's first_death, last_death and unrepaired_deaths (a
 *    semaphore's ends at the wait that reports it; first_death shows a
 *    caller in another pid namespace the owner id only);
 *  - ipcx_mutex_held() / ipcx_rwlock_held() across lock and unlock, in
 *    forked children (fork and _Fork) and in other threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(64 * 1024)
#define MUTEX_OFF	0
#define RW_OFF		64
#define SEM_OFF		128
#define OTHER_OFF	192
#define COMM		"lockapi_test"

enum op {
	MX_LOCK, MX_TRYLOCK, MX_TIMEDLOCK, MX_LOCK_FULL,
	RW_RDLOCK, RW_WRLOCK, RW_TRYRDLOCK, RW_TIMEDWRLOCK,
	SEM_WAIT, SEM_TRYWAIT, SEM_TIMEDWAIT,
};

/* The locks every test here uses, in one anonymous region. */
struct locks {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct ipcx_mutex m;	/* a mutex at MUTEX_OFF */
	struct ipcx_rwlock rw;	/* a reader-writer lock at RW_OFF */
	struct ipcx_sem s;	/* a semaphore of 1 at SEM_OFF */
	struct ipcx_mutex other;	/* a mutex nobody died holding */
};

static int locks_setup(struct locks *self)
{
	self->fd = lh_anon_region(REGION_SIZE, &self->base);
	if (self->fd < 0)
		return self->fd;
	if (ipcx_mutex_init(&self->m, self->fd, self->base, MUTEX_OFF) ||
	    ipcx_rwlock_init(&self->rw, self->fd, self->base, RW_OFF) ||
	    ipcx_sem_init(&self->s, self->fd, self->base, SEM_OFF, 1) ||
	    ipcx_mutex_init(&self->other, self->fd, self->base, OTHER_OFF))
		return -EIO;
	return 0;
}

static void locks_teardown(struct locks *self)
{
	if (self->fd >= 0) {
		munmap(self->base, REGION_SIZE);
		close(self->fd);
	}
}

FIXTURE(death) {
	struct locks l;		/* see struct locks */
};

FIXTURE_SETUP(death)
{
	int ret = locks_setup(&self->l);

	if (ret == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(death)
{
	locks_teardown(&self->l);
}

FIXTURE(api) {
	struct locks l;		/* see struct locks */
};

FIXTURE_SETUP(api)
{
	int ret = locks_setup(&self->l);

	if (ret == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(api)
{
	locks_teardown(&self->l);
}

/* Take what @op is about (mutex, rwlock for writing, a unit with undo). */
static int hold(struct locks *self, enum op op)
{
	if (op <= MX_LOCK_FULL)
		return ipcx_mutex_lock(&self->m);
	if (op <= RW_TIMEDWRLOCK)
		return ipcx_rwlock_wrlock(&self->rw);
	return ipcx_sem_wait_full(&self->s, IPCX_LOCK_F_UNDO, NULL, 0, NULL);
}

/*
 * A child that takes what @op is about (from a dead holder too) and is
 * SIGKILLed holding it.
 */
static pid_t hold_and_die(struct locks *self, enum op op)
{
	int p[2], ok, ret;
	pid_t pid;
	char c = 0;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		ret = hold(self, op);
		c = ret == 0 || ret == -EOWNERDEAD ? 'L' : 'E';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ok = pid > 0 && read(p[0], &c, 1) == 1 && c == 'L';
	close(p[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return ok ? pid : -1;
}

static int acquire(struct locks *self, enum op op,
		   struct ipcx_owner_info *died)
{
	struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 5000);

	switch (op) {
	case MX_LOCK:
		return ipcx_mutex_lock(&self->m);
	case MX_TRYLOCK:
		return ipcx_mutex_trylock(&self->m);
	case MX_TIMEDLOCK:
		return ipcx_mutex_timedlock(&self->m, &dl, CLOCK_MONOTONIC);
	case MX_LOCK_FULL:
		return ipcx_mutex_lock_full(&self->m, 0, NULL, 0, died);
	case RW_RDLOCK:
		return ipcx_rwlock_rdlock(&self->rw);
	case RW_WRLOCK:
		return ipcx_rwlock_wrlock(&self->rw);
	case RW_TRYRDLOCK:
		return ipcx_rwlock_rdlock_full(&self->rw, IPCX_LOCK_F_TRYLOCK, NULL, 0, NULL);
	case RW_TIMEDWRLOCK:
		return ipcx_rwlock_wrlock_full(&self->rw, 0, &dl, CLOCK_MONOTONIC, NULL);
	case SEM_WAIT:
		return ipcx_sem_wait(&self->s);
	case SEM_TRYWAIT:
		return ipcx_sem_trywait(&self->s);
	case SEM_TIMEDWAIT:
		return ipcx_sem_timedwait(&self->s, &dl, CLOCK_MONOTONIC);
	}
	return -EINVAL;
}

static int last_death(struct locks *self, enum op op, struct ipcx_owner_info *info)
{
	if (op <= MX_LOCK_FULL)
		return ipcx_mutex_last_death(&self->m, info);
	if (op <= RW_TIMEDWRLOCK)
		return ipcx_rwlock_last_death(&self->rw, info);
	return ipcx_sem_last_death(&self->s, info);
}

FIXTURE_VARIANT(death) {
	enum op op;
};

FIXTURE_VARIANT_ADD(death, mutex_lock) { .op = MX_LOCK };
FIXTURE_VARIANT_ADD(death, mutex_trylock) { .op = MX_TRYLOCK };
FIXTURE_VARIANT_ADD(death, mutex_timedlock) { .op = MX_TIMEDLOCK };
FIXTURE_VARIANT_ADD(death, mutex_lock_full) { .op = MX_LOCK_FULL };
FIXTURE_VARIANT_ADD(death, rwlock_rdlock) { .op = RW_RDLOCK };
FIXTURE_VARIANT_ADD(death, rwlock_wrlock) { .op = RW_WRLOCK };
FIXTURE_VARIANT_ADD(death, rwlock_tryrdlock) { .op = RW_TRYRDLOCK };
FIXTURE_VARIANT_ADD(death, rwlock_timedwrlock) { .op = RW_TIMEDWRLOCK };
FIXTURE_VARIANT_ADD(death, sem_wait) { .op = SEM_WAIT };
FIXTURE_VARIANT_ADD(death, sem_trywait) { .op = SEM_TRYWAIT };
FIXTURE_VARIANT_ADD(death, sem_timedwait) { .op = SEM_TIMEDWAIT };

TEST_F(death, every_variant_can_fetch_the_dead_holder)
{
	struct locks *l = &self->l;
	struct ipcx_owner_info died, rec;
	enum op op = variant->op;
	int i, ret;
	pid_t pid;

	EXPECT_EQ(-ENOENT, last_death(l, op, &rec));	/* nobody died yet */
	pid = hold_and_die(l, op);
	ASSERT_GT(pid, 0);
	/* a dead unit holder's undo is the death work's: wait for it */
	for (i = 0; op >= SEM_WAIT && i < 2500 && !ipcx_sem_value(&l->s); i++)
		lh_msleep(2);
	memset(&died, 0, sizeof(died));
	ret = acquire(l, op, &died);
	ASSERT_EQ(-EOWNERDEAD, ret);
	memset(&rec, 0xff, sizeof(rec));
	ASSERT_EQ(0, last_death(l, op, &rec));
	EXPECT_EQ(pid, rec.pid);
	EXPECT_EQ(pid, rec.tgid);
	EXPECT_NE(0, rec.owner);
	EXPECT_NE(0, rec.time_ns);
	EXPECT_STREQ(COMM, rec.comm);
	if (op == MX_LOCK_FULL)	/* the same record as the call's own */
		EXPECT_EQ(0, memcmp(&died, &rec, sizeof(rec)));
	/* the record is for that lock only */
	EXPECT_EQ(-ENOENT, ipcx_mutex_last_death(&l->other, &rec));
}

/* Death chain: A dies holding, heir B dies before consistent, C learns both. */
TEST_F(api, heir_that_dies_before_consistent_keeps_the_chain)
{
	struct locks *l = &self->l;
	struct ipcx_owner_info rec;
	struct ipcx_lock_stat st;
	pid_t a, b, c;

	a = hold_and_die(l, MX_LOCK);
	ASSERT_GT(a, 0);
	b = fork();	/* the heir: gets it with EOWNERDEAD and dies at once */
	ASSERT_GE(b, 0);
	if (b == 0)
		_exit(ipcx_mutex_lock(&l->m) == -EOWNERDEAD ? 0 : 1);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(b, 5000)));

	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&l->m));
	ASSERT_EQ(0, ipcx_mutex_last_death(&l->m, &rec));
	EXPECT_EQ(b, rec.tgid);			/* the holder just before us */
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, MUTEX_OFF, &st));
	EXPECT_EQ(2, st.owner_deaths);
	EXPECT_EQ(2, st.unrepaired_deaths);
	EXPECT_EQ(a, st.first_death.tgid);	/* the one whose state is torn */
	EXPECT_STREQ(COMM, st.first_death.comm);
	EXPECT_EQ(b, st.last_death.tgid);
	EXPECT_LE(st.first_death.time_ns, st.last_death.time_ns);

	/* repaired: the chain ends; the next death starts a new one */
	ASSERT_EQ(0, ipcx_mutex_consistent(&l->m));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, MUTEX_OFF, &st));
	EXPECT_EQ(0, st.unrepaired_deaths);
	EXPECT_EQ(0, st.first_death.owner);
	ASSERT_EQ(0, ipcx_mutex_unlock(&l->m));
	c = hold_and_die(l, MX_LOCK);
	ASSERT_GT(c, 0);
	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&l->m));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, MUTEX_OFF, &st));
	EXPECT_EQ(3, st.owner_deaths);
	EXPECT_EQ(1, st.unrepaired_deaths);
	EXPECT_EQ(c, st.first_death.tgid);
	EXPECT_EQ(c, st.last_death.tgid);
	EXPECT_EQ(0, ipcx_mutex_consistent(&l->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&l->m));
}

/* The same chain on a reader-writer lock's writers. */
TEST_F(api, rwlock_writer_heir_that_dies_keeps_the_chain)
{
	struct locks *l = &self->l;
	struct ipcx_lock_stat st;
	pid_t a, b;

	a = hold_and_die(l, RW_WRLOCK);
	ASSERT_GT(a, 0);
	b = fork();
	ASSERT_GE(b, 0);
	if (b == 0)
		_exit(ipcx_rwlock_wrlock(&l->rw) == -EOWNERDEAD ? 0 : 1);
	EXPECT_EQ(0, lh_exit_code(lh_wait_child(b, 5000)));
	ASSERT_EQ(-EOWNERDEAD, ipcx_rwlock_wrlock(&l->rw));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, RW_OFF, &st));
	EXPECT_EQ(2, st.unrepaired_deaths);
	EXPECT_EQ(a, st.first_death.tgid);
	EXPECT_EQ(b, st.last_death.tgid);
	EXPECT_EQ(0, ipcx_rwlock_consistent(&l->rw));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, RW_OFF, &st));
	EXPECT_EQ(0, st.unrepaired_deaths);
	EXPECT_EQ(0, ipcx_rwlock_unlock(&l->rw));
}

/* Wait up to 5 s for the death work to give a dead holder's unit back. */
static void wait_for_unit(struct locks *l)
{
	int i;

	for (i = 0; i < 2500 && !ipcx_sem_value(&l->s); i++)
		lh_msleep(2);
}

/*
 * A semaphore's chain: a unit holder's death starts one; a wait that
 * reports EOWNERDEAD ends it, so the next death starts a new one.
 */
TEST_F(api, sem_wait_that_reports_the_death_ends_the_chain)
{
	struct locks *l = &self->l;
	struct ipcx_lock_stat st;
	pid_t a, b;

	a = hold_and_die(l, SEM_WAIT);
	ASSERT_GT(a, 0);
	wait_for_unit(l);
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, SEM_OFF, &st));
	EXPECT_EQ(1, st.unrepaired_deaths);
	EXPECT_EQ(a, st.first_death.tgid);
	EXPECT_EQ(a, st.last_death.tgid);
	b = hold_and_die(l, SEM_WAIT);	/* its wait reports a's death */
	ASSERT_GT(b, 0);
	wait_for_unit(l);
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, SEM_OFF, &st));
	EXPECT_EQ(2, st.owner_deaths);
	EXPECT_EQ(1, st.unrepaired_deaths);
	EXPECT_EQ(b, st.first_death.tgid);
	EXPECT_EQ(b, st.last_death.tgid);
	ASSERT_EQ(-EOWNERDEAD, ipcx_sem_wait(&l->s));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, SEM_OFF, &st));
	EXPECT_EQ(0, st.unrepaired_deaths);
	EXPECT_EQ(0, st.first_death.owner);
	EXPECT_EQ(0, ipcx_sem_post(&l->s));
}

/*
 * In a pid namespace of its own: heir B dies before repairing, C takes
 * the lock; exits 0 when first_death (A, outside) showed its id only.
 */
static int chain_seen_from_pid_ns(struct locks *l)
{
	struct ipcx_lock_stat st;
	int status;
	pid_t pid, b;

	if (unshare(CLONE_NEWPID))
		return 70;
	pid = fork();	/* the new namespace's init: C */
	if (pid < 0)
		return 71;
	if (pid > 0)
		return waitpid(pid, &status, 0) == pid ? lh_exit_code(status) : 72;
	b = fork();
	if (b == 0)
		_exit(ipcx_mutex_lock(&l->m) == -EOWNERDEAD ? 0 : 1);
	if (b < 0 || lh_exit_code(lh_wait_child(b, 5000)))
		_exit(73);
	if (ipcx_mutex_lock(&l->m) != -EOWNERDEAD ||
	    ipcx_lock_stat(l->fd, MUTEX_OFF, &st))
		_exit(74);
	fprintf(stderr, "# from a pid namespace: first_death %u: pid %u comm '%.16s'\n",
		st.first_death.owner, st.first_death.pid, st.first_death.comm);
	if (st.unrepaired_deaths != 2 || !st.first_death.owner ||
	    st.last_death.tgid != (uint32_t)b || strcmp(st.last_death.comm, COMM))
		_exit(75);
	_exit(st.first_death.pid || st.first_death.tgid || st.first_death.comm[0] ?
	      52 : 0);	/* and dies holding: the chain grows to 3 */
}

/* first_death follows last_death's rule: a thread outside the pid ns is an id. */
TEST_F(api, first_death_outside_the_pid_namespace_is_an_id_only)
{
	struct locks *l = &self->l;
	struct ipcx_lock_stat st;
	pid_t a, prober;
	int status;

	a = hold_and_die(l, MX_LOCK);
	ASSERT_GT(a, 0);
	prober = fork();
	ASSERT_GE(prober, 0);
	if (prober == 0)
		_exit(chain_seen_from_pid_ns(l));
	status = lh_exit_code(lh_wait_child(prober, 10000));
	if (status == 70)
		SKIP(return, "no pid namespaces");
	EXPECT_EQ(0, status);
	/* the initial namespace sees who A was */
	ASSERT_EQ(-EOWNERDEAD, ipcx_mutex_lock(&l->m));
	ASSERT_EQ(0, ipcx_lock_stat(l->fd, MUTEX_OFF, &st));
	EXPECT_EQ(3, st.unrepaired_deaths);
	EXPECT_EQ(a, st.first_death.tgid);
	EXPECT_STREQ(COMM, st.first_death.comm);
	EXPECT_EQ(0, ipcx_mutex_consistent(&l->m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&l->m));
}

struct held_arg {
	struct locks *self;
	int own_mutex, own_rw;		/* what the thread saw of its holds */
	int mutex_held, rw_held;	/* ...and of main's */
};

/* Runs while main holds `other` and a read lock of `rw`. */
static void *held_thread(void *p)
{
	struct held_arg *a = p;

	if (ipcx_mutex_lock(&a->self->m) == 0) {	/* gets it an owner id */
		a->own_mutex = ipcx_mutex_held(&a->self->m);
		ipcx_mutex_unlock(&a->self->m);
	}
	a->mutex_held = ipcx_mutex_held(&a->self->other);
	a->rw_held = ipcx_rwlock_held(&a->self->rw);
	if (ipcx_rwlock_rdlock(&a->self->rw) == 0) {
		a->own_rw = ipcx_rwlock_held(&a->self->rw);
		ipcx_rwlock_unlock(&a->self->rw);
	}
	return NULL;
}

/* What a forked child sees: 0 for both, whatever its parent holds. */
static int child_sees_nothing(struct locks *self, pid_t (*forker)(void))
{
	pid_t pid = forker();

	if (pid == 0)
		_exit(ipcx_mutex_held(&self->other) != 0 ? 1 :
		      ipcx_rwlock_held(&self->rw) != 0 ? 2 : 0);
	return pid < 0 ? -1 : lh_exit_code(lh_wait_child(pid, 5000));
}

TEST_F(api, held_across_lock_unlock_fork_and_threads)
{
	struct locks *l = &self->l;
	struct held_arg a = { .self = l };
	pthread_t t;

	EXPECT_EQ(0, ipcx_mutex_held(&l->other));	/* no owner id yet */
	EXPECT_EQ(0, ipcx_rwlock_held(&l->rw));
	ASSERT_EQ(0, ipcx_mutex_lock(&l->other));
	EXPECT_EQ(1, ipcx_mutex_held(&l->other));
	EXPECT_EQ(0, ipcx_mutex_held(&l->m));
	ASSERT_EQ(0, ipcx_rwlock_rdlock(&l->rw));
	EXPECT_EQ(IPCX_RWLOCK_HELD_READ, ipcx_rwlock_held(&l->rw));

	EXPECT_EQ(0, child_sees_nothing(l, fork));
	if (lh_wipeonfork_works())	/* else _Fork() children cannot tell */
		EXPECT_EQ(0, child_sees_nothing(l, _Fork));

	ASSERT_EQ(0, pthread_create(&t, NULL, held_thread, &a));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, a.own_mutex);
	EXPECT_EQ(0, a.mutex_held);	/* main's holds are not the thread's */
	EXPECT_EQ(0, a.rw_held);
	EXPECT_EQ(IPCX_RWLOCK_HELD_READ, a.own_rw);
	EXPECT_EQ(IPCX_RWLOCK_HELD_READ, ipcx_rwlock_held(&l->rw));
	ASSERT_EQ(0, ipcx_rwlock_unlock(&l->rw));

	ASSERT_EQ(0, ipcx_rwlock_wrlock(&l->rw));
	EXPECT_EQ(IPCX_RWLOCK_HELD_WRITE, ipcx_rwlock_held(&l->rw));
	ASSERT_EQ(0, ipcx_rwlock_unlock(&l->rw));
	EXPECT_EQ(0, ipcx_rwlock_held(&l->rw));
	ASSERT_EQ(0, ipcx_mutex_unlock(&l->other));
	EXPECT_EQ(0, ipcx_mutex_held(&l->other));
}

TEST_HARNESS_MAIN
