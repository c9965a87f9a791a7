// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues. POSIX: one queue per direction, unlinked right after
 * opening (the descriptors live on in the workers). SysV: one queue, the
 * message type says the direction (1: to side 1, 2: to side 0); it is
 * removed at teardown. Largest message: the msgsize_max / msgmax sysctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "bench.h"

struct mq_chan {
	mqd_t q[2];		/* POSIX: q[dir] */
	int msgid;		/* SysV */
	struct msgbuf *mbuf;	/* SysV: type + max_msg bytes, per process */
	size_t max;
};

static size_t pmq_limit(void)
{
	return sysctl_size("/proc/sys/fs/mqueue/msgsize_max", 8192);
}

static size_t smq_limit(void)
{
	return sysctl_size("/proc/sys/kernel/msgmax", 8192);
}

static int pmq_available(char *why, size_t len)
{
	mqd_t q = mq_open("/ipcx-bench-probe", O_RDONLY);

	if (q == (mqd_t)-1 && errno == ENOSYS) {
		snprintf(why, len, "no POSIX message queues in this kernel");
		return -ENOSYS;
	}
	if (q != (mqd_t)-1)
		mq_close(q);
	return 0;
}

static struct mq_chan *mq_new(struct bench_chan *ch)
{
	struct mq_chan *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->q[0] = c->q[1] = (mqd_t)-1;
	c->msgid = -1;
	c->max = ch->max_msg ? ch->max_msg : 8;
	ch->priv = c;
	return c;
}

static void mq_free(struct bench_chan *ch)
{
	struct mq_chan *c = ch->priv;
	int d;

	for (d = 0; d < 2; d++)
		if (c->q[d] != (mqd_t)-1)
			mq_close(c->q[d]);
	if (c->msgid >= 0)
		msgctl(c->msgid, IPC_RMID, NULL);
	free(c->mbuf);
	free(c);
	ch->priv = NULL;
}

static int pmq_open(struct mq_chan *c, int dir)
{
	long maxmsg = (long)sysctl_size("/proc/sys/fs/mqueue/msg_max", 10);
	struct mq_attr attr = { .mq_maxmsg = maxmsg < 10 ? maxmsg : 10,
				.mq_msgsize = (long)c->max };
	char name[64];

	snprintf(name, sizeof(name), "/ipcx-bench-%d-%p-%d", (int)getpid(), (void *)c, dir);
	c->q[dir] = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (c->q[dir] == (mqd_t)-1)
		return errno_neg();
	return mq_unlink(name) < 0 ? errno_neg() : 0;
}

static int pmq_setup(struct bench_chan *ch)
{
	struct mq_chan *c = mq_new(ch);
	int rc;

	if (!c)
		return -ENOMEM;
	rc = pmq_open(c, 0);
	if (!rc)
		rc = pmq_open(c, 1);
	if (rc)
		mq_free(ch);
	return rc;
}

static int pmq_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct mq_chan *c = ch->priv;

	while (mq_send(c->q[side], buf, len, 0) < 0)
		if (errno != EINTR)
			return errno_neg();
	return 0;
}

/* buf holds ch->max_msg bytes, as mq_receive wants room for the largest */
static int pmq_recv(struct bench_chan *ch, int side, void *buf, size_t len)
{
	struct mq_chan *c = ch->priv;
	ssize_t n;

	do
		n = mq_receive(c->q[!side], buf, c->max, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_neg();
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

static int smq_setup(struct bench_chan *ch)
{
	struct mq_chan *c = mq_new(ch);

	if (!c)
		return -ENOMEM;
	c->mbuf = malloc(sizeof(long) + c->max);
	c->msgid = c->mbuf ? msgget(IPC_PRIVATE, IPC_CREAT | 0600) : -1;
	if (c->msgid < 0) {
		int rc = c->mbuf ? errno_neg() : -ENOMEM;

		mq_free(ch);
		return rc;
	}
	return 0;
}

static int smq_send(struct bench_chan *ch, int side, const void *buf, size_t len)
{
	struct mq_chan *c = ch->priv;

	if (len > c->max)
		return -EMSGSIZE;
	c->mbuf->mtype = side + 1;
	memcpy(c->mbuf->mtext, buf, len);
	while (msgsnd(c->msgid, c->mbuf, len, 0) < 0)
		if (errno != EINTR)
			return errno_neg();
	return 0;
}

static int smq_recv(struct bench_chan *ch, int side, void *buf, size_t len)
{
	struct mq_chan *c = ch->priv;
	ssize_t n;

	do
		n = msgrcv(c->msgid, c->mbuf, c->max, 2 - side, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_neg();
	if ((size_t)n != len)
		return -EMSGSIZE;
	memcpy(buf, c->mbuf->mtext, len);
	return 0;
}

const struct bench_mech bench_mech_posix_mq = {
	.name = "posix-mq",
	.family = "message queue",
	.desc = "POSIX message queues (one per direction)",
	.caps = CAP_MSG | CAP_BULK,
	.available = pmq_available,
	.msg_limit = pmq_limit,
	.setup = pmq_setup,
	.teardown = mq_free,
	.send = pmq_send,
	.recv = pmq_recv,
};

const struct bench_mech bench_mech_sysv_msg = {
	.name = "sysv-msg",
	.family = "message queue",
	.desc = "SysV message queue (type = direction)",
	.caps = CAP_MSG | CAP_BULK,
	.msg_limit = smq_limit,
	.setup = smq_setup,
	.teardown = mq_free,
	.send = smq_send,
	.recv = smq_recv,
};
