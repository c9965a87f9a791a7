/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal TAP producer for the library's host-side unit tests. */
#ifndef IPCX_TAP_H
#define IPCX_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define tap_ok(cond, ...) do {						\
	int __ok = !!(cond);						\
	printf("%sok %d - ", __ok ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!__ok) {							\
		tap_failed++;						\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define tap_plan_start() printf("TAP version 13\n")
#define tap_done() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

#endif
