// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx: the command-line tool for ipcx regions (what ipcs/ipcrm are to SysV).
 * This file: the grammar (global options, then a subcommand with its own
 * option table, as ip(8) and git(1) do), dispatch, version, and the shared
 * error reporting; each command family has its own file (regions.c,
 * locks.c, monitor.c, limits.c; table.c prints).
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error,
 * 3 the ipcx module is not loaded, /dev/ipcx is not accessible, or the
 * netlink family is absent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ipcx.h"

#ifndef IPCX_VERSION
#define IPCX_VERSION "unknown"	/* mk/ipcx.mk passes the package's */
#endif

bool global_json;

static int cmd_version(const struct cmd *cmd, int argc, char **argv);
static int cmd_help(const struct cmd *cmd, int argc, char **argv);

#define HELP_OPTION { "help", no_argument, NULL, 'h' }
#define END_OPTION { NULL, 0, NULL, 0 }

static const struct option out_opts[] = { OUT_OPTIONS, HELP_OPTION, END_OPTION };
static const struct option json_opts[] = {
	{ "json", no_argument, NULL, 'j' }, HELP_OPTION, END_OPTION
};
static const struct option help_opts[] = { HELP_OPTION, END_OPTION };
static const struct option create_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "mode", required_argument, NULL, 'm' },
	{ "lifetime", required_argument, NULL, 'l' },
	{ "huge", no_argument, NULL, 'H' },
	HELP_OPTION, END_OPTION
};
static const struct option top_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "once", no_argument, NULL, 1 },
	{ "interval", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 2 },
	HELP_OPTION, END_OPTION
};
static const struct option locks_opts[] = {
	OUT_OPTIONS,
	{ "waiters", no_argument, NULL, 'w' },
	HELP_OPTION, END_OPTION
};
static const struct option waits_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "dot", no_argument, NULL, 'd' },
	HELP_OPTION, END_OPTION
};
static const struct option monitor_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "all-namespaces", no_argument, NULL, 'A' },
	HELP_OPTION, END_OPTION
};

#define NAME_RULE "NAME: 1 to 255 bytes, no '/'; after --, NAME may start with '-'.\n"

static const struct cmd cmds[] = {
	{ "ls", cmd_ls, out_opts, "[OPTIONS]",
	  "list the regions of this IPC namespace",
	  "Columns: ID NAME SIZE OWNER GROUP MODE LIFETIME ATTACH MAPS LOCKS SEALS\n"
	  "CREATED by default; --output help lists all of them.\n" },
	{ "stat", cmd_stat, out_opts, "[OPTIONS] NAME",
	  "describe one region, one field per line",
	  NAME_RULE },
	{ "create", cmd_create, create_opts, "[OPTIONS] NAME SIZE",
	  "create a region",
	  NAME_RULE
	  "SIZE: bytes, or with K, M, G (powers of 1024); at most the module's\n"
	  "max_region_bytes (ipcx limits).\n"
	  "\n"
	  "  -m, --mode MODE       octal permission bits, at most 0777 (default 0600)\n"
	  "  -l, --lifetime LT     persistent (default: until ipcx rm), auto or lease\n"
	  "                        (gone as this command exits: for trying limits)\n"
	  "  -H, --huge            transparent huge pages (2 MiB where the size allows)\n"
	  "  -j, --json            the new region as a JSON object\n" },
	{ "rm", cmd_rm, help_opts, "NAME",
	  "remove a region's name (owner, creator or CAP_SYS_ADMIN)",
	  NAME_RULE },
	{ "locks", cmd_locks, locks_opts, "[OPTIONS] NAME",
	  "the declared locks of a region and their statistics",
	  NAME_RULE
	  "Columns: OFFSET KIND STATE HOLDER WAIT ACQUIRED CONTENDED WAIT-SUM\n"
	  "WAIT-MAX DEATHS LAST-DEATH by default; --output help lists all of them.\n"
	  "\n"
	  "  -w, --waiters         each lock's holders and each sleeper instead: pid/comm,\n"
	  "                        what it waits for (lock, read, write, units, event)\n"
	  "                        and for how long (-j: JSON); -o, -n, -b, -N do not apply\n" },
	{ "waits", cmd_waits, waits_opts, "[OPTIONS]",
	  "the wait-for graph of this IPC namespace, cycles marked",
	  "Every thread asleep on a lock of a region you may read, and whom it waits\n"
	  "for (each holder of that lock), across regions; threads that wait for\n"
	  "each other in a ring are marked [cycle N] and listed at the end.\n"
	  "\n"
	  "  -j, --json            threads, edges and cycles (lists of pids) as JSON\n"
	  "  -d, --dot             Graphviz DOT (ipcx waits --dot | dot -Tsvg > w.svg),\n"
	  "                        cycles in red\n" },
	{ "top", cmd_top, top_opts, "[OPTIONS]",
	  "the most contended locks, refreshed",
	  "  -i, --interval SECS   seconds between samples, > 0 (default 1)\n"
	  "      --limit N         rows, > 0 (default 20)\n"
	  "      --once            two samples one interval apart, one screen, exit\n"
	  "  -j, --json            a JSON array per screen, with the interval's deltas\n" },
	{ "monitor", cmd_monitor, monitor_opts, "[OPTIONS]",
	  "print the events of this IPC namespace until SIGINT/SIGTERM",
	  "  -A, --all-namespaces  the events of every IPC namespace (CAP_NET_ADMIN)\n"
	  "  -j, --json            one JSON object per event and line\n" },
	{ "limits", cmd_limits, out_opts, "[OPTIONS]",
	  "the module's limits and what is used of them (as ipcs -l, -u)",
	  "Rows: the limits of each IPC namespace (max_regions, max_total_bytes),\n"
	  "with what all namespaces use; the limits of one region; the per-user\n"
	  "budgets (max_user_regions, max_user_bytes, max_user_locks,\n"
	  "max_user_owners, max_user_subscribers) with what your user uses of\n"
	  "each; RLIMIT_MEMLOCK with the lock pages your user pinned (a declared\n"
	  "lock pins its page).\n"
	  "Columns: RESOURCE DESCRIPTION LIMIT USED USE% by default.\n" },
	{ "version", cmd_version, json_opts, "[OPTIONS]",
	  "this tool's version, and the loaded module's ABI and features",
	  "Exit 3 (after the tool's version) when the module is not loaded.\n"
	  "\n"
	  "  -j, --json            as a JSON object\n" },
	{ "help", cmd_help, help_opts, "[COMMAND]",
	  "this text, or a command's", "" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char exit_codes[] =
	"exit codes: 0 ok, 1 failed, 2 usage, 3 module not loaded, /dev/ipcx\n"
	"not accessible, or netlink family absent\n";

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ipcx [OPTIONS] COMMAND [COMMAND OPTIONS] [ARGS]\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out,
		"\n"
		"options (before COMMAND; each command has its own: ipcx COMMAND --help):\n"
		"  -j, --json               machine-readable output\n"
		"  -V, --version            this tool's version (no module needed)\n"
		"  -h, --help               this text\n"
		"\n"
		"environment: IPCX_DEVICE, the device to open instead of /dev/ipcx\n"
		"%s", exit_codes);
}

static void cmd_usage(const struct cmd *cmd, FILE *out)
{
	fprintf(out, "usage: ipcx %s %s\n\n%s.\n\n", cmd->name, cmd->synopsis, cmd->summary);
	fputs(cmd->help, out);
	if (cmd->opts == out_opts)
		fprintf(out, "%s%s", *cmd->help ? "\n" : "", OUT_HELP);
	fputs("  -h, --help            this text\n\n", out);
	fputs(exit_codes, out);
}

int usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipcx%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nusage: ipcx %s %s (ipcx %s --help)\n", cmd->name,
			cmd->synopsis, cmd->name);
	else
		fputs("\n(ipcx --help)\n", stderr);
	return EXIT_USAGE;
}

/* getopt's short option string for a table: "jno:" from .val and .has_arg */
static void short_opts(const struct option *opts, char *buf, size_t len)
{
	size_t n = 0;

	buf[n++] = ':';		/* ':' for a missing value, not '?' */
	for (; opts->name && n + 3 < len; opts++) {
		if (opts->val < 'A' || opts->val > 'z')
			continue;
		buf[n++] = (char)opts->val;
		if (opts->has_arg == required_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

static int bad_option(const struct cmd *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && (arg[0] != '-' || arg[1] != '-'))
		return usage_error(cmd, "invalid option '-%c'", optopt);
	if (strchr(arg, '='))
		return usage_error(cmd, "option '%.*s' takes no value or is not one of "
				   "this command's", (int)(strchr(arg, '=') - arg), arg);
	return usage_error(cmd, "unrecognized option '%s'", arg);
}

/*
 * The next option of a subcommand, from its own table: options and
 * arguments in any order, "--" ends the options. Returns the option's
 * .val, -1 at the end (arguments from optind on), or OPT_EXIT + the exit
 * code to end with (--help printed: 0; a usage error printed: 2).
 */
int cmd_getopt(const struct cmd *cmd, int argc, char **argv)
{
	char shorts[64];
	int c;

	short_opts(cmd->opts, shorts, sizeof(shorts));
	opterr = 0;
	c = getopt_long(argc, argv, shorts, cmd->opts, NULL);
	if (c == 'h') {
		cmd_usage(cmd, stdout);
		return OPT_EXIT;
	}
	if (c == ':') {
		return OPT_EXIT + usage_error(cmd, "option '%s' needs a value",
					      argv[optind - 1]);
	}
	if (c == '?')
		return OPT_EXIT + bad_option(cmd, argv);
	return c;
}

/* The arguments after the options: between @min and @max, named @what. */
int cmd_args(const struct cmd *cmd, int argc, char **argv, int min, int max,
	     const char *what)
{
	int n = argc - optind;

	if (n < min)
		return usage_error(cmd, "missing %s", what);
	if (n > max)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + max]);
	return 0;
}

/* Region names: the module's rule (include/uapi/linux/ipcx.h), checked first. */
int check_name(const struct cmd *cmd, const char *name)
{
	size_t len = strlen(name);

	if (!len || len > IPCX_NAME_MAX || strchr(name, '/'))
		return usage_error(cmd, "invalid region name '%s': %s", name,
				   !len ? "empty" : len > IPCX_NAME_MAX ?
				   "longer than 255 bytes" : "a name may not hold '/'");
	return 0;
}

static const char *dev_path(void)
{
	const char *path = getenv("IPCX_DEVICE");

	return path && *path ? path : IPCX_DEVICE_PATH;
}

/* Open the control plane, or say why not (returns an exit code). */
int open_nl_or_explain(struct ipcx_nl **nl)
{
	int ret = ipcx_nl_open(nl);

	if (!ret)
		return 0;
	if (ret == -ENOENT && access(dev_path(), F_OK))
		fprintf(stderr, "ipcx: the ipcx module is not loaded (no %s, no \"%s\" "
			"netlink family): modprobe ipcx\n", dev_path(),
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

/* Open the device, or say why not (returns an fd or -EXIT_NODEV). */
static int open_dev_or_explain(void)
{
	int fd = ipcx_open_dev(0);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT)
		fprintf(stderr, "ipcx: %s not found: the ipcx module is not loaded "
			"(modprobe ipcx)\n", dev_path());
	else
		fprintf(stderr, "ipcx: cannot open %s: %s (its mode: the module's "
			"dev_mode parameter, or udev)\n", dev_path(), strerror(-fd));
	return -EXIT_NODEV;
}

/* Is the device there and open to us? 0, or the exit code after saying why. */
int probe_dev(void)
{
	int fd = open_dev_or_explain();

	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

/*
 * An error of an operation the module answered, with its cause and the
 * rule or limit involved (the library's texts also cover "module not
 * loaded", which cannot be the cause here).
 */
const char *explain(int err)
{
	switch (-err) {
	case ENOENT:
		return "no such region in this IPC namespace";
	case EEXIST:
		return "a region of that name exists already";
	case EACCES:
		return "permission denied by the region's mode";
	case EPERM:
		return "not permitted: only the owner, the creator or CAP_SYS_ADMIN";
	case EFBIG:
		return "exceeds the module's size limit (max_region_bytes, "
		       "/sys/module/ipcx/parameters/)";
	case ENOSPC:
		return "region or byte budget of this namespace or user exhausted "
		       "(see `ipcx limits`)";
	case ENAMETOOLONG:
		return "name longer than 255 bytes";
	default:
		return ipcx_strerror(err);
	}
}

/* Print a failed operation (with the kernel's message) and pick the exit code. */
int report(const struct cmd *cmd, struct ipcx_nl *nl, const char *what, int err)
{
	const char *msg = nl ? ipcx_nl_errmsg(nl) : "";

	fprintf(stderr, "ipcx %s: %s: %s", cmd->name, what, explain(err));
	if (msg && *msg && strcasecmp(msg, explain(err)))	/* only what it adds */
		fprintf(stderr, " (module: %s)", msg);
	fputc('\n', stderr);
	return EXIT_FAILED;
}

static void feature_names(uint64_t f, char *buf, size_t len)
{
	static const char *const names[] = { "version", "regions", "locks", "death-event" };
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < 64 && n < len; i++) {
		if (!(f & (1ull << i)))
			continue;
		if (i < sizeof(names) / sizeof(names[0]))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
		else
			n += snprintf(buf + n, len - n, "%sbit%zu", n ? "," : "", i);
	}
}

static int cmd_version(const struct cmd *cmd, int argc, char **argv)
{
	struct ipcx_version ver;
	bool json = global_json;
	char feat[128];
	int c, fd, ret;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c >= OPT_EXIT)
			return c - OPT_EXIT;
		json = true;	/* -j, the only other option */
	}
	if (cmd_args(cmd, argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	if (json)
		printf("{\"tool\": \"%s\", \"library\": \"%d.%d\", \"abi_built\": \"%d.%d\"",
		       IPCX_VERSION, LIBIPCX_VERSION_MAJOR, LIBIPCX_VERSION_MINOR,
		       IPCX_ABI_MAJOR, IPCX_ABI_MINOR);
	else
		printf("ipcx %s (libipcx %d.%d, built for module ABI %d.%d)\n", IPCX_VERSION,
		       LIBIPCX_VERSION_MAJOR, LIBIPCX_VERSION_MINOR, IPCX_ABI_MAJOR,
		       IPCX_ABI_MINOR);
	fflush(stdout);
	fd = open_dev_or_explain();
	ret = fd < 0 ? fd : ipcx_get_version(fd, &ver);
	if (fd >= 0)
		close(fd);
	if (ret == 0) {
		feature_names(ver.features, feat, sizeof(feat));
		if (json)
			printf(", \"module\": {\"abi_major\": %u, \"abi_minor\": %u, "
			       "\"features\": %llu}}\n", ver.abi_major, ver.abi_minor,
			       (unsigned long long)ver.features);
		else
			printf("module: ABI %u.%u, features %#llx (%s)\n", ver.abi_major,
			       ver.abi_minor, (unsigned long long)ver.features, feat);
		return 0;
	}
	if (json)
		puts(", \"module\": null}");
	if (fd >= 0) {
		fprintf(stderr, "ipcx version: the module did not answer: %s\n",
			ipcx_strerror(ret));
		return EXIT_FAILED;
	}
	return EXIT_NODEV;
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int cmd_help(const struct cmd *cmd, int argc, char **argv)
{
	const struct cmd *which;
	int c;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1)
		return c - OPT_EXIT;	/* only --help and errors */
	if (cmd_args(cmd, argc, argv, 0, 1, ""))
		return EXIT_USAGE;
	if (optind == argc) {
		usage(stdout);
		return 0;
	}
	which = find_cmd(argv[optind]);
	if (!which)
		return usage_error(cmd, "unknown command '%s'", argv[optind]);
	cmd_usage(which, stdout);
	return 0;
}

/* Options before the subcommand; returns the subcommand's index in argv. */
static int global_opts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		HELP_OPTION, END_OPTION
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jVh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			global_json = true;
			break;
		case 'V':
			printf("ipcx %s (libipcx %d.%d, built for module ABI %d.%d)\n",
			       IPCX_VERSION, LIBIPCX_VERSION_MAJOR, LIBIPCX_VERSION_MINOR,
			       IPCX_ABI_MAJOR, IPCX_ABI_MINOR);
			return -OPT_EXIT;
		case 'h':
			usage(stdout);
			return -OPT_EXIT;
		default:
			return -OPT_EXIT - bad_option(NULL, argv);
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;
	int first;

	first = global_opts(argc, argv);
	if (first < 0)
		return -first - OPT_EXIT;
	if (first == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_cmd(argv[first]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[first]);
	optind = 0;	/* a fresh getopt scan of the subcommand's arguments */
	return cmd->run(cmd, argc - first, argv + first);
}
