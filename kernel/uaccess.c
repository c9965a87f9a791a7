// SPDX-License-Identifier: GPL-2.0
/*
 * Copies of size-extensible ioctl structures between user space and ipcx.
 *
 * The size user space passes comes from _IOC_SIZE(cmd). Inbound, missing
 * trailing bytes read as zero and extra trailing bytes must be zero
 * (copy_struct_from_user() semantics). Outbound, the kernel writes what it
 * knows and zeroes whatever tail a newer user space asked for, so no byte of
 * a reply is ever left uninitialised.
 *
 * Locking: none; these run in process context and may fault.
 */
#include <linux/uaccess.h>
#include <linux/minmax.h>

#include "internal.h"

int ipcx_copy_struct_in(void *dst, size_t ksize, unsigned long arg,
			size_t usize, size_t min_size)
{
	if (usize < min_size)
		return -EINVAL;
	return copy_struct_from_user(dst, ksize, (void __user *)arg, usize);
}

int ipcx_copy_struct_out(unsigned long arg, size_t usize, const void *src,
			 size_t ksize, size_t min_size)
{
	void __user *uptr = (void __user *)arg;
	size_t n = min(usize, ksize);

	if (usize < min_size)
		return -EINVAL;
	if (copy_to_user(uptr, src, n))
		return -EFAULT;
	if (usize > ksize && clear_user(uptr + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}
