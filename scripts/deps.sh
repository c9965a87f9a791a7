#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install from Debian's archive what ipcx needs to build and test. Idempotent:
# when everything is there it only runs dpkg-query. Never edits apt sources.
# dwarves: pahole, for the BTF of a module built against headers that ship
# vmlinux (bookworm-backports' 6.12 does). g++: the public header is checked
# as C++ too. iproute2: the guest brings its loopback up (the demo's TCP rows).
#
#   deps.sh          what make demo and make check need
#   deps.sh cross    the arm64 cross-build (make check's cross step asks):
#       gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, libnl-*:arm64,
#       qemu-user, for the library, the ipcx command and its unit tests
#       run under qemu-user (mk/cross.mk). The :arm64 packages need arm64
#       added to dpkg's architectures (multiarch), which apt then indexes
#       too, so only the check that needs them asks for them: make demo
#       never changes the machine's architectures.
set -eu

PKGS="make gcc g++ libc6-dev pkg-config perl python3 linux-headers-amd64 linux-image-amd64
linux-source-6.1 xz-utils qemu-system-x86 busybox-static kmod cpio udev
libnl-3-dev libnl-genl-3-dev dkms sparse gnuplot-nox
python3-requests python3-argcomplete python3-pkg-resources file
bc bison flex libelf-dev libssl-dev dwarves iproute2"
[ "${1:-}" = cross ] && PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
libnl-3-dev:arm64 libnl-genl-3-dev:arm64"

# NAME:ARCH wants that architecture; a plain NAME the native one (or all),
# whatever other architectures of it are installed too
native=$(dpkg --print-architecture)
missing=
for p in $PKGS; do
	case $p in
	*:*) want=${p#*:} ;;
	*) want="$native|all" ;;
	esac
	dpkg-query -W -f='${Architecture} ${db:Status-Status}\n' "$p" 2>/dev/null |
		grep -qxE "($want) installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$missing"
case $missing in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		$SUDO dpkg --add-architecture arm64 ;;
esac
$SUDO apt-get update -q
# --no-remove: an :arm64 library must never displace its amd64 twin
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
	--no-remove $missing
