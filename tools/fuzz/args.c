// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: names and argument pointers (see main.c). */
#include "fuzz.h"

/*
 * A name pointer: mostly the pool (prefix + digit), sometimes long, empty,
 * with '/', unterminated before the guard page, or a bad pointer. Every
 * valid name starts with the prefix, so the fuzzer never touches other
 * programs' regions and can clean up after itself.
 */
uint64_t rname(struct ctx *c)
{
	struct rng *r = &c->r;
	size_t len, plen = strlen(prefix);
	char *end = c->nm + PG;

	switch (below(r, 16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return (uint64_t)-1;
	case 3:
		return 0xffffffff81000000ULL;	/* a kernel address */
	case 4:		/* unterminated, running into the guard page */
		len = below(r, 300);
		memset(end - len, 'a' + below(r, 26), len);
		if (len >= plen)
			memcpy(end - len, prefix, plen);
		return (uint64_t)(uintptr_t)(end - len);
	case 5:		/* long: 200..300 bytes, around IPCX_NAME_MAX */
		len = plen + 200 + below(r, 100);
		memcpy(c->name, prefix, plen);
		memset(c->name + plen, 'L', len - plen);
		c->name[len] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	case 6:
		c->name[0] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	case 7:
		snprintf(c->name, 512, "%s%u/x", prefix, (unsigned int)below(r, NNAMES));
		return (uint64_t)(uintptr_t)c->name;
	case 8:		/* exactly IPCX_NAME_MAX or one more */
		len = IPCX_NAME_MAX + below(r, 2);
		memcpy(c->name, prefix, plen);
		memset(c->name + plen, 'M', len - plen);
		c->name[len] = '\0';
		return (uint64_t)(uintptr_t)c->name;
	default:
		snprintf(c->name, 512, "%s%u", prefix, (unsigned int)below(r, NNAMES));
		return (uint64_t)(uintptr_t)c->name;
	}
}

/*
 * The structure inside one of our ipcx mappings: the kernel's copies then
 * fault through ipcx's own vm_ops (SIGBUS territory after a shrink gives
 * EFAULT). Returns with maps_lock read-held (do_ioctl() drops it), or 0.
 */
static unsigned long arg_in_map(struct ctx *c, const void *src, size_t size)
{
	int i = below(&c->r, NMAPS);
	size_t len, off;
	char *p;

	pthread_rwlock_rdlock(&maps_lock);
	len = maps[i].len < TOUCH_PAGES * PG ? maps[i].len : TOUCH_PAGES * PG;
	if (!maps[i].addr || len < size) {
		pthread_rwlock_unlock(&maps_lock);
		return 0;
	}
	off = below(&c->r, len - size + 1) & ~7UL;
	p = (char *)maps[i].addr + off;
	in_touch = 1;
	if (!sigsetjmp(touch_jmp, 1))
		memcpy(p, src, size);	/* may fault: read-only, shrunk */
	in_touch = 0;
	return (unsigned long)p;
}

/*
 * Where an ioctl structure of @size bytes goes: a normal buffer, the end of
 * the argument pages (its tail in the guard page when @size is larger than
 * what was filled), the read-only page, one of our ipcx mappings, NULL or a
 * kernel address. @src (kernel-struct bytes, @ksize) is copied there.
 * *@in_map tells that maps_lock is read-held.
 */
static unsigned long rarg(struct ctx *c, const void *src, size_t ksize,
			  size_t usize, int *in_map)
{
	char *end = c->arg + ARG_PAGES * PG;
	unsigned long a;
	char *p;

	*in_map = 0;
	switch (below(&c->r, 40)) {
	case 0:
		return 0;
	case 1:
		return 0xffff888000000000UL;
	case 2:		/* straddles the guard page */
		p = end - ksize / 2;
		memcpy(p, src, ksize / 2);
		return (unsigned long)p;
	case 3:		/* read-only: inputs work, outputs fault */
		return (unsigned long)c->ro;
	case 4:
	case 5:
		a = arg_in_map(c, src, ksize);
		if (a) {
			*in_map = 1;
			return a;
		}
		__attribute__((fallthrough));
	default:	/* the structure, then zeroes or garbage up to usize */
		p = end - (usize > ksize ? usize : ksize) - 8 * below(&c->r, 2);
		memset(p, 0, usize > ksize ? usize : ksize);
		memcpy(p, src, ksize);
		if (usize > ksize && chance(&c->r, 30))
			p[ksize + below(&c->r, usize - ksize)] = (char)(1 + below(&c->r, 255));
		return (unsigned long)p;
	}
}

/* The ioctl number for @cmd with a varied size (and rarely direction). */
static unsigned long fz_cmd(struct ctx *c, unsigned long cmd, size_t *usize)
{
	size_t size = _IOC_SIZE(cmd);

	switch (below(&c->r, 24)) {
	case 0:
		size = size > 8 ? size - 8 : 0;
		break;
	case 1:
		size += 8;
		break;
	case 2:
		size = below(&c->r, 2 * PG);
		break;
	case 3:
		size = 0;
		break;
	case 4:
		*usize = size;
		return (cmd & ~(_IOC_DIRMASK << _IOC_DIRSHIFT)) |
		       ((unsigned long)below(&c->r, 4) << _IOC_DIRSHIFT);
	default:
		break;
	}
	*usize = size;
	return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
	       ((unsigned long)size << _IOC_SIZESHIFT);
}

long do_ioctl(struct ctx *c, int fd, unsigned long cmd, const void *st,
	      size_t ksize, int blocking)
{
	size_t usize;
	unsigned long ucmd = fz_cmd(c, cmd, &usize);
	int in_map;
	unsigned long arg = rarg(c, st, ksize, usize, &in_map);
	long ret;

	if (blocking)
		arm(c);
	ret = sysret(ioctl(fd, ucmd, arg));
	if (blocking)
		disarm(c);
	if (in_map)
		pthread_rwlock_unlock(&maps_lock);
	return ret;
}
