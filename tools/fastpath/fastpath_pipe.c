// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fastpath (see chan_fastpath.c): what the channel is compared
 * with, timed the same way: a pipe round trip and one-way throughput, and
 * one process's memcpy.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"
#include "kstubs.h"
#include "chan_fastpath.h"

/* ---- pipes and memcpy ---------------------------------------------------- */

static int fds[4];	/* pipe 0 -> 1 (fds 0, 1), 1 -> 0 (fds 2, 3) */

static void full(ssize_t (*io)(int, void *, size_t), int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = io(fd, (char *)buf + done, len - done);

		if (n <= 0)
			die("pipe", n < 0 ? errno : EPIPE);
		done += (size_t)n;
	}
}

static ssize_t wr(int fd, void *buf, size_t len)
{
	return write(fd, buf, len);
}

static void pipe_echo(void *arg)
{
	char buf[SMALL];
	long i, n = (long)(batches + 1) * BATCH;

	(void)arg;
	for (i = 0; i < n; i++) {
		full(read, fds[0], buf, SMALL);
		full(wr, fds[3], buf, SMALL);
	}
}

double pipe_roundtrip(void)
{
	char buf[SMALL] = { 0 };
	uint64_t t0;
	int b, i;
	pid_t pid;

	if (pipe(fds) || pipe(fds + 2))
		die("pipe", errno);
	pid = other_side(pipe_echo, NULL);
	for (b = -1; b < batches; b++) {
		t0 = now_ns();
		for (i = 0; i < BATCH; i++) {
			full(wr, fds[1], buf, SMALL);
			full(read, fds[2], buf, SMALL);
		}
		if (b >= 0)
			sh->t[b] = (double)(now_ns() - t0) / BATCH;
	}
	reap(pid);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	return median(sh->t, batches);
}

static void pipe_sink(void *arg)
{
	char *buf = aligned_alloc(64, BIG);
	uint64_t s = 0;
	int i;

	(void)arg;
	if (!buf)
		die("malloc", ENOMEM);
	for (i = 0; i < tp_msgs; i++) {
		full(read, fds[0], buf, BIG);
		s += sum_words(buf, BIG);
	}
	sh->sink_sum = s;
	sh->sink_end = now_ns();
	free(buf);
}

double pipe_throughput(void)
{
	char *buf = aligned_alloc(64, BIG);
	uint64_t t0;
	int i;
	pid_t pid;

	if (!buf || pipe(fds))
		die("pipe", errno);
	memset(buf, 0x5a, BIG);
	pid = other_side(pipe_sink, NULL);
	t0 = now_ns();
	for (i = 0; i < tp_msgs; i++)
		full(wr, fds[1], buf, BIG);
	reap(pid);
	close(fds[0]);
	close(fds[1]);
	free(buf);
	return gbps(t0, sh->sink_end);
}

/* One process copies each message out of a 4 MiB ring and sums it. */
double memcpy_throughput(void)
{
	char *ring = aligned_alloc(64, RING_BYTES), *buf = aligned_alloc(64, BIG);
	uint64_t t0, s = 0;
	int i;

	if (!ring || !buf)
		die("malloc", ENOMEM);
	memset(ring, 0x5a, RING_BYTES);
	pin(cpu[0]);
	t0 = now_ns();
	for (i = 0; i < tp_msgs; i++) {
		memcpy(buf, ring + (size_t)(i % (RING_BYTES / BIG)) * BIG, BIG);
		s += sum_words(buf, BIG);
	}
	sh->sink_end = now_ns();
	if (!s)
		die("memcpy sum", EPROTO);
	free(ring);
	free(buf);
	return gbps(t0, sh->sink_end);
}
