// SPDX-License-Identifier: GPL-2.0
/*
 * A module that WARNs on load. check.sh boots it to prove that the VM
 * runner fails a run whose guest printed a kernel warning.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init warn_canary_init(void)
{
	WARN(1, "warn_canary: deliberate warning to test the VM runner\n");
	return 0;
}

static void __exit warn_canary_exit(void)
{
}

module_init(warn_canary_init);
module_exit(warn_canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberately broken module: WARNs on load");
