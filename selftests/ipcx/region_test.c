// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: create/open/unlink, mmap rules, seals, stat, bad inputs and the
 * structures' layout; lifetimes, permissions, namespaces, limits, rmmod
 * pinning and the leak check are in region_life_test.c. Needs the module
 * loaded and root (for setresuid, unshare); tests that need more SKIP with
 * the reason.
 */
#include "region_helpers.h"

/* the bad-input table names only the fields each case sets */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The ABI layout has no holes: each field follows the previous one. */
_Static_assert(sizeof(struct ipcx_region_open) == IPCX_REGION_OPEN_SIZE_VER0, "open size");
_Static_assert(offsetof(struct ipcx_region_open, id) == 32, "open.id");
_Static_assert(sizeof(struct ipcx_region_unlink) == IPCX_REGION_UNLINK_SIZE_VER0, "unlink");
_Static_assert(sizeof(struct ipcx_region_stat) == IPCX_REGION_STAT_SIZE_VER0, "stat size");
_Static_assert(offsetof(struct ipcx_region_stat, name) == 104, "stat.name");
_Static_assert(offsetof(struct ipcx_region_stat, page_size) == 72, "stat.page_size");
_Static_assert(offsetof(struct ipcx_region_stat, __reserved) == 96, "stat.__reserved");
_Static_assert(sizeof(struct ipcx_region_perm) == IPCX_REGION_PERM_SIZE_VER0, "perm");
_Static_assert(sizeof(struct ipcx_region_seal) == IPCX_REGION_SEAL_SIZE_VER0, "seal");
_Static_assert(sizeof(struct ipcx_region_resize) == IPCX_REGION_RESIZE_SIZE_VER0, "resize");

/*
 * Helper mode for the "two unrelated processes" test: the test fork+execs
 * this very binary twice with IPCX_RT_HELPER set; each run does one side
 * and exits with 0 on success.
 */
__attribute__((constructor)) static void helper_main(void)
{
	const char *role = getenv("IPCX_RT_HELPER"), *name = getenv("IPCX_RT_NAME");
	char *p;
	int fd;

	if (!role || !name)
		return;
	if (!strcmp(role, "writer")) {
		fd = ipcx_region_create(name, 2 * PG, 0600, IPCX_LIFETIME_PERSISTENT,
					IPCX_OPEN_EXCL);
		if (fd < 0 || ipcx_region_map(fd, 0, PROT_READ | PROT_WRITE, (void **)&p))
			_exit(1);
		strcpy(p + PG, "hello from an unrelated process");
		_exit(0);
	}
	fd = ipcx_region_open(name, IPCX_OPEN_RDONLY);
	if (fd < 0 || ipcx_region_map(fd, 0, PROT_READ, (void **)&p))
		_exit(2);
	_exit(strcmp(p + PG, "hello from an unrelated process") ? 3 : 0);
}

TEST_F(region, feature_bit)
{
	struct ipcx_version ver = { 0 };

	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_VERSION, &ver));
	EXPECT_TRUE(ver.features & IPCX_FEAT_REGIONS);
	EXPECT_GE(ver.abi_minor, 1);
}

TEST_F(region, create_open_excl_enoent_ebusy)
{
	struct ipcx_region_open req = {
		.name = (uintptr_t)self->name, .size = 3 * PG + 5,
		.flags = IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, .mode = 0600,
	};
	int fd2;

	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_OPEN, &req));
	EXPECT_EQ(3 * PG + 5, req.size);
	EXPECT_NE(0, req.id);
	/* attaching the same file again */
	EXPECT_EQ(EBUSY, attach(self->fd, self->name, 0, 0, 0, 0));
	EXPECT_EQ(-EEXIST, rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600, 0));
	/* create-if-missing finds the same region */
	fd2 = rg(self->name, PG, IPCX_OPEN_CREATE, 0600, 0);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(req.id, rstat(fd2).id);
	EXPECT_EQ(2, rstat(fd2).nattach);
	/* asking for more than there is */
	EXPECT_EQ(-EINVAL, rg(self->name, 4 * PG, 0, 0, 0));
	close(fd2);
}

TEST_F(region, anonymous_shared_by_fork)
{
	volatile char *p;
	pid_t pid;

	ASSERT_EQ(0, attach(self->fd, NULL, PG, IPCX_OPEN_CREATE, 0600, 0));
	EXPECT_EQ(0, rstat(self->fd).flags & IPCX_STAT_LINKED);
	EXPECT_EQ(0, rstat(self->fd).name[0]);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		p[10] = 42;
		_exit(0);
	}
	ASSERT_EQ(0, reap(pid));
	EXPECT_EQ(42, p[10]);
	munmap((void *)p, PG);
}

TEST_F(region, two_unrelated_processes_exchange_data)
{
	char *const argv[] = { "/proc/self/exe", NULL };
	const char *roles[] = { "writer", "reader" };
	int i;

	setenv("IPCX_RT_NAME", self->name, 1);
	for (i = 0; i < 2; i++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			setenv("IPCX_RT_HELPER", roles[i], 1);
			execv("/proc/self/exe", argv);
			_exit(99);
		}
		/* the writer is gone before the reader starts: persistence too */
		EXPECT_EQ(0, reap(pid)) {
			TH_LOG("%s helper failed", roles[i]);
		}
	}
	EXPECT_EQ(0, unlink_name(self->name));
}

TEST_F(region, exclusive_create_race_8_processes)
{
	int i, won = 0, lost = 0;
	pid_t pids[8];

	for (i = 0; i < 8; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			int fd = rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL,
				    0600, IPCX_LIFETIME_PERSISTENT);

			_exit(fd >= 0 ? 0 : fd == -EEXIST ? 1 : 2);
		}
	}
	for (i = 0; i < 8; i++) {
		int rc = reap(pids[i]);

		won += rc == 0;
		lost += rc == 1;
	}
	EXPECT_EQ(1, won);
	EXPECT_EQ(7, lost);
}

TEST_F(region, unlink_while_mapped_keeps_users_and_frees_name)
{
	struct ipcx_region_stat st;
	char *p;
	int fd2;

	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600, 0));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "before");
	ASSERT_EQ(0, unlink_name(self->name));
	EXPECT_EQ(ENOENT, unlink_name(self->name));
	EXPECT_EQ(-ENOENT, rg(self->name, 0, 0, 0, 0));
	st = rstat(self->fd);
	EXPECT_EQ(0, st.flags & IPCX_STAT_LINKED);
	EXPECT_EQ(1, st.nmaps);
	EXPECT_STREQ("before", p);
	strcpy(p, "after");
	EXPECT_STREQ("after", p);
	/* a new region of that name is another region */
	fd2 = rg(self->name, PG, IPCX_OPEN_CREATE | IPCX_OPEN_EXCL, 0600, 0);
	ASSERT_GE(fd2, 0);
	EXPECT_NE(st.id, rstat(fd2).id);
	close(fd2);
	munmap(p, PG);
}

TEST_F(region, close_fd_keeps_mapping)
{
	char *p;
	int fd2;

	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0600, 0));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(self->fd);
	self->fd = -1;
	strcpy(p, "still here");
	fd2 = rg(self->name, 0, IPCX_OPEN_RDONLY, 0, 0);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(1, rstat(fd2).nmaps);
	EXPECT_EQ(2, rstat(fd2).nattach);	/* the closed fd's file lives on */
	munmap(p, PG);
	EXPECT_EQ(0, rstat(fd2).nmaps);
	close(fd2);
}

/* Table of ioctl arguments that must fail, with their documented errno. */
struct bad_case {
	const char *what;
	unsigned long cmd;
	int attached;		/* run on an attached fd */
	int want;		/* errno */
	union {
		struct ipcx_region_open open;
		struct ipcx_region_unlink unlink;
		struct ipcx_region_perm perm;
		struct ipcx_region_seal seal;
		struct ipcx_region_resize resize;
		char raw[512];
	} arg;
	int badptr;		/* pass a bad pointer instead of &arg */
};

static char longname[IPCX_NAME_MAX + 2], maxname[IPCX_NAME_MAX + 1];

#define N(s) ((uintptr_t)(s))
#define C IPCX_OPEN_CREATE
static const struct bad_case bad_cases[] = {
	{ "open: bad struct pointer", IPCX_IOC_REGION_OPEN, 0, EFAULT, .badptr = 1 },
	{ "open: bad name pointer", IPCX_IOC_REGION_OPEN, 0, EFAULT,
	  { .open = { .name = 8, .size = PG, .flags = C } } },
	{ "open: unknown flag", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .size = PG, .flags = C | (1u << 9) } } },
	{ "open: EXCL without CREATE", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .flags = IPCX_OPEN_EXCL } } },
	{ "open: __pad", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .size = PG, .flags = C, .__pad = 1 } } },
	{ "open: __reserved", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .size = PG, .flags = C, .__reserved = { 0, 1 } } } },
	{ "open: mode 01000", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .size = PG, .flags = C, .mode = 01000 } } },
	{ "open: lifetime 3", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("x"), .size = PG, .flags = C, .lifetime = 3 } } },
	{ "open: NULL name without CREATE", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = 0 } } },
	{ "open: empty name", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N(""), .size = PG, .flags = C } } },
	{ "open: name with /", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("a/b"), .size = PG, .flags = C } } },
	{ "open: name of 256", IPCX_IOC_REGION_OPEN, 0, ENAMETOOLONG,
	  { .open = { .name = N(longname), .size = PG, .flags = C } } },
	{ "open: name of 255 is fine (ENOENT)", IPCX_IOC_REGION_OPEN, 0, ENOENT,
	  { .open = { .name = N(maxname) } } },
	{ "open: size 0", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .name = N("rt-size0"), .size = 0, .flags = C } } },
	{ "open: anonymous size 0", IPCX_IOC_REGION_OPEN, 0, EINVAL,
	  { .open = { .size = 0, .flags = C } } },
	{ "open: size over limit", IPCX_IOC_REGION_OPEN, 0, EFBIG,
	  { .open = { .name = N("rt-big"), .size = 1ULL << 40, .flags = C } } },
	{ "open: size near overflow", IPCX_IOC_REGION_OPEN, 0, EFBIG,
	  { .open = { .size = 0xfffffffffffff000ULL, .flags = C } } },
	{ "open: size ~0", IPCX_IOC_REGION_OPEN, 0, EFBIG,
	  { .open = { .size = ~0ULL, .flags = C } } },
	{ "open: on an attached file", IPCX_IOC_REGION_OPEN, 1, EBUSY,
	  { .open = { .size = PG, .flags = C } } },
	{ "unlink: bad struct pointer", IPCX_IOC_REGION_UNLINK, 0, EFAULT, .badptr = 1 },
	{ "unlink: bad name pointer", IPCX_IOC_REGION_UNLINK, 0, EFAULT,
	  { .unlink = { .name = 8 } } },
	{ "unlink: NULL name", IPCX_IOC_REGION_UNLINK, 0, EINVAL, { .unlink = { .name = 0 } } },
	{ "unlink: unknown flag", IPCX_IOC_REGION_UNLINK, 0, EINVAL,
	  { .unlink = { .name = N("x"), .flags = 2 } } },
	{ "unlink: all flags", IPCX_IOC_REGION_UNLINK, 0, EINVAL,
	  { .unlink = { .name = N("x"), .flags = ~0u } } },
	{ "unlink: __pad", IPCX_IOC_REGION_UNLINK, 0, EINVAL,
	  { .unlink = { .name = N("x"), .__pad = 1 } } },
	{ "unlink: __reserved", IPCX_IOC_REGION_UNLINK, 0, EINVAL,
	  { .unlink = { .name = N("x"), .__reserved = { 1 } } } },
	{ "unlink: empty", IPCX_IOC_REGION_UNLINK, 0, EINVAL, { .unlink = { .name = N("") } } },
	{ "unlink: slash", IPCX_IOC_REGION_UNLINK, 0, EINVAL, { .unlink = { .name = N("/") } } },
	{ "unlink: 256", IPCX_IOC_REGION_UNLINK, 0, ENAMETOOLONG,
	  { .unlink = { .name = N(longname) } } },
	{ "unlink: missing", IPCX_IOC_REGION_UNLINK, 0, ENOENT,
	  { .unlink = { .name = N("rt-no-such-name") } } },
	{ "stat: unattached", IPCX_IOC_REGION_STAT, 0, ENXIO },
	{ "stat: bad pointer", IPCX_IOC_REGION_STAT, 1, EFAULT, .badptr = 1 },
	{ "set_perm: bad pointer", IPCX_IOC_REGION_SET_PERM, 1, EFAULT, .badptr = 1 },
	{ "set_perm: no flags", IPCX_IOC_REGION_SET_PERM, 1, EINVAL, { .perm = { .flags = 0 } } },
	{ "set_perm: unknown flag", IPCX_IOC_REGION_SET_PERM, 1, EINVAL,
	  { .perm = { .flags = 1u << 8 } } },
	{ "set_perm: mode 04000", IPCX_IOC_REGION_SET_PERM, 1, EINVAL,
	  { .perm = { .flags = IPCX_PERM_MODE, .mode = 04000 } } },
	{ "set_perm: uid -1", IPCX_IOC_REGION_SET_PERM, 1, EINVAL,
	  { .perm = { .flags = IPCX_PERM_UID, .uid = ~0u } } },
	{ "set_perm: __reserved", IPCX_IOC_REGION_SET_PERM, 1, EINVAL,
	  { .perm = { .flags = IPCX_PERM_MODE, .__reserved = { 0, 1 } } } },
	{ "set_perm: unattached", IPCX_IOC_REGION_SET_PERM, 0, ENXIO,
	  { .perm = { .flags = IPCX_PERM_MODE } } },
	{ "seal: bad pointer", IPCX_IOC_REGION_SEAL, 1, EFAULT, .badptr = 1 },
	{ "seal: unknown seal", IPCX_IOC_REGION_SEAL, 1, EINVAL, { .seal = { .seals = 1u << 5 } } },
	{ "seal: __pad", IPCX_IOC_REGION_SEAL, 1, EINVAL, { .seal = { .__pad = 1 } } },
	{ "seal: __reserved", IPCX_IOC_REGION_SEAL, 1, EINVAL, { .seal = { .__reserved = 1 } } },
	{ "seal: unattached", IPCX_IOC_REGION_SEAL, 0, ENXIO, { .seal = { .seals = 1 } } },
	{ "resize: bad pointer", IPCX_IOC_REGION_RESIZE, 1, EFAULT, .badptr = 1 },
	{ "resize: size 0", IPCX_IOC_REGION_RESIZE, 1, EINVAL, { .resize = { .size = 0 } } },
	{ "resize: __reserved", IPCX_IOC_REGION_RESIZE, 1, EINVAL,
	  { .resize = { .size = PG, .__reserved = 1 } } },
	{ "resize: near overflow", IPCX_IOC_REGION_RESIZE, 1, EFBIG,
	  { .resize = { .size = 0xfffffffffffff000ULL } } },
	{ "resize: unattached", IPCX_IOC_REGION_RESIZE, 0, ENXIO, { .resize = { .size = PG } } },
};

TEST_F(region, bad_inputs_give_documented_errno)
{
	int attached = rg(NULL, PG, IPCX_OPEN_CREATE, 0600, 0);
	size_t i;

	memset(longname, 'l', sizeof(longname) - 1);
	memset(maxname, 'm', sizeof(maxname) - 1);
	ASSERT_GE(attached, 0);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct bad_case copy = *c;
		void *arg = c->badptr ? (void *)8 : &copy.arg;

		EXPECT_EQ(c->want, xioctl(c->attached ? attached : self->fd, c->cmd, arg)) {
			TH_LOG("case '%s'", c->what);
		}
	}
	/* nothing above attached the unattached file */
	EXPECT_EQ(ENXIO, xioctl(self->fd, IPCX_IOC_REGION_STAT, &(struct ipcx_region_stat){}));
	close(attached);
}

/* A struct larger than the kernel's, with a non-zero tail: E2BIG. */
TEST_F(region, larger_struct_nonzero_tail_e2big)
{
	unsigned char buf[sizeof(struct ipcx_region_open) + 8] = { 0 };
	struct ipcx_region_open *req = (void *)buf;
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, IPCX_IOC_MAGIC,
				 _IOC_NR(IPCX_IOC_REGION_OPEN), sizeof(buf));

	req->size = PG;
	req->flags = IPCX_OPEN_CREATE;
	buf[sizeof(buf) - 1] = 1;
	EXPECT_EQ(E2BIG, xioctl(self->fd, cmd, buf));
	buf[sizeof(buf) - 1] = 0;
	EXPECT_EQ(0, xioctl(self->fd, cmd, buf));
	EXPECT_EQ(PG, req->size);
}

TEST_F(region, mmap_rules)
{
	void *p;

	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0));
	EXPECT_EQ(ENXIO, errno);	/* not attached */
	ASSERT_EQ(0, attach(self->fd, NULL, 2 * PG + 1, IPCX_OPEN_CREATE, 0600, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_PRIVATE, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 3 * PG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, self->fd, 2 * PG));
	EXPECT_EQ(EINVAL, errno);
	/* pgoff whose << PAGE_SHIFT would overflow */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd,
				   (off_t)0x7ffffffffffff000LL));
	/* the page holding the last byte is mappable */
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 2 * PG);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, PG);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* mremap growth is refused (VM_DONTEXPAND) */
	EXPECT_EQ(MAP_FAILED, mremap(p, 3 * PG, 4 * PG, MREMAP_MAYMOVE));
	/* shrinking and moving are fine */
	p = mremap(p, 3 * PG, 2 * PG, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, rstat(self->fd).nmaps);
	munmap(p, 2 * PG);
	EXPECT_EQ(0, rstat(self->fd).nmaps);
}

TEST_F(region, readonly_attach_cannot_write)
{
	char *p;
	int fd;

	ASSERT_EQ(0, attach(self->fd, self->name, PG, IPCX_OPEN_CREATE, 0644, 0));
	fd = rg(self->name, 0, IPCX_OPEN_RDONLY, 0, 0);
	ASSERT_GE(fd, 0);
	EXPECT_TRUE(rstat(fd).flags & IPCX_STAT_RDONLY);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(EPERM, xioctl(fd, IPCX_IOC_REGION_SEAL, &(struct ipcx_region_seal){ .seals = 1 }));
	EXPECT_EQ(EPERM, xioctl(fd, IPCX_IOC_REGION_RESIZE,
				&(struct ipcx_region_resize){ .size = 2 * PG }));
	munmap(p, PG);
	close(fd);
}

TEST_F(region, sigbus_past_end_after_shrink)
{
	volatile char *p;
	pid_t pid;

	ASSERT_EQ(0, attach(self->fd, NULL, 4 * PG, IPCX_OPEN_CREATE, 0600, 0));
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[3 * PG] = 7;
	p[PG + 5] = 9;
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_RESIZE,
			    &(struct ipcx_region_resize){ .size = PG + 10 }));
	EXPECT_EQ(PG + 10, rstat(self->fd).size);
	EXPECT_EQ(9, p[PG + 5]);	/* inside: kept */
	EXPECT_EQ(0, p[PG + 100]);	/* tail of the last page: zeroed */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		(void)p[3 * PG];
		_exit(0);
	}
	EXPECT_EQ(128 + SIGBUS, reap(pid));
	/* growing back gives zeroes, not the old data */
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_RESIZE,
			    &(struct ipcx_region_resize){ .size = 4 * PG }));
	EXPECT_EQ(0, p[3 * PG]);
	munmap((void *)p, 4 * PG);
}

TEST_F(region, seals)
{
	struct ipcx_region_seal s = { .seals = IPCX_SEAL_WRITE };
	char *p;

	ASSERT_EQ(0, attach(self->fd, self->name, 2 * PG, IPCX_OPEN_CREATE, 0600, 0));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0);	/* may write later */
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(EBUSY, xioctl(self->fd, IPCX_IOC_REGION_SEAL, &s));
	munmap(p, PG);
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_SEAL, &s));
	EXPECT_EQ(IPCX_SEAL_WRITE, rstat(self->fd).seals);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-EPERM, rg(self->name, 0, 0, 0, 0));		/* no new writer */
	EXPECT_LE(0, close(rg(self->name, 0, IPCX_OPEN_RDONLY, 0, 0)));
	s.seals = IPCX_SEAL_RESIZE | IPCX_SEAL_SEAL;
	ASSERT_EQ(0, xioctl(self->fd, IPCX_IOC_REGION_SEAL, &s));
	EXPECT_EQ(EPERM, xioctl(self->fd, IPCX_IOC_REGION_RESIZE,
				&(struct ipcx_region_resize){ .size = PG }));
	s.seals = IPCX_SEAL_WRITE;
	EXPECT_EQ(EPERM, xioctl(self->fd, IPCX_IOC_REGION_SEAL, &s));
	EXPECT_EQ(IPCX_SEALS, rstat(self->fd).seals);
	munmap(p, PG);
}

TEST_F(region, stat_fields)
{
	struct timespec now;
	struct ipcx_region_stat st;
	void *p;

	ASSERT_EQ(0, attach(self->fd, self->name, 5000, IPCX_OPEN_CREATE, 0640,
			    IPCX_LIFETIME_AUTO_REMOVE));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	clock_gettime(CLOCK_REALTIME, &now);
	st = rstat(self->fd);
	EXPECT_NE(0, st.id);
	EXPECT_EQ(5000, st.size);
	EXPECT_EQ(geteuid(), st.uid);
	EXPECT_EQ(getegid(), st.gid);
	EXPECT_EQ(geteuid(), st.cuid);
	EXPECT_EQ(getegid(), st.cgid);
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(IPCX_LIFETIME_AUTO_REMOVE, st.lifetime);
	EXPECT_EQ(0, st.seals);
	EXPECT_EQ(getpid(), st.cpid);
	EXPECT_EQ(1, st.nattach);
	EXPECT_EQ(1, st.nmaps);
	EXPECT_EQ(IPCX_STAT_LINKED, st.flags);
	EXPECT_EQ(0, st.__pad);
	EXPECT_EQ(PG, st.page_size);
	EXPECT_EQ(0, st.resident);	/* mapped, never touched */
	EXPECT_EQ(0, st.swapped);
	EXPECT_EQ(0, st.__reserved[0]);
	EXPECT_STREQ(self->name, st.name);
	EXPECT_LE(st.ctime_ns, now.tv_sec * 1000000000ULL + now.tv_nsec);
	EXPECT_GT(st.ctime_ns + 60 * 1000000000ULL, now.tv_sec * 1000000000ULL);
	munmap(p, PG);
}

TEST_HARNESS_MAIN
