# SPDX-License-Identifier: GPL-2.0
# ipcx-chan-fastpath (tools/fastpath/): lib/channel/ linked against
# counting stand-ins for the kernel calls, to measure the channel's
# user-space fast path natively, where ipcx.ko cannot be loaded. A
# development tool: built with the tools, not installed.
#
#   make fastpath-native   run it here (FASTPATH_ARGS=--quick for a short run)
#
# ipcx-chan-fuzz (tools/fastpath/chan_fuzz*.c): the same lib/channel/ and
# stand-ins built with ASan+UBSan (mk/asan.mk's flags), under a peer that
# scribbles on the region; make check runs a short run (its asan step).
#
#   make chan-fuzz-long    a long run (CHAN_FUZZ_ARGS: --seed N, --iters N)
#
# ipcx-chan-states (tools/fastpath/chan_states.c): the same, built the same
# way, checking ipcx_channel(3)'s list of impossible states row by row
# (which give -EPROTO, what happens in the others); also make check's asan
# step.

FASTPATH_BIN  := $(BUILD)/tools/ipcx-chan-fastpath
CHAN_SRCS     := $(wildcard lib/channel/*.c)
FASTPATH_SRCS := tools/fastpath/chan_fastpath.c tools/fastpath/fastpath_chan.c tools/fastpath/fastpath_pipe.c tools/fastpath/kstubs.c $(CHAN_SRCS)
FASTPATH_ARGS ?=

tools: $(FASTPATH_BIN)

$(FASTPATH_BIN): $(FASTPATH_SRCS) $(wildcard tools/fastpath/*.h) lib/lock_internal.h lib/channel/channel.h \
		 lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Itools/fastpath -o $@ $(FASTPATH_SRCS)

fastpath-native: $(FASTPATH_BIN)
	$(FASTPATH_BIN) $(FASTPATH_ARGS)

CHAN_FUZZ_BIN  := $(BUILD)/asan/tools/ipcx-chan-fuzz
CHAN_FUZZ_SRCS := $(wildcard tools/fastpath/chan_fuzz*.c) tools/fastpath/kstubs.c $(CHAN_SRCS)
CHAN_FUZZ_ARGS ?= --iters 200000 --big 22

asan-tests: $(CHAN_FUZZ_BIN)

$(CHAN_FUZZ_BIN): $(CHAN_FUZZ_SRCS) $(wildcard tools/fastpath/*.h) lib/lock_internal.h lib/channel/channel.h \
		  lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -Ilib -Itools/fastpath -o $@ $(CHAN_FUZZ_SRCS) -lpthread

CHAN_STATES_BIN  := $(BUILD)/asan/tools/ipcx-chan-states
CHAN_STATES_SRCS := tools/fastpath/chan_states.c tools/fastpath/kstubs.c $(CHAN_SRCS)

asan-tests: $(CHAN_STATES_BIN)

$(CHAN_STATES_BIN): $(CHAN_STATES_SRCS) $(wildcard tools/fastpath/*.h) lib/lock_internal.h lib/channel/channel.h \
		    lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -Ilib -Itools/fastpath -o $@ $(CHAN_STATES_SRCS)

chan-fuzz-long: $(CHAN_FUZZ_BIN)
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(CHAN_FUZZ_BIN) $(CHAN_FUZZ_ARGS)

.PHONY: fastpath-native chan-fuzz-long

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
