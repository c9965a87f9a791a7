// SPDX-License-Identifier: GPL-2.0
/*
 * examples/region.c: two processes share a named ipcx region.
 *
 * The parent creates "example-region-PID" (removed automatically with its
 * last user), writes a greeting into it, and starts a child that opens the
 * region by name, read-only, and prints what it finds.
 *
 *   cc region.c $(pkg-config --cflags --libs ipcx) -o region
 */
#include <libipcx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what, int err)
{
	fprintf(stderr, "region: %s: %s\n", what, ipcx_strerror(err));
	return 1;
}

static int child(const char *name, const char *expected)
{
	char *p;
	int fd, ret;

	fd = ipcx_region_open(name, IPCX_OPEN_RDONLY);
	if (fd < 0)
		return fail("open", fd);
	ret = ipcx_region_map(fd, 0, PROT_READ, (void **)&p);
	if (ret)
		return fail("map", ret);
	printf("child %d read: %s\n", (int)getpid(), p);
	return strcmp(p, expected) != 0;
}

int main(void)
{
	char name[64], *p;
	int fd, ret, status;
	pid_t pid;

	snprintf(name, sizeof(name), "example-region-%d", (int)getpid());
	fd = ipcx_region_create(name, 4096, 0600, IPCX_LIFETIME_AUTO_REMOVE,
				IPCX_OPEN_EXCL);
	if (fd < 0)
		return fail("create", fd);
	ret = ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, (void **)&p);
	if (ret)
		return fail("map", ret);
	snprintf(p, 4096, "hello from %d", (int)getpid());

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return fail("fork", -1);
	if (pid == 0)
		exit(child(name, p));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail("child", -1);
	printf("parent %d: the child saw the region\n", (int)getpid());
	return ipcx_region_close(fd) ? 1 : 0;
}
