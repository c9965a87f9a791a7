// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ipcx as a device: the node, the version ioctl and the ioctl encoding
 * rules of include/uapi/linux/ipcx.h. Needs the module loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"

FIXTURE(dev) {
	int fd;		/* an open /dev/ipcx */
};

FIXTURE_SETUP(dev)
{
	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

static unsigned int read_dev_mode_param(void)
{
	unsigned int mode = 0;
	FILE *f = fopen("/sys/module/ipcx/parameters/dev_mode", "r");

	if (!f)
		return ~0u;
	if (fscanf(f, "%o", &mode) != 1)	/* shown in octal, as "0666" */
		mode = ~0u;
	fclose(f);
	return mode;
}

TEST_F(dev, node_is_misc_char_device_with_param_mode)
{
	struct stat st;
	unsigned int mode = read_dev_mode_param();

	ASSERT_EQ(0, stat(IPCX_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(10, major(st.st_rdev));	/* MISC_MAJOR */
	ASSERT_NE(~0u, mode);
	EXPECT_EQ(mode, st.st_mode & 07777);
}

TEST_F(dev, version_answers)
{
	struct ipcx_version ver;

	memset(&ver, 0xa5, sizeof(ver));
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_VERSION, &ver));
	EXPECT_EQ(IPCX_ABI_MAJOR, ver.abi_major);
	EXPECT_GE(ver.abi_minor, IPCX_ABI_MINOR);
	EXPECT_TRUE(ver.features & IPCX_FEAT_VERSION);
	EXPECT_EQ(0, ver.__reserved[0]);
	EXPECT_EQ(0, ver.__reserved[1]);
}

/* A newer user space with a larger struct gets its unknown tail zeroed. */
TEST_F(dev, version_larger_struct_tail_zeroed)
{
	unsigned char buf[sizeof(struct ipcx_version) + 24];
	unsigned long cmd = _IOC(_IOC_READ, IPCX_IOC_MAGIC,
				 _IOC_NR(IPCX_IOC_VERSION), sizeof(buf));
	size_t i;

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, ioctl(self->fd, cmd, buf));
	EXPECT_EQ(IPCX_ABI_MAJOR, ((struct ipcx_version *)buf)->abi_major);
	for (i = sizeof(struct ipcx_version); i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
}

TEST_F(dev, version_too_small_struct_einval)
{
	unsigned char buf[IPCX_VERSION_SIZE_VER0];
	unsigned long cmd = _IOC(_IOC_READ, IPCX_IOC_MAGIC,
				 _IOC_NR(IPCX_IOC_VERSION), sizeof(buf) - 8);

	EXPECT_EQ(-1, ioctl(self->fd, cmd, buf));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, version_bad_pointer_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_VERSION, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* Table of encodings that name no command: each must fail with ENOTTY. */
TEST_F(dev, unknown_ioctls_enotty)
{
	struct ipcx_version ver;
	const unsigned long cmds[] = {
		_IOR(IPCX_IOC_MAGIC, 0xff, struct ipcx_version),	/* unknown nr */
		_IOR(IPCX_IOC_MAGIC, 0x7f, struct ipcx_version),
		_IOR('x', _IOC_NR(IPCX_IOC_VERSION), struct ipcx_version), /* magic */
		_IOW(IPCX_IOC_MAGIC, _IOC_NR(IPCX_IOC_VERSION), struct ipcx_version),
		_IOWR(IPCX_IOC_MAGIC, _IOC_NR(IPCX_IOC_VERSION), struct ipcx_version),
		_IO(IPCX_IOC_MAGIC, _IOC_NR(IPCX_IOC_VERSION)),	/* direction */
		TCGETS,
		0,
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &ver)) {
			TH_LOG("cmd %#lx was accepted", cmds[i]);
		}
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("cmd %#lx gave errno %d", cmds[i], errno);
		}
	}
}

TEST_HARNESS_MAIN
