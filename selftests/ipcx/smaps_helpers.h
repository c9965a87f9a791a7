/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /proc: what core mm says of a mapping, of memory, of the pool. */
#ifndef IPCX_SMAPS_HELPERS_H
#define IPCX_SMAPS_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
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

/* The number after @key ("HugePages_Free:", "VmPTE:") in the file @path, or -1. */
static inline long proc_field(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key))) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The hugetlb pool's size (@set < 0), or set it to @set: the value, or -1. */
static inline long nr_hugepages(long set)
{
	long v = -1;
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", set < 0 ? "r" : "w");

	if (!f)
		return -1;
	if (set < 0)
		v = fscanf(f, "%ld", &v) == 1 ? v : -1;
	else
		v = fprintf(f, "%ld\n", set) > 0 ? set : -1;
	if (fclose(f))
		v = -1;
	return v;
}

#endif /* IPCX_SMAPS_HELPERS_H */
