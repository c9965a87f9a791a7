/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the control plane's selftests (nl_events_test.c,
 * hostile_netlink_test.c, cli_test.c, cli_watch_test.c) share: waiting for
 * an event about one region, one-byte handshakes between parent and child,
 * module parameters, where the ipcx command is, running it and reading its
 * JSON (also waits_test.c).
 */
#ifndef IPCX_NL_TEST_HELPERS_H
#define IPCX_NL_TEST_HELPERS_H

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libipcx.h"
#include "lock_helpers.h"

/* the ipcx command: $IPCX_TOOL (e.g. the ASan build), else the normal one */
static inline const char *nh_tool(void)
{
	const char *t = getenv("IPCX_TOOL");

	return t && *t ? t : "build/tools/ipcx";
}

/*
 * Run @cmd through the shell, its stdout into @out (NUL-terminated, cut at
 * @len - 1); its exit status, -1 if it did not exit.
 */
static inline int nh_run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * In the ipcx command's JSON output, the number "KEY": N of the object that
 * holds "SEL_KEY": "SEL_VAL"; -1 if absent.
 */
static inline long long nh_json_field(const char *text, const char *sel_key,
				      const char *sel_val, const char *key)
{
	char want[160];
	const char *obj, *end, *p;

	snprintf(want, sizeof(want), "\"%s\": \"%s\"", sel_key, sel_val);
	obj = strstr(text, want);
	if (!obj)
		return -1;
	end = strchr(obj, '}');
	snprintf(want, sizeof(want), "\"%s\": ", key);
	p = strstr(obj, want);
	if (!p || (end && p > end))
		return -1;
	return strtoll(p + strlen(want), NULL, 10);
}

/* The next event about @name (others skipped) within @ms; type, 0 if none. */
static inline int nh_event_for(struct ipcx_nl *nl, const char *name, int ms,
			       struct ipcx_nl_event *ev)
{
	uint64_t end = lh_now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;

	for (;;) {
		int64_t left = (int64_t)(end - lh_now_ns(CLOCK_MONOTONIC)) / 1000000;
		int ret;

		if (left <= 0)
			return 0;
		ret = ipcx_nl_recv_event(nl, ev, (int)left);
		if (ret <= 0)
			return ret;
		if (!strcmp(ev->name, name))
			return (int)ev->type;
	}
}

static inline int nh_write_byte(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

static inline int nh_read_byte(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? c : -1;
}

/*
 * A child that takes @m and is SIGKILLed holding it (the death work then
 * releases it); its pid, reaped, or -1.
 */
static inline pid_t nh_holder_killed(struct ipcx_mutex *m)
{
	int pfd[2], ok;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (ipcx_mutex_lock(m) || nh_write_byte(pfd[1], 'x'))
			_exit(1);
		pause();
		_exit(2);
	}
	ok = pid > 0 && nh_read_byte(pfd[0]) == 'x';
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(pfd[0]);
	close(pfd[1]);
	return ok ? pid : -1;
}

/* A module parameter's value, or -1. */
static inline int nh_param_read(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static inline int nh_param_write(const char *path, int value)
{
	char buf[32];
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n", value);
	n = write(fd, buf, n) == n ? 0 : -1;
	close(fd);
	return n;
}

#endif /* IPCX_NL_TEST_HELPERS_H */
