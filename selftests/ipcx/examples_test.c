// SPDX-License-Identifier: GPL-2.0
/*
 * The programs in examples/ (quoted by README) run and succeed, built two
 * ways: against the in-tree library (build/examples/) and with pkg-config
 * against a DESTDIR install (build/install-check/examples/, made by
 * scripts/install-check.sh; skipped where that step did not run). Each
 * program checks its own result and exits 0 only when it holds.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(example) {
	char build[PATH_MAX];	/* the build folder: ../ of this program */
};

FIXTURE_VARIANT(example) {
	const char *name;	/* examples/NAME.c */
	const char *dir;	/* under the build folder */
};

#define EXAMPLE(n, where, sub) \
	FIXTURE_VARIANT_ADD(example, n##_##where) { .name = #n, .dir = sub }

EXAMPLE(region, in_tree, "examples");
EXAMPLE(robust_mutex, in_tree, "examples");
EXAMPLE(channel, in_tree, "examples");
EXAMPLE(region, installed, "install-check/examples");
EXAMPLE(robust_mutex, installed, "install-check/examples");
EXAMPLE(channel, installed, "install-check/examples");

FIXTURE_SETUP(example)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ASSERT_LT(0, n);
	exe[n] = '\0';
	/* build/selftests/examples_test -> build */
	snprintf(self->build, sizeof(self->build), "%s", dirname(dirname(exe)));
}

FIXTURE_TEARDOWN(example)
{
}

TEST_F(example, runs_and_succeeds)
{
	char path[PATH_MAX + 64], out[4096];
	size_t len = 0;
	int status;
	FILE *p;

	if (access("/dev/ipcx", F_OK))
		SKIP(return, "ipcx module not loaded");
	snprintf(path, sizeof(path), "%s/%s/%s", self->build, variant->dir,
		 variant->name);
	if (access(path, X_OK))
		SKIP(return, "%s/%s not built", variant->dir, variant->name);
	p = popen(path, "r");
	ASSERT_NE(NULL, p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	status = pclose(p);
	TH_LOG("%s printed:", variant->name);
	fputs(out, stderr);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
