// SPDX-License-Identifier: GPL-2.0
/*
 * Every bad input to the lock ioctls gets its documented errno
 * (include/uapi/linux/ipcx.h), table-driven.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lock_helpers.h"
#include "kselftest_harness.h"

#define REGION_SIZE	(16 * 1024)

FIXTURE(abi) {
	int fd;		/* /dev/ipcx attached to an anonymous region */
	int bare;	/* /dev/ipcx attached to nothing */
	void *base;	/* the region, mapped */
};

FIXTURE_SETUP(abi)
{
	struct ipcx_lock_op op = { .offset = 0, .kind = IPCX_LOCK_MUTEX };

	self->bare = -1;
	self->fd = lh_anon_region(REGION_SIZE, &self->base);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	self->bare = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->bare, 0);
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_LOCK_DECLARE, &op));
	op.offset = 64;
	op.kind = IPCX_LOCK_EVENT;
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_LOCK_DECLARE, &op));
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->bare >= 0)
		close(self->bare);
}

struct bad_op {
	const char *what;
	unsigned long cmd;
	struct ipcx_lock_op op;
	int bare;	/* issue on the unattached file */
	int err;
};

#define OP(...) { __VA_ARGS__ }

static const struct bad_op bad_ops[] = {
	{ "declare misaligned", IPCX_IOC_LOCK_DECLARE, OP(.offset = 4, .kind = 1), 0, EINVAL },
	{ "declare at the end", IPCX_IOC_LOCK_DECLARE, OP(.offset = REGION_SIZE, .kind = 1), 0, EINVAL },
	{ "declare far past", IPCX_IOC_LOCK_DECLARE, OP(.offset = 0xffffffffffffffc0ull, .kind = 1), 0, EINVAL },
	{ "declare kind 0", IPCX_IOC_LOCK_DECLARE, OP(.offset = 128, .kind = 0), 0, EINVAL },
	{ "declare kind 99", IPCX_IOC_LOCK_DECLARE, OP(.offset = 128, .kind = 99), 0, EINVAL },
	{ "declare other kind", IPCX_IOC_LOCK_DECLARE, OP(.offset = 0, .kind = IPCX_LOCK_EVENT), 0, EEXIST },
	{ "declare with flags", IPCX_IOC_LOCK_DECLARE, OP(.offset = 128, .kind = 1, .flags = IPCX_LOCK_F_TRYLOCK), 0, EINVAL },
	{ "declare unattached", IPCX_IOC_LOCK_DECLARE, OP(.offset = 0, .kind = 1), 1, ENXIO },
	{ "lock undeclared", IPCX_IOC_MUTEX_LOCK, OP(.offset = 128), 0, ENOENT },
	{ "lock past the end", IPCX_IOC_MUTEX_LOCK, OP(.offset = 1ull << 40), 0, ENOENT },
	{ "lock misaligned", IPCX_IOC_MUTEX_LOCK, OP(.offset = 1), 0, EINVAL },
	{ "lock an event", IPCX_IOC_MUTEX_LOCK, OP(.offset = 64), 0, EINVAL },
	{ "lock wrong kind field", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .kind = IPCX_LOCK_EVENT), 0, EINVAL },
	{ "lock unknown flag", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = 0x80000000u), 0, EINVAL },
	{ "lock all flags", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = ~0u), 0, EINVAL },
	{ "lock stray flag", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = 1u << 5), 0, EINVAL },
	{ "lock reserved0", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .__reserved0 = 1), 0, EINVAL },
	{ "lock reserved", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .__reserved = { 0, 1 }), 0, EINVAL },
	{ "lock died set", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .died = { .pid = 1 }), 0, EINVAL },
	{ "lock value set", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .value = 1), 0, EINVAL },
	{ "time without flag", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .timeout_sec = 1), 0, EINVAL },
	{ "realtime without timeout", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = IPCX_LOCK_F_REALTIME), 0, EINVAL },
	{ "negative seconds", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = IPCX_LOCK_F_TIMEOUT, .timeout_sec = -1), 0, EINVAL },
	{ "nsec 1e9", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = IPCX_LOCK_F_TIMEOUT, .timeout_nsec = 1000000000), 0, EINVAL },
	{ "negative nsec", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0, .flags = IPCX_LOCK_F_TIMEOUT, .timeout_nsec = -1), 0, EINVAL },
	{ "lock unattached", IPCX_IOC_MUTEX_LOCK, OP(.offset = 0), 1, ENXIO },
	{ "unlock not held", IPCX_IOC_MUTEX_UNLOCK, OP(.offset = 0), 0, EPERM },
	{ "unlock an event", IPCX_IOC_MUTEX_UNLOCK, OP(.offset = 64), 0, EINVAL },
	{ "unlock with flags", IPCX_IOC_MUTEX_UNLOCK, OP(.offset = 0, .flags = IPCX_LOCK_F_TRYLOCK), 0, EINVAL },
	{ "consistent not held", IPCX_IOC_MUTEX_CONSISTENT, OP(.offset = 0), 0, EPERM },
	{ "wait on a mutex", IPCX_IOC_EVENT_WAIT, OP(.offset = 0), 0, EINVAL },
	{ "wait value 2^31", IPCX_IOC_EVENT_WAIT, OP(.offset = 64, .value = 0x80000000u), 0, EINVAL },
	{ "wait trylock flag", IPCX_IOC_EVENT_WAIT, OP(.offset = 64, .flags = IPCX_LOCK_F_TRYLOCK), 0, EINVAL },
	{ "wait undeclared", IPCX_IOC_EVENT_WAIT, OP(.offset = 192), 0, ENOENT },
	{ "wake with flags", IPCX_IOC_EVENT_WAKE, OP(.offset = 64, .flags = IPCX_LOCK_F_TIMEOUT), 0, EINVAL },
	{ "wake value 2^32", IPCX_IOC_EVENT_WAKE, OP(.offset = 64, .value = 1ull << 32), 0, EINVAL },
	{ "wake a mutex", IPCX_IOC_EVENT_WAKE, OP(.offset = 0), 0, EINVAL },
	{ "lock fd undeclared", IPCX_IOC_LOCK_FD, OP(.offset = 192), 0, ENOENT },
	{ "lock fd flags", IPCX_IOC_LOCK_FD, OP(.offset = 0, .flags = 1), 0, EINVAL },
	{ "lock fd unattached", IPCX_IOC_LOCK_FD, OP(.offset = 0), 1, ENXIO },
	{ "register with fields", IPCX_IOC_OWNER_REGISTER, OP(.offset = 64), 0, EINVAL },
};

TEST_F(abi, bad_lock_ops_table)
{
	struct ipcx_lock_op op;
	size_t i;

	for (i = 0; i < sizeof(bad_ops) / sizeof(bad_ops[0]); i++) {
		int fd = bad_ops[i].bare ? self->bare : self->fd;

		op = bad_ops[i].op;
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, bad_ops[i].cmd, &op)) {
			TH_LOG("%s: accepted", bad_ops[i].what);
		}
		EXPECT_EQ(bad_ops[i].err, errno) {
			TH_LOG("%s: errno %d, want %d", bad_ops[i].what, errno,
			       bad_ops[i].err);
		}
	}
	TH_LOG("lock ABI catalogue: %zu bad-input cases",
		       sizeof(bad_ops) / sizeof(bad_ops[0]));
}

TEST_F(abi, struct_sizes_and_pointers)
{
	unsigned char big[sizeof(struct ipcx_lock_op) + 16];
	struct ipcx_lock_op *op = (struct ipcx_lock_op *)big;
	unsigned long cmd;

	/* too small */
	cmd = _IOC(_IOC_READ | _IOC_WRITE, IPCX_IOC_MAGIC,
		   _IOC_NR(IPCX_IOC_MUTEX_LOCK), IPCX_LOCK_OP_SIZE_VER0 - 8);
	memset(big, 0, sizeof(big));
	EXPECT_EQ(-1, ioctl(self->fd, cmd, big));
	EXPECT_EQ(EINVAL, errno);
	/* larger, unknown tail not zero */
	cmd = _IOC(_IOC_READ | _IOC_WRITE, IPCX_IOC_MAGIC,
		   _IOC_NR(IPCX_IOC_MUTEX_LOCK), sizeof(big));
	big[sizeof(big) - 1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, cmd, big));
	EXPECT_EQ(E2BIG, errno);
	/* larger, zero tail: accepted and the tail stays zero */
	memset(big, 0, sizeof(big));
	op->offset = 0;
	EXPECT_EQ(0, ioctl(self->fd, cmd, big));
	EXPECT_NE(0, op->owner);
	EXPECT_EQ(0, big[sizeof(big) - 1]);
	memset(big, 0, sizeof(big));
	EXPECT_EQ(0, ioctl(self->fd, IPCX_IOC_MUTEX_UNLOCK, big));
	/* bad pointers */
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_MUTEX_LOCK, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_LOCK_STAT, (void *)16));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, stat_rejects_garbage_and_reports_kind)
{
	struct ipcx_lock_stat st;

	memset(&st, 0, sizeof(st));
	st.offset = 64;
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_LOCK_STAT, &st));
	EXPECT_EQ(IPCX_LOCK_EVENT, st.kind);
	EXPECT_EQ(64, st.offset);
	memset(&st, 0, sizeof(st));
	st.offset = 0;
	st.__reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_LOCK_STAT, &st));
	EXPECT_EQ(EINVAL, errno);
	memset(&st, 0, sizeof(st));
	st.offset = 128;
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_LOCK_STAT, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(self->bare, IPCX_IOC_LOCK_STAT, &st));
	EXPECT_EQ(ENXIO, errno);
}

TEST_F(abi, redeclare_same_kind_keeps_state)
{
	struct ipcx_mutex m;

	ASSERT_EQ(0, ipcx_mutex_init(&m, self->fd, self->base, 0));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	EXPECT_EQ(0, ipcx_mutex_init(&m, self->fd, self->base, 0));
	EXPECT_NE(0, *m.word);		/* still held: not re-initialised */
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
}

TEST_F(abi, max_locks_per_region_enospc)
{
	const char *param = "/sys/module/ipcx/parameters/max_locks_per_region";
	struct ipcx_lock_op op = { .kind = IPCX_LOCK_MUTEX };
	char old[32] = "";
	FILE *f = fopen(param, "r+");

	if (!f)
		SKIP(return, "no %s", param);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	f = fopen(param, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "3\n");
	fclose(f);
	op.offset = 128;
	EXPECT_EQ(0, ioctl(self->fd, IPCX_IOC_LOCK_DECLARE, &op));	/* third */
	op.offset = 192;
	EXPECT_EQ(-1, ioctl(self->fd, IPCX_IOC_LOCK_DECLARE, &op));
	EXPECT_EQ(ENOSPC, errno);
	f = fopen(param, "w");
	ASSERT_NE(NULL, f);
	fputs(old, f);
	fclose(f);
	EXPECT_EQ(0, ioctl(self->fd, IPCX_IOC_LOCK_DECLARE, &op));
}

/* A named region for the tests that need one; returns the fd or -errno. */
static int named_region(const char *name, uint32_t flags, size_t size)
{
	struct ipcx_region_open ro = {
		.name = (uintptr_t)name, .size = size, .flags = flags, .mode = 0600,
	};
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int unlink_region(const char *name, uint32_t flags)
{
	struct ipcx_region_unlink ru = { .name = (uintptr_t)name, .flags = flags };
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret;

	ret = ioctl(fd, IPCX_IOC_REGION_UNLINK, &ru) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

TEST(read_only_attachment_cannot_declare_or_lock)
{
	struct ipcx_lock_op op = { .offset = 0, .kind = IPCX_LOCK_MUTEX };
	int rw, ro;

	unlink_region("lock_abi_ro", 0);
	rw = named_region("lock_abi_ro", IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 8192);
	if (rw == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(rw, 0);
	ASSERT_EQ(0, ioctl(rw, IPCX_IOC_LOCK_DECLARE, &op));
	ro = named_region("lock_abi_ro", IPCX_OPEN_RDONLY, 0);
	ASSERT_GE(ro, 0);
	op.offset = 64;
	EXPECT_EQ(-1, ioctl(ro, IPCX_IOC_LOCK_DECLARE, &op));
	EXPECT_EQ(EACCES, errno);
	memset(&op, 0, sizeof(op));
	EXPECT_EQ(-1, ioctl(ro, IPCX_IOC_MUTEX_LOCK, &op));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, unlink_region("lock_abi_ro", 0));
	close(ro);
	close(rw);
}

TEST(shrinking_below_a_lock_is_refused)
{
	struct ipcx_lock_op op = { .offset = 8192, .kind = IPCX_LOCK_MUTEX };
	struct ipcx_region_resize rs = { .size = 4096 };
	void *base;
	int fd = lh_anon_region(3 * 4096, &base);

	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op));
	EXPECT_EQ(-1, ioctl(fd, IPCX_IOC_REGION_RESIZE, &rs));
	EXPECT_EQ(EBUSY, errno);
	rs.size = 8192 + 64;
	EXPECT_EQ(0, ioctl(fd, IPCX_IOC_REGION_RESIZE, &rs));	/* the lock still fits */
	op.offset = 8192 + 64;
	EXPECT_EQ(-1, ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op));	/* past the new end */
	EXPECT_EQ(EINVAL, errno);
	munmap(base, 3 * 4096);
	close(fd);
}

/* Unlink with IPCX_UNLINK_REVOKE: a sleeper wakes with EIDRM, never hangs. */
TEST(revoke_wakes_sleepers_with_eidrm)
{
	struct ipcx_mutex m;
	int fd, status;
	void *base;
	pid_t pid;

	unlink_region("lock_abi_revoke", 0);
	fd = named_region("lock_abi_revoke", IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 4096);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	base = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, base);
	ASSERT_EQ(0, ipcx_mutex_init(&m, fd, base, 0));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(ipcx_mutex_lock(&m) == -EIDRM ? 0 : 1);
	ASSERT_EQ(0, lh_wait_waiters(fd, 0, 1, 10000));
	EXPECT_EQ(0, unlink_region("lock_abi_revoke", IPCX_UNLINK_REVOKE));
	status = lh_wait_child(pid, 5000);
	EXPECT_EQ(0, lh_exit_code(status));
	EXPECT_EQ(-EIDRM, ipcx_mutex_unlock(&m));
	EXPECT_EQ(-EIDRM, ipcx_mutex_trylock(&m) == -EIDRM ? -EIDRM : 0);
	munmap(base, 4096);
	close(fd);
}

TEST_HARNESS_MAIN
