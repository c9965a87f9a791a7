/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcx-bench: the comparison framework. A mechanism is one row of the
 * table below (struct bench_mech); the workloads (ping-pong, throughput,
 * lock cost, contended locks, wake-up) are generic and drive a mechanism
 * only through these operations.
 *
 * Processes: the main process is a supervisor. It calls setup() (shared
 * objects are created before fork), forks the workers (side 0, 1, ...),
 * pins them per placement, waits with a time limit (SIGKILL on expiry),
 * then calls teardown(). Workers report through a shared result page.
 *
 * Adding a mechanism (an ipcx region, for instance): write one file with
 * a `const struct bench_mech bench_mech_NAME` filling in what it can do,
 * declare it below and list it in mech_table[] (mechs.c).
 */
#ifndef IPCX_BENCH_H
#define IPCX_BENCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_MAX_PROCS 64
#define BENCH_MAX_SIZES 16
#define BENCH_MAX_MECHS 32	/* entries of mech_table[] (checked there) */

/* What a mechanism can do: each bit enables a workload. */
enum bench_cap {
	CAP_MSG   = 1 << 0,	/* send/recv: ping-pong, wake-up */
	CAP_BULK  = 1 << 1,	/* messages queue up: one-way throughput */
	CAP_LOCK  = 1 << 2,	/* lock/unlock: lock cost and contention */
};

/*
 * One instance of a mechanism, made by setup() in the supervisor and
 * inherited by the workers through fork(). priv is the mechanism's own.
 */
struct bench_chan {
	size_t max_msg;		/* largest message this instance carries */
	int nprocs;		/* workers that will use it (locks) */
	void *priv;
};

struct bench_mech {
	const char *name;	/* short, for --only and tables */
	const char *family;	/* kind of mechanism, for --list: "byte stream", ... */
	const char *desc;
	const char *lock_desc;	/* CAP_LOCK: what the lock is */
	unsigned int caps;	/* enum bench_cap */
	/* 0 when usable here, else -errno with a reason in why */
	int (*available)(char *why, size_t len);
	/* largest message size it can carry here (0: no limit) */
	size_t (*msg_limit)(void);
	/* supervisor: create / destroy the shared objects; -errno on failure */
	int (*setup)(struct bench_chan *ch);
	void (*teardown)(struct bench_chan *ch);
	/* worker `side` starts: drop what belongs to the other side (optional) */
	int (*attach)(struct bench_chan *ch, int side);
	/* CAP_MSG: whole message of len bytes from side to the other side */
	int (*send)(struct bench_chan *ch, int side, const void *buf, size_t len);
	int (*recv)(struct bench_chan *ch, int side, void *buf, size_t len);
	/* CAP_BULK, optional: the throughput receiver reads the message where
	 * it lies, then release() gives it back (zero copy), instead of recv() */
	int (*recv_view)(struct bench_chan *ch, int side, const void **buf, size_t len);
	int (*release)(struct bench_chan *ch, int side);
	/* CAP_LOCK: a mutual-exclusion lock over shared memory */
	int (*lock)(struct bench_chan *ch);
	int (*unlock)(struct bench_chan *ch);
	/* CAP_LOCK: a counter the lock protects (checks mutual exclusion) */
	volatile uint64_t *(*lock_counter)(struct bench_chan *ch);
};

/* ---- profiles and options (main.c) ---- */
struct bench_profile {
	const char *name;
	size_t sizes[BENCH_MAX_SIZES];	/* message sizes, 0-terminated */
	int pp_reps;		/* ping-pong round trips per row */
	int warmup;		/* round trips / messages not measured */
	uint64_t tp_bytes;	/* one-way bytes per throughput row */
	int tp_max_msgs;	/* and at most this many messages */
	int lock_reps;		/* uncontended lock+unlock pairs */
	double contend_s;	/* seconds per contended-lock row */
	int wake_reps;		/* wake-ups per row */
	int timeout_s;		/* per row, then the workers are killed */
	int repeats;		/* runs of each latency/throughput row (spread) */
	int death_rounds;	/* holders killed per owner-death row run */
};

#define BENCH_MAX_REPEATS 9

struct bench_opts {
	const struct bench_profile *prof;
	const char *only;	/* comma list of names, or NULL */
	const char *work;	/* comma list of workload names, or NULL: all */
	const char *baseline;	/* mechanism for the ratio column */
	const char *json, *csv;	/* "-" for stdout, or a file, or NULL */
	const char *plots;	/* directory for SVG plots, or NULL */
	int progress;		/* draw a progress bar on stderr */
};

/* ---- results ---- */
enum bench_work { W_BASE, W_PINGPONG, W_THROUGHPUT, W_LOCK, W_CONTEND, W_WAKE, W_HANDOFF,
		  W_DEATH, W_DEATH_CHURN, W__N };
enum bench_status { ST_OK, ST_FAIL, ST_UNAVAILABLE, ST_SKIPPED };

struct bench_stats {
	double min, p50, p99, p999, max, mean;	/* nanoseconds */
};

struct bench_row {
	const char *mech;
	enum bench_work work;
	enum bench_status status;
	size_t size;		/* message size, 0 where it does not apply */
	int placement;		/* 0 same CPU, 1 different CPUs, -1 unpinned */
	int cpus[2];		/* CPUs used by the two sides, -1 unpinned */
	int nprocs;		/* contended locks; owner death: waiters */
	struct bench_stats lat;	/* ping-pong, wake, lock (ns per op) */
	/* ping-pong: p50 over batches of the mean round trip, the batch's
	 * round trips back to back with no clock read between them, as in
	 * the cache-line row (0: not measured) */
	double batch_ns;
	double msgs_s, gb_s;	/* throughput; contended: ops/s in msgs_s */
	double fairness;	/* contended: min share / max share */
	float share[BENCH_MAX_PROCS];	/* contended: each process's part of the ops */
	int checked;		/* payload checksums / counter verified */
	/* the row is the median of `repeats` runs by its key figure (p50, or
	 * msgs/s for throughput); spread = (max - min) / median of that figure
	 * over the runs, 0 for a single run */
	int repeats;
	double spread;
	char note[96];		/* why it failed or was skipped */
};

struct bench_results {
	struct bench_row *rows;
	int n, cap;
};

struct bench_machine {
	char sysname[80], release[128], version[128], machine[80], node[80];
	char cpu[128];
	long nproc;
	char virt[64];		/* "none" or what betrays a hypervisor */
};

/* ---- mechs.c: the table ---- */
extern const struct bench_mech *const mech_table[];
const struct bench_mech *mech_find(const char *name);
int mech_selected(const struct bench_mech *m, const char *only);
int mech_check_list(const char *only, char *bad, size_t len);

/* ---- timing.c ---- */
uint64_t now_ns(void);
void stats_compute(double *v, int n, struct bench_stats *st);
int cpu_pick(int cpus[2]);	/* two usable CPUs; returns how many exist */
int cpu_pin(int cpu);

/* ---- payload.c: patterns and checksums ---- */
void payload_fill(void *buf, size_t len, uint64_t seq);
uint64_t payload_sum(const void *buf, size_t len);
uint64_t payload_expect(size_t len, uint64_t seq);

/* ---- procs.c: workers under a supervisor ---- */
typedef int (*worker_fn)(int side, void *arg);
/* run_workers: 0, -1 when a worker failed or timed out, -EINTR on SIGINT/TERM */
int run_workers(int n, const int *cpus, worker_fn fn, void *arg, int timeout_s,
		char *why, size_t len);
int signals_block(sigset_t *old);
int signals_pending(void);
void *shared_alloc(size_t len);
void shared_free(void *p, size_t len);

/* ---- workloads.c ---- */
/* -EINTR when SIGINT/SIGTERM stopped it (rows so far are in res) */
int bench_run_all(const struct bench_opts *o, struct bench_results *res);

/* ---- death.c: owner-death rows (work_death in work.h) ---- */
int death_supported(const struct bench_mech *m);
void death_report(FILE *f, const struct bench_results *res);

/* ---- report.c / machine.c / plots.c ---- */
struct bench_row *results_add(struct bench_results *res);
void results_free(struct bench_results *res);
void machine_describe(struct bench_machine *m);
void report_table(FILE *f, const struct bench_results *res, const struct bench_machine *m,
		  const struct bench_opts *o);
int report_json(FILE *f, const struct bench_results *res, const struct bench_machine *m,
		const struct bench_opts *o);
int report_csv(FILE *f, const struct bench_results *res, const struct bench_machine *m);
int plots_write(const char *dir, const struct bench_results *res, const struct bench_machine *m);
const char *work_name(enum bench_work w);
double row_key(const struct bench_row *r);	/* the figure repeats are ranked by */
const struct bench_row *results_find(const struct bench_results *res, const char *mech,
				     enum bench_work w, size_t size, int placement);
/* r's key figure over the same row of mechanism base (0 when there is none);
 * *noise is set when the two rows' spreads are larger than the difference */
double row_ratio(const struct bench_results *res, const struct bench_row *r, const char *base,
		 int *noise);
const char *status_name(enum bench_status s);

/* ---- progress.c ---- */
struct bench_progress {
	int on, total, done;
};
void progress_start(struct bench_progress *bar, int enabled, int total);
void progress_step(struct bench_progress *bar, const char *what);
void progress_end(struct bench_progress *bar);

/* ---- helpers shared by the mechanism files (util.c) ---- */
int io_write_all(int fd, const void *buf, size_t len);
int io_read_all(int fd, void *buf, size_t len);
int fd_close(int *fd);
int errno_neg(void);
size_t sysctl_size(const char *path, size_t dflt);
int tmp_path(char *buf, size_t len, const char *what, const void *owner);

#endif
