// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the mechanism files: whole-buffer I/O, sysctls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

int errno_neg(void)
{
	return errno ? -errno : -EIO;
}

/* Write all of buf: pipes and stream sockets may take it in pieces. */
int io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno_neg() : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; end of file before that is -EPIPE. */
int io_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno_neg() : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Close *fd once and mark it closed. */
int fd_close(int *fd)
{
	int rc = 0;

	if (*fd >= 0 && close(*fd) < 0)
		rc = errno_neg();
	*fd = -1;
	return rc;
}

/* A number from a /proc/sys file, or dflt when it cannot be read. */
size_t sysctl_size(const char *path, size_t dflt)
{
	unsigned long long v;
	FILE *f = fopen(path, "r");

	if (!f)
		return dflt;
	if (fscanf(f, "%llu", &v) != 1)
		v = dflt;
	fclose(f);
	return (size_t)v;
}

/*
 * A path under $TMPDIR (or /tmp) naming this process, the object that will
 * own it (distinct live owners get distinct paths) and `what`.
 */
int tmp_path(char *buf, size_t len, const char *what, const void *owner)
{
	const char *dir = getenv("TMPDIR");
	int n;

	n = snprintf(buf, len, "%s/ipcx-bench-%d-%p-%s", dir && *dir ? dir : "/tmp",
		     (int)getpid(), owner, what);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
