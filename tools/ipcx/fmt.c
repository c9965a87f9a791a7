// SPDX-License-Identifier: GPL-2.0
/* ipcx command: formatting of sizes, durations, times, owners, JSON strings. */
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcx.h"

/* 1024-based, "64K", "1.5M"; exact values without a fraction */
const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 "B", bytes);
	else if (bytes % (1ull << (10 * u)) == 0)
		snprintf(buf, len, "%.0f%c", v, units[u]);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

const char *fmt_time(uint64_t realtime_ns, char *buf, size_t len)
{
	time_t t = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;

	if (!realtime_ns || !localtime_r(&t, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

const char *fmt_user(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", uid);
	return buf;
}

const char *fmt_group(uint32_t gid, char *buf, size_t len)
{
	struct group *gr = getgrgid(gid);

	if (gr)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%u", gid);
	return buf;
}

/* "write,resize,seal" in that order, "-" for none */
const char *fmt_seals(uint32_t seals, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", seals & IPCX_SEAL_WRITE ? "write" : "",
		 seals & IPCX_SEAL_WRITE && seals & ~IPCX_SEAL_WRITE ? "," : "",
		 seals & IPCX_SEAL_RESIZE ? "resize" : "",
		 seals & IPCX_SEAL_RESIZE && seals & IPCX_SEAL_SEAL ? "," : "",
		 seals & IPCX_SEAL_SEAL ? "seal" : "", seals ? "" : "-");
	return buf;
}

const char *lifetime_name(uint32_t lifetime)
{
	switch (lifetime) {
	case IPCX_LIFETIME_PERSISTENT: return "persistent";
	case IPCX_LIFETIME_AUTO_REMOVE: return "auto";
	case IPCX_LIFETIME_LEASE: return "lease";
	default: return "?";
	}
}

const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case IPCX_LOCK_MUTEX: return "mutex";
	case IPCX_LOCK_EVENT: return "event";
	case IPCX_LOCK_SEM: return "sem";
	case IPCX_LOCK_RWLOCK: return "rwlock";
	default: return "?";
	}
}

void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* "4096", "64K", "1M", "2G" (1024-based); 0 or -1 */
int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || !v || v > (~0ull >> shift))
		return -1;
	*out = v << shift;
	return 0;
}
