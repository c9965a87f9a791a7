// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-chan-fuzz, part 2 (see chan_fuzz.c): a peer that shares the region
 * and scribbles on it, between the victim's calls, from a thread and from
 * another process; every result the victim sees must be a documented one.
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

const char *const mode_name[] = { "between calls", "from a thread", "from a process" };

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

void fuzz_case(uint32_t flags, uint32_t ntx, uint32_t nrx, unsigned int role, int mode,
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
