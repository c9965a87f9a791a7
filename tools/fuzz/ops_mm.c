// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: files, mappings, stores, polls (see main.c). */
#include "fuzz.h"

/*
 * Open /dev/ipcx; mostly attach it at once with valid arguments (a pool
 * name or anonymous) and declare a lock of each kind k at (k - 1) * 64, so
 * that the lock operations find something to work on.
 */
long op_dev_open(struct ctx *c)
{
	int flags = chance(&c->r, 85) ? O_RDWR : (chance(&c->r, 50) ? O_RDONLY : O_WRONLY);
	int fd = open(IPCX_DEVICE_PATH, flags | (chance(&c->r, 50) ? O_CLOEXEC : 0));
	struct ipcx_region_open ro = { 0 };
	struct ipcx_lock_op op;
	uint32_t kind;
	long ret;

	if (fd < 0)
		return -errno;
	if (chance(&c->r, 70)) {
		if (chance(&c->r, 70)) {
			snprintf(c->name, 512, "%s%u", prefix, (unsigned int)below(&c->r, NNAMES));
			ro.name = (uint64_t)(uintptr_t)c->name;
		}
		ro.size = (1 + below(&c->r, 4)) * PG;
		ro.flags = IPCX_OPEN_CREATE;
		ro.mode = 0600;
		ro.lifetime = below(&c->r, 3);
		ret = sysret(ioctl(fd, IPCX_IOC_REGION_OPEN, &ro));
		record(OP_REGION_OPEN, ret);
		if (!ret) {
			note_attached(c, fd);
			known_ids[below(&c->r, 8)] = ro.id;
			for (kind = IPCX_LOCK_MUTEX; kind <= IPCX_LOCK_RWLOCK; kind++) {
				if (chance(&c->r, 30))
					continue;
				memset(&op, 0, sizeof(op));
				op.offset = (kind - 1) * 64;
				op.kind = kind;
				op.value = kind == IPCX_LOCK_SEM ? below(&c->r, 3) : 0;
				record(OP_DECLARE, sysret(ioctl(fd, IPCX_IOC_LOCK_DECLARE, &op)));
			}
		}
	}
	slot_put(c, fd);
	return 0;
}

long op_close(struct ctx *c)
{
	int fd = __atomic_exchange_n(&slots[below(&c->r, NSLOTS)], -1, __ATOMIC_RELAXED);

	return fd < 0 ? -EBADF : sysret(close(fd));
}

long op_dup(struct ctx *c)
{
	int fd = slot_fd(c);

	fd = fd < 0 ? -1 : dup(fd);
	if (fd < 0)
		return -errno;
	slot_put(c, fd);
	return 0;
}

static void map_put(struct ctx *c, void *addr, size_t len)
{
	int i;

	pthread_rwlock_wrlock(&maps_lock);
	for (i = 0; i < NMAPS; i++) {
		if (!maps[i].addr) {
			maps[i].addr = addr;
			maps[i].len = len;
			break;
		}
	}
	pthread_rwlock_unlock(&maps_lock);
	if (i == NMAPS)
		munmap(addr, len);
	(void)c;
}

long op_mmap(struct ctx *c, int fd)
{
	static const uint64_t lens[] = { 0, 1, PG, 2 * PG, 3 * PG - 1, 16 * PG,
					 1ULL << 30, 1ULL << 40, -PG };
	static const uint64_t offs[] = { 0, 0, 0, PG, 2 * PG, 1, PG + 1,
					 1ULL << 32, -PG };
	struct rng *r = &c->r;
	uint64_t len = chance(r, 60) ? (1 + below(r, 4)) * PG : lens[below(r, 9)];
	uint64_t off = offs[below(r, 9)];
	int prot = chance(r, 70) ? PROT_READ | PROT_WRITE : (int)below(r, 8);
	int flags = chance(r, 85) ? MAP_SHARED : (chance(r, 50) ? MAP_PRIVATE :
						  MAP_SHARED_VALIDATE | 0x800000);
	void *p;

	/* populating 1 GiB of shmem would only test the VM's memory */
	if (len <= TOUCH_PAGES * PG && chance(r, 20))
		flags |= MAP_POPULATE;
	p = mmap(NULL, len, prot, flags, fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	map_put(c, p, len);
	return 0;
}

/* Take a mapping out of the table (the caller unmaps or moves it). */
static int map_take(struct ctx *c, void **addr, size_t *len)
{
	int i = below(&c->r, NMAPS);

	pthread_rwlock_wrlock(&maps_lock);
	*addr = maps[i].addr;
	*len = maps[i].len;
	maps[i].addr = NULL;
	pthread_rwlock_unlock(&maps_lock);
	return *addr ? 0 : -ENOENT;
}

long op_munmap(struct ctx *c)
{
	void *addr;
	size_t len, part;

	if (map_take(c, &addr, &len))
		return -ENOENT;
	if (len > PG && chance(&c->r, 40)) {	/* unmap a middle page first */
		part = PG * (1 + below(&c->r, len / PG - 1));
		if (part < len)
			munmap((char *)addr + part, PG);
	}
	return sysret(munmap(addr, len));
}

long op_mremap(struct ctx *c)
{
	void *addr, *p;
	size_t len, nlen;
	int flags = chance(&c->r, 50) ? MREMAP_MAYMOVE : 0;

	if (map_take(c, &addr, &len))
		return -ENOENT;
	nlen = chance(&c->r, 50) ? len + PG : (len > PG ? len - PG : len);
	if (chance(&c->r, 20))
		nlen = len;
	p = mremap(addr, len, nlen, flags);
	if (p == MAP_FAILED) {
		long err = -errno;

		map_put(c, addr, len);
		return err;
	}
	map_put(c, p, nlen);
	return 0;
}

long op_mprotect(struct ctx *c)
{
	long ret = -ENOENT;
	int i = below(&c->r, NMAPS);

	pthread_rwlock_rdlock(&maps_lock);
	if (maps[i].addr)
		ret = sysret(mprotect(maps[i].addr, PG, (int)below(&c->r, 8)));
	pthread_rwlock_unlock(&maps_lock);
	return ret;
}

/*
 * Stores and loads in a mapping (under the read lock, so the range is ours):
 * lock words get random values too. SIGBUS (shrunk region) and SIGSEGV
 * (mprotect'ed) are expected.
 */
long op_touch(struct ctx *c)
{
	volatile uint32_t *w;
	long ret = -ENOENT;
	size_t len, off;
	int i = below(&c->r, NMAPS), n, sig;

	pthread_rwlock_rdlock(&maps_lock);
	if (!maps[i].addr)
		goto out;
	len = maps[i].len < TOUCH_PAGES * PG ? maps[i].len : TOUCH_PAGES * PG;
	in_touch = 1;
	sig = sigsetjmp(touch_jmp, 1);
	if (sig) {
		in_touch = 0;
		__atomic_add_fetch(&stats->signals[OP_TOUCH], 1, __ATOMIC_RELAXED);
		ret = sig == SIGBUS ? -EFAULT : -EACCES;
		goto out;
	}
	for (n = 0; n < 4 && len >= 4; n++) {
		off = chance(&c->r, 60) ? below(&c->r, 8) * 64 : below(&c->r, len) & ~3UL;
		w = (volatile uint32_t *)((char *)maps[i].addr + off);
		if (chance(&c->r, 50))
			(void)*w;
		else
			*w = chance(&c->r, 50) ? (uint32_t)rnd(&c->r) :
			     (uint32_t)below(&c->r, 4) << 30 | (uint32_t)below(&c->r, 3);
	}
	in_touch = 0;
	ret = 0;
out:
	pthread_rwlock_unlock(&maps_lock);
	return ret;
}

long op_poll(struct ctx *c, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	uint64_t v;
	long ret;

	if (chance(&c->r, 50))
		return sysret(read(fd, &v, chance(&c->r, 80) ? sizeof(v) : 4));
	arm(c);
	ret = sysret(poll(&pfd, 1, (int)below(&c->r, 3)));
	disarm(c);
	return ret;
}
