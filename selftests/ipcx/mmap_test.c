// SPDX-License-Identifier: GPL-2.0
/*
 * What core mm code sees of a region's mapping. It derives facts from the
 * vma's file (its inode: smaps' swap accounting, NUMA shared policy,
 * /proc/PID/maps), so that file must be a shmem file, whatever file system
 * the /dev/ipcx node that was opened lives on. Needs the module loaded;
 * the ramfs node test needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"
#include "smaps_helpers.h"

#define PG 4096UL
#define NPG 16

#ifndef MPOL_BIND
#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#define MPOL_F_ADDR (1 << 1)
#endif

/* A new anonymous region of NPG pages attached to a fresh open of @path. */
static int region_at(const char *path)
{
	struct ipcx_region_open ro = {
		.size = NPG * PG, .flags = IPCX_OPEN_CREATE, .mode = 0600,
	};
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro)) {
		close(fd);
		return -errno;
	}
	return fd;
}

FIXTURE(map) {
	int fd;		/* a region attached through /dev/ipcx */
	char *p;	/* its mapping, NPG pages */
};

FIXTURE_SETUP(map)
{
	self->p = MAP_FAILED;
	self->fd = region_at(IPCX_DEVICE_PATH);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(self->fd, 0);
	self->p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
}

FIXTURE_TEARDOWN(map)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, NPG * PG);
	if (self->fd >= 0)
		close(self->fd);
}

/* The vma's file is the region's shmem file, not the device. */
TEST_F(map, vma_file_is_shmem_not_the_device)
{
	char path[256], link[64];
	struct stat st;
	long kb;

	ASSERT_EQ(0, smaps_field(self->p, "Rss:", path, sizeof(path), &kb));
	EXPECT_EQ(0, strncmp(path, "/ipcx", 5)) TH_LOG("maps names \"%s\"", path);
	EXPECT_EQ(NULL, strstr(path, IPCX_DEVICE_PATH));
	snprintf(link, sizeof(link), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)self->p, (unsigned long)self->p + NPG * PG);
	if (stat(link, &st))	/* following map_files needs CAP_SYS_ADMIN */
		SKIP(return, "cannot follow %s: %s", link, strerror(errno));
	EXPECT_TRUE(S_ISREG(st.st_mode)) TH_LOG("mode %o", st.st_mode);
}

/*
 * A NUMA policy set with mbind(2) is the shmem object's shared policy:
 * another mapping of the same pages sees it (as for SysV shm and memfd).
 */
TEST_F(map, mbind_policy_is_shared_by_every_mapping)
{
	unsigned long node0 = 1;
	int mode = -1;
	char *q;

	if (syscall(SYS_mbind, self->p, NPG * PG, MPOL_BIND, &node0,
		    sizeof(node0) * 8, 0) && errno == ENOSYS)
		SKIP(return, "kernel without NUMA");
	q = mmap(NULL, NPG * PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, syscall(SYS_get_mempolicy, &mode, NULL, 0, q + PG, MPOL_F_ADDR));
	EXPECT_EQ(MPOL_BIND, mode);
	munmap(q, NPG * PG);
}

/*
 * A device node on a file system that is not tmpfs (here ramfs, in a
 * private mount namespace): smaps reads the shmem inode behind the vma's
 * file for swap accounting (shmem_swap_usage()). With the node's ramfs
 * inode there it read past that inode (garbage Swap, a KASAN report).
 */
TEST(smaps_through_a_node_on_ramfs)
{
	char dir[] = "/tmp/ipcx-mmap-XXXXXX", node[64], path[256];
	struct stat st;
	long rss, swap;
	int fd, i;
	char *p;

	if (stat(IPCX_DEVICE_PATH, &st))
		SKIP(return, "ipcx module not loaded");
	if (geteuid() != 0)
		SKIP(return, "needs root for mknod and mount");
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("ipcx-test", dir, "ramfs", 0, NULL));
	snprintf(node, sizeof(node), "%s/ipcx", dir);
	ASSERT_EQ(0, mknod(node, S_IFCHR | 0600, st.st_rdev));

	fd = region_at(node);
	ASSERT_GE(fd, 0);
	p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 5; i++)
		p[i * PG] = 1;
	ASSERT_EQ(0, smaps_field(p, "Rss:", path, sizeof(path), &rss));
	EXPECT_EQ(5 * PG / 1024, rss);
	EXPECT_EQ(NULL, strstr(path, node)) TH_LOG("maps names \"%s\"", path);
	ASSERT_EQ(0, smaps_field(p, "Swap:", path, sizeof(path), &swap));
	EXPECT_EQ(0, swap);	/* nothing was swapped out */
	munmap(p, NPG * PG);
	close(fd);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

TEST_HARNESS_MAIN
