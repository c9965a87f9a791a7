/* SPDX-License-Identifier: GPL-2.0 */
/* What the SysV demos share: the segment layout, keys, semop with a limit. */
#ifndef IPCX_DEMO_SYSV_H
#define IPCX_DEMO_SYSV_H

#include <errno.h>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "common.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct sysv_demo_shm {
	size_t len;
	char data[DEMO_LEN];
};

/* ftok() on path; the owner (create) makes the file first */
static inline key_t sysv_demo_key(const char *path, int create)
{
	key_t key;

	if (create) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0 || close(fd) < 0)
			demo_die(path);
	}
	key = ftok(path, 'x');
	if (key == (key_t)-1)
		demo_die("ftok");
	return key;
}

/* one semaphore operation; fails with EINTR when the time limit fires */
static inline int sysv_demo_semop(int id, int num, int delta, int flags)
{
	struct sembuf op = { .sem_num = (unsigned short)num, .sem_op = (short)delta,
			     .sem_flg = (short)flags };

	return semop(id, &op, 1);
}

#endif
