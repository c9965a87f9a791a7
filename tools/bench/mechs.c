// SPDX-License-Identifier: GPL-2.0
/* The mechanism table: the only list of what ipcx-bench compares. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

extern const struct bench_mech bench_mech_pipe, bench_mech_fifo, bench_mech_unix_stream,
	bench_mech_unix_dgram, bench_mech_unix_seqpacket, bench_mech_tcp, bench_mech_sysv_shm,
	bench_mech_posix_shm, bench_mech_pthread, bench_mech_futex, bench_mech_posix_mq,
	bench_mech_sysv_msg, bench_mech_eventfd, bench_mech_ipcx, bench_mech_ipcx_chan,
	bench_mech_ipcx_chan_zc;

const struct bench_mech *const mech_table[] = {
	&bench_mech_pipe,
	&bench_mech_fifo,
	&bench_mech_unix_stream,
	&bench_mech_unix_dgram,
	&bench_mech_unix_seqpacket,
	&bench_mech_tcp,
	&bench_mech_sysv_shm,
	&bench_mech_posix_shm,
	&bench_mech_pthread,
	&bench_mech_futex,
	&bench_mech_posix_mq,
	&bench_mech_sysv_msg,
	&bench_mech_eventfd,
	&bench_mech_ipcx,
	&bench_mech_ipcx_chan,
	&bench_mech_ipcx_chan_zc,
	NULL
};
_Static_assert(sizeof(mech_table) / sizeof(mech_table[0]) <= BENCH_MAX_MECHS + 1,
	       "raise BENCH_MAX_MECHS");

const struct bench_mech *mech_find(const char *name)
{
	int i;

	for (i = 0; mech_table[i]; i++)
		if (!strcmp(mech_table[i]->name, name))
			return mech_table[i];
	return NULL;
}

/* Is m in the comma-separated list only (NULL: everything)? */
int mech_selected(const struct bench_mech *m, const char *only)
{
	size_t n = strlen(m->name);
	const char *p = only;

	if (!only)
		return 1;
	while (p && *p) {
		if (!strncmp(p, m->name, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

/* 0 when every name in the comma-separated list is a mechanism; else -1 */
int mech_check_list(const char *only, char *bad, size_t len)
{
	const char *p = only;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		int i, found = 0;

		for (i = 0; mech_table[i]; i++)
			found |= strlen(mech_table[i]->name) == n && !strncmp(p, mech_table[i]->name, n);
		if (!found) {
			snprintf(bad, len, "%.*s", (int)n, p);
			return -1;
		}
		p += n;
		p += *p == ',';
	}
	return 0;
}
