// SPDX-License-Identifier: GPL-2.0
/*
 * Owner ids: their end at exec from any thread, the per-user bound on
 * registrations, and who may resolve an id to a thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define PARAM_MAX_USER_OWNERS "/sys/module/ipcx/parameters/max_user_owners"

/* Register the calling thread on @fd: its owner id, or -errno. */
static long ot_register(int fd)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	if (ioctl(fd, IPCX_IOC_OWNER_REGISTER, &op) < 0)
		return -errno;
	return op.owner;
}

static int ot_owners(void)
{
	struct ipcx_nl_stats st;

	return lh_stats(&st) ? -1 : (int)st.owners;
}

/* Wait until the module's owner count is at most @n: 0, or -1 after @ms. */
static int ot_wait_owners(int n, long ms)
{
	for (; ms > 0; ms -= 20) {
		int now = ot_owners();

		if (now >= 0 && now <= n)
			return 0;
		lh_msleep(20);
	}
	return -1;
}

static int ot_drop_to_nobody(void)
{
	return setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534);
}

FIXTURE(ot) {
	int fd;			/* an anonymous region, mapped at base */
	void *base;
};

FIXTURE_SETUP(ot)
{
	self->fd = lh_anon_region(4096, &self->base);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(ot)
{
	if (self->fd >= 0) {
		munmap(self->base, 4096);
		close(self->fd);
	}
}

struct ot_exec_arg {
	struct ipcx_sem *sem;	/* taken with UNDO before the exec */
	int fd;			/* registered on before the exec */
	int ready;		/* pipe: written just before the exec */
};

/* A non-leader thread: take what it is told to, then exec. */
static void *ot_exec_thread(void *p)
{
	struct ot_exec_arg *a = p;
	char c = 'X';

	if (a->sem && ipcx_sem_wait_full(a->sem, IPCX_LOCK_F_UNDO, NULL, 0, NULL))
		_exit(20);
	if (ot_register(a->fd) <= 0)
		_exit(21);
	if (write(a->ready, &c, 1) != 1)
		_exit(22);
	execl("/bin/sleep", "sleep", "10", (char *)NULL);
	_exit(23);
}

/* Fork a process whose second thread does @a's work and execs. */
static pid_t ot_fork_exec(struct ot_exec_arg *a)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		close(pfd[0]);
		a->ready = pfd[1];
		if (pthread_create(&t, NULL, ot_exec_thread, a))
			_exit(24);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], &c, 1) != 1)
		pid = -1;
	close(pfd[0]);
	return pid;
}

/* Finding: after de_thread() nothing marked the exec'ing thread dead. */
TEST_F(ot, exec_from_thread_returns_sem_undo)
{
	struct ot_exec_arg a = { .fd = self->fd };
	struct ipcx_lock_stat st;
	struct ipcx_sem s;
	long ms;
	pid_t pid;

	ASSERT_EQ(0, ipcx_sem_init(&s, self->fd, self->base, 0, 1));
	a.sem = &s;
	pid = ot_fork_exec(&a);
	ASSERT_GT(pid, 0);
	for (ms = 0; ms < 3000 && ipcx_sem_value(&s) != 1; ms += 10)
		lh_msleep(10);
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, 0, &st));
	TH_LOG("after the exec: count %u, owner_deaths %llu, %ld ms",
	       ipcx_sem_value(&s), (unsigned long long)st.owner_deaths, ms);
	EXPECT_EQ(1, ipcx_sem_value(&s));
	EXPECT_EQ(1, st.owner_deaths);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Finding: a registered non-leader thread that execs left its owner entry. */
TEST_F(ot, exec_from_thread_retires_owner_ids)
{
	struct ot_exec_arg a = { .fd = self->fd };
	pid_t pids[20];
	int i, base, after;

	base = ot_owners();
	ASSERT_GE(base, 0);
	for (i = 0; i < 20; i++) {
		pids[i] = ot_fork_exec(&a);
		ASSERT_GT(pids[i], 0);
	}
	lh_msleep(100);
	EXPECT_EQ(0, ot_wait_owners(base, 3000));
	after = ot_owners();
	TH_LOG("owners: %d before, %d with 20 exec'd processes alive", base, after);
	for (i = 0; i < 20; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
}

static int ot_param(const char *path, long *old, long val)
{
	char buf[32];
	FILE *f = fopen(path, "r+");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	*old = atol(buf);
	rewind(f);
	fprintf(f, "%ld\n", val);
	return fclose(f) ? -1 : 0;
}

struct ot_reg {
	int fd;
	long result;
	pthread_barrier_t *all_registered;
};

static void *ot_reg_thread(void *p)
{
	struct ot_reg *r = p;

	r->result = ot_register(r->fd);
	pthread_barrier_wait(r->all_registered);	/* stay alive meanwhile */
	return NULL;
}

/*
 * max_user_owners bounds one user's registrations (EAGAIN beyond); root,
 * another user, still registers.
 */
TEST_F(ot, per_user_owner_bound)
{
	long old, root_id;
	int status, pfd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, ot_param(PARAM_MAX_USER_OWNERS, &old, 8));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ot_reg r[16];
		pthread_barrier_t b;
		pthread_t t[16];
		int i, ok = 0, again = 0;

		close(pfd[0]);
		if (ot_drop_to_nobody())
			_exit(30);
		pthread_barrier_init(&b, NULL, 17);
		for (i = 0; i < 16; i++) {
			r[i] = (struct ot_reg){ .fd = self->fd, .all_registered = &b };
			if (pthread_create(&t[i], NULL, ot_reg_thread, &r[i]))
				_exit(31);
		}
		for (i = 0; i < 16; i++)
			while (!__atomic_load_n(&r[i].result, __ATOMIC_ACQUIRE))
				lh_msleep(1);
		for (i = 0; i < 16; i++) {
			ok += r[i].result > 0;
			again += r[i].result == -EAGAIN;
		}
		fprintf(stderr, "# nobody: %d registered, %d EAGAIN\n", ok, again);
		c = 'R';
		if (write(pfd[1], &c, 1) != 1)
			_exit(32);
		lh_msleep(300);		/* root registers meanwhile */
		pthread_barrier_wait(&b);
		for (i = 0; i < 16; i++)
			pthread_join(t[i], NULL);
		_exit(ok == 8 && again == 8 ? 0 : 33);
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	close(pfd[0]);
	root_id = ot_register(self->fd);
	status = lh_wait_child(pid, 10000);
	ot_param(PARAM_MAX_USER_OWNERS, &(long){ 0 }, old);
	EXPECT_GT(root_id, 0);
	EXPECT_EQ(0, lh_exit_code(status));
}

/* A root thread with a recognisable name; its owner id goes to @out. */
static pid_t ot_secret_holder(int fd, uint32_t *id)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		long r;

		close(pfd[0]);
		prctl(PR_SET_NAME, "ot-secret");
		r = ot_register(fd);
		if (r <= 0 || write(pfd[1], &r, sizeof(r)) != sizeof(r))
			_exit(40);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid > 0) {
		long r = 0;

		if (read(pfd[0], &r, sizeof(r)) != sizeof(r))
			pid = -1;
		*id = r;
	}
	close(pfd[0]);
	return pid;
}

/* Exit code: 0 when @id resolves to nothing; 50+ on a leak. */
static int ot_probe_foreign_id(uint32_t id, int go)
{
	struct ipcx_owner_info died;
	struct ipcx_lock_stat st;
	struct ipcx_mutex m;
	void *base;
	int fd, ret;
	char c;

	if (ot_drop_to_nobody())
		return 60;
	fd = lh_anon_region(4096, &base);
	if (fd < 0 || ipcx_mutex_init(&m, fd, base, 0))
		return 61;
	__atomic_store_n(m.word, id, __ATOMIC_RELEASE);
	if (ipcx_lock_stat(fd, 0, &st))
		return 62;
	fprintf(stderr, "# holder %u: pid %u comm '%.16s'\n", st.holder.owner,
		st.holder.pid, st.holder.comm);
	if (st.holder.owner != id)
		return 63;
	if (st.holder.pid || st.holder.tgid || st.holder.comm[0])
		return 50;
	if (read(go, &c, 1) != 1)	/* the holder is dead now */
		return 64;
	memset(&died, 0, sizeof(died));
	ret = ipcx_mutex_lock_full(&m, 0, NULL, 0, &died);
	fprintf(stderr, "# lock: %d, died %u: pid %u comm '%.16s'\n", ret,
		died.owner, died.pid, died.comm);
	if (ret != -EOWNERDEAD || died.owner != id)
		return 65;
	if (died.pid || died.tgid || (died.comm[0] && strcmp(died.comm, "?")))
		return 51;
	return 0;
}

/* Finding: any id written into one's own region resolved to its thread. */
TEST_F(ot, foreign_ids_resolve_to_nothing)
{
	struct ipcx_lock_stat st;
	struct ipcx_mutex m;
	int status, go[2];
	pid_t holder, prober;
	uint32_t id = 0;

	signal(SIGPIPE, SIG_IGN);	/* a prober that found a leak is gone */
	holder = ot_secret_holder(self->fd, &id);
	ASSERT_GT(holder, 0);
	ASSERT_EQ(0, pipe(go));
	prober = fork();
	ASSERT_GE(prober, 0);
	if (prober == 0) {
		close(go[1]);
		_exit(ot_probe_foreign_id(id, go[0]));
	}
	close(go[0]);
	/* the same user still sees its own thread */
	ASSERT_EQ(0, ipcx_mutex_init(&m, self->fd, self->base, 64));
	__atomic_store_n(m.word, id, __ATOMIC_RELEASE);
	ASSERT_EQ(0, ipcx_lock_stat(self->fd, 64, &st));
	EXPECT_EQ(holder, st.holder.tgid);
	EXPECT_STREQ("ot-secret", st.holder.comm);
	__atomic_store_n(m.word, 0, __ATOMIC_RELEASE);
	lh_msleep(200);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	if (write(go[1], "g", 1) != 1)
		TH_LOG("the prober is gone already");
	close(go[1]);
	status = lh_wait_child(prober, 10000);
	EXPECT_EQ(0, lh_exit_code(status));
}

/* In a pid namespace of its own (root still): the holder's id shows nothing. */
static int ot_probe_from_pid_ns(uint32_t id)
{
	struct ipcx_lock_stat st;
	struct ipcx_mutex m;
	void *base;
	int fd, status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		return 70;
	pid = fork();	/* the new namespace's init */
	if (pid < 0)
		return 71;
	if (pid > 0)
		return waitpid(pid, &status, 0) == pid ? lh_exit_code(status) : 72;
	fd = lh_anon_region(4096, &base);
	if (fd < 0 || ipcx_mutex_init(&m, fd, base, 0))
		_exit(73);
	__atomic_store_n(m.word, id, __ATOMIC_RELEASE);
	if (ipcx_lock_stat(fd, 0, &st))
		_exit(74);
	fprintf(stderr, "# from a pid namespace: holder %u: pid %u comm '%.16s'\n",
		st.holder.owner, st.holder.pid, st.holder.comm);
	_exit(st.holder.owner != id ? 75 :
	      st.holder.pid || st.holder.tgid || st.holder.comm[0] ? 52 : 0);
}

/* Finding: the same user in another pid namespace learnt the command name. */
TEST_F(ot, ids_of_threads_outside_the_pid_namespace_resolve_to_nothing)
{
	pid_t holder, prober;
	uint32_t id = 0;
	int status;

	holder = ot_secret_holder(self->fd, &id);
	ASSERT_GT(holder, 0);
	prober = fork();
	ASSERT_GE(prober, 0);
	if (prober == 0)
		_exit(ot_probe_from_pid_ns(id));
	status = lh_wait_child(prober, 10000);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	if (lh_exit_code(status) == 70)
		SKIP(return, "no pid namespaces");
	EXPECT_EQ(0, lh_exit_code(status));
}

TEST_HARNESS_MAIN
