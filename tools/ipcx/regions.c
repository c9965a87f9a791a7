// SPDX-License-Identifier: GPL-2.0
/* ipcx command: ls, stat, create, rm. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "ipcx.h"

static void region_json(FILE *out, const struct ipcx_nl_region *r)
{
	fprintf(out, "{\"id\": %" PRIu64 ", \"name\": ", r->id);
	json_str(out, r->name);
	fprintf(out, ", \"size\": %" PRIu64 ", \"uid\": %u, \"gid\": %u, "
		"\"mode\": \"%04o\", \"lifetime\": \"%s\", \"seals\": %u, "
		"\"ctime_ns\": %" PRIu64 ", \"nattach\": %u, \"nmaps\": %u, "
		"\"nlocks\": %u, \"linked\": %s}",
		r->size, r->uid, r->gid, r->mode, lifetime_name(r->lifetime),
		r->seals, r->ctime_ns, r->nattach, r->nmaps, r->nlocks,
		r->linked ? "true" : "false");
}

static const char *seals_str(uint32_t seals, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", seals & IPCX_SEAL_SEAL ? "S" : "",
		 seals & IPCX_SEAL_WRITE ? "W" : "", seals & IPCX_SEAL_RESIZE ? "R" : "",
		 seals ? "" : "-");
	return buf;
}

struct ls_ctx {
	const struct opts *o;
	int n;
};

static int ls_row(const struct ipcx_nl_region *r, void *arg)
{
	char size[16], user[32], group[32], seals[8], when[32];
	struct ls_ctx *c = arg;

	if (c->o->json) {
		fputs(c->n ? ",\n " : " ", stdout);
		region_json(stdout, r);
	} else {
		printf("%-6" PRIu64 " %-24s %8s %-10s %-10s %04o %-10s %6u %5u %5u %-5s %s\n",
		       r->id, *r->name ? r->name : "(anon)", fmt_size(r->size, size, sizeof(size)),
		       fmt_user(r->uid, user, sizeof(user)),
		       fmt_group(r->gid, group, sizeof(group)), r->mode,
		       lifetime_name(r->lifetime), r->nattach, r->nmaps, r->nlocks,
		       seals_str(r->seals, seals, sizeof(seals)),
		       fmt_time(r->ctime_ns, when, sizeof(when)));
	}
	c->n++;
	return 0;
}

int cmd_ls(const struct opts *o)
{
	struct ls_ctx c = { .o = o };
	struct ipcx_nl *nl;
	int ret;

	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	if (o->json)
		fputs("[", stdout);
	else
		printf("%-6s %-24s %8s %-10s %-10s %-4s %-10s %6s %5s %5s %-5s %s\n",
		       "ID", "NAME", "SIZE", "OWNER", "GROUP", "MODE", "LIFETIME",
		       "ATTACH", "MAPS", "LOCKS", "SEALS", "CREATED");
	ret = ipcx_nl_list_regions(nl, ls_row, &c);
	if (o->json)
		fputs(c.n ? "\n]\n" : "]\n", stdout);
	if (ret)
		ret = report(nl, "list regions", ret);
	ipcx_nl_close(nl);
	return ret;
}

int cmd_stat(const struct opts *o, const char *name)
{
	char size[16], user[32], group[32], seals[8], when[32];
	struct ipcx_nl_region r;
	struct ipcx_nl *nl;
	int ret;

	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_get_region(nl, name, 0, &r);
	if (ret) {
		ret = report(nl, name, ret);
	} else if (o->json) {
		region_json(stdout, &r);
		fputc('\n', stdout);
	} else {
		printf("name:      %s\n", r.name);
		printf("id:        %" PRIu64 "\n", r.id);
		printf("size:      %s (%" PRIu64 " bytes)\n", fmt_size(r.size, size, sizeof(size)),
		       r.size);
		printf("owner:     %s (%u)\n", fmt_user(r.uid, user, sizeof(user)), r.uid);
		printf("group:     %s (%u)\n", fmt_group(r.gid, group, sizeof(group)), r.gid);
		printf("mode:      %04o\n", r.mode);
		printf("lifetime:  %s%s\n", lifetime_name(r.lifetime),
		       r.linked ? "" : " (name removed)");
		printf("seals:     %s\n", seals_str(r.seals, seals, sizeof(seals)));
		printf("created:   %s\n", fmt_time(r.ctime_ns, when, sizeof(when)));
		printf("attached:  %u files, %u mappings\n", r.nattach, r.nmaps);
		printf("locks:     %u\n", r.nlocks);
	}
	ipcx_nl_close(nl);
	return ret;
}

int cmd_create(const struct opts *o, const char *name, const char *sizestr)
{
	struct ipcx_region_stat st;
	char size[16];
	uint64_t bytes;
	int fd, ret;

	if (parse_size(sizestr, &bytes)) {
		fprintf(stderr, "ipcx: bad size '%s' (bytes, or with K, M, G)\n", sizestr);
		return EXIT_USAGE;
	}
	fd = ipcx_region_create(name, bytes, o->mode, o->lifetime, IPCX_OPEN_EXCL);
	if (fd == -ENOENT || fd == -EACCES) {
		fprintf(stderr, "ipcx: cannot open %s: %s%s\n", IPCX_DEVICE_PATH,
			ipcx_strerror(fd), fd == -ENOENT ? " (modprobe ipcx)" : "");
		return EXIT_NODEV;
	}
	if (fd < 0)
		return report(NULL, name, fd);
	ret = ipcx_region_stat(fd, &st);
	if (ret) {
		close(fd);
		return report(NULL, name, ret);
	}
	if (o->json) {
		printf("{\"id\": %llu, \"name\": ", (unsigned long long)st.id);
		json_str(stdout, name);
		printf(", \"size\": %llu, \"lifetime\": \"%s\"}\n",
		       (unsigned long long)st.size, lifetime_name(o->lifetime));
	} else {
		printf("created %s: id %llu, %s, mode %04o, lifetime %s\n", name,
		       (unsigned long long)st.id, fmt_size(st.size, size, sizeof(size)),
		       o->mode, lifetime_name(o->lifetime));
		if (o->lifetime == IPCX_LIFETIME_PERSISTENT)
			printf("note: a persistent region outlives this command; remove it with 'ipcx rm %s'\n",
			       name);
		else
			printf("note: a %s region goes away as this command exits\n",
			       lifetime_name(o->lifetime));
	}
	close(fd);
	return 0;
}

int cmd_rm(const struct opts *o, const char *name)
{
	struct ipcx_nl *nl;
	int ret;

	(void)o;
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = ipcx_nl_delete(nl, name);
	if (ret)
		ret = report(nl, name, ret);
	ipcx_nl_close(nl);
	return ret;
}
