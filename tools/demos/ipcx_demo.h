/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ipcx demo's region: a robust mutex and an event (lock blocks at
 * 64-byte offsets), then the state they protect. Compare with the SysV
 * pair, which needs a separate semaphore set, a key file, and cleanup.
 */
#ifndef IPCX_DEMO_IPCX_H
#define IPCX_DEMO_IPCX_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

#define IPCX_DEMO_MUTEX	0	/* offset of the mutex block */
#define IPCX_DEMO_EVENT	64	/* offset of the event block: "state changed" */

struct ipcx_demo {
	char locks[128];	/* the two lock blocks */
	uint32_t state;		/* IPCX_DEMO_EMPTY / IPCX_DEMO_FULL, under the mutex */
	uint32_t len;
	char data[DEMO_LEN];
};

#define IPCX_DEMO_EMPTY 0
#define IPCX_DEMO_FULL 1

/* The region's name: "demo-" + the demo directory's last component. */
static inline void ipcx_demo_name(char *buf, size_t len, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp", *slash = strrchr(dir, '/');

	snprintf(buf, len, "demo-%s", slash && slash[1] ? slash + 1 : "tmp");
}

#endif
