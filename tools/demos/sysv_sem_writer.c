// SPDX-License-Identifier: GPL-2.0
/*
 * A message carried by SysV semaphores alone, writer side.
 * usage: sysv_sem_writer [DIR]
 *
 * Waits for DIR/sysv-sem.ready, then for each value (the length, then
 * every byte): P(empty), SETVAL, V(full). Creates nothing.
 */
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "common.h"
#include "sysv_demo.h"

static void put(int semid, int v)
{
	union semun arg = { .val = v };

	if (sysv_demo_semop(semid, 2, -1, 0) < 0)
		demo_die("semop P(empty)");
	if (semctl(semid, 0, SETVAL, arg) < 0)
		demo_die("semctl SETVAL");
	if (sysv_demo_semop(semid, 1, 1, 0) < 0)
		demo_die("semop V(full)");
}

int main(int argc, char **argv)
{
	char keyfile[4096], ready[4096], msg[DEMO_SEM_LEN];
	int semid, i;

	demo_time_limit();
	demo_path(keyfile, sizeof(keyfile), argc, argv, "sysv-sem.key");
	demo_path(ready, sizeof(ready), argc, argv, "sysv-sem.ready");
	demo_wait_for(ready);
	semid = semget(sysv_demo_key(keyfile, 0), 0, 0);
	if (semid < 0)
		demo_die("semget");
	demo_payload(msg, sizeof(msg));
	put(semid, (int)sizeof(msg));
	for (i = 0; i < (int)sizeof(msg); i++)
		put(semid, (unsigned char)msg[i]);
	demo_report("sent", msg, sizeof(msg));
	return 0;
}
