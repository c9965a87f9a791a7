// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX shared memory paced by process-shared POSIX semaphores (sem_t in
 * the region). The shm object is unlinked right after mapping, so a killed
 * run leaves nothing behind. Also provides the mappings other families use.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shmring.h"

/* Map an open fd of len bytes shared; the fd is closed either way. */
static int map_fd(struct shm_chan *c, int fd, size_t len)
{
	void *p = MAP_FAILED;
	int rc = 0;

	if (ftruncate(fd, (off_t)len) < 0)
		rc = errno_neg();
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!rc && p == MAP_FAILED)
		rc = errno_neg();
	close(fd);
	if (!rc)
		c->base = p;
	return rc;
}

int shm_map_posix(struct shm_chan *c, size_t len)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "/ipcx-bench-%d-%p", (int)getpid(), (void *)c);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return errno_neg();
	if (shm_unlink(name) < 0) {
		int rc = errno_neg();

		close(fd);
		return rc;
	}
	return map_fd(c, fd, len);
}

int shm_map_file(struct shm_chan *c, size_t len)
{
	char path[256];
	int fd, rc;

	rc = tmp_path(path, sizeof(path), "map", c);
	if (rc)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno_neg();
	if (unlink(path) < 0) {
		rc = errno_neg();
		close(fd);
		return rc;
	}
	return map_fd(c, fd, len);
}

void shm_unmap(struct shm_chan *c)
{
	munmap(c->base, c->len);
}

static sem_t *psem(struct shm_chan *c, int sem)
{
	return (sem_t *)c->sync + sem;
}

static int posix_init(struct shm_chan *c)
{
	int i;

	for (i = 0; i < SEM_COUNT; i++)
		if (sem_init(psem(c, i), 1, shmring_sem_init(c, i)) < 0)
			return errno_neg();
	return 0;
}

static void posix_destroy(struct shm_chan *c)
{
	int i;

	for (i = 0; i < SEM_COUNT; i++)
		sem_destroy(psem(c, i));
}

static int posix_wait(struct shm_chan *c, int sem)
{
	while (sem_wait(psem(c, sem)) < 0)
		if (errno != EINTR)
			return errno_neg();
	return 0;
}

static int posix_post(struct shm_chan *c, int sem)
{
	return sem_post(psem(c, sem)) < 0 ? errno_neg() : 0;
}

static int posix_lock(struct shm_chan *c)
{
	return posix_wait(c, SEM_LOCK);
}

static int posix_unlock(struct shm_chan *c)
{
	return posix_post(c, SEM_LOCK);
}

static const struct shm_sync posix_sync = {
	.map = shm_map_posix, .unmap = shm_unmap, .init = posix_init, .destroy = posix_destroy,
	.wait = posix_wait, .post = posix_post, .lock = posix_lock, .unlock = posix_unlock,
};

static int posix_setup(struct bench_chan *ch)
{
	return shmring_setup(ch, &posix_sync);
}

const struct bench_mech bench_mech_posix_shm = {
	.name = "posix-shm",
	.family = "shared memory",
	.desc = "POSIX shared memory + POSIX semaphores",
	.lock_desc = "POSIX semaphore wait+post",
	.setup = posix_setup,
	SHMRING_OPS,
};
