// SPDX-License-Identifier: GPL-2.0
/*
 * The wait-for graph: IPCX_NL_CMD_WAITS_GET (ipcx_nl_list_waits()), `ipcx
 * locks NAME --waiters` and `ipcx waits --json`, with real sleepers:
 *  - processes asleep on a mutex, on a rwlock (a reader and a writer), on
 *    a semaphore and on an event are listed with their pids, what they wait for and
 *    since when; the holders with how they hold;
 *  - uid 65534 in a user and pid namespace of its own (same IPC namespace)
 *    gets EACCES for root's 0600 region and does not find it in the
 *    namespace dump, and sees the sleeper of a 0644 region by owner id
 *    only (no pid, no command: not in its pid namespace);
 *  - `ipcx waits --json` shows a chain A -> B -> C with no cycle, and two
 *    processes each asleep on the mutex the other holds as one cycle.
 * Needs the module and root (setresuid, unshare); SKIPs otherwise.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"
#include "nl_test_helpers.h"

#include "kselftest_harness.h"

#define PG		4096
#define NOBODY		65534
#define CHILD_SKIP	77
#define OFF_MUTEX	0
#define OFF_RW		64
#define OFF_SEM		128
#define OFF_MUTEX2	192
#define OFF_EVENT	192	/* in sleepers_on_each_kind's region */
#define SLEEP_MS	30000	/* a sleeper's deadline: the test kills it long before */

static void tname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "wt-%d-%s", getpid(), tag);
}

/* what the dump said about one lock */
struct seen_lock {
	bool found;
	struct ipcx_nl_waits w;
	struct ipcx_nl_peer holders[4], waiters[8];
};

struct seen {
	uint64_t region_id;	/* 0: any */
	struct seen_lock at[4];	/* by offset / 64 */
	int locks_of_region;
};

static int seen_cb(const struct ipcx_nl_waits *w, void *arg)
{
	struct seen *s = arg;
	struct seen_lock *l;
	uint32_t n;

	if (s->region_id && w->region_id != s->region_id)
		return 0;
	s->locks_of_region++;
	if (w->offset / 64 >= 4)
		return 0;
	l = &s->at[w->offset / 64];
	l->found = true;
	l->w = *w;
	n = w->nr_holders < 4 ? w->nr_holders : 4;
	memcpy(l->holders, w->holders, n * sizeof(*w->holders));
	n = w->nr_waiters < 8 ? w->nr_waiters : 8;
	memcpy(l->waiters, w->waiters, n * sizeof(*w->waiters));
	return 0;
}

/* the sleeper of @l with pid @pid, or NULL */
static const struct ipcx_nl_peer *sleeper(const struct seen_lock *l, pid_t pid)
{
	uint32_t i;

	for (i = 0; i < l->w.nr_waiters && i < 8; i++)
		if (l->waiters[i].pid == (uint32_t)pid)
			return &l->waiters[i];
	return NULL;
}

/* A named region of @size, mapped, made by root with @mode; fd or -errno. */
static int region_of(const char *name, unsigned int mode, size_t size, void **base)
{
	int fd = ipcx_region_create(name, size, mode, IPCX_LIFETIME_AUTO_REMOVE,
				    IPCX_OPEN_EXCL);

	if (fd < 0)
		return fd;
	if (ipcx_region_map(fd, size, PROT_READ | PROT_WRITE, base)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int region(const char *name, unsigned int mode, void **base)
{
	return region_of(name, mode, PG, base);
}

/* children that sleep until killed */
static pid_t sleep_on_mutex(struct ipcx_mutex *m)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, SLEEP_MS);

		_exit(ipcx_mutex_timedlock(m, &dl, CLOCK_MONOTONIC) == 0 ? 0 : 1);
	}
	return pid;
}

static pid_t sleep_on_rw(struct ipcx_rwlock *rw, bool write)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, SLEEP_MS);
		int ret = write ? ipcx_rwlock_wrlock_full(rw, 0, &dl, CLOCK_MONOTONIC, NULL) :
				  ipcx_rwlock_rdlock_full(rw, 0, &dl, CLOCK_MONOTONIC, NULL);

		_exit(ret == 0 ? 0 : 1);
	}
	return pid;
}

static pid_t sleep_on_sem(struct ipcx_sem *s)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, SLEEP_MS);

		_exit(ipcx_sem_timedwait(s, &dl, CLOCK_MONOTONIC) == 0 ? 0 : 1);
	}
	return pid;
}

static pid_t sleep_on_event(struct ipcx_event *e)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, SLEEP_MS);

		_exit(ipcx_event_wait(e, ipcx_event_seq(e), &dl, CLOCK_MONOTONIC) == 0 ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
}

/* "ipcx ARGS" through the shell, stdout into @out; its exit status or -1 */
static int ipcx(char *out, size_t len, const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", nh_tool(), args);
	return nh_run(cmd, out, len);
}

TEST(sleepers_on_each_kind)
{
	struct ipcx_mutex m;
	struct ipcx_rwlock rw;
	struct ipcx_sem sem;
	struct ipcx_event ev;
	pid_t kids[5] = { 0 };
	struct ipcx_nl_region r;
	const struct ipcx_nl_peer *p;
	struct seen s = { 0 };
	struct ipcx_nl *nl;
	char name[64], args[128];
	static char out[16384];
	uint64_t before, now;
	void *base;
	int fd, ret;

	ret = ipcx_nl_open(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_EQ(0, ret);
	tname(name, sizeof(name), "kinds");
	fd = region(name, 0600, &base);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, OFF_MUTEX));
	ASSERT_EQ(0, ipcx_rwlock_init(&rw, fd, base, OFF_RW));
	ASSERT_EQ(0, ipcx_sem_init(&sem, fd, base, OFF_SEM, 0));
	ASSERT_EQ(0, ipcx_event_init(&ev, fd, base, OFF_EVENT));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	ASSERT_EQ(0, ipcx_rwlock_wrlock(&rw));

	before = lh_now_ns(CLOCK_MONOTONIC);
	kids[0] = sleep_on_mutex(&m);
	kids[1] = sleep_on_rw(&rw, false);
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_RW, 1, 10000));	/* the reader first */
	kids[2] = sleep_on_rw(&rw, true);
	kids[3] = sleep_on_sem(&sem);
	kids[4] = sleep_on_event(&ev);
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_MUTEX, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_EVENT, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_RW, 2, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_SEM, 1, 10000));

	ASSERT_EQ(0, ipcx_nl_get_region(nl, name, 0, &r));
	s.region_id = r.id;
	ASSERT_EQ(0, ipcx_nl_list_waits(nl, name, 0, seen_cb, &s));
	now = lh_now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(4, s.locks_of_region);

	/* the mutex: held by us, one sleeper waiting for the lock */
	ASSERT_TRUE(s.at[OFF_MUTEX / 64].found);
	EXPECT_STREQ(name, s.at[OFF_MUTEX / 64].w.region_name);
	EXPECT_EQ(IPCX_LOCK_MUTEX, s.at[OFF_MUTEX / 64].w.kind);
	ASSERT_EQ(1, s.at[OFF_MUTEX / 64].w.nr_holders);
	EXPECT_EQ((uint32_t)getpid(), s.at[OFF_MUTEX / 64].holders[0].pid);
	EXPECT_EQ(IPCX_WAIT_LOCK, s.at[OFF_MUTEX / 64].holders[0].wait_for);
	ASSERT_EQ(1, s.at[OFF_MUTEX / 64].w.nr_waiters);
	p = sleeper(&s.at[OFF_MUTEX / 64], kids[0]);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(IPCX_WAIT_LOCK, p->wait_for);
	EXPECT_EQ((uint32_t)kids[0], p->tgid);
	EXPECT_NE(0, p->owner);
	EXPECT_NE('\0', p->comm[0]);
	EXPECT_GE(p->since_ns, before);
	EXPECT_LE(p->since_ns, now);

	/* the rwlock: written by us; a reader and a writer asleep, in order */
	ASSERT_TRUE(s.at[OFF_RW / 64].found);
	ASSERT_EQ(1, s.at[OFF_RW / 64].w.nr_holders);
	EXPECT_EQ((uint32_t)getpid(), s.at[OFF_RW / 64].holders[0].pid);
	EXPECT_EQ(IPCX_WAIT_WRITE, s.at[OFF_RW / 64].holders[0].wait_for);
	ASSERT_EQ(2, s.at[OFF_RW / 64].w.nr_waiters);
	EXPECT_EQ((uint32_t)kids[1], s.at[OFF_RW / 64].waiters[0].pid);
	EXPECT_EQ(IPCX_WAIT_READ, s.at[OFF_RW / 64].waiters[0].wait_for);
	EXPECT_EQ((uint32_t)kids[2], s.at[OFF_RW / 64].waiters[1].pid);
	EXPECT_EQ(IPCX_WAIT_WRITE, s.at[OFF_RW / 64].waiters[1].wait_for);

	/* the semaphore: no units, one sleeper for one unit, no holder known */
	ASSERT_TRUE(s.at[OFF_SEM / 64].found);
	EXPECT_EQ(0, s.at[OFF_SEM / 64].w.count);
	EXPECT_EQ(0, s.at[OFF_SEM / 64].w.nr_holders);
	p = sleeper(&s.at[OFF_SEM / 64], kids[3]);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(IPCX_WAIT_UNITS, p->wait_for);
	EXPECT_EQ(1, p->units);

	/* the event: one sleeper for its next signal */
	ASSERT_TRUE(s.at[OFF_EVENT / 64].found);
	EXPECT_EQ(IPCX_LOCK_EVENT, s.at[OFF_EVENT / 64].w.kind);
	EXPECT_EQ(0, s.at[OFF_EVENT / 64].w.nr_holders);
	p = sleeper(&s.at[OFF_EVENT / 64], kids[4]);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(IPCX_WAIT_EVENT, p->wait_for);

	/* the command says the same, per sleeper */
	snprintf(args, sizeof(args), "locks %s --waiters", name);
	ASSERT_EQ(0, ipcx(out, sizeof(out), args));
	TH_LOG("%s", out);
	snprintf(args, sizeof(args), "waiter  %d/", kids[0]);
	EXPECT_NE(NULL, strstr(out, args));
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", " lock, for "));
	snprintf(args, sizeof(args), "waiter  %d/", kids[1]);
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", " read, for "));
	snprintf(args, sizeof(args), "waiter  %d/", kids[2]);
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", " write, for "));
	snprintf(args, sizeof(args), "waiter  %d/", kids[3]);
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", " units 1, for "));
	snprintf(args, sizeof(args), "waiter  %d/", kids[4]);
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", " event, for "));
	snprintf(args, sizeof(args), "holder  %d/", getpid());
	EXPECT_NE(NULL, strstr(out, args));

	/* and in JSON */
	snprintf(args, sizeof(args), "locks %s --waiters --json", name);
	ASSERT_EQ(0, ipcx(out, sizeof(out), args));
	snprintf(args, sizeof(args), "\"pid\": %d, \"tgid\": %d", kids[2], kids[2]);
	EXPECT_NE(NULL, strstr(out, args));
	EXPECT_NE(NULL, strstr(strstr(out, args) ?: "", "\"for\": \"write\""));

	reap(kids, 5);
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
	EXPECT_EQ(0, ipcx_rwlock_unlock(&rw));
	ipcx_region_unmap(base, PG);
	close(fd);
	ipcx_nl_close(nl);
}

/*
 * The unprivileged side of the test below, run as pid 1 of its own pid
 * namespace: root's 0600 region is refused and absent from the namespace
 * dump; the 0644 one is listed, its sleeper and holder by owner id only.
 */
static int look_as_nobody(const char *secret, const char *open_name)
{
	struct seen all = { 0 }, one = { 0 };
	struct ipcx_nl_region r;
	const struct seen_lock *l;
	struct ipcx_nl *nl;

	if (ipcx_nl_open(&nl))
		return 20;
	if (ipcx_nl_list_waits(nl, secret, 0, seen_cb, &one) != -EACCES)
		return 21;
	if (ipcx_nl_get_region(nl, secret, 0, &r))
		return 22;	/* the region itself is listed, as ipcs lists it */
	all.region_id = r.id;
	if (ipcx_nl_list_waits(nl, NULL, 0, seen_cb, &all) || all.locks_of_region)
		return 23;
	memset(&one, 0, sizeof(one));
	if (ipcx_nl_list_waits(nl, open_name, 0, seen_cb, &one))
		return 24;
	l = &one.at[OFF_MUTEX / 64];
	if (!l->found || l->w.nr_waiters != 1 || l->w.nr_holders != 1)
		return 25;
	if (l->waiters[0].pid || l->waiters[0].tgid || l->waiters[0].comm[0] ||
	    !l->waiters[0].owner)
		return 26;	/* the sleeper is not in our pid namespace */
	if (l->holders[0].pid || l->holders[0].comm[0] || !l->holders[0].owner)
		return 27;
	ipcx_nl_close(nl);
	return 0;
}

TEST(other_user_and_pid_namespace)
{
	struct ipcx_mutex secret_m, open_m;
	char secret[64], open_name[64];
	void *secret_base, *open_base;
	pid_t kids[2] = { 0 }, pid;
	int sfd, ofd, status;
	struct ipcx_nl *nl;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid %d", NOBODY);
	if (ipcx_nl_open(&nl) == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ipcx_nl_close(nl);
	tname(secret, sizeof(secret), "secret");
	tname(open_name, sizeof(open_name), "open");
	sfd = region(secret, 0600, &secret_base);
	ASSERT_GE(sfd, 0);
	ofd = region(open_name, 0644, &open_base);
	ASSERT_GE(ofd, 0);
	ASSERT_EQ(0, ipcx_mutex_init(&secret_m, sfd, secret_base, OFF_MUTEX));
	ASSERT_EQ(0, ipcx_mutex_init(&open_m, ofd, open_base, OFF_MUTEX));
	ASSERT_EQ(0, ipcx_mutex_lock(&secret_m));
	ASSERT_EQ(0, ipcx_mutex_lock(&open_m));
	kids[0] = sleep_on_mutex(&secret_m);
	kids[1] = sleep_on_mutex(&open_m);
	ASSERT_EQ(0, lh_wait_waiters(sfd, OFF_MUTEX, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(ofd, OFF_MUTEX, 1, 10000));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t inner;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
			_exit(CHILD_SKIP);
		inner = fork();		/* pid 1 of the new pid namespace */
		if (inner == 0)
			_exit(look_as_nobody(secret, open_name));
		_exit(inner < 0 ? 12 : lh_exit_code(lh_wait_child(inner, 20000)));
	}
	status = lh_exit_code(lh_wait_child(pid, 30000));
	reap(kids, 2);
	EXPECT_EQ(0, ipcx_mutex_unlock(&secret_m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&open_m));
	ipcx_region_unmap(secret_base, PG);
	ipcx_region_unmap(open_base, PG);
	close(sfd);
	close(ofd);
	if (status == CHILD_SKIP)
		SKIP(return, "unprivileged user namespaces are off");
	EXPECT_EQ(0, status);
}

#define PARTS_LOCKS	512	/* 8 pages of lock blocks: several message buffers */
#define PARTS_SLEEPERS	40	/* three messages for one lock */

/* every lock of a region once, with all its sleepers' pids */
struct census {
	uint64_t region_id;
	int calls[PARTS_LOCKS];	/* callbacks per lock (offset / 64) */
	uint32_t pids[64];	/* the sleepers of lock 0 */
	uint32_t npids;
};

static int census_cb(const struct ipcx_nl_waits *w, void *arg)
{
	struct census *c = arg;
	uint32_t i;

	if (w->region_id != c->region_id || w->offset / 64 >= PARTS_LOCKS)
		return 0;
	c->calls[w->offset / 64]++;
	if (w->offset)
		return 0;
	for (i = 0; i < w->nr_waiters && c->npids < 64; i++)
		c->pids[c->npids++] = w->waiters[i].pid;
	return 0;
}

/*
 * The dump in parts: 512 locks in one region take more than one message
 * buffer (32 KiB at most), and 40 sleepers on one lock take three messages (at most
 * IPCX_NL_WAITS_BATCH each): every lock comes once, every sleeper once, in
 * order, by name and in the whole-namespace dump alike.
 */
TEST(dump_in_parts)
{
	static struct ipcx_mutex m[PARTS_LOCKS];
	pid_t kids[PARTS_SLEEPERS] = { 0 };
	struct ipcx_nl_region r;
	struct census c;
	struct ipcx_nl *nl;
	char name[64];
	void *base;
	int fd, i, k, pass, ret;

	ret = ipcx_nl_open(&nl);
	if (ret == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_EQ(0, ret);
	tname(name, sizeof(name), "parts");
	fd = region_of(name, 0600, PARTS_LOCKS * 64, &base);
	ASSERT_GE(fd, 0);
	for (i = 0; i < PARTS_LOCKS; i++)
		ASSERT_EQ(0, ipcx_mutex_init(&m[i], fd, base, i * 64));
	ASSERT_EQ(0, ipcx_mutex_lock(&m[0]));
	for (i = 0; i < PARTS_SLEEPERS; i++) {
		kids[i] = sleep_on_mutex(&m[0]);
		ASSERT_GT(kids[i], 0);
		/* one at a time: the queue's order is the order of kids[] */
		ASSERT_EQ(0, lh_wait_waiters(fd, 0, i + 1, 10000));
	}
	ASSERT_EQ(0, ipcx_nl_get_region(nl, name, 0, &r));
	for (pass = 0; pass < 2; pass++) {
		memset(&c, 0, sizeof(c));
		c.region_id = r.id;
		ASSERT_EQ(0, ipcx_nl_list_waits(nl, pass ? NULL : name, 0, census_cb, &c));
		for (k = 0, i = 0; i < PARTS_LOCKS; i++)
			k += c.calls[i] == 1;
		EXPECT_EQ(PARTS_LOCKS, k);
		ASSERT_EQ(PARTS_SLEEPERS, c.npids);
		for (i = 0; i < PARTS_SLEEPERS; i++)
			EXPECT_EQ((uint32_t)kids[i], c.pids[i]);
	}
	reap(kids, PARTS_SLEEPERS);
	EXPECT_EQ(0, ipcx_mutex_unlock(&m[0]));
	ipcx_region_unmap(base, PARTS_LOCKS * 64);
	close(fd);
	ipcx_nl_close(nl);
}

/*
 * A child that takes @first, says so on @ready, waits for a byte on @go,
 * then sleeps on @second (NULL: holds @first until killed).
 */
static pid_t hold_then_wait(struct ipcx_mutex *first, struct ipcx_mutex *second,
			    int ready, int go)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec dl;

		if (ipcx_mutex_lock(first) || nh_write_byte(ready, 'L'))
			_exit(1);
		if (nh_read_byte(go) != 'g')
			_exit(2);
		if (!second)
			for (;;)
				pause();
		dl = lh_deadline(CLOCK_MONOTONIC, SLEEP_MS);
		_exit(ipcx_mutex_timedlock(second, &dl, CLOCK_MONOTONIC) ? 3 : 0);
	}
	return pid;
}

/*
 * A cycle must stand for ipcx waits to show it: the thread closing a cycle
 * gets EDEADLK instead of sleeping, unless its locks opted out.
 */
static int allow_cycles(int fd, uint64_t offset)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	op.offset = offset;
	op.kind = IPCX_LOCK_MUTEX;
	op.flags = IPCX_LOCK_F_NO_DEADLOCK;
	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? -errno : 0;
}

/* one edge line of `ipcx waits --json`: from_pid, to_pid (0: null), cycle (-1: null) */
struct jedge {
	long from, to, cycle;
};

static int json_edges(const char *out, struct jedge *e, int max)
{
	const char *p = out, *q;
	int n = 0;

	while (n < max && (p = strstr(p, "{\"from\": "))) {
		q = strstr(p, "\"from_pid\": ");
		e[n].from = q ? strtol(q + 12, NULL, 10) : -1;
		q = strstr(p, "\"to_pid\": ");
		e[n].to = q && strncmp(q + 10, "null", 4) ? strtol(q + 10, NULL, 10) : 0;
		q = strstr(p, "\"cycle\": ");
		e[n].cycle = q && strncmp(q + 9, "null", 4) ? strtol(q + 9, NULL, 10) : -1;
		n++;
		p++;
	}
	return n;
}

/* the edge from @from to @to, or NULL */
static const struct jedge *edge(const struct jedge *e, int n, pid_t from, pid_t to)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].from == from && e[i].to == to)
			return &e[i];
	return NULL;
}

/* Does "cycles": [...] hold a list of exactly the pids @a and @b? */
static bool json_has_cycle(const char *out, pid_t a, pid_t b)
{
	const char *p = strstr(out, "\"cycles\": [");
	long x, y;
	char *end;

	if (!p)
		return false;
	p += strlen("\"cycles\": [");
	while ((p = strchr(p, '['))) {
		x = strtol(p + 1, &end, 10);
		if (*end != ',')
			goto next;
		y = strtol(end + 1, &end, 10);
		if (*end == ']' && ((x == a && y == b) || (x == b && y == a)))
			return true;
next:
		p++;
	}
	return false;
}

TEST(chain_and_cycle_in_json)
{
	struct ipcx_mutex l1, l2, x, y;
	int fd, fd2, i, ready[2], go[2], n, cycle;
	static char out[65536];
	struct jedge e[64];
	char name[64], name2[64];
	const struct jedge *je;
	pid_t kids[5] = { 0 };
	void *base, *base2;

	tname(name, sizeof(name), "chain");
	tname(name2, sizeof(name2), "cycle");
	fd = region(name, 0600, &base);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	fd2 = region(name2, 0600, &base2);	/* the cycle spans both regions */
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, ipcx_mutex_init(&l1, fd, base, OFF_MUTEX));
	ASSERT_EQ(0, ipcx_mutex_init(&l2, fd, base, OFF_MUTEX2));
	ASSERT_EQ(0, ipcx_mutex_init(&x, fd, base, OFF_RW));
	ASSERT_EQ(0, ipcx_mutex_init(&y, fd2, base2, OFF_MUTEX));
	ASSERT_EQ(0, allow_cycles(fd, OFF_RW));
	ASSERT_EQ(0, allow_cycles(fd2, OFF_MUTEX));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));

	/* chain: A sleeps on l1 held by B, B sleeps on l2 held by C */
	kids[2] = hold_then_wait(&l2, NULL, ready[1], go[0]);		/* C */
	kids[1] = hold_then_wait(&l1, &l2, ready[1], go[0]);		/* B */
	/* cycle: P holds x, waits for y; Q holds y, waits for x */
	kids[3] = hold_then_wait(&x, &y, ready[1], go[0]);		/* P */
	kids[4] = hold_then_wait(&y, &x, ready[1], go[0]);		/* Q */
	for (i = 0; i < 4; i++)
		ASSERT_EQ('L', nh_read_byte(ready[0]));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, nh_write_byte(go[1], 'g'));
	kids[0] = sleep_on_mutex(&l1);					/* A */
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_MUTEX, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_MUTEX2, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd, OFF_RW, 1, 10000));
	ASSERT_EQ(0, lh_wait_waiters(fd2, OFF_MUTEX, 1, 10000));

	ASSERT_EQ(0, ipcx(out, sizeof(out), "waits --json"));
	TH_LOG("%s", out);
	n = json_edges(out, e, 64);
	je = edge(e, n, kids[0], kids[1]);
	ASSERT_NE(NULL, je);
	EXPECT_EQ(-1, je->cycle);
	je = edge(e, n, kids[1], kids[2]);
	ASSERT_NE(NULL, je);
	EXPECT_EQ(-1, je->cycle);
	EXPECT_EQ(NULL, edge(e, n, kids[2], 0));	/* C sleeps on nothing */
	je = edge(e, n, kids[3], kids[4]);
	ASSERT_NE(NULL, je);
	EXPECT_GE(je->cycle, 0);
	cycle = je->cycle;
	je = edge(e, n, kids[4], kids[3]);
	ASSERT_NE(NULL, je);
	EXPECT_EQ(cycle, je->cycle);
	EXPECT_TRUE(json_has_cycle(out, kids[3], kids[4]));
	EXPECT_FALSE(json_has_cycle(out, kids[1], kids[2]));

	/* the text marks the cycle's edges and lists the cycle */
	ASSERT_EQ(0, ipcx(out, sizeof(out), "waits"));
	TH_LOG("%s", out);
	snprintf(name2, sizeof(name2), "%d/", kids[3]);
	EXPECT_NE(NULL, strstr(out, name2));
	EXPECT_NE(NULL, strstr(out, "  [cycle "));
	EXPECT_NE(NULL, strstr(out, "\ncycle "));

	/* the DOT has the cycle's edge in red */
	ASSERT_EQ(0, ipcx(out, sizeof(out), "waits --dot"));
	EXPECT_EQ(0, strncmp(out, "digraph ipcx_waits {", 20));
	EXPECT_NE(NULL, strstr(out, "color=red"));

	reap(kids, 5);
	ipcx_region_unmap(base, PG);
	ipcx_region_unmap(base2, PG);
	close(fd);
	close(fd2);
}

TEST_HARNESS_MAIN
