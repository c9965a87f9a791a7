# SPDX-License-Identifier: GPL-2.0
# ipcx-fuzz (tools/fuzz/): random ioctl/mmap/netlink sequences against
# /dev/ipcx; selftests/ipcx/fuzz_test runs it in the VM. tools/fuzz/ipcx.txt
# is the syzkaller description (see tools/fuzz/README).

FUZZ_BIN := $(BUILD)/tools/ipcx-fuzz

TOOLS += $(FUZZ_BIN)

$(FUZZ_BIN): tools/fuzz/ipcx-fuzz.c $(LIB_A) lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) -o $@ $< $(LIB_A) $(NL_LIBS) -lpthread -lrt

# the wrapper execs it
$(BUILD)/selftests/fuzz_test: $(FUZZ_BIN)
