// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx: the command-line tool for ipcx regions (what ipcs/ipcrm are to SysV).
 * This file: option parsing, dispatch, and the shared error reporting; each
 * command family has its own file (regions.c, locks.c, monitor.c).
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error,
 * 3 the ipcx module is not loaded, /dev/ipcx is not accessible, or the
 * netlink family is absent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcx.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ipcx [--json] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  ls                       list the regions of this IPC namespace\n"
		"  stat NAME                describe one region\n"
		"  create NAME SIZE [--mode MODE] [--lifetime persistent|auto|lease]\n"
		"                           create a region (SIZE: bytes or 4K, 2M, 1G;\n"
		"                           default mode 0600, lifetime persistent)\n"
		"  rm NAME                  remove a region's name\n"
		"  locks NAME               the declared locks of a region and their stats\n"
		"  top [--once] [--interval SECS] [--limit N]\n"
		"                           the most contended locks, refreshed\n"
		"  monitor [--all-namespaces]\n"
		"                           print the events of this IPC namespace (of\n"
		"                           all: needs CAP_NET_ADMIN) until SIGINT/SIGTERM\n"
		"  version                  the module's ABI version and features\n"
		"  help                     this text\n"
		"\n"
		"options:\n"
		"  -j, --json               machine-readable output\n"
		"\n"
		"exit codes: 0 ok, 1 failed, 2 usage, 3 module not loaded, /dev/ipcx\n"
		"not accessible, or netlink family absent\n");
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

/* Open the control plane, or say why not (returns an exit code). */
int open_nl_or_explain(struct ipcx_nl **nl)
{
	int ret = ipcx_nl_open(nl);

	if (!ret)
		return 0;
	if (ret == -ENOENT && access(IPCX_DEVICE_PATH, F_OK))
		fprintf(stderr, "ipcx: the ipcx module is not loaded (no %s, no \"%s\" "
			"netlink family): modprobe ipcx\n", IPCX_DEVICE_PATH,
			IPCX_NL_FAMILY_NAME);
	else if (ret == -ENOENT)
		fprintf(stderr, "ipcx: the \"%s\" generic netlink family is absent: "
			"the loaded ipcx module is too old for this tool\n",
			IPCX_NL_FAMILY_NAME);
	else
		fprintf(stderr, "ipcx: cannot talk to the ipcx netlink family: %s\n",
			ipcx_strerror(ret));
	return EXIT_NODEV;
}

/* Print a failed operation (with the kernel's message) and pick the exit code. */
int report(struct ipcx_nl *nl, const char *what, int err)
{
	const char *msg = nl ? ipcx_nl_errmsg(nl) : "";

	if (msg && *msg)
		fprintf(stderr, "ipcx: %s: %s (%s)\n", what, ipcx_strerror(err), msg);
	else
		fprintf(stderr, "ipcx: %s: %s\n", what, ipcx_strerror(err));
	return EXIT_FAILED;
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

static int parse_lifetime(const char *s, unsigned int *lt)
{
	if (!strcmp(s, "persistent"))
		*lt = IPCX_LIFETIME_PERSISTENT;
	else if (!strcmp(s, "auto") || !strcmp(s, "auto-remove"))
		*lt = IPCX_LIFETIME_AUTO_REMOVE;
	else if (!strcmp(s, "lease"))
		*lt = IPCX_LIFETIME_LEASE;
	else
		return -1;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "once", no_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+joi:n:m:l:hA", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->once = true;
			break;
		case 'i':
			o->interval = strtod(optarg, &end);
			if (*end || o->interval <= 0)
				goto bad;
			break;
		case 'n':
			o->limit = (int)strtol(optarg, &end, 10);
			if (*end || o->limit <= 0)
				goto bad;
			break;
		case 'm':
			o->mode = (unsigned int)strtoul(optarg, &end, 8);
			if (*end || o->mode & ~0777u)
				goto bad;
			break;
		case 'l':
			if (parse_lifetime(optarg, &o->lifetime))
				goto bad;
			break;
		case 'A':
			o->all_ns = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return 0;
bad:
	fprintf(stderr, "ipcx: bad value '%s' for --%s\n", optarg,
		longopts[c == 'i' ? 2 : c == 'n' ? 3 : c == 'm' ? 4 : 5].name);
	return -1;
}

/* Options may come before or after the command's arguments. */
static int split_args(int argc, char **argv, struct opts *o, char **pos, int maxpos)
{
	char *opts[64];
	int i, nopt = 1, npos = 0;

	opts[0] = argv[0];
	for (i = 1; i < argc && nopt < 63; i++) {
		bool takes = !strcmp(argv[i], "--interval") || !strcmp(argv[i], "--limit") ||
			     !strcmp(argv[i], "--mode") || !strcmp(argv[i], "--lifetime") ||
			     !strcmp(argv[i], "-i") || !strcmp(argv[i], "-n") ||
			     !strcmp(argv[i], "-m") || !strcmp(argv[i], "-l");

		if (argv[i][0] == '-' && argv[i][1]) {
			opts[nopt++] = argv[i];
			if (takes && i + 1 < argc)
				opts[nopt++] = argv[++i];
		} else if (npos < maxpos) {
			pos[npos++] = argv[i];
		} else {
			fprintf(stderr, "ipcx: unexpected argument '%s'\n", argv[i]);
			return -1;
		}
	}
	opts[nopt] = NULL;
	if (parse_opts(nopt, opts, o))
		return -1;
	return npos;
}

int main(int argc, char **argv)
{
	struct opts o = { .interval = 1.0, .limit = 20, .mode = 0600,
			  .lifetime = IPCX_LIFETIME_PERSISTENT };
	char *pos[4] = { NULL };
	const char *cmd;
	int n;

	n = split_args(argc, argv, &o, pos, 4);
	if (n < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (n == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = pos[0];
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") && n == 1)
		return cmd_version();
	if (!strcmp(cmd, "ls") && n == 1)
		return cmd_ls(&o);
	if (!strcmp(cmd, "stat") && n == 2)
		return cmd_stat(&o, pos[1]);
	if (!strcmp(cmd, "create") && n == 3)
		return cmd_create(&o, pos[1], pos[2]);
	if (!strcmp(cmd, "rm") && n == 2)
		return cmd_rm(&o, pos[1]);
	if (!strcmp(cmd, "locks") && n == 2)
		return cmd_locks(&o, pos[1]);
	if (!strcmp(cmd, "top") && n == 1)
		return cmd_top(&o);
	if (!strcmp(cmd, "monitor") && n == 1)
		return cmd_monitor(&o);
	fprintf(stderr, "ipcx: unknown command or wrong arguments: '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
