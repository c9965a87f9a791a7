#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job (make demo): boot the guest, load ipcx, show that it answers,
# and, once the benchmark exists, compare ipcx with the classic mechanisms.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build}
# Where the module is already loaded (a real host), run natively; the VM is
# the default only where it cannot be loaded (as on the build machines).
if [ -c /dev/ipcx ] && [ -z "${IPCX_DEMO_VM:-}" ]; then
	echo "demo: /dev/ipcx exists: running natively (IPCX_DEMO_VM=1 forces the VM)" >&2
	mkdir -p "$build/demo"
	IPCX_VM_OUT=$build/demo exec "$here/demo-guest.sh" "$build"
fi
exec "$here/vm-run.sh" --out "$build/vm/demo" -- "$here/demo-guest.sh $build"
