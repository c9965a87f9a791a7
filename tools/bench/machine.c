// SPDX-License-Identifier: GPL-2.0
/*
 * The machine a result was measured on: uname, CPU model, CPUs, and
 * whether it runs under a hypervisor (the cpuinfo "hypervisor" flag, then
 * the DMI vendor and product names).
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

static void chomp(char *s)
{
	s[strcspn(s, "\n")] = 0;
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	chomp(buf);
}

/* cpu model and the hypervisor flag from /proc/cpuinfo */
static void cpuinfo(struct bench_machine *m, int *hyper)
{
	char line[1024];
	FILE *f = fopen("/proc/cpuinfo", "r");

	*hyper = 0;
	snprintf(m->cpu, sizeof(m->cpu), "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		chomp(v);
		if (!strncmp(line, "model name", 10) && !strcmp(m->cpu, "unknown"))
			snprintf(m->cpu, sizeof(m->cpu), "%s", v + 2);
		if (!strncmp(line, "flags", 5) && strstr(v, " hypervisor"))
			*hyper = 1;
	}
	fclose(f);
}

static void virt(struct bench_machine *m, int hyper)
{
	char vendor[64], product[64];

	read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_line("/sys/class/dmi/id/product_name", product, sizeof(product));
	if (!hyper)
		snprintf(m->virt, sizeof(m->virt), "none");
	else if (vendor[0] || product[0])
		snprintf(m->virt, sizeof(m->virt), "yes (%.20s %.36s)", vendor, product);
	else
		snprintf(m->virt, sizeof(m->virt), "yes");
}

void machine_describe(struct bench_machine *m)
{
	struct utsname u;
	int hyper;

	memset(m, 0, sizeof(*m));
	if (uname(&u) == 0) {
		snprintf(m->sysname, sizeof(m->sysname), "%s", u.sysname);
		snprintf(m->release, sizeof(m->release), "%s", u.release);
		snprintf(m->version, sizeof(m->version), "%s", u.version);
		snprintf(m->machine, sizeof(m->machine), "%s", u.machine);
		snprintf(m->node, sizeof(m->node), "%s", u.nodename);
	}
	m->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	cpuinfo(m, &hyper);
	virt(m, hyper);
}
