// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx: the command-line tool for ipcx regions (what ipcs/ipcrm are to SysV).
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error,
 * 3 the ipcx module is not loaded or /dev/ipcx is not accessible.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libipcx.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NODEV = 3 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ipcx COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  version    print the module's ABI version and features\n"
		"  help       print this text\n"
		"\n"
		"exit codes: 0 ok, 1 failed, 2 usage, 3 module not loaded or no access\n");
}

static int open_dev_or_explain(void)
{
	int fd = ipcx_open_dev(0);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT)
		fprintf(stderr, "ipcx: %s not found: is the module loaded? (modprobe ipcx)\n",
			IPCX_DEVICE_PATH);
	else
		fprintf(stderr, "ipcx: cannot open %s: %s\n", IPCX_DEVICE_PATH,
			ipcx_strerror(fd));
	return -1;
}

static int cmd_version(void)
{
	struct ipcx_version ver;
	int fd, ret;

	fd = open_dev_or_explain();
	if (fd < 0)
		return EXIT_NODEV;
	ret = ipcx_get_version(fd, &ver);
	close(fd);
	if (ret) {
		fprintf(stderr, "ipcx: version: %s\n", ipcx_strerror(ret));
		return EXIT_FAILED;
	}
	printf("ipcx ABI %u.%u features %#llx (library %d.%d)\n",
	       ver.abi_major, ver.abi_minor, (unsigned long long)ver.features,
	       LIBIPCX_VERSION_MAJOR, LIBIPCX_VERSION_MINOR);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "ipcx: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
