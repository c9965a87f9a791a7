// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fuzz, part 1 (see chan_fuzz.c): legitimate peers only; a
 * receiver that reaches a slot another receiver holds (or died holding) a
 * lap later must sleep, not spin, and time out at its deadline.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chan_fuzz.h"

/* ---- 1. legitimate peers: a receiver a lap behind a held slot ---------- */

int cpus[2] = { -1, -1 };

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The first two CPUs we may run on, if there are two. */
void find_cpus(void)
{
	cpu_set_t set;
	int c, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	if (n < 2)
		cpus[0] = -1;
}

/* The dead child's slot mutex: released, as the kernel would. */
static void release_dead(struct chan *c, pid_t pid)
{
	uint32_t i;

	for (i = 0; i < c->nlocks; i++) {
		uint32_t *w = (uint32_t *)(c->base + OFF_SLOTS + (uint64_t)i * LOCK_BYTES);

		if (*w == ((uint32_t)pid & IPCX_OWNER_ID_MASK))
			__atomic_store_n(w, 0, __ATOMIC_RELEASE);
	}
}

/*
 * In a child: a receiver with this spin (UINT64_MAX: the default) takes
 * messages 1..3, then waits LAP_WAIT_MS for more: its result, wall and
 * CPU time (ms) over wfd.
 */
static void lap_behind_child(struct chan *c, uint64_t spin, int wfd)
{
	struct ipcx_chan *rx = chan_open(c, IPCX_CHAN_RECV);
	struct timespec ts, c0, c1;
	long res[3];
	uint64_t t0;
	int i, n;

	pin(cpus[1]);
	if (spin != UINT64_MAX && ipcx_chan_set_spin(rx, spin))
		_exit(1);
	for (i = 1; i < 4; i++)
		if (ipcx_chan_recv(rx, &n, sizeof(n), 0, NULL, 0) != sizeof(n) || n != i)
			_exit(2);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	t0 = now_ns(CLOCK_MONOTONIC);
	ts.tv_sec = (time_t)((t0 + LAP_WAIT_MS * 1000000ull) / 1000000000ull);
	ts.tv_nsec = (long)((t0 + LAP_WAIT_MS * 1000000ull) % 1000000000ull);
	res[0] = ipcx_chan_recv(rx, &n, sizeof(n), 0, &ts, CLOCK_MONOTONIC);
	res[1] = (long)((now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	res[2] = (c1.tv_sec - c0.tv_sec) * 1000 + (c1.tv_nsec - c0.tv_nsec) / 1000000;
	ipcx_chan_close(rx);
	_exit(write(wfd, res, sizeof(res)) == sizeof(res) ? 0 : 1);
}

/* Wait for the child's report; kill it if there is none within 5 s. */
static void lap_behind_check(pid_t pid, int rfd, const char *what)
{
	long res[3] = { -1, -1, -1 };
	int st, waited;

	for (waited = 0; waited < 5000; waited += 10) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	if (waited >= 5000) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	if (read(rfd, res, sizeof(res)) != sizeof(res))
		fail("%s: no result within 5 s (a busy loop?)", what);
	else if (res[0] != -ETIMEDOUT || res[1] < LAP_WAIT_MS - 10 ||
		 res[1] > LAP_WAIT_MS + 1000 || res[2] >= LAP_CPU_MS)
		fail("%s: %ld after %ld ms, %ld ms of CPU", what, res[0], res[1], res[2]);
	printf("  %s: result %ld after %ld ms, %ld ms of CPU\n", what, res[0], res[1], res[2]);
}

void lap_behind(int killed, uint64_t spin)
{
	struct ipcx_chan *tx, *rx = NULL;
	char what[96];
	const void *v;
	int i, p[2], hp[2];
	struct chan c;
	pid_t holder = 0, pid;

	snprintf(what, sizeof(what), "queue receiver a lap behind a %s, spin %s",
		 killed ? "killed holder" : "held view", spin ? "default" : "0");
	chan_make(&c, 0, 64, 4, 1, 2);
	pin(cpus[0]);	/* before it attaches: its CPU hint */
	tx = chan_open(&c, IPCX_CHAN_SEND);
	i = 0;
	if (ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0) != sizeof(i))
		die("send", EPROTO);
	if (killed) {
		if (pipe(hp))
			die("pipe", errno);
		holder = fork();
		if (!holder) {
			rx = chan_open(&c, IPCX_CHAN_RECV);
			if (ipcx_chan_recv_view(rx, &v, 0, NULL, 0) != sizeof(i) ||
			    write(hp[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (read(hp[0], &i, 1) != 1)
			die("holder", EPROTO);
		close(hp[0]);
		close(hp[1]);
	} else {
		rx = chan_open(&c, IPCX_CHAN_RECV);
		if (ipcx_chan_recv_view(rx, &v, 0, NULL, 0) != sizeof(i))
			die("recv_view", EPROTO);
	}
	for (i = 1; i < 4; i++)
		if (ipcx_chan_send(tx, &i, sizeof(i), 0, NULL, 0) != sizeof(i))
			die("send", EPROTO);
	if (killed) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
		release_dead(&c, holder);
	}
	if (pipe(p))
		die("pipe", errno);
	pid = fork();
	if (!pid)
		lap_behind_child(&c, spin ? UINT64_MAX : 0, p[1]);
	close(p[1]);	/* a child killed without a report: end of file */
	lap_behind_check(pid, p[0], what);
	close(p[0]);
	if (rx)
		ipcx_chan_close(rx);
	ipcx_chan_close(tx);
	chan_drop(&c);
}
