// SPDX-License-Identifier: GPL-2.0
/*
 * SysV shared memory guarded by a SysV semaphore, reader side (the owner).
 * usage: sysv_shm_reader [DIR]
 *
 * Creates DIR/sysv-shm.key, keys the segment and a semaphore set on it
 * with ftok(), removes objects a killed run left under that key, creates
 * fresh ones (IPC_EXCL), then announces them with DIR/sysv-shm.ready.
 * Semaphore 0 is the mutex guarding the segment (SEM_UNDO: released if its
 * holder dies), semaphore 1 counts messages written. Removes everything it
 * made before exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "common.h"
#include "sysv_demo.h"

static void remove_stale(key_t key)
{
	int id = shmget(key, 0, 0);

	if (id >= 0 && shmctl(id, IPC_RMID, NULL) < 0)
		demo_die("shmctl IPC_RMID (stale)");
	id = semget(key, 0, 0);
	if (id >= 0 && semctl(id, 0, IPC_RMID) < 0)
		demo_die("semctl IPC_RMID (stale)");
}

static int make_sems(key_t key)
{
	unsigned short init[2] = { 1, 0 };	/* mutex free, nothing written */
	union semun arg = { .array = init };
	int id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);

	if (id < 0)
		demo_die("semget");
	if (semctl(id, 0, SETALL, arg) < 0)
		demo_die("semctl SETALL");
	return id;
}

int main(int argc, char **argv)
{
	char keyfile[4096], ready[4096];
	struct sysv_demo_shm *shm;
	int shmid, semid, rc = 0;
	key_t key;

	demo_time_limit();
	demo_path(keyfile, sizeof(keyfile), argc, argv, "sysv-shm.key");
	demo_path(ready, sizeof(ready), argc, argv, "sysv-shm.ready");
	key = sysv_demo_key(keyfile, 1);
	if (unlink(ready) < 0 && errno != ENOENT)
		demo_die("unlink stale ready file");
	remove_stale(key);
	shmid = shmget(key, sizeof(*shm), IPC_CREAT | IPC_EXCL | 0600);
	if (shmid < 0)
		demo_die("shmget");
	semid = make_sems(key);
	shm = shmat(shmid, NULL, SHM_RDONLY);
	if (shm == (void *)-1)
		demo_die("shmat");
	demo_touch(ready);
	demo_ready();

	if (sysv_demo_semop(semid, 1, -1, 0) < 0 || sysv_demo_semop(semid, 0, -1, SEM_UNDO) < 0) {
		perror("semop (waiting for the writer)");
		rc = 1;
	} else {
		size_t len = shm->len <= sizeof(shm->data) ? shm->len : 0;

		demo_report("received", shm->data, len);
		if (sysv_demo_semop(semid, 0, 1, SEM_UNDO) < 0)
			demo_die("semop unlock");
	}
	if (shmdt(shm) < 0 || shmctl(shmid, IPC_RMID, NULL) < 0 ||
	    semctl(semid, 0, IPC_RMID) < 0 || unlink(ready) < 0 || unlink(keyfile) < 0)
		demo_die("cleanup");
	return rc;
}
