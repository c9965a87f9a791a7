// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx regions and locks: the row that the other rows are compared with.
 * Until the region and lock ioctls land this only reports whether
 * /dev/ipcx is there; fill in setup/teardown/send/recv/lock/unlock (see
 * the shared-memory families in shmring.c for the shape) and set caps.
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
