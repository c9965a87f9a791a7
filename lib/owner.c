// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The calling thread's owner id, registered with the kernel once per thread
 * and cached in thread-local storage. A fork gives the child a new thread
 * that owns nothing: pthread_atfork bumps a generation so the child
 * registers again instead of using its parent's id.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lock_internal.h"

static unsigned int ipcx_fork_generation = 1;
static pthread_once_t ipcx_atfork_once = PTHREAD_ONCE_INIT;
static __thread uint32_t tls_owner;
static __thread unsigned int tls_generation;

static void ipcx_atfork_child(void)
{
	__atomic_add_fetch(&ipcx_fork_generation, 1, __ATOMIC_RELAXED);
}

static void ipcx_atfork_install(void)
{
	pthread_atfork(NULL, NULL, ipcx_atfork_child);
}

int ipcx_owner_id(int fd, uint32_t *id)
{
	unsigned int gen = __atomic_load_n(&ipcx_fork_generation, __ATOMIC_RELAXED);
	struct ipcx_lock_op op;
	int ret;

	if (tls_owner && tls_generation == gen) {
		*id = tls_owner;
		return 0;
	}
	pthread_once(&ipcx_atfork_once, ipcx_atfork_install);
	memset(&op, 0, sizeof(op));
	ret = ipcx_lock_ioctl(fd, IPCX_IOC_OWNER_REGISTER, &op);
	if (ret)
		return ret;
	tls_owner = op.owner;
	tls_generation = gen;
	*id = op.owner;
	return 0;
}

int ipcx_lock_ioctl(int fd, unsigned long cmd, void *arg)
{
	int saved = errno, ret = 0;

	if (ioctl(fd, cmd, arg) < 0)
		ret = -errno;
	errno = saved;
	return ret;
}
