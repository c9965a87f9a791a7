// SPDX-License-Identifier: GPL-2.0
/*
 * FIFO demo, writer side. usage: fifo_writer [DIR]
 *
 * Opens DIR/demo.fifo for writing without blocking, retrying while there
 * is no FIFO (ENOENT) or no reader yet (ENXIO), so a FIFO left by a dead
 * reader makes it wait for a live one instead of hanging. Then writes
 * length-prefixed records and closes (end of file for the reader).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

static int open_writer(const char *path)
{
	int i, fd;

	for (i = 0; i < DEMO_TIMEOUT_S * 100; i++) {
		fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			if (fcntl(fd, F_SETFL, 0) < 0)	/* blocking writes from here */
				demo_die("fcntl");
			return fd;
		}
		if (errno != ENOENT && errno != ENXIO)
			demo_die(path);
		demo_sleep_ms(10);
	}
	errno = ETIMEDOUT;
	demo_die(path);
}

int main(int argc, char **argv)
{
	char path[4096];

	signal(SIGPIPE, SIG_IGN);
	demo_path(path, sizeof(path), argc, argv, "demo.fifo");
	demo_send_stream(open_writer(path));
	return 0;
}
