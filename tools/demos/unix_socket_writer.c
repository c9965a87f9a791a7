// SPDX-License-Identifier: GPL-2.0
/*
 * Unix domain socket demo, writer side (the client).
 * usage: unix_socket_writer [DIR]
 *
 * Connects to DIR/demo.sock, retrying while there is no socket file
 * (ENOENT) or nobody listens on it (ECONNREFUSED: a file left by a dead
 * server), writes length-prefixed records, then closes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i, fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		demo_die(path);
	}
	strcpy(sa.sun_path, path);
	for (i = 0; i < DEMO_TIMEOUT_S * 100; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			demo_die("socket");
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (errno != ENOENT && errno != ECONNREFUSED)
			demo_die("connect");
		if (close(fd) < 0)
			demo_die("close");
		demo_sleep_ms(10);
	}
	errno = ETIMEDOUT;
	demo_die(path);
}

int main(int argc, char **argv)
{
	char path[4096];

	signal(SIGPIPE, SIG_IGN);
	demo_path(path, sizeof(path), argc, argv, "demo.sock");
	demo_send_stream(connect_to(path));
	return 0;
}
