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
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

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

/* The dev_mode parameter as sysfs shows it, or "" */
static void read_dev_mode(char *buf, int len)
{
	FILE *f = fopen("/sys/module/ipcx/parameters/dev_mode", "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
}

/*
 * Unload, then load with dev_mode=@mode. Another process may load the
 * module with its defaults in between (its genl family and device node
 * autoload it), and modprobe then succeeds without applying the option:
 * until the loaded module shows @mode, do it again.
 */
static int reload_dev_mode(const char *mode)
{
	char args[64], want[16], buf[16];
	int tries;

	snprintf(args, sizeof(args), "dev_mode=%s", mode);
	snprintf(want, sizeof(want), "%s\n", mode);
	for (tries = 0; tries < 5; tries++) {
		if (unload() && module_loaded())
			return -1;
		if (load(args))
			return -1;
		read_dev_mode(buf, sizeof(buf));
		if (!strcmp(buf, want))
			return 0;
	}
	return -1;
}

TEST_F(mod, dev_mode_parameter)
{
	struct stat st;

	ASSERT_EQ(0, reload_dev_mode("0600"));
	ASSERT_EQ(0, stat(IPCX_DEVICE_PATH, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, unload());
	/* bits outside 0777 are refused at load */
	EXPECT_NE(0, load("dev_mode=04777 2>/dev/null"));
	EXPECT_FALSE(module_loaded());
}

/* sysfs shows the mode as a mode, not as the decimal 438 */
TEST_F(mod, dev_mode_reads_in_octal)
{
	char buf[32] = "";
	FILE *f;

	ASSERT_EQ(0, reload_dev_mode("0640"));
	f = fopen("/sys/module/ipcx/parameters/dev_mode", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_STREQ("0640\n", buf);
	ASSERT_EQ(0, unload());
}

/* modinfo carries the aliases that let modprobe find the module by use */
TEST_F(mod, autoload_aliases)
{
	char want[3][64], line[256];
	int i, found[3] = { 0 };
	FILE *p;

	snprintf(want[0], sizeof(want[0]), "devname:%s", "ipcx");
	snprintf(want[1], sizeof(want[1]), "char-major-10-%d", IPCX_MISC_MINOR);
	snprintf(want[2], sizeof(want[2]), "net-pf-16-proto-16-family-%s", IPCX_NL_FAMILY_NAME);
	p = popen("modinfo -F alias ipcx", "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 3; i++)
			found[i] |= !strcmp(line, want[i]);
	}
	pclose(p);
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(found[i]) {
			TH_LOG("no alias %s", want[i]);
		}
	}
}

/* Opening the device node loads the module (kmod's static-nodes makes the
 * node at boot from the devname alias, as for /dev/fuse). */
TEST_F(mod, first_open_of_the_node_loads_the_module)
{
	const char *node = "/tmp/ipcx-autoload-node";
	struct ipcx_version ver;
	int fd;

	ASSERT_EQ(0, unload());
	unlink(node);
	ASSERT_EQ(0, mknod(node, S_IFCHR | 0600, makedev(10, IPCX_MISC_MINOR)));
	fd = open(node, O_RDWR);
	unlink(node);
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	EXPECT_TRUE(module_loaded());
	EXPECT_EQ(0, ioctl(fd, IPCX_IOC_VERSION, &ver));
	close(fd);
}

/*
 * Resolving the generic netlink family (libnl's genl_ctrl_resolve(), as
 * ipcx_nl_open() does) loads the module, for any user: the lookup is made
 * as nobody.
 */
TEST_F(mod, netlink_family_lookup_loads_the_module)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, unload());
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl_sock *sk;
		int id;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		sk = nl_socket_alloc();
		if (!sk || genl_connect(sk))
			_exit(3);
		id = genl_ctrl_resolve(sk, IPCX_NL_FAMILY_NAME);
		nl_socket_free(sk);
		_exit(id > 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("family \"%s\" not resolved",
						 IPCX_NL_FAMILY_NAME);
	EXPECT_TRUE(module_loaded());
}

/*
 * examples/modprobe.d/ipcx.conf (run from the top of the tree) names real
 * parameters, and modprobe applies them: each reads back as written.
 */
TEST_F(mod, example_modprobe_conf_applies)
{
	const char *conf = "examples/modprobe.d/ipcx.conf";
	char line[512], path[128], got[64], *tok, *eq, *save;
	int checked = 0;
	FILE *f, *p;

	f = fopen(conf, "r");
	if (!f)
		SKIP(return, "%s: %s (run from the top of the tree)", conf, strerror(errno));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, system("modprobe -C examples/modprobe.d ipcx"));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "options ipcx ", 13))
			continue;
		for (tok = strtok_r(line + 13, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			eq = strchr(tok, '=');
			ASSERT_NE(NULL, eq);
			*eq = '\0';
			snprintf(path, sizeof(path), "/sys/module/ipcx/parameters/%s", tok);
			p = fopen(path, "r");
			ASSERT_NE(NULL, p) TH_LOG("%s names no parameter %s", conf, tok);
			ASSERT_NE(NULL, fgets(got, sizeof(got), p));
			fclose(p);
			EXPECT_EQ(strtoull(eq + 1, NULL, 0), strtoull(got, NULL, 0)) {
				TH_LOG("%s: %s=%s, reads %s", conf, tok, eq + 1, got);
			}
			checked++;
		}
	}
	fclose(f);
	EXPECT_LT(0, checked);
	ASSERT_EQ(0, unload());
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
