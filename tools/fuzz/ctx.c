// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: per-thread context and the fd and mapping slots a process's threads share (see main.c). */
#include "fuzz.h"

__thread sigjmp_buf touch_jmp;
__thread volatile sig_atomic_t in_touch;

/* state a process's threads share */
int slots[NSLOTS];
struct fuzz_map maps[NMAPS];
pthread_rwlock_t maps_lock = PTHREAD_RWLOCK_INITIALIZER;
uint64_t known_ids[8];	/* region ids seen, for netlink requests */
int attached[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };	/* fds that were attached */

void on_timer(int sig)
{
	(void)sig;	/* only interrupts a sleeping ioctl */
}

void on_fault(int sig)
{
	if (in_touch)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

int ctx_init(struct ctx *c, uint64_t stream)
{
	struct sigevent sev;

	memset(c, 0, sizeof(*c));
	rng_seed(&c->r, opt_seed, stream);
	c->nl_sock = -1;
	c->arg = mmap(NULL, (ARG_PAGES + 1) * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->arg == MAP_FAILED || c->ro == MAP_FAILED)
		return -1;
	mprotect(c->arg + ARG_PAGES * PG, PG, PROT_NONE);
	c->nm = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->nm == MAP_FAILED)
		return -1;
	mprotect(c->nm + PG, PG, PROT_NONE);
	c->name = c->nm;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	c->has_timer = !timer_create(CLOCK_MONOTONIC, &sev, &c->timer);
	return 0;
}

void ctx_fini(struct ctx *c)
{
	if (c->has_timer)
		timer_delete(c->timer);
	if (c->nl_sock >= 0)
		close(c->nl_sock);
	if (c->nl)
		ipcx_nl_close(c->nl);
	munmap(c->arg, (ARG_PAGES + 1) * PG);
	munmap(c->ro, PG);
	munmap(c->nm, 2 * PG);
}

/*
 * Cut the next blocking call short after 1..20 ms (EINTR). The timer
 * repeats every 5 ms until disarm(): a signal that lands before the call
 * has started sleeping (the thread was preempted in between) must not
 * leave it asleep for good.
 */
void arm(struct ctx *c)
{
	struct itimerspec its = { 0 };

	if (!c->has_timer)
		return;
	its.it_value.tv_nsec = (1 + below(&c->r, 20)) * 1000000L;
	its.it_interval.tv_nsec = 5000000L;
	timer_settime(c->timer, 0, &its, NULL);
}

void disarm(struct ctx *c)
{
	struct itimerspec its = { 0 };

	if (c->has_timer)
		timer_settime(c->timer, 0, &its, NULL);
}

int slot_fd(struct ctx *c)
{
	return __atomic_load_n(&slots[below(&c->r, NSLOTS)], __ATOMIC_RELAXED);
}

/* Mostly an fd that was attached to a region (it may be closed by now). */
int pick_fd(struct ctx *c)
{
	int fd = __atomic_load_n(&attached[below(&c->r, 8)], __ATOMIC_RELAXED);

	return fd >= 0 && chance(&c->r, 70) ? fd : slot_fd(c);
}

void note_attached(struct ctx *c, int fd)
{
	__atomic_store_n(&attached[below(&c->r, 8)], fd, __ATOMIC_RELAXED);
}

/* Put @fd into a free slot, or close it. */
void slot_put(struct ctx *c, int fd)
{
	int i = below(&c->r, NSLOTS), n, empty;

	for (n = 0; n < NSLOTS; n++, i = (i + 1) % NSLOTS) {
		empty = -1;
		if (__atomic_compare_exchange_n(&slots[i], &empty, fd, 0,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
	close(fd);
}
