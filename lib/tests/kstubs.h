/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-ins for the kernel calls of lib/channel/ (kstubs.c). */
#ifndef IPCX_TESTS_KSTUBS_H
#define IPCX_TESTS_KSTUBS_H

#include <stdint.h>

/* calls that would have entered the kernel (point it at shared memory) */
extern volatile uint64_t *kstub_calls;
/* IPCX_FEAT_* the stand-in module reports (IPCX_FEAT_DEATH_EVENT unless a
 * test plays an older module) */
extern uint64_t kstub_features;
/* what declaring a lock's death event returns (0; -EEXIST plays a slot the
 * kernel knows with another event) */
extern int kstub_declare_ret;

#endif
