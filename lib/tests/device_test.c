// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host-side unit tests of libipcx's device and error helpers (no module needed). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libipcx.h"
#include "tap.h"

int main(void)
{
	struct ipcx_version ver;
	int fd, ret;

	tap_plan_start();

	setenv("IPCX_DEVICE", "/nonexistent/ipcx", 1);
	tap_ok(ipcx_open_dev(0) == -ENOENT, "open of a missing device gives -ENOENT");

	setenv("IPCX_DEVICE", "/dev/null", 1);
	fd = ipcx_open_dev(0);
	tap_ok(fd >= 0, "IPCX_DEVICE overrides the device path");
	errno = 1234;
	ret = ipcx_get_version(fd, &ver);
	tap_ok(ret == -ENOTTY, "version ioctl on a non-ipcx file gives -ENOTTY (got %d)", ret);
	tap_ok(errno == 1234, "library calls leave errno alone");
	close(fd);
	tap_ok(ipcx_get_version(fd, &ver) == -EBADF, "version on a closed fd gives -EBADF");

	tap_ok(strcmp(ipcx_strerror(0), "Success") == 0, "strerror(0)");
	tap_ok(strstr(ipcx_strerror(-EOWNERDEAD), "owner died") != NULL,
	       "EOWNERDEAD has an ipcx text");
	tap_ok(strcmp(ipcx_strerror(-EINVAL), ipcx_strerror(EINVAL)) == 0,
	       "negative and positive errno give the same text");
	tap_ok(strcmp(ipcx_strerror(-EINVAL), strerror(EINVAL)) == 0,
	       "other errnos fall back to strerror");
	return tap_done();
}
