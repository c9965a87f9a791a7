// SPDX-License-Identifier: GPL-2.0
/*
 * Races the way syzbot finds them: two (or more) threads or processes,
 * pinned to CPU 0 and CPU 1, released together by a spinning barrier, each
 * doing one half of a pair of operations on the same object, many times.
 * Each test checks an invariant (only the errnos the pair may give, data
 * and lock state consistent) and that the module's region count is back to
 * what it was before; a kernel report (KASAN, lockdep, WARN) fails the VM
 * run itself.
 *
 * Here: ioctl vs close, mmap vs unlink, munmap vs sleeping waiters, fork
 * vs lock; the races over an object's lifetime (open by name vs the final
 * put, epoll on lock fds vs revoke and close, netlink dump vs destroy,
 * resize vs fault) are in race_lifetime_test.c.
 *
 * IPCX_RACE_ITERATIONS overrides every test's iteration count (defaults
 * below, divided by 4 on a lockdep kernel).
 */
#include "race_helpers.h"

/* ---- ioctl vs close of the same fd ---------------------------------------- */

struct close_race {
	struct spin_barrier b;
	int fd;
	int rounds;
	unsigned int seed;
};

static void *closer(void *arg)
{
	struct close_race *r = arg;
	int i;

	pin(1);
	for (i = 1; i <= r->rounds; i++) {
		barrier_wait(&r->b, 2 * i - 1);
		jitter(&r->seed);
		close(r->fd);
		barrier_wait(&r->b, 2 * i);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, ioctl_vs_close, 300)
{
	struct close_race r = { .b = { .parties = 2 }, .seed = 1 };
	struct ipcx_region_stat st;
	struct ipcx_lock_stat ls;
	long ebadf = 0, ok = 0;
	pthread_t t;
	int i, k, ret;

	r.rounds = iterations(1000);
	pin(0);
	ASSERT_EQ(0, pthread_create(&t, NULL, closer, &r));
	for (i = 1; i <= r.rounds; i++) {
		r.fd = open_region(NULL, PG, IPCX_OPEN_CREATE, 0);
		ASSERT_GE(r.fd, 0);
		ASSERT_EQ(0, declare(r.fd, 0, IPCX_LOCK_MUTEX));
		ASSERT_EQ(0, declare(r.fd, 64, IPCX_LOCK_EVENT));
		barrier_wait(&r.b, 2 * i - 1);
		for (k = 0; k < 6; k++) {
			switch (k) {
			case 0:
				ret = ioctl(r.fd, IPCX_IOC_REGION_STAT, &st) ? -errno : 0;
				break;
			case 1:
				ret = lock_ioctl(r.fd, IPCX_IOC_MUTEX_LOCK, 0,
						 IPCX_LOCK_F_TRYLOCK, 0, -1);
				if (ret == -EDEADLK)
					ret = 0;
				break;
			case 2:		/* sleeps while the fd goes */
				ret = lock_ioctl(r.fd, IPCX_IOC_EVENT_WAIT, 64, 0, 0, 1);
				if (ret == -ETIMEDOUT)
					ret = 0;
				break;
			case 3:
				ret = lock_stat(r.fd, 0, &ls);
				break;
			case 4:
				ret = lock_ioctl(r.fd, IPCX_IOC_MUTEX_UNLOCK, 0, 0, 0, -1);
				if (ret == -EPERM)
					ret = 0;
				break;
			default:
				ret = lock_ioctl(r.fd, IPCX_IOC_EVENT_WAKE, 64, 0, 0, -1);
			}
			ASSERT_TRUE(ret == 0 || ret == -EBADF) {
				TH_LOG("round %d op %d: %s", i, k, strerror(-ret));
			}
			if (ret)
				ebadf++;
			else
				ok++;
		}
		barrier_wait(&r.b, 2 * i);
	}
	pthread_join(t, NULL);
	report("# ioctl_vs_close: %d rounds, %ld ioctls ok, %ld EBADF\n",
	       r.rounds, ok, ebadf);
	ASSERT_BASELINE();
}

/* ---- mmap vs unlink of a named region -------------------------------------- */

struct unlink_race {
	struct spin_barrier b;
	char name[64];
	int fd;			/* the creator's, for the unlink ioctl */
	int rounds;
	int unlinked;
	unsigned int delay;	/* the unlinker's head start, adapted */
	unsigned int seed;
};

static void *unlinker(void *arg)
{
	struct unlink_race *r = arg;
	int i;

	pin(1);
	for (i = 1; i <= r->rounds; i++) {
		barrier_wait(&r->b, 2 * i - 1);
		spin(r->delay);
		jitter(&r->seed);
		if (!unlink_name(r->fd, r->name, (i & 1) ? IPCX_UNLINK_REVOKE : 0))
			r->unlinked++;
		barrier_wait(&r->b, 2 * i);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, mmap_vs_unlink, 300)
{
	struct unlink_race r = { .b = { .parties = 2 }, .seed = 2 };
	int i, fd2, opened = 0, enoent = 0;
	volatile uint32_t *mine, *theirs;
	pthread_t t;

	r.rounds = iterations(1000);
	rname(r.name, sizeof(r.name), "mmap");
	pin(0);
	ASSERT_EQ(0, pthread_create(&t, NULL, unlinker, &r));
	for (i = 1; i <= r.rounds; i++) {
		r.fd = open_region(r.name, 2 * PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
				   IPCX_LIFETIME_PERSISTENT);
		ASSERT_GE(r.fd, 0);
		mine = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
		ASSERT_NE(MAP_FAILED, mine);
		barrier_wait(&r.b, 2 * i - 1);
		fd2 = open_region(r.name, 0, 0, 0);
		ASSERT_TRUE(fd2 >= 0 || fd2 == -ENOENT) {
			TH_LOG("round %d: open by name: %s", i, strerror(-fd2));
		}
		if (fd2 >= 0) {
			opened++;
			/* the file holds the region: mmap works, name or not */
			theirs = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
			ASSERT_NE(MAP_FAILED, theirs);
			theirs[PG / 4] = i;
			ASSERT_EQ((uint32_t)i, mine[PG / 4]);
			mine[0] = ~i;
			ASSERT_EQ((uint32_t)~i, theirs[0]);
			ASSERT_EQ(0, munmap((void *)theirs, 2 * PG));
			close(fd2);
		} else {
			enoent++;
		}
		/* aim at about as many opens won as lost */
		adapt(&r.delay, fd2 < 0);
		barrier_wait(&r.b, 2 * i);
		ASSERT_EQ(0, munmap((void *)mine, 2 * PG));
		close(r.fd);
	}
	pthread_join(t, NULL);
	report("# mmap_vs_unlink: %d rounds, %d opened+mapped before the unlink, %d ENOENT, %d unlinks\n",
	       r.rounds, opened, enoent, r.unlinked);
	ASSERT_EQ(r.rounds, r.unlinked);
	ASSERT_BASELINE();
}

/* ---- munmap vs sleeping waiters ------------------------------------------- */

struct waiter_race {
	int fd;
	int cpu;
	int result;
	int acquired;
	struct spin_barrier *start;
};

static void *mutex_waiter(void *arg)
{
	struct waiter_race *w = arg;

	pin(w->cpu);
	barrier_wait(w->start, 1);
	w->result = lock_ioctl(w->fd, IPCX_IOC_MUTEX_LOCK, 0, 0, 0, 10000);
	if (!w->result) {
		w->acquired = 1;
		w->result = lock_ioctl(w->fd, IPCX_IOC_MUTEX_UNLOCK, 0, 0, 0, -1);
	}
	return NULL;
}

static void *event_waiter(void *arg)
{
	struct waiter_race *w = arg;

	pin(w->cpu);
	barrier_wait(w->start, 1);
	w->result = lock_ioctl(w->fd, IPCX_IOC_EVENT_WAIT, 64, 0, 0, 10000);
	return NULL;
}

struct unmapper {
	void *addr;
	struct spin_barrier *go;
};

static void *unmap_fn(void *arg)
{
	struct unmapper *u = arg;

	pin(1);
	barrier_wait(u->go, 1);
	munmap(u->addr, PG);
	return NULL;
}

TEST_F_TIMEOUT(race, munmap_vs_sleeping_waiters, 300)
{
	int rounds = iterations(100), i, k, revoked = 0, handed = 0;
	struct waiter_race w[3];
	struct ipcx_lock_stat st;
	struct spin_barrier start, go;
	struct unmapper u;
	pthread_t t[3], ut;
	char name[64];
	void *base;
	int fd;

	rname(name, sizeof(name), "waiters");
	pin(0);
	for (i = 1; i <= rounds; i++) {
		int revoke = i % 2 == 0;

		fd = open_region(name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
				 IPCX_LIFETIME_PERSISTENT);
		ASSERT_GE(fd, 0);
		base = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, base);
		ASSERT_EQ(0, declare(fd, 0, IPCX_LOCK_MUTEX));
		ASSERT_EQ(0, declare(fd, 64, IPCX_LOCK_EVENT));
		ASSERT_EQ(0, lock_ioctl(fd, IPCX_IOC_MUTEX_LOCK, 0, 0, 0, -1));
		start = (struct spin_barrier){ .parties = 4 };
		go = (struct spin_barrier){ .parties = 2 };
		for (k = 0; k < 3; k++) {
			w[k] = (struct waiter_race){ .fd = fd, .cpu = k, .start = &start };
			ASSERT_EQ(0, pthread_create(&t[k], NULL,
						    k == 2 ? event_waiter : mutex_waiter, &w[k]));
		}
		barrier_wait(&start, 1);
		ASSERT_EQ(0, lh_wait_waiters(fd, 0, 2, 5000));
		ASSERT_EQ(0, lh_wait_waiters(fd, 64, 1, 5000));
		/* the mapping goes while they sleep, racing the release */
		u = (struct unmapper){ .addr = base, .go = &go };
		ASSERT_EQ(0, pthread_create(&ut, NULL, unmap_fn, &u));
		barrier_wait(&go, 1);
		if (revoke) {
			ASSERT_EQ(0, unlink_name(fd, name, IPCX_UNLINK_REVOKE));
		} else {
			ASSERT_EQ(0, lock_ioctl(fd, IPCX_IOC_MUTEX_UNLOCK, 0, 0, 0, -1));
			ASSERT_EQ(0, lock_ioctl(fd, IPCX_IOC_EVENT_WAKE, 64, 0, 0, -1));
		}
		pthread_join(ut, NULL);
		for (k = 0; k < 3; k++)
			pthread_join(t[k], NULL);
		for (k = 0; k < 3; k++) {
			ASSERT_EQ(revoke ? -EIDRM : 0, w[k].result) {
				TH_LOG("round %d waiter %d: %s", i, k, strerror(-w[k].result));
			}
		}
		if (revoke) {
			revoked++;
			/* revoked for good: later waits fail at once */
			ASSERT_EQ(-EIDRM, lock_ioctl(fd, IPCX_IOC_EVENT_WAIT, 64, 0, 0, 1000));
		} else {
			handed++;
			ASSERT_EQ(1, w[0].acquired);
			ASSERT_EQ(1, w[1].acquired);
			ASSERT_EQ(0, lock_stat(fd, 0, &st));
			ASSERT_EQ(0, st.word);
			ASSERT_EQ(0, st.waiters);
			ASSERT_EQ(0, unlink_name(fd, name, 0));
		}
		close(fd);
	}
	report("# munmap_vs_sleeping_waiters: %d rounds: %d handed over, %d revoked (EIDRM)\n",
	       rounds, handed, revoked);
	ASSERT_BASELINE();
}

/* ---- fork vs lock acquire/release ------------------------------------------ */

struct fork_shared {
	uint32_t pad[32];	/* the mutex block at 0 */
	uint64_t counter;	/* guarded by the mutex */
	int ownerdead;		/* EOWNERDEAD seen, all processes */
	int died_holding;	/* children that exited holding it */
};

struct locker {
	struct ipcx_mutex *m;
	struct fork_shared *sh;
	int n;
	int err;
};

static int take(struct ipcx_mutex *m, struct fork_shared *sh)
{
	struct timespec ts = lh_deadline(CLOCK_MONOTONIC, 20000);
	int ret = ipcx_mutex_timedlock(m, &ts, CLOCK_MONOTONIC);

	if (ret == -EOWNERDEAD) {
		sh->ownerdead++;
		ret = ipcx_mutex_consistent(m);
	}
	return ret;
}

static void *lock_loop(void *arg)
{
	struct locker *l = arg;
	int i, ret;

	pin(1);
	for (i = 0; i < l->n; i++) {
		ret = take(l->m, l->sh);
		if (ret) {
			l->err = ret;
			break;
		}
		l->sh->counter++;
		ret = ipcx_mutex_unlock(l->m);
		if (ret) {
			l->err = ret;
			break;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(race, fork_vs_lock, 300)
{
	int forks = iterations(300), i, status, ret;
	struct ipcx_mutex m;
	struct fork_shared *sh;
	struct ipcx_lock_stat st;
	struct locker l;
	pthread_t t;
	void *base;
	int fd;
	pid_t pid;

	fd = lh_anon_region(PG, &base);
	ASSERT_GE(fd, 0);
	sh = base;
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	l = (struct locker){ .m = &m, .sh = sh, .n = forks * 20 };
	pin(0);
	ASSERT_EQ(0, pthread_create(&t, NULL, lock_loop, &l));
	for (i = 0; i < forks; i++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			/* a new thread: it owns nothing, registers its own id */
			ret = take(&m, sh);
			if (ret)
				_exit(10 + (-ret & 0x7f));
			sh->counter++;
			if (i % 3 == 0) {
				sh->died_holding++;
				_exit(0);	/* the kernel releases it */
			}
			_exit(ipcx_mutex_unlock(&m) ? 2 : 0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("child %d: status %#x", i, status);
		}
	}
	pthread_join(t, NULL);
	ASSERT_EQ(0, l.err) {
		TH_LOG("parent thread: %s", strerror(-l.err));
	}
	/* a death not yet reported is reported to this last lock */
	ASSERT_EQ(0, take(&m, sh));
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	report("# fork_vs_lock: %d forks racing %d lock/unlock pairs: counter %llu, "
	       "%d died holding, %d EOWNERDEAD\n", forks, l.n,
	       (unsigned long long)sh->counter, sh->died_holding, sh->ownerdead);
	ASSERT_EQ((uint64_t)forks + l.n, sh->counter);
	ASSERT_EQ(sh->died_holding, sh->ownerdead);
	ASSERT_EQ(0, lock_stat(fd, 0, &st));
	ASSERT_EQ(0, st.word);
	munmap(base, PG);
	close(fd);
	ASSERT_BASELINE();
}

TEST_HARNESS_MAIN
