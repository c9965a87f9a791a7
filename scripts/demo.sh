#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job (make demo): boot the guest, load ipcx, show that it answers,
# and, once the benchmark exists, compare ipcx with the classic mechanisms.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build}
exec "$here/vm-run.sh" --out "$build/vm/demo" -- "$here/demo-guest.sh $build"
