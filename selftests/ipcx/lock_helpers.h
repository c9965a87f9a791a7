/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the lock selftests: regions, children, clocks. */
#ifndef IPCX_LOCK_HELPERS_H
#define IPCX_LOCK_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

/* A new anonymous region of @size mapped read-write; fd or -errno. */
static inline int lh_anon_region(size_t size, void **base)
{
	struct ipcx_region_open ro;
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ro, 0, sizeof(ro));
	ro.size = size;
	ro.flags = IPCX_OPEN_CREATE;
	ro.mode = 0600;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro) < 0)
		goto fail;
	*base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*base == MAP_FAILED)
		goto fail;
	return fd;
fail:
	ro.flags = -errno;
	close(fd);
	return (int)ro.flags;
}

/*
 * The start every lock fixture shares, for a FIXTURE with members int fd,
 * void *base and volatile uint64_t *data: an anonymous region of @size
 * mapped at self->base (SKIP without the module), self->data at @data_off.
 * The fixture then declares its locks in it.
 */
#define LH_REGION_FIXTURE_SETUP(size, data_off)					\
	do {									\
		self->fd = lh_anon_region((size), &self->base);		\
		if (self->fd == -ENOENT)					\
			SKIP(return, "ipcx module not loaded");			\
		ASSERT_GE(self->fd, 0);						\
		self->data = (volatile uint64_t *)((char *)self->base + (data_off)); \
	} while (0)

#define LH_REGION_FIXTURE_TEARDOWN(size)					\
	do {									\
		if (self->fd >= 0) {						\
			munmap(self->base, (size));				\
			close(self->fd);					\
		}								\
	} while (0)

/* Attach a new /dev/ipcx file to the named region @name; fd or -errno. */
static inline int lh_named_region(const char *name, uint32_t flags, size_t size)
{
	struct ipcx_region_open ro;
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ro, 0, sizeof(ro));
	ro.name = (uintptr_t)name;
	ro.size = size;
	ro.flags = flags;
	ro.mode = 0600;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro) == 0)
		return fd;
	ro.flags = -errno;
	close(fd);
	return (int)ro.flags;
}

static inline uint64_t lh_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* An absolute time @ms from now on @clock. */
static inline struct timespec lh_deadline(clockid_t clock, long ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static inline void lh_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait for @pid with a deadline; returns its status or -1 (then kills it). */
static inline int lh_wait_child(pid_t pid, long ms)
{
	int status, waited = 0;

	while (waited < ms) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		lh_msleep(5);
		waited += 5;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * Fork a child that takes a lock with @take(@lock) and says on a pipe
 * whether it got it (*@ready: the read end, for lh_took()). Then it holds
 * the lock until killed (@ms 0), or for @ms and exits with 0 when
 * @release(@lock) succeeds, else 2. Its pid, or -1.
 */
static inline pid_t lh_holder(int (*take)(void *), int (*release)(void *),
			      void *lock, long ms, int *ready)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		char c = take(lock) == 0 ? 'L' : 'E';

		if (write(p[1], &c, 1) != 1)
			_exit(1);
		if (!ms)
			for (;;)
				pause();
		lh_msleep(ms);
		_exit(release(lock) ? 2 : 0);
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

/* Did lh_holder()'s child take its lock? Closes @fd. */
static inline int lh_took(int fd)
{
	char c = 0;
	int n = read(fd, &c, 1);

	close(fd);
	return n == 1 && c == 'L';
}

/* A child's exit code when it exited normally, else 255. */
static inline int lh_exit_code(int status)
{
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/*
 * Poll LOCK_STAT on the lock at @offset every 2 ms, for up to @ms, until
 * the counter @field of struct ipcx_lock_stat reaches @n: 0, or -1.
 */
#define lh_wait_stat(fd, offset, field, n, ms) ({			\
	struct ipcx_lock_stat __st;					\
	long __ms = (ms);						\
	int __ret = -1;							\
									\
	for (; __ms > 0; __ms -= 2) {					\
		if (ipcx_lock_stat((fd), (offset), &__st) == 0 &&	\
		    __st.field >= (n)) {				\
			__ret = 0;					\
			break;						\
		}							\
		lh_msleep(2);						\
	}								\
	__ret;								\
})

/* Wait until the lock at @offset has @n sleepers (kernel view). */
static inline int lh_wait_waiters(int fd, uint64_t offset, unsigned int n, long ms)
{
	return lh_wait_stat(fd, offset, waiters, n, ms);
}

/*
 * Wait until the kernel has handled @n holder deaths on the lock at
 * @offset. The death work runs just after a thread's exit, not inside it:
 * a parent's waitpid() can return before the work has given back a dead
 * child's undo units.
 */
static inline int lh_wait_deaths(int fd, uint64_t offset, uint64_t n, long ms)
{
	return lh_wait_stat(fd, offset, owner_deaths, n, ms);
}

/* The module's limits and live counts (regions, bytes, locks, owners). */
static inline int lh_stats(struct ipcx_nl_stats *st)
{
	struct ipcx_nl *nl;
	int ret = ipcx_nl_open(&nl);

	if (ret)
		return ret;
	ret = ipcx_nl_stats(nl, st);
	ipcx_nl_close(nl);
	return ret;
}

/*
 * Names of dead IPC namespaces are dropped at the next named creation (see
 * kernel/names.c): create one so that no earlier test's leftovers vanish
 * in the middle of a test that counts regions. 0 or -errno.
 */
static inline int lh_sweep_dead_names(void)
{
	struct ipcx_region_open ro = { 0 };
	char name[64];
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	snprintf(name, sizeof(name), "lh-sweep-%d", getpid());
	ro.name = (uintptr_t)name;
	ro.size = 4096;
	ro.flags = IPCX_OPEN_CREATE;
	ro.mode = 0600;
	ro.lifetime = IPCX_LIFETIME_AUTO_REMOVE;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * libipcx tells a child made by _Fork() or a raw fork from its parent
 * through a MADV_WIPEONFORK page; a kernel without madvise(2)
 * (CONFIG_ADVISE_SYSCALLS=n, as the debug kernel's tinyconfig base) has
 * only the pthread_atfork() fallback, which such children never run.
 */
static inline int lh_wipeonfork_works(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok;

	if (p == MAP_FAILED)
		return 0;
	ok = madvise(p, 4096, MADV_WIPEONFORK) == 0;
	munmap(p, 4096);
	return ok;
}

#endif
