#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch a Debian kernel for the matrix (default: 6.12 from bookworm-backports,
# generic flavour: virtme-ng needs its 9p) into CACHE/kernel-SUITE without
# touching the system's apt sources: a private sources file and state folder,
# `apt-get download`, `dpkg-deb -x`. Fixes the headers' Makefile that
# includes the common headers by absolute /usr/src path.
#
#   fetch-kernel.sh [CACHE] [SUITE]
#
# Prints three lines: the kernel image, the module build tree (KDIR) and
# the root of the image's modules (ROOT/lib/modules/VERSION/kernel).
set -eu
cache=${1:-build/cache}
suite=${2:-bookworm-backports}
flavour=${FLAVOUR:-amd64}
mkdir -p "$cache"
dst=$(cd "$cache" && pwd)/kernel-$suite
if [ -f "$dst/done" ]; then
	cat "$dst/done"
	exit 0
fi
rm -rf "$dst"
mkdir -p "$dst/lists/partial" "$dst/archives/partial" "$dst/debs" "$dst/root"
uri=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
	grep -v security | head -n 1 | tr -d ' ')
[ -n "$uri" ] || uri=http://deb.debian.org/debian
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$dst/sources.list"
APT=(-q -o "Dir::Etc::sourcelist=$dst/sources.list" -o Dir::Etc::sourceparts=-
     -o "Dir::State::Lists=$dst/lists" -o "Dir::Cache=$dst" -o Debug::NoLocking=1
     -o APT::Sandbox::User=root)
apt-get "${APT[@]}" update >&2
# The metapackages name the versioned packages: image -> linux-image-VER,
# headers -> linux-headers-VER (-> linux-headers-VER-common, linux-kbuild-X.Y).
dep() { apt-cache "${APT[@]}" depends "$1" | sed -n "s/^ *Depends: \($2\)$/\1/p" | head -n 1; }
img=$(dep "linux-image-$flavour" "linux-image-[0-9].*")
hdr=$(dep "linux-headers-$flavour" "linux-headers-[0-9].*")
common=$(dep "$hdr" "linux-headers-.*-common")
kbuild=$(dep "$hdr" "linux-kbuild-.*")
[ -n "$img" ] && [ -n "$hdr" ] && [ -n "$common" ] && [ -n "$kbuild" ] ||
	{ echo "fetch-kernel: cannot resolve packages in $suite" >&2; exit 1; }
echo "fetch-kernel: $img $hdr $common $kbuild" >&2
(cd "$dst/debs" && apt-get "${APT[@]}" download "$img" "$hdr" "$common" "$kbuild" >&2)
for d in "$dst"/debs/*.deb; do
	dpkg-deb -x "$d" "$dst/root"
done
kver=${img#linux-image-}
kver=${kver%-unsigned}
kdir=$dst/root/usr/src/linux-headers-$kver
# The arch headers' Makefile includes the common ones by absolute path.
sed -i "s|/usr/src/|$dst/root/usr/src/|g" "$kdir/Makefile"
[ -f "$dst/root/boot/vmlinuz-$kver" ] && [ -d "$dst/root/lib/modules/$kver/kernel" ] ||
	{ echo "fetch-kernel: $img did not unpack as expected" >&2; exit 1; }
printf '%s\n' "$dst/root/boot/vmlinuz-$kver" "$kdir" "$dst/root/lib/modules/$kver/kernel" > "$dst/done"
cat "$dst/done"
