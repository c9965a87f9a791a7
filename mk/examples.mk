# SPDX-License-Identifier: GPL-2.0
# examples/: complete programs that README quotes, one per concern (a
# region, a robust mutex with repair, a channel). Built with the tools
# against the in-tree library; scripts/install-check.sh builds them again
# with pkg-config against a DESTDIR install; selftests/ipcx/examples_test
# runs both in the VM. Not installed.

EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLES     := $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/examples/%)

TOOLS += $(EXAMPLES)

$(BUILD)/examples/%: examples/%.c $(LIB_A) lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(NL_LIBS) -lpthread
