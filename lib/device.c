// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening /dev/ipcx, calling it, and asking it what it is. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

int ipcx_open_dev(int flags)
{
	const char *path = getenv("IPCX_DEVICE");
	int fd;

	if (!path || !*path)
		path = IPCX_DEVICE_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (fd < 0)
		return -errno;
	return fd;
}

int ipcx_ioctl(int fd, unsigned long cmd, void *arg)
{
	int saved = errno, ret;

	ret = ioctl(fd, cmd, arg);
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}

int ipcx_get_version(int fd, struct ipcx_version *ver)
{
	return ipcx_ioctl(fd, IPCX_IOC_VERSION, ver);
}
