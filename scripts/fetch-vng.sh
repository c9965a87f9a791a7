#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fetch virtme-ng (the kernel community's VM runner) from Debian trixie into
# CACHE (default build/cache) without touching the system's apt sources:
# a private sources file and state folder, `apt-get download`, `dpkg-deb -x`.
# Prints the folder the package was extracted into.
set -eu
CACHE=${1:-build/cache}
dst=$CACHE/virtme-ng
if [ -x "$dst/root/usr/bin/vng" ]; then
	echo "$dst/root"
	exit 0
fi
mkdir -p "$dst/lists/partial" "$dst/archives/partial"
dst=$(cd "$dst" && pwd)
# Reuse the URI of the Debian entry already configured (deb822 or one-line).
uri=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
	grep -v security | head -n 1 | tr -d ' ')
[ -n "$uri" ] || uri=http://deb.debian.org/debian
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" > "$dst/sources.list"
APT="-q -o Dir::Etc::sourcelist=$dst/sources.list -o Dir::Etc::sourceparts=-
     -o Dir::State::Lists=$dst/lists -o Dir::Cache=$dst -o Debug::NoLocking=1
     -o APT::Sandbox::User=root"
apt-get $APT update >&2
(cd "$dst" && apt-get $APT download virtme-ng >&2)
dpkg-deb -x "$dst"/virtme-ng_*_all.deb "$dst/root"
echo "$dst/root"
