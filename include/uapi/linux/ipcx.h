/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ipcx: named, permissioned, mmap-able shared regions with built-in locks.
 *
 * This header is the ABI between the ipcx module (/dev/ipcx) and user space.
 * It is forever. Rules every structure below follows:
 *
 *  - Fixed-width types only, pointers travel as __u64, no implicit padding
 *    (every hole is an explicit __pad/__reserved field).
 *  - Reserved fields and unknown flag bits must be zero; the kernel answers
 *    EINVAL otherwise, so they can be given a meaning later.
 *  - Structures are size-extensible: the kernel takes the size from the
 *    ioctl number (_IOC_SIZE) rather than from the command table. An older,
 *    smaller structure is accepted (missing fields read as zero); a newer,
 *    larger one is accepted when the bytes the kernel does not know are zero
 *    (E2BIG otherwise), exactly like copy_struct_from_user(). Output
 *    structures are filled up to the size user space passed.
 *  - All ioctls use one magic, IPCX_IOC_MAGIC (0xB9, unused in
 *    Documentation/userspace-api/ioctl/ioctl-number.rst of Linux 6.1).
 *  - Unknown ioctl numbers fail with ENOTTY.
 */
#ifndef _UAPI_LINUX_IPCX_H
#define _UAPI_LINUX_IPCX_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define IPCX_DEVICE_PATH	"/dev/ipcx"

/* ABI version: major changes never happen; minor grows with features. */
#define IPCX_ABI_MAJOR		1
#define IPCX_ABI_MINOR		0

/* Feature bits reported in struct ipcx_version.features. */
#define IPCX_FEAT_VERSION	_BITULL(0)	/* IPCX_IOC_VERSION */

#define IPCX_IOC_MAGIC		0xB9

/**
 * struct ipcx_version - answer of IPCX_IOC_VERSION
 * @abi_major: IPCX_ABI_MAJOR of the running module
 * @abi_minor: IPCX_ABI_MINOR of the running module
 * @features: IPCX_FEAT_* bits the running module implements
 * @__reserved: written as zero by the kernel
 */
struct ipcx_version {
	__u32 abi_major;
	__u32 abi_minor;
	__u64 features;
	__u64 __reserved[2];
};

#define IPCX_VERSION_SIZE_VER0	32	/* sizeof first published struct */

/*
 * IPCX_IOC_VERSION - ask the module which ABI and features it offers.
 * Works on any open /dev/ipcx file. Errors: EFAULT (bad pointer),
 * EINVAL (structure smaller than IPCX_VERSION_SIZE_VER0).
 */
#define IPCX_IOC_VERSION	_IOR(IPCX_IOC_MAGIC, 0x00, struct ipcx_version)

#endif /* _UAPI_LINUX_IPCX_H */
