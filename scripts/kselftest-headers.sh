#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extract kselftest_harness.h and kselftest.h from Debian's linux-source-6.1
# tarball into DIR (default build/cache/kselftest). The project never carries
# copies of kernel files.
set -eu
DIR=${1:-build/cache/kselftest}
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
[ -f "$DIR/kselftest_harness.h" ] && [ -f "$DIR/kselftest.h" ] && exit 0
[ -f "$TARBALL" ] || { echo "no $TARBALL (run make deps)" >&2; exit 1; }
mkdir -p "$DIR"
tar -xJf "$TARBALL" -C "$DIR" --strip-components=4 \
	linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
	linux-source-6.1/tools/testing/selftests/kselftest.h
