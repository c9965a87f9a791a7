#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test of the project, each step reporting TAP into
# build/check/*.tap, then one closing line "N passed, N failed".
#   0. build hygiene (scripts/hygiene.sh): nothing evaluated before `deps`,
#      the public header alone under every C and C++ standard
#   1. libipcx unit tests (host), then again built with ASan+LSan+UBSan
#   1b. cli: the ipcx command's options, --help and messages, no module
#   1c. cross: libipcx (.so and .a), the ipcx command and the unit tests
#      cross-built for arm64 (mk/cross.mk); the unit tests that stay in
#      user space run under qemu-user
#   2. static checks: checkpatch --strict and sparse on kernel/
#   3. DKMS: add + build against the installed headers, then remove
#   3b. install: make install into a DESTDIR (PREFIX=/usr), the examples
#      built with pkg-config against it, make uninstall removes it all
#      (scripts/install-check.sh; the VM runs those examples)
#   4. selftests inside the VM (kselftest harness), dmesg must stay clean
#   5. the VM runner itself: a module that WARNs must fail the run
#   6. ipcx-bench --smoke natively: every available mechanism gives results
#      with verified checksums, and the plots are written; ipcx-chan-fastpath
#      measures the channel's user-space path natively (kernel calls stubbed
#      and counted: sending and receiving with nobody waiting must make none),
#      ipcx-lock-fastpath(-so) the locks' through libipcx.a and libipcx.so
#   7. matrix: the selftests on Debian's 6.12 from bookworm-backports too
#           (fetched into build/cache; CHECK_MATRIX=0 skips it)
#   8. debug: the selftests on a KASAN/lockdep/kmemleak/UBSAN kernel built
#           from linux-source-6.1 (scripts/debug-kernel.sh), then rmmod and
#           a kmemleak scan; any kernel report fails (CHECK_DEBUG=0 skips it)
# CHECK_STEPS="hygiene lib cli asan cross static dkms install vm runner bench" selects steps;
# CHECK_RESULTS=DIR keeps results elsewhere than build/check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build}
res=${CHECK_RESULTS:-$build/check}
debug_step=debug
[ "${CHECK_DEBUG:-1}" = 0 ] && debug_step=
matrix_step=matrix
[ "${CHECK_MATRIX:-1}" = 0 ] && matrix_step=
steps=${CHECK_STEPS:-hygiene lib cli asan cross static dkms install vm runner bench $matrix_step $debug_step}
kver=$("$here/kver.sh") || exit 1
kdir=${KDIR:-/usr/src/linux-headers-$kver}
rm -rf "$res"
mkdir -p "$res"
cd "$top" || exit 1
start=$(date +%s)

# tap FILE OK DESCRIPTION: record one result line
tap() {
	if [ "$2" = 0 ]; then echo "ok - $3"; else echo "not ok - $3"; fi | tee -a "$1"
}

step_hygiene() {
	"$here/hygiene.sh" "$top" | tee "$res/hygiene.tap"
}

step_lib() {
	local t rc
	for t in "$build"/lib/tests/*_test; do
		echo "# libipcx: $(basename "$t")"
		"$t" > "$res/lib-$(basename "$t").tap" 2>&1
		rc=$?
		cat "$res/lib-$(basename "$t").tap"
		[ $rc -eq 0 ] || grep -q '^not ok' "$res/lib-$(basename "$t").tap" ||
			tap "$res/lib-$(basename "$t").tap" 1 "$(basename "$t") exited with $rc"
	done
}

# The ipcx command's grammar and messages, no module needed (tools/ipcx/host-test.sh)
step_cli() { tools/ipcx/host-test.sh "$build/tools/ipcx" | tee "$res/cli.tap"; }

# The same unit tests built with -fsanitize=address,undefined (mk/asan.mk):
# a sanitizer report makes the program exit non-zero.
step_asan() {
	local t name log rc a
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for t in "$build"/asan/tests/*_test; do
		[ -x "$t" ] || { tap "$res/asan.tap" 1 "ASan unit tests built (make asan-tests)"; return; }
		name=$(basename "$t")
		log=$res/asan-$name.log
		"$t" > "$log" 2>&1
		rc=$?
		[ $rc -eq 0 ] || { grep -E 'ERROR|runtime error|not ok' "$log" | head -20; }
		tap "$res/asan.tap" $rc "$name under ASan+LSan+UBSan (status $rc)"
	done
	# the channel library against a hostile peer (lib/tests/chan_fuzz.c):
	# sanitizers, bounds of views and lengths, deadlines, non-blocking cost
	log=$res/asan-chan-fuzz.log
	"$build/asan/tests/ipcx-chan-fuzz" > "$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { grep -E 'ERROR|runtime error|FAIL|seed' "$log" | head -20; }
	tap "$res/asan.tap" $rc "ipcx-chan-fuzz: a scribbling peer, every channel kind and role (status $rc; $(grep -m1 -o 'seed [0-9]*' "$log"))"
	# the tools: ipcx-bench's classic mechanisms, the command's error paths
	# (no module here: exit 3); in the VM, scripts/asan-guest.sh does the rest
	log=$res/asan-bench.log
	"$build/asan/tools/ipcx-bench" --smoke > "$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { grep -E 'ERROR|runtime error' "$log" | head -20; }
	tap "$res/asan.tap" $rc "ipcx-bench --smoke under ASan+LSan+UBSan (status $rc)"
	for a in "--help:0" "ls:3" "frobnicate:2" "create x:2" "top --interval -1:2" "stat:2"; do
		log=$res/asan-ipcx.log
		"$build/asan/tools/ipcx" ${a%:*} > "$log" 2>&1
		rc=$?
		grep -qE 'ERROR: |runtime error' "$log" && rc=99
		tap "$res/asan.tap" "$([ $rc -eq "${a##*:}" ]; echo $?)" \
			"ASan ipcx ${a%:*}: exit ${a##*:} without a sanitizer report (got $rc)"
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS
}

# The library, the ipcx command and the unit tests built for arm64 with
# Debian's cross compiler (make cross, mk/cross.mk), every output an
# AArch64 ELF file. Of the unit tests, those that never reach the kernel
# (CROSS_RUN) run under qemu-user: qemu-user passes no ioctl it does not
# know to the host (ENOSYS), so the tests whose cases go through /dev/null's
# or a bad fd's ioctl are built only. They run on the arm64 libc from
# multiarch (mk/cross.mk says why not on the cross toolchain's).
CROSS_RUN="lockfast_test chan_states_test chan_ring_test chan_dead_test"
step_cross() {
	local f=$res/cross.tap dir=$build/cross/aarch64-linux-gnu out t rc
	{ "$here/deps.sh" cross && make -s BUILD="$build" cross; } > "$res/cross.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$res/cross.log"
	tap "$f" $rc "libipcx.so, libipcx.a, ipcx and the unit tests cross-build for arm64 (aarch64-linux-gnu-gcc, -Werror)"
	[ $rc -eq 0 ] || return
	out=$(for t in "$dir"/lib/libipcx.so.* "$dir"/lib/libipcx.a "$dir"/tools/ipcx "$dir"/tests/*_test; do
		[ -L "$t" ] && continue
		readelf -h "$t" | grep -q 'Machine:.*AArch64' || echo "$t"
	done)
	[ -z "$out" ] || echo "# not AArch64: $out"
	tap "$f" "$([ -z "$out" ]; echo $?)" "every cross-built library, program and test is an AArch64 ELF file"
	for t in $CROSS_RUN; do
		timeout 300 qemu-aarch64 "$dir/tests/$t" > "$res/cross-$t.log" 2>&1
		rc=$?
		sed 's/^\(not \)\{0,1\}ok [0-9]* - /&arm64: /' "$res/cross-$t.log" | tee "$res/cross-$t.tap"
		[ $rc -eq 0 ] || grep -q '^not ok' "$res/cross-$t.tap" ||
			tap "$res/cross-$t.tap" 1 "arm64: $t under qemu-user exited with $rc"
	done
}

step_static() {
	local f=$res/static.tap files out
	files=$(ls kernel/*.c kernel/*.h kernel/lock/*.[ch] include/uapi/linux/*.h | grep -v '\.mod\.c$')
	out=$("$here/checkpatch.sh" --no-tree --strict --terse --show-types -f $files 2>&1 |
		grep -E ': (ERROR|WARNING|CHECK):|checkpatch.sh:')
	[ -z "$out" ] || echo "$out"
	tap "$f" "$([ -z "$out" ]; echo $?)" "checkpatch --strict (from linux-source-6.1) clean on kernel/ and uapi"
	make -s -C "$kdir" M="$top/kernel" clean >/dev/null 2>&1
	out=$(make -s -C "$kdir" M="$top/kernel" C=1 KCFLAGS=-Werror modules 2>&1 | grep -E 'warning|error')
	[ -z "$out" ] || echo "$out"
	tap "$f" "$([ -z "$out" ]; echo $?)" "sparse (make C=1) clean on kernel/"
}

step_dkms() {
	local f=$res/dkms.tap ver rc
	ver=$(cat VERSION)
	make -s dkms-src BUILD="$build" >/dev/null || { tap "$f" 1 "dkms source staged"; return; }
	dkms remove "ipcx/$ver" --all >/dev/null 2>&1
	rm -rf "/usr/src/ipcx-$ver"
	dkms add "$build/dkms/ipcx-$ver" > "$res/dkms.log" 2>&1 &&
		dkms build "ipcx/$ver" -k "$kver" >> "$res/dkms.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$res/dkms.log"
	tap "$f" $rc "dkms add + build ipcx/$ver against $kver"
	dkms remove "ipcx/$ver" --all >> "$res/dkms.log" 2>&1
	rm -rf "/usr/src/ipcx-$ver"
	dkms status 2>/dev/null | grep -q "^ipcx" 
	tap "$f" "$([ $? -ne 0 ]; echo $?)" "dkms remove leaves no ipcx entry"
}

step_install() {
	"$here/install-check.sh" "$build" | tee "$res/install.tap"
}

step_vm() {
	local f=$res/vm.tap rc
	"$here/vm-run.sh" --out "$build/vm/selftests" -- \
		"modprobe ipcx && { selftests/run.sh $build/selftests; r=\$?;
		 scripts/asan-guest.sh $build; a=\$?; [ \$r -eq 0 ] && [ \$a -eq 0 ]; }"
	rc=$?
	cp "$build"/vm/selftests/*_test.tap "$res/" 2>/dev/null
	tap "$f" $rc "VM run of the selftests finished with a clean dmesg (status $rc)"
}

# The debug guest: panic on any WARN (KASAN and UBSAN reports too), hung
# tasks reported after 60 s; the soak tests shortened and the channel
# integrity runs given fewer messages (KASAN under TCG is ~10x slower).
# Times measured here are in README.md.
DEBUG_APPEND="panic_on_warn=1 sysctl.kernel.hung_task_timeout_secs=60"
DEBUG_SOAK=${DEBUG_SOAK_SECONDS:-10}
DEBUG_CHAN_MSGS=${DEBUG_CHAN_MSGS:-100000}

# module_for TAP KDIR DIR WHAT: build ipcx.ko against KDIR in DIR, record it
module_for() {
	local rc
	mkdir -p "$(dirname "$3")"
	"$here/build-module.sh" "$2" "$3" > /dev/null 2> "$3.log"
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$3.log"
	tap "$1" $rc "ipcx.ko builds against $4 without warnings, modpost quiet"
	return $rc
}

# keep_taps DIR PREFIX: keep a VM run's selftest TAP with the results
keep_taps() {
	local t
	for t in "$1"/*_test.tap; do
		[ -f "$t" ] && cp "$t" "$res/$2$(basename "$t")"
	done
}

step_debug() {
	local f=$res/debug.tap tree t rc
	t=$(date +%s)
	tree=$("$here/debug-kernel.sh" 2> "$res/debug-kernel.log")
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$res/debug-kernel.log"
	tap "$f" $rc "debug kernel built from linux-source-6.1 + kconfig/debug.config ($(( $(date +%s) - t ))s)"
	[ $rc -eq 0 ] || return
	module_for "$f" "$tree" "$build/kbuild/debug" "the debug kernel" || return
	t=$(date +%s)
	"$here/vm-run.sh" --kernel "$tree/arch/x86/boot/bzImage" \
		--modules "$build/kbuild/debug/kernel" --out "$build/vm/debug" \
		--timeout "${DEBUG_TIMEOUT:-2400}" --boot-time 420 \
		--append "$DEBUG_APPEND" --env "IPCX_SOAK_SECONDS=$DEBUG_SOAK" \
		--env "IPCX_CHAN_MSGS=$DEBUG_CHAN_MSGS" -- \
		"scripts/debug-guest.sh $build/selftests"
	rc=$?
	keep_taps "$build/vm/debug" debug-
	tap "$f" $rc "debug kernel: selftests, rmmod, kmemleak: no KASAN/lockdep/UBSAN/leak report (status $rc, $(( $(date +%s) - t ))s)"
}

# The same selftests on another Debian kernel (default: 6.12 from
# bookworm-backports, unpacked into build/cache, apt sources untouched).
step_matrix() {
	local f=$res/matrix.tap suite=${MATRIX_SUITE:-bookworm-backports} paths img kdir kmods rc name
	paths=$("$here/fetch-kernel.sh" "$build/cache" "$suite" 2> "$res/matrix-fetch.log")
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$res/matrix-fetch.log"
	img=$(echo "$paths" | sed -n 1p)
	kdir=$(echo "$paths" | sed -n 2p)
	kmods=$(echo "$paths" | sed -n 3p)
	name=$(basename "$kdir" | sed 's/^linux-headers-//')
	tap "$f" $rc "kernel $name fetched from $suite"
	[ $rc -eq 0 ] || return
	module_for "$f" "$kdir" "$build/kbuild/$name" "$name" || return
	"$here/vm-run.sh" --kernel "$img" --image-modules "$(dirname "$kmods")" \
		--modules "$build/kbuild/$name/kernel" --out "$build/vm/$name" -- \
		"modprobe ipcx && selftests/run.sh $build/selftests"
	rc=$?
	keep_taps "$build/vm/$name" "$name-"
	tap "$f" $rc "VM run of the selftests on $name finished with a clean dmesg (status $rc)"
}

step_runner() {
	local f=$res/runner.tap rc
	make -s -C "$kdir" M="$top/selftests/canary" modules >/dev/null 2>&1 ||
		{ tap "$f" 1 "warn_canary module builds"; return; }
	"$here/vm-run.sh" --out "$build/vm/canary" --modules "$top/selftests/canary" -- \
		"modprobe warn_canary" > "$res/runner.log" 2>&1
	rc=$?
	tail -5 "$res/runner.log"
	tap "$f" "$([ $rc -eq 98 ]; echo $?)" "VM runner fails a run whose module WARNs (status $rc, want 98)"
}

# Per mechanism in ipcx-bench's JSON summary: ok when it has rows, none
# failed and every one verified its payloads; unavailable ones are skips.
bench_tap() {
	python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for m in d["summary"]:
    name = m["mech"]
    if not m["available"]:
        note = next(r["note"] for r in d["rows"] if r["mech"] == name)
        print(f"ok - bench smoke: {name} # SKIP unavailable: {note}")
    elif m["rows"] > 0 and m["failed"] == 0 and m["unchecked"] == 0:
        print(f"ok - bench smoke: {name} ({m['rows']} rows, checksums verified)")
    else:
        bad = [f"{r['work']} {r['size']}: {r['note']}" for r in d["rows"]
               if r["mech"] == name and (r["status"] != "ok" or not r["checked"])]
        print(f"not ok - bench smoke: {name} ({'; '.join(bad)[:200]})")
# schema 2: what a reader of the JSON relies on
ok = [r for r in d["rows"] if r["status"] == "ok"]
probs = []
if d.get("schema") != 2 or not d.get("timestamp"):
    probs.append("schema/timestamp missing")
for r in ok:
    rate = r["work"] in ("throughput", "contended")
    if (r["p50_ns"] is None) != rate or (r["msgs_s"] is None) == rate:
        probs.append(f"{r['mech']} {r['work']}: latency/rate fields not null where they do not apply")
    if r["work"] != "contended" and (r["repeats"] < 2 or r["spread"] is None):
        probs.append(f"{r['mech']} {r['work']}: no repeats/spread")
print(("ok" if not probs else "not ok") + " - bench smoke: JSON schema 2 (nulls, repeats, spread)"
      + ("" if not probs else " (" + "; ".join(probs[:3]) + ")"))
EOF
}

step_bench() {
	local f=$res/bench.tap out=$res/bench rc svg
	rm -rf "$out"
	mkdir -p "$out"
	"$build/tools/ipcx-bench" --smoke --json="$out/smoke.json" --plots "$out" \
		> "$out/table.txt" 2> "$out/stderr.txt"
	rc=$?
	[ $rc -eq 0 ] || cat "$out/stderr.txt"
	tap "$f" $rc "bench smoke: ipcx-bench --smoke ran (status $rc)"
	if [ -s "$out/smoke.json" ]; then
		bench_tap "$out/smoke.json" | tee -a "$f"
	else
		tap "$f" 1 "bench smoke: JSON results written"
	fi
	for svg in latency throughput locks; do
		grep -q '</svg>' "$out/$svg.svg" 2>/dev/null
		tap "$f" $? "bench smoke: plot $svg.svg written"
	done
	"$build/tools/ipcx-chan-fastpath" --quick > "$out/fastpath.txt" 2>&1
	rc=$?
	sed 's/^/# /' "$out/fastpath.txt"
	tap "$f" $rc "channel fast path natively: no kernel call while nobody waits (status $rc)"
	for b in ipcx-lock-fastpath ipcx-lock-fastpath-so; do
		"$build/tools/$b" --quick > "$out/$b.txt" 2>&1
		rc=$?
		sed 's/^/# /' "$out/$b.txt"
		tap "$f" $rc "$b: lock fast paths natively, no kernel call while uncontended or handed over (status $rc)"
	done
}

for s in $steps; do
	echo "=== check: $s"
	"step_$s"
done

# What the hardening tests counted, per kernel: TAP comment lines the
# selftests print (fault sites, bad-input cases, fuzz iterations, race
# rounds, kills survived, messages checked).
counts() {
	local t run
	for t in "$res"/*_test.tap; do
		[ -f "$t" ] || continue
		run=$(basename "$t")
		case $run in
		debug-*) run="6.1 debug" ;;
		[0-9]*) run=${run%-*_test.tap} ;;
		*) run=6.1 ;;
		esac
		grep -hE '^# (fault injection|bad-input catalogue|fuzz|soak|[a-z_]+_vs_[a-z_]+):|[0-9]+ messages, [0-9]+ producers' "$t" |
			sed "s|^# selftests/ipcx/[a-z_]*\.c:[0-9]*:[a-z0-9_]*:|# |;s|^# |  [$run] |"
	done
}
echo "=== counts"
counts

pass=$(cat "$res"/*.tap | grep -cE '^ok ')
fail=$(cat "$res"/*.tap | grep -cE '^not ok ')
skip=$(cat "$res"/*.tap | grep -E '^ok ' | grep -c '# SKIP')
echo "check: took $(( $(date +%s) - start ))s; results in $res"
echo "$((pass - skip)) passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
