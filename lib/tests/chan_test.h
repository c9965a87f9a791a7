/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the channel's unit tests (chan_ring_test.c, chan_dead_test.c)
 * share: a region formatted as a channel in shared memory, endpoints
 * opened on it, its slots and indices, a harness error (TAP "Bail out!").
 */
#ifndef IPCX_CHAN_TEST_H
#define IPCX_CHAN_TEST_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel/channel.h"
#include "kstubs.h"
#include "tap.h"

#define NO_FD		0	/* the stand-ins ignore the device fd */
#define NB		IPCX_CHAN_NONBLOCK
#define MAX_MSG		40

struct region {
	char *base;
	uint64_t size;
	struct ipcx_chan_attr a;
};

static inline void bail(const char *what, int rc)
{
	printf("Bail out! %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

static inline struct chan_hdr *hdr(struct region *r)
{
	return (struct chan_hdr *)r->base;
}

static inline void region_make(struct region *r, uint32_t flags, uint32_t cap, uint32_t ntx,
			uint32_t nrx)
{
	int rc;

	r->a = (struct ipcx_chan_attr){ flags, flags & IPCX_CHAN_STREAM ? 0 : MAX_MSG, cap,
					ntx, nrx };
	rc = ipcx_chan_size(&r->a, &r->size);
	if (rc)
		bail("ipcx_chan_size", rc);
	r->base = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED)
		bail("mmap", errno);
	rc = ipcx_chan_init(NO_FD, r->base, r->size, &r->a);
	if (rc)
		bail("ipcx_chan_init", rc);
}

static inline void region_drop(struct region *r)
{
	munmap(r->base, r->size);
}

static inline struct ipcx_chan *chan_open(struct region *r, unsigned int role)
{
	struct ipcx_chan *c;
	int rc = ipcx_chan_open(NO_FD, r->base, r->size, role, &c);

	if (rc)
		bail("ipcx_chan_open", rc);
	return c;
}

/* The slot that holds position pos. */
static inline struct chan_slot *slot_of(struct region *r, uint64_t pos)
{
	struct chan_hdr *h = hdr(r);

	return (struct chan_slot *)(r->base + h->ring_off +
				    (pos & (h->capacity - 1)) * h->slot_size);
}

/*
 * Head and tail at pos, the ring empty, every slot as the last lap left
 * it (a queue's slot free for its position, an SPSC slot published a lap
 * before): the state after pos messages went through.
 */
static inline void region_at(struct region *r, uint64_t pos)
{
	struct chan_hdr *h = hdr(r);
	int spsc = !(h->flags & IPCX_CHAN_STREAM) && h->max_senders == 1 &&
		   h->max_receivers == 1;
	uint64_t p;

	h->tail = pos;
	h->head = pos;
	if (h->flags & IPCX_CHAN_STREAM)
		return;
	for (p = pos; p != pos + h->capacity; p++)
		slot_of(r, p)->seq = spsc ? p + 1 - h->capacity : p;
}

static inline void pattern(char *buf, size_t len, uint64_t n)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(n * 31 + i * 7 + 1);
}

#endif
