// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe demo, parent to child through fork and exec: starts pipe_reader
 * (from its own directory) with a pipe as its standard input, writes
 * length-prefixed records into the pipe, closes it (end of file) and
 * waits for the reader's exit status.
 * usage: pipe_writer
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static pid_t start_reader(int *wfd)
{
	char dir[4096], path[4200];
	int p[2];
	pid_t pid;

	demo_self_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/pipe_reader", dir);
	if (pipe(p) < 0)
		demo_die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		demo_die("fork");
	if (pid == 0) {
		if (dup2(p[0], STDIN_FILENO) < 0)
			demo_die("dup2");
		close(p[0]);
		close(p[1]);
		execl(path, "pipe_reader", (char *)NULL);
		demo_die(path);
	}
	if (close(p[0]) < 0)
		demo_die("close read end");
	*wfd = p[1];
	return pid;
}

int main(void)
{
	int wfd, st;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);	/* a dead reader shows up as EPIPE */
	pid = start_reader(&wfd);
	demo_send_stream(wfd);		/* closing it is the reader's end of file */
	if (waitpid(pid, &st, 0) < 0)
		demo_die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
