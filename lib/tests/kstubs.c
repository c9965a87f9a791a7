// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the kernel side of the lock and event calls that
 * lib/channel/ makes, so that the channel can be unit-tested
 * (chan_*_test.c, chan_fuzz.c) and its user-space fast path measured
 * (tools/fastpath/) natively, where ipcx.ko cannot be loaded. Each call
 * that would enter the kernel bumps kstub_calls (in shared memory, set by
 * the program), and a program can check that a loop made none.
 *
 * Semantics kept: a mutex word holds its owner's id while held (peers read
 * it to see who is attached); an event word counts in steps of 2, and a
 * wait really sleeps (a futex on the word, with the caller's deadline on
 * its clock) until the word moves, a broadcast wakes it, or the time is
 * up, so that a caller that ought to sleep is seen to (ipcx-chan-fuzz).
 * Death events are "declared" (a channel needs them);
 * nothing releases a dead process's mutex (a test clears its word, as the
 * kernel would).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock_internal.h"
#include "kstubs.h"

volatile uint64_t *kstub_calls;
uint64_t kstub_features = IPCX_FEAT_DEATH_EVENT;
int kstub_declare_ret;

static void kcall(void)
{
	if (kstub_calls)
		__atomic_fetch_add(kstub_calls, 1, __ATOMIC_RELAXED);
}

static void locate(int fd, void *base, uint64_t off, int *hfd, uint64_t *hoff,
		   uint32_t **word)
{
	*hfd = fd;
	*hoff = off;
	*word = (uint32_t *)((char *)base + off);
}

int ipcx_event_init(struct ipcx_event *e, int fd, void *base, uint64_t off)
{
	locate(fd, base, off, &e->fd, &e->offset, &e->word);
	__atomic_store_n(e->word, 0, __ATOMIC_RELEASE);
	return 0;
}

int ipcx_event_attach(struct ipcx_event *e, int fd, void *base, uint64_t off)
{
	locate(fd, base, off, &e->fd, &e->offset, &e->word);
	return 0;
}

uint32_t ipcx_event_seq(const struct ipcx_event *e)
{
	return __atomic_load_n(e->word, __ATOMIC_ACQUIRE) >> 1;
}

/* A shared (not private) futex: the word is in memory shared between
 * processes. */
static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *abstime)
{
	return syscall(SYS_futex, word, op, val, abstime, NULL, FUTEX_BITSET_MATCH_ANY);
}

int ipcx_event_broadcast(struct ipcx_event *e)
{
	kcall();
	__atomic_fetch_add(e->word, 2, __ATOMIC_SEQ_CST);
	futex(e->word, FUTEX_WAKE, INT_MAX, NULL);
	return 0;
}

/* Sleep while the sequence is seq, until abstime on clock (NULL: none):
 * 0, -ETIMEDOUT, -EINTR, as the kernel's EVENT_WAIT. */
int ipcx_event_wait(struct ipcx_event *e, uint32_t seq, const struct timespec *abstime,
		    clockid_t clock)
{
	int op = FUTEX_WAIT_BITSET | (clock == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
	int saved = errno, ret = 0;
	uint32_t w;

	kcall();
	if (abstime && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L))
		return -EINVAL;
	for (;;) {
		w = __atomic_load_n(e->word, __ATOMIC_ACQUIRE);
		if ((w >> 1) != (seq & IPCX_EVENT_SEQ_MASK))
			break;
		/* 0: woken; EAGAIN: the word moved; either way look again */
		if (futex(e->word, op, w, abstime) && errno != EAGAIN) {
			ret = -errno;
			break;
		}
	}
	errno = saved;
	return ret;
}

int ipcx_get_version(int fd, struct ipcx_version *ver)
{
	(void)fd;
	*ver = (struct ipcx_version){ .abi_major = IPCX_ABI_MAJOR, .abi_minor = IPCX_ABI_MINOR,
				      .features = kstub_features };
	return 0;
}

int ipcx_mutex_declare_death_event(int fd, uint64_t offset, uint64_t event_offset)
{
	(void)fd;
	(void)offset;
	(void)event_offset;
	return kstub_declare_ret;
}

int ipcx_mutex_init(struct ipcx_mutex *m, int fd, void *base, uint64_t off)
{
	locate(fd, base, off, &m->fd, &m->offset, &m->word);
	__atomic_store_n(m->word, 0, __ATOMIC_RELEASE);
	return 0;
}

int ipcx_mutex_attach(struct ipcx_mutex *m, int fd, void *base, uint64_t off)
{
	locate(fd, base, off, &m->fd, &m->offset, &m->word);
	return 0;
}

int ipcx_mutex_trylock(struct ipcx_mutex *m)
{
	uint32_t zero = 0, id = (uint32_t)getpid() & IPCX_OWNER_ID_MASK;

	return __atomic_compare_exchange_n(m->word, &zero, id, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED) ? 0 : -EBUSY;
}

int ipcx_mutex_consistent(struct ipcx_mutex *m)
{
	(void)m;
	return 0;
}

int ipcx_mutex_unlock(struct ipcx_mutex *m)
{
	__atomic_store_n(m->word, 0, __ATOMIC_RELEASE);
	return 0;
}

int ipcx_lock_fd(int fd, uint64_t offset)
{
	(void)fd;
	(void)offset;
	kcall();
	return -ENOSYS;
}
