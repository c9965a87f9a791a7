// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fastpath: the channel's user-space fast path, measured natively.
 *
 * ipcx-bench measures channels against /dev/ipcx, which needs the module
 * loaded: in this project's CI that is a TCG guest, whose timings are not
 * real-world ones. But a channel whose peer is running never enters the
 * kernel: send and receive are loads, stores and atomics on the region. So
 * this program links lib/channel/ itself against stand-ins for the kernel
 * calls (kstubs.c, which count every call) and measures, on two CPUs of
 * this machine, side by side and each timed the same way (batches of
 * BATCH round trips or messages, no clock read inside a batch):
 *
 *   cache line   two processes bounce one 64-bit word (the floor)
 *   bare ring    64 B round trip through two rings of the channel's slots
 *                (a sequence line, then the payload line) and no protocol:
 *                what moving the bytes costs on this machine
 *   chan 64 B    round trip through two channels, peers running
 *   pipe 64 B    round trip through two pipes
 *   64 KiB one-way throughput: channel (the receiver copying, and in
 *   place: ipcx_chan_recv_view()), pipe, and one process's memcpy, each
 *   receiver summing every word it got
 *
 * and prints the ratios that issue #6 sets as targets (round trip <= 2x
 * the cache line; throughput >= 10x pipe and >= 0.5x memcpy), with the
 * kernel calls the measured loops made (a peer descheduled for longer than
 * the spin sleeps; a loaded host makes some). The targets are reported,
 * not enforced. What is enforced (exit 1) is the rule the fast path rests
 * on, checked where no scheduling can blur it: a full ring's worth of
 * messages sent and then received, nobody waiting, makes no kernel call,
 * nor does a non-blocking receive from the empty ring. 2 on errors.
 *
 *   ipcx-chan-fastpath [--quick]
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"
#include "kstubs.h"
#include "chan_fastpath.h"

struct shared *sh;
int cpu[2], batches = 2000, tp_msgs = 20000;

uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void pin(int c)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(c, &s);
	if (sched_setaffinity(0, sizeof(s), &s))
		perror("sched_setaffinity");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp);
	return v[n / 2];
}

void die(const char *what, int rc)
{
	fprintf(stderr, "ipcx-chan-fastpath: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

uint64_t sum_words(const void *buf, size_t len)
{
	const uint64_t *w = buf;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		s += w[i] * (2 * i + 1);
	return s;
}

/* Fork the other side on cpu[1] running fn; we stay on cpu[0]. */
pid_t other_side(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		pin(cpu[1]);
		fn(arg);
		_exit(0);
	}
	pin(cpu[0]);
	return pid;
}

void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("the other side failed", EPROTO);
}

static int two_cpus(void)
{
	cpu_set_t s;
	int c, n = 0;

	if (sched_getaffinity(0, sizeof(s), &s))
		return 0;
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &s))
			cpu[n++] = c;
	return n == 2;
}

static const char *met(int ok)
{
	return ok ? "met" : "NOT met";
}

int main(int argc, char **argv)
{
	double line, chan, pipe_rt, ctp, vtp, ptp, mtp;
	uint64_t k_rt, k_tp, k_vtp, k_idle;

	if (argc > 1 && !strcmp(argv[1], "--quick")) {
		batches = 200;
		tp_msgs = 2000;
	} else if (argc > 1) {
		fprintf(stderr, "usage: ipcx-chan-fastpath [--quick]\n");
		return 2;
	}
	if (!two_cpus()) {
		printf("ipcx-chan-fastpath: SKIP: needs two CPUs\n");
		return 0;
	}
	sh = mmap(NULL, sizeof(*sh) + (size_t)6 * batches * sizeof(double),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap", errno);
	kstub_calls = &sh->kcalls;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ipcx-chan-fastpath: lib/channel/ natively on CPUs %d and %d, kernel calls stubbed\n"
	       "(counted); ns per round trip: median over %d batches of %d, no clock read inside one\n",
	       cpu[0], cpu[1], batches, BATCH);
	chan = chan_roundtrip(&k_rt);
	line = sh->line_ns;
	pipe_rt = pipe_roundtrip();
	printf("  cache line round trip      %9.0f ns   (in the same rounds as the channel)\n",
	       line);
	printf("  bare ring 64 B round trip  %9.0f ns   %6.2f x cache line  (no protocol: the floor)\n",
	       sh->bare_ns, sh->bare_ratio);
	printf("  channel 64 B round trip    %9.0f ns   %6.2f x cache line  (target <= 2: %s)\n",
	       chan, sh->ratio, met(sh->ratio <= 2));
	printf("  channel / bare ring        %9.2f      (what the protocol adds)\n", sh->over_bare);
	printf("  pipe 64 B round trip       %9.0f ns   %6.2f x channel\n", pipe_rt, pipe_rt / chan);
	printf("  kernel calls in the channel's measured round trips: %llu of %d\n",
	       (unsigned long long)k_rt, batches * BATCH);
	ctp = chan_throughput(&k_tp, 0);
	vtp = chan_throughput(&k_vtp, 1);
	ptp = pipe_throughput();
	mtp = memcpy_throughput();
	printf("64 KiB one way, %d messages, receiver sums every word (GB/s)\n", tp_msgs);
	printf("  channel %7.2f   in place %7.2f   pipe %7.2f   memcpy %7.2f\n",
	       ctp, vtp, ptp, mtp);
	printf("  channel / pipe   %6.2f, in place %6.2f  (target >= 10: %s, %s)\n",
	       ctp / ptp, vtp / ptp, met(ctp >= 10 * ptp), met(vtp >= 10 * ptp));
	printf("  channel / memcpy %6.2f, in place %6.2f  (target >= 0.5: %s, %s)\n",
	       ctp / mtp, vtp / mtp, met(ctp >= 0.5 * mtp), met(vtp >= 0.5 * mtp));
	printf("  kernel calls in the channel's throughput runs: %llu and %llu for %d messages\n",
	       (unsigned long long)k_tp, (unsigned long long)k_vtp, tp_msgs);
	k_idle = calls_without_waiters();
	if (k_idle) {
		printf("FAIL: the channel entered the kernel with nobody waiting\n");
		return 1;
	}
	return 0;
}
