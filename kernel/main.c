// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx module entry: parameters, init and exit.
 *
 * Init registers the pieces in dependency order and exit tears them down in
 * reverse. Nothing here takes locks.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <net/genetlink.h>

#include "internal.h"
#include "lock/lock.h"

static ushort dev_mode = 0666;

/* sysfs shows the mode as a mode (0666), not as its decimal value */
static int ipcx_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%#o\n", *(ushort *)kp->arg);
}

static const struct kernel_param_ops ipcx_param_ops_mode = {
	.set = param_set_ushort,
	.get = ipcx_param_get_mode,
};

module_param_cb(dev_mode, &ipcx_param_ops_mode, &dev_mode, 0444);
__MODULE_PARM_TYPE(dev_mode, "ushort");
MODULE_PARM_DESC(dev_mode, "permission bits of /dev/ipcx (default 0666)");

static int __init ipcx_init(void)
{
	int ret;

	if (dev_mode & ~0777) {
		pr_err("ipcx: dev_mode %#o has bits outside 0777\n", dev_mode);
		return -EINVAL;
	}

	ret = ipcx_owners_init();
	if (ret)
		return ret;
	ipcx_regions_init();
	ret = ipcx_dev_register(dev_mode);
	if (ret)
		goto out_regions_exit;
	ret = ipcx_nl_register();
	if (ret)
		goto out_dev_unregister;

	pr_info("ipcx: version %s loaded, ABI %u.%u\n", IPCX_MODULE_VERSION,
		IPCX_ABI_MAJOR, IPCX_ABI_MINOR);
	return 0;

out_dev_unregister:
	ipcx_dev_unregister();
out_regions_exit:
	ipcx_regions_exit();	/* the huge-page mounts */
	ipcx_owners_exit();
	return ret;
}

static void __exit ipcx_exit(void)
{
	ipcx_deadlock_exit();	/* its reports hold regions and use netlink */
	ipcx_nl_unregister();
	ipcx_dev_unregister();
	ipcx_regions_exit();
	ipcx_owners_exit();
	pr_info("ipcx: unloaded\n");
}

module_init(ipcx_init);
module_exit(ipcx_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ipcx developers");
MODULE_DESCRIPTION("Shared memory regions with built-in locking");
MODULE_VERSION(IPCX_MODULE_VERSION);
/*
 * A lookup of the generic netlink family by name loads the module, as
 * ipcx_nl_open() makes one (dev.c has the aliases for the device node).
 */
MODULE_ALIAS_GENL_FAMILY(IPCX_NL_FAMILY_NAME);
