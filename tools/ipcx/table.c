// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: tables of rows and columns, as aligned text (what lsipc
 * and lsblk print), "NAME: value" records, or JSON, with column choice
 * (-o) and no headings (-n).
 *
 * Why not util-linux's libsmartcols, which lsipc uses: its JSON is an
 * object naming the table ({"regions": [...]}), while this command's
 * consumers (scripts, the selftests) read a bare array and one object
 * for stat; keeping that would mean a JSON writer of our own anyway, so
 * libsmartcols would add a build dependency for the alignment alone.
 * What it would add beyond that (tree output, truncation to the
 * terminal) no ipcx listing needs. One JSON string writer (fmt.c) serves
 * every output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipcx.h"

/* One of the output options (returns 0 if @c was one, -1 if not). */
int out_option(struct out *o, int c, const char *arg)
{
	switch (c) {
	case 'j':
		o->json = true;
		return 0;
	case 'n':
		o->noheadings = true;
		return 0;
	case 'o':
		o->columns = arg;
		return 0;
	case 'b':
		o->bytes = true;
		return 0;
	case 'N':
		o->numeric = true;
		return 0;
	default:
		return -1;
	}
}

static const struct col *col_find(const struct table *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i].name) == len && !strncasecmp(t->cols[i].name, name, len))
			return &t->cols[i];
	return NULL;
}

static void col_list(const struct cmd *cmd, const struct table *t)
{
	size_t i;

	printf("columns of ipcx %s (--output NAME,NAME,...; JSON key in brackets):\n",
	       cmd->name);
	for (i = 0; i < t->ncols; i++)
		printf("  %-12s %s [%s]\n", t->cols[i].name, t->cols[i].help, t->cols[i].key);
	printf("default: %s\n", t->text_default);
}

/*
 * Select the columns (-o, or the text or JSON default). Returns -1 to go
 * on, or the exit code to end with: 0 after "--output help", EXIT_USAGE
 * for an unknown column.
 */
int table_init(struct table *t, const struct cmd *cmd, const struct out *o)
{
	const char *p = o->columns;

	t->o = o;
	t->nsel = 0;
	t->cells = NULL;
	t->nrows = t->cap = 0;
	if (p && !strcasecmp(p, "help")) {
		col_list(cmd, t);
		return 0;
	}
	if (!p)
		p = o->json ? t->json_default : t->text_default;
	while (*p) {
		size_t len = strcspn(p, ",");
		const struct col *c = col_find(t, p, len);

		if (!c)
			return usage_error(cmd, "unknown column '%.*s' for --output "
					   "(--output help lists them)", (int)len, p);
		if (t->nsel == sizeof(t->sel) / sizeof(t->sel[0]))
			return usage_error(cmd, "too many columns for --output");
		t->sel[t->nsel++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!t->nsel)
		return usage_error(cmd, "--output needs at least one column");
	return -1;
}

/* Format @row now (a callback's data does not outlive the callback). */
int table_add(struct table *t, const void *row)
{
	char buf[512];
	size_t i;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		char **cells = realloc(t->cells, cap * t->nsel * sizeof(*cells));

		if (!cells)
			return -ENOMEM;
		t->cells = cells;
		t->cap = cap;
	}
	for (i = 0; i < t->nsel; i++) {
		char **cell = &t->cells[t->nrows * t->nsel + i];

		buf[0] = '\0';
		t->sel[i]->get(row, t->o, buf, sizeof(buf));
		*cell = strdup(buf);
		if (!*cell) {
			while (i--)
				free(t->cells[t->nrows * t->nsel + i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static void json_value(const struct col *c, const char *v)
{
	const char *p;

	switch (c->type) {
	case COL_NUM:
	case COL_BOOL:
		fputs(*v ? v : "null", stdout);
		break;
	case COL_STRV:		/* "a,b" -> ["a", "b"] */
		putchar('[');
		for (p = v; *p; ) {
			size_t len = strcspn(p, ",");
			char word[64];

			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			if (p != v)
				fputs(", ", stdout);
			json_str(stdout, word);
			p += len;
			if (*p)
				p++;
		}
		putchar(']');
		break;
	default:
		json_str(stdout, v);
	}
}

static void json_object(const struct table *t, size_t row)
{
	size_t i;

	putchar('{');
	for (i = 0; i < t->nsel; i++) {
		if (i)
			fputs(", ", stdout);
		json_str(stdout, t->sel[i]->key);
		fputs(": ", stdout);
		json_value(t->sel[i], t->cells[row * t->nsel + i]);
	}
	putchar('}');
}

/* As aligned columns (the last one unpadded), or a JSON array of objects. */
void table_print(struct table *t)
{
	size_t w[32], i, r;

	if (t->o->json) {
		putchar('[');
		for (r = 0; r < t->nrows; r++) {
			fputs(r ? ",\n " : " ", stdout);
			json_object(t, r);
		}
		puts(t->nrows ? "\n]" : "]");
		return;
	}
	for (i = 0; i < t->nsel; i++) {
		w[i] = t->o->noheadings ? 0 : strlen(t->sel[i]->name);
		for (r = 0; r < t->nrows; r++) {
			size_t l = strlen(t->cells[r * t->nsel + i]);

			if (l > w[i])
				w[i] = l;
		}
	}
	for (r = t->o->noheadings; r <= t->nrows; r++) {
		for (i = 0; i < t->nsel; i++) {
			const char *v = r ? t->cells[(r - 1) * t->nsel + i] : t->sel[i]->name;
			bool last = i + 1 == t->nsel;

			if (t->sel[i]->right)
				printf("%*s", (int)w[i], v);
			else
				printf("%-*s", last ? 0 : (int)w[i], v);
			fputs(last ? "\n" : " ", stdout);
		}
	}
}

/* Each row as "NAME: value" lines (a blank line between rows), or JSON objects. */
void table_print_record(struct table *t)
{
	size_t w = 0, i, r;

	for (i = 0; i < t->nsel; i++)
		if (strlen(t->sel[i]->name) > w)
			w = strlen(t->sel[i]->name);
	for (r = 0; r < t->nrows; r++) {
		if (t->o->json) {
			json_object(t, r);
			putchar('\n');
			continue;
		}
		if (r)
			putchar('\n');
		for (i = 0; i < t->nsel; i++) {
			if (t->o->noheadings)
				printf("%s\n", t->cells[r * t->nsel + i]);
			else
				printf("%s:%*s %s\n", t->sel[i]->name,
				       (int)(w - strlen(t->sel[i]->name)), "",
				       t->cells[r * t->nsel + i]);
		}
	}
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->nsel; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
