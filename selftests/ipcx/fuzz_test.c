// SPDX-License-Identifier: GPL-2.0
/*
 * Runs tools/fuzz/ipcx-fuzz (random ioctl/mmap/netlink sequences from
 * several processes and threads) for a bounded number of iterations and
 * checks that it finished cleanly, that it did all its iterations, and that
 * the module's region, byte, lock and owner counts are back to what they
 * were before (nothing leaked, nothing left named).
 *
 * Environment: IPCX_FUZZ_ITERATIONS (default 30000; 10000 on a lockdep
 * kernel), IPCX_FUZZ_SEED (default: the fuzzer picks one and prints it),
 * IPCX_FUZZ_BIN (default: ../tools/ipcx-fuzz next to this binary).
 * Kernel reports (KASAN, lockdep, WARN) fail the VM run itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipcx.h>
#include "libipcx.h"
#include "lock_helpers.h"

#include "kselftest_harness.h"

#define FUZZ_LIMIT_S	170	/* the run must end within this */

static unsigned long fuzz_iterations(void)
{
	const char *e = getenv("IPCX_FUZZ_ITERATIONS");

	if (e && *e)
		return strtoul(e, NULL, 0);
	/* lockdep + KASAN under TCG are several times slower */
	return access("/proc/lockdep", F_OK) ? 30000 : 10000;
}

static void fuzz_bin(char *buf, size_t len)
{
	const char *e = getenv("IPCX_FUZZ_BIN");
	char self[PATH_MAX];
	ssize_t n;

	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	snprintf(buf, len, "%s/../tools/ipcx-fuzz", dirname(self));
}

/* Counts back to @base within 10 s (owner ids retire in a work item). */
static int back_to_baseline(const struct ipcx_nl_stats *base, struct ipcx_nl_stats *now)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (lh_stats(now))
			return 0;
		if (now->regions == base->regions && now->bytes == base->bytes &&
		    now->locks == base->locks && now->owners <= base->owners)
			return 1;
		usleep(100000);
	}
	return 0;
}

FIXTURE(fuzz) {
	struct ipcx_nl_stats base;
};

FIXTURE_SETUP(fuzz)
{
	int fd = open(IPCX_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "ipcx module not loaded");
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, lh_sweep_dead_names());
	ASSERT_EQ(0, lh_stats(&self->base));
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, random_sequences, FUZZ_LIMIT_S + 30)
{
	unsigned long n = fuzz_iterations(), done = 0, seed = 0;
	const char *seed_env = getenv("IPCX_FUZZ_SEED");
	char bin[PATH_MAX], iters[32], line[4096];
	struct ipcx_nl_stats now;
	int pfd[2], status, summary = 0;
	time_t start = time(NULL);
	unsigned int procs = 0, threads = 0, p, t;
	unsigned long d, sd;
	FILE *out;
	pid_t pid;

	fuzz_bin(bin, sizeof(bin));
	ASSERT_EQ(0, access(bin, X_OK)) {
		TH_LOG("no fuzzer at %s (make; or set IPCX_FUZZ_BIN)", bin);
	}
	snprintf(iters, sizeof(iters), "%lu", n);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		alarm(FUZZ_LIMIT_S);	/* a stuck fuzzer dies of SIGALRM */
		if (seed_env && *seed_env)
			execl(bin, bin, "--iterations", iters, "--procs", "3",
			      "--threads", "3", "--seed", seed_env, "--stall", "60", (char *)NULL);
		else
			execl(bin, bin, "--iterations", iters, "--procs", "3",
			      "--threads", "3", "--stall", "60", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	out = fdopen(pfd[0], "r");
	ASSERT_NE(NULL, out);
	while (fgets(line, sizeof(line), out)) {
		fputs(line, stdout);
		if (sscanf(line, "# fuzz: %lu iterations, %u processes x %u threads, seed %lu",
			   &d, &p, &t, &sd) == 4) {
			done = d;
			procs = p;
			threads = t;
			seed = sd;
			summary = 1;
		}
	}
	fflush(stdout);
	fclose(out);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	printf("# fuzz_test: %lu iterations in %lds\n", done, (long)(time(NULL) - start));
	fflush(stdout);
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("ipcx-fuzz died of signal %d (SIGALRM: stuck for %d s)",
		       WTERMSIG(status), FUZZ_LIMIT_S);
	}
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_TRUE(summary);
	EXPECT_EQ(3, procs);
	EXPECT_EQ(3, threads);
	/* every thread ran its share: n rounded up to 9 equal shares */
	EXPECT_EQ((n + 8) / 9 * 9, done);
	if (seed_env && *seed_env)
		EXPECT_EQ(strtoul(seed_env, NULL, 0), seed);

	ASSERT_TRUE(back_to_baseline(&self->base, &now)) {
		TH_LOG("after the fuzzer: %u regions (was %u), %llu bytes (was %llu), "
		       "%u locks (was %u), %u owners (was %u)",
		       now.regions, self->base.regions,
		       (unsigned long long)now.bytes, (unsigned long long)self->base.bytes,
		       now.locks, self->base.locks, now.owners, self->base.owners);
	}
}

TEST_HARNESS_MAIN
