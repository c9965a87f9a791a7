# SPDX-License-Identifier: GPL-2.0
# The channel's unit tests: lib/channel/ linked against stand-ins for the
# kernel calls it makes (lib/tests/kstubs.c: a mutex word holds its
# owner's id, an event wait really sleeps on a futex), not against
# libipcx.a, so every path of the ring can be driven on the host where
# ipcx.ko cannot be loaded. lib/tests/chan_*_test.c are built so (a rule
# more specific than the Makefile's lib/tests/% one, which links
# libipcx.a), natively, with ASan+UBSan (mk/asan.mk) and for arm64
# (mk/cross.mk): make check's lib, asan and cross steps run them with the
# other unit tests.
#
# ipcx-chan-fuzz (lib/tests/chan_fuzz*.c): the same lib/channel/ and
# stand-ins built with ASan+UBSan, under a peer that scribbles on the
# region; make check's asan step runs a short run.
#
#   make chan-fuzz-long    a long run (CHAN_FUZZ_ARGS: --seed N, --iters N)

CHAN_SRCS      := $(wildcard lib/channel/*.c)
CHAN_TEST_DEPS := lib/tests/kstubs.c $(CHAN_SRCS) $(wildcard lib/tests/*.h) lib/lock_internal.h \
		  lib/channel/channel.h lib/include/libipcx.h include/uapi/linux/ipcx.h
CHAN_TEST_SRCS  = $< lib/tests/kstubs.c $(CHAN_SRCS)

$(BUILD)/lib/tests/chan_%_test: lib/tests/chan_%_test.c $(CHAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ilib -Ilib/tests -o $@ $(CHAN_TEST_SRCS) -lpthread

$(ASAN_DIR)/tests/chan_%_test: lib/tests/chan_%_test.c $(CHAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -Ilib -Ilib/tests -o $@ $(CHAN_TEST_SRCS) -lpthread

$(CROSS_DIR)/tests/chan_%_test: lib/tests/chan_%_test.c $(CHAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CROSS_CC) $(ALL_CFLAGS) -Ilib -Ilib/tests -o $@ $(CHAN_TEST_SRCS) -lpthread

CHAN_FUZZ_BIN  := $(ASAN_DIR)/tests/ipcx-chan-fuzz
CHAN_FUZZ_SRCS := $(wildcard lib/tests/chan_fuzz*.c) lib/tests/kstubs.c $(CHAN_SRCS)
CHAN_FUZZ_ARGS ?= --iters 200000 --big 22

asan-tests: $(CHAN_FUZZ_BIN)

$(CHAN_FUZZ_BIN): $(CHAN_FUZZ_SRCS) $(CHAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -Ilib -Ilib/tests -o $@ $(CHAN_FUZZ_SRCS) -lpthread

chan-fuzz-long: $(CHAN_FUZZ_BIN)
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(CHAN_FUZZ_BIN) $(CHAN_FUZZ_ARGS)

.PHONY: chan-fuzz-long
