// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx.ko as a module: modprobe/rmmod cycles, parameters, and the rule that
 * the module cannot go while a /dev/ipcx file is open. Needs root in a VM;
 * leaves the module loaded (with default parameters) when it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"

static int module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/ipcx", &st) == 0;
}

static int load(const char *args)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "modprobe ipcx %s", args ? args : "");
	return system(cmd);
}

static int unload(void)
{
	return syscall(SYS_delete_module, "ipcx", O_NONBLOCK);
}

FIXTURE(mod) {
	int unused;	/* the harness needs a member */
};

FIXTURE_SETUP(mod)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to load modules");
	if (!module_loaded())
		ASSERT_EQ(0, load(NULL));
}

FIXTURE_TEARDOWN(mod)
{
	if (!module_loaded())
		load(NULL);
}

TEST_F(mod, modinfo_complete)
{
	const char *fields[] = { "license", "author", "description", "version",
				 "parm" };
	char cmd[128], line[512];
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		FILE *p;

		snprintf(cmd, sizeof(cmd), "modinfo -F %s ipcx", fields[i]);
		p = popen(cmd, "r");
		ASSERT_NE(NULL, p);
		line[0] = '\0';
		EXPECT_NE(NULL, fgets(line, sizeof(line), p)) {
			TH_LOG("modinfo has no %s", fields[i]);
		}
		EXPECT_GT(strlen(line), 1);
		pclose(p);
	}
}

TEST_F(mod, rmmod_refused_while_file_open)
{
	int fd = open(IPCX_DEVICE_PATH, O_RDWR);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, unload());
	/* delete_module(O_NONBLOCK) says EWOULDBLOCK; rmmod(8) prints "in use" */
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);
	EXPECT_TRUE(module_loaded());
	EXPECT_NE(0, system("rmmod ipcx 2>/dev/null"));
	close(fd);
	EXPECT_EQ(0, unload());
	EXPECT_FALSE(module_loaded());
}

TEST_F(mod, dev_mode_parameter)
{
	struct stat st;

	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load("dev_mode=0600"));
	ASSERT_EQ(0, stat(IPCX_DEVICE_PATH, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, unload());
	/* bits outside 0777 are refused at load */
	EXPECT_NE(0, load("dev_mode=04777 2>/dev/null"));
	EXPECT_FALSE(module_loaded());
}

/* 300 s: each rmmod waits for RCU; on a KASAN kernel under TCG 20 cycles take minutes */
TEST_F_TIMEOUT(mod, load_unload_20_times_leaves_no_trace, 300)
{
	struct ipcx_version ver;
	struct stat st;
	int i, fd;

	for (i = 0; i < 20; i++) {
		if (module_loaded())
			ASSERT_EQ(0, unload());
		ASSERT_NE(0, stat(IPCX_DEVICE_PATH, &st));
		ASSERT_NE(0, stat("/sys/class/misc/ipcx", &st));
		ASSERT_EQ(0, load(NULL));
		fd = open(IPCX_DEVICE_PATH, O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, ioctl(fd, IPCX_IOC_VERSION, &ver));
		close(fd);
	}
	ASSERT_EQ(0, unload());
	EXPECT_FALSE(module_loaded());
	EXPECT_NE(0, stat(IPCX_DEVICE_PATH, &st));
	EXPECT_NE(0, system("grep -q '^ipcx ' /proc/modules"));
}

TEST_HARNESS_MAIN
