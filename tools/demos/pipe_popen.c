// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe demo, popen style: popen("pipe_reader", "w") starts the reader
 * through the shell with a pipe to its standard input; pclose closes it
 * and returns the reader's wait status.
 * usage: pipe_popen
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "common.h"

int main(void)
{
	char dir[4096], cmd[4200];
	char *buf = malloc(DEMO_LEN);
	FILE *f;
	int st;

	if (!buf)
		demo_die("malloc");
	signal(SIGPIPE, SIG_IGN);
	demo_self_dir(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "'%s/pipe_reader'", dir);
	fflush(stdout);
	f = popen(cmd, "w");
	if (!f)
		demo_die("popen");
	demo_payload(buf, DEMO_LEN);
	if (send_records(fileno(f), buf, DEMO_LEN) < 0)
		demo_die("writing records");
	demo_report("sent", buf, DEMO_LEN);
	st = pclose(f);
	if (st < 0)
		demo_die("pclose");
	free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
