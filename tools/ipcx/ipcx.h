/* SPDX-License-Identifier: GPL-2.0 */
/* ipcx command: shared declarations of its files (one command family each). */
#ifndef IPCX_TOOL_H
#define IPCX_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libipcx.h"

/* exit codes (documented in --help and ipcx(1)) */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NODEV = 3 };

/* global options, parsed by main.c */
struct opts {
	bool json;
	bool once;
	bool all_ns;		/* monitor: every IPC namespace */
	double interval;	/* top: seconds between refreshes */
	int limit;		/* top: rows */
	unsigned int mode;	/* create */
	unsigned int lifetime;	/* create */
};

/* main.c */
int open_nl_or_explain(struct ipcx_nl **nl);
int report(struct ipcx_nl *nl, const char *what, int err);

/* fmt.c: human and JSON output */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);
const char *fmt_ns(uint64_t ns, char *buf, size_t len);
const char *fmt_time(uint64_t realtime_ns, char *buf, size_t len);
const char *fmt_user(uint32_t uid, char *buf, size_t len);
const char *fmt_group(uint32_t gid, char *buf, size_t len);
const char *lifetime_name(uint32_t lifetime);
const char *kind_name(uint32_t kind);
void json_str(FILE *out, const char *s);
int parse_size(const char *s, uint64_t *out);

/* regions.c */
int cmd_ls(const struct opts *o);
int cmd_stat(const struct opts *o, const char *name);
int cmd_create(const struct opts *o, const char *name, const char *size);
int cmd_rm(const struct opts *o, const char *name);

/* locks.c */
int cmd_locks(const struct opts *o, const char *name);
int cmd_top(const struct opts *o);

/* monitor.c */
int cmd_monitor(const struct opts *o);

#endif
