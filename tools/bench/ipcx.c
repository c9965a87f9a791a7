// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx regions and locks: the row the others are compared with. Until the
 * region and lock ioctls land this only says whether /dev/ipcx is there.
 *
 * To make it measure, reuse the shared-memory ring (shmring.h) the way
 * sysv.c and posix.c do; only a struct shm_sync is ipcx-specific:
 *   .map      create a region of len bytes (libipcx), mmap it into c->base
 *             (c->fd / c->id may hold the handle); .unmap undoes it
 *   .init     the five semaphores/locks in c->sync (SYNC_AREA bytes at the
 *             start of the region), initial values from shmring_sem_init()
 *   .destroy  remove the region (after unmap it must be gone)
 *   .wait/.post  counting semaphore `sem` (ring pacing: block when 0)
 *   .lock/.unlock  the region's built-in lock (SEM_LOCK)
 * then: .setup = a function calling shmring_setup(ch, &ipcx_sync),
 * SHMRING_OPS (caps = CAP_MSG | CAP_BULK | CAP_LOCK, the rest), and keep
 * .available returning -ENOENT without /dev/ipcx. A different design (no
 * ring) implements setup/teardown/attach/send/recv/lock/unlock/lock_counter
 * of struct bench_mech directly; bench.h says what each must do.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "bench.h"

static int ipcx_available(char *why, size_t len)
{
	if (access(IPCX_DEVICE_PATH, R_OK | W_OK) < 0) {
		snprintf(why, len, "%s absent (module not loaded)", IPCX_DEVICE_PATH);
		return -ENOENT;
	}
	snprintf(why, len, "regions/locks not implemented in this build yet");
	return -ENOSYS;
}

const struct bench_mech bench_mech_ipcx = {
	.name = "ipcx",
	.family = "ipcx.c",
	.desc = "ipcx region + built-in lock (/dev/ipcx)",
	.lock_desc = "ipcx region lock",
	.caps = 0,
	.available = ipcx_available,
};
