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
 * A mapping holds its file (through its view, mmap.c), so mappings pin the
 * module too.
 * ->release detaches the file from its region (region.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "internal.h"
#include "lock/lock.h"

/**
 * ipcx_ioc_version() - IPCX_IOC_VERSION: the ABI version and feature bits
 */
static long ipcx_ioc_version(struct file *file, unsigned long arg,
			     size_t usize)
{
	struct ipcx_version ver = {
		.abi_major = IPCX_ABI_MAJOR,
		.abi_minor = IPCX_ABI_MINOR,
		.features = IPCX_FEAT_VERSION | IPCX_FEAT_REGIONS | IPCX_FEAT_LOCKS |
			    IPCX_FEAT_DEATH_EVENT | IPCX_FEAT_DEATH_CHAIN |
			    IPCX_FEAT_HUGE | IPCX_FEAT_DEADLOCK,
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
	[_IOC_NR(IPCX_IOC_REGION_OPEN)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_region_open },
	[_IOC_NR(IPCX_IOC_REGION_UNLINK)] = { _IOC_WRITE, ipcx_ioc_region_unlink },
	[_IOC_NR(IPCX_IOC_REGION_STAT)] = { _IOC_READ, ipcx_ioc_region_stat },
	[_IOC_NR(IPCX_IOC_REGION_SET_PERM)] = { _IOC_WRITE, ipcx_ioc_region_set_perm },
	[_IOC_NR(IPCX_IOC_REGION_SEAL)] = { _IOC_WRITE, ipcx_ioc_region_seal },
	[_IOC_NR(IPCX_IOC_REGION_RESIZE)] = { _IOC_WRITE, ipcx_ioc_region_resize },
	[_IOC_NR(IPCX_IOC_OWNER_REGISTER)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_owner_register },
	[_IOC_NR(IPCX_IOC_LOCK_DECLARE)] = { _IOC_WRITE, ipcx_ioc_lock_declare },
	[_IOC_NR(IPCX_IOC_MUTEX_LOCK)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_mutex_lock },
	[_IOC_NR(IPCX_IOC_MUTEX_UNLOCK)] = { _IOC_WRITE, ipcx_ioc_mutex_unlock },
	[_IOC_NR(IPCX_IOC_MUTEX_CONSISTENT)] = { _IOC_WRITE, ipcx_ioc_mutex_consistent },
	[_IOC_NR(IPCX_IOC_EVENT_WAIT)] = { _IOC_WRITE, ipcx_ioc_event_wait },
	[_IOC_NR(IPCX_IOC_EVENT_WAKE)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_event_wake },
	[_IOC_NR(IPCX_IOC_LOCK_STAT)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_lock_stat },
	[_IOC_NR(IPCX_IOC_LOCK_FD)] = { _IOC_WRITE, ipcx_ioc_lock_fd },
	[_IOC_NR(IPCX_IOC_SEM_WAIT)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_sem_wait },
	[_IOC_NR(IPCX_IOC_SEM_POST)] = { _IOC_WRITE, ipcx_ioc_sem_post },
	[_IOC_NR(IPCX_IOC_RW_RDLOCK)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_rw_rdlock },
	[_IOC_NR(IPCX_IOC_RW_WRLOCK)] = { _IOC_READ | _IOC_WRITE, ipcx_ioc_rw_wrlock },
	[_IOC_NR(IPCX_IOC_RW_UNLOCK)] = { _IOC_WRITE, ipcx_ioc_rw_unlock },
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

static int ipcx_open(struct inode *inode, struct file *file)
{
	/* misc_open() left the miscdevice here; ours is the attachment */
	file->private_data = NULL;
	return 0;
}

static int ipcx_release(struct inode *inode, struct file *file)
{
	ipcx_region_detach(file);
	return 0;
}

static const struct file_operations ipcx_fops = {
	.owner = THIS_MODULE,
	.open = ipcx_open,
	.release = ipcx_release,
	.mmap = ipcx_mmap,
	.get_unmapped_area = ipcx_get_unmapped_area,
	.unlocked_ioctl = ipcx_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice ipcx_misc = {
	.name = "ipcx",
	.fops = &ipcx_fops,
};

/*
 * The fixed minor and the devname alias let the first open of /dev/ipcx
 * load the module (see IPCX_MISC_MINOR). The minor is from the range kept
 * for local use, so another driver may hold it: then a dynamic one, which
 * keeps the module usable where /dev/ipcx is made by devtmpfs when the
 * module loads. A node made at boot from the alias (10:IPCX_MISC_MINOR)
 * names the other driver then, and devtmpfs does not replace it: the
 * warning says what to do.
 */
MODULE_ALIAS_MISCDEV(IPCX_MISC_MINOR);
MODULE_ALIAS("devname:ipcx");

int ipcx_dev_register(umode_t mode)
{
	int ret;

	ipcx_misc.mode = mode;
	ipcx_misc.minor = IPCX_MISC_MINOR;
	ret = misc_register(&ipcx_misc);
	if (ret != -EBUSY)
		return ret;
	ipcx_misc.minor = MISC_DYNAMIC_MINOR;
	ret = misc_register(&ipcx_misc);
	if (!ret)
		pr_warn("ipcx: misc minor %d is taken by another driver: /dev/ipcx is 10:%d, opening it will not load ipcx; remove a /dev/ipcx made at boot as 10:%d and reload ipcx\n",
			IPCX_MISC_MINOR, ipcx_misc.minor, IPCX_MISC_MINOR);
	return ret;
}

void ipcx_dev_unregister(void)
{
	misc_deregister(&ipcx_misc);
}
