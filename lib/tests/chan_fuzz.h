/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcx-chan-fuzz's parts (chan_fuzz.c: the region, crafted rings, main;
 * chan_fuzz_lap.c: legitimate peers; chan_fuzz_hostile.c: the scribbling
 * peer): what they share.
 */
#ifndef IPCX_CHAN_FUZZ_H
#define IPCX_CHAN_FUZZ_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

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

/* the options (chan_fuzz.c) and the count of failures so far */
extern uint64_t seed;
extern long iters;
extern int big_log2;
extern int failures;

/* chan_fuzz.c */
uint64_t now_ns(clockid_t clk);
uint64_t thread_cpu_ns(void);
uint64_t rnd(uint64_t *s);
void die(const char *what, int rc);	/* a harness error: exit 2 */
__attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...);
void chan_make(struct chan *c, uint32_t flags, uint32_t max_msg, uint32_t cap,
	       uint32_t ntx, uint32_t nrx);
void chan_drop(struct chan *c);
struct ipcx_chan *chan_open(struct chan *c, unsigned int role);
uint64_t *u64_at(struct chan *c, uint64_t off);

/* chan_fuzz_lap.c: a receiver a lap behind a held slot */
extern int cpus[2];
void find_cpus(void);
void lap_behind(int killed, uint64_t spin);

/* chan_fuzz_hostile.c: one kind and role of victim under one way of scribbling */
extern const char *const mode_name[];
void fuzz_case(uint32_t flags, uint32_t ntx, uint32_t nrx, unsigned int role, int mode,
	       uint64_t cs);

#endif
