#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl, taken from Debian's linux-source-6.1
# tarball (make deps installs it) into build/cache/checkpatch on first use,
# with the arguments given: e.g. checkpatch.sh --no-tree --strict -f FILE...
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${CHECKPATCH_DIR:-${BUILD:-$top/build}/cache/checkpatch}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
if [ ! -f "$dir/checkpatch.pl" ]; then
	[ -f "$tarball" ] || { echo "checkpatch.sh: no $tarball (run make deps)" >&2; exit 2; }
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
exec perl "$dir/checkpatch.pl" "$@"
