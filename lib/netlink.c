// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libipcx: the control-plane client, over the "ipcx" generic netlink family
 * with libnl-genl-3. libnl's NLE_* codes never leave this file: every
 * function returns 0 or a negative errno, the kernel's own errno where it
 * sent one (captured from the NLMSG_ERROR / NLMSG_DONE payload, with the
 * extended-ack message kept for ipcx_nl_errmsg()).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "libipcx.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ipcx_nl {
	struct nl_sock *sk;	/* requests */
	struct nl_sock *ev;	/* events, after ipcx_nl_subscribe() */
	int family;
	char errmsg[256];	/* the last extended-ack message */
};

/* one request in flight: its parser and how it ended */
struct ipcx_nl_req {
	struct ipcx_nl *nl;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int err;	/* kernel errno (negative), or the parser's */
	int done;
};

static int ipcx_nle_to_errno(int nle)
{
	switch (abs(nle)) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_BUSY: return -EBUSY;
	case NLE_EXIST: return -EEXIST;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_NODEV: return -ENODEV;
	case NLE_IMMUTABLE: return -EROFS;
	case NLE_DUMP_INTR: return -EINTR;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	default: return -EIO;
	}
}

static int ipcx_nl_sock(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, ret;

	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		nl_socket_free(sk);
		return ipcx_nle_to_errno(ret);
	}
	/* best effort: the kernel's error messages (extended ack) */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	*skp = sk;
	return 0;
}

int ipcx_nl_open(struct ipcx_nl **nlp)
{
	struct ipcx_nl *nl = calloc(1, sizeof(*nl));
	int ret;

	if (!nl)
		return -ENOMEM;
	ret = ipcx_nl_sock(&nl->sk);
	if (ret)
		goto out_free;
	nl->family = genl_ctrl_resolve(nl->sk, IPCX_NL_FAMILY_NAME);
	if (nl->family < 0) {
		/* the family is registered by ipcx.ko: not loaded */
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT :
						       ipcx_nle_to_errno(nl->family);
		goto out_close;
	}
	*nlp = nl;
	return 0;

out_close:
	nl_socket_free(nl->sk);
out_free:
	free(nl);
	return ret;
}

void ipcx_nl_close(struct ipcx_nl *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		nl_socket_free(nl->ev);
	nl_socket_free(nl->sk);
	free(nl);
}

const char *ipcx_nl_errmsg(const struct ipcx_nl *nl)
{
	return nl->errmsg;
}

/* Keep the NLMSGERR_ATTR_MSG of an error or ack, if the kernel sent one. */
static void ipcx_nl_keep_extack(struct ipcx_nl *nl, const struct nlmsghdr *hdr,
				const void *payload, size_t fixed)
{
	const struct nlmsgerr *e = payload;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = fixed;
	int len;

	nl->errmsg[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (fixed == sizeof(*e) && !(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)payload + off), len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->errmsg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->errmsg));
}

static int ipcx_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ipcx_nl_req *r = arg;
	const struct nlmsghdr *hdr = (void *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	ipcx_nl_keep_extack(r->nl, hdr, e, sizeof(*e));
	if (!r->err)
		r->err = e->error;
	r->done = 1;
	return NL_STOP;
}

static int ipcx_nl_on_ack(struct nl_msg *msg, void *arg)
{
	struct ipcx_nl_req *r = arg;

	(void)msg;
	r->done = 1;
	return NL_STOP;
}

/* End of a dump: a negative int payload is the dump's error. */
static int ipcx_nl_on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct ipcx_nl_req *r = arg;
	int err;

	if (nlmsg_datalen(hdr) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(hdr), sizeof(err));
		if (err < 0 && !r->err) {
			r->err = err;
			ipcx_nl_keep_extack(r->nl, hdr, nlmsg_data(hdr), sizeof(int));
		}
	}
	r->done = 1;
	return NL_STOP;
}

static int ipcx_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCX_NL_A_MAX + 1];
	struct ipcx_nl_req *r = arg;
	int ret;

	if (r->err)
		return NL_SKIP;	/* the callback asked to stop: drain */
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCX_NL_A_MAX, NULL);
	if (ret < 0) {
		r->err = ipcx_nle_to_errno(ret);
		return NL_SKIP;
	}
	if (r->parse) {
		ret = r->parse(tb, r->arg);
		if (ret)
			r->err = ret;
	}
	return NL_OK;
}

/* Send a request built on @msg (consumed) over @sk and receive to its end. */
static int ipcx_nl_transact_on(struct ipcx_nl *nl, struct nl_sock *sk, struct nl_msg *msg,
			       int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct ipcx_nl_req r = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->errmsg[0] = '\0';
	nl_cb_err(cb, NL_CB_CUSTOM, ipcx_nl_on_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ipcx_nl_on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ipcx_nl_on_finish, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ipcx_nl_on_valid, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ret = ipcx_nle_to_errno(ret);
		goto out_put_cb;
	}
	ret = 0;
	while (!r.done && ret >= 0)
		ret = nl_recvmsgs(sk, cb);
	ret = r.err ? r.err : ret < 0 ? ipcx_nle_to_errno(ret) : 0;
out_put_cb:
	nl_cb_put(cb);
	return ret;
}

static int ipcx_nl_transact(struct ipcx_nl *nl, struct nl_msg *msg,
			    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	return ipcx_nl_transact_on(nl, nl->sk, msg, parse, arg);
}

static struct nl_msg *ipcx_nl_msg(struct ipcx_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, IPCX_NL_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A request that selects a region: by @name when given, else by @id. */
static int ipcx_nl_sel_msg(struct ipcx_nl *nl, uint8_t cmd, int flags,
			   const char *name, uint64_t id, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int ret;

	if (name && strlen(name) > IPCX_NAME_MAX)
		return -ENAMETOOLONG;
	msg = ipcx_nl_msg(nl, cmd, flags);
	if (!msg)
		return -ENOMEM;
	if (name)
		ret = nla_put_string(msg, IPCX_NL_A_REGION_NAME, name);
	else
		ret = nla_put_u64(msg, IPCX_NL_A_REGION_ID, id);
	if (ret) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*msgp = msg;
	return 0;
}

static uint32_t ipcx_get32(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u32(tb[a]) : 0;
}

static uint64_t ipcx_get64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static void ipcx_getstr(struct nlattr **tb, int a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (tb[a])
		nla_strlcpy(buf, tb[a], size);
}

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

/* The event socket failed to subscribe: gone, and its error returned. */
static int ipcx_nl_ev_drop(struct ipcx_nl *nl, int err)
{
	nl_socket_free(nl->ev);
	nl->ev = NULL;
	return err;
}

/*
 * The events of the caller's IPC namespace, sent to this handle's event
 * socket alone (IPCX_NL_CMD_EVENTS_SUBSCRIBE); no privilege needed.
 */
int ipcx_nl_subscribe(struct ipcx_nl *nl)
{
	struct nl_msg *msg;
	int ret;

	if (nl->ev)
		return 0;
	ret = ipcx_nl_sock(&nl->ev);
	if (ret)
		return ret;
	msg = ipcx_nl_msg(nl, IPCX_NL_CMD_EVENTS_SUBSCRIBE, 0);
	ret = msg ? ipcx_nl_transact_on(nl, nl->ev, msg, NULL, NULL) : -ENOMEM;
	if (ret)
		return ipcx_nl_ev_drop(nl, ret);
	nl_socket_disable_seq_check(nl->ev);
	nl_socket_set_nonblocking(nl->ev);
	return 0;
}

/* The events of every IPC namespace: the multicast group (CAP_NET_ADMIN). */
int ipcx_nl_subscribe_all(struct ipcx_nl *nl)
{
	int grp, ret;

	if (nl->ev)
		return 0;
	grp = genl_ctrl_resolve_grp(nl->sk, IPCX_NL_FAMILY_NAME, IPCX_NL_MCGRP_EVENTS);
	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : ipcx_nle_to_errno(grp);
	ret = ipcx_nl_sock(&nl->ev);
	if (ret)
		return ret;
	nl_socket_disable_seq_check(nl->ev);
	nl_socket_set_nonblocking(nl->ev);
	ret = nl_socket_add_membership(nl->ev, grp);
	if (ret < 0)
		return ipcx_nl_ev_drop(nl, ret == -NLE_PERM || ret == -NLE_NOACCESS ?
					   -EPERM : ipcx_nle_to_errno(ret));
	return 0;
}

int ipcx_nl_event_fd(const struct ipcx_nl *nl)
{
	return nl->ev ? nl_socket_get_fd(nl->ev) : -EINVAL;
}

/* one received notification, for ipcx_nl_recv_event() */
struct ipcx_ev_ctx {
	struct ipcx_nl_event *ev;
	int got;
};

static int ipcx_on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IPCX_NL_A_MAX + 1], *et[IPCX_NL_EVENT_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct ipcx_ev_ctx *c = arg;
	struct ipcx_nl_event *ev = c->ev;

	if (c->got)
		return NL_STOP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPCX_NL_A_MAX, NULL) < 0 ||
	    !tb[IPCX_NL_A_EVENT] ||
	    nla_parse_nested(et, IPCX_NL_EVENT_A_MAX, tb[IPCX_NL_A_EVENT], NULL))
		return NL_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->type = gh->cmd;
	ev->region_id = ipcx_get64(et, IPCX_NL_EVENT_A_REGION_ID);
	ipcx_getstr(et, IPCX_NL_EVENT_A_NAME, ev->name, sizeof(ev->name));
	ev->offset = ipcx_get64(et, IPCX_NL_EVENT_A_OFFSET);
	ev->pid = ipcx_get32(et, IPCX_NL_EVENT_A_PID);
	ev->tgid = ipcx_get32(et, IPCX_NL_EVENT_A_TGID);
	ipcx_getstr(et, IPCX_NL_EVENT_A_COMM, ev->comm, sizeof(ev->comm));
	c->got = 1;
	return NL_STOP;
}

/* notifications carry sequence number 0: no sequence check on them */
static int ipcx_on_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int ipcx_nl_recv_event(struct ipcx_nl *nl, struct ipcx_nl_event *ev, int timeout_ms)
{
	struct ipcx_ev_ctx c = { .ev = ev };
	struct pollfd pfd;
	struct nl_cb *cb;
	int ret = 0;

	if (!nl->ev)
		return -EINVAL;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ipcx_on_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ipcx_on_event, &c);
	pfd.fd = nl_socket_get_fd(nl->ev);
	pfd.events = POLLIN;
	while (!c.got) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (ret == 0)
			break;	/* timed out */
		/* one datagram per notification; a non-blocking socket */
		ret = nl_recvmsgs(nl->ev, cb);
		if (ret < 0 && ret != -NLE_AGAIN) {
			ret = ipcx_nle_to_errno(ret);
			break;
		}
		ret = 0;
	}
	nl_cb_put(cb);
	if (c.got)
		return 1;
	return ret < 0 ? ret : 0;
}
