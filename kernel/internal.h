/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the files of ipcx.ko (as futex.h is for kernel/futex/).
 * Nothing here is ABI; the ABI is the uapi header.
 */
#ifndef _IPCX_INTERNAL_H
#define _IPCX_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/ipcx.h>

#define IPCX_MODULE_VERSION "0.1.0"

/* dev.c: the /dev/ipcx misc device */
int ipcx_dev_register(umode_t mode);
void ipcx_dev_unregister(void);

/* uaccess.c: size-extensible structure copies (see the uapi header) */
int ipcx_copy_struct_in(void *dst, size_t ksize, unsigned long arg,
			size_t usize, size_t min_size);
int ipcx_copy_struct_out(unsigned long arg, size_t usize, const void *src,
			 size_t ksize, size_t min_size);

#endif /* _IPCX_INTERNAL_H */
