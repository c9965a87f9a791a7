// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-lockdemo: leave a persistent region with busy locks behind, for
 * `ipcx ls`, `ipcx locks` and `ipcx top` to show (README's demo).
 *
 *   ipcx-lockdemo [NAME [SECONDS]]     default: demo-orders, 2 s
 *
 * Four processes take the mutex at offset 0 (holding it 1 ms), the rwlock at
 * 128 and the semaphore at 64; one is SIGKILLed while holding the mutex.
 * Remove the region afterwards with `ipcx rm NAME`.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"

#define NWORKERS 4

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void worker(int fd, void *base, int seconds, int victim, int pipefd)
{
	struct ipcx_mutex m;
	struct ipcx_rwlock rw;
	struct ipcx_sem s;
	time_t end = time(NULL) + seconds;
	int ret;

	ipcx_mutex_attach(&m, fd, base, 0);
	ipcx_sem_attach(&s, fd, base, 64);
	ipcx_rwlock_attach(&rw, fd, base, 128);
	while (time(NULL) < end) {
		ret = ipcx_mutex_lock(&m);
		if (ret == -EOWNERDEAD)
			ipcx_mutex_consistent(&m);
		else if (ret)
			_exit(1);
		if (victim) {
			if (write(pipefd, "x", 1) != 1)
				_exit(2);
			pause();	/* killed holding the mutex */
		}
		msleep(1);
		ipcx_mutex_unlock(&m);
		if (!ipcx_sem_wait(&s)) {
			msleep(1);
			ipcx_sem_post(&s);
		}
		if (!ipcx_rwlock_wrlock(&rw)) {
			msleep(1);
			ipcx_rwlock_unlock(&rw);
		}
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "demo-orders";
	int seconds = argc > 2 ? atoi(argv[2]) : 2;
	struct ipcx_mutex m;
	struct ipcx_rwlock rw;
	struct ipcx_sem s;
	pid_t pids[NWORKERS + 1];
	int fd, ret, i, p[2];
	void *base;
	char c;

	fd = ipcx_region_create(name, 1 << 20, 0640, IPCX_LIFETIME_PERSISTENT, IPCX_OPEN_EXCL);
	if (fd < 0) {
		fprintf(stderr, "ipcx-lockdemo: %s: %s\n", name, ipcx_strerror(fd));
		return 1;
	}
	ret = ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, &base);
	if (!ret)
		ret = ipcx_mutex_init(&m, fd, base, 0);
	if (!ret)
		ret = ipcx_sem_init(&s, fd, base, 64, 2);
	if (!ret)
		ret = ipcx_rwlock_init(&rw, fd, base, 128);
	if (ret || pipe(p)) {
		fprintf(stderr, "ipcx-lockdemo: setup: %s\n", ipcx_strerror(ret));
		return 1;
	}
	/* the victim first: it dies holding the mutex, the others inherit it */
	pids[0] = fork();
	if (pids[0] == 0)
		worker(fd, base, seconds, 1, p[1]);
	if (read(p[0], &c, 1) != 1)
		return 1;
	for (i = 1; i <= NWORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(fd, base, seconds, 0, -1);
	}
	msleep(50);
	kill(pids[0], SIGKILL);
	for (i = 0; i <= NWORKERS; i++)
		waitpid(pids[i], NULL, 0);
	printf("ipcx-lockdemo: region %s left in place; remove it with: ipcx rm %s\n",
	       name, name);
	return 0;
}
