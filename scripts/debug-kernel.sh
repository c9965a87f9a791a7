#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the debug guest kernel (KASAN, lockdep, kmemleak, UBSAN, fault
# injection...) from Debian's linux-source-6.1 with the fragment
# kconfig/debug.config, into DIR (default build/cache/debug-kernel).
# Cached: rebuilt only when the fragment, this script or the source package
# version changes (their hash is kept in DIR/stamp). Prints the tree's path;
# bzImage is TREE/arch/x86/boot/bzImage, modules build with KDIR=TREE.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
dir=${1:-${BUILD:-$top/build}/cache/debug-kernel}
frag=$top/kconfig/debug.config
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${DEBUG_KERNEL_JOBS:-$(( $(nproc) + 1 ))}
[ -f "$tarball" ] || { echo "debug-kernel: no $tarball (make deps)" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
tree=$dir/linux-source-6.1
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %s "$tarball")
want=$( { echo "$srcver"; cat "$frag" "$0"; } | sha256sum | cut -d' ' -f1)

if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] &&
   [ -f "$tree/arch/x86/boot/bzImage" ] && [ -f "$tree/Module.symvers" ]; then
	echo "$tree"
	exit 0
fi
rm -f "$dir/stamp"
start=$(date +%s)
# A source package update means a new tree; a fragment change reuses it
# (kbuild rebuilds what the new configuration touches).
if [ ! -f "$dir/srcver" ] || [ "$(cat "$dir/srcver")" != "$srcver" ] || [ ! -d "$tree" ]; then
	echo "debug-kernel: extracting $tarball" >&2
	rm -rf "$tree"
	tar -xJf "$tarball" -C "$dir"
	echo "$srcver" > "$dir/srcver"
fi
cd "$tree"
echo "debug-kernel: configuring (tinyconfig + $frag)" >&2
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "$frag" > "$dir/merge.log" 2>&1
make -s olddefconfig >&2
# Every option the fragment asks for must have survived olddefconfig.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r line; do
	opt=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		! grep -q "^$opt=" .config || echo "$line (got $(grep "^$opt=" .config))"
	else
		grep -qxF "$line" .config || echo "$line"
	fi
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: options not taken (dependencies?):" >&2
	echo "$missing" >&2
	exit 1
fi
echo "debug-kernel: building with -j$jobs (about 9 min on 2 cores)" >&2
# `modules` writes Module.symvers, so modpost checks ipcx.ko's symbols.
make -j"$jobs" bzImage modules modules_prepare > "$dir/build.log" 2>&1 ||
	{ tail -40 "$dir/build.log" >&2; exit 1; }
echo "$want" > "$dir/stamp"
echo "debug-kernel: built in $(( $(date +%s) - start ))s" >&2
echo "$tree"
