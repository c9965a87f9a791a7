// SPDX-License-Identifier: GPL-2.0
/* A one-line progress bar on stderr, drawn only when enabled (a tty). */
#include <stdio.h>

#include "bench.h"

void progress_start(struct bench_progress *bar, int enabled, int total)
{
	bar->on = enabled;
	bar->total = total > 0 ? total : 1;
	bar->done = 0;
}

void progress_step(struct bench_progress *bar, const char *what)
{
	int i, w = 30, fill;

	if (!bar->on)
		return;
	bar->done++;
	fill = bar->done * w / bar->total;
	fill = fill > w ? w : fill;
	fputs("\r[", stderr);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %-40.40s", what);
	fflush(stderr);
}

void progress_end(struct bench_progress *bar)
{
	if (bar->on)
		fprintf(stderr, "\r%80s\r", "");
}
