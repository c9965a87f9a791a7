// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: every ioctl and netlink request of ipcx that allocates,
 * failed systematically at its 1st, 2nd, ... fault site with
 * /proc/thread-self/fail-nth (Documentation/fault-injection/
 * fault-injection.rst, "Systematic faults using fail-nth"), the way
 * syzkaller does it. fail-nth counts every fault site the task reaches:
 * slab and page allocations (failslab, fail_page_alloc) and user copies
 * (fail_usercopy). For each n the request must either succeed or fail with
 * an errno from its allowed set, leave no trace of itself when it fails
 * (no half-created region, lock, fd or mapping), and leave the module's
 * live counts (netlink STATS_GET) as they were. The loop ends when a call
 * ran without reaching the n-th site (fail-nth reads back non-zero); it
 * must get there within FI_MAX_N.
 *
 * Needs CONFIG_FAULT_INJECTION (+ FAILSLAB, FAIL_PAGE_ALLOC, debugfs): the
 * debug kernel of `make check-debug`. On other kernels it SKIPs.
 *
 * Each request (path) is its own TAP result, not each fault site: the
 * harness registers its results when the program starts, and a path's
 * sites are found only by running it (the loop below stops where the call
 * no longer reaches the n-th site, which differs between kernels and
 * configs). A result per (path, n) up to FI_MAX_N would be 4200 results,
 * nearly all skipped, each a forked test with its own setup in the
 * KASAN guest under TCG. A failing site names its path and n in the
 * assertion's log, and each path prints how many sites it met.
 *
 * Why one file of ~1050 lines: the paths are the variants of one fixture
 * (fi), each a row of begin/call/intact/end functions run by the same
 * loop; split by family (region, lock, netlink paths) each file would need
 * the loop, the shot and the fixture in a header, and the rows are read
 * together when the allowed errnos change.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "nl_raw.h"

#include "kselftest_harness.h"

#define PG		4096UL
#define FI_MAX_N	200
#define DBG		"/sys/kernel/debug/"

/* Totals over all paths; each test runs in its own child process. */
static struct fi_total {
	int paths;
	int points;
} *fi_total;

struct fi_ctx {
	int dev;		/* prepared: a /dev/ipcx attached rw, or -1 */
	int fd;			/* per shot: the file the call acts on or made */
	int nfds;		/* open fds before the shot */
	void *map;
	char name[64];
	struct nlr nl;		/* for the netlink paths */
	int lost_reply;		/* EFAULT after the operation was done */
};

/*
 * One allocating request. begin/end run before and after every shot,
 * uninjected; call is the injected request (0 or -errno); intact, after a
 * failed call, returns NULL when nothing of it is left, else what is.
 */
struct fi_path {
	const char *name;
	int (*prepare)(struct fi_ctx *c);
	int (*begin)(struct fi_ctx *c);
	int (*call)(struct fi_ctx *c);
	const char *(*intact)(struct fi_ctx *c, int err);
	void (*end)(struct fi_ctx *c, int err);
	void (*cleanup)(struct fi_ctx *c);
	int threaded;		/* call from a new thread (a fresh owner) */
	int allowed[4];		/* errnos a failure may give, 0-terminated */
};

/* ---- helpers ----------------------------------------------------------- */

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int dev_open(void)
{
	return open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

static int attach(int fd, const char *name, uint64_t size, uint32_t flags,
		  uint32_t lifetime)
{
	struct ipcx_region_open ro = {
		.name = (uintptr_t)name, .size = size, .flags = flags,
		.mode = 0600, .lifetime = lifetime,
	};

	return xioctl(fd, IPCX_IOC_REGION_OPEN, &ro);
}

/* A new /dev/ipcx file attached to a new anonymous region, or -errno. */
static int anon_region(uint64_t size)
{
	int fd = dev_open(), ret;

	if (fd < 0)
		return -errno;
	ret = attach(fd, NULL, size, IPCX_OPEN_CREATE, 0);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static int open_by_name(const char *name)
{
	int fd = dev_open(), ret;

	if (fd < 0)
		return -errno;
	ret = attach(fd, name, 0, IPCX_OPEN_RDONLY, 0);
	close(fd);
	return ret;
}

static int unlink_name(const char *name)
{
	struct ipcx_region_unlink ru = { .name = (uintptr_t)name };
	int fd = dev_open(), ret;

	ret = xioctl(fd, IPCX_IOC_REGION_UNLINK, &ru);
	close(fd);
	return ret;
}

static int rstat(int fd, struct ipcx_region_stat *st)
{
	memset(st, 0, sizeof(*st));
	return xioctl(fd, IPCX_IOC_REGION_STAT, st);
}

static int declare(int fd, uint64_t off, uint32_t kind, uint64_t value)
{
	struct ipcx_lock_op op = { .offset = off, .kind = kind, .value = value };

	return xioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
}

static int lock_word(int fd, uint64_t off, uint32_t *word)
{
	struct ipcx_lock_stat st = { .offset = off };
	int ret = xioctl(fd, IPCX_IOC_LOCK_STAT, &st);

	*word = st.word;
	return ret;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Let fail-nth reach sleeping allocations and order-0/highmem pages, and
 * keep the console quiet (a stack dump per fault would read as a kernel
 * report to dmesg-check.sh).
 */
static int fi_configure(void)
{
	static const char *const knobs[][2] = {
		{ DBG "failslab/ignore-gfp-wait", "N" },
		{ DBG "failslab/verbose", "0" },
		{ DBG "fail_page_alloc/ignore-gfp-wait", "N" },
		{ DBG "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DBG "fail_page_alloc/min-order", "0" },
		{ DBG "fail_page_alloc/verbose", "0" },
		{ DBG "fail_usercopy/verbose", "0" },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		ret = write_str(knobs[i][0], knobs[i][1]);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- one injected shot ---------------------------------------------------- */

struct fi_shot {
	const struct fi_path *path;
	struct fi_ctx *c;
	int n;
	int ret;	/* the call's result */
	int injected;	/* 1: the n-th site was reached and failed */
	int setup_err;	/* fail-nth could not be used */
};

/*
 * Arm fail-nth, make the call, read fail-nth back: 0 means the fault was
 * injected. The read copies to user space, itself a fault site: when the
 * counter was at 1 that copy fails (EFAULT), which also says the call did
 * not reach the n-th site.
 */
static void *fi_shoot(void *arg)
{
	struct fi_shot *s = arg;
	char buf[32];
	ssize_t len;
	int nth;

	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth < 0) {
		s->setup_err = -errno;
		return NULL;
	}
	len = snprintf(buf, sizeof(buf), "%d", s->n);
	if (pwrite(nth, buf, len, 0) != len) {
		s->setup_err = -errno;
		close(nth);
		return NULL;
	}
	s->ret = s->path->call(s->c);
	memset(buf, 0, sizeof(buf));
	len = pread(nth, buf, sizeof(buf) - 1, 0);
	s->injected = len > 0 && atoi(buf) == 0;
	/*
	 * Disarm. Reading left the counter one lower; at 1 the copy from
	 * user of this write is the n-th site and fails: write again.
	 */
	if (pwrite(nth, "0", 1, 0) != 1 && pwrite(nth, "0", 1, 0) != 1)
		s->setup_err = -errno;
	close(nth);
	return NULL;
}

static void fi_shot_run(struct fi_shot *s)
{
	pthread_t t;

	if (!s->path->threaded) {
		fi_shoot(s);
		return;
	}
	if (pthread_create(&t, NULL, fi_shoot, s)) {
		s->setup_err = -EAGAIN;
		return;
	}
	pthread_join(t, NULL);
}

static int fi_allowed(const struct fi_path *p, int err)
{
	int i;

	for (i = 0; i < 4 && p->allowed[i]; i++)
		if (err == p->allowed[i])
			return 1;
	return 0;
}

/* Owner ids go at thread exit, a moment after pthread_join may return. */
static int fi_stats_settled(struct nlr *nl, const struct nlr_stats *base,
			    struct nlr_stats *now)
{
	int i, ret = 0;

	for (i = 0; i < 100; i++) {
		ret = nlr_stats(nl, now);
		if (ret || (now->regions == base->regions &&
			    now->bytes == base->bytes &&
			    now->locks == base->locks &&
			    now->owners == base->owners &&
			    now->subscribers == base->subscribers))
			break;
		usleep(10000);
	}
	return ret;
}

/* ---- region paths ------------------------------------------------------- */

static int p_newfile(struct fi_ctx *c)
{
	c->fd = dev_open();
	return c->fd < 0 ? -errno : 0;
}

static void p_closefile(struct fi_ctx *c, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	unlink_name(c->name);
}

static int p_create_named(struct fi_ctx *c)
{
	return attach(c->fd, c->name, 16 * PG,
		      IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, IPCX_LIFETIME_PERSISTENT);
}

static const char *p_unattached(struct fi_ctx *c, int err)
{
	struct ipcx_region_stat st;

	if (rstat(c->fd, &st) != -ENXIO)
		return "the file is attached although the open failed";
	return NULL;
}

static const char *p_no_name(struct fi_ctx *c, int err)
{
	if (open_by_name(c->name) != -ENOENT)
		return "the name can be opened although its creation failed";
	return p_unattached(c, err);
}

static const struct fi_path path_create_named = {
	.name = "REGION_OPEN create named",
	.begin = p_newfile, .call = p_create_named, .intact = p_no_name,
	.end = p_closefile, .allowed = { ENOMEM, EFAULT },
};

static int p_create_anon(struct fi_ctx *c)
{
	return attach(c->fd, NULL, 16 * PG, IPCX_OPEN_CREATE, 0);
}

static const struct fi_path path_create_anon = {
	.name = "REGION_OPEN create anonymous",
	.begin = p_newfile, .call = p_create_anon, .intact = p_unattached,
	.end = p_closefile, .allowed = { ENOMEM, EFAULT },
};

static int p_prepare_named(struct fi_ctx *c)
{
	c->dev = dev_open();
	if (c->dev < 0)
		return -errno;
	return attach(c->dev, c->name, 4 * PG,
		      IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, IPCX_LIFETIME_PERSISTENT);
}

static void p_cleanup_named(struct fi_ctx *c)
{
	unlink_name(c->name);
	if (c->dev >= 0)
		close(c->dev);
}

static int p_open_existing(struct fi_ctx *c)
{
	return attach(c->fd, c->name, 0, 0, 0);
}

static const char *p_one_attach(struct fi_ctx *c, int err)
{
	struct ipcx_region_stat st;

	if (rstat(c->dev, &st) || st.nattach != 1)
		return "the region counts an attachment that failed";
	return p_unattached(c, err);
}

static void p_closefile_only(struct fi_ctx *c, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static const struct fi_path path_open_existing = {
	.name = "REGION_OPEN existing by name",
	.prepare = p_prepare_named, .cleanup = p_cleanup_named,
	.begin = p_newfile, .call = p_open_existing, .intact = p_one_attach,
	.end = p_closefile_only, .allowed = { ENOMEM, EFAULT },
};

static int p_prepare_anon(struct fi_ctx *c)
{
	c->dev = anon_region(PG);
	return c->dev < 0 ? c->dev : 0;
}

static void p_cleanup_dev(struct fi_ctx *c)
{
	if (c->dev >= 0)
		close(c->dev);
}

static int p_stat(struct fi_ctx *c)
{
	struct ipcx_region_stat st;

	return rstat(c->dev, &st);
}

static const struct fi_path path_stat = {
	.name = "REGION_STAT",
	.prepare = p_prepare_anon, .cleanup = p_cleanup_dev,
	.call = p_stat, .allowed = { ENOMEM, EFAULT },
};

static int p_grow(struct fi_ctx *c)
{
	struct ipcx_region_resize rs = { .size = 64 * PG };

	return xioctl(c->dev, IPCX_IOC_REGION_RESIZE, &rs);
}

static const char *p_size_kept(struct fi_ctx *c, int err)
{
	struct ipcx_region_stat st;

	if (rstat(c->dev, &st) || st.size != PG)
		return "the size changed although the resize failed";
	return NULL;
}

static void p_shrink_back(struct fi_ctx *c, int err)
{
	struct ipcx_region_resize rs = { .size = PG };

	xioctl(c->dev, IPCX_IOC_REGION_RESIZE, &rs);
}

static const struct fi_path path_resize = {
	.name = "REGION_RESIZE grow",
	.prepare = p_prepare_anon, .cleanup = p_cleanup_dev,
	.call = p_grow, .intact = p_size_kept, .end = p_shrink_back,
	.allowed = { ENOMEM, EFAULT },
};

static int p_mmap(struct fi_ctx *c)
{
	c->map = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, c->dev, 0);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return -errno;
	}
	return 0;
}

static const char *p_no_maps(struct fi_ctx *c, int err)
{
	struct ipcx_region_stat st;

	if (rstat(c->dev, &st) || st.nmaps != 0)
		return "the region counts a mapping that failed";
	return NULL;
}

static void p_munmap(struct fi_ctx *c, int err)
{
	if (c->map)
		munmap(c->map, PG);
	c->map = NULL;
}

static const struct fi_path path_mmap = {
	.name = "mmap",
	.prepare = p_prepare_anon, .cleanup = p_cleanup_dev,
	.call = p_mmap, .intact = p_no_maps, .end = p_munmap,
	.allowed = { ENOMEM },
};

/* ---- lock paths --------------------------------------------------------- */

/* A fresh region per shot: declaring an existing lock allocates nothing. */
static int p_new_region(struct fi_ctx *c)
{
	c->fd = anon_region(4 * PG);
	return c->fd < 0 ? c->fd : 0;
}

#define LOCK_OFF	(2 * PG + 64)	/* on a page not yet allocated */

static int p_declare_mutex(struct fi_ctx *c)
{
	return declare(c->fd, LOCK_OFF, IPCX_LOCK_MUTEX, 0);
}

static int p_declare_event(struct fi_ctx *c)
{
	return declare(c->fd, LOCK_OFF, IPCX_LOCK_EVENT, 0);
}

static int p_declare_sem(struct fi_ctx *c)
{
	return declare(c->fd, LOCK_OFF, IPCX_LOCK_SEM, 3);
}

static const char *p_no_lock(struct fi_ctx *c, int err)
{
	uint32_t word;

	if (lock_word(c->fd, LOCK_OFF, &word) != -ENOENT)
		return "a lock is declared although the declaration failed";
	return NULL;
}

static const struct fi_path path_declare_mutex = {
	.name = "LOCK_DECLARE mutex",
	.begin = p_new_region, .call = p_declare_mutex, .intact = p_no_lock,
	.end = p_closefile_only, .allowed = { ENOMEM, EFAULT },
};

static const struct fi_path path_declare_event = {
	.name = "LOCK_DECLARE event",
	.begin = p_new_region, .call = p_declare_event, .intact = p_no_lock,
	.end = p_closefile_only, .allowed = { ENOMEM, EFAULT },
};

static const struct fi_path path_declare_sem = {
	.name = "LOCK_DECLARE semaphore",
	.begin = p_new_region, .call = p_declare_sem, .intact = p_no_lock,
	.end = p_closefile_only, .allowed = { ENOMEM, EFAULT },
};

static int p_prepare_locks(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { 0 };
	int ret;

	c->dev = anon_region(4 * PG);
	if (c->dev < 0)
		return c->dev;
	ret = declare(c->dev, 0, IPCX_LOCK_MUTEX, 0);
	if (!ret)
		ret = declare(c->dev, 64, IPCX_LOCK_EVENT, 0);
	if (!ret)
		ret = declare(c->dev, 128, IPCX_LOCK_SEM, 1);
	if (!ret)	/* this thread's owner id exists before the baseline */
		ret = xioctl(c->dev, IPCX_IOC_OWNER_REGISTER, &op);
	return ret;
}

static int p_count_fds(struct fi_ctx *c)
{
	c->nfds = count_fds();
	c->fd = -1;
	return 0;
}

static int p_lock_fd(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { .offset = 64 };
	int fd = ioctl(c->dev, IPCX_IOC_LOCK_FD, &op);

	if (fd < 0)
		return -errno;
	c->fd = fd;
	return 0;
}

static const char *p_no_new_fd(struct fi_ctx *c, int err)
{
	return count_fds() != c->nfds ? "an fd was installed although LOCK_FD failed" :
					NULL;
}

static const struct fi_path path_lock_fd = {
	.name = "LOCK_FD",
	.prepare = p_prepare_locks, .cleanup = p_cleanup_dev,
	.begin = p_count_fds, .call = p_lock_fd, .intact = p_no_new_fd,
	.end = p_closefile_only, .allowed = { ENOMEM, EFAULT, ENFILE },
};

static int p_register(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { 0 };

	return xioctl(c->dev, IPCX_IOC_OWNER_REGISTER, &op);
}

/* The thread is gone when this runs: its owner id must be gone too. */
static const struct fi_path path_register = {
	.name = "OWNER_REGISTER (new thread)",
	.prepare = p_prepare_locks, .cleanup = p_cleanup_dev,
	.call = p_register, .threaded = 1, .allowed = { ENOMEM, EFAULT },
};

/*
 * MUTEX_LOCK / RW_WRLOCK from a thread without owner id: registering it
 * allocates. A fresh lock per shot; the thread exits holding the lock if
 * it took it, and the kernel then marks the lock's holder dead.
 */
static int p_new_region_locks(struct fi_ctx *c)
{
	int ret = p_new_region(c);

	ret = ret ?: declare(c->fd, 0, IPCX_LOCK_MUTEX, 0);
	return ret ?: declare(c->fd, 64, IPCX_LOCK_RWLOCK, 0);
}

static int p_mutex_lock(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { .offset = 0, .flags = IPCX_LOCK_F_TRYLOCK };

	return xioctl(c->fd, IPCX_IOC_MUTEX_LOCK, &op);
}

static int p_rw_wrlock(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { .offset = 64, .flags = IPCX_LOCK_F_TRYLOCK };

	return xioctl(c->fd, IPCX_IOC_RW_WRLOCK, &op);
}

/* Free, unless the reply was lost after the lock was taken (EFAULT). */
static const char *p_lock_free(struct fi_ctx *c, uint64_t off, int err)
{
	uint32_t word;

	if (lock_word(c->fd, off, &word))
		return "LOCK_STAT failed";
	if (!(word & ~IPCX_LOCKW_WAITERS))
		return NULL;
	if (err == -EFAULT) {
		c->lost_reply++;
		return NULL;
	}
	return "the lock was taken although the call failed";
}

static const char *p_mutex_free(struct fi_ctx *c, int err)
{
	return p_lock_free(c, 0, err);
}

static const char *p_rw_free(struct fi_ctx *c, int err)
{
	return p_lock_free(c, 64, err);
}

static const struct fi_path path_mutex_lock = {
	.name = "MUTEX_LOCK (new thread)",
	.begin = p_new_region_locks, .call = p_mutex_lock, .intact = p_mutex_free,
	.end = p_closefile_only, .threaded = 1, .allowed = { ENOMEM, EFAULT },
};

static const struct fi_path path_rw_wrlock = {
	.name = "RW_WRLOCK (new thread)",
	.begin = p_new_region_locks, .call = p_rw_wrlock, .intact = p_rw_free,
	.end = p_closefile_only, .threaded = 1, .allowed = { ENOMEM, EFAULT },
};

#define SEM_OFF 128

static int p_sem_wait_undo(struct fi_ctx *c)
{
	struct ipcx_lock_op op = {
		.offset = SEM_OFF, .flags = IPCX_LOCK_F_UNDO | IPCX_LOCK_F_TRYLOCK,
	};

	return xioctl(c->dev, IPCX_IOC_SEM_WAIT, &op);
}

static int p_sem_post_undo(struct fi_ctx *c)
{
	struct ipcx_lock_op op = { .offset = SEM_OFF, .flags = IPCX_LOCK_F_UNDO };

	return xioctl(c->dev, IPCX_IOC_SEM_POST, &op);
}

/*
 * SEM_WAIT copies its answer out after taking the unit: an EFAULT there
 * means the unit was taken and the reply lost (as with accept(2) and a bad
 * address). Anything else must leave the count alone.
 */
static const char *p_sem_count_kept(struct fi_ctx *c, int err)
{
	uint32_t word;

	if (lock_word(c->dev, SEM_OFF, &word))
		return "LOCK_STAT of the semaphore failed";
	if ((word & IPCX_SEM_VALUE_MAX) == 1)
		return NULL;
	if ((word & IPCX_SEM_VALUE_MAX) == 0 && err == -EFAULT) {
		c->lost_reply++;
		p_sem_post_undo(c);
		return NULL;
	}
	return "the semaphore count changed although SEM_WAIT failed";
}

static void p_sem_give_back(struct fi_ctx *c, int err)
{
	if (!err)
		p_sem_post_undo(c);
}

static const struct fi_path path_sem_wait = {
	.name = "SEM_WAIT with UNDO",
	.prepare = p_prepare_locks, .cleanup = p_cleanup_dev,
	.call = p_sem_wait_undo, .intact = p_sem_count_kept,
	.end = p_sem_give_back, .allowed = { ENOMEM, EFAULT },
};

static int p_prepare_sem_taken(struct fi_ctx *c)
{
	int ret = p_prepare_locks(c);

	return ret ? ret : p_sem_wait_undo(c);	/* count 1 -> 0 */
}

static const char *p_sem_still_zero(struct fi_ctx *c, int err)
{
	uint32_t word;

	if (lock_word(c->dev, SEM_OFF, &word) || (word & IPCX_SEM_VALUE_MAX))
		return "the semaphore count changed although SEM_POST failed";
	return NULL;
}

static void p_sem_take_back(struct fi_ctx *c, int err)
{
	if (!err)
		p_sem_wait_undo(c);
}

static const struct fi_path path_sem_post = {
	.name = "SEM_POST with UNDO",
	.prepare = p_prepare_sem_taken, .cleanup = p_cleanup_dev,
	.call = p_sem_post_undo, .intact = p_sem_still_zero,
	.end = p_sem_take_back, .allowed = { ENOMEM, EFAULT },
};

/* ---- netlink paths ------------------------------------------------------ */

static int p_prepare_nl(struct fi_ctx *c)
{
	int ret = p_prepare_named(c);

	if (!ret)
		ret = declare(c->dev, 0, IPCX_LOCK_MUTEX, 0);
	if (!ret)
		ret = declare(c->dev, 64, IPCX_LOCK_EVENT, 0);
	return ret;
}

static int p_nl_get(struct fi_ctx *c)
{
	char attrs[128];
	int len = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, c->name);

	return nlr_call(&c->nl, 0, IPCX_NL_CMD_REGION_GET, attrs, len, NULL,
			NULL).err;
}

static int p_nl_dump(struct fi_ctx *c)
{
	return nlr_call(&c->nl, NLM_F_DUMP, IPCX_NL_CMD_REGION_GET, NULL, 0,
			NULL, NULL).err;
}

static int p_nl_locks(struct fi_ctx *c)
{
	char attrs[128];
	int len = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, c->name);

	return nlr_call(&c->nl, NLM_F_DUMP, IPCX_NL_CMD_LOCK_GET, attrs, len,
			NULL, NULL).err;
}

static int p_nl_stats(struct fi_ctx *c)
{
	return nlr_call(&c->nl, 0, IPCX_NL_CMD_STATS_GET, NULL, 0, NULL,
			NULL).err;
}

/*
 * After a failed request the socket may still hold a half-done dump (a
 * new one would get EBUSY) or a lost-message error: start afresh, as a
 * client that saw ENOBUFS must.
 */
static void p_nl_reopen(struct fi_ctx *c, int err)
{
	if (!err)
		return;
	nlr_close(&c->nl);
	nlr_open(&c->nl);
}

static const struct fi_path path_nl_get = {
	.name = "netlink REGION_GET by name",
	.prepare = p_prepare_nl, .cleanup = p_cleanup_named,
	.call = p_nl_get, .end = p_nl_reopen,
	.allowed = { ENOMEM, ENOBUFS, EFAULT },
};

static const struct fi_path path_nl_dump = {
	.name = "netlink REGION_GET dump",
	.prepare = p_prepare_nl, .cleanup = p_cleanup_named,
	.call = p_nl_dump, .end = p_nl_reopen,
	.allowed = { ENOMEM, ENOBUFS, EFAULT },
};

static const struct fi_path path_nl_locks = {
	.name = "netlink LOCK_GET dump",
	.prepare = p_prepare_nl, .cleanup = p_cleanup_named,
	.call = p_nl_locks, .end = p_nl_reopen,
	.allowed = { ENOMEM, ENOBUFS, EFAULT },
};

static const struct fi_path path_nl_stats = {
	.name = "netlink STATS_GET",
	.call = p_nl_stats, .end = p_nl_reopen,
	.allowed = { ENOMEM, ENOBUFS, EFAULT },
};

static int p_new_persistent(struct fi_ctx *c)
{
	int fd = dev_open(), ret;

	if (fd < 0)
		return -errno;
	ret = attach(fd, c->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
		     IPCX_LIFETIME_PERSISTENT);
	close(fd);
	c->fd = -1;
	return ret;
}

static int p_nl_del(struct fi_ctx *c)
{
	char attrs[128];
	int len = nlr_put_str(attrs, 0, IPCX_NL_A_REGION_NAME, c->name);

	return nlr_call(&c->nl, 0, IPCX_NL_CMD_REGION_DEL, attrs, len, NULL,
			NULL).err;
}

/*
 * Gone only if the request was served and its ACK lost: not queued
 * (ENOBUFS) or not copied out by recvmsg (EFAULT). ENOMEM comes from the
 * request side only and must leave the region alone.
 */
static const char *p_del_kept(struct fi_ctx *c, int err)
{
	if (open_by_name(c->name) == 0)
		return NULL;
	if (err == -ENOBUFS || err == -EFAULT) {
		c->lost_reply++;
		return NULL;
	}
	return "the region was deleted although REGION_DEL failed";
}

static void p_nl_del_end(struct fi_ctx *c, int err)
{
	p_nl_reopen(c, err);
	unlink_name(c->name);
}

static const struct fi_path path_nl_del = {
	.name = "netlink REGION_DEL",
	.begin = p_new_persistent, .call = p_nl_del, .intact = p_del_kept,
	.end = p_nl_del_end, .allowed = { ENOMEM, ENOBUFS, EFAULT },
};

static int p_nl_subscribe(struct fi_ctx *c)
{
	return nlr_call(&c->nl, 0, IPCX_NL_CMD_EVENTS_SUBSCRIBE, NULL, 0, NULL,
			NULL).err;
}

/*
 * Served: unsubscribe. Failed: close the socket, which must also drop a
 * subscription whose ACK was lost (the module follows socket releases);
 * the subscriber count is then checked against the baseline.
 */
static void p_nl_subscribe_end(struct fi_ctx *c, int err)
{
	if (!err && nlr_call(&c->nl, 0, IPCX_NL_CMD_EVENTS_UNSUBSCRIBE, NULL, 0,
			     NULL, NULL).err)
		err = -EPROTO;
	p_nl_reopen(c, err);
}

static const struct fi_path path_nl_subscribe = {
	.name = "netlink EVENTS_SUBSCRIBE",
	.call = p_nl_subscribe, .end = p_nl_subscribe_end,
	.allowed = { ENOMEM, ENOBUFS, EFAULT },
};

/* ---- the loop ------------------------------------------------------------ */

FIXTURE(fi) {
	struct fi_ctx c;
	int ready;	/* setup went through (this harness runs a skipped body) */
};

FIXTURE_VARIANT(fi) {
	const struct fi_path *path;
};

FIXTURE_SETUP(fi)
{
	int fd, ret;

	memset(&self->c, 0, sizeof(self->c));
	self->c.dev = -1;
	self->c.fd = -1;
	self->c.nl.fd = -1;
	if (access("/proc/self/fail-nth", F_OK))
		SKIP(return, "no /proc/self/fail-nth (kernel without CONFIG_FAULT_INJECTION)");
	fd = dev_open();
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, fd);
	close(fd);
	if (access(DBG "failslab", F_OK) || access(DBG "fail_page_alloc", F_OK))
		SKIP(return, "no failslab/fail_page_alloc in debugfs");
	ret = fi_configure();
	ASSERT_EQ(0, ret) TH_LOG("configuring fault injection: %s", strerror(-ret));
	ASSERT_EQ(0, nlr_open(&self->c.nl));
	snprintf(self->c.name, sizeof(self->c.name), "fault-%d", getpid());
	unlink_name(self->c.name);
	self->ready = 1;
}

FIXTURE_TEARDOWN(fi)
{
	nlr_close(&self->c.nl);
}

#define FI_PATH(id) \
	FIXTURE_VARIANT_ADD(fi, id) { .path = &path_##id }

FI_PATH(create_named);
FI_PATH(create_anon);
FI_PATH(open_existing);
FI_PATH(stat);
FI_PATH(resize);
FI_PATH(mmap);
FI_PATH(declare_mutex);
FI_PATH(declare_event);
FI_PATH(declare_sem);
FI_PATH(lock_fd);
FI_PATH(register);
FI_PATH(mutex_lock);
FI_PATH(rw_wrlock);
FI_PATH(sem_wait);
FI_PATH(sem_post);
FI_PATH(nl_get);
FI_PATH(nl_dump);
FI_PATH(nl_locks);
FI_PATH(nl_stats);
FI_PATH(nl_del);
FI_PATH(nl_subscribe);

TEST_F_TIMEOUT(fi, every_fault_site_fails_cleanly, 200)
{
	const struct fi_path *p = variant->path;
	struct fi_ctx *c = &self->c;
	struct nlr_stats base, now;
	int n, points = 0, failed = 0, ret;
	struct fi_shot s;
	const char *bad;

	if (!self->ready)
		return;
	if (p->prepare)
		ASSERT_EQ(0, p->prepare(c)) TH_LOG("%s: preparing failed", p->name);
	ASSERT_EQ(0, nlr_stats(&c->nl, &base));

	for (n = 1; n <= FI_MAX_N; n++) {
		if (p->begin)
			ASSERT_EQ(0, p->begin(c)) TH_LOG("%s: begin of shot %d", p->name, n);
		memset(&s, 0, sizeof(s));
		s.path = p;
		s.c = c;
		s.n = n;
		fi_shot_run(&s);
		ASSERT_EQ(0, s.setup_err) TH_LOG("fail-nth: %s", strerror(-s.setup_err));
		if (!s.injected) {
			/* the call ran past all of its fault sites */
			EXPECT_EQ(0, s.ret) TH_LOG("%s: uninjected call failed: %s",
						   p->name, strerror(-s.ret));
			if (p->end)
				p->end(c, s.ret);
			break;
		}
		points++;
		if (s.ret) {
			failed++;
			EXPECT_TRUE(fi_allowed(p, -s.ret))
				TH_LOG("%s: fault %d gave %s, not an allowed errno",
				       p->name, n, strerror(-s.ret));
			bad = p->intact ? p->intact(c, s.ret) : NULL;
			EXPECT_EQ(NULL, bad) TH_LOG("%s: fault %d (%s): %s", p->name,
						    n, strerror(-s.ret), bad);
		}
		if (p->end)
			p->end(c, s.ret);
		ret = fi_stats_settled(&c->nl, &base, &now);
		ASSERT_EQ(0, ret);
		EXPECT_EQ(base.regions, now.regions) TH_LOG("%s: fault %d", p->name, n);
		EXPECT_EQ(base.bytes, now.bytes) TH_LOG("%s: fault %d", p->name, n);
		EXPECT_EQ(base.locks, now.locks) TH_LOG("%s: fault %d", p->name, n);
		EXPECT_EQ(base.owners, now.owners) TH_LOG("%s: fault %d", p->name, n);
		EXPECT_EQ(base.subscribers, now.subscribers) TH_LOG("%s: fault %d", p->name, n);
		if (!_metadata->passed)
			break;
	}
	EXPECT_GE(FI_MAX_N, n) TH_LOG("%s: still failing after %d faults", p->name, FI_MAX_N);
	EXPECT_LT(0, points) TH_LOG("%s: no fault site reached", p->name);
	if (p->cleanup)
		p->cleanup(c);
	ksft_print_msg("%s: %d fault sites, %d failed cleanly, %d tolerated, %d replies lost after the work was done\n",
		       p->name, points, failed, points - failed, c->lost_reply);
	fflush(stdout);	/* the harness ends this child with _exit() */
	__atomic_add_fetch(&fi_total->points, points, __ATOMIC_RELAXED);
	__atomic_add_fetch(&fi_total->paths, 1, __ATOMIC_RELAXED);
}

static void __attribute__((constructor)) fi_total_init(void)
{
	fi_total = mmap(NULL, sizeof(*fi_total), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fi_total == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
}

/* the harness exits through exit(): print the total after its own lines */
static void __attribute__((destructor)) fi_total_print(void)
{
	if (fi_total->paths)
		printf("# fault injection: %d fault sites over %d paths\n",
		       fi_total->points, fi_total->paths);
}

TEST_HARNESS_MAIN
