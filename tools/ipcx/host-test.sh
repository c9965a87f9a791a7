#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ipcx command's grammar and messages, on the host, with no module
# (make check's "cli" step; prints TAP). IPCX_DEVICE points nowhere, so
# what needs the device finds it missing whatever the host has loaded.
# What needs the module is in selftests/ipcx/cli_test.c (the VM).
# Usage: host-test.sh [IPCX_BINARY]
set -u
ipcx=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/tools/ipcx}
export IPCX_DEVICE=/nonexistent/ipcx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0

# t WANT_STATUS WANT_OUT_RE WANT_ERR_RE DESCRIPTION -- ARGS...
t() {
	local want=$1 out_re=$2 err_re=$3 desc=$4 rc ok=0
	shift 5
	"$ipcx" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ "$rc" = "$want" ] || [[ "$want" == *"|"* && "|$want|" == *"|$rc|"* ]] || ok=1
	[ -z "$out_re" ] || grep -qE -- "$out_re" "$tmp/out" || ok=1
	[ -z "$err_re" ] || grep -qE -- "$err_re" "$tmp/err" || ok=1
	n=$((n + 1))
	if [ $ok = 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "# ipcx $*: exit $rc (want $want)"
		sed 's/^/# stdout: /' "$tmp/out" | head -5
		sed 's/^/# stderr: /' "$tmp/err" | head -5
		fails=$((fails + 1))
	fi
}

cmds="ls stat create rm locks waits top monitor limits version help"
for c in $cmds; do
	t 0 "^usage: ipcx $c " "" "ipcx $c --help prints the usage of $c" -- "$c" --help
	t 0 "^usage: ipcx $c " "" "ipcx $c -h prints the usage of $c" -- "$c" -h
	t 2 "" "ipcx $c: unrecognized option '--frobnicate'" \
		"ipcx $c --frobnicate: usage error naming the option" -- "$c" --frobnicate
done
t 2 "" "ipcx ls: unrecognized option '--mode'" \
	"ipcx ls --mode 600: --mode is create's, not ls's" -- ls --mode 600
t 2 "" "ipcx stat: invalid option '-x'" "ipcx stat -x: an unknown short option" -- stat -x
t 0 "^usage: ipcx stat " "" "ipcx help stat: stat's usage" -- help stat
t 2 "" "unknown command 'frobnicate'" "ipcx frobnicate: usage error" -- frobnicate
t 2 "" "^usage: ipcx " "ipcx alone: usage on stderr" --

# the version, with no module
t 0 "^ipcx [0-9]+\.[0-9]+" "" "ipcx --version works without the module" -- --version
t 0 "^ipcx [0-9]+\.[0-9]+" "" "ipcx -V works without the module" -- -V
t 3 "^ipcx [0-9]+\.[0-9]+.*libipcx" "not loaded" \
	"ipcx version: the tool's version, then exit 3 saying the module is not loaded" -- version
t 3 '^\{"tool": "[0-9.]+".*"module": null\}$' "" \
	"ipcx version --json: the tool's version, module null" -- version --json

# arguments and the rules they break
t 2 "" "invalid region name 'a/b'.*'/'" "ipcx create a/b 4K: usage error naming the rule" \
	-- create a/b 4K
t 2 "" "invalid region name.*longer than 255" "ipcx stat with a 256-byte name: usage error" \
	-- stat "$(printf 'a%.0s' $(seq 256))"
t 2 "" "invalid SIZE '0'" "ipcx create x 0: usage error naming SIZE's rule" -- create x 0
t 2 "" "invalid --mode '999'.*0777" "ipcx create --mode 999: the rule" -- create x 4K --mode 999
t 2 "" "invalid --lifetime 'forever'.*persistent" "ipcx create --lifetime forever: the choices" \
	-- create x 4K --lifetime forever
t 2 "" "option '--mode' needs a value" "ipcx create x 4K --mode: a missing value" \
	-- create x 4K --mode
t 2 "" "missing SIZE" "ipcx create x: missing SIZE" -- create x
t 2 "" "missing NAME" "ipcx stat: missing NAME" -- stat
t 2 "" "unexpected argument 'b'" "ipcx rm a b: one NAME only" -- rm a b
t 2 "" "invalid --interval '-1'" "ipcx top --interval -1: the rule" -- top --interval -1
t 2 "" "invalid --limit '0'" "ipcx top --limit 0: the rule" -- top --limit 0
t 2 "" "unknown column 'BOGUS'" "ipcx ls -o BOGUS: names the column" -- ls -o BOGUS
t 0 "SEALS" "" "ipcx ls -o help lists the columns" -- ls -o help
t 0 "LINKED" "" "ipcx stat -o help lists the columns, no NAME needed" -- stat -o help
t 0 "LAST-DEATH" "" "ipcx locks --output help lists the columns" -- locks --output help
t 0 "max_user_regions.*" "" "ipcx limits --help names the per-user budgets" -- limits --help
t 0 "RLIMIT_MEMLOCK" "" "ipcx limits --help names RLIMIT_MEMLOCK" -- limits --help
t 2 "" "unknown column 'BOGUS'" "ipcx locks -o BOGUS x: names the column" -- locks -o BOGUS x

# "--" ends the options: -x is a name; no module here, so exit 3 (1 if
# the module answers: no such region)
t "1|3" "" "module is not loaded|no such region" \
	"ipcx stat -- -x looks up the region '-x'" -- stat -- -x
t 3 "" "module is not loaded" "ipcx ls without the module: exit 3" -- ls
t 3 "" "not found: the ipcx module is not loaded" \
	"ipcx create without the device: exit 3 naming it" -- create x 4K
# options after arguments, as before
t 3 "" "module is not loaded" "ipcx stat NAME --json: options after the name" \
	-- stat x --json
t 2 "" "--json and --dot exclude each other" "ipcx waits --json --dot: one format" \
	-- waits --json --dot
t 2 "" "unexpected argument 'x'" "ipcx waits x: no arguments" -- waits x
t 2 "" "missing NAME" "ipcx locks --waiters: missing NAME" -- locks --waiters
t 3 "" "module is not loaded" "ipcx waits without the module: exit 3" -- waits
t 0 "Graphviz DOT" "" "ipcx waits --help names --dot" -- waits --help

# the wait-for graph's cycle finder (tools/ipcx/tests/waitgraph_test.c)
wgt=$(dirname "$ipcx")/ipcx.d/waitgraph_test
n=$((n + 1))
if "$wgt" > "$tmp/wg" 2>&1; then
	echo "ok $n - the wait-for graph's cycle finder ($(grep -c '^ok' "$tmp/wg") cases)"
else
	echo "not ok $n - the wait-for graph's cycle finder"
	sed 's/^/# /' "$tmp/wg"
	fails=$((fails + 1))
fi

echo "1..$n"
[ $fails = 0 ]
