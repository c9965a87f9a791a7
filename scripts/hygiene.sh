#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build hygiene, checked on the host; prints TAP lines (make check's
# "hygiene" step). Each check stands for something a user meets first:
#  - parse: the Makefiles evaluate nothing that `make deps` installs while
#    they are parsed (on a fresh machine the first `make demo` would build
#    without libnl's flags); pkg-config and dpkg-query are replaced by
#    stubs that log each call, and parsing must call neither.
#  - header: libipcx.h (and the uapi header it includes) compiles on its
#    own under every standard C mode from C99 and C++ from C++11, with
#    -pedantic.
#  - deps: after a build, a changed header rebuilds what includes it
#    (lock_helpers.h -> mutex_test, libipcx.h -> the library's objects).
#  - version: VERSION is the one version number (Makefile, Kbuild and the
#    DKMS tree read it); libipcx.h's LIBIPCX_VERSION_MAJOR/MINOR, which must
#    be constants in the installed header, agree with it.
#  - man: every symbol lib/libipcx.map exports has a page in man/ (its own
#    or a .so alias), and the page it leads to names it in NAME.
#  - architecture: README's Architecture map names every kernel source
#    file, every folder of lib/ and tools/ and every top-level entry, so a
#    newcomer's map of the tree is the tree.
# Usage: hygiene.sh [TOP]
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

tap() {
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fails=$((fails + 1)); fi
}

mkdir -p "$tmp/stub"
for c in pkg-config dpkg-query apt-get; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\nexit 1\n' "$c" "$tmp" > "$tmp/stub/$c"
	chmod +x "$tmp/stub/$c"
done
PATH=$tmp/stub:$PATH make -n -s -f Makefile deps > /dev/null 2>&1
if [ -s "$tmp/calls" ]; then
	sed 's/^/# called while parsing: /' "$tmp/calls"
	tap 1 "parsing the Makefiles runs no package-dependent command"
else
	tap 0 "parsing the Makefiles runs no package-dependent command"
fi

printf '#include <libipcx.h>\nint main(void) { return ipcx_open_dev(0) < 0; }\n' > "$tmp/h.c"
for std in c99 c11 c17 gnu99 gnu11 gnu17; do
	gcc -std=$std -Wall -Wextra -Werror -pedantic -fsyntax-only \
		-Ilib/include -Iinclude/uapi "$tmp/h.c" > "$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out" | head -5
	tap $rc "libipcx.h compiles alone with -std=$std -pedantic"
done
cp "$tmp/h.c" "$tmp/h.cc"
for std in c++11 c++14 c++17 c++20; do
	g++ -std=$std -Wall -Wextra -Werror -pedantic -fsyntax-only \
		-Ilib/include -Iinclude/uapi "$tmp/h.cc" > "$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out" | head -5
	tap $rc "libipcx.h compiles alone as C++ with -std=$std -pedantic"
done
if ls build/selftests/*.d > /dev/null 2>&1; then
	for pair in selftests/ipcx/lock_helpers.h:selftests/mutex_test lib/include/libipcx.h:lib/static/mutex.o; do
		make -n -W "${pair%%:*}" lib selftests 2> /dev/null | grep -q -- "-o $top/build/${pair##*:} "
		tap $? "a change to ${pair%%:*} rebuilds build/${pair##*:}"
	done
else
	echo "ok - header dependencies # SKIP nothing built yet"
fi

ver=$(cat VERSION)
hdr=$(sed -n 's/^#define LIBIPCX_VERSION_MAJOR \([0-9]*\)$/\1/p' lib/include/libipcx.h).$(sed -n 's/^#define LIBIPCX_VERSION_MINOR \([0-9]*\)$/\1/p' lib/include/libipcx.h)
tap "$([ "$hdr" = "${ver%.*}" ]; echo $?)" "libipcx.h says version $hdr, VERSION says $ver"

missing=
for sym in $(grep -oE '\bipcx_[a-z0-9_]+' lib/libipcx.map | sort -u); do
	page=man/$sym.3
	if [ ! -f "$page" ]; then
		missing="$missing $sym"
		continue
	fi
	target=$(sed -n 's|^\.so man3/||p' "$page")
	[ -z "$target" ] || page=man/$target
	[ -f "$page" ] && sed -n '/^\.SH NAME/,/^\.SH/p' "$page" | grep -qw "$sym" ||
		missing="$missing $sym(not in NAME of $page)"
done
[ -z "$missing" ] || echo "# no man page for:$missing"
tap "$([ -z "$missing" ]; echo $?)" "every exported function has a man page"

sed -n '/^## Architecture/,/^## /p' README.md | sed -n '/^```/,/^```/p' > "$tmp/map"
missing=
for f in $(git ls-files kernel | grep -E '\.[ch]$|/Kbuild$'; git ls-files lib tools |
	   awk -F/ 'NF > 2 { print $1 "/" $2 "/" }' | sort -u;
	   git ls-files | grep -v '^\.' | awk -F/ '{ print (NF > 1 ? $1 "/" : $1) }' | sort -u); do
	name=${f#kernel/}
	case $f in lib/*/ | tools/*/) name=${f#*/} ;; esac
	case $name in
	*/) pat="(^|[ /(])${name//./\\.}" ;;
	*) pat="(^|[ /(])${name//./\\.}([ ,:;)]|\$)" ;;
	esac
	grep -qE "$pat" "$tmp/map" || missing="$missing $f"
done
[ -z "$missing" ] || echo "# not in README's Architecture map:$missing"
tap "$([ -z "$missing" ]; echo $?)" "README's Architecture map names every source file and folder"
[ $fails -eq 0 ]
