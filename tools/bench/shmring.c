// SPDX-License-Identifier: GPL-2.0
/*
 * Rings over shared memory (see shmring.h). One producer and one consumer
 * per direction: prod is written by the sender only, cons by the receiver
 * only; the semaphores order the slot contents (their post/wait are full
 * barriers: syscalls or atomics).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shmring.h"

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static char *slot(struct shm_chan *c, int dir, uint64_t i)
{
	char *slots = (char *)c->hdr + round_up(sizeof(*c->hdr), 64);

	return slots + ((size_t)dir * c->slots + i % c->slots) * c->slot_size;
}

int shmring_setup(struct bench_chan *ch, const struct shm_sync *ops)
{
	struct shm_chan *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->ops = ops;
	c->id = c->fd = -1;
	c->slot_size = round_up(ch->max_msg ? ch->max_msg : 8, 64);
	c->slots = RING_BYTES / c->slot_size;
	if (c->slots < RING_MIN_SLOTS)
		c->slots = RING_MIN_SLOTS;
	if (c->slots > RING_MAX_SLOTS)
		c->slots = RING_MAX_SLOTS;
	c->len = SYNC_AREA + round_up(sizeof(*c->hdr), 64) + 2 * c->slots * c->slot_size;
	rc = ops->map(c, c->len);
	if (rc) {
		free(c);
		return rc;
	}
	c->sync = c->base;
	c->hdr = (struct ring_hdr *)(c->base + SYNC_AREA);
	memset(c->hdr, 0, sizeof(*c->hdr));
	rc = ops->init(c);
	if (rc) {
		ops->unmap(c);
		free(c);
		return rc;
	}
	ch->priv = c;
	return 0;
}

void shmring_teardown(struct bench_chan *ch)
{
	struct shm_chan *c = ch->priv;

	c->ops->destroy(c);
	c->ops->unmap(c);
	free(c);
	ch->priv = NULL;
}

int shmring_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct shm_chan *c = ch->priv;
	struct ring_dir *d = &c->hdr->dir[side];
	int rc;

	if (len > c->slot_size)
		return -EMSGSIZE;
	rc = c->ops->wait(c, side * 2 + SEM_EMPTY);
	if (rc)
		return rc;
	memcpy(slot(c, side, d->prod), buf, len);
	d->len[d->prod % c->slots] = len;
	d->prod++;
	return c->ops->post(c, side * 2 + SEM_FULL);
}

int shmring_recv(struct bench_chan *ch, int side, void *buf, size_t len)
{
	struct shm_chan *c = ch->priv;
	int dir = !side;
	struct ring_dir *d = &c->hdr->dir[dir];
	int rc;

	rc = c->ops->wait(c, dir * 2 + SEM_FULL);
	if (rc)
		return rc;
	if (d->len[d->cons % c->slots] != len)
		return -EMSGSIZE;
	memcpy(buf, slot(c, dir, d->cons), len);
	d->cons++;
	return c->ops->post(c, dir * 2 + SEM_EMPTY);
}

int shmring_lock(struct bench_chan *ch)
{
	struct shm_chan *c = ch->priv;

	return c->ops->lock(c);
}

int shmring_unlock(struct bench_chan *ch)
{
	struct shm_chan *c = ch->priv;

	return c->ops->unlock(c);
}

volatile uint64_t *shmring_counter(struct bench_chan *ch)
{
	struct shm_chan *c = ch->priv;

	return &c->hdr->counter;
}
