// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx-fuzz: random ioctl, mmap and netlink sequences against /dev/ipcx.
 *
 *   ipcx-fuzz [--seed S] [--iterations N] [--procs P] [--threads T]
 *             [--no-netlink] [--no-fork] [--verbose]
 *
 * P processes of T threads each run N / (P * T) operations drawn from a
 * seeded PRNG (the seed is printed; --seed replays the same per-thread
 * sequences, though thread interleavings differ): every ipcx ioctl with
 * random and boundary arguments (flag words ~0, 0x80000000 and single bits;
 * sizes 0, 1, a page, 0xfffff000, 2^32, 2^64 - 4096; offsets inside,
 * outside and unaligned; names of many lengths, bad and unterminated name
 * pointers; structures shorter and longer than the kernel's, straddling an
 * unmapped page or read-only; timeouts negative, zero, tiny, too large;
 * wrong ioctl directions and numbers), open/close/dup of the shared fd
 * slots, mmap/munmap/mremap/mprotect and stores into the mappings (lock
 * words included), poll/read of lock fds, fork (children act, then exit,
 * exec or get SIGKILLed), short-lived threads, and raw generic netlink
 * messages to the "ipcx" family, well formed or not. All threads of a
 * process share the fd and mapping slots, so closes, unmaps and resizes race
 * the other threads' ioctls and faults.
 *
 * Waits that would sleep are cut short by a per-thread timer signal
 * (SIGUSR1, no SA_RESTART): they end with EINTR. Stores fault with SIGBUS
 * beyond a shrunk region; a per-thread handler catches SIGBUS/SIGSEGV in
 * stores only. Regions are named "fz<pid>-..." and removed at the end.
 *
 * Exit status: 0 when every process and thread finished (invalid calls
 * failing is fine), 1 otherwise (a worker killed by a signal, or no
 * operation finished for --stall seconds, default 60: then every worker
 * thread's wchan, syscall and kernel stack are printed and the workers
 * killed), 2 for usage errors. Output ends
 * with "# fuzz: N iterations, P processes x T threads, seed S, E errnos
 * seen" and a histogram of results per operation.
 */
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

/* ---- operations and the shared histogram ------------------------------- */

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
static const char *const op_names[NR_OPS] = { OPS(X_NAME) };
static const unsigned int op_weights[NR_OPS] = { OPS(X_WEIGHT) };

/* in MAP_SHARED memory: every process, thread and child adds to it */
struct fuzz_stats {
	unsigned long res[NR_OPS][NERR];
	unsigned long signals[NR_OPS];	/* SIGBUS/SIGSEGV caught in stores */
	unsigned long iterations;
	unsigned long children;
	unsigned long ops;		/* progress, for the stall check */
};

static struct fuzz_stats *stats;
static uint64_t opt_seed;
static unsigned long opt_iterations = 20000;
static unsigned int opt_procs = 3, opt_threads = 3;
static int opt_netlink = 1, opt_fork = 1, opt_verbose;
static unsigned int opt_stall = 60;	/* seconds without progress */
static char prefix[32];			/* "fz<pid>-" */
static int nl_family = -1;

static void record(int op, long ret)
{
	int col = ret >= 0 ? 0 : (-ret < NERR - 1 ? (int)-ret : NERR - 1);

	__atomic_add_fetch(&stats->res[op][col], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&stats->ops, 1, __ATOMIC_RELAXED);
}

/* the result of a syscall-style call: -errno or >= 0 */
static long sysret(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* ---- PRNG: splitmix64 seeds, xorshift64* per thread -------------------- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);

	r->s = splitmix64(&x) | 1;
}

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* flag words: valid bits mostly, boundary patterns sometimes */
static uint32_t rflags(struct rng *r, uint32_t valid)
{
	switch (below(r, 10)) {
	case 0: return ~0U;
	case 1: return 0x80000000U;
	case 2: return 1U << below(r, 32);
	case 3: return (uint32_t)rnd(r);
	case 4: return 0;
	default: return (uint32_t)rnd(r) & valid;
	}
}

static uint64_t rsize(struct rng *r)
{
	static const uint64_t sizes[] = {
		0, 1, 63, 64, PG - 1, PG, PG + 1, 2 * PG, 16 * PG, 65536,
		0xfffff000ULL, 1ULL << 32, (1ULL << 32) + PG, -4096ULL,
		1ULL << 63, 1ULL << 30, (1ULL << 30) + 1, -1ULL,
	};

	if (chance(r, 30))
		return 1 + below(r, 8 * PG);
	return sizes[below(r, sizeof(sizes) / sizeof(sizes[0]))];
}

/* lock offsets: mostly aligned blocks in the first pages */
static uint64_t roffset(struct rng *r)
{
	static const uint64_t offs[] = {
		0, 64, PG - 64, PG, 1, 63, 65, PG - 1, 16 * PG, 1ULL << 32,
		-64ULL, -1ULL, 0x7fffffffffffffc0ULL,
	};

	if (chance(r, 70))
		return below(r, 4) * 64 + (chance(r, 20) ? PG : 0);
	return offs[below(r, sizeof(offs) / sizeof(offs[0]))];
}

/* ---- per-thread context -------------------------------------------------- */

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

#define ARG_PAGES	4

static __thread sigjmp_buf touch_jmp;
static __thread volatile sig_atomic_t in_touch;

/* state a process's threads share */
static int slots[NSLOTS];
static struct {
	void *addr;
	size_t len;
} maps[NMAPS];
static pthread_rwlock_t maps_lock = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t known_ids[8];	/* region ids seen, for netlink requests */
static int attached[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };	/* fds that were attached */

static void on_timer(int sig)
{
	(void)sig;	/* only interrupts a sleeping ioctl */
}

static void on_fault(int sig)
{
	if (in_touch)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int ctx_init(struct ctx *c, uint64_t stream)
{
	struct sigevent sev;

	memset(c, 0, sizeof(*c));
	rng_seed(&c->r, opt_seed, stream);
	c->nl_sock = -1;
	c->arg = mmap(NULL, (ARG_PAGES + 1) * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->arg == MAP_FAILED || c->ro == MAP_FAILED)
		return -1;
	mprotect(c->arg + ARG_PAGES * PG, PG, PROT_NONE);
	c->nm = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->nm == MAP_FAILED)
		return -1;
	mprotect(c->nm + PG, PG, PROT_NONE);
	c->name = c->nm;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	c->has_timer = !timer_create(CLOCK_MONOTONIC, &sev, &c->timer);
	return 0;
}

static void ctx_fini(struct ctx *c)
{
	if (c->has_timer)
		timer_delete(c->timer);
	if (c->nl_sock >= 0)
		close(c->nl_sock);
	if (c->nl)
		ipcx_nl_close(c->nl);
	munmap(c->arg, (ARG_PAGES + 1) * PG);
	munmap(c->ro, PG);
	munmap(c->nm, 2 * PG);
}

/*
 * Cut the next blocking call short after 1..20 ms (EINTR). The timer
 * repeats every 5 ms until disarm(): a signal that lands before the call
 * has started sleeping (the thread was preempted in between) must not
 * leave it asleep for good.
 */
static void arm(struct ctx *c)
{
	struct itimerspec its = { 0 };

	if (!c->has_timer)
		return;
	its.it_value.tv_nsec = (1 + below(&c->r, 20)) * 1000000L;
	its.it_interval.tv_nsec = 5000000L;
	timer_settime(c->timer, 0, &its, NULL);
}

static void disarm(struct ctx *c)
{
	struct itimerspec its = { 0 };

	if (c->has_timer)
		timer_settime(c->timer, 0, &its, NULL);
}

static int slot_fd(struct ctx *c)
{
	return __atomic_load_n(&slots[below(&c->r, NSLOTS)], __ATOMIC_RELAXED);
}

/* Mostly an fd that was attached to a region (it may be closed by now). */
static int pick_fd(struct ctx *c)
{
	int fd = __atomic_load_n(&attached[below(&c->r, 8)], __ATOMIC_RELAXED);

	return fd >= 0 && chance(&c->r, 70) ? fd : slot_fd(c);
}

static void note_attached(struct ctx *c, int fd)
{
	__atomic_store_n(&attached[below(&c->r, 8)], fd, __ATOMIC_RELAXED);
}

/* Put @fd into a free slot, or close it. */
static void slot_put(struct ctx *c, int fd)
{
	int i = below(&c->r, NSLOTS), n, empty;

	for (n = 0; n < NSLOTS; n++, i = (i + 1) % NSLOTS) {
		empty = -1;
		if (__atomic_compare_exchange_n(&slots[i], &empty, fd, 0,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
	close(fd);
}

/* ---- names and argument pointers ---------------------------------------- */

/*
 * A name pointer: mostly the pool (prefix + digit), sometimes long, empty,
 * with '/', unterminated before the guard page, or a bad pointer. Every
 * valid name starts with the prefix, so the fuzzer never touches other
 * programs' regions and can clean up after itself.
 */
static uint64_t rname(struct ctx *c)
{
	struct rng *r = &c->r;
	size_t len, plen = strlen(prefix);
	char *end = c->nm + PG;

	switch (below(r, 16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return (uint64_t)-1;
	case 3:
		return 0xffffffff81000000ULL;	/* a kernel address */
	case 4:		/* unterminated, running into the guard page */
		len = below(r, 300);
		memset(end - len, 'a' + below(r, 26), len);
		if (len >= plen)
			memcpy(end - len, prefix, plen);
		return (uint64_t)(uintptr_t)(end - len);
	case 5:		/* long: 200..300 bytes, around IPCX_NAME_MAX */
		len = plen + 200 + below(r, 100);
		memcpy(c->name, prefix, plen);
		memset(c->name + plen, 'L', len - plen);
		c->name[len] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	case 6:
		c->name[0] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	case 7:
		snprintf(c->name, 512, "%s%u/x", prefix, (unsigned int)below(r, NNAMES));
		return (uint64_t)(uintptr_t)c->name;
	case 8:		/* exactly IPCX_NAME_MAX or one more */
		len = IPCX_NAME_MAX + below(r, 2);
		memcpy(c->name, prefix, plen);
		memset(c->name + plen, 'M', len - plen);
		c->name[len] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	default:
		snprintf(c->name, 512, "%s%u", prefix, (unsigned int)below(r, NNAMES));
		return (uint64_t)(uintptr_t)c->name;
	}
}

/*
 * The structure inside one of our ipcx mappings: the kernel's copies then
 * fault through ipcx's own vm_ops (SIGBUS territory after a shrink gives
 * EFAULT). Returns with maps_lock read-held (do_ioctl() drops it), or 0.
 */
static unsigned long arg_in_map(struct ctx *c, const void *src, size_t size)
{
	int i = below(&c->r, NMAPS);
	size_t len, off;
	char *p;

	pthread_rwlock_rdlock(&maps_lock);
	len = maps[i].len < TOUCH_PAGES * PG ? maps[i].len : TOUCH_PAGES * PG;
	if (!maps[i].addr || len < size) {
		pthread_rwlock_unlock(&maps_lock);
		return 0;
	}
	off = below(&c->r, len - size + 1) & ~7UL;
	p = (char *)maps[i].addr + off;
	in_touch = 1;
	if (!sigsetjmp(touch_jmp, 1))
		memcpy(p, src, size);	/* may fault: read-only, shrunk */
	in_touch = 0;
	return (unsigned long)p;
}

/*
 * Where an ioctl structure of @size bytes goes: a normal buffer, the end of
 * the argument pages (its tail in the guard page when @size is larger than
 * what was filled), the read-only page, one of our ipcx mappings, NULL or a
 * kernel address. @src (kernel-struct bytes, @ksize) is copied there.
 * *@in_map tells that maps_lock is read-held.
 */
static unsigned long rarg(struct ctx *c, const void *src, size_t ksize,
			  size_t usize, int *in_map)
{
	char *end = c->arg + ARG_PAGES * PG;
	unsigned long a;
	char *p;

	*in_map = 0;
	switch (below(&c->r, 40)) {
	case 0:
		return 0;
	case 1:
		return 0xffff888000000000UL;
	case 2:		/* straddles the guard page */
		p = end - ksize / 2;
		memcpy(p, src, ksize / 2);
		return (unsigned long)p;
	case 3:		/* read-only: inputs work, outputs fault */
		return (unsigned long)c->ro;
	case 4:
	case 5:
		a = arg_in_map(c, src, ksize);
		if (a) {
			*in_map = 1;
			return a;
		}
		__attribute__((fallthrough));
	default:	/* the structure, then zeroes or garbage up to usize */
		p = end - (usize > ksize ? usize : ksize) - 8 * below(&c->r, 2);
		memset(p, 0, usize > ksize ? usize : ksize);
		memcpy(p, src, ksize);
		if (usize > ksize && chance(&c->r, 30))
			p[ksize + below(&c->r, usize - ksize)] = (char)(1 + below(&c->r, 255));
		return (unsigned long)p;
	}
}

/* The ioctl number for @cmd with a varied size (and rarely direction). */
static unsigned long fz_cmd(struct ctx *c, unsigned long cmd, size_t *usize)
{
	size_t size = _IOC_SIZE(cmd);

	switch (below(&c->r, 24)) {
	case 0:
		size = size > 8 ? size - 8 : 0;
		break;
	case 1:
		size += 8;
		break;
	case 2:
		size = below(&c->r, 2 * PG);
		break;
	case 3:
		size = 0;
		break;
	case 4:
		*usize = size;
		return (cmd & ~(_IOC_DIRMASK << _IOC_DIRSHIFT)) |
		       ((unsigned long)below(&c->r, 4) << _IOC_DIRSHIFT);
	default:
		break;
	}
	*usize = size;
	return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
	       ((unsigned long)size << _IOC_SIZESHIFT);
}

static long do_ioctl(struct ctx *c, int fd, unsigned long cmd, const void *st,
		     size_t ksize, int blocking)
{
	size_t usize;
	unsigned long ucmd = fz_cmd(c, cmd, &usize);
	int in_map;
	unsigned long arg = rarg(c, st, ksize, usize, &in_map);
	long ret;

	if (blocking)
		arm(c);
	ret = sysret(ioctl(fd, ucmd, arg));
	if (blocking)
		disarm(c);
	if (in_map)
		pthread_rwlock_unlock(&maps_lock);
	return ret;
}

/* ---- region and lock ioctls --------------------------------------------- */

static long op_region_open(struct ctx *c, int fd)
{
	struct ipcx_region_open ro = { 0 };
	struct rng *r = &c->r;
	long ret;

	ro.name = chance(r, 15) ? 0 : rname(c);
	ro.size = chance(r, 40) ? (1 + below(r, 4)) * PG : rsize(r);
	ro.flags = rflags(r, IPCX_OPEN_FLAGS);
	if (chance(r, 50))
		ro.flags = IPCX_OPEN_CREATE | (chance(r, 30) ? IPCX_OPEN_EXCL : 0);
	ro.mode = chance(r, 80) ? 0600 : rflags(r, 0777);
	ro.lifetime = chance(r, 85) ? below(r, 3) : rflags(r, 3);
	if (chance(r, 5))
		ro.__pad = 1;
	if (chance(r, 5))
		ro.__reserved[below(r, 2)] = rnd(r);
	if (chance(r, 5))
		ro.id = rnd(r);
	ret = do_ioctl(c, fd, IPCX_IOC_REGION_OPEN, &ro, sizeof(ro), 0);
	if (!ret)
		note_attached(c, fd);
	if (!ret && ro.id)
		known_ids[below(r, 8)] = ro.id;
	return ret;
}

static long op_unlink(struct ctx *c, int fd)
{
	struct ipcx_region_unlink ul = { 0 };

	ul.name = rname(c);
	ul.flags = chance(&c->r, 60) ? (uint32_t)below(&c->r, 2) : rflags(&c->r, 1);
	if (chance(&c->r, 5))
		ul.__pad = 1;
	if (chance(&c->r, 5))
		ul.__reserved[1] = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_UNLINK, &ul, sizeof(ul), 0);
}

static long op_set_perm(struct ctx *c, int fd)
{
	struct ipcx_region_perm p = { 0 };

	p.uid = chance(&c->r, 70) ? getuid() : (uint32_t)rnd(&c->r);
	p.gid = chance(&c->r, 70) ? getgid() : (uint32_t)rnd(&c->r);
	p.mode = chance(&c->r, 70) ? 0600 | (uint32_t)below(&c->r, 0100) : rflags(&c->r, 0777);
	p.flags = rflags(&c->r, IPCX_PERM_FLAGS);
	if (chance(&c->r, 5))
		p.__reserved[0] = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_SET_PERM, &p, sizeof(p), 0);
}

static long op_seal(struct ctx *c, int fd)
{
	struct ipcx_region_seal s = { 0 };

	/* sealing everything would make the rest of the run dull */
	s.seals = chance(&c->r, 70) ? IPCX_SEAL_RESIZE : rflags(&c->r, IPCX_SEALS);
	if (chance(&c->r, 5))
		s.__reserved = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_SEAL, &s, sizeof(s), 0);
}

static long op_resize(struct ctx *c, int fd)
{
	struct ipcx_region_resize rs = { 0 };

	rs.size = chance(&c->r, 50) ? (1 + below(&c->r, 8)) * PG - below(&c->r, 2) : rsize(&c->r);
	if (chance(&c->r, 5))
		rs.__reserved = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_RESIZE, &rs, sizeof(rs), 0);
}

/* A timeout: none, negative, zero, already past, tiny, soon, too large. */
static void rtimeout(struct ctx *c, struct ipcx_lock_op *op)
{
	struct timespec now;
	int realtime = chance(&c->r, 30);

	if (chance(&c->r, 40))
		return;
	op->flags |= IPCX_LOCK_F_TIMEOUT | (realtime ? IPCX_LOCK_F_REALTIME : 0);
	clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
	switch (below(&c->r, 14)) {
	case 0:
		op->timeout_sec = -1;
		break;
	case 1:
		break;		/* 0: long past */
	case 2:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = now.tv_nsec;
		break;
	case 3:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = -1;
		break;
	case 4:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = 1000000000;
		break;
	case 5:
		op->timeout_sec = INT64_MAX;
		break;
	default:	/* 1 us .. 3 ms ahead */
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = now.tv_nsec + 1000 + below(&c->r, 3000000);
		if (op->timeout_nsec >= 1000000000) {
			op->timeout_sec++;
			op->timeout_nsec -= 1000000000;
		}
	}
}

static void rlock_op(struct ctx *c, struct ipcx_lock_op *op, uint32_t kind,
		     uint32_t valid_flags)
{
	struct rng *r = &c->r;

	memset(op, 0, sizeof(*op));
	/* op_dev_open declares kind k at (k - 1) * 64 */
	op->offset = kind && chance(r, 60) ? (kind - 1) * 64ULL : roffset(r);
	op->kind = chance(r, 80) ? (chance(r, 50) ? kind : 0) : (uint32_t)below(r, 6);
	op->flags = chance(r, 85) ? (uint32_t)(rnd(r) & valid_flags) : rflags(r, IPCX_LOCK_F_ALL);
	op->flags &= ~(IPCX_LOCK_F_TIMEOUT | IPCX_LOCK_F_REALTIME);
	rtimeout(c, op);
	if (chance(r, 3))
		op->__reserved0 = 1;
	if (chance(r, 2))
		op->__reserved[below(r, 2)] = 1;
	if (chance(r, 2))
		op->died.pid = 1;
	if (chance(r, 3))
		op->owner = (uint32_t)rnd(r);
}

static long op_lock(struct ctx *c, int fd, int op)
{
	static const struct {
		unsigned long cmd;
		uint32_t kind, flags;
		int blocking;
	} t[] = {
		[OP_OWNER] = { IPCX_IOC_OWNER_REGISTER, 0, 0, 0 },
		[OP_DECLARE] = { IPCX_IOC_LOCK_DECLARE, 0, 0, 0 },
		[OP_MUTEX_LOCK] = { IPCX_IOC_MUTEX_LOCK, IPCX_LOCK_MUTEX, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_MUTEX_UNLOCK] = { IPCX_IOC_MUTEX_UNLOCK, IPCX_LOCK_MUTEX, 0, 0 },
		[OP_CONSISTENT] = { IPCX_IOC_MUTEX_CONSISTENT, IPCX_LOCK_MUTEX, 0, 0 },
		[OP_EVENT_WAIT] = { IPCX_IOC_EVENT_WAIT, IPCX_LOCK_EVENT, 0, 1 },
		[OP_EVENT_WAKE] = { IPCX_IOC_EVENT_WAKE, IPCX_LOCK_EVENT, 0, 0 },
		[OP_LOCK_FD] = { IPCX_IOC_LOCK_FD, 0, 0, 0 },
		[OP_SEM_WAIT] = { IPCX_IOC_SEM_WAIT, IPCX_LOCK_SEM,
				  IPCX_LOCK_F_TRYLOCK | IPCX_LOCK_F_UNDO, 1 },
		[OP_SEM_POST] = { IPCX_IOC_SEM_POST, IPCX_LOCK_SEM, IPCX_LOCK_F_UNDO, 0 },
		[OP_RW_RDLOCK] = { IPCX_IOC_RW_RDLOCK, IPCX_LOCK_RWLOCK, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_RW_WRLOCK] = { IPCX_IOC_RW_WRLOCK, IPCX_LOCK_RWLOCK, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_RW_UNLOCK] = { IPCX_IOC_RW_UNLOCK, IPCX_LOCK_RWLOCK, 0, 0 },
	};
	struct ipcx_lock_op lop;
	long ret;

	rlock_op(c, &lop, t[op].kind, t[op].flags);
	switch (op) {
	case OP_OWNER:
		if (chance(&c->r, 80))
			memset(&lop, 0, sizeof(lop));
		break;
	case OP_DECLARE:
		lop.kind = chance(&c->r, 90) ? 1 + (uint32_t)below(&c->r, 4) : (uint32_t)rnd(&c->r);
		if (chance(&c->r, 80)) {
			lop.flags = 0;
			lop.timeout_sec = lop.timeout_nsec = 0;
		}
		lop.value = lop.kind == IPCX_LOCK_SEM && chance(&c->r, 80) ?
			    below(&c->r, 4) : (chance(&c->r, 80) ? 0 : rsize(&c->r));
		if (chance(&c->r, 25)) {
			/* a mutex whose holders' deaths signal an event: the one
			 * op_dev_open declares, or any offset */
			lop.flags = IPCX_LOCK_F_DEATH_EVENT;
			lop.kind = chance(&c->r, 85) ? IPCX_LOCK_MUTEX : lop.kind;
			lop.value = chance(&c->r, 70) ? (IPCX_LOCK_EVENT - 1) * 64ULL :
							roffset(&c->r);
		}
		break;
	case OP_EVENT_WAIT:
		lop.value = chance(&c->r, 80) ? below(&c->r, 4) : rnd(&c->r);
		break;
	case OP_EVENT_WAKE:
		lop.value = chance(&c->r, 80) ? below(&c->r, 3) : rnd(&c->r);
		break;
	default:
		if (chance(&c->r, 5))
			lop.value = 1;
	}
	ret = do_ioctl(c, fd, t[op].cmd, &lop, sizeof(lop), t[op].blocking);
	if (op == OP_LOCK_FD && ret >= 0)
		slot_put(c, (int)ret);
	return ret;
}

static long op_lock_stat(struct ctx *c, int fd)
{
	struct ipcx_lock_stat st = { 0 };

	st.offset = roffset(&c->r);
	if (chance(&c->r, 5))
		st.kind = 1;
	return do_ioctl(c, fd, IPCX_IOC_LOCK_STAT, &st, sizeof(st), 0);
}

static long op_stat(struct ctx *c, int fd)
{
	struct ipcx_region_stat st;

	memset(&st, 0, sizeof(st));
	return do_ioctl(c, fd, IPCX_IOC_REGION_STAT, &st, sizeof(st), 0);
}

/* Any ipcx number, any direction and size; rarely a foreign command. */
static long op_raw_ioctl(struct ctx *c, int fd)
{
	unsigned long cmd;
	char *p = c->arg + below(&c->r, ARG_PAGES * PG);
	size_t i;

	for (i = 0; i < 64 && p + i < c->arg + ARG_PAGES * PG; i++)
		p[i] = (char)rnd(&c->r);
	cmd = _IOC(below(&c->r, 4), IPCX_IOC_MAGIC, below(&c->r, 0x40),
		   below(&c->r, 512));
	if (chance(&c->r, 10)) {
		cmd = (uint32_t)rnd(&c->r);
		if (_IOC_TYPE(cmd) == 'X' || _IOC_TYPE(cmd) == 0x94)
			cmd = 0;	/* no FIFREEZE/FITHAW/FICLONE on devtmpfs */
	}
	arm(c);
	cmd = sysret(ioctl(fd, cmd, chance(&c->r, 80) ? (unsigned long)p : rnd(&c->r)));
	disarm(c);
	return (long)cmd;
}

/* ---- files, mappings, stores, polls ------------------------------------- */

/*
 * Open /dev/ipcx; mostly attach it at once with valid arguments (a pool
 * name or anonymous) and declare a lock of each kind k at (k - 1) * 64, so
 * that the lock operations find something to work on.
 */
static long op_dev_open(struct ctx *c)
{
	int flags = chance(&c->r, 85) ? O_RDWR : (chance(&c->r, 50) ? O_RDONLY : O_WRONLY);
	int fd = open(IPCX_DEVICE_PATH, flags | (chance(&c->r, 50) ? O_CLOEXEC : 0));
	struct ipcx_region_open ro = { 0 };
	struct ipcx_lock_op op;
	uint32_t kind;
	long ret;

	if (fd < 0)
		return -errno;
	if (chance(&c->r, 70)) {
		if (chance(&c->r, 70)) {
			snprintf(c->name, 512, "%s%u", prefix, (unsigned int)below(&c->r, NNAMES));
			ro.name = (uint64_t)(uintptr_t)c->name;
		}
		ro.size = (1 + below(&c->r, 4)) * PG;
		ro.flags = IPCX_OPEN_CREATE;
		ro.mode = 0600;
		ro.lifetime = below(&c->r, 3);
		ret = sysret(ioctl(fd, IPCX_IOC_REGION_OPEN, &ro));
		record(OP_REGION_OPEN, ret);
		if (!ret) {
			note_attached(c, fd);
			known_ids[below(&c->r, 8)] = ro.id;
			for (kind = IPCX_LOCK_MUTEX; kind <= IPCX_LOCK_RWLOCK; kind++) {
				if (chance(&c->r, 30))
					continue;
				memset(&op, 0, sizeof(op));
				op.offset = (kind - 1) * 64;
				op.kind = kind;
				op.value = kind == IPCX_LOCK_SEM ? below(&c->r, 3) : 0;
				record(OP_DECLARE, sysret(ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op)));
			}
		}
	}
	slot_put(c, fd);
	return 0;
}

static long op_close(struct ctx *c)
{
	int fd = __atomic_exchange_n(&slots[below(&c->r, NSLOTS)], -1, __ATOMIC_RELAXED);

	return fd < 0 ? -EBADF : sysret(close(fd));
}

static long op_dup(struct ctx *c)
{
	int fd = slot_fd(c);

	fd = fd < 0 ? -1 : dup(fd);
	if (fd < 0)
		return -errno;
	slot_put(c, fd);
	return 0;
}

static void map_put(struct ctx *c, void *addr, size_t len)
{
	int i;

	pthread_rwlock_wrlock(&maps_lock);
	for (i = 0; i < NMAPS; i++) {
		if (!maps[i].addr) {
			maps[i].addr = addr;
			maps[i].len = len;
			break;
		}
	}
	pthread_rwlock_unlock(&maps_lock);
	if (i == NMAPS)
		munmap(addr, len);
	(void)c;
}

static long op_mmap(struct ctx *c, int fd)
{
	static const uint64_t lens[] = { 0, 1, PG, 2 * PG, 3 * PG - 1, 16 * PG,
					 1ULL << 30, 1ULL << 40, -PG };
	static const uint64_t offs[] = { 0, 0, 0, PG, 2 * PG, 1, PG + 1,
					 1ULL << 32, -PG };
	struct rng *r = &c->r;
	uint64_t len = chance(r, 60) ? (1 + below(r, 4)) * PG : lens[below(r, 9)];
	uint64_t off = offs[below(r, 9)];
	int prot = chance(r, 70) ? PROT_READ | PROT_WRITE : (int)below(r, 8);
	int flags = chance(r, 85) ? MAP_SHARED : (chance(r, 50) ? MAP_PRIVATE :
						  MAP_SHARED_VALIDATE | 0x800000);
	void *p;

	/* populating 1 GiB of shmem would only test the VM's memory */
	if (len <= TOUCH_PAGES * PG && chance(r, 20))
		flags |= MAP_POPULATE;
	p = mmap(NULL, len, prot, flags, fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	map_put(c, p, len);
	return 0;
}

/* Take a mapping out of the table (the caller unmaps or moves it). */
static int map_take(struct ctx *c, void **addr, size_t *len)
{
	int i = below(&c->r, NMAPS);

	pthread_rwlock_wrlock(&maps_lock);
	*addr = maps[i].addr;
	*len = maps[i].len;
	maps[i].addr = NULL;
	pthread_rwlock_unlock(&maps_lock);
	return *addr ? 0 : -ENOENT;
}

static long op_munmap(struct ctx *c)
{
	void *addr;
	size_t len, part;

	if (map_take(c, &addr, &len))
		return -ENOENT;
	if (len > PG && chance(&c->r, 40)) {	/* unmap a middle page first */
		part = PG * (1 + below(&c->r, len / PG - 1));
		if (part < len)
			munmap((char *)addr + part, PG);
	}
	return sysret(munmap(addr, len));
}

static long op_mremap(struct ctx *c)
{
	void *addr, *p;
	size_t len, nlen;
	int flags = chance(&c->r, 50) ? MREMAP_MAYMOVE : 0;

	if (map_take(c, &addr, &len))
		return -ENOENT;
	nlen = chance(&c->r, 50) ? len + PG : (len > PG ? len - PG : len);
	if (chance(&c->r, 20))
		nlen = len;
	p = mremap(addr, len, nlen, flags);
	if (p == MAP_FAILED) {
		long err = -errno;

		map_put(c, addr, len);
		return err;
	}
	map_put(c, p, nlen);
	return 0;
}

static long op_mprotect(struct ctx *c)
{
	long ret = -ENOENT;
	int i = below(&c->r, NMAPS);

	pthread_rwlock_rdlock(&maps_lock);
	if (maps[i].addr)
		ret = sysret(mprotect(maps[i].addr, PG, (int)below(&c->r, 8)));
	pthread_rwlock_unlock(&maps_lock);
	return ret;
}

/*
 * Stores and loads in a mapping (under the read lock, so the range is ours):
 * lock words get random values too. SIGBUS (shrunk region) and SIGSEGV
 * (mprotect'ed) are expected.
 */
static long op_touch(struct ctx *c)
{
	volatile uint32_t *w;
	long ret = -ENOENT;
	size_t len, off;
	int i = below(&c->r, NMAPS), n, sig;

	pthread_rwlock_rdlock(&maps_lock);
	if (!maps[i].addr)
		goto out;
	len = maps[i].len < TOUCH_PAGES * PG ? maps[i].len : TOUCH_PAGES * PG;
	in_touch = 1;
	sig = sigsetjmp(touch_jmp, 1);
	if (sig) {
		in_touch = 0;
		__atomic_add_fetch(&stats->signals[OP_TOUCH], 1, __ATOMIC_RELAXED);
		ret = sig == SIGBUS ? -EFAULT : -EACCES;
		goto out;
	}
	for (n = 0; n < 4 && len >= 4; n++) {
		off = chance(&c->r, 60) ? below(&c->r, 8) * 64 : below(&c->r, len) & ~3UL;
		w = (volatile uint32_t *)((char *)maps[i].addr + off);
		if (chance(&c->r, 50))
			(void)*w;
		else
			*w = chance(&c->r, 50) ? (uint32_t)rnd(&c->r) :
			     (uint32_t)below(&c->r, 4) << 30 | (uint32_t)below(&c->r, 3);
	}
	in_touch = 0;
	ret = 0;
out:
	pthread_rwlock_unlock(&maps_lock);
	return ret;
}

static long op_poll(struct ctx *c, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	uint64_t v;
	long ret;

	if (chance(&c->r, 50))
		return sysret(read(fd, &v, chance(&c->r, 80) ? sizeof(v) : 4));
	arm(c);
	ret = sysret(poll(&pfd, 1, (int)below(&c->r, 3)));
	disarm(c);
	return ret;
}

/* ---- generic netlink ---------------------------------------------------- */

static void nl_put_attr(struct ctx *c, char *buf, size_t *len, size_t cap)
{
	struct rng *r = &c->r;
	struct nlattr *a = (struct nlattr *)(buf + *len);
	size_t plen = 0, i;
	uint16_t type = chance(r, 80) ? (uint16_t)below(r, IPCX_NL_A_MAX + 2) : (uint16_t)rnd(r);
	char *d = (char *)(a + 1);
	uint64_t v;

	if (*len + NLA_HDRLEN + 320 > cap)
		return;
	switch (below(r, 5)) {
	case 0:		/* u64 id: known, 0, random */
		v = chance(r, 50) ? known_ids[below(r, 8)] : (chance(r, 50) ? 0 : rnd(r));
		memcpy(d, &v, sizeof(v));
		plen = chance(r, 80) ? 8 : below(r, 12);
		break;
	case 1:		/* a name, NUL-terminated or not */
		snprintf(d, 300, "%s%u", prefix, (unsigned int)below(r, NNAMES));
		plen = strlen(d) + (chance(r, 80) ? 1 : 0);
		break;
	case 2:		/* long string */
		plen = 250 + below(r, 20);
		memset(d, 'n', plen);
		memcpy(d, prefix, strlen(prefix));
		d[plen - 1] = chance(r, 50) ? '\0' : 'n';
		break;
	case 3:		/* nested garbage */
		type |= NLA_F_NESTED;
		plen = below(r, 40);
		for (i = 0; i < plen; i++)
			d[i] = (char)rnd(r);
		break;
	default:
		plen = below(r, 16);
		for (i = 0; i < plen; i++)
			d[i] = (char)rnd(r);
	}
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + plen);
	if (chance(r, 5))
		a->nla_len = (uint16_t)rnd(r);	/* lies about its length */
	*len += NLA_ALIGN(NLA_HDRLEN + plen);
}

/* Read replies until DONE, an error, or 100 ms of silence. */
static long nl_drain(int sock)
{
	char buf[16384];
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	long ret = 0, n;
	struct nlmsghdr *h;
	int rounds, len;

	for (rounds = 0; rounds < 64; rounds++) {
		if (poll(&pfd, 1, 100) <= 0)
			return ret ? ret : -ETIME;
		n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return ret;
			ret++;
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				return ret;
		}
	}
	return ret;
}

static long op_netlink(struct ctx *c)
{
	struct rng *r = &c->r;
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[2048];
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t len = 0, i, n;
	int one = 1;

	if (nl_family < 0)
		return -ENOENT;
	if (c->nl_sock < 0) {
		c->nl_sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (c->nl_sock < 0)
			return -errno;
		setsockopt(c->nl_sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	}
	memset(&msg, 0, sizeof(msg));
	n = below(r, 5);
	for (i = 0; i < n; i++)
		nl_put_attr(c, msg.attrs, &len, sizeof(msg.attrs));
	msg.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + len);
	if (chance(r, 5))
		msg.n.nlmsg_len = NLMSG_LENGTH(below(r, GENL_HDRLEN + len + 1));
	msg.n.nlmsg_type = chance(r, 95) ? (uint16_t)nl_family : (uint16_t)rnd(r);
	msg.n.nlmsg_seq = (uint32_t)rnd(r);
	/* mostly the requests, sometimes a notification's number or junk */
	msg.g.cmd = chance(r, 10) ? (uint8_t)(IPCX_NL_CMD_EVENTS_SUBSCRIBE +
					    below(r, 2)) :
		    chance(r, 75) ? (uint8_t)(1 + below(r, IPCX_NL_CMD_REGION_DEL)) :
		    chance(r, 60) ? (uint8_t)below(r, IPCX_NL_CMD_MAX + 2) : (uint8_t)rnd(r);
	/* mostly what the command supports: dumps for GET, doit for the rest */
	n = msg.g.cmd == IPCX_NL_CMD_LOCK_GET ||
	    (msg.g.cmd == IPCX_NL_CMD_REGION_GET && chance(r, 50));
	if (chance(r, 20))
		n = !n;
	msg.n.nlmsg_flags = NLM_F_REQUEST | (n ? NLM_F_DUMP : 0) |
			    (chance(r, 50) ? NLM_F_ACK : 0);
	msg.g.version = chance(r, 90) ? IPCX_NL_FAMILY_VERSION : (uint8_t)rnd(r);
	if (sendto(c->nl_sock, &msg, msg.n.nlmsg_len < sizeof(msg) ? msg.n.nlmsg_len : sizeof(msg),
		   0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return nl_drain(c->nl_sock);
}

static int count_region(const struct ipcx_nl_region *reg, void *arg)
{
	(void)reg;
	(*(long *)arg)++;
	return 0;
}

static int count_lock(const struct ipcx_nl_lock *l, void *arg)
{
	(void)l;
	(*(long *)arg)++;
	return 0;
}

/* Well-formed requests through libipcx: dumps racing destruction. */
static long op_nl_dump(struct ctx *c)
{
	struct ipcx_nl_region reg;
	long n = 0, ret;
	char name[64];

	if (nl_family < 0)
		return -ENOENT;
	if (!c->nl && ipcx_nl_open(&c->nl))
		return -ENOENT;
	snprintf(name, sizeof(name), "%s%u", prefix, (unsigned int)below(&c->r, NNAMES));
	switch (below(&c->r, 3)) {
	case 0:
		ret = ipcx_nl_list_regions(c->nl, count_region, &n);
		break;
	case 1:
		ret = ipcx_nl_list_locks(c->nl, chance(&c->r, 50) ? name : NULL,
					 known_ids[below(&c->r, 8)], count_lock, &n);
		break;
	default:
		ret = ipcx_nl_get_region(c->nl, name, 0, &reg);
	}
	return ret ? ret : n;
}

/* ---- fork, threads, the loop -------------------------------------------- */

static void run_ops(struct ctx *c, unsigned long n);

static long op_fork(struct ctx *c)
{
	struct ctx child;
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		/* a child of a threaded process: syscalls only, no libnl */
		/* another thread may have held it at fork time */
		pthread_rwlock_init(&maps_lock, NULL);
		opt_verbose = 0;
		if (ctx_init(&child, rnd(&c->r)))
			_exit(1);
		child.in_child = 1;
		child.depth = 1;
		/*
		 * Sometimes a new IPC namespace: its names die with the
		 * child and are swept at the next named creation.
		 */
		if (chance(&child.r, 15))
			record(OP_UNSHARE_IPC, sysret(unshare(CLONE_NEWIPC)));
		run_ops(&child, 1 + below(&child.r, 12));
		__atomic_add_fetch(&stats->children, 1, __ATOMIC_RELAXED);
		if (chance(&child.r, 20))
			execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	if (chance(&c->r, 30)) {
		usleep(below(&c->r, 3000));
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		fprintf(stderr, "ipcx-fuzz: child %d died of signal %d\n", pid,
			WTERMSIG(status));
		return -ECHILD;
	}
	return 0;
}

struct short_thread {
	uint64_t seed;
	int depth;
};

static void *short_thread_fn(void *arg)
{
	struct short_thread *st = arg;
	struct ctx c;

	if (ctx_init(&c, st->seed))
		return NULL;
	c.depth = st->depth;
	run_ops(&c, 1 + below(&c.r, 10));
	ctx_fini(&c);
	return NULL;
}

/* A thread that acts (maybe takes locks) and exits: the robust paths. */
static long op_thread(struct ctx *c)
{
	struct short_thread st = { rnd(&c->r), c->depth + 1 };
	pthread_t t;
	int ret;

	ret = pthread_create(&t, NULL, short_thread_fn, &st);
	if (ret)
		return -ret;
	pthread_join(t, NULL);
	return 0;
}

static int pick_op(struct ctx *c)
{
	static unsigned int total;
	unsigned int i, x;

	if (!total)
		for (i = 0; i < NR_OPS; i++)
			total += op_weights[i];
	for (;;) {
		x = below(&c->r, total);
		for (i = 0; i < NR_OPS; i++) {
			if (x < op_weights[i])
				break;
			x -= op_weights[i];
		}
		if ((i == OP_FORK || i == OP_THREAD) && (c->depth || !opt_fork))
			continue;
		if ((i == OP_NETLINK || i == OP_NL_DUMP) && (c->in_child || !opt_netlink))
			continue;
		return i;
	}
}

static long run_one(struct ctx *c, int op)
{
	int fd = op == OP_DUP || op == OP_POLL ? slot_fd(c) : pick_fd(c);

	switch (op) {
	case OP_DEV_OPEN: return op_dev_open(c);
	case OP_CLOSE: return op_close(c);
	case OP_DUP: return op_dup(c);
	case OP_REGION_OPEN: return op_region_open(c, fd);
	case OP_UNLINK: return op_unlink(c, fd);
	case OP_STAT: return op_stat(c, fd);
	case OP_SET_PERM: return op_set_perm(c, fd);
	case OP_SEAL: return op_seal(c, fd);
	case OP_RESIZE: return op_resize(c, fd);
	case OP_LOCK_STAT: return op_lock_stat(c, fd);
	case OP_RAW_IOCTL: return op_raw_ioctl(c, fd);
	case OP_MMAP: return op_mmap(c, fd);
	case OP_MUNMAP: return op_munmap(c);
	case OP_MREMAP: return op_mremap(c);
	case OP_MPROTECT: return op_mprotect(c);
	case OP_TOUCH: return op_touch(c);
	case OP_POLL: return op_poll(c, fd);
	case OP_FORK: return op_fork(c);
	case OP_THREAD: return op_thread(c);
	case OP_NETLINK: return op_netlink(c);
	case OP_NL_DUMP: return op_nl_dump(c);
	default: return op_lock(c, fd, op);
	}
}

static void run_ops(struct ctx *c, unsigned long n)
{
	unsigned long i;
	int op;
	long ret;

	for (i = 0; i < n; i++) {
		op = pick_op(c);
		ret = run_one(c, op);
		record(op, ret);
		if (opt_verbose > 1)
			fprintf(stderr, "# p%d t%d %lu %s = %ld\n", c->proc, c->thread,
				i, op_names[op], ret);
	}
}

struct worker {
	pthread_t t;
	int proc, thread;
	unsigned long n;
	int ok;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct ctx c;

	if (ctx_init(&c, (uint64_t)w->proc * 1000 + w->thread + 1))
		return NULL;
	c.proc = w->proc;
	c.thread = w->thread;
	run_ops(&c, w->n);
	__atomic_add_fetch(&stats->iterations, w->n, __ATOMIC_RELAXED);
	ctx_fini(&c);
	w->ok = 1;
	return NULL;
}

/* One worker process: T threads sharing the slots, then close everything. */
static int worker_process(int proc, unsigned long per_thread)
{
	struct worker w[64];
	unsigned int i;
	int ok = 1;

	for (i = 0; i < NSLOTS; i++)
		slots[i] = -1;
	for (i = 0; i < opt_threads; i++) {
		w[i].proc = proc;
		w[i].thread = i;
		w[i].n = per_thread;
		w[i].ok = 0;
		if (pthread_create(&w[i].t, NULL, worker_fn, &w[i])) {
			fprintf(stderr, "ipcx-fuzz: pthread_create failed\n");
			return 1;
		}
	}
	for (i = 0; i < opt_threads; i++) {
		pthread_join(w[i].t, NULL);
		ok &= w[i].ok;
	}
	for (i = 0; i < NSLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);
	for (i = 0; i < NMAPS; i++)
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	return ok ? 0 : 1;
}

/* Unlink every name the run left (PERSISTENT regions stay otherwise). */
static int cleanup_cb(const struct ipcx_nl_region *reg, void *arg)
{
	struct ipcx_region_unlink ul = { 0 };
	int fd = *(int *)arg;

	if (strncmp(reg->name, prefix, strlen(prefix)) || !reg->linked)
		return 0;
	ul.name = (uint64_t)(uintptr_t)reg->name;
	ioctl(fd, IPCX_IOC_REGION_UNLINK, &ul);
	return 0;
}

static int cleanup(void)
{
	struct ipcx_region_unlink ul = { 0 };
	char name[64];
	struct ipcx_nl *nl;
	int fd, i, ret = 0;

	fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < NNAMES; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		ul.name = (uint64_t)(uintptr_t)name;
		ioctl(fd, IPCX_IOC_REGION_UNLINK, &ul);
	}
	if (!ipcx_nl_open(&nl)) {
		ret = ipcx_nl_list_regions(nl, cleanup_cb, &fd);
		ipcx_nl_close(nl);
	}
	close(fd);
	/* a named creation sweeps the names of the children's dead namespaces */
	snprintf(name, sizeof(name), "%ssweep", prefix);
	fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		struct ipcx_region_open ro = {
			.name = (uint64_t)(uintptr_t)name, .size = PG,
			.flags = IPCX_OPEN_CREATE, .mode = 0600,
			.lifetime = IPCX_LIFETIME_AUTO_REMOVE,
		};

		if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro))
			ret = -errno;
		close(fd);
	}
	return ret;
}

static void print_histogram(void)
{
	int op, e, seen[NERR] = { 0 }, nseen = 0;
	char line[4096];
	size_t len;

	for (op = 0; op < NR_OPS; op++)
		for (e = 1; e < NERR; e++)
			if (stats->res[op][e] && !seen[e]++)
				nseen++;
	printf("# fuzz: %lu iterations, %u processes x %u threads, seed %llu, %d errnos seen\n",
	       stats->iterations, opt_procs, opt_threads,
	       (unsigned long long)opt_seed, nseen);
	printf("# fuzz: %lu forked children; results per operation (ok, then errno=count):\n",
	       stats->children);
	for (op = 0; op < NR_OPS; op++) {
		len = snprintf(line, sizeof(line), "#   %-13s ok=%lu", op_names[op],
			       stats->res[op][0]);
		for (e = 1; e < NERR; e++) {
			if (!stats->res[op][e] || len >= sizeof(line) - 64)
				continue;
			if (e == NERR - 1)
				len += snprintf(line + len, sizeof(line) - len, " other=%lu",
						stats->res[op][e]);
			else
				len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
						strerrorname_np(e) ?: "?", stats->res[op][e]);
		}
		if (stats->signals[op])
			snprintf(line + len, sizeof(line) - len, " (SIGBUS/SIGSEGV caught: %lu)",
				 stats->signals[op]);
		printf("%s\n", line);
	}
}

/* Print what every thread of @pid is doing (kernel stack when readable). */
static void dump_task(pid_t pid)
{
	char path[384], buf[4096];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		static const char *const files[] = { "comm", "wchan", "syscall", "stack" };
		unsigned int i;

		if (d->d_name[0] == '.')
			continue;
		fprintf(stderr, "ipcx-fuzz: stalled: pid %d tid %s\n", pid, d->d_name);
		for (i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "/proc/%d/task/%s/%s", pid, d->d_name, files[i]);
			f = fopen(path, "r");
			if (!f)
				continue;
			n = fread(buf, 1, sizeof(buf) - 1, f);
			buf[n] = '\0';
			fclose(f);
			fprintf(stderr, "  %s: %s%s", files[i], buf, n && buf[n - 1] == '\n' ? "" : "\n");
		}
	}
	closedir(dir);
}

/*
 * Wait for the workers; when no operation completes for opt_stall
 * seconds, report every worker thread (and its children) and kill them.
 */
static int wait_workers(pid_t *pids, unsigned int n)
{
	unsigned long last = 0, now;
	unsigned int live = n, i, idle = 0;
	int status, rc = 0;
	pid_t pid;
	char cmd[64];

	while (live) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			live--;
			if (WIFEXITED(status) && !WEXITSTATUS(status))
				continue;
			fprintf(stderr, "ipcx-fuzz: worker %d %s %d\n", pid,
				WIFSIGNALED(status) ? "died of signal" : "exited with",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			rc = 1;
			continue;
		}
		if (pid < 0)
			break;
		sleep(1);
		now = __atomic_load_n(&stats->ops, __ATOMIC_RELAXED);
		idle = now == last ? idle + 1 : 0;
		last = now;
		if (!opt_stall || idle < opt_stall)
			continue;
		fprintf(stderr, "ipcx-fuzz: no progress for %u s\n", opt_stall);
		for (i = 0; i < n; i++) {
			dump_task(pids[i]);
			/* the worker's forked children, if any */
			snprintf(cmd, sizeof(cmd), "pgrep -P %d >&2", pids[i]);
			if (system(cmd) < 0)
				perror("system");
		}
		for (i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		opt_stall = 0;
		rc = 1;
	}
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ipcx-fuzz [--seed S] [--iterations N] [--procs P] [--threads T]\n"
		"                 [--no-netlink] [--no-fork] [--stall S] [--verbose]\n");
	exit(2);
}

static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id = -1;

	if (!sk)
		return -1;
	if (!genl_connect(sk))
		id = genl_ctrl_resolve(sk, IPCX_NL_FAMILY_NAME);
	nl_socket_free(sk);
	return id < 0 ? -1 : id;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "no-netlink", no_argument, NULL, 'N' },
		{ "no-fork", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stall", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa;
	unsigned long per_thread;
	int opt, rc, have_seed = 0, fd;
	pid_t pid, pids[64];
	unsigned int i;

	while ((opt = getopt_long(argc, argv, "s:n:p:t:NFvS:", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': opt_seed = strtoull(optarg, NULL, 0); have_seed = 1; break;
		case 'n': opt_iterations = strtoul(optarg, NULL, 0); break;
		case 'p': opt_procs = strtoul(optarg, NULL, 0); break;
		case 't': opt_threads = strtoul(optarg, NULL, 0); break;
		case 'N': opt_netlink = 0; break;
		case 'F': opt_fork = 0; break;
		case 'v': opt_verbose++; break;
		case 'S': opt_stall = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind != argc || !opt_procs || !opt_threads || opt_threads > 64 ||
	    opt_procs > 64)
		usage();
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt_seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^ getpid();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz: seed %llu (replay with --seed %llu)\n",
	       (unsigned long long)opt_seed, (unsigned long long)opt_seed);
	fd = open(IPCX_DEVICE_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "ipcx-fuzz: %s: %s\n", IPCX_DEVICE_PATH, strerror(errno));
		return 1;
	}
	close(fd);
	snprintf(prefix, sizeof(prefix), "fz%d-", getpid());
	stats = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		return 1;
	if (opt_netlink)
		nl_family = resolve_family();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;	/* no SA_RESTART: sleeping ioctls end with EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	per_thread = (opt_iterations + opt_procs * opt_threads - 1) / (opt_procs * opt_threads);
	for (i = 0; i < opt_procs; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid)
			_exit(worker_process(i, per_thread));
		pids[i] = pid;
	}
	rc = wait_workers(pids, opt_procs);
	if (cleanup())
		fprintf(stderr, "ipcx-fuzz: cleanup listing failed\n");
	print_histogram();
	return rc;
}
