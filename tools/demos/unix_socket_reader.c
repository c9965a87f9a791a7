// SPDX-License-Identifier: GPL-2.0
/*
 * Unix domain socket demo, reader side (the server).
 * usage: unix_socket_reader [DIR]
 *
 * Removes a socket file a killed run left at DIR/demo.sock, binds and
 * listens there, accepts one connection (address length initialised; the
 * time limit interrupts a wait with no client), reads length-prefixed
 * records until the client closes, and removes the socket file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		demo_die(path);
	}
	strcpy(sa.sun_path, path);
	if (unlink(path) < 0 && errno != ENOENT)
		demo_die("unlink stale socket");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		demo_die("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		demo_die("bind");
	if (listen(fd, 1) < 0)
		demo_die("listen");
	return fd;
}

/* Accept one client and read its records; -1 on failure. */
static ssize_t serve(int lfd, char *buf)
{
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	int cfd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	ssize_t n;

	if (cfd < 0) {
		perror("accept (waiting for a writer)");
		return -1;
	}
	n = recv_records(cfd, buf, DEMO_LEN);
	if (n < 0)
		perror("reading records");
	if (close(cfd) < 0)
		demo_die("close");
	return n;
}

int main(int argc, char **argv)
{
	char path[4096], *buf = malloc(DEMO_LEN);
	ssize_t n;
	int lfd;

	if (!buf)
		demo_die("malloc");
	demo_time_limit();
	demo_path(path, sizeof(path), argc, argv, "demo.sock");
	lfd = listen_at(path);
	demo_ready();
	n = serve(lfd, buf);
	if (close(lfd) < 0 || unlink(path) < 0)
		demo_die("cleanup");
	if (n < 0)
		return 1;
	demo_report("received", buf, (size_t)n);
	free(buf);
	return 0;
}
