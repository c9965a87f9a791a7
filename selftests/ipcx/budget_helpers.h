/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What hostile_budget_test.c and budget_rules_test.c share: module
 * parameters, raw region and lock helpers, becoming another user (or root
 * of one's own user + IPC namespaces), the module's counts.
 */
#ifndef IPCX_BUDGET_HELPERS_H
#define IPCX_BUDGET_HELPERS_H

#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"

#include "kselftest_harness.h"

#define PG 4096UL
#define ATTACKER 65534
#define VICTIM_UID 1000
/* how far an attack goes when nothing stops it (the unfixed module) */
#define CAP_REGIONS 8192
#define CAP_BIG_REGIONS 64
#define CAP_LOCK_REGIONS 32	/* of 4096 locks each */
#define CAP_PIN_REGIONS 4	/* of 1024 pinned pages each */
/*
 * The attacker's RLIMIT_MEMLOCK: small in the pinned-pages attack (that is
 * the budget under test), ample in the locks attack (so that the lock count
 * is what stops it).
 */
#define PIN_RLIMIT (1UL << 20)
#define LOCKS_RLIMIT (16UL << 20)

enum attack { A_REGIONS, A_BYTES, A_LOCKS, A_PINS };

struct outcome {
	long n;		/* regions, bytes, locks or pinned pages obtained */
	int err;	/* errno that stopped it; 0 when the cap stopped it */
	int setup;	/* non-zero: the attacker could not set itself up */
};

static inline unsigned long param(const char *name, unsigned long dflt)
{
	char path[128];
	unsigned long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/ipcx/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return dflt;
	if (fscanf(f, "%lu", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/* A new /dev/ipcx fd attached as asked, or -errno. */
static inline int rg(const char *name, __u64 size, __u32 flags, __u32 lifetime)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)name, .size = size, .flags = flags,
		.mode = 0600, .lifetime = lifetime,
	};
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &req)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static inline int unlink_name(const char *name)
{
	struct ipcx_region_unlink req = { .name = (uintptr_t)name };
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	err = ioctl(fd, IPCX_IOC_REGION_UNLINK, &req) ? errno : 0;
	close(fd);
	return err;
}

static inline int declare(int fd, __u64 offset)
{
	struct ipcx_lock_op op = { .offset = offset, .kind = IPCX_LOCK_MUTEX };

	return ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op) ? errno : 0;
}

static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static inline int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* An unprivileged uid 65534 becomes root of its own user + IPC namespaces. */
static inline int enter_own_ns(void)
{
	/* setresuid made us non-dumpable: /proc/self/uid_map would be root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 2;
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		return 3;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/gid_map", "0 65534 1"))
		return 4;
	return 0;
}

/* uid 65534, then (own_ns) root of its own user + IPC namespaces */
static inline int become_attacker(bool own_ns)
{
	if (become(ATTACKER))
		return 1;
	return own_ns ? enter_own_ns() : 0;
}


static inline int nl_stats(struct ipcx_nl_stats *st)
{
	struct ipcx_nl *nl;
	int ret;

	ret = ipcx_nl_open(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_stats(nl, st);
	ipcx_nl_close(nl);
	return ret;
}

/* A named create makes the module drop the names of dead namespaces. */
static inline void sweep(void)
{
	int fd = rg("hb-sweep", PG, IPCX_OPEN_CREATE, IPCX_LIFETIME_AUTO_REMOVE);

	if (fd >= 0)
		close(fd);
}

#endif
