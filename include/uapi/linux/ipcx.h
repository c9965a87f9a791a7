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
 *  - Unknown ioctl numbers fail with ENOTTY, and so do known numbers
 *    encoded with another direction than the one defined here.
 */
#ifndef _UAPI_LINUX_IPCX_H
#define _UAPI_LINUX_IPCX_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define IPCX_DEVICE_PATH	"/dev/ipcx"
/*
 * /dev/ipcx is character device 10 (misc), minor IPCX_MISC_MINOR: a minor
 * from the range 243-254 that Documentation/admin-guide/devices.txt keeps
 * for local use (no in-tree driver registers it; dynamic misc minors come
 * from below 128), so that opening the node loads the module: the node
 * exists before the module does, made at boot from the module's devname
 * alias (kmod static-nodes). If another driver holds that minor, the module
 * takes a dynamic one and says so in the kernel log (see README).
 */
#define IPCX_MISC_MINOR		250

/* ABI version: major changes never happen; minor grows with features. */
#define IPCX_ABI_MAJOR		1
#define IPCX_ABI_MINOR		6

/* Feature bits reported in struct ipcx_version.features. */
#define IPCX_FEAT_VERSION	_BITULL(0)	/* IPCX_IOC_VERSION */
#define IPCX_FEAT_REGIONS	_BITULL(1)	/* IPCX_IOC_REGION_* (0x01-0x06) */
#define IPCX_FEAT_LOCKS		_BITULL(2)	/* lock ioctls 0x20-0x2d, UNLINK_REVOKE */
#define IPCX_FEAT_DEATH_EVENT	_BITULL(3)	/* IPCX_LOCK_F_DEATH_EVENT (ABI 1.3) */
#define IPCX_FEAT_DEATH_CHAIN	_BITULL(4)	/* ipcx_lock_stat.first_death (ABI 1.4) */
#define IPCX_FEAT_HUGE		_BITULL(5)	/* IPCX_OPEN_HUGE_*, memory in stat (ABI 1.5) */
#define IPCX_FEAT_DEADLOCK	_BITULL(6)	/* EDEADLK on cycles (ABI 1.6) */

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
 * fails with ENXIO. Each mmap(2) call makes a file for its mapping (as
 * shmat(2) does; ENFILE at the system's file limit): a shmem file on the
 * region's memory, named "/ipcx:ID (deleted)" in /proc/PID/maps, whatever
 * file system the opened device node lives on; so smaps accounts the
 * region as shmem and mbind(2) sets the region's shared NUMA policy, seen
 * by every mapping.
 * The module cannot be unloaded while any /dev/ipcx file
 * or mapping exists. Regions still named at rmmod are destroyed.
 *
 * Limits (module parameters in /sys/module/ipcx/parameters, writable by
 * root), each bounding one IPC namespace or one user, so that neither
 * another namespace nor another user can use up yours:
 *  - per IPC namespace, for everyone: max_regions (live regions, named or
 *    not; ENOSPC), max_total_bytes (their sizes rounded to pages; ENOSPC).
 *    A new namespace starts with its own budget and does not draw on its
 *    parent's.
 *  - per user (kuid, summed over every namespace), passed by
 *    CAP_SYS_RESOURCE: max_user_regions (regions it created; ENOSPC),
 *    max_user_bytes (page-rounded sizes of the regions it sized last: the
 *    creator, or whoever resized the region since; ENOSPC), max_user_locks
 *    (lock blocks it declared, every region; ENOSPC).
 *  - per region: max_region_bytes (its size; EFBIG), max_locks_per_region
 *    (ENOSPC).
 *  - pinned pages: the region page under a declared lock stays in memory
 *    while the region lives; each such page counts once, for its first
 *    declarer, in a count ipcx keeps per user against the declarer's
 *    RLIMIT_MEMLOCK (CAP_IPC_LOCK passes; ENOSPC).
 * Sizes are charged as declared, not as used. Everything is charged until
 * the region is freed. Lowering a limit affects only new creations, resizes
 * and declarations.
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
/*
 * A new region's pages (ignored when the region exists, as SHM_HUGETLB is
 * by shmget() of an existing key): IPCX_OPEN_HUGE_THP backs it with
 * transparent huge pages (PMD size, 2 MiB on x86-64) where its size allows,
 * like a tmpfs mounted with huge=within_size: any size, best effort (4 KiB
 * pages for a tail shorter than a huge page, or when the system's
 * shmem_enabled is "deny"); EOPNOTSUPP on a kernel without THP.
 */
#define IPCX_OPEN_HUGE_THP	(1U << 3)
/*
 * IPCX_OPEN_HUGETLB backs a new region with pages of the system's hugetlb
 * pool, as SHM_HUGETLB and MFD_HUGETLB do: of the default huge page size,
 * or of the size IPCX_OPEN_HUGE_2MB or IPCX_OPEN_HUGE_1GB names (log2 of
 * the size in bits 26-31, as MFD_HUGE_*). The size must be a multiple of
 * the page size (EINVAL). All its pages are taken from the pool at
 * creation (ENOMEM when the pool has too few free: nothing is kept), and
 * counted against the creator's RLIMIT_MEMLOCK until the region goes, as
 * SHM_HUGETLB does without CAP_IPC_LOCK (EPERM past it: the pool is the
 * machine's, its pages cannot be swapped, and a named region outlives its
 * creator). ENODEV when the machine has no pages of that size. Such a region cannot
 * be resized, nor hold declared locks (EOPNOTSUPP), and its mappings must
 * start, end and have their offset at multiples of the page size (EINVAL,
 * as for hugetlbfs). Not with IPCX_OPEN_HUGE_THP. Being taken at creation,
 * its pages are placed by the creating thread's NUMA policy (numactl
 * --membind on the creator), not by a later mbind(2) of a mapping.
 */
#define IPCX_OPEN_HUGETLB	(1U << 4)
#define IPCX_OPEN_HUGE_SHIFT	26
#define IPCX_OPEN_HUGE_MASK	0x3fU
#define IPCX_OPEN_HUGE_2MB	(21U << IPCX_OPEN_HUGE_SHIFT)
#define IPCX_OPEN_HUGE_1GB	(30U << IPCX_OPEN_HUGE_SHIFT)
#define IPCX_OPEN_FLAGS		(IPCX_OPEN_CREATE | IPCX_OPEN_EXCL | \
				 IPCX_OPEN_RDONLY | IPCX_OPEN_HUGE_THP | \
				 IPCX_OPEN_HUGETLB | \
				 (IPCX_OPEN_HUGE_MASK << IPCX_OPEN_HUGE_SHIFT))

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
 *                 create, size larger than an existing region; a page size
 *                 without IPCX_OPEN_HUGETLB, or not 2 MiB or 1 GiB; both
 *                 HUGE_THP and HUGETLB; a HUGETLB size not a multiple of
 *                 the page size
 *   ENAMETOOLONG  name longer than IPCX_NAME_MAX
 *   E2BIG         larger struct with non-zero unknown tail
 *   EBUSY         this file is already attached
 *   ENOENT        no such region (without CREATE)
 *   EEXIST        region exists (CREATE|EXCL)
 *   EACCES        mode denies the access; or read-write attach on a file
 *                 opened without write access
 *   EPERM         read-write attach of an IPCX_SEAL_WRITE region;
 *                 IPCX_OPEN_HUGETLB: the creator's pinned pages would pass
 *                 its RLIMIT_MEMLOCK and it lacks CAP_IPC_LOCK
 *   EFBIG         size above max_region_bytes
 *   ENOSPC        the namespace's max_regions or max_total_bytes, or the
 *                 caller's max_user_regions or max_user_bytes, reached
 *   ENOMEM        out of memory; IPCX_OPEN_HUGETLB: too few free pages
 *                 in the hugetlb pool
 *   ENODEV        IPCX_OPEN_HUGETLB: no huge pages of that size here
 *   EINTR         IPCX_OPEN_HUGETLB: a signal came while its pages were
 *                 taken (nothing is kept)
 *   EOPNOTSUPP    IPCX_OPEN_HUGE_THP on a kernel without THP
 */
#define IPCX_IOC_REGION_OPEN	_IOWR(IPCX_IOC_MAGIC, 0x01, struct ipcx_region_open)

/**
 * struct ipcx_region_unlink - argument of IPCX_IOC_REGION_UNLINK
 * @name: user pointer to the NUL-terminated name
 * @flags: 0 or IPCX_UNLINK_REVOKE
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
 * struct ipcx_region_unlink.flags: also destroy the region's locks, like
 * IPC_RMID of a SysV semaphore set: every thread asleep on one of them
 * wakes with EIDRM and every later lock operation fails with EIDRM (the
 * memory stays mapped for its users).
 */
#define IPCX_UNLINK_REVOKE	(1U << 0)

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
 * @page_size: bytes of the pages backing it (IPCX_OPEN_HUGE_THP: the huge
 *	page size, where the size allows); 0 before IPCX_FEAT_HUGE
 * @resident: bytes of its pages in memory (touched, not swapped)
 * @swapped: bytes of its pages in swap
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
	__u64 page_size;
	__u64 resident;
	__u64 swapped;
	__u64 __reserved[1];
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
#define IPCX_SEAL_WRITE		(1U << 1)	/* no writes but declared lock words */
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
 * After IPCX_SEAL_WRITE nothing writes the region, the kernel included,
 * except for the words (and a reader-writer lock's slots) of lock blocks
 * declared before the seal, which change only through the lock operations
 * and the release of dead owners; IPCX_IOC_LOCK_DECLARE of a new block
 * fails with EPERM. Like memfd's F_SEAL_WRITE, IPCX_SEAL_WRITE is refused
 * while pages stay pinned by pin_user_pages() (io_uring, RDMA, VFIO,
 * AF_XDP umems), which could write them after the seal: it looks again
 * for about 150 ms, during which new mappings are made as if sealed (and
 * stay read-only if the seal then fails), before giving up with EBUSY.
 * Plain page references (vmsplice(2); direct I/O on kernels before 6.3)
 * are not seen, unlike memfd: a module cannot drain the per-CPU page
 * caches that make such counts unreliable.
 * Errors: EFAULT, EINVAL (unknown seals, __pad, __reserved), E2BIG,
 * ENXIO (not attached), EPERM (read-only attachment, or IPCX_SEAL_SEAL in
 * force), EBUSY (IPCX_SEAL_WRITE while writable mappings exist or pages
 * are pinned).
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
 * (max_region_bytes), ENOSPC (the namespace's max_total_bytes, or the
 * caller's max_user_bytes: the caller pays for the whole new size from now
 * on, and whoever paid before is refunded), EBUSY (shrinking would cut off a
 * declared lock block), EOPNOTSUPP (an IPCX_OPEN_HUGETLB region).
 */
#define IPCX_IOC_REGION_RESIZE	_IOW(IPCX_IOC_MAGIC, 0x06, struct ipcx_region_resize)

/*
 * Built-in locks
 * ==============
 *
 * Locks live inside a region, in 64-byte blocks (struct ipcx_lock_block) at
 * offsets the application chooses (IPCX_LOCK_ALIGN-aligned, inside the
 * region). A block is declared to the kernel once (IPCX_IOC_LOCK_DECLARE)
 * with its kind; from then on any process attached to the region can use it.
 *
 * Owners. Every thread that takes locks has an owner id, a number the kernel
 * hands out (IPCX_IOC_OWNER_REGISTER) and maps to the thread's struct pid,
 * never to a pid number (pids get recycled). Lock words hold owner ids, so
 * the uncontended lock and unlock are a compare-and-swap in user space and
 * never enter the kernel, yet the kernel always knows who holds a lock.
 *
 * Robustness. When a thread with an owner id exits (exit, SIGKILL, crash,
 * thread exit) or execs, the kernel releases every lock word that names it:
 * the next acquirer gets the lock with EOWNERDEAD and struct ipcx_lock_op
 * .died telling who died and when. It repairs the protected state and calls
 * IPCX_IOC_MUTEX_CONSISTENT, or unlocks without doing so, which makes the
 * lock ENOTRECOVERABLE for everybody. .died names the holder that died just
 * before; if that one was itself an heir that died before repairing, the
 * chain since the lock was last consistent is in IPCX_IOC_LOCK_STAT
 * (.first_death, .unrepaired_deaths). No cooperation from the dying process
 * is needed (unlike robust futex lists). A process that forks gets a new
 * thread for the child; the child must register its own owner id (libipcx
 * does so, however the child was made: fork, _Fork, a raw fork or clone
 * system call). Unmapping a region does not release locks held in it.
 *
 * Lock words are never trusted: a process that can write the region can
 * scribble on them; the kernel then returns errors (EOWNERDEAD for a word
 * naming no live owner, EINVAL for malformed state) or wakes spuriously,
 * and never crashes, leaks or blocks other regions.
 *
 * Mutex word (struct ipcx_lock_block.word):
 *   bits 0..29  owner id of the holder, 0 when free,
 *               IPCX_OWNER_NOTRECOVERABLE when unrecoverable
 *   bit  30     IPCX_LOCKW_DIED: a holder died; with owner 0 the lock is free
 *               and the next acquirer gets EOWNERDEAD; with an owner the
 *               holder has not yet made it consistent
 *   bit  31     IPCX_LOCKW_WAITERS: sleepers in the kernel; unlock must enter
 *               the kernel (IPCX_IOC_MUTEX_UNLOCK)
 *   user space: lock = CAS(word, 0, id); unlock = CAS(word, id, 0); on
 *   failure call the ioctl. Anything else is the kernel's business.
 *
 * Event word: bit 0 IPCX_EVENTW_WAITERS, bits 1..31 a sequence number
 *   (word >> 1, at most IPCX_EVENT_SEQ_MASK).
 *   Waiters sleep until the sequence differs from the one they saw
 *   (IPCX_IOC_EVENT_WAIT); signalling adds 2 to the word and, only when
 *   bit 0 was set, calls IPCX_IOC_EVENT_WAKE. With a mutex this is a robust
 *   condition variable: a waiter that dies simply leaves the queue.
 *
 * Fairness. A woken waiter competes with newcomers (they may steal the
 * lock, which keeps throughput up); after IPCX_MAX_STEALS steals from the
 * same waiter the next unlock hands the lock directly to it (FIFO order).
 *
 * Waiting. Waits are interruptible: a signal with SA_RESTART restarts the
 * ioctl (timeouts are absolute, so restarting is exact), otherwise EINTR; a
 * fatal signal always ends a wait. Timeouts: IPCX_LOCK_F_TIMEOUT with an
 * absolute time on CLOCK_MONOTONIC, or CLOCK_REALTIME with
 * IPCX_LOCK_F_REALTIME; expiry gives ETIMEDOUT. A negative or
 * out-of-range time gives EINVAL.
 */
#define IPCX_LOCK_ALIGN			64
#define IPCX_OWNER_ID_MASK		0x3fffffffU
#define IPCX_OWNER_NOTRECOVERABLE	0x3fffffffU
#define IPCX_LOCKW_DIED			0x40000000U
#define IPCX_LOCKW_WAITERS		0x80000000U
#define IPCX_EVENTW_WAITERS		0x1U
#define IPCX_EVENT_SEQ_MASK		0x7fffffffU	/* the sequence: word >> 1 */
#define IPCX_MAX_STEALS			4

enum ipcx_lock_kind {
	IPCX_LOCK_MUTEX = 1,
	IPCX_LOCK_EVENT = 2,
	IPCX_LOCK_SEM = 3,
	IPCX_LOCK_RWLOCK = 4,
};

/*
 * Semaphore word: bits 0..29 the count, bit 30 IPCX_LOCKW_DIED (a holder
 * that took units with IPCX_LOCK_F_UNDO died and the kernel gave them back:
 * the next wait through the kernel reports it with EOWNERDEAD), bit 31
 * IPCX_LOCKW_WAITERS. User space waits with CAS(c, c - 1) when no flag is
 * set and c > 0, and posts with CAS(c, c + 1) when no flag is set; otherwise
 * it calls IPCX_IOC_SEM_WAIT / IPCX_IOC_SEM_POST. Units taken or given with
 * IPCX_LOCK_F_UNDO always go through the kernel, which keeps a per-owner
 * adjustment (like SysV SEM_UNDO) and applies it when the owner dies --
 * and, unlike SEM_UNDO, says so to the next waiter. The adjustment of one
 * owner on one semaphore stays within +-IPCX_SEM_UNDO_MAX (SysV's SEMAEM):
 * an UNDO wait or post that would pass it fails with ERANGE.
 * Sleepers are served in FIFO order: a post or undo through the kernel
 * hands its units to the oldest sleepers directly.
 */
#define IPCX_SEM_VALUE_MAX	0x3fffffffU
#define IPCX_SEM_UNDO_MAX	32767

/*
 * Reader-writer lock: the word holds the writer, the block's slots hold the
 * readers, so the kernel knows every holder and a dead reader is released
 * as surely as a dead writer.
 *   word bits 0..28  the writer's owner id (with IPCX_RWW_WRITER)
 *        bit  29     IPCX_RWW_WRITER
 *        bit  30     IPCX_LOCKW_DIED: a writer died; readers acquire with
 *                    EOWNERDEAD until a writer repairs (IPCX_IOC_MUTEX_CONSISTENT)
 *        bit  31     IPCX_LOCKW_WAITERS
 *   slots[IPCX_RW_SLOTS]: owner ids of readers, 0 = free
 * Read lock (user space): if the word has no flag bit, CAS a free slot from
 * 0 to your id, then re-read the word; if a writer appeared meanwhile, clear
 * the slot and ask the kernel (IPCX_IOC_RW_RDLOCK). Read unlock: clear your
 * slot; if the word has WAITERS, call IPCX_IOC_RW_UNLOCK. Write lock:
 * CAS(word, 0, WRITER | id) and, if any slot is taken, call
 * IPCX_IOC_RW_WRLOCK to sleep until the readers left; write unlock:
 * CAS(word, WRITER | id, 0), else IPCX_IOC_RW_UNLOCK. Owner ids are below
 * 2^29 so that they fit.
 */
#define IPCX_RWW_WRITER		0x20000000U
#define IPCX_RWW_ID_MASK	0x1fffffffU
#define IPCX_RW_SLOTS		14

/**
 * struct ipcx_lock_block - the shared-memory layout of one lock
 * @word: the lock word (see above); user space and kernel change it with
 *        atomic compare-and-swap only
 * @kind: enum ipcx_lock_kind, written by IPCX_IOC_LOCK_DECLARE
 * @slots: a reader-writer lock's readers (owner ids); zero for other kinds
 */
struct ipcx_lock_block {
	__u32 word;
	__u32 kind;
	__u32 slots[14];
};

/**
 * struct ipcx_owner_info - who an owner was
 * @pid: thread id in the caller's pid namespace, 0 if not visible there
 * @tgid: process id in the caller's pid namespace, 0 if not visible there
 * @owner: the owner id it had
 * @__pad: zero
 * @time_ns: CLOCK_REALTIME of its death, in nanoseconds
 * @comm: its command name, NUL-terminated
 */
struct ipcx_owner_info {
	__u32 pid;
	__u32 tgid;
	__u32 owner;
	__u32 __pad;
	__u64 time_ns;
	char comm[16];
};

/**
 * struct ipcx_lock_op - argument of the lock ioctls
 * @offset: byte offset of the lock block in the caller's region
 * @kind: for DECLARE: enum ipcx_lock_kind; otherwise 0 or the lock's kind
 * @flags: IPCX_LOCK_F_*
 * @timeout_sec: absolute timeout (with IPCX_LOCK_F_TIMEOUT)
 * @timeout_nsec: 0..999999999
 * @value: EVENT_WAIT: the sequence seen (word >> 1); EVENT_WAKE: how many
 *         waiters to wake (0 = all); out: EVENT_WAKE: how many were woken;
 *         DECLARE of a semaphore: its initial count; DECLARE of a mutex
 *         with IPCX_LOCK_F_DEATH_EVENT: the offset of its death event
 * @owner: out: the caller's owner id (OWNER_REGISTER, MUTEX_LOCK)
 * @__reserved0: zero
 * @died: out, with EOWNERDEAD: the owner that died holding the lock
 * @__reserved: zero
 */
struct ipcx_lock_op {
	__u64 offset;
	__u32 kind;
	__u32 flags;
	__s64 timeout_sec;
	__s64 timeout_nsec;
	__u64 value;
	__u32 owner;
	__u32 __reserved0;
	struct ipcx_owner_info died;
	__u64 __reserved[2];
};

#define IPCX_LOCK_OP_SIZE_VER0	104

#define IPCX_LOCK_F_TIMEOUT	_BITUL(0)	/* timeout_* is an absolute time */
#define IPCX_LOCK_F_REALTIME	_BITUL(1)	/* ...on CLOCK_REALTIME, not MONOTONIC */
#define IPCX_LOCK_F_TRYLOCK	_BITUL(2)	/* MUTEX_LOCK: never sleep (EBUSY) */
#define IPCX_LOCK_F_UNDO	_BITUL(3)	/* SEM_WAIT/POST: undo at death */
#define IPCX_LOCK_F_ALL		(IPCX_LOCK_F_TIMEOUT | IPCX_LOCK_F_REALTIME | \
				 IPCX_LOCK_F_TRYLOCK | IPCX_LOCK_F_UNDO)
/*
 * DECLARE of a mutex only: @value is the offset of an event already
 * declared in the same region, which the kernel signals (as a user's
 * `word += 2` plus EVENT_WAKE of all) each time it finds a holder of this
 * mutex dead. A sleeper can then wait on that one event for both "data"
 * and "a peer died" (libipcx channels do). Declaring the mutex again with
 * another event, or with one when it has none, gives EEXIST; without the
 * flag, the declared mutex is returned as it is. Not in IPCX_LOCK_F_ALL:
 * no other operation takes it.
 */
#define IPCX_LOCK_F_DEATH_EVENT	_BITUL(4)

/*
 * Deadlock detection (IPCX_FEAT_DEADLOCK). Before a thread sleeps in
 * MUTEX_LOCK, RW_WRLOCK or RW_RDLOCK, the kernel follows the wait-for chain:
 * the lock's holder, the lock that holder sleeps on in the kernel, its
 * holder, and so on; if the chain comes back to the caller, the call fails
 * with EDEADLK at once instead of sleeping. Only the thread that would close
 * the cycle gets EDEADLK (it still holds what it held); the others keep
 * waiting until a member gives up (timeout, signal, EDEADLK handling) or
 * dies. A cycle is reported only if, when the kernel reports it, every
 * member sleeps in the kernel on a lock whose word names the next member
 * (a word scribbled to name a thread that does not sleep makes no cycle).
 * Holders: a mutex's word; a reader-writer lock's writer, and, for a writer
 * that waits for readers to leave, the readers in its slots. Not covered:
 * semaphores (a wait ends with anybody's post, so no one thread's sleep
 * blocks it; IPCX_LOCK_F_UNDO records say who took units, not who will
 * post), events,
 * waits outside the kernel (a spinning user, a poll on a lock fd), and
 * chains longer than IPCX_DEADLOCK_MAX_DEPTH threads (not followed: such a
 * cycle is missed, never invented). One walk looks at no more than
 * 4 * IPCX_DEADLOCK_MAX_DEPTH holders. Detection costs nothing where the
 * thread would not have slept (the uncontended paths stay in user space).
 *
 * DECLARE of a mutex or a reader-writer lock with IPCX_LOCK_F_NO_DEADLOCK
 * turns detection off for that lock, for good (also when the lock was
 * declared before): its sleepers neither look for cycles nor take part in
 * others' chains. For locks a program deliberately waits on in a cycle that
 * something outside the locks breaks (a timeout it relies on, a watchdog
 * that signals one member): detection would turn those waits into EDEADLK.
 * Other kinds: EINVAL. Not in IPCX_LOCK_F_ALL.
 */
#define IPCX_LOCK_F_NO_DEADLOCK	_BITUL(5)
#define IPCX_DEADLOCK_MAX_DEPTH	16	/* longest cycle detected, in threads */

/**
 * struct ipcx_lock_stat - what the kernel knows of one lock
 * @offset: in: the lock block's offset
 * @kind: enum ipcx_lock_kind
 * @waiters: threads asleep on it now
 * @acquisitions: acquisitions that went through the kernel
 * @contended: acquisitions that had to sleep
 * @wait_ns_total: time spent asleep by all acquirers
 * @wait_ns_max: longest single sleep
 * @owner_deaths: holders that died holding it
 * @holder: the current holder (from the lock word), pid/tgid 0 if none or
 *          not visible
 * @last_death: the last holder that died, all zero if none
 * @word: the lock word as the kernel read it
 * @__reserved: zero
 * @first_death: the first holder that died since the lock was last made
 *               consistent (IPCX_IOC_MUTEX_CONSISTENT), all zero when no
 *               death is unrepaired; with @unrepaired_deaths == 1 it is
 *               @last_death. An heir that took the lock with EOWNERDEAD and
 *               died before repairing leaves @first_death as it was: the
 *               holder whose state is torn stays known (ABI 1.4)
 * @unrepaired_deaths: holders that died since the lock was last made
 *                     consistent, @first_death the first of them and
 *                     @last_death the last (ABI 1.4); 0 from older modules
 * @__pad2: zero
 *
 * Deaths between the first and the last are counted, not kept. A
 * semaphore's chain ends when a wait reports EOWNERDEAD (there is nothing
 * to make consistent).
 */
struct ipcx_lock_stat {
	__u64 offset;
	__u32 kind;
	__u32 waiters;
	__u64 acquisitions;
	__u64 contended;
	__u64 wait_ns_total;
	__u64 wait_ns_max;
	__u64 owner_deaths;
	struct ipcx_owner_info holder;
	struct ipcx_owner_info last_death;
	__u32 word;
	__u32 __pad;
	__u64 __reserved[2];
	struct ipcx_owner_info first_death;
	__u32 unrepaired_deaths;
	__u32 __pad2;
};

#define IPCX_LOCK_STAT_SIZE_VER0	160
#define IPCX_LOCK_STAT_SIZE_VER1	208	/* first_death, unrepaired_deaths */

/*
 * Errors every lock ioctl but IPCX_IOC_OWNER_REGISTER shares, before its
 * own: EFAULT (bad pointer), EINVAL (structure smaller than VER0, unknown
 * flags, non-zero __reserved0/__reserved/died, negative or out-of-range
 * timeout, timeout fields or IPCX_LOCK_F_REALTIME without
 * IPCX_LOCK_F_TIMEOUT), E2BIG (larger structure, non-zero tail), ENXIO
 * (the file has no region), EACCES (read-only attachment, for every one
 * but LOCK_STAT: each of the others may write a lock word, if only to set
 * its WAITERS bit to sleep or to watch it, which would send every holder
 * through the kernel, so a read-only user may only look at lock words);
 * then, finding the lock: EINVAL (offset not IPCX_LOCK_ALIGN-aligned, or
 * the lock there is of another kind than the ioctl's or op.kind), ENOENT
 * (no lock declared there, or offset beyond the region).
 * An EFAULT from writing the answer back comes after the operation took
 * effect, as with accept(2): a MUTEX_LOCK, RW_*LOCK or SEM_WAIT that
 * returns it holds the lock or the unit (only a caller that unmaps or
 * write-protects its own argument meanwhile gets there).
 * IPCX_LOCK_F_DEATH_EVENT is a DECLARE flag (see its definition); DECLARE
 * with it can also give ENOENT / EINVAL for op.value (no event there).
 * IPCX_LOCK_F_NO_DEADLOCK is a DECLARE flag too (see its definition).
 *
 * IPCX_IOC_OWNER_REGISTER - give the calling thread an owner id (op.owner).
 *   Registering again returns the same id. The id ends when the thread
 *   exits or any thread of its process execs. Errors: EAGAIN (the caller's
 *   real uid has max_user_owners ids registered: module parameter, default
 *   32768; the lock ioctls that register on first use give it too),
 *   ENOSPC (ids exhausted), ENOMEM, EINVAL (a thread without a user
 *   address space).
 *   Who an id stands for (IPCX_IOC_LOCK_STAT's holder, a death record in
 *   op.died or last_death) is reported with pid, tgid and comm only when
 *   the caller sees the thread's pid namespace and is of its user (real or
 *   effective uid) or the thread's process had the lock's region attached;
 *   otherwise only the id (and time) are filled in.
 * IPCX_IOC_LOCK_DECLARE - declare a lock block of op.kind at op.offset and
 *   initialise it (word 0). Declaring the same offset with the same kind
 *   again is a no-op; another kind gives EEXIST. Errors: ENXIO (file has no
 *   region), EINVAL (misaligned, outside the region, unknown kind),
 *   EACCES (read-only attachment), EPERM (a new block after
 *   IPCX_SEAL_WRITE), ENOSPC (max_locks_per_region, or the caller's
 *   max_user_locks, or its RLIMIT_MEMLOCK for a lock on a page of the
 *   region no lock pinned yet), EIDRM, EOPNOTSUPP (an IPCX_OPEN_HUGETLB
 *   region).
 *   A semaphore starts at op.value (at most IPCX_SEM_VALUE_MAX).
 * IPCX_IOC_MUTEX_LOCK - acquire the mutex at op.offset (after the user-space
 *   CAS failed). Returns 0 or EOWNERDEAD (op.died filled); errors:
 *   ENOENT (no lock declared there), EINVAL (bad flags/time/word), EDEADLK
 *   (caller holds it, or sleeping would close a cycle of sleepers: see
 *   IPCX_LOCK_F_NO_DEADLOCK), EBUSY (TRYLOCK), ETIMEDOUT, EINTR, ENOTRECOVERABLE,
 *   EIDRM (region destroyed), ESRCH (caller has no owner id).
 * IPCX_IOC_MUTEX_UNLOCK - release it and wake or hand over to a waiter.
 *   Errors: EPERM (caller does not hold it), ENOENT, EINVAL.
 * IPCX_IOC_MUTEX_CONSISTENT - the holder declares the state repaired after
 *   EOWNERDEAD. Errors: EPERM (not the holder), EINVAL (not in died state).
 * IPCX_IOC_EVENT_WAIT - sleep while the event's sequence equals op.value.
 *   Returns 0 at once when it differs. Errors: ETIMEDOUT, EINTR, ENOENT,
 *   EIDRM, EACCES (read-only attachment: a read-only user polls the
 *   sequence instead).
 * IPCX_IOC_EVENT_WAKE - wake op.value waiters (0 = all); op.value out:
 *   how many were woken. Does not change the sequence: user space adds 2
 *   first (libipcx does).
 * IPCX_IOC_SEM_WAIT - take one unit, sleeping while the count is 0.
 *   Returns 0 or EOWNERDEAD (an undo of a dead owner gave units back since
 *   the last wait through the kernel; op.died filled). Flags: TIMEOUT,
 *   REALTIME, TRYLOCK (EAGAIN instead of sleeping), UNDO. Errors: ENOENT,
 *   EINVAL, EAGAIN, ETIMEDOUT, EINTR, EIDRM, ENOMEM, ERANGE (UNDO: the
 *   caller's adjustment is already IPCX_SEM_UNDO_MAX).
 * IPCX_IOC_SEM_POST - add one unit; the oldest sleeper, if any, gets it.
 *   Flags: UNDO. Errors: EOVERFLOW (count at IPCX_SEM_VALUE_MAX), ENOENT,
 *   EINVAL, EIDRM, EINTR (a signal while a scribbled word kept changing),
 *   ERANGE (UNDO: the adjustment is already -IPCX_SEM_UNDO_MAX).
 * IPCX_IOC_RW_RDLOCK / IPCX_IOC_RW_WRLOCK - take a reader-writer lock for
 *   reading / writing through the kernel. Returns 0 or EOWNERDEAD (a writer
 *   died; op.died filled). Flags: TIMEOUT, REALTIME, TRYLOCK (EBUSY).
 *   Errors: as MUTEX_LOCK, and EAGAIN (RDLOCK: all reader slots taken and
 *   TRYLOCK).
 * IPCX_IOC_RW_UNLOCK - release the caller's write hold, or its read slot
 *   if user space has not cleared it yet, and wake sleepers. A read unlock
 *   clears the slot in user space first and then calls this to wake the
 *   sleepers, so holding nothing is not an error: it only wakes (0).
 *   Errors: EPERM (the calling thread has no owner id), ENOENT, EINVAL,
 *   EIDRM.
 *   IPCX_IOC_MUTEX_CONSISTENT works on a reader-writer lock held for writing.
 * IPCX_IOC_LOCK_STAT - fill struct ipcx_lock_stat for stat.offset.
 * IPCX_IOC_LOCK_FD - return a new file descriptor (O_CLOEXEC) for the lock
 *   at op.offset: poll/epoll report EPOLLIN when an event's sequence
 *   changed since the fd last read it, or a mutex can be taken (free or
 *   its owner died); read() of 8 bytes returns an event's sequence (and
 *   marks it seen) or a mutex's word. Errors: EACCES (read-only
 *   attachment: the fd keeps the word's WAITERS bit set).
 *
 * A word that keeps changing under the kernel (only a scribbler does that:
 * the documented CASes need a word without flag bits) makes a lock ioctl
 * back off and sleep between looks: it ends at its deadline or with EINTR
 * on a signal, and never spins.
 */
#define IPCX_IOC_OWNER_REGISTER	_IOWR(IPCX_IOC_MAGIC, 0x20, struct ipcx_lock_op)
#define IPCX_IOC_LOCK_DECLARE	_IOW(IPCX_IOC_MAGIC, 0x21, struct ipcx_lock_op)
#define IPCX_IOC_MUTEX_LOCK	_IOWR(IPCX_IOC_MAGIC, 0x22, struct ipcx_lock_op)
#define IPCX_IOC_MUTEX_UNLOCK	_IOW(IPCX_IOC_MAGIC, 0x23, struct ipcx_lock_op)
#define IPCX_IOC_MUTEX_CONSISTENT _IOW(IPCX_IOC_MAGIC, 0x24, struct ipcx_lock_op)
#define IPCX_IOC_EVENT_WAIT	_IOW(IPCX_IOC_MAGIC, 0x25, struct ipcx_lock_op)
#define IPCX_IOC_EVENT_WAKE	_IOWR(IPCX_IOC_MAGIC, 0x26, struct ipcx_lock_op)
#define IPCX_IOC_LOCK_STAT	_IOWR(IPCX_IOC_MAGIC, 0x27, struct ipcx_lock_stat)
#define IPCX_IOC_LOCK_FD	_IOW(IPCX_IOC_MAGIC, 0x28, struct ipcx_lock_op)
#define IPCX_IOC_SEM_WAIT	_IOWR(IPCX_IOC_MAGIC, 0x29, struct ipcx_lock_op)
#define IPCX_IOC_SEM_POST	_IOW(IPCX_IOC_MAGIC, 0x2a, struct ipcx_lock_op)
#define IPCX_IOC_RW_RDLOCK	_IOWR(IPCX_IOC_MAGIC, 0x2b, struct ipcx_lock_op)
#define IPCX_IOC_RW_WRLOCK	_IOWR(IPCX_IOC_MAGIC, 0x2c, struct ipcx_lock_op)
#define IPCX_IOC_RW_UNLOCK	_IOW(IPCX_IOC_MAGIC, 0x2d, struct ipcx_lock_op)

/*
 * Control plane: the generic netlink family IPCX_NL_FAMILY_NAME.
 *
 * Commands (requests from user space):
 *   IPCX_NL_CMD_REGION_GET   doit: one region, by IPCX_NL_A_REGION_ID or
 *                            IPCX_NL_A_REGION_NAME; dumpit: every region of
 *                            the caller's IPC namespace. Reply: one
 *                            IPCX_NL_A_REGION nest (IPCX_NL_REGION_A_*).
 *   IPCX_NL_CMD_LOCK_GET     dumpit: the declared locks of one region (by id
 *                            or name). Reply: IPCX_NL_A_REGION_ID and one
 *                            IPCX_NL_A_LOCK nest (IPCX_NL_LOCK_A_*) per lock.
 *                            Needs read permission on the region (as an
 *                            IPCX_OPEN_RDONLY open would): EACCES otherwise.
 *   IPCX_NL_CMD_STATS_GET    doit: limits and live counts, one IPCX_NL_A_STATS
 *                            nest (IPCX_NL_STATS_A_*); the IPCX_NL_STATS_A_USER_*
 *                            counts are the sender's own user's.
 *   IPCX_NL_CMD_REGION_DEL   doit: unlink the name IPCX_NL_A_REGION_NAME, as
 *                            IPCX_IOC_REGION_UNLINK does (owner, creator or
 *                            CAP_SYS_ADMIN; EPERM otherwise, ENOENT).
 *                            Permissions (LOCK_GET, REGION_DEL) are checked
 *                            for the sender and for the socket's opener:
 *                            both must pass.
 *   IPCX_NL_CMD_EVENTS_SUBSCRIBE   doit (family version 2): from now on the
 *                            sending socket receives, unicast, the
 *                            notifications below for the regions of the
 *                            caller's IPC namespace only, with pids in the
 *                            caller's pid namespace. No privilege needed;
 *                            lock events only for regions the subscriber
 *                            (and the socket's opener) may read. ENOSPC
 *                            past the per-user limit (at most half the
 *                            global one) or the global limit of
 *                            subscribed sockets. Ends with
 *   IPCX_NL_CMD_EVENTS_UNSUBSCRIBE doit, or when the socket is closed. A
 *                            socket whose receive buffer is full loses the
 *                            notification and reads ENOBUFS, as with
 *                            multicast.
 * Notifications, to subscribed sockets (above) and on the multicast group
 * IPCX_NL_MCGRP_EVENTS (every IPC namespace, so sent in the initial network
 * namespace only, where joining needs CAP_NET_ADMIN in the initial user
 * namespace; pids there are in the initial pid namespace), each with one
 * IPCX_NL_A_EVENT nest (IPCX_NL_EVENT_A_*):
 *   IPCX_NL_CMD_REGION_NEW_NTF, IPCX_NL_CMD_REGION_DEL_NTF (region id, name),
 *   IPCX_NL_CMD_HOLDER_DIED_NTF (region id, lock offset, pid, tgid, comm),
 *   IPCX_NL_CMD_LOCK_DEAD_NTF (a lock became unrecoverable: region id,
 *   offset, and the pid/comm of the thread that made it so). Lock events
 *   carry the lock's IPCX_NL_EVENT_A_KIND too (ABI 1.6).
 *   IPCX_NL_CMD_DEADLOCK_NTF (a lock call got EDEADLK: the cycle it would
 *   have closed): one IPCX_NL_A_EVENT nest per member, in cycle order, the
 *   first the thread that got EDEADLK; each member sleeps on (or, the
 *   first, asked for) the lock its nest names (region id, name, offset,
 *   IPCX_NL_EVENT_A_KIND) and is held by the next member (the last by the
 *   first). A subscriber gets it when it may read one member's region;
 *   a member of a region it may not read is an empty nest. Sent from a
 *   work item after the call returned; at most 64 wait to be sent, more
 *   are dropped.
 *   A subscriber gets a lock event's pid, tgid and comm only if it may see
 *   that thread, by the rule of IPCX_IOC_LOCK_STAT's last_death (the thread
 *   is in its pid namespace, and is of its user or had the region
 *   attached), judged for the subscribing task and the socket's opener;
 *   otherwise the three attributes are absent.
 * Malformed requests fail with an extack message (NLMSGERR_ATTR_MSG):
 * EINVAL for an attribute of the wrong type or length, a name that is not
 * NUL-terminated, longer than IPCX_NAME_MAX, empty or holding '/', a
 * reply-only, padding or unknown attribute, or a missing selector; ERANGE
 * for IPCX_NL_A_REGION_ID 0. The genetlink core itself answers an unknown
 * command, a notification number, or a doit/dump a command does not have
 * with EOPNOTSUPP, and a message without genetlink header with EINVAL,
 * both without a message.
 * Pids in replies are in the caller's pid namespace.
 *
 *   IPCX_NL_CMD_WAITS_GET    dumpit: who holds and who sleeps on each
 *                            declared lock, for the wait-for graph
 *                            (ipcx waits). With IPCX_NL_A_REGION_ID or
 *                            IPCX_NL_A_REGION_NAME: that region's locks
 *                            (EACCES without read permission, as
 *                            LOCK_GET); without: the locks of every region
 *                            of the caller's IPC namespace that the sender
 *                            and the socket's opener may read (the others
 *                            are left out). Reply: IPCX_NL_A_REGION_ID and
 *                            one IPCX_NL_A_WAITS nest (IPCX_NL_WAITS_A_*)
 *                            per lock; a lock with more than
 *                            IPCX_NL_WAITS_BATCH sleepers comes in several
 *                            messages (IPCX_NL_WAITS_A_FIRST > 0 in the
 *                            later ones, which repeat the lock but not its
 *                            holders), each a snapshot of its own moment.
 *                            A holder or sleeper's pid, tgid and comm are
 *                            present only when the caller may see the
 *                            thread: a holder by the rule of LOCK_STAT's
 *                            holder, a sleeper when it is in the caller's
 *                            pid namespace (it acts on the region, which
 *                            is what that rule's "attached" stands for).
 */
#define IPCX_NL_FAMILY_NAME	"ipcx"
#define IPCX_NL_FAMILY_VERSION	2
#define IPCX_NL_MCGRP_EVENTS	"events"

enum ipcx_nl_cmd {
	IPCX_NL_CMD_UNSPEC,
	IPCX_NL_CMD_REGION_GET,
	IPCX_NL_CMD_LOCK_GET,
	IPCX_NL_CMD_STATS_GET,
	IPCX_NL_CMD_REGION_DEL,
	IPCX_NL_CMD_REGION_NEW_NTF,
	IPCX_NL_CMD_REGION_DEL_NTF,
	IPCX_NL_CMD_HOLDER_DIED_NTF,
	IPCX_NL_CMD_LOCK_DEAD_NTF,
	IPCX_NL_CMD_EVENTS_SUBSCRIBE,
	IPCX_NL_CMD_EVENTS_UNSUBSCRIBE,
	IPCX_NL_CMD_WAITS_GET,		/* 11: the wait-for graph, see below */
	IPCX_NL_CMD_DEADLOCK_NTF,	/* 12: a refused cycle, see above */

	__IPCX_NL_CMD_CNT,
	IPCX_NL_CMD_MAX = __IPCX_NL_CMD_CNT - 1
};

/* top-level attributes */
enum ipcx_nl_attr {
	IPCX_NL_A_UNSPEC,
	IPCX_NL_A_PAD,
	IPCX_NL_A_REGION_ID,		/* u64, request: select a region */
	IPCX_NL_A_REGION_NAME,		/* string, request: select a region */
	IPCX_NL_A_REGION,		/* nest, reply: IPCX_NL_REGION_A_* */
	IPCX_NL_A_LOCK,			/* nest, reply: IPCX_NL_LOCK_A_* */
	IPCX_NL_A_STATS,		/* nest, reply: IPCX_NL_STATS_A_* */
	IPCX_NL_A_EVENT,		/* nest, notification: IPCX_NL_EVENT_A_* */
	IPCX_NL_A_WAITS,		/* 8: nest, reply: IPCX_NL_WAITS_A_* */

	__IPCX_NL_A_CNT,
	IPCX_NL_A_MAX = __IPCX_NL_A_CNT - 1
};

enum ipcx_nl_region_attr {
	IPCX_NL_REGION_A_UNSPEC,
	IPCX_NL_REGION_A_PAD,
	IPCX_NL_REGION_A_ID,		/* u64 */
	IPCX_NL_REGION_A_NAME,		/* string; absent for anonymous regions */
	IPCX_NL_REGION_A_SIZE,		/* u64, bytes */
	IPCX_NL_REGION_A_UID,		/* u32, owner, caller's user ns */
	IPCX_NL_REGION_A_GID,		/* u32 */
	IPCX_NL_REGION_A_MODE,		/* u32, 0777 mask */
	IPCX_NL_REGION_A_LIFETIME,	/* u32, enum ipcx_lifetime */
	IPCX_NL_REGION_A_SEALS,		/* u32, IPCX_SEAL_* */
	IPCX_NL_REGION_A_CTIME,		/* u64, CLOCK_REALTIME ns */
	IPCX_NL_REGION_A_NATTACH,	/* u32, attached files */
	IPCX_NL_REGION_A_NMAPS,		/* u32, mappings */
	IPCX_NL_REGION_A_NLOCKS,	/* u32, declared locks */
	IPCX_NL_REGION_A_LINKED,	/* flag: the name is in place */
	IPCX_NL_REGION_A_PAGE_SIZE,	/* u64, bytes (IPCX_FEAT_HUGE) */
	IPCX_NL_REGION_A_RESIDENT,	/* u64, bytes in memory */
	IPCX_NL_REGION_A_SWAPPED,	/* u64, bytes in swap */

	__IPCX_NL_REGION_A_CNT,
	IPCX_NL_REGION_A_MAX = __IPCX_NL_REGION_A_CNT - 1
};

enum ipcx_nl_lock_attr {
	IPCX_NL_LOCK_A_UNSPEC,
	IPCX_NL_LOCK_A_PAD,
	IPCX_NL_LOCK_A_OFFSET,		/* u64 */
	IPCX_NL_LOCK_A_KIND,		/* u32, enum ipcx_lock_kind */
	IPCX_NL_LOCK_A_WORD,		/* u32, the lock word */
	IPCX_NL_LOCK_A_HOLDER_PID,	/* u32, 0 if none or not visible */
	IPCX_NL_LOCK_A_HOLDER_TGID,	/* u32 */
	IPCX_NL_LOCK_A_HOLDER_COMM,	/* string */
	IPCX_NL_LOCK_A_WAITERS,		/* u32 */
	IPCX_NL_LOCK_A_ACQUISITIONS,	/* u64 */
	IPCX_NL_LOCK_A_CONTENDED,	/* u64 */
	IPCX_NL_LOCK_A_WAIT_TOTAL_NS,	/* u64 */
	IPCX_NL_LOCK_A_WAIT_MAX_NS,	/* u64 */
	IPCX_NL_LOCK_A_OWNER_DEATHS,	/* u64 */
	IPCX_NL_LOCK_A_DEATH_PID,	/* u32, last holder that died */
	IPCX_NL_LOCK_A_DEATH_COMM,	/* string */
	IPCX_NL_LOCK_A_DEATH_TIME,	/* u64, CLOCK_REALTIME ns */

	__IPCX_NL_LOCK_A_CNT,
	IPCX_NL_LOCK_A_MAX = __IPCX_NL_LOCK_A_CNT - 1
};

enum ipcx_nl_stats_attr {
	IPCX_NL_STATS_A_UNSPEC,
	IPCX_NL_STATS_A_PAD,
	IPCX_NL_STATS_A_MAX_REGIONS,		/* u32, per IPC namespace */
	IPCX_NL_STATS_A_MAX_REGION_BYTES,	/* u64 */
	IPCX_NL_STATS_A_MAX_TOTAL_BYTES,	/* u64, per IPC namespace */
	IPCX_NL_STATS_A_MAX_LOCKS_PER_REGION,	/* u32 */
	IPCX_NL_STATS_A_REGIONS,		/* u32, live, all namespaces */
	IPCX_NL_STATS_A_BYTES,			/* u64, charged bytes, all namespaces */
	IPCX_NL_STATS_A_LOCKS,			/* u32, declared locks */
	IPCX_NL_STATS_A_OWNERS,			/* u32, registered owner ids */
	IPCX_NL_STATS_A_SUBSCRIBERS,		/* u32, sockets subscribed to events */
	IPCX_NL_STATS_A_MAX_SUBSCRIBERS,	/* u32, limit, all users */
	IPCX_NL_STATS_A_MAX_USER_SUBSCRIBERS,	/* u32, limit, per user */
	/*
	 * The per-user budgets, and what the caller's user uses of each: the
	 * sender of the request, by the uid its limit is kept by (regions,
	 * bytes, locks: euid; owners, subscribers: real uid).
	 */
	IPCX_NL_STATS_A_MAX_USER_REGIONS,	/* u32, limit, per user (euid) */
	IPCX_NL_STATS_A_MAX_USER_BYTES,		/* u64, limit, per user (euid) */
	IPCX_NL_STATS_A_MAX_USER_LOCKS,		/* u32, limit, per user (euid) */
	IPCX_NL_STATS_A_MAX_USER_OWNERS,	/* u32, limit, per user (uid) */
	IPCX_NL_STATS_A_USER_REGIONS,		/* u32, the caller's: created */
	IPCX_NL_STATS_A_USER_BYTES,		/* u64, the caller's: sized last */
	IPCX_NL_STATS_A_USER_LOCKS,		/* u32, the caller's: declared */
	IPCX_NL_STATS_A_USER_OWNERS,		/* u32, the caller's: registered */
	IPCX_NL_STATS_A_USER_SUBSCRIBERS,	/* u32, the caller's: sockets */
	/*
	 * u64, bytes: the region pages the caller's locks pinned (its euid's
	 * count), what the declarer's RLIMIT_MEMLOCK is checked against when
	 * a lock pins a page
	 */
	IPCX_NL_STATS_A_USER_LOCKED_BYTES,

	__IPCX_NL_STATS_A_CNT,
	IPCX_NL_STATS_A_MAX = __IPCX_NL_STATS_A_CNT - 1
};

enum ipcx_nl_event_attr {
	IPCX_NL_EVENT_A_UNSPEC,
	IPCX_NL_EVENT_A_PAD,
	IPCX_NL_EVENT_A_REGION_ID,	/* u64 */
	IPCX_NL_EVENT_A_NAME,		/* string, named regions */
	IPCX_NL_EVENT_A_OFFSET,		/* u64, lock events */
	IPCX_NL_EVENT_A_PID,		/* u32, lock events */
	IPCX_NL_EVENT_A_TGID,		/* u32, lock events */
	IPCX_NL_EVENT_A_COMM,		/* string, lock events */
	IPCX_NL_EVENT_A_KIND,		/* u32, enum ipcx_lock_kind, lock events */

	__IPCX_NL_EVENT_A_CNT,
	IPCX_NL_EVENT_A_MAX = __IPCX_NL_EVENT_A_CNT - 1
};

/* IPCX_NL_CMD_WAITS_GET: sleepers per message, at most */
#define IPCX_NL_WAITS_BATCH	16

/* IPCX_NL_CMD_WAITS_GET: one lock */
enum ipcx_nl_waits_attr {
	IPCX_NL_WAITS_A_UNSPEC,
	IPCX_NL_WAITS_A_PAD,
	IPCX_NL_WAITS_A_REGION_NAME,	/* string; absent for anonymous regions */
	IPCX_NL_WAITS_A_OFFSET,		/* u64 */
	IPCX_NL_WAITS_A_KIND,		/* u32, enum ipcx_lock_kind */
	IPCX_NL_WAITS_A_WORD,		/* u32, the lock word */
	/* u32: a semaphore's units left; a rwlock's readers (slots taken) */
	IPCX_NL_WAITS_A_COUNT,
	IPCX_NL_WAITS_A_WAITERS,	/* u32, sleepers now */
	/* u32, index of this message's first sleeper (0: the lock's first part) */
	IPCX_NL_WAITS_A_FIRST,
	/*
	 * nest, repeated (IPCX_NL_PEER_A_*; FOR says how it holds: LOCK,
	 * READ, WRITE): a mutex's holder, a rwlock's writer and each reader
	 * in its slots; only in the part with FIRST 0
	 */
	IPCX_NL_WAITS_A_HOLDER,
	/* nest, repeated (IPCX_NL_PEER_A_*), oldest first */
	IPCX_NL_WAITS_A_WAITER,

	__IPCX_NL_WAITS_A_CNT,
	IPCX_NL_WAITS_A_MAX = __IPCX_NL_WAITS_A_CNT - 1
};

/* a holder or a sleeper of IPCX_NL_CMD_WAITS_GET */
enum ipcx_nl_peer_attr {
	IPCX_NL_PEER_A_UNSPEC,
	IPCX_NL_PEER_A_PAD,
	/* u32, its owner id (0: a sleeper on a semaphore or event has none) */
	IPCX_NL_PEER_A_OWNER,
	IPCX_NL_PEER_A_PID,		/* u32, thread; absent if not visible */
	IPCX_NL_PEER_A_TGID,		/* u32, process; absent if not visible */
	IPCX_NL_PEER_A_COMM,		/* string; absent if not visible */
	IPCX_NL_PEER_A_FOR,		/* u32, enum ipcx_wait_for */
	/* u64, sleepers: CLOCK_MONOTONIC ns when this wait first slept */
	IPCX_NL_PEER_A_SINCE,
	IPCX_NL_PEER_A_UNITS,		/* u32, sleepers on a semaphore: units */

	__IPCX_NL_PEER_A_CNT,
	IPCX_NL_PEER_A_MAX = __IPCX_NL_PEER_A_CNT - 1
};

/* IPCX_NL_PEER_A_FOR: what a sleeper waits for, or how a holder holds */
enum ipcx_wait_for {
	IPCX_WAIT_LOCK = 1,	/* a mutex */
	IPCX_WAIT_READ = 2,	/* a rwlock, shared */
	IPCX_WAIT_WRITE = 3,	/* a rwlock, exclusive */
	IPCX_WAIT_UNITS = 4,	/* a semaphore's units (IPCX_NL_PEER_A_UNITS) */
	IPCX_WAIT_EVENT = 5,	/* an event's next signal */
};

#endif /* _UAPI_LINUX_IPCX_H */
