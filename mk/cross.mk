# SPDX-License-Identifier: GPL-2.0
# libipcx (shared and static), the ipcx command and the library's host unit
# tests cross-built for arm64 with Debian's cross compiler
# (gcc-aarch64-linux-gnu), against arm64 libnl from Debian's multiarch
# packages (`scripts/deps.sh cross` installs both), under $(BUILD)/cross/. make
# check's "cross" step builds them and runs the unit tests under
# qemu-user: the library must not depend on x86 (it spins with
# lib/cpu_relax.h's hint). Nothing here is installed.
#
#   make cross    build them (CROSS=TRIPLET for another Debian cross
#                 compiler, whose libnl-genl-3-dev:ARCH must be installed)

CROSS        ?= aarch64-linux-gnu
CROSS_CC     ?= $(CROSS)-gcc
CROSS_AR     ?= $(CROSS)-ar
# the target's programs run on the target's libc from multiarch (libc6:ARCH,
# which libnl's :ARCH packages bring): with -L /usr/$(CROSS), the cross
# toolchain's copy, pthread_join() never returned under qemu-user 7.2
CROSS_QEMU   ?= qemu-$(firstword $(subst -, ,$(CROSS)))
CROSS_DIR    := $(BUILD)/cross/$(CROSS)
# libnl's flags for the target (its .pc files only); like NL_CFLAGS in the
# Makefile, computed in the first recipe that uses them, never at parse time
CROSS_PKG_CONFIG = PKG_CONFIG_LIBDIR=/usr/lib/$(CROSS)/pkgconfig:/usr/share/pkgconfig pkg-config
CROSS_NL_CFLAGS  = $(eval CROSS_NL_CFLAGS := $$(shell $(CROSS_PKG_CONFIG) --cflags libnl-genl-3.0))$(CROSS_NL_CFLAGS)
CROSS_NL_LIBS    = $(eval CROSS_NL_LIBS := $$(shell $(CROSS_PKG_CONFIG) --libs libnl-genl-3.0))$(CROSS_NL_LIBS)

CROSS_PIC    := $(LIB_SRCS:lib/%.c=$(CROSS_DIR)/lib/pic/%.o)
CROSS_OBJS   := $(LIB_SRCS:lib/%.c=$(CROSS_DIR)/lib/static/%.o)
CROSS_SO     := $(CROSS_DIR)/lib/libipcx.so.$(LIBVERSION)
CROSS_A      := $(CROSS_DIR)/lib/libipcx.a
CROSS_IPCX_OBJS := $(patsubst tools/ipcx/%.c,$(CROSS_DIR)/tools/ipcx.d/%.o,$(wildcard tools/ipcx/*.c))
CROSS_IPCX   := $(CROSS_DIR)/tools/ipcx
CROSS_TESTS  := $(LIBTEST_SRCS:lib/tests/%.c=$(CROSS_DIR)/tests/%)
LIB_HDRS     := $(wildcard lib/*.h) lib/include/libipcx.h include/uapi/linux/ipcx.h

cross: $(CROSS_SO) $(CROSS_A) $(CROSS_IPCX) $(CROSS_TESTS)

$(CROSS_DIR)/lib/pic/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CROSS_CC) $(ALL_CFLAGS) $(CROSS_NL_CFLAGS) $(LIB_PIC_CFLAGS) -c -o $@ $<

$(CROSS_DIR)/lib/static/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CROSS_CC) $(ALL_CFLAGS) $(CROSS_NL_CFLAGS) -c -o $@ $<

$(CROSS_SO): $(CROSS_PIC) lib/libipcx.map
	$(CROSS_CC) -shared -Wl,-soname,libipcx.so.$(SOVERSION) -Wl,-z,defs $(LIB_SO_LDFLAGS) \
		-Wl,--version-script=lib/libipcx.map -o $@ $(CROSS_PIC) $(CROSS_NL_LIBS) -lpthread

$(CROSS_A): $(CROSS_OBJS)
	rm -f $@
	$(CROSS_AR) rcs $@ $^

$(CROSS_DIR)/tools/ipcx.d/%.o: tools/ipcx/%.c tools/ipcx/ipcx.h lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CROSS_CC) $(ALL_CFLAGS) -c -o $@ $<

$(CROSS_IPCX): $(CROSS_IPCX_OBJS) $(CROSS_A)
	$(CROSS_CC) $(ALL_CFLAGS) -o $@ $(CROSS_IPCX_OBJS) $(CROSS_A) $(CROSS_NL_LIBS) -lpthread

$(CROSS_DIR)/tests/%: lib/tests/%.c $(CROSS_A) $(wildcard lib/tests/*.h)
	@mkdir -p $(@D)
	$(CROSS_CC) $(ALL_CFLAGS) -o $@ $< $(CROSS_A) $(CROSS_NL_LIBS) -lpthread

# run the cross-built unit tests here under qemu-user (make check's step
# does the same and records TAP)
cross-run: cross
	@for t in $(CROSS_TESTS); do echo "# $$t"; $(CROSS_QEMU) $$t || exit 1; done

.PHONY: cross cross-run
