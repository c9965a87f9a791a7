/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What race_test.c and race_lifetime_test.c share: CPU pinning, the
 * spinning barrier and adaptive head start, region and lock helpers, the
 * race fixture (see race_test.c for how a race test works).
 */
#ifndef IPCX_RACE_HELPERS_H
#define IPCX_RACE_HELPERS_H

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

static inline int iterations(int dflt)
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
static inline void pin(int cpu)
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

static inline void barrier_wait(struct spin_barrier *b, int round)
{
	int spins = 0;

	__atomic_add_fetch(&b->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b->arrived, __ATOMIC_ACQUIRE) < b->parties * round)
		if (++spins % 1000 == 0)
			sched_yield();	/* one CPU, or a preempted partner */
}

/* a small random delay so that each side starts a little before the other */
static inline void jitter(unsigned int *seed)
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
static inline void spin(unsigned int n)
{
	volatile unsigned int i;

	for (i = 0; i < n; i++)
		;
}

static inline void adapt(unsigned int *delay, int won)
{
	if (won)
		*delay = *delay + *delay / 8 + 16;
	else
		*delay -= *delay / 8 + (*delay ? 1 : 0);
}

/* The region count, after up to 5 s for it to come back to @want. */
static inline unsigned int regions_settle(unsigned int want)
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

static inline int open_region(const char *name, uint64_t size, uint32_t flags,
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

static inline int unlink_name(int fd, const char *name, uint32_t flags)
{
	struct ipcx_region_unlink ul = { .name = (uintptr_t)name, .flags = flags };

	return ioctl(fd, IPCX_IOC_REGION_UNLINK, &ul) ? -errno : 0;
}

static inline int lock_ioctl(int fd, unsigned long cmd, uint64_t off, uint32_t flags,
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

static inline int declare(int fd, uint64_t off, uint32_t kind)
{
	struct ipcx_lock_op op = { .offset = off, .kind = kind };

	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? -errno : 0;
}

static inline int lock_stat(int fd, uint64_t off, struct ipcx_lock_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->offset = off;
	return ioctl(fd, IPCX_IOC_LOCK_STAT, st) ? -errno : 0;
}

static inline void rname(char *buf, size_t len, const char *tag)
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


#endif
