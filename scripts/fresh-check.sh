#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-fresh: README's commands on a machine that has none of ipcx's
# dependencies. Builds a minimal Debian 12 (debootstrap --variant=minbase,
# from the archive this machine's apt already uses) in BUILD/fresh/root,
# copies the committed tree into it (git archive HEAD), installs only
# `make` (README's step 0), then runs README's commands there as root, each
# once: `make demo`, then `make check` with the debug kernel and the matrix
# left out (CHECK_DEBUG=0 CHECK_MATRIX=0: they need nothing `deps` does not
# already bring for the stock run). Prints TAP and a closing count. Slow
# (downloads and installs every dependency, ~15-30 min); not part of
# make check, whose hygiene step checks the parse-time rule on every run.
# Needs root (debootstrap, chroot, mounts).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
dir=$build/fresh
root=$dir/root
pass=0
fail=0
tap() {
	if [ "$1" = 0 ]; then echo "ok - $2"; pass=$((pass + 1)); else echo "not ok - $2"; fail=$((fail + 1)); fi
}
cleanup() {
	local m
	for m in dev/pts dev proc sys tmp run; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
}
trap cleanup EXIT

command -v debootstrap > /dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap > /dev/null
uri=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
	grep -v security | head -n 1 | tr -d ' ')
[ -n "$uri" ] || uri=http://deb.debian.org/debian

cleanup
rm -rf "$dir"
mkdir -p "$dir"
t=$(date +%s)
debootstrap --variant=minbase bookworm "$root" "$uri" > "$dir/debootstrap.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -5 "$dir/debootstrap.log" | sed 's/^/# /'
tap $rc "minimal Debian 12 made with debootstrap --variant=minbase ($(( $(date +%s) - t ))s)"
[ $rc -eq 0 ] || exit 1

mkdir -p "$root/src/ipcx"
git -C "$top" archive HEAD | tar -x -C "$root/src/ipcx"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
mount -t tmpfs tmpfs "$root/tmp"
mount -t tmpfs tmpfs "$root/run"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null

in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		TERM=dumb LANG=C.UTF-8 /bin/sh -c "cd /src/ipcx && $1"
}

in_root 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make' \
	> "$dir/make.log" 2>&1
tap $? "step 0: apt-get install make"

t=$(date +%s)
in_root 'make demo' > "$dir/demo.log" 2>&1
rc=$?
[ $rc -eq 0 ] || grep -E 'error|Error|not ok|unreachable|failed' "$dir/demo.log" | head -10 | sed 's/^/# /'
tap $rc "make demo succeeds on its first run ($(( $(date +%s) - t ))s)"

t=$(date +%s)
in_root 'CHECK_DEBUG=0 CHECK_MATRIX=0 make check' > "$dir/check.log" 2>&1
rc=$?
tail -1 "$dir/check.log" | sed 's/^/# /'
tap $rc "make check (stock kernel) succeeds on its first run ($(( $(date +%s) - t ))s)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
