// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA placement of region pages, as for SysV shm: the policies that
 * mbind(2), set_mempolicy(2) and numactl set apply to a region's pages,
 * and /proc/PID/numa_maps and move_pages(2) show where they are. Needs a
 * guest with two NUMA nodes (scripts/vm-run.sh --memory 2G --numa
 * 1G,cpus=0-1 --numa 1G: node 1 has memory and no CPU); skips with one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"

#define PG 4096UL
#define NPG 32

#ifndef MPOL_BIND
#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_MF_MOVE (1 << 1)
#endif

static long mbind_(void *p, unsigned long len, int mode, unsigned long mask,
		   unsigned int flags)
{
	return syscall(SYS_mbind, p, len, mode, &mask, sizeof(mask) * 8, flags);
}

static long set_mempolicy_(int mode, unsigned long mask)
{
	return syscall(SYS_set_mempolicy, mode, mode ? &mask : NULL,
		       mode ? sizeof(mask) * 8 : 0);
}

/* Node of each of the @n pages at @p into @node[] (move_pages query). */
static int pages_nodes(char *p, int n, int *node)
{
	void *pages[NPG];
	int i;

	for (i = 0; i < n; i++)
		pages[i] = p + i * PG;
	return syscall(SYS_move_pages, 0, n, pages, NULL, node, 0);
}

/* How many of the NPG pages at @p are on @nid (-1 on error). */
static int pages_on(char *p, int nid)
{
	int node[NPG], i, n = 0;

	if (pages_nodes(p, NPG, node))
		return -1;
	for (i = 0; i < NPG; i++)
		n += node[i] == nid;
	return n;
}

/*
 * The /proc/self/numa_maps line of the mapping at @p: the policy word (the
 * second field) into @pol, and the page count of "N@nid=" (0 if absent).
 */
static long numa_maps_on(char *p, int nid, char pol[64])
{
	char line[1024], key[16], *s;
	unsigned long a;
	long n = -1;
	FILE *f = fopen("/proc/self/numa_maps", "r");

	if (!f)
		return -1;
	snprintf(key, sizeof(key), " N%d=", nid);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx", &a) != 1 || a != (unsigned long)p)
			continue;
		if (pol && sscanf(line, "%*x %63s", pol) != 1)
			pol[0] = 0;
		s = strstr(line, key);
		n = s ? strtol(s + strlen(key), NULL, 10) : 0;
		break;
	}
	fclose(f);
	return n;
}

/*
 * Does node 1 have memory? (/sys/devices/system/node/node1 alone is not
 * enough: a guest without NUMA may list it as possible, with no memory.)
 */
static int node1_has_memory(void)
{
	char buf[256] = "", *s;
	FILE *f = fopen("/sys/devices/system/node/has_memory", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (s = buf; *s; ) {	/* a list of ranges: "0", "0-1", "0,2-3" */
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (a <= 1 && 1 <= b)
			return 1;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return 0;
}

static void touch(char *p)
{
	int i;

	for (i = 0; i < NPG; i++)
		p[i * PG] = (char)i;
}

FIXTURE(numa) {
	int fd;
	char *p;
};

FIXTURE_SETUP(numa)
{
	struct ipcx_region_open ro = {
		.size = NPG * PG, .flags = IPCX_OPEN_CREATE, .mode = 0600,
	};
	self->fd = -1;
	self->p = MAP_FAILED;
	if (!node1_has_memory())
		SKIP(return, "no memory on NUMA node 1 (boot with vm-run.sh --numa x2)");
	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_REGION_OPEN, &ro));
	self->p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
}

FIXTURE_TEARDOWN(numa)
{
	set_mempolicy_(MPOL_DEFAULT, 0);
	if (self->p != MAP_FAILED)
		munmap(self->p, NPG * PG);
	if (self->fd >= 0)
		close(self->fd);
}

/* mbind(MPOL_BIND, node 1) before the first touch: every page on node 1. */
TEST_F(numa, mbind_places_pages_on_the_node)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	char pol[64] = "";

	ASSERT_EQ(0, mbind_(self->p, NPG * PG, MPOL_BIND, 1UL << 1, 0));
	touch(self->p);
	EXPECT_EQ(NPG, pages_on(self->p, 1));
	EXPECT_EQ(NPG, numa_maps_on(self->p, 1, pol));
	EXPECT_EQ(0, strcmp(pol, "bind:1")) TH_LOG("numa_maps policy %s", pol);
	EXPECT_EQ(0, numa_maps_on(self->p, 0, NULL));
}

/*
 * The policy is the region's (shared policy), not the vma's: another
 * mapping of the region, made after the mbind, allocates on node 1 too.
 */
TEST_F(numa, mbind_policy_applies_through_another_mapping)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	char *q;

	ASSERT_EQ(0, mbind_(self->p, NPG * PG, MPOL_BIND, 1UL << 1, 0));
	q = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	touch(q);
	EXPECT_EQ(NPG, pages_on(q, 1));
	EXPECT_EQ(NPG, numa_maps_on(q, 1, NULL));
	munmap(q, NPG * PG);
}

/* Pages first placed on node 0 move to node 1 with MPOL_MF_MOVE. */
TEST_F(numa, mbind_move_migrates_pages)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	ASSERT_EQ(0, mbind_(self->p, NPG * PG, MPOL_BIND, 1UL << 0, 0));
	touch(self->p);
	ASSERT_EQ(NPG, pages_on(self->p, 0));
	ASSERT_EQ(0, mbind_(self->p, NPG * PG, MPOL_BIND, 1UL << 1, MPOL_MF_MOVE));
	EXPECT_EQ(NPG, pages_on(self->p, 1));
	EXPECT_EQ(NPG, numa_maps_on(self->p, 1, NULL));
}

/*
 * With no policy on the region, the faulting task's policy places the
 * pages (what numactl --membind / --interleave set).
 */
TEST_F(numa, task_policy_places_pages)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	ASSERT_EQ(0, set_mempolicy_(MPOL_BIND, 1UL << 1));
	touch(self->p);
	ASSERT_EQ(0, set_mempolicy_(MPOL_DEFAULT, 0));
	EXPECT_EQ(NPG, pages_on(self->p, 1));
}

TEST_F(numa, task_interleave_spreads_pages)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int on0, on1;

	ASSERT_EQ(0, set_mempolicy_(MPOL_INTERLEAVE, 3));
	touch(self->p);
	ASSERT_EQ(0, set_mempolicy_(MPOL_DEFAULT, 0));
	on0 = pages_on(self->p, 0);
	on1 = pages_on(self->p, 1);
	EXPECT_EQ(NPG, on0 + on1);
	/* interleave alternates nodes page by page */
	EXPECT_EQ(NPG / 2, on0) TH_LOG("%d on node 0, %d on node 1", on0, on1);
}

TEST_HARNESS_MAIN
