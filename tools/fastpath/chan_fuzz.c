// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fuzz: lib/channel/ under a hostile peer, natively.
 *
 * Like ipcx-chan-fastpath it links lib/channel/ against the stand-ins for
 * the kernel calls (kstubs.c, whose waits really sleep), and make check
 * builds it with ASan+UBSan. Two parts:
 *
 * 1. Legitimate peers only: two receivers of a queue, one holding a view
 *    (then: killed holding it) while the other takes the rest and reaches
 *    that slot a lap later. The second must sleep (under 20 ms of CPU time
 *    in a 300 ms wait: a busy loop used 50-70 ms here even on a host
 *    loaded enough to give it a fifth of a CPU) and return -ETIMEDOUT at
 *    its deadline (within 1 s after it), with the default spin and with
 *    none. The sender and the waiter run on two different CPUs when there
 *    are two, so that the waiter spins first.
 *
 * 2. A peer that shares the region and scribbles on it: every header
 *    field, both indices, the waiter counts, the event words, the slot
 *    mutexes, the claim records and CPU hints, slot sequences, lengths and
 *    payloads, with small steps around the values that mean something
 *    (positions near head and tail) and with random ones. For every channel
 *    kind (one-to-one messages, a queue of 4 senders and 3 receivers, a byte
 *    stream) and role of the victim, three ways: between the victim's calls
 *    (from the victim's thread), and during them from a thread and from
 *    another process, each also sending or receiving through honest
 *    handles. The victim sends, receives, reserves and commits, takes views
 *    and releases them, blocking (deadlines of 0-2 ms on both clocks) and
 *    not. Then rings crafted once: every slot of a large ring cancelled, or
 *    the hole of a dead sender, with 1 and 64 senders.
 *
 * It fails (exit 1) on a result outside the documented ones, a receive
 * longer than its buffer or than max_msg, a view or reservation outside a
 * slot's payload, a blocking call that returns more than 1 s after its
 * deadline (a watchdog aborts one that does not return at all), or a
 * non-blocking call that uses more than 2 ms of CPU time (its work is
 * bounded: CHAN_STEPS in lib/channel/channel.h, about 100 us here under ASan);
 * ASan and UBSan abort on any report, and the region has guard pages
 * around it. Exit 2 on errors of the harness itself.
 *
 *   ipcx-chan-fuzz [--seed N] [--iters N] [--big LOG2]
 *
 * The seed (printed) makes a run reproducible, as far as the scheduling of
 * the concurrent scribblers allows; --iters is the victim's calls per
 * case (default 1500: a few seconds, make check), --big the crafted
 * rings' size (default 2^20 slots). make chan-fuzz-long runs many more.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libipcx.h"
#include "kstubs.h"

#define NO_FD		0	/* the stand-ins ignore the device fd */
#define MAX_MSG		200
#define SLACK_NS	1000000000ull	/* a blocking call's time after its deadline */
#define NB_CPU_NS	2000000ull	/* a non-blocking call's CPU time */
#define LAP_WAIT_MS	300
#define LAP_CPU_MS	20

/* The layout (lib/channel/channel.h): the scribbler's targets. */
#define OFF_TAIL	64
#define OFF_HEAD	128
#define OFF_SLOTS	448
#define LOCK_BYTES	64
#define REC_BYTES	128

struct chan {
	char *base;
	uint64_t size;
	struct ipcx_chan_attr a;
	char *ring;
	uint64_t ring_bytes, slot_size, pay_off;
	uint32_t nlocks;
};

static uint64_t seed = 20261203;
static long iters = 1500;
static int big_log2 = 20;
static int failures;

static uint64_t now_ns(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "ipcx-chan-fuzz: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

static __attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* ---- the region ------------------------------------------------------- */

/* A channel of this geometry in a shared mapping with a guard page on each
 * side, so that an access outside the region faults. */
static void chan_make(struct chan *c, uint32_t flags, uint32_t max_msg, uint32_t cap,
		      uint32_t ntx, uint32_t nrx)
{
	long page = sysconf(_SC_PAGESIZE);
	struct ipcx_chan_attr a = { flags, max_msg, cap, ntx, nrx };
	uint64_t len;
	char *p;
	int rc;

	rc = ipcx_chan_size(&a, &c->size);
	if (rc)
		die("ipcx_chan_size", rc);
	len = (c->size + page - 1) & ~(uint64_t)(page - 1);
	p = mmap(NULL, len + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", errno);
	if (mmap(p + page, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		die("mmap", errno);
	/* the region ends where the mapping does: its last byte before a guard */
	c->base = p + page + (len - c->size);
	if (((uintptr_t)c->base & 63))
		die("region alignment", EINVAL);
	rc = ipcx_chan_init(NO_FD, c->base, c->size, &a);
	if (rc)
		die("ipcx_chan_init", rc);
	c->a = a;
	c->nlocks = ntx + nrx;
	c->pay_off = 16 + max_msg <= 64 ? 16 : 64;
	c->slot_size = flags & IPCX_CHAN_STREAM ? 1 : (c->pay_off + max_msg + 63) & ~63ull;
	c->ring_bytes = (uint64_t)cap * c->slot_size;
	c->ring = c->base + c->size - c->ring_bytes;
}

static void chan_drop(struct chan *c)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t len = (c->size + page - 1) & ~(uint64_t)(page - 1);

	munmap(c->base - (len - c->size) - page, len + 2 * page);
}

static struct ipcx_chan *chan_open(struct chan *c, unsigned int role)
{
	struct ipcx_chan *h;
	int rc = ipcx_chan_open(NO_FD, c->base, c->size, role, &h);

	if (rc)
		die("ipcx_chan_open", rc);
	return h;
}

static uint64_t *u64_at(struct chan *c, uint64_t off)
{
	return (uint64_t *)(c->base + off);
}

/* ---- 1. legitimate peers: a receiver a lap behind a held slot ---------- */

static int cpus[2] = { -1, -1 };

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
static void find_cpus(void)
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

static void lap_behind(int killed, uint64_t spin)
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

/* ---- 2. a hostile peer ---------------------------------------------------- */

struct fuzz {
	struct chan c;
	unsigned int role;	/* the victim's */
	int mode;		/* 0: between calls, 1: a thread, 2: a process */
	volatile int stop;
	uint64_t seed;
	/* the watchdog: the call in progress must end by this (ns, 0: none) */
	volatile uint64_t call_end;
	volatile const char *call_name;
};

static const char *const mode_name[] = { "between calls", "from a thread", "from a process" };

/* A value for a 64-bit word: near what it holds, near the indices, or
 * anything. */
static uint64_t scribble_value(struct fuzz *f, uint64_t *rs, uint64_t old)
{
	uint64_t cap = f->c.a.capacity, pos;

	pos = rnd(rs) & 1 ? *u64_at(&f->c, OFF_HEAD) : *u64_at(&f->c, OFF_TAIL);
	switch (rnd(rs) % 6) {
	case 0:
		return old + rnd(rs) % 5 - 2;
	case 1:
		return pos + rnd(rs) % 5 - 2;
	case 2:
		return pos + cap + rnd(rs) % 3 - 1;
	case 3:
		return pos - cap + rnd(rs) % 3 - 1;
	case 4:
		return rnd(rs) % 3 ? rnd(rs) % 16 : 0;
	default:
		return rnd(rs);
	}
}

/* One scribble anywhere in the region's control part or a slot. */
static void scribble(struct fuzz *f, uint64_t *rs)
{
	struct chan *c = &f->c;
	uint64_t ctl = c->size - c->ring_bytes, off, *w;
	uint32_t *w32;

	switch (rnd(rs) % 8) {
	case 0:	/* header, indices, waiter counts, events */
		off = rnd(rs) % (OFF_SLOTS / 8) * 8;
		break;
	case 1:
		off = rnd(rs) & 1 ? OFF_TAIL : OFF_HEAD;
		break;
	case 2:	/* a slot mutex */
		off = OFF_SLOTS + rnd(rs) % c->nlocks * LOCK_BYTES;
		w32 = (uint32_t *)(c->base + off);
		__atomic_store_n(w32, rnd(rs) & 1 ? 0 : rnd(rs) & 1 ? (uint32_t)getpid() :
				 (uint32_t)rnd(rs), __ATOMIC_RELAXED);
		return;
	case 3:	/* a claim record or a CPU hint */
		off = OFF_SLOTS + c->nlocks * LOCK_BYTES +
		      rnd(rs) % c->nlocks * REC_BYTES + (rnd(rs) & 1) * 64;
		break;
	default:	/* a slot: sequence, length, payload */
		if (c->a.flags & IPCX_CHAN_STREAM) {
			off = ctl + rnd(rs) % (c->ring_bytes / 8) * 8;
			break;
		}
		off = ctl + rnd(rs) % c->a.capacity * c->slot_size +
		      (rnd(rs) % 3 ? rnd(rs) % 2 * 8 : rnd(rs) % (c->slot_size / 8) * 8);
		if (off % c->slot_size == 8 && rnd(rs) % 2) {	/* a length */
			w32 = (uint32_t *)(c->base + off);
			__atomic_store_n(w32, rnd(rs) % 3 ? (uint32_t)(rnd(rs) % (MAX_MSG + 2)) :
					 (uint32_t)rnd(rs), __ATOMIC_RELAXED);
			return;
		}
		break;
	}
	if (off + 8 > ctl && off < ctl)
		off = ctl - 8;
	w = u64_at(c, off);
	__atomic_store_n(w, scribble_value(f, rs, __atomic_load_n(w, __ATOMIC_RELAXED)),
			 __ATOMIC_RELAXED);
}

/* An honest peer's non-blocking call on its own handle. */
static void honest(struct fuzz *f, struct ipcx_chan *h, unsigned int role, uint64_t *rs)
{
	char buf[MAX_MSG + 8];
	size_t len = 1 + rnd(rs) % MAX_MSG;
	int r;

	if (role == IPCX_CHAN_SEND) {
		memset(buf, (int)rnd(rs), sizeof(buf));
		if (!(f->c.a.flags & IPCX_CHAN_STREAM) && rnd(rs) % 4 == 0) {
			void *p;

			if (!ipcx_chan_reserve(h, len, &p, IPCX_CHAN_NONBLOCK, NULL, 0))
				ipcx_chan_commit(h, rnd(rs) % 3 ? len : 0);
			return;
		}
		ipcx_chan_send(h, buf, len, IPCX_CHAN_NONBLOCK, NULL, 0);
		return;
	}
	r = ipcx_chan_recv(h, buf, sizeof(buf), IPCX_CHAN_NONBLOCK, NULL, 0);
	(void)r;
}

/* The peer: n honest handles of each role (as the geometry allows), and
 * scribbles, until f->stop. Runs in a thread or a child process. */
static void *peer_run(void *arg)
{
	struct fuzz *f = arg;
	struct ipcx_chan *h[2] = { NULL, NULL };
	uint64_t rs = f->seed ^ 0x5bd1e995ull;
	unsigned int other = f->role == IPCX_CHAN_SEND ? IPCX_CHAN_RECV : IPCX_CHAN_SEND;
	int i;

	ipcx_chan_open(NO_FD, f->c.base, f->c.size, other, &h[0]);
	if (f->c.a.max_senders > 1)
		ipcx_chan_open(NO_FD, f->c.base, f->c.size, f->role, &h[1]);
	while (!f->stop) {
		for (i = 0; i < 2; i++)
			if (h[i] && rnd(&rs) % 2)
				honest(f, h[i], i ? f->role : other, &rs);
		for (i = rnd(&rs) % 3; i > 0; i--)
			scribble(f, &rs);
		if (rnd(&rs) % 8 == 0)
			usleep(rnd(&rs) % 200);
	}
	for (i = 0; i < 2; i++)
		if (h[i])
			ipcx_chan_close(h[i]);
	return NULL;
}

/* Aborts the program when a call outlives f->call_end. */
static void *watchdog(void *arg)
{
	struct fuzz *f = arg;

	while (!f->stop) {
		uint64_t end = f->call_end;

		if (end && now_ns(CLOCK_MONOTONIC) > end + SLACK_NS) {
			printf("FAIL: %s did not return 2 s after its deadline\n", f->call_name);
			fflush(stdout);
			abort();
		}
		usleep(50000);
	}
	return NULL;
}

static int documented(int r)
{
	return r == -EAGAIN || r == -ETIMEDOUT || r == -EINTR || r == -EPIPE ||
	       r == -EMSGSIZE || r == -EBADMSG || r == -EPROTO;
}

/* Is p..p+len inside the payload of one slot of the ring? */
static int in_payload(struct chan *c, const void *p, size_t len)
{
	uint64_t off = (uint64_t)((const char *)p - c->ring);

	if ((const char *)p < c->ring || off >= c->ring_bytes)
		return 0;
	return off % c->slot_size == c->pay_off && c->pay_off + len <= c->slot_size &&
	       len <= c->a.max_msg;
}

/* The victim's call: what it does, and whether its result is allowed. */
static int victim_call(struct fuzz *f, struct ipcx_chan *h, uint64_t *rs, unsigned int flags,
		       const struct timespec *ts, clockid_t clk, const char **name)
{
	int stream = f->c.a.flags & IPCX_CHAN_STREAM, r;
	char buf[2 * MAX_MSG];
	size_t len = 1 + rnd(rs) % (stream ? sizeof(buf) : MAX_MSG);
	const void *v;
	void *p;

	if (f->role == IPCX_CHAN_SEND) {
		if (!stream && rnd(rs) % 3 == 0) {
			*name = "reserve";
			r = ipcx_chan_reserve(h, len, &p, flags, ts, clk);
			if (!r && !in_payload(&f->c, p, len))
				fail("%s: reservation outside a slot's payload", *name);
			if (!r)
				memset(p, 0x5a, len);
			if (!r && ipcx_chan_commit(h, rnd(rs) % 4 ? len : 0))
				fail("%s: commit failed", *name);
			return !r || documented(r);
		}
		*name = "send";
		memset(buf, 0x3c, len);
		r = ipcx_chan_send(h, buf, len, flags, ts, clk);
		return (r > 0 && (size_t)r <= len && (stream || (size_t)r == len)) || documented(r);
	}
	if (!stream && rnd(rs) % 3 == 0) {
		*name = "recv_view";
		r = ipcx_chan_recv_view(h, &v, flags, ts, clk);
		if (r > 0 && !in_payload(&f->c, v, (size_t)r))
			fail("%s: view outside a slot's payload (length %d)", *name, r);
		if (r > 0 && ipcx_chan_release(h))
			fail("%s: release failed", *name);
		return r >= 0 || documented(r);
	}
	*name = "recv";
	len = rnd(rs) % (stream ? sizeof(buf) : MAX_MSG + 8);
	r = ipcx_chan_recv(h, buf, len, flags, ts, clk);
	if (r > (int)len || (!stream && r > (int)f->c.a.max_msg))
		fail("%s: %d bytes into a buffer of %zu", *name, r, len);
	return r >= 0 || documented(r);
}

static uint64_t thread_cpu_ns(void)
{
	return now_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* The victim's calls on h; o: an honest peer's handle used between them
 * (NULL when the peer runs elsewhere). */
static void fuzz_calls(struct fuzz *f, struct ipcx_chan *h, struct ipcx_chan *o, uint64_t *rs)
{
	char what[64];
	long i;

	for (i = 0; i < iters && failures < 10; i++) {
		int nb = rnd(rs) % 4 != 0, ok, r;
		clockid_t clk = rnd(rs) & 1 ? CLOCK_MONOTONIC : CLOCK_REALTIME;
		uint64_t ms = rnd(rs) % 3, t0, c0, end, now;
		struct timespec ts;
		const char *name = "call";

		if (o) {
			for (r = rnd(rs) % 3; r > 0; r--)
				honest(f, o, f->role == IPCX_CHAN_SEND ? IPCX_CHAN_RECV :
				       IPCX_CHAN_SEND, rs);
			for (r = rnd(rs) % 4; r > 0; r--)
				scribble(f, rs);
		}
		now = now_ns(clk);
		end = now + ms * 1000000ull;
		ts.tv_sec = (time_t)(end / 1000000000ull);
		ts.tv_nsec = (long)(end % 1000000000ull);
		t0 = now_ns(CLOCK_MONOTONIC);
		f->call_name = nb ? "a non-blocking call" : "a blocking call";
		f->call_end = t0 + (nb ? 0 : ms * 1000000ull) + SLACK_NS;
		c0 = thread_cpu_ns();
		ok = victim_call(f, h, rs, nb ? IPCX_CHAN_NONBLOCK : 0, &ts, clk, &name);
		c0 = thread_cpu_ns() - c0;
		t0 = now_ns(CLOCK_MONOTONIC) - t0;
		f->call_end = 0;
		snprintf(what, sizeof(what), "%s %s", nb ? "non-blocking" : "blocking", name);
		if (!ok)
			fail("%s: undocumented result (call %ld)", what, i);
		if (nb && c0 > NB_CPU_NS)
			fail("%s: %llu us of CPU (call %ld)", what, (unsigned long long)(c0 / 1000), i);
		if (!nb && t0 > ms * 1000000ull + SLACK_NS)
			fail("%s: returned %llu ms after a %llu ms deadline", what,
			     (unsigned long long)(t0 / 1000000), (unsigned long long)ms);
	}
}

static void fuzz_case(uint32_t flags, uint32_t ntx, uint32_t nrx, unsigned int role, int mode,
		      uint64_t cs)
{
	struct fuzz *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_t peer, dog;
	struct ipcx_chan *h;
	uint64_t rs = cs;
	pid_t pid = 0;

	if (f == MAP_FAILED)
		die("mmap", errno);
	memset(f, 0, sizeof(*f));
	f->role = role;
	f->mode = mode;
	f->seed = cs;
	chan_make(&f->c, flags, flags & IPCX_CHAN_STREAM ? 0 : MAX_MSG,
		  flags & IPCX_CHAN_STREAM ? 256 : 8, ntx, nrx);
	h = chan_open(&f->c, role);
	if (pthread_create(&dog, NULL, watchdog, f))
		die("pthread_create", EAGAIN);
	if (mode == 1 && pthread_create(&peer, NULL, peer_run, f))
		die("pthread_create", EAGAIN);
	if (mode == 2) {
		pid = fork();
		if (pid < 0)
			die("fork", errno);
		if (!pid) {
			peer_run(f);
			_exit(0);
		}
	}
	if (!mode) {	/* an honest peer in this thread, between the calls */
		struct ipcx_chan *o = chan_open(&f->c, role == IPCX_CHAN_SEND ?
						IPCX_CHAN_RECV : IPCX_CHAN_SEND);

		fuzz_calls(f, h, o, &rs);
		ipcx_chan_close(o);
	} else {
		fuzz_calls(f, h, NULL, &rs);
	}
	f->stop = 1;
	if (mode == 1)
		pthread_join(peer, NULL);
	if (pid)
		waitpid(pid, NULL, 0);
	pthread_join(dog, NULL);
	ipcx_chan_close(h);
	chan_drop(&f->c);
	munmap(f, sizeof(*f));
}

/* ---- a module without death events ------------------------------------ */

/* Channels need the kernel to signal a peer's death: without the feature
 * neither init nor open goes ahead (-EOPNOTSUPP), and nothing is held. */
static void no_death_events(void)
{
	struct ipcx_chan *h = NULL;
	struct chan c;
	int ri, ro;

	chan_make(&c, 0, 8, 4, 1, 1);
	kstub_features = 0;
	ri = ipcx_chan_init(NO_FD, c.base, c.size, &c.a);
	ro = ipcx_chan_open(NO_FD, c.base, c.size, IPCX_CHAN_SEND, &h);
	kstub_features = IPCX_FEAT_DEATH_EVENT;
	printf("  a module without death events: init %d, open %d\n", ri, ro);
	if (ri != -EOPNOTSUPP || ro != -EOPNOTSUPP)
		fail("without death events: init %d, open %d (want %d)", ri, ro, -EOPNOTSUPP);
	if (!ro)
		ipcx_chan_close(h);
	h = chan_open(&c, IPCX_CHAN_SEND);	/* the slot was not kept */
	ipcx_chan_close(h);
	chan_drop(&c);
}

/* ---- crafted rings: the work of one non-blocking call -------------------- */

/*
 * A ring of 2^big_log2 slots, full of cancelled messages (kind 0) or of
 * the holes of a dead sender (claimed, never published, no live claim):
 * one non-blocking receive must use at most NB_CPU_NS of CPU time.
 */
static void crafted(int holes, uint32_t ntx)
{
	uint32_t cap = 1u << big_log2, i;
	struct ipcx_chan *rx, *tx;
	int spsc = ntx == 1, r;
	uint64_t c0, t;
	char buf[16];
	struct chan c;

	chan_make(&c, 0, 8, cap, ntx, 1);
	rx = chan_open(&c, IPCX_CHAN_RECV);
	tx = chan_open(&c, IPCX_CHAN_SEND);	/* a sender alive: no end of file */
	for (i = 0; i < cap; i++) {
		uint64_t *seq = (uint64_t *)(c.ring + (uint64_t)i * c.slot_size);

		/* 64-bit: an SPSC hole is a lap behind (2^32 - cap + i + 1
		 * would be ahead, which -EPROTO reports) */
		seq[0] = holes ? (spsc ? (uint64_t)i + 1 - cap : i) : (uint64_t)i + 1;
		seq[1] = 0;	/* length 0: cancelled */
	}
	*u64_at(&c, OFF_TAIL) = cap;
	c0 = thread_cpu_ns();
	r = ipcx_chan_recv(rx, buf, sizeof(buf), IPCX_CHAN_NONBLOCK, NULL, 0);
	t = thread_cpu_ns() - c0;
	printf("  %u slots of %s, %u sender%s: non-blocking recv %d in %llu us of CPU\n",
	       cap, holes ? "dead senders' holes" : "cancelled messages", ntx,
	       ntx > 1 ? "s" : "", r, (unsigned long long)(t / 1000));
	if (r != -EAGAIN)
		fail("crafted ring (%s): result %d", holes ? "holes" : "cancelled", r);
	if (t > NB_CPU_NS)
		fail("crafted ring (%s): %llu us of CPU", holes ? "holes" : "cancelled",
		     (unsigned long long)(t / 1000));
	ipcx_chan_close(tx);
	ipcx_chan_close(rx);
	chan_drop(&c);
}

int main(int argc, char **argv)
{
	static const struct { uint32_t flags, ntx, nrx; const char *name; } kinds[] = {
		{ 0, 1, 1, "one-to-one messages" },
		{ 0, 4, 3, "a queue, 4 senders x 3 receivers" },
		{ IPCX_CHAN_STREAM, 1, 1, "a byte stream" },
	};
	unsigned int k, role, mode;
	cpu_set_t all;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--iters"))
			iters = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--big"))
			big_log2 = atoi(argv[i + 1]);
		else
			break;
	}
	if (i != argc || iters < 1 || big_log2 < 1 || big_log2 > 24) {
		fprintf(stderr, "usage: ipcx-chan-fuzz [--seed N] [--iters N] [--big LOG2]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ipcx-chan-fuzz: lib/channel/ natively, kernel calls stubbed; seed %llu, "
	       "%ld calls per case\n", (unsigned long long)seed, iters);
	no_death_events();
	printf("legitimate peers:\n");
	find_cpus();
	for (i = 0; i < 4; i++)
		lap_behind(i / 2, i % 2 ? 0 : 1);
	cpus[0] = -1;
	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
	printf("a hostile peer:\n");
	for (k = 0; k < 3; k++)
		for (role = IPCX_CHAN_SEND; role <= IPCX_CHAN_RECV; role++)
			for (mode = 0; mode < 3; mode++) {
				uint64_t cs = seed * 131 + k * 9 + role * 3 + mode + 1;
				int before = failures;

				fuzz_case(kinds[k].flags, kinds[k].ntx, kinds[k].nrx, role, mode, cs);
				printf("  %s, victim %s, scribbling %s: %s\n", kinds[k].name,
				       role == IPCX_CHAN_SEND ? "sending" : "receiving",
				       mode_name[mode], failures == before ? "ok" : "FAILED");
			}
	printf("crafted rings:\n");
	crafted(0, 1);
	crafted(0, 64);
	crafted(1, 1);
	crafted(1, 64);
	printf("ipcx-chan-fuzz: %s (%d failure%s)\n", failures ? "FAIL" : "ok", failures,
	       failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
