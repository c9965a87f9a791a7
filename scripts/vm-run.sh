#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command inside a guest booting a real Debian kernel under qemu TCG,
# with ipcx.ko installed so that `modprobe ipcx` works.
#
#   vm-run.sh [--kernel BZIMAGE] [--modules DIR] [--image-modules DIR]
#             [--timeout SECS] [--out DIR] [--memory SIZE] [--append ARGS]
#             [--env NAME=VALUE] [--boot-time SECS] [--numa MEM[,cpus=A[-B]]]...
#             -- COMMAND...
#
# --modules: where our .ko files are (default kernel/). --image-modules: the
# kernel image's own module tree, lib/modules/VERSION (default
# /lib/modules/VERSION; give it for a kernel unpacked elsewhere, e.g. the
# matrix's 6.12; a kernel with everything built in needs none). --env:
# export a variable to COMMAND in the guest (repeatable; plain values).
# --boot-time: how long booting and powering off may take on top of
# --timeout (default 120; a KASAN kernel on 9p needs ~4 min to boot).
# --numa: one emulated NUMA node of MEM (repeatable; vng's --numa, qemu's
# -numa node): the nodes' sizes must add up to --memory, e.g.
# --memory 2G --numa 1G,cpus=0-1 --numa 1G for numa_test (a node without
# CPUs: splitting the two vCPUs of qemu's one socket across nodes makes the
# kernel warn at boot, topology_sane()).
#
# The guest is started by virtme-ng (vng), the kernel community's runner: it
# boots the kernel on the host's own root filesystem (read-only 9p plus
# overlays), so the guest sees the build tree and the host's tools without an
# initramfs to assemble. /lib/modules is an overlay writable in the guest only.
# COMMAND's output streams to our stdout; kernel warnings and errors stream
# from the console (loglevel 4). Exit status: COMMAND's, or 98 when the
# guest's dmesg holds a kernel bug report, 124 on timeout, 97 when the guest
# never reported back (crash, panic). The guest always powers off.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$top/build}
kver=$("$here/kver.sh") || exit 1
kernel=/boot/vmlinuz-$kver
moddir=$top/kernel
limit=1200
out=$build/vm/out
memory=2G
append=
imgmods=
env=
numa=()
boot=120
verbose=${VM_VERBOSE:+--verbose}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--modules) moddir=$2; shift 2 ;;
	--image-modules) imgmods=$2; shift 2 ;;
	--env) env="${env}export $(printf '%q' "$2")
"; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--boot-time) boot=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--append) append="$append $2"; shift 2 ;;
	--numa) numa+=(--numa "$2"); shift 2 ;;
	--) shift; break ;;
	*) echo "vm-run: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "vm-run: no command given" >&2; exit 2; }
[ -r "$kernel" ] || { echo "vm-run: no kernel image $kernel (make deps)" >&2; exit 2; }
ls "$moddir"/*.ko >/dev/null 2>&1 || { echo "vm-run: no .ko in $moddir (make module)" >&2; exit 2; }

vng_root=$("$here/fetch-vng.sh" "$build/cache") || exit 1
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Index the modules on the host (depmod in the guest takes ~46 s over 9p):
# a tree whose kernel/ links to the image's own modules, plus ours in extra/.
gkver=$(file -bL "$kernel" | sed -n 's/.*version \([^ ]*\).*/\1/p')
[ -n "$gkver" ] || { echo "vm-run: cannot read the version of $kernel" >&2; exit 2; }
tree=$out/modtree/lib/modules/$gkver
imgmods=${imgmods:-/lib/modules/$gkver}
mkdir -p "$tree/extra"
cp "$moddir"/*.ko "$tree/extra/"
if [ -d "$imgmods/kernel" ]; then
	ln -s "$(cd "$imgmods/kernel" && pwd)" "$tree/kernel"
	cp "$imgmods"/modules.order "$imgmods"/modules.builtin* "$tree/"
else	# everything built in (the debug kernel): empty lists keep depmod quiet
	touch "$tree/modules.order" "$tree/modules.builtin" "$tree/modules.builtin.modinfo"
fi
/sbin/depmod -b "$out/modtree" "$gkver" || exit 1
moddir=$out/modtree
printf '%s%s\n' "$env" "$*" > "$out/cmd.sh"

echo "vm-run: booting $kernel (qemu TCG, 2 vCPUs) for: $*" >&2
start=$(date +%s)
# setsid + timeout: on timeout the whole group (python, qemu) is killed.
# qemu reopens /proc/self/fd/1 and 2 with O_TRUNC: were our output a file
# (a log), it would lose what was written before, so give it pipes.
PATH=$vng_root/usr/bin:$PATH PYTHONPATH=$vng_root/usr/lib/python3/dist-packages \
	setsid timeout -k 20 $((limit + boot)) /usr/bin/python3 "$vng_root/usr/bin/vng" \
	--run "$kernel" --disable-kvm --force-9p --cpus 2 --memory "$memory" "${numa[@]}" \
	--overlay-rwdir=/lib/modules --rwdir="$out=$out" $verbose \
	--append "loglevel=4 $append" \
	-- "$here/vm-guest.sh $out $moddir $limit" < /dev/null 2> >(cat >&2) | cat
rc=${PIPESTATUS[0]}
echo "vm-run: guest finished in $(( $(date +%s) - start ))s" >&2

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "vm-run: TIMEOUT: the guest did not finish in time" >&2
	exit 124
fi
if [ ! -f "$out/status" ]; then
	echo "vm-run: the guest never reported a status (crash or panic?), vng said $rc" >&2
	exit 97
fi
status=$(cat "$out/status")
if ! "$here/dmesg-check.sh" "$out/dmesg.txt" 2>/dev/null; then
	echo "vm-run: FAIL: kernel bug report in the guest's dmesg ($out/dmesg.txt)" >&2
	[ "$status" = 0 ] && status=98
fi
exit "$status"
