// SPDX-License-Identifier: GPL-2.0
/*
 * Regions backed by huge pages (IPCX_OPEN_HUGE_THP: transparent huge pages
 * through a tmpfs mounted huge=within_size), and the memory figures users
 * look at: IPCX_IOC_REGION_STAT's page_size, resident and swapped, and
 * /proc/self/smaps. Each region feature (mapping, locks, resize, seals) is
 * exercised on a huge-page region. Needs the module loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"

#include "kselftest_harness.h"
#include "nl_test_helpers.h"
#include "smaps_helpers.h"

#define PG 4096UL
#define MB (1UL << 20)
#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage/"

/* A new anonymous region of @size with @flags added; fd or -errno. */
static int region_new(uint64_t size, uint32_t flags)
{
	struct ipcx_region_open ro = {
		.size = size, .flags = IPCX_OPEN_CREATE | flags, .mode = 0600,
	};
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, IPCX_IOC_REGION_OPEN, &ro)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static struct ipcx_region_stat rstat(int fd)
{
	struct ipcx_region_stat st;

	memset(&st, 0xa5, sizeof(st));
	if (ioctl(fd, IPCX_IOC_REGION_STAT, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

static int resize(int fd, uint64_t size)
{
	struct ipcx_region_resize rr = { .size = size };

	return ioctl(fd, IPCX_IOC_REGION_RESIZE, &rr) ? -errno : 0;
}

/* The PMD size THP uses (hpage_pmd_size), 0 without THP. */
static unsigned long thp_size(void)
{
	unsigned long sz = 0;
	FILE *f = fopen(THP_SYSFS "hpage_pmd_size", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu", &sz) != 1)
		sz = 0;
	fclose(f);
	return sz;
}

/* shmem_enabled set to [deny] turns shmem's huge pages off everywhere */
static int thp_denied(void)
{
	char buf[256] = "";
	FILE *f = fopen(THP_SYSFS "shmem_enabled", "r");

	if (!f)
		return 1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "[deny]") != NULL;
}

static void fill(char *p, size_t len, char seed)
{
	size_t i;

	for (i = 0; i < len; i += PG)
		p[i] = (char)(seed + i / PG);
}

static int check(const char *p, size_t len, char seed)
{
	size_t i;

	for (i = 0; i < len; i += PG)
		if (p[i] != (char)(seed + i / PG))
			return -1;
	return 0;
}

/* A 4 KiB region: page_size, and resident counts exactly the touched pages. */
TEST(small_region_figures)
{
	struct ipcx_region_stat st;
	char *p;
	int fd;

	fd = region_new(64 * PG, 0);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, fd);
	p = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	st = rstat(fd);
	EXPECT_EQ(PG, st.page_size);
	EXPECT_EQ(0, st.resident);
	p[0] = 1;
	p[7 * PG] = 1;
	p[8 * PG] = 1;
	p[63 * PG] = 1;
	p[20 * PG + 5] = 1;
	st = rstat(fd);
	EXPECT_EQ(5 * PG, st.resident);
	EXPECT_EQ(0, st.swapped);
	EXPECT_EQ(5 * PG / 1024, smaps_kb(p, "Rss:"));
	EXPECT_EQ(0, smaps_kb(p, "Swap:"));
	munmap(p, 64 * PG);
	close(fd);
}

FIXTURE(thp) {
	int fd;
	char *p;
	size_t len;
	unsigned long hpage;
};

FIXTURE_SETUP(thp)
{
	self->fd = -1;
	self->p = MAP_FAILED;
	self->hpage = thp_size();
	self->len = 4 * self->hpage;
	if (!self->hpage)
		SKIP(return, "kernel without transparent huge pages");
	self->fd = region_new(self->len, IPCX_OPEN_HUGE_THP);
	if (self->fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, self->fd);
	self->p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
}

FIXTURE_TEARDOWN(thp)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, self->len);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The mapping is aligned to the huge page size (as shmem's
 * get_unmapped_area does), touching it maps huge pages by PMD, and stat
 * and smaps agree on what is resident.
 */
TEST_F(thp, touched_pages_are_huge_and_counted)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	struct ipcx_region_stat st = rstat(self->fd);

	EXPECT_EQ(self->hpage, st.page_size);
	EXPECT_EQ(0, st.resident);
	EXPECT_EQ(0, (uintptr_t)self->p % self->hpage);
	if (thp_denied())
		SKIP(return, "shmem_enabled is deny");
	fill(self->p, self->len, 3);
	st = rstat(self->fd);
	EXPECT_EQ(self->len, st.resident);
	EXPECT_EQ(0, st.swapped);
	EXPECT_EQ(self->len / 1024, smaps_kb(self->p, "Rss:"));
	EXPECT_EQ(self->len / 1024, smaps_kb(self->p, "ShmemPmdMapped:"));
	EXPECT_EQ(0, check(self->p, self->len, 3));
}

/* A lock declared inside a huge page works, and pins its page against shrink. */
TEST_F(thp, lock_in_a_huge_page)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	uint64_t off = self->hpage + 64;
	struct ipcx_mutex m;

	fill(self->p, self->len, 5);
	ASSERT_EQ(0, ipcx_mutex_init(&m, self->fd, self->p, off));
	ASSERT_EQ(0, ipcx_mutex_lock(&m));
	EXPECT_EQ(1, ipcx_mutex_held(&m));
	ASSERT_EQ(0, ipcx_mutex_unlock(&m));
	/* a declared lock lies beyond: its page stays in the region */
	EXPECT_EQ(-EBUSY, resize(self->fd, self->hpage / 2));
	EXPECT_EQ(0, resize(self->fd, 2 * self->hpage));
	EXPECT_EQ(0, ipcx_mutex_lock(&m));
	EXPECT_EQ(0, ipcx_mutex_unlock(&m));
}

/*
 * Resize: growing adds room for more huge pages, shrinking to a size that
 * is not a multiple of the huge page splits the last one and keeps the
 * data below the new size; resident follows.
 */
TEST_F(thp, resize_grows_and_shrinks)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	size_t small = self->hpage + self->hpage / 2;
	struct ipcx_region_stat st;
	char *q;

	fill(self->p, self->len, 7);
	ASSERT_EQ(0, resize(self->fd, 2 * self->len));
	q = mmap(NULL, 2 * self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, check(q, self->len, 7));
	fill(q + self->len, self->len, 9);
	st = rstat(self->fd);
	EXPECT_EQ(2 * self->len, st.resident);
	munmap(q, 2 * self->len);

	ASSERT_EQ(0, resize(self->fd, small));
	st = rstat(self->fd);
	EXPECT_EQ(small, st.size);
	EXPECT_LE(st.resident, 2 * self->hpage);
	EXPECT_GE(st.resident, small);
	EXPECT_EQ(0, check(self->p, small, 7));
}

/* IPCX_SEAL_WRITE: writable mappings refused, the data readable as sealed. */
TEST_F(thp, write_seal)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	struct ipcx_region_seal rs = { .seals = IPCX_SEAL_WRITE };
	char *q;

	fill(self->p, self->len, 11);
	ASSERT_EQ(0, munmap(self->p, self->len));
	self->p = MAP_FAILED;
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_REGION_SEAL, &rs));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EPERM, errno);
	q = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, check(q, self->len, 11));
	EXPECT_NE(0, mprotect(q, self->len, PROT_READ | PROT_WRITE));
	munmap(q, self->len);
}

/*
 * huge=within_size: a tail shorter than a huge page gets 4 KiB pages, the
 * rest huge ones; no memory beyond the size is allocated.
 */
TEST(thp_tail_gets_small_pages)
{
	unsigned long hpage = thp_size();
	size_t len = hpage + hpage / 2;
	struct ipcx_region_stat st;
	char *p;
	int fd;

	if (!hpage)
		SKIP(return, "kernel without transparent huge pages");
	fd = region_new(len, IPCX_OPEN_HUGE_THP);
	if (fd == -ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, fd);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	if (thp_denied())
		SKIP(return, "shmem_enabled is deny");
	fill(p, len, 1);
	st = rstat(fd);
	EXPECT_EQ(len, st.resident);
	EXPECT_EQ(len / 1024, smaps_kb(p, "Rss:"));
	EXPECT_EQ(hpage / 1024, smaps_kb(p, "ShmemPmdMapped:"));
	munmap(p, len);
	close(fd);
}

/* IPCX_OPEN_HUGE_THP opening an existing region is ignored, as SHM_HUGETLB is. */
TEST(huge_flag_ignored_for_an_existing_region)
{
	char name[64];
	struct ipcx_region_open ro = {
		.size = 16 * PG, .mode = 0600,
		.flags = IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
		.lifetime = IPCX_LIFETIME_AUTO_REMOVE,
	};
	int fd, fd2;

	snprintf(name, sizeof(name), "huge-test-%d", getpid());
	ro.name = (uintptr_t)name;
	fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, IPCX_IOC_REGION_OPEN, &ro));
	fd2 = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ro.flags = IPCX_OPEN_CREATE | IPCX_OPEN_HUGE_THP;
	ro.size = 0;
	ASSERT_EQ(0, ioctl(fd2, IPCX_IOC_REGION_OPEN, &ro));
	EXPECT_EQ(PG, rstat(fd2).page_size);
	close(fd2);
	close(fd);
}

/*
 * What users look at: "ipcx create --huge", then "ipcx stat" and
 * ipcx_nl_get_region() give the page size and what was touched.
 */
TEST(cli_stat_shows_page_size_and_resident)
{
	unsigned long hpage = thp_size();
	struct ipcx_nl_region r;
	char name[64], cmd[256], out[256], want[128];
	struct ipcx_nl *nl;
	FILE *f;
	size_t n;
	char *p;
	int fd;

	if (!hpage)
		SKIP(return, "kernel without transparent huge pages");
	if (ipcx_nl_open(&nl))
		SKIP(return, "ipcx module not loaded");
	snprintf(name, sizeof(name), "huge-cli-%d", getpid());
	snprintf(cmd, sizeof(cmd), "%s create --huge %s %luK >/dev/null", nh_tool(), name,
		 2 * hpage / 1024);
	ASSERT_EQ(0, system(cmd));
	fd = ipcx_region_open(name, 0);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 2 * hpage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	fill(p, hpage, 1);	/* the first huge page */

	snprintf(cmd, sizeof(cmd), "%s stat --json -o PAGESIZE,RESIDENT,SWAPPED %s",
		 nh_tool(), name);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	EXPECT_EQ(0, pclose(f));
	snprintf(want, sizeof(want),
		 "{\"page_size\": %lu, \"resident\": %lu, \"swapped\": 0}\n",
		 hpage, hpage);
	EXPECT_STREQ(want, out);

	ASSERT_EQ(0, ipcx_nl_get_region(nl, name, 0, &r));
	EXPECT_EQ(hpage, r.page_size);
	EXPECT_EQ(hpage, r.resident);
	EXPECT_EQ(0, r.swapped);

	munmap(p, 2 * hpage);
	close(fd);
	EXPECT_EQ(0, ipcx_nl_delete(nl, name));
	ipcx_nl_close(nl);
}

/* ---- hugetlbfs-backed regions (IPCX_OPEN_HUGETLB) ------------------------ */

/* A number from /proc/meminfo ("HugePages_Free:", "Hugepagesize:"), or -1. */
static long meminfo(const char *key)
{
	return proc_field("/proc/meminfo", key);
}

static uint32_t live_regions(void)
{
	struct ipcx_nl_stats st;

	return lh_stats(&st) ? (uint32_t)-1 : st.regions;
}

#define HT_PAGES 4	/* the pool the fixture reserves */

FIXTURE(hugetlb) {
	long saved;	/* nr_hugepages before, restored after */
	unsigned long hpage;
	int fd;
	char *p;
};

FIXTURE_SETUP(hugetlb)
{
	struct stat st;

	self->saved = -1;
	self->fd = -1;
	self->p = MAP_FAILED;
	if (stat(IPCX_DEVICE_PATH, &st))
		SKIP(return, "ipcx module not loaded");
	if (geteuid() != 0)
		SKIP(return, "needs root to reserve huge pages");
	self->hpage = meminfo("Hugepagesize:") * 1024;
	self->saved = nr_hugepages(-1);
	if (self->hpage <= 0 || self->saved < 0)
		SKIP(return, "no hugetlb pages on this kernel");
	nr_hugepages(self->saved + HT_PAGES);
	if (meminfo("HugePages_Free:") < HT_PAGES)
		SKIP(return, "could not reserve %d huge pages", HT_PAGES);
	self->fd = region_new(2 * self->hpage, IPCX_OPEN_HUGETLB);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(hugetlb)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, 2 * self->hpage);
	if (self->fd >= 0)
		close(self->fd);
	if (self->saved >= 0)
		nr_hugepages(self->saved);
}

/*
 * Its pages come from the pool at creation and go back with the region;
 * mapped, they are the pool's huge pages (smaps), and stat counts them.
 */
TEST_F(hugetlb, pages_from_the_pool_mapped_and_counted)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	struct ipcx_region_stat st = rstat(self->fd);
	long free = meminfo("HugePages_Free:");

	EXPECT_EQ(self->hpage, st.page_size);
	EXPECT_EQ(2 * self->hpage, st.resident);	/* taken at creation */
	EXPECT_EQ(0, st.swapped);
	self->p = mmap(NULL, 2 * self->hpage, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	EXPECT_EQ(0, (uintptr_t)self->p % self->hpage);
	fill(self->p, 2 * self->hpage, 13);
	EXPECT_EQ(0, check(self->p, 2 * self->hpage, 13));
	EXPECT_EQ(free, meminfo("HugePages_Free:"));	/* nothing more taken */
	EXPECT_EQ((long)self->hpage / 1024, smaps_kb(self->p, "KernelPageSize:"));
	EXPECT_EQ(2 * (long)self->hpage / 1024,
		  smaps_kb(self->p, "Private_Hugetlb:") + smaps_kb(self->p, "Shared_Hugetlb:"));
	EXPECT_EQ(2 * self->hpage, rstat(self->fd).resident);

	munmap(self->p, 2 * self->hpage);
	self->p = MAP_FAILED;
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(free + 2, meminfo("HugePages_Free:"));
}

/* Sizes, page sizes and flags refused as documented, nothing kept. */
TEST_F(hugetlb, bad_sizes_and_flags)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	long free = meminfo("HugePages_Free:");
	uint32_t regions = live_regions();
	int fd;

	EXPECT_EQ(-EINVAL, region_new(self->hpage + PG, IPCX_OPEN_HUGETLB));
	EXPECT_EQ(-EINVAL, region_new(self->hpage, IPCX_OPEN_HUGE_2MB));
	EXPECT_EQ(-EINVAL, region_new(self->hpage, IPCX_OPEN_HUGETLB | IPCX_OPEN_HUGE_THP));
	EXPECT_EQ(-EINVAL, region_new(self->hpage, IPCX_OPEN_HUGETLB |
				      (22U << IPCX_OPEN_HUGE_SHIFT)));
	/* no 1 GiB pages reserved: none here (ENODEV) or none free (ENOMEM) */
	fd = region_new(1UL << 30, IPCX_OPEN_HUGETLB | IPCX_OPEN_HUGE_1GB);
	EXPECT_TRUE(fd == -ENODEV || fd == -ENOMEM || fd == -EFBIG) TH_LOG("%d", fd);
	if (self->hpage == 2 * MB) {
		fd = region_new(self->hpage, IPCX_OPEN_HUGETLB | IPCX_OPEN_HUGE_2MB);
		EXPECT_LE(0, fd);
		EXPECT_EQ(self->hpage, rstat(fd).page_size);
		close(fd);
	}
	EXPECT_EQ(free, meminfo("HugePages_Free:"));
	EXPECT_EQ(regions, live_regions());
}

/*
 * Any user may make one within its RLIMIT_MEMLOCK, as SysV's SHM_HUGETLB
 * without CAP_IPC_LOCK: pool pages cannot be swapped and a named region
 * outlives its creator. Over the limit: EPERM, as shmget() says.
 */
static int hugetlb_as_nobody(unsigned long hpage, rlim_t memlock, unsigned int n)
{
	struct rlimit rl = { memlock, memlock };
	pid_t pid = fork();
	int status, fd = -1;
	unsigned int i;

	if (pid == 0) {
		if (setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		for (i = 0; i < n; i++) {
			fd = region_new(hpage, IPCX_OPEN_HUGETLB);
			if (fd < 0)
				_exit(-fd);
			if (rstat(fd).page_size != hpage)
				_exit(101);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(hugetlb, unprivileged_user_within_rlimit_memlock)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	EXPECT_EQ(0, hugetlb_as_nobody(self->hpage, 2 * self->hpage, 2));
	/* the first fits, the second would pass the limit */
	EXPECT_EQ(EPERM, hugetlb_as_nobody(self->hpage, self->hpage, 2));
	EXPECT_EQ(EPERM, hugetlb_as_nobody(self->hpage, self->hpage - 1, 1));
}

/* More than the pool has free: ENOMEM, and the pool and regions as before. */
TEST_F(hugetlb, pool_exhaustion_enomem_leaks_nothing)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	long free = meminfo("HugePages_Free:");
	uint32_t regions = live_regions();

	ASSERT_LT(0, free);
	EXPECT_EQ(-ENOMEM, region_new((free + 1) * self->hpage, IPCX_OPEN_HUGETLB));
	EXPECT_EQ(free, meminfo("HugePages_Free:"));
	EXPECT_EQ(regions, live_regions());
	/* and what is left is still usable */
	EXPECT_EQ(0, close(region_new(free * self->hpage, IPCX_OPEN_HUGETLB)));
	EXPECT_EQ(free, meminfo("HugePages_Free:"));
}

/* Mappings on huge page bounds only; a split inside a huge page refused. */
TEST_F(hugetlb, mappings_on_page_bounds)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	char *q;

	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->hpage / 2, PROT_READ, MAP_SHARED,
				   self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->hpage, PROT_READ, MAP_SHARED,
				   self->fd, self->hpage / 2));
	EXPECT_EQ(EINVAL, errno);
	q = mmap(NULL, self->hpage, PROT_READ, MAP_SHARED, self->fd, self->hpage);
	ASSERT_NE(MAP_FAILED, q);
	munmap(q, self->hpage);
	self->p = mmap(NULL, 2 * self->hpage, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	EXPECT_NE(0, munmap(self->p + self->hpage / 2, PG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, munmap(self->p + self->hpage, self->hpage));
	self->p[0] = 1;
	EXPECT_EQ(0, munmap(self->p, self->hpage));
	self->p = MAP_FAILED;
}

/* Resize and locks: EOPNOTSUPP. Seals work. */
TEST_F(hugetlb, resize_locks_seals)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	struct ipcx_region_seal rs = { .seals = IPCX_SEAL_WRITE };
	struct ipcx_mutex m;
	char *q;

	EXPECT_EQ(-EOPNOTSUPP, resize(self->fd, 4 * self->hpage));
	EXPECT_EQ(-EOPNOTSUPP, resize(self->fd, self->hpage));
	EXPECT_EQ(2 * self->hpage, rstat(self->fd).size);
	self->p = mmap(NULL, 2 * self->hpage, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	EXPECT_EQ(-EOPNOTSUPP, ipcx_mutex_init(&m, self->fd, self->p, 64));
	fill(self->p, 2 * self->hpage, 17);
	munmap(self->p, 2 * self->hpage);
	self->p = MAP_FAILED;
	ASSERT_EQ(0, ioctl(self->fd, IPCX_IOC_REGION_SEAL, &rs));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * self->hpage, PROT_READ | PROT_WRITE,
				   MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EPERM, errno);
	q = mmap(NULL, 2 * self->hpage, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, check(q, 2 * self->hpage, 17));
	munmap(q, 2 * self->hpage);
}

TEST_HARNESS_MAIN
