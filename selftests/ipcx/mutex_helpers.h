/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mutex_test.c and mutex_death_test.c share: the mx fixture (a
 * mutex declared in an anonymous region, the state it guards) and a
 * holder in a child.
 */
#ifndef IPCX_MUTEX_HELPERS_H
#define IPCX_MUTEX_HELPERS_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(64 * 1024)
#define MUTEX_OFF	0
#define DATA_OFF	4096

FIXTURE(mx) {
	int fd;			/* /dev/ipcx attached to an anonymous region */
	void *base;		/* the region, mapped read-write */
	struct ipcx_mutex m;	/* a mutex declared at MUTEX_OFF */
	volatile uint64_t *data;	/* state the mutex protects, at DATA_OFF */
};

FIXTURE_SETUP(mx)
{
	LH_REGION_FIXTURE_SETUP(REGION_SIZE, DATA_OFF);
	ASSERT_EQ(0, ipcx_mutex_init(&self->m, self->fd, self->base, MUTEX_OFF));
}

FIXTURE_TEARDOWN(mx)
{
	LH_REGION_FIXTURE_TEARDOWN(REGION_SIZE);
}

static inline int take_mutex(void *m)
{
	return ipcx_mutex_lock(m);
}

static inline int release_mutex(void *m)
{
	return ipcx_mutex_unlock(m);
}

/* Fork a child that takes the mutex, reports on @ready, then sleeps. */
static inline pid_t hold_in_child(struct ipcx_mutex *m, int *ready_fd)
{
	return lh_holder(take_mutex, NULL, m, 0, ready_fd);
}

#endif
