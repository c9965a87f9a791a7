// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libipcx's netlink commands: list and get regions, list a region's locks,
 * read the namespace's and the caller's budgets, delete a region's name.
 * Each builds a request and parses the kernel's answer attribute by
 * attribute into the public structs of libipcx.h (absent attributes read
 * as 0, so an older module's answers parse too).
 */
#include <errno.h>
#include <string.h>

#include "netlink_internal.h"

static int ipcx_parse_region(struct nlattr *nest, struct ipcx_nl_region *r)
{
	struct nlattr *tb[IPCX_NL_REGION_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, IPCX_NL_REGION_A_MAX, nest, NULL))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	r->id = ipcx_get64(tb, IPCX_NL_REGION_A_ID);
	ipcx_getstr(tb, IPCX_NL_REGION_A_NAME, r->name, sizeof(r->name));
	r->size = ipcx_get64(tb, IPCX_NL_REGION_A_SIZE);
	r->uid = ipcx_get32(tb, IPCX_NL_REGION_A_UID);
	r->gid = ipcx_get32(tb, IPCX_NL_REGION_A_GID);
	r->mode = ipcx_get32(tb, IPCX_NL_REGION_A_MODE);
	r->lifetime = ipcx_get32(tb, IPCX_NL_REGION_A_LIFETIME);
	r->seals = ipcx_get32(tb, IPCX_NL_REGION_A_SEALS);
	r->ctime_ns = ipcx_get64(tb, IPCX_NL_REGION_A_CTIME);
	r->nattach = ipcx_get32(tb, IPCX_NL_REGION_A_NATTACH);
	r->nmaps = ipcx_get32(tb, IPCX_NL_REGION_A_NMAPS);
	r->nlocks = ipcx_get32(tb, IPCX_NL_REGION_A_NLOCKS);
	r->linked = !!tb[IPCX_NL_REGION_A_LINKED];
	r->page_size = ipcx_get64(tb, IPCX_NL_REGION_A_PAGE_SIZE);
	r->resident = ipcx_get64(tb, IPCX_NL_REGION_A_RESIDENT);
	r->swapped = ipcx_get64(tb, IPCX_NL_REGION_A_SWAPPED);
	return 0;
}

struct ipcx_region_walk {
	ipcx_nl_region_cb cb;
	void *arg;
	struct ipcx_nl_region *one;
};

static int ipcx_on_region(struct nlattr **tb, void *arg)
{
	struct ipcx_region_walk *w = arg;
	struct ipcx_nl_region r;
	int ret = ipcx_parse_region(tb[IPCX_NL_A_REGION], &r);

	if (ret)
		return ret;
	if (w->one) {
		*w->one = r;
		return 0;
	}
	return w->cb(&r, w->arg);
}

int ipcx_nl_list_regions(struct ipcx_nl *nl, ipcx_nl_region_cb cb, void *arg)
{
	struct ipcx_region_walk w = { .cb = cb, .arg = arg };
	struct nl_msg *msg = ipcx_nl_msg(nl, IPCX_NL_CMD_REGION_GET, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return ipcx_nl_transact(nl, msg, ipcx_on_region, &w);
}

/* REGION_GET of one region into the first @size bytes of *@region. */
static int ipcx_nl_get_region_sized(struct ipcx_nl *nl, const char *name,
				    uint64_t id, struct ipcx_nl_region *region,
				    size_t size)
{
	struct ipcx_nl_region r;
	struct ipcx_region_walk w = { .one = &r };
	struct nl_msg *msg;
	int ret;

	ret = ipcx_nl_sel_msg(nl, IPCX_NL_CMD_REGION_GET, 0, name, id, &msg);
	if (ret)
		return ret;
	memset(&r, 0, sizeof(r));
	ret = ipcx_nl_transact(nl, msg, ipcx_on_region, &w);
	if (!ret && !r.id)
		ret = -EBADMSG;
	memcpy(region, &r, size);
	return ret;
}

/*
 * struct ipcx_nl_region grew in LIBIPCX_1.9 (page_size, resident,
 * swapped). Programs linked against ipcx_nl_get_region@LIBIPCX_1.3 pass
 * the smaller struct, so that version fills only that much; the default
 * version fills the whole one, and is what a static link gets.
 */
#ifdef __PIC__
int ipcx_nl_get_region_v1_3(struct ipcx_nl *nl, const char *name, uint64_t id,
			    struct ipcx_nl_region *region);
int ipcx_nl_get_region_v1_9(struct ipcx_nl *nl, const char *name, uint64_t id,
			    struct ipcx_nl_region *region);
__asm__(".symver ipcx_nl_get_region_v1_3, ipcx_nl_get_region@LIBIPCX_1.3");
__asm__(".symver ipcx_nl_get_region_v1_9, ipcx_nl_get_region@@LIBIPCX_1.9");

int ipcx_nl_get_region_v1_3(struct ipcx_nl *nl, const char *name, uint64_t id,
			    struct ipcx_nl_region *region)
{
	return ipcx_nl_get_region_sized(nl, name, id, region,
					IPCX_NL_REGION_SIZE_VER0);
}

int ipcx_nl_get_region_v1_9(struct ipcx_nl *nl, const char *name, uint64_t id,
			    struct ipcx_nl_region *region)
#else
int ipcx_nl_get_region(struct ipcx_nl *nl, const char *name, uint64_t id,
		       struct ipcx_nl_region *region)
#endif
{
	return ipcx_nl_get_region_sized(nl, name, id, region, sizeof(*region));
}

struct ipcx_lock_walk {
	ipcx_nl_lock_cb cb;
	void *arg;
};

static int ipcx_on_lock(struct nlattr **tb, void *arg)
{
	struct nlattr *lt[IPCX_NL_LOCK_A_MAX + 1];
	struct ipcx_lock_walk *w = arg;
	struct ipcx_nl_lock l;

	if (!tb[IPCX_NL_A_LOCK] ||
	    nla_parse_nested(lt, IPCX_NL_LOCK_A_MAX, tb[IPCX_NL_A_LOCK], NULL))
		return -EBADMSG;
	memset(&l, 0, sizeof(l));
	l.region_id = ipcx_get64(tb, IPCX_NL_A_REGION_ID);
	l.offset = ipcx_get64(lt, IPCX_NL_LOCK_A_OFFSET);
	l.kind = ipcx_get32(lt, IPCX_NL_LOCK_A_KIND);
	l.word = ipcx_get32(lt, IPCX_NL_LOCK_A_WORD);
	l.holder_pid = ipcx_get32(lt, IPCX_NL_LOCK_A_HOLDER_PID);
	l.holder_tgid = ipcx_get32(lt, IPCX_NL_LOCK_A_HOLDER_TGID);
	ipcx_getstr(lt, IPCX_NL_LOCK_A_HOLDER_COMM, l.holder_comm, sizeof(l.holder_comm));
	l.waiters = ipcx_get32(lt, IPCX_NL_LOCK_A_WAITERS);
	l.acquisitions = ipcx_get64(lt, IPCX_NL_LOCK_A_ACQUISITIONS);
	l.contended = ipcx_get64(lt, IPCX_NL_LOCK_A_CONTENDED);
	l.wait_total_ns = ipcx_get64(lt, IPCX_NL_LOCK_A_WAIT_TOTAL_NS);
	l.wait_max_ns = ipcx_get64(lt, IPCX_NL_LOCK_A_WAIT_MAX_NS);
	l.owner_deaths = ipcx_get64(lt, IPCX_NL_LOCK_A_OWNER_DEATHS);
	l.death_pid = ipcx_get32(lt, IPCX_NL_LOCK_A_DEATH_PID);
	ipcx_getstr(lt, IPCX_NL_LOCK_A_DEATH_COMM, l.death_comm, sizeof(l.death_comm));
	l.death_time_ns = ipcx_get64(lt, IPCX_NL_LOCK_A_DEATH_TIME);
	return w->cb(&l, w->arg);
}

int ipcx_nl_list_locks(struct ipcx_nl *nl, const char *name, uint64_t id,
		       ipcx_nl_lock_cb cb, void *arg)
{
	struct ipcx_lock_walk w = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int ret;

	ret = ipcx_nl_sel_msg(nl, IPCX_NL_CMD_LOCK_GET, NLM_F_DUMP, name, id, &msg);
	if (ret)
		return ret;
	return ipcx_nl_transact(nl, msg, ipcx_on_lock, &w);
}

static int ipcx_on_stats(struct nlattr **tb, void *arg)
{
	struct nlattr *st[IPCX_NL_STATS_A_MAX + 1];
	struct ipcx_nl_stats *s = arg;
	int a;

	if (!tb[IPCX_NL_A_STATS] ||
	    nla_parse_nested(st, IPCX_NL_STATS_A_MAX, tb[IPCX_NL_A_STATS], NULL))
		return -EBADMSG;
	for (a = 0; a <= IPCX_NL_STATS_A_MAX && a < 64; a++)
		if (st[a])
			s->present |= (uint64_t)1 << a;
	s->max_regions = ipcx_get32(st, IPCX_NL_STATS_A_MAX_REGIONS);
	s->max_region_bytes = ipcx_get64(st, IPCX_NL_STATS_A_MAX_REGION_BYTES);
	s->max_total_bytes = ipcx_get64(st, IPCX_NL_STATS_A_MAX_TOTAL_BYTES);
	s->max_locks_per_region = ipcx_get32(st, IPCX_NL_STATS_A_MAX_LOCKS_PER_REGION);
	s->regions = ipcx_get32(st, IPCX_NL_STATS_A_REGIONS);
	s->bytes = ipcx_get64(st, IPCX_NL_STATS_A_BYTES);
	s->locks = ipcx_get32(st, IPCX_NL_STATS_A_LOCKS);
	s->owners = ipcx_get32(st, IPCX_NL_STATS_A_OWNERS);
	s->subscribers = ipcx_get32(st, IPCX_NL_STATS_A_SUBSCRIBERS);
	s->max_subscribers = ipcx_get32(st, IPCX_NL_STATS_A_MAX_SUBSCRIBERS);
	s->max_user_subscribers = ipcx_get32(st, IPCX_NL_STATS_A_MAX_USER_SUBSCRIBERS);
	s->max_user_regions = ipcx_get32(st, IPCX_NL_STATS_A_MAX_USER_REGIONS);
	s->max_user_bytes = ipcx_get64(st, IPCX_NL_STATS_A_MAX_USER_BYTES);
	s->max_user_locks = ipcx_get32(st, IPCX_NL_STATS_A_MAX_USER_LOCKS);
	s->max_user_owners = ipcx_get32(st, IPCX_NL_STATS_A_MAX_USER_OWNERS);
	s->user_regions = ipcx_get32(st, IPCX_NL_STATS_A_USER_REGIONS);
	s->user_bytes = ipcx_get64(st, IPCX_NL_STATS_A_USER_BYTES);
	s->user_locks = ipcx_get32(st, IPCX_NL_STATS_A_USER_LOCKS);
	s->user_owners = ipcx_get32(st, IPCX_NL_STATS_A_USER_OWNERS);
	s->user_subscribers = ipcx_get32(st, IPCX_NL_STATS_A_USER_SUBSCRIBERS);
	s->user_locked_bytes = ipcx_get64(st, IPCX_NL_STATS_A_USER_LOCKED_BYTES);
	return 0;
}

/*
 * @size is the caller's sizeof(struct ipcx_nl_stats): the answer is
 * parsed into this library's own struct, then the part both know is
 * copied and the rest of a larger (newer) caller's struct zeroed, so that
 * neither side reads or writes past what the other has.
 */
int ipcx_nl_get_stats(struct ipcx_nl *nl, struct ipcx_nl_stats *stats, size_t size)
{
	struct ipcx_nl_stats all;
	struct nl_msg *msg;
	int ret;

	if (size < IPCX_NL_STATS_SIZE_VER0)
		return -EINVAL;
	memset(stats, 0, size);
	msg = ipcx_nl_msg(nl, IPCX_NL_CMD_STATS_GET, 0);
	if (!msg)
		return -ENOMEM;
	memset(&all, 0, sizeof(all));
	ret = ipcx_nl_transact(nl, msg, ipcx_on_stats, &all);
	if (ret)
		return ret;
	memcpy(stats, &all, size < sizeof(all) ? size : sizeof(all));
	return 0;
}

/* LIBIPCX_1.3's callers have the first version of the struct only. */
int ipcx_nl_stats(struct ipcx_nl *nl, struct ipcx_nl_stats *stats)
{
	return ipcx_nl_get_stats(nl, stats, IPCX_NL_STATS_SIZE_VER0);
}

int ipcx_nl_delete(struct ipcx_nl *nl, const char *name)
{
	struct nl_msg *msg;
	int ret;

	if (!name)
		return -EINVAL;
	ret = ipcx_nl_sel_msg(nl, IPCX_NL_CMD_REGION_DEL, 0, name, 0, &msg);
	if (ret)
		return ret;
	return ipcx_nl_transact(nl, msg, NULL, NULL);
}
