/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Channels made of file descriptors (pipes, FIFOs, sockets, eventfds,
 * POSIX message queues): fd[side][FD_RX] and fd[side][FD_TX] are what side
 * reads and writes. The setup of each family fills them in; attach() in a
 * worker closes the other side's descriptors.
 */
#ifndef IPCX_BENCH_FDCHAN_H
#define IPCX_BENCH_FDCHAN_H

#include "bench.h"

#define FD_RX 0
#define FD_TX 1

enum fd_framing {
	FRAME_STREAM,	/* fixed-size records, read in a loop */
	FRAME_DGRAM,	/* one send per message, boundaries kept */
};

struct fd_chan {
	int fd[2][2];
	enum fd_framing framing;
};

struct fd_chan *fdchan_new(struct bench_chan *ch, enum fd_framing framing);
void fdchan_teardown(struct bench_chan *ch);
int fdchan_attach(struct bench_chan *ch, int side);
int fdchan_send(struct bench_chan *ch, int side, const void *buf, size_t len);
int fdchan_recv(struct bench_chan *ch, int side, void *buf, size_t len);

/* side 0 talks on a, side 1 on b (socket pairs: one fd both ways) */
void fdchan_pair(struct fd_chan *c, int a, int b);

#define FDCHAN_OPS \
	.teardown = fdchan_teardown, \
	.attach = fdchan_attach, \
	.send = fdchan_send, \
	.recv = fdchan_recv

#endif
