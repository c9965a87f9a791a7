// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx: an anonymous ipcx region paced by its built-in semaphores and
 * guarded by its built-in robust mutex -- the row the others are compared
 * with. The ring is the shared one (shmring.h); what is ipcx-specific is
 * the mapping (a region of /dev/ipcx) and the sync objects: lock blocks at
 * 64-byte offsets in the sync area, whose uncontended operations stay in
 * user space and whose holders the kernel tracks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "shmring.h"

#define IPCX_LOCK_AT	((SEM_COUNT - 1) * IPCX_LOCK_ALIGN)

static int ipcx_available(char *why, size_t len)
{
	struct ipcx_version ver;
	int fd = ipcx_open_dev(0), rc;

	if (fd < 0) {
		snprintf(why, len, "%s: %s", IPCX_DEVICE_PATH, ipcx_strerror(fd));
		return fd;
	}
	rc = ipcx_get_version(fd, &ver);
	close(fd);
	if (!rc && !(ver.features & IPCX_FEAT_LOCKS))
		rc = -ENOSYS;
	if (rc)
		snprintf(why, len, "module without regions/locks: %s", ipcx_strerror(rc));
	return rc;
}

static int ipcx_map(struct shm_chan *c, size_t len)
{
	struct ipcx_region_open ro;
	int fd = ipcx_open_dev(0), rc;
	void *p;

	if (fd < 0)
		return fd;
	memset(&ro, 0, sizeof(ro));
	ro.size = len;
	ro.flags = IPCX_OPEN_CREATE;
	ro.mode = 0600;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro) < 0)
		goto fail;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	c->base = p;
	c->fd = fd;
	return 0;
fail:
	rc = errno_neg();
	close(fd);
	return rc;
}

static void ipcx_unmap(struct shm_chan *c)
{
	munmap(c->base, c->len);
	close(c->fd);
}

/* The handles, kept in the sync area after the lock blocks (the workers
 * inherit the mapping at the same address, so the pointers hold there). */
struct ipcx_handles {
	struct ipcx_sem sem[SEM_COUNT - 1];
	struct ipcx_mutex lock;
};

#define IPCX_HANDLES_AT	(SEM_COUNT * IPCX_LOCK_ALIGN)

_Static_assert(IPCX_HANDLES_AT + sizeof(struct ipcx_handles) <= SYNC_AREA,
	       "sync area too small");

static struct ipcx_handles *ipcx_h(struct shm_chan *c)
{
	return (struct ipcx_handles *)((char *)c->sync + IPCX_HANDLES_AT);
}

static int ipcx_init(struct shm_chan *c)
{
	struct ipcx_handles *h = ipcx_h(c);
	int i, rc;

	for (i = 0; i < SEM_COUNT - 1; i++) {
		rc = ipcx_sem_init(&h->sem[i], c->fd, c->base,
				   (uint64_t)i * IPCX_LOCK_ALIGN, shmring_sem_init(c, i));
		if (rc)
			return rc;
	}
	return ipcx_mutex_init(&h->lock, c->fd, c->base, IPCX_LOCK_AT);
}

static void ipcx_destroy(struct shm_chan *c)
{
	(void)c;	/* the locks go with the region (ipcx_unmap) */
}

static int ipcx_wait(struct shm_chan *c, int sem)
{
	int rc;

	do {
		rc = ipcx_sem_wait(&ipcx_h(c)->sem[sem]);
	} while (rc == -EINTR);
	return rc == -EOWNERDEAD ? 0 : rc;
}

static int ipcx_post(struct shm_chan *c, int sem)
{
	return ipcx_sem_post(&ipcx_h(c)->sem[sem]);
}

static int ipcx_lock_op(struct shm_chan *c)
{
	int rc;

	do {
		rc = ipcx_mutex_lock(&ipcx_h(c)->lock);
	} while (rc == -EINTR);
	if (rc == -EOWNERDEAD)
		rc = ipcx_mutex_consistent(&ipcx_h(c)->lock);
	return rc;
}

static int ipcx_unlock_op(struct shm_chan *c)
{
	return ipcx_mutex_unlock(&ipcx_h(c)->lock);
}

static const struct shm_sync ipcx_sync = {
	.map = ipcx_map,
	.unmap = ipcx_unmap,
	.init = ipcx_init,
	.destroy = ipcx_destroy,
	.wait = ipcx_wait,
	.post = ipcx_post,
	.lock = ipcx_lock_op,
	.unlock = ipcx_unlock_op,
};

static int ipcx_setup(struct bench_chan *ch)
{
	return shmring_setup(ch, &ipcx_sync);
}

const struct bench_mech bench_mech_ipcx = {
	.name = "ipcx",
	.family = "shared memory",
	.desc = "ipcx region + built-in semaphores, robust mutex (/dev/ipcx)",
	.lock_desc = "ipcx robust mutex (user-space fast path)",
	.available = ipcx_available,
	.setup = ipcx_setup,
	SHMRING_OPS,
};
