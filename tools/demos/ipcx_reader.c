// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx shared memory with its built-in lock, reader side (the owner).
 * usage: ipcx_reader [DIR]
 *
 * Creates the region "demo-<dir>" with the AUTO_REMOVE lifetime: the name
 * goes when the last user goes, however it ended, so a killed run leaves
 * nothing behind and the next one starts clean. Declares a robust mutex
 * and an event inside it, then waits on the event (a condition variable
 * with the mutex) until the writer has filled the data.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"
#include "common.h"
#include "ipcx_demo.h"

static void die_ipcx(const char *what, int err)
{
	fprintf(stderr, "ipcx_reader: %s: %s\n", what, ipcx_strerror(err));
	_exit(1);
}

int main(int argc, char **argv)
{
	struct ipcx_demo *d;
	struct ipcx_mutex m;
	struct ipcx_event e;
	struct timespec dl;
	char name[IPCX_NAME_MAX + 1];
	void *base;
	int fd, ret, rc = 0;

	ipcx_demo_name(name, sizeof(name), argc, argv);
	fd = ipcx_region_create(name, sizeof(*d), 0600, IPCX_LIFETIME_AUTO_REMOVE,
				IPCX_OPEN_EXCL);
	if (fd < 0)
		die_ipcx("create", fd);
	ret = ipcx_region_map(fd, sizeof(*d), PROT_READ | PROT_WRITE, &base);
	if (ret)
		die_ipcx("map", ret);
	d = base;
	ret = ipcx_mutex_init(&m, fd, base, IPCX_DEMO_MUTEX);
	if (!ret)
		ret = ipcx_event_init(&e, fd, base, IPCX_DEMO_EVENT);
	if (ret)
		die_ipcx("lock init", ret);
	demo_ready();

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += DEMO_TIMEOUT_S;
	ret = ipcx_mutex_lock(&m);
	while (ret == 0 && d->state != IPCX_DEMO_FULL)
		ret = ipcx_cond_wait(&e, &m, &dl, CLOCK_MONOTONIC);
	if (ret == -EOWNERDEAD) {
		/* the writer died holding the lock: the data is not to be trusted */
		fprintf(stderr, "ipcx_reader: the writer died mid-message\n");
		ipcx_mutex_consistent(&m);
		rc = 1;
	} else if (ret) {
		fprintf(stderr, "ipcx_reader: waiting: %s\n", ipcx_strerror(ret));
		rc = 1;
	} else {
		demo_report("received", d->data, d->len <= DEMO_LEN ? d->len : 0);
	}
	if (ret == 0 || ret == -EOWNERDEAD)
		ipcx_mutex_unlock(&m);
	/* last user gone: AUTO_REMOVE takes the name and the memory with it */
	if (ipcx_region_unmap(base, sizeof(*d)) || ipcx_region_close(fd))
		demo_die("cleanup");
	return rc;
}
