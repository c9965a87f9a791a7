/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels ipcx builds on (Debian's 6.1
 * and 6.12), each behind one small named helper. A new difference gets a
 * helper here, never an #ifdef in a .c file. The IPCX_HAVE_* macros come
 * from probes of the kernel tree's headers in Kbuild.
 */
#ifndef _IPCX_COMPAT_H
#define _IPCX_COMPAT_H

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

/* 6.3 made vma->vm_flags read-only behind vm_flags_set()/vm_flags_clear(). */
static inline void ipcx_vm_flags_set(struct vm_area_struct *vma,
				     vm_flags_t flags)
{
#ifdef IPCX_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void ipcx_vm_flags_clear(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
#ifdef IPCX_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* 6.10 replaced mm->get_unmapped_area by mm_get_unmapped_area(). */
static inline unsigned long
ipcx_mm_get_unmapped_area(struct file *file, unsigned long addr,
			  unsigned long len, unsigned long pgoff,
			  unsigned long flags)
{
#ifdef IPCX_HAVE_MM_GET_UNMAPPED_AREA
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/* 6.2 put a struct genl_info (with the parsed attributes) in dumps' info. */
static inline struct nlattr **ipcx_genl_dumpit_attrs(struct netlink_callback *cb)
{
#ifdef IPCX_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * 6.7 gave vm_ops->get_policy an interleave index: the parameter list of a
 * get_policy handler, and the argument list to forward it with.
 */
#ifdef IPCX_HAVE_GET_POLICY_ILX
#define IPCX_GET_POLICY_PARAMS \
	(struct vm_area_struct *vma, unsigned long addr, pgoff_t *ilx)
#define IPCX_GET_POLICY_ARGS (vma, addr, ilx)
#else
#define IPCX_GET_POLICY_PARAMS (struct vm_area_struct *vma, unsigned long addr)
#define IPCX_GET_POLICY_ARGS (vma, addr)
#endif

/* 6.6 renamed vfs_tmpfile_open() kernel_tmpfile_open(), with an idmap. */
static inline struct file *ipcx_tmpfile_open(const struct path *dir,
					     umode_t mode, int flags)
{
#ifdef IPCX_HAVE_KERNEL_TMPFILE_OPEN
	return kernel_tmpfile_open(&nop_mnt_idmap, dir, mode, flags,
				   current_cred());
#else
	return vfs_tmpfile_open(&init_user_ns, dir, mode, flags, current_cred());
#endif
}

#endif /* _IPCX_COMPAT_H */
