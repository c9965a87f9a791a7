# SPDX-License-Identifier: GPL-2.0
# ipcx-chan-fastpath (tools/fastpath/): lib/channel.c linked against
# counting stand-ins for the kernel calls, to measure the channel's
# user-space fast path natively, where ipcx.ko cannot be loaded. A
# development tool: built with the tools, not installed.
#
#   make fastpath-native   run it here (FASTPATH_ARGS=--quick for a short run)

FASTPATH_BIN  := $(BUILD)/tools/ipcx-chan-fastpath
FASTPATH_SRCS := $(wildcard tools/fastpath/*.c) lib/channel.c
FASTPATH_ARGS ?=

tools: $(FASTPATH_BIN)

$(FASTPATH_BIN): $(FASTPATH_SRCS) $(wildcard tools/fastpath/*.h) lib/lock_internal.h \
		 lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Itools/fastpath -o $@ $(FASTPATH_SRCS)

fastpath-native: $(FASTPATH_BIN)
	$(FASTPATH_BIN) $(FASTPATH_ARGS)

.PHONY: fastpath-native
