// SPDX-License-Identifier: LGPL-2.1-or-later
/* Regions: create, open, unlink, map, stat, change. Never touches errno. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static int ipcx_name_check(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, IPCX_NAME_MAX + 1);
	if (len > IPCX_NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 0 || strchr(name, '/'))
		return -EINVAL;
	return 0;
}

static void ipcx_close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* Open the device and attach it as @req says; returns the fd or -errno. */
static int ipcx_region_attach(struct ipcx_region_open *req)
{
	int fd, ret;

	fd = ipcx_open_dev(0);
	if (fd < 0)
		return fd;
	ret = ipcx_ioctl(fd, IPCX_IOC_REGION_OPEN, req);
	if (ret) {
		ipcx_close_keep_errno(fd);
		return ret;
	}
	return fd;
}

int ipcx_region_create(const char *name, uint64_t size, unsigned int mode,
		       unsigned int lifetime, unsigned int flags)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)name,
		.size = size,
		.flags = flags | IPCX_OPEN_CREATE,
		.mode = mode,
		.lifetime = lifetime,
	};
	int ret;

	if (name) {
		ret = ipcx_name_check(name);
		if (ret)
			return ret;
	}
	if (!size || flags & ~(IPCX_OPEN_FLAGS & ~IPCX_OPEN_CREATE) || mode & ~0777u ||
	    lifetime > IPCX_LIFETIME_LEASE)
		return -EINVAL;
	return ipcx_region_attach(&req);
}

int ipcx_region_open(const char *name, unsigned int flags)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)name,
		.flags = flags,
	};
	int ret;

	ret = ipcx_name_check(name);
	if (ret)
		return ret;
	if (flags & ~IPCX_OPEN_RDONLY)
		return -EINVAL;
	return ipcx_region_attach(&req);
}

int ipcx_region_unlink(const char *name)
{
	struct ipcx_region_unlink req = { .name = (uintptr_t)name };
	int fd, ret;

	ret = ipcx_name_check(name);
	if (ret)
		return ret;
	fd = ipcx_open_dev(0);
	if (fd < 0)
		return fd;
	ret = ipcx_ioctl(fd, IPCX_IOC_REGION_UNLINK, &req);
	ipcx_close_keep_errno(fd);
	return ret;
}

int ipcx_region_map(int fd, size_t len, int prot, void **addr)
{
	struct ipcx_region_stat st;
	int saved = errno, ret;
	void *p;

	if (!addr || prot & ~(PROT_READ | PROT_WRITE))
		return -EINVAL;
	if (!len) {
		ret = ipcx_region_stat(fd, &st);
		if (ret)
			return ret;
		len = st.size;
	}
	p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		errno = saved;
		return ret;
	}
	*addr = p;
	return 0;
}

int ipcx_region_unmap(void *addr, size_t len)
{
	int saved = errno, ret = 0;

	if (!addr || !len)
		return -EINVAL;
	if (munmap(addr, len) < 0)
		ret = -errno;
	errno = saved;
	return ret;
}

int ipcx_region_stat(int fd, struct ipcx_region_stat *st)
{
	if (!st)
		return -EINVAL;
	return ipcx_ioctl(fd, IPCX_IOC_REGION_STAT, st);
}

int ipcx_region_set_perm(int fd, uint32_t uid, uint32_t gid, unsigned int mode,
			 unsigned int which)
{
	struct ipcx_region_perm req = {
		.uid = uid, .gid = gid, .mode = mode, .flags = which,
	};

	if (!which || which & ~IPCX_PERM_FLAGS || mode & ~0777u)
		return -EINVAL;
	return ipcx_ioctl(fd, IPCX_IOC_REGION_SET_PERM, &req);
}

int ipcx_region_seal(int fd, unsigned int seals)
{
	struct ipcx_region_seal req = { .seals = seals };

	if (seals & ~IPCX_SEALS)
		return -EINVAL;
	return ipcx_ioctl(fd, IPCX_IOC_REGION_SEAL, &req);
}

int ipcx_region_resize(int fd, uint64_t size)
{
	struct ipcx_region_resize req = { .size = size };

	if (!size)
		return -EINVAL;
	return ipcx_ioctl(fd, IPCX_IOC_REGION_RESIZE, &req);
}

int ipcx_region_close(int fd)
{
	int saved = errno, ret = 0;

	if (close(fd) < 0)
		ret = -errno;
	errno = saved;
	return ret;
}
