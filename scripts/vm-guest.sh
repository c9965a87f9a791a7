#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (started by vm-run.sh): installs the modules that
# vm-run.sh indexed on the host so that `modprobe ipcx` works, runs the command written
# to OUT/cmd.sh with a timeout, saves dmesg and fails on kernel bug reports.
# Writes the final status to OUT/status.
set -u
out=$1
moddir=$2
limit=$3
here=$(cd "$(dirname "$0")" && pwd)
kver=$(uname -r)

# vm-run.sh ran depmod on the host (46 s over 9p under TCG, 0.5 s there):
# copy the module and the index files into the guest-only /lib/modules overlay.
tree=$moddir/lib/modules/$kver
[ -d "$tree" ] || { echo "vm-guest: no module tree for $kver in $moddir" >&2; echo 99 > "$out/status"; exit 99; }
# virtme-ng links /lib/modules/KVER to a kernel unpacked elsewhere (read-only
# 9p): replace the link by a directory in the overlay that links back.
[ -L "/lib/modules/$kver" ] && rm -f "/lib/modules/$kver"
mkdir -p "/lib/modules/$kver"
[ -L "$tree/kernel" ] && [ ! -e "/lib/modules/$kver/kernel" ] &&
	ln -s "$(readlink "$tree/kernel")" "/lib/modules/$kver/kernel"
cp -r "$tree/extra" "$tree"/modules.* "/lib/modules/$kver/" ||
	{ echo 99 > "$out/status"; exit 99; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
# The demo's TCP rows and the netlink tests need a loopback interface; the
# runner does not bring it up where the host has no iproute2 of its own.
ip link set lo up 2>/dev/null || busybox ip link set lo up 2>/dev/null
echo "ipcx-vm: command starts" > /dev/kmsg


export IPCX_VM_OUT="$out"
timeout -k 5 "$limit" sh "$out/cmd.sh"
rc=$?
[ $rc -eq 124 ] && echo "vm-guest: command timed out after ${limit}s" >&2

# kmemleak (debug kernels): scan twice as the docs advise, then read.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$out/kmemleak.txt"
	[ -s "$out/kmemleak.txt" ] && cat "$out/kmemleak.txt" >> "$out/dmesg-extra.txt"
fi
dmesg > "$out/dmesg.txt"
cat "$out/dmesg-extra.txt" >> "$out/dmesg.txt" 2>/dev/null
if ! "$here/dmesg-check.sh" "$out/dmesg.txt"; then
	[ $rc -eq 0 ] && rc=98
fi
echo $rc > "$out/status"
exit $rc
