/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /proc/self/smaps: what core mm says of a mapping. */
#ifndef IPCX_SMAPS_HELPERS_H
#define IPCX_SMAPS_HELPERS_H

#include <stdio.h>
#include <string.h>

/*
 * The /proc/self/smaps entry that starts at @addr: its path into @path
 * (may be NULL) and the value in kB of @field (e.g. "Rss:") into *@kb.
 * 0 or -1.
 */
static inline int smaps_field(void *addr, const char *field, char *path,
			      size_t len, long *kb)
{
	unsigned long start = (unsigned long)addr, s, e;
	char line[512];
	int in = 0, ret = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int n = 0;

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &s, &e, &n) == 2 && n) {
			in = s == start;
			if (in && path) {
				snprintf(path, len, "%s", line + n);
				path[strcspn(path, "\n")] = 0;
			}
			continue;
		}
		if (in && !strncmp(line, field, strlen(field))) {
			ret = sscanf(line + strlen(field), "%ld", kb) == 1 ? 0 : -1;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* The value in kB of @field of the mapping at @addr, or -1. */
static inline long smaps_kb(void *addr, const char *field)
{
	long kb;

	return smaps_field(addr, field, NULL, 0, &kb) ? -1 : kb;
}

#endif /* IPCX_SMAPS_HELPERS_H */
