# SPDX-License-Identifier: GPL-2.0
# ipcx-chan-fastpath (tools/fastpath/): lib/channel/ linked against
# counting stand-ins for the kernel calls (lib/tests/kstubs.c, shared with
# the channel's unit tests, mk/libtests.mk), to measure the channel's
# user-space fast path natively, where ipcx.ko cannot be loaded. A
# development tool: built with the tools, not installed.
#
#   make fastpath-native   run it here (FASTPATH_ARGS=--quick for a short run)

FASTPATH_BIN  := $(BUILD)/tools/ipcx-chan-fastpath
CHAN_SRCS     := $(wildcard lib/channel/*.c)
FASTPATH_SRCS := tools/fastpath/chan_fastpath.c tools/fastpath/fastpath_chan.c tools/fastpath/fastpath_pipe.c \
		 lib/tests/kstubs.c $(CHAN_SRCS)
FASTPATH_ARGS ?=

tools: $(FASTPATH_BIN)

$(FASTPATH_BIN): $(FASTPATH_SRCS) $(wildcard tools/fastpath/*.h) lib/tests/kstubs.h lib/lock_internal.h lib/channel/channel.h \
		 lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Ilib/tests -Itools/fastpath -o $@ $(FASTPATH_SRCS)

fastpath-native: $(FASTPATH_BIN)
	$(FASTPATH_BIN) $(FASTPATH_ARGS)

.PHONY: fastpath-native

# ipcx-lock-fastpath (tools/fastpath/lock_fastpath.c): libipcx's lock fast
# paths against pthread's, and a hand-off against a spinlock and a cache
# line, natively, the kernel's ioctl stood in for; built against the static
# library and (-so) the shared one, whose costs differ by what the .so adds.
#
#   make lock-fastpath     run both, one after the other
LOCK_FASTPATH_BIN    := $(BUILD)/tools/ipcx-lock-fastpath
LOCK_FASTPATH_SO_BIN := $(BUILD)/tools/ipcx-lock-fastpath-so

tools: $(LOCK_FASTPATH_BIN) $(LOCK_FASTPATH_SO_BIN)

$(LOCK_FASTPATH_BIN): tools/fastpath/lock_fastpath.c $(LIB_A) lib/cpu_relax.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(NL_LIBS) -lpthread

$(LOCK_FASTPATH_SO_BIN): tools/fastpath/lock_fastpath.c $(LIB_SO) lib/cpu_relax.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DIPCX_FASTPATH_LINK='"libipcx.so"' -o $@ $< \
		-L$(BUILD)/lib -l:$(notdir $(LIB_SO)) -Wl,-rpath,$(BUILD)/lib -lpthread

lock-fastpath: $(LOCK_FASTPATH_BIN) $(LOCK_FASTPATH_SO_BIN)
	$(LOCK_FASTPATH_BIN) $(LOCK_FASTPATH_ARGS) && $(LOCK_FASTPATH_SO_BIN) $(LOCK_FASTPATH_ARGS)

.PHONY: lock-fastpath
