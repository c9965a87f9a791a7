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
#include "fuzz.h"

const char *const op_names[NR_OPS] = { OPS(X_NAME) };
const unsigned int op_weights[NR_OPS] = { OPS(X_WEIGHT) };

/* in MAP_SHARED memory: every process, thread and child adds to it */
struct fuzz_stats *stats;
uint64_t opt_seed;
unsigned long opt_iterations = 20000;
unsigned int opt_procs = 3, opt_threads = 3;
int opt_netlink = 1, opt_fork = 1, opt_verbose;
unsigned int opt_stall = 60;	/* seconds without progress */
char prefix[32];			/* "fz<pid>-" */
int nl_family = -1;

void record(int op, long ret)
{
	int col = ret >= 0 ? 0 : (-ret < NERR - 1 ? (int)-ret : NERR - 1);

	__atomic_add_fetch(&stats->res[op][col], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&stats->ops, 1, __ATOMIC_RELAXED);
}

/* the result of a syscall-style call: -errno or >= 0 */
long sysret(long ret)
{
	return ret < 0 ? -errno : ret;
}

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

/* The options into the opt_* globals, a seed from the clock if none. */
static void parse_args(int argc, char **argv)
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
	int opt, have_seed = 0;

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
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;	/* no SA_RESTART: sleeping ioctls end with EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	unsigned long per_thread;
	pid_t pid, pids[64];
	unsigned int i;
	int rc, fd;

	parse_args(argc, argv);
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
	install_signals();

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
