// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the demos (see common.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

void demo_payload(char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i * 7 + i / 64) % 26);
}

/* FNV-1a, 32 bits */
uint32_t demo_fnv(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void demo_report(const char *verb, const void *buf, size_t len)
{
	printf("%s bytes=%zu fnv=%08x\n", verb, len, demo_fnv(buf, len));
	fflush(stdout);
}

void demo_ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

void demo_die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

void demo_path(char *buf, size_t len, int argc, char **argv, const char *name)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";

	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		errno = ENAMETOOLONG;
		demo_die(dir);
	}
}

void demo_self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n < 0)
		demo_die("readlink /proc/self/exe");
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

void demo_time_limit(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: blocked calls return EINTR */
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		demo_die("sigaction");
	alarm(DEMO_TIMEOUT_S);
}

void demo_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

void demo_touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || close(fd) < 0)
		demo_die(path);
}

void demo_wait_for(const char *path)
{
	int i;

	for (i = 0; access(path, F_OK) < 0; i++) {
		if (errno != ENOENT)
			demo_die(path);
		if (i >= DEMO_TIMEOUT_S * 100) {
			errno = ETIMEDOUT;
			demo_die(path);
		}
		demo_sleep_ms(10);
	}
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Records of varying sizes, so readers see every kind of split. */
int send_records(int fd, const char *buf, size_t len)
{
	static const size_t sizes[] = { 1, 4093, 65536, 100, 20000 };
	size_t off = 0, i = 0;

	while (off < len) {
		size_t n = sizes[i++ % 5];
		uint32_t be;

		n = n < len - off ? n : len - off;
		be = htonl((uint32_t)n);
		if (write_all(fd, &be, sizeof(be)) < 0 || write_all(fd, buf + off, n) < 0)
			return -1;
		off += n;
	}
	return 0;
}

ssize_t recv_records(int fd, char *buf, size_t cap)
{
	size_t total = 0;

	for (;;) {
		uint32_t be;
		ssize_t n = read_all(fd, &be, sizeof(be));

		if (n == 0)
			return (ssize_t)total;	/* end of stream between records */
		if (n != sizeof(be))
			break;
		be = ntohl(be);
		if (be > cap - total) {
			errno = EMSGSIZE;
			return -1;
		}
		if (read_all(fd, buf + total, be) != (ssize_t)be)
			break;
		total += be;
	}
	if (!errno)
		errno = EPROTO;	/* the stream ended inside a record */
	return -1;
}

void demo_send_stream(int fd)
{
	char *buf = malloc(DEMO_LEN);

	if (!buf)
		demo_die("malloc");
	demo_payload(buf, DEMO_LEN);
	if (send_records(fd, buf, DEMO_LEN) < 0)
		demo_die("writing records");
	demo_report("sent", buf, DEMO_LEN);
	if (close(fd) < 0)
		demo_die("close");
	free(buf);
}
