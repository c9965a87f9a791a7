#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scan a kernel log (file or stdin) for reports of kernel bugs. Prints every
# matching line with context and exits 1 when there is one, 0 when clean.
# The list follows what syzbot and the kernel's own detectors print.
PATTERNS='Oops|BUG:|BUG at|WARNING:|KASAN|UBSAN:|kernel BUG|general protection fault|'\
'possible circular locking dependency|possible recursive locking|'\
'inconsistent lock state|DEBUG_LOCKS_WARN_ON|INFO: possible|held lock freed|'\
'lock held when returning to user space|suspicious RCU usage|'\
'sleeping function called from invalid context|unreferenced object|'\
'hung task|blocked for more than|Call Trace:|stack-protector|'\
'refcount_t:|list_add corruption|list_del corruption|ODEBUG:|Kernel panic'
if grep -nE "$PATTERNS" "${1:--}" > /tmp/.dmesg-check.$$ 2>/dev/null; then
	echo "dmesg-check: kernel reported a problem:" >&2
	head -n 60 /tmp/.dmesg-check.$$ >&2
	rm -f /tmp/.dmesg-check.$$
	exit 1
fi
rm -f /tmp/.dmesg-check.$$
exit 0
