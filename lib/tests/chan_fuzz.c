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
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chan_fuzz.h"

uint64_t seed = 20261203;
long iters = 1500;
int big_log2 = 20;
int failures;

uint64_t now_ns(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

void die(const char *what, int rc)
{
	fprintf(stderr, "ipcx-chan-fuzz: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

void fail(const char *fmt, ...)
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
void chan_make(struct chan *c, uint32_t flags, uint32_t max_msg, uint32_t cap,
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

void chan_drop(struct chan *c)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t len = (c->size + page - 1) & ~(uint64_t)(page - 1);

	munmap(c->base - (len - c->size) - page, len + 2 * page);
}

struct ipcx_chan *chan_open(struct chan *c, unsigned int role)
{
	struct ipcx_chan *h;
	int rc = ipcx_chan_open(NO_FD, c->base, c->size, role, &h);

	if (rc)
		die("ipcx_chan_open", rc);
	return h;
}

uint64_t *u64_at(struct chan *c, uint64_t off)
{
	return (uint64_t *)(c->base + off);
}

uint64_t thread_cpu_ns(void)
{
	return now_ns(CLOCK_THREAD_CPUTIME_ID);
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
