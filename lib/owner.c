// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calling thread's owner id, registered with the kernel once per thread
 * and cached in thread-local storage.
 *
 * A fork gives the child a new thread that owns nothing, so the child must
 * not use the id it inherited in its copy of the cache. However the child
 * was made: fork(), _Fork(), or a raw fork/clone system call; the last two
 * run no pthread_atfork handler. What every one of them does is copy the
 * address space through the kernel, which zeroes pages marked
 * MADV_WIPEONFORK in the child. So each cached id carries the process
 * epoch it was registered in, and the epoch lives in such a page: a child
 * reads 0 there, which matches no cached id, and registers afresh. The
 * check costs one more load on the uncontended fast path.
 *
 * A new epoch comes from ipcx_epoch_counter, ordinary memory that the child
 * inherits, so it is larger than every epoch the parent ever used and none
 * of the child's inherited caches can match it.
 *
 * Where MADV_WIPEONFORK is refused (kernels before 4.14), the epoch is a
 * static word that a pthread_atfork handler clears: fork() is then right
 * and _Fork() is not, as before.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lock_internal.h"

static unsigned int ipcx_epoch_fallback;
unsigned int *ipcx_epoch = &ipcx_epoch_fallback;
static unsigned int ipcx_epoch_counter;
static pthread_once_t ipcx_epoch_once = PTHREAD_ONCE_INIT;
/*
 * Read on every lock and unlock: initial-exec, so that a thread finds them
 * at a fixed offset from its thread pointer. The default model for a
 * shared library calls __tls_get_addr() on each access; initial-exec asks
 * for 8 bytes of static TLS, which glibc keeps a reserve of for libraries
 * loaded with dlopen() too. The lock fast paths read them inline
 * (ipcx_owner_fast() in lock_internal.h), hence not static; hidden there.
 */
__thread uint32_t ipcx_tls_owner __attribute__((tls_model("initial-exec")));
__thread unsigned int ipcx_tls_epoch __attribute__((tls_model("initial-exec")));

/*
 * The calling thread's last EOWNERDEAD, whatever lock call returned it, for
 * ipcx_*_last_death(): the lock (fd, offset), the epoch it was seen in (a
 * forked child was told nothing) and who died.
 */
static __thread struct {
	int fd;
	uint64_t offset;
	unsigned int epoch;
	struct ipcx_owner_info died;
} tls_death;

static void ipcx_atfork_child(void)
{
	__atomic_store_n(&ipcx_epoch_fallback, 0, __ATOMIC_RELAXED);
}

static void ipcx_epoch_setup(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED && madvise(p, page, MADV_WIPEONFORK) == 0) {
		__atomic_store_n(&ipcx_epoch, (unsigned int *)p, __ATOMIC_RELEASE);
		return;
	}
	if (p != MAP_FAILED)
		munmap(p, page);
	pthread_atfork(NULL, NULL, ipcx_atfork_child);
}

/* This process's epoch as it is: 0 after a fork until a thread registers. */
static unsigned int ipcx_epoch_peek(void)
{
	return __atomic_load_n(__atomic_load_n(&ipcx_epoch, __ATOMIC_RELAXED),
			       __ATOMIC_RELAXED);
}

/* This process's epoch, starting one if a fork wiped it (or none yet). */
static unsigned int ipcx_epoch_current(void)
{
	unsigned int *word, cur, next;

	pthread_once(&ipcx_epoch_once, ipcx_epoch_setup);
	word = __atomic_load_n(&ipcx_epoch, __ATOMIC_ACQUIRE);
	cur = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	if (cur)
		return cur;
	do
		next = __atomic_add_fetch(&ipcx_epoch_counter, 1, __ATOMIC_RELAXED);
	while (!next);
	if (__atomic_compare_exchange_n(word, &cur, next, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return next;
	return cur;	/* another thread started it */
}

bool ipcx_owner_cached(uint32_t *id)
{
	return ipcx_owner_fast(id);
}

int ipcx_owner_id(int fd, uint32_t *id)
{
	unsigned int epoch = ipcx_epoch_peek();
	struct ipcx_lock_op op;
	int ret;

	if (ipcx_tls_owner && ipcx_tls_epoch == epoch) {
		*id = ipcx_tls_owner;
		return 0;
	}
	epoch = ipcx_epoch_current();
	memset(&op, 0, sizeof(op));
	ret = ipcx_ioctl(fd, IPCX_IOC_OWNER_REGISTER, &op);
	if (ret)
		return ret;
	ipcx_tls_owner = op.owner;
	ipcx_tls_epoch = epoch;
	*id = op.owner;
	return 0;
}

void ipcx_death_save(int fd, uint64_t offset, const struct ipcx_owner_info *died)
{
	tls_death.fd = fd;
	tls_death.offset = offset;
	tls_death.epoch = ipcx_epoch_current();
	tls_death.died = *died;
}

int ipcx_death_fetch(int fd, uint64_t offset, struct ipcx_owner_info *died)
{
	if (!tls_death.epoch || tls_death.epoch != ipcx_epoch_peek() ||
	    tls_death.fd != fd || tls_death.offset != offset)
		return -ENOENT;
	*died = tls_death.died;
	return 0;
}
