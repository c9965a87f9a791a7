// SPDX-License-Identifier: GPL-2.0
/*
 * FIFO demo, reader side (the owner). usage: fifo_reader [DIR]
 *
 * Replaces a FIFO a killed run left at DIR/demo.fifo, creates a fresh one,
 * opens it for reading (blocks until a writer opens it, or the time limit),
 * reads length-prefixed records until end of file and removes the FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
	char path[4096], *buf = malloc(DEMO_LEN);
	ssize_t n = -1;
	int fd;

	if (!buf)
		demo_die("malloc");
	demo_time_limit();
	demo_path(path, sizeof(path), argc, argv, "demo.fifo");
	if (unlink(path) < 0 && errno != ENOENT)
		demo_die("unlink stale FIFO");
	if (mkfifo(path, 0600) < 0)
		demo_die("mkfifo");
	demo_ready();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = recv_records(fd, buf, DEMO_LEN);
		if (n < 0)
			perror("reading records");
		if (close(fd) < 0)
			demo_die("close");
	} else {
		perror("open FIFO (waiting for a writer)");
	}
	if (unlink(path) < 0)
		demo_die("unlink FIFO");
	if (n < 0)
		return 1;
	demo_report("received", buf, (size_t)n);
	free(buf);
	return 0;
}
