/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libipcx internals that every part of the library uses; the lock files
 * add theirs in lock_internal.h. Never installed.
 */
#ifndef LIBIPCX_INTERNAL_H
#define LIBIPCX_INTERNAL_H

#include "libipcx.h"

/*
 * ioctl(2) on @fd (device.c), the library's one way into the kernel: the
 * result, which is 0 for every ipcx command but IPCX_IOC_LOCK_FD (a new
 * fd), or -errno; errno is left as it was.
 */
int ipcx_ioctl(int fd, unsigned long cmd, void *arg);

#endif
