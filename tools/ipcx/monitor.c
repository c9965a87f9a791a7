// SPDX-License-Identifier: GPL-2.0
/*
 * ipcx command: monitor, the events of this IPC namespace (or of all, on the
 * multicast group) until SIGINT/SIGTERM.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ipcx.h"

static volatile sig_atomic_t monitor_stop;

static void monitor_on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static const char *event_name(uint32_t type)
{
	switch (type) {
	case IPCX_NL_CMD_REGION_NEW_NTF: return "region-created";
	case IPCX_NL_CMD_REGION_DEL_NTF: return "region-destroyed";
	case IPCX_NL_CMD_HOLDER_DIED_NTF: return "holder-died";
	case IPCX_NL_CMD_LOCK_DEAD_NTF: return "lock-unrecoverable";
	case IPCX_NL_CMD_DEADLOCK_NTF: return "deadlock-refused";
	default: return "unknown";
	}
}

static bool is_lock_event(uint32_t type)
{
	return type == IPCX_NL_CMD_HOLDER_DIED_NTF || type == IPCX_NL_CMD_LOCK_DEAD_NTF ||
	       type == IPCX_NL_CMD_DEADLOCK_NTF;
}

struct monitor_opts {
	bool json;
	bool all_ns;	/* every IPC namespace */
};

static void print_event(const struct monitor_opts *o, const struct ipcx_nl_event *ev)
{
	struct timespec now;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &now);
	if (o->json) {
		printf("{\"time_ns\": %" PRIu64 ", \"event\": \"%s\", \"region_id\": %" PRIu64
		       ", \"name\": ",
		       (uint64_t)((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec),
		       event_name(ev->type), ev->region_id);
		json_str(stdout, ev->name);
		if (is_lock_event(ev->type)) {
			printf(", \"offset\": %" PRIu64 ", \"pid\": %u, \"tgid\": %u, \"comm\": ",
			       ev->offset, ev->pid, ev->tgid);
			json_str(stdout, ev->comm);
		}
		puts("}");
	} else {
		printf("%s %-18s region %" PRIu64 " %s", fmt_time(
			(uint64_t)now.tv_sec * 1000000000ull, when, sizeof(when)),
		       event_name(ev->type), ev->region_id, *ev->name ? ev->name : "(anon)");
		if (is_lock_event(ev->type))
			printf(" lock@%" PRIu64 " pid %u (tgid %u, %s)", ev->offset, ev->pid,
			       ev->tgid, ev->comm);
		putchar('\n');
	}
	fflush(stdout);
}

int cmd_monitor(const struct cmd *cmd, int argc, char **argv)
{
	struct monitor_opts mo = { .json = global_json }, *o = &mo;
	struct ipcx_nl_event ev;
	struct sigaction sa;
	struct ipcx_nl *nl;
	int ret;

	while ((ret = cmd_getopt(cmd, argc, argv)) != -1) {
		if (ret >= OPT_EXIT)
			return ret - OPT_EXIT;
		if (ret == 'A')
			mo.all_ns = true;
		else
			mo.json = true;
	}
	if (cmd_args(cmd, argc, argv, 0, 0, ""))
		return EXIT_USAGE;
	ret = open_nl_or_explain(&nl);
	if (ret)
		return ret;
	ret = o->all_ns ? ipcx_nl_subscribe_all(nl) : ipcx_nl_subscribe(nl);
	if (ret) {
		if (ret == -EPERM && o->all_ns)
			fprintf(stderr, "ipcx monitor: the events of every namespace need CAP_NET_ADMIN\n");
		else if (ret == -ENOSPC)
			fprintf(stderr, "ipcx monitor: too many event subscribers (module "
				"parameters max_user_subscribers, max_subscribers: "
				"/sys/module/ipcx/parameters/)\n");
		else
			report(cmd, nl, "subscribing to the events", ret);
		ipcx_nl_close(nl);
		return EXIT_FAILED;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = monitor_on_signal;	/* no SA_RESTART: poll returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* on stderr, also with --json: a script may wait for it */
	fprintf(stderr, "ipcx: monitoring events of %s, ^C to stop\n",
		o->all_ns ? "every IPC namespace" : "this IPC namespace");
	while (!monitor_stop) {
		ret = ipcx_nl_recv_event(nl, &ev, 500);
		if (ret == -EINTR) {	/* SIGINT/SIGTERM: a normal end */
			ret = 0;
			continue;
		}
		if (ret < 0) {
			report(cmd, nl, "receiving events", ret);
			break;
		}
		if (ret == 1)
			print_event(o, &ev);
		ret = 0;
	}
	ipcx_nl_close(nl);
	return ret < 0 ? EXIT_FAILED : 0;
}
