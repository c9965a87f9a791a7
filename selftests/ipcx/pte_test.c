// SPDX-License-Identifier: GPL-2.0
/*
 * What page tables a process pays to map a large region: VmPTE of
 * /proc/self/status, grown by mapping a region of IPCX_PTE_MB MiB (default
 * 64; the README's figures are for 1024) in each of IPCX_PTE_PROCS
 * processes (default 64), with 4 KiB pages, transparent huge pages and
 * hugetlb pages, next to SysV shm with and without SHM_HUGETLB.
 *
 * Each process touches one byte per 2 MiB: that allocates every PTE page
 * a touch of every byte would (one per 2 MiB of 4 KiB pages, none for a
 * PMD-mapped huge page) without faulting in every 4 KiB page, which under
 * TCG would take minutes. The figures are logged; the checks are what
 * the page table layout implies: at least 4 KiB per 2 MiB mapped with
 * 4 KiB pages, less than a quarter of that with huge pages. The hugetlb
 * cases need root (they reserve and restore nr_hugepages).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ipcx.h>

#include "kselftest_harness.h"
#include "smaps_helpers.h"

#define MB (1UL << 20)
#define STRIDE (2 * MB)

#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : def;
}

static long status_kb(const char *key)
{
	return proc_field("/proc/self/status", key);
}

/* a new anonymous ipcx region of @size with @flags: fd, or -errno */
static int ipcx_region(size_t size, uint32_t flags)
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

/*
 * In each of @nproc children: map the region (@fd, or SysV @shmid), touch
 * one byte per STRIDE, and report VmPTE's growth. Returns the sum in kB
 * over the children, or -1.
 */
static long pte_kb(int fd, int shmid, size_t size, unsigned long nproc)
{
	int pipefd[2];
	long sum = 0, kb;
	unsigned long i;

	if (pipe(pipefd))
		return -1;
	for (i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			long before = status_kb("VmPTE:");
			char *p;
			size_t off;

			p = fd >= 0 ? mmap(NULL, size, PROT_READ | PROT_WRITE,
					   MAP_SHARED, fd, 0) :
				      shmat(shmid, NULL, 0);
			if (p == MAP_FAILED || p == (void *)-1)
				_exit(1);
			for (off = 0; off < size; off += STRIDE)
				p[off] = 1;
			kb = status_kb("VmPTE:") - before;
			_exit(write(pipefd[1], &kb, sizeof(kb)) == sizeof(kb) ? 0 : 1);
		}
	}
	close(pipefd[1]);
	for (i = 0; i < nproc; i++) {
		int st;

		if (read(pipefd[0], &kb, sizeof(kb)) != sizeof(kb))
			sum = -1;
		else if (sum >= 0)
			sum += kb;
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			sum = -1;
	}
	close(pipefd[0]);
	return sum;
}

FIXTURE(pte) {
	size_t size;
	unsigned long nproc;
	long saved_hugepages;
};

FIXTURE_SETUP(pte)
{
	self->size = env_ul("IPCX_PTE_MB", 64) * MB;
	self->nproc = env_ul("IPCX_PTE_PROCS", 64);
	self->saved_hugepages = -1;
	if (access(IPCX_DEVICE_PATH, F_OK))
		SKIP(return, "ipcx module not loaded");
}

FIXTURE_TEARDOWN(pte)
{
	if (self->saved_hugepages >= 0)
		nr_hugepages(self->saved_hugepages);
}

/* Reserve the hugetlb pages one region needs; 0, or -1 to skip. */
static int reserve(struct _test_data_pte *self)
{
	self->saved_hugepages = nr_hugepages(-1);
	if (geteuid() != 0 || self->saved_hugepages < 0)
		return -1;
	nr_hugepages(self->saved_hugepages + self->size / STRIDE);
	return 0;
}

static void report(struct __test_metadata *_metadata, const char *what,
		   struct _test_data_pte *self, long kb, int huge)
{
	long floor = self->nproc * (self->size / STRIDE) * 4;	/* kB */

	ksft_print_msg("VmPTE %-22s %5lu MiB x %3lu processes: %8ld kB (%ld kB each)\n",
		       what, self->size / MB, self->nproc, kb,
		       kb / (long)self->nproc);
	fflush(stdout);	/* the harness ends the test with _exit() */
	ASSERT_LE(0, kb);
	if (huge) {
		EXPECT_GT(floor / 4, kb);
	} else {
		EXPECT_LE(floor, kb);
	}
}

TEST_F(pte, ipcx_4k)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int fd = ipcx_region(self->size, 0);

	ASSERT_LE(0, fd);
	report(_metadata, "ipcx 4 KiB", self, pte_kb(fd, -1, self->size, self->nproc), 0);
	close(fd);
}

TEST_F(pte, ipcx_thp)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int fd = ipcx_region(self->size, IPCX_OPEN_HUGE_THP);

	if (fd == -EOPNOTSUPP)
		SKIP(return, "no transparent huge pages");
	ASSERT_LE(0, fd);
	report(_metadata, "ipcx THP", self, pte_kb(fd, -1, self->size, self->nproc), 1);
	close(fd);
}

TEST_F(pte, ipcx_hugetlb)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int fd;

	if (reserve(self))
		SKIP(return, "needs root to reserve huge pages");
	fd = ipcx_region(self->size, IPCX_OPEN_HUGETLB);
	if (fd == -ENOMEM || fd == -ENODEV)
		SKIP(return, "could not reserve the huge pages (%d)", fd);
	ASSERT_LE(0, fd);
	report(_metadata, "ipcx hugetlb", self, pte_kb(fd, -1, self->size, self->nproc), 1);
	close(fd);
}

TEST_F(pte, sysv_4k)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int id = shmget(IPC_PRIVATE, self->size, IPC_CREAT | 0600);

	ASSERT_LE(0, id);
	report(_metadata, "SysV shm 4 KiB", self, pte_kb(-1, id, self->size, self->nproc), 0);
	shmctl(id, IPC_RMID, NULL);
}

TEST_F(pte, sysv_hugetlb)
{
	if (_metadata->skip)	/* SKIP in the setup still runs the body */
		return;
	int id;

	if (reserve(self))
		SKIP(return, "needs root to reserve huge pages");
	id = shmget(IPC_PRIVATE, self->size, IPC_CREAT | SHM_HUGETLB | 0600);
	if (id < 0 && (errno == ENOMEM || errno == EPERM))
		SKIP(return, "SHM_HUGETLB: %s", strerror(errno));
	ASSERT_LE(0, id);
	report(_metadata, "SysV shm SHM_HUGETLB", self,
	       pte_kb(-1, id, self->size, self->nproc), 1);
	shmctl(id, IPC_RMID, NULL);
}

TEST_HARNESS_MAIN
