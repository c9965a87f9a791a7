// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes and FIFOs: one per direction, fixed-size records. The FIFOs are
 * created in a private directory, opened by the supervisor (read end
 * non-blocking first so the open does not wait for a writer), then
 * unlinked at once: a killed run leaves no file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdchan.h"

/* side 0 writes dir 0 and reads dir 1; side 1 the reverse */
static void place(struct fd_chan *c, int rx0, int tx0, int rx1, int tx1)
{
	c->fd[0][FD_RX] = rx1;
	c->fd[1][FD_TX] = tx1;
	c->fd[1][FD_RX] = rx0;
	c->fd[0][FD_TX] = tx0;
}

static int pipe_setup(struct bench_chan *ch)
{
	struct fd_chan *c = fdchan_new(ch, FRAME_STREAM);
	int p0[2] = { -1, -1 }, p1[2] = { -1, -1 }, rc = 0;

	if (!c)
		return -ENOMEM;
	if (pipe2(p0, O_CLOEXEC) < 0 || pipe2(p1, O_CLOEXEC) < 0)
		rc = errno_neg();
	place(c, p0[0], p0[1], p1[0], p1[1]);
	if (rc)
		fdchan_teardown(ch);
	return rc;
}

/* Open both ends of a new FIFO at path, then remove the name. */
static int fifo_open(const char *path, int *rx, int *tx)
{
	int rc = 0;

	if (mkfifo(path, 0600) < 0)
		return errno_neg();
	*rx = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	*tx = *rx < 0 ? -1 : open(path, O_WRONLY | O_CLOEXEC);
	if (*tx < 0 || fcntl(*rx, F_SETFL, 0) < 0)
		rc = errno_neg();
	if (unlink(path) < 0 && !rc)
		rc = errno_neg();
	if (rc) {
		fd_close(rx);
		fd_close(tx);
	}
	return rc;
}

static int fifo_setup(struct bench_chan *ch)
{
	struct fd_chan *c = fdchan_new(ch, FRAME_STREAM);
	char dir[200], path[256];
	int rx0 = -1, tx0 = -1, rx1 = -1, tx1 = -1, rc;

	if (!c)
		return -ENOMEM;
	rc = tmp_path(dir, sizeof(dir), "fifo", c);
	if (!rc && mkdir(dir, 0700) < 0)
		rc = errno_neg();
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/0", dir);
	rc = fifo_open(path, &rx0, &tx0);
	snprintf(path, sizeof(path), "%s/1", dir);
	if (!rc)
		rc = fifo_open(path, &rx1, &tx1);
	if (rmdir(dir) < 0 && !rc)
		rc = errno_neg();
	place(c, rx0, tx0, rx1, tx1);
out:
	if (rc)
		fdchan_teardown(ch);
	return rc;
}

const struct bench_mech bench_mech_pipe = {
	.name = "pipe",
	.family = "byte stream",
	.desc = "two pipes (one per direction)",
	.caps = CAP_MSG | CAP_BULK,
	.setup = pipe_setup,
	FDCHAN_OPS,
};

const struct bench_mech bench_mech_fifo = {
	.name = "fifo",
	.family = "byte stream",
	.desc = "two named FIFOs (unlinked after open)",
	.caps = CAP_MSG | CAP_BULK,
	.setup = fifo_setup,
	FDCHAN_OPS,
};
