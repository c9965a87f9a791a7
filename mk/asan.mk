# SPDX-License-Identifier: GPL-2.0
# libipcx and its host unit tests built with AddressSanitizer (+ LeakSanitizer)
# and UBSan, apart from the normal objects (under $(BUILD)/asan); the tools
# too (the ipcx command, ipcx-bench): make check runs ipcx-bench --smoke and
# the command's error paths natively, and in the VM the selftests that run
# the command (IPCX_TOOL=) and ipcx-bench's ipcx rows (scripts/asan-guest.sh).
#
#   make check-asan     build and run them; any sanitizer report fails
#                       (also a step of make check)

ASAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=all
ASAN_DIR    := $(BUILD)/asan
ASAN_OBJS   := $(LIB_SRCS:lib/%.c=$(ASAN_DIR)/lib/%.o)
ASAN_A      := $(ASAN_DIR)/lib/libipcx.a
ASAN_TESTS  := $(LIBTEST_SRCS:lib/tests/%.c=$(ASAN_DIR)/tests/%)

$(ASAN_DIR)/lib/%.o: lib/%.c $(wildcard lib/*.h lib/channel/*.h) lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_A): $(ASAN_OBJS)
	rm -f $@
	ar rcs $@ $^

$(ASAN_DIR)/tests/%: lib/tests/%.c $(ASAN_A) lib/tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ $< $(ASAN_A) $(NL_LIBS) -lpthread

ASAN_TOOLS  := $(ASAN_DIR)/tools/ipcx $(ASAN_DIR)/tools/ipcx-bench
# (this fragment is read before ipcx.mk and bench.mk: its own lists)
ASAN_IPCX_OBJS  := $(patsubst tools/ipcx/%.c,$(ASAN_DIR)/tools/ipcx.d/%.o,$(wildcard tools/ipcx/*.c))
ASAN_BENCH_OBJS := $(patsubst tools/bench/%.c,$(ASAN_DIR)/tools/bench/%.o,$(wildcard tools/bench/*.c))

$(ASAN_DIR)/tools/ipcx.d/%.o: tools/ipcx/%.c tools/ipcx/ipcx.h lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_DIR)/tools/ipcx: $(ASAN_IPCX_OBJS) $(ASAN_A)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(NL_LIBS) -lpthread

$(ASAN_DIR)/tools/bench/%.o: tools/bench/%.c $(wildcard tools/bench/*.h) include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_DIR)/tools/ipcx-bench: $(ASAN_BENCH_OBJS) $(ASAN_A)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ $^ -lpthread

asan-tests: $(ASAN_TESTS) $(ASAN_TOOLS)

check: asan-tests

check-asan: deps asan-tests
	CHECK_STEPS=asan CHECK_RESULTS=$(BUILD)/check-asan $(TOP)/scripts/check.sh

.PHONY: asan-tests check-asan
