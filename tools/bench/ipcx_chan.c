// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan: libipcx channels (ipcx_channel(3)), one per direction, each
 * in its own anonymous region: message rings that sleep on ipcx events
 * only when full or empty, so a send is a copy and a few atomics unless
 * the other side sleeps. ipcx-chan-zc: the same channels, the throughput
 * receiver reading each message in the ring (ipcx_chan_recv_view()), so a
 * message is copied once, by its sender.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "bench.h"

struct chan_priv {
	int fd[2];		/* region of direction d (side d sends) */
	void *base[2];
	uint64_t size[2];
	struct ipcx_chan *tx, *rx;	/* this worker's handles */
};

extern const struct bench_mech bench_mech_ipcx;

/* Same needs as the ipcx row: /dev/ipcx with locks. */
static int chan_available(char *why, size_t len)
{
	return bench_mech_ipcx.available(why, len);
}

static int chan_region(struct chan_priv *p, int d, const struct ipcx_chan_attr *a)
{
	int rc = ipcx_chan_size(a, &p->size[d]);

	if (rc)
		return rc;
	p->size[d] = (p->size[d] + 4095) & ~4095ull;
	rc = ipcx_region_create(NULL, p->size[d], 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
	if (rc < 0)
		return rc;
	p->fd[d] = rc;
	rc = ipcx_region_map(p->fd[d], 0, PROT_READ | PROT_WRITE, &p->base[d]);
	if (rc)
		return rc;
	return ipcx_chan_init(p->fd[d], p->base[d], p->size[d], a);
}

static int chan_setup(struct bench_chan *ch)
{
	struct ipcx_chan_attr a = { 0, 0, 4, 1, 1 };
	struct chan_priv *p = calloc(1, sizeof(*p));
	int d, rc = 0;

	if (!p)
		return -ENOMEM;
	p->fd[0] = p->fd[1] = -1;
	a.max_msg = ch->max_msg ? ch->max_msg : 64;
	/* about 4 MiB of ring, 4 to 256 slots */
	while (a.capacity < 256 && (uint64_t)a.capacity * 2 * (a.max_msg + 64) <= (4u << 20))
		a.capacity *= 2;
	ch->priv = p;
	for (d = 0; d < 2 && !rc; d++)
		rc = chan_region(p, d, &a);
	return rc;
}

static void chan_teardown(struct bench_chan *ch)
{
	struct chan_priv *p = ch->priv;
	int d;

	if (!p)
		return;
	for (d = 0; d < 2; d++) {
		if (p->base[d])
			munmap(p->base[d], p->size[d]);
		if (p->fd[d] >= 0)
			close(p->fd[d]);
	}
	free(p);
	ch->priv = NULL;
}

/* Side s sends on direction s and receives on direction !s. */
static int chan_attach(struct bench_chan *ch, int side)
{
	struct chan_priv *p = ch->priv;
	int rc;

	rc = ipcx_chan_open(p->fd[side], p->base[side], p->size[side], IPCX_CHAN_SEND, &p->tx);
	if (rc)
		return rc;
	return ipcx_chan_open(p->fd[!side], p->base[!side], p->size[!side],
			      IPCX_CHAN_RECV, &p->rx);
}

static int chan_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct chan_priv *p = ch->priv;
	int rc;

	(void)side;
	do {
		rc = ipcx_chan_send(p->tx, buf, len, 0, NULL, 0);
	} while (rc == -EINTR);
	return rc < 0 ? rc : 0;
}

/* A receive's result as the bench wants it: 0 for a message of len bytes. */
static int chan_got(int rc, size_t len)
{
	if (rc == 0)
		return -EPIPE;
	return rc < 0 ? rc : ((size_t)rc == len ? 0 : -EMSGSIZE);
}

static int chan_recv(struct bench_chan *ch, int side, void *buf, size_t len)
{
	struct chan_priv *p = ch->priv;
	int rc;

	(void)side;
	do {
		rc = ipcx_chan_recv(p->rx, buf, len, 0, NULL, 0);
	} while (rc == -EINTR);
	return chan_got(rc, len);
}

/* The message where it lies in the ring, until chan_release(). */
static int chan_recv_view(struct bench_chan *ch, int side, const void **buf, size_t len)
{
	struct chan_priv *p = ch->priv;
	int rc;

	(void)side;
	do {
		rc = ipcx_chan_recv_view(p->rx, buf, 0, NULL, 0);
	} while (rc == -EINTR);
	if (rc > 0 && (size_t)rc != len)
		ipcx_chan_release(p->rx);
	return chan_got(rc, len);
}

static int chan_release(struct bench_chan *ch, int side)
{
	struct chan_priv *p = ch->priv;

	(void)side;
	return ipcx_chan_release(p->rx);
}

const struct bench_mech bench_mech_ipcx_chan = {
	.name = "ipcx-chan",
	.family = "ipcx channel",
	.desc = "libipcx channel: message ring sleeping on ipcx events (/dev/ipcx)",
	.caps = CAP_MSG | CAP_BULK,
	.available = chan_available,
	.setup = chan_setup,
	.teardown = chan_teardown,
	.attach = chan_attach,
	.send = chan_send,
	.recv = chan_recv,
};

/* Throughput only: the round trips and wake-ups are ipcx-chan's. */
const struct bench_mech bench_mech_ipcx_chan_zc = {
	.name = "ipcx-chan-zc",
	.family = "ipcx channel",
	.desc = "libipcx channel, the receiver reading in place (ipcx_chan_recv_view)",
	.caps = CAP_BULK,
	.available = chan_available,
	.setup = chan_setup,
	.teardown = chan_teardown,
	.attach = chan_attach,
	.send = chan_send,
	.recv = chan_recv,
	.recv_view = chan_recv_view,
	.release = chan_release,
};
