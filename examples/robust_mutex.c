// SPDX-License-Identifier: GPL-2.0
/*
 * examples/robust_mutex.c: a robust mutex and the repair of shared state
 * after its holder died.
 *
 * Two accounts live in a region next to the mutex that guards them; a
 * transfer debits one, then credits the other, and records what it is
 * doing in a journal first. A child is killed in the middle of a transfer
 * while it holds the mutex. The kernel releases the mutex; the next locker
 * gets -EOWNERDEAD with who died, rolls the half-done transfer back from
 * the journal, and marks the mutex consistent.
 *
 *   cc robust_mutex.c $(pkg-config --cflags --libs ipcx) -o robust_mutex
 */
#include <libipcx.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct bank {
	struct ipcx_lock_block lock;	/* the mutex, at offset 0 */
	long a, b;			/* a + b never changes */
	long pending;			/* journal: amount of a transfer under way */
	volatile int mid_transfer;	/* the child reached the middle */
};

static int fail(const char *what, int err)
{
	fprintf(stderr, "robust_mutex: %s: %s\n", what, ipcx_strerror(err));
	return 1;
}

/* a -> b; dies (is killed) between the two halves when stall is set */
static int transfer(struct ipcx_mutex *m, struct bank *bank, long amount, int stall)
{
	int ret = ipcx_mutex_lock(m);

	if (ret)
		return ret;
	bank->pending = amount;
	bank->a -= amount;
	if (stall) {
		bank->mid_transfer = 1;
		pause();		/* SIGKILLed here, holding the mutex */
	}
	bank->b += amount;
	bank->pending = 0;
	return ipcx_mutex_unlock(m);
}

int main(void)
{
	struct ipcx_owner_info died;
	struct ipcx_mutex m;
	struct bank *bank;
	int fd, ret;
	pid_t pid;

	fd = ipcx_region_create(NULL, 4096, 0600, IPCX_LIFETIME_AUTO_REMOVE, 0);
	if (fd < 0)
		return fail("create", fd);
	ret = ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, (void **)&bank);
	if (ret)
		return fail("map", ret);
	ret = ipcx_mutex_init(&m, fd, bank, 0);
	if (ret)
		return fail("mutex init", ret);
	bank->a = 100;
	bank->b = 0;

	ret = transfer(&m, bank, 10, 0);
	if (ret)
		return fail("transfer", ret);
	pid = fork();
	if (pid < 0)
		return fail("fork", -errno);
	if (pid == 0)
		_exit(transfer(&m, bank, 30, 1) ? 1 : 0);
	while (!bank->mid_transfer)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("child %d killed mid-transfer: a=%ld b=%ld pending=%ld\n",
	       (int)pid, bank->a, bank->b, bank->pending);

	ret = ipcx_mutex_lock_full(&m, 0, NULL, CLOCK_MONOTONIC, &died);
	if (ret != -EOWNERDEAD)
		return fail("expected EOWNERDEAD", ret);
	printf("holder pid %d (%s) died holding the mutex; repairing\n",
	       (int)died.pid, died.comm);
	bank->a += bank->pending;	/* roll the half-done transfer back */
	bank->pending = 0;
	ret = ipcx_mutex_consistent(&m);
	if (!ret)
		ret = ipcx_mutex_unlock(&m);
	if (ret)
		return fail("consistent", ret);
	ret = transfer(&m, bank, 30, 0);
	if (ret)
		return fail("transfer after repair", ret);
	printf("after repair: a=%ld b=%ld\n", bank->a, bank->b);
	return bank->a + bank->b == 100 && bank->b == 40 ? 0 : 1;
}
