// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets: Unix stream, datagram and seqpacket socket pairs, and TCP over
 * 127.0.0.1 only (listener on an ephemeral port, connected and accepted by
 * the supervisor before the workers start; TCP_NODELAY both ways).
 * Datagram and seqpacket keep message boundaries; their largest message is
 * bounded by the send buffer (net.core.wmem_max).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdchan.h"

static size_t dgram_limit(void)
{
	size_t wmem = sysctl_size("/proc/sys/net/core/wmem_max", 212992);

	return wmem / 2;
}

static void big_sndbuf(int fd)
{
	int v = (int)sysctl_size("/proc/sys/net/core/wmem_max", 212992);

	/* best effort: the limit above already accounts for the default */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) < 0)
		return;
}

static int unix_setup(struct bench_chan *ch, int type, enum fd_framing framing)
{
	struct fd_chan *c = fdchan_new(ch, framing);
	int sv[2];

	if (!c)
		return -ENOMEM;
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
		int rc = errno_neg();

		fdchan_teardown(ch);
		return rc;
	}
	if (framing == FRAME_DGRAM) {
		big_sndbuf(sv[0]);
		big_sndbuf(sv[1]);
	}
	fdchan_pair(c, sv[0], sv[1]);
	return 0;
}

static int ustream_setup(struct bench_chan *ch)
{
	return unix_setup(ch, SOCK_STREAM, FRAME_STREAM);
}

static int udgram_setup(struct bench_chan *ch)
{
	return unix_setup(ch, SOCK_DGRAM, FRAME_DGRAM);
}

static int useqpacket_setup(struct bench_chan *ch)
{
	return unix_setup(ch, SOCK_SEQPACKET, FRAME_DGRAM);
}

static int nodelay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ? errno_neg() : 0;
}

/* A listening socket on 127.0.0.1, an ephemeral port written into sa. */
static int tcp_listener(struct sockaddr_in *sa)
{
	socklen_t salen = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno_neg();
	sa->sin_family = AF_INET;
	sa->sin_port = 0;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &salen) < 0) {
		int rc = errno_neg();

		close(fd);
		return rc;
	}
	return fd;
}

static int tcp_setup(struct bench_chan *ch)
{
	struct fd_chan *c = fdchan_new(ch, FRAME_STREAM);
	struct sockaddr_in sa, peer;
	socklen_t plen = sizeof(peer);
	int lfd, a = -1, b = -1, rc = 0;

	if (!c)
		return -ENOMEM;
	lfd = tcp_listener(&sa);
	if (lfd < 0) {
		fdchan_teardown(ch);
		return lfd;
	}
	a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (a < 0 || connect(a, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		rc = errno_neg();
	if (!rc) {
		b = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (b < 0)
			rc = errno_neg();
	}
	close(lfd);
	if (!rc)
		rc = nodelay(a);
	if (!rc)
		rc = nodelay(b);
	fdchan_pair(c, a, b);
	if (rc)
		fdchan_teardown(ch);
	return rc;
}

const struct bench_mech bench_mech_unix_stream = {
	.name = "unix-stream",
	.family = "byte stream",
	.desc = "Unix domain stream socket pair",
	.caps = CAP_MSG | CAP_BULK,
	.setup = ustream_setup,
	FDCHAN_OPS,
};

const struct bench_mech bench_mech_unix_dgram = {
	.name = "unix-dgram",
	.family = "message socket",
	.desc = "Unix domain datagram socket pair",
	.caps = CAP_MSG | CAP_BULK,
	.msg_limit = dgram_limit,
	.setup = udgram_setup,
	FDCHAN_OPS,
};

const struct bench_mech bench_mech_unix_seqpacket = {
	.name = "unix-seqpacket",
	.family = "message socket",
	.desc = "Unix domain seqpacket socket pair",
	.caps = CAP_MSG | CAP_BULK,
	.msg_limit = dgram_limit,
	.setup = useqpacket_setup,
	FDCHAN_OPS,
};

const struct bench_mech bench_mech_tcp = {
	.name = "tcp",
	.family = "byte stream",
	.desc = "TCP over 127.0.0.1 (TCP_NODELAY)",
	.caps = CAP_MSG | CAP_BULK,
	.setup = tcp_setup,
	FDCHAN_OPS,
};
