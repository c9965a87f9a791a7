/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libipcx: the user-space companion of the ipcx kernel module.
 *
 * Conventions (as liburing): every function returns 0 (or a non-negative
 * value) on success and a negative errno on failure; none of them touches
 * errno. ipcx_strerror() turns a result into text. All functions are safe
 * to call from several threads at once unless their page says otherwise.
 */
#ifndef LIBIPCX_H
#define LIBIPCX_H

#include <stdint.h>
#include <linux/ipcx.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBIPCX_VERSION_MAJOR 0
#define LIBIPCX_VERSION_MINOR 1

/**
 * ipcx_open_dev() - open the ipcx device
 * @flags: extra open(2) flags; O_CLOEXEC is always added
 *
 * Returns a file descriptor on /dev/ipcx (or the path in the IPCX_DEVICE
 * environment variable), or -ENOENT when the module is not loaded, -EACCES
 * when the node is not accessible, or another -errno from open(2).
 */
int ipcx_open_dev(int flags);

/**
 * ipcx_get_version() - ask the module for its ABI version and features
 * @fd: a file descriptor from ipcx_open_dev()
 * @ver: filled on success
 *
 * Returns 0, or -EBADF / -ENOTTY (fd is not /dev/ipcx) / -EFAULT.
 */
int ipcx_get_version(int fd, struct ipcx_version *ver);

/**
 * ipcx_strerror() - describe a result of a libipcx function
 * @err: a negative errno as returned by libipcx (a positive one works too)
 *
 * Returns a static string; ipcx-specific meanings are used where ipcx gives
 * an errno one (for example -ENOENT from ipcx_open_dev()).
 */
const char *ipcx_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBIPCX_H */
