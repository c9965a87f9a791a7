// SPDX-License-Identifier: GPL-2.0
/*
 * One user's thread deaths must not delay another user's lock recovery.
 *
 * The attacker (uid 65534) declares as many locks as the module lets it
 * (up to ATT_REGIONS regions of max_locks_per_region locks each) and then
 * churns short-lived threads (CHURNERS x CHURN_THREADS) that each register
 * an owner id, so that every one of its threads dies as a registered owner. The victim (root) has a
 * waiter asleep in the kernel on a mutex whose holder (a child process) it
 * SIGKILLs, and measures the time from the kill to the waiter's
 * EOWNERDEAD: first quiet, then under the attacker's churn.
 *
 * Bound (generous, for TCG): the worst latency under churn stays below the
 * worst quiet latency plus CHURN_SLACK_MS. When every death scanned every
 * lock of the system in one queue, a victim's death waited behind the
 * attacker's backlog for seconds.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lock_helpers.h"

#define ATT_REGIONS	8
#define ROUNDS		4
#define CHURNERS	4
#define CHURN_THREADS	150	/* per churner */
#define DRAIN_LIMIT_MS	60000
#define CHURN_SLACK_MS	1000
#define WAIT_LIMIT_MS	10000

struct hd_victim {
	int fd;			/* the victim's region */
	void *base;
	struct ipcx_mutex m;	/* at offset 0 */
	int result;		/* the waiter's lock result */
	uint64_t done_ns;	/* when the waiter returned */
};

static atomic_int hd_att_fd = -1;

/* A short-lived thread: register an owner id, exit. */
static void *hd_shortlived(void *arg)
{
	struct ipcx_lock_op op;

	memset(&op, 0, sizeof(op));
	ioctl(atomic_load(&hd_att_fd), IPCX_IOC_OWNER_REGISTER, &op);
	return NULL;
}

/* A churner: CHURN_THREADS short-lived threads, one after another. */
static void *hd_churn(void *arg)
{
	for (int n = 0; n < CHURN_THREADS; n++) {
		pthread_t t;

		if (pthread_create(&t, NULL, hd_shortlived, NULL))
			continue;
		pthread_join(t, NULL);
	}
	return NULL;
}

/* Runs as the attacker; never returns. */
static void hd_attacker(int ready_fd, unsigned int max_locks)
{
	unsigned int r, i, locks = 0;
	pthread_t churn[CHURNERS];
	char c = 'R';

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		_exit(10);
	for (r = 0; r < ATT_REGIONS; r++) {
		size_t size = (size_t)max_locks * IPCX_LOCK_ALIGN;
		struct ipcx_mutex m;
		void *base = NULL;
		int fd = lh_anon_region(size, &base);

		if (fd < 0)
			break;
		for (i = 0; i < max_locks; i++, locks++)
			if (ipcx_mutex_init(&m, fd, base, (uint64_t)i * IPCX_LOCK_ALIGN))
				break;
		if (i < max_locks)
			break;
	}
	fprintf(stderr, "# attacker: %u locks in %u regions\n", locks, r);
	for (i = 0; i < CHURNERS; i++)
		if (pthread_create(&churn[i], NULL, hd_churn, NULL))
			_exit(11);
	if (write(ready_fd, &c, 1) != 1)
		_exit(12);
	for (;;)
		pause();
}

/* The victim's waiter thread: sleeps in the kernel until the holder dies. */
static void *hd_waiter(void *arg)
{
	struct hd_victim *v = arg;
	struct timespec dl = lh_deadline(CLOCK_MONOTONIC, WAIT_LIMIT_MS);

	v->result = ipcx_mutex_timedlock(&v->m, &dl, CLOCK_MONOTONIC);
	v->done_ns = lh_now_ns(CLOCK_MONOTONIC);
	if (v->result == -EOWNERDEAD)
		ipcx_mutex_consistent(&v->m);
	if (v->result == 0 || v->result == -EOWNERDEAD)
		ipcx_mutex_unlock(&v->m);
	return NULL;
}

/* One round: a holder dies; *@ms: the latency of its waiter's EOWNERDEAD. */
static void hd_round(struct __test_metadata *_metadata, struct hd_victim *v,
		     long *ms)
{
	int pfd[2];
	pthread_t t;
	uint64_t t0;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct ipcx_mutex m;

		int ret;

		ipcx_mutex_attach(&m, v->fd, v->base, 0);
		ret = ipcx_mutex_lock(&m);
		if (ret == -EOWNERDEAD)	/* a waiter before us gave up */
			ret = ipcx_mutex_consistent(&m);
		if (ret)
			_exit(1);
		c = 'L';
		if (write(pfd[1], &c, 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	close(pfd[0]);
	ASSERT_EQ(0, pthread_create(&t, NULL, hd_waiter, v));
	ASSERT_EQ(0, lh_wait_waiters(v->fd, 0, 1, 5000));
	t0 = lh_now_ns(CLOCK_MONOTONIC);
	kill(pid, SIGKILL);
	pthread_join(t, NULL);
	waitpid(pid, NULL, 0);
	EXPECT_TRUE(v->result == -EOWNERDEAD || v->result == -ETIMEDOUT);
	*ms = (long)((v->done_ns - t0) / 1000000);
}

FIXTURE(hd) {
	int unused;	/* the test makes its own regions and processes */
};

FIXTURE_SETUP(hd)
{
}

FIXTURE_TEARDOWN(hd)
{
}

TEST_F_TIMEOUT(hd, churn_does_not_delay_recovery, 240)
{
	long quiet_max = 0, churn_max = 0, ms;
	struct ipcx_nl_stats st;
	struct hd_victim v;
	int i, pfd[2];
	pid_t att;
	char c;

	v.fd = lh_anon_region(4096, &v.base);
	if (v.fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(v.fd, 0);
	ASSERT_EQ(0, ipcx_mutex_init(&v.m, v.fd, v.base, 0));
	ASSERT_EQ(0, lh_stats(&st));

	for (i = 0; i < ROUNDS; i++) {
		hd_round(_metadata, &v, &ms);
		TH_LOG("quiet round %d: EOWNERDEAD after %ld ms", i, ms);
		quiet_max = ms > quiet_max ? ms : quiet_max;
	}

	ASSERT_EQ(0, pipe(pfd));
	att = fork();
	ASSERT_GE(att, 0);
	if (att == 0) {
		close(pfd[0]);
		atomic_store(&hd_att_fd, open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC));
		hd_attacker(pfd[1], st.max_locks_per_region);
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1)) {
		kill(att, SIGKILL);
	}
	close(pfd[0]);
	lh_msleep(1000);	/* let the churn build up */

	for (i = 0; i < ROUNDS; i++) {
		hd_round(_metadata, &v, &ms);
		TH_LOG("churn round %d: EOWNERDEAD after %ld ms", i, ms);
		churn_max = ms > churn_max ? ms : churn_max;
		if (v.result == -ETIMEDOUT)
			break;	/* the waiter gave up: no need for more */
	}
	kill(att, SIGKILL);
	waitpid(att, NULL, 0);

	/*
	 * The attacker's own deaths still queue behind each other (each scans
	 * its locks): wait for them, so later tests run on a quiet machine.
	 */
	for (ms = 0; ms < DRAIN_LIMIT_MS; ms += 100) {
		struct ipcx_nl_stats now;

		if (lh_stats(&now) == 0 && now.owners <= st.owners)
			break;
		lh_msleep(100);
	}
	TH_LOG("the attacker's deaths drained in %ld ms", ms);
	EXPECT_LT(ms, DRAIN_LIMIT_MS);

	TH_LOG("victim recovery: quiet max %ld ms, under churn max %ld ms (bound: quiet + %d ms)",
	       quiet_max, churn_max, CHURN_SLACK_MS);
	EXPECT_LT(quiet_max, WAIT_LIMIT_MS);
	EXPECT_LT(churn_max, quiet_max + CHURN_SLACK_MS);
	munmap(v.base, 4096);
	close(v.fd);
}

TEST_HARNESS_MAIN
