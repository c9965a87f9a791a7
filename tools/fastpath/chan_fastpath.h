/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcx-chan-fastpath's parts (chan_fastpath.c: helpers and main;
 * fastpath_chan.c: the cache line, the bare ring and the channel;
 * fastpath_pipe.c: pipes and memcpy): what they share.
 */
#ifndef IPCX_CHAN_FASTPATH_H
#define IPCX_CHAN_FASTPATH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* the shared mapping both sides use; the CPUs; the run's sizes */
extern struct shared *sh;
extern int cpu[2], batches, tp_msgs;

/* chan_fastpath.c */
uint64_t now_ns(void);
void pin(int c);
double median(double *v, int n);
void die(const char *what, int rc);	/* exit 2 */
uint64_t sum_words(const void *buf, size_t len);
pid_t other_side(void (*fn)(void *), void *arg);
void reap(pid_t pid);

/* fastpath_chan.c: ns per round trip (medians); GB/s */
double gbps(uint64_t t0, uint64_t t1);
double chan_roundtrip(uint64_t *kcalls);
double chan_throughput(uint64_t *kcalls, int view);
uint64_t calls_without_waiters(void);

/* fastpath_pipe.c */
double pipe_roundtrip(void);
double pipe_throughput(void);
double memcpy_throughput(void);

#endif
