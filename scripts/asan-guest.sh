#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM, after the selftests (ipcx loaded): the ASan+UBSan builds of the
# tools against the real module. The selftests that run the ipcx command
# run again with IPCX_TOOL pointing at its ASan build, and the ASan
# ipcx-bench runs its ipcx rows. Any sanitizer report makes a program exit
# non-zero. TAP goes to stdout and OUTDIR/asan_tools_test.tap.
#
#   asan-guest.sh BUILD [OUTDIR]
build=$1
out=${2:-${IPCX_VM_OUT:-/tmp}}
tap=$out/asan_tools_test.tap
asan=$build/asan/tools
rc=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
: > "$tap"

# check STATUS DESCRIPTION LOG
check() {
	if [ "$1" -eq 0 ]; then
		echo "ok - $2" | tee -a "$tap"
	else
		grep -E 'ERROR: |runtime error|not ok' "$3" | head -20
		echo "not ok - $2 (status $1)" | tee -a "$tap"
		rc=1
	fi
}

if [ ! -x "$asan/ipcx" ] || [ ! -x "$asan/ipcx-bench" ]; then
	echo "not ok - ASan tools built in $asan (make asan-tests)" | tee -a "$tap"
	exit 1
fi
for t in cli_test cli_watch_test; do
	IPCX_TOOL=$asan/ipcx "$build/selftests/$t" > "$out/asan-$t.log" 2>&1
	check $? "$t with the ASan+UBSan ipcx command" "$out/asan-$t.log"
done
"$asan/ipcx-bench" --smoke --only ipcx,ipcx-chan,ipcx-chan-zc > "$out/asan-bench.log" 2>&1
check $? "ASan+UBSan ipcx-bench --smoke, ipcx rows" "$out/asan-bench.log"
grep -q '^unavailable: ipcx' "$out/asan-bench.log"
check $(( ! $? )) "ASan+UBSan ipcx-bench found the module" "$out/asan-bench.log"
exit $rc
