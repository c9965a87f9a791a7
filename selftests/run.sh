#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every selftest binary in BINDIR (inside the guest), each with a
# timeout; stream its TAP and keep a copy as OUTDIR/NAME.tap. Exits non-zero
# when any test program failed.
BINDIR=$1
OUTDIR=${2:-${IPCX_VM_OUT:-/tmp}}
LIMIT=${SELFTEST_TIMEOUT:-600}
rc=0
for t in "$BINDIR"/*_test; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "# selftest: $name"
	timeout -k 5 "$LIMIT" "$t" > "$OUTDIR/$name.tap" 2>&1
	trc=$?
	cat "$OUTDIR/$name.tap"
	if [ $trc -ne 0 ]; then
		echo "# selftest: $name exited with $trc"
		# a crash or timeout that the harness could not report itself
		grep -q "^not ok " "$OUTDIR/$name.tap" ||
			echo "not ok - $name exited with $trc" | tee -a "$OUTDIR/$name.tap"
		rc=1
	fi
done
exit $rc
