#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install from Debian's archive what ipcx needs to build and test. Idempotent:
# when everything is there it only runs dpkg-query. Never edits apt sources.
# dwarves: pahole, for the BTF of a module built against headers that ship
# vmlinux (bookworm-backports' 6.12 does). g++: the public header is checked
# as C++ too. iproute2: the guest brings its loopback up (the demo's TCP rows).
set -eu

PKGS="make gcc g++ libc6-dev pkg-config perl python3 linux-headers-amd64 linux-image-amd64
linux-source-6.1 xz-utils qemu-system-x86 busybox-static kmod cpio udev
libnl-3-dev libnl-genl-3-dev dkms sparse gnuplot-nox
python3-requests python3-argcomplete python3-pkg-resources file
bc bison flex libelf-dev libssl-dev dwarves iproute2"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
