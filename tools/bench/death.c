// SPDX-License-Identifier: GPL-2.0
/*
 * Owner death: how long after a lock holder is SIGKILLed does the first
 * waiter hold the lock again, told that the holder died? For the ipcx
 * robust mutex and a robust process-shared pthread mutex that is the lock
 * call returning EOWNERDEAD; for a SysV semaphore taken with SEM_UNDO, the
 * first semop that succeeds (the kernel's undo at the holder's exit is
 * what released it).
 *
 * Processes of one run (rounds of one row):
 *   side 0          the killer: each round it forks a holder, lets the
 *                   waiters go, waits until every waiter sleeps in the lock
 *                   (its flag says it entered the lock call and
 *                   /proc/PID/stat says 'S'), stamps t_kill and SIGKILLs
 *                   the holder; then checks the round
 *   sides 1..N      waiters: lock, stamp the time, count themselves under
 *                   the lock, repair if told the holder died, unlock
 *   side N+1        (death-churn rows) a process, of another user when we
 *                   are root (nobody, 65534), that creates and joins
 *                   threads in a loop for the whole run: the exits ipcx's
 *                   death path must not be slowed by
 * The round's figure is the winner's return time minus t_kill. A round
 * fails the row, it never yields a number, unless: the first waiter to hold
 * the lock got the owner-died result (for SysV: returned after t_kill),
 * every other waiter got a plain acquisition, nobody held the lock before
 * the kill or two at once, and the holder died of the SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "shmring.h"
#include "work.h"

#define DEATH_MAX_WAITERS	8
#define DEATH_WARMUP		2
#define DEATH_STOP		UINT64_MAX	/* round number that ends the waiters */
#define DEATH_POLL_NS		20000		/* between two looks at a flag */
#define DEATH_SLEEP_WAIT_NS	5000000000ull	/* a waiter must be asleep by then */
#define CHURN_THREADS		4
#define NOBODY			65534

struct death_waiter {
	pid_t pid;
	uint64_t entering;	/* round whose lock call it is about to make */
	uint64_t done;		/* round it finished */
	uint64_t t_ret;		/* when its lock call returned */
	uint64_t marked;	/* ipcx: CLOCK_REALTIME of the kernel's mark-dead */
	int died;		/* 1 owner-died, 0 plain, <0 -errno */
	int order;		/* 0 for the first to hold the lock in the round */
};

/* The page every process of the run shares (anonymous, MAP_SHARED). */
struct death_shared {
	pthread_mutex_t pmutex;		/* the pthread row's lock */
	volatile uint64_t round;	/* killer: waiters may enter round r */
	volatile uint64_t held;		/* holder: it holds the lock of round r */
	volatile uint64_t t_kill, t_kill_real;
	volatile int stop;		/* the churner stops */
	int acq, inside;		/* guarded by the lock under test */
	volatile uint64_t churned;	/* threads the churner made */
	volatile int churn_uid;
	struct death_waiter w[DEATH_MAX_WAITERS];
};

struct death_ops;

struct death_job {
	struct job j;			/* first: workers get &dj->j */
	const struct death_ops *ops;
	struct death_shared *s;
	int waiters, churn, rounds;
	/* ipcx */
	int fd;
	void *map;
	struct ipcx_mutex im;
	/* SysV */
	int semid;
};

struct death_ops {
	const char *mech;
	int (*setup)(struct death_job *d);
	void (*teardown)(struct death_job *d);
	/* 1: acquired and told the holder died (*marked: when the kernel
	 * found it dead, CLOCK_REALTIME ns, where it says), 0: acquired, -errno */
	int (*lock)(struct death_job *d, uint64_t *marked);
	int (*repair)(struct death_job *d);
	int (*unlock)(struct death_job *d);
};

static struct death_job *dj(struct job *j)
{
	return (struct death_job *)j;
}

/* ---- ipcx robust mutex ---- */

static int ipcx_d_setup(struct death_job *d)
{
	struct ipcx_region_open ro = { .size = 4096, .flags = IPCX_OPEN_CREATE, .mode = 0600 };
	int rc;

	d->fd = ipcx_open_dev(0);
	if (d->fd < 0)
		return d->fd;
	if (ioctl(d->fd, IPCX_IOC_REGION_OPEN, &ro) < 0)
		goto fail;
	d->map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
	if (d->map == MAP_FAILED)
		goto fail;
	rc = ipcx_mutex_init(&d->im, d->fd, d->map, 0);
	if (rc) {
		munmap(d->map, 4096);
		close(d->fd);
	}
	return rc;
fail:
	rc = errno_neg();
	close(d->fd);
	return rc;
}

static void ipcx_d_teardown(struct death_job *d)
{
	munmap(d->map, 4096);
	close(d->fd);
}

static int ipcx_d_lock(struct death_job *d, uint64_t *marked)
{
	struct ipcx_owner_info died;
	int rc;

	do {
		rc = ipcx_mutex_lock_full(&d->im, 0, NULL, CLOCK_MONOTONIC, &died);
	} while (rc == -EINTR);
	if (rc != -EOWNERDEAD)
		return rc;
	*marked = died.time_ns;
	return 1;
}

static int ipcx_d_repair(struct death_job *d)
{
	return ipcx_mutex_consistent(&d->im);
}

static int ipcx_d_unlock(struct death_job *d)
{
	return ipcx_mutex_unlock(&d->im);
}

/* ---- robust process-shared pthread mutex ---- */

static int pth_d_setup(struct death_job *d)
{
	return robust_mutex_init(&d->s->pmutex);
}

static void pth_d_teardown(struct death_job *d)
{
	(void)d;	/* goes with the shared page */
}

static int pth_d_lock(struct death_job *d, uint64_t *marked)
{
	(void)marked;
	int rc = pthread_mutex_lock(&d->s->pmutex);

	return rc == EOWNERDEAD ? 1 : -rc;
}

static int pth_d_repair(struct death_job *d)
{
	return -pthread_mutex_consistent(&d->s->pmutex);
}

static int pth_d_unlock(struct death_job *d)
{
	return -pthread_mutex_unlock(&d->s->pmutex);
}

/* ---- SysV semaphore with SEM_UNDO ---- */

static int sysv_d_setup(struct death_job *d)
{
	d->semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (d->semid < 0)
		return errno_neg();
	if (semctl(d->semid, 0, SETVAL, 1) < 0) {
		int rc = errno_neg();

		semctl(d->semid, 0, IPC_RMID);
		return rc;
	}
	return 0;
}

static void sysv_d_teardown(struct death_job *d)
{
	semctl(d->semid, 0, IPC_RMID);
}

static int sysv_d_op(struct death_job *d, int delta)
{
	struct sembuf op = { .sem_num = 0, .sem_op = (short)delta, .sem_flg = SEM_UNDO };

	while (semop(d->semid, &op, 1) < 0)
		if (errno != EINTR)
			return errno_neg();
	return 0;
}

/* A semop cannot tell who released the semaphore: the round's checks do. */
static int sysv_d_lock(struct death_job *d, uint64_t *marked)
{
	(void)marked;
	return sysv_d_op(d, -1);
}

static int sysv_d_repair(struct death_job *d)
{
	(void)d;
	return 0;
}

static int sysv_d_unlock(struct death_job *d)
{
	return sysv_d_op(d, 1);
}

static const struct death_ops death_table[] = {
	{ "ipcx", ipcx_d_setup, ipcx_d_teardown, ipcx_d_lock, ipcx_d_repair, ipcx_d_unlock },
	{ "pthread", pth_d_setup, pth_d_teardown, pth_d_lock, pth_d_repair, pth_d_unlock },
	{ "sysv-shm", sysv_d_setup, sysv_d_teardown, sysv_d_lock, sysv_d_repair,
	  sysv_d_unlock },
};

static const struct death_ops *death_ops(const char *mech)
{
	unsigned int i;

	for (i = 0; i < sizeof(death_table) / sizeof(death_table[0]); i++)
		if (!strcmp(death_table[i].mech, mech))
			return &death_table[i];
	return NULL;
}

int death_supported(const struct bench_mech *m)
{
	return death_ops(m->name) != NULL;
}

/* ---- the processes ---- */

static void poll_pause(void)
{
	struct timespec ts = { 0, DEATH_POLL_NS };

	nanosleep(&ts, NULL);
}

static uint64_t load(const volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(volatile uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* The scheduler state of pid ('S' sleeping, 'R' running, ...), or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* The holder: takes the lock, says so, and waits for its SIGKILL. */
static void holder_main(struct death_job *d, uint64_t round)
{
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rc = d->ops->lock(d, &(uint64_t){ 0 });
	if (rc)		/* the lock was left consistent: nobody died since */
		_exit(3);
	store(&d->s->held, round);
	for (;;)
		pause();
}

static int waiter_round(struct death_job *d, struct death_waiter *me, uint64_t r)
{
	struct death_shared *s = d->s;
	int rc;

	me->marked = 0;
	store(&me->entering, r);
	rc = d->ops->lock(d, &me->marked);
	me->t_ret = now_ns();
	me->died = rc;
	if (rc < 0)
		return job_fail(&d->j, rc, "waiter lock");
	if (s->inside++)
		return job_fail(&d->j, 0, "two holders at once");
	me->order = s->acq++;
	if (rc == 1 && (rc = d->ops->repair(d)))
		return job_fail(&d->j, rc, "make consistent");
	s->inside--;
	rc = d->ops->unlock(d);
	if (rc)
		return job_fail(&d->j, rc, "waiter unlock");
	store(&me->done, r);
	return 0;
}

static int waiter_main(struct death_job *d, int side)
{
	struct death_waiter *me = &d->s->w[side - 1];
	uint64_t r, next = 1;
	int rc;

	me->pid = getpid();
	for (;;) {
		while ((r = load(&d->s->round)) < next)
			poll_pause();
		if (r == DEATH_STOP)
			return 0;
		rc = waiter_round(d, me, r);
		if (rc)
			return rc;
		next = r + 1;
	}
}

static void *churn_thread(void *arg)
{
	return arg;
}

/* Threads made and ended in a loop, as another user when we may. */
static int churn_main(struct death_job *d)
{
	pthread_t t[CHURN_THREADS];
	int i, n;

	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
			       setresuid(NOBODY, NOBODY, NOBODY)))
		return job_fail(&d->j, errno_neg(), "churner: become nobody");
	d->s->churn_uid = (int)geteuid();
	while (!d->s->stop) {
		for (n = 0; n < CHURN_THREADS; n++)
			if (pthread_create(&t[n], NULL, churn_thread, NULL))
				break;
		for (i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		if (!n)
			return job_fail(&d->j, -EAGAIN, "churner: pthread_create");
		__atomic_add_fetch(&d->s->churned, (uint64_t)n, __ATOMIC_RELAXED);
	}
	return 0;
}

static int wait_flag(struct death_job *d, const volatile uint64_t *p, uint64_t want,
		     const char *what)
{
	uint64_t deadline = now_ns() + DEATH_SLEEP_WAIT_NS;

	while (load(p) != want) {
		if (now_ns() > deadline)
			return job_fail(&d->j, -ETIMEDOUT, what);
		poll_pause();
	}
	return 0;
}

/* Every waiter is in its lock call for round r and asleep there. */
static int waiters_asleep(struct death_job *d, uint64_t r)
{
	uint64_t deadline = now_ns() + DEATH_SLEEP_WAIT_NS;
	int i;

	for (i = 0; i < d->waiters; i++) {
		struct death_waiter *w = &d->s->w[i];
		int rc = wait_flag(d, &w->entering, r, "waiter never entered the lock");

		if (rc)
			return rc;
		while (proc_state(w->pid) != 'S') {
			if (now_ns() > deadline)
				return job_fail(&d->j, -ETIMEDOUT, "waiter never slept in the lock");
			poll_pause();
		}
	}
	return 0;
}

/*
 * The round's figure into ns[0], and where the kernel says when it found
 * the holder dead (ipcx), that delay into ns[1] (else 0); or the reason the
 * round proves nothing.
 */
static int check_round(struct death_job *d, uint64_t t_kill, uint64_t t_kill_real, double *ns)
{
	struct death_waiter *first = NULL;
	int i, want_died = strcmp(d->ops->mech, "sysv-shm") != 0;

	for (i = 0; i < d->waiters; i++) {
		struct death_waiter *w = &d->s->w[i];

		if (w->t_ret < t_kill)
			return job_fail(&d->j, 0, "a waiter held the lock before the kill");
		if (w->order == 0)
			first = w;
		else if (w->died)
			return job_fail(&d->j, 0, "owner-died reported to a later waiter");
	}
	if (!first)
		return job_fail(&d->j, 0, "no waiter was first");
	if (want_died && first->died != 1)
		return job_fail(&d->j, 0, "first waiter not told the holder died");
	ns[0] = (double)(first->t_ret - t_kill);
	ns[1] = first->marked ? (double)(int64_t)(first->marked - t_kill_real) : 0;
	return 0;
}

static int kill_round(struct death_job *d, uint64_t r, double *ns)
{
	struct death_shared *s = d->s;
	uint64_t t_kill, t_kill_real;
	struct timespec rt;
	pid_t holder;
	int rc, st, i;

	s->acq = 0;
	holder = fork();
	if (holder < 0)
		return job_fail(&d->j, errno_neg(), "fork holder");
	if (holder == 0)
		holder_main(d, r);
	rc = wait_flag(d, &s->held, r, "holder never held the lock");
	if (!rc) {
		store(&s->round, r);
		rc = waiters_asleep(d, r);
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	t_kill = now_ns();
	t_kill_real = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	s->t_kill = t_kill;
	kill(holder, SIGKILL);
	if (waitpid(holder, &st, 0) != holder || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return rc ? rc : job_fail(&d->j, 0, "holder did not die of SIGKILL");
	for (i = 0; !rc && i < d->waiters; i++)
		rc = wait_flag(d, &s->w[i].done, r, "waiter never got the lock back");
	return rc ? rc : check_round(d, t_kill, t_kill_real, ns);
}

static int killer_main(struct death_job *d)
{
	uint64_t r, n = DEATH_WARMUP + (uint64_t)d->rounds;
	double ns[2] = { 0, 0 };
	int rc = 0;

	for (r = 1; r <= n && !rc; r++) {
		rc = kill_round(d, r, ns);
		if (!rc && r > DEATH_WARMUP) {
			d->j.sh->lat[r - DEATH_WARMUP - 1] = ns[0];
			/* ipcx: when the kernel found the holder dead, and from
			 * then until the waiter returned */
			d->j.sh->lat[d->rounds + r - DEATH_WARMUP - 1] = ns[1];
			d->j.sh->lat[2 * d->rounds + r - DEATH_WARMUP - 1] = ns[1] ? ns[0] - ns[1] : 0;
		}
	}
	d->s->stop = 1;
	store(&d->s->round, DEATH_STOP);
	if (!rc && d->churn && !load(&d->s->churned))
		rc = job_fail(&d->j, 0, "the churner made no thread");
	if (!rc)
		d->j.sh->checked = n;
	return rc;
}

static int death_worker(int side, void *arg)
{
	struct death_job *d = dj(arg);

	if (side == 0)
		return killer_main(d);
	if (side <= d->waiters)
		return waiter_main(d, side);
	return churn_main(d);
}

/*
 * The row: the rounds' figures; in its note, where the kernel said when it
 * found the holder dead, the p50s of kill to that moment and of that moment
 * to the waiter's return, and the churner's work.
 */
static void death_done(struct job *j)
{
	struct death_job *d = dj(j);
	struct bench_stats mk = { 0 }, wk = { 0 };
	char *n = j->row->note;
	size_t len = sizeof(j->row->note);
	int k = 0;

	if (j->sh->lat[d->rounds] > 0) {
		stats_compute(j->sh->lat + d->rounds, d->rounds, &mk);
		stats_compute(j->sh->lat + 2 * d->rounds, d->rounds, &wk);
	}
	job_stats(j);
	if (mk.p50 > 0)
		k = snprintf(n, len, "found dead +%.0f us, waiter back +%.0f us (p50); ",
			     mk.p50 / 1000, wk.p50 / 1000);
	if (d->churn && k >= 0 && (size_t)k < len)
		snprintf(n + k, len - (size_t)k, "churner uid %d: %llu threads", d->s->churn_uid,
			 (unsigned long long)d->s->churned);
}

/*
 * One run of a death row: mechanism from the row's name, waiters from its
 * nprocs, churn from its workload.
 */
void work_death(struct job *j)
{
	struct death_job d = { .j = *j };
	int i, n, cpus[BENCH_MAX_PROCS], rc;

	d.ops = death_ops(j->m->name);
	d.waiters = j->row->nprocs;
	d.churn = j->row->work == W_DEATH_CHURN;
	d.rounds = j->prof->death_rounds;
	d.j.m = NULL;		/* no shmring setup: the lock is made here */
	if (!d.ops || d.waiters < 1 || d.waiters > DEATH_MAX_WAITERS) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "no such death row");
		return;
	}
	d.s = shared_alloc(sizeof(*d.s));
	if (!d.s) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "no memory");
		return;
	}
	rc = d.ops->setup(&d);
	if (rc) {
		j->row->status = ST_FAIL;
		snprintf(j->row->note, sizeof(j->row->note), "setup: %s", strerror(-rc));
	} else {
		n = 1 + d.waiters + d.churn;
		for (i = 0; i < n; i++)
			cpus[i] = -1;
		d.j.reps = d.rounds;
		job_measure(&d.j, 3 * d.rounds, 0, n, cpus, death_worker, death_done);
		d.ops->teardown(&d);
	}
	shared_free(d.s, sizeof(*d.s));
	j->interrupted = d.j.interrupted;
}

/* ---- the table section ---- */

static const struct bench_row *death_find(const struct bench_results *res, const char *mech,
					  enum bench_work w, int nprocs)
{
	int i;

	for (i = 0; i < res->n; i++) {
		const struct bench_row *r = &res->rows[i];

		if (r->status == ST_OK && r->work == w && r->nprocs == nprocs &&
		    !strcmp(r->mech, mech))
			return r;
	}
	return NULL;
}

static void death_ratio(FILE *f, const struct bench_row *r, const struct bench_row *b)
{
	if (b && b->lat.p99 > 0)
		fprintf(f, " %9.2f", r->lat.p99 / b->lat.p99);
	else
		fprintf(f, " %9s", "-");
}

/*
 * Owner-death rows with the two ratios: p99 over the robust
 * pthread mutex's p99 (same waiters, same churn), and with churn over
 * quiet (same mechanism and waiters).
 */
void death_report(FILE *f, const struct bench_results *res)
{
	int i;

	fprintf(f, "\nowner death: SIGKILL of the holder to the first waiter's owner-died return"
		" (SysV: its semop), ns\n  mechanism       waiters churn       p50       p99"
		"       min       max spread  p99/pthr p99/quiet\n");
	for (i = 0; i < res->n; i++) {
		const struct bench_row *r = &res->rows[i];
		int churn = r->work == W_DEATH_CHURN;

		if ((r->work != W_DEATH && !churn) || r->status == ST_UNAVAILABLE ||
		    r->status == ST_SKIPPED)
			continue;
		if (r->status != ST_OK) {
			fprintf(f, "  %-15s %7d %-5s  %s: %s\n", r->mech, r->nprocs,
				churn ? "yes" : "no", status_name(r->status), r->note);
			continue;
		}
		fprintf(f, "  %-15s %7d %-5s %9.0f %9.0f %9.0f %9.0f", r->mech, r->nprocs,
			churn ? "yes" : "no", r->lat.p50, r->lat.p99, r->lat.min, r->lat.max);
		if (r->repeats > 1)
			fprintf(f, " %5.0f%%", 100 * r->spread);
		else
			fprintf(f, " %6s", "-");
		death_ratio(f, r, death_find(res, "pthread", r->work, r->nprocs));
		death_ratio(f, r, churn ? death_find(res, r->mech, W_DEATH, r->nprocs) : r);
		fprintf(f, "%s%s\n", r->note[0] ? "  " : "", r->note);
	}
}
