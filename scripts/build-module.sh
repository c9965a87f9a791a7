#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build ipcx.ko against another kernel tree without touching the objects in
# kernel/ (Kbuild writes objects beside the sources): stage the module's
# sources into DIR and build there. Fails on any compiler or modpost warning.
#
#   build-module.sh KDIR DIR      -> DIR/kernel/ipcx.ko
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kdir=$1
dir=$2
mkdir -p "$dir/kernel/lock" "$dir/include/uapi/linux"
dir=$(cd "$dir" && pwd)
# Copy only what changed, so that kbuild rebuilds incrementally; never
# kernel/ipcx.mod.c, which modpost wrote for the kernel kernel/ was built
# against: copied over DIR's own, a rebuild with nothing else changed would
# compile it into a module that kernel refuses ("disagrees about version
# of symbol module_layout"). Without Module.symvers modpost always runs
# and writes DIR's ipcx.mod.c for KDIR.
for f in "$top"/kernel/*.c; do
	case $f in *.mod.c) continue ;; esac
	cp -u "$f" "$dir/kernel/"
done
cp -u "$top"/kernel/*.h "$top/kernel/Kbuild" "$dir/kernel/"
rm -f "$dir/kernel/Module.symvers"
cp -u "$top"/kernel/lock/*.c "$top"/kernel/lock/*.h "$dir/kernel/lock/"
cp -u "$top/include/uapi/linux/ipcx.h" "$dir/include/uapi/linux/"
cp -u "$top/VERSION" "$dir/"
make -C "$kdir" M="$dir/kernel" KCFLAGS=-Werror modules > "$dir/build.log" 2>&1 ||
	{ cat "$dir/build.log" >&2; exit 1; }
if grep -E 'warning|WARNING' "$dir/build.log" >&2; then
	echo "build-module: warnings building against $kdir" >&2
	exit 1
fi
echo "$dir/kernel/ipcx.ko"
