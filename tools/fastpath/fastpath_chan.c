// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fastpath (see chan_fastpath.c): the cache line, the bare ring
 * and the channel, round trips measured in the same rounds; the channel's
 * one-way throughput; the kernel calls made with nobody waiting.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu_relax.h"
#include "libipcx.h"
#include "kstubs.h"
#include "chan_fastpath.h"

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
double chan_roundtrip(uint64_t *kcalls)
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

double gbps(uint64_t t0, uint64_t t1)
{
	return (double)tp_msgs * BIG / (double)(t1 - t0);
}

double chan_throughput(uint64_t *kcalls, int view)
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

/* Sends, receives and a miss with nobody waiting: kernel calls made. */
uint64_t calls_without_waiters(void)
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
