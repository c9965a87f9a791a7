/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcx-fuzz: what its parts share (main.c has the usage and the design).
 *   main.c        options, the shared histogram, workers, fork/threads, the loop
 *   rng.c         the PRNG and the boundary-value generators
 *   ctx.c         per-thread context, the fd and mapping slots a process shares
 *   args.c        names and argument pointers (guard pages, bad pointers)
 *   ops_region.c  region and lock ioctls
 *   ops_mm.c      files, mappings, stores, polls
 *   ops_netlink.c raw generic netlink messages and dumps
 */
#ifndef IPCX_FUZZ_H
#define IPCX_FUZZ_H

#include <errno.h>

#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#define PG		4096UL
#define NSLOTS		16	/* fds shared by a process's threads */
#define NMAPS		12	/* mappings shared by a process's threads */
#define NNAMES		6	/* the name pool: collisions on purpose */
#define NERR		256	/* histogram columns: 0 = ok, errno, 255 = other */
#define TOUCH_PAGES	16	/* stores go to the first pages of a mapping */
#define ARG_PAGES	4	/* argument buffer pages before the guard page */

#define OPS(X) \
	X(DEV_OPEN, 6) X(CLOSE, 5) X(DUP, 2) X(REGION_OPEN, 14) X(UNLINK, 4) \
	X(STAT, 3) X(SET_PERM, 2) X(SEAL, 1) X(RESIZE, 4) X(OWNER, 2) \
	X(DECLARE, 8) X(MUTEX_LOCK, 6) X(MUTEX_UNLOCK, 4) X(CONSISTENT, 2) \
	X(EVENT_WAIT, 3) X(EVENT_WAKE, 3) X(LOCK_STAT, 2) X(LOCK_FD, 3) \
	X(SEM_WAIT, 3) X(SEM_POST, 3) X(RW_RDLOCK, 3) X(RW_WRLOCK, 3) \
	X(RW_UNLOCK, 3) X(RAW_IOCTL, 4) X(MMAP, 6) X(MUNMAP, 3) X(MREMAP, 2) \
	X(MPROTECT, 1) X(TOUCH, 6) X(POLL, 3) X(FORK, 1) X(THREAD, 1) \
	X(NETLINK, 4) X(NL_DUMP, 2) X(UNSHARE_IPC, 0)

#define X_ENUM(name, w) OP_##name,
#define X_NAME(name, w) #name,
#define X_WEIGHT(name, w) w,
enum { OPS(X_ENUM) NR_OPS };

struct fuzz_stats {
	unsigned long res[NR_OPS][NERR];
	unsigned long signals[NR_OPS];	/* SIGBUS/SIGSEGV caught in stores */
	unsigned long iterations;
	unsigned long children;
	unsigned long ops;		/* progress, for the stall check */
};

struct rng {
	uint64_t s;
};

/*
 * arg: argument buffers, 4 read-write pages followed by an unmapped guard
 * page; ro: one read-only page. Structures are placed at the end of arg
 * (to straddle the guard) or anywhere in it.
 */
struct ctx {
	struct rng r;
	char *arg;
	char *ro;
	char *nm;			/* names: a page, then a guard page */
	char *name;			/* a 512-byte name buffer at nm */
	int nl_sock;
	struct ipcx_nl *nl;
	timer_t timer;
	int has_timer;
	int in_child;			/* a forked child: no threads, no netlink */
	int depth;			/* >0 in a short-lived thread */
	int proc, thread;
};

/* a mapping slot, shared by a process's threads under maps_lock */
struct fuzz_map {
	void *addr;
	size_t len;
};

/* main.c */
extern const char *const op_names[NR_OPS];
extern const unsigned int op_weights[NR_OPS];
extern struct fuzz_stats *stats;
extern uint64_t opt_seed;
extern unsigned long opt_iterations;
extern unsigned int opt_procs, opt_threads;
extern int opt_netlink, opt_fork, opt_verbose;
extern unsigned int opt_stall;
extern char prefix[32];
extern int nl_family;

/* ctx.c: state a process's threads share */
extern __thread sigjmp_buf touch_jmp;
extern __thread volatile sig_atomic_t in_touch;
extern int slots[NSLOTS];
extern struct fuzz_map maps[NMAPS];
extern pthread_rwlock_t maps_lock;
extern uint64_t known_ids[8];
extern int attached[8];

/* main.c */
void record(int op, long ret);
long sysret(long ret);

/* rng.c */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rnd(struct rng *r);
uint64_t below(struct rng *r, uint64_t n);
int chance(struct rng *r, unsigned int pct);
uint32_t rflags(struct rng *r, uint32_t valid);
uint64_t rsize(struct rng *r);
uint64_t roffset(struct rng *r);

/* ctx.c */
void on_timer(int sig);
void on_fault(int sig);
int ctx_init(struct ctx *c, uint64_t stream);
void ctx_fini(struct ctx *c);
void arm(struct ctx *c);
void disarm(struct ctx *c);
int slot_fd(struct ctx *c);
int pick_fd(struct ctx *c);
void note_attached(struct ctx *c, int fd);
void slot_put(struct ctx *c, int fd);

/* args.c */
uint64_t rname(struct ctx *c);
long do_ioctl(struct ctx *c, int fd, unsigned long cmd, const void *st,
	      size_t ksize, int blocking);

/* ops_region.c */
long op_region_open(struct ctx *c, int fd);
long op_unlink(struct ctx *c, int fd);
long op_set_perm(struct ctx *c, int fd);
long op_seal(struct ctx *c, int fd);
long op_resize(struct ctx *c, int fd);
long op_lock(struct ctx *c, int fd, int op);
long op_lock_stat(struct ctx *c, int fd);
long op_stat(struct ctx *c, int fd);
long op_raw_ioctl(struct ctx *c, int fd);

/* ops_mm.c */
long op_dev_open(struct ctx *c);
long op_close(struct ctx *c);
long op_dup(struct ctx *c);
long op_mmap(struct ctx *c, int fd);
long op_munmap(struct ctx *c);
long op_mremap(struct ctx *c);
long op_mprotect(struct ctx *c);
long op_touch(struct ctx *c);
long op_poll(struct ctx *c, int fd);

/* ops_netlink.c */
long op_netlink(struct ctx *c);
long op_nl_dump(struct ctx *c);

#endif
