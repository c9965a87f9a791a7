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

#include "cpu_relax.h"
#include "libipcx.h"
#include "kstubs.h"

#define BATCH		20
#define SMALL		64
#define BIG		65536
#define RING_BYTES	(4u << 20)
#define MAX_SLOTS	256	/* a channel's capacity at most (chan_make()), the bare ring's */
#define NO_FD		0	/* the stand-ins ignore the device fd */

/* the bare ring's slot: the channel's layout for a 64-byte message */
struct bare_slot {
	_Alignas(64) volatile uint64_t seq;
	_Alignas(64) char payload[SMALL];
};

struct bare_ring {
	struct bare_slot slot[MAX_SLOTS];
};

struct shared {
	volatile uint64_t kcalls;
	/* round trips: medians (chan_roundtrip()) */
	double line_ns, ratio, bare_ns, bare_ratio, over_bare;
	struct bare_ring bare[2];	/* direction d: side d sends */
	volatile uint64_t go;
	uint64_t sink_sum;		/* throughput: what the receiver summed */
	uint64_t sink_end;		/* and when it had all (ns) */
	_Alignas(64) volatile uint64_t line;
	_Alignas(64) double t[];	/* per batch, ns per op */
};

static struct shared *sh;
static int cpu[2], batches = 2000, tp_msgs = 20000;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void pin(int c)
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

static double median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp);
	return v[n / 2];
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "ipcx-chan-fastpath: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

static uint64_t sum_words(const void *buf, size_t len)
{
	const uint64_t *w = buf;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		s += w[i] * (2 * i + 1);
	return s;
}

/* Fork the other side on cpu[1] running fn; we stay on cpu[0]. */
static pid_t other_side(void (*fn)(void *), void *arg)
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

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("the other side failed", EPROTO);
}

/* ---- cache line ---------------------------------------------------------- */

/*
 * The floor, measured in the same rounds as the channel (see
 * chan_roundtrip()): BATCH bounces of one word, v the leader's next value.
 */
static void line_echo(uint64_t *v)
{
	int i;

	for (i = 0; i < BATCH; i++, *v += 2) {
		while (sh->line != *v)
			ipcx_cpu_relax();
		sh->line = *v + 1;
	}
}

static double line_batch(uint64_t *v)
{
	uint64_t t0 = now_ns();
	int i;

	for (i = 0; i < BATCH; i++, *v += 2) {
		sh->line = *v;
		while (sh->line != *v + 1)
			ipcx_cpu_relax();
	}
	return (double)(now_ns() - t0) / BATCH;
}

/* ---- bare ring ----------------------------------------------------------- */

/*
 * A 64-byte message with no protocol: the payload, then its sequence
 * (release), which the receiver polls (acquire), prefetching the payload's
 * line as a channel's receiver does. One message in flight at a time (a
 * ping-pong), so no index and no check for room; as many slots as the
 * channel's ring (chan_make()), so that both touch as many lines.
 */
static void bare_send(struct bare_ring *r, uint64_t pos, const void *buf)
{
	struct bare_slot *s = &r->slot[pos % MAX_SLOTS];

	memcpy(s->payload, buf, SMALL);
	__atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
}

static void bare_recv(struct bare_ring *r, uint64_t pos, void *buf)
{
	struct bare_slot *s = &r->slot[pos % MAX_SLOTS];

	while (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != pos + 1) {
		__builtin_prefetch(s->payload);
		ipcx_cpu_relax();
	}
	memcpy(buf, s->payload, SMALL);
}

/* BATCH echoes from side 1; *pos: the next position of both rings. */
static void bare_echo(uint64_t *pos)
{
	char buf[SMALL];
	int i;

	for (i = 0; i < BATCH; i++, (*pos)++) {
		bare_recv(&sh->bare[0], *pos, buf);
		bare_send(&sh->bare[1], *pos, buf);
	}
}

static double bare_batch(uint64_t *pos)
{
	uint64_t t0 = now_ns();
	char buf[SMALL];
	int i;

	for (i = 0; i < BATCH; i++, (*pos)++) {
		memcpy(buf, pos, sizeof(*pos));
		bare_send(&sh->bare[0], *pos, buf);
		bare_recv(&sh->bare[1], *pos, buf);
		if (memcmp(buf, pos, sizeof(*pos)))
			die("bare ring", EPROTO);
	}
	return (double)(now_ns() - t0) / BATCH;
}

/* ---- channels ------------------------------------------------------------ */

struct chan_pair {
	void *base[2];		/* direction d: side d sends */
	uint64_t size;
	size_t msg;
};

static void chan_make(struct chan_pair *p, size_t msg)
{
	struct ipcx_chan_attr a = { 0, (uint32_t)msg, 4, 1, 1 };
	int d, rc;

	while (a.capacity < MAX_SLOTS && (uint64_t)a.capacity * 2 * (msg + 64) <= RING_BYTES)
		a.capacity *= 2;
	p->msg = msg;
	rc = ipcx_chan_size(&a, &p->size);
	if (rc)
		die("ipcx_chan_size", rc);
	for (d = 0; d < 2; d++) {
		p->base[d] = mmap(NULL, p->size, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p->base[d] == MAP_FAILED)
			die("mmap", errno);
		rc = ipcx_chan_init(NO_FD, p->base[d], p->size, &a);
		if (rc)
			die("ipcx_chan_init", rc);
	}
}

static void chan_drop(struct chan_pair *p)
{
	munmap(p->base[0], p->size);
	munmap(p->base[1], p->size);
}

/* Side s: its sending and receiving handles, once both sides are there. */
static void chan_ends(struct chan_pair *p, int s, struct ipcx_chan **tx, struct ipcx_chan **rx)
{
	int rc = ipcx_chan_open(NO_FD, p->base[s], p->size, IPCX_CHAN_SEND, tx);

	if (!rc)
		rc = ipcx_chan_open(NO_FD, p->base[!s], p->size, IPCX_CHAN_RECV, rx);
	if (rc)
		die("ipcx_chan_open", rc);
	__atomic_fetch_add(&sh->go, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE) < 2)
		ipcx_cpu_relax();
}

static void chan_close_ends(struct ipcx_chan *tx, struct ipcx_chan *rx)
{
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
}

static void chan_echo(void *arg)
{
	struct chan_pair *p = arg;
	struct ipcx_chan *tx, *rx;
	char buf[SMALL];
	uint64_t v = 1, pos = 0;
	int b, i, rc;

	chan_ends(p, 1, &tx, &rx);
	for (b = -1; b < batches; b++) {
		line_echo(&v);
		bare_echo(&pos);
		for (i = 0; i < BATCH; i++) {
			rc = ipcx_chan_recv(rx, buf, sizeof(buf), 0, NULL, 0);
			if (rc != SMALL)
				die("echo recv", rc < 0 ? rc : EPROTO);
			rc = ipcx_chan_send(tx, buf, SMALL, 0, NULL, 0);
			if (rc != SMALL)
				die("echo send", rc < 0 ? rc : EPROTO);
		}
	}
	/* stay until the leader has its last reply */
	while (__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE) < 3)
		ipcx_cpu_relax();
	chan_close_ends(tx, rx);
}

/*
 * Rounds of BATCH cache-line bounces, BATCH bare-ring round trips, then
 * BATCH channel round trips: all measured under the same placement of the
 * two CPUs. (In a virtual machine the vCPUs move between physical cores:
 * here a cache-line round trip went from 30 ns to 240 ns and back between
 * runs a minute apart, so a ratio of medians taken at different times
 * says little.) Returns the channel's median; sh->line_ns and
 * sh->bare_ns the line's and the bare ring's, sh->ratio and
 * sh->bare_ratio the medians of the rounds' ratios to the line, and
 * sh->over_bare that of the channel's to the bare ring.
 */
static double chan_roundtrip(uint64_t *kcalls)
{
	double *line = sh->t + batches, *ratio = line + batches;
	double *bare = ratio + batches, *bare_ratio = bare + batches;
	double *over_bare = bare_ratio + batches, chan;
	struct chan_pair p;
	struct ipcx_chan *tx, *rx;
	uint64_t t0, seq = 0, k0 = 0, v = 1, pos = 0;
	char buf[SMALL];
	int b, i, rc;
	pid_t pid;

	chan_make(&p, SMALL);
	sh->go = 0;
	sh->line = 0;
	memset(sh->bare, 0, sizeof(sh->bare));
	pid = other_side(chan_echo, &p);
	chan_ends(&p, 0, &tx, &rx);
	memset(buf, 0, sizeof(buf));
	for (b = -1; b < batches; b++) {
		if (b >= 0) {
			line[b] = line_batch(&v);
			bare[b] = bare_batch(&pos);
			bare_ratio[b] = bare[b] / line[b];
		} else {
			line_batch(&v);
			bare_batch(&pos);
		}
		if (b == 0)
			k0 = sh->kcalls;
		t0 = now_ns();
		for (i = 0; i < BATCH; i++) {
			seq++;
			memcpy(buf, &seq, sizeof(seq));
			rc = ipcx_chan_send(tx, buf, SMALL, 0, NULL, 0);
			if (rc == SMALL)
				rc = ipcx_chan_recv(rx, buf, sizeof(buf), 0, NULL, 0);
			if (rc != SMALL || memcmp(buf, &seq, sizeof(seq)))
				die("round trip", rc < 0 ? rc : EPROTO);
		}
		if (b >= 0) {
			sh->t[b] = (double)(now_ns() - t0) / BATCH;
			ratio[b] = sh->t[b] / line[b];
			over_bare[b] = sh->t[b] / bare[b];
		}
	}
	*kcalls = sh->kcalls - k0;
	__atomic_fetch_add(&sh->go, 1, __ATOMIC_SEQ_CST);
	reap(pid);
	chan_close_ends(tx, rx);
	chan_drop(&p);
	chan = median(sh->t, batches);
	sh->line_ns = median(line, batches);
	sh->ratio = median(ratio, batches);
	sh->bare_ns = median(bare, batches);
	sh->bare_ratio = median(bare_ratio, batches);
	sh->over_bare = median(over_bare, batches);
	return chan;
}

struct tp_arg {
	struct chan_pair *p;
	int view;	/* the sink sums in place (ipcx_chan_recv_view()) */
};

/* One message into the sink: its sum, copied out or in place. */
static uint64_t sink_one(struct ipcx_chan *rx, char *buf, int view)
{
	const void *at = buf;
	uint64_t s;
	int rc;

	if (view)
		rc = ipcx_chan_recv_view(rx, &at, 0, NULL, 0);
	else
		rc = ipcx_chan_recv(rx, buf, BIG, 0, NULL, 0);
	if (rc != BIG)
		die("sink recv", rc < 0 ? rc : EPROTO);
	s = sum_words(at, BIG);
	if (view && (rc = ipcx_chan_release(rx)))
		die("sink release", rc);
	return s;
}

static void chan_sink(void *arg)
{
	struct tp_arg *a = arg;
	struct ipcx_chan *tx, *rx;
	char *buf = aligned_alloc(64, BIG);
	uint64_t s = 0;
	int i;

	if (!buf)
		die("malloc", ENOMEM);
	chan_ends(a->p, 1, &tx, &rx);
	for (i = 0; i < tp_msgs; i++)
		s += sink_one(rx, buf, a->view);
	sh->sink_sum = s;
	sh->sink_end = now_ns();
	chan_close_ends(tx, rx);
	free(buf);
}

static double gbps(uint64_t t0, uint64_t t1)
{
	return (double)tp_msgs * BIG / (double)(t1 - t0);
}

static double chan_throughput(uint64_t *kcalls, int view)
{
	struct chan_pair p;
	struct tp_arg a = { &p, view };
	struct ipcx_chan *tx, *rx;
	char *buf = aligned_alloc(64, BIG);
	uint64_t t0, k0;
	int i, rc;
	pid_t pid;

	if (!buf)
		die("malloc", ENOMEM);
	memset(buf, 0x5a, BIG);
	chan_make(&p, BIG);
	sh->go = 0;
	pid = other_side(chan_sink, &a);
	chan_ends(&p, 0, &tx, &rx);
	k0 = sh->kcalls;
	t0 = now_ns();
	for (i = 0; i < tp_msgs; i++) {
		rc = ipcx_chan_send(tx, buf, BIG, 0, NULL, 0);
		if (rc != BIG)
			die("send", rc < 0 ? rc : EPROTO);
	}
	reap(pid);
	*kcalls = sh->kcalls - k0;
	if (sh->sink_sum != sum_words(buf, BIG) * (uint64_t)tp_msgs)
		die("throughput checksum", EPROTO);
	chan_close_ends(tx, rx);
	chan_drop(&p);
	free(buf);
	return gbps(t0, sh->sink_end);
}

/* ---- pipes and memcpy ---------------------------------------------------- */

static int fds[4];	/* pipe 0 -> 1 (fds 0, 1), 1 -> 0 (fds 2, 3) */

static void full(ssize_t (*io)(int, void *, size_t), int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = io(fd, (char *)buf + done, len - done);

		if (n <= 0)
			die("pipe", n < 0 ? errno : EPIPE);
		done += (size_t)n;
	}
}

static ssize_t wr(int fd, void *buf, size_t len)
{
	return write(fd, buf, len);
}

static void pipe_echo(void *arg)
{
	char buf[SMALL];
	long i, n = (long)(batches + 1) * BATCH;

	(void)arg;
	for (i = 0; i < n; i++) {
		full(read, fds[0], buf, SMALL);
		full(wr, fds[3], buf, SMALL);
	}
}

static double pipe_roundtrip(void)
{
	char buf[SMALL] = { 0 };
	uint64_t t0;
	int b, i;
	pid_t pid;

	if (pipe(fds) || pipe(fds + 2))
		die("pipe", errno);
	pid = other_side(pipe_echo, NULL);
	for (b = -1; b < batches; b++) {
		t0 = now_ns();
		for (i = 0; i < BATCH; i++) {
			full(wr, fds[1], buf, SMALL);
			full(read, fds[2], buf, SMALL);
		}
		if (b >= 0)
			sh->t[b] = (double)(now_ns() - t0) / BATCH;
	}
	reap(pid);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	return median(sh->t, batches);
}

static void pipe_sink(void *arg)
{
	char *buf = aligned_alloc(64, BIG);
	uint64_t s = 0;
	int i;

	(void)arg;
	if (!buf)
		die("malloc", ENOMEM);
	for (i = 0; i < tp_msgs; i++) {
		full(read, fds[0], buf, BIG);
		s += sum_words(buf, BIG);
	}
	sh->sink_sum = s;
	sh->sink_end = now_ns();
	free(buf);
}

static double pipe_throughput(void)
{
	char *buf = aligned_alloc(64, BIG);
	uint64_t t0;
	int i;
	pid_t pid;

	if (!buf || pipe(fds))
		die("pipe", errno);
	memset(buf, 0x5a, BIG);
	pid = other_side(pipe_sink, NULL);
	t0 = now_ns();
	for (i = 0; i < tp_msgs; i++)
		full(wr, fds[1], buf, BIG);
	reap(pid);
	close(fds[0]);
	close(fds[1]);
	free(buf);
	return gbps(t0, sh->sink_end);
}

/* One process copies each message out of a 4 MiB ring and sums it. */
static double memcpy_throughput(void)
{
	char *ring = aligned_alloc(64, RING_BYTES), *buf = aligned_alloc(64, BIG);
	uint64_t t0, s = 0;
	int i;

	if (!ring || !buf)
		die("malloc", ENOMEM);
	memset(ring, 0x5a, RING_BYTES);
	pin(cpu[0]);
	t0 = now_ns();
	for (i = 0; i < tp_msgs; i++) {
		memcpy(buf, ring + (size_t)(i % (RING_BYTES / BIG)) * BIG, BIG);
		s += sum_words(buf, BIG);
	}
	sh->sink_end = now_ns();
	if (!s)
		die("memcpy sum", EPROTO);
	free(ring);
	free(buf);
	return gbps(t0, sh->sink_end);
}

/* Sends, receives and a miss with nobody waiting: kernel calls made. */
static uint64_t calls_without_waiters(void)
{
	struct chan_pair p;
	struct ipcx_chan *tx, *rx;
	uint64_t k0, i, n;
	char buf[SMALL];
	int rc;

	chan_make(&p, SMALL);
	rc = ipcx_chan_open(NO_FD, p.base[0], p.size, IPCX_CHAN_SEND, &tx);
	if (!rc)
		rc = ipcx_chan_open(NO_FD, p.base[0], p.size, IPCX_CHAN_RECV, &rx);
	if (rc)
		die("ipcx_chan_open", rc);
	memset(buf, 0, sizeof(buf));
	k0 = sh->kcalls;
	for (n = 0; (rc = ipcx_chan_send(tx, buf, SMALL, IPCX_CHAN_NONBLOCK, NULL, 0)) == SMALL; n++)
		;
	if (rc != -EAGAIN || n < 2)
		die("filling the ring", rc < 0 ? rc : EPROTO);
	for (i = 0; i < n; i++)
		if (ipcx_chan_recv(rx, buf, sizeof(buf), IPCX_CHAN_NONBLOCK, NULL, 0) != SMALL)
			die("draining the ring", EPROTO);
	rc = ipcx_chan_recv(rx, buf, sizeof(buf), IPCX_CHAN_NONBLOCK, NULL, 0);
	if (rc != -EAGAIN)
		die("receiving from the empty ring", rc < 0 ? rc : EPROTO);
	k0 = sh->kcalls - k0;
	printf("  kernel calls for %llu messages sent, received, and a miss, nobody waiting: %llu\n",
	       (unsigned long long)n, (unsigned long long)k0);
	chan_close_ends(tx, rx);
	chan_drop(&p);
	return k0;
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
