// SPDX-License-Identifier: GPL-2.0
/*
 * Races over an object's lifetime, the way race_test.c runs them (two
 * sides pinned to two CPUs, released together, many times; an invariant
 * and the region count checked): open by name vs the final put, epoll on
 * lock fds vs revoke and close, a netlink dump vs region destroy, resize
 * vs fault. IPCX_RACE_ITERATIONS overrides the iteration counts.
 */
#include "race_helpers.h"

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
