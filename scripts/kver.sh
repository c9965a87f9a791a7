#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the version of the Debian kernel the guest boots and modules build
# against: the one linux-headers-amd64 points at (not `uname -r`, which is the
# host's kernel). FLAVOUR=cloud-amd64 picks the cloud flavour.
flavour=${FLAVOUR:-amd64}
dep=$(dpkg-query -W -f='${Depends}' "linux-headers-$flavour" 2>/dev/null |
	sed -n "s/.*linux-headers-\([^ ,]*-$flavour\).*/\1/p")
if [ -z "$dep" ]; then
	# Fall back to the newest installed headers of that flavour.
	dep=$(ls -d /usr/src/linux-headers-*-"$flavour" 2>/dev/null | sort -V | tail -n 1 |
		sed 's|/usr/src/linux-headers-||')
fi
[ -n "$dep" ] || { echo "kver.sh: no linux-headers-$flavour installed (run make deps)" >&2; exit 1; }
echo "$dep"
