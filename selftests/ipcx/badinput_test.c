// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-input catalogue: every ioctl (region 0x00-0x06, locks 0x20-0x2d),
 * mmap and every netlink command, fed every class of invalid input, each
 * case asserting the errno include/uapi/linux/ipcx.h documents. Replies
 * must be fully initialised (reserved and padding bytes zero, also in a
 * larger structure than the kernel knows). Then everything again as user
 * 65534 in a child, plus what only an unprivileged caller is refused.
 *
 * Tables: region_cases (hand-written rows), generic rows generated from
 * ioctls[] x generic_classes[], lock rows from lock ioctls x lock_classes[],
 * fn_cases (mmap, signals, owner rules, replies), nl_cases (netlink), and
 * nobody_cases/nobody_nl (unprivileged only). Each class of input is its
 * own TAP result (the variants at the end); each prints its count, and the
 * closing line counts what ran in all. Needs the module loaded and root;
 * SKIPs otherwise.
 *
 * Why one file of ~1650 lines: it is one fixture (bi) whose variants are
 * the tables above, all run by one loop against one environment (the
 * region, its declared locks, a held mutex, the netlink socket) and judged
 * by one rule (the errno the uapi header documents, replies zeroed). Split
 * into files, each table would carry a copy of that environment and loop,
 * or a header would hold all of it and each file a few lines; the
 * catalogue is read as a whole, table after table, when an errno changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "nl_raw.h"

#include "kselftest_harness.h"

/* the tables name only the fields each case sets */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define PG		4096UL
#define REGION_SIZE	(4 * PG)
#define NOBODY		65534
#define SIG(s)		(1000 + (s))	/* expected: killed by signal s */

/* lock blocks every environment declares */
#define OFF_MUTEX	0
#define OFF_EVENT	64
#define OFF_SEM		128	/* count 0 */
#define OFF_RW		192
#define OFF_HELD	256	/* a mutex the environment's thread holds */
#define OFF_SEMMAX	320	/* a semaphore at IPCX_SEM_VALUE_MAX */
#define OFF_NONE	448	/* aligned, inside, nothing declared */

/* the size encoded in an ioctl number, and its direction, replaced */
#define IOC_SZ(cmd, sz)	_IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (sz))
#define IOC_DIR(cmd, d)	_IOC((d), _IOC_TYPE(cmd), _IOC_NR(cmd), _IOC_SIZE(cmd))

/* ---- the environment a case runs in --------------------------------------- */

enum bi_fd {
	F_RW,		/* attached read-write to the environment's region */
	F_RO,		/* attached read-only to the same region */
	F_BARE,		/* a fresh /dev/ipcx, attached to nothing */
	F_RDONLYFILE,	/* a fresh /dev/ipcx opened O_RDONLY */
	F_NULL,		/* /dev/null: not ipcx */
	F_LOCKFD,	/* a lock fd (IPCX_IOC_LOCK_FD), not a region file */
	F_CLOSED,	/* a closed descriptor */
	F_ROOT_RO,	/* unprivileged run: root's 0644 region, attached ro */
};

enum bi_ptr {
	P_ARG,		/* a valid pointer to the argument */
	P_BAD,		/* 0x8: unmapped */
	P_NULL,		/* NULL */
	P_KERNEL,	/* a kernel address */
	P_EDGE,		/* straddles the end of a page into an unmapped one */
};

enum bi_name {
	NM_KEEP,	/* leave the name field as the row sets it (0) */
	NM_EMPTY,	/* "" */
	NM_MAX,		/* IPCX_NAME_MAX bytes: valid */
	NM_MAX1,	/* IPCX_NAME_MAX + 1 bytes */
	NM_UNTERM,	/* no NUL before an unmapped page */
	NM_UNTERM_LONG,	/* no NUL in the first IPCX_NAME_MAX + 1 bytes */
	NM_SLASH,	/* "a/b" */
	NM_BADPTR,	/* 0x8 */
	NM_EXISTING,	/* the environment's region */
	NM_MISSING,	/* no such region */
	NM_ROOT,	/* unprivileged run: root's 0644 region */
	NM_PRIV,	/* unprivileged run: root's 0600 region */
};

struct bi_env {
	int rw, ro, lockfd, nullfd, root_ro;
	char name[64];		/* the environment's region, 0644 */
	char missing[64];
	char *page;		/* a read-write page, then a PROT_NONE one */
	void *map;		/* the region mapped read-write */
	int nobody;		/* this is the unprivileged run */
};

/* filled by the root run before forking the unprivileged one */
static char root_name[64], priv_name[64];
static char max_name[IPCX_NAME_MAX + 1], max1_name[IPCX_NAME_MAX + 2];

union bi_arg {
	struct ipcx_version ver;
	struct ipcx_region_open open;
	struct ipcx_region_unlink unl;
	struct ipcx_region_stat stat;
	struct ipcx_region_perm perm;
	struct ipcx_region_seal seal;
	struct ipcx_region_resize rs;
	struct ipcx_lock_op op;
	struct ipcx_lock_stat lst;
	unsigned char raw[512];
};

struct bi_case {
	const char *what;
	unsigned long cmd;
	enum bi_fd fd;
	int err;		/* the documented errno; 0: must succeed */
	union bi_arg a;
	enum bi_ptr ptr;
	enum bi_name name;	/* sets the __u64 name at offset 0 */
	int tail;		/* set the last byte of _IOC_SIZE(cmd) to 1 */
	int unlink_max;		/* a success created max_name: unlink it */
};

/* ---- helpers ------------------------------------------------------------- */

static int dev_open(int flags)
{
	return open(IPCX_DEVICE_PATH, flags | O_CLOEXEC);
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int attach(int fd, const char *name, uint64_t size, uint32_t flags,
		  uint32_t mode)
{
	struct ipcx_region_open ro = {
		.name = (uintptr_t)name, .size = size, .flags = flags,
		.mode = mode, .lifetime = IPCX_LIFETIME_AUTO_REMOVE,
	};

	return xioctl(fd, IPCX_IOC_REGION_OPEN, &ro);
}

static int unlink_name(const char *name)
{
	struct ipcx_region_unlink ru = { .name = (uintptr_t)name };
	int fd = dev_open(O_RDWR), ret;

	ret = xioctl(fd, IPCX_IOC_REGION_UNLINK, &ru);
	close(fd);
	return ret;
}

static int lock_op(int fd, unsigned long cmd, uint64_t off, uint32_t kind,
		   uint64_t value)
{
	struct ipcx_lock_op op = { .offset = off, .kind = kind, .value = value };

	return xioctl(fd, cmd, &op);
}

/* The environment: a named region with every kind of lock, mapped. */
static int env_init(struct bi_env *e, const char *tag)
{
	struct ipcx_lock_op op = { 0 };
	int ret, fd;

	memset(e, 0, sizeof(*e));
	e->rw = e->ro = e->lockfd = e->nullfd = e->root_ro = -1;
	e->nobody = geteuid() != 0;
	snprintf(e->name, sizeof(e->name), "bi-%d-%s", getpid(), tag);
	snprintf(e->missing, sizeof(e->missing), "bi-%d-missing", getpid());
	e->page = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e->page == MAP_FAILED || mprotect(e->page + PG, PG, PROT_NONE))
		return errno;
	e->rw = dev_open(O_RDWR);
	e->ro = dev_open(O_RDWR);
	e->nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (e->rw < 0 || e->ro < 0 || e->nullfd < 0)
		return errno;
	ret = attach(e->rw, e->name, REGION_SIZE, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
		     0644);
	if (!ret)
		ret = attach(e->ro, e->name, 0, IPCX_OPEN_RDONLY, 0);
	if (ret)
		return ret;
	e->map = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      e->rw, 0);
	if (e->map == MAP_FAILED)
		return errno;
	ret = xioctl(e->rw, IPCX_IOC_OWNER_REGISTER, &op);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_MUTEX, IPCX_LOCK_MUTEX, 0);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_EVENT, IPCX_LOCK_EVENT, 0);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_SEM, IPCX_LOCK_SEM, 0);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_RW, IPCX_LOCK_RWLOCK, 0);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_HELD, IPCX_LOCK_MUTEX, 0);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_LOCK_DECLARE, OFF_SEMMAX, IPCX_LOCK_SEM,
			     IPCX_SEM_VALUE_MAX);
	ret = ret ?: lock_op(e->rw, IPCX_IOC_MUTEX_LOCK, OFF_HELD, 0, 0);
	if (ret)
		return ret;
	op = (struct ipcx_lock_op){ .offset = OFF_EVENT };
	e->lockfd = ioctl(e->rw, IPCX_IOC_LOCK_FD, &op);
	if (e->lockfd < 0)
		return errno;
	if (e->nobody) {
		fd = dev_open(O_RDWR);
		if (fd < 0 || attach(fd, root_name, 0, IPCX_OPEN_RDONLY, 0))
			return EACCES;
		e->root_ro = fd;
	}
	return 0;
}

static void env_fini(struct bi_env *e)
{
	int *fds[] = { &e->rw, &e->ro, &e->lockfd, &e->nullfd, &e->root_ro };
	unsigned int i;

	if (e->map && e->map != MAP_FAILED)
		munmap(e->map, REGION_SIZE);
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	if (e->page && e->page != MAP_FAILED)
		munmap(e->page, 2 * PG);
}

/* A descriptor for @f: fresh ones are the caller's to close (*fresh). */
static int env_fd(struct bi_env *e, enum bi_fd f, int *fresh)
{
	int fd;

	*fresh = 0;
	switch (f) {
	case F_RW:
		return e->rw;
	case F_RO:
		return e->ro;
	case F_NULL:
		return e->nullfd;
	case F_LOCKFD:
		return e->lockfd;
	case F_ROOT_RO:
		return e->root_ro;
	case F_CLOSED:
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		close(fd);
		return fd;	/* free: nothing else opens meanwhile */
	case F_BARE:
	case F_RDONLYFILE:
		*fresh = 1;
		return dev_open(f == F_BARE ? O_RDWR : O_RDONLY);
	}
	return -1;
}

/* Where a name row points its name; the scratch page is refilled per case. */
static uint64_t env_name(struct bi_env *e, enum bi_name n)
{
	switch (n) {
	case NM_KEEP:
		return 0;
	case NM_EMPTY:
		return (uintptr_t)"";
	case NM_MAX:
		return (uintptr_t)max_name;
	case NM_MAX1:
		return (uintptr_t)max1_name;
	case NM_UNTERM:
		return (uintptr_t)(e->page + PG - 16);
	case NM_UNTERM_LONG:
		return (uintptr_t)(e->page + PG - 1024);
	case NM_SLASH:
		return (uintptr_t)"bi/slash";
	case NM_BADPTR:
		return 8;
	case NM_EXISTING:
		return (uintptr_t)e->name;
	case NM_MISSING:
		return (uintptr_t)e->missing;
	case NM_ROOT:
		return (uintptr_t)root_name;
	case NM_PRIV:
		return (uintptr_t)priv_name;
	}
	return 0;
}

/* ---- the ioctl tables ------------------------------------------------------ */

static const struct bi_case region_cases[] = {
	/* REGION_OPEN: pointers */
	{ "open: NULL struct", IPCX_IOC_REGION_OPEN, F_BARE, EFAULT, .ptr = P_NULL },
	{ "open: kernel address", IPCX_IOC_REGION_OPEN, F_BARE, EFAULT, .ptr = P_KERNEL },
	{ "open: struct across a page end", IPCX_IOC_REGION_OPEN, F_BARE, EFAULT, .ptr = P_EDGE },
	{ "open: bad name pointer", IPCX_IOC_REGION_OPEN, F_BARE, EFAULT,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_BADPTR },
	/* flags */
	{ "open: flags ~0", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = ~0U } },
	{ "open: flags bit 31", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE | 0x80000000U } },
	{ "open: one stray flag bit", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,	/* next free */
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE | (IPCX_OPEN_FLAGS + 1) } },
	{ "open: EXCL without CREATE", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .flags = IPCX_OPEN_EXCL }, .name = NM_EXISTING },
	/* reserved and padding */
	{ "open: __pad", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .__pad = 1 } },
	{ "open: __reserved[0]", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .__reserved = { 1 } } },
	{ "open: __reserved[1]", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .__reserved = { 0, 1 } } },
	{ "open: mode 01000", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .mode = 01000 } },
	{ "open: mode ~0", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .mode = ~0U } },
	{ "open: lifetime 3", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .lifetime = 3 } },
	{ "open: lifetime ~0", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE, .lifetime = ~0U } },
	/* names */
	{ "open: no name without CREATE", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG } },
	{ "open: empty name", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_EMPTY },
	{ "open: name with '/'", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_SLASH },
	{ "open: name of IPCX_NAME_MAX bytes", IPCX_IOC_REGION_OPEN, F_BARE, 0,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE | IPCX_OPEN_EXCL },
	  .name = NM_MAX, .unlink_max = 1 },
	{ "open: name of IPCX_NAME_MAX + 1 bytes", IPCX_IOC_REGION_OPEN, F_BARE, ENAMETOOLONG,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_MAX1 },
	{ "open: unterminated name before a hole", IPCX_IOC_REGION_OPEN, F_BARE, EFAULT,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_UNTERM },
	{ "open: unterminated long name", IPCX_IOC_REGION_OPEN, F_BARE, ENAMETOOLONG,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_UNTERM_LONG },
	{ "open: no such name", IPCX_IOC_REGION_OPEN, F_BARE, ENOENT,
	  .name = NM_MISSING },
	{ "open: CREATE|EXCL of an existing name", IPCX_IOC_REGION_OPEN, F_BARE, EEXIST,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE | IPCX_OPEN_EXCL },
	  .name = NM_EXISTING },
	/* sizes */
	{ "open: size 0 on create", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = 0, .flags = IPCX_OPEN_CREATE } },
	{ "open: unaligned size is fine", IPCX_IOC_REGION_OPEN, F_BARE, 0,
	  .a.open = { .size = PG + 1, .flags = IPCX_OPEN_CREATE } },
	{ "open: size above max_region_bytes", IPCX_IOC_REGION_OPEN, F_BARE, EFBIG,
	  .a.open = { .size = (1ULL << 30) + 1, .flags = IPCX_OPEN_CREATE } },
	{ "open: size 0xfffff000", IPCX_IOC_REGION_OPEN, F_BARE, EFBIG,
	  .a.open = { .size = 0xfffff000ULL, .flags = IPCX_OPEN_CREATE } },
	{ "open: size 0x100000000", IPCX_IOC_REGION_OPEN, F_BARE, EFBIG,
	  .a.open = { .size = 0x100000000ULL, .flags = IPCX_OPEN_CREATE } },
	{ "open: size 0xfffffffffffff000", IPCX_IOC_REGION_OPEN, F_BARE, EFBIG,
	  .a.open = { .size = 0xfffffffffffff000ULL, .flags = IPCX_OPEN_CREATE } },
	{ "open: size ~0", IPCX_IOC_REGION_OPEN, F_BARE, EFBIG,
	  .a.open = { .size = ~0ULL, .flags = IPCX_OPEN_CREATE } },
	{ "open: size above an existing region's", IPCX_IOC_REGION_OPEN, F_BARE, EINVAL,
	  .a.open = { .size = REGION_SIZE + 1, .flags = IPCX_OPEN_RDONLY },
	  .name = NM_EXISTING },
	/* files */
	{ "open: file already attached", IPCX_IOC_REGION_OPEN, F_RW, EBUSY,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE } },
	{ "open: read-write on an O_RDONLY file", IPCX_IOC_REGION_OPEN, F_RDONLYFILE, EACCES,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE } },
	{ "open: larger struct, zero tail is fine", IOC_SZ(IPCX_IOC_REGION_OPEN, 64), F_BARE, 0,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE } },

	/* REGION_UNLINK */
	{ "unlink: bad name pointer", IPCX_IOC_REGION_UNLINK, F_BARE, EFAULT, .name = NM_BADPTR },
	{ "unlink: name 0", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL },
	{ "unlink: empty name", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL, .name = NM_EMPTY },
	{ "unlink: name with '/'", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL, .name = NM_SLASH },
	{ "unlink: name of IPCX_NAME_MAX + 1 bytes", IPCX_IOC_REGION_UNLINK, F_BARE,
	  ENAMETOOLONG, .name = NM_MAX1 },
	{ "unlink: unterminated name before a hole", IPCX_IOC_REGION_UNLINK, F_BARE, EFAULT,
	  .name = NM_UNTERM },
	{ "unlink: unterminated long name", IPCX_IOC_REGION_UNLINK, F_BARE, ENAMETOOLONG,
	  .name = NM_UNTERM_LONG },
	{ "unlink: no such name", IPCX_IOC_REGION_UNLINK, F_BARE, ENOENT, .name = NM_MISSING },
	{ "unlink: flags ~0", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .flags = ~0U }, .name = NM_EXISTING },
	{ "unlink: flags bit 31", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .flags = 0x80000000U }, .name = NM_EXISTING },
	{ "unlink: one stray flag bit", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .flags = 1U << 1 }, .name = NM_EXISTING },
	{ "unlink: __pad", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .__pad = 1 }, .name = NM_EXISTING },
	{ "unlink: __reserved[0]", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .__reserved = { 1 } }, .name = NM_EXISTING },
	{ "unlink: __reserved[1]", IPCX_IOC_REGION_UNLINK, F_BARE, EINVAL,
	  .a.unl = { .__reserved = { 0, 1 } }, .name = NM_EXISTING },

	/* REGION_STAT */
	{ "stat: unattached file", IPCX_IOC_REGION_STAT, F_BARE, ENXIO },
	{ "stat: struct across a page end", IPCX_IOC_REGION_STAT, F_RW, EFAULT, .ptr = P_EDGE },

	/* REGION_SET_PERM (changes nothing: every row is refused) */
	{ "set_perm: no flags", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL },
	{ "set_perm: flags ~0", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = ~0U, .mode = 0644 } },
	{ "set_perm: flags bit 31", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_MODE | 0x80000000U, .mode = 0644 } },
	{ "set_perm: one stray flag bit", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_MODE | (1U << 3), .mode = 0644 } },
	{ "set_perm: mode 01000", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_MODE, .mode = 01000 } },
	{ "set_perm: uid not mapped", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_UID, .uid = ~0U } },
	{ "set_perm: gid not mapped", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_GID, .gid = ~0U } },
	{ "set_perm: __reserved[0]", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_MODE, .mode = 0644, .__reserved = { 1 } } },
	{ "set_perm: __reserved[1]", IPCX_IOC_REGION_SET_PERM, F_RW, EINVAL,
	  .a.perm = { .flags = IPCX_PERM_MODE, .mode = 0644, .__reserved = { 0, 1 } } },
	{ "set_perm: unattached file", IPCX_IOC_REGION_SET_PERM, F_BARE, ENXIO,
	  .a.perm = { .flags = IPCX_PERM_MODE, .mode = 0644 } },

	/* REGION_SEAL (only invalid seals: valid ones would stick) */
	{ "seal: seals ~0", IPCX_IOC_REGION_SEAL, F_RW, EINVAL, .a.seal = { .seals = ~0U } },
	{ "seal: seals bit 31", IPCX_IOC_REGION_SEAL, F_RW, EINVAL,
	  .a.seal = { .seals = 0x80000000U } },
	{ "seal: one stray seal bit", IPCX_IOC_REGION_SEAL, F_RW, EINVAL,
	  .a.seal = { .seals = 1U << 3 } },
	{ "seal: __pad", IPCX_IOC_REGION_SEAL, F_RW, EINVAL, .a.seal = { .__pad = 1 } },
	{ "seal: __reserved", IPCX_IOC_REGION_SEAL, F_RW, EINVAL, .a.seal = { .__reserved = 1 } },
	{ "seal: unattached file", IPCX_IOC_REGION_SEAL, F_BARE, ENXIO },
	{ "seal: read-only attachment", IPCX_IOC_REGION_SEAL, F_RO, EPERM,
	  .a.seal = { .seals = IPCX_SEAL_RESIZE } },

	/* REGION_RESIZE */
	{ "resize: size 0", IPCX_IOC_REGION_RESIZE, F_RW, EINVAL },
	{ "resize: __reserved", IPCX_IOC_REGION_RESIZE, F_RW, EINVAL,
	  .a.rs = { .size = REGION_SIZE, .__reserved = 1 } },
	{ "resize: above max_region_bytes", IPCX_IOC_REGION_RESIZE, F_RW, EFBIG,
	  .a.rs = { .size = (1ULL << 30) + 1 } },
	{ "resize: 0xfffff000", IPCX_IOC_REGION_RESIZE, F_RW, EFBIG,
	  .a.rs = { .size = 0xfffff000ULL } },
	{ "resize: 0x100000000", IPCX_IOC_REGION_RESIZE, F_RW, EFBIG,
	  .a.rs = { .size = 0x100000000ULL } },
	{ "resize: 0xfffffffffffff000", IPCX_IOC_REGION_RESIZE, F_RW, EFBIG,
	  .a.rs = { .size = 0xfffffffffffff000ULL } },
	{ "resize: ~0", IPCX_IOC_REGION_RESIZE, F_RW, EFBIG, .a.rs = { .size = ~0ULL } },
	{ "resize: below a declared lock", IPCX_IOC_REGION_RESIZE, F_RW, EBUSY,
	  .a.rs = { .size = OFF_RW } },
	{ "resize: unattached file", IPCX_IOC_REGION_RESIZE, F_BARE, ENXIO,
	  .a.rs = { .size = PG } },
	{ "resize: read-only attachment", IPCX_IOC_REGION_RESIZE, F_RO, EPERM,
	  .a.rs = { .size = PG } },

	/* unknown numbers */
	{ "ioctl 0x07 (unassigned)", _IOWR(IPCX_IOC_MAGIC, 0x07, struct ipcx_lock_op), F_RW, ENOTTY },
	{ "ioctl 0x1f (unassigned)", _IOWR(IPCX_IOC_MAGIC, 0x1f, struct ipcx_lock_op), F_RW, ENOTTY },
	{ "ioctl 0x2e (past the last)", _IOWR(IPCX_IOC_MAGIC, 0x2e, struct ipcx_lock_op), F_RW, ENOTTY },
	{ "ioctl 0xff", _IOWR(IPCX_IOC_MAGIC, 0xff, struct ipcx_lock_op), F_RW, ENOTTY },
	{ "ioctl of another magic", _IOWR('T', 0x01, struct ipcx_region_open), F_RW, ENOTTY },
	{ "ioctl 0 (no magic)", 0, F_RW, ENOTTY },

	/* lock ioctls: what the per-command generator does not cover */
	{ "register: non-zero offset", IPCX_IOC_OWNER_REGISTER, F_RW, EINVAL,
	  .a.op = { .offset = 64 } },
	{ "register: non-zero kind", IPCX_IOC_OWNER_REGISTER, F_RW, EINVAL,
	  .a.op = { .kind = IPCX_LOCK_MUTEX } },
	{ "declare: misaligned offset", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = 32, .kind = IPCX_LOCK_MUTEX } },
	{ "declare: offset at the end", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = REGION_SIZE, .kind = IPCX_LOCK_MUTEX } },
	{ "declare: offset near overflow", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = 0xffffffffffffffc0ULL, .kind = IPCX_LOCK_MUTEX } },
	{ "declare: kind 0", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL, .a.op = { .offset = OFF_NONE } },
	{ "declare: kind 5", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = 5 } },
	{ "declare: kind ~0", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = ~0U } },
	{ "declare: another kind at a declared offset", IPCX_IOC_LOCK_DECLARE, F_RW, EEXIST,
	  .a.op = { .offset = OFF_MUTEX, .kind = IPCX_LOCK_EVENT } },
	{ "declare: semaphore count max + 1", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_SEM, .value = IPCX_SEM_VALUE_MAX + 1ULL } },
	{ "declare: value above 32 bits", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_SEM, .value = 1ULL << 32 } },
	{ "declare: value for a mutex", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX, .value = 1 } },
	{ "declare: TRYLOCK flag", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX, .flags = IPCX_LOCK_F_TRYLOCK } },
	{ "declare: DEATH_EVENT on an event", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_EVENT,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = OFF_EVENT } },
	{ "declare: DEATH_EVENT naming a mutex", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = OFF_MUTEX } },
	{ "declare: DEATH_EVENT naming nothing", IPCX_IOC_LOCK_DECLARE, F_RW, ENOENT,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = OFF_NONE } },
	{ "declare: DEATH_EVENT misaligned", IPCX_IOC_LOCK_DECLARE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = OFF_EVENT + 8 } },
	{ "declare: DEATH_EVENT past the region", IPCX_IOC_LOCK_DECLARE, F_RW, ENOENT,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = 0xffffffffffffffc0ULL } },
	{ "declare: DEATH_EVENT on a mutex declared without", IPCX_IOC_LOCK_DECLARE, F_RW, EEXIST,
	  .a.op = { .offset = OFF_MUTEX, .kind = IPCX_LOCK_MUTEX,
		    .flags = IPCX_LOCK_F_DEATH_EVENT, .value = OFF_EVENT } },
	{ "mutex_lock: DEATH_EVENT flag", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX, .flags = IPCX_LOCK_F_DEATH_EVENT } },
	{ "declare: read-only attachment", IPCX_IOC_LOCK_DECLARE, F_RO, EACCES,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX } },
	{ "mutex_lock: nothing declared there", IPCX_IOC_MUTEX_LOCK, F_RW, ENOENT,
	  .a.op = { .offset = OFF_NONE } },
	{ "mutex_lock: beyond the region", IPCX_IOC_MUTEX_LOCK, F_RW, ENOENT,
	  .a.op = { .offset = REGION_SIZE } },
	{ "mutex_lock: misaligned offset", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = 8 } },
	{ "mutex_lock: an event", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT } },
	{ "mutex_lock: kind says event", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX, .kind = IPCX_LOCK_EVENT } },
	{ "mutex_lock: value", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX, .value = 1 } },
	{ "mutex_lock: UNDO flag", IPCX_IOC_MUTEX_LOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX, .flags = IPCX_LOCK_F_UNDO } },
	{ "mutex_lock: already held by the caller", IPCX_IOC_MUTEX_LOCK, F_RW, EDEADLK,
	  .a.op = { .offset = OFF_HELD } },
	{ "mutex_lock: read-only attachment", IPCX_IOC_MUTEX_LOCK, F_RO, EACCES,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "mutex_unlock: not held", IPCX_IOC_MUTEX_UNLOCK, F_RW, EPERM,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "mutex_unlock: nothing declared there", IPCX_IOC_MUTEX_UNLOCK, F_RW, ENOENT,
	  .a.op = { .offset = OFF_NONE } },
	{ "mutex_unlock: value", IPCX_IOC_MUTEX_UNLOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_HELD, .value = 1 } },
	{ "consistent: not in died state", IPCX_IOC_MUTEX_CONSISTENT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_HELD } },
	{ "consistent: not the holder", IPCX_IOC_MUTEX_CONSISTENT, F_RW, EPERM,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "consistent: a semaphore", IPCX_IOC_MUTEX_CONSISTENT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_SEM } },
	{ "event_wait: sequence above 31 bits", IPCX_IOC_EVENT_WAIT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .value = 0x80000000ULL } },
	{ "event_wait: TRYLOCK flag", IPCX_IOC_EVENT_WAIT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .flags = IPCX_LOCK_F_TRYLOCK } },
	{ "event_wait: a mutex", IPCX_IOC_EVENT_WAIT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "event_wait: past timeout", IPCX_IOC_EVENT_WAIT, F_RW, ETIMEDOUT,
	  .a.op = { .offset = OFF_EVENT, .flags = IPCX_LOCK_F_TIMEOUT, .timeout_nsec = 1 } },
	{ "event_wake: count max + 1", IPCX_IOC_EVENT_WAKE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .value = 1ULL << 32 } },
	{ "event_wake: flags", IPCX_IOC_EVENT_WAKE, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .flags = IPCX_LOCK_F_UNDO } },
	{ "event_wake: read-only attachment", IPCX_IOC_EVENT_WAKE, F_RO, EACCES,
	  .a.op = { .offset = OFF_EVENT } },
	{ "lock_stat: kind", IPCX_IOC_LOCK_STAT, F_RW, EINVAL,
	  .a.lst = { .offset = OFF_MUTEX, .kind = 1 } },
	{ "lock_stat: __pad", IPCX_IOC_LOCK_STAT, F_RW, EINVAL,
	  .a.lst = { .offset = OFF_MUTEX, .__pad = 1 } },
	{ "lock_stat: __reserved[1]", IPCX_IOC_LOCK_STAT, F_RW, EINVAL,
	  .a.lst = { .offset = OFF_MUTEX, .__reserved = { 0, 1 } } },
	{ "lock_stat: holder not zero", IPCX_IOC_LOCK_STAT, F_RW, EINVAL,
	  .a.lst = { .offset = OFF_MUTEX, .holder = { .pid = 1 } } },
	{ "lock_stat: nothing declared there", IPCX_IOC_LOCK_STAT, F_RW, ENOENT,
	  .a.lst = { .offset = OFF_NONE } },
	{ "lock_stat: misaligned offset", IPCX_IOC_LOCK_STAT, F_RW, EINVAL,
	  .a.lst = { .offset = 1 } },
	{ "lock_stat: unattached file", IPCX_IOC_LOCK_STAT, F_BARE, ENXIO },
	{ "lock_fd: flags", IPCX_IOC_LOCK_FD, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .flags = IPCX_LOCK_F_UNDO } },
	{ "lock_fd: value", IPCX_IOC_LOCK_FD, F_RW, EINVAL,
	  .a.op = { .offset = OFF_EVENT, .value = 1 } },
	{ "lock_fd: nothing declared there", IPCX_IOC_LOCK_FD, F_RW, ENOENT,
	  .a.op = { .offset = OFF_NONE } },
	{ "sem_wait: value", IPCX_IOC_SEM_WAIT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_SEM, .value = 1 } },
	{ "sem_wait: TRYLOCK at count 0", IPCX_IOC_SEM_WAIT, F_RW, EAGAIN,
	  .a.op = { .offset = OFF_SEM, .flags = IPCX_LOCK_F_TRYLOCK } },
	{ "sem_wait: a mutex", IPCX_IOC_SEM_WAIT, F_RW, EINVAL,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "sem_wait: read-only attachment", IPCX_IOC_SEM_WAIT, F_RO, EACCES,
	  .a.op = { .offset = OFF_SEM } },
	{ "sem_post: TRYLOCK flag", IPCX_IOC_SEM_POST, F_RW, EINVAL,
	  .a.op = { .offset = OFF_SEM, .flags = IPCX_LOCK_F_TRYLOCK } },
	{ "sem_post: value", IPCX_IOC_SEM_POST, F_RW, EINVAL,
	  .a.op = { .offset = OFF_SEM, .value = 1 } },
	{ "sem_post: count at IPCX_SEM_VALUE_MAX", IPCX_IOC_SEM_POST, F_RW, EOVERFLOW,
	  .a.op = { .offset = OFF_SEMMAX } },
	{ "sem_post: read-only attachment", IPCX_IOC_SEM_POST, F_RO, EACCES,
	  .a.op = { .offset = OFF_SEM } },
	{ "rw_rdlock: UNDO flag", IPCX_IOC_RW_RDLOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_RW, .flags = IPCX_LOCK_F_UNDO } },
	{ "rw_rdlock: a mutex", IPCX_IOC_RW_RDLOCK, F_RW, EINVAL, .a.op = { .offset = OFF_MUTEX } },
	{ "rw_wrlock: value", IPCX_IOC_RW_WRLOCK, F_RW, EINVAL,
	  .a.op = { .offset = OFF_RW, .value = 1 } },
	{ "rw_wrlock: read-only attachment", IPCX_IOC_RW_WRLOCK, F_RO, EACCES,
	  .a.op = { .offset = OFF_RW } },
	/* a reader clears its slot, then calls RW_UNLOCK to wake: not an error */
	{ "rw_unlock: not held (wake only)", IPCX_IOC_RW_UNLOCK, F_RW, 0,
	  .a.op = { .offset = OFF_RW } },
	{ "rw_unlock: a mutex", IPCX_IOC_RW_UNLOCK, F_RW, EINVAL, .a.op = { .offset = OFF_MUTEX } },
};

/* What only an unprivileged caller is refused (user 65534, root's regions). */
static const struct bi_case nobody_cases[] = {
	{ "open rw of root's 0644 region", IPCX_IOC_REGION_OPEN, F_BARE, EACCES,
	  .name = NM_ROOT },
	{ "open ro of root's 0600 region", IPCX_IOC_REGION_OPEN, F_BARE, EACCES,
	  .a.open = { .flags = IPCX_OPEN_RDONLY }, .name = NM_PRIV },
	{ "open rw of root's 0600 region", IPCX_IOC_REGION_OPEN, F_BARE, EACCES,
	  .name = NM_PRIV },
	{ "CREATE of root's existing 0644 region", IPCX_IOC_REGION_OPEN, F_BARE, EACCES,
	  .a.open = { .size = PG, .flags = IPCX_OPEN_CREATE }, .name = NM_ROOT },
	{ "unlink root's region", IPCX_IOC_REGION_UNLINK, F_BARE, EPERM, .name = NM_ROOT },
	{ "unlink root's region with REVOKE", IPCX_IOC_REGION_UNLINK, F_BARE, EPERM,
	  .a.unl = { .flags = IPCX_UNLINK_REVOKE }, .name = NM_ROOT },
	{ "set_perm mode of root's region", IPCX_IOC_REGION_SET_PERM, F_ROOT_RO, EPERM,
	  .a.perm = { .flags = IPCX_PERM_MODE, .mode = 0666 } },
	{ "set_perm: give root's region to oneself", IPCX_IOC_REGION_SET_PERM, F_ROOT_RO, EPERM,
	  .a.perm = { .flags = IPCX_PERM_UID, .uid = NOBODY } },
	{ "seal root's region", IPCX_IOC_REGION_SEAL, F_ROOT_RO, EPERM,
	  .a.seal = { .seals = IPCX_SEAL_SEAL } },
	{ "resize root's region", IPCX_IOC_REGION_RESIZE, F_ROOT_RO, EPERM,
	  .a.rs = { .size = PG } },
	{ "declare in root's region", IPCX_IOC_LOCK_DECLARE, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_NONE, .kind = IPCX_LOCK_MUTEX } },
	{ "mutex_lock in root's region", IPCX_IOC_MUTEX_LOCK, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_MUTEX } },
	{ "mutex_unlock of root's held mutex", IPCX_IOC_MUTEX_UNLOCK, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_HELD } },
	{ "consistent in root's region", IPCX_IOC_MUTEX_CONSISTENT, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_HELD } },
	{ "event_wake in root's region", IPCX_IOC_EVENT_WAKE, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_EVENT } },
	{ "sem_wait in root's region", IPCX_IOC_SEM_WAIT, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_SEMMAX } },
	{ "sem_post in root's region", IPCX_IOC_SEM_POST, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_SEM } },
	{ "rw_rdlock in root's region", IPCX_IOC_RW_RDLOCK, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_RW } },
	{ "rw_wrlock in root's region", IPCX_IOC_RW_WRLOCK, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_RW } },
	{ "rw_unlock in root's region", IPCX_IOC_RW_UNLOCK, F_ROOT_RO, EACCES,
	  .a.op = { .offset = OFF_RW } },
};

/* Every ioctl, for the rows each one gets. */
static const struct bi_ioctl {
	const char *name;
	unsigned long cmd;
	size_t ver0;
	int attached;	/* acts on an attached file (else ENXIO on a bare one) */
} ioctls[] = {
	{ "version", IPCX_IOC_VERSION, IPCX_VERSION_SIZE_VER0, 0 },
	{ "open", IPCX_IOC_REGION_OPEN, IPCX_REGION_OPEN_SIZE_VER0, 0 },
	{ "unlink", IPCX_IOC_REGION_UNLINK, IPCX_REGION_UNLINK_SIZE_VER0, 0 },
	{ "stat", IPCX_IOC_REGION_STAT, IPCX_REGION_STAT_SIZE_VER0, 1 },
	{ "set_perm", IPCX_IOC_REGION_SET_PERM, IPCX_REGION_PERM_SIZE_VER0, 1 },
	{ "seal", IPCX_IOC_REGION_SEAL, IPCX_REGION_SEAL_SIZE_VER0, 1 },
	{ "resize", IPCX_IOC_REGION_RESIZE, IPCX_REGION_RESIZE_SIZE_VER0, 1 },
	{ "register", IPCX_IOC_OWNER_REGISTER, IPCX_LOCK_OP_SIZE_VER0, 0 },
	{ "declare", IPCX_IOC_LOCK_DECLARE, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "mutex_lock", IPCX_IOC_MUTEX_LOCK, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "mutex_unlock", IPCX_IOC_MUTEX_UNLOCK, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "consistent", IPCX_IOC_MUTEX_CONSISTENT, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "event_wait", IPCX_IOC_EVENT_WAIT, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "event_wake", IPCX_IOC_EVENT_WAKE, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "lock_stat", IPCX_IOC_LOCK_STAT, IPCX_LOCK_STAT_SIZE_VER0, 1 },
	{ "lock_fd", IPCX_IOC_LOCK_FD, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "sem_wait", IPCX_IOC_SEM_WAIT, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "sem_post", IPCX_IOC_SEM_POST, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "rw_rdlock", IPCX_IOC_RW_RDLOCK, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "rw_wrlock", IPCX_IOC_RW_WRLOCK, IPCX_LOCK_OP_SIZE_VER0, 1 },
	{ "rw_unlock", IPCX_IOC_RW_UNLOCK, IPCX_LOCK_OP_SIZE_VER0, 1 },
};

#define IS_LOCK_OP(cmd)	(_IOC_NR(cmd) >= 0x20 && (cmd) != IPCX_IOC_LOCK_STAT)

/* Rows every ioctl gets: pointers, sizes, directions, foreign fds. */
enum generic_class {
	G_BADPTR, G_NULLPTR, G_SMALL, G_TAIL, G_NODIR, G_NULLFD, G_LOCKFD,
	G_CLOSED, G_BARE, G_CNT
};

static int generic_row(const struct bi_ioctl *io, enum generic_class g,
		       struct bi_case *c, char *what, size_t len)
{
	static const char *const names[G_CNT] = {
		"bad pointer", "NULL pointer", "structure below VER0",
		"larger structure, non-zero tail", "no direction bits",
		"on /dev/null", "on a lock fd", "on a closed fd",
		"on an unattached file",
	};

	memset(c, 0, sizeof(*c));
	c->cmd = io->cmd;
	c->fd = F_RW;
	switch (g) {
	case G_BADPTR:
		c->ptr = P_BAD;
		c->err = EFAULT;
		break;
	case G_NULLPTR:
		c->ptr = P_NULL;
		c->err = EFAULT;
		break;
	case G_SMALL:
		c->cmd = IOC_SZ(io->cmd, io->ver0 - 8);
		c->err = EINVAL;
		break;
	case G_TAIL:	/* only what the kernel reads can be too long */
		if (!(_IOC_DIR(io->cmd) & _IOC_WRITE))
			return 0;
		/* past the newest structure the kernel knows: the header's */
		c->cmd = IOC_SZ(io->cmd, _IOC_SIZE(io->cmd) + 8);
		c->tail = 1;
		c->err = E2BIG;
		break;
	case G_NODIR:
		c->cmd = IOC_DIR(io->cmd, _IOC_NONE);
		c->err = ENOTTY;
		break;
	case G_NULLFD:
		c->fd = F_NULL;
		c->err = ENOTTY;
		break;
	case G_LOCKFD:
		c->fd = F_LOCKFD;
		c->err = ENOTTY;
		break;
	case G_CLOSED:
		c->fd = F_CLOSED;
		c->err = EBADF;
		break;
	case G_BARE:
		if (!io->attached)
			return 0;
		c->fd = F_BARE;
		c->err = ENXIO;
		if (io->cmd == IPCX_IOC_REGION_SET_PERM)
			c->a.perm.flags = IPCX_PERM_MODE;
		if (io->cmd == IPCX_IOC_REGION_RESIZE)
			c->a.rs.size = PG;
		break;
	default:
		return 0;
	}
	snprintf(what, len, "%s: %s", io->name, names[g]);
	c->what = what;
	return 1;
}

/* Field classes every lock_op ioctl rejects before looking at the lock. */
static const struct {
	const char *what;
	struct ipcx_lock_op op;
} lock_classes[] = {
	{ "flags ~0", { .flags = ~0U } },
	{ "flags bit 31", { .flags = 0x80000000U } },
	{ "one stray flag bit", { .flags = 1U << 4 } },
	{ "__reserved0", { .__reserved0 = 1 } },
	{ "__reserved[0]", { .__reserved = { 1 } } },
	{ "__reserved[1]", { .__reserved = { 0, 1 } } },
	{ "died not zero", { .died = { .pid = 1 } } },
	{ "negative timeout_sec", { .flags = IPCX_LOCK_F_TIMEOUT, .timeout_sec = -1 } },
	{ "negative timeout_nsec", { .flags = IPCX_LOCK_F_TIMEOUT, .timeout_nsec = -1 } },
	{ "timeout_nsec 10^9", { .flags = IPCX_LOCK_F_TIMEOUT, .timeout_nsec = 1000000000 } },
	{ "timeout_sec beyond ktime", { .flags = IPCX_LOCK_F_TIMEOUT,
					.timeout_sec = 0x7fffffffffffffffLL } },
	{ "timeout without TIMEOUT", { .timeout_sec = 1 } },
	{ "REALTIME without TIMEOUT", { .flags = IPCX_LOCK_F_REALTIME } },
};

#define N_LOCK_CLASSES	(sizeof(lock_classes) / sizeof(lock_classes[0]))
#define N_IOCTLS	(sizeof(ioctls) / sizeof(ioctls[0]))
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- running one ioctl case -------------------------------------------------- */

/* Returns 0 when the case behaved as documented, else says why in @why. */
static int run_case(struct bi_env *e, const struct bi_case *c, char *why, size_t len)
{
	size_t size = _IOC_SIZE(c->cmd);
	union bi_arg arg = c->a;
	int fd, fresh, got;
	char *buf;
	void *ptr;

	memset(e->page, 'x', PG);	/* NM_UNTERM*: no NUL up to the hole */
	if (c->name != NM_KEEP)
		arg.open.name = env_name(e, c->name);	/* offset 0 in both */
	if (c->tail && size)
		arg.raw[size - 1] = 1;
	buf = e->page + 64;
	if (c->ptr == P_EDGE)
		buf = e->page + PG - size / 2;
	memcpy(buf, &arg, c->ptr == P_EDGE ? size / 2 : sizeof(arg));
	switch (c->ptr) {
	case P_BAD:
		ptr = (void *)8;
		break;
	case P_NULL:
		ptr = NULL;
		break;
	case P_KERNEL:
		ptr = (void *)0xffffffff81000000UL;
		break;
	default:
		ptr = buf;
	}
	fd = env_fd(e, c->fd, &fresh);
	got = ioctl(fd, c->cmd, ptr) < 0 ? errno : 0;
	if (fresh)
		close(fd);
	if (!got && c->unlink_max)
		unlink_name(max_name);
	if (got == c->err)
		return 0;
	snprintf(why, len, "%s: got %s, documented %s", c->what,
		 got ? strerror(got) : "success", c->err ? strerror(c->err) : "success");
	return 1;
}

/* ---- cases that are functions: mmap, signals, owner rules, replies ------ */

/* Run @fn in a child; its exit status, or SIG(n) if a signal killed it. */
static int in_child(void (*fn)(struct bi_env *e), struct bi_env *e)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		fn(e);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return errno;
	if (WIFSIGNALED(status))
		return SIG(WTERMSIG(status));
	return WEXITSTATUS(status);
}

static int mmap_err(int fd, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

static int f_map_private(struct bi_env *e)
{
	return mmap_err(e->rw, PG, PROT_READ, MAP_PRIVATE, 0);
}

static int f_map_pgoff_past_end(struct bi_env *e)
{
	return mmap_err(e->rw, PG, PROT_READ, MAP_SHARED, REGION_SIZE);
}

static int f_map_len_past_end(struct bi_env *e)
{
	return mmap_err(e->rw, REGION_SIZE + PG, PROT_READ, MAP_SHARED, 0);
}

/* pgoff whose byte offset (pgoff << PAGE_SHIFT) wraps 64 bits */
static int f_map_pgoff_wraps(struct bi_env *e)
{
	return mmap_err(e->rw, PG, PROT_READ, MAP_SHARED, 0x7ffffffffffff000LL);
}

static int f_map_unaligned_off(struct bi_env *e)
{
	return mmap_err(e->rw, PG, PROT_READ, MAP_SHARED, 1);
}

static int f_map_unattached(struct bi_env *e)
{
	int fd = dev_open(O_RDWR), ret;

	ret = mmap_err(fd, PG, PROT_READ, MAP_SHARED, 0);
	close(fd);
	return ret;
}

static int f_map_write_ro(struct bi_env *e)
{
	return mmap_err(e->ro, PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
}

static int f_mprotect_ro(struct bi_env *e)
{
	void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, e->ro, 0);
	int ret;

	if (p == MAP_FAILED)
		return errno;
	ret = mprotect(p, PG, PROT_READ | PROT_WRITE) ? errno : 0;
	munmap(p, PG);
	return ret;
}

static int f_mremap_grow(struct bi_env *e)
{
	void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, e->rw, 0), *q;
	int ret = 0;

	if (p == MAP_FAILED)
		return errno;
	q = mremap(p, PG, 2 * PG, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		ret = errno;
		munmap(p, PG);
	} else {
		munmap(q, 2 * PG);
	}
	return ret;
}

static void touch_past_end(struct bi_env *e)
{
	struct ipcx_region_resize rs = { .size = PG };
	int fd = dev_open(O_RDWR);
	volatile char *p;

	if (attach(fd, NULL, 2 * PG, IPCX_OPEN_CREATE, 0600))
		_exit(1);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || ioctl(fd, IPCX_IOC_REGION_RESIZE, &rs))
		_exit(2);
	p[PG] = 1;	/* beyond the region now: SIGBUS */
}

static int f_sigbus(struct bi_env *e)
{
	return in_child(touch_past_end, e);
}

static void touch_after_munmap(struct bi_env *e)
{
	volatile char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
				e->rw, 0);

	if (p == MAP_FAILED)
		_exit(1);
	munmap((void *)p, PG);
	p[0] = 1;	/* SIGSEGV */
}

static int f_sigsegv(struct bi_env *e)
{
	return in_child(touch_after_munmap, e);
}

/* Another process, with an owner id of its own, unlocks our mutex. */
static void unlock_not_mine(struct bi_env *e)
{
	struct ipcx_lock_op op = { 0 };

	if (ioctl(e->rw, IPCX_IOC_OWNER_REGISTER, &op))
		_exit(1);
	op.offset = OFF_HELD;
	_exit(ioctl(e->rw, IPCX_IOC_MUTEX_UNLOCK, &op) ? errno : 0);
}

static int f_unlock_non_owner(struct bi_env *e)
{
	return in_child(unlock_not_mine, e);
}

/* A thread that never registered: it cannot hold anything. */
static void unlock_unregistered(struct bi_env *e)
{
	struct ipcx_lock_op op = { .offset = OFF_HELD };

	_exit(ioctl(e->rw, IPCX_IOC_MUTEX_UNLOCK, &op) ? errno : 0);
}

static int f_unlock_unregistered(struct bi_env *e)
{
	return in_child(unlock_unregistered, e);
}

static void rw_unlock_unregistered(struct bi_env *e)
{
	struct ipcx_lock_op op = { .offset = OFF_RW };

	_exit(ioctl(e->rw, IPCX_IOC_RW_UNLOCK, &op) ? errno : 0);
}

static int f_rw_unlock_unregistered(struct bi_env *e)
{
	return in_child(rw_unlock_unregistered, e);
}

/* A lock fd passed where a region file is expected: mmap and ioctl. */
static int f_mmap_lockfd(struct bi_env *e)
{
	return mmap_err(e->lockfd, PG, PROT_READ, MAP_SHARED, 0);
}

/* Replies: every byte the kernel hands back is defined. */
static int zeroed(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

#define REPLY_FAIL	200	/* "a reply byte was left uninitialised" */

static int f_reply_version(struct bi_env *e)
{
	unsigned char buf[64];
	struct ipcx_version *v = (void *)buf;

	memset(buf, 0xa5, sizeof(buf));
	if (ioctl(e->rw, IOC_SZ(IPCX_IOC_VERSION, sizeof(buf)), buf))
		return errno;
	if (v->abi_major != IPCX_ABI_MAJOR || !zeroed(v->__reserved, sizeof(v->__reserved)) ||
	    !zeroed(buf + sizeof(*v), sizeof(buf) - sizeof(*v)))
		return REPLY_FAIL;
	return 0;
}

static int f_reply_region_stat(struct bi_env *e)
{
	unsigned char buf[sizeof(struct ipcx_region_stat) + 40];
	struct ipcx_region_stat *st = (void *)buf;
	size_t n;

	memset(buf, 0xa5, sizeof(buf));
	if (ioctl(e->rw, IOC_SZ(IPCX_IOC_REGION_STAT, sizeof(buf)), buf))
		return errno;
	n = strnlen(st->name, sizeof(st->name));
	if (st->size != REGION_SIZE || st->__pad || n == sizeof(st->name) ||
	    !zeroed(st->__reserved, sizeof(st->__reserved)) ||
	    !zeroed(st->name + n, sizeof(st->name) - n) ||
	    !zeroed(buf + sizeof(*st), sizeof(buf) - sizeof(*st)))
		return REPLY_FAIL;
	return 0;
}

static int owner_info_clean(const struct ipcx_owner_info *o)
{
	size_t n = strnlen(o->comm, sizeof(o->comm));

	return !o->__pad && n < sizeof(o->comm) &&
	       zeroed(o->comm + n, sizeof(o->comm) - n);
}

static int f_reply_lock_stat(struct bi_env *e)
{
	struct ipcx_lock_stat st = { .offset = OFF_HELD };

	if (ioctl(e->rw, IPCX_IOC_LOCK_STAT, &st))
		return errno;
	if (st.kind != IPCX_LOCK_MUTEX || st.__pad ||
	    !zeroed(st.__reserved, sizeof(st.__reserved)) ||
	    !owner_info_clean(&st.holder) || st.holder.tgid != (uint32_t)getpid() ||
	    !zeroed(&st.last_death, sizeof(st.last_death)))
		return REPLY_FAIL;
	return 0;
}

/* lock_op replies: everything but @owner/@value zero */
static int op_reply_clean(const struct ipcx_lock_op *op)
{
	return !op->__reserved0 && zeroed(op->__reserved, sizeof(op->__reserved)) &&
	       zeroed(&op->died, sizeof(op->died));
}

static int f_reply_register(struct bi_env *e)
{
	struct ipcx_lock_op op = { 0 };

	if (ioctl(e->rw, IPCX_IOC_OWNER_REGISTER, &op))
		return errno;
	return op.owner && op_reply_clean(&op) && !op.value && !op.offset ? 0 : REPLY_FAIL;
}

static int f_reply_event_wake_all(struct bi_env *e)
{
	struct ipcx_lock_op op = { .offset = OFF_EVENT, .value = 0 };

	if (ioctl(e->rw, IPCX_IOC_EVENT_WAKE, &op))
		return errno;
	return op.value == 0 && op_reply_clean(&op) ? 0 : REPLY_FAIL;
}

static int f_reply_open(struct bi_env *e)
{
	unsigned char buf[sizeof(struct ipcx_region_open) + 16] = { 0 };
	struct ipcx_region_open *ro = (void *)buf;
	int fd = dev_open(O_RDWR), ret = 0;

	ro->size = PG + 1;
	ro->flags = IPCX_OPEN_CREATE;
	if (ioctl(fd, IOC_SZ(IPCX_IOC_REGION_OPEN, sizeof(buf)), buf))
		ret = errno;
	else if (ro->size != PG + 1 || !ro->id || ro->__pad ||
		 !zeroed(ro->__reserved, sizeof(ro->__reserved)) ||
		 !zeroed(buf + sizeof(*ro), sizeof(buf) - sizeof(*ro)))
		ret = REPLY_FAIL;
	close(fd);
	return ret;
}

enum fn_group { FN_MAP, FN_OWNER, FN_REPLY };

static const struct {
	const char *what;
	int (*fn)(struct bi_env *e);
	int err;
	enum fn_group group;
} fn_cases[] = {
	{ "mmap: MAP_PRIVATE", f_map_private, EINVAL, FN_MAP },
	{ "mmap: pgoff past the end", f_map_pgoff_past_end, EINVAL, FN_MAP },
	{ "mmap: length past the end", f_map_len_past_end, EINVAL, FN_MAP },
	{ "mmap: pgoff whose byte offset wraps", f_map_pgoff_wraps, EINVAL, FN_MAP },
	{ "mmap: unaligned offset", f_map_unaligned_off, EINVAL, FN_MAP },
	{ "mmap: unattached file", f_map_unattached, ENXIO, FN_MAP },
	{ "mmap: PROT_WRITE on a read-only attachment", f_map_write_ro, EACCES, FN_MAP },
	{ "mmap: a lock fd", f_mmap_lockfd, ENODEV, FN_MAP },
	{ "mprotect: write on a read-only attachment", f_mprotect_ro, EACCES, FN_MAP },
	{ "mremap: growing a mapping", f_mremap_grow, EFAULT, FN_MAP },
	{ "access past the end after a shrink", f_sigbus, SIG(SIGBUS), FN_MAP },
	{ "access after munmap", f_sigsegv, SIG(SIGSEGV), FN_MAP },
	{ "mutex_unlock by another owner", f_unlock_non_owner, EPERM, FN_OWNER },
	{ "mutex_unlock by a thread without owner id", f_unlock_unregistered, EPERM, FN_OWNER },
	{ "rw_unlock by a thread without owner id", f_rw_unlock_unregistered, EPERM, FN_OWNER },
	{ "reply: version in a larger struct", f_reply_version, 0, FN_REPLY },
	{ "reply: region stat in a larger struct", f_reply_region_stat, 0, FN_REPLY },
	{ "reply: lock stat", f_reply_lock_stat, 0, FN_REPLY },
	{ "reply: owner register", f_reply_register, 0, FN_REPLY },
	{ "reply: event wake of all (count 0)", f_reply_event_wake_all, 0, FN_REPLY },
	{ "reply: open in a larger struct", f_reply_open, 0, FN_REPLY },
};

/* ---- netlink ------------------------------------------------------------------ */

enum nl_attrs {
	NA_NONE, NA_ID0, NA_ID_U32, NA_ID_MISSING, NA_NAME_UNTERM, NA_NAME_LONG,
	NA_NAME_EMPTY, NA_NAME_SLASH, NA_NAME_MISSING, NA_REPLY_ONLY, NA_PAD,
	NA_UNKNOWN, NA_NAME_U32, NA_NAME_ROOT, NA_SHORT_HDR,
};

static const struct bi_nl {
	const char *what;
	uint8_t cmd;
	uint16_t flags;
	enum nl_attrs attrs;
	int err;
	int msg;	/* an extack message is expected */
} nl_cases[] = {
	{ "get: no selector", IPCX_NL_CMD_REGION_GET, 0, NA_NONE, EINVAL, 1 },
	{ "get: id 0 (policy minimum 1)", IPCX_NL_CMD_REGION_GET, 0, NA_ID0, ERANGE, 1 },
	{ "get: id as u32", IPCX_NL_CMD_REGION_GET, 0, NA_ID_U32, EINVAL, 1 },
	{ "get: no such id", IPCX_NL_CMD_REGION_GET, 0, NA_ID_MISSING, ENOENT, 1 },
	{ "get: name not NUL-terminated", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_UNTERM, EINVAL, 1 },
	{ "get: name longer than IPCX_NAME_MAX", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_LONG, EINVAL, 1 },
	{ "get: empty name", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_EMPTY, EINVAL, 1 },
	{ "get: name with '/'", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_SLASH, EINVAL, 1 },
	{ "get: no such name", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_MISSING, ENOENT, 1 },
	{ "get: reply-only attribute", IPCX_NL_CMD_REGION_GET, 0, NA_REPLY_ONLY, EINVAL, 1 },
	{ "get: pad attribute", IPCX_NL_CMD_REGION_GET, 0, NA_PAD, EINVAL, 1 },
	{ "get: unknown attribute", IPCX_NL_CMD_REGION_GET, 0, NA_UNKNOWN, EINVAL, 1 },
	{ "get: name of 4 bytes, no NUL", IPCX_NL_CMD_REGION_GET, 0, NA_NAME_U32, EINVAL, 1 },
	{ "dump regions: unknown attribute", IPCX_NL_CMD_REGION_GET, NLM_F_DUMP, NA_UNKNOWN, EINVAL, 1 },
	{ "dump locks: no selector", IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, NA_NONE, EINVAL, 1 },
	{ "dump locks: no such name", IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, NA_NAME_MISSING, ENOENT, 1 },
	{ "dump locks: no such id", IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, NA_ID_MISSING, ENOENT, 1 },
	{ "dump locks: name with '/'", IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, NA_NAME_SLASH, EINVAL, 1 },
	{ "dump locks: reply-only attribute", IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, NA_REPLY_ONLY, EINVAL, 1 },
	{ "stats: reply-only attribute", IPCX_NL_CMD_STATS_GET, 0, NA_REPLY_ONLY, EINVAL, 1 },
	{ "stats: unknown attribute", IPCX_NL_CMD_STATS_GET, 0, NA_UNKNOWN, EINVAL, 1 },
	{ "del: no name", IPCX_NL_CMD_REGION_DEL, 0, NA_NONE, EINVAL, 1 },
	{ "del: id instead of a name", IPCX_NL_CMD_REGION_DEL, 0, NA_ID_MISSING, EINVAL, 1 },
	{ "del: empty name", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_EMPTY, EINVAL, 1 },
	{ "del: name with '/'", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_SLASH, EINVAL, 1 },
	{ "del: name not NUL-terminated", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_UNTERM, EINVAL, 1 },
	{ "del: name longer than IPCX_NAME_MAX", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_LONG, EINVAL, 1 },
	{ "del: no such name", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_MISSING, ENOENT, 1 },
	{ "subscribe: unknown attribute", IPCX_NL_CMD_EVENTS_SUBSCRIBE, 0, NA_UNKNOWN, EINVAL, 1 },
	{ "subscribe: reply-only attribute", IPCX_NL_CMD_EVENTS_SUBSCRIBE, 0, NA_REPLY_ONLY,
	  EINVAL, 1 },
	{ "subscribe: pad attribute", IPCX_NL_CMD_EVENTS_SUBSCRIBE, 0, NA_PAD, EINVAL, 1 },
	{ "unsubscribe: not subscribed", IPCX_NL_CMD_EVENTS_UNSUBSCRIBE, 0, NA_NONE, ENOENT, 1 },
	{ "unsubscribe: unknown attribute", IPCX_NL_CMD_EVENTS_UNSUBSCRIBE, 0, NA_UNKNOWN,
	  EINVAL, 1 },
	/*
	 * Refused by the genetlink core before ipcx sees them: EOPNOTSUPP
	 * (unknown command, or no doit/dumpit for it) and EINVAL (no genl
	 * header) come without an extack message in Linux 6.1.
	 */
	{ "unknown command 200", 200, 0, NA_NONE, EOPNOTSUPP, 0 },
	{ "command 0 (UNSPEC)", IPCX_NL_CMD_UNSPEC, 0, NA_NONE, EOPNOTSUPP, 0 },
	{ "notification number as request", IPCX_NL_CMD_REGION_NEW_NTF, 0, NA_NONE, EOPNOTSUPP, 0 },
	{ "lock get without DUMP", IPCX_NL_CMD_LOCK_GET, 0, NA_NAME_MISSING, EOPNOTSUPP, 0 },
	{ "stats as a dump", IPCX_NL_CMD_STATS_GET, NLM_F_DUMP, NA_NONE, EOPNOTSUPP, 0 },
	{ "del as a dump", IPCX_NL_CMD_REGION_DEL, NLM_F_DUMP, NA_NONE, EOPNOTSUPP, 0 },
	{ "subscribe as a dump", IPCX_NL_CMD_EVENTS_SUBSCRIBE, NLM_F_DUMP, NA_NONE, EOPNOTSUPP, 0 },
	{ "message without genl header", IPCX_NL_CMD_STATS_GET, 0, NA_SHORT_HDR, EINVAL, 0 },
};

static const struct bi_nl nobody_nl[] = {
	{ "del of root's region", IPCX_NL_CMD_REGION_DEL, 0, NA_NAME_ROOT, EPERM, 1 },
};

static int run_nl(struct bi_env *e, struct nlr *nl, const struct bi_nl *c,
		  char *why, size_t len)
{
	char attrs[1024], name[400];
	uint64_t id = 0;
	uint32_t u32 = 1;
	struct nlr_result r;
	int alen = 0;

	switch (c->attrs) {
	case NA_NONE:
		break;
	case NA_ID0:
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION_ID, &id, sizeof(id));
		break;
	case NA_ID_U32:
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION_ID, &u32, sizeof(u32));
		break;
	case NA_ID_MISSING:
		id = ~0ULL;
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION_ID, &id, sizeof(id));
		break;
	case NA_NAME_UNTERM:
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION_NAME, e->name, strlen(e->name));
		break;
	case NA_NAME_LONG:
		memset(name, 'l', 300);
		name[300] = '\0';
		alen = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, name);
		break;
	case NA_NAME_EMPTY:
		alen = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, "");
		break;
	case NA_NAME_SLASH:
		alen = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, "bi/slash");
		break;
	case NA_NAME_MISSING:
		alen = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, e->missing);
		break;
	case NA_NAME_ROOT:
		alen = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, root_name);
		break;
	case NA_REPLY_ONLY:
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION, NULL, 0);
		break;
	case NA_PAD:
		alen = nlr_put(attrs, 0, IPCX_NL_A_PAD, &id, sizeof(id));
		break;
	case NA_UNKNOWN:
		alen = nlr_put(attrs, 0, IPCX_NL_A_MAX + 1, &u32, sizeof(u32));
		break;
	case NA_NAME_U32:
		alen = nlr_put(attrs, 0, IPCX_NL_A_REGION_NAME, "abcd", 4);
		break;
	case NA_SHORT_HDR:
		break;
	}
	if (c->attrs == NA_SHORT_HDR) {
		/* a bare nlmsghdr: the genetlink header is missing */
		struct nlmsghdr h = {
			.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = nl->family,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = ++nl->seq,
		};
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

		sendto(nl->fd, &h, sizeof(h), 0, (struct sockaddr *)&sa, sizeof(sa));
		r = nlr_recv(nl, NULL, NULL);
	} else {
		r = nlr_call(nl, c->flags, c->cmd, attrs, alen, NULL, NULL);
	}
	if (r.err == -c->err && (!c->msg || r.has_msg))
		return 0;
	snprintf(why, len, "netlink %s: got %s%s, documented %s%s", c->what,
		 r.err ? strerror(-r.err) : "success", r.has_msg ? " with message" : "",
		 strerror(c->err), c->msg ? " with an extack message" : "");
	return 1;
}

/* ---- the catalogue ----------------------------------------------------------------- */

/*
 * One TAP result per class of input: the hand-written rows of one ioctl,
 * one generic class over every ioctl, one lock-field class over every lock
 * ioctl, one group of function cases, the netlink rows, and what only the
 * unprivileged caller is refused. Each runs as root and again as user
 * 65534.
 */
enum bi_table { T_ROWS, T_GENERIC, T_LOCK_FIELD, T_FN, T_NETLINK, T_NOBODY };

struct tally {
	int cases;
	int failed;
};

/* Totals over all variants; each test runs in its own child process. */
static struct bi_total {
	int cases;
	int nobody;
} *bi_total;

static void report(struct tally *t, int bad, const char *why)
{
	t->cases++;
	if (bad) {
		t->failed++;
		ksft_print_msg("FAIL %s\n", why);
	}
}

/* Is @cmd one of ipcx's numbers? Rows of numbers it is not belong to no ioctl. */
static const struct bi_ioctl *ioctl_of(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < N_IOCTLS; i++)
		if (_IOC_TYPE(cmd) == IPCX_IOC_MAGIC &&
		    _IOC_NR(cmd) == _IOC_NR(ioctls[i].cmd))
			return &ioctls[i];
	return NULL;
}

/* The hand-written rows of the ioctl numbered @cmd (0: unknown numbers). */
static void run_rows(struct bi_env *e, unsigned long cmd, struct tally *t)
{
	const struct bi_ioctl *want = cmd ? ioctl_of(cmd) : NULL;
	char why[512];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(region_cases); i++)
		if (ioctl_of(region_cases[i].cmd) == want)
			report(t, run_case(e, &region_cases[i], why, sizeof(why)), why);
}

static void run_generic(struct bi_env *e, enum generic_class g, struct tally *t)
{
	char why[512], what[128];
	struct bi_case c;
	unsigned int i;

	for (i = 0; i < N_IOCTLS; i++)
		if (generic_row(&ioctls[i], g, &c, what, sizeof(what)))
			report(t, run_case(e, &c, why, sizeof(why)), why);
}

static void run_lock_field(struct bi_env *e, unsigned int j, struct tally *t)
{
	char why[512], what[128];
	struct bi_case c;
	unsigned int i;

	for (i = 0; i < N_IOCTLS; i++) {
		if (!IS_LOCK_OP(ioctls[i].cmd))
			continue;
		memset(&c, 0, sizeof(c));
		snprintf(what, sizeof(what), "%s: %s", ioctls[i].name,
			 lock_classes[j].what);
		c.what = what;
		c.cmd = ioctls[i].cmd;
		c.fd = F_RW;
		c.err = EINVAL;
		c.a.op = lock_classes[j].op;
		c.a.op.offset = OFF_MUTEX;
		report(t, run_case(e, &c, why, sizeof(why)), why);
	}
}

static void run_fn(struct bi_env *e, enum fn_group grp, struct tally *t)
{
	char why[512];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(fn_cases); i++) {
		int got;

		if (fn_cases[i].group != grp)
			continue;
		got = fn_cases[i].fn(e);
		snprintf(why, sizeof(why), "%s: got %d (%s), documented %d (%s)",
			 fn_cases[i].what, got, got < 1000 ? strerror(got) : "signal",
			 fn_cases[i].err, fn_cases[i].err < 1000 ?
			 strerror(fn_cases[i].err) : "signal");
		report(t, got != fn_cases[i].err, why);
	}
}

static void run_nl_table(struct bi_env *e, const struct bi_nl *cases,
			 unsigned int n, struct tally *t)
{
	char why[512];
	struct nlr nl;
	unsigned int i;

	if (nlr_open(&nl)) {
		report(t, 1, "netlink: the ipcx family cannot be resolved");
		return;
	}
	for (i = 0; i < n; i++)
		report(t, run_nl(e, &nl, &cases[i], why, sizeof(why)), why);
	nlr_close(&nl);
}

/* What only an unprivileged caller is refused. */
static void run_nobody(struct bi_env *e, struct tally *t)
{
	char why[512];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(nobody_cases); i++)
		report(t, run_case(e, &nobody_cases[i], why, sizeof(why)), why);
	run_nl_table(e, nobody_nl, ARRAY_LEN(nobody_nl), t);
}

FIXTURE(bi) {
	struct bi_env env;
	int priv;	/* holds root's 0600 region */
	int ready;	/* setup went through (this harness runs a skipped body) */
};

FIXTURE_VARIANT(bi) {
	enum bi_table table;
	unsigned long cmd;	/* T_ROWS: the ioctl (0: unknown numbers) */
	int class;		/* T_GENERIC, T_LOCK_FIELD, T_FN: which one */
};

/* One table's class in this process's identity; returns the tally. */
static struct tally run_class(struct bi_env *e, const FIXTURE_VARIANT(bi) *v)
{
	struct tally t = { 0 };

	switch (v->table) {
	case T_ROWS:
		run_rows(e, v->cmd, &t);
		break;
	case T_GENERIC:
		run_generic(e, v->class, &t);
		break;
	case T_LOCK_FIELD:
		run_lock_field(e, v->class, &t);
		break;
	case T_FN:
		run_fn(e, v->class, &t);
		break;
	case T_NETLINK:
		run_nl_table(e, nl_cases, ARRAY_LEN(nl_cases), &t);
		break;
	case T_NOBODY:
		if (e->nobody)
			run_nobody(e, &t);
		break;
	}
	return t;
}

#define BI_ROWS(id, ioc) \
	FIXTURE_VARIANT_ADD(bi, rows_##id) { .table = T_ROWS, .cmd = (ioc) }
#define BI_GENERIC(id, g) \
	FIXTURE_VARIANT_ADD(bi, any_ioctl_##id) { .table = T_GENERIC, .class = (g) }
#define BI_LOCK_FIELD(id, j) \
	FIXTURE_VARIANT_ADD(bi, lock_op_##id) { .table = T_LOCK_FIELD, .class = (j) }
#define BI_FN(id, grp) \
	FIXTURE_VARIANT_ADD(bi, id) { .table = T_FN, .class = (grp) }

/* hand-written rows, per ioctl (VERSION has only generic ones) */
BI_ROWS(open, IPCX_IOC_REGION_OPEN);
BI_ROWS(unlink, IPCX_IOC_REGION_UNLINK);
BI_ROWS(stat, IPCX_IOC_REGION_STAT);
BI_ROWS(set_perm, IPCX_IOC_REGION_SET_PERM);
BI_ROWS(seal, IPCX_IOC_REGION_SEAL);
BI_ROWS(resize, IPCX_IOC_REGION_RESIZE);
BI_ROWS(unknown_numbers, 0);
BI_ROWS(register, IPCX_IOC_OWNER_REGISTER);
BI_ROWS(declare, IPCX_IOC_LOCK_DECLARE);
BI_ROWS(mutex_lock, IPCX_IOC_MUTEX_LOCK);
BI_ROWS(mutex_unlock, IPCX_IOC_MUTEX_UNLOCK);
BI_ROWS(consistent, IPCX_IOC_MUTEX_CONSISTENT);
BI_ROWS(event_wait, IPCX_IOC_EVENT_WAIT);
BI_ROWS(event_wake, IPCX_IOC_EVENT_WAKE);
BI_ROWS(lock_stat, IPCX_IOC_LOCK_STAT);
BI_ROWS(lock_fd, IPCX_IOC_LOCK_FD);
BI_ROWS(sem_wait, IPCX_IOC_SEM_WAIT);
BI_ROWS(sem_post, IPCX_IOC_SEM_POST);
BI_ROWS(rw_rdlock, IPCX_IOC_RW_RDLOCK);
BI_ROWS(rw_wrlock, IPCX_IOC_RW_WRLOCK);
BI_ROWS(rw_unlock, IPCX_IOC_RW_UNLOCK);

/* generic classes, every ioctl */
BI_GENERIC(bad_pointer, G_BADPTR);
BI_GENERIC(null_pointer, G_NULLPTR);
BI_GENERIC(struct_below_ver0, G_SMALL);
BI_GENERIC(nonzero_tail, G_TAIL);
BI_GENERIC(no_direction, G_NODIR);
BI_GENERIC(on_dev_null, G_NULLFD);
BI_GENERIC(on_lock_fd, G_LOCKFD);
BI_GENERIC(on_closed_fd, G_CLOSED);
BI_GENERIC(on_unattached_file, G_BARE);

/* struct ipcx_lock_op fields, every lock ioctl (lock_classes[] order) */
BI_LOCK_FIELD(flags_all, 0);
BI_LOCK_FIELD(flags_bit31, 1);
BI_LOCK_FIELD(flags_stray_bit, 2);
BI_LOCK_FIELD(reserved0, 3);
BI_LOCK_FIELD(reserved_0, 4);
BI_LOCK_FIELD(reserved_1, 5);
BI_LOCK_FIELD(died_set, 6);
BI_LOCK_FIELD(timeout_sec_negative, 7);
BI_LOCK_FIELD(timeout_nsec_negative, 8);
BI_LOCK_FIELD(timeout_nsec_1e9, 9);
BI_LOCK_FIELD(timeout_sec_beyond_ktime, 10);
BI_LOCK_FIELD(timeout_without_flag, 11);
BI_LOCK_FIELD(realtime_without_timeout, 12);

BI_FN(mappings, FN_MAP);
BI_FN(owner_rules, FN_OWNER);
BI_FN(replies_initialised, FN_REPLY);

FIXTURE_VARIANT_ADD(bi, netlink) { .table = T_NETLINK };
FIXTURE_VARIANT_ADD(bi, unprivileged_only) { .table = T_NOBODY };

FIXTURE_SETUP(bi)
{
	char prefix[32];
	int fd, ret;

	self->priv = -1;
	memset(&self->env, 0, sizeof(self->env));
	fd = dev_open(O_RDWR);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, fd);
	close(fd);
	if (geteuid() != 0)
		SKIP(return, "needs root (the unprivileged part drops to 65534)");
	memset(max_name, 'm', IPCX_NAME_MAX);
	memset(max1_name, 'n', IPCX_NAME_MAX + 1);
	ret = snprintf(prefix, sizeof(prefix), "bi-%d-", getpid());
	memcpy(max_name, prefix, ret);	/* unique, still IPCX_NAME_MAX long */
	ret = env_init(&self->env, "root");
	ASSERT_EQ(0, ret) TH_LOG("environment: %s", strerror(ret));
	snprintf(root_name, sizeof(root_name), "%s", self->env.name);
	snprintf(priv_name, sizeof(priv_name), "bi-%d-priv", getpid());
	self->priv = dev_open(O_RDWR);
	ASSERT_EQ(0, attach(self->priv, priv_name, PG,
			    IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600));
	self->ready = 1;
}

FIXTURE_TEARDOWN(bi)
{
	env_fini(&self->env);
	if (self->priv >= 0)
		close(self->priv);
}

TEST_F_TIMEOUT(bi, documented_errno, 60)
{
	struct tally root, nobody = { 0 };
	int status, pipefd[2];
	pid_t pid;

	if (!self->ready)
		return;
	root = run_class(&self->env, variant);

	ASSERT_EQ(0, pipe(pipefd));
	fflush(stdout);	/* or the child prints it again */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct bi_env e;
		struct tally t = { 0 };
		int ret;

		close(pipefd[0]);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(3);
		ret = env_init(&e, "nobody");
		if (ret) {
			ksft_print_msg("unprivileged environment: %s\n", strerror(ret));
			fflush(stdout);
			_exit(4);
		}
		t = run_class(&e, variant);
		env_fini(&e);
		if (write(pipefd[1], &t, sizeof(t)) != sizeof(t))
			_exit(5);
		fflush(stdout);
		_exit(0);
	}
	close(pipefd[1]);
	EXPECT_EQ(sizeof(nobody), read(pipefd[0], &nobody, sizeof(nobody)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status));

	EXPECT_EQ(0, root.failed);
	EXPECT_EQ(0, nobody.failed);
	EXPECT_LT(0, nobody.cases);
	/* a class with no case as root is a table error (but for T_NOBODY) */
	if (variant->table != T_NOBODY)
		EXPECT_LT(0, root.cases);
	ksft_print_msg("%d cases (%d as unprivileged user)\n",
		       root.cases + nobody.cases, nobody.cases);
	fflush(stdout);	/* the harness ends this child with _exit() */
	__atomic_add_fetch(&bi_total->cases, root.cases + nobody.cases, __ATOMIC_RELAXED);
	__atomic_add_fetch(&bi_total->nobody, nobody.cases, __ATOMIC_RELAXED);
}

static void __attribute__((constructor)) bi_total_init(void)
{
	bi_total = mmap(NULL, sizeof(*bi_total), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bi_total == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
}

/* the harness exits through exit(): print the total after its own lines */
static void __attribute__((destructor)) bi_total_print(void)
{
	if (bi_total->cases)
		printf("# bad-input catalogue: %d cases (%d as unprivileged user)\n",
		       bi_total->cases, bi_total->nobody);
}

TEST_HARNESS_MAIN
