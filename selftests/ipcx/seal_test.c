// SPDX-License-Identifier: GPL-2.0
/*
 * IPCX_SEAL_WRITE as memfd's F_SEAL_WRITE: after the seal the kernel writes
 * nothing of the region on anybody's behalf except the words of locks
 * declared before it (through the lock operations), and the seal is
 * refused while pages stay pinned by pin_user_pages() (memfd_wait_for_pins()
 * semantics). Needs the module loaded; the pin test needs root (AF_XDP).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_xdp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define PG 4096UL
#define NPG 4

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int seal(int fd, __u32 seals)
{
	struct ipcx_region_seal s = { .seals = seals };

	return xioctl(fd, IPCX_IOC_REGION_SEAL, &s);
}

static int declare(int fd, __u64 offset, __u32 kind, __u64 value)
{
	struct ipcx_lock_op op = { .offset = offset, .kind = kind, .value = value };

	return xioctl(fd, IPCX_IOC_LOCK_DECLARE, &op);
}

static int lock_op(int fd, unsigned long cmd, __u64 offset)
{
	struct ipcx_lock_op op = { .offset = offset };

	return xioctl(fd, cmd, &op);
}

/* Retry a seal that waits for asynchronous unpinning, for up to 5 s. */
static int seal_eventually(int fd, __u32 seals)
{
	int i, err = 0;

	for (i = 0; i < 100; i++) {
		err = seal(fd, seals);
		if (err != EBUSY)
			break;
		usleep(50000);
	}
	return err;
}

FIXTURE(seal) {
	int fd;		/* read-write attachment of an anonymous region */
};

FIXTURE_SETUP(seal)
{
	struct ipcx_region_open ro = {
		.size = NPG * PG, .flags = IPCX_OPEN_CREATE, .mode = 0600,
	};

	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_OPEN, &ro));
}

FIXTURE_TEARDOWN(seal)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * LOCK_DECLARE initialises a block (word, kind, zeroed slots): after the
 * seal a new block is refused and no byte changes, while a lock declared
 * before the seal keeps working and declaring it again stays a no-op.
 */
TEST_F(seal, declare_after_write_seal_is_refused_and_writes_nothing)
{
	unsigned char *p, *q;
	size_t i, bad = 0;

	p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0xab, NPG * PG);
	ASSERT_EQ(0, declare(self->fd, 0, IPCX_LOCK_MUTEX, 0));
	ASSERT_EQ(0, munmap(p, NPG * PG));
	ASSERT_EQ(0, seal(self->fd, IPCX_SEAL_WRITE));

	EXPECT_EQ(EPERM, declare(self->fd, 128, IPCX_LOCK_MUTEX, 0));
	EXPECT_EQ(EPERM, declare(self->fd, 192, IPCX_LOCK_SEM, 5));
	EXPECT_EQ(EPERM, declare(self->fd, PG, IPCX_LOCK_RWLOCK, 0));
	EXPECT_EQ(EPERM, declare(self->fd, 2 * PG, IPCX_LOCK_EVENT, 0));
	EXPECT_EQ(0, declare(self->fd, 0, IPCX_LOCK_MUTEX, 0));	/* already there */
	EXPECT_EQ(EEXIST, declare(self->fd, 0, IPCX_LOCK_SEM, 0));

	q = mmap(NULL, NPG * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	for (i = sizeof(struct ipcx_lock_block); i < NPG * PG; i++)
		bad += q[i] != 0xab;
	EXPECT_EQ(0, bad);

	/* the declared mutex still works: its word is the kernel's to change */
	ASSERT_EQ(0, lock_op(self->fd, IPCX_IOC_OWNER_REGISTER, 0));
	ASSERT_EQ(0, lock_op(self->fd, IPCX_IOC_MUTEX_LOCK, 0));
	EXPECT_NE(0, ((volatile struct ipcx_lock_block *)q)->word);
	ASSERT_EQ(0, lock_op(self->fd, IPCX_IOC_MUTEX_UNLOCK, 0));
	EXPECT_EQ(0, ((volatile struct ipcx_lock_block *)q)->word);
	munmap(q, NPG * PG);
}

/* The module's own references on declared lock pages do not block a seal. */
TEST_F(seal, declared_locks_do_not_block_the_seal)
{
	ASSERT_EQ(0, declare(self->fd, 0, IPCX_LOCK_MUTEX, 0));
	ASSERT_EQ(0, declare(self->fd, PG, IPCX_LOCK_SEM, 3));
	EXPECT_EQ(0, seal(self->fd, IPCX_SEAL_WRITE));
}

/* An AF_XDP socket whose umem pins [p, p + len) writable, long-term; or -errno. */
static int xdp_pin(void *p, size_t len)
{
	struct xdp_umem_reg mr = {
		.addr = (uintptr_t)p, .len = len, .chunk_size = 2048,
	};
	int s = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		return -errno;
	if (setsockopt(s, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr))) {
		err = -errno;
		close(s);
		return err;
	}
	return s;
}

/*
 * A writable long-term pin (pin_user_pages(FOLL_LONGTERM), here AF_XDP's
 * umem) outlives the mapping it was taken through: the pinner can write the
 * pages after a seal. memfd refuses F_SEAL_WRITE with EBUSY then (checked
 * first, as the reference); so must IPCX_SEAL_WRITE, until the pin goes.
 */
TEST_F(seal, write_seal_refused_while_pages_are_pinned)
{
	int mfd, s;
	void *p;

	mfd = memfd_create("seal_test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, ftruncate(mfd, NPG * PG));
	p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	s = xdp_pin(p, NPG * PG);
	if (s < 0) {
		close(mfd);
		SKIP(return, "no AF_XDP umem here (%s)", strerror(-s));
	}
	ASSERT_EQ(0, munmap(p, NPG * PG));
	EXPECT_EQ(-1, fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE));
	EXPECT_EQ(EBUSY, errno);
	close(s);
	close(mfd);

	p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	s = xdp_pin((char *)p + PG, PG);
	ASSERT_GE(s, 0);
	ASSERT_EQ(0, munmap(p, NPG * PG));
	EXPECT_EQ(EBUSY, seal(self->fd, IPCX_SEAL_WRITE));
	/* a refused seal leaves nothing behind: writable mappings work again */
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, PG));
	EXPECT_EQ(0, seal(self->fd, IPCX_SEAL_RESIZE));	/* other seals: no wait */
	close(s);	/* the umem is unpinned asynchronously */
	EXPECT_EQ(0, seal_eventually(self->fd, IPCX_SEAL_WRITE));
}

TEST_HARNESS_MAIN
