// SPDX-License-Identifier: GPL-2.0
/*
 * Soak with deaths: locks, events and channels stay correct, and nothing
 * leaks, while processes are killed at random. Twelve worker processes
 * share one named region and two channel regions while a killer SIGKILLs
 * a random worker every 20-150 ms (half the time one of the lock workers)
 * and respawns it:
 *
 *   slots 0-3   lock work: mutex and rwlock-write sections, rwlock reads,
 *               a counting semaphore (with undo), event waits and wakes
 *   slots 4-5   an SPSC channel: one producer, one consumer
 *   slots 6-11  an MPMC channel: three producers, three consumers
 *
 * Invariants, checked while running and at the end:
 *  - Lock ledger. A section writes an undo record (slot, pid, old values)
 *    before it changes the protected counter and the slot's count of
 *    completed sections, and clears it after. Finding the record set means
 *    the holder died mid-section: that acquisition must be EOWNERDEAD
 *    naming the recorded pid; the repair rolls the section back. After
 *    every acquisition counter == sum of the slots' completed sections.
 *    Readers see a consistent rwlock-protected array; no more than the
 *    semaphore's units are held by live workers; no event wake-up is lost;
 *    at the end every unit is back (undo) and the counters still add up.
 *  - Channels. Messages carry producer, sequence and a checksum; a
 *    producer claims a sequence in the ledger before sending it. Received
 *    messages are valid, claimed (a subset of sent), in order per producer
 *    and consumer, never duplicated; after the producers stop and the
 *    consumers drain, what was lost is at most one message per kill of a
 *    worker of that channel.
 *  - Nobody is stuck: every worker exits by itself within 30 s of being
 *    asked; nothing leaks: the module's region, byte, lock and owner
 *    counts (generic netlink) return to the baseline taken before, the
 *    name is gone, and Shmem gives back the region's pages.
 *
 * IPCX_SOAK_SECONDS sets the duration (default 45; make check's debug
 * step passes 10).
 *
 * Why one file of ~800 lines: it is one test, one scenario whose parts
 * (the lock workers, the channel workers, the killer and the ledgers they
 * all write) run at once in one region and are checked against each other
 * at the end; the sections below follow the workers' roles.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lock_helpers.h"
#include "msg_helpers.h"
#include "kselftest_harness.h"

#define NWORK		12
#define NLOCKW		4	/* slots 0..3 */
#define NPROD		4	/* producer 0: SPSC; 1..3: MPMC */
#define RW_WORDS	16
#define SEM_UNITS	2
#define SEQ_CAP		(1u << 25)	/* sequences per producer in the seen bitmap */
#define MAX_MSG		512

#define OFF_MUTEX	0
#define OFF_RW		64
#define OFF_SEM		128
#define OFF_EV		192
#define DATA_OFF	4096
#define LREGION_SIZE	(4u << 20)	/* touched whole: Shmem must give it back */

#define BARRIER()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

/* undo record of a section in progress */
struct intent {
	uint32_t active;
	int32_t slot;
	int32_t pid;
	uint32_t pad;
	uint64_t old_count;
	uint64_t old_done;
};

/* in the named ipcx region, guarded by its locks */
struct lockdata {
	uint64_t mcount;		/* mutex: == sum(mdone) */
	uint64_t mdone[NWORK];
	struct intent mi;
	uint64_t rwver;			/* rwlock: == sum(rwdone), every rwdata == rwver */
	uint64_t rwdata[RW_WORDS];
	uint64_t rwdone[NWORK];
	struct intent rwi;
	/* bit i: slot i holds a semaphore unit; bit 16 + i: the killer
	 * marked slot i's process (before killing it). One word, so that a
	 * fetch_or is a snapshot of both. */
	uint64_t sem_mask;
};

struct slotstat {
	uint64_t lock_ops, mrepair, rwrepair, rd_dead, sem_undo, ev_wake;
	uint64_t sent, recvd;
};

/* plain shared memory of the test: ledgers that survive kills */
struct ctl {
	uint32_t stop, drain, failed;
	int32_t fail_slot;
	char fail_msg[256];
	struct slotstat st[NWORK];
	uint64_t next_seq[NPROD];	/* claimed (= sent or lost) per producer */
	int64_t last_seen[NWORK][NPROD];
};

static struct ctl *ctl;
static uint64_t *seen;			/* NPROD bitmaps of SEQ_CAP bits */
static char lname[64];
static int chfd[2];
static void *chbase[2];
static uint64_t chsize[2];

static void __attribute__((noreturn, format(printf, 2, 3)))
wfail(int slot, const char *fmt, ...)
{
	uint32_t zero = 0;
	va_list ap;

	if (__atomic_compare_exchange_n(&ctl->failed, &zero, 1, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		va_start(ap, fmt);
		vsnprintf(ctl->fail_msg, sizeof(ctl->fail_msg), fmt, ap);
		va_end(ap);
		ctl->fail_slot = slot;
	}
	_exit(3);
}

static void stat_add(uint64_t *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_RELAXED);
}

/* ---- lock work ---------------------------------------------------------- */

struct lw {
	int slot, pid;
	struct lockdata *d;
	struct ipcx_mutex m;
	struct ipcx_rwlock rw;
	struct ipcx_sem sem;
	struct ipcx_event ev;
	uint64_t rs;
};

static uint64_t sum(const uint64_t *v)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < NWORK; i++)
		s += v[i];
	return s;
}

/* The acquisition's result against the undo record: repair or fail. */
static void settle(struct lw *w, int ret, const struct ipcx_owner_info *died,
		   struct intent *in, uint64_t *count, uint64_t *done,
		   const char *what, uint64_t *repairs)
{
	if (ret == -EOWNERDEAD) {
		if (in->active) {
			if ((int32_t)died->tgid != in->pid)
				wfail(w->slot, "%s: EOWNERDEAD names pid %u, section was pid %d's",
				      what, died->tgid, in->pid);
			if (in->slot < 0 || in->slot >= NWORK)
				wfail(w->slot, "%s: undo record names slot %d", what, in->slot);
			*count = in->old_count;
			done[in->slot] = in->old_done;
			BARRIER();
			in->active = 0;
			stat_add(repairs);
		}
		return;
	}
	if (ret)
		wfail(w->slot, "%s: lock: %d", what, ret);
	if (in->active)
		wfail(w->slot, "%s: a dead holder's section (pid %d) without EOWNERDEAD",
		      what, in->pid);
}

static void begin(struct lw *w, struct intent *in, uint64_t count, uint64_t done)
{
	in->slot = w->slot;
	in->pid = w->pid;
	in->old_count = count;
	in->old_done = done;
	BARRIER();
	in->active = 1;
	BARRIER();
}

static void end(struct intent *in)
{
	BARRIER();
	in->active = 0;
	BARRIER();
}

static void mutex_section(struct lw *w)
{
	struct lockdata *d = w->d;
	struct ipcx_owner_info died;
	int ret = ipcx_mutex_lock_full(&w->m, 0, NULL, 0, &died);

	settle(w, ret, &died, &d->mi, &d->mcount, d->mdone, "mutex",
	       &ctl->st[w->slot].mrepair);
	if (ret == -EOWNERDEAD && ipcx_mutex_consistent(&w->m))
		wfail(w->slot, "mutex: consistent failed");
	if (d->mcount != sum(d->mdone))
		wfail(w->slot, "mutex: counter %llu != %llu completed sections",
		      (unsigned long long)d->mcount, (unsigned long long)sum(d->mdone));
	begin(w, &d->mi, d->mcount, d->mdone[w->slot]);
	d->mcount++;
	if (rnd(&w->rs) % 2)
		sched_yield();		/* widen the window for kills */
	d->mdone[w->slot]++;
	end(&d->mi);
	ret = ipcx_mutex_unlock(&w->m);
	if (ret)
		wfail(w->slot, "mutex: unlock: %d", ret);
	ipcx_event_broadcast(&w->ev);
}

static void rw_write_section(struct lw *w)
{
	struct lockdata *d = w->d;
	struct ipcx_owner_info died;
	int ret = ipcx_rwlock_wrlock_full(&w->rw, 0, NULL, 0, &died), i;

	settle(w, ret, &died, &d->rwi, &d->rwver, d->rwdone, "rwlock",
	       &ctl->st[w->slot].rwrepair);
	if (ret == -EOWNERDEAD) {
		for (i = 0; i < RW_WORDS; i++)	/* the rollback covers the array */
			d->rwdata[i] = d->rwver;
		if (ipcx_rwlock_consistent(&w->rw))
			wfail(w->slot, "rwlock: consistent failed");
	}
	if (d->rwver != sum(d->rwdone))
		wfail(w->slot, "rwlock: version %llu != %llu completed sections",
		      (unsigned long long)d->rwver, (unsigned long long)sum(d->rwdone));
	begin(w, &d->rwi, d->rwver, d->rwdone[w->slot]);
	d->rwver++;
	for (i = 0; i < RW_WORDS; i++) {
		d->rwdata[i] = d->rwver;
		if (i == RW_WORDS / 2 && rnd(&w->rs) % 2)
			sched_yield();
	}
	d->rwdone[w->slot]++;
	end(&d->rwi);
	ret = ipcx_rwlock_unlock(&w->rw);
	if (ret)
		wfail(w->slot, "rwlock: write unlock: %d", ret);
}

static void rw_read_section(struct lw *w)
{
	struct lockdata *d = w->d;
	struct ipcx_owner_info died;
	int ret = ipcx_rwlock_rdlock_full(&w->rw, 0, NULL, 0, &died), i;

	if (ret == -EOWNERDEAD) {
		/* a dead writer's state, not repaired yet: do not look */
		stat_add(&ctl->st[w->slot].rd_dead);
	} else if (ret) {
		wfail(w->slot, "rwlock: rdlock: %d", ret);
	} else {
		if (d->rwi.active)
			wfail(w->slot, "rwlock: reader sees writer pid %d's section", d->rwi.pid);
		for (i = 0; i < RW_WORDS; i++)
			if (d->rwdata[i] != d->rwver)
				wfail(w->slot, "rwlock: reader sees word %d = %llu, version %llu",
				      i, (unsigned long long)d->rwdata[i],
				      (unsigned long long)d->rwver);
		if (d->rwver != sum(d->rwdone))
			wfail(w->slot, "rwlock: reader: version != completed sections");
	}
	ret = ipcx_rwlock_unlock(&w->rw);
	if (ret)
		wfail(w->slot, "rwlock: read unlock: %d", ret);
}

static void sem_section(struct lw *w)
{
	struct lockdata *d = w->d;
	struct ipcx_owner_info died;
	int ret = ipcx_sem_wait_full(&w->sem, IPCX_LOCK_F_UNDO, NULL, 0, &died);
	uint64_t prev;
	int held;

	if (ret == -EOWNERDEAD) {
		if (!died.tgid)
			wfail(w->slot, "sem: EOWNERDEAD without the dead owner's pid");
		stat_add(&ctl->st[w->slot].sem_undo);
	} else if (ret) {
		wfail(w->slot, "sem: wait: %d", ret);
	}
	/* units held by live workers: a killed holder's unit may be back
	 * (undo) before its bit is cleared, but it was marked before */
	prev = __atomic_fetch_or(&d->sem_mask, 1ull << w->slot, __ATOMIC_SEQ_CST);
	held = __builtin_popcountll(prev & 0xffff & ~(prev >> 16));
	if (held > SEM_UNITS - 1)
		wfail(w->slot, "sem: %d other holders of %d units (mask %#llx)", held,
		      SEM_UNITS, (unsigned long long)prev);
	lh_msleep(rnd(&w->rs) % 2);
	__atomic_fetch_and(&d->sem_mask, ~(1ull << w->slot), __ATOMIC_SEQ_CST);
	ret = ipcx_sem_post_full(&w->sem, IPCX_LOCK_F_UNDO);
	if (ret)
		wfail(w->slot, "sem: post: %d", ret);
}

/* Sleep for the next wake-up; the other lock workers broadcast every few
 * sections, so a 5 s sleep that ends with the sequence moved lost one. */
static void event_wait(struct lw *w)
{
	uint32_t seq = ipcx_event_seq(&w->ev);
	struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 5000);
	int ret = ipcx_event_wait(&w->ev, seq, &dl, CLOCK_MONOTONIC);

	if (ret == 0)
		stat_add(&ctl->st[w->slot].ev_wake);
	else if (ret != -ETIMEDOUT)
		wfail(w->slot, "event: wait: %d", ret);
	else if (ipcx_event_seq(&w->ev) != seq)
		wfail(w->slot, "event: lost wake-up: the sequence moved from %u to %u "
		      "during a 5 s wait", seq, ipcx_event_seq(&w->ev));
}

static void lock_worker(int slot, int fd, void *base)
{
	struct lw w = { .slot = slot, .pid = getpid(), .d = (void *)((char *)base + DATA_OFF) };

	w.rs = 0x9e3779b97f4a7c15ull ^ ((uint64_t)w.pid << 20) ^ lh_now_ns(CLOCK_MONOTONIC);
	if (ipcx_mutex_attach(&w.m, fd, base, OFF_MUTEX) ||
	    ipcx_rwlock_attach(&w.rw, fd, base, OFF_RW) ||
	    ipcx_sem_attach(&w.sem, fd, base, OFF_SEM) ||
	    ipcx_event_attach(&w.ev, fd, base, OFF_EV))
		wfail(slot, "attach failed");
	while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE)) {
		switch (rnd(&w.rs) % 10) {
		case 0: case 1: case 2: case 3:
			mutex_section(&w);
			break;
		case 4: case 5:
			rw_write_section(&w);
			break;
		case 6: case 7:
			rw_read_section(&w);
			break;
		case 8:
			sem_section(&w);
			break;
		default:
			event_wait(&w);
			break;
		}
		stat_add(&ctl->st[slot].lock_ops);
	}
	_exit(0);
}

/* ---- channel work ------------------------------------------------------- */

static int chan_of(int slot)
{
	return slot < 6 ? 0 : 1;
}

static int producer_of(int slot)
{
	return slot == 4 ? 0 : slot - 5;	/* 6,7,8 -> 1,2,3 */
}

static int is_producer(int slot)
{
	return slot == 4 || (slot >= 6 && slot <= 8);
}

static uint32_t max_msg_of(int c)
{
	return c ? MAX_MSG : 256;
}

static struct ipcx_chan *chan_attach(int slot, unsigned int role)
{
	uint64_t t0 = lh_now_ns(CLOCK_MONOTONIC);
	int c = chan_of(slot), ret;
	struct ipcx_chan *ch;

	/* a killed predecessor's slot frees when the kernel has seen it die */
	while ((ret = ipcx_chan_open(chfd[c], chbase[c], chsize[c], role, &ch)) == -EUSERS &&
	       lh_now_ns(CLOCK_MONOTONIC) - t0 < 10000000000ull)
		lh_msleep(1);
	if (ret)
		wfail(slot, "channel %d: open: %d", c, ret);
	return ch;
}

static void producer(int slot)
{
	int c = chan_of(slot), p = producer_of(slot);
	uint32_t max = max_msg_of(c);
	struct ipcx_chan *ch = chan_attach(slot, IPCX_CHAN_SEND);
	unsigned char buf[MAX_MSG];
	uint64_t rs = 0x2545f4914f6cdd1dull ^ ((uint64_t)getpid() << 16) ^
		      lh_now_ns(CLOCK_MONOTONIC);

	while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE)) {
		uint64_t seq = ctl->next_seq[p];
		size_t len = msg_len(&rs, max);
		int ret, tries = 0;

		if (seq >= SEQ_CAP) {
			lh_msleep(10);
			continue;
		}
		/* claimed before it is sent: a kill in between loses it, never
		 * sends it twice */
		ctl->next_seq[p] = seq + 1;
		BARRIER();
		for (;;) {
			if (rnd(&rs) % 2) {
				void *slotbuf;

				ret = ipcx_chan_reserve(ch, len, &slotbuf, 0, NULL, 0);
				if (!ret) {
					msg_fill(slotbuf, len, p, seq, &rs);
					ret = ipcx_chan_commit(ch, len);
				}
			} else {
				msg_fill(buf, len, p, seq, &rs);
				ret = ipcx_chan_send(ch, buf, len, 0, NULL, 0);
				if (ret == (int)len)
					ret = 0;
			}
			if (ret != -EPIPE)
				break;
			/* every consumer is dead for the moment: the killer
			 * respawns them */
			if (++tries > 20000)
				wfail(slot, "channel %d: -EPIPE for 20 s", c);
			lh_msleep(1);
		}
		if (ret)
			wfail(slot, "channel %d: send: %d", c, ret);
		stat_add(&ctl->st[slot].sent);
	}
	if (ipcx_chan_close(ch))
		wfail(slot, "channel %d: close failed", c);
	_exit(0);
}

static void check_msg(int slot, const unsigned char *buf, int len)
{
	const struct msg_hdr *h = (const void *)buf;
	int c = chan_of(slot), ret;
	uint64_t seq, bit;
	uint32_t p;

	ret = msg_verify(buf, len, &p, &seq);
	if (ret == -1)
		wfail(slot, "channel %d: message of %d bytes says %u", c, len,
		      len >= (int)sizeof(*h) ? h->len : 0);
	if (ret)
		wfail(slot, "channel %d: bad checksum (producer %u seq %llu)", c,
		      h->producer, (unsigned long long)h->seq);
	if ((c == 0 && p != 0) || (c == 1 && (p < 1 || p >= NPROD)))
		wfail(slot, "channel %d: message from producer %u", c, p);
	if (seq >= __atomic_load_n(&ctl->next_seq[p], __ATOMIC_SEQ_CST))
		wfail(slot, "channel %d: producer %u seq %llu was never claimed", c, p,
		      (unsigned long long)seq);
	if ((int64_t)seq <= ctl->last_seen[slot][p])
		wfail(slot, "channel %d: producer %u seq %llu after %lld: out of order", c, p,
		      (unsigned long long)seq, (long long)ctl->last_seen[slot][p]);
	bit = 1ull << (seq % 64);
	if (__atomic_fetch_or(&seen[p * (SEQ_CAP / 64) + seq / 64], bit, __ATOMIC_SEQ_CST) & bit)
		wfail(slot, "channel %d: producer %u seq %llu received twice", c, p,
		      (unsigned long long)seq);
	ctl->last_seen[slot][p] = seq;
	stat_add(&ctl->st[slot].recvd);
}

static void consumer(int slot)
{
	struct ipcx_chan *ch = chan_attach(slot, IPCX_CHAN_RECV);
	unsigned char buf[MAX_MSG];
	uint64_t rs = getpid();
	int c = chan_of(slot);

	for (;;) {
		struct timespec dl = lh_deadline(CLOCK_MONOTONIC, 100);
		int len;

		if (rnd(&rs) % 2) {
			const void *v;

			len = ipcx_chan_recv_view(ch, &v, 0, &dl, CLOCK_MONOTONIC);
			if (len > 0) {
				if (len > MAX_MSG)
					wfail(slot, "channel %d: view of %d bytes", c, len);
				check_msg(slot, v, len);	/* in place */
				if (ipcx_chan_release(ch))
					wfail(slot, "channel %d: release failed", c);
			}
		} else {
			len = ipcx_chan_recv(ch, buf, sizeof(buf), 0, &dl, CLOCK_MONOTONIC);
			if (len > 0)
				check_msg(slot, buf, len);
		}
		if (len > 0 || len == -ETIMEDOUT)
			continue;
		if (len < 0)
			wfail(slot, "channel %d: recv: %d", c, len);
		/* end of file: every producer gone (killed, or done) */
		if (__atomic_load_n(&ctl->drain, __ATOMIC_ACQUIRE))
			break;
		lh_msleep(1);
	}
	if (ipcx_chan_close(ch))
		wfail(slot, "channel %d: close failed", c);
	_exit(0);
}

/* ---- the workers' lives ------------------------------------------------- */

static void worker(int slot)
{
	void *base;
	int fd = ipcx_region_open(lname, 0);

	if (fd < 0)
		wfail(slot, "open %s: %d", lname, fd);
	if (ipcx_region_map(fd, LREGION_SIZE, PROT_READ | PROT_WRITE, &base))
		wfail(slot, "map %s failed", lname);
	/* the dead predecessor's semaphore bit and the killer's mark */
	__atomic_fetch_and(&((struct lockdata *)((char *)base + DATA_OFF))->sem_mask,
			   ~(1ull << slot | 1ull << (16 + slot)), __ATOMIC_SEQ_CST);
	if (slot < NLOCKW)
		lock_worker(slot, fd, base);
	if (is_producer(slot))
		producer(slot);
	consumer(slot);
}

static pid_t spawn(int slot)
{
	pid_t pid = fork();

	if (pid == 0)
		worker(slot);
	return pid;
}

/* ---- the test ----------------------------------------------------------- */

static long shmem_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static uint64_t popcount_range(const uint64_t *bits, uint64_t n)
{
	uint64_t i, c = 0;

	for (i = 0; i < (n + 63) / 64; i++)
		c += __builtin_popcountll(bits[i]);
	return c;
}

FIXTURE(soak) {
	int unused;
};

FIXTURE_SETUP(soak)
{
}

FIXTURE_TEARDOWN(soak)
{
}

TEST_F_TIMEOUT(soak, locks_and_channels_with_kills, 600)
{
	const char *env = getenv("IPCX_SOAK_SECONDS");
	int seconds = env && atoi(env) > 0 ? atoi(env) : 45;
	struct ipcx_chan_attr attr[2] = {
		{ 0, 256, 64, 1, 1 },		/* SPSC */
		{ 0, MAX_MSG, 128, 3, 3 },	/* MPMC */
	};
	uint64_t kills = 0, kills_of[NWORK] = { 0 }, end, t0, lock_ops = 0, msgs = 0;
	uint64_t mrep = 0, rwrep = 0, rddead = 0, semundo = 0, evwake = 0, lost[2] = { 0 };
	uint64_t msections, rwsections;
	struct ipcx_nl_stats base_st, st;
	size_t seen_len = (size_t)NPROD * SEQ_CAP / 8;
	unsigned int seed = 4321;
	struct ipcx_owner_info died;
	struct ipcx_mutex m;
	struct ipcx_rwlock rw;
	struct ipcx_sem sem;
	struct ipcx_event ev;
	struct lockdata *d;
	pid_t pids[NWORK];
	long shmem0, shmem1 = 0;
	int devfd, lfd, i, c, p, ret, status;
	uint32_t id;
	void *lbase;

	devfd = ipcx_open_dev(O_RDWR);
	if (devfd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(devfd, 0);
	/* the baseline counts our own owner id: we lock at the end */
	ASSERT_EQ(0, ipcx_owner_id(devfd, &id));
	ASSERT_EQ(0, lh_stats(&base_st));
	shmem0 = shmem_kb();
	ASSERT_GE(shmem0, 0);

	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ctl);
	seen = mmap(NULL, seen_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, seen);
	memset(ctl, 0, sizeof(*ctl));
	for (i = 0; i < NWORK; i++)
		for (p = 0; p < NPROD; p++)
			ctl->last_seen[i][p] = -1;

	snprintf(lname, sizeof(lname), "soak-%d", getpid());
	lfd = ipcx_region_create(lname, LREGION_SIZE, 0600, IPCX_LIFETIME_AUTO_REMOVE,
				 IPCX_OPEN_EXCL);
	ASSERT_GE(lfd, 0);
	ASSERT_EQ(0, ipcx_region_map(lfd, 0, PROT_READ | PROT_WRITE, &lbase));
	memset(lbase, 0, LREGION_SIZE);		/* every page in Shmem */
	d = (void *)((char *)lbase + DATA_OFF);
	ASSERT_EQ(0, ipcx_mutex_init(&m, lfd, lbase, OFF_MUTEX));
	ASSERT_EQ(0, ipcx_rwlock_init(&rw, lfd, lbase, OFF_RW));
	ASSERT_EQ(0, ipcx_sem_init(&sem, lfd, lbase, OFF_SEM, SEM_UNITS));
	ASSERT_EQ(0, ipcx_event_init(&ev, lfd, lbase, OFF_EV));
	for (c = 0; c < 2; c++) {
		ASSERT_EQ(0, ipcx_chan_size(&attr[c], &chsize[c]));
		chsize[c] = (chsize[c] + 4095) & ~4095ull;
		chfd[c] = lh_anon_region(chsize[c], &chbase[c]);
		ASSERT_GE(chfd[c], 0);
		ASSERT_EQ(0, ipcx_chan_init(chfd[c], chbase[c], chsize[c], &attr[c]));
	}

	t0 = lh_now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < NWORK; i++)
		ASSERT_GT(pids[i] = spawn(i), 0);
	end = t0 + (uint64_t)seconds * 1000000000ull;
	while (lh_now_ns(CLOCK_MONOTONIC) < end && !ctl->failed) {
		lh_msleep(20 + rand_r(&seed) % 130);
		/* half the kills for the four lock workers */
		i = rand_r(&seed) % 2 ? rand_r(&seed) % NLOCKW :
					NLOCKW + rand_r(&seed) % (NWORK - NLOCKW);
		__atomic_fetch_or(&d->sem_mask, 1ull << (16 + i), __ATOMIC_SEQ_CST);
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		ASSERT_TRUE(WIFSIGNALED(status)) {
			TH_LOG("worker %d exited by itself (%d): %s", i, lh_exit_code(status),
			       ctl->fail_msg);
		}
		kills++;
		kills_of[i]++;
		ASSERT_GT(pids[i] = spawn(i), 0);
	}
	ASSERT_EQ(0, ctl->failed) {
		TH_LOG("worker %d: %s", ctl->fail_slot, ctl->fail_msg);
	}

	/* lock workers and producers stop; then consumers drain to EOF */
	__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
	ipcx_event_broadcast(&ev);
	for (i = 0; i < NWORK; i++) {
		if (!(i < NLOCKW || is_producer(i)))
			continue;
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 30000))) {
			TH_LOG("worker %d stuck or failed: %s", i, ctl->fail_msg);
		}
	}
	__atomic_store_n(&ctl->drain, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NWORK; i++) {
		if (i < NLOCKW || is_producer(i))
			continue;
		EXPECT_EQ(0, lh_exit_code(lh_wait_child(pids[i], 30000))) {
			TH_LOG("consumer %d stuck or failed: %s", i, ctl->fail_msg);
		}
	}
	ASSERT_EQ(0, ctl->failed) {
		TH_LOG("worker %d: %s", ctl->fail_slot, ctl->fail_msg);
	}

	/* the lock ledger, after the last repairs */
	ret = ipcx_mutex_lock_full(&m, 0, NULL, 0, &died);
	if (ret == -EOWNERDEAD && d->mi.active) {
		EXPECT_EQ(d->mi.pid, (int32_t)died.tgid);
		d->mcount = d->mi.old_count;
		d->mdone[d->mi.slot] = d->mi.old_done;
		d->mi.active = 0;
		mrep++;
	}
	if (ret == -EOWNERDEAD)
		ret = ipcx_mutex_consistent(&m);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, d->mi.active);
	EXPECT_EQ(d->mcount, sum(d->mdone));
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
	ret = ipcx_rwlock_wrlock_full(&rw, 0, NULL, 0, &died);
	if (ret == -EOWNERDEAD && d->rwi.active) {
		EXPECT_EQ(d->rwi.pid, (int32_t)died.tgid);
		d->rwver = d->rwi.old_count;
		d->rwdone[d->rwi.slot] = d->rwi.old_done;
		d->rwi.active = 0;
		for (i = 0; i < RW_WORDS; i++)
			d->rwdata[i] = d->rwver;
		rwrep++;
	}
	if (ret == -EOWNERDEAD)
		ret = ipcx_rwlock_consistent(&rw);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, d->rwi.active);
	EXPECT_EQ(d->rwver, sum(d->rwdone));
	for (i = 0; i < RW_WORDS; i++)
		EXPECT_EQ(d->rwver, d->rwdata[i]);
	EXPECT_EQ(0, ipcx_rwlock_unlock(&rw));
	/* every unit back: the dead holders' by undo */
	EXPECT_EQ(SEM_UNITS, ipcx_sem_value(&sem));
	msections = d->mcount;
	rwsections = d->rwver;
	EXPECT_NE(0, msections);
	EXPECT_NE(0, rwsections);

	/* channels: lost at most one message per kill of the channel's workers */
	for (c = 0; c < 2; c++) {
		uint64_t sent = 0, got = 0, allowed = 0;

		for (p = 0; p < NPROD; p++) {
			if ((p == 0) != (c == 0))
				continue;
			sent += ctl->next_seq[p];
			got += popcount_range(seen + (size_t)p * (SEQ_CAP / 64), ctl->next_seq[p]);
		}
		for (i = NLOCKW; i < NWORK; i++)
			if (chan_of(i) == c)
				allowed += kills_of[i];
		EXPECT_GT(got, 0);
		EXPECT_LE(sent - got, allowed) {
			TH_LOG("channel %d: %llu sent, %llu received, %llu kills of its workers",
			       c, (unsigned long long)sent, (unsigned long long)got,
			       (unsigned long long)allowed);
		}
		lost[c] = sent - got;
		msgs += got;
	}
	for (i = 0; i < NWORK; i++) {
		lock_ops += ctl->st[i].lock_ops;
		mrep += ctl->st[i].mrepair;
		rwrep += ctl->st[i].rwrepair;
		rddead += ctl->st[i].rd_dead;
		semundo += ctl->st[i].sem_undo;
		evwake += ctl->st[i].ev_wake;
	}

	/*
	 * Nothing leaked: back to the baseline once the last users are gone.
	 * Our own shared bookkeeping (ctl, seen) is shmem too, and seen grows
	 * with the messages: unmapped first, or it would count as a leak.
	 */
	munmap(seen, seen_len);
	munmap(ctl, sizeof(*ctl));
	munmap(lbase, LREGION_SIZE);
	close(lfd);
	for (c = 0; c < 2; c++) {
		munmap(chbase[c], chsize[c]);
		close(chfd[c]);
	}
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, lh_stats(&st));
		shmem1 = shmem_kb();
		if (st.regions == base_st.regions && st.bytes == base_st.bytes &&
		    st.locks == base_st.locks && st.owners == base_st.owners &&
		    shmem1 < shmem0 + (long)(LREGION_SIZE / 1024 / 4))
			break;
		lh_msleep(10);
	}
	EXPECT_EQ(base_st.regions, st.regions);
	EXPECT_EQ(base_st.bytes, st.bytes);
	EXPECT_EQ(base_st.locks, st.locks);
	EXPECT_EQ(base_st.owners, st.owners);
	/* the 4 MiB region was touched whole: a quarter of it is the slack */
	EXPECT_LT(shmem1, shmem0 + (long)(LREGION_SIZE / 1024 / 4));
	EXPECT_EQ(-ENOENT, ipcx_region_open(lname, 0));
	close(devfd);

	printf("# soak: %d s, %llu kills survived, %llu lock ops (%llu mutex + %llu rwlock sections), "
	       "%llu messages (%llu + %llu lost to kills), %llu owner-died repairs "
	       "(%llu mutex, %llu rwlock), %llu dead-writer reads, %llu semaphore undos, "
	       "%llu event wake-ups\n",
	       seconds, (unsigned long long)kills, (unsigned long long)lock_ops,
	       (unsigned long long)msections, (unsigned long long)rwsections,
	       (unsigned long long)msgs, (unsigned long long)lost[0],
	       (unsigned long long)lost[1], (unsigned long long)(mrep + rwrep),
	       (unsigned long long)mrep, (unsigned long long)rwrep,
	       (unsigned long long)rddead, (unsigned long long)semundo,
	       (unsigned long long)evwake);
	fflush(stdout);
}

TEST_HARNESS_MAIN
