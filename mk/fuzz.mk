# SPDX-License-Identifier: GPL-2.0
# ipcx-fuzz (tools/fuzz/, one file per concern, fuzz.h between them): random ioctl/mmap/netlink sequences against
# /dev/ipcx; selftests/ipcx/fuzz_test runs it in the VM. tools/fuzz/ipcx.txt
# is the syzkaller description (see tools/fuzz/README).

FUZZ_BIN := $(BUILD)/tools/ipcx-fuzz

TOOLS += $(FUZZ_BIN)

FUZZ_SRCS := $(wildcard tools/fuzz/*.c)
FUZZ_OBJS := $(FUZZ_SRCS:tools/fuzz/%.c=$(BUILD)/tools/fuzz/%.o)

$(BUILD)/tools/fuzz/%.o: tools/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(FUZZ_OBJS) $(LIB_A) $(NL_LIBS) -lpthread -lrt

# the wrapper execs it
$(BUILD)/selftests/fuzz_test: $(FUZZ_BIN)
