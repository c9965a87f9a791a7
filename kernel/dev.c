// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ipcx: the misc device, its file operations and the ioctl dispatch.
 *
 * The ioctl entry point only validates the command's encoding and
 * dispatches; each command has one small handler. Commands are matched on
 * their number alone, and the structure size user space compiled against is
 * taken from _IOC_SIZE(cmd) (see include/uapi/linux/ipcx.h), so structures
 * can grow without new numbers.
 *
 * Locking: the file operations here take no locks of their own.
 * Lifetime: .owner = THIS_MODULE in the fops pins the module while any
 * /dev/ipcx file is open, so rmmod is refused until the last one is closed.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "internal.h"

static long ipcx_ioc_version(struct file *file, unsigned long arg,
			     size_t usize)
{
	struct ipcx_version ver = {
		.abi_major = IPCX_ABI_MAJOR,
		.abi_minor = IPCX_ABI_MINOR,
		.features = IPCX_FEAT_VERSION,
	};

	return ipcx_copy_struct_out(arg, usize, &ver, sizeof(ver),
				    IPCX_VERSION_SIZE_VER0);
}

/**
 * struct ipcx_ioctl_desc - one ioctl command
 * @dir: the _IOC_DIR the command must be encoded with
 * @handler: the command's handler, given the struct size from the encoding
 */
struct ipcx_ioctl_desc {
	unsigned int dir;
	long (*handler)(struct file *file, unsigned long arg, size_t usize);
};

static const struct ipcx_ioctl_desc ipcx_ioctls[] = {
	[_IOC_NR(IPCX_IOC_VERSION)] = { _IOC_READ, ipcx_ioc_version },
};

static long ipcx_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct ipcx_ioctl_desc *desc;

	if (_IOC_TYPE(cmd) != IPCX_IOC_MAGIC || nr >= ARRAY_SIZE(ipcx_ioctls))
		return -ENOTTY;
	desc = &ipcx_ioctls[nr];
	if (!desc->handler || _IOC_DIR(cmd) != desc->dir)
		return -ENOTTY;
	return desc->handler(file, arg, _IOC_SIZE(cmd));
}

static const struct file_operations ipcx_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = ipcx_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice ipcx_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ipcx",
	.fops = &ipcx_fops,
};

int ipcx_dev_register(umode_t mode)
{
	ipcx_misc.mode = mode;
	return misc_register(&ipcx_misc);
}

void ipcx_dev_unregister(void)
{
	misc_deregister(&ipcx_misc);
}
