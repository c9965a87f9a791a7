// SPDX-License-Identifier: GPL-2.0
/*
 * examples/channel.c: messages from one process to another over an ipcx
 * channel.
 *
 * The parent formats an anonymous region as a channel and starts a child
 * that receives; the parent sends ten numbered messages and closes its end,
 * and the child reads until end of file (0) and checks every message.
 *
 *   cc channel.c $(pkg-config --cflags --libs ipcx) -o channel
 */
#include <libipcx.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MESSAGES 10

static int fail(const char *what, int err)
{
	fprintf(stderr, "channel: %s: %s\n", what, ipcx_strerror(err));
	return 1;
}

static int receiver(int fd, void *base, uint64_t size)
{
	struct ipcx_chan *ch;
	char buf[64], want[64];
	int ret, n = 0;

	ret = ipcx_chan_open(fd, base, size, IPCX_CHAN_RECV, &ch);
	if (ret)
		return fail("open receiver", ret);
	while ((ret = ipcx_chan_recv(ch, buf, sizeof(buf) - 1, 0, NULL,
				     CLOCK_MONOTONIC)) > 0) {
		buf[ret] = '\0';
		snprintf(want, sizeof(want), "message %d", n++);
		if (strcmp(buf, want))
			return fail("unexpected message", -EBADMSG);
	}
	if (ret < 0)
		return fail("recv", ret);
	printf("receiver %d: %d messages, then end of file\n", (int)getpid(), n);
	ipcx_chan_close(ch);
	return n != MESSAGES;
}

int main(void)
{
	struct ipcx_chan_attr attr = {
		.max_msg = 64, .capacity = 8, .max_senders = 1, .max_receivers = 1,
	};
	struct ipcx_chan *ch;
	uint64_t size;
	char msg[64];
	int fd, ret, i, status;
	void *base;
	pid_t pid;

	ret = ipcx_chan_size(&attr, &size);
	if (ret)
		return fail("size", ret);
	fd = ipcx_region_create(NULL, size, 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
	if (fd < 0)
		return fail("create", fd);
	ret = ipcx_region_map(fd, size, PROT_READ | PROT_WRITE, &base);
	if (!ret)
		ret = ipcx_chan_init(fd, base, size, &attr);
	if (ret)
		return fail("init", ret);
	ret = ipcx_chan_open(fd, base, size, IPCX_CHAN_SEND, &ch);
	if (ret)
		return fail("open sender", ret);

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return fail("fork", -errno);
	if (pid == 0)
		exit(receiver(fd, base, size));
	for (i = 0; i < MESSAGES; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		ret = ipcx_chan_send(ch, msg, strlen(msg), 0, NULL, CLOCK_MONOTONIC);
		if (ret < 0)
			return fail("send", ret);
	}
	ipcx_chan_close(ch);		/* the receiver sees end of file */
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail("receiver", -EPROTO);
	printf("sender %d: %d messages sent\n", (int)getpid(), MESSAGES);
	return 0;
}
