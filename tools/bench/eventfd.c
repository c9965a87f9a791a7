// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd: one per direction. An eventfd carries a 64-bit counter, not a
 * byte stream, so it only does 8-byte messages (the payload's first word,
 * never 0) and strict ping-pong: queued writes would add up.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fdchan.h"

static size_t efd_limit(void)
{
	return 8;
}

static int efd_setup(struct bench_chan *ch)
{
	struct fd_chan *c = fdchan_new(ch, FRAME_STREAM);
	int e0, e1 = -1, rc = 0;

	if (!c)
		return -ENOMEM;
	e0 = eventfd(0, EFD_CLOEXEC);
	if (e0 < 0 || (e1 = eventfd(0, EFD_CLOEXEC)) < 0)
		rc = errno_neg();
	/* dir 0 (side 0 -> 1) is e0, dir 1 is e1 */
	c->fd[0][FD_TX] = e0;
	c->fd[1][FD_RX] = e0 < 0 ? -1 : dup(e0);
	c->fd[1][FD_TX] = e1;
	c->fd[0][FD_RX] = e1 < 0 ? -1 : dup(e1);
	if (!rc && (c->fd[1][FD_RX] < 0 || c->fd[0][FD_RX] < 0))
		rc = errno_neg();
	if (rc)
		fdchan_teardown(ch);
	return rc;
}

static int efd_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct fd_chan *c = ch->priv;
	uint64_t v;

	if (len != 8)
		return -EMSGSIZE;
	memcpy(&v, buf, 8);
	if (!v)
		return -EINVAL;
	return io_write_all(c->fd[side][FD_TX], &v, 8);
}

const struct bench_mech bench_mech_eventfd = {
	.name = "eventfd",
	.family = "event counter",
	.desc = "two eventfds (8-byte counter values)",
	.caps = CAP_MSG,
	.msg_limit = efd_limit,
	.setup = efd_setup,
	.teardown = fdchan_teardown,
	.attach = fdchan_attach,
	.send = efd_send,
	.recv = fdchan_recv,
};
