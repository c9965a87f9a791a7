/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What channel_test.c and channel_peers_test.c share: the chan fixture (a
 * region formatted as a channel) and attaching an endpoint in a child.
 */
#ifndef IPCX_CHANNEL_HELPERS_H
#define IPCX_CHANNEL_HELPERS_H

#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "lock_helpers.h"
#include "msg_helpers.h"
#include "kselftest_harness.h"

#define MAX_MSG		512

FIXTURE(chan) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	uint64_t size;		/* its size */
};

FIXTURE_SETUP(chan)
{
	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	close(self->fd);
	self->fd = -1;
}

FIXTURE_TEARDOWN(chan)
{
	if (self->fd >= 0) {
		munmap(self->base, self->size);
		close(self->fd);
	}
}

/* A region formatted as a channel with this geometry. */
static inline void make_chan(struct __test_metadata *_metadata, FIXTURE_DATA(chan) *self,
		     uint32_t flags, uint32_t max_msg, uint32_t cap,
		     uint32_t ntx, uint32_t nrx)
{
	struct ipcx_chan_attr a = { flags, max_msg, cap, ntx, nrx };

	ASSERT_EQ(0, ipcx_chan_size(&a, &self->size));
	self->size = (self->size + 4095) & ~4095ull;
	self->fd = lh_anon_region(self->size, &self->base);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, ipcx_chan_init(self->fd, self->base, self->size, &a));
}

/* In a child: attach as role, then say so on wfd (exit 1 on failure). */
static inline struct ipcx_chan *child_attach(FIXTURE_DATA(chan) *self, unsigned int role,
				     int wfd)
{
	struct ipcx_chan *ch;

	if (ipcx_chan_open(self->fd, self->base, self->size, role, &ch) ||
	    write(wfd, "x", 1) != 1)
		_exit(1);
	return ch;
}


static inline void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

#endif
