/* SPDX-License-Identifier: GPL-2.0 */
/* The layout of the mapped-file demo's file (DIR/mapfile.map). */
#ifndef IPCX_DEMO_MAPFILE_H
#define IPCX_DEMO_MAPFILE_H

#include <stdint.h>

#include "common.h"

struct mapfile {
	uint32_t state;		/* MAP_EMPTY, then MAP_FULL (release/acquire) */
	uint32_t len;
	char data[DEMO_LEN];
};

#define MAP_EMPTY 0
#define MAP_FULL 1

#endif
