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
#define IPCX_ABI_MINOR		1

/* Feature bits reported in struct ipcx_version.features. */
#define IPCX_FEAT_VERSION	_BITULL(0)	/* IPCX_IOC_VERSION */
#define IPCX_FEAT_REGIONS	_BITULL(1)	/* IPCX_IOC_REGION_* (0x01-0x06) */

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

/*
 * Regions
 * =======
 *
 * A region is a block of shared memory (shmem-backed, swappable) with an
 * optional name, an owner, a creator, a mode and seals. An open /dev/ipcx
 * file is attached to at most one region with IPCX_IOC_REGION_OPEN and from
 * then on stands for it (like a memfd): mmap(2) of that file maps the
 * region, the region ioctls act on it, and the attachment cannot be changed
 * (a second IPCX_IOC_REGION_OPEN fails with EBUSY). Files are shared by
 * fork(2) and SCM_RIGHTS like any other file; this is how anonymous (unnamed)
 * regions are shared.
 *
 * Names: 1..IPCX_NAME_MAX bytes, no '/', NUL-terminated in user memory.
 * Names live per IPC namespace: a region is found only from the IPC
 * namespace its creator was in. The module cannot hold a reference on an IPC
 * namespace, so it pins the namespace's internal mqueue mount instead and
 * keys names by that mount: a new namespace (even one reusing a freed
 * namespace's address) always has a new mount, so it can never see the
 * regions of a dead one. Names of regions whose namespace died are dropped
 * lazily at the next region creation (or rmmod); such a region is then
 * treated as unlinked. Requires CONFIG_POSIX_MQUEUE (Debian: yes).
 *
 * mmap(2): MAP_SHARED only (MAP_PRIVATE: EINVAL); offset + length must lie
 * within the region rounded up to pages (EINVAL otherwise); the mapping
 * cannot grow with mremap(2) (EFAULT); a read-only attachment gives
 * read-only mappings (PROT_WRITE: EACCES, also for mprotect(2)); with
 * IPCX_SEAL_WRITE, PROT_WRITE fails with EPERM and mprotect with EACCES. A
 * mapping stays valid after its file is closed; pages beyond a region that
 * IPCX_IOC_REGION_RESIZE shrank give SIGBUS. mmap of an unattached file
 * fails with ENXIO. The module cannot be unloaded while any /dev/ipcx file
 * or mapping exists. Regions still named at rmmod are destroyed.
 *
 * Limits (module parameters in /sys/module/ipcx/parameters, writable by
 * root): max_regions (live regions, named or not; ENOSPC), max_region_bytes
 * (size of one region; EFBIG), max_total_bytes (sum of all live regions'
 * sizes rounded to pages; ENOSPC). Lowering a limit affects only new
 * creations and resizes.
 */

#define IPCX_NAME_MAX		255	/* bytes, without the NUL */

/**
 * enum ipcx_lifetime - when a region's name goes away
 * @IPCX_LIFETIME_PERSISTENT: like POSIX shm: the name stays until
 *	IPCX_IOC_REGION_UNLINK; the memory lives until it is unlinked and no
 *	file or mapping refers to it. Unlinking while in use keeps the users
 *	working and frees the name at once for a new region.
 * @IPCX_LIFETIME_AUTO_REMOVE: the name (and the memory) go when the last
 *	attached file and the last mapping go, however its users ended
 *	(crash, SIGKILL): no stale segments.
 * @IPCX_LIFETIME_LEASE: the name goes when the creating open file is
 *	released (its last fd closed and its last mapping gone, or its
 *	process died); other users keep working on the now unnamed region.
 *
 * Anonymous regions have no name; their lifetime value is only reported.
 */
enum ipcx_lifetime {
	IPCX_LIFETIME_PERSISTENT	= 0,
	IPCX_LIFETIME_AUTO_REMOVE	= 1,
	IPCX_LIFETIME_LEASE		= 2,
};

/* struct ipcx_region_open.flags */
#define IPCX_OPEN_CREATE	(1U << 0)	/* create when missing */
#define IPCX_OPEN_EXCL		(1U << 1)	/* with CREATE: EEXIST if present */
#define IPCX_OPEN_RDONLY	(1U << 2)	/* attach read-only */
#define IPCX_OPEN_FLAGS		(IPCX_OPEN_CREATE | IPCX_OPEN_EXCL | \
				 IPCX_OPEN_RDONLY)

/**
 * struct ipcx_region_open - argument of IPCX_IOC_REGION_OPEN
 * @name: in: user pointer to the NUL-terminated name, or 0 for a new
 *	anonymous region (needs IPCX_OPEN_CREATE)
 * @size: in: size in bytes of a new region; for an existing one 0 or at
 *	most its size. out: the region's size
 * @flags: in: IPCX_OPEN_* bits
 * @mode: in: permission bits (0777 mask) of a new region
 * @lifetime: in: enum ipcx_lifetime of a new region
 * @__pad: must be zero
 * @id: out: the region's id (unique while the module is loaded)
 * @__reserved: must be zero
 */
struct ipcx_region_open {
	__u64 name;
	__u64 size;
	__u32 flags;
	__u32 mode;
	__u32 lifetime;
	__u32 __pad;
	__u64 id;
	__u64 __reserved[2];
};

#define IPCX_REGION_OPEN_SIZE_VER0	56

/*
 * IPCX_IOC_REGION_OPEN - create or open a region and attach this file to it.
 * Without IPCX_OPEN_CREATE the region must exist; with it a missing region
 * is created (owner and creator = caller's euid/egid); with IPCX_OPEN_EXCL
 * as well, an existing one is an error. Opening an existing region checks
 * the mode like SysV IPC (read-only needs r, read-write needs r and w, for
 * owner, group or other); the owner, the creator and CAP_IPC_OWNER in the
 * user namespace of the caller's IPC namespace pass regardless.
 * Errors:
 *   EFAULT        bad pointer (struct or name)
 *   EINVAL        unknown flags, EXCL without CREATE, non-zero
 *                 __pad/__reserved, mode outside 0777, bad lifetime, empty
 *                 name or name with '/', no name without CREATE, size 0 on
 *                 create, size larger than an existing region
 *   ENAMETOOLONG  name longer than IPCX_NAME_MAX
 *   E2BIG         larger struct with non-zero unknown tail
 *   EBUSY         this file is already attached
 *   ENOENT        no such region (without CREATE)
 *   EEXIST        region exists (CREATE|EXCL)
 *   EACCES        mode denies the access; or read-write attach on a file
 *                 opened without write access
 *   EPERM         read-write attach of an IPCX_SEAL_WRITE region
 *   EFBIG         size above max_region_bytes
 *   ENOSPC        max_regions or max_total_bytes reached
 *   ENOMEM        out of memory
 */
#define IPCX_IOC_REGION_OPEN	_IOWR(IPCX_IOC_MAGIC, 0x01, struct ipcx_region_open)

/**
 * struct ipcx_region_unlink - argument of IPCX_IOC_REGION_UNLINK
 * @name: user pointer to the NUL-terminated name
 * @flags: must be zero
 * @__pad: must be zero
 * @__reserved: must be zero
 */
struct ipcx_region_unlink {
	__u64 name;
	__u32 flags;
	__u32 __pad;
	__u64 __reserved[2];
};

#define IPCX_REGION_UNLINK_SIZE_VER0	32

/*
 * IPCX_IOC_REGION_UNLINK - remove a name from the caller's IPC namespace.
 * Works on any /dev/ipcx file. Existing users keep working; the name is free
 * at once. Allowed for the owner, the creator and CAP_SYS_ADMIN.
 * Errors: EFAULT, EINVAL (flags, __pad, __reserved, name 0, empty name or
 * name with '/'), ENAMETOOLONG, E2BIG, ENOENT (no such name), EPERM (not
 * permitted).
 */
#define IPCX_IOC_REGION_UNLINK	_IOW(IPCX_IOC_MAGIC, 0x02, struct ipcx_region_unlink)

/* struct ipcx_region_stat.flags */
#define IPCX_STAT_LINKED	(1U << 0)	/* the name is still in place */
#define IPCX_STAT_RDONLY	(1U << 1)	/* this file is attached read-only */

/**
 * struct ipcx_region_stat - answer of IPCX_IOC_REGION_STAT
 * @id: region id
 * @size: size in bytes
 * @ctime_ns: creation time, CLOCK_REALTIME nanoseconds
 * @uid: owner uid (in the caller's user namespace; overflowuid if unmapped)
 * @gid: owner gid
 * @cuid: creator uid
 * @cgid: creator gid
 * @mode: permission bits (0777 mask)
 * @lifetime: enum ipcx_lifetime
 * @seals: IPCX_SEAL_* bits in force
 * @cpid: creator's pid in the caller's pid namespace (0 if not visible)
 * @nattach: number of /dev/ipcx files attached
 * @nmaps: number of mappings (vmas)
 * @flags: IPCX_STAT_* bits
 * @__pad: zero
 * @__reserved: zero
 * @name: the name, NUL-terminated; empty for anonymous regions
 */
struct ipcx_region_stat {
	__u64 id;
	__u64 size;
	__u64 ctime_ns;
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__u32 mode;
	__u32 lifetime;
	__u32 seals;
	__s32 cpid;
	__u32 nattach;
	__u32 nmaps;
	__u32 flags;
	__u32 __pad;
	__u64 __reserved[4];
	char name[IPCX_NAME_MAX + 1];
};

#define IPCX_REGION_STAT_SIZE_VER0	360

/*
 * IPCX_IOC_REGION_STAT - describe the attached region (what ipcs -m shows).
 * Errors: EFAULT, EINVAL (struct smaller than VER0), ENXIO (not attached).
 */
#define IPCX_IOC_REGION_STAT	_IOR(IPCX_IOC_MAGIC, 0x03, struct ipcx_region_stat)

/* struct ipcx_region_perm.flags: which fields to change */
#define IPCX_PERM_UID		(1U << 0)
#define IPCX_PERM_GID		(1U << 1)
#define IPCX_PERM_MODE		(1U << 2)
#define IPCX_PERM_FLAGS		(IPCX_PERM_UID | IPCX_PERM_GID | IPCX_PERM_MODE)

/**
 * struct ipcx_region_perm - argument of IPCX_IOC_REGION_SET_PERM
 * @uid: new owner uid (caller's user namespace), with IPCX_PERM_UID
 * @gid: new owner gid, with IPCX_PERM_GID
 * @mode: new permission bits (0777 mask), with IPCX_PERM_MODE
 * @flags: IPCX_PERM_* bits, at least one
 * @__reserved: must be zero
 */
struct ipcx_region_perm {
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 flags;
	__u64 __reserved[2];
};

#define IPCX_REGION_PERM_SIZE_VER0	32

/*
 * IPCX_IOC_REGION_SET_PERM - change owner and/or mode of the attached region
 * (like IPC_SET). Allowed for the owner, the creator and CAP_SYS_ADMIN.
 * Errors: EFAULT, EINVAL (no or unknown flags, mode outside 0777, uid/gid
 * not mapped, __reserved), E2BIG, ENXIO (not attached), EPERM.
 */
#define IPCX_IOC_REGION_SET_PERM _IOW(IPCX_IOC_MAGIC, 0x04, struct ipcx_region_perm)

/* Seals, like memfd's F_SEAL_*: once set, never cleared. */
#define IPCX_SEAL_SEAL		(1U << 0)	/* no further seals */
#define IPCX_SEAL_WRITE		(1U << 1)	/* no new writable attach/mapping */
#define IPCX_SEAL_RESIZE	(1U << 2)	/* IPCX_IOC_REGION_RESIZE fails */
#define IPCX_SEALS		(IPCX_SEAL_SEAL | IPCX_SEAL_WRITE | \
				 IPCX_SEAL_RESIZE)

/**
 * struct ipcx_region_seal - argument of IPCX_IOC_REGION_SEAL
 * @seals: IPCX_SEAL_* bits to add
 * @__pad: must be zero
 * @__reserved: must be zero
 */
struct ipcx_region_seal {
	__u32 seals;
	__u32 __pad;
	__u64 __reserved;
};

#define IPCX_REGION_SEAL_SIZE_VER0	16

/*
 * IPCX_IOC_REGION_SEAL - add seals to the attached region. Needs a
 * read-write attachment. Existing writable mappings keep working only as
 * long as they exist: IPCX_SEAL_WRITE is refused while any exists.
 * Errors: EFAULT, EINVAL (unknown seals, __pad, __reserved), E2BIG,
 * ENXIO (not attached), EPERM (read-only attachment, or IPCX_SEAL_SEAL in
 * force), EBUSY (IPCX_SEAL_WRITE while writable mappings exist).
 */
#define IPCX_IOC_REGION_SEAL	_IOW(IPCX_IOC_MAGIC, 0x05, struct ipcx_region_seal)

/**
 * struct ipcx_region_resize - argument of IPCX_IOC_REGION_RESIZE
 * @size: new size in bytes
 * @__reserved: must be zero
 */
struct ipcx_region_resize {
	__u64 size;
	__u64 __reserved;
};

#define IPCX_REGION_RESIZE_SIZE_VER0	16

/*
 * IPCX_IOC_REGION_RESIZE - grow or shrink the attached region, like
 * ftruncate(2) of a POSIX shm object: shrinking drops the data beyond the
 * new end, and existing mappings beyond it get SIGBUS. Needs a read-write
 * attachment.
 * Errors: EFAULT, EINVAL (size 0, __reserved), E2BIG, ENXIO (not attached),
 * EPERM (read-only attachment or IPCX_SEAL_RESIZE), EFBIG
 * (max_region_bytes), ENOSPC (max_total_bytes).
 */
#define IPCX_IOC_REGION_RESIZE	_IOW(IPCX_IOC_MAGIC, 0x06, struct ipcx_region_resize)

#endif /* _UAPI_LINUX_IPCX_H */
