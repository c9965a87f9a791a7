// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx shared memory with its built-in lock, writer side.
 * usage: ipcx_writer [DIR]
 *
 * Opens the reader's region "demo-<dir>" (retrying until it exists), fills
 * the data under the region's robust mutex and signals the event. Creates
 * nothing, so it has nothing to clean up; if it died holding the mutex the
 * kernel would release it and tell the reader (EOWNERDEAD).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libipcx.h"
#include "common.h"
#include "ipcx_demo.h"

static void die_ipcx(const char *what, int err)
{
	fprintf(stderr, "ipcx_writer: %s: %s\n", what, ipcx_strerror(err));
	_exit(1);
}

int main(int argc, char **argv)
{
	char name[IPCX_NAME_MAX + 1];
	struct ipcx_demo *d;
	struct ipcx_mutex m;
	struct ipcx_event e;
	void *base;
	int fd, ret, i;

	ipcx_demo_name(name, sizeof(name), argc, argv);
	for (i = 0; (fd = ipcx_region_open(name, 0)) == -ENOENT; i++) {
		if (i >= DEMO_TIMEOUT_S * 100)
			die_ipcx("open", fd);
		demo_sleep_ms(10);
	}
	if (fd < 0)
		die_ipcx("open", fd);
	ret = ipcx_region_map(fd, sizeof(*d), PROT_READ | PROT_WRITE, &base);
	if (ret)
		die_ipcx("map", ret);
	d = base;
	ret = ipcx_mutex_attach(&m, fd, base, IPCX_DEMO_MUTEX);
	if (!ret)
		ret = ipcx_event_attach(&e, fd, base, IPCX_DEMO_EVENT);
	if (!ret)
		ret = ipcx_mutex_lock(&m);
	if (ret == -EOWNERDEAD)		/* a previous writer died: start over */
		ret = ipcx_mutex_consistent(&m);
	if (ret)
		die_ipcx("lock", ret);
	demo_payload(d->data, DEMO_LEN);
	d->len = DEMO_LEN;
	d->state = IPCX_DEMO_FULL;
	demo_report("sent", d->data, d->len);
	ret = ipcx_mutex_unlock(&m);
	if (!ret)
		ret = ipcx_event_broadcast(&e) < 0 ? -EIO : 0;
	if (ret)
		die_ipcx("unlock/signal", ret);
	if (ipcx_region_unmap(base, sizeof(*d)) || ipcx_region_close(fd))
		demo_die("cleanup");
	return 0;
}
