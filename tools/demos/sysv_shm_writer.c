// SPDX-License-Identifier: GPL-2.0
/*
 * SysV shared memory guarded by a SysV semaphore, writer side.
 * usage: sysv_shm_writer [DIR]
 *
 * Waits for the reader's DIR/sysv-shm.ready, finds the segment and the
 * semaphores by ftok(DIR/sysv-shm.key), writes the payload under the mutex
 * (SEM_UNDO), then posts semaphore 1. Creates nothing, so a killed writer
 * leaves nothing behind.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "common.h"
#include "sysv_demo.h"

int main(int argc, char **argv)
{
	char keyfile[4096], ready[4096];
	struct sysv_demo_shm *shm;
	int shmid, semid;
	key_t key;

	demo_time_limit();
	demo_path(keyfile, sizeof(keyfile), argc, argv, "sysv-shm.key");
	demo_path(ready, sizeof(ready), argc, argv, "sysv-shm.ready");
	demo_wait_for(ready);
	key = sysv_demo_key(keyfile, 0);
	shmid = shmget(key, 0, 0);
	if (shmid < 0)
		demo_die("shmget");
	semid = semget(key, 0, 0);
	if (semid < 0)
		demo_die("semget");
	shm = shmat(shmid, NULL, 0);
	if (shm == (void *)-1)
		demo_die("shmat");

	if (sysv_demo_semop(semid, 0, -1, SEM_UNDO) < 0)
		demo_die("semop lock");
	demo_payload(shm->data, DEMO_LEN);
	shm->len = DEMO_LEN;
	demo_report("sent", shm->data, shm->len);
	if (sysv_demo_semop(semid, 0, 1, SEM_UNDO) < 0)
		demo_die("semop unlock");
	if (sysv_demo_semop(semid, 1, 1, 0) < 0)
		demo_die("semop post");
	if (shmdt(shm) < 0)
		demo_die("shmdt");
	return 0;
}
