// SPDX-License-Identifier: GPL-2.0
/*
 * Regions over time and between users: lifetimes (persistent, removed
 * after the last user even SIGKILLed, leased to its creator), permissions
 * after setuid, IPC-namespace isolation, limits, rmmod pinning, and a
 * leak check over 10 000 cycles. Needs the module loaded and root (for
 * setresuid, unshare, module parameters); tests that need more SKIP with
 * the reason.
 */
#include "region_helpers.h"

TEST_F(region, lifetime_persistent_survives_close)
{
	int fd;

	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600,
			    IPCX_LIFETIME_PERSISTENT));
	close(self->fd);
	self->fd = -1;
	fd = rg(self->name, 0, 0, 0, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(1, rstat(fd).nattach);
	close(fd);
	EXPECT_EQ(0, unlink_name(self->name));
	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));
}

TEST_F(region, lifetime_auto_remove_after_last_user_even_sigkilled)
{
	int sync[2], fd;
	char c;
	pid_t pid;
	char *p;

	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600,
			    IPCX_LIFETIME_AUTO_REMOVE));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(self->fd);
	self->fd = -1;
	fd = rg(self->name, 0, 0, 0, 0);	/* the mapping keeps the name */
	ASSERT_GE(fd, 0);
	close(fd);
	munmap(p, PG);
	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));

	/* a user that is SIGKILLed while holding fd and mapping */
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		fd = rg(self->name, PG, IPCX_OPEN_CREATE, 0600, IPCX_LIFETIME_AUTO_REMOVE);
		if (fd < 0 || mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			_exit(1);
		write(sync[1], "r", 1);
		pause();
		_exit(2);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	fd = rg(self->name, 0, IPCX_OPEN_RDONLY, 0, 0);
	EXPECT_GE(fd, 0);
	close(fd);
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, reap(pid));
	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));
}

TEST_F(region, lifetime_lease_name_goes_with_creator)
{
	struct ipcx_region_stat st;
	int sync[2], fd;
	pid_t pid;
	char c, *p;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		fd = rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600,
			IPCX_LIFETIME_LEASE);
		if (fd < 0)
			_exit(1);
		write(sync[1], "r", 1);
		pause();
		_exit(2);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	fd = rg(self->name, 0, 0, 0, 0);
	ASSERT_GE(fd, 0);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* a non-creator closing does not end the lease */
	EXPECT_EQ(0, close(rg(self->name, 0, 0, 0, 0)));
	EXPECT_TRUE(rstat(fd).flags & IPCX_STAT_LINKED);
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, reap(pid));
	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));
	st = rstat(fd);
	EXPECT_EQ(0, st.flags & IPCX_STAT_LINKED);
	EXPECT_EQ(1, st.nattach);
	strcpy(p, "still works");
	EXPECT_STREQ("still works", p);
	munmap(p, PG);
	close(fd);
}

/* Run @fn in a child as uid/gid 65534 (nobody) with no capabilities. */
static int as_nobody(int (*fn)(const char *), const char *name)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		_exit(fn(name));
	}
	return reap(pid);
}

/* 0 when the open succeeds, else its errno */
static int open_err(int fd)
{
	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

static int nobody_open_rw(const char *name) { return open_err(rg(name, 0, 0, 0, 0)); }
static int nobody_open_ro(const char *name) { return open_err(rg(name, 0, IPCX_OPEN_RDONLY, 0, 0)); }
static int nobody_unlink(const char *name) { return unlink_name(name); }

static int nobody_set_perm(const char *name)
{
	int fd = rg(name, 0, IPCX_OPEN_RDONLY, 0, 0), err;
	struct ipcx_region_perm perm = { .mode = 0666, .flags = IPCX_PERM_MODE };

	if (fd < 0)
		return 200;
	err = xioctl(fd, IPCX_IOC_REGION_SET_PERM, &perm);
	close(fd);
	return err;
}

TEST_F(region, permissions_after_setuid)
{
	struct ipcx_region_perm perm = { .mode = 0644, .flags = IPCX_PERM_MODE };

	if (geteuid() != 0)
		SKIP(return, "needs root to setresuid to 65534");
	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600, 0));
	EXPECT_EQ(EACCES, as_nobody(nobody_open_rw, self->name));
	EXPECT_EQ(EACCES, as_nobody(nobody_open_ro, self->name));
	EXPECT_EQ(EPERM, as_nobody(nobody_unlink, self->name));
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_SET_PERM, &perm));
	EXPECT_EQ(0, as_nobody(nobody_open_ro, self->name));
	EXPECT_EQ(EACCES, as_nobody(nobody_open_rw, self->name));
	EXPECT_EQ(EPERM, as_nobody(nobody_set_perm, self->name));
	/* give it away: the new owner may change and open regardless of mode */
	perm = (struct ipcx_region_perm){ .uid = 65534, .mode = 0,
					  .flags = IPCX_PERM_UID | IPCX_PERM_MODE };
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_SET_PERM, &perm));
	EXPECT_EQ(65534, rstat(self->fd).uid);
	EXPECT_EQ(0, rstat(self->fd).cuid);
	EXPECT_EQ(0, as_nobody(nobody_open_rw, self->name));
	EXPECT_EQ(0, as_nobody(nobody_set_perm, self->name));
	EXPECT_EQ(0666, rstat(self->fd).mode);
	EXPECT_EQ(0, as_nobody(nobody_unlink, self->name));
}

TEST_F(region, ipc_namespace_isolation)
{
	__u64 id;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root for unshare(CLONE_NEWIPC)");
	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600, 0));
	id = rstat(self->fd).id;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd;

		if (unshare(CLONE_NEWIPC))
			_exit(10);
		if (rg(self->name, 0, 0, 0, 0) != -ENOENT)
			_exit(11);
		if (unlink_name(self->name) != ENOENT)
			_exit(12);
		fd = rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600, 0);
		if (fd < 0 || rstat(fd).id == id)
			_exit(13);
		/* this namespace dies with the child: its region must not leak */
		_exit(0);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(id, rstat(self->fd).id);
	EXPECT_EQ(-EEXIST, rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600, 0));
}

FIXTURE(limits) {
	int fd;		/* an open /dev/ipcx */
};

FIXTURE_SETUP(limits)
{
	self->fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	if (write_param("max_regions", 4096))
		SKIP(return, "module parameters not writable (need root)");
}

FIXTURE_TEARDOWN(limits)
{
	write_param("max_regions", 4096);
	write_param("max_region_bytes", 1UL << 30);
	write_param("max_total_bytes", 4UL << 30);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(limits, max_region_bytes_efbig)
{
	ASSERT_EQ(0, write_param("max_region_bytes", 8 * PG));
	EXPECT_EQ(EFBIG, attach(self->fd, NULL, 8 * PG + 1, IPCX_OPEN_CREATE, 0600, 0));
	ASSERT_EQ(0, attach(self->fd, NULL, 8 * PG, IPCX_OPEN_CREATE, 0600, 0));
	EXPECT_EQ(EFBIG, xioctl(self->fd, IPCX_IOC_REGION_RESIZE,
				&(struct ipcx_region_resize){ .size = 9 * PG }));
}

TEST_F(limits, max_total_bytes_enospc)
{
	int a, b;

	/* other regions may exist: measure headroom by what is accepted */
	ASSERT_EQ(0, write_param("max_total_bytes", 64 * PG));
	a = rg(NULL, 32 * PG, IPCX_OPEN_CREATE, 0600, 0);
	if (a == -ENOSPC)
		SKIP(return, "other live regions use the budget");
	ASSERT_GE(a, 0);
	b = rg(NULL, 32 * PG + 1, IPCX_OPEN_CREATE, 0600, 0);
	EXPECT_EQ(-ENOSPC, b);
	EXPECT_EQ(ENOSPC, xioctl(a, IPCX_IOC_REGION_RESIZE,
				 &(struct ipcx_region_resize){ .size = 65 * PG }));
	close(a);
	/* freed bytes are uncharged */
	b = rg(NULL, 32 * PG + 1, IPCX_OPEN_CREATE, 0600, 0);
	EXPECT_GE(b, 0);
	close(b);
}

TEST_F(limits, max_regions_enospc)
{
	int fds[4], i, n = 0;

	for (i = 0; i < 4; i++)
		fds[i] = -1;
	/* count what exists now by filling up to a small limit */
	ASSERT_EQ(0, write_param("max_regions", 4));
	for (i = 0; i < 4; i++) {
		fds[i] = rg(NULL, PG, IPCX_OPEN_CREATE, 0600, 0);
		if (fds[i] < 0)
			break;
		n++;
	}
	EXPECT_EQ(-ENOSPC, i < 4 ? fds[i] : rg(NULL, PG, IPCX_OPEN_CREATE, 0600, 0));
	EXPECT_GE(n, 1);
	for (i = 0; i < n; i++)
		close(fds[i]);
	i = rg(NULL, PG, IPCX_OPEN_CREATE, 0600, 0);
	EXPECT_GE(i, 0);
	close(i);
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			sscanf(line + strlen(key), ": %ld", &v);
	if (f)
		fclose(f);
	return v;
}

static long slab_active(const char *cache)
{
	char line[512], name[64];
	long active, v = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &active) == 2 && !strcmp(name, cache))
			v = active;
	if (f)
		fclose(f);
	return v;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		write(fd, s, strlen(s));
		close(fd);
	}
}

/*
 * Let freed regions really go: drop caches, wait for deferred fput and RCU
 * frees, then shrink the inode cache, which also empties KASAN's quarantine
 * of it (a KASAN kernel keeps freed objects there, counted as active).
 */
static void settle(void)
{
	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	usleep(200 * 1000);
	write_file("/sys/kernel/slab/shmem_inode_cache/shrink", "1");
	usleep(200 * 1000);
}

TEST_F_TIMEOUT(region, cycles_10000_leave_no_growth, 300)
{
	long shmem0, inodes0, shmem1, inodes1;
	int i;

	if (slab_active("shmem_inode_cache") < 0)
		SKIP(return, "/proc/slabinfo not readable (need root)");
	settle();
	shmem0 = meminfo_kb("Shmem");
	inodes0 = slab_active("shmem_inode_cache");
	for (i = 0; i < 10000; i++) {
		int fd = rg(self->name, 2 * PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600, 0);
		char *p;

		ASSERT_GE(fd, 0) TH_LOG("cycle %d: %d", i, fd);
		p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		p[0] = p[PG] = (char)i;
		ASSERT_EQ(0, munmap(p, 2 * PG));
		ASSERT_EQ(0, unlink_name(self->name));
		ASSERT_EQ(0, close(fd));
	}
	settle();
	shmem1 = meminfo_kb("Shmem");
	inodes1 = slab_active("shmem_inode_cache");
	TH_LOG("Shmem %ld -> %ld kB, shmem_inode_cache %ld -> %ld", shmem0, shmem1,
	       inodes0, inodes1);
	/* 10 000 leaked regions would be 80 MB and 10 000 inodes; allow slab noise */
	EXPECT_LT(shmem1 - shmem0, 1024);
	EXPECT_LT(inodes1 - inodes0, 500);
}

/* Last: unloads and reloads the module. */
TEST_F(region, rmmod_refused_while_mapping_exists)
{
	struct stat st;
	void *p;

	if (geteuid() != 0)
		SKIP(return, "needs root to unload the module");
	ASSERT_EQ(0, attach(self->fd, NULL, PG, IPCX_OPEN_CREATE, 0600, 0));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "ipcx", O_NONBLOCK));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);
	EXPECT_EQ(0, stat("/sys/module/ipcx", &st));
	memset(p, 1, PG);
	munmap(p, PG);
	/* named leftovers of other tests would be destroyed by rmmod: fine */
	EXPECT_EQ(0, syscall(SYS_delete_module, "ipcx", O_NONBLOCK));
	EXPECT_EQ(0, system("modprobe ipcx"));
}

TEST_HARNESS_MAIN
