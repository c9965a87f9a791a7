/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What region_test.c and region_life_test.c share: the raw ioctl helpers
 * and the region fixture (a fresh /dev/ipcx fd and a name of the test's own).
 */
#ifndef IPCX_REGION_HELPERS_H
#define IPCX_REGION_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "kselftest_harness.h"

#define PG 4096UL
#define PARAMS "/sys/module/ipcx/parameters/"

/* ioctl returning 0 or errno */
static inline int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

/* Attach @fd as asked; returns 0 or errno. */
static inline int attach(int fd, const char *name, __u64 size, __u32 flags,
		  __u32 mode, __u32 lifetime)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)name, .size = size, .flags = flags,
		.mode = mode, .lifetime = lifetime,
	};

	return xioctl(fd, IPCX_IOC_REGION_OPEN, &req);
}

/* A new /dev/ipcx fd attached as asked, or -errno. */
static inline int rg(const char *name, __u64 size, __u32 flags, __u32 mode, __u32 lifetime)
{
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = attach(fd, name, size, flags, mode, lifetime);
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

static inline int unlink_name(const char *name)
{
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;
	struct ipcx_region_unlink req = { .name = (uintptr_t)name };

	err = xioctl(fd, IPCX_IOC_REGION_UNLINK, &req);
	close(fd);
	return err;
}

static inline struct ipcx_region_stat rstat(int fd)
{
	struct ipcx_region_stat st;

	memset(&st, 0xa5, sizeof(st));
	if (ioctl(fd, IPCX_IOC_REGION_STAT, &st))
		st.id = 0;
	return st;
}

/* Exit status of a child, or 128 + signal. */
static inline int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static inline int write_param(const char *param, unsigned long val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), PARAMS "%s", param);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%lu\n", val) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

FIXTURE(region) {
	int fd;			/* an open, unattached /dev/ipcx */
	char name[64];		/* a name unique to this test run */
};

FIXTURE_SETUP(region)
{
	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	snprintf(self->name, sizeof(self->name), "rt-%d-%.40s", getpid(),
		 _metadata->name);
}

FIXTURE_TEARDOWN(region)
{
	if (self->fd >= 0)
		close(self->fd);
	unlink_name(self->name);
}

#endif
