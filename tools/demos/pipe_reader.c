// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe demo, reader side: reads length-prefixed records from its standard
 * input (a pipe from pipe_writer or pipe_popen) until end of file.
 * usage: pipe_reader
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

int main(void)
{
	char *buf = malloc(DEMO_LEN);
	ssize_t n;

	if (!buf)
		demo_die("malloc");
	demo_time_limit();
	n = recv_records(STDIN_FILENO, buf, DEMO_LEN);
	if (n < 0)
		demo_die("pipe_reader: reading records");
	demo_report("received", buf, (size_t)n);
	free(buf);
	return 0;
}
