#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a user or a distribution meets after `make install` (make check's
# "install" step; prints TAP). Installs into a DESTDIR with PREFIX=/usr, as
# a package build would, then:
#  - BINDIR holds the user-facing commands only (ipcx, ipcx-bench), the
#    demos sit under libexec/ipcx, no depmod output landed in DESTDIR;
#  - every example program builds with `pkg-config --cflags --libs ipcx`
#    against that install alone (the VM runs them: examples_test);
#  - `make uninstall` with the same DESTDIR/PREFIX leaves no file behind.
# Usage: install-check.sh BUILD
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
out=$build/install-check
root=$out/root
fails=0
tap() {
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fails=$((fails + 1)); fi
}
cd "$top" || exit 1
rm -rf "$out"
mkdir -p "$out/examples"

make -s install DESTDIR="$root" PREFIX=/usr BUILD="$build" > "$out/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -20 "$out/install.log" | sed 's/^/# /'
tap $rc "make install DESTDIR=... PREFIX=/usr"

bins=$(ls "$root/usr/bin" 2>/dev/null | tr '\n' ' ')
tap "$([ "$bins" = "ipcx ipcx-bench " ]; echo $?)" "BINDIR holds ipcx and ipcx-bench only (got: $bins)"
[ -x "$root/usr/libexec/ipcx/ipcx-lockdemo" ] && [ -x "$root/usr/libexec/ipcx/pipe_writer" ]
tap $? "demos installed under libexec/ipcx"
[ -f "$root/usr/lib/udev/rules.d/60-ipcx.rules" ] && [ ! -e "$root/etc" ]
tap $? "udev rule under PREFIX/lib/udev/rules.d, nothing in /etc"
stray=$(find "$root/lib/modules" -name 'modules.*' 2>/dev/null | head -3)
tap "$([ -z "$stray" ]; echo $?)" "no depmod output in DESTDIR ${stray:+(found: $stray)}"
grep -q '^prefix=/usr$' "$root/usr/lib/pkgconfig/ipcx.pc"
tap $? "ipcx.pc written for PREFIX=/usr"

export PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_PATH=$root/usr/lib/pkgconfig
for src in examples/*.c; do
	name=$(basename "$src" .c)
	flags=$(pkg-config --cflags --libs ipcx 2> "$out/pc.err")
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$out/examples/$name" "$src" \
		$flags -Wl,-rpath,"$root/usr/lib" > "$out/cc.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { cat "$out/pc.err" "$out/cc.log" | head -10 | sed 's/^/# /'; }
	tap $rc "examples/$name.c builds with pkg-config against the install ($flags)"
done
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH

# uninstall a copy: the examples built above stay linked to $root for the VM
cp -a "$root" "$out/root-uninstall"
make -s uninstall DESTDIR="$out/root-uninstall" PREFIX=/usr BUILD="$build" > "$out/uninstall.log" 2>&1
rc=$?
left=$(find "$out/root-uninstall" ! -type d | sed "s|^$out/root-uninstall||" | head -5 | tr '\n' ' ')
tap "$([ $rc -eq 0 ] && [ -z "$left" ]; echo $?)" "make uninstall removes every installed file (status $rc${left:+, left: $left})"
[ $fails -eq 0 ]
