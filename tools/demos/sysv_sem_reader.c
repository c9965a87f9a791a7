// SPDX-License-Identifier: GPL-2.0
/*
 * A message carried by SysV semaphores alone, reader side (the owner).
 * usage: sysv_sem_reader [DIR]
 *
 * Three semaphores keyed by ftok(DIR/sysv-sem.key): 0 holds a value, 1
 * counts full (a value is waiting), 2 counts empty (the value may be
 * replaced). The writer sends the length, then one byte per value. Stale
 * sets under the key are removed first; the set and files are removed at
 * exit.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "common.h"
#include "sysv_demo.h"

/* Take the next value: P(full), read, V(empty). */
static int take(int semid)
{
	int v;

	if (sysv_demo_semop(semid, 1, -1, 0) < 0)
		demo_die("semop P(full) (waiting for the writer)");
	v = semctl(semid, 0, GETVAL);
	if (v < 0)
		demo_die("semctl GETVAL");
	if (sysv_demo_semop(semid, 2, 1, 0) < 0)
		demo_die("semop V(empty)");
	return v;
}

int main(int argc, char **argv)
{
	unsigned short init[3] = { 0, 0, 1 };
	union semun arg = { .array = init };
	char keyfile[4096], ready[4096], msg[DEMO_SEM_LEN];
	int semid, len, i;
	key_t key;

	demo_time_limit();
	demo_path(keyfile, sizeof(keyfile), argc, argv, "sysv-sem.key");
	demo_path(ready, sizeof(ready), argc, argv, "sysv-sem.ready");
	key = sysv_demo_key(keyfile, 1);
	if (unlink(ready) < 0 && errno != ENOENT)
		demo_die("unlink stale ready file");
	semid = semget(key, 0, 0);
	if (semid >= 0 && semctl(semid, 0, IPC_RMID) < 0)
		demo_die("semctl IPC_RMID (stale)");
	semid = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	if (semid < 0)
		demo_die("semget");
	if (semctl(semid, 0, SETALL, arg) < 0)
		demo_die("semctl SETALL");
	demo_touch(ready);
	demo_ready();

	len = take(semid);
	if (len < 0 || len > DEMO_SEM_LEN) {
		fprintf(stderr, "bad length %d\n", len);
		return 1;
	}
	for (i = 0; i < len; i++)
		msg[i] = (char)take(semid);
	demo_report("received", msg, (size_t)len);
	if (semctl(semid, 0, IPC_RMID) < 0 || unlink(ready) < 0 || unlink(keyfile) < 0)
		demo_die("cleanup");
	return 0;
}
