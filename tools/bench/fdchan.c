// SPDX-License-Identifier: GPL-2.0
/* Channels of file descriptors (see fdchan.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdchan.h"

struct fd_chan *fdchan_new(struct bench_chan *ch, enum fd_framing framing)
{
	struct fd_chan *c = malloc(sizeof(*c));
	int s, d;

	if (!c)
		return NULL;
	for (s = 0; s < 2; s++)
		for (d = 0; d < 2; d++)
			c->fd[s][d] = -1;
	c->framing = framing;
	ch->priv = c;
	return c;
}

void fdchan_pair(struct fd_chan *c, int a, int b)
{
	c->fd[0][FD_RX] = c->fd[0][FD_TX] = a;
	c->fd[1][FD_RX] = c->fd[1][FD_TX] = b;
}

/* Close every descriptor of side once (RX and TX may be the same fd). */
static void close_side(struct fd_chan *c, int side)
{
	int *fd = c->fd[side];

	if (fd[FD_TX] == fd[FD_RX])
		fd[FD_TX] = -1;
	fd_close(&fd[FD_RX]);
	fd_close(&fd[FD_TX]);
}

void fdchan_teardown(struct bench_chan *ch)
{
	struct fd_chan *c = ch->priv;

	if (!c)
		return;
	close_side(c, 0);
	close_side(c, 1);
	free(c);
	ch->priv = NULL;
}

int fdchan_attach(struct bench_chan *ch, int side)
{
	struct fd_chan *c = ch->priv;

	close_side(c, !side);
	return 0;
}

int fdchan_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct fd_chan *c = ch->priv;
	int fd = c->fd[side][FD_TX];
	ssize_t n;

	if (c->framing == FRAME_STREAM)
		return io_write_all(fd, buf, len);
	do
		n = send(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_neg();
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int fdchan_recv(struct bench_chan *ch, int side, void *buf, size_t len)
{
	struct fd_chan *c = ch->priv;
	int fd = c->fd[side][FD_RX];
	ssize_t n;

	if (c->framing == FRAME_STREAM)
		return io_read_all(fd, buf, len);
	do
		n = recv(fd, buf, len, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_neg();
	return (size_t)n == len ? 0 : -EMSGSIZE;
}
