#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the guest for make demo. BUILD is the host's build folder.
set -eu
build=$1
echo "== modprobe ipcx"
modprobe ipcx
ls -l /dev/ipcx
echo "== ipcx version"
"$build/tools/ipcx" version
echo "== kernel log"
dmesg | grep 'ipcx:' | tail -n 3
if [ -x "$build/tools/ipcx-bench" ]; then
	echo "== ipcx-bench (quick profile; TCG times are not real-world times)"
	# IPCX_VM_OUT is the run's folder (build/vm/demo), writable from here
	"$build/tools/ipcx-bench" --quick --plots "$IPCX_VM_OUT"
	echo "== plots: $IPCX_VM_OUT/latency.svg throughput.svg locks.svg"
fi
