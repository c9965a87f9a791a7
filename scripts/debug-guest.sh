#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make check-debug` (run by vm-run.sh on the debug
# kernel): load ipcx, run every selftest, unload it and let its objects age
# past kmemleak's 5 s grace time; vm-guest.sh then scans kmemleak twice and
# fails the run on any report in dmesg.
#
#   debug-guest.sh SELFTEST_BINDIR
here=$(cd "$(dirname "$0")" && pwd)
kml=/sys/kernel/debug/kmemleak
# What boot leaked (or seems to) is not ours: report only what comes after.
if [ -w "$kml" ]; then
	echo scan > "$kml"
	echo clear > "$kml"
fi
modprobe ipcx || { echo "debug-guest: modprobe ipcx failed"; exit 1; }
# The wake-up audit runs three times its default rounds here, with lockdep
# and KASAN watching every hand-off (about 60 s on TCG; 4 rounds took 20 s).
IPCX_WAKEUP_ROUNDS=${IPCX_WAKEUP_ROUNDS:-12} "$here/../selftests/run.sh" "$1"
rc=$?
# A leak found while ipcx is still loaded has its functions named in the
# backtrace (after rmmod they are bare addresses): keep that report too.
if [ -w "$kml" ]; then
	echo scan > "$kml"
	cat "$kml" > "${IPCX_VM_OUT:-/tmp}/kmemleak-before-rmmod.txt"
fi
# module_test cycles the module: unload it only if it is loaded.
if grep -q '^ipcx ' /proc/modules && ! rmmod ipcx; then
	echo "debug-guest: rmmod ipcx failed"
	rc=1
fi
sleep 6
exit $rc
