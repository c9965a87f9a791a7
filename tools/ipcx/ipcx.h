/* SPDX-License-Identifier: GPL-2.0 */
/* ipcx command: shared declarations of its files (one command family each). */
#ifndef IPCX_TOOL_H
#define IPCX_TOOL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libipcx.h"

/* exit codes (documented in --help and ipcx(1)) */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NODEV = 3 };

/*
 * A subcommand: its own option table (struct option; the short option is
 * .val when printable), its synopsis and help; run() gets argv from the
 * subcommand's name on. main.c holds the table of them.
 */
struct cmd {
	const char *name;
	int (*run)(const struct cmd *cmd, int argc, char **argv);
	const struct option *opts;
	const char *synopsis;	/* after "ipcx NAME " */
	const char *summary;	/* one line for the global help */
	const char *help;	/* the rest of "ipcx NAME --help" */
};

/* Options given before the subcommand (ipcx [-j] COMMAND ...). */
extern bool global_json;

/* main.c: option parsing of a subcommand, shared error reporting */
#define OPT_EXIT 0x1000	/* cmd_getopt(): end with (value - OPT_EXIT) */
int cmd_getopt(const struct cmd *cmd, int argc, char **argv);
int cmd_args(const struct cmd *cmd, int argc, char **argv, int min, int max,
	     const char *what);
int usage_error(const struct cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int check_name(const struct cmd *cmd, const char *name);
int open_nl_or_explain(struct ipcx_nl **nl);
int probe_dev(void);
int report(const struct cmd *cmd, struct ipcx_nl *nl, const char *what, int err);
const char *explain(int err);

/*
 * The output options every listing shares (-j, -n, -o, --bytes,
 * --numeric): put OUT_OPTIONS in the command's option table and hand
 * its cases to out_option().
 */
#define OUT_OPTIONS \
	{ "json", no_argument, NULL, 'j' }, \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "bytes", no_argument, NULL, 'b' }, \
	{ "numeric", no_argument, NULL, 'N' }
#define OUT_HELP \
	"  -j, --json            JSON: the default fields, or those of --output\n" \
	"  -n, --noheadings      no header line\n" \
	"  -o, --output COLS     the columns to show, comma-separated\n" \
	"                        (--output help: the columns)\n" \
	"  -b, --bytes           sizes in bytes, not 4K, 1.5M\n" \
	"  -N, --numeric         user and group ids, not names\n"

struct out {
	bool json, noheadings, bytes, numeric;
	const char *columns;	/* -o, NULL: the default */
};

/* table.c: rows of columns, as a table, one record per line, or JSON */
enum col_type { COL_STR, COL_NUM, COL_BOOL, COL_STRV };	/* JSON type */

/*
 * One column: the header (also its name for --output), the JSON key, and
 * get(), which writes the value of @row into @buf (human form unless
 * o->json, which asks for the raw value: bytes, ids, nanoseconds).
 */
struct col {
	const char *name;
	const char *key;
	enum col_type type;
	bool right;		/* right-aligned in tables */
	const char *help;
	void (*get)(const void *row, const struct out *o, char *buf, size_t len);
};

struct table {
	const struct col *cols;		/* the table of every column */
	size_t ncols;
	const char *text_default;	/* comma-separated names */
	const char *json_default;
	/* filled by table_init() */
	const struct col *sel[32];
	size_t nsel;
	const struct out *o;
	char **cells;			/* nrows * nsel */
	size_t nrows, cap;
};

int out_option(struct out *o, int c, const char *arg);
int table_init(struct table *t, const struct cmd *cmd, const struct out *o);
int table_add(struct table *t, const void *row);
void table_print(struct table *t);		/* columns, or a JSON array */
void table_print_record(struct table *t);	/* "NAME: value" lines, or one object */
void table_free(struct table *t);

/* fmt.c: human and JSON output */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);
const char *fmt_ns(uint64_t ns, char *buf, size_t len);
const char *fmt_time(uint64_t realtime_ns, char *buf, size_t len);
const char *fmt_user(uint32_t uid, char *buf, size_t len);
const char *fmt_group(uint32_t gid, char *buf, size_t len);
const char *fmt_seals(uint32_t seals, char *buf, size_t len);
const char *lifetime_name(uint32_t lifetime);
const char *kind_name(uint32_t kind);
void json_str(FILE *out, const char *s);
int parse_size(const char *s, uint64_t *out);

/* locks.c: a lock as locks and top show it */
struct lock_delta {	/* movement of one lock's counters over one top interval */
	double seconds;		/* 0: no earlier sample of this lock */
	uint64_t acquisitions, contended, wait_ns;
};
const char *lock_state(const struct ipcx_nl_lock *l, char *buf, size_t len);
void lock_json(FILE *out, const struct ipcx_nl_lock *l, const char *region,
	       const struct lock_delta *d);

/* the subcommands, one run() each */
int cmd_ls(const struct cmd *cmd, int argc, char **argv);	/* regions.c */
int cmd_stat(const struct cmd *cmd, int argc, char **argv);
int cmd_create(const struct cmd *cmd, int argc, char **argv);
int cmd_rm(const struct cmd *cmd, int argc, char **argv);
int cmd_locks(const struct cmd *cmd, int argc, char **argv);	/* locks.c */
int cmd_top(const struct cmd *cmd, int argc, char **argv);	/* top.c */
int cmd_monitor(const struct cmd *cmd, int argc, char **argv);	/* monitor.c */
int cmd_limits(const struct cmd *cmd, int argc, char **argv);	/* limits.c */
int cmd_waits(const struct cmd *cmd, int argc, char **argv);	/* waits.c */
int locks_waiters(const struct cmd *cmd, const char *name, const struct out *o);

#endif
