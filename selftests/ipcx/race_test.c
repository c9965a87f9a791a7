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
 * IPCX_RACE_ITERATIONS overrides every test's iteration count (defaults
 * below, divided by 4 on a lockdep kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"

#include "kselftest_harness.h"

#define PG 4096UL

/* a "# " line that survives the harness's _exit() of the test process */
#define report(...) do { printf(__VA_ARGS__); fflush(stdout); } while (0)

static int iterations(int dflt)
{
	const char *e = getenv("IPCX_RACE_ITERATIONS");

	if (e && *e)
		return atoi(e);
	return access("/proc/lockdep", F_OK) ? dflt : (dflt + 3) / 4;
}

static cpu_set_t allowed;	/* the CPUs we may use, before any pinning */

static void __attribute__((constructor)) save_affinity(void)
{
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
}

/* Pin the calling thread to @cpu (modulo the CPUs we may use). */
static void pin(int cpu)
{
	cpu_set_t one;
	int i, n = 0;

	if (!CPU_COUNT(&allowed))
		return;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &allowed) && n++ == cpu % CPU_COUNT(&allowed))
			break;
	if (i == CPU_SETSIZE)
		return;
	CPU_ZERO(&one);
	CPU_SET(i, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

/* A spinning barrier for @parties, in memory shared by threads or processes. */
struct spin_barrier {
	int parties;
	int arrived;
};

static void barrier_wait(struct spin_barrier *b, int round)
{
	int spins = 0;

	__atomic_add_fetch(&b->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b->arrived, __ATOMIC_ACQUIRE) < b->parties * round)
		if (++spins % 1000 == 0)
			sched_yield();	/* one CPU, or a preempted partner */
}

/* a small random delay so that each side starts a little before the other */
static void jitter(unsigned int *seed)
{
	volatile int i;
	int n = rand_r(seed) % 2000;

	for (i = 0; i < n; i++)
		;
}

/*
 * An adaptive head start, as syzkaller's race tuning does: a side that
 * keeps winning waits a little longer next time, one that keeps losing a
 * little less, so the two calls keep meeting in the window between them.
 */
static void spin(unsigned int n)
{
	volatile unsigned int i;

	for (i = 0; i < n; i++)
		;
}

static void adapt(unsigned int *delay, int won)
{
	if (won)
		*delay = *delay + *delay / 8 + 16;
	else
		*delay -= *delay / 8 + (*delay ? 1 : 0);
}

/* The region count, after up to 5 s for it to come back to @want. */
static unsigned int regions_settle(unsigned int want)
{
	struct ipcx_nl_stats st = { 0 };
	int i;

	for (i = 0; i < 50; i++) {
		if (lh_stats(&st))
			return ~0U;
		if (st.regions == want)
			break;
		usleep(100000);
	}
	return st.regions;
}

static int open_region(const char *name, uint64_t size, uint32_t flags,
		       uint32_t lifetime)
{
	struct ipcx_region_open ro = { 0 };
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	ro.name = (uintptr_t)name;
	ro.size = size;
	ro.flags = flags;
	ro.mode = 0600;
	ro.lifetime = lifetime;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int unlink_name(int fd, const char *name, uint32_t flags)
{
	struct ipcx_region_unlink ul = { .name = (uintptr_t)name, .flags = flags };

	return ioctl(fd, IPCX_IOC_REGION_UNLINK, &ul) ? -errno : 0;
}

static int lock_ioctl(int fd, unsigned long cmd, uint64_t off, uint32_t flags,
		      uint64_t value, long timeout_ms)
{
	struct ipcx_lock_op op = { .offset = off, .flags = flags, .value = value };

	if (timeout_ms >= 0) {
		struct timespec ts = lh_deadline(CLOCK_MONOTONIC, timeout_ms);

		op.flags |= IPCX_LOCK_F_TIMEOUT;
		op.timeout_sec = ts.tv_sec;
		op.timeout_nsec = ts.tv_nsec;
	}
	return ioctl(fd, cmd, &op) < 0 ? -errno : 0;
}

static int declare(int fd, uint64_t off, uint32_t kind)
{
	struct ipcx_lock_op op = { .offset = off, .kind = kind };

	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? -errno : 0;
}

static int lock_stat(int fd, uint64_t off, struct ipcx_lock_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->offset = off;
	return ioctl(fd, IPCX_IOC_LOCK_STAT, st) ? -errno : 0;
}

static void rname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "race-%d-%s", getpid(), tag);
}

FIXTURE(race) {
	unsigned int base;	/* live regions before the test */
};

FIXTURE_SETUP(race)
{
	struct ipcx_nl_stats st;
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, lh_sweep_dead_names());
	ASSERT_EQ(0, lh_stats(&st));
	self->base = st.regions;
}

FIXTURE_TEARDOWN(race)
{
}

#define ASSERT_BASELINE() \
	ASSERT_EQ(self->base, regions_settle(self->base))

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

/* ---- open by name vs the final put ----------------------------------------- */

struct name_race {
	char name[64];
	unsigned int delay;	/* how long the creator keeps the name, adapted */
	volatile int found;	/* the opener found it since the last creation */
	volatile int done;
	int rounds;
	int created, eexist;
	int opened, enoent, bad, errs;
	int last_err;
};

static void *name_churn(void *arg)
{
	struct name_race *r = arg;
	int i, fd;

	pin(0);
	for (i = 0; i < r->rounds; i++) {
		int persistent = i % 4 != 0;	/* AUTO_REMOVE one time in four */

		fd = open_region(r->name, 2 * PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
				 persistent ? IPCX_LIFETIME_PERSISTENT :
					      IPCX_LIFETIME_AUTO_REMOVE);
		if (fd == -EEXIST) {	/* an AUTO_REMOVE one the opener holds */
			r->eexist++;
			continue;
		}
		if (fd < 0) {
			r->errs++;
			r->last_err = fd;
			continue;
		}
		r->created++;
		r->found = 0;
		spin(r->delay);
		/* keep the name just long enough for the opener to meet the put */
		adapt(&r->delay, !r->found);
		if (persistent && unlink_name(fd, r->name, 0)) {
			r->errs++;
			r->last_err = -errno;
		}
		close(fd);	/* the final put, racing the lookup */
	}
	r->done = 1;
	return NULL;
}

TEST_F_TIMEOUT(race, open_by_name_vs_final_put, 300)
{
	struct name_race r = { 0 };
	struct ipcx_region_stat st;
	pthread_t t;
	int fd;

	r.rounds = iterations(4000);
	rname(r.name, sizeof(r.name), "final");
	pin(1);
	ASSERT_EQ(0, pthread_create(&t, NULL, name_churn, &r));
	while (!r.done) {
		fd = open_region(r.name, 0, 0, 0);
		if (fd == -ENOENT) {
			r.enoent++;
			continue;
		}
		ASSERT_GE(fd, 0) {
			TH_LOG("open by name: %s", strerror(-fd));
		}
		r.opened++;
		r.found = 1;
		/* a live region: its own name, size and attachment */
		ASSERT_EQ(0, ioctl(fd, IPCX_IOC_REGION_STAT, &st));
		if (strcmp(st.name, r.name) || st.size != 2 * PG || !st.id ||
		    st.nattach < 1)
			r.bad++;
		close(fd);
	}
	pthread_join(t, NULL);
	report("# open_by_name_vs_final_put: %d creations (%d EEXIST), %d opened, %d ENOENT\n",
	       r.created, r.eexist, r.opened, r.enoent);
	ASSERT_EQ(0, r.errs) {
		TH_LOG("creator: %s", strerror(-r.last_err));
	}
	ASSERT_EQ(0, r.bad);
	ASSERT_GT(r.created, 0);
	ASSERT_BASELINE();
}

/* ---- epoll on lock fds vs revoke and close -------------------------------- */

struct poller {
	int epfd;
	int cpu;
	struct spin_barrier *b;
	int nev;
	uint32_t events[4];
	uint64_t data[4];
};

static void *epoll_fn(void *arg)
{
	struct poller *p = arg;
	struct epoll_event ev[4];
	int i;

	pin(p->cpu);
	barrier_wait(p->b, 1);
	p->nev = epoll_wait(p->epfd, ev, 4, 10000);
	for (i = 0; i < p->nev && i < 4; i++) {
		p->events[i] = ev[i].events;
		p->data[i] = ev[i].data.u64;
	}
	return NULL;
}

TEST_F_TIMEOUT(race, epoll_lockfd_vs_revoke_close, 300)
{
	int rounds = iterations(300), i, k, mode, counts[3] = { 0 };
	struct epoll_event ev;
	struct spin_barrier b;
	struct poller p;
	uint64_t one = 1;
	int fd, efd, lfd[2], epfd;
	char name[64];
	pthread_t t;

	rname(name, sizeof(name), "epoll");
	pin(0);
	for (i = 1; i <= rounds; i++) {
		mode = i % 3;
		fd = open_region(name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
				 IPCX_LIFETIME_PERSISTENT);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, declare(fd, 0, IPCX_LOCK_EVENT));
		ASSERT_EQ(0, declare(fd, 64, IPCX_LOCK_MUTEX));
		/* held: the mutex's lock fd is not readable */
		ASSERT_EQ(0, lock_ioctl(fd, IPCX_IOC_MUTEX_LOCK, 64, 0, 0, -1));
		epfd = epoll_create1(EPOLL_CLOEXEC);
		efd = eventfd(0, EFD_CLOEXEC);
		ASSERT_GE(epfd, 0);
		ASSERT_GE(efd, 0);
		for (k = 0; k < 2; k++) {
			struct ipcx_lock_op op = { .offset = 64 * k };

			lfd[k] = ioctl(fd, IPCX_IOC_LOCK_FD, &op);
			ASSERT_GE(lfd[k], 0);
			ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = k };
			ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, lfd[k], &ev));
		}
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 2 };
		ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev));
		b = (struct spin_barrier){ .parties = 2 };
		p = (struct poller){ .epfd = epfd, .cpu = 1, .b = &b };
		ASSERT_EQ(0, pthread_create(&t, NULL, epoll_fn, &p));
		barrier_wait(&b, 1);
		if (mode == 0) {
			/* revoke: both lock fds report EPOLLERR | EPOLLHUP */
			ASSERT_EQ(0, unlink_name(fd, name, IPCX_UNLINK_REVOKE));
		} else if (mode == 1) {
			/* the lock fds go while epoll waits on them */
			close(lfd[0]);
			close(lfd[1]);
			ASSERT_EQ(0, unlink_name(fd, name, 0));
			close(fd);
			fd = -1;
			ASSERT_EQ(8, write(efd, &one, 8));
		} else {
			/* the region's file and name go; the lock fds hold it */
			ASSERT_EQ(0, unlink_name(fd, name, 0));
			close(fd);
			fd = -1;
			ASSERT_EQ(8, write(efd, &one, 8));
		}
		pthread_join(t, NULL);
		ASSERT_GE(p.nev, 1) {
			TH_LOG("round %d mode %d: epoll_wait gave %d", i, mode, p.nev);
		}
		for (k = 0; k < p.nev; k++) {
			if (mode == 0) {
				ASSERT_LT(p.data[k], 2);
				ASSERT_EQ(EPOLLERR | EPOLLHUP,
					  p.events[k] & (EPOLLERR | EPOLLHUP));
			} else {
				ASSERT_EQ(2, p.data[k]);
			}
		}
		if (mode == 0) {
			struct pollfd pfd[2] = { { .fd = lfd[0] }, { .fd = lfd[1] } };

			ASSERT_EQ(2, poll(pfd, 2, 0));
			ASSERT_TRUE(pfd[0].revents & POLLHUP);
			ASSERT_TRUE(pfd[1].revents & POLLHUP);
		}
		if (mode != 1) {
			close(lfd[0]);
			close(lfd[1]);
		}
		if (fd >= 0)
			close(fd);
		close(efd);
		close(epfd);
		counts[mode]++;
	}
	report("# epoll_lockfd_vs_revoke_close: %d rounds: %d revoked, %d lock fds closed, "
	       "%d region closed under epoll\n", rounds, counts[0], counts[1], counts[2]);
	ASSERT_BASELINE();
}

/* ---- netlink dump vs region destroy --------------------------------------- */

struct churn {
	volatile int done;
	volatile uint64_t last_id;
	int rounds;
	int err;
};

static void *region_churn(void *arg)
{
	struct churn *c = arg;
	struct ipcx_region_stat st;
	int i, k, fd;
	void *p;

	pin(0);
	for (i = 0; i < c->rounds && !c->err; i++) {
		fd = open_region(NULL, 2 * PG, IPCX_OPEN_CREATE, 0);
		if (fd < 0) {
			c->err = fd;
			break;
		}
		for (k = 0; k < 3; k++)
			if (declare(fd, 64 * k, 1 + k))
				c->err = -errno;
		if (!ioctl(fd, IPCX_IOC_REGION_STAT, &st))
			c->last_id = st.id;
		p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p != MAP_FAILED)
			munmap(p, PG);	/* the final put, in munmap */
	}
	c->done = 1;
	return NULL;
}

struct dump_check {
	int regions;
	int bad;
};

static int dump_region_cb(const struct ipcx_nl_region *r, void *arg)
{
	struct dump_check *d = arg;

	d->regions++;
	if (!r->id || !r->size)
		d->bad++;
	return 0;
}

static int dump_lock_cb(const struct ipcx_nl_lock *l, void *arg)
{
	struct dump_check *d = arg;

	if (l->kind < IPCX_LOCK_MUTEX || l->kind > IPCX_LOCK_RWLOCK || l->offset % 64)
		d->bad++;
	return 0;
}

TEST_F_TIMEOUT(race, netlink_dump_vs_destroy, 300)
{
	struct churn c = { 0 };
	struct dump_check d = { 0 };
	struct ipcx_nl_region reg;
	struct ipcx_nl *nl;
	int dumps = 0, lock_dumps = 0, gets = 0, gone = 0, ret;
	pthread_t t;

	c.rounds = iterations(1000);
	ASSERT_EQ(0, ipcx_nl_open(&nl));
	pin(1);
	ASSERT_EQ(0, pthread_create(&t, NULL, region_churn, &c));
	while (!c.done) {
		ASSERT_EQ(0, ipcx_nl_list_regions(nl, dump_region_cb, &d));
		dumps++;
		ret = ipcx_nl_list_locks(nl, NULL, c.last_id ?: 1, dump_lock_cb, &d);
		ASSERT_TRUE(ret == 0 || ret == -ENOENT) {
			TH_LOG("lock dump: %s (%s)", strerror(-ret), ipcx_nl_errmsg(nl));
		}
		lock_dumps++;
		ret = ipcx_nl_get_region(nl, NULL, c.last_id ?: 1, &reg);
		ASSERT_TRUE(ret == 0 || ret == -ENOENT) {
			TH_LOG("get: %s (%s)", strerror(-ret), ipcx_nl_errmsg(nl));
		}
		if (ret)
			gone++;
		else
			gets++;
	}
	pthread_join(t, NULL);
	ipcx_nl_close(nl);
	report("# netlink_dump_vs_destroy: %d regions destroyed; %d region dumps (%d entries), "
	       "%d lock dumps, %d gets (%d gone)\n", c.rounds, dumps, d.regions,
	       lock_dumps, gets, gone);
	ASSERT_EQ(0, c.err) {
		TH_LOG("churn: %s", strerror(-c.err));
	}
	ASSERT_EQ(0, d.bad);
	ASSERT_BASELINE();
}

/* ---- resize vs fault ------------------------------------------------------- */

#define RZ_PAGES 16

static __thread sigjmp_buf fault_jmp;
static __thread volatile sig_atomic_t fault_armed;

static void on_sigbus(int sig)
{
	if (fault_armed)
		siglongjmp(fault_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct resizer {
	int fd;
	volatile int done;
	int rounds;
	int err;
};

static void *resize_loop(void *arg)
{
	struct resizer *r = arg;
	struct ipcx_region_resize rs = { 0 };
	unsigned int seed = 3;
	int i;

	pin(0);
	for (i = 0; i < r->rounds; i++) {
		rs.size = (1 + rand_r(&seed) % RZ_PAGES) * PG - (rand_r(&seed) % 2);
		if (ioctl(r->fd, IPCX_IOC_REGION_RESIZE, &rs)) {
			r->err = -errno;
			break;
		}
	}
	r->done = 1;
	return NULL;
}

TEST_F_TIMEOUT(race, resize_vs_fault, 300)
{
	struct resizer r = { 0 };
	struct sigaction sa = { 0 };
	volatile uint32_t *p;
	volatile long sigbus = 0, stores = 0, lost = 0;
	volatile uint32_t stamp = 0, page0 = 0;
	struct ipcx_region_resize rs = { .size = RZ_PAGES * PG };
	unsigned int seed = 4;
	pthread_t t;
	void *base;
	uint32_t v;
	int pg;

	r.rounds = iterations(5000);
	r.fd = lh_anon_region(RZ_PAGES * PG, &base);
	ASSERT_GE(r.fd, 0);
	p = base;
	sa.sa_handler = on_sigbus;
	sa.sa_flags = SA_NODEFER;
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	pin(1);
	ASSERT_EQ(0, pthread_create(&t, NULL, resize_loop, &r));
	while (!r.done) {
		pg = rand_r(&seed) % RZ_PAGES;
		stamp++;
		fault_armed = 1;
		if (sigsetjmp(fault_jmp, 1)) {
			fault_armed = 0;
			ASSERT_NE(0, pg) {
				TH_LOG("SIGBUS on page 0, which never goes");
			}
			sigbus++;
			continue;
		}
		p[pg * PG / 4] = stamp;
		v = p[pg * PG / 4];
		fault_armed = 0;
		stores++;
		if (pg == 0) {
			page0 = stamp;
			ASSERT_EQ(stamp, v);
		} else if (v != stamp) {
			/* truncated between the store and the load */
			ASSERT_EQ(0, v);
			lost++;
		}
	}
	pthread_join(t, NULL);
	ASSERT_EQ(0, r.err) {
		TH_LOG("resize: %s", strerror(-r.err));
	}
	ASSERT_EQ(0, ioctl(r.fd, IPCX_IOC_REGION_RESIZE, &rs));
	ASSERT_EQ(page0, p[0]);
	report("# resize_vs_fault: %d resizes, %ld stores, %ld SIGBUS, %ld truncated under us\n",
	       r.rounds, stores, sigbus, lost);
	munmap(base, RZ_PAGES * PG);
	close(r.fd);
	signal(SIGBUS, SIG_DFL);
	ASSERT_BASELINE();
}

TEST_HARNESS_MAIN
