// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: region and lock ioctls (see main.c). */
#include "fuzz.h"

long op_region_open(struct ctx *c, int fd)
{
	struct ipcx_region_open ro = { 0 };
	struct rng *r = &c->r;
	long ret;

	ro.name = chance(r, 15) ? 0 : rname(c);
	ro.size = chance(r, 40) ? (1 + below(r, 4)) * PG : rsize(r);
	ro.flags = rflags(r, IPCX_OPEN_FLAGS);
	if (chance(r, 50))
		ro.flags = IPCX_OPEN_CREATE | (chance(r, 30) ? IPCX_OPEN_EXCL : 0);
	ro.mode = chance(r, 80) ? 0600 : rflags(r, 0777);
	ro.lifetime = chance(r, 85) ? below(r, 3) : rflags(r, 3);
	if (chance(r, 5))
		ro.__pad = 1;
	if (chance(r, 5))
		ro.__reserved[below(r, 2)] = rnd(r);
	if (chance(r, 5))
		ro.id = rnd(r);
	ret = do_ioctl(c, fd, IPCX_IOC_REGION_OPEN, &ro, sizeof(ro), 0);
	if (!ret)
		note_attached(c, fd);
	if (!ret && ro.id)
		known_ids[below(r, 8)] = ro.id;
	return ret;
}

long op_unlink(struct ctx *c, int fd)
{
	struct ipcx_region_unlink ul = { 0 };

	ul.name = rname(c);
	ul.flags = chance(&c->r, 60) ? (uint32_t)below(&c->r, 2) : rflags(&c->r, 1);
	if (chance(&c->r, 5))
		ul.__pad = 1;
	if (chance(&c->r, 5))
		ul.__reserved[1] = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_UNLINK, &ul, sizeof(ul), 0);
}

long op_set_perm(struct ctx *c, int fd)
{
	struct ipcx_region_perm p = { 0 };

	p.uid = chance(&c->r, 70) ? getuid() : (uint32_t)rnd(&c->r);
	p.gid = chance(&c->r, 70) ? getgid() : (uint32_t)rnd(&c->r);
	p.mode = chance(&c->r, 70) ? 0600 | (uint32_t)below(&c->r, 0100) : rflags(&c->r, 0777);
	p.flags = rflags(&c->r, IPCX_PERM_FLAGS);
	if (chance(&c->r, 5))
		p.__reserved[0] = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_SET_PERM, &p, sizeof(p), 0);
}

long op_seal(struct ctx *c, int fd)
{
	struct ipcx_region_seal s = { 0 };

	/* sealing everything would make the rest of the run dull */
	s.seals = chance(&c->r, 70) ? IPCX_SEAL_RESIZE : rflags(&c->r, IPCX_SEALS);
	if (chance(&c->r, 5))
		s.__reserved = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_SEAL, &s, sizeof(s), 0);
}

long op_resize(struct ctx *c, int fd)
{
	struct ipcx_region_resize rs = { 0 };

	rs.size = chance(&c->r, 50) ? (1 + below(&c->r, 8)) * PG - below(&c->r, 2) : rsize(&c->r);
	if (chance(&c->r, 5))
		rs.__reserved = 1;
	return do_ioctl(c, fd, IPCX_IOC_REGION_RESIZE, &rs, sizeof(rs), 0);
}

/* A timeout: none, negative, zero, already past, tiny, soon, too large. */
static void rtimeout(struct ctx *c, struct ipcx_lock_op *op)
{
	struct timespec now;
	int realtime = chance(&c->r, 30);

	if (chance(&c->r, 40))
		return;
	op->flags |= IPCX_LOCK_F_TIMEOUT | (realtime ? IPCX_LOCK_F_REALTIME : 0);
	clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
	switch (below(&c->r, 14)) {
	case 0:
		op->timeout_sec = -1;
		break;
	case 1:
		break;		/* 0: long past */
	case 2:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = now.tv_nsec;
		break;
	case 3:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = -1;
		break;
	case 4:
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = 1000000000;
		break;
	case 5:
		op->timeout_sec = INT64_MAX;
		break;
	default:	/* 1 us .. 3 ms ahead */
		op->timeout_sec = now.tv_sec;
		op->timeout_nsec = now.tv_nsec + 1000 + below(&c->r, 3000000);
		if (op->timeout_nsec >= 1000000000) {
			op->timeout_sec++;
			op->timeout_nsec -= 1000000000;
		}
	}
}

static void rlock_op(struct ctx *c, struct ipcx_lock_op *op, uint32_t kind,
		     uint32_t valid_flags)
{
	struct rng *r = &c->r;

	memset(op, 0, sizeof(*op));
	/* op_dev_open declares kind k at (k - 1) * 64 */
	op->offset = kind && chance(r, 60) ? (kind - 1) * 64ULL : roffset(r);
	op->kind = chance(r, 80) ? (chance(r, 50) ? kind : 0) : (uint32_t)below(r, 6);
	op->flags = chance(r, 85) ? (uint32_t)(rnd(r) & valid_flags) : rflags(r, IPCX_LOCK_F_ALL);
	op->flags &= ~(IPCX_LOCK_F_TIMEOUT | IPCX_LOCK_F_REALTIME);
	rtimeout(c, op);
	if (chance(r, 3))
		op->__reserved0 = 1;
	if (chance(r, 2))
		op->__reserved[below(r, 2)] = 1;
	if (chance(r, 2))
		op->died.pid = 1;
	if (chance(r, 3))
		op->owner = (uint32_t)rnd(r);
}

long op_lock(struct ctx *c, int fd, int op)
{
	static const struct {
		unsigned long cmd;
		uint32_t kind, flags;
		int blocking;
	} t[] = {
		[OP_OWNER] = { IPCX_IOC_OWNER_REGISTER, 0, 0, 0 },
		[OP_DECLARE] = { IPCX_IOC_LOCK_DECLARE, 0, 0, 0 },
		[OP_MUTEX_LOCK] = { IPCX_IOC_MUTEX_LOCK, IPCX_LOCK_MUTEX, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_MUTEX_UNLOCK] = { IPCX_IOC_MUTEX_UNLOCK, IPCX_LOCK_MUTEX, 0, 0 },
		[OP_CONSISTENT] = { IPCX_IOC_MUTEX_CONSISTENT, IPCX_LOCK_MUTEX, 0, 0 },
		[OP_EVENT_WAIT] = { IPCX_IOC_EVENT_WAIT, IPCX_LOCK_EVENT, 0, 1 },
		[OP_EVENT_WAKE] = { IPCX_IOC_EVENT_WAKE, IPCX_LOCK_EVENT, 0, 0 },
		[OP_LOCK_FD] = { IPCX_IOC_LOCK_FD, 0, 0, 0 },
		[OP_SEM_WAIT] = { IPCX_IOC_SEM_WAIT, IPCX_LOCK_SEM,
				  IPCX_LOCK_F_TRYLOCK | IPCX_LOCK_F_UNDO, 1 },
		[OP_SEM_POST] = { IPCX_IOC_SEM_POST, IPCX_LOCK_SEM, IPCX_LOCK_F_UNDO, 0 },
		[OP_RW_RDLOCK] = { IPCX_IOC_RW_RDLOCK, IPCX_LOCK_RWLOCK, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_RW_WRLOCK] = { IPCX_IOC_RW_WRLOCK, IPCX_LOCK_RWLOCK, IPCX_LOCK_F_TRYLOCK, 1 },
		[OP_RW_UNLOCK] = { IPCX_IOC_RW_UNLOCK, IPCX_LOCK_RWLOCK, 0, 0 },
	};
	struct ipcx_lock_op lop;
	long ret;

	rlock_op(c, &lop, t[op].kind, t[op].flags);
	switch (op) {
	case OP_OWNER:
		if (chance(&c->r, 80))
			memset(&lop, 0, sizeof(lop));
		break;
	case OP_DECLARE:
		lop.kind = chance(&c->r, 90) ? 1 + (uint32_t)below(&c->r, 4) : (uint32_t)rnd(&c->r);
		if (chance(&c->r, 80)) {
			lop.flags = 0;
			lop.timeout_sec = lop.timeout_nsec = 0;
		}
		lop.value = lop.kind == IPCX_LOCK_SEM && chance(&c->r, 80) ?
			    below(&c->r, 4) : (chance(&c->r, 80) ? 0 : rsize(&c->r));
		if (chance(&c->r, 25)) {
			/* a mutex whose holders' deaths signal an event: the one
			 * op_dev_open declares, or any offset */
			lop.flags = IPCX_LOCK_F_DEATH_EVENT;
			lop.kind = chance(&c->r, 85) ? IPCX_LOCK_MUTEX : lop.kind;
			lop.value = chance(&c->r, 70) ? (IPCX_LOCK_EVENT - 1) * 64ULL :
							roffset(&c->r);
		}
		break;
	case OP_EVENT_WAIT:
		lop.value = chance(&c->r, 80) ? below(&c->r, 4) : rnd(&c->r);
		break;
	case OP_EVENT_WAKE:
		lop.value = chance(&c->r, 80) ? below(&c->r, 3) : rnd(&c->r);
		break;
	default:
		if (chance(&c->r, 5))
			lop.value = 1;
	}
	ret = do_ioctl(c, fd, t[op].cmd, &lop, sizeof(lop), t[op].blocking);
	if (op == OP_LOCK_FD && ret >= 0)
		slot_put(c, (int)ret);
	return ret;
}

long op_lock_stat(struct ctx *c, int fd)
{
	struct ipcx_lock_stat st = { 0 };

	st.offset = roffset(&c->r);
	if (chance(&c->r, 5))
		st.kind = 1;
	return do_ioctl(c, fd, IPCX_IOC_LOCK_STAT, &st, sizeof(st), 0);
}

long op_stat(struct ctx *c, int fd)
{
	struct ipcx_region_stat st;

	memset(&st, 0, sizeof(st));
	return do_ioctl(c, fd, IPCX_IOC_REGION_STAT, &st, sizeof(st), 0);
}

/* Any ipcx number, any direction and size; rarely a foreign command. */
long op_raw_ioctl(struct ctx *c, int fd)
{
	unsigned long cmd;
	char *p = c->arg + below(&c->r, ARG_PAGES * PG);
	size_t i;

	for (i = 0; i < 64 && p + i < c->arg + ARG_PAGES * PG; i++)
		p[i] = (char)rnd(&c->r);
	cmd = _IOC(below(&c->r, 4), IPCX_IOC_MAGIC, below(&c->r, 0x40),
		   below(&c->r, 512));
	if (chance(&c->r, 10)) {
		cmd = (uint32_t)rnd(&c->r);
		if (_IOC_TYPE(cmd) == 'X' || _IOC_TYPE(cmd) == 0x94)
			cmd = 0;	/* no FIFREEZE/FITHAW/FICLONE on devtmpfs */
	}
	arm(c);
	cmd = sysret(ioctl(fd, cmd, chance(&c->r, 80) ? (unsigned long)p : rnd(&c->r)));
	disarm(c);
	return (long)cmd;
}
