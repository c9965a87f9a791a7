// SPDX-License-Identifier: GPL-2.0
/*
 * Permission checks of regions, after SysV IPC's ipcperms() (not exported).
 *
 * Capabilities are checked in the user namespace that owns the caller's
 * IPC namespace, as SysV IPC does. Only called from ioctl context (never
 * from ->release, where current->nsproxy may be gone).
 *
 * Locking: reads and writes of owner and mode take region->lock (a leaf
 * spinlock); the capability checks run outside it.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>

#include "internal.h"

static struct user_namespace *ipcx_caller_user_ns(void)
{
	return current->nsproxy->ipc_ns->user_ns;
}

static bool ipcx_uid_is_owner(struct ipcx_region *region, kuid_t euid)
{
	bool owner;

	spin_lock(&region->lock);
	owner = uid_eq(euid, region->uid) || uid_eq(euid, region->cuid);
	spin_unlock(&region->lock);
	return owner;
}

/**
 * ipcx_perm_open_ns() - ipcx_perm_open() with CAP_IPC_OWNER counted in @uns
 * @region: the region
 * @write: as for ipcx_perm_open()
 * @uns: the user namespace that owns @region's IPC namespace
 *
 * For callers whose current task is not in @region's IPC namespace (a
 * notification sent from the death work to a subscriber, whose credentials
 * the caller put in place with override_creds()).
 * Return: 0 or -EACCES.
 */
int ipcx_perm_open_ns(struct ipcx_region *region, bool write,
		      struct user_namespace *uns)
{
	int requested = write ? 06 : 04;
	kgid_t gid, cgid;
	int granted;

	if (ipcx_uid_is_owner(region, current_euid()))
		return 0;
	spin_lock(&region->lock);
	granted = region->mode;
	gid = region->gid;
	cgid = region->cgid;
	spin_unlock(&region->lock);
	if (in_group_p(gid) || in_group_p(cgid))
		granted >>= 3;
	if (!(requested & ~granted & 07))
		return 0;
	if (ns_capable(uns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/**
 * ipcx_perm_open() - may the caller attach to @region?
 * @region: the region
 * @write: read-write (needs r and w bits) rather than read-only (r)
 *
 * Owner and creator pass regardless of the mode, as does CAP_IPC_OWNER.
 * Return: 0 or -EACCES.
 */
int ipcx_perm_open(struct ipcx_region *region, bool write)
{
	return ipcx_perm_open_ns(region, write, ipcx_caller_user_ns());
}

/**
 * ipcx_perm_is_owner() - may the caller unlink or change @region?
 * @region: the region
 *
 * Return: true for its owner, its creator, or CAP_SYS_ADMIN.
 */
bool ipcx_perm_is_owner(struct ipcx_region *region)
{
	return ipcx_uid_is_owner(region, current_euid()) ||
	       ns_capable(ipcx_caller_user_ns(), CAP_SYS_ADMIN);
}

/**
 * ipcx_perm_set() - IPCX_IOC_REGION_SET_PERM on a copied-in request
 * @region: the region
 * @perm: the request (reserved fields already checked)
 *
 * Return: 0, -EINVAL (flags, mode, unmapped ids) or -EPERM.
 */
int ipcx_perm_set(struct ipcx_region *region, const struct ipcx_region_perm *perm)
{
	kuid_t uid = make_kuid(current_user_ns(), perm->uid);
	kgid_t gid = make_kgid(current_user_ns(), perm->gid);

	if (!perm->flags || perm->flags & ~IPCX_PERM_FLAGS)
		return -EINVAL;
	if ((perm->flags & IPCX_PERM_MODE) && (perm->mode & ~0777))
		return -EINVAL;
	if ((perm->flags & IPCX_PERM_UID) && !uid_valid(uid))
		return -EINVAL;
	if ((perm->flags & IPCX_PERM_GID) && !gid_valid(gid))
		return -EINVAL;
	if (!ipcx_perm_is_owner(region))
		return -EPERM;

	spin_lock(&region->lock);
	if (perm->flags & IPCX_PERM_UID)
		region->uid = uid;
	if (perm->flags & IPCX_PERM_GID)
		region->gid = gid;
	if (perm->flags & IPCX_PERM_MODE)
		region->mode = perm->mode;
	spin_unlock(&region->lock);
	return 0;
}
